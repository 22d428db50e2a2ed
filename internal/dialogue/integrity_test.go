package dialogue

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dijalog/dijalog/internal/audit"
	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/google/go-cmp/cmp"
)

// fieldErr is the catalogue key err gives field ("" when err is no
// FieldErrors or names other fields).
func fieldErr(err error, field string) string {
	var fe FieldErrors
	if errors.As(err, &fe) {
		return fe[field]
	}
	return ""
}

// staffOf is u with the LSG staff role of code.
func staffOf(u *auth.User, code string) *auth.User {
	c := *u
	c.Grants = []auth.Grant{{Role: auth.RoleLSGStaff, ScopeKind: auth.ScopeLSG, ScopeRef: code}}
	return &c
}

// selected makes an initiative of cost (BAM) on f.p and selects it at a
// meeting, ready for its financing plan.
func (f *fixture) selected(t *testing.T, title, cost string) *Initiative {
	t.Helper()
	ctx := context.Background()
	x := f.costed(t, f.p, title, cost, true)
	mt, err := f.s.Meetings.Create(ctx, nil, f.p, MeetingInput{Title: "Sjednica", Place: "Vijećnica", StartsAt: f.s.Meetings.now(), EndsAt: f.s.Meetings.now()}, Meta{})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.s.Initiatives.Transition(ctx, f.admin(), f.p, x, StateSelected, "", mt.PublicID, Meta{}); err != nil {
		t.Fatal(err)
	}
	return x
}

// TestBallotItemOverBudget: an initiative costing more than the ballot's
// whole budget cannot be on it (the old code put it there: it could never
// be funded); one costing exactly the budget can.
func TestBallotItemOverBudget(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, 2)
		ctx := context.Background()
		big := f.costed(t, f.p, "Skupa", "9.000", true)
		fits := f.costed(t, f.p, "Tačno", "8.000", true)
		_, err := f.s.Ballots.Create(ctx, f.coord, f.p, BallotInput{Title: "PB", Budget: "8.000", Currency: "BAM", Initiatives: []string{fits.PublicID, big.PublicID}}, Meta{})
		if got := fieldErr(err, "items"); got != "dialogue.ballot.item_over_budget" || !errors.Is(err, refuse.ErrInvalid) {
			t.Errorf("an item over the whole budget: %v (%q)", err, got)
		}
		if list, _ := f.s.Ballots.List(ctx, f.p, true); len(list) != 0 {
			t.Fatalf("the refused ballot was stored: %+v", list)
		}
		if _, err := f.s.Ballots.Create(ctx, f.coord, f.p, BallotInput{Title: "PB", Budget: "8.000", Currency: "BAM", Initiatives: []string{fits.PublicID}}, Meta{}); err != nil {
			t.Errorf("an item of exactly the budget: %v", err)
		}
	})
}

