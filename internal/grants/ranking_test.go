package grants

import (
	"database/sql"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestOrderRanking: higher averages first; equal averages by earlier
// submission, each naming the others; the budget line above the first
// application that no longer fits.
func TestOrderRanking(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC)
	app := func(org string, requested int64, minute int) *Application {
		return &Application{OrgName: org, Requested: requested, SubmittedAt: sql.NullTime{Time: base.Add(time.Duration(minute) * time.Minute), Valid: true}}
	}
	ranks := []Rank{
		{App: app("C", 400000, 1), AvgPct: 700, Scores: 2},
		{App: app("A", 600000, 5), AvgPct: 900, Scores: 2},
		{App: app("B late", 500000, 9), AvgPct: 800, Scores: 2},
		{App: app("B early", 500000, 2), AvgPct: 800, Scores: 2},
		{App: app("D", 100000, 0), Scores: 0}, // not scored yet
	}
	orderRanking(ranks, 1600000)
	type row struct {
		Org       string
		Pos       int
		Running   int64
		Within    bool
		LineAbove bool
		Tie       []string
	}
	var got []row
	for _, r := range ranks {
		got = append(got, row{r.App.OrgName, r.Position, r.Running, r.Within, r.LineAbove, r.TieWith})
	}
	want := []row{
		{"A", 1, 600000, true, false, nil},
		{"B early", 2, 1100000, true, false, []string{"B late"}},
		{"B late", 3, 1600000, true, false, []string{"B early"}},
		{"C", 4, 2000000, false, true, nil},
		{"D", 5, 2100000, false, false, nil},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("ranking (-want +got):\n%s", d)
	}
	// The first application alone exceeds the budget: the line is on top.
	one := []Rank{{App: app("Big", 900000, 0), AvgPct: 500, Scores: 2}}
	orderRanking(one, 500000)
	if !one[0].LineAbove || one[0].Within {
		t.Errorf("an application over the whole budget: %+v", one[0])
	}
}
