package grants

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/demo"
	"github.com/dijalog/dijalog/internal/i18n"
	"github.com/dijalog/dijalog/internal/mail"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/google/go-cmp/cmp"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// world is a test platform: two CSOs, their representatives, an LSG
// manager, three assessors and an outsider, and a call of the LSG.
type world struct {
	svc                      *Service
	clock                    *time.Time
	au                       *auth.Service
	orgA, orgB               *auth.Organisation
	repA, repA2, repB        *auth.User
	manager, outsider, admin *auth.User
	assessors                []*auth.User
	call                     *Call
	mail                     *mail.Recorder
}

func newWorld(t *testing.T, d *db.DB) *world {
	t.Helper()
	ctx := context.Background()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	rec := &mail.Recorder{}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	au := auth.NewService(d, rec, cat, "http://example.test", log, auth.Options{Password: auth.PasswordParams{Memory: 64, Time: 1, Threads: 1}})
	w := &world{au: au, mail: rec}
	user := func(email string) *auth.User {
		u, err := au.Register(ctx, auth.RegisterInput{Email: email, Name: strings.Split(email, "@")[0], Password: "dugacka-lozinka-2026"}, auth.Meta{})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	reload := func(u *auth.User) *auth.User {
		r, err := au.UserByPublicID(ctx, u.PublicID)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	w.admin = user("admin@example.org")
	if err := au.BootstrapAdmin(ctx, w.admin.PublicID); err != nil {
		t.Fatal(err)
	}
	w.admin = reload(w.admin)
	grant := func(u *auth.User, g auth.Grant) *auth.User {
		if err := au.GrantRole(ctx, w.admin, u.PublicID, g, auth.Meta{}); err != nil {
			t.Fatal(err)
		}
		return reload(u)
	}
	w.orgA = &auth.Organisation{Name: "Udruženje A", Kind: "cso", PlaceCode: "ba-fbih-mostar"}
	w.orgB = &auth.Organisation{Name: "Udruženje B", Kind: "cso", PlaceCode: "ba-fbih-mostar"}
	for _, o := range []*auth.Organisation{w.orgA, w.orgB} {
		if err := au.CreateOrganisation(ctx, nil, o, auth.Meta{}); err != nil {
			t.Fatal(err)
		}
	}
	w.repA = grant(user("a1@example.org"), auth.Grant{Role: auth.RoleCSORep, ScopeKind: auth.ScopeOrg, ScopeRef: w.orgA.PublicID})
	w.repA2 = grant(user("a2@example.org"), auth.Grant{Role: auth.RoleCSORep, ScopeKind: auth.ScopeOrg, ScopeRef: w.orgA.PublicID})
	w.repB = grant(user("b1@example.org"), auth.Grant{Role: auth.RoleCSORep, ScopeKind: auth.ScopeOrg, ScopeRef: w.orgB.PublicID})
	w.manager = grant(user("mostar@example.org"), auth.Grant{Role: auth.RoleLSGStaff, ScopeKind: auth.ScopeLSG, ScopeRef: "ba-fbih-mostar"})
	w.outsider = grant(user("trebinje@example.org"), auth.Grant{Role: auth.RoleLSGStaff, ScopeKind: auth.ScopeLSG, ScopeRef: "ba-rs-trebinje"})
	for i := range 3 {
		w.assessors = append(w.assessors, grant(user(fmt.Sprintf("assessor%d@example.org", i)), auth.Grant{Role: auth.RoleAssessor, ScopeKind: auth.ScopeGlobal}))
	}
	now := at("2026-03-01 09:00:00")
	w.clock = &now
	w.svc = NewService(d, au, Options{Now: func() time.Time { return *w.clock }, Zone: sarajevo(), Files: t.TempDir(), Mail: rec, Cat: cat, BaseURL: "http://example.test", Log: log})
	c, err := w.svc.Calls.Create(ctx, w.manager, CallInput{
		Publisher: "lsg:ba-fbih-mostar", Funder: "Grad Mostar", Lang: "bs",
		Texts:    []Text{{Lang: "bs", Title: "Poziv udruženjima 2026", Body: "Tekst poziva."}},
		Currency: "BAM", Total: "20.000", Min: "1.000", Max: "8.000", OwnSharePct: "10", DivergencePct: "30",
		OpensAt: "2026-03-01T08:00:00", QuestionsUntil: "2026-03-20T16:00:00", ClosesAt: "2026-03-31T23:59:59",
		Eligibility: "yes | Registrovano u Mostaru?\nno | Dug prema Gradu?",
		Form:        "longtext | Opis | required\nfile | Prilog\nbudget | Budžet | required",
		Criteria:    "60 | 10 | Kvalitet\n40 | 10 | Budžet",
	}, Meta{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.svc.Calls.Publish(ctx, w.manager, c.Slug, Meta{}); err != nil {
		t.Fatal(err)
	}
	if w.call, err = w.svc.Calls.BySlug(ctx, c.Slug); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) set(s string) { t := at(s); *w.clock = t }

// draft starts an eligible application of org and saves a valid draft.
func (w *world) draft(t *testing.T, u *auth.User, org string) *Application {
	t.Helper()
	ctx := context.Background()
	a, err := w.svc.Applications.Start(ctx, u, w.call, org, map[string]string{"q1": "yes", "q2": "no"}, Meta{})
	if err != nil {
		t.Fatal(err)
	}
	a, err = w.svc.Applications.Save(ctx, u, w.call, a.PublicID, Draft{Version: a.Version, Title: "Projekat " + org[:4], Values: map[string]string{"f1": "Opis projekta."},
		Budget: []BudgetLineInput{{"Radionice", "5.000", "4.000"}, {"Materijal", "1.000", "900"}}}, Meta{})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestDeadlineToTheSecond(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		w.set("2026-03-10 10:00:00")
		a := w.draft(t, w.repA, w.orgA.PublicID)
		b := w.draft(t, w.repB, w.orgB.PublicID)

		w.set("2026-03-31 23:59:59") // the closing second still lands
		got, err := w.svc.Applications.Submit(ctx, w.repA, w.call, a.PublicID, a.Version, Meta{})
		if err != nil || got.Status != AppSubmitted {
			t.Fatalf("submit at 23:59:59: %v, status %v", err, got)
		}
		if len(got.Receipt) != 64 {
			t.Errorf("receipt hash %q, want 64 hex digits", got.Receipt)
		}
		r, err := w.svc.Applications.ReceiptOf(ctx, w.call, got)
		if err != nil || r.Hash() != got.Receipt {
			t.Errorf("the receipt does not verify: %v %s != %s", err, r.Hash(), got.Receipt)
		}

		w.set("2026-04-01 00:00:00") // one second later nothing lands
		if _, err := w.svc.Applications.Submit(ctx, w.repB, w.call, b.PublicID, b.Version, Meta{}); !errors.Is(err, ErrClosed) {
			t.Errorf("submit at 00:00:00: %v, want ErrClosed", err)
		}
		if _, err := w.svc.Applications.Save(ctx, w.repB, w.call, b.PublicID, Draft{Version: b.Version, Title: "late"}, Meta{}); !errors.Is(err, ErrClosed) {
			t.Errorf("save after the deadline: %v, want ErrClosed", err)
		}
		if err := w.svc.Applications.Withdraw(ctx, w.repA, w.call, a.PublicID, Meta{}); !errors.Is(err, ErrClosed) {
			t.Errorf("withdraw after the deadline: %v, want ErrClosed", err)
		}
		if _, err := w.svc.Applications.Start(ctx, w.repB, w.call, w.orgB.PublicID, map[string]string{"q1": "yes", "q2": "no"}, Meta{}); !errors.Is(err, ErrClosed) {
			t.Errorf("eligibility after the deadline: %v, want ErrClosed", err)
		}
		w.set("2026-02-28 23:00:00") // before the opening
		if _, err := w.svc.Applications.Submit(ctx, w.repB, w.call, b.PublicID, b.Version, Meta{}); !errors.Is(err, ErrClosed) {
			t.Errorf("submit before the opening: %v, want ErrClosed", err)
		}
	})
}

func TestConcurrentEditsAndDoubleSubmit(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		w.set("2026-03-10 10:00:00")
		a := w.draft(t, w.repA, w.orgA.PublicID)
		loaded := a.Version // both members opened this version

		first, err := w.svc.Applications.Save(ctx, w.repA, w.call, a.PublicID, Draft{Version: loaded, Title: "Verzija prvog člana", Values: map[string]string{"f1": "prvi"}, Budget: []BudgetLineInput{{"Radionice", "5.000", "4.000"}}}, Meta{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.svc.Applications.Save(ctx, w.repA2, w.call, a.PublicID, Draft{Version: loaded, Title: "Verzija drugog člana", Values: map[string]string{"f1": "drugi"}}, Meta{})
		if !errors.Is(err, ErrStale) {
			t.Fatalf("second member's save of an old version: %v, want ErrStale", err)
		}
		now, _ := w.svc.Applications.Get(ctx, a.PublicID)
		if now.Title != "Verzija prvog člana" || now.Version != first.Version || now.UpdatedBy != w.repA.ID {
			t.Errorf("the first member's save was overwritten: %+v", now)
		}

		// Two tabs submit the same version at once: one submission.
		var wg sync.WaitGroup
		results := make([]*Application, 2)
		errs := make([]error, 2)
		for i, u := range []*auth.User{w.repA, w.repA2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i], errs[i] = w.svc.Applications.Submit(ctx, u, w.call, a.PublicID, now.Version, Meta{})
			}()
		}
		wg.Wait()
		for i := range 2 {
			if errs[i] != nil || results[i].Status != AppSubmitted {
				t.Fatalf("tab %d: %v", i, errs[i])
			}
		}
		if results[0].Receipt != results[1].Receipt || results[0].SubmittedAt.Time != results[1].SubmittedAt.Time {
			t.Errorf("two receipts: %s and %s", results[0].Receipt, results[1].Receipt)
		}
		var n int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'grants.application.submit' AND object_ref = ?`, a.PublicID).Scan(&n); err != nil || n != 1 {
			t.Errorf("%d submissions recorded (%v), want 1", n, err)
		}
	})
}

func TestBudgetRules(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		w.set("2026-03-10 10:00:00")
		a := w.draft(t, w.repA, w.orgA.PublicID)
		for _, c := range []struct {
			name   string
			lines  []BudgetLineInput
			save   string // field with an error on save
			submit string // error key on submit
		}{
			{"negative line", []BudgetLineInput{{"Povrat", "-500", "0"}}, "budget_0_cost", ""},
			{"requested over cost", []BudgetLineInput{{"Oprema", "1.000", "1.200"}}, "budget_0_requested", ""},
			{"not an amount", []BudgetLineInput{{"Oprema", "hiljadu", ""}}, "budget_0_cost", ""},
			{"own share below 10 %", []BudgetLineInput{{"Oprema", "5.000", "4.800"}}, "", "grants.budget.own_share"},
			{"over the largest grant", []BudgetLineInput{{"Oprema", "12.000", "9.000"}}, "", "grants.budget.over_max"},
			{"under the smallest grant", []BudgetLineInput{{"Oprema", "800", "500"}}, "", "grants.budget.under_min"},
		} {
			cur, _ := w.svc.Applications.Get(ctx, a.PublicID)
			saved, err := w.svc.Applications.Save(ctx, w.repA, w.call, a.PublicID, Draft{Version: cur.Version, Title: "Naslov", Values: map[string]string{"f1": "Opis"}, Budget: c.lines}, Meta{})
			var fe FieldErrors
			if c.save != "" {
				if !errors.As(err, &fe) || fe[c.save] == "" {
					t.Errorf("%s: save error %v, want one on %s", c.name, err, c.save)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s: save: %v", c.name, err)
			}
			_, err = w.svc.Applications.Submit(ctx, w.repA, w.call, a.PublicID, saved.Version, Meta{})
			if !errors.As(err, &fe) || fe["budget"] != c.submit {
				t.Errorf("%s: submit error %v, want budget=%s", c.name, err, c.submit)
			}
		}
	})
}

// TestAccessMatrix: who may read and change an application, at every stage.
func TestAccessMatrix(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		w.set("2026-03-10 10:00:00")
		a := w.draft(t, w.repA, w.orgA.PublicID)
		canRead := func(u *auth.User) bool {
			cur, _ := w.svc.Applications.Get(ctx, a.PublicID)
			ok, err := w.svc.Assessment.CanReadApplication(ctx, u, cur)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		type who struct {
			name string
			u    *auth.User
		}
		everyone := []who{{"repA", w.repA}, {"repA2", w.repA2}, {"repB", w.repB}, {"manager", w.manager}, {"other LSG", w.outsider}, {"assessor0", w.assessors[0]}, {"assessor1", w.assessors[1]}, {"assessor2", w.assessors[2]}, {"anonymous", nil}, {"admin", w.admin}}
		check := func(stage string, want map[string]bool) {
			t.Helper()
			for _, p := range everyone {
				if got := canRead(p.u); got != want[p.name] {
					t.Errorf("%s: %s reads the application: %v, want %v", stage, p.name, got, want[p.name])
				}
			}
		}
		check("draft", map[string]bool{"repA": true, "repA2": true, "admin": true})
		// Others cannot change it.
		for _, p := range []*auth.User{w.repB, w.manager, w.assessors[0], w.outsider} {
			if _, err := w.svc.Applications.Save(ctx, p, w.call, a.PublicID, Draft{Version: a.Version, Title: "x"}, Meta{}); !errors.Is(err, refuse.ErrNotFound) {
				t.Errorf("save by %v: %v, want not found", p.Email, err)
			}
			if _, err := w.svc.Applications.Submit(ctx, p, w.call, a.PublicID, a.Version, Meta{}); !errors.Is(err, refuse.ErrNotFound) {
				t.Errorf("submit by %v: %v, want not found", p.Email, err)
			}
			if err := w.svc.Applications.Withdraw(ctx, p, w.call, a.PublicID, Meta{}); !errors.Is(err, refuse.ErrNotFound) {
				t.Errorf("withdraw by %v: %v, want not found", p.Email, err)
			}
		}
		if _, err := w.svc.Applications.Submit(ctx, w.repA, w.call, a.PublicID, a.Version, Meta{}); err != nil {
			t.Fatal(err)
		}
		check("submitted", map[string]bool{"repA": true, "repA2": true, "manager": true, "admin": true})

		w.set("2026-04-02 09:00:00")
		if err := w.svc.Assessment.Assign(ctx, w.outsider, w.call, a.PublicID, w.assessors[0].PublicID, Meta{}); !errors.Is(err, refuse.ErrForbidden) {
			t.Errorf("assignment by another LSG: %v", err)
		}
		for _, as := range w.assessors[:2] {
			if err := w.svc.Assessment.Assign(ctx, w.manager, w.call, a.PublicID, as.PublicID, Meta{}); err != nil {
				t.Fatal(err)
			}
		}
		check("assigned, nobody declared", map[string]bool{"repA": true, "repA2": true, "manager": true, "admin": true})
		if err := w.svc.Assessment.SubmitScores(ctx, w.assessors[0], a.PublicID, ScoreInput{Points: map[int]string{1: "5", 2: "5"}}, Meta{}); !errors.Is(err, ErrState) {
			t.Errorf("scoring before the declaration: %v, want ErrState", err)
		}
		if err := w.svc.Assessment.Declare(ctx, w.assessors[2], a.PublicID, false, Meta{}); !errors.Is(err, refuse.ErrNotFound) {
			t.Errorf("declaration by an unassigned assessor: %v, want not found", err)
		}
		if err := w.svc.Assessment.Declare(ctx, w.assessors[0], a.PublicID, false, Meta{}); err != nil {
			t.Fatal(err)
		}
		// assessor1 declares a conflict: assessor2 replaces them.
		if err := w.svc.Assessment.Declare(ctx, w.assessors[1], a.PublicID, true, Meta{}); err != nil {
			t.Fatal(err)
		}
		check("one declared, one conflict (replaced)", map[string]bool{"repA": true, "repA2": true, "manager": true, "admin": true, "assessor0": true})
		gs, _ := w.svc.Assessment.AssignmentsOfApp(ctx, a.ID)
		if activeCount(gs) != 2 || gs[len(gs)-1].AssessorID != w.assessors[2].ID {
			t.Errorf("the conflicted assessor was not replaced: %+v", gs)
		}
		// Files follow the application's rules.
		files, _ := w.svc.Applications.Files(ctx, "application", a.ID)
		for _, f := range files {
			for _, p := range everyone {
				ok, _ := w.svc.Applications.CanReadFile(ctx, p.u, &f)
				if ok != canRead(p.u) {
					t.Errorf("file read by %s: %v", p.name, ok)
				}
			}
		}
	})
}

func TestAssessmentCycle(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		w.set("2026-03-10 10:00:00")
		a := w.draft(t, w.repA, w.orgA.PublicID)
		b := w.draft(t, w.repB, w.orgB.PublicID)
		for _, x := range []struct {
			u   *auth.User
			app *Application
		}{{w.repA, a}, {w.repB, b}} {
			w.set("2026-03-20 10:00:00")
			if _, err := w.svc.Applications.Submit(ctx, x.u, w.call, x.app.PublicID, x.app.Version, Meta{}); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := w.svc.Assessment.AutoAssign(ctx, w.manager, w.call, Meta{}); !errors.Is(err, ErrState) {
			t.Errorf("assignment while the call is open: %v", err)
		}
		w.set("2026-04-02 09:00:00")
		made, short, err := w.svc.Assessment.AutoAssign(ctx, w.manager, w.call, Meta{})
		if err != nil || made != 4 || short != 0 {
			t.Fatalf("auto-assign: made %d short %d: %v", made, short, err)
		}
		// Balanced: four assignments over three assessors are 2, 1, 1, and
		// never the same assessor twice on one application.
		load := map[int64]int{}
		for _, app := range []*Application{a, b} {
			gs, _ := w.svc.Assessment.AssignmentsOfApp(ctx, app.ID)
			if len(gs) != 2 || gs[0].AssessorID == gs[1].AssessorID {
				t.Fatalf("application %s: assignments %+v", app.Title, gs)
			}
			for _, g := range gs {
				load[g.AssessorID]++
			}
		}
		lo, hi := 99, 0
		for _, as := range w.assessors {
			lo, hi = min(lo, load[as.ID]), max(hi, load[as.ID])
		}
		if hi-lo > 1 {
			t.Errorf("unbalanced automatic assignment: %v", load)
		}
		score := func(app *Application, points ...string) {
			t.Helper()
			gs, _ := w.svc.Assessment.AssignmentsOfApp(ctx, app.ID)
			i := 0
			for _, g := range gs {
				if g.Status != AsgAssigned {
					continue
				}
				var u *auth.User
				for _, as := range w.assessors {
					if as.ID == g.AssessorID {
						u = as
					}
				}
				if err := w.svc.Assessment.Declare(ctx, u, app.PublicID, false, Meta{}); err != nil {
					t.Fatal(err)
				}
				if err := w.svc.Assessment.SubmitScores(ctx, u, app.PublicID, ScoreInput{Points: map[int]string{1: points[i], 2: points[i+1]}}, Meta{}); err != nil {
					t.Fatal(err)
				}
				i += 2
				if i >= len(points) {
					return
				}
			}
		}
		score(a, "9", "9", "8", "8") // 90 % and 80 %: no divergence
		score(b, "9", "9", "2", "2") // 90 % and 20 %: a third assessor
		gs, _ := w.svc.Assessment.AssignmentsOfApp(ctx, b.ID)
		if len(gs) != 3 || !gs[2].Third {
			t.Fatalf("no third assessor after a divergence: %+v", gs)
		}
		score(b, "5", "5")
		rank, err := w.svc.Assessment.Ranking(ctx, w.call)
		if err != nil || len(rank) != 2 {
			t.Fatal(err)
		}
		if rank[0].App.PublicID != a.PublicID || rank[0].AvgPct != 850 || rank[1].AvgPct != 533 || !rank[1].Divergent {
			t.Errorf("ranking: %+v %+v", rank[0], rank[1])
		}
		if err := w.svc.Assessment.Decide(ctx, w.manager, w.call, b.PublicID, DecisionReject, "", Meta{}); err == nil {
			t.Error("a rejection without reasons was accepted")
		}
		if err := w.svc.Assessment.Decide(ctx, w.manager, w.call, a.PublicID, DecisionAward, "", Meta{}); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.Assessment.Decide(ctx, w.manager, w.call, b.PublicID, DecisionReserve, "", Meta{}); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.Assessment.PublishResults(ctx, w.manager, w.call, Meta{}); err != nil {
			t.Fatal(err)
		}
		recs, err := w.svc.Registry.Support(ctx, SupportFilter{LSG: "ba-fbih-mostar"})
		if err != nil || len(recs) != 1 || recs[0].Recipient != "Udruženje A" || recs[0].Procedure != "open_call" || recs[0].Amount != 490000 {
			t.Fatalf("registry after the award: %+v %v", recs, err)
		}
		aw, err := w.svc.Awards.Get(ctx, recs[0].AwardPID)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := w.svc.Calls.BySlug(ctx, w.call.Slug)
		if err := w.svc.Awards.AddReport(ctx, w.manager, c, aw, "narrative", "2026-04-20", Meta{}); err != nil {
			t.Fatal(err)
		}
		// Reminders go to the grantee's members: when the report comes
		// within reach, not again the same week, again on the due date.
		for _, u := range []*auth.User{w.repA, w.repA2} {
			if err := w.au.AddMember(ctx, nil, w.orgA.PublicID, u.PublicID, auth.Meta{}); err != nil && !errors.Is(err, refuse.ErrConflict) {
				t.Fatal(err)
			}
		}
		remind := func(when string, want int) {
			t.Helper()
			w.set(when)
			before := len(w.mail.Sent())
			n, err := w.svc.Awards.Remind(ctx, 14*24*time.Hour)
			if err != nil || n != want || len(w.mail.Sent())-before != want {
				t.Errorf("reminders at %s: %d sent (%d mails), %v; want %d", when, n, len(w.mail.Sent())-before, err, want)
			}
		}
		remind("2026-04-02 10:00:00", 0) // due in 18 days: not yet
		remind("2026-04-07 10:00:00", 2) // within 14 days: both members
		msgs := w.mail.Sent()
		if last := msgs[len(msgs)-1]; !strings.Contains(last.Text, "2026-04-20") || !strings.Contains(last.Text, "/awards/"+aw.PublicID) {
			t.Errorf("the reminder does not give the due date and the award's page:\n%s", last.Text)
		}
		remind("2026-04-07 11:00:00", 0) // the hourly run: once is enough
		remind("2026-04-12 10:00:00", 0) // five days later: not yet a week
		remind("2026-04-14 10:00:00", 2) // a week later
		remind("2026-04-20 08:00:00", 2) // the due date itself, six days later
		remind("2026-04-20 09:00:00", 0)
		remind("2026-04-27 09:00:00", 2) // overdue: weekly
		reps, _ := w.svc.Awards.Reports(ctx, aw.ID)
		if err := w.svc.Awards.SubmitReport(ctx, w.repB, aw, reps[0].PublicID, "tuđi izvještaj", nil, Meta{}); !errors.Is(err, refuse.ErrForbidden) {
			t.Errorf("report by another organisation: %v", err)
		}
		if err := w.svc.Awards.SubmitReport(ctx, w.repA, aw, reps[0].PublicID, "Održane su sve radionice.", &Upload{Filename: "izvjestaj.pdf", Data: []byte("%PDF-1.4 test")}, Meta{}); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.Awards.ReviewReport(ctx, w.manager, c, aw, reps[0].PublicID, true, "U redu.", Meta{}); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.Awards.SubmitReport(ctx, w.repA, aw, reps[0].PublicID, "opet", nil, Meta{}); !errors.Is(err, ErrState) {
			t.Errorf("changing an approved report: %v", err)
		}
		var audited int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action LIKE 'grants.%'`).Scan(&audited); err != nil || audited < 20 {
			t.Errorf("%d audit entries: %v", audited, err)
		}
	})
}

