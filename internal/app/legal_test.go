package app

import (
	"html"
	"strings"
	"testing"

	"github.com/dijalog/dijalog/internal/config"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/i18n"
	"github.com/dijalog/dijalog/internal/legal"
)

// TestLegalPages (issue 16): the privacy notice and the terms of use answer
// in every locale, in that locale, with the operator's name and address
// when configured and a note to the operator when not; every page's footer
// links both, and the forms that collect personal data link the notice.
func TestLegalPages(t *testing.T) {
	t.Parallel()
	d := dbtest.SQLite(t)
	ta := newTestAppWith(t, d, func(c *config.Config) {
		c.OperatorName, c.OperatorEmail = "Udruženje Test & Co", "dpo@test.example"
	})
	c := ta.client(t)
	for _, code := range i18n.Codes() {
		p := ta.Cat.Printer(code)
		for _, page := range []struct{ path, title string }{{"/privacy", "legal.privacy.title"}, {"/terms", "legal.terms.title"}} {
			status, body := get(t, c, ta.srv.URL+"/"+code+page.path)
			if status != 200 {
				t.Fatalf("%s%s = %d", code, page.path, status)
			}
			body = html.UnescapeString(body)
			for _, want := range []string{"<h1>" + p.T(page.title) + "</h1>", "Udruženje Test & Co", `href="mailto:dpo@test.example"`,
				`href="/` + code + `/privacy"`, `href="/` + code + `/terms"`} {
				if !strings.Contains(body, want) {
					t.Errorf("%s%s lacks %q", code, page.path, want)
				}
			}
			if strings.Contains(body, "--operator-name") {
				t.Errorf("%s%s says the operator is not configured", code, page.path)
			}
		}
		// The privacy notice has a section per kind of data, each saying
		// how long it is kept.
		_, body := get(t, c, ta.srv.URL+"/"+code+"/privacy")
		for _, k := range legal.Kinds {
			for _, f := range legal.Facets {
				if key := "legal.data." + k + "." + f; p.T(key) == key {
					t.Errorf("%s: no text for %s", code, key)
				}
			}
			if !strings.Contains(body, `id="data-`+k+`"`) || !strings.Contains(html.UnescapeString(body), p.T("legal.data."+k+".keep")) {
				t.Errorf("%s/privacy lacks the section on %s", code, k)
			}
		}
	}
	// Every page's footer, and the forms that collect personal data.
	for _, page := range []string{"/bs/", "/en/projects", "/sq/places", "/bs/register", "/bs/newsletter"} {
		_, body := get(t, c, ta.srv.URL+page)
		if !strings.Contains(body, `<li><a href="`+page[:3]+`/privacy">`) {
			t.Errorf("%s: footer does not link the privacy notice", page)
		}
	}
	for _, page := range []string{"/bs/register", "/bs/newsletter"} {
		_, body := get(t, c, ta.srv.URL+page)
		if !strings.Contains(body, `class="hint privacy-note"`) {
			t.Errorf("%s: the form does not say how the data is used", page)
		}
	}
}

// TestLegalOperatorNotConfigured: without --operator-name and
// --operator-email the notice tells the operator to set them instead of
// naming nobody.
func TestLegalOperatorNotConfigured(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, dbtest.SQLite(t))
	c := ta.client(t)
	for _, page := range []string{"/bs/privacy", "/en/terms"} {
		status, body := get(t, c, ta.srv.URL+page)
		if status != 200 || !strings.Contains(body, "--operator-name") || strings.Contains(body, "mailto:") {
			t.Errorf("%s = %d; want the not-configured note and no address", page, status)
		}
	}
}
