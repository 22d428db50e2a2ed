package dialogue

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/i18n"
	"github.com/dijalog/dijalog/internal/mail"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/google/go-cmp/cmp"
)

// costed makes an initiative of p with a cost and opens it (or leaves it
// admissible).
func (f *fixture) costed(t *testing.T, p *Platform, title, cost string, open bool) *Initiative {
	t.Helper()
	ctx := context.Background()
	x, err := f.s.Initiatives.Create(ctx, f.users[0], p, InitiativeInput{Title: title, Problem: "p", Solution: "s", Cost: cost, Currency: "BAM", Submit: true}, Meta{})
	if err != nil {
		t.Fatal(err)
	}
	steps := []string{StateAdmissible}
	if open {
		steps = append(steps, StateOpen)
	}
	for _, to := range steps {
		if err := f.s.Initiatives.Transition(ctx, f.admin(), p, x, to, "", "", Meta{}); err != nil {
			t.Fatalf("%s to %s: %v", title, to, err)
		}
	}
	return x
}

// admin is the coordinator's account with a global admin grant (managers
// and money of every platform).
func (f *fixture) admin() *auth.User {
	u := *f.coord
	u.Grants = []auth.Grant{{Role: auth.RoleAdmin, ScopeKind: auth.ScopeGlobal}}
	return &u
}