func TestUploadChecks(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		up   Upload
		want string
	}{
		{"pdf", Upload{"a.pdf", []byte("%PDF-1.7\n...")}, ""},
		{"html named pdf", Upload{"a.pdf", []byte("<html><script>alert(1)</script>")}, "grants.file.type"},
		{"exe", Upload{"a.exe", []byte("MZ\x90\x00")}, "grants.file.type"},
		{"empty", Upload{"a.pdf", nil}, "grants.file.empty"},
		{"too large", Upload{"a.txt", make([]byte, MaxFile+1)}, "grants.file.too_large"},
		{"csv", Upload{"b.csv", []byte("a,b\n1,2\n")}, ""},
	} {
		if got := checkUpload(c.up); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

// TestListCallsPaging: the phases chosen in SQL are those Call.Phase gives,
// pages follow one another without gaps or repeats, and drafts show only
// to their managers, first.
func TestListCallsPaging(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		w.set("2026-02-01 09:00:00")
		// 24 more calls: opening and closing around 2026-03-15 12:00.
		for i := range 24 {
			opens := at("2026-03-01 08:00:00").AddDate(0, 0, i)
			closes := opens.Add(time.Duration(i%5+1) * 24 * time.Hour)
			c, err := w.svc.Calls.Create(ctx, w.manager, CallInput{
				Publisher: "lsg:ba-fbih-mostar", Funder: "Grad Mostar", Lang: "bs",
				Texts:    []Text{{Lang: "bs", Title: fmt.Sprintf("Poziv broj %02d", i), Body: "Tekst."}},
				Currency: "BAM", Total: "10.000", Min: "500", Max: "2.000", OwnSharePct: "0", DivergencePct: "30",
				OpensAt: FormatLocal(opens, sarajevo()), QuestionsUntil: FormatLocal(opens, sarajevo()), ClosesAt: FormatLocal(closes, sarajevo()),
				Form: "budget | Budžet | required", Criteria: "100 | 10 | Kvalitet",
			}, Meta{})
			if err != nil {
				t.Fatal(err)
			}
			if i%6 != 5 { // every sixth stays a draft
				if err := w.svc.Calls.Publish(ctx, w.manager, c.Slug, Meta{}); err != nil {
					t.Fatal(err)
				}
			}
		}
		w.set("2026-03-15 12:00:00")
		now := w.svc.Now()
		all, err := w.svc.Calls.List(ctx, CallFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 21 { // 20 published of the 24, and the world's call
			t.Fatalf("%d published calls, want 21", len(all))
		}
		for _, phase := range []string{PhaseUpcoming, PhaseOpen, PhaseClosed, PhaseDecided} {
			var want []string
			for _, c := range all {
				if c.Phase(now) == phase {
					want = append(want, c.Slug)
				}
			}
			got, err := w.svc.Calls.List(ctx, CallFilter{Phase: phase})
			if err != nil {
				t.Fatal(err)
			}
			var slugs []string
			for _, c := range got {
				slugs = append(slugs, c.Slug)
			}
			slices.Sort(want)
			slices.Sort(slugs)
			if d := cmp.Diff(want, slugs); d != "" {
				t.Errorf("phase %s (-Go +SQL):\n%s", phase, d)
			}
		}
		// Pages of 8: no gaps, no repeats, in closing order.
		var paged []*Call
		for off := 0; off < 40; off += 8 {
			page, err := w.svc.Calls.List(ctx, CallFilter{Limit: 8, Offset: off})
			if err != nil {
				t.Fatal(err)
			}
			paged = append(paged, page...)
		}
		if len(paged) != len(all) {
			t.Fatalf("pages hold %d calls, want %d", len(paged), len(all))
		}
		for i := range all {
			if paged[i].Slug != all[i].Slug {
				t.Fatalf("page order differs at %d: %s, want %s", i, paged[i].Slug, all[i].Slug)
			}
			if i > 0 && all[i].ClosesAt.After(all[i-1].ClosesAt) {
				t.Errorf("call %d closes after call %d", i, i-1)
			}
		}
		// Open calls: the nearest deadline first.
		open, _ := w.svc.Calls.List(ctx, CallFilter{Phase: PhaseOpen, Limit: 3})
		for i := 1; i < len(open); i++ {
			if open[i].ClosesAt.Before(open[i-1].ClosesAt) {
				t.Errorf("open calls not by nearest deadline: %v then %v", open[i-1].ClosesAt, open[i].ClosesAt)
			}
		}
		// Drafts: the manager sees his four first on page one; others never.
		mine, _ := w.svc.Calls.List(ctx, CallFilter{Drafts: w.manager, Limit: 5})
		if len(mine) != 9 || mine[3].Status != StatusDraft || mine[4].Status == StatusDraft {
			t.Errorf("the manager's first page: %d calls (want 4 drafts then 5)", len(mine))
		}
		if others, _ := w.svc.Calls.List(ctx, CallFilter{Drafts: w.outsider}); len(others) != 21 {
			t.Errorf("an outsider sees %d calls, want the 21 published", len(others))
		}
		if page2, _ := w.svc.Calls.List(ctx, CallFilter{Drafts: w.manager, Limit: 5, Offset: 5}); len(page2) != 5 || page2[0].Status == StatusDraft {
			t.Errorf("the manager's second page repeats the drafts")
		}
		// A text query pages over the matches.
		q, _ := w.svc.Calls.List(ctx, CallFilter{Query: "poziv broj", Limit: 4, Offset: 16})
		if len(q) != 4 {
			t.Errorf("the query's fifth page: %d calls, want 4 (20 matches)", len(q))
		}
	})
}

func sarajevo() *time.Location { return demo.Sarajevo() }

// at is a Sarajevo time ("2026-03-01 09:00:00") in UTC.
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04:05", s, sarajevo())
	if err != nil {
		panic(err)
	}
	return t.UTC()
}
