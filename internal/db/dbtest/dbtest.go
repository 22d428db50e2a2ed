// Package dbtest runs store tests against both real databases: a fresh SQLite
// file and a fresh PostgreSQL schema, each fully migrated.
//
// Every test package that uses it calls Main from its TestMain:
//
//	func TestMain(m *testing.M) { dbtest.Main(m) }
//
// PostgreSQL comes from DIJALOG_TEST_PG (default
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable). When nothing
// answers there, Main starts a throwaway cluster with Debian's initdb/pg_ctl
// in a temporary directory on a free port and stops it after the tests. Only
// when PostgreSQL is not installed at all does the run fail, saying how to
// install it; it never skips silently.
package dbtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dijalog/dijalog/internal/db"
)

// DefaultPG is the PostgreSQL server tried first when DIJALOG_TEST_PG is unset.
const DefaultPG = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// pgDSN is set by Main for the life of the test binary: the one piece of
// package state, since a throwaway cluster must outlive single tests.
var pgDSN string

// Main finds or starts PostgreSQL, runs the tests and stops what it started.
func Main(m *testing.M) {
	dsn, stop, err := findPostgres()
	if err != nil {
		fmt.Fprintln(os.Stderr, "dbtest:", err)
		os.Exit(1)
	}
	pgDSN = dsn
	code := m.Run()
	stop()
	os.Exit(code)
}

// PostgresDSN is the server Main found or started (for tests that need it directly).
func PostgresDSN(t testing.TB) string {
	t.Helper()
	if pgDSN == "" {
		t.Fatal("dbtest: call dbtest.Main(m) from TestMain in this package")
	}
	return pgDSN
}

func reachable(dsn string) bool {
	sdb, err := sql.Open("pgx", dsn)
	if err != nil {
		return false
	}
	defer sdb.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	return sdb.PingContext(ctx) == nil
}

func findPostgres() (string, func(), error) {
	dsn := os.Getenv("DIJALOG_TEST_PG")
	if dsn == "" {
		dsn = DefaultPG
	}
	if reachable(dsn) {
		return dsn, func() {}, nil
	}
	return startCluster()
}

// startCluster runs initdb and pg_ctl from the newest installed PostgreSQL.
func startCluster() (string, func(), error) {
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(bins) == 0 {
		if p, err := exec.LookPath("initdb"); err == nil {
			bins = []string{p}
		}
	}
	if len(bins) == 0 {
		return "", nil, fmt.Errorf("PostgreSQL is not reachable at %s and not installed; install it with `apt-get install -y postgresql` (or run .ci/run), or set DIJALOG_TEST_PG to a server", DefaultPG)
	}
	sort.Strings(bins)
	bin := filepath.Dir(bins[len(bins)-1])
	dir, err := os.MkdirTemp("", "dijalog-pg-")
	if err != nil {
		return "", nil, fmt.Errorf("temp dir for PostgreSQL: %w", err)
	}
	port, err := freePort()
	if err != nil {
		return "", nil, err
	}
	// initdb refuses to run as root: run the cluster as the postgres user then.
	var prefix []string
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return "", nil, fmt.Errorf("running as root and no postgres user to own a test cluster: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			return "", nil, fmt.Errorf("chown test cluster dir: %w", err)
		}
		prefix = []string{"runuser", "-u", "postgres", "--"}
	}
	run := func(name string, args ...string) error {
		argv := append(append([]string{}, prefix...), filepath.Join(bin, name))
		argv = append(argv, args...)
		cmd := exec.Command(argv[0], argv[1:]...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s: %w: %s", name, err, out)
		}
		return nil
	}
	data := filepath.Join(dir, "data")
	if err := run("initdb", "-D", data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"); err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off", port, dir)
	if err := run("pg_ctl", "-D", data, "-o", opts, "-l", filepath.Join(dir, "log"), "-w", "start"); err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	stop := func() {
		_ = run("pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
		os.RemoveAll(dir)
	}
	dsn := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
	if !reachable(dsn) {
		stop()
		return "", nil, fmt.Errorf("throwaway PostgreSQL cluster did not answer at %s", dsn)
	}
	return dsn, stop, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Each runs fn as two subtests, "sqlite" and "postgres", each with a fresh,
// fully migrated database that is removed when the subtest ends.
func Each(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		fn(t, SQLite(t))
	})
	t.Run("postgres", func(t *testing.T) {
		fn(t, Postgres(t))
	})
}

