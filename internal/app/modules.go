package app

import (
	"github.com/dijalog/dijalog/internal/legal"
	"github.com/dijalog/dijalog/internal/places"
)

// registerModules builds the domain modules and adds their routes and the
// home page.
func (a *App) registerModules() error {
	a.Places = places.NewService(a.DB)
	// The search module comes first: the others index into it.
	if err := a.registerSearch(); err != nil {
		return err
	}
	for _, register := range []func() error{a.registerProjects, a.registerDialogue, a.registerGrants, a.registerEloge, a.registerNews} {
		if err := register(); err != nil {
			return err
		}
	}
	if err := a.rebuildSearchIfNeeded(); err != nil {
		return err
	}
	if err := places.Register(a.Web, a.Places, a.Auth, a.placeSections()...); err != nil {
		return err
	}
	a.registerHome()
	// The privacy notice and the terms of use, linked from every page's
	// footer and from the forms that collect personal data.
	if err := legal.Register(a.Web, legal.Operator{Name: a.Cfg.OperatorName, Email: a.Cfg.OperatorEmail}); err != nil {
		return err
	}
	// Public pages that depend only on the URL and the data: anonymous
	// readers get them from a two-second cache (see web.Server.CachePage).
	for _, p := range []string{"GET /places", "GET /places/{code}", "GET /privacy", "GET /terms"} {
		a.Web.CachePage(p)
	}
	return nil
}

// placeSections are the modules' sections on an LSG page, in order.
func (a *App) placeSections() []places.Section {
	var out []places.Section
	for _, s := range []places.Section{a.projectsSection(), a.dialogueSection(), a.grantsSection(), a.elogeSection()} {
		if s != nil {
			out = append(out, s)
		}
	}
	return out
}
