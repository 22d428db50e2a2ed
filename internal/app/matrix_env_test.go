package app

import (
	"bytes"
	"context"
	"html"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/comments"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/dialogue"
	"github.com/dijalog/dijalog/internal/eloge"
	"github.com/dijalog/dijalog/internal/events"
	"github.com/dijalog/dijalog/internal/grants"
	"github.com/dijalog/dijalog/internal/news"
	"github.com/dijalog/dijalog/internal/surveys"
)

// matrixEnv is the app, one signed-in client per role, the records the
// rows act on and the URLs the crawl of the demo found.
type matrixEnv struct {
	ta      *testApp
	clients []*http.Client
	tokens  []string
	ids     map[string]string                        // symbol -> path or form value
	gens    map[string]func(t *testing.T) url.Values // records made anew for each request
	seen    []string                                 // URLs the crawls found
	n       atomic.Int64                             // numbers unique names of generated records
	users   map[string]*auth.User                    // by e-mail, with their grants
}

func newMatrixEnv(t *testing.T) *matrixEnv {
	t.Helper()
	ta := newTestApp(t, dbtest.SQLite(t))
	e := &matrixEnv{ta: ta, ids: map[string]string{}, gens: map[string]func(*testing.T) url.Values{}, users: map[string]*auth.User{}}
	for _, r := range matrixRoles {
		c := ta.as(t, r.email)
		e.clients = append(e.clients, c)
		e.tokens = append(e.tokens, ta.csrf(t, c))
	}
	for _, build := range []func(*testing.T){e.accounts, e.projectRecords, e.grantRecords, e.dialogueRecords, e.surveyRecords,
		e.elogeRecords, e.newsRecords, e.commentRecords, e.eventRecords} {
		build(t)
	}
	seeds := []string{"/en/", "/en/places", "/en/projects", "/en/platforms", "/en/platforms/programmes", "/en/calls", "/en/eloge",
		"/en/news", "/en/events", "/en/surveys", "/en/grants/registry", "/en/account",
		"/en/admin", "/en/admin/users", "/en/admin/audit", "/en/admin/eloge", "/en/admin/eloge/sets", "/en/admin/surveys",
		"/en/admin/newsletter", "/en/admin/organisations", "/en/applications", "/en/assess", "/en/comments/moderation"}
	for _, who := range []string{"admin", "CSO LDA Mostar", "programme manager UNDP", "citizen"} {
		e.seen = append(e.seen, matrixCrawl(t, ta.srv.URL, e.client(who), seeds, 250)...)
	}
	return e
}

func (e *matrixEnv) client(name string) *http.Client {
	for i, r := range matrixRoles {
		if r.name == name {
			return e.clients[i]
		}
	}
	panic("no role " + name)
}

// user is a demo account with its grants.
func (e *matrixEnv) user(t *testing.T, email string) *auth.User {
	t.Helper()
	if u := e.users[email]; u != nil {
		return u
	}
	ctx := context.Background()
	u, err := e.ta.Auth.UserByEmail(ctx, email)
	if err == nil {
		u, err = e.ta.Auth.UserByPublicID(ctx, u.PublicID)
	}
	if err != nil {
		t.Fatalf("user %s: %v", email, err)
	}
	e.users[email] = u
	return u
}

// role is the account of a matrix role.
func (e *matrixEnv) role(t *testing.T, name string) *auth.User {
	t.Helper()
	for _, r := range matrixRoles {
		if r.name == name {
			return e.user(t, r.email)
		}
	}
	t.Fatalf("no role %s", name)
	return nil
}

// unique is a fresh number for names of generated records.
func (e *matrixEnv) unique() string { return itoa(e.n.Add(1)) }

// fatal stops the test when a record could not be built.
func fatal(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("matrix record %s: %v", what, err)
	}
}

// accounts: the places and organisations of the scope rules, and an
// account that is no role of the matrix, for the administrator's
// actions on people (roles, status, membership) to act on.
func (e *matrixEnv) accounts(t *testing.T) {
	ctx := context.Background()
	for _, p := range []string{"mostar", "trnovo"} {
		e.ids["lsg."+p] = "ba-fbih-" + p
	}
	e.ids["lsg.trebinje"] = "ba-rs-trebinje"
	e.ids["org.lda"] = e.ta.orgID(t, "LDA Mostar")
	e.ids["publisher.lda"] = "org:" + e.ids["org.lda"]
	e.ids["org.porticus"] = e.ta.orgID(t, "Porticus")
	u, err := e.ta.Auth.Register(ctx, auth.RegisterInput{Email: "matrica.osoba@example.org", Name: "Matrica Osoba", Password: DemoPassword}, auth.Meta{IP: "matrix"})
	fatal(t, "extra account", err)
	e.ids["user.extra"] = u.PublicID
	e.ids["email.extra"] = u.Email
	e.ids["user.assessor"] = e.role(t, "assessor").PublicID
	// "@uniq" is a new name, "@email" a new address, "@year" a new year.
	e.gens["year"] = func(*testing.T) url.Values { return url.Values{"": {itoa(2030 + e.n.Add(1))}} }
	e.gens["uniq"] = func(*testing.T) url.Values { return url.Values{"": {"Matrica " + e.unique()}} }
	e.gens["email"] = func(*testing.T) url.Values { return url.Values{"": {"matrica.adresa" + e.unique() + "@example.org"}} }
	// Links of the mails that confirm an address and reset a password,
	// for new accounts: "@confirm" and "@reset" are new links.
	confirm := func(t *testing.T) string {
		n := e.unique()
		email := "matrica.nova" + n + "@example.org"
		// Each from its own address: sign-ups are counted per address.
		fatal(t, "sign-up", e.ta.Auth.SignUp(ctx, auth.RegisterInput{Email: email, Name: "Matrica Nova", Password: "dovoljno duga lozinka"}, "", auth.Meta{IP: "10.0.0." + n}))
		return matrixMailToken(t, e.ta, email, regexp.MustCompile(`/confirm\?token=([^\s"<&]+)`))
	}
	e.ids["token.confirm"] = confirm(t)
	e.gens["confirm"] = func(t *testing.T) url.Values { return url.Values{"": {confirm(t)}} }
	e.gens["reset"] = func(t *testing.T) url.Values {
		email := "matrica.zaboravna" + e.unique() + "@example.org"
		_, err := e.ta.Auth.Register(ctx, auth.RegisterInput{Email: email, Name: "Matrica Zaboravna", Password: DemoPassword}, auth.Meta{IP: "matrix"})
		fatal(t, "account", err)
		fatal(t, "reset", e.ta.Auth.RequestReset(ctx, email, "bs", auth.Meta{IP: "matrix"}))
		return url.Values{"": {matrixMailToken(t, e.ta, email, regexp.MustCompile(`/reset\?token=([^\s"<&]+)`))}}
	}
}