// SQLite opens a fresh, migrated SQLite database in t.TempDir().
func SQLite(t testing.TB) *db.DB {
	t.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatalf("dbtest: open sqlite: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := d.MigrateUp(ctx); err != nil {
		t.Fatalf("dbtest: migrate sqlite: %v", err)
	}
	return d
}

// Postgres opens a fresh, migrated PostgreSQL schema on the server found by Main.
func Postgres(t testing.TB) *db.DB {
	t.Helper()
	d := EmptyPostgres(t)
	if _, err := d.MigrateUp(context.Background()); err != nil {
		t.Fatalf("dbtest: migrate postgres: %v", err)
	}
	return d
}

// EmptyPostgres opens a fresh, empty PostgreSQL schema (not migrated).
func EmptyPostgres(t testing.TB) *db.DB {
	t.Helper()
	base := PostgresDSN(t)
	ctx := context.Background()
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		t.Fatalf("dbtest: create schema: %v", err)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("dbtest: parse %q: %v", base, err)
	}
	q := u.Query()
	// public stays on the path for extensions installed there (pg_trgm).
	q.Set("search_path", schema+",public")
	u.RawQuery = q.Encode()
	d, err := db.Open(ctx, u.String())
	if err != nil {
		t.Fatalf("dbtest: open postgres schema: %v", err)
	}
	t.Cleanup(func() {
		d.Close()
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil && !strings.Contains(err.Error(), "does not exist") {
			t.Errorf("dbtest: drop schema %s: %v", schema, err)
		}
		admin.Close()
	})
	return d
}

// User stores an account row (no password) and returns its id, for a test
// of a module that needs a person in the audit log or a foreign key
// without building the accounts service.
func User(t testing.TB, d *db.DB, publicID, email, name string) int64 {
	t.Helper()
	now := db.Now()
	id, err := db.InsertID(context.Background(), d, `INSERT INTO users (public_id, email, display_name, password_hash, created_at, updated_at) VALUES (?, ?, ?, '', ?, ?) RETURNING id`,
		publicID, email, name, now, now)
	if err != nil {
		t.Fatalf("dbtest.User(%s): %v", email, err)
	}
	return id
}

// EmptyDatabase creates an empty PostgreSQL database on the server Main
// found (for a restore, which empties its schema and so needs a database of
// its own) and returns its URL, with the search_path of like's URL when it
// has one. The database is dropped when the test ends.
func EmptyDatabase(t testing.TB, like string) string {
	t.Helper()
	ctx := context.Background()
	admin, err := sql.Open("pgx", PostgresDSN(t))
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "dijalog_test_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		t.Fatalf("dbtest: create database: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("dbtest: drop database %s: %v", name, err)
		}
		admin.Close()
	})
	u, err := url.Parse(PostgresDSN(t))
	if err != nil {
		t.Fatalf("dbtest: parse %q: %v", PostgresDSN(t), err)
	}
	u.Path = "/" + name
	q := u.Query()
	if l, err := url.Parse(like); err == nil && l.Query().Get("search_path") != "" {
		q.Set("search_path", l.Query().Get("search_path"))
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// TableCounts is every table's row count (the backup tests compare a restore with its source).
func TableCounts(t *testing.T, d *db.DB) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if d.Engine() == "postgres" {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	tables, err := db.All(ctx, d, db.ScanString, q)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, tb := range tables {
		var n int64
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+tb).Scan(&n); err != nil {
			t.Fatalf("count %s: %v", tb, err)
		}
		out[tb] = n
	}
	return out
}

// FileSums is every file under dir with its SHA-256, by slash path.
func FileSums(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		sum := sha256.Sum256(b)
		out[filepath.ToSlash(rel)] = hex.EncodeToString(sum[:])
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return out
}
