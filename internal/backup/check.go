package backup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/dijalog/dijalog/internal/db"
)

// Finding is one piece of damage dijalog check found.
type Finding struct {
	Kind   string `json:"kind"` // "schema", "integrity", "foreign-key", "file", "search"
	Detail string `json:"detail"`
}

func (f Finding) String() string { return f.Kind + ": " + f.Detail }

// FileSource is one module's uploaded files as its rows name them. Each
// hands every referenced file to put: its name inside Dir, its size and
// SHA-256 when the row records them (-1 and "" when not), and the row that
// names it ("grant_files 12"), for the report.
type FileSource struct {
	Module string
	Dir    string
	Each   func(ctx context.Context, put func(name string, size int64, sha256, row string) error) error
}

// CheckSchema compares the database's schema version with the binary's.
func CheckSchema(ctx context.Context, d *db.DB) ([]Finding, error) {
	have, err := d.SchemaVersion(ctx)
	if err != nil {
		return nil, err
	}
	latest, err := db.LatestMigration(d.Engine())
	if err != nil {
		return nil, err
	}
	switch {
	case have < latest:
		return []Finding{{"schema", fmt.Sprintf("the database is at migration %d, this binary's latest is %d: run dijalog migrate up", have, latest)}}, nil
	case have > latest:
		return []Finding{{"schema", fmt.Sprintf("the database is at migration %d, newer than this binary's %d: use a newer dijalog", have, latest)}}, nil
	}
	return nil, nil
}

// CheckDatabase runs the engine's own integrity check (SQLite) and looks
// for rows whose foreign keys point at nothing (both engines: SQLite's
// checks can be switched off per connection, PostgreSQL's by a constraint
// added NOT VALID or triggers disabled during a load).
func CheckDatabase(ctx context.Context, d *db.DB) ([]Finding, error) {
	if d.Engine() == string(db.Postgres) {
		return checkPostgres(ctx, d)
	}
	var out []Finding
	lines, err := db.All(ctx, d, db.ScanString, `PRAGMA integrity_check`)
	if err != nil {
		return []Finding{{"integrity", err.Error()}}, nil
	}
	for _, l := range lines {
		if l != "ok" {
			out = append(out, Finding{"integrity", l})
		}
	}
	rows, err := d.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return nil, fmt.Errorf("foreign_key_check: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var table, parent string
		var rowid, fk any
		if err := rows.Scan(&table, &rowid, &parent, &fk); err != nil {
			return nil, err
		}
		out = append(out, Finding{"foreign-key", fmt.Sprintf("%s row %v refers to a %s row that does not exist", table, rowid, parent)})
	}
	return out, rows.Err()
}

// fkQuery lists the foreign keys of the platform's schema with their
// columns, quoted, in order.
const fkQuery = `SELECT c.conname, c.conrelid::regclass::text, c.confrelid::regclass::text, c.convalidated,
  array_to_string(ARRAY(SELECT quote_ident(a.attname) FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i), ','),
  array_to_string(ARRAY(SELECT quote_ident(a.attname) FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
    JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i), ',')
FROM pg_constraint c WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace ORDER BY 2, 1`

type foreignKey struct {
	name, table, parent string
	valid               bool
	cols, refs          []string
}

func checkPostgres(ctx context.Context, d *db.DB) ([]Finding, error) {
	fks, err := db.All(ctx, d, func(s db.Scanner) (foreignKey, error) {
		var k foreignKey
		var cols, refs string
		err := s.Scan(&k.name, &k.table, &k.parent, &k.valid, &cols, &refs)
		k.cols, k.refs = strings.Split(cols, ","), strings.Split(refs, ",")
		return k, err
	}, fkQuery)
	if err != nil {
		return nil, fmt.Errorf("foreign keys: %w", err)
	}
	var out []Finding
	for _, k := range fks {
		if !k.valid {
			out = append(out, Finding{"foreign-key", fmt.Sprintf("%s: constraint %s is not validated", k.table, k.name)})
		}
		// MATCH SIMPLE: a row with a NULL in the key refers to nothing.
		var notNull, join []string
		for i, c := range k.cols {
			notNull = append(notNull, "ch."+c+" IS NOT NULL")
			join = append(join, "p."+k.refs[i]+" = ch."+c)
		}
		q := `SELECT COUNT(*) FROM ` + k.table + ` ch WHERE ` + strings.Join(notNull, " AND ") +
			` AND NOT EXISTS (SELECT 1 FROM ` + k.parent + ` p WHERE ` + strings.Join(join, " AND ") + `)`
		var n int64
		if err := d.QueryRowContext(ctx, q).Scan(&n); err != nil {
			return nil, fmt.Errorf("foreign key %s: %w", k.name, err)
		}
		if n > 0 {
			out = append(out, Finding{"foreign-key", fmt.Sprintf("%s: %d row(s) refer to a %s row that does not exist (%s)", k.table, n, k.parent, k.name)})
		}
	}
	return out, nil
}

// CheckFiles looks for every file the modules' rows name: it must exist
// and have the recorded size and checksum.
func CheckFiles(ctx context.Context, sources []FileSource) ([]Finding, error) {
	var out []Finding
	for _, src := range sources {
		err := src.Each(ctx, func(name string, size int64, sum, row string) error {
			if f := checkFile(src, name, size, sum, row); f != "" {
				out = append(out, Finding{"file", f})
			}
			return ctx.Err()
		})
		if err != nil {
			return out, fmt.Errorf("files of %s: %w", src.Module, err)
		}
	}
	return out, nil
}

// checkFile returns what is wrong with one referenced file, or "".
func checkFile(src FileSource, name string, size int64, sum, row string) string {
	shown := src.Module + "/" + name + " (" + row + ")"
	if name == "" || name != filepath.Base(name) || strings.HasPrefix(name, ".") {
		return shown + ": not a plain file name"
	}
	f, err := os.Open(filepath.Join(src.Dir, name))
	if errors.Is(err, fs.ErrNotExist) {
		return shown + " is missing"
	}
	if err != nil {
		return shown + ": " + err.Error()
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return shown + " is not a regular file"
	}
	if size >= 0 && st.Size() != size {
		return fmt.Sprintf("%s has %d bytes, the row records %d", shown, st.Size(), size)
	}
	if sum == "" {
		return ""
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return shown + ": " + err.Error()
	}
	if got := hex.EncodeToString(h.Sum(nil)); !strings.EqualFold(got, sum) {
		return shown + ": the checksum differs from the recorded one (the file is damaged)"
	}
	return ""
}
