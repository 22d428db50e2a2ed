package backup

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
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

// RestoreOptions say which backup goes where.
type RestoreOptions struct {
	From    string // the archive
	DB      string // the configured database: an SQLite path or a postgres:// URL
	Uploads string // the uploads directory (data/uploads); it may be missing
}

// ErrInUse: the SQLite database is open in another process (a running
// server); a restore needs it stopped.
var ErrInUse = errors.New("the database is in use: stop the server before a restore")

// Restore replaces the configured database and the uploads by the backup
// o.From. It checks the whole archive first and changes nothing when the
// archive is damaged, incomplete, of another engine or of a newer schema;
// when a later step fails the old data is put back.
func Restore(ctx context.Context, o RestoreOptions) (*Manifest, error) {
	engine := string(db.SQLite)
	if db.IsPostgres(o.DB) {
		engine = string(db.Postgres)
	}
	latest, err := db.LatestMigration(engine)
	if err != nil {
		return nil, err
	}
	if o.Uploads == "" {
		return nil, errors.New("restore: no uploads directory")
	}
	data := filepath.Dir(o.Uploads)
	if err := os.MkdirAll(data, 0o750); err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	stage, err := os.MkdirTemp(data, ".dijalog-restore-")
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	defer os.RemoveAll(stage)
	m, err := extract(ctx, o.From, engine, latest, stage)
	if err != nil {
		return nil, fmt.Errorf("restore %s: %w", o.From, err)
	}
	staged := filepath.Join(stage, filepath.FromSlash(dbEntry(engine)))
	if engine == string(db.Postgres) {
		err = restorePostgres(ctx, o, m, staged, filepath.Join(stage, "uploads"))
	} else {
		err = restoreSQLite(ctx, o, m, staged, filepath.Join(stage, "uploads"))
	}
	if err != nil {
		return nil, fmt.Errorf("restore %s: %w", o.From, err)
	}
	return m, nil
}

// extract reads the archive into dir, checking the manifest, every entry's
// size and checksum, and that nothing is missing or extra.
func extract(ctx context.Context, from, engine string, latest int64, dir string) (*Manifest, error) {
	f, err := os.Open(from)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	var r io.Reader = br
	if head, _ := br.Peek(16); string(head) == "SQLite format 3\x00" {
		return nil, invalid("it is a bare SQLite file, a database-only backup of an older dijalog without the uploads: with the server stopped, copy it over the database file (and remove its -wal and -shm files)")
	}
	var zr *gzip.Reader
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		if zr, err = gzip.NewReader(br); err != nil {
			return nil, invalid("gzip: %v", err)
		}
		r = zr
	}
	tr := tar.NewReader(r)
	hd, err := tr.Next()
	if err != nil || hd.Name != manifestName || hd.Size > maxManifest {
		return nil, invalid("it does not begin with %s", manifestName)
	}
	body, err := io.ReadAll(tr)
	if err != nil {
		return nil, invalid("manifest: %v", err)
	}
	m, err := parseManifest(body, latest)
	if err != nil {
		return nil, err
	}
	if m.Engine != engine {
		return nil, invalid("it holds a %s database and the configured database is %s", m.Engine, engine)
	}
	if err := os.MkdirAll(filepath.Join(dir, "uploads"), 0o750); err != nil {
		return nil, err
	}
	want := make(map[string]Entry, len(m.Files))
	for _, e := range m.Files {
		want[e.Path] = e
	}
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		hd, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, invalid("truncated or damaged: %v", err)
		}
		e, ok := want[hd.Name]
		if !ok || hd.Typeflag != tar.TypeReg {
			return nil, invalid("entry %q is not in the manifest (or twice in the archive)", hd.Name)
		}
		delete(want, hd.Name)
		if hd.Size != e.Size {
			return nil, invalid("%s: %d bytes, the manifest says %d", e.Path, hd.Size, e.Size)
		}
		if err := extractEntry(tr, e, filepath.Join(dir, filepath.FromSlash(e.Path))); err != nil {
			return nil, err
		}
	}
	if len(want) > 0 {
		for p := range want {
			return nil, invalid("truncated: %s and %d other entries of the manifest are missing", p, len(want)-1)
		}
	}
	if zr != nil {
		// The gzip trailer's checksum is checked when its end is read.
		if _, err := io.Copy(io.Discard, zr); err != nil {
			return nil, invalid("gzip: %v", err)
		}
	}
	return m, nil
}

// extractEntry writes one entry to file and checks its checksum.
func extractEntry(r io.Reader, e Entry, file string) error {
	if err := os.MkdirAll(filepath.Dir(file), 0o750); err != nil {
		return err
	}
	out, err := os.OpenFile(file, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
	if err != nil {
		return err
	}
	h := sha256.New()
	src := &readErr{r: r}
	n, err := io.Copy(io.MultiWriter(out, h), src)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	switch {
	case errors.Is(src.err, io.ErrUnexpectedEOF):
		return invalid("truncated in %s", e.Path)
	case src.err != nil:
		return invalid("damaged in %s: %v", e.Path, src.err)
	case err != nil:
		return fmt.Errorf("%s: %w", e.Path, err)
	}
	if n != e.Size || hex.EncodeToString(h.Sum(nil)) != e.SHA256 {
		return invalid("%s: the checksum differs from the manifest's (the file is damaged)", e.Path)
	}
	return nil
}

// readErr remembers the error of its reader (the archive), apart from
// those of the writer (the staging directory).
type readErr struct {
	r   io.Reader
	err error
}

func (e *readErr) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF {
		e.err = err
	}
	return n, err
}

