package app

import "context"

// searchWiring holds the search module's services; its owner fills it in.
type searchWiring struct{}

// registerSearch builds the search module and adds its routes.
func (a *App) registerSearch() error { return nil }

// demoSearch loads the search module's demo data.
func (a *App) demoSearch(ctx context.Context) error { return ctx.Err() }
