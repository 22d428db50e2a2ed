package surveys

import (
	"context"
	"github.com/dijalog/dijalog/internal/csvout"
	"io"
	"sort"
	"strconv"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/refuse"
)

// MinGroup is the smallest group whose answers are shown broken down:
// fewer answers could identify the people who gave them.
const MinGroup = 5

// Filter narrows results to the responses with one answer and/or channel.
type Filter struct {
	Question string
	Value    string
	Channel  string // "", "web" or "paper"
}

// Active reports whether the filter narrows anything.
func (f Filter) Active() bool { return f.Question != "" || f.Channel != "" }

// Bar is one value's share of a question's answers.
type Bar struct {
	Key   string  `json:"key"`
	Label string  `json:"label,omitempty"` // the option's text ("" for scale points: the page labels them)
	N     int     `json:"count"`
	Pct   float64 `json:"percent"`
}

// RowResult is one matrix row (or one ranked option).
type RowResult struct {
	Key      string  `json:"key"`
	Label    string  `json:"label"`
	Answered int     `json:"answered"`
	Bars     []Bar   `json:"values,omitempty"`
	Mean     float64 `json:"mean"`
	HasMean  bool    `json:"-"`
}

// QuestionResult is the summary of one question.
type QuestionResult struct {
	Key      string      `json:"key"`
	Type     string      `json:"type"`
	Text     string      `json:"text"`
	Answered int         `json:"answered"`
	Hidden   bool        `json:"hidden"` // fewer than MinGroup answers: no breakdown
	Bars     []Bar       `json:"values,omitempty"`
	Rows     []RowResult `json:"rows,omitempty"`
	Mean     float64     `json:"mean"`
	HasMean  bool        `json:"-"`
	Texts    []string    `json:"-"` // latest free texts, for managers only
}

// Results are a survey's answers summarised.
type Results struct {
	Survey     *Survey          `json:"-"`
	Filter     Filter           `json:"filter"`
	Total      int              `json:"responses"`
	Hidden     bool             `json:"hidden"` // the filtered group is too small to show
	Questions  []QuestionResult `json:"questions"`
	Filterable []*Question      `json:"-"`
}

// Counts are the survey's running totals.
func (s *Service) Counts(ctx context.Context, sv *Survey) ([]Count, error) {
	return s.st.counts(ctx, s.db, sv.ID)
}

// Results summarises the answers in a language. Without a filter it reads
// only the running totals; a filter recomputes them from the answers of the
// matching responses. Groups under MinGroup are not broken down.
func (s *Service) Results(ctx context.Context, viewer *auth.User, sv *Survey, f Filter, lang string) (*Results, error) {
	res := &Results{Survey: sv, Filter: f}
	for _, q := range sv.Def.Questions() {
		if q.Type == TypeSingle || q.Type == TypeLikert || q.Type == TypeMultiple {
			res.Filterable = append(res.Filterable, q)
		}
	}
	var counts []Count
	var err error
	if f.Question != "" {
		q := sv.Def.Question(f.Question)
		if q == nil || !q.accepts(f.Value) {
			f.Question, f.Value = "", ""
			res.Filter = f
		}
	}
	if f.Channel != "" && f.Channel != "web" && f.Channel != "paper" {
		f.Channel = ""
		res.Filter = f
	}
	if f.Active() {
		counts, res.Total, err = s.st.filteredCounts(ctx, s.db, sv, f)
	} else {
		counts, err = s.st.counts(ctx, s.db, sv.ID)
		res.Total = sv.Responses
	}
	if err != nil {
		return nil, err
	}
	if f.Active() && res.Total < MinGroup {
		res.Hidden = true
		return res, nil
	}
	manager := viewer != nil && CanManage(viewer, sv)
	res.Questions = Summarise(sv.Def, counts, lang)
	if manager {
		for i := range res.Questions {
			qr := &res.Questions[i]
			if qr.Type == TypeText && !qr.Hidden && !f.Active() {
				if qr.Texts, err = s.st.texts(ctx, s.db, sv.ID, qr.Key, 20); err != nil {
					return nil, err
				}
			}
		}
	}
	return res, nil
}

