package eloge

import (
	"math"
	"testing"

	"github.com/dijalog/dijalog/internal/surveys"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestSelfScores(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		scores []IndicatorScore
		max    int
		want   map[int]float64
	}{
		{"empty", nil, 5, map[int]float64{}},
		{"one principle, two indicators", []IndicatorScore{{1, 5, true}, {1, 3, true}}, 5, map[int]float64{1: 80}},
		{"unscored indicators are left out", []IndicatorScore{{1, 4, true}, {1, 0, false}, {2, 0, false}}, 5, map[int]float64{1: 80}},
		{"zero is a score", []IndicatorScore{{3, 0, true}}, 5, map[int]float64{3: 0}},
		{"out of scale ignored", []IndicatorScore{{1, 7, true}, {1, 2, true}}, 4, map[int]float64{1: 50}},
		{"scale of 10", []IndicatorScore{{2, 7, true}}, 10, map[int]float64{2: 70}},
		{"bad scale", []IndicatorScore{{2, 7, true}}, 0, map[int]float64{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, SelfScores(tc.scores, tc.max), cmpopts.EquateApprox(0, 1e-9)); diff != "" {
				t.Errorf("SelfScores (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSurveyScores(t *testing.T) {
	t.Parallel()
	def := &surveys.Definition{Sections: []surveys.Section{{Key: "p1", Questions: []surveys.Question{
		{Key: "a", Type: surveys.TypeLikert, DontKnow: true, Principle: 1},
		{Key: "b", Type: surveys.TypeLikert, DontKnow: true, Principle: 1},
		{Key: "c", Type: surveys.TypeLikert, DontKnow: true, Principle: 2},
		{Key: "m", Type: surveys.TypeMatrix, Principle: 3, Rows: []surveys.Option{{Key: "r1"}, {Key: "r2"}}},
		{Key: "x", Type: surveys.TypeLikert},
	}}}}
	tests := []struct {
		name  string
		stats map[string]surveys.LikertStat
		want  map[int]float64
	}{
		{"no answers", nil, map[int]float64{}},
		{"all fives", map[string]surveys.LikertStat{"a": {Sum: 10, N: 2}}, map[int]float64{1: 100}},
		{"all ones", map[string]surveys.LikertStat{"c": {Sum: 3, N: 3}}, map[int]float64{2: 0}},
		{"mean over questions of a principle", map[string]surveys.LikertStat{"a": {Sum: 5, N: 1}, "b": {Sum: 1, N: 1}}, map[int]float64{1: 50}},
		{"don't know only: no score", map[string]surveys.LikertStat{"c": {DontKnow: 7}}, map[int]float64{}},
		{"don't know left out", map[string]surveys.LikertStat{"c": {Sum: 8, N: 2, DontKnow: 9}}, map[int]float64{2: 75}},
		{"matrix rows", map[string]surveys.LikertStat{"m/r1": {Sum: 3, N: 1}, "m/r2": {Sum: 5, N: 1}}, map[int]float64{3: 75}},
		{"question without principle ignored", map[string]surveys.LikertStat{"x": {Sum: 5, N: 1}}, map[int]float64{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, SurveyScores(def, tc.stats), cmpopts.EquateApprox(0, 1e-9)); diff != "" {
				t.Errorf("SurveyScores (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCombine(t *testing.T) {
	t.Parallel()
	w := Weights{Self: 40, Citizens: 20, Councillors: 20, Staff: 20}
	tests := []struct {
		name     string
		by       map[string]map[int]float64
		w        Weights
		want     map[int]float64 // combined; absent = no score
		overall  float64
		complete bool
	}{
		{"all sources", map[string]map[int]float64{SourceSelf: {1: 100, 2: 50}, SourceCitizens: {1: 0, 2: 50}, SourceCouncillors: {1: 50, 2: 50}, SourceStaff: {1: 50, 2: 50}}, w,
			map[int]float64{1: 60, 2: 50}, 55, true},
		{"missing citizens: weights renormalised", map[string]map[int]float64{SourceSelf: {1: 100, 2: 100}, SourceCouncillors: {1: 40, 2: 40}, SourceStaff: {1: 40, 2: 40}}, w,
			map[int]float64{1: 70, 2: 70}, 70, true},
		{"self only", map[string]map[int]float64{SourceSelf: {1: 80}}, w, map[int]float64{1: 80}, 80, false},
		{"nothing", map[string]map[int]float64{}, w, map[int]float64{}, 0, false},
		{"zero weight source ignored", map[string]map[int]float64{SourceSelf: {1: 100, 2: 100}, SourceCitizens: {1: 0, 2: 0}}, Weights{Self: 1}, map[int]float64{1: 100, 2: 100}, 100, true},
		{"only a zero-weight source", map[string]map[int]float64{SourceCitizens: {1: 90}}, Weights{Self: 1}, map[int]float64{}, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ps := Combine([]int{2, 1}, tc.by, tc.w)
			got := map[int]float64{}
			for _, p := range ps {
				if p.HasScore {
					got[p.Principle] = p.Combined
				}
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
				t.Errorf("Combine (-want +got):\n%s", diff)
			}
			if ps[0].Principle != 1 {
				t.Errorf("principles not in order: %v", ps)
			}
			o, complete := Overall(ps)
			if math.Abs(o-tc.overall) > 1e-9 || complete != tc.complete {
				t.Errorf("Overall = %v, %v; want %v, %v", o, complete, tc.overall, tc.complete)
			}
		})
	}
}

func TestAverageAndWeak(t *testing.T) {
	t.Parallel()
	a := []PrincipleScore{{Principle: 1, Combined: 80, HasScore: true}, {Principle: 2, Combined: 40, HasScore: true}}
	b := []PrincipleScore{{Principle: 1, Combined: 60, HasScore: true}, {Principle: 2}}
	if diff := cmp.Diff(map[int]float64{1: 70, 2: 40}, Average([][]PrincipleScore{a, b})); diff != "" {
		t.Errorf("Average (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{2}, Weak(a, 70)); diff != "" {
		t.Errorf("Weak (-want +got):\n%s", diff)
	}
}

func TestBuiltinSets(t *testing.T) {
	t.Parallel()
	sets, err := BuiltinSets()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sets {
		if len(s.Principles) != 12 {
			t.Errorf("set %s: %d principles", s.Code, len(s.Principles))
		}
		for _, p := range s.Principles {
			if p.Title["en"] == "" || len(p.Indicators) == 0 {
				t.Errorf("set %s principle %d: no title or indicators", s.Code, p.Number)
			}
			if s.Code == "2008" {
				for _, l := range []string{"en", "bs", "hr", "sr-Latn", "mk", "sq"} {
					if p.Title[l] == "" {
						t.Errorf("2008 principle %d has no %s title", p.Number, l)
					}
					for _, in := range p.Indicators {
						if in.Text[l] == "" {
							t.Errorf("2008 indicator %s has no %s text", in.Code, l)
						}
					}
				}
				// sr-Cyrl comes from sr-Latn by transliteration.
				if got := p.Title.In("sr-Cyrl"); got == "" || got == p.Title["sr-Latn"] {
					t.Errorf("principle %d: no Cyrillic title (%q)", p.Number, got)
				}
			}
		}
	}
}