func TestBallot(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, 30)
		ctx := context.Background()
		a := f.costed(t, f.p, "A", "5.000", true)
		b := f.costed(t, f.p, "B", "4.000", false)
		c := f.costed(t, f.p, "C", "3.000", true)
		free, err := f.s.Initiatives.Create(ctx, f.users[0], f.p, InitiativeInput{Title: "Free", Problem: "p", Solution: "s", Submit: true}, Meta{})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.s.Initiatives.Transition(ctx, f.coord, f.p, free, StateAdmissible, "", "", Meta{}); err != nil {
			t.Fatal(err)
		}
		other, err := f.s.Platforms.Create(ctx, nil, PlatformInput{Name: "LDP Trebinje", LSGs: []string{"ba-rs-trebinje"}}, Meta{})
		if err != nil {
			t.Fatal(err)
		}
		foreign := f.costed(t, other, "Foreign", "1.000", true)

		// Bad input is refused field by field, and nothing is created.
		for name, in := range map[string]BallotInput{
			"no title":    {Budget: "8.000", Currency: "BAM", Initiatives: []string{a.PublicID}},
			"no budget":   {Title: "PB", Currency: "BAM", Initiatives: []string{a.PublicID}},
			"bad budget":  {Title: "PB", Budget: "-5", Currency: "BAM", Initiatives: []string{a.PublicID}},
			"currency":    {Title: "PB", Budget: "8.000", Currency: "XYZ", Initiatives: []string{a.PublicID}},
			"no items":    {Title: "PB", Budget: "8.000", Currency: "BAM"},
			"foreign":     {Title: "PB", Budget: "8.000", Currency: "BAM", Initiatives: []string{a.PublicID, foreign.PublicID}},
			"no cost":     {Title: "PB", Budget: "8.000", Currency: "BAM", Initiatives: []string{free.PublicID}},
			"other money": {Title: "PB", Budget: "8.000", Currency: "EUR", Initiatives: []string{a.PublicID}},
			"unknown":     {Title: "PB", Budget: "8.000", Currency: "BAM", Initiatives: []string{"nosuch"}},
		} {
			var fe FieldErrors
			if _, err := f.s.Ballots.Create(ctx, f.coord, f.p, in, Meta{}); !errors.As(err, &fe) {
				t.Errorf("%s: %v, want field errors", name, err)
			}
		}
		if _, err := f.s.Ballots.Create(ctx, f.users[3], f.p, BallotInput{Title: "PB", Budget: "8.000", Currency: "BAM", Initiatives: []string{a.PublicID}}, Meta{}); !errors.Is(err, refuse.ErrForbidden) {
			t.Errorf("a citizen creates a ballot: %v", err)
		}
		if list, _ := f.s.Ballots.List(ctx, f.p, true); len(list) != 0 {
			t.Fatalf("refused ballots were stored: %+v", list)
		}

		bl, err := f.s.Ballots.Create(ctx, f.coord, f.p, BallotInput{Title: "PB 2027", Budget: "8.000", Currency: "BAM", Initiatives: []string{a.PublicID, b.PublicID, c.PublicID, a.PublicID}}, Meta{})
		if err != nil {
			t.Fatal(err)
		}
		items, err := f.s.Ballots.Items(ctx, bl)
		if err != nil || len(items) != 3 {
			t.Fatalf("items %+v, %v", items, err)
		}
		if list, _ := f.s.Ballots.List(ctx, f.p, false); len(list) != 0 {
			t.Error("a draft ballot is listed publicly")
		}
		voters := f.users[4:24]
		for _, u := range voters {
			if err := f.s.Residents.Verify(ctx, nil, f.p, u.ID, u.PublicID, "ba-fbih-mostar", Meta{}); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.s.Ballots.Vote(ctx, voters[0], f.p, bl, []string{a.PublicID}, Meta{}); !errors.Is(err, ErrBallotClosed) {
			t.Errorf("vote on a draft: %v", err)
		}
		if err := f.s.Ballots.SetState(ctx, f.coord, f.p, bl, BallotPublished, Meta{}); !errors.Is(err, ErrBadTransition) {
			t.Errorf("publish a draft: %v", err)
		}
		if err := f.s.Ballots.SetState(ctx, f.users[3], f.p, bl, BallotOpen, Meta{}); !errors.Is(err, refuse.ErrForbidden) {
			t.Errorf("a citizen opens the ballot: %v", err)
		}
		if err := f.s.Ballots.SetState(ctx, f.coord, f.p, bl, BallotOpen, Meta{}); err != nil {
			t.Fatal(err)
		}

		// Refusals: unverified, verified elsewhere, bad picks.
		if err := f.s.Ballots.Vote(ctx, f.users[1], f.p, bl, []string{a.PublicID}, Meta{}); !errors.Is(err, ErrVerificationRequired) {
			t.Errorf("unverified: %v", err)
		}
		if err := f.s.Residents.Verify(ctx, nil, other, f.users[2].ID, f.users[2].PublicID, "ba-rs-trebinje", Meta{}); err != nil {
			t.Fatal(err)
		}
		if err := f.s.Ballots.Vote(ctx, f.users[2], f.p, bl, []string{a.PublicID}, Meta{}); !errors.Is(err, ErrOtherLSG) {
			t.Errorf("resident of another LSG: %v", err)
		}
		if err := f.s.Ballots.Vote(ctx, nil, f.p, bl, []string{a.PublicID}, Meta{}); !errors.Is(err, refuse.ErrForbidden) {
			t.Errorf("anonymous: %v", err)
		}
		for name, picks := range map[string][]string{
			"over budget": {a.PublicID, b.PublicID},
			"none":        nil,
			"not on it":   {foreign.PublicID},
			"garbage":     {strings.Repeat("x", 5000)},
		} {
			var fe FieldErrors
			if err := f.s.Ballots.Vote(ctx, voters[0], f.p, bl, picks, Meta{}); !errors.As(err, &fe) {
				t.Errorf("%s: %v, want field errors", name, err)
			}
		}
		if _, voted, _ := f.s.Ballots.Voted(ctx, voters[0], bl); voted {
			t.Fatal("a refused ballot was counted")
		}

		// 20 verified residents vote at once, each twice: 20 ballots.
		picks := func(i int) []string {
			switch i % 3 {
			case 0:
				return []string{a.PublicID, c.PublicID} // 8,000: exactly the budget
			case 1:
				return []string{b.PublicID, c.PublicID}
			}
			return []string{b.PublicID}
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		var accepted, twice int
		for i, u := range voters {
			for range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					err := f.s.Ballots.Vote(ctx, u, f.p, bl, picks(i), Meta{})
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err == nil:
						accepted++
					case errors.Is(err, ErrAlreadyVoted):
						twice++
					default:
						t.Errorf("vote: %v", err)
					}
				}()
			}
		}
		wg.Wait()
		if accepted != 20 || twice != 20 {
			t.Fatalf("accepted %d, refused as second %d; want 20 and 20", accepted, twice)
		}
		mine, voted, err := f.s.Ballots.Voted(ctx, voters[0], bl)
		if err != nil || !voted || len(mine) != 2 {
			t.Errorf("voter 0's ballot: %v %v %v", mine, voted, err)
		}
		if err := f.s.Ballots.SetState(ctx, f.coord, f.p, bl, BallotClosed, Meta{}); err != nil {
			t.Fatal(err)
		}
		late := f.users[24]
		if err := f.s.Residents.Verify(ctx, nil, f.p, late.ID, late.PublicID, "ba-fbih-mostar", Meta{}); err != nil {
			t.Fatal(err)
		}
		if err := f.s.Ballots.Vote(ctx, late, f.p, bl, []string{c.PublicID}, Meta{}); !errors.Is(err, ErrBallotClosed) {
			t.Errorf("vote after closing: %v", err)
		}
		// A stale copy of the ballot, still "open", is refused by the database.
		stale := *bl
		stale.State = BallotOpen
		if err := f.s.Ballots.Vote(ctx, late, f.p, &stale, []string{c.PublicID}, Meta{}); !errors.Is(err, ErrBallotClosed) {
			t.Errorf("vote through a stale open ballot: %v", err)
		}
		if err := f.s.Ballots.SetState(ctx, f.coord, f.p, bl, BallotPublished, Meta{}); err != nil {
			t.Fatal(err)
		}
		got, err := f.s.Ballots.Get(ctx, f.p, bl.PublicID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != BallotPublished || got.Ballots != 20 || got.PublishedAt.IsZero() {
			t.Errorf("published ballot %+v", got)
		}
		// Voters 0,3,...,18 (7) pick A+C; 1,4,...,19 (7) B+C; 2,5,...,17 (6) B.
		// C 14 votes, B 13, A 7. Funded in rank order within 8,000:
		// C (3,000), B (4,000); A (5,000) no longer fits.
		res, err := f.s.Ballots.Items(ctx, got)
		if err != nil {
			t.Fatal(err)
		}
		type row struct {
			Title  string
			Votes  int
			Funded bool
			Rank   int
		}
		var rows []row
		for _, it := range res {
			rows = append(rows, row{it.Title, it.Votes, it.Funded, it.Rank})
		}
		want := []row{{"C", 14, true, 1}, {"B", 13, true, 2}, {"A", 7, false, 3}}
		if diff := cmp.Diff(want, rows); diff != "" {
			t.Errorf("results (-want +got):\n%s", diff)
		}
		n, votes, err := f.s.Ballots.Tally(ctx, got)
		if err != nil || n != 20 {
			t.Fatalf("tally %d %v", n, err)
		}
		for _, it := range res {
			if votes[it.ID] != it.Votes {
				t.Errorf("%s: published %d, counted %d", it.Title, it.Votes, votes[it.ID])
			}
		}
		if err := f.s.Ballots.SetState(ctx, f.coord, f.p, got, BallotOpen, Meta{}); !errors.Is(err, ErrBadTransition) {
			t.Errorf("reopen a published ballot: %v", err)
		}
	})
}

