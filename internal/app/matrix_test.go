package app

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// Issue 14: the role × route matrix over the real router. Every route
// that changes state and every GET that is not public has rows here, one
// per chosen record and input, saying for each demo role what class of
// answer it gets; every public GET is in matrixPublic and must answer an
// anonymous reader. A new route without a row fails the test, so whoever
// adds it decides who may use it.
//
// Each row acts on a real record that newMatrixEnv builds (through the
// services, as the people who own them) or that the demo holds, so every
// cell is an authorisation decision about that record, not an answer to
// an unknown id.
//
// Record mode (DIJALOG_MATRIX_RECORD=1, with -v) prints the rows as
// observed, for a reviewer to read cell by cell before they go into
// matrixRows.

// matrixRoles are the columns of a row's want string, in this order.
var matrixRoles = []struct{ name, email string }{
	{"anonymous", ""},
	{"citizen", "gradjanin@demo.dijalog.ba"},
	{"coordinator Mostar", "koordinator.mostar@demo.dijalog.ba"},
	{"staff Trnovo", "osoblje.trnovo@demo.dijalog.ba"},
	{"coordinator Trebinje", "koordinator.trebinje@demo.dijalog.ba"},
	{"CSO LDA Mostar", "ocd@demo.dijalog.ba"},
	{"programme manager UNDP", DemoProgrammeManager},
	{"moderator", "moderator@demo.dijalog.ba"},
	{"assessor", "ocjenjivac@demo.dijalog.ba"},
	{"admin", "admin@demo.dijalog.ba"},
}

// Outcome classes, one letter per role in a row's want string.
const (
	allowed   = 'A' // 2xx, or 3xx elsewhere than to sign in: done, or shown
	refusedIn = 'V' // 409 or 422: the person got past the checks of who; the input or the record's state was refused
	signIn    = 'S' // 303 to /en/login?next=…
	forbidden = 'F' // 403
	hidden    = 'H' // 404
	gone      = 'G' // 410: the token of a link is unknown, used or expired
	other     = 'X' // anything else (400, 401, 429, 5xx): never expected
	skip      = '.' // not checked
)

// matrixRow is one route with one choice of record and input. args is a
// comma-separated list:
//
//	name=value    a path parameter ({name})
//	+name=value   a form field ("+*=@gen" adds every field gen made)
//	+name=file:png  a file field: the request is multipart
//	?name=value   a query parameter
//	!scratch      each role sends from a fresh session of its own (the
//	              request signs someone in, which ends the session it came in)
//
// A value is a symbol of matrixEnv.ids, "@gen" or "@gen:key" (a record
// the generator gen makes anew for every role's request, for actions that
// use a record up: deleting, consuming a token), or a literal. A path
// parameter not named takes the URL the crawl of the demo found.
type matrixRow struct {
	route string // "METHOD pattern" as ta.Web.Routes() has it
	args  string
	want  string // one class per matrixRoles entry
}

func classify(status int, loc string) byte {
	switch {
	case status == http.StatusSeeOther && strings.HasPrefix(loc, "/en/login?next="):
		return signIn
	case status == http.StatusForbidden:
		return forbidden
	case status == http.StatusNotFound:
		return hidden
	case status == http.StatusGone:
		return gone
	case status == http.StatusConflict, status == http.StatusUnprocessableEntity:
		return refusedIn
	case status < 400:
		return allowed
	}
	return other
}

var actionRe = regexp.MustCompile(`(?:href|action)="(/[^"#]*)"`)