// formFields reads the fields of the first form of page whose action is
// action, as a browser would send it (files and buttons left out).
func formFields(page, action string) url.Values {
	out := url.Values{}
	i := strings.Index(page, `action="`+action+`"`)
	if i < 0 {
		return nil
	}
	form := page[i:]
	if j := strings.Index(form, "</form>"); j >= 0 {
		form = form[:j]
	}
	attr := func(tag, name string) (string, bool) {
		m := regexp.MustCompile(`\s` + name + `="([^"]*)"`).FindStringSubmatch(tag)
		if m == nil {
			return "", false
		}
		return html.UnescapeString(m[1]), true
	}
	for _, tag := range regexp.MustCompile(`<input [^>]+>`).FindAllString(form, -1) {
		name, ok := attr(tag, "name")
		typ, _ := attr(tag, "type")
		if !ok || typ == "file" || typ == "submit" || typ == "search" {
			continue
		}
		if (typ == "checkbox" || typ == "radio") && !strings.Contains(tag, " checked") {
			continue
		}
		v, _ := attr(tag, "value")
		out.Add(name, v)
	}
	for _, m := range regexp.MustCompile(`(?s)<textarea [^>]*name="([^"]+)"[^>]*>(.*?)</textarea>`).FindAllStringSubmatch(form, -1) {
		out.Set(m[1], html.UnescapeString(strings.TrimPrefix(m[2], "\n")))
	}
	for _, m := range regexp.MustCompile(`(?s)<select [^>]*name="([^"]+)"[^>]*>(.*?)</select>`).FindAllStringSubmatch(form, -1) {
		for _, o := range regexp.MustCompile(`(<option[^>]*>)([^<]*)`).FindAllStringSubmatch(m[2], -1) {
			if strings.Contains(o[1], " selected") {
				v, ok := attr(o[1], "value")
				if !ok {
					v = html.UnescapeString(strings.TrimSpace(o[2]))
				}
				out.Add(m[1], v)
			}
		}
	}
	out.Del("csrf_token")
	return out
}

// matrixFile is a small valid file of a kind ("png", "pdf").
func matrixFile(t *testing.T, kind string) []byte {
	t.Helper()
	switch kind {
	case "png":
		img := image.NewRGBA(image.Rect(0, 0, 8, 8))
		for x := range 8 {
			img.Set(x, x, color.RGBA{200, 30, 30, 255})
		}
		var b bytes.Buffer
		if err := png.Encode(&b, img); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	case "pdf":
		return []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	}
	t.Fatalf("no file of kind %q", kind)
	return nil
}

// matrixFileExt is the file name extension of data.
func matrixFileExt(data []byte) string {
	if bytes.HasPrefix(data, []byte("%PDF")) {
		return ".pdf"
	}
	return ".png"
}

// projectRecords: UNDP's MAKERS in 15 LSGs, an EU project, a project of
// Trnovo alone (made by Trnovo's staff) and a programme of UNDP (made by
// its programme manager). "@pform.<project>" is the project's edit form as
// its page shows it now (current version included).
func (e *matrixEnv) projectRecords(t *testing.T) {
	ta := e.ta
	e.ids["project.makers"] = ta.projectID(t, "makers")
	e.ids["project.eu"] = ta.projectID(t, "Prekogranicno")
	// A project of Trnovo alone, added by Trnovo's staff.
	form := projectForm(e.tokens[3])
	form.Del("org_role_0")
	form.Del("org_name_0")
	status, body, h := post(t, e.client("staff Trnovo"), ta.srv.URL+"/en/projects/new", form)
	if status != http.StatusSeeOther {
		t.Fatalf("Trnovo's project: %d %.300s", status, body)
	}
	e.ids["project.trnovo"] = strings.TrimPrefix(h.Get("Location"), "/en/projects/")
	// A programme of UNDP, added by its programme manager.
	undp := ta.orgID(t, "UNDP")
	form = projectForm(e.tokens[6])
	form.Set("kind", "programme")
	form.Set("owner_org", undp)
	form.Set("title_bs", "Program lokalnih inicijativa UNDP-a")
	form.Set("title_en", "UNDP local initiatives programme")
	status, body, h = post(t, e.client("programme manager UNDP"), ta.srv.URL+"/en/projects/new", form)
	if status != http.StatusSeeOther {
		t.Fatalf("UNDP's programme: %d %.300s", status, body)
	}
	e.ids["programme.undp"] = strings.TrimPrefix(h.Get("Location"), "/en/projects/")
	e.ids["org.undp"] = undp
	admin := e.client("admin")
	for _, p := range []string{"makers", "eu", "trnovo"} {
		id := e.ids["project."+p]
		e.gens["pform."+p] = func(t *testing.T) url.Values {
			_, page := get(t, admin, ta.srv.URL+"/en/projects/"+id+"/edit")
			v := formFields(page, "/en/projects/"+id+"/edit")
			if v == nil || v.Get("version") == "" {
				t.Fatalf("no edit form of project %s", id)
			}
			v.Set("_id", id)
			return v
		}
	}
	// The add form: a project of Trnovo, and one UNDP owns.
	e.gens["pnew.trnovo"] = func(*testing.T) url.Values {
		v := projectForm("")
		v.Del("csrf_token")
		v.Del("org_role_0")
		v.Del("org_name_0")
		return v
	}
	e.gens["pnew.undp"] = func(*testing.T) url.Values {
		v := projectForm("")
		v.Del("csrf_token")
		v.Set("owner_org", undp)
		return v
	}
}

