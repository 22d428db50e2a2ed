package app

import (
	"context"
	"io"

	"github.com/dijalog/dijalog/internal/grants"
	"github.com/dijalog/dijalog/internal/money"
	"github.com/dijalog/dijalog/internal/places"
	"github.com/dijalog/dijalog/internal/projects"
)

// grantsWiring holds the grants module's services.
type grantsWiring struct {
	Grants *grants.Service
}

// grantsService builds the grants service from the app's parts; it holds
// no state of its own, so every caller may build one.
func (a *App) grantsService() *grants.Service {
	o := grants.Options{Files: a.uploadsDir("grants"), Mail: a.Mail, Cat: a.Cat, Log: a.Log}
	if a.Projects != nil {
		o.Rates = grantsRates{a.Projects}
	}
	if a.Cfg != nil {
		o.Zone = a.Cfg.TimeZone
		o.BaseURL = a.Cfg.BaseURL
	}
	return grants.NewService(a.DB, a.Auth, o)
}

// grantsRates converts the grants registry's amounts to euro with the
// projects module's exchange-rate table, the platform's one table of
// rates, by the same rule as a project's euro value (the rate of the
// date: the latest on or before it, else the earliest after; the fixed
// peg for the convertible mark).
type grantsRates struct{ p *projects.Service }

func (g grantsRates) ToEUR(ctx context.Context, a money.Amount, date string) (int64, grants.Rate, bool, error) {
	n, err := g.p.ValueOf(ctx, &projects.Project{Budget: a, ActualStart: date})
	if err != nil {
		return 0, grants.Rate{}, false, err
	}
	return n.EUR, grants.Rate{Currency: n.Rate.Currency, PerEUR: n.Rate.PerEUR, Date: n.Rate.Date}, n.Converts, nil
}

// registerGrants builds the grants module and adds its routes.
func (a *App) registerGrants() error {
	a.grantsWiring.Grants = a.grantsService()
	if _, err := grants.Register(a.Web, a.grantsWiring.Grants, a.Places, a.Auth); err != nil {
		return err
	}
	// Attachments up to 4 MB, in forms with several fields.
	for _, p := range []string{"POST /calls/{slug}/documents", "POST /applications/{id}", "POST /awards/{id}/reports", "POST /awards/{id}/reports/{rid}/submit"} {
		a.Web.BodyLimit(p, 5<<20)
	}
	return nil
}

// demoGrants loads the grants module's demo data.
func (a *App) demoGrants(ctx context.Context) error {
	return grants.LoadDemo(ctx, a.grantsWiring.Grants, a.Auth, a.Places)
}

// grantsSection is the grants module's section on an LSG page (nil for none).
func (a *App) grantsSection() places.Section {
	return grants.SectionFor(a.Web, a.grantsWiring.Grants, a.Places)
}

// ImportSupport imports "who funded whom" records from CSV; LSG codes must
// be known places.
func (a *App) ImportSupport(ctx context.Context, r io.Reader) (int, []grants.ImportError, error) {
	return a.grantsWiring.Grants.Registry.Import(ctx, r, func(ctx context.Context, code string) bool {
		p, err := a.Places.ByCode(ctx, code)
		return err == nil && p.IsLSG()
	})
}
