package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/places"
	"github.com/dijalog/dijalog/internal/projects"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/dijalog/dijalog/internal/search"
	"github.com/dijalog/dijalog/internal/web"
)

// projectsWiring holds the projects module's services.
type projectsWiring struct {
	Projects        *projects.Service
	projectsSection *projects.Section
}

// DemoProgrammeManager is the demo account that manages UNDP's projects.
const DemoProgrammeManager = "programi.undp@demo.dijalog.ba"

// projectsIndexer is the search index projects are written to (nil when
// there is none: the service is nil-safe).
func (a *App) projectsIndexer() search.Indexer {
	if a.Search == nil {
		return nil
	}
	return a.Search
}

// registerProjects builds the projects module and adds its routes.
func (a *App) registerProjects() error {
	svc, err := projects.NewService(a.DB, a.Places, a.projectsIndexer(), a.Log)
	if err != nil {
		return err
	}
	sec, err := projects.Register(a.Web, svc, a.Auth)
	if err != nil {
		return err
	}
	a.projectsWiring = projectsWiring{Projects: svc, projectsSection: sec}
	// The public pages depend only on the URL and the data: anonymous
	// readers get them from the two-second page cache (emptied by any
	// write in this process); signed-in people always get fresh pages.
	for _, p := range []string{"GET /projects", "GET /projects/dashboard", "GET /projects/{id}", "GET /projects/{id}/history"} {
		a.Web.CachePage(p)
	}
	if a.Search != nil {
		a.Search.AddSource(search.TypeProject, func(ctx context.Context, q db.Querier, put func(search.Document) error) error {
			return svc.Documents(ctx, put)
		})
	}
	return nil
}

// demoProjects loads the seed programmes and projects, a generated spread
// of 320 projects across BiH's LSGs, the demo exchange rates and a demo
// programme manager of UNDP.
func (a *App) demoProjects(ctx context.Context) error {
	svc := a.Projects
	if svc == nil {
		return nil
	}
	orgs, err := a.Auth.Organisations(ctx, "")
	if err != nil {
		return err
	}
	byName := map[string]string{}
	for _, o := range orgs {
		byName[o.Name] = o.PublicID
	}
	org := func(name string) string { return byName[name] }
	if _, err := svc.LoadRates(ctx, projects.DemoRates()); err != nil {
		return fmt.Errorf("demo projects: rates: %w", err)
	}
	system := projects.Actor{Name: "demo"}
	seeds, notices, err := projects.SeedProjectsWithNotices(org)
	if err != nil {
		return fmt.Errorf("demo projects: %w", err)
	}
	for i, p := range seeds {
		if err := svc.Create(ctx, system, p); err != nil {
			return fmt.Errorf("demo projects: %q: %w", p.Title(), err)
		}
		if len(notices[i]) > 0 {
			if err := svc.LoadNotices(ctx, p, notices[i]); err != nil {
				return fmt.Errorf("demo projects: %q: notice: %w", p.Title(), err)
			}
		}
	}
	lsgs, err := a.Places.LSGs(ctx)
	if err != nil {
		return err
	}
	if err := svc.CreateMany(ctx, system, projects.GenerateProjects(320, 2026, lsgs, org)); err != nil {
		return fmt.Errorf("demo projects: generated: %w", err)
	}
	// A programme manager of UNDP, to add and edit UNDP's projects.
	admin, err := a.Auth.UserByEmail(ctx, "admin@demo.dijalog.ba")
	if err != nil {
		return nil // the accounts are not the demo's: nobody to grant the role
	}
	u, err := a.Auth.Register(ctx, auth.RegisterInput{Email: DemoProgrammeManager, Name: "Ana Jurić", Password: DemoPassword}, auth.Meta{IP: "demo"})
	if errors.Is(err, refuse.ErrConflict) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("demo projects: programme manager: %w", err)
	}
	if pid := org(projects.OrgUNDP); pid != "" {
		if err := a.Auth.AddMember(ctx, nil, pid, u.PublicID, auth.Meta{IP: "demo"}); err != nil && !errors.Is(err, refuse.ErrConflict) {
			return err
		}
		if err := a.Auth.GrantRole(ctx, admin, u.PublicID, auth.Grant{Role: auth.RoleProgrammeManager, ScopeKind: auth.ScopeOrg, ScopeRef: pid}, auth.Meta{IP: "demo"}); err != nil {
			return fmt.Errorf("demo projects: grant: %w", err)
		}
	}
	return nil
}

// projectsSection is the projects module's section on an LSG page.
func (a *App) projectsSection() places.Section {
	if a.projectsWiring.projectsSection == nil {
		return nil
	}
	return a.projectsWiring.projectsSection.Render
}

// projectVisibility is the visibility notice of the registry record with
// public id ref (a programme's own, a project's programme's) for r's
// reader, for other modules' pages about it; nil when none.
func (a *App) projectVisibility(r *http.Request, ref string) *web.Visibility {
	p, err := a.Projects.Get(r.Context(), ref)
	if err != nil {
		return nil
	}
	v, err := a.Projects.NoticeFor(r.Context(), p, web.StateOf(r).Locale)
	if err != nil {
		a.Log.Warn("visibility notice", "ref", ref, "err", err)
		return nil
	}
	return v
}
