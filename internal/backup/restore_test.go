package backup

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/google/go-cmp/cmp"
)

// entry is one file of an archive, read back for a test to damage.
type entry struct {
	name string
	body []byte
}

func readArchive(t *testing.T, file string) []entry {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(file, ".gz") {
		if r, err = gzip.NewReader(f); err != nil {
			t.Fatal(err)
		}
	}
	tr := tar.NewReader(r)
	var out []entry
	for {
		hd, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, entry{hd.Name, b})
	}
}

func tarOf(t *testing.T, es []entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range es {
		if err := tw.WriteHeader(&tar.Header{Name: e.name, Size: int64(len(e.body)), Mode: 0o640, Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write(e.body)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// editManifest changes the manifest of es (the first entry).
func editManifest(t *testing.T, es []entry, edit func(m *Manifest)) []entry {
	t.Helper()
	var m Manifest
	if err := json.Unmarshal(es[0].body, &m); err != nil {
		t.Fatal(err)
	}
	edit(&m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	out := append([]entry{{manifestName, b}}, es[1:]...)
	return out
}

// rehash records each entry's true size and checksum in the manifest: the
// archive is self-consistent, whatever its entries hold.
func rehash(t *testing.T, es []entry) []entry {
	return editManifest(t, es, func(m *Manifest) {
		for i, f := range m.Files {
			for _, e := range es[1:] {
				if e.name == f.Path {
					sum := sha256.Sum256(e.body)
					m.Files[i].Size, m.Files[i].SHA256 = int64(len(e.body)), hex.EncodeToString(sum[:])
				}
			}
		}
	})
}

func replace(es []entry, name string, body []byte) []entry {
	out := make([]entry, len(es))
	copy(out, es)
	for i := range out {
		if out[i].name == name {
			out[i].body = body
		}
	}
	return out
}

func flip(b []byte) []byte {
	c := bytes.Clone(b)
	c[len(c)/2] ^= 0x5a
	return c
}

func gz(t *testing.T, b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// oldSite is the data a refused restore must leave alone: a database with
// a row of its own and an upload.
func oldSite(t *testing.T, dsn, uploads string) {
	t.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.MigrateUp(ctx); err != nil {
		t.Fatal(err)
	}
	now := db.Now()
	if _, err := d.ExecContext(ctx, `INSERT INTO users (public_id, email, display_name, password_hash, created_at, updated_at) VALUES ('old', 'old@example.org', 'Old', '', ?, ?)`, now, now); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(uploads, "news"), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(uploads, "news", "old-480.jpg"), []byte("the old image"), 0o640); err != nil {
		t.Fatal(err)
	}
}

// state is what a reader of the site sees: its rows and its files.
func state(t *testing.T, dsn, uploads string) (map[string]int64, []string, map[string]string) {
	t.Helper()
	d, err := db.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	users, err := db.All(context.Background(), d, db.ScanString, `SELECT email FROM users ORDER BY email`)
	if err != nil {
		t.Fatal(err)
	}
	return dbtest.TableCounts(t, d), users, dbtest.FileSums(t, uploads)
}

// goodArchive backs up a small site: one account and two uploads.
func goodArchive(t *testing.T, src site) string {
	t.Helper()
	w := &writer{id: 9, site: src}
	for i := int64(1); i <= 2; i++ {
		if err := w.write(context.Background(), i); err != nil {
			t.Fatal(err)
		}
	}
	archive := filepath.Join(t.TempDir(), "good.tar")
	if _, err := Write(context.Background(), src.d, Options{To: archive, Uploads: src.uploads, Version: "test"}); err != nil {
		t.Fatal(err)
	}
	return archive
}

// TestRestoreRefusesDamage: a damaged, truncated, incomplete or newer
// archive is refused before anything changes; the old data stays as it was
// and nothing is left behind.
func TestRestoreRefusesDamage(t *testing.T) {
	t.Parallel()
	src := sqliteSite(t)
	archive := goodArchive(t, src)
	raw, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	es := readArchive(t, archive)
	latest, _ := db.LatestMigration("sqlite")
	upload := es[2].name
	cases := []struct {
		name string
		data func() []byte
		want string
	}{
		{"byte flipped in the database", func() []byte { return tarOf(t, replace(es, sqliteEntry, flip(es[1].body))) }, "checksum differs"},
		{"byte flipped in an upload", func() []byte { return tarOf(t, replace(es, upload, flip(es[2].body))) }, "checksum differs"},
		{"truncated archive", func() []byte { return raw[:len(raw)/2] }, "truncated"},
		{"truncated to the manifest", func() []byte { return raw[:1024] }, "truncated"},
		{"truncated gzip", func() []byte { z := gz(t, raw); return z[:len(z)-20] }, "truncated"},
		{"gzip checksum wrong", func() []byte { z := gz(t, raw); z[len(z)-8] ^= 1; return z }, "gzip: invalid checksum"},
		{"wrong checksum in the manifest", func() []byte {
			return tarOf(t, editManifest(t, es, func(m *Manifest) { m.Files[1].SHA256 = strings.Repeat("0", 64) }))
		}, "checksum differs"},
		{"wrong size in the manifest", func() []byte {
			return tarOf(t, editManifest(t, es, func(m *Manifest) { m.Files[1].Size++ }))
		}, "the manifest says"},
		{"newer schema", func() []byte {
			return tarOf(t, editManifest(t, es, func(m *Manifest) { m.Schema = latest + 1 }))
		}, "newer"},
		{"newer format", func() []byte {
			return tarOf(t, editManifest(t, es, func(m *Manifest) { m.FormatVersion = FormatVersion + 1 }))
		}, "format version"},
		{"an entry missing", func() []byte { return tarOf(t, es[:len(es)-1]) }, "missing"},
		{"an entry not in the manifest", func() []byte {
			return tarOf(t, append(append([]entry{}, es...), entry{"uploads/grants/intruder", []byte("x")}))
		}, "not in the manifest"},
		{"an entry outside the tree", func() []byte {
			return tarOf(t, rehash(t, editManifest(t, append(append([]entry{}, es...), entry{"uploads/../../evil", []byte("x")}), func(m *Manifest) {
				m.Files = append(m.Files, Entry{Path: "uploads/../../evil"})
			})))
		}, "entry path"},
		{"no manifest first", func() []byte { return tarOf(t, es[1:]) }, "does not begin with"},
		{"not an archive", func() []byte { return []byte("dijalog backup, honestly") }, "not a valid dijalog backup"},
		{"a bare SQLite file (an older dijalog's backup)", func() []byte { return es[1].body }, "database-only backup of an older dijalog"},
		{"a PostgreSQL backup", func() []byte {
			return tarOf(t, rehash(t, editManifest(t, replace(es, sqliteEntry, nil), func(m *Manifest) {
				m.Engine = "postgres"
				m.Files[0].Path = pgEntry
			})))
		}, "it holds a postgres database and the configured database is sqlite"},
		{"a sound checksum over a broken database", func() []byte {
			return tarOf(t, rehash(t, replace(es, sqliteEntry, es[1].body[:len(es[1].body)/2])))
		}, "not a valid dijalog backup"},
		{"another engine", func() []byte {
			return tarOf(t, editManifest(t, es, func(m *Manifest) { m.Engine = "postgres" }))
		}, "not a valid dijalog backup"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			dsn, uploads := filepath.Join(dir, "dijalog.db"), filepath.Join(dir, "uploads")
			oldSite(t, dsn, uploads)
			rows, users, files := state(t, dsn, uploads)
			bad := filepath.Join(t.TempDir(), "bad.tar")
			if err := os.WriteFile(bad, tc.data(), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Restore(context.Background(), RestoreOptions{From: bad, DB: dsn, Uploads: uploads})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Restore = %v, want an error with %q", err, tc.want)
			}
			rows2, users2, files2 := state(t, dsn, uploads)
			if diff := cmp.Diff([]any{rows, users, files}, []any{rows2, users2, files2}); diff != "" {
				t.Errorf("the old data changed (-before +after):\n%s", diff)
			}
			left, _ := filepath.Glob(filepath.Join(dir, ".*"))
			if len(left) > 0 {
				t.Errorf("left behind: %v", left)
			}
		})
	}
	// The good archive itself restores over the old data.
	t.Run("good", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		dsn, uploads := filepath.Join(dir, "dijalog.db"), filepath.Join(dir, "uploads")
		oldSite(t, dsn, uploads)
		if _, err := Restore(context.Background(), RestoreOptions{From: archive, DB: dsn, Uploads: uploads}); err != nil {
			t.Fatal(err)
		}
		_, users, files := state(t, dsn, uploads)
		if diff := cmp.Diff([]string{"w9-00001@example.org", "w9-00002@example.org"}, users); diff != "" {
			t.Errorf("users (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(dbtest.FileSums(t, src.uploads), files); diff != "" {
			t.Errorf("uploads (-source +restored):\n%s", diff)
		}
		left, _ := filepath.Glob(filepath.Join(dir, ".*"))
		if len(left) > 0 {
			t.Errorf("left behind: %v", left)
		}
	})
}

// TestRestoreRefusesARunningServer: an SQLite database another connection
// holds open (a server) is not replaced under it.
func TestRestoreRefusesARunningServer(t *testing.T) {
	t.Parallel()
	archive := goodArchive(t, sqliteSite(t))
	dir := t.TempDir()
	dsn, uploads := filepath.Join(dir, "dijalog.db"), filepath.Join(dir, "uploads")
	oldSite(t, dsn, uploads)
	rows, users, files := state(t, dsn, uploads)
	server, err := db.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	_, err = Restore(context.Background(), RestoreOptions{From: archive, DB: dsn, Uploads: uploads})
	if !errors.Is(err, ErrInUse) {
		t.Fatalf("Restore = %v, want ErrInUse", err)
	}
	server.Close()
	rows2, users2, files2 := state(t, dsn, uploads)
	if diff := cmp.Diff([]any{rows, users, files}, []any{rows2, users2, files2}); diff != "" {
		t.Errorf("the old data changed (-before +after):\n%s", diff)
	}
}

// TestRestorePostgresFailureKeepsOldData: on PostgreSQL a dump that
// pg_restore cannot read is refused before anything changes, and a restore
// that fails inside the database (here: a read-only session) rolls back
// and puts the old uploads back.
func TestRestorePostgresFailureKeepsOldData(t *testing.T) {
	t.Parallel()
	src := postgresSite(t)
	archive := goodArchive(t, src)
	es := readArchive(t, archive)
	garbage := tarOf(t, rehash(t, replace(es, pgEntry, []byte("PGDMP but not really a dump"))))
	cases := []struct {
		name     string
		archive  func() string
		readOnly bool
		want     string
	}{
		{"unreadable dump", func() string {
			p := filepath.Join(t.TempDir(), "bad.tar")
			os.WriteFile(p, garbage, 0o600)
			return p
		}, false, "pg_restore cannot read the dump"},
		{"byte flipped in the dump", func() string {
			p := filepath.Join(t.TempDir(), "bad.tar")
			os.WriteFile(p, tarOf(t, replace(es, pgEntry, flip(es[1].body))), 0o600)
			return p
		}, false, "checksum differs"},
		{"the database refuses the writes", func() string { return archive }, true, "the database was left as it was"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dsn := dbtest.EmptyDatabase(t, src.dsn)
			uploads := filepath.Join(t.TempDir(), "uploads")
			oldSite(t, dsn, uploads)
			rows, users, files := state(t, dsn, uploads)
			target := dsn
			if tc.readOnly {
				u, _ := url.Parse(dsn)
				q := u.Query()
				q.Set("default_transaction_read_only", "on")
				u.RawQuery = q.Encode()
				target = u.String()
			}
			_, err := Restore(context.Background(), RestoreOptions{From: tc.archive(), DB: target, Uploads: uploads})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Restore = %v, want an error with %q", err, tc.want)
			}
			rows2, users2, files2 := state(t, dsn, uploads)
			if diff := cmp.Diff([]any{rows, users, files}, []any{rows2, users2, files2}); diff != "" {
				t.Errorf("the old data changed (-before +after):\n%s", diff)
			}
		})
	}
}

// TestSwapUndo: when a rename of the swap fails, the ones made are undone.
func TestSwapUndo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	old, staged := filepath.Join(dir, "uploads"), filepath.Join(dir, "staged")
	os.MkdirAll(old, 0o750)
	os.WriteFile(filepath.Join(old, "a"), []byte("old"), 0o640)
	var s swap
	if err := s.aside(old); err != nil {
		t.Fatal(err)
	}
	err := s.move(staged, old) // the staged directory does not exist
	if err == nil {
		t.Fatal("move of a missing directory succeeded")
	}
	if got := s.undo(err); got != err {
		t.Fatalf("undo = %v", got)
	}
	if b, err := os.ReadFile(filepath.Join(old, "a")); err != nil || string(b) != "old" {
		t.Fatalf("the old data is not back: %q %v", b, err)
	}
}