// matrixCrawl follows same-site links and form actions of the pages c can
// read, breadth first from seeds; it returns every URL seen (links with a
// query are recorded, not followed).
func matrixCrawl(t *testing.T, base string, c *http.Client, seeds []string, limit int) []string {
	t.Helper()
	queue := slices.Clone(seeds)
	seen := map[string]bool{}
	for _, u := range queue {
		seen[u] = true
	}
	var out []string
	for i := 0; i < len(queue) && i < limit; i++ {
		resp, err := c.Get(base + queue[i])
		if err != nil {
			t.Fatalf("crawl %s: %v", queue[i], err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			continue
		}
		for _, m := range actionRe.FindAllStringSubmatch(string(b), -1) {
			u := strings.ReplaceAll(m[1], "&amp;", "&")
			if seen[u] || !(strings.HasPrefix(u, "/en/") || strings.HasPrefix(u, "/api/") || strings.HasPrefix(u, "/dialogue/") || strings.HasPrefix(u, "/media/")) {
				continue
			}
			seen[u] = true
			out = append(out, u)
			if !strings.Contains(u, "?") && !strings.HasPrefix(u, "/api/") {
				queue = append(queue, u)
			}
		}
	}
	return append(slices.Clone(seeds), out...)
}

// matrixReq is one role's request of a row.
type matrixReq struct {
	method, path string
	form         url.Values
	files        map[string][]byte
	client       *http.Client
}

// request builds role i's request of row r; ok is false when a path
// parameter has no value.
func (e *matrixEnv) request(t *testing.T, i int, r matrixRow) (matrixReq, bool) {
	t.Helper()
	method, pattern, _ := strings.Cut(r.route, " ")
	req := matrixReq{method: method, client: e.clients[i]}
	token := e.tokens[i]
	made := map[string]url.Values{} // this request's generated records
	var query url.Values
	p := strings.ReplaceAll(strings.ReplaceAll(pattern, "{lang}", "en"), "{$}", "")
	var fields [][2]string
	for _, a := range strings.Split(r.args, ",") {
		if a == "" {
			continue
		}
		if a == "!scratch" {
			req.client = e.ta.as(t, matrixRoles[i].email)
			token = e.ta.csrf(t, req.client)
			continue
		}
		name, sym, _ := strings.Cut(a, "=")
		switch {
		case strings.HasPrefix(name, "?"):
			if query == nil {
				query = url.Values{}
			}
			query.Add(name[1:], e.value(t, sym, made))
		case strings.HasPrefix(name, "+"):
			fields = append(fields, [2]string{name[1:], sym})
		default:
			p = strings.Replace(p, "{"+name+"}", e.value(t, sym, made), 1)
		}
	}
	req.form = url.Values{"csrf_token": {token}}
	for _, f := range fields {
		name, sym := f[0], f[1]
		switch {
		case name == "*":
			gen := made[strings.TrimPrefix(sym, "@")]
			if gen == nil {
				e.value(t, sym, made)
				gen = made[strings.TrimPrefix(sym, "@")]
			}
			for k, vs := range gen {
				if !strings.HasPrefix(k, "_") {
					req.form[k] = slices.Clone(vs)
				}
			}
		case strings.HasPrefix(sym, "file:"):
			if req.files == nil {
				req.files = map[string][]byte{}
			}
			req.files[name] = matrixFile(t, strings.TrimPrefix(sym, "file:"))
		default:
			req.form.Set(name, e.value(t, sym, made))
		}
	}
	if strings.Contains(p, "{") {
		re := patternRe(strings.ReplaceAll(p, "/en/", "/{lang}/"))
		i := slices.IndexFunc(e.seen, re.MatchString)
		if i < 0 {
			return req, false
		}
		p, _, _ = strings.Cut(e.seen[i], "?")
	}
	if query != nil {
		p += "?" + query.Encode()
	}
	req.path = p
	return req, true
}

// value resolves a symbol of a row's args: a record generated for this
// request ("@gen", "@gen:key"), an id of the environment, or a literal.
func (e *matrixEnv) value(t *testing.T, sym string, made map[string]url.Values) string {
	t.Helper()
	if g, ok := strings.CutPrefix(sym, "@"); ok {
		name, key, _ := strings.Cut(g, ":")
		if made[name] == nil {
			gen := e.gens[name]
			if gen == nil {
				t.Fatalf("no generator %q", name)
			}
			made[name] = gen(t)
		}
		return made[name].Get(key)
	}
	if v, ok := e.ids[sym]; ok {
		return v
	}
	return sym
}

// send sends a request and returns its class and status.
func (e *matrixEnv) send(t *testing.T, q matrixReq) (byte, int) {
	t.Helper()
	var req *http.Request
	switch {
	case q.method == http.MethodGet:
		req, _ = http.NewRequest(q.method, e.ta.srv.URL+q.path, nil)
	case q.files != nil:
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		for k, vs := range q.form {
			for _, v := range vs {
				mw.WriteField(k, v)
			}
		}
		for k, data := range q.files {
			fw, _ := mw.CreateFormFile(k, k+matrixFileExt(data))
			fw.Write(data)
		}
		mw.Close()
		req, _ = http.NewRequest(q.method, e.ta.srv.URL+q.path, &b)
		req.Header.Set("Content-Type", mw.FormDataContentType())
	default:
		req, _ = http.NewRequest(q.method, e.ta.srv.URL+q.path, strings.NewReader(q.form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := q.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", q.method, q.path, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode >= 500 {
		t.Errorf("%s %s: %d", q.method, q.path, resp.StatusCode)
	}
	return classify(resp.StatusCode, resp.Header.Get("Location")), resp.StatusCode
}

// destructive orders rows: those that end sessions or remove what later
// rows read run last.
func destructive(route string) int {
	switch {
	case strings.HasSuffix(route, "/logout"):
		return 3
	case strings.Contains(route, "/roles/revoke"), strings.HasSuffix(route, "/status"), strings.HasSuffix(route, "/publish"):
		return 2
	}
	for _, w := range []string{"delete", "discard", "publish", "withdraw", "ban", "hide", "send", "decide", "cancel", "unsubscribe", "{op}"} {
		if strings.Contains(route, w) {
			return 1
		}
	}
	return 0
}

func TestRoleRouteMatrixEveryRoute(t *testing.T) {
	start := time.Now()
	record := os.Getenv("DIJALOG_MATRIX_RECORD") != ""
	e := newMatrixEnv(t)
	t.Logf("setup and crawl: %v, %d URLs", time.Since(start), len(e.seen))
	rows := map[string][]matrixRow{}
	for _, r := range matrixRows {
		rows[r.route] = append(rows[r.route], r)
		if strings.Contains(r.args, "*=0") {
			t.Errorf("%s [%s]: a placeholder id proves nothing; build the record the route acts on in newMatrixEnv", r.route, r.args)
		}
		if !record && len(r.want) != len(matrixRoles) {
			t.Errorf("%s [%s]: %d classes for %d roles", r.route, r.args, len(r.want), len(matrixRoles))
		}
	}
	public := map[string]bool{}
	for _, p := range matrixPublic {
		public[p] = true
	}
	var missing, unfilled []string
	var todo []matrixRow
	for _, rt := range e.ta.Web.Routes() {
		key := rt.Method + " " + rt.Pattern
		switch {
		case strings.Contains(rt.Pattern, "test-"):
		case rt.Method == http.MethodGet && public[rt.Pattern] && len(rows[key]) == 0:
			todo = append(todo, matrixRow{route: key, want: "public"})
		case len(rows[key]) > 0:
			todo = append(todo, rows[key]...)
		case record:
			for _, a := range recordArgs(rt.Pattern) {
				todo = append(todo, matrixRow{route: key, args: a})
			}
		default:
			missing = append(missing, key)
		}
	}
	slices.SortStableFunc(todo, func(a, b matrixRow) int { return destructive(a.route) - destructive(b.route) })
	cells := 0
	for _, r := range todo {
		if r.want == "public" {
			q, ok := e.request(t, 0, r)
			if !ok {
				unfilled = append(unfilled, r.route)
				continue
			}
			cells++
			if cls, st := e.send(t, q); cls != allowed && st != http.StatusNotFound {
				t.Errorf("public %s (%s): anonymous answer %d", r.route, q.path, st)
			}
			continue
		}
		got := make([]byte, len(matrixRoles))
		statuses := make([]int, len(matrixRoles))
		var path string
		for i := range matrixRoles {
			if !record && (i >= len(r.want) || r.want[i] == skip) {
				got[i] = skip
				continue
			}
			q, ok := e.request(t, i, r)
			if !ok {
				unfilled = append(unfilled, r.route+" "+r.args)
				break
			}
			path = q.path
			got[i], statuses[i] = e.send(t, q)
			cells++
		}
		if record {
			fmt.Printf("\t{%q, %q, %q}, // %v\n", r.route, r.args, got, statuses)
			continue
		}
		for i := range matrixRoles {
			if got[i] != r.want[i] && r.want[i] != skip && got[i] != 0 {
				t.Errorf("%s %s [%s]: %s got %c (%d), want %c", r.route, path, r.args, matrixRoles[i].name, got[i], statuses[i], r.want[i])
			}
		}
	}
	if len(missing) > 0 {
		t.Errorf("%d routes have no row in the role × route matrix (decide who may use them):\n%s", len(missing), strings.Join(missing, "\n"))
	}
	if len(unfilled) > 0 {
		t.Errorf("%d rows could not be filled:\n%s", len(unfilled), strings.Join(unfilled, "\n"))
	}
	t.Logf("%d routes, %d cells checked in %v", len(todo), cells, time.Since(start))
}

// recordArgs proposes the path values of the scope rules for new rows.
func recordArgs(p string) []string {
	switch {
	case strings.Contains(p, "/projects/{id}"):
		return []string{"id=project.makers", "id=project.eu", "id=project.trnovo"}
	case strings.Contains(p, "/calls/{slug}"):
		return []string{"slug=call.lda", "slug=call.mostar"}
	case strings.Contains(p, "/platforms/{slug}"):
		return []string{"slug=platform.inter", "slug=platform.mostar"}
	case strings.Contains(p, "/sets/{set}"):
		return []string{"set=set.draft", "set=set.2008"}
	case strings.Contains(p, "/admin/places/{code}"):
		return []string{"code=lsg.mostar", "code=lsg.trnovo", "code=lsg.trebinje"}
	case strings.Contains(p, "/admin/users/{id}"):
		return []string{"id=user.extra"}
	}
	return []string{""}
}

// matrixPublic are the GET routes an anonymous reader may use; each is
// checked to answer one (2xx, a redirect that is not to sign in, or 404)
// on the first URL the crawl found, unless it has rows of its own (for
// records it shows not everyone, or for a query it needs).
var matrixPublic = []string{
	"/{$}",
	"/{lang}/privacy",
	"/{lang}/terms",
	"/{lang}/register",
	"/{lang}/login",
	"/{lang}/forgot",
	"/{lang}/reset",
	"/{lang}/search",
	"/api/v1/search",
	"/api/v1/search/suggest",
	"/{lang}/projects",
	"/{lang}/projects/dashboard",
	"/{lang}/projects/map.svg",
	"/api/v1/projects",
	"/api/v1/projects.csv",
	"/api/v1/projects.geojson",
	"/api/v1/projects.iati.xml",
	"/api/v1/openapi.json",
	"/{lang}/platforms",
	"/{lang}/platforms/programmes",
	"/{lang}/platforms/verify",
	"/{lang}/initiatives",
	"/{lang}/initiatives/{pid}",
	"/api/v1/platforms",
	"/api/v1/initiatives",
	"/{lang}/calls",
	"/{lang}/calls/feed.atom",
	"/{lang}/calls/deadlines.ics",
	"/{lang}/awards/{id}",
	"/{lang}/grants/registry",
	"/api/v1/grants.360giving.json",
	"/api/v1/grants/support.csv",
	"/{lang}/surveys",
	"/{lang}/surveys/{id}",
	"/{lang}/surveys/{id}/results",
	"/{lang}/surveys/{id}/results.csv",
	"/api/v1/surveys/{id}/results",
	"/{lang}/eloge",
	"/{lang}/eloge/{cycle}",
	"/{lang}/eloge/{cycle}/{lsg}",
	"/api/v1/eloge/results",
	"/{lang}/news",
	"/{lang}/news/{slug}",
	"/bs/news/feed.atom",
	"/hr/news/feed.atom",
	"/sr-Latn/news/feed.atom",
	"/sr-Cyrl/news/feed.atom",
	"/mk/news/feed.atom",
	"/sq/news/feed.atom",
	"/en/news/feed.atom",
	"/api/v1/news",
	"/{lang}/newsletter",
	"/{lang}/events",
	"/{lang}/events/{slug}",
	"/{lang}/events/{slug}/event.ics",
	"/bs/events/feed.ics",
	"/hr/events/feed.ics",
	"/sr-Latn/events/feed.ics",
	"/sr-Cyrl/events/feed.ics",
	"/mk/events/feed.ics",
	"/sq/events/feed.ics",
	"/en/events/feed.ics",
	"/{lang}/places",
	"/{lang}/places/{code}",
	"/api/v1/places",
	"/api/v1/places/{code}",
	"/{lang}/{$}",
	"/healthz",
	"/readyz",
}

// matrixRows: columns anonymous, citizen, coordinator Mostar, staff Trnovo,
// coordinator Trebinje, CSO LDA Mostar, programme manager UNDP, moderator,
// assessor, admin. A done or shown, V past the check of who but the input
// or the record's state refused (409, 422), S sign in, F 403, H 404, G 410,
// X other, . not checked. The records are newMatrixEnv's (matrix_env_test.go).
var matrixRows = []matrixRow{
	// Not public: answers this test because it connects directly from the
	// machine; a forwarded request is refused (TestFinding13MetricsNotPublic).
	{"GET /metrics", "", "AAAAAAAAAA"},
	// Assets: anyone (302 to the fingerprinted name).
	{"GET /static/{file}", "file=app.css", "AAAAAAAAAA"},
	// Comments: anyone signed in writes, reports and follows; only the author
	// edits (for 15 minutes); a thread's moderators hide and restore: the
	// global moderators, the publisher of an article (LDA Mostar for its own)
	// and the managers of an initiative's platform (the coordinators of Mostar
	// and Trebinje on the inter-municipal one); only global moderators ban.
	{"POST /{lang}/comments", "+subject_type=article,+subject_id=article.mostar,+body=Komentar svake uloge", "SAAAAAAAAA"},
	{"POST /{lang}/comments", "+subject_type=initiative,+subject_id=initiative.draft,+body=Komentar nacrta", "SFFFFFFFFF"}, // a draft takes no comments, not even its author's
	{"POST /{lang}/comments/{pid}/report", "pid=comment.article,+reason=Uvreda", "SAAAAAAAAA"},
	{"POST /{lang}/comments/{pid}/restore", "pid=comment.article,+reason=Vraćeno", "SFFFFAFAFA"},
	{"POST /{lang}/comments/{pid}/restore", "pid=comment.initiative,+reason=Vraćeno", "SFAFAFFAFA"},
	{"POST /{lang}/comments/{pid}/edit", "pid=comment.article,+body=Ispravljen komentar", "SAFFFFFFFF"}, // its author only
	{"POST /{lang}/comments/follow", "+subject_type=article,+subject_id=article.mostar,+follow=1", "SAAAAAAAAA"},
	{"GET /{lang}/comments/moderation", "", "SFFFFFFAFA"},
	// The link of a notification mail: its token is the credential (H: unknown).
	{"GET /{lang}/unfollow/{token}", "token=token.follow", "AAAAAAAAAA"},
	{"GET /{lang}/unfollow/{token}", "token=nepoznat", "HHHHHHHHHH"},
	{"POST /{lang}/unfollow/{token}", "token=@follow", "AAAAAAAAAA"},
	{"POST /{lang}/unfollow/{token}", "token=nepoznat", "HHHHHHHHHH"},
	// Accounts. V: an empty form refused, past any check of who.
	{"POST /{lang}/register", "", "VVVVVVVVVV"},
	// The links of mails confirming an address and resetting a password:
	// the token is the credential, whoever sends it; an unknown token is gone
	// (410). Confirming signs the new account in, so each role sends it from
	// a session of its own (!scratch).
	{"GET /{lang}/confirm", "?token=token.confirm", "AAAAAAAAAA"},
	{"GET /{lang}/confirm", "?token=nepoznat", "GGGGGGGGGG"},
	{"POST /{lang}/confirm", "!scratch,+token=@confirm", "AAAAAAAAAA"},
	{"POST /{lang}/confirm", "+token=nepoznat", "GGGGGGGGGG"},
	{"POST /{lang}/login", "", "VVVVVVVVVV"},
	{"GET /{lang}/account", "", "SAAAAAAAAA"},
	{"POST /{lang}/account/profile", "", "SVVVVVVVVV"},
	{"POST /{lang}/account/password", "", "SVVVVVVVVV"},
	{"POST /{lang}/forgot", "", "VVVVVVVVVV"},
	{"POST /{lang}/reset", "+token=@reset,+password=nova duga lozinka 2026,+password2=nova duga lozinka 2026", "AAAAAAAAAA"}, // 303 to sign in
	{"POST /{lang}/reset", "+token=nepoznat,+password=nova duga lozinka 2026,+password2=nova duga lozinka 2026", "GGGGGGGGGG"},
	// Administration: the admin only; /admin sends LSG people on to their
	// LSG's page (303).
	{"GET /{lang}/admin", "", "SFAAAFFFFA"},
	{"GET /{lang}/admin/users", "", "SFFFFFFFFA"},
	{"GET /{lang}/admin/users/{id}", "id=user.extra", "SFFFFFFFFA"},
	{"POST /{lang}/admin/users/{id}/roles", "id=user.extra,+role=assessor", "SFFFFFFFFA"},
	{"GET /{lang}/admin/audit", "", "SFFFFFFFFA"},
	{"GET /{lang}/admin/organisations", "", "SFFFFFFFFA"},
	{"POST /{lang}/admin/organisations", "", "SFFFFFFFFV"},
	{"GET /{lang}/admin/organisations/{id}", "id=org.lda", "SFFFFFFFFA"},
	{"POST /{lang}/admin/organisations/{id}/members", "id=org.porticus,+email=email.extra", "SFFFFFFFFA"},
	// Projects: read by anyone; added and edited by a programme manager of
	// the owner organisation (UNDP's for MAKERS and UNDP's own), by the
	// coordinator and staff of the one LSG of a project of one LSG (Trnovo's),
	// and the admin. V on an add: the project falls outside the person's
	// scope (projects.err.scope) or joins a programme of another
	// organisation (projects.err.programme_owner).
	{"GET /{lang}/projects/new", "", "AFAAAFAFFA"},
	{"POST /{lang}/projects/new", "+*=@pnew.trnovo", "SFVAVFVFFA"},
	{"POST /{lang}/projects/new", "+*=@pnew.undp", "SFVVVFAFFA"},
	{"POST /{lang}/projects/new", "+*=@pnew.undp,+programme=programme.undp", "SFVVVFAFFA"},
	{"POST /{lang}/projects/new", "+*=@pnew.trnovo,+programme=programme.undp", "SFVVVFVFFA"}, // V: Trnovo's staff may not put it into UNDP's programme
	{"GET /{lang}/projects/{id}", "id=project.makers", "AAAAAAAAAA"},
	{"GET /{lang}/projects/{id}", "id=project.eu", "AAAAAAAAAA"},
	{"GET /{lang}/projects/{id}", "id=project.trnovo", "AAAAAAAAAA"},
	{"GET /{lang}/projects/{id}/edit", "id=project.makers", "SFFFFFAFFA"},
	{"GET /{lang}/projects/{id}/edit", "id=project.eu", "SFFFFFFFFA"},
	{"GET /{lang}/projects/{id}/edit", "id=project.trnovo", "SFFAFFFFFA"},
	{"POST /{lang}/projects/{id}/edit", "id=project.makers,+*=@pform.makers", "SFFFFFAFFA"},
	{"POST /{lang}/projects/{id}/edit", "id=project.eu,+*=@pform.eu", "SFFFFFFFFA"},
	{"POST /{lang}/projects/{id}/edit", "id=project.trnovo,+*=@pform.trnovo", "SFFAFFFFFA"},
	{"POST /{lang}/projects/{id}/edit", "id=project.makers,+*=@pform.makers,+programme=programme.undp", "SFFFFFAFFA"},
	{"POST /{lang}/projects/{id}/edit", "id=project.trnovo,+*=@pform.trnovo,+programme=programme.undp", "SFFVFFFFFA"}, // V: Trnovo's staff may not put it into UNDP's programme
	// A programme's visibility notice: who may edit the programme sets
	// it; a project has none of its own (it shows its programme's).
	{"GET /{lang}/projects/{id}/notice", "id=programme.undp", "SFFFFFAFFA"},
	{"GET /{lang}/projects/{id}/notice", "id=project.makers", "SFFFFFHFFH"},
	{"POST /{lang}/projects/{id}/notice", "id=programme.undp,+notice_en=Funded by UNDP.,+emblem_en=UNDP", "SFFFFFAFFA"},
	{"POST /{lang}/projects/{id}/notice", "id=project.makers,+notice_en=Funded by UNDP.", "SFFFFFHFFH"},
	{"GET /{lang}/projects/{id}/history", "id=project.makers", "AAAAAAAAAA"},
	{"GET /{lang}/projects/{id}/history", "id=project.eu", "AAAAAAAAAA"},
	{"GET /{lang}/projects/{id}/history", "id=project.trnovo", "AAAAAAAAAA"},
	{"GET /api/v1/projects/totals.csv", "?by=donor", "AAAAAAAAAA"},
	{"GET /api/v1/projects/{id}", "id=project.makers", "AAAAAAAAAA"},
	{"GET /api/v1/projects/{id}", "id=project.eu", "AAAAAAAAAA"},
	{"GET /api/v1/projects/{id}", "id=project.trnovo", "AAAAAAAAAA"},
	// Dialogue platforms: anyone reads; anyone signed in joins, proposes,
	// supports, registers for a meeting; the platform's managers (the
	// coordinators of its LSGs, its own coordinator and deputy) run it.
	{"POST /{lang}/platforms/verify", "+code=NEPOZNAT", "SVVVVVVVVV"},
	{"GET /{lang}/platforms/{slug}", "slug=platform.inter", "AAAAAAAAAA"},
	{"GET /{lang}/platforms/{slug}", "slug=platform.mostar", "AAAAAAAAAA"},
	{"POST /{lang}/platforms/{slug}/join", "slug=platform.inter", "SAAAAAAAAA"},
	{"POST /{lang}/platforms/{slug}/join", "slug=platform.mostar", "SAAAAAAAAA"},
	{"POST /{lang}/platforms/{slug}/accept", "slug=platform.pale", "SAAAAAAAAA"},
	{"POST /{lang}/platforms/{slug}/accept", "slug=platform.inter", "SHHHHHHHHH"}, // H: nobody was invited there
	{"GET /{lang}/platforms/{slug}/manage", "slug=platform.inter", "SFAFAFFFFA"},  // not Trnovo's staff: coordinators run platforms
	{"GET /{lang}/platforms/{slug}/manage", "slug=platform.mostar", "SFAFFFFFFA"},
	{"GET /{lang}/platforms/{slug}/money", "slug=platform.inter", "AAAAAAAAAA"},
	{"GET /{lang}/platforms/{slug}/money", "slug=platform.mostar", "AAAAAAAAAA"},
	{"GET /{lang}/platforms/{slug}/meetings.ics", "slug=platform.inter", "AAAAAAAAAA"},
	{"GET /{lang}/platforms/{slug}/meetings.ics", "slug=platform.mostar", "AAAAAAAAAA"},
	{"GET /{lang}/platforms/{slug}/meetings/{pid}", "slug=platform.inter,pid=meeting.inter", "AAAAAAAAAA"},
	{"GET /{lang}/platforms/{slug}/meetings/{pid}", "slug=platform.mostar,pid=meeting.mostar", "AAAAAAAAAA"},
	{"GET /{lang}/platforms/{slug}/ballots/{pid}", "slug=platform.mostar,pid=ballot.open", "AAAAAAAAAA"},
	{"GET /{lang}/platforms/{slug}/ballots/{pid}", "slug=platform.mostar,pid=ballot.draft", "HHAHHHHHHA"}, // H: a draft ballot, but for the managers
	{"GET /{lang}/platforms/{slug}/initiatives/new", "slug=platform.inter", "SAAAAAAAAA"},
	{"GET /{lang}/platforms/{slug}/initiatives/new", "slug=platform.mostar", "SAAAAAAAAA"},
	{"POST /{lang}/platforms/{slug}/initiatives/new", "slug=platform.inter,+title=Inicijativa svake uloge,+problem=Problem,+solution=Rješenje,+lsg=lsg.trnovo,+cost=1.000,+currency=BAM", "SAAAAAAAAA"},
	{"POST /{lang}/platforms/{slug}/initiatives/new", "slug=platform.mostar,+title=Inicijativa svake uloge,+problem=Problem,+solution=Rješenje,+lsg=lsg.mostar,+cost=1.000,+currency=BAM", "SAAAAAAAAA"},
	// Public pages with records some may not see: a draft initiative is
	// found by its author and its platform's managers only.
	{"GET /{lang}/initiatives/{pid}", "pid=initiative.open.trnovo", "AAAAAAAAAA"},
	{"GET /{lang}/initiatives/{pid}", "pid=initiative.draft", "HAAHHHHHHA"},
	{"GET /dialogue/photos/{pid}", "pid=photo.open", "AAAAAAAAAA"},
	{"GET /dialogue/photos/{pid}", "pid=photo.draft", "HAAHHHHHHA"},
	{"GET /api/v1/platforms/{slug}", "slug=platform.inter", "AAAAAAAAAA"},
	{"GET /api/v1/platforms/{slug}", "slug=platform.mostar", "AAAAAAAAAA"},
	{"GET /api/v1/initiatives/{pid}", "pid=initiative.open.trnovo", "AAAAAAAAAA"},
	{"GET /api/v1/initiatives/{pid}", "pid=initiative.draft", "HAAHHHHHHA"},
	// Open calls: published by those who may publish for an LSG (its
	// coordinator and staff) or an organisation (its representative or
	// programme manager); managed by them and the admin. The management
	// pages answer an anonymous visitor 404, not sign-in (grants'
	// manageable).
	{"GET /{lang}/calls/new", "", "SFAAAAAFFA"},
	{"POST /{lang}/calls/new", "", "SFVVVVVFFV"},                                           // V: an empty form, past the check of who publishes
	{"POST /{lang}/calls/new", "+*=@callform,+publisher=lsg:ba-fbih-mostar", "SFAFFFFFFA"}, // for Mostar: its coordinator and the admin
	{"POST /{lang}/calls/new", "+*=@callform,+publisher=publisher.lda", "SFFFFAFFFA"},      // for LDA Mostar: its representative and the admin
	{"GET /{lang}/calls/{slug}", "slug=call.mostar", "AAAAAAAAAA"},
	{"GET /{lang}/calls/{slug}", "slug=call.draft", "HHAHHHHHHA"}, // H: a draft call, but for its managers
	{"GET /{lang}/calls/{slug}/edit", "slug=call.lda", "HFFFFAFFFA"},
	{"GET /{lang}/calls/{slug}/edit", "slug=call.mostar", "HFAFFFFFFA"},
	{"GET /{lang}/calls/{slug}/edit", "slug=call.draft", "HHAHHHHHHA"},
	{"POST /{lang}/calls/{slug}/edit", "slug=call.lda", "HFFFFVFFFV"},
	{"POST /{lang}/calls/{slug}/edit", "slug=call.mostar", "HFVFFFFFFV"},
	{"POST /{lang}/calls/{slug}/documents", "slug=call.lda,+document=file:pdf", "HFFFFAFFFA"},
	{"POST /{lang}/calls/{slug}/documents", "slug=call.mostar,+document=file:pdf", "HFAFFFFFFA"},
	{"POST /{lang}/calls/{slug}/questions", "slug=call.lda,+question=Pitanje svake uloge?", "SAAAAAAAAA"},
	{"POST /{lang}/calls/{slug}/questions", "slug=call.mostar,+question=Pitanje svake uloge?", "SAAAAAAAAA"},
	{"POST /{lang}/calls/{slug}/questions/{qid}", "slug=call.lda,qid=question.lda,+answer=Da.", "HFFFFAFFFA"},
	{"POST /{lang}/calls/{slug}/questions/{qid}", "slug=call.mostar,qid=question.mostar,+answer=Da.", "HFAFFFFFFA"},
	{"POST /{lang}/calls/{slug}/questions/{qid}", "slug=call.lda,qid=question.mostar,+answer=Da.", "HFFFFHFFFH"}, // H: Mostar's question is not one of LDA Mostar's call
	{"GET /{lang}/calls/{slug}/apply", "slug=call.lda", "SFFFFFFFFF"},                                            // LDA Mostar is refused the form of its own call (no choice the sending would refuse)
	{"GET /{lang}/calls/{slug}/apply", "slug=call.mostar", "SFFFFAFFFF"},
	{"POST /{lang}/calls/{slug}/apply", "slug=call.lda,+org=org.lda,+q1=yes", "SVVVVFVVVF"},  // F: LDA Mostar may not apply to its own call; V: acts for no organisation
	{"POST /{lang}/calls/{slug}/apply", "slug=call.undp,+org=org.lda,+q1=yes", "SVVVVAVVVA"}, // LDA Mostar applies to UNDP's call; V: acts for no organisation
	{"GET /{lang}/calls/{slug}/manage", "slug=call.lda", "HFFFFAFFFA"},
	{"GET /{lang}/calls/{slug}/manage", "slug=call.mostar", "HFAFFFFFFA"},
	{"GET /{lang}/calls/{slug}/manage", "slug=call.undp", "HFFFFFAFFA"},
	{"POST /{lang}/calls/{slug}/assign", "slug=call.closed,+application=app.closed,+assessor=@assessor.free", "HFAFFFFFFA"},
	{"POST /{lang}/calls/{slug}/assign", "slug=call.lda.closed,+application=app.lda.closed,+assessor=@assessor.free.lda", "HFFFFAFFFA"},
	{"POST /{lang}/calls/{slug}/assign", "slug=call.lda.closed,+application=app.lda.closed,+assessor=assessor.lda", "HFFFFVFFFV"}, // V: a member of LDA Mostar does not assess its call (grants.assessor.conflict)
	{"POST /{lang}/calls/{slug}/autoassign", "slug=call.assigned", "HFAFFFFFFA"},
	{"POST /{lang}/calls/{slug}/autoassign", "slug=call.lda", "HFFFFVFFFV"}, // V: the call is still open
	{"POST /{lang}/calls/{slug}/results", "slug=call.lda", "HFFFFVFFFV"},    // V: the call is still open
	{"POST /{lang}/calls/{slug}/results", "slug=call.mostar", "HFVFFFFFFV"}, // V: the call is still open
	// Applications: the applicant's (LDA Mostar's representative); its
	// call's managers once submitted; its assessor once no conflict is
	// declared; the admin. Others, and anonymous visitors, get 404.
	{"GET /{lang}/applications", "", "SAAAAAAAAA"},
	{"GET /{lang}/applications/{id}", "id=app.draft", "HHHHHAHHHA"}, // H: a draft is not the call's managers'
	{"GET /{lang}/applications/{id}", "id=app.closed", "HHAHHAHHAA"},
	{"POST /{lang}/applications/{id}", "id=app.draft,+version=@appver.draft:version,+title=Prijava matrice,+budget_0_item=Radionice,+budget_0_cost=1.000,+budget_0_requested=800", "HHHHHAHHHA"},
	{"POST /{lang}/applications/{id}/reopen", "id=@app.withdrawn", "HHHHHAHHHA"},
	{"GET /{lang}/applications/{id}/receipt", "id=app.closed", "HHAHHAHHAA"},
	// Assessment: the assessors, each of their own assignments; the admin
	// is assigned none (H).
	{"GET /{lang}/assess", "", "SFFFFFFFAA"},
	{"GET /{lang}/assess/{id}", "id=app.closed", "HHHHHHHHAH"},
	{"POST /{lang}/assess/{id}/declare", "id=app.assigned,+declaration=none", "HHHHHHHHAH"}, // its assessor, who has not declared yet
	{"POST /{lang}/assess/{id}/scores", "id=app.closed,+points_1=8,+comment_1=Dobro", "HHHHHHHHAH"},
	// An award of Mostar's call to LDA Mostar: Mostar's coordinator and the
	// admin manage it, LDA Mostar reports. An anonymous visitor gets 403, not
	// sign-in (grants' managedAward).
	{"POST /{lang}/awards/{id}/contract", "id=award,+contract_no=UG-1,+starts_on=2027-01-01,+ends_on=2027-12-31", "FFAFFFFFFA"},
	{"POST /{lang}/awards/{id}/instalments", "id=award,+due_on=2027-02-01,+amount=100", "FFAFFFFFFA"},
	{"POST /{lang}/awards/{id}/instalments/{n}/paid", "id=award,n=@instalment", "FFAFFFFFFA"},
	{"POST /{lang}/awards/{id}/reports", "id=award,+kind=financial,+report_due_on=2027-06-30", "FFAFFFFFFA"},
	{"POST /{lang}/awards/{id}/reports/{rid}/submit", "id=award,rid=@report.due,+body=Izvještaj svake uloge.", "FFFFFAFFFA"},
	{"POST /{lang}/awards/{id}/reports/{rid}/review", "id=award,rid=@report.submitted,+verdict=approve,+review=Prihvaćeno.", "FFAFFFFFFA"},
	{"GET /{lang}/grants/files/{id}", "id=file.draft", "HHHHHAHHHA"},
	{"GET /{lang}/grants/files/{id}", "id=file.closed", "HHAHHAHHAA"},
	{"GET /api/v1/grants/dashboard.csv", "?by=year", "AAAAAAAAAA"},
	// Surveys: answered by anyone (one answer per browser); a draft is not
	// found but by its managers (the owner LSG's coordinator and staff, the
	// owner organisation's representative, the admin).
	{"GET /{lang}/surveys/{id}", "id=survey.public", "AAAAAAAAAA"},
	{"GET /{lang}/surveys/{id}", "id=survey.draft", "HHAHHHHHHA"},
	{"GET /{lang}/surveys/{id}/results", "id=survey.public", "AAAAAAAAAA"},
	{"GET /{lang}/surveys/{id}/results", "id=survey.draft", "HHAHHHHHHA"}, // a draft is not found but by its managers (page, CSV and API alike)
	{"GET /{lang}/surveys/{id}/results.csv", "id=survey.public", "AAAAAAAAAA"},
	{"GET /{lang}/surveys/{id}/results.csv", "id=survey.draft", "HHAHHHHHHA"}, // a draft is not found but by its managers (page, CSV and API alike)
	{"GET /api/v1/surveys/{id}/results", "id=survey.public", "AAAAAAAAAA"},
	{"GET /api/v1/surveys/{id}/results", "id=survey.draft", "HHAHHHHHHA"},
	{"POST /{lang}/surveys/{id}", "id=survey.public,+q.a=y,+idem=@idem", "AAAAAAAAAA"},
	{"POST /{lang}/surveys/{id}", "id=survey.draft,+q.a=y,+idem=@idem", "HHHHHHHHHH"}, // H: a draft takes no answers, not even its managers'
	{"GET /{lang}/surveys/{id}/thanks", "id=survey.public", "AAAAAAAAAA"},
	{"GET /{lang}/surveys/{id}/thanks", "id=survey.draft", "HHAHHHHHHA"}, // H: fixed in this review (showed the draft's title to anyone)
	{"GET /{lang}/admin/surveys", "", "SFAAAAFFFA"},                      // those with an owner to make surveys for
	{"POST /{lang}/admin/surveys", "", "SFVVVVFFFV"},
	{"GET /{lang}/admin/surveys/{id}", "id=survey.token", "SFAFFFFFFA"},
	{"GET /{lang}/admin/surveys/{id}", "id=survey.lda", "SFFFFAFFFA"},
	{"POST /{lang}/admin/surveys/{id}", "id=survey.token", "SFVFFFFFFV"},
	{"POST /{lang}/admin/surveys/{id}", "id=survey.lda", "SFFFFVFFFV"},
	{"GET /{lang}/admin/surveys/{id}/tokens", "id=survey.token", "SFAFFFFFFA"},
	{"POST /{lang}/admin/surveys/{id}/tokens", "id=survey.token,+csv=Vijećnik", "SFAFFFFFFA"},
	{"GET /{lang}/admin/surveys/{id}/paper", "id=survey.token", "SFAFFFFFFA"},
	{"POST /{lang}/admin/surveys/{id}/paper", "id=survey.token,+q.a=y,+idem=@idem", "SFAFFFFFFA"},
	{"GET /{lang}/admin/surveys/{id}/responses.csv", "id=survey.token", "SFAFFFFFFA"},
	{"GET /{lang}/admin/surveys/{id}/responses.csv", "id=survey.lda", "SFFFFAFFFA"},
	// ELoGE: the workspace is for the platform's managers (LDA Mostar's
	// representative), the teams of the LSGs taking part (Mostar, Trebinje)
	// and the cycle's experts (LDA Mostar's representative); the matrix is
	// entered by the LSG's team, reviewed and decided by the experts only (F
	// for the admin, who is no expert); draft sets are for the platform's
	// managers and the admin (H for others).
	{"GET /{lang}/admin/eloge", "", "SFAFAAFFFA"},
	{"POST /{lang}/admin/eloge/platforms", "+org=org.porticus", "SFFFFFFFFA"},
	{"POST /{lang}/admin/eloge/platforms/{id}/cycles", "id=eloge.platform,+year=@year,+title=ELoGE matrice,+set=2008,+scale_max=5,+w_self=40,+w_citizens=20,+w_councillors=20,+w_staff=20,+threshold=70", "SFFFFAFFFA"},
	{"GET /{lang}/admin/eloge/cycles/{cycle}", "cycle=cycle.2023", "SFFFFAFFFA"},
	{"POST /{lang}/admin/eloge/cycles/{cycle}/lsgs", "cycle=cycle.2023,+lsg=@eloge.lsg", "SFFFFAFFFA"},
	{"POST /{lang}/admin/eloge/cycles/{cycle}/experts", "cycle=cycle.2023,+email=@lda.member", "SFFFFAFFFA"},
	{"GET /{lang}/admin/eloge/cycles/{cycle}/{lsg}", "cycle=cycle.2023,lsg=lsg.mostar", "SFAFFAFFFA"},
	{"GET /{lang}/admin/eloge/cycles/{cycle}/{lsg}", "cycle=cycle.2023,lsg=eloge.submitted", "SFFFFAFFFA"},
	{"POST /{lang}/admin/eloge/cycles/{cycle}/{lsg}/matrix", "cycle=cycle.2023,lsg=lsg.mostar", "SFAFFFFFFA"},
	{"POST /{lang}/admin/eloge/cycles/{cycle}/{lsg}/review", "cycle=cycle.2023,lsg=eloge.submitted,+indicator=eloge.indicator,+verdict=accepted", "SFFFFAFFFF"}, // the cycle's experts only
	{"POST /{lang}/admin/eloge/cycles/{cycle}/{lsg}/surveys", "cycle=cycle.2023,lsg=lsg.mostar", "SFAFFVFFFV"},                                                  // V: made already by the row's first allowed role
	{"POST /{lang}/admin/eloge/cycles/{cycle}/{lsg}/decision", "cycle=cycle.2023,lsg=eloge.submitted,+decision=awarded,+reasons=Obrazloženje", "SFFFFVFFFF"},    // experts only; V: the matrix is not approved yet
	{"POST /{lang}/admin/eloge/cycles/{cycle}/{lsg}/actions", "cycle=cycle.2023,lsg=lsg.mostar,+principle=2,+action=Nova akcija,+owner=Služba", "SFAFFFFFFA"},
	{"POST /{lang}/admin/eloge/cycles/{cycle}/{lsg}/actions/{action}", "cycle=cycle.2023,lsg=lsg.mostar,action=eloge.action,+progress=50", "SFAFFFFFFA"},
	{"POST /{lang}/admin/eloge/cycles/{cycle}/{lsg}/actions/{action}", "cycle=cycle.2023,lsg=lsg.trebinje,action=eloge.action,+progress=50", "SFFFHFFFFH"}, // H: Mostar's action is not Trebinje's
	{"GET /{lang}/admin/eloge/sets", "", "SAAAAAAAAA"},
	{"POST /{lang}/admin/eloge/sets/{set}/versions", "set=set.draft,+platform=eloge.platform", "SHHHHVHHHV"}, // V: a draft exists already
	{"POST /{lang}/admin/eloge/sets/{set}/versions", "set=set.2008,+platform=eloge.platform", "SFFFFVFFFV"},  // V: a draft exists already
	{"GET /{lang}/admin/eloge/sets/{set}", "set=set.draft", "SHHHHAHHHA"},
	{"GET /{lang}/admin/eloge/sets/{set}", "set=set.2008", "SAAAAAAAAA"},
	{"POST /{lang}/admin/eloge/sets/{set}", "set=set.draft,+title.en=Matrix set,+title.bs=Skup matrice", "SHHHHAHHHA"},
	{"POST /{lang}/admin/eloge/sets/{set}", "set=set.2008,+title.en=Matrix set,+title.bs=Skup matrice", "SFFFFVFFFV"}, // V: a published version is frozen
	{"GET /{lang}/admin/eloge/sets/{set}/principles/{n}", "set=set.draft,n=4", "SHHHHAHHHA"},
	{"GET /{lang}/admin/eloge/sets/{set}/principles/{n}", "set=set.2008,n=4", "SAAAAAAAAA"}, // 303 to the set's page: nothing to edit
	{"POST /{lang}/admin/eloge/sets/{set}/principles/{n}", "set=set.draft,n=4,+rows=0,+title.bs=Princip matrice", "SHHHHAHHHA"},
	{"POST /{lang}/admin/eloge/sets/{set}/principles/{n}", "set=set.2008,n=4,+rows=0,+title.bs=Princip matrice", "SFFFFVFFFV"}, // V: a published version is frozen
	// News: published, translated and deleted by those who may publish as
	// the author (LDA Mostar's representative, Mostar's coordinator and staff,
	// the admin as the platform); the newsletter by the admin; a
	// subscriber's links carry their token (H: unknown).
	{"GET /{lang}/news/new", "", "AFAAAAAFFA"},
	{"POST /{lang}/news/new", "", "SFVVVVVFFV"},
	{"GET /{lang}/news/{slug}/translate", "slug=article.lda", "SFFFFAFFFA"},
	{"GET /{lang}/news/{slug}/translate", "slug=article.mostar", "SFAFFFFFFA"},
	{"POST /{lang}/news/{slug}/translate", "slug=article.lda,+lang=en,+title=Matrix news,+summary=Summary.,+body=Text.", "SFFFFAFFFA"},
	{"POST /{lang}/news/{slug}/translate", "slug=article.mostar,+lang=en,+title=Matrix news,+summary=Summary.,+body=Text.", "SFAFFFFFFA"},
	{"GET /media/news/{file}", "file=image.lda", "AAAAAAAAAA"},
	{"POST /{lang}/newsletter", "+email=matrica.pretplata@example.org", "AAAAAAAAAA"},
	{"GET /{lang}/newsletter/confirm/{token}", "token=token.newsletter", "AAAAAAAAAA"}, // confirmed by the first, already by the others
	{"GET /{lang}/newsletter/confirm/{token}", "token=nepoznat", "HHHHHHHHHH"},
	{"GET /{lang}/newsletter/manage/{token}", "token=token.subscriber", "AAAAAAAAAA"},
	{"GET /{lang}/newsletter/manage/{token}", "token=nepoznat", "HHHHHHHHHH"},
	{"GET /{lang}/newsletter/export/{token}", "token=token.subscriber", "AAAAAAAAAA"},
	{"GET /{lang}/newsletter/export/{token}", "token=nepoznat", "HHHHHHHHHH"},
	{"GET /{lang}/admin/newsletter", "", "SFFFFFFFFA"},
	{"POST /{lang}/admin/newsletter", "", "SFFFFFFFFV"},
	{"GET /{lang}/admin/newsletter/{id}", "id=issue.draft", "SFFFFFFFFA"},
	{"POST /{lang}/admin/newsletter/{id}/test", "id=issue.draft", "SFFFFFFFFA"},
	// Events: anyone registers, by e-mail; the registration's id in its mail
	// is the credential; the organiser (Mostar's coordinator) checks in.
	{"GET /{lang}/events/new", "", "AFAAAAAFFA"},
	{"POST /{lang}/events/new", "", "SFVVVVVFFV"},
	{"POST /{lang}/events/{slug}/register", "slug=event.mostar,+name=Matrica,+email=@email", "AAAAAAAAAA"},
	{"GET /{lang}/events/{slug}/registration/{rid}", "slug=event.mostar,rid=registration.view", "AAAAAAAAAA"},
	{"GET /{lang}/events/{slug}/registration/{rid}", "slug=event.mostar,rid=nepoznat", "HHHHHHHHHH"},
	{"GET /{lang}/events/{slug}/checkin", "slug=event.mostar", "SFAFFFFFFA"},
	{"POST /{lang}/events/{slug}/checkin", "slug=event.mostar,+registration=registration.checkin,+action=in", "SFAFFFFFFA"}, // the organiser
	// An LSG's administration page: its coordinator and staff, the admin.
	{"GET /{lang}/admin/places/{code}", "code=lsg.mostar", "SFAFFFFFFA"},
	{"GET /{lang}/admin/places/{code}", "code=lsg.trnovo", "SFFAFFFFFA"},
	{"GET /{lang}/admin/places/{code}", "code=lsg.trebinje", "SFFFAFFFFA"},
	// Rows that use up or remove what they act on; the destructive ordering
	// runs them last, and "@" records are made anew for each role.
	{"POST /{lang}/comments/{pid}/hide", "pid=comment.article,+reason=Uvreda", "SFFFFAFAFA"},
	{"POST /{lang}/comments/{pid}/hide", "pid=comment.initiative,+reason=Uvreda", "SFAFAFFAFA"},
	{"POST /{lang}/comments/{pid}/ban", "pid=comment.other,+days=1,+reason=Uvrede", "SFFFFFFAFA"}, // global moderators only
	{"POST /{lang}/confirm/resend", "", "VVVVVVVVVV"},
	// Residents are certified (codes, in person) only by a manager with a
	// role in that LSG: on the inter-municipal platform Mostar's coordinator
	// for Mostar, Trebinje's for Trebinje, and for Trnovo (whose staff do
	// not manage the platform) the admin alone.
	{"POST /{lang}/platforms/{slug}/manage/{op}", "slug=platform.inter,op=codes,+count=1,+lsg=lsg.trnovo", "SFFFFFFFFA"},
	{"POST /{lang}/platforms/{slug}/manage/{op}", "slug=platform.inter,op=codes,+count=1,+lsg=lsg.mostar", "SFAFFFFFFA"},
	{"POST /{lang}/platforms/{slug}/manage/{op}", "slug=platform.inter,op=resident,+email=gradjanin@demo.dijalog.ba,+lsg=lsg.trebinje", "SFFFAFFFFA"}, // Trebinje's coordinator
	{"POST /{lang}/platforms/{slug}/manage/{op}", "slug=platform.mostar,op=codes,+count=1,+lsg=lsg.mostar", "SFAFFFFFFA"},
	{"POST /{lang}/platforms/{slug}/manage/{op}", "slug=platform.inter,op=priority,+priority=@uniq", "SFAFAFFFFA"},
	{"POST /{lang}/platforms/{slug}/manage/{op}", "slug=platform.mostar,op=meeting,+title=Sastanak svake uloge,+place=Mostar,+starts_at=2027-03-01T10:00,+ends_at=2027-03-01T12:00", "SFAFFFFFFA"},
	{"POST /{lang}/platforms/{slug}/meetings/{pid}/{op}", "slug=platform.inter,pid=meeting.inter,op=register", "SAAAAAAAAA"}, // anyone signed in
	{"POST /{lang}/platforms/{slug}/meetings/{pid}/{op}", "slug=platform.inter,pid=meeting.inter,op=attendance", "SFAFAFFFFA"},
	{"POST /{lang}/platforms/{slug}/meetings/{pid}/{op}", "slug=platform.inter,pid=meeting.inter,op=minutes,+minutes=Zapisnik", "SFAFAFFFFA"},
	{"POST /{lang}/platforms/{slug}/meetings/{pid}/{op}", "slug=platform.mostar,pid=meeting.mostar,op=decision,+decision=Odluka", "SFAFFFFFFA"},
	{"POST /{lang}/platforms/{slug}/meetings/{pid}/{op}", "slug=platform.mostar,pid=meeting.inter,op=minutes,+minutes=Zapisnik", "SHHHHHHHHH"}, // H: not a meeting of Mostar's platform
	{"POST /{lang}/platforms/{slug}/ballots/{pid}/{op}", "slug=platform.mostar,pid=ballot.open,op=vote,+pick=ballot.open.item", "SAFFFFFFFF"},  // verified residents of Mostar only (the citizen)
	{"POST /{lang}/platforms/{slug}/ballots/{pid}/{op}", "slug=platform.mostar,pid=@ballot.draft,op=open", "SHAHHHHHHA"},                       // H: a draft ballot, but for the managers
	{"POST /{lang}/platforms/{slug}/ballots/{pid}/{op}", "slug=platform.mostar,pid=@ballot.opened,op=closed", "SFAFFFFFFA"},
	{"POST /{lang}/platforms/{slug}/ballots/{pid}/{op}", "slug=platform.inter,pid=@ballot.opened,op=closed", "SHHHHHHHHH"}, // H: not a ballot of the inter-municipal platform
	{"POST /{lang}/initiatives/{pid}/{op}", "pid=initiative.open.trnovo,op=support", "SAAAAAAAAA"},
	{"POST /{lang}/initiatives/{pid}/{op}", "pid=initiative.open.trnovo,op=follow", "SAAAAAAAAA"},
	{"POST /{lang}/initiatives/{pid}/{op}", "pid=initiative.draft,op=follow", "SAAHHHHHHA"},                                                                      // H: a draft, but for its author and managers
	{"POST /{lang}/initiatives/{pid}/{op}", "pid=@initiative.submitted,op=transition,+to=admissible", "SFAFFFFFFA"},                                              // the platform's managers
	{"POST /{lang}/initiatives/{pid}/{op}", "pid=initiative.selected.trnovo,op=share,+source=lsg,+name=Općina Trnovo,+amount=1.000,+currency=BAM", "SFFAFFFFFA"}, // the books of Trnovo's initiative: Trnovo's staff, not Mostar's coordinator
	{"POST /{lang}/initiatives/{pid}/{op}", "pid=initiative.selected.mostar,op=share,+source=lsg,+name=Grad Mostar,+amount=1.000,+currency=BAM", "SFAFFFFFFA"},   // the books of Mostar's initiative: Mostar's coordinator
	{"POST /{lang}/initiatives/{pid}/{op}", "pid=initiative.open.trnovo,op=photo,+caption=Foto,+photo=file:png", "SFAFAFFFFA"},                                   // its author and the platform's managers
	{"POST /{lang}/initiatives/{pid}/{op}", "pid=initiative.draft,op=photo,+caption=Foto,+photo=file:png", "SAAHHHHHHA"},
	{"POST /{lang}/initiatives/{pid}/{op}", "pid=initiative.open.trnovo,op=withdraw-support", "SAAAAAAAAA"},
	{"POST /{lang}/calls/{slug}/decide", "slug=call.closed,+application=app.closed,+decision=reserve", "HFAFFFFFFA"},
	{"POST /{lang}/calls/{slug}/decide", "slug=call.lda", "HFFFFVFFFV"}, // V: the call is still open
	{"POST /{lang}/applications/{id}/withdraw", "id=@app.active", "HHHHHAHHHA"},
	{"POST /{lang}/admin/eloge/sets/{set}/discard", "set=@set.new", "SHHHHAHHHA"},
	{"POST /{lang}/admin/eloge/sets/{set}/discard", "set=set.2008", "SFFFFVFFFV"}, // V: a published version stays
	{"POST /{lang}/admin/eloge/sets/{set}/principles/{n}/delete", "set=@set.new,n=4", "SHHHHAHHHA"},
	{"POST /{lang}/admin/eloge/sets/{set}/principles/{n}/delete", "set=set.2008,n=4", "SFFFFVFFFV"}, // V: a published version is frozen
	{"POST /{lang}/news/{slug}/delete", "slug=@article.lda", "SFFFFAFFFA"},
	{"POST /{lang}/news/{slug}/delete", "slug=@article.mostar", "SFAFFFFFFA"},
	{"GET /{lang}/newsletter/unsubscribe/{token}", "token=token.subscriber", "AAAAAAAAAA"},
	{"GET /{lang}/newsletter/unsubscribe/{token}", "token=nepoznat", "HHHHHHHHHH"},
	{"POST /{lang}/newsletter/unsubscribe", "+token=token.subscriber", "AAAAAAAAAA"},
	{"POST /{lang}/newsletter/unsubscribe", "+token=nepoznat", "HHHHHHHHHH"},
	{"POST /api/v1/newsletter/unsubscribe/{token}", "token=token.subscriber", "AAAAAAAAAA"},
	{"POST /api/v1/newsletter/unsubscribe/{token}", "token=nepoznat", "HHHHHHHHHH"},
	{"POST /{lang}/newsletter/delete", "+token=@subscriber", "AAAAAAAAAA"},
	{"POST /{lang}/newsletter/delete", "+token=nepoznat", "HHHHHHHHHH"},
	{"POST /{lang}/admin/newsletter/{id}/send", "id=@issue", "SFFFFFFFFA"},
	{"POST /{lang}/events/{slug}/registration/{rid}/cancel", "slug=event.mostar,rid=registration.view", "AAAAAAAAAA"},
	{"POST /{lang}/events/{slug}/registration/{rid}/cancel", "slug=event.mostar,rid=nepoznat", "HHHHHHHHHH"},
	{"POST /{lang}/events/{slug}/registration/{rid}/confirm", "slug=event.mostar,rid=registration.pending", "AAAAAAAAAA"}, // the link's id is the secret; confirming again changes nothing
	{"POST /{lang}/events/{slug}/registration/{rid}/confirm", "slug=event.mostar,rid=nepoznat", "HHHHHHHHHH"},
	{"GET /og/{sig}", "sig=0123456789abcdef0123456789abcdef.png", "HHHHHHHHHH"}, // a picture whose signature does not match its text is drawn for nobody (TestShareCards draws the signed ones)
	{"POST /{lang}/admin/users/{id}/roles/revoke", "id=user.extra,+role=assessor", "SFFFFFFFFA"},
	{"POST /{lang}/admin/users/{id}/status", "id=user.extra,+status=disabled", "SFFFFFFFFA"},
	{"POST /{lang}/calls/{slug}/publish", "slug=@call.draft", "HHAHHHHHHA"}, // H: a draft call, but for its managers
	{"POST /{lang}/calls/{slug}/publish", "slug=call.lda", "HFFFFVFFFV"},    // V: published already
	{"POST /{lang}/admin/eloge/sets/{set}/publish", "set=@set.new", "SHHHHAHHHA"},
	{"POST /{lang}/admin/eloge/sets/{set}/publish", "set=set.2008", "SFFFFVFFFV"}, // V: published already
	{"POST /{lang}/logout", "", "AAAAAAAAAA"},
}
