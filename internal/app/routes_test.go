package app

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/dijalog/dijalog/internal/db/dbtest"
)

var updateRoutes = flag.Bool("update-routes", false, "rewrite testdata/routes.golden from the router")

// TestRouteTable compares the router's routes with testdata/routes.golden,
// so that a refactor that loses, renames or adds a URL shows in review. A
// deliberate change: go test ./internal/app -run TestRouteTable -update-routes.
func TestRouteTable(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, dbtest.SQLite(t))
	var routes []string
	for _, r := range ta.Web.Routes() {
		routes = append(routes, fmt.Sprintf("%s %s page=%v", r.Method, r.Pattern, r.Page))
	}
	sort.Strings(routes)
	got := strings.Join(routes, "\n") + "\n"
	if *updateRoutes {
		if err := os.WriteFile("testdata/routes.golden", []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile("testdata/routes.golden")
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		t.Errorf("the route table changed (%d routes, golden %d); if deliberate, run with -update-routes.\nnew: %v\ngone: %v", len(gl)-1, len(wl)-1, minus(gl, wl), minus(wl, gl))
	}
}

// minus lists the lines of a that b lacks.
func minus(a, b []string) []string {
	in := map[string]bool{}
	for _, l := range b {
		in[l] = true
	}
	var out []string
	for _, l := range a {
		if l != "" && !in[l] {
			out = append(out, l)
		}
	}
	return out
}
