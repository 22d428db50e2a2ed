package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/dijalog/dijalog/internal/db"
)

// Backup writes a consistent online copy of the database to the file dest
// while the platform keeps serving (see db.DB.BackupTo: SQLite only; for
// PostgreSQL the error says to use pg_dump).
func Backup(ctx context.Context, d *db.DB, dest string) error {
	if dest == "" {
		return errors.New("backup: --to FILE is required")
	}
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("backup: %s already exists; choose a new file name", dest)
	}
	return d.BackupTo(ctx, dest)
}

// Restore replaces the SQLite database at target with the backup src, after
// checking that src is a dijalog database. The platform must be stopped.
func Restore(ctx context.Context, src, target string) error {
	if db.IsPostgres(target) {
		return errors.New("restore into PostgreSQL: use pg_restore")
	}
	if _, err := os.Stat(src); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	check, err := sql.Open("sqlite", "file:"+src+"?mode=ro")
	if err != nil {
		return fmt.Errorf("restore: open %s: %w", src, err)
	}
	var n int
	qerr := check.QueryRowContext(ctx, `SELECT COUNT(*) FROM goose_db_version`).Scan(&n)
	var ic string
	if qerr == nil {
		qerr = check.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&ic)
	}
	check.Close()
	if qerr != nil || n == 0 {
		return fmt.Errorf("restore: %s is not a dijalog backup", src)
	}
	if ic != "ok" {
		return fmt.Errorf("restore: %s fails the integrity check: %s", src, ic)
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o750); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	tmp := target + ".restoring"
	if err := copyFile(src, tmp); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(target + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("restore: remove %s: %w", target+suffix, err)
		}
	}
	if err := os.Rename(tmp, target); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o640)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
