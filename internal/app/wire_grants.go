package app

import (
	"context"

	"github.com/dijalog/dijalog/internal/places"
)

// grantsWiring holds the grants module's services; its owner fills it in.
type grantsWiring struct{}

// registerGrants builds the grants module and adds its routes.
func (a *App) registerGrants() error { return nil }

// demoGrants loads the grants module's demo data.
func (a *App) demoGrants(ctx context.Context) error { return ctx.Err() }

// grantsSection is the grants module's section on an LSG page (nil for none).
func (a *App) grantsSection() places.Section { return nil }
