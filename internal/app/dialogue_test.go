package app

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/dijalog/dijalog/internal/audit"
	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/dialogue"
)

// formToken fetches a page and returns the CSRF token of its first form.
func formToken(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	status, body := get(t, c, u)
	if status != http.StatusOK {
		t.Fatalf("GET %s = %d", u, status)
	}
	m := csrfRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("GET %s: no form token", u)
	}
	return m[1]
}

func TestDialoguePublicPages(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ta := newTestApp(t, d)
		c := ta.client(t)
		for _, p := range []struct{ path, want string }{
			{"/bs/platforms", "Lokalna dijaloška platforma Mostar"},
			{"/en/platforms?lsg=ba-rs-trebinje", "Međuopštinska dijaloška platforma Mostar – Trebinje – Trnovo"},
			{"/en/platforms/lokalna-dijaloska-platforma-mostar", "Javna rasvjeta na pješačkoj stazi do OŠ Zalik"},
			{"/sr-Cyrl/platforms/lokalna-dijaloska-platforma-mostar", "Јавна расвјета"},
			{"/en/platforms/lokalna-dijaloska-platforma-mostar/money", "initiatives co-financed"},
			{"/en/places/ba-fbih-mostar", "Local dialogue platforms"},
			{"/en/platforms/verify", "Verify your residence"},
			{"/en/platforms?done=saved", "Saved."},
			{"/en/platforms/lokalna-dijaloska-platforma-mostar?done=requested", "Your request was sent"},
		} {
			status, body := get(t, c, ta.srv.URL+p.path)
			if status != http.StatusOK || !strings.Contains(body, p.want) {
				t.Errorf("GET %s = %d, want 200 with %q", p.path, status, p.want)
			}
		}
		for _, p := range []string{"/en/platforms/no-such", "/en/initiatives/nosuch", "/en/platforms?lsg=nowhere", "/en/platforms/lokalna-dijaloska-platforma-mostar/meetings/nosuch"} {
			if status, _ := get(t, c, ta.srv.URL+p); status != http.StatusNotFound {
				t.Errorf("GET %s = %d, want 404", p, status)
			}
		}
		// The money page says how many were co-financed, how much, how many done.
		_, body := get(t, c, ta.srv.URL+"/en/platforms/lokalna-dijaloska-platforma-mostar/money")
		if !strings.Contains(body, "4 initiatives co-financed, BAM 45,000, 2 done") && !strings.Contains(body, "4 initiatives co-financed") {
			t.Errorf("money page summary missing: %.2000s", body[strings.Index(body, "<main"):])
		}
	})
}

func TestDialogueAPI(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, dbtest.SQLite(t))
	c := ta.client(t)
	for _, u := range []string{"/api/v1/platforms", "/api/v1/initiatives", "/api/v1/initiatives?state=open", "/api/v1/platforms/lokalna-dijaloska-platforma-mostar"} {
		resp, err := c.Get(ta.srv.URL + u)
		if err != nil {
			t.Fatal(err)
		}
		var v map[string]any
		err = json.NewDecoder(resp.Body).Decode(&v)
		resp.Body.Close()
		if resp.StatusCode != 200 || err != nil || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			t.Errorf("GET %s = %d %s (%v)", u, resp.StatusCode, resp.Header.Get("Content-Type"), err)
		}
	}
	var list struct {
		Count       int `json:"count"`
		Initiatives []struct {
			ID, State string
		} `json:"initiatives"`
	}
	resp, _ := c.Get(ta.srv.URL + "/api/v1/initiatives")
	_ = json.NewDecoder(resp.Body).Decode(&list)
	resp.Body.Close()
	states := map[string]bool{}
	for _, x := range list.Initiatives {
		states[x.State] = true
	}
	for _, s := range dialogue.States() {
		if s == dialogue.StateDraft {
			if states[s] {
				t.Error("the API lists a draft")
			}
			continue
		}
		if !states[s] {
			t.Errorf("demo has no initiative in state %s", s)
		}
	}
	if status, _ := get(t, c, ta.srv.URL+"/api/v1/initiatives/nosuch"); status != 404 {
		t.Errorf("unknown initiative: %d", status)
	}
}

// lifecycle posts a form and returns status and the redirect target.
func postForm(t *testing.T, c *http.Client, u string, v url.Values) (int, string, string) {
	t.Helper()
	status, body, h := post(t, c, u, v)
	return status, h.Get("Location"), body
}

