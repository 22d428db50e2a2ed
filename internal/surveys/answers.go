package surveys

import (
	"math"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Answer is one stored value: a choice, a scale point, a number, a text,
// a matrix row's point (Item = row) or an option's rank (Item = option).
type Answer struct {
	Question string
	Item     string
	Value    string
	Num      *float64
}

// FieldName is the form field of a question (and of a matrix row or a
// ranked option when item is not "").
func FieldName(question, item string) string {
	if item == "" {
		return "q." + question
	}
	return "q." + question + "." + item
}

// Shown reports whether q is shown given the answers so far (a question
// without a condition always is).
func Shown(q *Question, given map[string][]string) bool {
	if q.ShowIf == nil {
		return true
	}
	for _, have := range given[q.ShowIf.Question] {
		for _, v := range q.ShowIf.Values {
			if have == v {
				return true
			}
		}
	}
	return false
}

// ParseAnswers reads a submitted form against the definition. Questions
// whose condition is not met are skipped (their answers are dropped, never
// validated), so the form works without JavaScript: a respondent simply
// leaves them empty. Errors map field names to catalogue keys.
func ParseAnswers(d *Definition, form url.Values) ([]Answer, map[string]string) {
	var out []Answer
	errs := map[string]string{}
	given := map[string][]string{}
	for _, q := range d.Questions() {
		if !Shown(q, given) {
			continue
		}
		var parse func(*Question, url.Values) ([]Answer, []string, string)
		switch q.Type {
		case TypeSingle, TypeLikert:
			parse = parseChoice
		case TypeMultiple:
			parse = parseMultiple
		case TypeNumber:
			parse = parseNumber
		case TypeText:
			parse = parseText
		case TypeMatrix:
			parse = parseMatrix
		case TypeRanking:
			parse = parseRanking
		default:
			continue
		}
		answers, picked, key := parse(q, form)
		if key != "" {
			errs[FieldName(q.Key, "")] = key
			continue
		}
		if picked != nil {
			given[q.Key] = picked
		}
		out = append(out, answers...)
	}
	return out, errs
}

// The parsers of one question's field(s) return its answers, the values
// picked (for the conditions of later questions) and the catalogue key of
// what is wrong ("" when nothing).

// formValue is a field trimmed, in valid UTF-8.
func formValue(form url.Values, name string) string {
	v := form.Get(name)
	if !utf8.ValidString(v) {
		v = strings.ToValidUTF8(v, "\uFFFD")
	}
	return strings.TrimSpace(v)
}

// missing is the key of an unanswered question: required or nothing.
func missing(q *Question) string {
	if q.Required {
		return "surveys.answer.required"
	}
	return ""
}

func parseChoice(q *Question, form url.Values) ([]Answer, []string, string) {
	v := formValue(form, FieldName(q.Key, ""))
	switch {
	case v == "":
		return nil, nil, missing(q)
	case !q.accepts(v):
		return nil, nil, "surveys.answer.invalid_choice"
	}
	return []Answer{{Question: q.Key, Value: v}}, []string{v}, ""
}

func parseMultiple(q *Question, form url.Values) ([]Answer, []string, string) {
	var picked []string
	seen := map[string]bool{}
	for _, v := range form[FieldName(q.Key, "")] {
		v = strings.TrimSpace(v)
		if v == "" || seen[v] {
			continue
		}
		if !q.accepts(v) {
			return nil, nil, "surveys.answer.invalid_choice"
		}
		seen[v] = true
		picked = append(picked, v)
	}
	if len(picked) == 0 {
		return nil, nil, missing(q)
	}
	out := make([]Answer, 0, len(picked))
	for _, v := range picked {
		out = append(out, Answer{Question: q.Key, Item: v, Value: "1"})
	}
	return out, picked, ""
}

func parseNumber(q *Question, form url.Values) ([]Answer, []string, string) {
	v := formValue(form, FieldName(q.Key, ""))
	if v == "" {
		return nil, nil, missing(q)
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(strings.ReplaceAll(v, " ", ""), ",", "."), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, nil, "surveys.answer.number"
	}
	if (q.Min != nil && f < *q.Min) || (q.Max != nil && f > *q.Max) {
		return nil, nil, "surveys.answer.range"
	}
	return []Answer{{Question: q.Key, Value: strconv.FormatFloat(f, 'f', -1, 64), Num: &f}}, nil, ""
}

func parseText(q *Question, form url.Values) ([]Answer, []string, string) {
	v := formValue(form, FieldName(q.Key, ""))
	switch {
	case v == "":
		return nil, nil, missing(q)
	case utf8.RuneCountInString(v) > q.TextLimit():
		return nil, nil, "surveys.answer.too_long"
	}
	return []Answer{{Question: q.Key, Value: v}}, nil, ""
}

// parseMatrix reads a point 1-5 (or "don't know" where offered) per row.
func parseMatrix(q *Question, form url.Values) ([]Answer, []string, string) {
	var rows []Answer
	empty, bad := false, false
	for _, r := range q.Rows {
		v := formValue(form, FieldName(q.Key, r.Key))
		if v == "" {
			empty = true
			continue
		}
		if !(len(v) == 1 && v[0] >= '1' && v[0] <= '5') && !(v == DontKnow && q.DontKnow) {
			bad = true
			continue
		}
		rows = append(rows, Answer{Question: q.Key, Item: r.Key, Value: v})
	}
	switch {
	case bad:
		return nil, nil, "surveys.answer.invalid_choice"
	case empty && q.Required:
		return nil, nil, "surveys.answer.matrix_required"
	}
	return rows, nil, ""
}

// parseRanking reads a distinct rank 1-n per option: all or none.
func parseRanking(q *Question, form url.Values) ([]Answer, []string, string) {
	var ranks []Answer
	used := map[int]bool{}
	bad, empty := false, false
	for _, o := range q.Options {
		v := formValue(form, FieldName(q.Key, o.Key))
		if v == "" {
			empty = true
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > len(q.Options) || used[n] {
			bad = true
			continue
		}
		used[n] = true
		ranks = append(ranks, Answer{Question: q.Key, Item: o.Key, Value: strconv.Itoa(n)})
	}
	switch {
	case bad, len(ranks) > 0 && empty:
		return nil, nil, "surveys.answer.ranking"
	case len(ranks) == 0 && q.Required:
		return nil, nil, "surveys.answer.required"
	}
	return ranks, nil, ""
}