// matrixCall makes and publishes a call of publisher (by, who may
// publish for it) on svc, open from opens to closes; draft leaves it
// unpublished. The form has a budget and an optional file.
func matrixCall(t *testing.T, svc *grants.Service, by *auth.User, publisher, title string, opens, closes time.Time, draft bool) *grants.Call {
	t.Helper()
	ctx, zone := context.Background(), svc.Zone()
	c, err := svc.Calls.Create(ctx, by, grants.CallInput{
		Publisher: publisher, Funder: "Matrica", Lang: "bs",
		Texts:    []grants.Text{{Lang: "bs", Title: title, Body: "Tekst poziva."}},
		Currency: "BAM", Total: "10.000", Min: "500", Max: "2.000", OwnSharePct: "10", DivergencePct: "30",
		OpensAt: grants.FormatLocal(opens, zone), QuestionsUntil: grants.FormatLocal(opens.Add(closes.Sub(opens)/2), zone), ClosesAt: grants.FormatLocal(closes, zone),
		Eligibility: "yes | Registrovano?", Form: "budget | Budžet | required\nfile | Plan aktivnosti", Criteria: "100 | 10 | Kvalitet",
	}, grants.Meta{})
	fatal(t, "call "+title, err)
	if !draft {
		fatal(t, "publish "+title, svc.Calls.Publish(ctx, by, c.Slug, grants.Meta{}))
	}
	c, err = svc.Calls.BySlug(ctx, c.Slug)
	fatal(t, "call "+title, err)
	return c
}

// matrixApply: by (who acts for org) applies for org to c, with a budget
// and a file, and submits unless draft.
func matrixApply(t *testing.T, svc *grants.Service, by *auth.User, org string, c *grants.Call, draft bool) *grants.Application {
	t.Helper()
	ctx := context.Background()
	a, err := svc.Applications.Start(ctx, by, c, org, map[string]string{"q1": "yes"}, grants.Meta{})
	fatal(t, "application", err)
	a, err = svc.Applications.Save(ctx, by, c, a.PublicID, grants.Draft{Version: a.Version, Title: "Prijava matrice",
		Budget: []grants.BudgetLineInput{{Item: "Radionice", Cost: "1.000", Requested: "800"}},
		Files:  map[string]grants.Upload{"f2": {Filename: "plan.pdf", Data: matrixFile(t, "pdf")}}}, grants.Meta{})
	fatal(t, "save application", err)
	if !draft {
		a, err = svc.Applications.Submit(ctx, by, c, a.PublicID, a.Version, grants.Meta{})
		fatal(t, "submit application", err)
	}
	return a
}

