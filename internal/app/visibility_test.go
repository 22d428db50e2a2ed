package app

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/projects"
)

var visibilityRe = regexp.MustCompile(`(?s)<aside class="visibility"[^>]*>.*?</aside>`)

// TestVisibilityNotice (issue 16): the demo's EU-funded programme (Link for
// cooperation) carries the EU disclaimer with its emblem as text, in the
// reader's language (in Cyrillic on sr-Cyrl pages), on its own page and on
// the pages of its projects; a project outside it carries none; whoever
// edits the programme changes the notice, and a reader whose language it
// lacks gets a neighbouring one, marked with its language.
func TestVisibilityNotice(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ta := newTestApp(t, dbtest.SQLite(t))
	c := ta.client(t)
	link := ta.projectID(t, "LINK za saradnju")
	// A project of the programme.
	makers := ta.projectID(t, "makers")
	p, err := ta.Projects.Get(ctx, makers)
	if err != nil {
		t.Fatal(err)
	}
	p.ID, p.PublicID, p.IATIIdentifier, p.Programme, p.Kind = 0, "", "", link, "project"
	if err := ta.Projects.Create(ctx, projects.Actor{Name: "test"}, p); err != nil {
		t.Fatalf("a project of the programme: %v", err)
	}
	notice := func(t *testing.T, page string) string {
		t.Helper()
		status, body := get(t, c, ta.srv.URL+page)
		if status != http.StatusOK {
			t.Fatalf("%s = %d", page, status)
		}
		return html.UnescapeString(visibilityRe.FindString(body))
	}
	for _, tc := range []struct{ lang, emblem, text string }{
		{"bs", "Finansira Evropska unija", "uz finansijsku podršku Evropske unije"},
		{"en", "Funded by the European Union", "do not necessarily reflect the views of the European Union"},
		{"sr-Cyrl", "Финансира Европска унија", "не одражава нужно ставове Европске уније"},
	} {
		for _, id := range []string{link, p.PublicID} {
			got := notice(t, "/"+tc.lang+"/projects/"+id)
			if !strings.Contains(got, tc.emblem) || !strings.Contains(got, tc.text) {
				t.Errorf("/%s/projects/%s: notice %q, want %q and %q", tc.lang, id, got, tc.emblem, tc.text)
			}
			if strings.Contains(got, " lang=") {
				t.Errorf("/%s/projects/%s: the notice is in the page's language but marked %q", tc.lang, id, got)
			}
		}
	}
	if got := notice(t, "/en/projects/"+makers); got != "" {
		t.Errorf("a project outside the programme carries %q", got)
	}

	// Its editor (an administrator here) writes it in English only: a
	// Bosnian reader gets the English text, marked lang="en".
	admin := ta.login(t, "admin@demo.dijalog.ba")
	tok := ta.csrf(t, admin)
	status, body, _ := post(t, admin, ta.srv.URL+"/en/projects/"+link+"/notice", url.Values{"csrf_token": {tok}, "emblem_en": {"EU"}, "notice_en": {"Co-funded by the EU & partners."}})
	if status != http.StatusSeeOther {
		t.Fatalf("saving the notice: %d %.300s", status, body)
	}
	if got := notice(t, "/bs/projects/"+p.PublicID); !strings.Contains(got, `lang="en"`) || !strings.Contains(got, "Co-funded by the EU & partners.") || strings.Contains(got, "Finansira") {
		t.Errorf("after the edit, the Bosnian page of a project shows %q", got)
	}
	status, _, _ = post(t, admin, ta.srv.URL+"/en/projects/"+link+"/notice", url.Values{"csrf_token": {tok}, "notice_bs": {strings.Repeat("a", 1001)}})
	if status != http.StatusUnprocessableEntity {
		t.Errorf("a notice too long: %d, want 422", status)
	}
	// Emptied in every language, the notice is gone.
	if status, _, _ = post(t, admin, ta.srv.URL+"/en/projects/"+link+"/notice", url.Values{"csrf_token": {tok}}); status != http.StatusSeeOther {
		t.Fatalf("emptying the notice: %d", status)
	}
	if got := notice(t, "/en/projects/"+link); got != "" {
		t.Errorf("an emptied notice still shows %q", got)
	}
}
