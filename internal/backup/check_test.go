package backup

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
)

// breakForeignKey stores a row whose foreign key points at nothing, past
// the database's own enforcement (SQLite: foreign_keys off on the
// connection; PostgreSQL: replication role, which skips the FK triggers).
func breakForeignKey(t *testing.T, d *db.DB) {
	t.Helper()
	ctx := context.Background()
	conn, err := d.SQL().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	off, on, insert := `PRAGMA foreign_keys = OFF`, `PRAGMA foreign_keys = ON`,
		`INSERT INTO grant_files (public_id, owner_kind, owner_id, field, filename, content_type, size, sha256, uploaded_by, created_at, updated_at)
VALUES ('orphan', 'call', 0, '', 'f', 'text/plain', 0, '', 987654, '2026-01-01 00:00:00', '2026-01-01 00:00:00')`
	if d.Engine() == "postgres" {
		off, on = `SET session_replication_role = replica`, `SET session_replication_role = DEFAULT`
	}
	for _, q := range []string{off, insert, on} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func TestCheckDatabase(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		t.Parallel()
		ctx := context.Background()
		for _, step := range []func(context.Context, *db.DB) ([]Finding, error){CheckSchema, CheckDatabase} {
			if fs, err := step(ctx, d); err != nil || len(fs) > 0 {
				t.Fatalf("a sound database: %v %v", fs, err)
			}
		}
		breakForeignKey(t, d)
		fs, err := CheckDatabase(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		if len(fs) != 1 || fs[0].Kind != "foreign-key" || !strings.Contains(fs[0].Detail, "grant_files") || !strings.Contains(fs[0].Detail, "users") {
			t.Errorf("findings %v, want one foreign key of grant_files to users", fs)
		}
		if _, err := d.MigrateDown(ctx); err != nil {
			t.Fatal(err)
		}
		fs, err = CheckSchema(ctx, d)
		if err != nil || len(fs) != 1 || !strings.Contains(fs[0].Detail, "migrate up") {
			t.Errorf("a pending migration: %v %v", fs, err)
		}
	})
}

// TestCheckSQLiteIntegrity: a damaged page is an integrity finding.
func TestCheckSQLiteIntegrity(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := dbtest.SQLite(t)
	if _, err := d.ExecContext(ctx, `CREATE TABLE filler (x TEXT)`); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 200; i++ {
		if _, err := d.ExecContext(ctx, `INSERT INTO filler VALUES (?)`, strings.Repeat("x", 900)); err != nil {
			t.Fatal(err)
		}
	}
	var root int64
	if err := d.QueryRowContext(ctx, `SELECT rootpage FROM sqlite_master WHERE name = 'filler'`).Scan(&root); err != nil {
		t.Fatal(err)
	}
	path := d.Path()
	d.Close()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	// The table's root page: its b-tree header scribbled over.
	if _, err := f.WriteAt([]byte{0x0d, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, (root-1)*4096); err != nil {
		t.Fatal(err)
	}
	f.Close()
	d2, err := db.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer d2.Close()
	fs, err := CheckDatabase(ctx, d2)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) == 0 || fs[0].Kind != "integrity" {
		t.Errorf("findings %v, want an integrity finding", fs)
	}
}

func TestCheckFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "good"), []byte("hello"), 0o640)
	os.WriteFile(filepath.Join(dir, "resized"), []byte("hello!"), 0o640)
	os.WriteFile(filepath.Join(dir, "rotten"), []byte("hellO"), 0o640)
	const hello = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
	refs := []struct {
		name string
		size int64
		sum  string
	}{
		{"good", 5, hello},
		{"good", -1, ""},
		{"gone", 5, hello},
		{"resized", 5, ""},
		{"rotten", 5, hello},
		{"../escape", -1, ""},
	}
	src := FileSource{Module: "grants", Dir: dir, Each: func(ctx context.Context, put func(string, int64, string, string) error) error {
		for i, r := range refs {
			if err := put(r.name, r.size, r.sum, "row "+string(rune('a'+i))); err != nil {
				return err
			}
		}
		return nil
	}}
	fs, err := CheckFiles(context.Background(), []FileSource{src})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"grants/gone (row c) is missing", "grants/resized (row d) has 6 bytes", "grants/rotten (row e): the checksum differs", "grants/../escape (row f): not a plain file name"}
	if len(fs) != len(want) {
		t.Fatalf("findings %v, want %d", fs, len(want))
	}
	for i, w := range want {
		if fs[i].Kind != "file" || !strings.HasPrefix(fs[i].Detail, w) {
			t.Errorf("finding %d = %v, want %q", i, fs[i], w)
		}
	}
}