// sqliteSchema opens an SQLite file read-only and returns its schema
// version (the highest applied migration).
func sqliteSchema(ctx context.Context, file string) (int64, error) {
	v, _, err := sqliteInspect(ctx, file, false)
	return v, err
}

// sqliteInspect reads an SQLite file's schema version and, with integrity,
// the result of its integrity check ("ok" when sound).
func sqliteInspect(ctx context.Context, file string, integrity bool) (int64, string, error) {
	conn, err := sql.Open("sqlite", "file:"+file+"?mode=ro")
	if err != nil {
		return 0, "", err
	}
	defer conn.Close()
	var v sql.NullInt64
	if err := conn.QueryRowContext(ctx, `SELECT MAX(version_id) FROM goose_db_version`).Scan(&v); err != nil {
		return 0, "", invalid("the database copy is not a dijalog database: %v", err)
	}
	ic := ""
	if integrity {
		rows, err := conn.QueryContext(ctx, `PRAGMA integrity_check`)
		if err != nil {
			return 0, "", invalid("the database copy fails the integrity check: %v", err)
		}
		lines, err := db.Collect(rows, nil, db.ScanString)
		if err != nil {
			return 0, "", invalid("the database copy fails the integrity check: %v", err)
		}
		ic = strings.Join(lines, "; ")
	}
	return v.Int64, ic, nil
}

// restoreSQLite checks the staged database and swaps it and the staged
// uploads in.
func restoreSQLite(ctx context.Context, o RestoreOptions, m *Manifest, staged, uploads string) error {
	v, ic, err := sqliteInspect(ctx, staged, true)
	if err != nil {
		return err
	}
	if ic != "ok" {
		return invalid("the database copy fails the integrity check: %s", ic)
	}
	if v != m.Schema {
		return invalid("the database copy is at schema %d, the manifest says %d", v, m.Schema)
	}
	target := sqliteFile(o.DB)
	if err := os.MkdirAll(filepath.Dir(target), 0o750); err != nil {
		return err
	}
	// The copy must lie beside the target for the swap to be a rename:
	// moved there, or copied when the database is on another filesystem.
	beside := filepath.Join(filepath.Dir(target), "."+filepath.Base(target)+".restoring")
	os.Remove(beside)
	if err := os.Rename(staged, beside); err != nil {
		if err := copyFile(staged, beside); err != nil {
			return err
		}
	}
	defer os.Remove(beside)
	staged = beside
	if err := quiesce(ctx, target); err != nil {
		return err
	}
	var s swap
	for _, p := range []string{target + "-wal", target + "-shm", target, o.Uploads} {
		if err := s.aside(p); err != nil {
			return s.undo(err)
		}
	}
	if err := s.move(staged, target); err != nil {
		return s.undo(err)
	}
	if err := s.move(uploads, o.Uploads); err != nil {
		return s.undo(err)
	}
	s.commit()
	return syncDir(filepath.Dir(target))
}

// quiesce makes sure no other connection has the SQLite file open and
// folds its write-ahead log into it: leaving WAL mode needs the only
// connection (a running server holds one).
func quiesce(ctx context.Context, file string) error {
	if _, err := os.Stat(file); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	conn, err := sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(2000)")
	if err != nil {
		return err
	}
	defer conn.Close()
	var mode string
	if err := conn.QueryRowContext(ctx, `PRAGMA journal_mode=DELETE`).Scan(&mode); err != nil || mode != "delete" {
		return fmt.Errorf("%w (%s)", ErrInUse, file)
	}
	return nil
}

// swap renames paths aside and staged data in; undo puts everything back
// in reverse order, commit removes what was set aside.
type swap struct {
	done [][2]string // renames made: from, to
	old  []string    // old data set aside, removed on commit
}

func (s *swap) move(from, to string) error {
	if err := os.Rename(from, to); err != nil {
		return err
	}
	s.done = append(s.done, [2]string{from, to})
	return nil
}

// aside renames an existing path to a hidden name beside it.
func (s *swap) aside(p string) error {
	if _, err := os.Lstat(p); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	old := filepath.Join(filepath.Dir(p), "."+filepath.Base(p)+".before-restore")
	if err := os.RemoveAll(old); err != nil {
		return err
	}
	if err := s.move(p, old); err != nil {
		return err
	}
	s.old = append(s.old, old)
	return nil
}

func (s *swap) undo(cause error) error {
	for i := len(s.done) - 1; i >= 0; i-- {
		if err := os.Rename(s.done[i][1], s.done[i][0]); err != nil {
			return fmt.Errorf("%w; and putting %s back failed: %v (the old data is at %s)", cause, s.done[i][0], err, s.done[i][1])
		}
	}
	s.done = nil
	return cause
}

func (s *swap) commit() {
	for _, p := range s.old {
		os.RemoveAll(p)
	}
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
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

// sqliteFile is the file of an SQLite setting, as db.Open reads it.
func sqliteFile(dsn string) string {
	p := strings.TrimPrefix(dsn, "file:")
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	return p
}
