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
	get := func(name string) string {
		v := form.Get(name)
		if !utf8.ValidString(v) {
			v = strings.ToValidUTF8(v, "\uFFFD")
		}
		return strings.TrimSpace(v)
	}
	for _, q := range d.Questions() {
		if !Shown(q, given) {
			continue
		}
		name := FieldName(q.Key, "")
		switch q.Type {
		case TypeSingle, TypeLikert:
			v := get(name)
			if v == "" {
				if q.Required {
					errs[name] = "surveys.answer.required"
				}
				continue
			}
			if !q.accepts(v) {
				errs[name] = "surveys.answer.invalid_choice"
				continue
			}
			given[q.Key] = []string{v}
			out = append(out, Answer{Question: q.Key, Value: v})
		case TypeMultiple:
			var picked []string
			seen := map[string]bool{}
			bad := false
			for _, v := range form[name] {
				v = strings.TrimSpace(v)
				if v == "" || seen[v] {
					continue
				}
				if !q.accepts(v) {
					bad = true
					break
				}
				seen[v] = true
				picked = append(picked, v)
			}
			if bad {
				errs[name] = "surveys.answer.invalid_choice"
				continue
			}
			if len(picked) == 0 {
				if q.Required {
					errs[name] = "surveys.answer.required"
				}
				continue
			}
			given[q.Key] = picked
			for _, v := range picked {
				out = append(out, Answer{Question: q.Key, Item: v, Value: "1"})
			}
		case TypeNumber:
			v := get(name)
			if v == "" {
				if q.Required {
					errs[name] = "surveys.answer.required"
				}
				continue
			}
			f, err := strconv.ParseFloat(strings.ReplaceAll(strings.ReplaceAll(v, " ", ""), ",", "."), 64)
			if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
				errs[name] = "surveys.answer.number"
				continue
			}
			if (q.Min != nil && f < *q.Min) || (q.Max != nil && f > *q.Max) {
				errs[name] = "surveys.answer.range"
				continue
			}
			out = append(out, Answer{Question: q.Key, Value: strconv.FormatFloat(f, 'f', -1, 64), Num: &f})
		case TypeText:
			v := get(name)
			if v == "" {
				if q.Required {
					errs[name] = "surveys.answer.required"
				}
				continue
			}
			if utf8.RuneCountInString(v) > q.TextLimit() {
				errs[name] = "surveys.answer.too_long"
				continue
			}
			out = append(out, Answer{Question: q.Key, Value: v})
		case TypeMatrix:
			var rows []Answer
			missing, bad := false, false
			for _, r := range q.Rows {
				v := get(FieldName(q.Key, r.Key))
				if v == "" {
					missing = true
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
				errs[name] = "surveys.answer.invalid_choice"
			case missing && q.Required:
				errs[name] = "surveys.answer.matrix_required"
			default:
				out = append(out, rows...)
			}
		case TypeRanking:
			var ranks []Answer
			used := map[int]bool{}
			bad, any, missing := false, false, false
			for _, o := range q.Options {
				v := get(FieldName(q.Key, o.Key))
				if v == "" {
					missing = true
					continue
				}
				n, err := strconv.Atoi(v)
				if err != nil || n < 1 || n > len(q.Options) || used[n] {
					bad = true
					continue
				}
				used[n] = true
				any = true
				ranks = append(ranks, Answer{Question: q.Key, Item: o.Key, Value: strconv.Itoa(n)})
			}
			switch {
			case bad:
				errs[name] = "surveys.answer.ranking"
			case any && missing:
				errs[name] = "surveys.answer.ranking"
			case !any && q.Required:
				errs[name] = "surveys.answer.required"
			default:
				out = append(out, ranks...)
			}
		}
	}
	return out, errs
}
