package places

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/translit"
	"github.com/dijalog/dijalog/migrations"
	"github.com/google/go-cmp/cmp"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// TestMigrationUpToDate regenerates the migration from the embedded data
// files and compares it with the committed files.
func TestMigrationUpToDate(t *testing.T) {
	t.Parallel()
	for _, d := range []db.Dialect{db.SQLite, db.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			want, err := MigrationSQL(d)
			if err != nil {
				t.Fatal(err)
			}
			have, err := fs.ReadFile(migrations.FS, string(d)+"/00002_places.sql")
			if err != nil {
				t.Fatalf("committed migration: %v (run go generate ./internal/places)", err)
			}
			if diff := cmp.Diff(strings.Split(string(want), "\n"), strings.Split(string(have), "\n")); diff != "" {
				t.Errorf("migrations/%s/00002_places.sql is out of date; run `go generate ./internal/places` (-generated +committed):\n%s", d, diff)
			}
		})
	}
}

func TestMigrationSQLUnknownDialect(t *testing.T) {
	t.Parallel()
	if _, err := MigrationSQL("oracle"); err == nil {
		t.Fatal("MigrationSQL(oracle) succeeded")
	}
}

func seedByCode(t *testing.T) ([]Place, map[string]Place) {
	t.Helper()
	ps, err := Seed()
	if err != nil {
		t.Fatal(err)
	}
	m := make(map[string]Place, len(ps))
	for _, p := range ps {
		m[p.Code] = p
	}
	return ps, m
}

func TestSeedCounts(t *testing.T) {
	t.Parallel()
	ps, _ := seedByCode(t)
	kinds := map[string]int{}
	byEntity := map[string]int{}
	byCanton := map[string]int{}
	types := map[string]int{}
	numbers := map[int]string{}
	for _, p := range ps {
		kinds[p.Kind]++
		if p.Country != "BA" {
			t.Errorf("%s: country %q", p.Code, p.Country)
		}
		if p.Kind == KindCanton {
			numbers[p.Number] = p.Code
		}
		if p.IsLSG() {
			byEntity[p.EntityCode]++
			types[p.LSGType]++
			if p.CantonCode != "" {
				byCanton[p.CantonCode]++
			}
		}
	}
	checks := []struct {
		name string
		have any
		want any
	}{
		{"kinds", kinds, map[string]int{KindEntity: 2, KindCanton: 10, KindDistrict: 1, KindLSG: 145}},
		{"LSGs by entity", byEntity, map[string]int{"ba-fbih": 80, "ba-rs": 64, "ba-bd": 1}},
		{"LSGs by canton", byCanton, map[string]int{
			"ba-fbih-k-usk": 8, "ba-fbih-k-pk": 3, "ba-fbih-k-tk": 13, "ba-fbih-k-zdk": 12, "ba-fbih-k-bpk": 3,
			"ba-fbih-k-sbk": 12, "ba-fbih-k-hnk": 9, "ba-fbih-k-zhk": 4, "ba-fbih-k-ks": 10, "ba-fbih-k-k10": 6,
		}},
		{"canton numbers", numbers, map[int]string{
			1: "ba-fbih-k-usk", 2: "ba-fbih-k-pk", 3: "ba-fbih-k-tk", 4: "ba-fbih-k-zdk", 5: "ba-fbih-k-bpk",
			6: "ba-fbih-k-sbk", 7: "ba-fbih-k-hnk", 8: "ba-fbih-k-zhk", 9: "ba-fbih-k-ks", 10: "ba-fbih-k-k10",
		}},
	}
	for _, c := range checks {
		if diff := cmp.Diff(c.want, c.have); diff != "" {
			t.Errorf("%s (-want +have):\n%s", c.name, diff)
		}
	}
	if types[TypeDistrict] != 1 || types[TypeCity]+types[TypeMunicipality] != 144 {
		t.Errorf("types = %v", types)
	}
}

// TestSeedSortOrder checks that parents come before children and that sort
// keys are strictly increasing in list order.
func TestSeedSortOrder(t *testing.T) {
	t.Parallel()
	ps, _ := seedByCode(t)
	seen := map[string]bool{}
	prev := 0
	for _, p := range ps {
		if p.SortKey <= prev {
			t.Errorf("%s: sort key %d after %d", p.Code, p.SortKey, prev)
		}
		prev = p.SortKey
		for _, parent := range []string{p.ParentCode, p.EntityCode, p.CantonCode} {
			if parent != "" && !seen[parent] {
				t.Errorf("%s: parent %s not listed before it", p.Code, parent)
			}
		}
		seen[p.Code] = true
	}
}

// TestSeedScripts checks the Cyrillic names against the Latin ones: the
// exact Cyrillic-to-Latin transliteration must give the Latin name.
func TestSeedScripts(t *testing.T) {
	t.Parallel()
	ps, _ := seedByCode(t)
	for _, p := range ps {
		if got := translit.ToLatin(p.NameCyr); got != p.NameLat {
			t.Errorf("%s: ToLatin(%q) = %q, want the Latin name %q", p.Code, p.NameCyr, got, p.NameLat)
		}
	}
}

