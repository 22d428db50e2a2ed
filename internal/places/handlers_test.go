package places

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/i18n"
	"github.com/dijalog/dijalog/internal/mail"
	"github.com/dijalog/dijalog/internal/web"
	"github.com/google/go-cmp/cmp"
)

// newServer builds a real web server with the real templates and
// catalogues, the places routes and team, on d.
func newServer(t *testing.T, d *db.DB, team TeamLister, session ...web.Middleware) *web.Server {
	t.Helper()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	assets, err := web.NewAssets()
	if err != nil {
		t.Fatal(err)
	}
	rend, err := web.NewRenderer(cat, assets, time.UTC, web.RenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	o := web.Options{Catalog: cat, Renderer: rend, Assets: assets, Logger: slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn})), Metrics: web.NewMetrics(nil, "")}
	if len(session) > 0 {
		o.Session = session[0]
	}
	srv := web.NewServer(o)
	if err := Register(srv, NewService(d), team); err != nil {
		t.Fatal(err)
	}
	return srv
}

type response struct {
	Status   int
	Location string
	Body     string
	Type     string
}

func get(t *testing.T, h http.Handler, target string, cookies ...*http.Cookie) response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	b, _ := io.ReadAll(rec.Result().Body)
	return response{Status: rec.Code, Location: rec.Header().Get("Location"), Body: string(b), Type: rec.Header().Get("Content-Type")}
}

func TestPages(t *testing.T) {
	d := dbtest.SQLite(t)
	h := newServer(t, d, nil).Handler()
	lsgs, err := NewService(d).LSGs(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name     string
		path     string
		status   int
		contains []string
		absent   []string
		allLSGs  string // locale whose links to every LSG page must appear
	}{
		{name: "list bs", path: "/bs/places", status: 200, allLSGs: "bs",
			contains: []string{"145 jedinica lokalne samouprave", "Žepče", "Banja Luka", `id="ba-fbih-k-hnk"`, `id="ba-rs"`, "Hercegovačko-neretvanski kanton",
				"9 jedinica lokalne samouprave", "64 jedinice lokalne samouprave", `<span class="badge">Grad</span>`}},
		{name: "list sr-Cyrl", path: "/sr-Cyrl/places", status: 200, allLSGs: "sr-Cyrl",
			contains: []string{"Бања Лука", "Жепче", "Република Српска", "Херцеговачко-неретвански кантон"}, absent: []string{">Banja Luka<"}},
		{name: "list en", path: "/en/places", status: 200, allLSGs: "en",
			contains: []string{"145 municipalities and cities", "Municipalities and cities"}},
		{name: "filter zepce", path: "/bs/places?q=zepce", status: 200,
			contains: []string{`href="/bs/places/ba-fbih-zepce"`, "1 rezultat za „zepce“", `value="zepce"`}, absent: []string{"ba-rs-banja-luka"}},
		{name: "filter cyrillic", path: "/bs/places?q=" + url.QueryEscape("Бања"), status: 200,
			contains: []string{`href="/bs/places/ba-rs-banja-luka"`}, absent: []string{"ba-fbih-zepce"}},
		{name: "filter nothing", path: "/en/places?q=xyzzy", status: 200,
			contains: []string{"0 results for “xyzzy”", "Nothing matches “xyzzy”"}},
		{name: "filter escapes", path: "/en/places?q=" + url.QueryEscape(`<script>"x`), status: 200,
			contains: []string{"&lt;script&gt;"}, absent: []string{"<script>\"x"}},
		{name: "mostar", path: "/bs/places/ba-fbih-mostar", status: 200,
			contains: []string{"<h1>Mostar</h1>", "Мостар", "105.797", "popis 2013.", `href="/bs/places#ba-fbih-k-hnk"`, `href="/bs/places#ba-fbih"`,
				`href="/bs/places/ba-fbih-k-hnk"`, "Ovdje će se pojaviti projekti, platforme i javni pozivi.", "Grad"},
			absent: []string{"/admin/places/"}},
		{name: "mostar en", path: "/en/places/ba-fbih-mostar", status: 200,
			contains: []string{"105,797", "2013 census", "Projects, platforms and calls will appear here."}},
		{name: "mostar sr-Cyrl", path: "/sr-Cyrl/places/ba-fbih-mostar", status: 200,
			contains: []string{"<h1>Мостар</h1>", "Херцеговачко-неретвански кантон"}},
		{name: "stanari", path: "/en/places/ba-rs-stanari", status: 200,
			contains: []string{"Not available: the 2013 census does not count it separately."}},
		{name: "novi grad aliases", path: "/en/places/ba-rs-novi-grad", status: 200,
			contains: []string{"Bosanski Novi", "former name", "Bosanski Novi/Novi"}},
		{name: "sarajevo members", path: "/en/places/ba-fbih-sarajevo", status: 200,
			contains: []string{"Municipalities of the city", "The city is made up of 4 municipalities.", `href="/en/places/ba-fbih-centar"`,
				`href="/en/places/ba-fbih-stari-grad"`, "275,524 in its member municipalities together (2013 census)"}},
		{name: "member of", path: "/en/places/ba-rs-pale", status: 200,
			contains: []string{"Part of", `href="/en/places/ba-rs-istocno-sarajevo"`}},
		{name: "canton page", path: "/bs/places/ba-fbih-k-hnk", status: 200,
			contains: []string{"<h1>Hercegovačko-neretvanski kanton</h1>", "Broj kantona", "9 jedinica lokalne samouprave", `href="/bs/places/ba-fbih-mostar"`, "HNŽ"}},
		{name: "entity page", path: "/en/places/ba-rs", status: 200,
			contains: []string{"<h1>Republika Srpska</h1>", "64 municipalities and cities", `href="/en/places/ba-rs-trebinje"`}},
		{name: "district page", path: "/en/places/ba-bd", status: 200,
			contains: []string{`href="/en/places/ba-bd-brcko"`, "83,516"}},
		{name: "unknown", path: "/bs/places/ba-fbih-atlantis", status: 404},
		{name: "unknown en", path: "/en/places/nowhere", status: 404, contains: []string{"Page not found"}},
		{name: "admin anonymous", path: "/bs/admin/places/ba-fbih-mostar", status: 303},
		{name: "api unknown", path: "/api/v1/places/ba-fbih-atlantis", status: 404},
		{name: "api bad kind", path: "/api/v1/places?kind=village", status: 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := get(t, h, tt.path)
			if res.Status != tt.status {
				t.Fatalf("GET %s: status %d, want %d\n%s", tt.path, res.Status, tt.status, res.Body)
			}
			for _, s := range tt.contains {
				if !strings.Contains(res.Body, s) {
					t.Errorf("GET %s: body lacks %q", tt.path, s)
				}
			}
			for _, s := range tt.absent {
				if strings.Contains(res.Body, s) {
					t.Errorf("GET %s: body contains %q", tt.path, s)
				}
			}
			if tt.allLSGs != "" {
				missing := 0
				for _, p := range lsgs {
					if !strings.Contains(res.Body, fmt.Sprintf(`href="/%s/places/%s"`, tt.allLSGs, p.Code)) {
						missing++
						t.Errorf("GET %s: no link to %s", tt.path, p.Code)
					}
				}
				if n := strings.Count(res.Body, "<li><a href=\"/"+tt.allLSGs+"/places/"); n != 145 || missing != 0 {
					t.Errorf("GET %s: %d LSG items, %d missing; want 145", tt.path, n, missing)
				}
			}
		})
	}
}