// Summarise turns running totals into per-question results (pure).
func Summarise(def *Definition, counts []Count, lang string) []QuestionResult {
	t := tally{}
	for _, c := range counts {
		t[counterKey{c.Question, c.Item, c.Value}] = c
	}
	var out []QuestionResult
	for _, q := range def.Questions() {
		qr := QuestionResult{Key: q.Key, Type: q.Type, Text: q.Text.In(lang)}
		head := t[counterKey{q.Key, "", "#"}]
		qr.Answered = head.N
		qr.Hidden = qr.Answered < MinGroup
		switch q.Type {
		case TypeSingle, TypeMultiple:
			qr.Bars = t.choices(q, qr.Answered, lang)
		case TypeLikert:
			qr.Bars, qr.Mean, qr.HasMean = t.likert(q, q.Key, "", qr.Answered)
		case TypeNumber:
			if head.N > 0 {
				qr.Mean, qr.HasMean = head.Total/float64(head.N), true
			}
		case TypeMatrix:
			qr.Rows = t.matrix(q, lang)
		case TypeRanking:
			qr.Rows = t.ranking(q, lang)
		}
		if qr.Hidden {
			qr.Bars, qr.Rows, qr.Mean, qr.HasMean = nil, nil, 0, false
		}
		out = append(out, qr)
	}
	return out
}

// tally is the running totals by key.
type tally map[counterKey]Count

func (t tally) n(q, item, v string) int { return t[counterKey{q, item, v}].N }

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) * 100 / float64(b)
}

// choices are the bars of a single or multiple choice.
func (t tally) choices(q *Question, answered int, lang string) []Bar {
	var bars []Bar
	for _, o := range q.Options {
		c := t.n(q.Key, "", o.Key)
		if q.Type == TypeMultiple {
			c = t.n(q.Key, o.Key, "1")
		}
		bars = append(bars, Bar{Key: o.Key, Label: o.Text.In(lang), N: c, Pct: pct(c, answered)})
	}
	return bars
}

// likert is the bars of a five-point scale (of a question, or a matrix
// row: item), "don't know" last where offered, and the mean of the points.
func (t tally) likert(q *Question, key, item string, answered int) (bars []Bar, mean float64, hasMean bool) {
	sum, cnt := 0, 0
	for i, v := range LikertValues() {
		c := t.n(key, item, v)
		sum += (i + 1) * c
		cnt += c
		bars = append(bars, Bar{Key: v, N: c, Pct: pct(c, answered)})
	}
	if q.DontKnow {
		c := t.n(key, item, DontKnow)
		bars = append(bars, Bar{Key: DontKnow, N: c, Pct: pct(c, answered)})
	}
	if cnt > 0 {
		return bars, float64(sum) / float64(cnt), true
	}
	return bars, 0, false
}

// matrix is a row per matrix row, with its bars and mean.
func (t tally) matrix(q *Question, lang string) []RowResult {
	var rows []RowResult
	for _, r := range q.Rows {
		rr := RowResult{Key: r.Key, Label: r.Text.In(lang)}
		for _, v := range LikertValues() {
			rr.Answered += t.n(q.Key, r.Key, v)
		}
		if q.DontKnow {
			rr.Answered += t.n(q.Key, r.Key, DontKnow)
		}
		rr.Bars, rr.Mean, rr.HasMean = t.likert(q, q.Key, r.Key, rr.Answered)
		rows = append(rows, rr)
	}
	return rows
}

// ranking is a row per option with its mean rank, best first (options
// never ranked last).
func (t tally) ranking(q *Question, lang string) []RowResult {
	var rows []RowResult
	for _, o := range q.Options {
		c := t[counterKey{q.Key, o.Key, "#"}]
		rr := RowResult{Key: o.Key, Label: o.Text.In(lang), Answered: c.N}
		if c.N > 0 {
			rr.Mean, rr.HasMean = c.Total/float64(c.N), true
		}
		rows = append(rows, rr)
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.HasMean != b.HasMean {
			return a.HasMean
		}
		return a.Mean < b.Mean
	})
	return rows
}

// LikertStat is the sum and count of the scale answers (1-5, "don't know"
// counted apart) of one question, or one matrix row (key "q/row").
type LikertStat struct {
	Sum      int
	N        int
	DontKnow int
}

// LikertStats reads the scale answers out of running totals (pure).
func LikertStats(def *Definition, counts []Count) map[string]LikertStat {
	out := map[string]LikertStat{}
	kinds := map[string]string{}
	for _, q := range def.Questions() {
		kinds[q.Key] = q.Type
	}
	for _, c := range counts {
		t := kinds[c.Question]
		if t != TypeLikert && t != TypeMatrix {
			continue
		}
		key := c.Question
		if t == TypeMatrix {
			if c.Item == "" {
				continue
			}
			key += "/" + c.Item
		}
		st := out[key]
		switch {
		case c.Value == DontKnow:
			st.DontKnow += c.N
		case len(c.Value) == 1 && c.Value[0] >= '1' && c.Value[0] <= '5':
			st.Sum += int(c.Value[0]-'0') * c.N
			st.N += c.N
		default:
			continue
		}
		out[key] = st
	}
	return out
}

