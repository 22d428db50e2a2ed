package db_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
)

// TestSchemaVersion: an empty database is at version 0 and stays without
// a version table (a backup or a check only reads); a migrated one is at
// the binary's latest migration.
func TestSchemaVersion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sqlite, err := db.Open(ctx, filepath.Join(t.TempDir(), "empty.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer sqlite.Close()
	for _, d := range []*db.DB{sqlite, dbtest.EmptyPostgres(t)} {
		latest, err := db.LatestMigration(d.Engine())
		if err != nil || latest < 16 {
			t.Fatalf("%s: LatestMigration = %d, %v", d.Engine(), latest, err)
		}
		if v, err := d.SchemaVersion(ctx); v != 0 || err != nil {
			t.Errorf("%s: empty: SchemaVersion = %d, %v", d.Engine(), v, err)
		}
		if v, _ := d.SchemaVersion(ctx); v != 0 {
			t.Errorf("%s: SchemaVersion created a version", d.Engine())
		}
		var tables int
		q := `SELECT COUNT(*) FROM sqlite_master WHERE name = 'goose_db_version'`
		if d.Engine() == "postgres" {
			q = `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'goose_db_version'`
		}
		if err := d.QueryRowContext(ctx, q).Scan(&tables); err != nil || tables != 0 {
			t.Errorf("%s: SchemaVersion created the version table (%d, %v)", d.Engine(), tables, err)
		}
		if _, err := d.MigrateUp(ctx); err != nil {
			t.Fatal(err)
		}
		if v, err := d.SchemaVersion(ctx); v != latest || err != nil {
			t.Errorf("%s: migrated: SchemaVersion = %d, %v; want %d", d.Engine(), v, err, latest)
		}
	}
	if _, err := db.LatestMigration("mysql"); err == nil {
		t.Error("LatestMigration of an unknown engine: no error")
	}
}
