package db_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func TestRebind(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, pg string }{
		{"SELECT 1", "SELECT 1"},
		{"SELECT * FROM t WHERE a = ? AND b = ?", "SELECT * FROM t WHERE a = $1 AND b = $2"},
		{"SELECT '?' , ? FROM t", "SELECT '?' , $1 FROM t"},
		{`SELECT "a?b", ?`, `SELECT "a?b", $1`},
		{"VALUES (?,?,?,?,?,?,?,?,?,?,?)", "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)"},
	}
	for _, tc := range tests {
		if got := db.Rebind(db.Postgres, tc.in); got != tc.pg {
			t.Errorf("Rebind(pg, %q) = %q, want %q", tc.in, got, tc.pg)
		}
		if got := db.Rebind(db.SQLite, tc.in); got != tc.in {
			t.Errorf("Rebind(sqlite, %q) changed it to %q", tc.in, got)
		}
	}
}

func TestStoreBasics(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ok, err := d.Migrated(ctx)
		if err != nil || !ok {
			t.Fatalf("Migrated = %v, %v; want true", ok, err)
		}
		now := db.Now()
		id, err := db.InsertID(ctx, d, `INSERT INTO users (public_id, email, display_name, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			"u1", "a@example.org", "A", "x", now, now)
		if err != nil {
			t.Fatalf("insert: %v", err)
		}
		_, err = d.ExecContext(ctx, `INSERT INTO users (public_id, email, display_name, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			"u2", "a@example.org", "B", "x", now, now)
		if !db.IsUniqueViolation(err) {
			t.Fatalf("duplicate e-mail: err = %v, want unique violation", err)
		}
		_, err = d.ExecContext(ctx, `INSERT INTO memberships (organisation_id, user_id, created_at, updated_at) VALUES (?, ?, ?, ?)`, 999, id, now, now)
		if !db.IsForeignKeyViolation(err) {
			t.Fatalf("missing organisation: err = %v, want foreign-key violation", err)
		}
		var got time.Time
		if err := d.QueryRowContext(ctx, `SELECT created_at FROM users WHERE id = ?`, id).Scan(&got); err != nil {
			t.Fatalf("select: %v", err)
		}
		if !got.Equal(now) {
			t.Errorf("created_at = %v, want %v", got, now)
		}
		// A failing transaction leaves nothing behind.
		boom := errors.New("boom")
		err = d.InTx(ctx, func(tx *db.Tx) error {
			if _, err := tx.ExecContext(ctx, `UPDATE users SET display_name = ? WHERE id = ?`, "changed", id); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx err = %v, want boom", err)
		}
		var name string
		if err := d.QueryRowContext(ctx, `SELECT display_name FROM users WHERE id = ?`, id).Scan(&name); err != nil || name != "A" {
			t.Fatalf("after rollback name = %q, %v; want A", name, err)
		}
		// Down then up again round-trips.
		if _, err := d.MigrateDown(ctx); err != nil {
			t.Fatalf("down: %v", err)
		}
		if n, err := d.MigrateUp(ctx); err != nil || n != 1 {
			t.Fatalf("up again = %d, %v", n, err)
		}
	})
}

func TestOpenSQLiteCreatesDir(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "nested", "dir", "x.db")
	d, err := db.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var mode string
	if err := d.QueryRowContext(context.Background(), "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
	var fk int
	if err := d.QueryRowContext(context.Background(), "PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys = %d, %v; want 1", fk, err)
	}
}