// TestDialogueLifecycle walks an initiative from submission to done
// through the HTTP handlers, with the refusals on the way.
func TestDialogueLifecycle(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ta := newTestApp(t, d)
		base := ta.srv.URL
		slug := "lokalna-dijaloska-platforma-mostar"
		citizen := ta.login(t, "gradjanin@demo.dijalog.ba")
		amina := ta.login(t, "amina.hadzic@demo.dijalog.ba")
		coord := ta.login(t, "koordinator.mostar@demo.dijalog.ba")
		trebinje := ta.login(t, "koordinator.trebinje@demo.dijalog.ba")
		moderator := ta.login(t, "moderator@demo.dijalog.ba")
		anon := ta.client(t)

		// Bad input is refused with a message.
		tok := formToken(t, citizen, base+"/en/platforms/"+slug+"/initiatives/new")
		status, _, body := postForm(t, citizen, base+"/en/platforms/"+slug+"/initiatives/new", url.Values{"csrf_token": {tok}, "title": {""}, "problem": {"x"}, "solution": {"y"}, "cost": {"abc"}, "submit": {"1"}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "This field is required") && !strings.Contains(body, "aria-invalid") {
			t.Fatalf("empty title: %d", status)
		}
		// The citizen submits.
		status, loc, _ := postForm(t, citizen, base+"/en/platforms/"+slug+"/initiatives/new", url.Values{"csrf_token": {tok},
			"title": {"Ograda oko igrališta u Vrapčićima"}, "problem": {"Djeca istrčavaju na cestu."}, "solution": {"Postaviti ogradu od 80 m."}, "cost": {"7.500,00"}, "currency": {"BAM"}, "submit": {"1"}})
		if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/en/initiatives/") {
			t.Fatalf("submit: %d %s", status, loc)
		}
		pid := strings.TrimPrefix(strings.Split(loc, "?")[0], "/en/initiatives/")
		page := base + "/en/initiatives/" + pid
		op := func(c *http.Client, name string, v url.Values) (int, string) {
			t.Helper()
			if v == nil {
				v = url.Values{}
			}
			v.Set("csrf_token", ta.csrf(t, c))
			status, _, body := postForm(t, c, page+"/"+name, v)
			return status, body
		}
		move := func(c *http.Client, to string, extra url.Values) int {
			t.Helper()
			if extra == nil {
				extra = url.Values{}
			}
			extra.Set("to", to)
			s, _ := op(c, "transition", extra)
			return s
		}
		// Only managers decide admissibility; not admissible needs a reason.
		if s := move(citizen, "admissible", nil); s != http.StatusForbidden {
			t.Errorf("citizen admits: %d, want 403", s)
		}
		if s := move(trebinje, "admissible", nil); s != http.StatusForbidden {
			t.Errorf("Trebinje's coordinator admits Mostar's initiative: %d, want 403", s)
		}
		if s := move(coord, "not_admissible", nil); s != http.StatusUnprocessableEntity {
			t.Errorf("not admissible without a reason: %d, want 422", s)
		}
		if s := move(coord, "open", nil); s != http.StatusConflict {
			t.Errorf("submitted straight to open: %d, want 409", s)
		}
		for _, to := range []string{"admissible", "open"} {
			if s := move(coord, to, nil); s != http.StatusSeeOther {
				t.Fatalf("to %s: %d", to, s)
			}
		}
		// Supports: once per person, withdrawable while open.
		if s, _ := op(citizen, "support", nil); s != http.StatusSeeOther {
			t.Fatalf("support: %d", s)
		}
		if s, body := op(citizen, "support", nil); s != http.StatusConflict || !strings.Contains(body, "each person counts once") {
			t.Errorf("second support: %d", s)
		}
		if s, _ := op(amina, "support", nil); s != http.StatusSeeOther {
			t.Errorf("support by Amina: %d", s)
		}
		if s, _ := op(anon, "support", nil); s != http.StatusForbidden && s != http.StatusSeeOther {
			t.Errorf("anonymous support: %d", s)
		}
		if s, _ := op(amina, "withdraw-support", nil); s != http.StatusSeeOther {
			t.Errorf("withdraw: %d", s)
		}
		if s, _ := op(amina, "withdraw-support", nil); s != http.StatusConflict {
			t.Errorf("withdraw twice: %d", s)
		}
		x, err := ta.Dialogue.Initiatives.Get(context.Background(), pid)
		if err != nil {
			t.Fatal(err)
		}
		if counter, rows, _ := ta.Dialogue.Initiatives.SupportCounts(context.Background(), x.ID); counter != 1 || rows != 1 {
			t.Errorf("supports: counter %d rows %d, want 1 and 1", counter, rows)
		}
		// Selection at a meeting closes the support phase.
		p, _ := ta.Dialogue.Platforms.Get(context.Background(), slug)
		meetings, _ := ta.Dialogue.Meetings.List(context.Background(), p)
		if s := move(coord, "selected", url.Values{"meeting": {"nosuch"}}); s != http.StatusUnprocessableEntity {
			t.Errorf("selected at an unknown meeting: %d", s)
		}
		if s := move(coord, "selected", url.Values{"meeting": {meetings[0].PublicID}}); s != http.StatusSeeOther {
			t.Fatalf("selected: %d", s)
		}
		if s, body := op(amina, "support", nil); s != http.StatusConflict || !strings.Contains(body, "support phase") {
			t.Errorf("support after selection: %d", s)
		}
		if s, _ := op(citizen, "withdraw-support", nil); s != http.StatusConflict {
			t.Errorf("withdraw after selection: %d", s)
		}
		// Financing: co-financed needs a plan; only LSG editors record money.
		if s := move(coord, "cofinanced", nil); s != http.StatusUnprocessableEntity {
			t.Errorf("co-financed without a plan: %d", s)
		}
		if s, _ := op(citizen, "share", url.Values{"source": {"lsg"}, "name": {"Grad Mostar"}, "amount": {"3.750"}, "currency": {"BAM"}}); s != http.StatusForbidden {
			t.Errorf("citizen records money: %d", s)
		}
		if s, _ := op(coord, "share", url.Values{"source": {"lsg"}, "name": {"Grad Mostar"}, "amount": {"-5"}, "currency": {"BAM"}}); s != http.StatusUnprocessableEntity {
			t.Errorf("negative share: %d", s)
		}
		for _, sh := range []url.Values{
			{"source": {"lsg"}, "name": {"Grad Mostar"}, "amount": {"3.750"}, "currency": {"BAM"}},
			{"source": {"donor"}, "name": {"UNDP MAKERS"}, "project_ref": {"makers-2020"}, "amount": {"3.750"}, "currency": {"BAM"}},
		} {
			if s, _ := op(coord, "share", sh); s != http.StatusSeeOther {
				t.Fatalf("share: %d", s)
			}
		}
		// The plan holds the whole cost: one more share needs a note, and
		// the form comes back with what was typed and the field's message.
		if s, body := op(coord, "share", url.Values{"source": {"other"}, "name": {"Sponzor XY"}, "amount": {"1.250"}, "currency": {"BAM"}}); s != http.StatusUnprocessableEntity ||
			!strings.Contains(body, "more than the initiative&#39;s estimated cost") || !strings.Contains(body, `value="Sponzor XY"`) || !strings.Contains(body, `value="1.250"`) {
			t.Errorf("a share over the cost without a note: %d", s)
		}
		if s, _ := op(coord, "share", url.Values{"source": {"other"}, "name": {"Sponzor XY"}, "amount": {"1.250"}, "currency": {"BAM"}, "share_note": {"Ograda i kapija"}}); s != http.StatusSeeOther {
			t.Errorf("a share over the cost with a note: %d", s)
		}
		if s := move(coord, "cofinanced", nil); s != http.StatusSeeOther {
			t.Fatalf("co-financed: %d", s)
		}
		if s, body := op(coord, "disbursement", url.Values{"paid_on": {"2026-11-20"}, "d_amount": {"9.000"}, "d_currency": {"BAM"}}); s != http.StatusUnprocessableEntity || !strings.Contains(body, "more would be paid than the co-financing plan holds") {
			t.Errorf("a payment over the plan: %d", s)
		}
		if s, _ := op(coord, "disbursement", url.Values{"paid_on": {"2026-11-20"}, "d_amount": {"7.500"}, "d_currency": {"BAM"}}); s != http.StatusSeeOther {
			t.Errorf("disbursement: %d", s)
		}
		if s := move(coord, "implementation", nil); s != http.StatusSeeOther {
			t.Fatalf("implementation: %d", s)
		}
		if s, _ := op(citizen, "report", url.Values{"body": {"Ograda postavljena."}, "percent": {"100"}}); s != http.StatusSeeOther {
			t.Errorf("author's report: %d", s)
		}
		if s, _ := op(citizen, "report", url.Values{"body": {"x"}, "percent": {"140"}}); s != http.StatusUnprocessableEntity {
			t.Errorf("report of 140 %%: %d", s)
		}
		if s := move(coord, "done", nil); s != http.StatusSeeOther {
			t.Fatalf("done: %d", s)
		}
		if _, body := get(t, citizen, page+"?done=moved"); !strings.Contains(body, "The initiative moved") {
			t.Error("no confirmation after a step")
		}
		// The public page shows the timeline and the money.
		_, body = get(t, anon, page)
		for _, want := range []string{"Submitted", "Admissible", "Open for support", "Selected at a meeting", "Co-financed", "In implementation", "Done", "UNDP MAKERS", "Ograda postavljena.", "100 % done",
			// The public history of the money names the role, not the person.
			"History of the initiative&#39;s money", "LSG coordinator of Mostar", "Payment of 7,500\u00a0BAM on 20/11/2026", "Ograda i kapija", "8,750\u00a0BAM"} {
			if !strings.Contains(body, want) {
				t.Errorf("initiative page lacks %q", want)
			}
		}
		_, body = get(t, anon, base+"/en/platforms/"+slug+"/money")
		if !strings.Contains(body, "Ograda oko igrališta") {
			t.Error("money page lacks the initiative")
		}
		// Every step is in the audit log.
		entries, err := ta.Auth.Audit(context.Background(), mustUser(t, ta, "admin@demo.dijalog.ba"), audit.Filter{ObjectKind: "initiative", ObjectRef: pid})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) < 8 {
			t.Errorf("audit entries for the initiative: %d, want at least 8", len(entries))
		}

		// Comments with moderation.
		tok = formToken(t, citizen, page)
		status, loc, _ = postForm(t, citizen, base+"/en/comments", url.Values{"csrf_token": {tok}, "subject_type": {"initiative"}, "subject_id": {pid}, "body": {"Bravo, ograda je sjajna!"}})
		if status != http.StatusSeeOther || !strings.Contains(loc, "#c-") {
			t.Fatalf("comment: %d %s", status, loc)
		}
		cid := loc[strings.Index(loc, "#c-")+3:]
		status, _, _ = postForm(t, citizen, base+"/en/comments", url.Values{"csrf_token": {tok}, "subject_type": {"initiative"}, "subject_id": {pid}, "body": {"  "}})
		if status != http.StatusSeeOther {
			t.Errorf("empty comment: %d, want a redirect with the error", status)
		}
		if s, _, _ := postForm(t, citizen, base+"/en/comments/"+cid+"/hide", url.Values{"csrf_token": {tok}, "reason": {"x"}}); s != http.StatusForbidden {
			t.Errorf("citizen hides: %d", s)
		}
		if s, _, _ := postForm(t, amina, base+"/en/comments/"+cid+"/report", url.Values{"csrf_token": {formToken(t, amina, page)}, "reason": {"spam"}}); s != http.StatusSeeOther {
			t.Errorf("report: %d", s)
		}
		mtok := formToken(t, moderator, page)
		if s, l, _ := postForm(t, moderator, base+"/en/comments/"+cid+"/hide", url.Values{"csrf_token": {mtok}, "reason": {""}}); s != http.StatusSeeOther || !strings.Contains(l, "comment_error=comments.reason_required") {
			t.Errorf("hide without reason: %d %s", s, l)
		}
		if s, _, _ := postForm(t, moderator, base+"/en/comments/"+cid+"/hide", url.Values{"csrf_token": {mtok}, "reason": {"Uvredljiv sadržaj"}}); s != http.StatusSeeOther {
			t.Errorf("hide: %d", s)
		}
		_, body = get(t, anon, page)
		if strings.Contains(body, "Bravo, ograda je sjajna!") || !strings.Contains(body, "hidden by a moderator") {
			t.Error("hidden comment still shown to the public")
		}
		if s, _, _ := postForm(t, coord, base+"/en/comments/"+cid+"/restore", url.Values{"csrf_token": {formToken(t, coord, page)}, "reason": {"Pogrešno prijavljen"}}); s != http.StatusSeeOther {
			t.Errorf("restore by the platform coordinator: %d", s)
		}
		_, body = get(t, anon, page)
		if !strings.Contains(body, "Bravo, ograda je sjajna!") {
			t.Error("restored comment not shown")
		}
	})
}

