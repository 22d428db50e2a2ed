// Package db opens the platform's database (embedded SQLite or PostgreSQL),
// runs the embedded migrations and hides the few dialect differences behind
// one small API, so that every domain package writes its SQL once.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
	"modernc.org/sqlite"
	_ "modernc.org/sqlite" // SQLite driver "sqlite"
)

// Dialect names the SQL dialect of an open database.
type Dialect string

// The two supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Querier is what stores need to run SQL: a *DB or a *Tx. Queries are written
// with '?' placeholders; they are rebound for PostgreSQL.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	Dialect() Dialect
	Has(Feature) bool
	LockRows() string
	ClaimRows() string
}

// DB is an open database of either dialect.
type DB struct {
	conn
	sql     *sql.DB
	path    string // SQLite file path; empty for PostgreSQL
	dsn     string
	writeMu sync.Mutex // SerializeWrites (SQLite)
}

// IsPostgres reports whether dsn names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open opens dsn: a postgres:// URL selects PostgreSQL, anything else is the
// path of an SQLite file (created, with its directory, if missing). The
// connection is checked before Open returns.
func Open(ctx context.Context, dsn string) (*DB, error) {
	d := &DB{dsn: dsn}
	var err error
	if IsPostgres(dsn) {
		d.dialect = Postgres
		d.sql, err = sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("db.Open: postgres: %w", err)
		}
		d.sql.SetMaxOpenConns(32)
		d.sql.SetMaxIdleConns(16)
		d.sql.SetConnMaxIdleTime(5 * time.Minute)
	} else {
		d.dialect = SQLite
		path := strings.TrimPrefix(dsn, "file:")
		if i := strings.IndexByte(path, '?'); i >= 0 {
			path = path[:i]
		}
		d.path = path
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("db.Open: create directory %q: %w", dir, err)
			}
		}
		q := url.Values{}
		q.Add("_pragma", "foreign_keys(1)")
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "busy_timeout(10000)")
		q.Add("_pragma", "synchronous(NORMAL)")
		q.Set("_txlock", "immediate")
		q.Set("_time_format", "datetime")
		d.sql, err = sql.Open("sqlite", "file:"+path+"?"+q.Encode())
		if err != nil {
			return nil, fmt.Errorf("db.Open: sqlite %q: %w", path, err)
		}
		d.sql.SetMaxOpenConns(8)
		d.sql.SetMaxIdleConns(8)
		d.sql.SetConnMaxIdleTime(0)
	}
	d.run = d.sql
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := d.sql.PingContext(pctx); err != nil {
		d.sql.Close()
		return nil, fmt.Errorf("db.Open: connect to %s database: %w", d.dialect, err)
	}
	return d, nil
}

// Path is the SQLite file's path ("" for PostgreSQL).
func (d *DB) Path() string { return d.path }

// DSN is the database's connection string, as configured (a PostgreSQL
// URL may hold a password: never log it; the backup hands it to pg_dump).
func (d *DB) DSN() string { return d.dsn }

// SQL exposes the underlying pool (for stats and the migrator).
func (d *DB) SQL() *sql.DB { return d.sql }

// Close closes the pool.
func (d *DB) Close() error { return d.sql.Close() }

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error { return d.sql.PingContext(ctx) }

// conn runs SQL written with '?' placeholders, rebound for PostgreSQL, on
// the pool (DB) or a transaction (Tx).
type conn struct {
	run interface {
		ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
		QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
		QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	}
	dialect Dialect
}

// Dialect reports which SQL dialect this database speaks.
func (c conn) Dialect() Dialect { return c.dialect }

// ExecContext runs a statement written with '?' placeholders.
func (c conn) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return c.run.ExecContext(ctx, Rebind(c.dialect, q), args...)
}

// QueryContext runs a query written with '?' placeholders.
func (c conn) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return c.run.QueryContext(ctx, Rebind(c.dialect, q), args...)
}

// QueryRowContext runs a one-row query written with '?' placeholders.
func (c conn) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return c.run.QueryRowContext(ctx, Rebind(c.dialect, q), args...)
}

// PrepareContext prepares a statement written with '?' placeholders on the
// pool (for read queries run often outside transactions).
func (d *DB) PrepareContext(ctx context.Context, q string) (*sql.Stmt, error) {
	return d.sql.PrepareContext(ctx, Rebind(d.dialect, q))
}

// Tx is a transaction of either dialect.
type Tx struct {
	conn
	tx *sql.Tx
}

// InTx runs fn in a transaction, committing when fn returns nil and rolling
// back otherwise (also on panic).
func (d *DB) InTx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	stx, err := d.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("db.InTx: begin: %w", err)
	}
	tx := &Tx{conn: conn{run: stx, dialect: d.dialect}, tx: stx}
	defer func() {
		if p := recover(); p != nil {
			_ = stx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = stx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = stx.Commit(); err != nil {
		return fmt.Errorf("db.InTx: commit: %w", err)
	}
	return nil
}

// Rebind turns '?' placeholders into PostgreSQL's $1, $2, ... outside of
// quoted strings and identifiers. SQLite queries are returned unchanged.
func Rebind(d Dialect, q string) string {
	if d != Postgres || strings.IndexByte(q, '?') < 0 {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	var quote byte
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return fmt.Sprint(n)
}

// IsUniqueViolation reports whether err comes from a unique or primary-key
// constraint in either dialect.
func IsUniqueViolation(err error) bool {
	// SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_PRIMARYKEY
	return violates(err, "23505", 2067, 1555)
}

// IsForeignKeyViolation reports whether err comes from a foreign-key constraint.
func IsForeignKeyViolation(err error) bool {
	return violates(err, "23503", 787) // SQLITE_CONSTRAINT_FOREIGNKEY
}

// violates reports whether err is PostgreSQL's SQLSTATE pgCode or one of
// SQLite's extended result codes.
func violates(err error, pgCode string, sqliteCodes ...int) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == pgCode
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return slices.Contains(sqliteCodes, se.Code())
	}
	return false
}

// Now is the current time as stored: UTC, whole seconds (SQLite keeps
// timestamps as fixed-width text, which then sorts and compares correctly).
func Now() time.Time { return time.Now().UTC().Truncate(time.Second) }

// Time normalises t for storage like Now.
func Time(t time.Time) time.Time { return t.UTC().Truncate(time.Second) }

// InsertID runs an INSERT that must end in "RETURNING id" and returns the id.
func InsertID(ctx context.Context, q Querier, query string, args ...any) (int64, error) {
	var id int64
	if err := q.QueryRowContext(ctx, query, args...).Scan(&id); err != nil {
		return 0, err
	}
	return id, nil
}