// outboxOf returns an outbox that delivers into a recorder.
func outboxOf(d *db.DB) (*mail.Outbox, *mail.Recorder) {
	rec := &mail.Recorder{}
	return mail.NewOutbox(d, rec, slog.New(slog.NewTextHandler(io.Discard, nil)), mail.OutboxOptions{PerDomain: -1}), rec
}

func TestFollowNotifies(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, 4)
		ctx := context.Background()
		cat, err := i18n.Load()
		if err != nil {
			t.Fatal(err)
		}
		out, rec := outboxOf(d)
		f.s = NewService(Deps{DB: d, Places: f.s.Platforms.places, Files: f.s.Platforms.files, Outbox: out, Catalog: cat, BaseURL: "https://dijalog.test/"})
		x := f.costed(t, f.p, "Klupe u parku", "2.000", true)
		follower, quitter := f.users[1], f.users[2]
		for _, u := range []*auth.User{follower, follower, quitter} { // a second follow is harmless
			if err := f.s.Initiatives.Follow(ctx, u, x, Meta{}); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.s.Initiatives.Follow(ctx, nil, x, Meta{}); !errors.Is(err, refuse.ErrForbidden) {
			t.Errorf("anonymous follows: %v", err)
		}
		if ok, n, err := f.s.Initiatives.Following(ctx, follower, x); !ok || n != 2 || err != nil {
			t.Errorf("following %v %d %v", ok, n, err)
		}
		if err := f.s.Initiatives.Unfollow(ctx, quitter, x, Meta{}); err != nil {
			t.Fatal(err)
		}
		if ok, n, _ := f.s.Initiatives.Following(ctx, quitter, x); ok || n != 1 {
			t.Errorf("after unfollowing: %v %d", ok, n)
		}
		// The follower is the actor of nothing; the coordinator moves it.
		if err := f.s.Initiatives.Follow(ctx, f.coord, x, Meta{}); err != nil {
			t.Fatal(err)
		}
		mt, err := f.s.Meetings.Create(ctx, nil, f.p, MeetingInput{Title: "Sjednica", Place: "Vijećnica", StartsAt: f.s.Meetings.now(), EndsAt: f.s.Meetings.now()}, Meta{})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.s.Initiatives.Transition(ctx, f.coord, f.p, x, StateSelected, "Izabrano na sjednici", mt.PublicID, Meta{}); err != nil {
			t.Fatal(err)
		}
		adm := f.admin()
		if err := f.s.Money.AddShare(ctx, adm, f.p, x, ShareInput{Source: "lsg", Name: "Grad Mostar", Amount: "2.000", Currency: "BAM"}, Meta{}); err != nil {
			t.Fatal(err)
		}
		if err := f.s.Initiatives.Transition(ctx, adm, f.p, x, StateCofinanced, "", "", Meta{}); err != nil {
			t.Fatal(err)
		}
		if err := f.s.Money.AddReport(ctx, adm, f.p, x, "Klupe postavljene.", 100, nil, Meta{}); err != nil {
			t.Fatal(err)
		}
		var fe FieldErrors
		if err := f.s.Money.AddReport(ctx, adm, f.p, x, "", 100, nil, Meta{}); !errors.As(err, &fe) {
			t.Errorf("empty report: %v", err)
		}
		for {
			n, err := out.DeliverDue(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				break
			}
		}
		var got []string
		for _, m := range rec.Sent() {
			if m.To != follower.Email {
				t.Errorf("mail to %s (only the follower, not the actor nor who stopped following): %q", m.To, m.Subject)
			}
			got = append(got, m.Subject)
			if !strings.Contains(m.Text, "https://dijalog.test/bs/initiatives/"+x.PublicID) {
				t.Errorf("mail without the link: %q", m.Text)
			}
		}
		want := []string{"«Klupe u parku»: Izabrana na sjednici", "«Klupe u parku»: Sufinansirana", "«Klupe u parku»: novi izvještaj o napretku"}
		p := cat.Printer("bs")
		want[0] = "«Klupe u parku»: " + p.T("dialogue.state.selected")
		want[1] = "«Klupe u parku»: " + p.T("dialogue.state.cofinanced")
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("mails (-want +got):\n%s", diff)
		}
		if len(rec.Sent()) > 0 && !strings.Contains(rec.Sent()[0].Text, "Izabrano na sjednici") {
			t.Errorf("the reason is not in the mail: %q", rec.Sent()[0].Text)
		}
	})
}

