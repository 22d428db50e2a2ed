package backup

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/dijalog/dijalog/internal/db"
)

// Options say what a backup holds and where it goes.
type Options struct {
	To      string // the archive to write; it must not exist
	Uploads string // the uploads directory (data/uploads); it may be missing
	Version string // the binary's version, recorded in the manifest
	// Gzip compresses the archive; by default it is chosen by To's name
	// (.gz, .tgz).
	Gzip *bool
}

// Write backs up d and the uploads into o.To while the platform keeps
// serving and writing. The archive appears under its name only when it is
// complete.
func Write(ctx context.Context, d *db.DB, o Options) (*Manifest, error) {
	if o.To == "" {
		return nil, errors.New("backup: no file to write to")
	}
	if _, err := os.Lstat(o.To); err == nil {
		return nil, fmt.Errorf("backup: %s already exists; choose a new file name", o.To)
	}
	dir := filepath.Dir(o.To)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	work, err := os.MkdirTemp(dir, ".dijalog-backup-")
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	defer os.RemoveAll(work)

	m := &Manifest{Format: Format, FormatVersion: FormatVersion, Version: o.Version, Engine: d.Engine(), CreatedAt: time.Now().UTC().Truncate(time.Second)}
	dbFile := filepath.Join(work, "db")
	if err := snapshot(ctx, d, dbFile, m); err != nil {
		return nil, fmt.Errorf("backup: database: %w", err)
	}
	if m.Schema < 1 {
		return nil, errors.New("backup: the database holds no dijalog schema (no migration applied): nothing to back up")
	}
	dbe, err := describe(dbFile, dbEntry(m.Engine))
	if err != nil {
		return nil, fmt.Errorf("backup: database: %w", err)
	}
	gz := strings.HasSuffix(o.To, ".gz") || strings.HasSuffix(o.To, ".tgz")
	if o.Gzip != nil {
		gz = *o.Gzip
	}
	tmp := filepath.Join(work, "archive")
	// The uploads are listed after the snapshot: every file one of its
	// rows names is on disk by now. Each is hard-linked as it is listed, so
	// that a file a module removes meanwhile (its transaction failed, no
	// row names it) is still there to copy. Where links are not possible a
	// file gone before it is copied makes the uploads listed again.
	for try := 1; ; try++ {
		ups, files, cleanup, err := listUploads(o.Uploads)
		if err != nil {
			return nil, fmt.Errorf("backup: uploads: %w", err)
		}
		files[dbe.Path] = dbFile
		m.Files = append([]Entry{dbe}, ups...)
		os.Remove(tmp)
		err = writeArchive(ctx, tmp, gz, m, func(e Entry) string { return files[e.Path] })
		cleanup()
		if err == nil {
			break
		}
		if !errors.Is(err, errVanished) || try == 3 {
			return nil, fmt.Errorf("backup: %w", err)
		}
	}
	if err := publish(tmp, o.To); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	return m, nil
}

// snapshot writes a consistent copy of the database to file and records
// its schema version in m.
func snapshot(ctx context.Context, d *db.DB, file string, m *Manifest) error {
	if m.Engine == "postgres" {
		return pgDump(ctx, d, file, m)
	}
	if err := d.BackupTo(ctx, file); err != nil {
		return err
	}
	v, err := sqliteSchema(ctx, file)
	if err != nil {
		return err
	}
	m.Schema = v
	return nil
}

// describe hashes one file into an entry.
func describe(file, name string) (Entry, error) {
	f, err := os.Open(file)
	if err != nil {
		return Entry{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return Entry{}, err
	}
	return Entry{Path: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// listUploads hashes every finished upload under root (regular files, not
// hidden, not a module's half-written "*.tmp") and returns, for each
// entry, the file to copy it from: a hard link in a hidden directory under
// root, which cleanup removes, or the upload itself where links fail.
func listUploads(root string) (out []Entry, files map[string]string, cleanup func(), err error) {
	files, cleanup = map[string]string{}, func() {}
	if root == "" {
		return nil, files, cleanup, nil
	}
	links := ""
	if _, err := os.Stat(root); err == nil {
		if links, err = os.MkdirTemp(root, ".backup-"); err != nil {
			links = ""
		} else {
			cleanup = func() { os.RemoveAll(links) }
		}
	}
	err = filepath.WalkDir(root, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // the root is missing, or a file went away
			}
			return err
		}
		name := de.Name()
		if p != root && strings.HasPrefix(name, ".") {
			if de.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if de.IsDir() || !de.Type().IsRegular() || strings.HasSuffix(name, ".tmp") {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		src := p
		if links != "" {
			src = filepath.Join(links, strconv.Itoa(len(out)))
			if err := os.Link(p, src); errors.Is(err, fs.ErrNotExist) {
				return nil // removed after a failed write: no row names it
			} else if err != nil {
				src = p
			}
		}
		e, err := describe(src, uploadsPrefix+filepath.ToSlash(rel))
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		if !validEntryPath(e.Path) {
			return fmt.Errorf("%s: a name the archive cannot hold", p)
		}
		out = append(out, e)
		files[e.Path] = src
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	if err != nil {
		cleanup()
	}
	return out, files, cleanup, err
}

// writeArchive writes the manifest and then every entry (read from
// source(e), checked against the manifest again) to file.
func writeArchive(ctx context.Context, file string, gz bool, m *Manifest, source func(Entry) string) (err error) {
	f, err := os.OpenFile(file, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	var w io.Writer = f
	var zw *gzip.Writer
	if gz {
		zw = gzip.NewWriter(f)
		w = zw
	}
	tw := tar.NewWriter(w)
	body, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := tw.WriteHeader(header(manifestName, int64(len(body)), m.CreatedAt)); err != nil {
		return err
	}
	if _, err := tw.Write(body); err != nil {
		return err
	}
	for _, e := range m.Files {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := copyEntry(tw, e, source(e), m.CreatedAt); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			return err
		}
	}
	return f.Sync()
}

func header(name string, size int64, at time.Time) *tar.Header {
	return &tar.Header{Name: name, Size: size, Mode: 0o640, ModTime: at, Typeflag: tar.TypeReg, Format: tar.FormatPAX}
}

// errVanished: a listed upload was removed before it was copied.
var errVanished = errors.New("removed while the backup was written")

// copyEntry writes one file into the archive and checks that it is still
// the file the manifest describes.
func copyEntry(tw *tar.Writer, e Entry, file string, at time.Time) error {
	f, err := os.Open(file)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s: %w", e.Path, errVanished)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", e.Path, err)
	}
	defer f.Close()
	if err := tw.WriteHeader(header(e.Path, e.Size, at)); err != nil {
		return err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tw, h), io.LimitReader(f, e.Size))
	if err != nil {
		return fmt.Errorf("%s: %w", e.Path, err)
	}
	if n != e.Size || hex.EncodeToString(h.Sum(nil)) != e.SHA256 {
		return fmt.Errorf("%s changed while the backup was written (uploads must not be edited in place)", e.Path)
	}
	return nil
}

// publish gives the finished archive its name, never replacing a file
// that appeared there meanwhile.
func publish(tmp, to string) error {
	if err := os.Link(tmp, to); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s already exists; choose a new file name", to)
		}
		// No hard links here: a rename, after one more look.
		if _, serr := os.Lstat(to); serr == nil {
			return fmt.Errorf("%s already exists; choose a new file name", to)
		}
		if err := os.Rename(tmp, to); err != nil {
			return err
		}
	}
	return syncDir(filepath.Dir(to))
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}
