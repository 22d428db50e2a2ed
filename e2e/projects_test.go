package e2e

import (
	"net/http"
	"strings"
	"testing"
)

const demoProgrammeManager = "programi.undp@demo.dijalog.ba"

// selectValue sets a select (or adds an option of a multiple select).
func (p *tab) selectValue(sel, value string) {
	p.t.Helper()
	ok := evalJS[bool](p, `((sel, v) => {
		const s = document.querySelector(sel);
		if (!s) return false;
		const o = [...s.options].find(o => o.value === v);
		if (!o) return false;
		o.selected = true;
		s.dispatchEvent(new Event('change', {bubbles: true}));
		return true;
	})(`+jsString(sel)+`, `+jsString(value)+`)`)
	if !ok {
		p.t.Fatalf("select %s: no option %q", sel, value)
	}
}

// setDate sets a date input (typing depends on the browser's locale).
func (p *tab) setDate(sel, iso string) {
	p.t.Helper()
	got := evalJS[string](p, `((sel, v) => { const e = document.querySelector(sel); e.value = v; return e.value })(`+jsString(sel)+`, `+jsString(iso)+`)`)
	if got != iso {
		p.t.Fatalf("date %s holds %q, want %q", sel, got, iso)
	}
}

func TestProjectsBrowseAndFilter(t *testing.T) {
	p := newTab(t)
	p.open("/en/")
	resp := p.clickNav(`header nav.main-nav a[href="/en/projects"]`)
	if resp.Status != http.StatusOK {
		t.Fatalf("GET /en/projects: %d", resp.Status)
	}
	all := p.count("main table tbody tr")
	if all != 20 {
		t.Errorf("first page shows %d projects, want 20", all)
	}
	// Filter by municipality and status; the filter lives in the URL.
	p.click("main form[role=search] details summary")
	p.selectValue("#f-lsg", "ba-fbih-trnovo")
	resp = p.clickNav(`main form[role=search] button[type=submit]`)
	if resp.Status != http.StatusOK || !strings.Contains(p.location(), "lsg=ba-fbih-trnovo") {
		t.Fatalf("filtered list at %s: %d", p.location(), resp.Status)
	}
	if got := p.text("main table tbody"); !strings.Contains(got, "MAKERS") {
		t.Errorf("Trnovo's projects do not include MAKERS: %.200s", got)
	}
	for _, row := range evalJS[[]string](p, `[...document.querySelectorAll('main table tbody tr td:nth-child(5)')].map(td => td.textContent)`) {
		if !strings.Contains(row, "Trnovo") && !strings.Contains(row, "places in all") {
			t.Errorf("a row of the Trnovo filter is elsewhere: %q", row)
		}
	}
	// The open-data links keep the filter.
	if href := evalJS[string](p, `document.querySelector('main a[href^="/api/v1/projects.csv"]').getAttribute('href')`); !strings.Contains(href, "lsg=ba-fbih-trnovo") {
		t.Errorf("CSV link %q does not keep the filter", href)
	}
	// The project page, its map and targets; then the dashboard.
	resp = p.clickNav(`main table a[href*="/projects/makers"]`)
	if resp.Status != http.StatusOK || !strings.Contains(p.text("main h1"), "MAKERS") {
		t.Fatalf("MAKERS page: %d %q", resp.Status, p.text("main h1"))
	}
	if p.count("main svg.map a") != 15 {
		t.Errorf("the map links %d LSGs, want 15", p.count("main svg.map a"))
	}
	p.open("/bs/projects/dashboard?currency=USD&measure=capita")
	if n := p.count("main svg.chart"); n < 5 {
		t.Errorf("dashboard has %d charts", n)
	}
	if n := p.count("main table"); n < 6 {
		t.Errorf("dashboard has %d tables for its charts", n)
	}
}

func TestProjectsCreateAndEditAsProgrammeManager(t *testing.T) {
	p := newTab(t)
	p.login("bs", demoProgrammeManager, demoPassword)
	p.open("/bs/projects")
	resp := p.clickNav(`main a[href="/bs/projects/new"]`)
	if resp.Status != http.StatusOK {
		t.Fatalf("new form: %d", resp.Status)
	}
	p.fill("#f-title_bs", "Omladinski centar Trnovo")
	p.setDate("#f-planned_start", "2026-03-01")
	p.setDate("#f-planned_end", "2025-02-01") // before the start: refused
	p.fill("#f-budget", "-100")
	p.selectValue("#f-lsg", "ba-fbih-trnovo")
	p.fill("#f-org_name_0", "UNDP Bosna i Hercegovina")
	p.selectValue("#f-org_role_0", "4")
	resp = p.clickNav(`main form button[type=submit]`)
	if resp.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad form: %d", resp.Status)
	}
	if p.count("#e-planned_end") != 1 || p.count("#e-budget") != 1 {
		t.Errorf("field errors missing: %q", p.text("main"))
	}
	if got := p.value("#f-title_bs"); got != "Omladinski centar Trnovo" {
		t.Errorf("title not kept: %q", got)
	}
	evalJS[bool](p, `(() => { document.getElementById('f-budget').value = ''; return true })()`)
	p.setDate("#f-planned_end", "2027-02-28")
	p.fill("#f-budget", "60000")
	p.selectValue("#f-currency", "BAM")
	resp = p.clickNav(`main form button[type=submit]`)
	if resp.Status != http.StatusOK || p.text("main h1") != "Omladinski centar Trnovo" {
		t.Fatalf("after create: %d %q", resp.Status, p.text("main h1"))
	}
	if got := p.text("main dl.stats"); !strings.Contains(got, "60.000") {
		t.Errorf("value not shown: %q", got)
	}
	project := evalJS[string](p, `location.pathname`)
	// Edit: status and a target, in a tab of its own (a tab has the
	// harness's time budget; the whole walk outgrew it on a loaded machine).
	p = newTab(t)
	p.login("bs", demoProgrammeManager, demoPassword)
	p.open(project)
	resp = p.clickNav(`main a[href$="/edit"]`)
	if resp.Status != http.StatusOK {
		t.Fatalf("edit form: %d", resp.Status)
	}
	p.selectValue("#f-status", "3")
	p.fill("#f-target_label_0", "Mladi aktivisti u centru")
	p.fill("#f-target_value_0", "50")
	p.fill("#f-target_actual_0", "35")
	p.setDate("#f-target_date_0", "2026-10-01")
	resp = p.clickNav(`main form button[type=submit]`)
	if resp.Status != http.StatusOK {
		t.Fatalf("after edit: %d", resp.Status)
	}
	if got := p.text("main"); !strings.Contains(got, "35 od 50") || !strings.Contains(got, "U završnoj fazi") {
		t.Errorf("edit not shown: %.300s", got)
	}
	resp = p.clickNav(`main a[href$="/history"]`)
	// The public history names the role, never the person.
	if main := p.text("main"); resp.Status != http.StatusOK || p.count("main section.card") != 2 || !strings.Contains(main, p.msg("bs", "projects.actor.owner_org")) || strings.Contains(main, "Ana Jurić") {
		t.Errorf("history: %d, %d entries", resp.Status, p.count("main section.card"))
	}
	// The new project is found by the filter of its LSG, by anyone.
	p = newTab(t)
	p.open("/bs/projects?lsg=ba-fbih-trnovo&sort=-start")
	if !strings.Contains(p.text("main table tbody"), "Omladinski centar Trnovo") {
		t.Errorf("the new project is not in Trnovo's list")
	}
}
