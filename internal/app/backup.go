package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/dijalog/dijalog/internal/backup"
	"github.com/dijalog/dijalog/internal/config"
	"github.com/dijalog/dijalog/internal/db"
)

// UploadsRoot is the directory under which the modules keep uploaded
// files (uploads/<module>): in the data directory, else beside the SQLite
// file sqlitePath, else in the temporary directory.
func UploadsRoot(cfg *config.Config, sqlitePath string) string {
	base := ""
	if cfg != nil {
		base = cfg.Data
	}
	if base == "" && sqlitePath != "" {
		base = filepath.Dir(sqlitePath)
	}
	if base == "" {
		base = filepath.Join(os.TempDir(), "dijalog")
	}
	return filepath.Join(base, "uploads")
}

// Backup writes one archive with a consistent copy of the database and
// every uploaded file to the new file dest, while the platform keeps
// serving and writing (see internal/backup).
func Backup(ctx context.Context, d *db.DB, cfg *config.Config, dest string) (*backup.Manifest, error) {
	return backup.Write(ctx, d, backup.Options{To: dest, Uploads: UploadsRoot(cfg, d.Path()), Version: Version})
}

// Restore replaces the configured database and the uploads by the backup
// src after checking all of it; on SQLite the server must be stopped.
func Restore(ctx context.Context, cfg *config.Config, src string) (*backup.Manifest, error) {
	sqlitePath := ""
	if !db.IsPostgres(cfg.DB) {
		sqlitePath = cfg.DB
	}
	return backup.Restore(ctx, backup.RestoreOptions{From: src, DB: cfg.DB, Uploads: UploadsRoot(cfg, sqlitePath)})
}

// fileSources are the modules' uploaded files as their rows name them.
func (a *App) fileSources() []backup.FileSource {
	var out []backup.FileSource
	if g := a.grantsWiring.Grants; g != nil {
		out = append(out, backup.FileSource{Module: "grants", Dir: a.uploadsDir("grants"), Each: g.Applications.StoredFiles})
	}
	if d := a.dialogueWiring.Dialogue; d != nil {
		out = append(out, backup.FileSource{Module: "dialogue", Dir: a.uploadsDir("dialogue"), Each: d.Money.StoredFiles})
	}
	if n := a.newsWiring.News; n != nil {
		out = append(out, backup.FileSource{Module: "news", Dir: a.uploadsDir("news"), Each: n.Articles.StoredFiles})
	}
	return out
}

// Check looks for damage in the configured database and data directory:
// the schema's version, the database's integrity and foreign keys, then
// (on a sound database) the files behind rows and the search index. It
// changes nothing but what opening the platform does (pending search
// rebuilds, the mail outbox's delivery).
func Check(ctx context.Context, cfg *config.Config, log *slog.Logger) ([]backup.Finding, error) {
	d, err := db.Open(ctx, cfg.DB)
	if err != nil {
		return nil, err
	}
	var out []backup.Finding
	for _, step := range []func(context.Context, *db.DB) ([]backup.Finding, error){backup.CheckSchema, backup.CheckDatabase} {
		fs, err := step(ctx, d)
		if err != nil {
			d.Close()
			return out, err
		}
		out = append(out, fs...)
	}
	for _, f := range out {
		if f.Kind == "schema" || f.Kind == "integrity" {
			d.Close()
			return append(out, backup.Finding{Kind: "skipped", Detail: "files and search are checked on a sound, migrated database only"}), nil
		}
	}
	a, err := Build(d, cfg, log, nil)
	if err != nil {
		d.Close()
		return out, err
	}
	defer a.Close()
	more, err := a.checkModules(ctx)
	return append(out, more...), err
}

// checkModules checks the files behind rows and the search index.
func (a *App) checkModules(ctx context.Context) ([]backup.Finding, error) {
	out, err := backup.CheckFiles(ctx, a.fileSources())
	if err != nil {
		return out, err
	}
	drift, err := a.Search.Drift(ctx)
	if err != nil {
		return out, err
	}
	for _, dr := range drift {
		what := "the index holds %s %s and no record does"
		if dr.Missing {
			what = "%s %s is missing from the index"
		}
		out = append(out, backup.Finding{Kind: "search", Detail: fmt.Sprintf(what, dr.Type, dr.ID) + " (dijalog reindex rebuilds it)"})
	}
	return out, nil
}