func TestSeedPlaces(t *testing.T) {
	t.Parallel()
	_, by := seedByCode(t)
	type row struct {
		NameLat, NameCyr, Kind, Type, Parent, Entity, Canton string
		Population                                           int64 // -1: unknown
		Aliases                                              []Alias
		Members, MemberOf                                    []string
	}
	view := func(p Place) row {
		r := row{NameLat: p.NameLat, NameCyr: p.NameCyr, Kind: p.Kind, Type: p.LSGType, Parent: p.ParentCode, Entity: p.EntityCode, Canton: p.CantonCode,
			Population: -1, Aliases: p.Aliases, Members: p.Members, MemberOf: p.MemberOf}
		if p.Population.Valid {
			r.Population = p.Population.V
			if p.PopulationYear != 2013 {
				t.Errorf("%s: population year %d", p.Code, p.PopulationYear)
			}
		}
		return r
	}
	tests := []struct {
		code string
		want row
	}{
		{"ba-fbih", row{NameLat: "Federacija Bosne i Hercegovine", NameCyr: "Федерација Босне и Херцеговине", Kind: KindEntity, Population: -1,
			Aliases: []Alias{{"FBiH", AliasShort}, {"Federacija BiH", AliasOther}}}},
		{"ba-fbih-k-hnk", row{NameLat: "Hercegovačko-neretvanski kanton", NameCyr: "Херцеговачко-неретвански кантон", Kind: KindCanton, Parent: "ba-fbih", Entity: "ba-fbih", Population: -1,
			Aliases: []Alias{{"HNK", AliasShort}, {"HNŽ", AliasShort}, {"Hercegovačko-neretvanska županija", AliasOther}}}},
		{"ba-fbih-mostar", row{NameLat: "Mostar", NameCyr: "Мостар", Kind: KindLSG, Type: TypeCity, Parent: "ba-fbih-k-hnk", Entity: "ba-fbih", Canton: "ba-fbih-k-hnk",
			Population: 105797, Aliases: []Alias{{"Mostar", AliasGeo}}}},
		{"ba-fbih-zepce", row{NameLat: "Žepče", NameCyr: "Жепче", Kind: KindLSG, Type: TypeMunicipality, Parent: "ba-fbih-k-zdk", Entity: "ba-fbih", Canton: "ba-fbih-k-zdk",
			Population: 30219, Aliases: []Alias{{"Žepče", AliasGeo}}}},
		{"ba-rs-banja-luka", row{NameLat: "Banja Luka", NameCyr: "Бања Лука", Kind: KindLSG, Type: TypeCity, Parent: "ba-rs", Entity: "ba-rs",
			Population: 185042, Aliases: []Alias{{"Banja Luka", AliasGeo}}}},
		{"ba-rs-novi-grad", row{NameLat: "Novi Grad", NameCyr: "Нови Град", Kind: KindLSG, Type: TypeMunicipality, Parent: "ba-rs", Entity: "ba-rs",
			Population: 27115, Aliases: []Alias{{"Bosanski Novi", AliasFormer}, {"Bosanski Novi/Novi", AliasGeo}}}},
		{"ba-rs-stanari", row{NameLat: "Stanari", NameCyr: "Станари", Kind: KindLSG, Type: TypeMunicipality, Parent: "ba-rs", Entity: "ba-rs", Population: -1}},
		{"ba-rs-trnovo-rs", row{NameLat: "Trnovo (RS)", NameCyr: "Трново (РС)", Kind: KindLSG, Type: TypeMunicipality, Parent: "ba-rs", Entity: "ba-rs",
			Population: 2050, Aliases: []Alias{{"Trnovo", AliasFormer}, {"Trnovo (RS)", AliasGeo}}, MemberOf: []string{"ba-rs-istocno-sarajevo"}}},
		{"ba-fbih-sarajevo", row{NameLat: "Sarajevo", NameCyr: "Сарајево", Kind: KindLSG, Type: TypeCity, Parent: "ba-fbih-k-ks", Entity: "ba-fbih", Canton: "ba-fbih-k-ks", Population: -1,
			Members: []string{"ba-fbih-centar", "ba-fbih-novi-grad-sarajevo", "ba-fbih-novo-sarajevo", "ba-fbih-stari-grad"}}},
		{"ba-rs-istocno-sarajevo", row{NameLat: "Istočno Sarajevo", NameCyr: "Источно Сарајево", Kind: KindLSG, Type: TypeCity, Parent: "ba-rs", Entity: "ba-rs", Population: -1,
			Aliases: []Alias{{"Srpsko Sarajevo", AliasFormer}},
			Members: []string{"ba-rs-istocna-ilidza", "ba-rs-istocni-stari-grad", "ba-rs-istocno-novo-sarajevo", "ba-rs-pale", "ba-rs-sokolac", "ba-rs-trnovo-rs"}}},
		{"ba-bd-brcko", row{NameLat: "Brčko", NameCyr: "Брчко", Kind: KindLSG, Type: TypeDistrict, Parent: "ba-bd", Entity: "ba-bd",
			Population: 83516, Aliases: []Alias{{"Brčko distrikt Bosne i Hercegovine", AliasGeo}}}},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			p, ok := by[tt.code]
			if !ok {
				t.Fatalf("no place %s", tt.code)
			}
			if diff := cmp.Diff(tt.want, view(p)); diff != "" {
				t.Errorf("(-want +have):\n%s", diff)
			}
		})
	}
}
