package eloge

import (
	"math"
	"sort"

	"github.com/dijalog/dijalog/internal/surveys"
)

// Sources of a score.
const (
	SourceSelf        = "self"
	SourceCitizens    = "citizens"
	SourceCouncillors = "councillors"
	SourceStaff       = "staff"
)

// Sources lists the sources in display order.
func Sources() []string {
	return []string{SourceSelf, SourceCitizens, SourceCouncillors, SourceStaff}
}

// Weights are the relative weights of the sources in the combined score
// (a cycle setting); a weight of 0 leaves a source out.
type Weights struct {
	Self, Citizens, Councillors, Staff int
}

func (w Weights) of(source string) int {
	switch source {
	case SourceSelf:
		return w.Self
	case SourceCitizens:
		return w.Citizens
	case SourceCouncillors:
		return w.Councillors
	case SourceStaff:
		return w.Staff
	}
	return 0
}

// IndicatorScore is one self-assessment score of an indicator.
type IndicatorScore struct {
	Principle int
	Score     int  // 0..scaleMax
	Scored    bool // false: not scored yet
}

// SelfScores turns self-assessment scores into 0-100 per principle: the
// mean of the scored indicators divided by the scale's maximum. A
// principle with no scored indicator has no score (it is missing, not 0).
func SelfScores(scores []IndicatorScore, scaleMax int) map[int]float64 {
	if scaleMax <= 0 {
		return map[int]float64{}
	}
	sum := map[int]int{}
	n := map[int]int{}
	for _, s := range scores {
		if !s.Scored || s.Score < 0 || s.Score > scaleMax {
			continue
		}
		sum[s.Principle] += s.Score
		n[s.Principle]++
	}
	out := map[int]float64{}
	for p, c := range n {
		out[p] = float64(sum[p]) / float64(c) / float64(scaleMax) * 100
	}
	return out
}

// SurveyScores turns the scale answers of a questionnaire into 0-100 per
// principle: the mean answer on 1-5 mapped to 0-100, over every answer to
// the principle's questions. "Don't know" answers are left out; a principle
// whose questions were answered only with "don't know" (or not at all) has
// no score.
func SurveyScores(def *surveys.Definition, stats map[string]surveys.LikertStat) map[int]float64 {
	sum := map[int]int{}
	n := map[int]int{}
	for _, q := range def.Questions() {
		if q.Principle == 0 {
			continue
		}
		keys := []string{q.Key}
		if q.Type == surveys.TypeMatrix {
			keys = keys[:0]
			for _, r := range q.Rows {
				keys = append(keys, q.Key+"/"+r.Key)
			}
		}
		for _, k := range keys {
			st := stats[k]
			sum[q.Principle] += st.Sum
			n[q.Principle] += st.N
		}
	}
	out := map[int]float64{}
	for p, c := range n {
		if c > 0 {
			out[p] = (float64(sum[p])/float64(c) - 1) / 4 * 100
		}
	}
	return out
}

// PrincipleScore is one principle's scores from each source and combined.
type PrincipleScore struct {
	Principle int
	BySource  map[string]float64 // present sources only
	Combined  float64
	HasScore  bool // at least one weighted source has a score
}

// Source returns a source's score and whether it exists.
func (p PrincipleScore) Source(s string) (float64, bool) {
	v, ok := p.BySource[s]
	return v, ok
}

// Combine weighs the sources per principle. The weights of missing
// sources are shared out among the present ones (renormalised), so a
// principle that citizens did not rate is judged on the other sources
// rather than counted as 0.
func Combine(principles []int, bySource map[string]map[int]float64, w Weights) []PrincipleScore {
	ps := append([]int(nil), principles...)
	sort.Ints(ps)
	out := make([]PrincipleScore, 0, len(ps))
	for _, p := range ps {
		r := PrincipleScore{Principle: p, BySource: map[string]float64{}}
		num, den := 0.0, 0
		for _, s := range Sources() {
			v, ok := bySource[s][p]
			if !ok {
				continue
			}
			r.BySource[s] = v
			if wt := w.of(s); wt > 0 {
				num += v * float64(wt)
				den += wt
			}
		}
		if den > 0 {
			r.Combined, r.HasScore = num/float64(den), true
		}
		out = append(out, r)
	}
	return out
}

// Overall is the mean of the combined scores of the principles that have
// one, and whether every principle has one (a label needs all twelve).
func Overall(ps []PrincipleScore) (score float64, complete bool) {
	sum, n := 0.0, 0
	for _, p := range ps {
		if p.HasScore {
			sum += p.Combined
			n++
		}
	}
	if n == 0 {
		return 0, false
	}
	return sum / float64(n), n == len(ps)
}

// Average is the per-principle mean of the combined scores of several
// LSGs (the cycle average); principles without scores are left out.
func Average(all [][]PrincipleScore) map[int]float64 {
	sum := map[int]float64{}
	n := map[int]int{}
	for _, ps := range all {
		for _, p := range ps {
			if p.HasScore {
				sum[p.Principle] += p.Combined
				n[p.Principle]++
			}
		}
	}
	out := map[int]float64{}
	for p, c := range n {
		out[p] = sum[p] / float64(c)
	}
	return out
}

// Weak lists the principles whose combined score is under the threshold,
// the candidates for the improvement plan.
func Weak(ps []PrincipleScore, threshold int) []int {
	var out []int
	for _, p := range ps {
		if p.HasScore && p.Combined < float64(threshold) {
			out = append(out, p.Principle)
		}
	}
	return out
}

// Round1 rounds to one decimal, for display and JSON.
func Round1(x float64) float64 { return math.Round(x*10) / 10 }
