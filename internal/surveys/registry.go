package surveys

import (
	"context"
	"net/http"

	"github.com/dijalog/dijalog/internal/money"
)

// RegistrySummary is what the registry of who funded whom holds about one
// LSG's support to civil society: the records a FinansirajGO survey's
// answers can be read against (what CSOs say beside what was paid).
type RegistrySummary struct {
	Records    int            `json:"records"`
	Recipients int            `json:"recipients"`
	OpenCall   int            `json:"open_call"` // records awarded through a public call
	Direct     int            `json:"direct"`    // records awarded directly
	FirstYear  int            `json:"first_year"`
	LastYear   int            `json:"last_year"`
	Totals     []money.Amount `json:"-"`
	Path       string         `json:"-"` // the registry filtered to the LSG, without locale
}

// RegistryLookup summarises the registry for an LSG; nil summary when the
// registry holds nothing for it.
type RegistryLookup func(ctx context.Context, lsg string) (*RegistrySummary, error)

// registryFor returns the registry summary a survey's results link to:
// FinansirajGO surveys of an LSG, when the registry exists.
func (h *Handlers) registryFor(r *http.Request, sv *Survey) (*RegistrySummary, error) {
	if h.opts.Registry == nil || sv.Template != TemplateFinansirajGO || sv.OwnerKind != OwnerLSG {
		return nil, nil
	}
	return h.opts.Registry(r.Context(), sv.OwnerRef)
}

// registryJSON is the registry summary in the JSON export.
type registryJSON struct {
	*RegistrySummary
	Totals []map[string]string `json:"totals"`
	URL    string              `json:"url"`
}

func toRegistryJSON(s *RegistrySummary) *registryJSON {
	if s == nil {
		return nil
	}
	out := &registryJSON{RegistrySummary: s, URL: "/en" + s.Path, Totals: []map[string]string{}}
	for _, t := range s.Totals {
		out.Totals = append(out.Totals, map[string]string{"amount": t.Decimal(), "currency": t.Currency})
	}
	return out
}