// TestCofinancingRules: the shares of a plan are positive, in the
// currency of the estimated cost, and may not add up to more than that
// cost without a note saying why; payments are positive, made on a day
// that has come, and no more than the plan holds. Each refusal names its
// field and saves nothing.
func TestCofinancingRules(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, 2)
		ctx := context.Background()
		staff := staffOf(f.users[1], "ba-fbih-mostar")
		x := f.selected(t, "Igralište", "10.000")
		share := func(amount, cur, note string) error {
			return f.s.Money.AddShare(ctx, staff, f.p, x, ShareInput{Source: "lsg", Name: "Grad Mostar", Amount: amount, Currency: cur, Note: note}, Meta{})
		}
		for _, st := range []struct {
			name, amount, cur, note string
			field, key              string
		}{
			{"zero", "0", "BAM", "", "amount", "dialogue.amount.invalid"},
			{"negative", "-500", "BAM", "", "amount", "dialogue.amount.invalid"},
			{"another currency", "1.000", "EUR", "", "currency", "dialogue.share.currency"},
			{"over the cost alone", "10.000,01", "BAM", "", "amount", "dialogue.share.over_cost"},
			{"six tenths", "6.000", "BAM", "", "", ""},
			{"to 120 %", "6.000", "BAM", "", "amount", "dialogue.share.over_cost"},
			{"the rest", "4.000", "BAM", "", "", ""},
			{"a cent over 100 %", "0,01", "BAM", "", "amount", "dialogue.share.over_cost"},
			{"over, with a note", "2.000", "BAM", "Cijene materijala porasle", "", ""},
			{"a long note", "1", "BAM", strings.Repeat("x", 301), "share_note", "dialogue.too_long"},
		} {
			err := share(st.amount, st.cur, st.note)
			if st.key == "" {
				if err != nil {
					t.Fatalf("%s: %v", st.name, err)
				}
				continue
			}
			if got := fieldErr(err, st.field); got != st.key {
				t.Errorf("%s: %v (field %s = %q), want %s", st.name, err, st.field, got, st.key)
			}
		}
		shares, _ := f.s.Money.Shares(ctx, x)
		var notes []string
		var total int64
		for _, sh := range shares {
			total += sh.Amount.Minor
			notes = append(notes, sh.Note)
		}
		if total != 1200000 || len(shares) != 3 || notes[2] != "Cijene materijala porasle" {
			t.Errorf("plan %+v: want 6.000 + 4.000 + 2.000 with the note on the last", shares)
		}
		if err := f.s.Initiatives.Transition(ctx, staff, f.p, x, StateCofinanced, "", "", Meta{}); err != nil {
			t.Fatal(err)
		}
		x, _ = f.s.Initiatives.Get(ctx, x.PublicID)
		pay := func(on, amount, cur string) error {
			return f.s.Money.AddDisbursement(ctx, staff, f.p, x, on, amount, cur, "", Meta{})
		}
		today := time.Now().UTC().Format("2006-01-02")
		future := time.Now().UTC().Add(72 * time.Hour).Format("2006-01-02")
		for _, st := range []struct {
			name, on, amount, cur string
			field, key            string
		}{
			{"zero", today, "0", "BAM", "d_amount", "dialogue.amount.invalid"},
			{"not a date", "32.13.2026", "100", "BAM", "paid_on", "dialogue.date.invalid"},
			{"in the future", future, "100", "BAM", "paid_on", "dialogue.paid_on.future"},
			{"a currency not in the plan", today, "100", "EUR", "d_amount", "dialogue.disbursement.over_plan"},
			{"most of it", today, "11.000", "BAM", "", ""},
			{"over the plan", today, "1.000,01", "BAM", "d_amount", "dialogue.disbursement.over_plan"},
			{"the rest", "2026-01-15", "1.000", "BAM", "", ""},
		} {
			err := pay(st.on, st.amount, st.cur)
			if st.key == "" {
				if err != nil {
					t.Fatalf("%s: %v", st.name, err)
				}
				continue
			}
			if got := fieldErr(err, st.field); got != st.key {
				t.Errorf("payment %s: %v (field %s = %q), want %s", st.name, err, st.field, got, st.key)
			}
		}
		if ds, _ := f.s.Money.Disbursements(ctx, x); len(ds) != 2 {
			t.Errorf("payments %+v: want the two accepted", ds)
		}
	})
}

// TestSharesConcurrent: two editors add 60 % of the cost at the same
// moment; only one fits without a note, and only one is stored.
func TestSharesConcurrent(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, 2)
		ctx := context.Background()
		x := f.selected(t, "Klupe", "10.000")
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = f.s.Money.AddShare(ctx, f.admin(), f.p, x, ShareInput{Source: "donor", Name: "UNDP", Amount: "6.000", Currency: "BAM"}, Meta{})
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case fieldErr(err, "amount") != "dialogue.share.over_cost":
				t.Errorf("concurrent share: %v", err)
			}
		}
		if shares, _ := f.s.Money.Shares(ctx, x); ok != 1 || len(shares) != 1 {
			t.Errorf("%d accepted, %d stored; want one share of 6.000 for a cost of 10.000", ok, len(shares))
		}
	})
}