func TestProgrammesAndDashboards(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, 2)
		ctx := context.Background()
		adm := f.admin()
		other, err := f.s.Platforms.Create(ctx, nil, PlatformInput{Name: "Međuopštinska platforma", LSGs: []string{"ba-rs-trebinje", "ba-fbih-mostar", "ba-fbih-trnovo"}}, Meta{})
		if err != nil {
			t.Fatal(err)
		}
		finance := func(p *Platform, title, lsg, donor string, amount string, done bool) {
			t.Helper()
			x, err := f.s.Initiatives.Create(ctx, f.users[0], p, InitiativeInput{Title: title, Problem: "p", Solution: "s", LSG: lsg, Cost: amount, Currency: "BAM", Submit: true}, Meta{})
			if err != nil {
				t.Fatal(err)
			}
			mt, err := f.s.Meetings.Create(ctx, nil, p, MeetingInput{Title: "Sjednica", Place: "Vijećnica", StartsAt: f.s.Meetings.now(), EndsAt: f.s.Meetings.now()}, Meta{})
			if err != nil {
				t.Fatal(err)
			}
			for _, to := range []string{StateAdmissible, StateOpen, StateSelected, StateCofinanced, StateImplementation, StateDone} {
				if to == StateDone && !done {
					break
				}
				if to == StateCofinanced {
					// The donor doubles the estimate: the plan says why.
					for _, sh := range []ShareInput{{Source: "lsg", Name: "Općina", Amount: amount, Currency: "BAM"}, {Source: "donor", Name: donor, Amount: amount, Currency: "BAM", Note: "Proširen obim radova"}} {
						if err := f.s.Money.AddShare(ctx, adm, p, x, sh, Meta{}); err != nil {
							t.Fatal(err)
						}
					}
				}
				if err := f.s.Initiatives.Transition(ctx, adm, p, x, to, "", mt.PublicID, Meta{}); err != nil {
					t.Fatalf("%s to %s: %v", title, to, err)
				}
			}
		}
		finance(f.p, "Mostar 1", "", "UNDP MAKERS", "1.000", true)
		finance(f.p, "Mostar 2", "", "undp makers", "2.000", false) // same programme, other spelling
		finance(other, "Trebinje 1", "ba-rs-trebinje", "UNDP MAKERS", "3.000", true)
		finance(other, "Trnovo 1", "ba-fbih-trnovo", "EU4Business", "500", true)
		if _, err := f.s.Initiatives.Create(ctx, f.users[0], other, InitiativeInput{Title: "Trnovo 2", Problem: "p", Solution: "s", LSG: "ba-fbih-trnovo", Submit: true}, Meta{}); err != nil {
			t.Fatal(err)
		}

		list, err := f.s.Money.Programmes(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, p := range list {
			names = append(names, fmt.Sprintf("%s %s %d %s", p.Key, p.Name, p.Initiatives, p.Amounts[0]))
		}
		if diff := cmp.Diff([]string{"undp-makers UNDP MAKERS 3 6000.00 BAM", "eu4business EU4Business 1 500.00 BAM"}, names); diff != "" {
			t.Errorf("programmes (-want +got):\n%s", diff)
		}
		pm, err := f.s.Money.ProgrammeMoney(ctx, "undp-makers")
		if err != nil {
			t.Fatal(err)
		}
		// Plans count every source: (1,000 + 2,000 + 3,000) × 2.
		if pm.Cofinanced != 3 || pm.Done != 2 || len(pm.Totals) != 1 || pm.Totals[0].Minor != 1200000 || len(pm.ByPlatform) != 2 {
			t.Errorf("programme money: %+v", pm.MoneySummary)
		}
		if _, err := f.s.Money.ProgrammeMoney(ctx, "nosuch"); !errors.Is(err, refuse.ErrNotFound) {
			t.Errorf("unknown programme: %v", err)
		}
		if _, err := f.s.Money.ProgrammeMoney(ctx, strings.Repeat("x", 500)); !errors.Is(err, refuse.ErrNotFound) {
			t.Errorf("long key: %v", err)
		}

		// The inter-municipal platform's dashboard counts per LSG.
		dash, err := f.s.Money.PlatformDashboard(ctx, other)
		if err != nil {
			t.Fatal(err)
		}
		if dash.Initiatives != 3 || dash.Money.Cofinanced != 2 || dash.Money.Done != 2 {
			t.Errorf("platform dashboard %+v / %+v", dash, dash.Money)
		}
		if diff := cmp.Diff([]LSGCount{{"ba-fbih-trnovo", 2}, {"ba-rs-trebinje", 1}}, dash.ByLSG); diff != "" {
			t.Errorf("by LSG (-want +got):\n%s", diff)
		}
		// Mostar's dashboard: its own platform's two.
		md, err := f.s.Money.LSGDashboard(ctx, "ba-fbih-mostar")
		if err != nil {
			t.Fatal(err)
		}
		if md.Initiatives != 2 || md.Money.Done != 1 || len(md.ByState) != 2 {
			t.Errorf("Mostar dashboard %+v", md)
		}
	})
}