func TestAdminRedirectsAnonymous(t *testing.T) {
	h := newServer(t, dbtest.SQLite(t), nil).Handler()
	res := get(t, h, "/sr-Cyrl/admin/places/ba-fbih-mostar")
	want := "/sr-Cyrl/login?next=" + url.QueryEscape("/sr-Cyrl/admin/places/ba-fbih-mostar")
	if res.Status != http.StatusSeeOther || res.Location != want {
		t.Errorf("status %d, Location %q; want 303 to %q", res.Status, res.Location, want)
	}
}

func TestUppercaseCodeRedirects(t *testing.T) {
	h := newServer(t, dbtest.SQLite(t), nil).Handler()
	res := get(t, h, "/bs/places/BA-FBIH-MOSTAR")
	if res.Status != http.StatusMovedPermanently || res.Location != "/bs/places/ba-fbih-mostar" {
		t.Errorf("status %d, Location %q", res.Status, res.Location)
	}
}

func TestAPI(t *testing.T) {
	h := newServer(t, dbtest.SQLite(t), nil).Handler()

	res := get(t, h, "/api/v1/places")
	if res.Status != 200 || !strings.HasPrefix(res.Type, "application/json") {
		t.Fatalf("status %d, type %q", res.Status, res.Type)
	}
	var list APIList
	if err := json.Unmarshal([]byte(res.Body), &list); err != nil {
		t.Fatal(err)
	}
	if list.Count != 158 || len(list.Places) != 158 {
		t.Errorf("count %d, %d places; want 158", list.Count, len(list.Places))
	}

	res = get(t, h, "/api/v1/places?kind=lsg&lang=en")
	if err := json.Unmarshal([]byte(res.Body), &list); err != nil {
		t.Fatal(err)
	}
	if list.Count != 145 {
		t.Errorf("kind=lsg: count %d, want 145", list.Count)
	}
	for _, p := range list.Places {
		if p.Kind != KindLSG || p.Country != "BA" || p.Entity == nil || p.URL != "/en/places/"+p.Code {
			t.Errorf("kind=lsg: %+v", p)
		}
		if p.Code == "ba-rs-stanari" && (p.Population != nil || p.PopulationYear != nil) {
			t.Errorf("Stanari population %v, want null", *p.Population)
		}
	}

	// One place, as raw JSON to check nulls and names.
	res = get(t, h, "/api/v1/places/ba-rs-trnovo-rs")
	var one map[string]any
	if err := json.Unmarshal([]byte(res.Body), &one); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"code": "ba-rs-trnovo-rs", "country": "BA", "kind": "lsg", "name_lat": "Trnovo (RS)", "name_cyr": "Трново (РС)", "lsg_type": "municipality",
		"parent": "ba-rs", "entity": "ba-rs", "canton": nil, "number": nil, "population": float64(2050), "population_year": float64(2013),
		"url":       "/bs/places/ba-rs-trnovo-rs",
		"aliases":   []any{map[string]any{"alias": "Trnovo", "kind": "former"}, map[string]any{"alias": "Trnovo (RS)", "kind": "geo"}},
		"member_of": []any{"ba-rs-istocno-sarajevo"},
	}
	if diff := cmp.Diff(want, one); diff != "" {
		t.Errorf("GET /api/v1/places/ba-rs-trnovo-rs (-want +have):\n%s", diff)
	}

	res = get(t, h, "/api/v1/places/nowhere")
	var problem map[string]any
	if err := json.Unmarshal([]byte(res.Body), &problem); err != nil || res.Status != 404 || problem["status"] != float64(404) {
		t.Errorf("unknown place: status %d, body %s, err %v", res.Status, res.Body, err)
	}
}

