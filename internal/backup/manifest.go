// Package backup writes and restores the platform's backups and checks a
// data directory for damage (dijalog backup, restore, check).
//
// A backup is one tar file (gzip-compressed when its name ends in .gz or
// .tgz) whose first entry is manifest.json: the format, the binary's and
// the schema's versions, the database engine and, for every other entry,
// its path, size and SHA-256. Then comes the database, db/dijalog.sqlite (a
// consistent copy taken with VACUUM INTO while the server writes) or
// db/dijalog.pgdump (pg_dump's custom format, one snapshot), then every
// file under the uploads directory, uploads/<module>/<name>.
//
// The files are listed after the database is copied. Modules write an
// upload under its final name before the transaction that records it
// commits, and never change or remove it afterwards, so every file a row of
// the copy names is on disk when the list is made; a file written later is
// in the backup without a row, which is harmless.
//
// A restore reads and checks the whole archive (every size and checksum,
// the schema not newer than the binary's, the engine the configured one,
// the SQLite copy's integrity) into a staging directory beside the target
// before it touches anything; then it swaps the staged data in and puts the
// old data back if any step fails.
//
// The package is plumbing: it imports no domain. Modules say which files
// their rows name through a [FileSource] that internal/app wires.
package backup

import (
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"
)

// Format names the archive format; FormatVersion is its version. A restore
// refuses a version it does not know.
const (
	Format        = "dijalog-backup"
	FormatVersion = 1
)

// Entry names inside the archive.
const (
	manifestName  = "manifest.json"
	sqliteEntry   = "db/dijalog.sqlite"
	pgEntry       = "db/dijalog.pgdump"
	uploadsPrefix = "uploads/"
	maxManifest   = 256 << 20
)

// Manifest describes a backup; it is the archive's first entry.
type Manifest struct {
	Format        string    `json:"format"`
	FormatVersion int       `json:"format_version"`
	Version       string    `json:"dijalog_version"` // the binary that wrote it
	Schema        int64     `json:"schema_version"`  // highest applied migration
	Engine        string    `json:"engine"`          // "sqlite" or "postgres"
	PGSchema      string    `json:"pg_schema,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
	Files         []Entry   `json:"files"` // every other entry, in archive order
}

// Entry is one file of the archive.
type Entry struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// dbEntry is the database entry of an engine's backup.
func dbEntry(engine string) string {
	if engine == "postgres" {
		return pgEntry
	}
	return sqliteEntry
}

// ErrInvalid marks an archive that is not a complete, intact backup this
// binary can restore.
var ErrInvalid = errors.New("not a valid dijalog backup")

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// parseManifest reads and checks a manifest: the format, the engine, the
// schema against latest (the binary's highest migration) and the entries.
func parseManifest(b []byte, latest int64) (*Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, invalid("manifest: %v", err)
	}
	if m.Format != Format {
		return nil, invalid("manifest: format %q", m.Format)
	}
	if m.FormatVersion < 1 || m.FormatVersion > FormatVersion {
		return nil, invalid("format version %d; this binary reads version %d (use a newer dijalog)", m.FormatVersion, FormatVersion)
	}
	if m.Engine != "sqlite" && m.Engine != "postgres" {
		return nil, invalid("manifest: engine %q", m.Engine)
	}
	if m.Schema < 1 {
		return nil, invalid("manifest: schema version %d", m.Schema)
	}
	if m.Schema > latest {
		return nil, fmt.Errorf("%w: the backup's schema is version %d, this binary knows up to %d: restore it with the dijalog version that wrote it (%s) or a newer one", ErrNewerSchema, m.Schema, latest, m.Version)
	}
	seen := map[string]bool{}
	hasDB := false
	for _, e := range m.Files {
		if !validEntryPath(e.Path) {
			return nil, invalid("manifest: entry path %q", e.Path)
		}
		if seen[e.Path] {
			return nil, invalid("manifest: entry %q twice", e.Path)
		}
		seen[e.Path] = true
		if e.Size < 0 || len(e.SHA256) != 64 || strings.Trim(e.SHA256, "0123456789abcdef") != "" {
			return nil, invalid("manifest: entry %q: size or checksum", e.Path)
		}
		switch {
		case e.Path == dbEntry(m.Engine):
			hasDB = true
		case !strings.HasPrefix(e.Path, uploadsPrefix):
			return nil, invalid("manifest: unexpected entry %q", e.Path)
		}
	}
	if !hasDB {
		return nil, invalid("manifest: no database entry %s", dbEntry(m.Engine))
	}
	return &m, nil
}

// ErrNewerSchema: the backup was written by a binary with newer migrations.
var ErrNewerSchema = errors.New("the backup's schema is newer than this binary's")

// validEntryPath accepts a clean, relative, slash-separated path that stays
// inside the archive's tree and names nothing hidden.
func validEntryPath(p string) bool {
	if p == "" || len(p) > 1024 || path.Clean(p) != p || path.IsAbs(p) || strings.ContainsAny(p, "\\\x00") {
		return false
	}
	for _, part := range strings.Split(p, "/") {
		if part == "" || part == "." || part == ".." || strings.HasPrefix(part, ".") {
			return false
		}
	}
	return true
}
