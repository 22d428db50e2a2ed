package db

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrNoOnlineBackup: the database has no online backup of its own here
// (PostgreSQL: use its own tools).
var ErrNoOnlineBackup = errors.New("backup of PostgreSQL: use pg_dump (e.g. pg_dump -Fc -f dijalog.dump \"$DIJALOG_DB\") and pg_restore")

// BackupTo writes a consistent online copy of an SQLite database to the new
// file dest (VACUUM INTO; its directory is created), while the database
// stays in use. For PostgreSQL it returns ErrNoOnlineBackup.
func (d *DB) BackupTo(ctx context.Context, dest string) error {
	if d.dialect != SQLite {
		return ErrNoOnlineBackup
	}
	if dir := filepath.Dir(dest); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return fmt.Errorf("backup: %w", err)
		}
	}
	if _, err := d.ExecContext(ctx, `VACUUM INTO ?`, dest); err != nil {
		return fmt.Errorf("backup: VACUUM INTO %s: %w", dest, err)
	}
	return nil
}
