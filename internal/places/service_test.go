package places

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/google/go-cmp/cmp"
)

// seedSnapshot builds the service's in-memory state from the data files,
// without a database, for the pure tests of Resolve and Filter.
func seedSnapshot(t testing.TB) *snapshot {
	t.Helper()
	ps, err := Seed()
	if err != nil {
		t.Fatal(err)
	}
	return newSnapshot(ps)
}

func TestService(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		svc := NewService(d)

		n, err := svc.Count(ctx)
		if err != nil || n != 145 {
			t.Fatalf("Count = %d, %v; want 145", n, err)
		}
		all, err := svc.All(ctx)
		if err != nil || len(all) != 158 {
			t.Fatalf("All: %d places, %v; want 158", len(all), err)
		}
		lsgs, err := svc.LSGs(ctx)
		if err != nil || len(lsgs) != 145 {
			t.Fatalf("LSGs: %d, %v; want 145", len(lsgs), err)
		}
		p, err := svc.ByCode(ctx, "ba-fbih-mostar")
		if err != nil || p.NameCyr != "Мостар" || !p.IsCity() {
			t.Errorf("ByCode(mostar) = %+v, %v", p, err)
		}
		if _, err := svc.ByCode(ctx, "ba-nowhere"); !errors.Is(err, refuse.ErrNotFound) {
			t.Errorf("ByCode(unknown) error = %v, want ErrNotFound", err)
		}
		p, err = svc.Resolve(ctx, "Bosanski Novi")
		if err != nil || p.Code != "ba-rs-novi-grad" {
			t.Errorf("Resolve(Bosanski Novi) = %s, %v", p.Code, err)
		}

		groups, err := svc.Grouped(ctx)
		if err != nil {
			t.Fatal(err)
		}
		type summary struct {
			Entity  string
			Cantons []string
			LSGs    int
			Count   int
		}
		var have []summary
		for _, g := range groups {
			s := summary{Entity: g.Entity.Code, LSGs: len(g.LSGs), Count: g.Count}
			for _, c := range g.Cantons {
				s.Cantons = append(s.Cantons, c.Canton.Code)
			}
			have = append(have, s)
		}
		want := []summary{
			{Entity: "ba-fbih", Count: 80, Cantons: []string{"ba-fbih-k-usk", "ba-fbih-k-pk", "ba-fbih-k-tk", "ba-fbih-k-zdk", "ba-fbih-k-bpk",
				"ba-fbih-k-sbk", "ba-fbih-k-hnk", "ba-fbih-k-zhk", "ba-fbih-k-ks", "ba-fbih-k-k10"}},
			{Entity: "ba-rs", LSGs: 64, Count: 64},
			{Entity: "ba-bd", LSGs: 1, Count: 1},
		}
		if diff := cmp.Diff(want, have); diff != "" {
			t.Errorf("Grouped (-want +have):\n%s", diff)
		}
		// Composite city first in its canton, then its members in order.
		ks := groups[0].Cantons[8].LSGs
		if ks[0].Code != "ba-fbih-sarajevo" || ks[1].Code != "ba-fbih-centar" {
			t.Errorf("Kanton Sarajevo starts with %s, %s", ks[0].Code, ks[1].Code)
		}
	})
}

// TestServiceConcurrentLoad loads the cache from many goroutines at once
// (run with -race).
func TestServiceConcurrentLoad(t *testing.T) {
	svc := NewService(dbtest.SQLite(t))
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			if _, err := svc.ByCode(ctx, "ba-rs-trebinje"); err != nil {
				t.Error(err)
			}
			if n, err := svc.Count(ctx); err != nil || n != 145 {
				t.Errorf("Count = %d, %v", n, err)
			}
		})
	}
	wg.Wait()
	svc.Invalidate()
	if n, err := svc.Count(ctx); err != nil || n != 145 {
		t.Errorf("Count after Invalidate = %d, %v", n, err)
	}
}

func TestServiceCanceledContext(t *testing.T) {
	svc := NewService(dbtest.SQLite(t))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := svc.All(ctx); err == nil {
		t.Fatal("All with a canceled context succeeded")
	}
	// A failed load is not cached.
	if n, err := svc.Count(context.Background()); err != nil || n != 145 {
		t.Errorf("Count after a failed load = %d, %v", n, err)
	}
}

