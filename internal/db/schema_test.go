package db_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
)

// The two dialects' migrations must build the same schema: the same
// tables, columns (types mapped, see columnType), nullability, primary
// keys, foreign keys, unique constraints and indexes. Only the full-text
// engines' own objects differ; they are listed here with the reason.
var (
	// sqliteOnly: FTS5 and its symmetric-delete vocabulary (internal/db/fts).
	sqliteOnly = map[string]string{
		"search_fts":         "FTS5 virtual table of the search index (PostgreSQL: search_docs.tsv)",
		"search_fts_data":    "FTS5 shadow table",
		"search_fts_idx":     "FTS5 shadow table",
		"search_fts_config":  "FTS5 shadow table",
		"search_fts_docsize": "FTS5 shadow table",
		"search_typos":       "the vocabulary's one-letter deletions for typo correction (PostgreSQL: pg_trgm on search_terms)",
	}
	// postgresOnly: the tsvector engine and its trigram vocabulary.
	postgresOnly = map[string]string{
		"search_docs.tsv":   "tsvector of the search index (SQLite: the FTS5 table search_fts)",
		"search_docs_tsv":   "GIN index of search_docs.tsv",
		"search_terms":      "vocabulary for pg_trgm typo correction (SQLite: search_typos)",
		"search_terms_trgm": "pg_trgm GIN index of search_terms",
	}
)

// schema is what the test compares of one migrated database.
type schema struct {
	Tables map[string]*table
}

type table struct {
	Columns     map[string]column
	PrimaryKey  string   // columns, comma-separated
	Uniques     []string // unique constraints: columns, comma-separated
	ForeignKeys []string // "cols -> table(cols) on delete ACTION"
	Indexes     map[string]index
}

type column struct {
	Type    string // mapped, see columnType
	NotNull bool
}

type index struct {
	Columns string // comma-separated; expressions as "(expr)"
	Unique  bool
	Partial bool
}

// columnType maps a declared type to the common name of its kind:
//
//	SQLite                     PostgreSQL                        common
//	INTEGER, INT, BIGINT       bigint, integer, smallint         integer
//	TEXT, VARCHAR(n)           text, character varying           text
//	CHAR(n)                    character(n)                      char
//	TIMESTAMP, DATETIME        timestamp with time zone          timestamp
//	REAL, DOUBLE               double precision, real            real
//	BLOB                       bytea                             blob
//	BOOLEAN                    boolean                           boolean
//	NUMERIC                    numeric                           numeric
//	DATE                       date                              date
func columnType(declared string) string {
	t := strings.ToLower(strings.TrimSpace(declared))
	if i := strings.IndexByte(t, '('); i >= 0 {
		t = strings.TrimSpace(t[:i])
	}
	switch t {
	case "integer", "int", "bigint", "smallint":
		return "integer"
	case "text", "varchar", "character varying":
		return "text"
	case "char", "character":
		return "char"
	case "timestamp", "datetime", "timestamp with time zone", "timestamptz":
		return "timestamp"
	case "real", "double", "double precision", "float":
		return "real"
	case "blob", "bytea":
		return "blob"
	case "boolean", "bool":
		return "boolean"
	}
	return t
}