func mustUser(t *testing.T, ta *testApp, email string) *auth.User {
	t.Helper()
	u, err := ta.Auth.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestDialogueVerificationAndMinutes: supports that require verification,
// one-time codes, and minutes with script.
func TestDialogueVerificationAndMinutes(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, dbtest.SQLite(t))
	base := ta.srv.URL
	slug := "lokalna-dijaloska-platforma-mostar"
	coord := ta.login(t, "koordinator.mostar@demo.dijalog.ba")
	citizen := ta.login(t, "gradjanin@demo.dijalog.ba")
	manage := base + "/en/platforms/" + slug + "/manage"
	if s, _ := get(t, citizen, manage); s != http.StatusForbidden {
		t.Errorf("a citizen opens the coordinator's page: %d", s)
	}
	if s, _ := get(t, ta.login(t, "koordinator.trebinje@demo.dijalog.ba"), manage); s != http.StatusForbidden {
		t.Errorf("Trebinje's coordinator opens Mostar's coordinator page: %d", s)
	}
	if s, _ := get(t, coord, base+"/en/platforms/medjuopstinska-dijaloska-platforma-mostar-trebinje-trnovo/manage"); s != http.StatusOK {
		t.Errorf("Mostar's coordinator on the inter-municipal platform: %d", s)
	}
	tok := formToken(t, coord, manage)
	if s, _, _ := postForm(t, coord, manage+"/verification", url.Values{"csrf_token": {tok}, "requires_verification": {"1"}}); s != http.StatusSeeOther {
		t.Fatalf("verification on: %d", s)
	}
	// The open demo initiative of Mostar.
	list, _ := ta.Dialogue.Initiatives.List(context.Background(), dialogue.InitiativeFilter{State: dialogue.StateOpen})
	var pid string
	for _, x := range list {
		if x.PlatformSlug == slug {
			pid = x.PublicID
		}
	}
	ctok := formToken(t, citizen, base+"/en/platforms/verify")
	if s, _, body := postForm(t, citizen, base+"/en/initiatives/"+pid+"/support", url.Values{"csrf_token": {ctok}}); s != http.StatusForbidden || !strings.Contains(body, "verified residents") {
		t.Errorf("unverified support: %d", s)
	}
	// Codes are printed once; a code verifies once.
	s, _, body := postForm(t, coord, manage+"/codes", url.Values{"csrf_token": {tok}, "count": {"3"}, "lsg": {"ba-fbih-mostar"}})
	codes := regexp.MustCompile(`<code>([A-Z0-9-]+)</code>`).FindAllStringSubmatch(body, -1)
	if s != http.StatusOK || len(codes) != 3 {
		t.Fatalf("codes: %d, %d codes", s, len(codes))
	}
	if s, _, _ := postForm(t, coord, manage+"/codes", url.Values{"csrf_token": {tok}, "count": {"5000"}, "lsg": {"ba-fbih-mostar"}}); s != http.StatusUnprocessableEntity {
		t.Errorf("5000 codes: %d", s)
	}
	if s, _, _ := postForm(t, coord, manage+"/codes", url.Values{"csrf_token": {tok}, "count": {"2"}, "lsg": {"ba-rs-trebinje"}}); s != http.StatusUnprocessableEntity {
		t.Errorf("codes for another LSG: %d", s)
	}
	if s, _, _ := postForm(t, citizen, base+"/en/platforms/verify", url.Values{"csrf_token": {ctok}, "code": {"WRONG-CODE"}}); s != http.StatusUnprocessableEntity {
		t.Errorf("wrong code: %d", s)
	}
	if s, _, _ := postForm(t, citizen, base+"/en/platforms/verify", url.Values{"csrf_token": {ctok}, "code": {strings.ToLower(codes[0][1])}}); s != http.StatusSeeOther {
		t.Errorf("code: %d", s)
	}
	amina := ta.login(t, "dino.kovacevic@demo.dijalog.ba")
	if s, _, _ := postForm(t, amina, base+"/en/platforms/verify", url.Values{"csrf_token": {formToken(t, amina, base+"/en/platforms/verify")}, "code": {codes[0][1]}}); s != http.StatusUnprocessableEntity {
		t.Errorf("used code again: %d", s)
	}
	if s, _, _ := postForm(t, citizen, base+"/en/initiatives/"+pid+"/support", url.Values{"csrf_token": {ctok}}); s != http.StatusSeeOther {
		t.Errorf("verified support: %d", s)
	}
	// Minutes: Markdown in, allow-listed HTML out.
	p, _ := ta.Dialogue.Platforms.Get(context.Background(), slug)
	ms, _ := ta.Dialogue.Meetings.List(context.Background(), p)
	mpage := base + "/en/platforms/" + slug + "/meetings/" + ms[0].PublicID
	if s, _, _ := postForm(t, coord, mpage+"/minutes", url.Values{"csrf_token": {tok}, "minutes": {"## Zaključci\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[klik](javascript:alert(1)) **važno**"}}); s != http.StatusSeeOther {
		t.Fatalf("minutes: %d", s)
	}
	_, body = get(t, ta.client(t), mpage)
	if strings.Contains(body, "alert(1)</script>") || strings.Contains(body, "onerror") || strings.Contains(body, "javascript:") || !strings.Contains(body, "<strong>važno</strong>") {
		t.Errorf("minutes not sanitised: %s", body[strings.Index(body, "Minutes"):])
	}
	// The iCal feed parses.
	resp, err := http.Get(base + "/en/platforms/" + slug + "/meetings.ics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/calendar") {
		t.Errorf("ics content type %q", ct)
	}
}

