package backup

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/dijalog/dijalog/internal/db"
)

// PostgreSQL is backed up with its own tools: pg_dump writes one
// consistent snapshot of the platform's schema (and the extensions it
// uses) in the custom format; a restore turns the archive into SQL with
// pg_restore and runs it with psql in one transaction, after a prelude
// that empties the schema, so a failure leaves the old data as it was.

// pgTool finds a PostgreSQL client program: on PATH, else the newest of
// Debian's /usr/lib/postgresql/*/bin.
func pgTool(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	if len(found) == 0 {
		return "", fmt.Errorf("%s is not installed (Debian: apt-get install postgresql-client)", name)
	}
	sort.Slice(found, func(i, j int) bool { return pgMajor(found[i]) < pgMajor(found[j]) })
	return found[len(found)-1], nil
}

func pgMajor(p string) int {
	n := 0
	fmt.Sscan(filepath.Base(filepath.Dir(filepath.Dir(p))), &n)
	return n
}

// libpqKeys are the connection parameters libpq's tools accept in a URL;
// pgxOnly are pgx's own. Any other parameter of the URL is a server
// setting (pgx sends it at connect), passed to the tools in PGOPTIONS.
var (
	libpqKeys = set("host", "hostaddr", "port", "dbname", "user", "passfile", "channel_binding", "connect_timeout", "client_encoding",
		"options", "application_name", "fallback_application_name", "keepalives", "keepalives_idle", "keepalives_interval",
		"keepalives_count", "tcp_user_timeout", "gssencmode", "sslmode", "requiressl", "sslcompression", "sslcert", "sslkey",
		"sslpassword", "sslrootcert", "sslcrl", "sslcrldir", "sslsni", "requirepeer", "ssl_min_protocol_version",
		"ssl_max_protocol_version", "krbsrvname", "gsslib", "service", "target_session_attrs", "load_balance_hosts")
	pgxOnly = set("statement_cache_capacity", "description_cache_capacity", "default_query_exec_mode", "servicefile",
		"min_read_buffer_size", "pool_max_conns", "pool_min_conns", "pool_max_conn_lifetime", "pool_max_conn_idle_time",
		"pool_health_check_period", "pool_max_conn_lifetime_jitter")
)

func set(keys ...string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}

