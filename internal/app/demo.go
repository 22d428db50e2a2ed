package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/refuse"
)

// DemoPassword is the password of every demo account (documented in the README).
const DemoPassword = "dijalog-demo-2026"

// DemoAccount is one account the demo creates.
type DemoAccount struct {
	Email, Name string
	Grants      []auth.Grant
	Org         string // name of the demo organisation the person belongs to
}

type demoOrg struct {
	Name, Kind, Place, Website string
}

// demoOrgs are the organisations named in the seed documents.
func demoOrgs() []demoOrg {
	return []demoOrg{
		{"Lokalna agencija za demokratiju Mostar (LDA Mostar)", "cso", "ba-fbih-mostar", "https://www.ldamostar.org"},
		{"Agencija za lokalnu demokratiju Zavidovići", "cso", "ba-fbih-zavidovici", ""},
		{"Agencija za lokalnu demokratiju Prijedor", "cso", "ba-rs-prijedor", ""},
		{"Centar za razvoj Hercegovine Trebinje", "cso", "ba-rs-trebinje", ""},
		{"ALDA – European Association for Local Democracy", "cso", "", "https://www.alda-europe.eu"},
		{"Delegacija Evropske unije u BiH", "donor", "", "https://www.eeas.europa.eu/delegations/bosnia-and-herzegovina_en"},
		{"UNDP Bosna i Hercegovina", "donor", "", "https://www.undp.org/bosnia-herzegovina"},
		{"Porticus", "donor", "", "https://www.porticus.com"},
		{"Grad Mostar", "lsg", "ba-fbih-mostar", "https://www.mostar.ba"},
		{"Općina Trnovo", "lsg", "ba-fbih-trnovo", ""},
	}
}

// DemoAccounts are the people the demo creates, one per role.
func DemoAccounts() []DemoAccount {
	return []DemoAccount{
		{Email: "admin@demo.dijalog.ba", Name: "Amra Administratorka", Grants: []auth.Grant{{Role: auth.RoleAdmin, ScopeKind: auth.ScopeGlobal}}},
		{Email: "koordinator.mostar@demo.dijalog.ba", Name: "Marko Marić", Grants: []auth.Grant{{Role: auth.RoleLSGCoordinator, ScopeKind: auth.ScopeLSG, ScopeRef: "ba-fbih-mostar"}}, Org: "Grad Mostar"},
		{Email: "osoblje.trnovo@demo.dijalog.ba", Name: "Lejla Hodžić", Grants: []auth.Grant{{Role: auth.RoleLSGStaff, ScopeKind: auth.ScopeLSG, ScopeRef: "ba-fbih-trnovo"}}, Org: "Općina Trnovo"},
		{Email: "koordinator.trebinje@demo.dijalog.ba", Name: "Јован Петровић", Grants: []auth.Grant{{Role: auth.RoleLSGCoordinator, ScopeKind: auth.ScopeLSG, ScopeRef: "ba-rs-trebinje"}}},
		{Email: "ocd@demo.dijalog.ba", Name: "Ivana Kovač", Org: "Lokalna agencija za demokratiju Mostar (LDA Mostar)"},
		{Email: "ocjenjivac@demo.dijalog.ba", Name: "Emir Delić", Grants: []auth.Grant{{Role: auth.RoleAssessor, ScopeKind: auth.ScopeGlobal}}},
		{Email: "moderator@demo.dijalog.ba", Name: "Sara Begić", Grants: []auth.Grant{{Role: auth.RoleModerator, ScopeKind: auth.ScopeGlobal}}},
		{Email: "gradjanin@demo.dijalog.ba", Name: "Nedim Softić"},
	}
}

// LoadDemo fills an empty database with the demo organisations and
// accounts; a database that already has accounts is left alone.
func (a *App) LoadDemo(ctx context.Context) error {
	var n int
	if err := a.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if n > 0 {
		a.Log.Info("demo data not loaded: the database already has accounts", "accounts", n)
		return nil
	}
	orgs := map[string]*auth.Organisation{}
	for _, o := range demoOrgs() {
		org := &auth.Organisation{Name: o.Name, Kind: o.Kind, PlaceCode: o.Place, Website: o.Website}
		if err := a.Auth.CreateOrganisation(ctx, nil, org, auth.Meta{IP: "demo"}); err != nil {
			return fmt.Errorf("demo: organisation %q: %w", o.Name, err)
		}
		orgs[o.Name] = org
	}
	var admin *auth.User
	for _, acc := range DemoAccounts() {
		u, err := a.Auth.Register(ctx, auth.RegisterInput{Email: acc.Email, Name: acc.Name, Password: DemoPassword}, auth.Meta{IP: "demo"})
		if err != nil {
			return fmt.Errorf("demo: account %s: %w", acc.Email, err)
		}
		if acc.Org != "" {
			if err := a.Auth.AddMember(ctx, nil, orgs[acc.Org].PublicID, u.PublicID, auth.Meta{IP: "demo"}); err != nil && !errors.Is(err, refuse.ErrConflict) {
				return fmt.Errorf("demo: membership %s: %w", acc.Email, err)
			}
		}
		for _, g := range acc.Grants {
			if err := a.grantAsSystem(ctx, admin, u, g); err != nil {
				return fmt.Errorf("demo: grant %s to %s: %w", g.Role, acc.Email, err)
			}
		}
		if admin == nil {
			admin, err = a.Auth.UserByPublicID(ctx, u.PublicID)
			if err != nil {
				return err
			}
		}
	}
	// The CSO representative acts for LDA Mostar.
	rep, err := a.Auth.UserByEmail(ctx, "ocd@demo.dijalog.ba")
	if err != nil {
		return err
	}
	if err := a.Auth.GrantRole(ctx, admin, rep.PublicID, auth.Grant{Role: auth.RoleCSORep, ScopeKind: auth.ScopeOrg, ScopeRef: orgs["Lokalna agencija za demokratiju Mostar (LDA Mostar)"].PublicID}, auth.Meta{IP: "demo"}); err != nil {
		return err
	}
	if err := a.loadModuleDemo(ctx); err != nil {
		return err
	}
	a.Log.Info("demo data loaded", "accounts", len(DemoAccounts()), "password", DemoPassword)
	return nil
}

// grantAsSystem gives the first (admin) account its role without an actor,
// and later ones through the admin.
func (a *App) grantAsSystem(ctx context.Context, admin, u *auth.User, g auth.Grant) error {
	if admin == nil {
		return a.Auth.BootstrapAdmin(ctx, u.PublicID)
	}
	return a.Auth.GrantRole(ctx, admin, u.PublicID, g, auth.Meta{IP: "demo"})
}

// loadModuleDemo asks each module for its demo data, in dependency order.
func (a *App) loadModuleDemo(ctx context.Context) error {
	for _, load := range []func(context.Context) error{a.demoProjects, a.demoDialogue, a.demoGrants, a.demoEloge, a.demoNews, a.demoSearch} {
		if err := load(ctx); err != nil {
			return err
		}
	}
	return nil
}
