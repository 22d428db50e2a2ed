package backup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/google/go-cmp/cmp"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// site is a platform's data: its database and its uploads directory.
type site struct {
	d       *db.DB
	dsn     string
	uploads string
}

// sqliteSite is a migrated SQLite database in a fresh data directory.
func sqliteSite(t *testing.T) site {
	d := dbtest.SQLite(t)
	return site{d: d, dsn: d.Path(), uploads: filepath.Join(filepath.Dir(d.Path()), "uploads")}
}

// postgresSite is a migrated PostgreSQL schema (dbtest's), with uploads in
// a fresh directory.
func postgresSite(t *testing.T) site {
	d := dbtest.Postgres(t)
	return site{d: d, dsn: d.DSN(), uploads: filepath.Join(t.TempDir(), "uploads")}
}

// writer writes like an uploading module: the file under its final name
// first, then, in one transaction, an account and the row that names the
// file. It records how many of its writes committed.
type writer struct {
	id      int
	site    site
	done    atomic.Int64 // writes committed
	failure atomic.Value
}

func (w *writer) name(i int64) string { return fmt.Sprintf("w%d-%05d", w.id, i) }

func (w *writer) write(ctx context.Context, i int64) error {
	body := []byte(strings.Repeat(fmt.Sprintf("writer %d file %d\n", w.id, i), int(i%7)+1))
	sum := sha256.Sum256(body)
	dir := filepath.Join(w.site.uploads, "grants")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	file := filepath.Join(dir, w.name(i))
	if err := os.WriteFile(file+".tmp", body, 0o640); err != nil {
		return err
	}
	if err := os.Rename(file+".tmp", file); err != nil {
		return err
	}
	return w.site.d.InTx(ctx, func(tx *db.Tx) error {
		now := db.Now()
		uid, err := db.InsertID(ctx, tx, `INSERT INTO users (public_id, email, display_name, password_hash, created_at, updated_at) VALUES (?, ?, ?, '', ?, ?) RETURNING id`,
			w.name(i), w.name(i)+"@example.org", "Writer", now, now)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO grant_files (public_id, owner_kind, owner_id, field, filename, content_type, size, sha256, uploaded_by, created_at, updated_at)
VALUES (?, 'call', 0, 'document', 'f.txt', 'text/plain', ?, ?, ?, ?, ?)`, w.name(i), len(body), hex.EncodeToString(sum[:]), uid, now, now)
		return err
	})
}

// run writes until ctx ends.
func (w *writer) run(ctx context.Context, wg *sync.WaitGroup) {
	defer wg.Done()
	for i := int64(1); ctx.Err() == nil; i++ {
		if err := w.write(context.Background(), i); err != nil {
			w.failure.Store(err)
			return
		}
		w.done.Store(i)
	}
}

// rollbacks writes files and removes them again, as a module does whose
// transaction failed after it stored the file: a backup that listed such
// a file must still succeed.
func rollbacks(ctx context.Context, wg *sync.WaitGroup, uploads string) {
	defer wg.Done()
	dir := filepath.Join(uploads, "dialogue")
	os.MkdirAll(dir, 0o750)
	for i := 0; ctx.Err() == nil; i++ {
		file := filepath.Join(dir, fmt.Sprintf("rolled-back-%d", i))
		os.WriteFile(file, []byte("a photo whose row was never committed"), 0o640)
		time.Sleep(200 * time.Microsecond)
		os.Remove(file)
	}
}

// TestBackupWhileWriting takes a backup while writers add files and rows,
// restores it into an empty place and compares: every table not written
// holds the same rows; the written ones hold an unbroken prefix of each
// writer's writes (a snapshot), within what had committed before and after
// the backup; every file a restored row names is there with the row's
// checksum; every file is the source's, byte for byte.
func TestBackupWhileWriting(t *testing.T) {
	t.Parallel()
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			src := sqliteSite(t)
			if engine == "postgres" {
				src = postgresSite(t)
			}
			writers := []*writer{{id: 1, site: src}, {id: 2, site: src}, {id: 3, site: src}}
			wctx, stop := context.WithCancel(ctx)
			var wg sync.WaitGroup
			for _, w := range writers {
				wg.Add(1)
				go w.run(wctx, &wg)
			}
			wg.Add(1)
			go rollbacks(wctx, &wg, src.uploads)
			// Let each writer commit a few writes first.
			for _, w := range writers {
				for w.done.Load() < 5 && w.failure.Load() == nil {
					time.Sleep(5 * time.Millisecond)
				}
			}
			before := make([]int64, len(writers))
			for i, w := range writers {
				before[i] = w.done.Load()
			}
			archive := filepath.Join(t.TempDir(), "site.tar.gz")
			m, err := Write(ctx, src.d, Options{To: archive, Uploads: src.uploads, Version: "test"})
			after := make([]int64, len(writers))
			for i, w := range writers {
				after[i] = w.done.Load()
			}
			// The writers go on a little after the backup, then stop.
			time.Sleep(20 * time.Millisecond)
			stop()
			wg.Wait()
			if err != nil {
				t.Fatalf("Write: %v", err)
			}
			for _, w := range writers {
				if f := w.failure.Load(); f != nil {
					t.Fatalf("writer %d: %v", w.id, f)
				}
			}
			if m.Engine != engine || m.Schema < 16 {
				t.Fatalf("manifest: engine %q schema %d", m.Engine, m.Schema)
			}

			dst := site{dsn: filepath.Join(t.TempDir(), "empty", "dijalog.db")}
			if engine == "postgres" {
				dst.dsn = dbtest.EmptyDatabase(t, src.dsn)
			}
			dst.uploads = filepath.Join(t.TempDir(), "restored", "uploads")
			if _, err := Restore(ctx, RestoreOptions{From: archive, DB: dst.dsn, Uploads: dst.uploads}); err != nil {
				t.Fatalf("Restore: %v", err)
			}
			if dst.d, err = db.Open(ctx, dst.dsn); err != nil {
				t.Fatal(err)
			}
			defer dst.d.Close()

			compareRestored(t, src, dst, writers, before, after)
		})
	}
}

// compareRestored checks a restored site against its source (see
// TestBackupWhileWriting).
func compareRestored(t *testing.T, src, dst site, writers []*writer, before, after []int64) {
	t.Helper()
	ctx := context.Background()
	have, want := dbtest.TableCounts(t, dst.d), dbtest.TableCounts(t, src.d)
	names, err := db.All(ctx, dst.d, db.ScanString, `SELECT public_id FROM grant_files ORDER BY public_id`)
	if err != nil {
		t.Fatal(err)
	}
	var restored int64
	for i, w := range writers {
		var k int64
		for _, n := range names {
			if strings.HasPrefix(n, fmt.Sprintf("w%d-", w.id)) {
				k++
				if n != w.name(k) {
					t.Fatalf("writer %d: write %s restored where %s belongs: not a snapshot", w.id, n, w.name(k))
				}
			}
		}
		if k < before[i] || k > after[i] {
			t.Errorf("writer %d: %d writes restored; %d had committed before the backup, %d after", w.id, k, before[i], after[i])
		}
		restored += k
		want["users"] -= w.done.Load() - k
		want["grant_files"] -= w.done.Load() - k
	}
	if restored == 0 {
		t.Fatal("no write of the writers was restored")
	}
	if diff := cmp.Diff(want, have); diff != "" {
		t.Errorf("row counts (-source at the snapshot, +restored):\n%s", diff)
	}
	srcFiles, dstFiles := dbtest.FileSums(t, src.uploads), dbtest.FileSums(t, dst.uploads)
	for p, sum := range dstFiles {
		if srcFiles[p] != sum && !strings.HasPrefix(p, "dialogue/rolled-back-") {
			t.Errorf("restored %s differs from the source's", p)
		}
	}
	rows, err := db.All(ctx, dst.d, func(s db.Scanner) ([2]string, error) {
		var r [2]string
		return r, s.Scan(&r[0], &r[1])
	}, `SELECT public_id, sha256 FROM grant_files`)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if got := dstFiles["grants/"+r[0]]; got != r[1] {
			t.Errorf("grants/%s: restored checksum %q, the row says %q", r[0], got, r[1])
		}
	}
	// Every file written before the backup began is in it.
	for i, w := range writers {
		for k := int64(1); k <= before[i]; k++ {
			if _, ok := dstFiles["grants/"+w.name(k)]; !ok {
				t.Errorf("grants/%s, written before the backup, is not restored", w.name(k))
			}
		}
	}
}

// TestCopyEntryVanished: a listed file that is gone when it is copied is
// errVanished (Write lists the uploads again), any other failure is not.
func TestCopyEntryVanished(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	archive := filepath.Join(dir, "a.tar")
	m := &Manifest{Files: []Entry{{Path: "uploads/news/gone", Size: 1, SHA256: strings.Repeat("0", 64)}}}
	err := writeArchive(context.Background(), archive, false, m, func(Entry) string { return filepath.Join(dir, "gone") })
	if !errors.Is(err, errVanished) {
		t.Fatalf("writeArchive of a vanished file = %v, want errVanished", err)
	}
	os.WriteFile(filepath.Join(dir, "changed"), []byte("xy"), 0o640)
	err = writeArchive(context.Background(), filepath.Join(dir, "b.tar"), false, m, func(Entry) string { return filepath.Join(dir, "changed") })
	if err == nil || errors.Is(err, errVanished) || !strings.Contains(err.Error(), "changed while the backup was written") {
		t.Fatalf("writeArchive of a changed file = %v", err)
	}
}
