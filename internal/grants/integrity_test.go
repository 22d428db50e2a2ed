package grants

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/dijalog/dijalog/internal/audit"
	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/refuse"
)

// awarded takes orgA's application through submission and a decision to
// an award of 4.900 BAM (the draft's requested amount) and returns it with
// its call.
func (w *world) awarded(t *testing.T) (*Award, *Call) { return w.awardedJIB(t, "") }

// awardedJIB is awarded with the registration number jib given in the
// application.
func (w *world) awardedJIB(t *testing.T, jib string) (*Award, *Call) {
	t.Helper()
	ctx := context.Background()
	w.set("2026-03-10 10:00:00")
	a := w.draft(t, w.repA, w.orgA.PublicID)
	if jib != "" {
		var err error
		a, err = w.svc.Applications.Save(ctx, w.repA, w.call, a.PublicID, Draft{Version: a.Version, Title: a.Title, JIB: jib, Values: a.Answers,
			Budget: []BudgetLineInput{{"Radionice", "5.000", "4.000"}, {"Materijal", "1.000", "900"}}}, Meta{})
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.svc.Applications.Submit(ctx, w.repA, w.call, a.PublicID, a.Version, Meta{}); err != nil {
		t.Fatal(err)
	}
	w.set("2026-04-02 09:00:00")
	if err := setDecision(ctx, w.svc.db, a.ID, DecisionAward, "", w.svc.Now()); err != nil {
		t.Fatal(err)
	}
	c, err := w.svc.Calls.BySlug(ctx, w.call.Slug)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.svc.Assessment.PublishResults(ctx, w.manager, c, Meta{}); err != nil {
		t.Fatal(err)
	}
	aw, err := w.svc.Awards.OfApp(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	return aw, c
}

// fieldErr is the catalogue key err gives field ("" when err is no
// FieldErrors or names other fields).
func fieldErr(err error, field string) string {
	var fe FieldErrors
	if errors.As(err, &fe) {
		return fe[field]
	}
	return ""
}

// TestAwardMoneyRules: an instalment must be positive, due within the
// contract, and the instalments cannot add up to more than the award; a
// contract cannot be shortened past a planned instalment. Each refusal
// names its field with a catalogue key and saves nothing.
func TestAwardMoneyRules(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		aw, c := w.awarded(t)
		if err := w.svc.Awards.UpdateContract(ctx, w.manager, c, aw, "01-2026", "2026-05-01", "2026-12-31", Meta{}); err != nil {
			t.Fatal(err)
		}
		steps := []struct {
			name        string
			due, amount string
			field, key  string // "" when accepted
		}{
			{"zero", "2026-06-01", "0", "amount", "grants.amount.invalid"},
			{"negative", "2026-06-01", "-100", "amount", "grants.amount.invalid"},
			{"not a date", "1.6.2026", "100", "due_on", "grants.date.invalid"},
			{"after the contract ends", "2027-01-15", "1.000", "due_on", "grants.instalment.after_contract"},
			{"before the contract starts", "2026-04-15", "1.000", "due_on", "grants.instalment.before_contract"},
			{"first", "2026-06-01", "3.000", "", ""},
			{"over the award", "2026-09-01", "2.000", "amount", "grants.instalment.over_award"},
			{"the rest", "2026-12-31", "1.900", "", ""},
			{"a cent more", "2026-12-31", "0,01", "amount", "grants.instalment.over_award"},
		}
		for _, st := range steps {
			err := w.svc.Awards.AddInstalment(ctx, w.manager, c, aw, st.due, st.amount, Meta{})
			if st.key == "" {
				if err != nil {
					t.Fatalf("%s: %v", st.name, err)
				}
				continue
			}
			if got := fieldErr(err, st.field); got != st.key || !errors.Is(err, refuse.ErrInvalid) {
				t.Errorf("%s: %v (field %s = %q), want %s", st.name, err, st.field, got, st.key)
			}
		}
		inst, err := w.svc.Awards.Instalments(ctx, aw.ID)
		if err != nil || len(inst) != 2 {
			t.Fatalf("instalments %+v, %v; want the two accepted", inst, err)
		}
		// The contract cannot leave a planned instalment outside it.
		for _, x := range []struct{ starts, ends, field, key string }{
			{"2026-05-01", "2026-11-30", "ends_on", "grants.contract.instalment_after_end"},
			{"2026-07-01", "2026-12-31", "starts_on", "grants.contract.instalment_before_start"},
			{"2026-12-31", "2026-05-01", "ends_on", "grants.date.end_before_start"},
		} {
			err := w.svc.Awards.UpdateContract(ctx, w.manager, c, aw, "01-2026", x.starts, x.ends, Meta{})
			if got := fieldErr(err, x.field); got != x.key {
				t.Errorf("contract %s – %s: %v (field %s = %q), want %s", x.starts, x.ends, err, x.field, got, x.key)
			}
		}
		got, _ := w.svc.Awards.Get(ctx, aw.PublicID)
		if got.StartsOn != "2026-05-01" || got.EndsOn != "2026-12-31" {
			t.Errorf("a refused contract change was saved: %s – %s", got.StartsOn, got.EndsOn)
		}
	})
}

