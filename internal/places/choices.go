package places

import (
	"context"
	"fmt"

	"github.com/dijalog/dijalog/internal/i18n"
	"github.com/dijalog/dijalog/internal/web"
)

// Choices are the 145 LSGs as a pick list for pr's reader: named in the
// reader's language and script and grouped by canton (the Federation)
// or entity (Republika Srpska, Brčko District), in list order, so that a
// form or filter asks for a municipality by its name, never by its code.
func (s *Service) Choices(ctx context.Context, pr *i18n.Printer) ([]web.Choice, error) {
	groups, err := s.Grouped(ctx)
	if err != nil {
		return nil, fmt.Errorf("places.Service.Choices: %w", err)
	}
	var out []web.Choice
	add := func(group Place, lsgs []Place) {
		g := pr.Name(group.NameLat, group.NameCyr)
		for _, p := range lsgs {
			out = append(out, web.Choice{Value: p.Code, Label: pr.Name(p.NameLat, p.NameCyr), Group: g})
		}
	}
	for _, eg := range groups {
		for _, cg := range eg.Cantons {
			add(cg.Canton, cg.LSGs)
		}
		add(eg.Entity, eg.LSGs)
	}
	return out, nil
}
