// Package surveys is the platform's survey engine: questionnaires in every
// language with sections, conditional questions and required answers;
// public, signed-in and invitation-token audiences; exactly-once
// submission; paper entry; and results with charts, filters and exports
// that protect small groups. ELoGE, FinansirajGO and any LSG consultation
// run on it.
package surveys

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/dijalog/dijalog/internal/i18n"
	"github.com/dijalog/dijalog/internal/translit"
)

// Question types.
const (
	TypeSingle   = "single"   // one option
	TypeMultiple = "multiple" // any options
	TypeLikert   = "likert"   // 1-5, optionally "don't know"
	TypeNumber   = "number"   // a number between Min and Max
	TypeText     = "text"     // free text up to MaxLen
	TypeMatrix   = "matrix"   // several rows, each on the 1-5 scale
	TypeRanking  = "ranking"  // the options put in order 1..n
)

// DontKnow is the stored value of a "don't know" answer.
const DontKnow = "dk"

// Text is a text in several languages: locale code -> text.
type Text map[string]string

// In returns the text for a locale: the locale itself, for Serbian
// Cyrillic the Serbian Latin text transliterated, then the closest
// neighbour (bs, hr, sr-Latn understand each other), English, and any.
func (t Text) In(loc string) string {
	if s := t[loc]; s != "" {
		return s
	}
	if loc == i18n.SerbianCyrillic {
		for _, k := range []string{i18n.SerbianLatin, i18n.Bosnian, i18n.Croatian} {
			if s := t[k]; s != "" {
				return translit.ToCyrillic(s)
			}
		}
	}
	order := []string{i18n.Bosnian, i18n.Croatian, i18n.SerbianLatin, i18n.English, i18n.Macedonian, i18n.Albanian}
	switch loc {
	case i18n.Macedonian, i18n.Albanian:
		order = []string{i18n.English, i18n.Bosnian, i18n.SerbianLatin, i18n.Croatian, i18n.Macedonian, i18n.Albanian}
	case i18n.SerbianLatin:
		order = []string{i18n.Bosnian, i18n.Croatian, i18n.English, i18n.Macedonian, i18n.Albanian}
	}
	for _, k := range order {
		if s := t[k]; s != "" {
			if loc == i18n.SerbianLatin && translit.HasCyrillic(s) {
				return translit.ToLatin(s)
			}
			return s
		}
	}
	for _, s := range t {
		return s
	}
	return ""
}

// Option is one choice of a question (or one row of a matrix).
type Option struct {
	Key  string `json:"key"`
	Text Text   `json:"text"`
}

// Condition shows a question only when an earlier single-choice, likert or
// multiple-choice question was answered with one of Values.
type Condition struct {
	Question string   `json:"question"`
	Values   []string `json:"values"`
}

// Question is one question of a survey.
type Question struct {
	Key       string     `json:"key"`
	Type      string     `json:"type"`
	Text      Text       `json:"text"`
	Help      Text       `json:"help,omitempty"`
	Required  bool       `json:"required,omitempty"`
	Options   []Option   `json:"options,omitempty"` // single, multiple, ranking
	Rows      []Option   `json:"rows,omitempty"`    // matrix
	DontKnow  bool       `json:"dont_know,omitempty"`
	Min       *float64   `json:"min,omitempty"`
	Max       *float64   `json:"max,omitempty"`
	MaxLen    int        `json:"max_len,omitempty"`
	ShowIf    *Condition `json:"show_if,omitempty"`
	Indicator string     `json:"indicator,omitempty"` // ELoGE: the indicator this measures
	Principle int        `json:"principle,omitempty"` // ELoGE: its principle
}

// Section groups questions under a heading.
type Section struct {
	Key       string     `json:"key"`
	Title     Text       `json:"title"`
	Intro     Text       `json:"intro,omitempty"`
	Questions []Question `json:"questions"`
}

// Definition is a whole questionnaire.
type Definition struct {
	Intro    Text      `json:"intro,omitempty"`
	Sections []Section `json:"sections"`
}

// Questions lists every question in order.
func (d *Definition) Questions() []*Question {
	var out []*Question
	for i := range d.Sections {
		for j := range d.Sections[i].Questions {
			out = append(out, &d.Sections[i].Questions[j])
		}
	}
	return out
}

// Question finds a question by key, or nil.
func (d *Definition) Question(key string) *Question {
	for i := range d.Sections {
		qs := d.Sections[i].Questions
		for j := range qs {
			if qs[j].Key == key {
				return &qs[j]
			}
		}
	}
	return nil
}

// Limits of a definition, so that an imported file cannot make pages or
// results unbounded.
const (
	MaxQuestions   = 200
	MaxOptions     = 40
	MaxTextLen     = 4000
	defaultTextLen = 2000
)

