package places

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"os"
	"strconv"
	"testing"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// lsgRow is an LSG as the store test compares it.
type lsgRow struct {
	Code, NameLat, NameCyr, Type, Entity, Canton string
	Population                                   sql.Null[int64]
}

// readTestCSV reads a data file directly, independently of Seed.
func readTestCSV(t *testing.T, name string) []map[string]string {
	t.Helper()
	f, err := os.Open("data/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, k := range recs[0] {
			m[k] = rec[i]
		}
		out = append(out, m)
	}
	return out
}

// wantLSGs joins lsg.csv with lsg-names.csv through geo_name and maps the
// entity and canton columns to codes through regions.csv.
func wantLSGs(t *testing.T) []lsgRow {
	t.Helper()
	region := map[string]string{}
	for _, r := range readTestCSV(t, "regions.csv") {
		region[r["lsg_csv_key"]] = r["code"]
	}
	pop := map[string]int64{}
	for _, r := range readTestCSV(t, "lsg-names.csv") {
		n, err := strconv.ParseInt(r["population2013_overall"], 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		pop[r["name_geoboundaries"]] = n
	}
	var out []lsgRow
	for _, r := range readTestCSV(t, "lsg.csv") {
		w := lsgRow{Code: r["code"], NameLat: r["name_lat"], NameCyr: r["name_cyr"], Type: r["type"], Entity: region[r["entity"]], Canton: region[r["canton"]]}
		if n, ok := pop[r["geo_name"]]; ok && r["geo_name"] != "" {
			w.Population = sql.Null[int64]{V: n, Valid: true}
		}
		out = append(out, w)
	}
	return out
}

// TestMigratedLSGs checks the migrated table against the CSV files on both
// databases: exactly the 145 LSGs, with their names, types, entities,
// cantons and populations.
func TestMigratedLSGs(t *testing.T) {
	want := wantLSGs(t)
	if len(want) != 145 {
		t.Fatalf("lsg.csv has %d rows, want 145", len(want))
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		rows, err := d.QueryContext(ctx, `SELECT code, name_lat, name_cyr, lsg_type, COALESCE(entity_code, ''), COALESCE(canton_code, ''), population
FROM places WHERE kind = 'lsg' ORDER BY sort_key`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var have []lsgRow
		for rows.Next() {
			var r lsgRow
			if err := rows.Scan(&r.Code, &r.NameLat, &r.NameCyr, &r.Type, &r.Entity, &r.Canton, &r.Population); err != nil {
				t.Fatal(err)
			}
			have = append(have, r)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, have); diff != "" {
			t.Errorf("migrated LSGs (-csv +db):\n%s", diff)
		}
		var stanari sql.Null[int64]
		if err := d.QueryRowContext(ctx, `SELECT population FROM places WHERE code = ?`, "ba-rs-stanari").Scan(&stanari); err != nil {
			t.Fatal(err)
		}
		if stanari.Valid {
			t.Errorf("Stanari population = %d, want NULL", stanari.V)
		}
		n, err := NewStore(d).CountLSGs(ctx)
		if err != nil || n != 145 {
			t.Errorf("CountLSGs = %d, %v; want 145", n, err)
		}
	})
}

// TestStoreAllEqualsSeed reads everything back and compares it with what the
// generator inserted, aliases and members included.
func TestStoreAllEqualsSeed(t *testing.T) {
	want, err := Seed()
	if err != nil {
		t.Fatal(err)
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		have, err := NewStore(d).All(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, have, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("Store.All (-seed +db):\n%s", diff)
		}
	})
}

func TestStoreByCode(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := NewStore(d)
		tests := []struct {
			code     string
			members  []string
			memberOf []string
			aliases  []Alias
			err      error
		}{
			{code: "ba-fbih-sarajevo", members: []string{"ba-fbih-centar", "ba-fbih-novi-grad-sarajevo", "ba-fbih-novo-sarajevo", "ba-fbih-stari-grad"}},
			{code: "ba-rs-pale", memberOf: []string{"ba-rs-istocno-sarajevo"}, aliases: []Alias{{"Pale", AliasGeo}}},
			{code: "ba-rs-knezevo", aliases: []Alias{{"Skender Vakuf", AliasFormer}, {"Skender Vakuf/Kneževo", AliasGeo}}},
			{code: "ba-fbih-k-k10", aliases: []Alias{{"K10", AliasShort}, {"HBŽ", AliasShort}, {"Hercegbosanska županija", AliasOther}, {"Livanjski kanton", AliasOther}}},
			{code: "ba-xx-atlantis", err: refuse.ErrNotFound},
			{code: "", err: refuse.ErrNotFound},
		}
		for _, tt := range tests {
			p, err := st.ByCode(ctx, tt.code)
			if !errors.Is(err, tt.err) {
				t.Errorf("ByCode(%q) error = %v, want %v", tt.code, err, tt.err)
				continue
			}
			if err != nil {
				continue
			}
			if p.Code != tt.code {
				t.Errorf("ByCode(%q).Code = %q", tt.code, p.Code)
			}
			if diff := cmp.Diff(tt.members, p.Members, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ByCode(%q).Members (-want +have):\n%s", tt.code, diff)
			}
			if diff := cmp.Diff(tt.memberOf, p.MemberOf, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ByCode(%q).MemberOf (-want +have):\n%s", tt.code, diff)
			}
			if diff := cmp.Diff(tt.aliases, p.Aliases, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ByCode(%q).Aliases (-want +have):\n%s", tt.code, diff)
			}
		}
	})
}

// TestConstraints checks that the database itself refuses bad rows.
func TestConstraints(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := db.Now()
		insert := `INSERT INTO places (code, country, kind, parent_code, name_lat, name_key, lsg_type, sort_key, created_at, updated_at) VALUES (?, 'BA', ?, ?, 'X', 'x', ?, 1, ?, ?)`
		tests := []struct {
			name                   string
			code, kind, parent, lt string
			unique                 bool
		}{
			{name: "duplicate code", code: "ba-fbih-mostar", kind: KindLSG, lt: TypeCity, unique: true},
			{name: "unknown kind", code: "ba-x1", kind: "village", lt: ""},
			{name: "LSG without type", code: "ba-x2", kind: KindLSG, lt: ""},
			{name: "canton with LSG type", code: "ba-x3", kind: KindCanton, lt: TypeCity},
			{name: "unknown type", code: "ba-x4", kind: KindLSG, lt: "village"},
			{name: "unknown parent", code: "ba-x5", kind: KindLSG, parent: "ba-nowhere", lt: TypeMunicipality},
		}
		for _, tt := range tests {
			var parent any
			if tt.parent != "" {
				parent = tt.parent
			}
			_, err := d.ExecContext(ctx, insert, tt.code, tt.kind, parent, tt.lt, now, now)
			if err == nil {
				t.Errorf("%s: insert succeeded", tt.name)
				continue
			}
			if tt.unique && !db.IsUniqueViolation(err) {
				t.Errorf("%s: error %v is not a unique violation", tt.name, err)
			}
		}
		if _, err := d.ExecContext(ctx, `INSERT INTO place_members (place_code, member_code, created_at, updated_at) VALUES (?, ?, ?, ?)`,
			"ba-fbih-sarajevo", "ba-fbih-sarajevo", now, now); err == nil {
			t.Error("a city became its own member")
		}
	})
}
