package app

import (
	"context"
	"fmt"
	"github.com/dijalog/dijalog/internal/auth"
	"time"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/search"
)

// searchWiring holds the search module's services.
type searchWiring struct {
	// Search is the platform's one index; modules hand their documents to
	// it (as a search.Indexer) inside their own transactions.
	Search *search.Index
}

// registerSearch builds the index, registers the sources of the documents
// this module indexes itself (places, organisations), adds the routes and
// the header's search box, and rebuilds the index when it is empty or was
// folded by another version of the fold.
func (a *App) registerSearch() error {
	a.Search = search.New(a.DB)
	a.Search.AddSource(search.TypePlace, func(ctx context.Context, q db.Querier, put func(search.Document) error) error {
		all, err := a.Places.All(ctx)
		if err != nil {
			return err
		}
		for _, doc := range search.PlaceDocuments(all) {
			if err := put(doc); err != nil {
				return err
			}
		}
		return nil
	})
	a.Search.AddSource(search.TypeOrganisation, func(ctx context.Context, q db.Querier, put func(search.Document) error) error {
		orgs, err := a.Auth.Organisations(ctx, "")
		if err != nil {
			return err
		}
		for _, o := range orgs {
			if err := put(search.OrganisationDocument(o)); err != nil {
				return err
			}
		}
		return nil
	})
	// Organisations written later (administration, demo) join the index in
	// the same transaction.
	a.Auth.OnOrganisationSaved(func(ctx context.Context, q db.Querier, o auth.Organisation) error {
		return a.Search.Upsert(ctx, q, search.OrganisationDocument(o))
	})
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