var keyRe = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,39}$`)

// DefinitionError is a refused definition: a catalogue key and where.
type DefinitionError struct {
	Key   string // catalogue key of the message
	Where string // the question or section key ("" for the whole file)
}

func (e *DefinitionError) Error() string {
	return fmt.Sprintf("surveys: definition: %s at %q", e.Key, e.Where)
}

// ParseDefinition reads and validates a definition in JSON.
func ParseDefinition(b []byte) (*Definition, error) {
	if len(b) > 1<<20 {
		return nil, &DefinitionError{Key: "surveys.def.too_large"}
	}
	var d Definition
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return nil, &DefinitionError{Key: "surveys.def.json"}
	}
	if dec.More() {
		return nil, &DefinitionError{Key: "surveys.def.json"}
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	return &d, nil
}

func validText(t Text) bool {
	if len(t) == 0 {
		return false
	}
	for k, v := range t {
		if !i18n.Supported(k) || strings.TrimSpace(v) == "" || !utf8.ValidString(v) || len(v) > MaxTextLen {
			return false
		}
	}
	return true
}

func optionalText(t Text) bool { return len(t) == 0 || validText(t) }

// Validate checks the structure: unique keys, known types, options where
// needed, sane bounds and conditions that point at an earlier question.
func (d *Definition) Validate() error {
	if len(d.Sections) == 0 {
		return &DefinitionError{Key: "surveys.def.empty"}
	}
	if !optionalText(d.Intro) {
		return &DefinitionError{Key: "surveys.def.text"}
	}
	seen := map[string]*Question{}
	sections := map[string]bool{}
	n := 0
	for si := range d.Sections {
		s := &d.Sections[si]
		if !keyRe.MatchString(s.Key) || sections[s.Key] {
			return &DefinitionError{Key: "surveys.def.key", Where: s.Key}
		}
		sections[s.Key] = true
		if !validText(s.Title) || !optionalText(s.Intro) {
			return &DefinitionError{Key: "surveys.def.text", Where: s.Key}
		}
		if len(s.Questions) == 0 {
			return &DefinitionError{Key: "surveys.def.empty_section", Where: s.Key}
		}
		for qi := range s.Questions {
			q := &s.Questions[qi]
			n++
			if n > MaxQuestions {
				return &DefinitionError{Key: "surveys.def.too_many"}
			}
			if !keyRe.MatchString(q.Key) || seen[q.Key] != nil {
				return &DefinitionError{Key: "surveys.def.key", Where: q.Key}
			}
			if !validText(q.Text) || !optionalText(q.Help) {
				return &DefinitionError{Key: "surveys.def.text", Where: q.Key}
			}
			if err := validateQuestion(q); err != nil {
				return err
			}
			if c := q.ShowIf; c != nil {
				dep := seen[c.Question]
				if dep == nil || len(c.Values) == 0 || (dep.Type != TypeSingle && dep.Type != TypeLikert && dep.Type != TypeMultiple) {
					return &DefinitionError{Key: "surveys.def.condition", Where: q.Key}
				}
				for _, v := range c.Values {
					if !dep.accepts(v) {
						return &DefinitionError{Key: "surveys.def.condition", Where: q.Key}
					}
				}
			}
			seen[q.Key] = q
		}
	}
	return nil
}

func validOptions(opts []Option, min int) bool {
	if len(opts) < min || len(opts) > MaxOptions {
		return false
	}
	keys := map[string]bool{}
	for _, o := range opts {
		if !keyRe.MatchString(o.Key) || keys[o.Key] || o.Key == DontKnow || !validText(o.Text) {
			return false
		}
		keys[o.Key] = true
	}
	return true
}

func validateQuestion(q *Question) error {
	bad := func() error { return &DefinitionError{Key: "surveys.def.question", Where: q.Key} }
	switch q.Type {
	case TypeSingle, TypeMultiple:
		if !validOptions(q.Options, 2) || len(q.Rows) > 0 {
			return bad()
		}
	case TypeRanking:
		if !validOptions(q.Options, 2) || len(q.Options) > 12 || len(q.Rows) > 0 {
			return bad()
		}
	case TypeMatrix:
		if !validOptions(q.Rows, 1) || len(q.Options) > 0 {
			return bad()
		}
	case TypeLikert:
		if len(q.Options) > 0 || len(q.Rows) > 0 {
			return bad()
		}
	case TypeNumber:
		if q.Min != nil && q.Max != nil && *q.Min > *q.Max {
			return bad()
		}
		for _, p := range []*float64{q.Min, q.Max} {
			if p != nil && (*p > 1e15 || *p < -1e15) {
				return bad()
			}
		}
	case TypeText:
		if q.MaxLen < 0 || q.MaxLen > MaxTextLen {
			return bad()
		}
	default:
		return bad()
	}
	if q.DontKnow && q.Type != TypeLikert && q.Type != TypeMatrix {
		return bad()
	}
	return nil
}

// accepts reports whether v is a possible stored value of a choice question.
func (q *Question) accepts(v string) bool {
	switch q.Type {
	case TypeSingle, TypeMultiple:
		for _, o := range q.Options {
			if o.Key == v {
				return true
			}
		}
	case TypeLikert:
		if v == DontKnow {
			return q.DontKnow
		}
		return len(v) == 1 && v[0] >= '1' && v[0] <= '5'
	}
	return false
}

// TextLimit is the longest text answer accepted.
func (q *Question) TextLimit() int {
	if q.MaxLen > 0 {
		return q.MaxLen
	}
	return defaultTextLen
}

// LikertValues are the five points of the scale.
func LikertValues() []string { return []string{"1", "2", "3", "4", "5"} }

// RankPositions are 1..len(options), for the ranking select boxes.
func (q *Question) RankPositions() []int {
	out := make([]int, len(q.Options))
	for i := range out {
		out[i] = i + 1
	}
	return out
}

// Marshal writes the definition as JSON.
func (d *Definition) Marshal() []byte {
	b, _ := json.Marshal(d)
	return b
}

// MarshalIndent writes the definition as indented JSON, for editing.
func (d *Definition) MarshalIndent() []byte {
	b, _ := json.MarshalIndent(d, "", "  ")
	return b
}