// grantRecords: LDA Mostar's own open call (managed by its
// representative), open and draft calls of Mostar (its coordinator), an
// open call of UNDP (its programme manager), and
// LDA Mostar's applications to Mostar's calls in every state the routes
// act on: a draft, one submitted and assessed by the demo assessor, one
// assigned to the assessor, one awarded with instalments and reports.
func (e *matrixEnv) grantRecords(t *testing.T) {
	ctx, ta := context.Background(), e.ta
	rep, mostar, assessor := e.role(t, "CSO LDA Mostar"), e.role(t, "coordinator Mostar"), e.role(t, "assessor")
	lda, now := e.ids["org.lda"], time.Now()
	m := grants.Meta{}
	e.ids["call.lda"] = ta.publishCallOf(t, rep, lda, "Poziv matrice")
	open := matrixCall(t, ta.Grants, mostar, "lsg:ba-fbih-mostar", "Poziv Grada Mostara (matrica)", now.Add(-time.Hour), now.AddDate(0, 0, 10), false)
	e.ids["call.mostar"] = open.Slug
	e.ids["call.draft"] = matrixCall(t, ta.Grants, mostar, "lsg:ba-fbih-mostar", "Nacrt poziva Grada Mostara", now.AddDate(0, 0, 1), now.AddDate(0, 0, 20), true).Slug
	e.gens["call.draft"] = func(t *testing.T) url.Values {
		c := matrixCall(t, ta.Grants, mostar, "lsg:ba-fbih-mostar", "Nacrt poziva "+e.unique(), now.AddDate(0, 0, 1), now.AddDate(0, 0, 20), true)
		return url.Values{"": {c.Slug}}
	}
	// "@callform" is the form of a new call, publisher left to the row.
	e.gens["callform"] = func(*testing.T) url.Values {
		zone := ta.Grants.Zone()
		return url.Values{"funder": {"Matrica"}, "lang": {"bs"}, "title": {"Poziv svake uloge"}, "body": {"Tekst poziva."}, "currency": {"BAM"},
			"total": {"10.000"}, "min": {"500"}, "max": {"2.000"}, "own_share_pct": {"10"}, "divergence_pct": {"30"},
			"opens_at": {grants.FormatLocal(now.AddDate(0, 0, 5), zone)}, "questions_until": {grants.FormatLocal(now.AddDate(0, 0, 10), zone)}, "closes_at": {grants.FormatLocal(now.AddDate(0, 0, 20), zone)},
			"eligibility": {"yes | Registrovano?"}, "form": {"budget | Budžet | required"}, "criteria": {"100 | 10 | Kvalitet"}}
	}
	// An open call of UNDP, published by its programme manager.
	e.ids["call.undp"] = matrixCall(t, ta.Grants, e.role(t, "programme manager UNDP"), "org:"+e.ids["org.undp"], "Poziv UNDP-a (matrica)", now.Add(-time.Hour), now.AddDate(0, 0, 10), false).Slug
	// Questions of the public Q&A, asked by the citizen.
	citizen := e.role(t, "citizen")
	for _, k := range []string{"lda", "mostar"} {
		c, err := ta.Grants.Calls.BySlug(ctx, e.ids["call."+k])
		fatal(t, "call", err)
		fatal(t, "question", ta.Grants.Calls.Ask(ctx, citizen, c, "Mogu li se prijaviti udruženja iz drugih općina?", m))
		qs, err := ta.Grants.Calls.Questions(ctx, c.ID)
		fatal(t, "questions", err)
		e.ids["question."+k] = qs[len(qs)-1].PublicID
	}
	// A draft of LDA Mostar to Mostar's open call; another that
	// withdraw and reopen toggle ("@app.withdrawn", "@app.active").
	draft := matrixApply(t, ta.Grants, rep, lda, open, true)
	e.ids["app.draft"] = draft.PublicID
	e.gens["appver.draft"] = func(t *testing.T) url.Values {
		a, err := ta.Grants.Applications.Get(ctx, draft.PublicID)
		fatal(t, "application", err)
		return url.Values{"version": {itoa(int64(a.Version))}}
	}
	open2 := matrixCall(t, ta.Grants, mostar, "lsg:ba-fbih-mostar", "Drugi poziv Grada Mostara (matrica)", now.Add(-time.Hour), now.AddDate(0, 0, 10), false)
	toggle := matrixApply(t, ta.Grants, rep, lda, open2, true)
	for _, want := range []string{grants.AppWithdrawn, grants.AppDraft} {
		e.gens["app."+map[string]string{grants.AppWithdrawn: "withdrawn", grants.AppDraft: "active"}[want]] = func(t *testing.T) url.Values {
			a, err := ta.Grants.Applications.Get(ctx, toggle.PublicID)
			fatal(t, "application", err)
			switch {
			case want == grants.AppWithdrawn && a.Status != grants.AppWithdrawn:
				fatal(t, "withdraw", ta.Grants.Applications.Withdraw(ctx, rep, open2, a.PublicID, m))
			case want == grants.AppDraft && a.Status == grants.AppWithdrawn:
				fatal(t, "reopen", ta.Grants.Applications.Reopen(ctx, rep, open2, a.PublicID, m))
			}
			return url.Values{"": {a.PublicID}}
		}
	}
	// Three calls of Mostar that closed ten days ago, each with a
	// submitted application of LDA Mostar: assessed (the assessor
	// declared no conflict), assigned only, and awarded.
	clock := now.AddDate(0, 0, -30)
	past := ta.Grants.WithClock(func() time.Time { return clock })
	closed := map[string]*grants.Call{}
	for _, k := range []string{"closed", "assigned", "decided"} {
		clock = now.AddDate(0, 0, -30)
		c := matrixCall(t, past, mostar, "lsg:ba-fbih-mostar", "Zatvoreni poziv "+k, now.AddDate(0, 0, -29), now.AddDate(0, 0, -10), false)
		clock = now.AddDate(0, 0, -25)
		a := matrixApply(t, past, rep, lda, c, false)
		e.ids["call."+k], e.ids["app."+k] = c.Slug, a.PublicID
		closed[k] = c
		fatal(t, "assign", ta.Grants.Assessment.Assign(ctx, mostar, c, a.PublicID, assessor.PublicID, m))
	}
	fatal(t, "declare", ta.Grants.Assessment.Declare(ctx, assessor, e.ids["app.closed"], false, m))
	files, err := ta.Grants.Applications.Files(ctx, "application", mustApp(t, ta, e.ids["app.closed"]).ID)
	fatal(t, "files", err)
	e.ids["file.closed"] = files[0].PublicID
	files, err = ta.Grants.Applications.Files(ctx, "application", draft.ID)
	fatal(t, "files", err)
	e.ids["file.draft"] = files[0].PublicID
	// A call of LDA Mostar that closed ten days ago, with an application
	// of the LDA of Zavidovići (made by the admin).
	clock = now.AddDate(0, 0, -30)
	ldaClosed := matrixCall(t, past, rep, "org:"+lda, "Zatvoreni poziv LDA Mostar", now.AddDate(0, 0, -29), now.AddDate(0, 0, -10), false)
	clock = now.AddDate(0, 0, -25)
	e.ids["call.lda.closed"] = ldaClosed.Slug
	e.ids["app.lda.closed"] = matrixApply(t, past, e.role(t, "admin"), ta.orgID(t, "Zavidovići"), ldaClosed, false).PublicID
	// Further assessors for the managers to assign to app.closed and
	// app.lda.closed, one per request.
	pool, err := ta.Grants.Assessment.Assessors(ctx)
	fatal(t, "assessors", err)
	free := func(t *testing.T, app string) url.Values {
		gs, err := ta.Grants.Assessment.AssignmentsOfApp(ctx, mustApp(t, ta, e.ids[app]).ID)
		fatal(t, "assignments", err)
		on := map[int64]bool{}
		for _, g := range gs {
			on[g.AssessorID] = true
		}
		for _, p := range pool {
			if !on[p.ID] {
				return url.Values{"": {p.PublicID}}
			}
		}
		t.Fatal("no assessor left to assign")
		return nil
	}
	e.gens["assessor.free"] = func(t *testing.T) url.Values { return free(t, "app.closed") }
	e.gens["assessor.free.lda"] = func(t *testing.T) url.Values { return free(t, "app.lda.closed") }
	// An assessor who is a member of LDA Mostar: not to assess its calls.
	member, err := ta.Auth.Register(ctx, auth.RegisterInput{Email: "matrica.ocjenjivacica@example.org", Name: "Matrica Ocjenjivačica", Password: DemoPassword}, auth.Meta{IP: "matrix"})
	fatal(t, "assessor", err)
	fatal(t, "member", ta.Auth.AddMember(ctx, nil, lda, member.PublicID, auth.Meta{IP: "matrix"}))
	fatal(t, "assessor role", ta.Auth.GrantRole(ctx, e.role(t, "admin"), member.PublicID, auth.Grant{Role: auth.RoleAssessor, ScopeKind: auth.ScopeGlobal}, auth.Meta{IP: "matrix"}))
	e.ids["assessor.lda"] = member.PublicID
	// The award: decided, results published, an instalment, reports.
	dc := closed["decided"]
	fatal(t, "decide", ta.Grants.Assessment.Decide(ctx, mostar, dc, e.ids["app.decided"], grants.DecisionAward, "", m))
	fatal(t, "results", ta.Grants.Assessment.PublishResults(ctx, mostar, dc, m))
	dc, err = ta.Grants.Calls.BySlug(ctx, dc.Slug)
	fatal(t, "call", err)
	aws, err := ta.Grants.Awards.OfCall(ctx, dc)
	fatal(t, "awards", err)
	w := aws[0]
	e.ids["award"] = w.PublicID
	fatal(t, "instalment", ta.Grants.Awards.AddInstalment(ctx, mostar, dc, w, now.AddDate(0, 1, 0).Format("2006-01-02"), "300", m))
	inst, err := ta.Grants.Awards.Instalments(ctx, w.ID)
	fatal(t, "instalments", err)
	e.ids["instalment"] = itoa(inst[0].ID)
	e.gens["instalment"] = func(t *testing.T) url.Values {
		fatal(t, "instalment", ta.Grants.Awards.AddInstalment(ctx, mostar, dc, w, now.AddDate(0, 1, 0).Format("2006-01-02"), "10", m))
		inst, err := ta.Grants.Awards.Instalments(ctx, w.ID)
		fatal(t, "instalments", err)
		var last int64
		for _, i := range inst {
			last = max(last, i.ID)
		}
		return url.Values{"": {itoa(last)}}
	}
	report := func(t *testing.T, submit bool) url.Values {
		before, err := ta.Grants.Awards.Reports(ctx, w.ID)
		fatal(t, "reports", err)
		fatal(t, "report", ta.Grants.Awards.AddReport(ctx, mostar, dc, w, "narrative", now.AddDate(0, 2, 0).Format("2006-01-02"), m))
		reps, err := ta.Grants.Awards.Reports(ctx, w.ID)
		fatal(t, "reports", err)
		var r grants.Report
		for _, x := range reps {
			if !slices.ContainsFunc(before, func(b grants.Report) bool { return b.PublicID == x.PublicID }) {
				r = x
			}
		}
		if submit {
			fatal(t, "submit report", ta.Grants.Awards.SubmitReport(ctx, rep, w, r.PublicID, "Izvještaj matrice.", nil, m))
		}
		return url.Values{"": {r.PublicID}}
	}
	e.gens["report.due"] = func(t *testing.T) url.Values { return report(t, false) }
	e.gens["report.submitted"] = func(t *testing.T) url.Values { return report(t, true) }
}

