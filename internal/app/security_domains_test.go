package app

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
)

// The demo accounts of the role × route checks below; "" is anonymous.
var securityRoles = []string{
	"",
	"gradjanin@demo.dijalog.ba",
	"koordinator.mostar@demo.dijalog.ba",
	"osoblje.trnovo@demo.dijalog.ba",
	"koordinator.trebinje@demo.dijalog.ba",
	"admin@demo.dijalog.ba",
	"ocd@demo.dijalog.ba",
}

func (ta *testApp) as(t *testing.T, email string) *http.Client {
	t.Helper()
	if email == "" {
		return ta.client(t)
	}
	return ta.login(t, email)
}

// TestFinding03CrossLSGResidency (HTTP): on the inter-municipal platform
// Mostar – Trebinje – Trnovo every role tries to issue verification codes
// and to verify a resident for Trnovo and for its own LSG. Only people with
// a role in that LSG who manage the platform (and the admin) succeed.
func TestFinding03CrossLSGResidency(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ta := newTestApp(t, d)
		page := ta.srv.URL + "/en/platforms/medjuopstinska-dijaloska-platforma-mostar-trebinje-trnovo/manage"
		const ok, no, login = http.StatusOK, http.StatusForbidden, http.StatusSeeOther
		// want[role] = status for codes of Trnovo, of Mostar, of Trebinje.
		want := map[string][3]int{
			"":                                     {login, login, login},
			"gradjanin@demo.dijalog.ba":            {no, no, no},
			"koordinator.mostar@demo.dijalog.ba":   {no, ok, no},
			"osoblje.trnovo@demo.dijalog.ba":       {no, no, no}, // staff: not a platform manager
			"koordinator.trebinje@demo.dijalog.ba": {no, no, ok},
			"admin@demo.dijalog.ba":                {ok, ok, ok},
			"ocd@demo.dijalog.ba":                  {no, no, no},
		}
		for _, role := range securityRoles {
			c := ta.as(t, role)
			for i, lsg := range []string{"ba-fbih-trnovo", "ba-fbih-mostar", "ba-rs-trebinje"} {
				v := url.Values{"csrf_token": {ta.csrf(t, c)}, "count": {"1"}, "lsg": {lsg}}
				status, _, body := postForm(t, c, page+"/codes", v)
				if status != want[role][i] {
					t.Errorf("%q codes for %s: %d, want %d: %.200s", role, lsg, status, want[role][i], body)
				}
				if status == no && role == "koordinator.mostar@demo.dijalog.ba" && lsg == "ba-fbih-trnovo" && !strings.Contains(body, "no role in this local self-government") {
					t.Errorf("refusal without its message: %.300s", body)
				}
			}
		}
		// Verifying a resident in person follows the same rule.
		c := ta.login(t, "koordinator.mostar@demo.dijalog.ba")
		for lsg, st := range map[string]int{"ba-fbih-trnovo": no, "ba-fbih-mostar": login} {
			v := url.Values{"csrf_token": {ta.csrf(t, c)}, "email": {"gradjanin@demo.dijalog.ba"}, "lsg": {lsg}}
			if status, _, body := postForm(t, c, page+"/resident", v); status != st {
				t.Errorf("Mostar verifies a resident of %s: %d, want %d: %.200s", lsg, status, st, body)
			}
		}
		// The form offers only the coordinator's own LSG.
		_, body := get(t, c, page)
		if strings.Contains(body, `<option value="ba-fbih-trnovo">`) {
			t.Error("the manage page offers Trnovo to the Mostar coordinator")
		}
	})
}
