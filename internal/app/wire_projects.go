package app

import (
	"context"

	"github.com/dijalog/dijalog/internal/places"
)

// projectsWiring holds the projects module's services; its owner fills it in.
type projectsWiring struct{}

// registerProjects builds the projects module and adds its routes.
func (a *App) registerProjects() error { return nil }

// demoProjects loads the projects module's demo data.
func (a *App) demoProjects(ctx context.Context) error { return ctx.Err() }

// projectsSection is the projects module's section on an LSG page (nil for none).
func (a *App) projectsSection() places.Section { return nil }
