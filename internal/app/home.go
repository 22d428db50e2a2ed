package app

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"time"

	"github.com/dijalog/dijalog/internal/events"
	"github.com/dijalog/dijalog/internal/grants"
	"github.com/dijalog/dijalog/internal/news"
	"github.com/dijalog/dijalog/internal/places"
	"github.com/dijalog/dijalog/internal/projects"
	"github.com/dijalog/dijalog/internal/web"
)

// homeBlock is one module's block of the home page, rendered by the module
// from its own templates and data: for the whole platform (lsg "") or for
// the LSG the visitor chose; "" for nothing. Each is one bounded query.
type homeBlock func(r *http.Request, lsg string) (template.HTML, error)

// lsgCookie remembers the LSG a visitor chose on the home page: a
// preference of this browser, not personal data.
const lsgCookie = "lsg"

// lsgCookieAge is how long the choice is remembered.
const lsgCookieAge = 365 * 24 * time.Hour

// registerHome adds the home page with the modules' blocks, in the order
// a visitor acts on them: calls and initiatives open now, ballots,
// meetings and events ahead, the latest news, then where the money goes.
// Anonymous visitors get it from the page cache, per remembered LSG.
func (a *App) registerHome() {
	var blocks []homeBlock
	add := func(b homeBlock) {
		if b != nil {
			blocks = append(blocks, b)
		}
	}
	if g := a.grantsWiring.Grants; g != nil {
		add(grants.HomeFor(a.Web, g))
	}
	if h := a.dialogueWiring.DialogueWeb; h != nil {
		add(h.HomeInitiatives)
		add(h.HomeBallots)
		add(h.HomeMeetings)
	}
	if w := a.newsMod(); w.Events != nil {
		add(events.HomeFor(a.Web, w.Events))
	}
	if w := a.newsMod(); w.News != nil {
		add(news.HomeFor(a.Web, w.News))
	}
	if sec := a.projectsWiring.projectsSection; sec != nil {
		hm := projects.NewHome(sec)
		add(hm.Block)
		a.Web.Page("GET /projects/map.svg", hm.Map)
	}
	a.Web.Page("GET /{$}", func(w http.ResponseWriter, r *http.Request) error { return a.home(w, r, blocks) })
	a.Web.CachePageByCookie("GET /{$}", lsgCookie)
}

// homeData is the data of the home page.
type homeData struct {
	Blocks []template.HTML // the platform's, in order
	Mine   *homeMine       // the visitor's LSG, when chosen
	Groups []places.EntityGroup
	Chosen string // the chosen LSG's code
	Error  string // key of the choice's error
}

// homeMine is the block of the visitor's LSG: its page and what the
// modules have open there.
type homeMine struct {
	Place  places.Place
	Blocks []template.HTML
}

// home renders the home page; ?lsg= chooses the visitor's LSG (remembered
// in a cookie, then back to the page) or, empty, forgets it.
func (a *App) home(w http.ResponseWriter, r *http.Request, blocks []homeBlock) error {
	if q := r.URL.Query(); q.Has("lsg") {
		return a.chooseLSG(w, r, blocks, q.Get("lsg"))
	}
	code := ""
	if c, err := r.Cookie(lsgCookie); err == nil {
		code = c.Value
	}
	return a.renderHome(w, r, blocks, code, "", http.StatusOK)
}

// chooseLSG remembers the LSG of code, or forgets the choice for "", and
// sends the visitor back to the home page; an unknown code shows the page
// with the error at the list.
func (a *App) chooseLSG(w http.ResponseWriter, r *http.Request, blocks []homeBlock, code string) error {
	back := "/" + web.StateOf(r).Locale + "/"
	c := &http.Cookie{Name: lsgCookie, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: a.secureCookies(r)}
	if code == "" {
		c.MaxAge = -1
		http.SetCookie(w, c)
		http.Redirect(w, r, back, http.StatusSeeOther)
		return nil
	}
	if _, ok := a.lsg(r.Context(), code); !ok {
		old := ""
		if c, err := r.Cookie(lsgCookie); err == nil {
			old = c.Value
		}
		return a.renderHome(w, r, blocks, old, "home.mine.unknown", http.StatusBadRequest)
	}
	c.Value, c.MaxAge = code, int(lsgCookieAge/time.Second)
	http.SetCookie(w, c)
	http.Redirect(w, r, back+"#mine-h", http.StatusSeeOther)
	return nil
}

// secureCookies reports whether cookies of r go only over HTTPS.
func (a *App) secureCookies(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	return a.Cfg != nil && (a.Cfg.SecureCookies || (a.Cfg.TrustProxy && r.Header.Get("X-Forwarded-Proto") == "https"))
}

// lsg is the LSG of code, if code names one.
func (a *App) lsg(ctx context.Context, code string) (places.Place, bool) {
	if code == "" || len(code) > 64 {
		return places.Place{}, false
	}
	p, err := a.Places.ByCode(ctx, code)
	return p, err == nil && p.IsLSG()
}

func (a *App) renderHome(w http.ResponseWriter, r *http.Request, blocks []homeBlock, code, errKey string, status int) error {
	groups, err := a.Places.Grouped(r.Context())
	if err != nil {
		return err
	}
	d := homeData{Groups: groups, Error: errKey}
	if p, ok := a.lsg(r.Context(), code); ok {
		d.Chosen = p.Code
		d.Mine = &homeMine{Place: p}
		if d.Mine.Blocks, err = a.renderBlocks(r, blocks, p.Code); err != nil {
			return err
		}
	}
	if d.Blocks, err = a.renderBlocks(r, blocks, ""); err != nil {
		return err
	}
	return a.Web.Render.PageStatus(w, r, status, "web/home", d)
}

// renderBlocks renders the blocks for lsg. A block that fails is logged
// and left out: the front page shows what the other modules have.
func (a *App) renderBlocks(r *http.Request, blocks []homeBlock, lsg string) ([]template.HTML, error) {
	var out []template.HTML
	for _, b := range blocks {
		html, err := b(r, lsg)
		if err != nil {
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
				return nil, err
			}
			a.Log.ErrorContext(r.Context(), "home: a block failed", "lsg", lsg, "err", err)
			continue
		}
		if html != "" {
			out = append(out, html)
		}
	}
	return out, nil
}