// TestDialoguePhotosAndDrafts: uploads are type- and size-checked and served
// with their type; drafts are private to their author and the managers.
func TestDialoguePhotosAndDrafts(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, dbtest.SQLite(t))
	base := ta.srv.URL
	citizen := ta.login(t, "gradjanin@demo.dijalog.ba")
	other := ta.login(t, "amina.hadzic@demo.dijalog.ba")
	tok := formToken(t, citizen, base+"/en/platforms/lokalna-dijaloska-platforma-mostar/initiatives/new")
	status, loc, _ := postForm(t, citizen, base+"/en/platforms/lokalna-dijaloska-platforma-mostar/initiatives/new", url.Values{"csrf_token": {tok}, "title": {"Nacrt"}, "problem": {"p"}, "solution": {"s"}})
	if status != http.StatusSeeOther {
		t.Fatalf("draft: %d", status)
	}
	page := base + strings.Split(loc, "?")[0]
	if s, _ := get(t, other, page); s != http.StatusNotFound {
		t.Errorf("someone else's draft: %d, want 404", s)
	}
	if s, _ := get(t, ta.client(t), strings.Replace(page, "/en/initiatives/", "/api/v1/initiatives/", 1)); s == http.StatusOK {
		t.Error("draft in the API")
	}
	var uploadBody func(c *http.Client, name string, data []byte) (int, string)
	upload := func(c *http.Client, name string, data []byte) int {
		t.Helper()
		status, _ := uploadBody(c, name, data)
		return status
	}
	uploadBody = func(c *http.Client, name string, data []byte) (int, string) {
		t.Helper()
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		_ = w.WriteField("csrf_token", ta.csrf(t, c))
		_ = w.WriteField("caption", "Igralište")
		fw, _ := w.CreateFormFile("photo", name)
		_, _ = fw.Write(data)
		w.Close()
		req, _ := http.NewRequest(http.MethodPost, page+"/photo", &b)
		req.Header.Set("Content-Type", w.FormDataContentType())
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp.StatusCode, string(body)
	}
	img := image.NewRGBA(image.Rect(0, 0, 8, 6))
	var png8 bytes.Buffer
	_ = png.Encode(&png8, img)
	for _, c := range []struct {
		name   string
		data   []byte
		status int
		msg    string
	}{
		{"x.html", []byte("<html><script>alert(1)</script></html>"), http.StatusUnprocessableEntity, "Only PNG and JPEG"},
		{"bomb.png", readFile(t, "../dialogue/testdata/bomb.png"), http.StatusUnprocessableEntity, "pixels"},
		{"big.png", make([]byte, 50<<20), http.StatusRequestEntityTooLarge, "too large"},
	} {
		status, body := uploadBody(citizen, c.name, c.data)
		if status != c.status || !strings.Contains(body, c.msg) {
			t.Errorf("%s: %d, want %d with %q", c.name, status, c.status, c.msg)
		}
	}
	if s := upload(other, "a.png", png8.Bytes()); s != http.StatusNotFound {
		t.Errorf("photo on someone else's draft: %d", s)
	}
	if s := upload(citizen, "a.png", png8.Bytes()); s != http.StatusSeeOther {
		t.Fatalf("PNG: %d", s)
	}
	_, body := get(t, citizen, page)
	m := regexp.MustCompile(`src="/dialogue/photos/([a-z0-9]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no photo on the page")
	}
	resp, err := citizen.Get(base + "/dialogue/photos/" + m[1])
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("photo: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	// Finding 13: a photo read under access control is never kept by a
	// shared cache.
	if cc := resp.Header.Get("Cache-Control"); !strings.HasPrefix(cc, "private") {
		t.Errorf("access-controlled photo: Cache-Control %q, want private", cc)
	}
	if s, _ := get(t, other, base+"/dialogue/photos/"+m[1]); s != http.StatusNotFound {
		t.Errorf("photo of a draft for someone else: %d", s)
	}
	// Stored under the data directory, outside any web root.
	if !strings.HasSuffix(ta.uploadsDir("dialogue"), "uploads/dialogue") {
		t.Errorf("photos in %s", ta.uploadsDir("dialogue"))
	}
}

// TestDialogueBallotFollowAndProgrammes: the coordinator creates and runs a
// participatory-budgeting ballot through the pages, with every refusal; a
// follower is mailed through the outbox; the programme and dashboard
// pages show their totals.
func TestDialogueBallotFollowAndProgrammes(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ta := newTestApp(t, d)
		base := ta.srv.URL
		slug := "lokalna-dijaloska-platforma-mostar"
		coord := ta.login(t, "koordinator.mostar@demo.dijalog.ba")
		amina := ta.login(t, "amina.hadzic@demo.dijalog.ba")  // verified resident of Mostar
		dino := ta.login(t, "dino.kovacevic@demo.dijalog.ba") // verified too
		citizen := ta.login(t, "gradjanin@demo.dijalog.ba")   // not verified
		elsewhere := ta.login(t, "ocd@demo.dijalog.ba")       // verified in Trebinje only
		anon := ta.client(t)
		ctx := context.Background()

		trebinje, err := ta.Dialogue.Platforms.Get(ctx, "forum-za-gradjanske-inicijative-trebinje")
		if err != nil {
			t.Fatal(err)
		}
		ocd := mustUser(t, ta, "ocd@demo.dijalog.ba")
		if err := ta.Dialogue.Residents.Verify(ctx, nil, trebinje, ocd.ID, ocd.PublicID, "ba-rs-trebinje", dialogue.Meta{}); err != nil {
			t.Fatal(err)
		}

		// The manage page lists the initiatives that can go on a ballot.
		_, page := get(t, coord, base+"/en/platforms/"+slug+"/manage")
		var items []string
		for _, m := range regexp.MustCompile(`id="item-([a-z0-9]+)"`).FindAllStringSubmatch(page, -1) {
			items = append(items, m[1])
		}
		if len(items) < 3 {
			t.Fatalf("ballotable initiatives on the manage page: %v", items)
		}
		tok := csrfRe.FindStringSubmatch(page)[1]
		create := base + "/en/platforms/" + slug + "/manage/ballot"
		for name, v := range map[string]url.Values{
			"no items":   {"b_title": {"PB 2027"}, "budget": {"10.000"}, "b_currency": {"BAM"}},
			"bad budget": {"b_title": {"PB 2027"}, "budget": {"lots"}, "b_currency": {"BAM"}, "items": items},
			"no title":   {"budget": {"10.000"}, "b_currency": {"BAM"}, "items": items},
			"unknown":    {"b_title": {"PB 2027"}, "budget": {"10.000"}, "b_currency": {"BAM"}, "items": {"nosuch", strings.Repeat("x", 3000)}},
		} {
			v.Set("csrf_token", tok)
			status, _, body := postForm(t, coord, create, v)
			if status != http.StatusUnprocessableEntity || !strings.Contains(body, `class="field-error"`) {
				t.Errorf("%s: %d, want 422 with a message", name, status)
			}
		}
		if status, _, _ := postForm(t, citizen, create, url.Values{"csrf_token": {formToken(t, citizen, base+"/en/platforms/"+slug)}, "b_title": {"X"}, "budget": {"1"}, "b_currency": {"BAM"}, "items": items}); status != http.StatusForbidden {
			t.Errorf("a citizen creates a ballot: %d", status)
		}
		// One of the demo's initiatives (12,600 BAM) costs more than a
		// budget of 10,000: it could never be funded, so it is refused.
		if status, _, body := postForm(t, coord, create, url.Values{"csrf_token": {tok}, "b_title": {"Participativni budžet 2027"}, "budget": {"10.000"}, "b_currency": {"BAM"}, "items": items}); status != http.StatusUnprocessableEntity ||
			!strings.Contains(body, "costs more than the whole budget of the ballot") || !strings.Contains(body, `value="Participativni budžet 2027"`) {
			t.Errorf("an initiative over the whole budget: %d, want 422 with its message and the form as typed", status)
		}
		status, loc, _ := postForm(t, coord, create, url.Values{"csrf_token": {tok}, "b_title": {"Participativni budžet 2027"}, "budget": {"15.000"}, "b_currency": {"BAM"}, "items": items})
		if status != http.StatusSeeOther || !strings.Contains(loc, "/ballots/") {
			t.Fatalf("create ballot: %d %s", status, loc)
		}
		ballot := base + strings.Split(loc, "?")[0]
		if status, _ := get(t, anon, ballot); status != http.StatusNotFound {
			t.Errorf("a draft ballot is public: %d", status)
		}
		step := func(c *http.Client, op string, want int) string {
			t.Helper()
			status, _, body := postForm(t, c, ballot+"/"+op, url.Values{"csrf_token": {formToken(t, coord, ballot)}})
			if status != want {
				t.Errorf("%s: %d, want %d", op, status, want)
			}
			return body
		}
		step(coord, "published", http.StatusConflict)
		step(coord, "open", http.StatusSeeOther)
		if status, body := get(t, anon, ballot); status != http.StatusOK || !strings.Contains(body, "Sign in to vote") {
			t.Errorf("open ballot for the public: %d", status)
		}

		// Voting, with the refusals.
		vote := func(c *http.Client, picks []string) (int, string) {
			t.Helper()
			v := url.Values{"csrf_token": {formToken(t, c, ballot)}, "pick": picks}
			status, _, body := postForm(t, c, ballot+"/vote", v)
			return status, body
		}
		if _, body := get(t, citizen, ballot); !strings.Contains(body, `id="ballot-refusal"`) || !strings.Contains(body, "Only verified residents can vote") {
			t.Error("an unverified citizen is not told why they cannot vote")
		}
		if status, body := vote(citizen, items[:1]); status != http.StatusForbidden || !strings.Contains(body, "Only verified residents can vote") {
			t.Errorf("unverified vote: %d", status)
		}
		if status, body := vote(elsewhere, items[:1]); status != http.StatusForbidden || !strings.Contains(body, "another municipality") {
			t.Errorf("vote from another LSG: %d", status)
		}
		if status, body := vote(amina, items); status != http.StatusUnprocessableEntity || !strings.Contains(body, "cost more than the budget") {
			t.Errorf("over budget: %d", status)
		}
		if status, body := vote(amina, nil); status != http.StatusUnprocessableEntity || !strings.Contains(body, "Pick at least one") {
			t.Errorf("empty ballot: %d", status)
		}
		if status, _ := vote(amina, []string{"nosuch"}); status != http.StatusUnprocessableEntity {
			t.Errorf("unknown pick: %d", status)
		}
		// A single initiative within the budget: the first that is accepted
		// (a refused pick over the budget changes nothing).
		var cheap []string
		for _, pid := range items {
			status, _ := vote(amina, []string{pid})
			if status == http.StatusSeeOther {
				cheap = []string{pid}
				break
			}
			if status != http.StatusUnprocessableEntity {
				t.Fatalf("vote for %s: %d", pid, status)
			}
		}
		if cheap == nil {
			t.Fatal("no initiative within the budget was accepted")
		}
		if status, body := vote(amina, cheap); status != http.StatusConflict || !strings.Contains(body, "already voted") {
			t.Errorf("second ballot: %d", status)
		}
		if _, body := get(t, amina, ballot+"?done=voted"); !strings.Contains(body, `id="ballot-voted"`) || !strings.Contains(body, "Your ballot was counted.") {
			t.Error("the voter does not see their ballot")
		}
		step(citizen, "closed", http.StatusForbidden)
		step(coord, "closed", http.StatusSeeOther)
		if status, body := vote(dino, cheap); status != http.StatusConflict || !strings.Contains(body, "Voting is closed") {
			t.Errorf("vote after closing: %d", status)
		}
		step(coord, "published", http.StatusSeeOther)
		if _, body := get(t, anon, ballot); !strings.Contains(body, "1 ballot cast.") || !strings.Contains(body, `id="ballot-results"`) || !strings.Contains(body, "Within the budget") {
			t.Errorf("published results: %.1500s", body[strings.Index(body, "<main"):])
		}
		for _, p := range []string{"/nosuch", "/nosuch/vote"} {
			if status, _ := get(t, anon, base+"/en/platforms/"+slug+"/ballots"+p); status != http.StatusNotFound && status != http.StatusMethodNotAllowed {
				t.Errorf("GET %s: %d", p, status)
			}
		}
		if status, _, _ := postForm(t, coord, ballot+"/explode", url.Values{"csrf_token": {formToken(t, coord, ballot)}}); status != http.StatusNotFound {
			t.Errorf("unknown ballot op: %d", status)
		}

		// Following: the citizen follows an admissible initiative, the
		// coordinator opens it, the outbox holds the mail.
		x := items[len(items)-1]
		xi, err := ta.Dialogue.Initiatives.Get(ctx, x)
		if err != nil {
			t.Fatal(err)
		}
		ipage := base + "/en/initiatives/" + x
		if _, body := get(t, anon, ipage); !strings.Contains(body, "Sign in to follow") {
			t.Error("the public is not offered to follow")
		}
		if status, loc, _ := postForm(t, citizen, ipage+"/follow", url.Values{"csrf_token": {formToken(t, citizen, ipage)}}); status != http.StatusSeeOther || !strings.Contains(loc, "done=followed") {
			t.Fatalf("follow: %d %s", status, loc)
		}
		if _, body := get(t, citizen, ipage); !strings.Contains(body, "Stop following") || !strings.Contains(body, "1 follower") {
			t.Error("the follower does not see that they follow")
		}
		if xi.State == dialogue.StateAdmissible {
			if status, _, _ := postForm(t, coord, ipage+"/transition", url.Values{"csrf_token": {formToken(t, coord, ipage)}, "to": {"open"}}); status != http.StatusSeeOther {
				t.Fatalf("open: %d", status)
			}
		}
		var n int
		var subject string
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(subject), '') FROM mail_outbox WHERE to_addr = ? AND msg_key LIKE 'dialogue:%'`, "gradjanin@demo.dijalog.ba").Scan(&n, &subject); err != nil {
			t.Fatal(err)
		}
		if n != 1 || !strings.Contains(subject, xi.Title) {
			t.Errorf("follower's mails: %d, subject %q", n, subject)
		}
		if status, _, _ := postForm(t, citizen, ipage+"/unfollow", url.Values{"csrf_token": {formToken(t, citizen, ipage)}}); status != http.StatusSeeOther {
			t.Errorf("unfollow: %d", status)
		}
		if status, _, _ := postForm(t, anon, ipage+"/follow", url.Values{}); status == http.StatusSeeOther || status >= 500 {
			t.Errorf("anonymous follow: %d", status)
		}

		// Where the money went per programme; dashboards.
		for _, p := range []struct{ path, want string }{
			{"/en/platforms/programmes", "UNDP MAKERS (Porticus)"},
			{"/en/platforms/programmes?programme=undp-makers-porticus", "8 initiatives co-financed, 96,000\u00a0BAM, 5 done"},
			{"/sr-Cyrl/platforms/programmes?programme=undp-makers-porticus", "Требиње"},
			{"/en/platforms?lsg=ba-fbih-mostar", "At a glance"},
			{"/en/platforms/medjuopstinska-dijaloska-platforma-mostar-trebinje-trnovo", "Initiatives by municipality"},
			{"/en/platforms/" + slug + "/money", "UNDP MAKERS (Porticus)"},
		} {
			status, body := get(t, anon, base+p.path)
			if status != http.StatusOK || !strings.Contains(body, p.want) {
				t.Errorf("GET %s = %d, want 200 with %q", p.path, status, p.want)
			}
		}
		for _, p := range []string{"/en/platforms/programmes?programme=nosuch", "/en/platforms/programmes?programme=%3Cscript%3E", "/en/platforms/programmes?programme=" + strings.Repeat("a", 400)} {
			if status, _ := get(t, anon, base+p); status != http.StatusNotFound {
				t.Errorf("GET %s = %d, want 404", p, status)
			}
		}
	})
}

// readFile returns a test file's bytes (testdata/bomb.png: a valid PNG
// header that claims 100,000 × 100,000 pixels).
func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