// TestWithdrawRefusals: withdrawing a support that does not exist, or after
// the support phase closed, changes nothing.
func TestWithdrawRefusals(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, 3)
		ctx := context.Background()
		x := f.openInitiative(t, "W")
		if _, err := f.s.Initiatives.Withdraw(ctx, f.users[1], x, Meta{}); !errors.Is(err, ErrNotSupported) {
			t.Errorf("withdraw without support: %v", err)
		}
		if n, err := f.s.Initiatives.Support(ctx, f.users[1], f.p, x, Meta{}); err != nil || n != 1 {
			t.Fatalf("support: %d %v", n, err)
		}
		if _, err := f.s.Initiatives.Support(ctx, f.users[1], f.p, x, Meta{}); !errors.Is(err, ErrAlreadySupported) {
			t.Errorf("second support: %v", err)
		}
		if n, err := f.s.Initiatives.Support(ctx, f.users[2], f.p, x, Meta{}); err != nil || n != 2 {
			t.Fatalf("support: %d %v", n, err)
		}
		if n, err := f.s.Initiatives.Withdraw(ctx, f.users[2], x, Meta{}); err != nil || n != 1 {
			t.Fatalf("withdraw: %d %v", n, err)
		}
		if err := f.s.Initiatives.Transition(ctx, f.coord, f.p, x, StateRejected, "Nije u nadležnosti", "", Meta{}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Initiatives.Withdraw(ctx, f.users[1], x, Meta{}); !errors.Is(err, ErrClosed) {
			t.Errorf("withdraw after closing: %v", err)
		}
		if _, err := f.s.Initiatives.Support(ctx, f.users[2], f.p, x, Meta{}); !errors.Is(err, ErrClosed) {
			t.Errorf("support after closing: %v", err)
		}
		counter, rows, err := f.s.Initiatives.SupportCounts(ctx, x.ID)
		if err != nil || counter != 1 || rows != 1 {
			t.Errorf("after the refusals: counter %d, rows %d, %v", counter, rows, err)
		}
	})
}