// TestInstalmentsConcurrent: two managers plan the award's rest at the same
// moment; only one instalment fits, and only one is stored.
func TestInstalmentsConcurrent(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		aw, c := w.awarded(t)
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = w.svc.Awards.AddInstalment(ctx, w.manager, c, aw, "2026-06-01", "4.000", Meta{})
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case fieldErr(err, "amount") != "grants.instalment.over_award":
				t.Errorf("concurrent instalment: %v", err)
			}
		}
		inst, _ := w.svc.Awards.Instalments(ctx, aw.ID)
		if ok != 1 || len(inst) != 1 {
			t.Errorf("%d accepted, %d stored; want one of 4.000 within an award of 4.900", ok, len(inst))
		}
	})
}

// TestZeroAward: an application that asks for nothing cannot be awarded
// (the award would be a grant of 0, which the registry refuses with a
// database error).
func TestZeroAward(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		c, err := w.svc.Calls.Create(ctx, w.manager, CallInput{
			Publisher: "lsg:ba-fbih-mostar", Funder: "Grad Mostar", Lang: "bs",
			Texts:    []Text{{Lang: "bs", Title: "Poziv bez najmanjeg iznosa", Body: "Tekst."}},
			Currency: "BAM", Total: "20.000", Min: "0", Max: "8.000", OwnSharePct: "0",
			OpensAt: "2026-03-01T08:00:00", QuestionsUntil: "2026-03-20T16:00:00", ClosesAt: "2026-03-31T23:59:59",
			Form: "budget | Budžet | required", Criteria: "100 | 10 | Kvalitet",
		}, Meta{})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.svc.Calls.Publish(ctx, w.manager, c.Slug, Meta{}); err != nil {
			t.Fatal(err)
		}
		c, _ = w.svc.Calls.BySlug(ctx, c.Slug)
		w.set("2026-03-10 10:00:00")
		a, err := w.svc.Applications.Start(ctx, w.repA, c, w.orgA.PublicID, nil, Meta{})
		if err != nil {
			t.Fatal(err)
		}
		a, err = w.svc.Applications.Save(ctx, w.repA, c, a.PublicID, Draft{Version: a.Version, Title: "Sve iz vlastitih sredstava", Budget: []BudgetLineInput{{"Radionice", "1.000", ""}}}, Meta{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Applications.Submit(ctx, w.repA, c, a.PublicID, a.Version, Meta{}); err != nil {
			t.Fatal(err)
		}
		w.set("2026-04-02 09:00:00")
		err = w.svc.Assessment.Decide(ctx, w.manager, c, a.PublicID, DecisionAward, "", Meta{})
		if fieldErr(err, "decision") != "grants.decision.award_zero" {
			t.Errorf("awarding nothing: %v", err)
		}
		// A decision stored before the rule is refused at publishing.
		if err := setDecision(ctx, d, a.ID, DecisionAward, "", w.svc.Now()); err != nil {
			t.Fatal(err)
		}
		err = w.svc.Assessment.PublishResults(ctx, w.manager, c, Meta{})
		if fieldErr(err, "decision") != "grants.decision.award_zero" {
			t.Errorf("publishing an award of nothing: %v", err)
		}
	})
}

