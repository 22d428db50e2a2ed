package dialogue

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/refuse"
)

// Issue 16: the participation pages are places to act. These tests hold
// the rules behind them: platforms come most active first, initiatives
// are filtered by state group and LSG with those open for support first,
// an open initiative carries its platform's support goal and the date of
// the meeting that decides, and only a platform's managers set the goal.

// meeting schedules a meeting of p at start (an hour long).
func (f *fixture) meeting(t *testing.T, p *Platform, start time.Time) *Meeting {
	t.Helper()
	mt, err := f.s.Meetings.Create(context.Background(), nil, p, MeetingInput{Title: "Sjednica", Place: "Vijećnica", StartsAt: start, EndsAt: start.Add(time.Hour)}, Meta{})
	if err != nil {
		t.Fatal(err)
	}
	return mt
}

func TestPlatformsByActivity(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, 3)
		create := func(name string) *Platform {
			p, err := f.s.Platforms.Create(ctx, nil, PlatformInput{Name: name, LSGs: []string{"ba-rs-trebinje"}, Description: "Opis: " + name}, Meta{})
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		quiet, members, open := create("Aaa tiha platforma"), create("Mmm platforma"), create("Zzz platforma")
		for _, u := range f.users[:2] {
			if err := f.s.Platforms.AddMemberDirect(ctx, members, u.ID, RoleMember); err != nil {
				t.Fatal(err)
			}
		}
		// Mostar: one member and an initiative under review; Zzz: one open
		// for support (its coordinator is the fixture's).
		if _, err := f.s.Initiatives.Create(ctx, f.users[0], f.p, InitiativeInput{Title: "Klupe", Problem: "p", Solution: "s", Submit: true}, Meta{}); err != nil {
			t.Fatal(err)
		}
		if err := f.s.Platforms.AddMemberDirect(ctx, open, f.coord.ID, RoleCoordinator); err != nil {
			t.Fatal(err)
		}
		g := *f
		g.p = open
		g.openInitiative(t, "Rasvjeta")
		now := time.Now().UTC()
		f.meeting(t, open, now.Add(-48*time.Hour)) // past: not the next one
		next := f.meeting(t, members, now.Add(72*time.Hour))
		f.meeting(t, members, now.Add(240*time.Hour))

		list, err := f.s.Platforms.List(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, p := range list {
			names = append(names, p.Name)
		}
		want := []string{open.Name, f.p.Name, members.Name, quiet.Name}
		if !slices.Equal(names, want) {
			t.Errorf("platforms in the order %q, want the most active first: %q", names, want)
		}
		for _, p := range list {
			switch p.ID {
			case members.ID:
				if !p.Next.Equal(next.StartsAt) || p.Meetings != 2 {
					t.Errorf("%s: next meeting %v (of %d), want %v (of 2)", p.Name, p.Next, p.Meetings, next.StartsAt)
				}
			case open.ID:
				if !p.Next.IsZero() {
					t.Errorf("%s: a past meeting is its next one: %v", p.Name, p.Next)
				}
			case quiet.ID:
				if p.Description != "Opis: "+quiet.Name {
					t.Errorf("%s: description %q", p.Name, p.Description)
				}
			}
		}
	})
}

func TestInitiativeFilters(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, 2)
		open := f.openInitiative(t, "Rasvjeta")
		review, err := f.s.Initiatives.Create(ctx, f.users[0], f.p, InitiativeInput{Title: "Klupe", Problem: "p", Solution: "s", Submit: true}, Meta{})
		if err != nil {
			t.Fatal(err)
		}
		rejected := f.openInitiative(t, "Fontana")
		if err := f.s.Initiatives.Transition(ctx, f.coord, f.p, rejected, StateRejected, "Nije u nadležnosti općine.", "", Meta{}); err != nil {
			t.Fatal(err)
		}
		decides := f.meeting(t, f.p, time.Now().UTC().Add(96*time.Hour))
		titles := func(fl InitiativeFilter) []string {
			t.Helper()
			xs, err := f.s.Initiatives.List(ctx, fl)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, x := range xs {
				out = append(out, x.Title)
			}
			return out
		}
		for _, c := range []struct {
			name string
			f    InitiativeFilter
			want []string
		}{
			{"open for support", InitiativeFilter{Group: "open"}, []string{open.Title}},
			{"under review", InitiativeFilter{Group: "review"}, []string{review.Title}},
			{"rejected or withdrawn", InitiativeFilter{Group: "closed"}, []string{rejected.Title}},
			{"an unknown group is no filter", InitiativeFilter{Group: "nonsense", OpenFirst: true}, []string{open.Title, rejected.Title, review.Title}},
			{"open first", InitiativeFilter{OpenFirst: true}, []string{open.Title, rejected.Title, review.Title}},
			{"of the LSG", InitiativeFilter{LSG: "ba-fbih-mostar", Group: "open"}, []string{open.Title}},
			{"of another LSG", InitiativeFilter{LSG: "ba-rs-trebinje"}, nil},
			{"second page", InitiativeFilter{OpenFirst: true, Limit: 1, Offset: 1}, []string{rejected.Title}},
		} {
			if got := titles(c.f); !slices.Equal(got, c.want) {
				t.Errorf("%s: %q, want %q", c.name, got, c.want)
			}
		}
		xs, err := f.s.Initiatives.List(ctx, InitiativeFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range xs {
			if got := x.SupportUntil.Equal(decides.StartsAt); got != (x.State == StateOpen) {
				t.Errorf("%s (%s): support until %v, want the next meeting (%v) only while open", x.Title, x.State, x.SupportUntil, decides.StartsAt)
			}
		}
	})
}

