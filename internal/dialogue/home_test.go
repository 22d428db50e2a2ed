package dialogue

import (
	"context"
	"testing"
	"time"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/google/go-cmp/cmp"
)

// TestHomeBlocks (issue 16): the home page's queries, on both databases:
// initiatives open for support, most supported first, with their total
// and the platform's next meeting (where they are selected); open ballots
// and meetings ahead; everywhere, or on the platforms of one LSG (an
// inter-municipal platform counts for each of its LSGs).
func TestHomeBlocks(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, 8)
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Second)
		f.s.Initiatives.core.now = func() time.Time { return now }
		trebinje, err := f.s.Platforms.Create(ctx, nil, PlatformInput{Name: "LDP Trebinje", LSGs: []string{"ba-rs-trebinje"}}, Meta{})
		if err != nil {
			t.Fatal(err)
		}
		joint, err := f.s.Platforms.Create(ctx, nil, PlatformInput{Name: "MLDP Trnovo Trebinje", LSGs: []string{"ba-rs-trebinje", "ba-fbih-trnovo"}}, Meta{})
		if err != nil {
			t.Fatal(err)
		}
		a := f.costed(t, f.p, "A", "5.000", true)
		b := f.costed(t, f.p, "B", "4.000", true)
		c := f.costed(t, trebinje, "C", "3.000", true)
		f.costed(t, f.p, "Admissible only", "1.000", false)
		for i, x := range []*Initiative{a, a, c} {
			p := f.p
			if x == c {
				p = trebinje
			}
			if _, err := f.s.Initiatives.Support(ctx, f.users[i], p, x, Meta{}); err != nil {
				t.Fatal(err)
			}
		}
		meet := func(p *Platform, title string, start time.Duration) {
			t.Helper()
			if _, err := f.s.Meetings.Create(ctx, nil, p, MeetingInput{Title: title, Place: "Vijećnica", StartsAt: now.Add(start), EndsAt: now.Add(start + 2*time.Hour)}, Meta{}); err != nil {
				t.Fatal(err)
			}
		}
		meet(f.p, "Past", -72*time.Hour)
		meet(f.p, "Later", 20*24*time.Hour)
		meet(f.p, "Next", 10*24*time.Hour)
		meet(joint, "Joint", 5*24*time.Hour)
		next := now.Add(10 * 24 * time.Hour)

		type row struct {
			Title    string
			Supports int
			Next     time.Time
		}
		rows := func(xs []OpenInitiative) []row {
			var out []row
			for _, x := range xs {
				out = append(out, row{x.Title, x.Supports, x.NextMeeting.UTC()})
			}
			return out
		}
		for _, c := range []struct {
			lsg   string
			limit int
			want  []row
			total int
		}{
			{"", 4, []row{{"A", 2, next}, {"C", 1, time.Time{}}, {"B", 0, next}}, 3},
			{"", 1, []row{{"A", 2, next}}, 3},
			{"ba-fbih-mostar", 4, []row{{"A", 2, next}, {"B", 0, next}}, 2},
			{"ba-rs-trebinje", 4, []row{{"C", 1, time.Time{}}}, 1},
			{"ba-fbih-trnovo", 4, nil, 0},
		} {
			got, total, err := f.s.Initiatives.OpenForSupport(ctx, c.lsg, c.limit)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(c.want, rows(got)); d != "" || total != c.total {
				t.Errorf("open for support in %q (limit %d): total %d, want %d; rows (-want +got):\n%s", c.lsg, c.limit, total, c.total, d)
			}
		}

		titles := func(ms []UpcomingMeeting) []string {
			var out []string
			for _, m := range ms {
				out = append(out, m.Title)
			}
			return out
		}
		for lsg, want := range map[string][]string{
			"":               {"Joint", "Next", "Later"},
			"ba-fbih-mostar": {"Next", "Later"},
			"ba-rs-trebinje": {"Joint"},
			"ba-fbih-trnovo": {"Joint"},
			"ba-rs-doboj":    nil,
		} {
			got, err := f.s.Meetings.Upcoming(ctx, lsg, 4)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(want, titles(got)); d != "" {
				t.Errorf("meetings ahead in %q (-want +got):\n%s", lsg, d)
			}
		}

		bl, err := f.s.Ballots.Create(ctx, f.coord, f.p, BallotInput{Title: "PB 2027", Budget: "8.000", Currency: "BAM", Initiatives: []string{a.PublicID, b.PublicID}}, Meta{})
		if err != nil {
			t.Fatal(err)
		}
		if got, err := f.s.Ballots.Open(ctx, "", 4); err != nil || len(got) != 0 {
			t.Errorf("a draft ballot is listed as open: %+v, %v", got, err)
		}
		if err := f.s.Ballots.SetState(ctx, f.coord, f.p, bl, BallotOpen, Meta{}); err != nil {
			t.Fatal(err)
		}
		for lsg, want := range map[string]int{"": 1, "ba-fbih-mostar": 1, "ba-rs-trebinje": 0} {
			got, err := f.s.Ballots.Open(ctx, lsg, 4)
			if err != nil || len(got) != want {
				t.Errorf("open ballots in %q: %+v, %v; want %d", lsg, got, err, want)
			}
			if len(got) == 1 && (got[0].Title != "PB 2027" || got[0].Budget.Minor != 800000 || got[0].PlatformSlug != f.p.Slug) {
				t.Errorf("open ballot: %+v", got[0])
			}
		}
	})
}