// mustApp is an application by public id.
func mustApp(t *testing.T, ta *testApp, pid string) *grants.Application {
	t.Helper()
	a, err := ta.Grants.Applications.Get(context.Background(), pid)
	fatal(t, "application "+pid, err)
	return a
}

// dialogueRecords: on the inter-municipal platform Mostar – Trebinje –
// Trnovo (run by the coordinators of Mostar and Trebinje) and on Mostar's
// own platform: a meeting each; a citizen's draft initiative with a photo;
// initiatives of Trnovo and of Mostar on the inter-municipal platform,
// open and selected; an open and a draft ballot of Mostar.
// "@initiative.submitted" is a new submitted initiative of Mostar's
// platform, "@ballot.draft" a new draft ballot.
func (e *matrixEnv) dialogueRecords(t *testing.T) {
	ctx, d := context.Background(), e.ta.Dialogue
	m := dialogue.Meta{}
	e.ids["platform.inter"] = "medjuopstinska-dijaloska-platforma-mostar-trebinje-trnovo"
	e.ids["platform.mostar"] = "lokalna-dijaloska-platforma-mostar"
	inter, err := d.Platforms.Get(ctx, e.ids["platform.inter"])
	fatal(t, "platform", err)
	local, err := d.Platforms.Get(ctx, e.ids["platform.mostar"])
	fatal(t, "platform", err)
	admin, coord, citizen := e.role(t, "admin"), e.role(t, "coordinator Mostar"), e.role(t, "citizen")
	author, err := e.ta.Auth.Register(ctx, auth.RegisterInput{Email: "matrica.autorica@example.org", Name: "Matrica Autorica", Password: DemoPassword}, auth.Meta{IP: "matrix"})
	fatal(t, "author", err)
	start := time.Now().AddDate(0, 0, 7).Truncate(time.Hour)
	meetings := map[string]*dialogue.Meeting{}
	for k, p := range map[string]*dialogue.Platform{"inter": inter, "mostar": local} {
		mt, err := d.Meetings.Create(ctx, coord, p, dialogue.MeetingInput{Title: "Sastanak matrice", Place: "Mostar", Agenda: "Izbor inicijativa", StartsAt: start, EndsAt: start.Add(2 * time.Hour)}, m)
		fatal(t, "meeting", err)
		meetings[k] = mt
		e.ids["meeting."+k] = mt.PublicID
	}
	initiative := func(t *testing.T, p *dialogue.Platform, lsg, to string) *dialogue.Initiative {
		x, err := d.Initiatives.Create(ctx, author, p, dialogue.InitiativeInput{Title: "Inicijativa matrice " + e.unique(), Problem: "Nema klupa u parku.", Solution: "Postaviti deset klupa.",
			LSG: lsg, Cost: "4.500,00", Currency: "BAM", Submit: true}, m)
		fatal(t, "initiative", err)
		for _, st := range []string{dialogue.StateAdmissible, dialogue.StateOpen, dialogue.StateSelected} {
			if x.State == to {
				break
			}
			meeting := ""
			if st == dialogue.StateSelected {
				meeting = meetings["inter"].PublicID
				if p.ID == local.ID {
					meeting = meetings["mostar"].PublicID
				}
			}
			fatal(t, "transition", d.Initiatives.Transition(ctx, admin, p, x, st, "", meeting, m))
			x, err = d.Initiatives.Get(ctx, x.PublicID)
			fatal(t, "initiative", err)
		}
		return x
	}
	e.ids["initiative.open.trnovo"] = initiative(t, inter, "ba-fbih-trnovo", dialogue.StateOpen).PublicID
	e.ids["initiative.selected.trnovo"] = initiative(t, inter, "ba-fbih-trnovo", dialogue.StateSelected).PublicID
	e.ids["initiative.selected.mostar"] = initiative(t, inter, "ba-fbih-mostar", dialogue.StateSelected).PublicID
	e.gens["initiative.submitted"] = func(t *testing.T) url.Values {
		return url.Values{"": {initiative(t, local, "ba-fbih-mostar", dialogue.StateSubmitted).PublicID}}
	}
	// The citizen's draft, with a photo; a photo of an open initiative.
	x, err := d.Initiatives.Create(ctx, citizen, local, dialogue.InitiativeInput{Title: "Nacrt inicijative matrice", Problem: "Nema sjene.", Solution: "Sjenila.", LSG: "ba-fbih-mostar", Cost: "2.000", Currency: "BAM"}, m)
	fatal(t, "draft initiative", err)
	e.ids["initiative.draft"] = x.PublicID
	// The citizen is a verified resident of Mostar, who may vote there.
	fatal(t, "resident", d.Residents.Verify(ctx, coord, local, citizen.ID, citizen.PublicID, "ba-fbih-mostar", m))
	photo := func(u *auth.User, p *dialogue.Platform, x *dialogue.Initiative) string {
		fatal(t, "photo", d.Money.AddPhoto(ctx, u, p, x, &dialogue.Upload{Filename: "foto.png", Data: matrixFile(t, "png"), Caption: "Foto"}, m))
		ps, err := d.Money.Photos(ctx, x)
		fatal(t, "photos", err)
		return ps[len(ps)-1].PublicID
	}
	e.ids["photo.draft"] = photo(citizen, local, x)
	open, err := d.Initiatives.Get(ctx, e.ids["initiative.open.trnovo"])
	fatal(t, "initiative", err)
	e.ids["photo.open"] = photo(author, inter, open)
	// Ballots of Mostar's platform over two of its open initiatives.
	items := []string{initiative(t, local, "ba-fbih-mostar", dialogue.StateOpen).PublicID, initiative(t, local, "ba-fbih-mostar", dialogue.StateOpen).PublicID}
	ballot := func(t *testing.T) *dialogue.Ballot {
		b, err := d.Ballots.Create(ctx, coord, local, dialogue.BallotInput{Title: "Glasanje matrice " + e.unique(), Budget: "10.000", Currency: "BAM", Initiatives: items}, m)
		fatal(t, "ballot", err)
		return b
	}
	b := ballot(t)
	fatal(t, "open ballot", d.Ballots.SetState(ctx, coord, local, b, dialogue.BallotOpen, m))
	e.ids["ballot.open"], e.ids["ballot.open.item"] = b.PublicID, items[0]
	e.ids["ballot.draft"] = ballot(t).PublicID
	e.gens["ballot.draft"] = func(t *testing.T) url.Values { return url.Values{"": {ballot(t).PublicID}} }
	e.gens["ballot.opened"] = func(t *testing.T) url.Values {
		b := ballot(t)
		fatal(t, "open ballot", d.Ballots.SetState(ctx, coord, local, b, dialogue.BallotOpen, m))
		return url.Values{"": {b.PublicID}}
	}
	// Every role is invited to Pale's platform, for accepting.
	pale, err := d.Platforms.Get(ctx, "lokalna-dijaloska-platforma-pale")
	fatal(t, "platform", err)
	e.ids["platform.pale"] = pale.Slug
	for _, r := range matrixRoles[1:] {
		u := e.user(t, r.email)
		fatal(t, "invite", d.Platforms.Invite(ctx, admin, pale, u.ID, u.PublicID, dialogue.RoleMember, m))
	}
}