// TestAwardHistory: every change of an award's money is in the audit log,
// written in its transaction, with the role it was made in; the history
// lists them with the totals before and after.
func TestAwardHistory(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		aw, c := w.awarded(t)
		if err := w.svc.Awards.UpdateContract(ctx, w.manager, c, aw, "01-2026", "2026-05-01", "2026-12-31", Meta{}); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.Awards.AddInstalment(ctx, w.manager, c, aw, "2026-06-01", "3.000", Meta{}); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.Awards.AddInstalment(ctx, w.manager, c, aw, "2026-11-01", "1.900", Meta{}); err != nil {
			t.Fatal(err)
		}
		inst, _ := w.svc.Awards.Instalments(ctx, aw.ID)
		if err := w.svc.Awards.MarkPaid(ctx, w.manager, c, aw, inst[0].ID, Meta{}); err != nil {
			t.Fatal(err)
		}
		// A refused change leaves no entry.
		_ = w.svc.Awards.AddInstalment(ctx, w.manager, c, aw, "2026-11-01", "1", Meta{})
		hs, err := w.svc.Awards.History(ctx, aw)
		if err != nil {
			t.Fatal(err)
		}
		type row struct{ action, role, amount, due, before, after string }
		var got []row
		for _, h := range hs {
			got = append(got, row{h.Action, h.Role, h.Amount.Decimal(), h.DueOn, h.Before, h.After})
		}
		staff := "lsg_staff:ba-fbih-mostar"
		want := []row{
			{"paid", staff, "3000.00", "2026-06-01", "0.00", "3000.00"},
			{"instalment", staff, "1900.00", "2026-11-01", "3000.00", "4900.00"},
			{"instalment", staff, "3000.00", "2026-06-01", "0.00", "3000.00"},
			{"contract", staff, "0.00", "", "", "01-2026 2026-05-01 – 2026-12-31"},
			{"award", staff, "4900.00", "", "", "4900.00"},
		}
		if len(got) != len(want) {
			t.Fatalf("history %+v, want %+v", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("history[%d] = %+v, want %+v", i, got[i], want[i])
			}
		}
		// The log keeps the account, never shown; the history has no e-mail.
		es, _ := audit.List(ctx, d, audit.Filter{ObjectKind: "grant_award", ObjectRef: aw.PublicID})
		for _, e := range es {
			if e.ActorID != w.manager.ID {
				t.Errorf("%s recorded actor %d, want the manager", e.Action, e.ActorID)
			}
			for k, v := range e.Details {
				if strings.Contains(v, "@") {
					t.Errorf("%s: detail %s = %q names an address", e.Action, k, v)
				}
			}
		}
		// An entry written before the history (the instalment's id only)
		// is shown with the instalment's amount and due date, in no role.
		if err := audit.Record(ctx, d, audit.Entry{ActorID: w.manager.ID, Action: "grants.award.paid", ObjectKind: "grant_award", ObjectRef: aw.PublicID, Details: map[string]string{"instalment": fmt.Sprint(inst[1].ID)}}); err != nil {
			t.Fatal(err)
		}
		if hs, _ := w.svc.Awards.History(ctx, aw); hs[0].Role != "" || hs[0].Amount.Minor != 190000 || hs[0].DueOn != "2026-11-01" || hs[0].Before != "" {
			t.Errorf("an old payment entry: %+v", hs[0])
		}
		// An administrator is recorded as one.
		if err := w.svc.Awards.UpdateContract(ctx, w.admin, c, aw, "01-2026/A", "2026-05-01", "2026-12-31", Meta{}); err != nil {
			t.Fatal(err)
		}
		if hs, _ := w.svc.Awards.History(ctx, aw); hs[0].Role != ActorAdmin || hs[0].Before != "01-2026 2026-05-01 – 2026-12-31" {
			t.Errorf("the administrator's change: %+v", hs[0])
		}
	})
}

// TestRoleOf names the role a change of an LSG's or an organisation's call
// is made in.
func TestRoleOf(t *testing.T) {
	t.Parallel()
	u := func(gs ...auth.Grant) *auth.User { return &auth.User{ID: 1, Status: auth.StatusActive, Grants: gs} }
	lsgCall := &Call{LSG: "ba-fbih-mostar"}
	orgCall := &Call{OrgPID: "org-1"}
	tests := []struct {
		name string
		u    *auth.User
		c    *Call
		want string
	}{
		{"system", nil, lsgCall, ActorSystem},
		{"coordinator", u(auth.Grant{Role: auth.RoleLSGCoordinator, ScopeKind: auth.ScopeLSG, ScopeRef: "ba-fbih-mostar"}), lsgCall, "lsg_coordinator:ba-fbih-mostar"},
		{"staff", u(auth.Grant{Role: auth.RoleLSGStaff, ScopeKind: auth.ScopeLSG, ScopeRef: "ba-fbih-mostar"}), lsgCall, "lsg_staff:ba-fbih-mostar"},
		{"other LSG's staff, admin", u(auth.Grant{Role: auth.RoleLSGStaff, ScopeKind: auth.ScopeLSG, ScopeRef: "ba-rs-trebinje"}, auth.Grant{Role: auth.RoleAdmin, ScopeKind: auth.ScopeGlobal}), lsgCall, ActorAdmin},
		{"programme manager", u(auth.Grant{Role: auth.RoleProgrammeManager, ScopeKind: auth.ScopeOrg, ScopeRef: "org-1"}), orgCall, "programme_manager:org-1"},
		{"CSO representative", u(auth.Grant{Role: auth.RoleCSORep, ScopeKind: auth.ScopeOrg, ScopeRef: "org-1"}), orgCall, "cso_rep:org-1"},
		{"none", u(), orgCall, ActorEditor},
	}
	for _, tt := range tests {
		if got := roleOf(tt.u, tt.c); got != tt.want {
			t.Errorf("%s: roleOf = %q, want %q", tt.name, got, tt.want)
		}
	}
}
