package grants

import (
	"context"
	"errors"
	"testing"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/refuse"
)

// TestFinding04SelfDealing: a publisher and its people do not apply to
// their own call; an assessor tied to the publisher or the applicant is
// not assigned and does not read or score; a manager tied to an applicant
// reads no competitor and decides nothing. Both databases.
func TestFinding04SelfDealing(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		grant := func(u *auth.User, g auth.Grant) *auth.User {
			t.Helper()
			if err := w.au.GrantRole(ctx, w.admin, u.PublicID, g, auth.Meta{}); err != nil {
				t.Fatal(err)
			}
			r, err := w.au.UserByPublicID(ctx, u.PublicID)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		// An organisation's own call.
		own, err := w.svc.Calls.Create(ctx, w.repA, CallInput{
			Publisher: "org:" + w.orgA.PublicID, Funder: "Udruženje A", Lang: "bs",
			Texts:    []Text{{Lang: "bs", Title: "Mali grantovi A", Body: "Tekst."}},
			Currency: "BAM", Total: "20.000", Min: "1.000", Max: "8.000", OwnSharePct: "10", DivergencePct: "30",
			OpensAt: "2026-03-01T08:00:00", QuestionsUntil: "2026-03-20T16:00:00", ClosesAt: "2026-03-31T23:59:59",
			Eligibility: "yes | Registrovano?", Form: "budget | Budžet | required", Criteria: "100 | 10 | Kvalitet",
		}, Meta{})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.svc.Calls.Publish(ctx, w.repA, own.Slug, Meta{}); err != nil {
			t.Fatal(err)
		}
		if own, err = w.svc.Calls.BySlug(ctx, own.Slug); err != nil {
			t.Fatal(err)
		}
		w.set("2026-03-10 10:00:00")
		yes := map[string]string{"q1": "yes"}
		if _, err := w.svc.Applications.Start(ctx, w.repA, own, w.orgA.PublicID, yes, Meta{}); !errors.Is(err, ErrOwnCall) || !errors.Is(err, refuse.ErrForbidden) {
			t.Errorf("the publisher applies to its own call: %v", err)
		}
		if _, err := w.svc.Applications.Start(ctx, w.admin, own, w.orgA.PublicID, yes, Meta{}); !errors.Is(err, ErrOwnCall) {
			t.Errorf("an admin files the publisher's application: %v", err)
		}
		twoHats := grant(w.repA2, auth.Grant{Role: auth.RoleCSORep, ScopeKind: auth.ScopeOrg, ScopeRef: w.orgB.PublicID})
		if _, err := w.svc.Applications.Start(ctx, twoHats, own, w.orgB.PublicID, yes, Meta{}); !errors.Is(err, ErrOwnCall) {
			t.Errorf("a member of the publisher applies for another organisation: %v", err)
		}
		if _, err := w.svc.Applications.Start(ctx, w.repB, own, w.orgB.PublicID, yes, Meta{}); err != nil {
			t.Errorf("an unrelated organisation applies: %v", err)
		}
		// The LSG call: Mostar's staff do not apply either.
		mostarRep := grant(w.manager, auth.Grant{Role: auth.RoleCSORep, ScopeKind: auth.ScopeOrg, ScopeRef: w.orgB.PublicID})
		if _, err := w.svc.Applications.Start(ctx, mostarRep, w.call, w.orgB.PublicID, map[string]string{"q1": "yes", "q2": "no"}, Meta{}); !errors.Is(err, ErrOwnCall) {
			t.Errorf("the LSG's staff apply to the LSG's call: %v", err)
		}
		a := w.draft(t, w.repA, w.orgA.PublicID)
		b := w.draft(t, w.repB, w.orgB.PublicID)
		w.set("2026-03-20 10:00:00")
		for _, x := range []struct {
			u   *auth.User
			app *Application
		}{{w.repA, a}, {w.repB, b}} {
			if _, err := w.svc.Applications.Submit(ctx, x.u, w.call, x.app.PublicID, x.app.Version, Meta{}); err != nil {
				t.Fatal(err)
			}
		}
		a, _ = w.svc.Applications.Get(ctx, a.PublicID)
		b, _ = w.svc.Applications.Get(ctx, b.PublicID)
		w.set("2026-04-02 09:00:00")
		// Assessors: [0] a member of orgA, [1] staff of the publisher.
		if err := w.au.AddMember(ctx, nil, w.orgA.PublicID, w.assessors[0].PublicID, auth.Meta{}); err != nil {
			t.Fatal(err)
		}
		grant(w.assessors[1], auth.Grant{Role: auth.RoleLSGStaff, ScopeKind: auth.ScopeLSG, ScopeRef: "ba-fbih-mostar"})
		var fe refuse.FieldErrors
		if err := w.svc.Assessment.Assign(ctx, w.admin, w.call, a.PublicID, w.assessors[0].PublicID, Meta{}); !errors.As(err, &fe) || fe["assessor"] != "grants.assessor.conflict" {
			t.Errorf("assessor from the applicant assigned: %v", err)
		}
		if err := w.svc.Assessment.Assign(ctx, w.admin, w.call, b.PublicID, w.assessors[1].PublicID, Meta{}); !errors.As(err, &fe) {
			t.Errorf("assessor from the publisher assigned: %v", err)
		}
		// The manager who represents orgB: no competitor, no decision.
		for _, try := range []func() error{
			func() error { _, _, err := w.svc.Assessment.AutoAssign(ctx, mostarRep, w.call, Meta{}); return err },
			func() error {
				return w.svc.Assessment.Decide(ctx, mostarRep, w.call, b.PublicID, DecisionAward, "", Meta{})
			},
			func() error { return w.svc.Assessment.PublishResults(ctx, mostarRep, w.call, Meta{}) },
			func() error { return w.svc.Assessment.Impartial(ctx, mostarRep, w.call) },
		} {
			if err := try(); !errors.Is(err, ErrConflictOfInterest) {
				t.Errorf("a manager tied to an applicant: %v, want ErrConflictOfInterest", err)
			}
		}
		if ok, err := w.svc.Assessment.CanReadApplication(ctx, mostarRep, a); ok || err != nil {
			t.Errorf("a manager tied to orgB reads orgA's application: %v %v", ok, err)
		}
		if ok, _ := w.svc.Assessment.CanReadApplication(ctx, mostarRep, b); !ok {
			t.Error("orgB's representative cannot read orgB's application")
		}
		if ok, _ := w.svc.Assessment.CanReadApplication(ctx, w.admin, a); !ok {
			t.Error("an impartial admin cannot read the application")
		}
		// Automatic assignment keeps tied assessors off: a gets only [2].
		made, short, err := w.svc.Assessment.AutoAssign(ctx, w.admin, w.call, Meta{})
		if err != nil || made != 3 || short != 1 {
			t.Errorf("auto-assign: made %d short %d: %v", made, short, err)
		}
		for _, app := range []*Application{a, b} {
			gs, _ := w.svc.Assessment.AssignmentsOfApp(ctx, app.ID)
			for _, g := range gs {
				if g.AssessorID == w.assessors[1].ID || app == a && g.AssessorID == w.assessors[0].ID {
					t.Errorf("%s assigned to a tied assessor %d", app.Title, g.AssessorID)
				}
			}
		}
		if err := w.svc.Assessment.Decide(ctx, w.admin, w.call, a.PublicID, DecisionAward, "", Meta{}); err != nil {
			t.Errorf("an impartial admin decides: %v", err)
		}
	})
}