// WriteResultsCSV writes the summary as CSV: question, item, value, count,
// percent, mean; hidden groups are written without numbers.
func WriteResultsCSV(w io.Writer, res *Results) error {
	cw := csvout.New(w)
	_ = cw.Write([]string{"question", "text", "item", "value", "label", "count", "percent", "mean", "answered"})
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) }
	if res.Hidden {
		_ = cw.Write([]string{"", "fewer than 5 responses in this group: not shown", "", "", "", "", "", "", strconv.Itoa(res.Total)})
	}
	for _, q := range res.Questions {
		if q.Hidden {
			_ = cw.Write([]string{q.Key, q.Text, "", "", "", "", "", "", strconv.Itoa(q.Answered)})
			continue
		}
		mean := ""
		if q.HasMean {
			mean = f(q.Mean)
		}
		if len(q.Bars) == 0 && len(q.Rows) == 0 {
			_ = cw.Write([]string{q.Key, q.Text, "", "", "", "", "", mean, strconv.Itoa(q.Answered)})
		}
		for _, b := range q.Bars {
			_ = cw.Write([]string{q.Key, q.Text, "", b.Key, b.Label, strconv.Itoa(b.N), f(b.Pct), mean, strconv.Itoa(q.Answered)})
		}
		for _, r := range q.Rows {
			rm := ""
			if r.HasMean {
				rm = f(r.Mean)
			}
			if len(r.Bars) == 0 {
				_ = cw.Write([]string{q.Key, q.Text, r.Key, "", r.Label, strconv.Itoa(r.Answered), "", rm, strconv.Itoa(q.Answered)})
			}
			for _, b := range r.Bars {
				_ = cw.Write([]string{q.Key, q.Text, r.Key, b.Key, r.Label, strconv.Itoa(b.N), f(b.Pct), rm, strconv.Itoa(r.Answered)})
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteResponsesCSV writes every response, one row each, one column per
// question (or matrix row / ranked option), for managers. Responses carry
// no identity: only the day, the channel and the language.
func (s *Service) WriteResponsesCSV(ctx context.Context, actor *auth.User, sv *Survey, w io.Writer) error {
	if !CanManage(actor, sv) {
		return refuse.ErrForbidden
	}
	cols, head := responseColumns(sv.Def)
	cw := csvout.New(w)
	if err := cw.Write(head); err != nil {
		return err
	}
	var rec []string
	vals := map[answerCol]string{}
	flush := func() {
		if rec == nil {
			return
		}
		for _, c := range cols {
			rec = append(rec, vals[c])
		}
		_ = cw.Write(rec)
		clear(vals)
	}
	err := s.st.eachAnswer(ctx, s.db, sv.ID, func(r responseRow) {
		if r.first {
			flush()
			rec = []string{r.publicID, r.at.UTC().Format("2006-01-02"), r.channel, r.lang}
		}
		if r.question == nil {
			return
		}
		c := answerCol{*r.question, *r.item}
		if q := sv.Def.Question(c.q); q != nil && q.Type == TypeMultiple {
			vals[c] = "1"
		} else {
			vals[c] = *r.value
		}
	})
	if err != nil {
		return err
	}
	flush()
	cw.Flush()
	return cw.Error()
}

// answerCol is a column of the responses CSV: a question, and a matrix
// row or an option where the question has several.
type answerCol struct{ q, item string }

// responseColumns are the answer columns of def and the CSV's header.
func responseColumns(def *Definition) ([]answerCol, []string) {
	var cols []answerCol
	head := []string{"response", "date", "channel", "lang"}
	for _, q := range def.Questions() {
		switch q.Type {
		case TypeMatrix:
			for _, r := range q.Rows {
				cols = append(cols, answerCol{q.Key, r.Key})
				head = append(head, q.Key+"."+r.Key)
			}
		case TypeRanking, TypeMultiple:
			for _, o := range q.Options {
				cols = append(cols, answerCol{q.Key, o.Key})
				head = append(head, q.Key+"."+o.Key)
			}
		default:
			cols = append(cols, answerCol{q.Key, ""})
			head = append(head, q.Key)
		}
	}
	return cols, head
}