func TestCanAdmin(t *testing.T) {
	t.Parallel()
	user := func(status string, grants ...auth.Grant) *auth.User {
		return &auth.User{ID: 1, Status: status, Grants: grants}
	}
	admin := auth.Grant{Role: auth.RoleAdmin, ScopeKind: auth.ScopeGlobal}
	coord := func(code string) auth.Grant {
		return auth.Grant{Role: auth.RoleLSGCoordinator, ScopeKind: auth.ScopeLSG, ScopeRef: code}
	}
	staff := func(code string) auth.Grant {
		return auth.Grant{Role: auth.RoleLSGStaff, ScopeKind: auth.ScopeLSG, ScopeRef: code}
	}
	const mostar, trebinje = "ba-fbih-mostar", "ba-rs-trebinje"
	tests := []struct {
		name string
		u    *auth.User
		code string
		want bool
	}{
		{"administrator", user(auth.StatusActive, admin), mostar, true},
		{"administrator, other LSG", user(auth.StatusActive, admin), trebinje, true},
		{"coordinator of Mostar", user(auth.StatusActive, coord(mostar)), mostar, true},
		{"coordinator of Mostar at Trebinje", user(auth.StatusActive, coord(mostar)), trebinje, false},
		{"staff of Mostar", user(auth.StatusActive, staff(mostar)), mostar, true},
		{"staff of Mostar at Trebinje", user(auth.StatusActive, staff(mostar)), trebinje, false},
		{"coordinator of Trebinje at Mostar", user(auth.StatusActive, coord(trebinje)), mostar, false},
		{"coordinator of Trebinje", user(auth.StatusActive, coord(trebinje)), trebinje, true},
		{"moderator of Mostar", user(auth.StatusActive, auth.Grant{Role: auth.RoleModerator, ScopeKind: auth.ScopeLSG, ScopeRef: mostar}), mostar, false},
		{"citizen", user(auth.StatusActive), mostar, false},
		{"disabled coordinator", user("disabled", coord(mostar)), mostar, false},
		{"anonymous", nil, mostar, false},
		{"administrator, empty code", user(auth.StatusActive, admin), "", false},
	}
	for _, tt := range tests {
		if got := CanAdmin(tt.u, tt.code); got != tt.want {
			t.Errorf("%s: CanAdmin(%s) = %v, want %v", tt.name, tt.code, got, tt.want)
		}
	}
}