func TestResolve(t *testing.T) {
	t.Parallel()
	sn := seedSnapshot(t)
	tests := []struct {
		name    string
		lsgOnly bool
		want    string
		err     error
	}{
		{name: "Mostar", want: "ba-fbih-mostar"},
		{name: "Banja Luka", want: "ba-rs-banja-luka"},
		{name: "BANJA LUKA", want: "ba-rs-banja-luka"},
		{name: "banja luka", want: "ba-rs-banja-luka"},
		{name: "Бања Лука", want: "ba-rs-banja-luka"},
		{name: "Banjaluka", want: "ba-rs-banja-luka"},
		{name: "  Banja   Luka ", want: "ba-rs-banja-luka"},
		{name: "Bosanski Novi", want: "ba-rs-novi-grad"},
		{name: "Bosanski Novi/Novi", want: "ba-rs-novi-grad"},
		{name: "Novi Grad", want: "ba-rs-novi-grad"},
		{name: "Novi Grad (Sarajevo)", want: "ba-fbih-novi-grad-sarajevo"},
		{name: "Novi Grad Sarajevo", want: "ba-fbih-novi-grad-sarajevo"},
		{name: "Zepce", want: "ba-fbih-zepce"},
		{name: "Žepče", want: "ba-fbih-zepce"},
		{name: "Завидовиќи", want: "ba-fbih-zavidovici"},
		{name: "Opština Bijeljina", want: "ba-rs-bijeljina"},
		{name: "Općina Žepče", want: "ba-fbih-zepce"},
		{name: "Grad Mostar", want: "ba-fbih-mostar"},
		{name: "Municipality of Tuzla", want: "ba-fbih-tuzla"},
		{name: "Kupres", want: "ba-fbih-kupres"},
		{name: "Kupres (RS)", want: "ba-rs-kupres-rs"},
		{name: "Trnovo", want: "ba-fbih-trnovo"},
		{name: "Trnovo (RS)", want: "ba-rs-trnovo-rs"},
		{name: "Skender Vakuf/Kneževo", want: "ba-rs-knezevo"},
		{name: "Bosanska/Kozarska Dubica", want: "ba-rs-kozarska-dubica"},
		{name: "Srpsko Sarajevo", want: "ba-rs-istocno-sarajevo"},
		{name: "Sarajevo", want: "ba-fbih-sarajevo"},
		{name: "Grad Sarajevo", want: "ba-fbih-sarajevo"},
		{name: "Kanton Sarajevo", want: "ba-fbih-k-ks"},
		{name: "HNK", want: "ba-fbih-k-hnk"},
		{name: "Hercegbosanska županija", want: "ba-fbih-k-k10"},
		{name: "Republika Srpska", want: "ba-rs"},
		{name: "Република Српска", want: "ba-rs"},
		{name: "Brčko distrikt Bosne i Hercegovine", want: "ba-bd"},
		{name: "Brčko distrikt Bosne i Hercegovine", lsgOnly: true, want: "ba-bd-brcko"},
		{name: "Brcko", want: "ba-bd-brcko"},
		{name: "HNK", lsgOnly: true, err: refuse.ErrNotFound},
		{name: "Atlantis", err: refuse.ErrNotFound},
		{name: "", err: refuse.ErrNotFound},
		{name: "Općina", err: refuse.ErrNotFound},
		{name: "\xff\xfe", err: refuse.ErrNotFound},
	}
	for _, tt := range tests {
		i, err := sn.resolve(tt.name, tt.lsgOnly)
		if !errors.Is(err, tt.err) {
			t.Errorf("resolve(%q, lsgOnly=%v) error = %v, want %v", tt.name, tt.lsgOnly, err, tt.err)
			continue
		}
		if err == nil && sn.all[i].Code != tt.want {
			t.Errorf("resolve(%q, lsgOnly=%v) = %s, want %s", tt.name, tt.lsgOnly, sn.all[i].Code, tt.want)
		}
	}
}

func TestResolveAmbiguous(t *testing.T) {
	t.Parallel()
	sn := newSnapshot([]Place{
		{Code: "xx-a", Kind: KindLSG, LSGType: TypeMunicipality, NameLat: "Alpha", SortKey: 10, Aliases: []Alias{{"Old Town", AliasFormer}}},
		{Code: "xx-b", Kind: KindLSG, LSGType: TypeMunicipality, NameLat: "Beta", SortKey: 20, Aliases: []Alias{{"Old Town", AliasFormer}}},
		{Code: "xx-r", Kind: KindEntity, NameLat: "Gamma", SortKey: 5},
		{Code: "xx-g", Kind: KindLSG, LSGType: TypeCity, NameLat: "Gamma", SortKey: 30},
	})
	if _, err := sn.resolve("Old Town", false); !errors.Is(err, ErrAmbiguous) {
		t.Errorf("resolve(Old Town) error = %v, want ErrAmbiguous", err)
	}
	// A region and an LSG of the same name: the LSG wins.
	if i, err := sn.resolve("Gamma", false); err != nil || sn.all[i].Code != "xx-g" {
		t.Errorf("resolve(Gamma) = %d, %v; want xx-g", i, err)
	}
}