// TestInitiativeMoneyHistory: every change of an initiative's public
// money (its ballot and what the ballot funded, the shares, the
// co-financing decision, the payments) is in the audit log, written in its
// transaction, with the role it was made in; the history lists them newest
// first with the totals before and after, and never a person.
func TestInitiativeMoneyHistory(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, 3)
		ctx := context.Background()
		x := f.costed(t, f.p, "Rasvjeta", "6.000", true)
		bl, err := f.s.Ballots.Create(ctx, f.coord, f.p, BallotInput{Title: "PB 2027", Budget: "8.000", Currency: "BAM", Initiatives: []string{x.PublicID}}, Meta{})
		if err != nil {
			t.Fatal(err)
		}
		voter := f.users[2]
		if err := f.s.Residents.Verify(ctx, nil, f.p, voter.ID, voter.PublicID, "ba-fbih-mostar", Meta{}); err != nil {
			t.Fatal(err)
		}
		for _, to := range []string{BallotOpen, BallotClosed, BallotPublished} {
			if to == BallotClosed {
				if err := f.s.Ballots.Vote(ctx, voter, f.p, bl, []string{x.PublicID}, Meta{}); err != nil {
					t.Fatal(err)
				}
			}
			if err := f.s.Ballots.SetState(ctx, f.coord, f.p, bl, to, Meta{}); err != nil {
				t.Fatal(err)
			}
		}
		mt, err := f.s.Meetings.Create(ctx, nil, f.p, MeetingInput{Title: "Sjednica", Place: "Vijećnica", StartsAt: f.s.Meetings.now(), EndsAt: f.s.Meetings.now()}, Meta{})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.s.Initiatives.Transition(ctx, f.coord, f.p, x, StateSelected, "", mt.PublicID, Meta{}); err != nil {
			t.Fatal(err)
		}
		staff := staffOf(f.users[1], "ba-fbih-mostar")
		for _, sh := range []ShareInput{{Source: "lsg", Name: "Grad Mostar", Amount: "4.000", Currency: "BAM"}, {Source: "donor", Name: "UNDP", Amount: "2.000", Currency: "BAM"}} {
			if err := f.s.Money.AddShare(ctx, staff, f.p, x, sh, Meta{}); err != nil {
				t.Fatal(err)
			}
		}
		// A refused share leaves no entry.
		_ = f.s.Money.AddShare(ctx, staff, f.p, x, ShareInput{Source: "other", Name: "X", Amount: "1", Currency: "BAM"}, Meta{})
		if err := f.s.Initiatives.Transition(ctx, staff, f.p, x, StateCofinanced, "", "", Meta{}); err != nil {
			t.Fatal(err)
		}
		if err := f.s.Money.AddDisbursement(ctx, f.admin(), f.p, x, "2026-11-20", "2.500", "BAM", "Avans", Meta{}); err != nil {
			t.Fatal(err)
		}
		hs, err := f.s.Money.MoneyHistory(ctx, x)
		if err != nil {
			t.Fatal(err)
		}
		type row struct{ Action, Role, Amount, Before, After, What string }
		var got []row
		for _, h := range hs {
			what := h.Name + h.Date + h.Ballot
			if h.Budget.Currency != "" {
				what += " " + h.Budget.String()
			}
			r := row{Action: h.Action, Role: h.Role, Amount: h.Amount.String(), What: what}
			if h.HasTotals {
				r.Before, r.After = h.Before.String(), h.After.String()
			}
			got = append(got, r)
		}
		staffRole, platform := "lsg_staff:ba-fbih-mostar", ActorPlatformManager+":"+f.p.Slug
		want := []row{
			{"disbursement", ActorAdmin, "2500.00 BAM", "0.00 BAM", "2500.00 BAM", "2026-11-20"},
			{"cofinanced", staffRole, "6000.00 BAM", "", "", ""},
			{"share", staffRole, "2000.00 BAM", "4000.00 BAM", "6000.00 BAM", "UNDP"},
			{"share", staffRole, "4000.00 BAM", "0.00 BAM", "4000.00 BAM", "Grad Mostar"},
			{"funded", platform, "6000.00 BAM", "", "", "PB 2027 8000.00 BAM"},
			{"item", platform, "6000.00 BAM", "", "", "PB 2027 8000.00 BAM"},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("money history (-want +got):\n%s", diff)
		}
		// A co-financing decided before the history (no plan recorded) is
		// left to the timeline.
		if err := audit.Record(ctx, d, audit.Entry{Action: actCofinanced, ObjectKind: "initiative", ObjectRef: x.PublicID, Details: map[string]string{"from": StateSelected, "to": StateCofinanced}}); err != nil {
			t.Fatal(err)
		}
		// Many newer entries of other kinds (follows) do not push the money
		// out of the history.
		follows := make([]audit.Entry, 600)
		for i := range follows {
			follows[i] = audit.Entry{Action: "dialogue.follow", ObjectKind: "initiative", ObjectRef: x.PublicID}
		}
		if err := audit.RecordMany(ctx, d, follows); err != nil {
			t.Fatal(err)
		}
		if hs, err := f.s.Money.MoneyHistory(ctx, x); err != nil || len(hs) != len(want) {
			t.Errorf("after 600 follows the history has %d entries (%v), want %d", len(hs), err, len(want))
		}
		es, _ := audit.List(ctx, d, audit.Filter{ObjectKind: "initiative", ObjectRef: x.PublicID})
		for _, e := range es {
			for k, v := range e.Details {
				if strings.Contains(v, "@") {
					t.Errorf("%s: detail %s = %q names an address", e.Action, k, v)
				}
			}
		}
	})
}
