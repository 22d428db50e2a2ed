package app

import (
	"context"
	"os"
	"path/filepath"

	"github.com/dijalog/dijalog/internal/grants"
	"github.com/dijalog/dijalog/internal/places"
)

// grantsWiring holds the grants module's services.
type grantsWiring struct {
	Grants *grants.Service
}

// grantsFilesDir is where attachments live: under the data directory,
// outside any web root (served only through the permission-checked
// download handler).
func (a *App) grantsFilesDir() string {
	base := ""
	if a.Cfg != nil {
		base = a.Cfg.Data
	}
	if base == "" && a.DB.Path() != "" {
		base = filepath.Dir(a.DB.Path())
	}
	if base == "" {
		base = filepath.Join(os.TempDir(), "dijalog")
	}
	return filepath.Join(base, "uploads", "grants")
}

// grantsService builds the grants service from the app's parts; it holds
// no state of its own, so every caller may build one.
func (a *App) grantsService() *grants.Service {
	o := grants.Options{Files: a.grantsFilesDir(), Mail: a.Mail, Cat: a.Cat, Log: a.Log}
	if a.Cfg != nil {
		o.Zone = a.Cfg.TimeZone
		o.BaseURL = a.Cfg.BaseURL
	}
	return grants.NewService(a.DB, a.Auth, o)
}

// registerGrants builds the grants module and adds its routes.
func (a *App) registerGrants() error {
	_, err := grants.Register(a.Web, a.grantsService(), a.Places, a.Auth)
	return err
}

// demoGrants loads the grants module's demo data.
func (a *App) demoGrants(ctx context.Context) error {
	return grants.LoadDemo(ctx, a.grantsService(), a.Auth, a.Places)
}

// grantsSection is the grants module's section on an LSG page (nil for none).
func (a *App) grantsSection() places.Section {
	return grants.SectionFor(a.Web, a.grantsService(), a.Places)
}
