package app

import (
	"encoding/json"
	"testing"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/i18n"
	"github.com/dijalog/dijalog/internal/surveys"
)

// TestSurveyResultsAPILocale: the survey results API picks its locale like
// every other API (web.APILocale): ?lang= when it is one of the seven,
// else i18n.Default (it defaulted to "en" before issue 13).
func TestSurveyResultsAPILocale(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ta := newTestApp(t, d)
		sv := ta.surveyByTemplate(t, surveys.TemplateFinansirajGO)
		if sv.Title.In(i18n.Default) == sv.Title.In("en") {
			t.Fatalf("the survey's title is the same in %s and en: the test cannot tell them apart", i18n.Default)
		}
		c := ta.client(t)
		for _, tc := range []struct{ query, lang string }{{"", i18n.Default}, {"?lang=en", "en"}, {"?lang=xx", i18n.Default}} {
			status, body := get(t, c, ta.srv.URL+"/api/v1/surveys/"+sv.PublicID+"/results"+tc.query)
			var out struct {
				Title string `json:"title"`
			}
			if err := json.Unmarshal([]byte(body), &out); status != 200 || err != nil {
				t.Fatalf("results%s: %d %v", tc.query, status, err)
			}
			if want := sv.Title.In(tc.lang); out.Title != want {
				t.Errorf("results%s: title %q, want %q (%s)", tc.query, out.Title, want, tc.lang)
			}
		}
	})
}