func TestSchemasMatch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	lite, err := sqliteSchema(ctx, dbtest.SQLite(t))
	if err != nil {
		t.Fatal(err)
	}
	pg, err := postgresSchema(ctx, dbtest.Postgres(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, diff := range compareSchemas(lite, pg) {
		t.Error(diff)
	}
}

// TestSchemaComparisonFails: a table, column, index or nullability that
// only one dialect has is reported.
func TestSchemaComparisonFails(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	lite := dbtest.SQLite(t)
	pg := dbtest.Postgres(t)
	for _, stmt := range []string{
		`ALTER TABLE search_meta ADD COLUMN extra TEXT`,
		`CREATE INDEX search_meta_value ON search_meta (value)`,
		`CREATE TABLE only_here (id INTEGER PRIMARY KEY, meta_id INTEGER REFERENCES search_meta (id))`,
	} {
		if _, err := lite.ExecContext(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	for _, stmt := range []string{
		`ALTER TABLE search_meta ADD COLUMN pg_extra TEXT`,
		`ALTER TABLE search_meta ALTER COLUMN value DROP NOT NULL`,
	} {
		if _, err := pg.ExecContext(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	a, err := sqliteSchema(ctx, lite)
	if err != nil {
		t.Fatal(err)
	}
	b, err := postgresSchema(ctx, pg)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(compareSchemas(a, b), "\n")
	for _, want := range []string{"SQLite: column search_meta.extra", "SQLite: index search_meta_value", "SQLite: table only_here",
		"PostgreSQL: column search_meta.pg_extra", "PostgreSQL: column search_meta.value text null"} {
		if !strings.Contains(got, want) {
			t.Errorf("the difference %s is not reported; got:\n%s", want, got)
		}
	}
}

// compareSchemas lists the differences, leaving out the documented ones.
func compareSchemas(lite, pg schema) []string {
	var out []string
	for name, reason := range sqliteOnly {
		if lite.Tables[name] == nil {
			out = append(out, fmt.Sprintf("exception %s (%s) is not in SQLite any more: remove it from the list", name, reason))
		}
		delete(lite.Tables, name)
	}
	var tables []string // removed last: their indexes are exceptions too
	for name, reason := range postgresOnly {
		tbl, col, isCol := strings.Cut(name, ".")
		found := false
		switch {
		case isCol && pg.Tables[tbl] != nil:
			_, found = pg.Tables[tbl].Columns[col]
			delete(pg.Tables[tbl].Columns, col)
		case pg.Tables[name] != nil:
			found = true
			tables = append(tables, name)
		default:
			for _, t := range pg.Tables {
				if _, ok := t.Indexes[name]; ok {
					found = true
					delete(t.Indexes, name)
				}
			}
		}
		if !found {
			out = append(out, fmt.Sprintf("exception %s (%s) is not in PostgreSQL any more: remove it from the list", name, reason))
		}
	}
	for _, name := range tables {
		delete(pg.Tables, name)
	}
	a, b := lite.facts(), pg.facts()
	for _, f := range a {
		if !slices.Contains(b, f) {
			out = append(out, "only in SQLite: "+f)
		}
	}
	for _, f := range b {
		if !slices.Contains(a, f) {
			out = append(out, "only in PostgreSQL: "+f)
		}
	}
	return out
}

// facts lists the schema as sorted lines, one per table, column, key,
// constraint and index, each naming its table.
func (s schema) facts() []string {
	var out []string
	for name, t := range s.Tables {
		out = append(out, "table "+name, fmt.Sprintf("primary key %s(%s)", name, t.PrimaryKey))
		for col, c := range t.Columns {
			null := "null"
			if c.NotNull {
				null = "not null"
			}
			out = append(out, fmt.Sprintf("column %s.%s %s %s", name, col, c.Type, null))
		}
		for _, u := range t.Uniques {
			out = append(out, fmt.Sprintf("unique %s(%s)", name, u))
		}
		for _, fk := range t.ForeignKeys {
			out = append(out, fmt.Sprintf("foreign key %s: %s", name, fk))
		}
		for iname, i := range t.Indexes {
			out = append(out, fmt.Sprintf("index %s on %s(%s) unique=%v partial=%v", iname, name, i.Columns, i.Unique, i.Partial))
		}
	}
	sort.Strings(out)
	return out
}

func sqliteSchema(ctx context.Context, d *db.DB) (schema, error) {
	s := schema{Tables: map[string]*table{}}
	names, err := strings1(ctx, d, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'goose_db_version'`)
	if err != nil {
		return s, err
	}
	for _, name := range names {
		t, err := sqliteTable(ctx, d, name)
		if err != nil {
			return s, fmt.Errorf("table %s: %w", name, err)
		}
		s.Tables[name] = t
	}
	return s, nil
}

func sqliteTable(ctx context.Context, d *db.DB, name string) (*table, error) {
	t := &table{Columns: map[string]column{}, Indexes: map[string]index{}}
	var pk []string
	err := each(ctx, d, `SELECT name, type, "notnull", pk FROM pragma_table_info(?) ORDER BY pk`, []any{name}, func(scan func(...any) error) error {
		var col, typ string
		var notNull bool
		var pos int
		if err := scan(&col, &typ, &notNull, &pos); err != nil {
			return err
		}
		if pos > 0 {
			pk = append(pk, col)
			notNull = true // PostgreSQL: primary key columns are NOT NULL
		}
		t.Columns[col] = column{Type: columnType(typ), NotNull: notNull}
		return nil
	})
	if err != nil {
		return nil, err
	}
	t.PrimaryKey = strings.Join(pk, ",")
	type idx struct {
		name, origin    string
		unique, partial bool
	}
	var idxs []idx
	err = each(ctx, d, `SELECT name, "unique", origin, partial FROM pragma_index_list(?)`, []any{name}, func(scan func(...any) error) error {
		var i idx
		if err := scan(&i.name, &i.unique, &i.origin, &i.partial); err != nil {
			return err
		}
		idxs = append(idxs, i)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, i := range idxs {
		cols, err := strings1(ctx, d, `SELECT coalesce(name, '(expr)') FROM pragma_index_info(?) ORDER BY seqno`, i.name)
		if err != nil {
			return nil, err
		}
		switch i.origin {
		case "pk":
		case "u":
			t.Uniques = append(t.Uniques, strings.Join(cols, ","))
		default:
			t.Indexes[i.name] = index{Columns: strings.Join(cols, ","), Unique: i.unique, Partial: i.partial}
		}
	}
	fks := map[int]*[4]string{} // from, table, to, on delete
	var ids []int
	err = each(ctx, d, `SELECT id, "table", "from", "to", on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq`, []any{name}, func(scan func(...any) error) error {
		var id int
		var ref, from, to, onDelete string
		if err := scan(&id, &ref, &from, &to, &onDelete); err != nil {
			return err
		}
		fk := fks[id]
		if fk == nil {
			fk = &[4]string{"", ref, "", onDelete}
			fks[id] = fk
			ids = append(ids, id)
		}
		fk[0] = joinComma(fk[0], from)
		fk[2] = joinComma(fk[2], to)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		fk := fks[id]
		t.ForeignKeys = append(t.ForeignKeys, foreignKey(fk[0], fk[1], fk[2], fk[3]))
	}
	sort.Strings(t.Uniques)
	sort.Strings(t.ForeignKeys)
	return t, nil
}

func postgresSchema(ctx context.Context, d *db.DB) (schema, error) {
	s := schema{Tables: map[string]*table{}}
	names, err := strings1(ctx, d, `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'goose_db_version'`)
	if err != nil {
		return s, err
	}
	for _, name := range names {
		s.Tables[name] = &table{Columns: map[string]column{}, Indexes: map[string]index{}}
	}
	err = each(ctx, d, `SELECT table_name, column_name, data_type, is_nullable = 'NO' FROM information_schema.columns WHERE table_schema = current_schema()`, nil, func(scan func(...any) error) error {
		var tbl, col, typ string
		var notNull bool
		if err := scan(&tbl, &col, &typ, &notNull); err != nil {
			return err
		}
		if t := s.Tables[tbl]; t != nil {
			t.Columns[col] = column{Type: columnType(typ), NotNull: notNull}
		}
		return nil
	})
	if err != nil {
		return s, err
	}
	if err := postgresConstraints(ctx, d, s); err != nil {
		return s, err
	}
	return s, postgresIndexes(ctx, d, s)
}

// attnames is the comma-separated column names of attribute numbers keys of relation rel.
const attnames = `array_to_string(array(SELECT a.attname FROM unnest(%s) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = %s AND a.attnum = k.n ORDER BY k.i), ',')`

func postgresConstraints(ctx context.Context, d *db.DB, s schema) error {
	q := `SELECT cl.relname, c.contype, ` + fmt.Sprintf(attnames, "c.conkey", "c.conrelid") + `, coalesce(f.relname, ''), ` +
		fmt.Sprintf(attnames, "c.confkey", "c.confrelid") + `, c.confdeltype
FROM pg_constraint c JOIN pg_class cl ON cl.oid = c.conrelid JOIN pg_namespace n ON n.oid = cl.relnamespace LEFT JOIN pg_class f ON f.oid = c.confrelid
WHERE n.nspname = current_schema() AND c.contype IN ('p', 'u', 'f')`
	actions := map[string]string{"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
	err := each(ctx, d, q, nil, func(scan func(...any) error) error {
		var tbl, kind, cols, ref, refCols, onDelete string
		if err := scan(&tbl, &kind, &cols, &ref, &refCols, &onDelete); err != nil {
			return err
		}
		t := s.Tables[tbl]
		if t == nil {
			return nil
		}
		switch kind {
		case "p":
			t.PrimaryKey = cols
		case "u":
			t.Uniques = append(t.Uniques, cols)
		case "f":
			t.ForeignKeys = append(t.ForeignKeys, foreignKey(cols, ref, refCols, actions[onDelete]))
		}
		return nil
	})
	for _, t := range s.Tables {
		sort.Strings(t.Uniques)
		sort.Strings(t.ForeignKeys)
	}
	return err
}

// postgresIndexes reads the indexes that back no constraint.
func postgresIndexes(ctx context.Context, d *db.DB, s schema) error {
	q := `SELECT t.relname, i.relname, x.indisunique, x.indpred IS NOT NULL,
  array_to_string(array(SELECT CASE WHEN k.n = 0 THEN '(expr)' ELSE a.attname END FROM unnest(x.indkey::int2[]) WITH ORDINALITY k(n, i)
    LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.n ORDER BY k.i), ',')
FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = current_schema() AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)`
	return each(ctx, d, q, nil, func(scan func(...any) error) error {
		var tbl, name, cols string
		var unique, partial bool
		if err := scan(&tbl, &name, &unique, &partial, &cols); err != nil {
			return err
		}
		if t := s.Tables[tbl]; t != nil {
			t.Indexes[name] = index{Columns: cols, Unique: unique, Partial: partial}
		}
		return nil
	})
}

func foreignKey(cols, ref, refCols, onDelete string) string {
	if onDelete == "" || onDelete == "RESTRICT" {
		onDelete = "NO ACTION" // the same as long as no constraint is deferred
	}
	return fmt.Sprintf("%s -> %s(%s) on delete %s", cols, ref, refCols, onDelete)
}

func joinComma(a, b string) string {
	if a == "" {
		return b
	}
	return a + "," + b
}

// each runs a query and calls fn with the scan of every row.
func each(ctx context.Context, d *db.DB, q string, args []any, fn func(scan func(...any) error) error) error {
	rows, err := d.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

// strings1 is the first column of every row of a query, in order.
func strings1(ctx context.Context, d *db.DB, q string, args ...any) ([]string, error) {
	var out []string
	err := each(ctx, d, q, args, func(scan func(...any) error) error {
		var s string
		if err := scan(&s); err != nil {
			return err
		}
		out = append(out, s)
		return nil
	})
	return out, err
}
