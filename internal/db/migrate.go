package db

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"strconv"
	"strings"

	"github.com/dijalog/dijalog/migrations"
	"github.com/pressly/goose/v3"
)

// MigrationStatus is one migration's state.
type MigrationStatus struct {
	Version int64
	Name    string
	Applied bool
}

func (d *DB) provider(logger *slog.Logger) (*goose.Provider, error) {
	sub, err := fs.Sub(migrations.FS, string(d.dialect))
	if err != nil {
		return nil, fmt.Errorf("db: migrations for %s: %w", d.dialect, err)
	}
	gd := goose.DialectSQLite3
	if d.dialect == Postgres {
		gd = goose.DialectPostgres
	}
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	if logger != nil {
		opts = append(opts, goose.WithSlog(logger))
	}
	p, err := goose.NewProvider(gd, d.sql, sub, opts...)
	if err != nil {
		return nil, fmt.Errorf("db: migration provider: %w", err)
	}
	return p, nil
}

// MigrateUp applies every pending migration and returns how many ran.
func (d *DB) MigrateUp(ctx context.Context) (int, error) {
	p, err := d.provider(nil)
	if err != nil {
		return 0, err
	}
	res, err := p.Up(ctx)
	if err != nil {
		return len(res), fmt.Errorf("db.MigrateUp: %w", err)
	}
	return len(res), nil
}

// MigrateDown rolls back the most recent migration.
func (d *DB) MigrateDown(ctx context.Context) (int64, error) {
	p, err := d.provider(nil)
	if err != nil {
		return 0, err
	}
	res, err := p.Down(ctx)
	if err != nil {
		return 0, fmt.Errorf("db.MigrateDown: %w", err)
	}
	return res.Source.Version, nil
}

// MigrationStatus lists every known migration and whether it is applied.
func (d *DB) MigrationStatus(ctx context.Context) ([]MigrationStatus, error) {
	p, err := d.provider(nil)
	if err != nil {
		return nil, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("db.MigrationStatus: %w", err)
	}
	out := make([]MigrationStatus, 0, len(st))
	for _, s := range st {
		out = append(out, MigrationStatus{Version: s.Source.Version, Name: s.Source.Path, Applied: s.State == goose.StateApplied})
	}
	return out, nil
}

// Migrated reports whether no migration is pending (for /readyz).
func (d *DB) Migrated(ctx context.Context) (bool, error) {
	p, err := d.provider(nil)
	if err != nil {
		return false, err
	}
	pending, err := p.HasPending(ctx)
	if err != nil {
		return false, fmt.Errorf("db.Migrated: %w", err)
	}
	return !pending, nil
}

// SchemaVersion is the highest migration applied to the database (0 when
// none is). It only reads: unlike goose, it does not create the version
// table of a database that has none.
func (d *DB) SchemaVersion(ctx context.Context) (int64, error) {
	exists := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'goose_db_version'`
	if d.dialect == Postgres {
		exists = `SELECT COUNT(*) FROM (SELECT to_regclass('goose_db_version') AS t) x WHERE t IS NOT NULL`
	}
	var n int
	if err := d.QueryRowContext(ctx, exists).Scan(&n); err != nil {
		return 0, fmt.Errorf("db.SchemaVersion: %w", err)
	}
	if n == 0 {
		return 0, nil
	}
	var v int64
	if err := d.QueryRowContext(ctx, `SELECT COALESCE(MAX(version_id), 0) FROM goose_db_version`).Scan(&v); err != nil {
		return 0, fmt.Errorf("db.SchemaVersion: %w", err)
	}
	return v, nil
}

// LatestMigration is the highest migration this binary holds for an
// engine ("sqlite" or "postgres", as [DB.Engine] names it), read from the
// embedded files without a database: a restore compares a backup's schema
// with it before anything is opened.
func LatestMigration(engine string) (int64, error) {
	if engine != string(SQLite) && engine != string(Postgres) {
		return 0, fmt.Errorf("db.LatestMigration: unknown engine %q", engine)
	}
	names, err := fs.Glob(migrations.FS, engine+"/*.sql")
	if err != nil {
		return 0, fmt.Errorf("db.LatestMigration: %w", err)
	}
	var latest int64
	for _, n := range names {
		base := path.Base(n)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.ParseInt(num, 10, 64)
		if !ok || err != nil {
			return 0, fmt.Errorf("db.LatestMigration: %s is not named NNNNN_what.sql", n)
		}
		latest = max(latest, v)
	}
	return latest, nil
}