// pgConn turns the platform's postgres:// URL into one libpq's tools
// accept, plus their environment: the password in PGPASSWORD (not on the
// command line, where every user of the machine could read it) and server
// settings such as search_path in PGOPTIONS.
func pgConn(dsn string) (string, []string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", nil, fmt.Errorf("database URL: %w", err)
	}
	env := os.Environ()
	if pw, ok := u.User.Password(); ok {
		env = append(env, "PGPASSWORD="+pw)
		u.User = url.User(u.User.Username())
	}
	q := u.Query()
	var opts []string
	if o := os.Getenv("PGOPTIONS"); o != "" {
		opts = append(opts, o)
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch {
		case libpqKeys[k]:
		case pgxOnly[k]:
			q.Del(k)
		default:
			v := strings.NewReplacer(`\`, `\\`, " ", `\ `).Replace(q.Get(k))
			opts = append(opts, "-c "+k+"="+v)
			q.Del(k)
		}
	}
	if len(opts) > 0 {
		env = append(env, "PGOPTIONS="+strings.Join(opts, " "))
	}
	u.RawQuery = q.Encode()
	return u.String(), env, nil
}

// runTool runs a client program; its error output is the error's text.
func runTool(ctx context.Context, env []string, name string, args ...string) error {
	bin, err := pgTool(name)
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w: %s", name, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// pgDump writes the platform's schema of d to file (custom format) and
// records its schema version in m. A migration during the dump fails it.
func pgDump(ctx context.Context, d *db.DB, file string, m *Manifest) error {
	before, err := d.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if before < 1 {
		return nil // Write refuses a database without the platform's schema
	}
	if err := d.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&m.PGSchema); err != nil {
		return fmt.Errorf("current schema: %w", err)
	}
	// The extensions the schema uses live in it or in public (pg_trgm).
	exts, err := db.All(ctx, d, db.ScanString, `SELECT e.extname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE n.nspname IN (?, 'public') AND e.extname <> 'plpgsql' ORDER BY e.extname`, m.PGSchema)
	if err != nil {
		return fmt.Errorf("extensions: %w", err)
	}
	dsn, env, err := pgConn(d.DSN())
	if err != nil {
		return err
	}
	args := []string{"--format=custom", "--file=" + file, "--schema=" + quoteIdent(m.PGSchema), "--no-password"}
	for _, e := range exts {
		args = append(args, "--extension="+quoteIdent(e))
	}
	if err := runTool(ctx, env, "pg_dump", append(args, "--dbname="+dsn)...); err != nil {
		return err
	}
	after, err := d.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if after != before {
		return fmt.Errorf("the schema changed from version %d to %d during the dump; take the backup again", before, after)
	}
	m.Schema = after
	return nil
}

// quoteIdent quotes a name for pg_dump's patterns and SQL.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// quoteLiteral quotes a string for SQL.
func quoteLiteral(s string) string { return `'` + strings.ReplaceAll(s, `'`, `''`) + `'` }

// restorePostgres swaps the staged uploads in and restores the staged dump
// into the configured database in one transaction; when that fails the
// old uploads are put back.
func restorePostgres(ctx context.Context, o RestoreOptions, m *Manifest, staged, uploads string) error {
	dsn, env, err := pgConn(o.DB)
	if err != nil {
		return err
	}
	d, err := db.Open(ctx, o.DB)
	if err != nil {
		return err
	}
	schema, err := targetSchema(ctx, d)
	d.Close()
	if err != nil {
		return err
	}
	if m.PGSchema != "" && schema != m.PGSchema {
		return fmt.Errorf("the backup holds schema %q and the configured database's search_path begins with %q", m.PGSchema, schema)
	}
	// The archive as SQL, written whole before anything runs: psql must
	// never commit the beginning of a script whose writer failed.
	dir := filepath.Dir(staged)
	list, script := filepath.Join(dir, "toc.list"), filepath.Join(dir, "restore.sql")
	if err := pgList(ctx, env, staged, list); err != nil {
		return invalid("pg_restore cannot read the dump: %v", err)
	}
	if err := runTool(ctx, env, "pg_restore", "--no-owner", "--no-privileges", "--use-list="+list, "--file="+script, staged); err != nil {
		return invalid("pg_restore cannot read the dump: %v", err)
	}
	prelude := filepath.Join(dir, "prelude.sql")
	if err := os.WriteFile(prelude, []byte(emptySchema(schema)), 0o600); err != nil {
		return err
	}
	var s swap
	if err := s.aside(o.Uploads); err != nil {
		return s.undo(err)
	}
	if err := s.move(uploads, o.Uploads); err != nil {
		return s.undo(err)
	}
	if err := runTool(ctx, env, "psql", "--no-psqlrc", "--quiet", "--no-password", "--single-transaction", "--set=ON_ERROR_STOP=1",
		"--file="+prelude, "--file="+script, "--dbname="+dsn); err != nil {
		return s.undo(fmt.Errorf("the database was left as it was: %w", err))
	}
	s.commit()
	return nil
}

// targetSchema is the schema the platform's tables go in on d: the first
// entry of its search_path ("$user" only when that schema exists), created
// by the restore when it does not exist yet.
func targetSchema(ctx context.Context, d *db.DB) (string, error) {
	var path, user string
	if err := d.QueryRowContext(ctx, `SELECT current_setting('search_path'), current_user`).Scan(&path, &user); err != nil {
		return "", fmt.Errorf("search_path: %w", err)
	}
	for _, e := range strings.Split(path, ",") {
		e = strings.TrimSpace(e)
		if strings.HasPrefix(e, `"`) && strings.HasSuffix(e, `"`) && len(e) >= 2 {
			e = strings.ReplaceAll(e[1:len(e)-1], `""`, `"`)
		}
		if e == "$user" {
			var n int
			if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_namespace WHERE nspname = ?`, user).Scan(&n); err != nil {
				return "", fmt.Errorf("search_path: %w", err)
			}
			if n == 0 {
				continue
			}
			e = user
		}
		if e != "" {
			return e, nil
		}
	}
	return "public", nil
}

// schemaEntry matches the table-of-contents lines of the schema itself
// (and its comment): the schema exists already and is emptied instead.
var schemaEntry = regexp.MustCompile(`^\d+; \d+ \d+ (SCHEMA - |COMMENT - SCHEMA )`)

// pgList writes the archive's table of contents without the schema's own
// entries, for pg_restore --use-list.
func pgList(ctx context.Context, env []string, archive, list string) error {
	bin, err := pgTool("pg_restore")
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, bin, "--list", archive)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("%w: %s", err, strings.TrimSpace(stderr.String()))
	}
	var b strings.Builder
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for sc.Scan() {
		line := sc.Text()
		if schemaEntry.MatchString(line) {
			line = ";" + line
		}
		b.WriteString(line + "\n")
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if !strings.Contains(b.String(), " TABLE DATA ") {
		return errors.New("the dump holds no table data")
	}
	return os.WriteFile(list, []byte(b.String()), 0o600)
}

// emptySchema is the restore's prelude: it creates the schema when it is
// missing and drops every table, view, sequence, routine and type in it
// that no extension owns, so that the restored schema holds exactly what
// the backup holds (a newer table left behind would break the next
// migration).
func emptySchema(schema string) string {
	lit := quoteLiteral(schema)
	return `SET client_min_messages = warning;
CREATE SCHEMA IF NOT EXISTS ` + quoteIdent(schema) + `;
DO $dijalog$
DECLARE r record;
BEGIN
    FOR r IN SELECT format('DROP %s IF EXISTS %I.%I CASCADE',
                CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE'
                    WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, n.nspname, c.relname) AS stmt
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = ` + lit + ` AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                              AND d.deptype IN ('e', 'a', 'i'))
            ORDER BY c.relkind = 'S', c.oid
    LOOP
        EXECUTE r.stmt;
    END LOOP;
    FOR r IN SELECT format('DROP ROUTINE IF EXISTS %s CASCADE', p.oid::regprocedure) AS stmt
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = ` + lit + ` AND p.prokind IN ('f', 'p')
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
    LOOP
        EXECUTE r.stmt;
    END LOOP;
    FOR r IN SELECT format('DROP TYPE IF EXISTS %I.%I CASCADE', n.nspname, t.typname) AS stmt
            FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
            WHERE n.nspname = ` + lit + ` AND t.typtype IN ('e', 'd', 'r')
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
    LOOP
        EXECUTE r.stmt;
    END LOOP;
END
$dijalog$;
`
}
