package app

import (
	"context"

	"github.com/dijalog/dijalog/internal/places"
)

// elogeWiring holds the eloge module's services; its owner fills it in.
type elogeWiring struct{}

// registerEloge builds the eloge module and adds its routes.
func (a *App) registerEloge() error { return nil }

// demoEloge loads the eloge module's demo data.
func (a *App) demoEloge(ctx context.Context) error { return ctx.Err() }

// elogeSection is the eloge module's section on an LSG page (nil for none).
func (a *App) elogeSection() places.Section { return nil }
