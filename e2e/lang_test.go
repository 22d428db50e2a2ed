package e2e

import (
	"strings"
	"testing"
)

// latinShareJS measures the words of <main> in a real browser: all its
// words, and those written in Latin letters that are not acronyms (two
// capitals or more: BiH, ELoGE, UNDP), codes (<code>, a word with a
// digit) or text marked as another language (an element whose lang is
// not Serbian: English names, a Latin name on purpose).
const latinShareJS = `(() => {
  const main = document.querySelector('main');
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  let total = 0, latin = 0; const seen = {};
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || el.closest('script, style, code, [hidden]')) continue;
    const langEl = el.closest('[lang]');
    const lang = langEl ? langEl.getAttribute('lang') : 'sr-Cyrl';
    for (const w of n.textContent.match(/[\p{L}\p{M}\d]+/gu) || []) {
      if (!/\p{L}/u.test(w)) continue;
      total++;
      if (lang !== 'sr-Cyrl' && lang !== 'sr') continue;
      if (!/\p{Script=Latin}/u.test(w) || /\d/.test(w)) continue;
      if ((w.match(/\p{Lu}/gu) || []).length >= 2) continue;
      latin++; seen[w] = (seen[w] || 0) + 1;
    }
  }
  const top = Object.entries(seen).sort((a, b) => b[1] - a[1]).slice(0, 12).map(e => e[0] + '×' + e[1]).join(' ');
  return [total, latin, top].join('|');
})()`

// TestSerbianCyrillicPages (issue 16): on the Serbian Cyrillic pages of
// the main sections, words in Latin letters are under 2 % of the words
// of <main>: donor, organisation and place names, chart labels, sector
// and goal names, decisions, descriptions and minutes are shown in
// Cyrillic, while English and Albanian text stays as written and is
// marked with its language. The share of each page is logged.
func TestSerbianCyrillicPages(t *testing.T) {
	p := newTab(t)
	pages := []string{"/sr-Cyrl/", "/sr-Cyrl/projects", "/sr-Cyrl/projects/dashboard", "/sr-Cyrl/places/ba-fbih-mostar",
		"/sr-Cyrl/platforms", "/sr-Cyrl/calls", "/sr-Cyrl/eloge", "/sr-Cyrl/news", "/sr-Cyrl/events"}
	// And one record of each list that has records.
	for _, list := range []string{"/sr-Cyrl/projects", "/sr-Cyrl/calls", "/sr-Cyrl/news", "/sr-Cyrl/events", "/sr-Cyrl/platforms"} {
		p.open(list)
		prefix := strings.TrimPrefix(list, "/sr-Cyrl")
		href := evalJS[string](p, `(() => { const a = [...document.querySelectorAll('main a[href^="/sr-Cyrl`+prefix+`/"]')].find(a => !/\/(new|dashboard|programmes|verify|feed\.[a-z]+|deadlines\.ics)$/.test(a.pathname)); return a ? a.pathname : '' })()`)
		if href != "" {
			pages = append(pages, href)
		}
	}
	for _, path := range pages {
		p.open(path)
		parts := strings.SplitN(evalJS[string](p, latinShareJS), "|", 3)
		total, latin := atoi(parts[0]), atoi(parts[1])
		share := 0.0
		if total > 0 {
			share = 100 * float64(latin) / float64(total)
		}
		t.Logf("%s: %d of %d words in Latin letters (%.1f %%) %s", path, latin, total, share, parts[2])
		if share >= 2 {
			t.Errorf("%s: %.1f %% of the words of <main> are in Latin letters (want under 2 %%): %s", path, share, parts[2])
		}
	}
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// TestPickListsNotCodes (issue 16): the news and events filters, the
// newsletter's topics and an administrator's organisation and role
// forms ask for a municipality by its name from a grouped list (works
// without JavaScript), never for a code such as ba-fbih-mostar; and the
// choice made in the list filters the news.
func TestPickListsNotCodes(t *testing.T) {
	p := newTab(t)
	for _, c := range []struct{ path, sel string }{
		{"/bs/news", "select#q-lsg"}, {"/bs/events", "select#q-lsg"}, {"/sr-Cyrl/newsletter", "select#f-lsg[multiple]"},
		{"/en/news", "select#q-programme"}, {"/en/news", "select#q-sector"},
	} {
		p.open(c.path)
		if p.count(c.sel) != 1 {
			t.Errorf("%s: no pick list %s", c.path, c.sel)
			continue
		}
		if strings.Contains(p.text("main"), "ba-fbih-mostar") {
			t.Errorf("%s asks for or shows a code (ba-fbih-mostar)", c.path)
		}
	}
	p.open("/sr-Cyrl/newsletter")
	if got := evalJS[string](p, `[...document.querySelectorAll('select#f-lsg optgroup')].map(g => g.label).slice(0, 2).join('; ')`); !strings.Contains(got, "Унско-сански кантон") {
		t.Errorf("the newsletter's municipalities are not grouped by canton in Cyrillic: %q", got)
	}
	if got := evalJS[string](p, `(document.querySelector('select#f-lsg option[value="ba-fbih-mostar"]') || {}).textContent || ''`); got != "Мостар" {
		t.Errorf("Mostar is listed as %q on the Serbian Cyrillic newsletter page, want Мостар", got)
	}
	// Picking Trebinje in the news filter lists its news and names the tag.
	p.open("/en/news")
	p.setValue("select#q-lsg", "ba-rs-trebinje")
	p.clickNav(`main form[role=search] button[type=submit]`)
	if loc := p.location(); !strings.Contains(loc, "lsg=ba-rs-trebinje") {
		t.Errorf("the filter went to %s", loc)
	}
	if n := p.count("main .cards > li"); n == 0 {
		t.Error("no news of Trebinje after picking it")
	}
	p.login("en", "admin@demo.dijalog.ba", demoPassword)
	for _, c := range []struct{ path, sel string }{{"/en/admin/organisations", "select#f-place_code"}} {
		p.open(c.path)
		if p.count(c.sel) != 1 {
			t.Errorf("%s: no pick list %s", c.path, c.sel)
		}
		if got := evalJS[string](p, `[...document.querySelectorAll('`+c.sel+` optgroup')].map(g => g.label).join('; ')`); !strings.Contains(got, "Una-Sana Canton") || !strings.Contains(got, "Republika Srpska") {
			t.Errorf("%s: the municipalities are not grouped by canton and entity in English: %q", c.path, got)
		}
	}
}