// surveyRecords: surveys of Mostar (open public, open by invitation,
// draft) and of LDA Mostar, each with one required question "a".
// "@idem" is a fresh idempotency key of an answer.
func (e *matrixEnv) surveyRecords(t *testing.T) {
	ctx, sv := context.Background(), e.ta.Surveys
	coord, rep := e.role(t, "coordinator Mostar"), e.role(t, "CSO LDA Mostar")
	def := `{"sections":[{"key":"s","title":{"bs":"Pitanja"},"questions":[{"key":"a","type":"single","required":true,"text":{"bs":"Jeste li zadovoljni?"},"options":[{"key":"y","text":{"bs":"Da"}},{"key":"n","text":{"bs":"Ne"}}]}]}]}`
	for _, s := range []struct {
		key, kind, ref, audience, status string
		by                               *auth.User
	}{
		{"public", surveys.OwnerLSG, "ba-fbih-mostar", surveys.AudiencePublic, surveys.StatusOpen, coord},
		{"token", surveys.OwnerLSG, "ba-fbih-mostar", surveys.AudienceToken, surveys.StatusOpen, coord},
		{"draft", surveys.OwnerLSG, "ba-fbih-mostar", surveys.AudiencePublic, surveys.StatusDraft, coord},
		{"lda", surveys.OwnerOrg, e.ids["org.lda"], surveys.AudiencePublic, surveys.StatusOpen, rep},
	} {
		d, err := surveys.ParseDefinition([]byte(def))
		fatal(t, "survey definition", err)
		x, err := sv.Create(ctx, s.by, surveys.Input{OwnerKind: s.kind, OwnerRef: s.ref, Title: surveys.Text{"bs": "Anketa matrice " + s.key}, Def: d,
			Audience: s.audience, Status: s.status, ResultsPublic: true})
		fatal(t, "survey "+s.key, err)
		e.ids["survey."+s.key] = x.PublicID
	}
	e.gens["idem"] = func(*testing.T) url.Values { return url.Values{"": {surveys.NewKey()}} }
}

