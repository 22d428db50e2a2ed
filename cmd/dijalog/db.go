package main

import (
	"context"

	"github.com/dijalog/dijalog/internal/config"
	"github.com/dijalog/dijalog/internal/db"
)

// openPlain opens the configured database without migrating it.
func openPlain(ctx context.Context, cfg *config.Config) (*db.DB, error) {
	return db.Open(ctx, cfg.DB)
}
