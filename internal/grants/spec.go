package grants

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The definitions of a call (its application form, its eligibility questions
// and its assessment grid) are written by the call's manager as plain text,
// one item per line with fields separated by "|", so that a form builder
// works without JavaScript and the definition can be copied between calls.

// Field types of an application form.
const (
	FieldText     = "text"
	FieldLongText = "longtext"
	FieldNumber   = "number"
	FieldMoney    = "money"
	FieldDate     = "date"
	FieldChoice   = "choice"
	FieldFile     = "file"
	FieldBudget   = "budget"
)

// FieldTypes lists the field types in the order the builder's help shows them.
func FieldTypes() []string {
	return []string{FieldText, FieldLongText, FieldNumber, FieldMoney, FieldDate, FieldChoice, FieldFile, FieldBudget}
}

// Field is one question of an application form.
type Field struct {
	Key      string // "f1", "f2"... by position
	Type     string
	Label    string
	Required bool
	Options  []string // for choice
}

// Question is one eligibility question, answered yes or no.
type Question struct {
	Key  string // "q1", "q2"...
	Want bool   // the answer that keeps an applicant eligible
	Text string
}

// Criterion is one line of the assessment grid.
type Criterion struct {
	N        int // 1-based position
	Weight   int
	Max      int
	Name     string
	Guidance string
}

// SpecError is a syntax error in a definition, with its line (1-based).
type SpecError struct {
	Line int
	Key  string // catalogue key of the message
}

func (e *SpecError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Key) }

const (
	maxSpecLines = 60
	maxLabel     = 300
)

func specLines(s string) ([]string, []int, error) {
	if !utf8.ValidString(s) {
		return nil, nil, &SpecError{Line: 1, Key: "grants.spec.invalid"}
	}
	var out []string
	var nums []int
	for i, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		out = append(out, l)
		nums = append(nums, i+1)
	}
	if len(out) > maxSpecLines {
		return nil, nil, &SpecError{Line: nums[maxSpecLines], Key: "grants.spec.too_long"}
	}
	return out, nums, nil
}

func splitBar(l string) []string {
	parts := strings.Split(l, "|")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

func cleanLabel(s string) (string, bool) {
	if s == "" || utf8.RuneCountInString(s) > maxLabel {
		return "", false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return "", false
		}
	}
	return s, true
}

// ParseForm reads a form definition: "type | label [| required] [| option; option]".
func ParseForm(s string) ([]Field, error) {
	lines, nums, err := specLines(s)
	if err != nil {
		return nil, err
	}
	var out []Field
	budgets := 0
	for i, l := range lines {
		p := splitBar(l)
		f := Field{Key: "f" + strconv.Itoa(len(out)+1), Type: strings.ToLower(p[0])}
		valid := false
		for _, t := range FieldTypes() {
			valid = valid || t == f.Type
		}
		if !valid || len(p) < 2 {
			return nil, &SpecError{Line: nums[i], Key: "grants.spec.field_type"}
		}
		var ok bool
		if f.Label, ok = cleanLabel(p[1]); !ok {
			return nil, &SpecError{Line: nums[i], Key: "grants.spec.label"}
		}
		for _, extra := range p[2:] {
			switch {
			case strings.EqualFold(extra, "required"):
				f.Required = true
			case extra == "":
			case f.Type == FieldChoice:
				for _, o := range strings.Split(extra, ";") {
					o = strings.TrimSpace(o)
					if o == "" {
						continue
					}
					if _, ok := cleanLabel(o); !ok {
						return nil, &SpecError{Line: nums[i], Key: "grants.spec.label"}
					}
					f.Options = append(f.Options, o)
				}
			default:
				return nil, &SpecError{Line: nums[i], Key: "grants.spec.extra"}
			}
		}
		if f.Type == FieldChoice && len(f.Options) < 2 {
			return nil, &SpecError{Line: nums[i], Key: "grants.spec.options"}
		}
		if f.Type == FieldBudget {
			budgets++
			if budgets > 1 {
				return nil, &SpecError{Line: nums[i], Key: "grants.spec.one_budget"}
			}
		}
		out = append(out, f)
	}
	if len(out) == 0 {
		return nil, &SpecError{Line: 1, Key: "grants.spec.empty"}
	}
	if budgets == 0 {
		return nil, &SpecError{Line: 1, Key: "grants.spec.need_budget"}
	}
	return out, nil
}

// ParseEligibility reads eligibility questions: "yes | question" or "no | question".
func ParseEligibility(s string) ([]Question, error) {
	lines, nums, err := specLines(s)
	if err != nil {
		return nil, err
	}
	var out []Question
	for i, l := range lines {
		p := splitBar(l)
		if len(p) != 2 {
			return nil, &SpecError{Line: nums[i], Key: "grants.spec.question"}
		}
		q := Question{Key: "q" + strconv.Itoa(len(out)+1)}
		switch strings.ToLower(p[0]) {
		case "yes", "da", "да", "po", "yes/да":
			q.Want = true
		case "no", "ne", "не", "jo":
		default:
			return nil, &SpecError{Line: nums[i], Key: "grants.spec.question"}
		}
		var ok bool
		if q.Text, ok = cleanLabel(p[1]); !ok {
			return nil, &SpecError{Line: nums[i], Key: "grants.spec.label"}
		}
		out = append(out, q)
	}
	return out, nil
}

// ParseCriteria reads an assessment grid: "weight | max points | name [| guidance]".
func ParseCriteria(s string) ([]Criterion, error) {
	lines, nums, err := specLines(s)
	if err != nil {
		return nil, err
	}
	var out []Criterion
	for i, l := range lines {
		p := splitBar(l)
		if len(p) < 3 || len(p) > 4 {
			return nil, &SpecError{Line: nums[i], Key: "grants.spec.criterion"}
		}
		w, err1 := strconv.Atoi(p[0])
		m, err2 := strconv.Atoi(p[1])
		if err1 != nil || err2 != nil || w < 1 || w > 100 || m < 1 || m > 100 {
			return nil, &SpecError{Line: nums[i], Key: "grants.spec.criterion"}
		}
		c := Criterion{N: len(out) + 1, Weight: w, Max: m}
		var ok bool
		if c.Name, ok = cleanLabel(p[2]); !ok {
			return nil, &SpecError{Line: nums[i], Key: "grants.spec.label"}
		}
		if len(p) == 4 && p[3] != "" {
			if c.Guidance, ok = cleanLabel(p[3]); !ok {
				return nil, &SpecError{Line: nums[i], Key: "grants.spec.label"}
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// WeightedPct is the weighted score of points (one per criterion): each
// criterion's share of its maximum, weighted, as tenths of a percent.
func WeightedPct(grid []Criterion, points map[int]int) int {
	var num float64
	var den int64
	for _, c := range grid {
		num += float64(c.Weight) * float64(points[c.N]) / float64(c.Max)
		den += int64(c.Weight)
	}
	if den == 0 {
		return 0
	}
	return int(math.Round(num * 1000 / float64(den)))
}

// FieldOf is the form field a check of CheckRules is about: a field's key,
// or "budget" for the rules of the budget table (the budget field); nil for
// the title and unknown keys.
func (c *Call) FieldOf(key string) *Field {
	for i, f := range c.Form {
		if f.Key == key || (key == "budget" && f.Type == FieldBudget) {
			return &c.Form[i]
		}
	}
	return nil
}