// elogeRecords: the 2023 cycle of LDA Mostar's platform (LDA Mostar's
// representative manages it and is its expert), Mostar's participation
// (its team enters the matrix) with an improvement action, a
// participation waiting for the experts and one of an indicator; the
// published 2008 set and a draft version of it. "@set.draft" is a draft
// version that exists when the request is sent.
func (e *matrixEnv) elogeRecords(t *testing.T) {
	ctx, el, ta := context.Background(), e.ta.Eloge, e.ta
	cycles, err := el.Cycles(ctx)
	fatal(t, "cycles", err)
	var c2023 *eloge.Cycle
	for _, c := range cycles {
		if c.Year == 2023 {
			c2023 = c
		}
	}
	if c2023 == nil {
		t.Fatal("the demo has no ELoGE cycle of 2023")
	}
	e.ids["cycle.2023"] = c2023.PublicID
	e.ids["eloge.platform"] = c2023.Platform.PublicID
	parts, err := el.Participants(ctx, c2023)
	fatal(t, "participants", err)
	for _, p := range parts {
		switch {
		case p.LSG == "ba-fbih-mostar":
			fatal(t, "action", el.AddAction(ctx, nil, c2023, p, &eloge.Action{Principle: 1, Action: "Akcija matrice", Owner: "Služba za opću upravu"}))
			acts, err := el.Actions(ctx, p)
			fatal(t, "actions", err)
			e.ids["eloge.action"] = acts[len(acts)-1].PublicID
		case p.Status == "submitted" && e.ids["eloge.submitted"] == "":
			e.ids["eloge.submitted"] = p.LSG
			entries, _, err := el.Matrix(ctx, c2023, p)
			fatal(t, "matrix", err)
			e.ids["eloge.indicator"] = itoa(entries[0].Indicator.ID)
		}
	}
	if e.ids["eloge.action"] == "" || e.ids["eloge.submitted"] == "" {
		t.Fatal("the 2023 cycle lacks Mostar or a submitted participant")
	}
	// "@eloge.lsg" is an LSG not yet in the cycle; "@lda.member" a new
	// member of LDA Mostar (experts are members of the platform's
	// organisation).
	lsgs, err := ta.Places.LSGs(ctx)
	fatal(t, "places", err)
	e.gens["eloge.lsg"] = func(t *testing.T) url.Values {
		in, err := el.Participants(ctx, c2023)
		fatal(t, "participants", err)
		for _, l := range lsgs {
			if !slices.ContainsFunc(in, func(p *eloge.Participant) bool { return p.LSG == l.Code }) {
				return url.Values{"": {l.Code}}
			}
		}
		t.Fatal("every LSG takes part")
		return nil
	}
	e.gens["lda.member"] = func(t *testing.T) url.Values {
		u, err := ta.Auth.Register(ctx, auth.RegisterInput{Email: "matrica.strucnjak" + e.unique() + "@example.org", Name: "Matrica Stručnjak", Password: DemoPassword}, auth.Meta{IP: "matrix"})
		fatal(t, "expert", err)
		fatal(t, "member", ta.Auth.AddMember(ctx, nil, e.ids["org.lda"], u.PublicID, auth.Meta{IP: "matrix"}))
		return url.Values{"": {u.Email}}
	}
	v1, err := el.SetByCode(ctx, "2008")
	fatal(t, "set 2008", err)
	e.ids["set.2008"] = itoa(v1.ID)
	draft := func(t *testing.T) string {
		status, _, h := post(t, e.client("CSO LDA Mostar"), ta.srv.URL+"/en/admin/eloge/sets/"+itoa(v1.ID)+"/versions", url.Values{"csrf_token": {e.tokens[5]}})
		if status != http.StatusSeeOther {
			t.Fatalf("draft set: %d", status)
		}
		return strings.TrimPrefix(h.Get("Location"), "/en/admin/eloge/sets/")
	}
	e.ids["set.draft"] = draft(t)
	// "@set.new" is a new draft, any earlier one discarded.
	e.gens["set.new"] = func(t *testing.T) url.Values {
		sets, err := el.Sets(ctx)
		fatal(t, "sets", err)
		for _, st := range sets {
			if st.Draft() {
				fatal(t, "discard", el.DiscardDraft(ctx, nil, &st))
			}
		}
		return url.Values{"": {draft(t)}}
	}
}

