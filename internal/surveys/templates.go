package surveys

import (
	"embed"
	"encoding/json"
	"fmt"
)

//go:embed data/*.json
var dataFS embed.FS

// Template is a ready questionnaire a manager starts from.
type Template struct {
	Key        string
	Title      Text
	Definition *Definition
}

// TemplateFinansirajGO is the survey on LSG support to CSOs.
const TemplateFinansirajGO = "finansirajgo"

// Templates lists the ready questionnaires, read from embedded data.
func Templates() ([]Template, error) {
	var out []Template
	for _, key := range []string{TemplateFinansirajGO} {
		t, err := LoadTemplate(key)
		if err != nil {
			return nil, err
		}
		out = append(out, *t)
	}
	return out, nil
}

// LoadTemplate reads one template.
func LoadTemplate(key string) (*Template, error) {
	b, err := dataFS.ReadFile("data/" + key + ".json")
	if err != nil {
		return nil, fmt.Errorf("surveys.LoadTemplate(%q): %w", key, err)
	}
	var raw struct {
		Title      Text            `json:"title"`
		Definition json.RawMessage `json:"definition"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("surveys.LoadTemplate(%q): %w", key, err)
	}
	def, err := ParseDefinition(raw.Definition)
	if err != nil {
		return nil, fmt.Errorf("surveys.LoadTemplate(%q): %w", key, err)
	}
	return &Template{Key: key, Title: raw.Title, Definition: def}, nil
}