func TestSupportGoal(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, 3)
		x := f.openInitiative(t, "Rasvjeta")
		if err := f.s.Platforms.SetSupportGoal(ctx, f.users[1], f.p, "10", Meta{}); !errors.Is(err, refuse.ErrForbidden) {
			t.Errorf("a member of the public sets the goal: %v", err)
		}
		for _, bad := range []string{"-1", "deset", "1000001", "1.5"} {
			var fe FieldErrors
			if err := f.s.Platforms.SetSupportGoal(ctx, f.coord, f.p, bad, Meta{}); !errors.As(err, &fe) || fe["support_goal"] == "" {
				t.Errorf("goal %q: %v, want a field error", bad, err)
			}
		}
		if err := f.s.Platforms.SetSupportGoal(ctx, f.coord, f.p, " 4 ", Meta{}); err != nil {
			t.Fatal(err)
		}
		for _, u := range f.users[:3] {
			if _, err := f.s.Initiatives.Support(ctx, u, f.p, x, Meta{}); err != nil {
				t.Fatal(err)
			}
		}
		got, p, err := f.s.Initiatives.WithPlatform(ctx, x.PublicID)
		if err != nil {
			t.Fatal(err)
		}
		if p.SupportGoal != 4 || got.SupportGoal != 4 || got.Supports != 3 || got.GoalPercent() != 75 || got.GoalReached() {
			t.Errorf("goal %d/%d, supports %d, %d %%, reached %v; want 4, 3, 75 %%, not reached", p.SupportGoal, got.SupportGoal, got.Supports, got.GoalPercent(), got.GoalReached())
		}
		if err := f.s.Platforms.SetSupportGoal(ctx, f.coord, f.p, "", Meta{}); err != nil {
			t.Fatal(err)
		}
		if p, err := f.s.Platforms.Get(ctx, f.p.Slug); err != nil || p.SupportGoal != 0 {
			t.Errorf("an empty goal: %v, %v; want none (0)", p, err)
		}
	})
}

func TestGoalPercent(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		supports, goal, pct int
		reached             bool
	}{{0, 0, 0, false}, {5, 0, 0, false}, {0, 15, 0, false}, {9, 15, 60, false}, {15, 15, 100, true}, {40, 15, 100, true}} {
		x := Initiative{Supports: c.supports, SupportGoal: c.goal}
		if x.GoalPercent() != c.pct || x.GoalReached() != c.reached {
			t.Errorf("%d of %d: %d %%, reached %v; want %d %%, %v", c.supports, c.goal, x.GoalPercent(), x.GoalReached(), c.pct, c.reached)
		}
	}
}

// TestDemoPlatformsDescribeThemselves: every demo platform has its own
// description (the list repeated Mostar's on every MAKERS platform).
func TestDemoPlatformsDescribeThemselves(t *testing.T) {
	t.Parallel()
	b, err := fs.ReadFile(demoFiles, "demo/platforms.json")
	if err != nil {
		t.Fatal(err)
	}
	var d demoPlatforms
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for _, p := range d.Platforms {
		desc := strings.TrimSpace(p.Description)
		if len(desc) < 80 {
			t.Errorf("%s: description %q, want a real one", p.Key, desc)
		}
		if other, ok := seen[desc]; ok {
			t.Errorf("%s repeats the description of %s", p.Key, other)
		}
		seen[desc] = p.Key
	}
}