// newsRecords: articles of LDA Mostar (with a lead image) and of Mostar;
// "@article.<lda|mostar>" is a new one; a draft issue of the newsletter
// ("@issue" a new one); a subscriber waiting to confirm and one
// subscribed ("@subscriber" a new one, by the token of its mails).
func (e *matrixEnv) newsRecords(t *testing.T) {
	ctx, ta := context.Background(), e.ta
	rep, coord, admin := e.role(t, "CSO LDA Mostar"), e.role(t, "coordinator Mostar"), e.role(t, "admin")
	article := func(t *testing.T, u *auth.User, kind, ref string, image bool) *news.Article {
		in := news.ArticleInput{AuthorKind: kind, AuthorRef: ref, AuthorName: "Matrica", Lang: "bs", Title: "Vijest matrice " + e.unique(), Summary: "Sažetak.", Body: "Tekst vijesti."}
		if image {
			in.Image, in.ImageAlt = matrixFile(t, "png"), "Slika"
		}
		a, err := ta.News.Create(ctx, u, in)
		fatal(t, "article", err)
		return a
	}
	a := article(t, rep, auth.PublisherOrg, e.ids["org.lda"], true)
	e.ids["article.lda"], e.ids["image.lda"] = a.Slug, a.LeadImage+"-"+itoa(int64(a.ImageWidths[0]))+".jpg"
	e.ids["article.mostar"] = article(t, coord, auth.PublisherLSG, "ba-fbih-mostar", false).Slug
	e.gens["article.lda"] = func(t *testing.T) url.Values {
		return url.Values{"": {article(t, rep, auth.PublisherOrg, e.ids["org.lda"], false).Slug}}
	}
	e.gens["article.mostar"] = func(t *testing.T) url.Values {
		return url.Values{"": {article(t, coord, auth.PublisherLSG, "ba-fbih-mostar", false).Slug}}
	}
	issue := func(t *testing.T) string {
		is, err := ta.News.CreateIssue(ctx, admin, "bs", "Bilten matrice "+e.unique(), "Uvod.", []string{e.ids["article.lda"]})
		fatal(t, "issue", err)
		return is.PublicID
	}
	e.ids["issue.draft"] = issue(t)
	e.gens["issue"] = func(t *testing.T) url.Values { return url.Values{"": {issue(t)}} }
	subscriber := func(t *testing.T, email string) string {
		fatal(t, "subscribe", ta.News.Subscribe(ctx, email, "bs", nil))
		var tok string
		fatal(t, "token", ta.DB.QueryRowContext(ctx, `SELECT unsub_token FROM news_subscribers WHERE email = ?`, email).Scan(&tok))
		return tok
	}
	e.ids["token.subscriber"] = subscriber(t, "matrica.citateljica@example.org")
	e.gens["subscriber"] = func(t *testing.T) url.Values {
		return url.Values{"": {subscriber(t, "matrica.citatelj"+e.unique()+"@example.org")}}
	}
	subscriber(t, "matrica.potvrda@example.org")
	e.ids["token.newsletter"] = matrixMailToken(t, ta, "matrica.potvrda@example.org", regexp.MustCompile(`/newsletter/confirm/([^\s"<]+)`))
}

// matrixMailToken delivers the outbox until a mail to addr holds re and
// returns its first group.
func matrixMailToken(t *testing.T, ta *testApp, addr string, re *regexp.Regexp) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := ta.Outbox.DeliverDue(context.Background()); err != nil {
			t.Fatal(err)
		}
		sent := ta.mail.Sent()
		for i := len(sent) - 1; i >= 0; i-- {
			if m := re.FindStringSubmatch(sent[i].Text); sent[i].To == addr && m != nil {
				return m[1]
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no mail to %s matching %s", addr, re)
	return ""
}

// commentRecords: the citizen's comments under LDA Mostar's article and
// under an initiative of Trnovo on the inter-municipal platform, and a
// comment by an account that is no matrix role, for the ban; the
// citizen's follow of the article's thread ("@follow" a follow of a
// thread by its token, made again when a request ended it).
func (e *matrixEnv) commentRecords(t *testing.T) {
	ctx, cs, ta := context.Background(), e.ta.Comments, e.ta
	citizen := e.role(t, "citizen")
	post := func(u *auth.User, typ, id string) string {
		c, err := cs.Post(ctx, u, comments.Subject{Type: typ, ID: id}, "Komentar matrice "+e.unique(), "matrix")
		fatal(t, "comment", err)
		return c.PublicID
	}
	e.ids["comment.article"] = post(citizen, "article", e.ids["article.lda"])
	e.ids["comment.initiative"] = post(citizen, "initiative", e.ids["initiative.open.trnovo"])
	other, err := ta.Auth.Register(ctx, auth.RegisterInput{Email: "matrica.komentator@example.org", Name: "Matrica Komentator", Password: DemoPassword}, auth.Meta{IP: "matrix"})
	fatal(t, "commenter", err)
	other, err = ta.Auth.UserByPublicID(ctx, other.PublicID)
	fatal(t, "commenter", err)
	e.ids["comment.other"] = post(other, "article", e.ids["article.mostar"])
	token := func(t *testing.T, u *auth.User, subj string) string {
		var tok string
		err := ta.DB.QueryRowContext(ctx, `SELECT token FROM comment_follows WHERE user_id = ? AND subject_type = 'article' AND subject_id = ?`, u.ID, subj).Scan(&tok)
		fatal(t, "follow token", err)
		return tok
	}
	e.ids["token.follow"] = token(t, citizen, e.ids["article.lda"])
	e.gens["follow"] = func(t *testing.T) url.Values {
		fatal(t, "follow", cs.Follow(ctx, other, comments.Subject{Type: "article", ID: e.ids["article.lda"]}))
		return url.Values{"": {token(t, other, e.ids["article.lda"])}}
	}
}

// eventRecords: a forum of Mostar (organised by its coordinator) with three
// registrations: one to read and cancel by its link, one to check in (both
// confirmed) and one pending, to confirm by its link.
func (e *matrixEnv) eventRecords(t *testing.T) {
	ctx, ev := context.Background(), e.ta.Events
	start := time.Now().AddDate(0, 1, 0)
	x, err := ev.Create(ctx, e.role(t, "coordinator Mostar"), events.Input{Kind: "forum", Lang: "bs", Title: "Forum matrice", Description: "Forum o inicijativama.",
		Start: start.Format("2006-01-02T15:04"), End: start.Add(2 * time.Hour).Format("2006-01-02T15:04"), TimeZone: "Europe/Sarajevo", Venue: "Dom kulture", Capacity: "50",
		OrganiserKind: auth.PublisherLSG, OrganiserRef: "ba-fbih-mostar", OrganiserName: "Grad Mostar"})
	fatal(t, "event", err)
	e.ids["event.mostar"] = x.Slug
	for _, k := range []string{"view", "checkin", "pending"} {
		r, err := ev.Register(ctx, nil, x.Slug, "Matrica "+k, "matrica."+k+"@example.org", "bs", "192.0.2.1")
		fatal(t, "registration", err)
		e.ids["registration."+k] = r.PublicID
		if k != "pending" { // confirmed from its mail: it holds a seat
			_, err = ev.ConfirmPending(ctx, x, r.PublicID, "bs")
			fatal(t, "confirm registration", err)
		}
	}
}
