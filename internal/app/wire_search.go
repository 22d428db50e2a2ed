package app

import (
	"context"
	"fmt"
	"time"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/places"
	"github.com/dijalog/dijalog/internal/search"
)

// registerSearch registers the sources of the infrastructure's own
// documents (places, organisations: the accounts service writes an
// organisation's document in the transaction that saves it) and adds the
// search pages, whose LSG facet the places service names.
func (a *App) registerSearch() error {
	a.Search.AddSource(places.DocType, a.Places.SearchSource)
	a.Search.AddSource(auth.DocType, a.Auth.SearchSource)
	return search.Register(a.Web, a.Cat, a.Search, a.Places)
}

// rebuildSearchIfNeeded rebuilds the index when it is empty or was folded
// by another fold version. It runs after every module has registered its
// source, so a rebuild brings back every module's documents.
func (a *App) rebuildSearchIfNeeded() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	need, err := a.Search.NeedsRebuild(ctx)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	if need {
		start := time.Now()
		n, err := a.Search.Reindex(ctx)
		if err != nil {
			return fmt.Errorf("search: rebuild at start-up: %w", err)
		}
		a.Log.Info("search index rebuilt", "documents", n, "ms", time.Since(start).Milliseconds())
	}
	return nil
}

// demoSearch indexes the demo data: the organisations the demo created
// (the places and the modules' own documents are indexed already).
func (a *App) demoSearch(ctx context.Context) error {
	if _, err := a.Search.Reindex(ctx); err != nil {
		return fmt.Errorf("demo: search: %w", err)
	}
	return nil
}
