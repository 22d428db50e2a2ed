package app

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
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

// TestSurveyDraftThanksHidden: the thank-you page of a draft survey is no
// more public than its form. Before issue 14's matrix review it answered
// anyone who knew the survey's id, with the draft's title.
func TestSurveyDraftThanksHidden(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ta := newTestApp(t, d)
		ctx := context.Background()
		coord := mustUser(t, ta, "koordinator.mostar@demo.dijalog.ba")
		def, err := surveys.ParseDefinition([]byte(`{"sections":[{"key":"s","title":{"bs":"S"},"questions":[{"key":"a","type":"text","text":{"bs":"A"}}]}]}`))
		if err != nil {
			t.Fatal(err)
		}
		ids := map[string]string{}
		for _, status := range []string{surveys.StatusDraft, surveys.StatusOpen} {
			sv, err := ta.Surveys.Create(ctx, coord, surveys.Input{OwnerKind: surveys.OwnerLSG, OwnerRef: "ba-fbih-mostar", Title: surveys.Text{"en": "Secret plan " + status},
				Def: def, Audience: surveys.AudiencePublic, Status: status, ResultsPublic: true})
			if err != nil {
				t.Fatal(err)
			}
			ids[status] = sv.PublicID
		}
		for _, tc := range []struct {
			who, status string
			want        int
		}{
			{"", surveys.StatusDraft, http.StatusNotFound},
			{"gradjanin@demo.dijalog.ba", surveys.StatusDraft, http.StatusNotFound},
			{"koordinator.trebinje@demo.dijalog.ba", surveys.StatusDraft, http.StatusNotFound},
			{"koordinator.mostar@demo.dijalog.ba", surveys.StatusDraft, http.StatusOK},
			{"admin@demo.dijalog.ba", surveys.StatusDraft, http.StatusOK},
			{"", surveys.StatusOpen, http.StatusOK},
		} {
			status, body := get(t, ta.as(t, tc.who), ta.srv.URL+"/en/surveys/"+ids[tc.status]+"/thanks")
			if status != tc.want {
				t.Errorf("%q: thanks of a survey in %s: %d, want %d", tc.who, tc.status, status, tc.want)
			}
			if status == http.StatusNotFound && strings.Contains(body, "Secret plan") {
				t.Errorf("%q: the refusal shows the draft's title", tc.who)
			}
		}
	})
}
