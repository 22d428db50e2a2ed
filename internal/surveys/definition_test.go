package surveys

import (
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseDefinition(t *testing.T) {
	t.Parallel()
	ok := `{"sections":[{"key":"s","title":{"en":"S"},"questions":[
 {"key":"a","type":"single","text":{"en":"A"},"options":[{"key":"y","text":{"en":"Y"}},{"key":"n","text":{"en":"N"}}]},
 {"key":"b","type":"number","text":{"en":"B"},"min":0,"max":10,"show_if":{"question":"a","values":["y"]}}]}]}`
	if _, err := ParseDefinition([]byte(ok)); err != nil {
		t.Fatalf("valid definition refused: %v", err)
	}
	tests := []struct{ name, json, key string }{
		{"not json", `{`, "surveys.def.json"},
		{"unknown field", `{"sections":[],"x":1}`, "surveys.def.json"},
		{"empty", `{"sections":[]}`, "surveys.def.empty"},
		{"duplicate key", strings.Replace(ok, `"key":"b"`, `"key":"a"`, 1), "surveys.def.key"},
		{"bad type", strings.Replace(ok, `"type":"number"`, `"type":"slider"`, 1), "surveys.def.question"},
		{"one option", `{"sections":[{"key":"s","title":{"en":"S"},"questions":[{"key":"a","type":"single","text":{"en":"A"},"options":[{"key":"y","text":{"en":"Y"}}]}]}]}`, "surveys.def.question"},
		{"condition forward", strings.Replace(ok, `"question":"a"`, `"question":"b"`, 1), "surveys.def.condition"},
		{"condition value", strings.Replace(ok, `"values":["y"]`, `"values":["maybe"]`, 1), "surveys.def.condition"},
		{"min above max", strings.Replace(ok, `"min":0`, `"min":20`, 1), "surveys.def.question"},
		{"unknown language", strings.Replace(ok, `{"en":"A"}`, `{"de":"A"}`, 1), "surveys.def.text"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseDefinition([]byte(tc.json))
			de, isDef := err.(*DefinitionError)
			if !isDef || de.Key != tc.key {
				t.Errorf("err = %v, want key %s", err, tc.key)
			}
		})
	}
}

func FuzzParseDefinition(f *testing.F) {
	t, err := LoadTemplate(TemplateFinansirajGO)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(t.Definition.Marshal()))
	f.Add(`{"sections":[{"key":"s","title":{"en":"S"},"questions":[{"key":"a","type":"likert","text":{"en":"A"}}]}]}`)
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDefinition([]byte(s))
		if err != nil {
			return
		}
		// A valid definition survives a round trip and answers to it parse.
		if _, err := ParseDefinition(d.Marshal()); err != nil {
			t.Fatalf("round trip: %v", err)
		}
		ParseAnswers(d, url.Values{"q.a": {s}})
	})
}

func FuzzParseTokenCSV(f *testing.F) {
	f.Add("label,count\nVijeće,25\nUprava,3\n")
	f.Add("\"a,b\",2")
	f.Fuzz(func(t *testing.T, s string) {
		labels, err := ParseTokenCSV(strings.NewReader(s))
		if err == nil && (len(labels) == 0 || len(labels) > MaxTokens) {
			t.Fatalf("%d labels", len(labels))
		}
	})
}

func TestParseAnswers(t *testing.T) {
	t.Parallel()
	tpl, err := LoadTemplate(TemplateFinansirajGO)
	if err != nil {
		t.Fatal(err)
	}
	d := tpl.Definition
	base := url.Values{"q.org_type": {"association"}, "q.field": {"youth"}, "q.applied": {"no"}, "q.overall": {"dk"}}
	for _, r := range []string{"transparency", "fairness", "timeliness", "reporting", "communication"} {
		base.Set("q.satisfaction."+r, "4")
	}
	with := func(kv ...string) url.Values {
		v := url.Values{}
		for k, x := range base {
			v[k] = append([]string(nil), x...)
		}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == "" {
				v.Del(kv[i])
			} else {
				v.Set(kv[i], kv[i+1])
			}
		}
		return v
	}
	tests := []struct {
		name string
		form url.Values
		errs map[string]string
		n    int // answers stored
	}{
		{"complete, hidden questions skipped", with("q.amount", "999999999", "q.procedure", "bogus"), map[string]string{}, 9},
		{"shown and valid", with("q.applied", "yes", "q.amount", "1 500,50", "q.procedure", "public_call"), map[string]string{}, 11},
		{"shown and out of range", with("q.applied", "yes", "q.amount", "-1"), map[string]string{"q.amount": "surveys.answer.range"}, 0},
		{"not a number", with("q.applied", "yes", "q.amount", "a lot"), map[string]string{"q.amount": "surveys.answer.number"}, 0},
		{"required missing", with("q.org_type", ""), map[string]string{"q.org_type": "surveys.answer.required"}, 0},
		{"matrix row missing", with("q.satisfaction.fairness", ""), map[string]string{"q.satisfaction": "surveys.answer.matrix_required"}, 0},
		{"matrix value out of range", with("q.satisfaction.fairness", "6"), map[string]string{"q.satisfaction": "surveys.answer.invalid_choice"}, 0},
		{"invalid choice", with("q.field", "farming"), map[string]string{"q.field": "surveys.answer.invalid_choice"}, 0},
		{"ranking duplicates", with("q.priorities.more_funds", "1", "q.priorities.criteria", "1"), map[string]string{"q.priorities": "surveys.answer.ranking"}, 0},
		{"ranking complete", with("q.priorities.more_funds", "1", "q.priorities.multi_year", "2", "q.priorities.criteria", "3", "q.priorities.committee", "4", "q.priorities.publication", "5"), map[string]string{}, 14},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			answers, errs := ParseAnswers(d, tc.form)
			if diff := cmp.Diff(tc.errs, errs); diff != "" {
				t.Fatalf("errors (-want +got):\n%s", diff)
			}
			if len(errs) == 0 && len(answers) != tc.n {
				t.Errorf("%d answers, want %d: %+v", len(answers), tc.n, answers)
			}
		})
	}
}