func filteredCodes(groups []EntityGroup) []string {
	var out []string
	for _, g := range groups {
		for _, c := range g.Cantons {
			for _, p := range c.LSGs {
				out = append(out, p.Code)
			}
		}
		for _, p := range g.LSGs {
			out = append(out, p.Code)
		}
	}
	return out
}

func TestFilter(t *testing.T) {
	t.Parallel()
	sn := seedSnapshot(t)
	tests := []struct {
		q     string
		want  []string // nil: check only the count
		count int
	}{
		{q: "", count: 145},
		{q: "   ", count: 145},
		{q: "!!!", count: 145},
		{q: "zepce", want: []string{"ba-fbih-zepce"}, count: 1},
		{q: "Zepce", want: []string{"ba-fbih-zepce"}, count: 1},
		{q: "ŽEPČE", want: []string{"ba-fbih-zepce"}, count: 1},
		{q: "Жепче", want: []string{"ba-fbih-zepce"}, count: 1},
		{q: "Бања", want: []string{"ba-rs-banja-luka"}, count: 1},
		{q: "banjaluka", want: []string{"ba-rs-banja-luka"}, count: 1},
		{q: "luka", want: []string{"ba-fbih-lukavac", "ba-rs-banja-luka", "ba-rs-ostra-luka"}, count: 3},
		{q: "bosanski novi", want: []string{"ba-rs-novi-grad"}, count: 1},
		{q: "Завидовиќи", want: []string{"ba-fbih-zavidovici"}, count: 1},
		{q: "HNK", count: 9},
		{q: "Tuzlanski kanton", count: 13},
		{q: "tuzlanski", count: 13},
		{q: "Republika Srpska", count: 64},
		{q: "xyzzy", want: []string{}, count: 0},
	}
	for _, tt := range tests {
		groups, n := sn.filter(tt.q)
		codes := filteredCodes(groups)
		if n != tt.count || len(codes) != n {
			t.Errorf("filter(%q): count %d, %d codes; want %d", tt.q, n, len(codes), tt.count)
		}
		if tt.want != nil {
			if diff := cmp.Diff(tt.want, codes, cmp.Transformer("nilToEmpty", func(s []string) []string {
				if s == nil {
					return []string{}
				}
				return s
			})); diff != "" {
				t.Errorf("filter(%q) (-want +have):\n%s", tt.q, diff)
			}
		}
	}
}

// FuzzFilter checks that the list filter never panics on any query and
// returns a consistent subset of the LSGs in list order.
func FuzzFilter(f *testing.F) {
	for _, s := range []string{"", "zepce", "Бања", "Завидовиќи", "a", "kanton 10", "\xff", "ǅ", "%", "Bosanski Novi/Novi", "ĳ", "\u0301e"} {
		f.Add(s)
	}
	sn := seedSnapshot(f)
	order := map[string]int{}
	for i, p := range sn.all {
		order[p.Code] = i
	}
	f.Fuzz(func(t *testing.T, q string) {
		groups, n := sn.filter(q)
		codes := filteredCodes(groups)
		if len(codes) != n || n > sn.lsgCount {
			t.Fatalf("filter(%q): count %d, %d codes", q, n, len(codes))
		}
		sum := 0
		for _, g := range groups {
			sum += g.Count
		}
		if sum != n {
			t.Fatalf("filter(%q): group counts sum to %d, total %d", q, sum, n)
		}
		if !slices.IsSortedFunc(codes, func(a, b string) int { return order[a] - order[b] }) {
			t.Fatalf("filter(%q): not in list order: %v", q, codes)
		}
		for _, c := range codes {
			if !sn.all[order[c]].IsLSG() {
				t.Fatalf("filter(%q): %s is not an LSG", q, c)
			}
		}
		_, _ = sn.resolve(q, false)
		_ = cleanQuery(q)
	})
}
