package app

import (
	"context"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/eloge"
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
	if _, err := surveys.Register(a.Web, w.Surveys, a.Places, a.Auth, surveys.HandlerOptions{TrustProxy: a.Cfg.TrustProxy}); err != nil {
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
	all, labelled := eloge.DemoLSGs()
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
		Orgs: orgs, Expert: expert, LSGNames: all, Labelled: labelled, Responses: 6,
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
