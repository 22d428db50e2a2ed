package app

import (
	"context"
	"net/url"
	"sort"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/eloge"
	"github.com/dijalog/dijalog/internal/grants"
	"github.com/dijalog/dijalog/internal/money"
	"github.com/dijalog/dijalog/internal/places"
	"github.com/dijalog/dijalog/internal/surveys"
)

// elogeWiring holds the survey engine and the ELoGE module. Both packages
// are registered here: ELoGE's questionnaires run on the survey engine.
type elogeWiring struct {
	Surveys       *surveys.Service
	Eloge         *eloge.Service
	ElogeHandlers *eloge.Handlers
}

// elogeServices builds the two services on the app's database. They hold
// no state beyond the database, so building them again is cheap and safe.
func (a *App) elogeServices() elogeWiring {
	sv := surveys.NewService(a.DB, surveys.Options{})
	isLSG := func(ctx context.Context, code string) bool {
		p, err := a.Places.ByCode(ctx, code)
		return err == nil && p.IsLSG()
	}
	return elogeWiring{Surveys: sv, Eloge: eloge.NewService(a.DB, sv, a.Auth, isLSG)}
}

// registerEloge builds the survey engine and the ELoGE module and adds
// their routes.
func (a *App) registerEloge() error {
	a.elogeWiring = a.elogeServices()
	w := a.elogeWiring
	if _, err := surveys.Register(a.Web, w.Surveys, a.Places, a.Auth, surveys.HandlerOptions{TrustProxy: a.Cfg.TrustProxy, Registry: a.fundingRegistry()}); err != nil {
		return err
	}
	if err := w.Eloge.EnsureSets(context.Background()); err != nil {
		return err
	}
	_, err := eloge.Register(a.Web, w.Eloge, a.Places, func(ctx context.Context) ([]auth.Organisation, error) { return a.Auth.Organisations(ctx, "") })
	return err
}

// demoEloge loads the eloge module's demo data.
func (a *App) demoEloge(ctx context.Context) error {
	orgs, err := a.Auth.Organisations(ctx, "")
	if err != nil {
		return err
	}
	expert, err := a.Auth.UserByEmail(ctx, "ocd@demo.dijalog.ba")
	if err != nil {
		return err
	}
	w := a.elogeWiring
	if err := w.Eloge.LoadDemo(ctx, eloge.DemoInput{
		Orgs: orgs, Expert: expert, Responses: 6,
		Resolve: func(ctx context.Context, name string) (string, error) {
			p, err := a.Places.ResolveLSG(ctx, name)
			return p.Code, err
		},
		NameOf: func(ctx context.Context, code, lang string) string {
			p, err := a.Places.ByCode(ctx, code)
			if err != nil {
				return code
			}
			if lang == "mk" && p.NameCyr != "" {
				return p.NameCyr
			}
			return p.NameLat
		},
	}); err != nil {
		return err
	}
	return demoFinansirajGO(ctx, w.Surveys)
}

// elogeSection is the ELoGE badge and results on an LSG page.
func (a *App) elogeSection() places.Section {
	return eloge.SectionRenderer(a.Web, a.elogeWiring.Eloge)
}

// demoFinansirajGO opens the FinansirajGO survey of LDA Mostar's programme
// with answers from CSOs of the programme's LSGs.
func demoFinansirajGO(ctx context.Context, sv *surveys.Service) error {
	return surveys.LoadDemo(ctx, sv, "ba-fbih-mostar")
}

// fundingRegistry links FinansirajGO results to the grants module's
// registry of who funded whom: an LSG's recorded support to CSOs, read
// beside what the CSOs answered. Nil when the grants module is absent.
func (a *App) fundingRegistry() surveys.RegistryLookup {
	g := a.grantsWiring.Grants
	if g == nil {
		return nil
	}
	return func(ctx context.Context, lsg string) (*surveys.RegistrySummary, error) {
		recs, err := g.Registry.Support(ctx, grants.SupportFilter{LSG: lsg})
		if err != nil || len(recs) == 0 {
			return nil, err
		}
		return summariseSupport(lsg, recs), nil
	}
}

// summariseSupport counts an LSG's registry records: recipients, the
// procedures used, the years covered and the total per currency.
func summariseSupport(lsg string, recs []grants.Support) *surveys.RegistrySummary {
	s := &surveys.RegistrySummary{Records: len(recs), Path: "/grants/registry?lsg=" + url.QueryEscape(lsg)}
	recipients := map[string]bool{}
	totals := map[string]int64{}
	for _, r := range recs {
		who := r.OrgPID
		if who == "" {
			who = r.Recipient
		}
		recipients[who] = true
		totals[r.Currency] += r.Amount
		switch r.Procedure {
		case "open_call":
			s.OpenCall++
		case "direct":
			s.Direct++
		}
		if s.FirstYear == 0 || r.Year < s.FirstYear {
			s.FirstYear = r.Year
		}
		s.LastYear = max(s.LastYear, r.Year)
	}
	s.Recipients = len(recipients)
	for cur, minor := range totals {
		s.Totals = append(s.Totals, money.New(minor, cur))
	}
	sort.Slice(s.Totals, func(i, j int) bool { return s.Totals[i].Currency < s.Totals[j].Currency })
	return s
}
