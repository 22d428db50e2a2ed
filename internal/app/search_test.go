package app

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
)

type searchAPI struct {
	Query   string `json:"query"`
	Total   int    `json:"total"`
	Results []struct {
		Type, ID, Title, URL, Snippet string
		Score                         float64
	} `json:"results"`
}

func TestSearchPagesAndAPI(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ta := newTestApp(t, d)
		c := ta.client(t)
		// The header of every page has the search box.
		_, body := get(t, c, ta.srv.URL+"/bs/places")
		if !strings.Contains(body, `action="/bs/search"`) {
			t.Errorf("no search box in the header")
		}
		// The results page: Cyrillic query, Latin result, highlighted, linked in the reader's locale.
		status, body := get(t, c, ta.srv.URL+"/sr-Cyrl/search?q="+url.QueryEscape("Бања"))
		if status != 200 || !strings.Contains(body, `href="/sr-Cyrl/places/ba-rs-banja-luka"`) || !strings.Contains(body, "<mark>Бања</mark>") {
			t.Errorf("/sr-Cyrl/search?q=Бања = %d: %.2000s", status, body)
		}
		// Facets narrow the results.
		status, body = get(t, c, ta.srv.URL+"/en/search?q=mostar&type=organisation")
		if status != 200 || !strings.Contains(strings.NewReplacer("<mark>", "", "</mark>", "").Replace(body), "LDA Mostar") || strings.Contains(body, `href="/en/places/ba-fbih-mostar">`+"<mark>Mostar</mark></a></h3>") {
			t.Errorf("type facet: %d %.1500s", status, body)
		}
		// Bad input is never an error page.
		for _, q := range []string{"", `"`, "*", "NEAR", ":", "-", "%FF%FE", strings.Repeat("x", 10<<10), "(((", "Бањa Luка"} {
			for _, u := range []string{"/en/search?q=", "/api/v1/search?q=", "/api/v1/search/suggest?q="} {
				status, body := get(t, c, ta.srv.URL+u+url.QueryEscape(q)+"&year=abc&lsg=%22&limit=-4")
				if status != http.StatusOK {
					t.Errorf("GET %s%.20q = %d: %.300s", u, q, status, body)
				}
			}
		}
		// The JSON API.
		for _, q := range []string{"Banjaluka", "banja luka", "Бања Лука", "banja lu"} {
			_, body = get(t, c, ta.srv.URL+"/api/v1/search?lang=hr&limit=5&q="+url.QueryEscape(q))
			var res searchAPI
			if err := json.Unmarshal([]byte(body), &res); err != nil {
				t.Fatalf("api: %v: %s", err, body)
			}
			if res.Total == 0 || len(res.Results) == 0 || res.Results[0].ID != "ba-rs-banja-luka" || res.Results[0].URL != "/hr/places/ba-rs-banja-luka" || res.Results[0].Type != "place" {
				t.Errorf("api %q: %+v", q, res)
			}
		}
		// Suggestions for the search box.
		_, body = get(t, c, ta.srv.URL+"/api/v1/search/suggest?lang=sr-Cyrl&q=zep")
		var sug struct {
			Suggestions []struct{ Title, URL string } `json:"suggestions"`
			Status      string                        `json:"status"`
		}
		if err := json.Unmarshal([]byte(body), &sug); err != nil || len(sug.Suggestions) == 0 || sug.Suggestions[0].Title != "Жепче" || sug.Suggestions[0].URL != "/sr-Cyrl/places/ba-fbih-zepce" || sug.Status == "" {
			t.Errorf("suggest: %v %s", err, body)
		}
		// Organisations of the demo are indexed.
		_, body = get(t, c, ta.srv.URL+"/api/v1/search?q=porticus")
		if !strings.Contains(body, `"type": "organisation"`) {
			t.Errorf("organisation not found: %s", body)
		}
	})
}