// TestAdminPageWithSessions signs real accounts in through the auth
// package's session middleware and checks who reaches which LSG's admin
// page: a coordinator of one LSG cannot reach another LSG's.
func TestAdminPageWithSessions(t *testing.T) {
	d := dbtest.SQLite(t)
	ctx := context.Background()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	asvc := auth.NewService(d, &mail.Recorder{}, cat, "http://localhost", log, auth.Options{})
	ses := auth.NewSessions(asvc, log, auth.SessionOptions{})
	srv := newServer(t, d, asvc, ses.Middleware)
	// A test-only route that signs a user in by public id.
	srv.Handle("GET /test/signin/{pid}", func(w http.ResponseWriter, r *http.Request) error {
		u, err := asvc.UserByPublicID(r.Context(), r.PathValue("pid"))
		if err != nil {
			return err
		}
		return ses.SignIn(w, r, u)
	})
	h := srv.Handler()

	adm, err := asvc.CreateAdmin(ctx, "admin@example.org", "Admin", "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if adm, err = asvc.UserByPublicID(ctx, adm.PublicID); err != nil {
		t.Fatal(err)
	}
	newUser := func(email, name string, grants ...auth.Grant) string {
		u, err := asvc.Register(ctx, auth.RegisterInput{Email: email, Name: name, Password: "correct horse battery", Locale: "bs"}, auth.Meta{})
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range grants {
			if err := asvc.GrantRole(ctx, adm, u.PublicID, g, auth.Meta{}); err != nil {
				t.Fatal(err)
			}
		}
		return u.PublicID
	}
	lsg := func(r auth.Role, code string) auth.Grant {
		return auth.Grant{Role: r, ScopeKind: auth.ScopeLSG, ScopeRef: code}
	}
	cookie := func(pid string) *http.Cookie {
		req := httptest.NewRequest(http.MethodGet, "/test/signin/"+pid, nil)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		for _, c := range rec.Result().Cookies() {
			if c.Value != "" {
				return c
			}
		}
		t.Fatalf("sign-in of %s set no cookie (status %d)", pid, rec.Code)
		return nil
	}
	users := map[string]*http.Cookie{
		"admin":            cookie(adm.PublicID),
		"coord-mostar":     cookie(newUser("ana@example.org", "Ana Anić", lsg(auth.RoleLSGCoordinator, "ba-fbih-mostar"))),
		"staff-mostar":     cookie(newUser("edo@example.org", "Edo Edić", lsg(auth.RoleLSGStaff, "ba-fbih-mostar"))),
		"coord-trebinje":   cookie(newUser("mira@example.org", "Мира Мирић", lsg(auth.RoleLSGCoordinator, "ba-rs-trebinje"))),
		"citizen":          cookie(newUser("cit@example.org", "Građanin")),
		"moderator-mostar": cookie(newUser("mod@example.org", "Mod", lsg(auth.RoleModerator, "ba-fbih-mostar"))),
	}
	tests := []struct {
		user, path string
		status     int
		contains   []string
	}{
		{"admin", "/bs/admin/places/ba-fbih-mostar", 200, []string{"Administracija: Mostar", "Ana Anić", "Edo Edić", "/bs/admin/users"}},
		{"admin", "/bs/admin/places/ba-fbih-atlantis", 404, nil},
		{"admin", "/bs/admin/places/ba-fbih-k-hnk", 404, nil},
		{"coord-mostar", "/bs/admin/places/ba-fbih-mostar", 200, []string{"Ana Anić", "Koordinator"}},
		{"coord-mostar", "/bs/admin/places/ba-rs-trebinje", 403, nil},
		{"coord-mostar", "/bs/places/ba-fbih-mostar", 200, []string{`href="/bs/admin/places/ba-fbih-mostar"`}},
		{"staff-mostar", "/en/admin/places/ba-fbih-mostar", 200, []string{"Administration: Mostar"}},
		{"staff-mostar", "/en/admin/places/ba-rs-trebinje", 403, nil},
		{"coord-trebinje", "/sr-Cyrl/admin/places/ba-rs-trebinje", 200, []string{"Требиње", "Мира Мирић"}},
		{"coord-trebinje", "/bs/admin/places/ba-fbih-mostar", 403, nil},
		{"citizen", "/bs/admin/places/ba-fbih-mostar", 403, nil},
		{"moderator-mostar", "/bs/admin/places/ba-fbih-mostar", 403, nil},
	}
	for _, tt := range tests {
		res := get(t, h, tt.path, users[tt.user])
		if res.Status != tt.status {
			t.Errorf("%s GET %s: status %d, want %d", tt.user, tt.path, res.Status, tt.status)
			continue
		}
		for _, s := range tt.contains {
			if !strings.Contains(res.Body, s) {
				t.Errorf("%s GET %s: body lacks %q", tt.user, tt.path, s)
			}
		}
	}
}

// tWriter sends the server's log to the test's log.
type tWriter struct{ t *testing.T }

func (w tWriter) Write(b []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}
