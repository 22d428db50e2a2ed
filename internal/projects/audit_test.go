package projects

import (
	"context"
	"strings"
	"testing"

	"github.com/dijalog/dijalog/internal/audit"
	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/money"
)

// staffUser is an account of LSG staff of Mostar, stored so that the
// audit log can name it.
func staffUser(t *testing.T, d *db.DB) *auth.User {
	t.Helper()
	id := dbtest.User(t, d, "u-staff", "ana.staff@example.org", "Ana Staff")
	return &auth.User{ID: id, PublicID: "u-staff", Email: "ana.staff@example.org", Name: "Ana Staff", Status: auth.StatusActive,
		Grants: []auth.Grant{{Role: auth.RoleLSGStaff, ScopeKind: auth.ScopeLSG, ScopeRef: "ba-fbih-mostar"}}}
}

// TestAuditAndMoneyHistory: creating and editing a project is in the
// audit log (with the account) and in the public history (with the role,
// never the person); every change of the budget and the transactions is
// in both.
func TestAuditAndMoneyHistory(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newService(t, d)
		u := staffUser(t, d)
		p := validProject()
		if err := s.Create(ctx, ActorOf(u, p), p); err != nil {
			t.Fatal(err)
		}
		p.Budget = money.New(250_000_00, "EUR")
		p.Transactions = []Transaction{{Type: TxDisbursement, Date: "2024-03-01", Amount: money.New(50_000_00, "EUR"), Note: "first tranche"}}
		if err := s.Update(ctx, ActorOf(u, p), p, p.Version); err != nil {
			t.Fatal(err)
		}
		if err := s.Delete(ctx, ActorOf(u, p), p.PublicID); err != nil {
			t.Fatal(err)
		}
		entries, err := audit.List(ctx, d, audit.Filter{ObjectKind: "project", ObjectRef: p.PublicID})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range entries {
			actions = append(actions, e.Action)
			if e.ActorID != u.ID || e.Details["role"] != "lsg_staff:ba-fbih-mostar" {
				t.Errorf("%s: actor %d role %q, want %d lsg_staff:ba-fbih-mostar", e.Action, e.ActorID, e.Details["role"], u.ID)
			}
		}
		if got := strings.Join(actions, " "); got != "projects.project.delete projects.project.update projects.project.create" {
			t.Fatalf("audit log: %s", got)
		}
		upd := entries[1].Details
		if upd["budget.old"] != "1.00 EUR" || upd["budget.new"] != "250000.00 EUR" || !strings.Contains(upd["transactions.new"], "50000.00 EUR") {
			t.Errorf("update's details lack the money: %v", upd)
		}
		hs, err := s.History(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hs {
			if h.Actor != "lsg_staff:ba-fbih-mostar" || strings.Contains(h.Actor, "Ana") || strings.Contains(h.Actor, "@") {
				t.Errorf("public history names %q, want the role lsg_staff:ba-fbih-mostar", h.Actor)
			}
		}
	})
}

func TestActorOf(t *testing.T) {
	t.Parallel()
	p := validProject()
	p.OwnerOrg = "org-owner"
	p.Orgs = []Org{{Role: RoleFunding, Name: "Donor", OrgID: "org-donor"}}
	grant := func(r auth.Role, kind, ref string) *auth.User {
		return &auth.User{ID: 7, Name: "Person", Email: "person@example.org", Status: auth.StatusActive, Grants: []auth.Grant{{Role: r, ScopeKind: kind, ScopeRef: ref}}}
	}
	for _, c := range []struct {
		u    *auth.User
		want string
	}{
		{grant(auth.RoleAdmin, auth.ScopeGlobal, ""), ActorAdmin},
		{grant(auth.RoleProgrammeManager, auth.ScopeOrg, "org-owner"), ActorOwnerOrg},
		{grant(auth.RoleProgrammeManager, auth.ScopeOrg, "org-donor"), ActorPartnerOrg},
		{grant(auth.RoleLSGCoordinator, auth.ScopeLSG, "ba-fbih-mostar"), "lsg_coordinator:ba-fbih-mostar"},
		{grant(auth.RoleLSGStaff, auth.ScopeLSG, "ba-fbih-mostar"), "lsg_staff:ba-fbih-mostar"},
		{nil, ActorSystem},
	} {
		if got := ActorOf(c.u, p).role(); got != c.want {
			t.Errorf("ActorOf(%v) = %q, want %q", c.u, got, c.want)
		}
	}
	if got := (Actor{Name: "import x.xml"}).role(); got != ActorImport {
		t.Errorf("import actor: %q", got)
	}
}
