package grants

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/i18n"
	"github.com/dijalog/dijalog/internal/web"
)

// TestHomeBlock (issue 16): the grants block of the home page lists the
// calls open now with their deadline in the reader's zone (no seconds) and
// the days left, links each and the list of open calls; with none open it
// says so and names the calls that open next; the block of an LSG with no
// open call is empty, and another LSG's calls are not its own.
func TestHomeBlock(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		cat, err := i18n.Load()
		if err != nil {
			t.Fatal(err)
		}
		assets, err := web.NewAssets()
		if err != nil {
			t.Fatal(err)
		}
		rend, err := web.NewRenderer(cat, assets, sarajevo(), web.RenderOptions{})
		if err != nil {
			t.Fatal(err)
		}
		srv := web.NewServer(web.Options{Catalog: cat, Renderer: rend, Assets: assets, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err := srv.Render.Register("grants", templateFS, "templates"); err != nil {
			t.Fatal(err)
		}
		block := HomeFor(srv, w.svc)
		render := func(lsg string) string {
			t.Helper()
			r := httptest.NewRequest("GET", "/bs/", nil)
			r = r.WithContext(web.WithState(context.Background(), &web.State{Locale: "bs"}))
			html, err := block(r, lsg)
			if err != nil {
				t.Fatal(err)
			}
			return string(html)
		}
		link := `href="/bs/calls/` + w.call.Slug + `"`

		w.set("2026-02-01 09:00:00") // the world's call opens on 1 March
		got := render("")
		for _, want := range []string{cat.Printer("bs").T("home.calls.none"), cat.Printer("bs").T("home.calls.upcoming"), link, "1. 3. 2026. u 08:00", `href="/bs/calls"`} {
			if !strings.Contains(got, want) {
				t.Errorf("before it opens: the block lacks %q:\n%s", want, got)
			}
		}
		if got := render("ba-fbih-mostar"); got != "" {
			t.Errorf("an LSG without an open call has a block: %s", got)
		}

		w.set("2026-03-28 10:00:00")
		got = render("")
		for _, want := range []string{link, "31. 3. 2026. u 23:59<", "još 3 dana", `href="/bs/calls?phase=open"`, `datetime="2026-03-31T21:59:59Z"`} {
			if !strings.Contains(got, want) {
				t.Errorf("while open: the block lacks %q:\n%s", want, got)
			}
		}
		if strings.Contains(got, cat.Printer("bs").T("home.calls.none")) {
			t.Errorf("while open: the block says no call is open")
		}
		if got := render("ba-fbih-mostar"); !strings.Contains(got, link) || !strings.Contains(got, `id="mine-calls"`) || !strings.Contains(got, `href="/bs/calls?phase=open&amp;lsg=ba-fbih-mostar"`) {
			t.Errorf("Mostar's block lacks its open call:\n%s", got)
		}
		if got := render("ba-rs-trebinje"); got != "" {
			t.Errorf("Trebinje's block shows Mostar's call: %s", got)
		}
		w.set("2026-03-31 12:00:00")
		if got := render(""); !strings.Contains(got, cat.Printer("bs").T("home.calls.last_day")) {
			t.Errorf("on the last day the block does not say so:\n%s", got)
		}
	})
}
