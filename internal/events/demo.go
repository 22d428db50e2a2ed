package events

import (
	"context"
	"embed"
	"fmt"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/demo"
)

//go:embed demo
var demoFS embed.FS

// LoadDemo creates the demo events of demo/events.json (the Igman training
// of MAKERS, the forums and final conference of Link for cooperation),
// organised by the platform (admin).
func LoadDemo(ctx context.Context, s *Service, admin *auth.User) error {
	ins, err := demo.Read[[]Input](demoFS, "demo/events.json")
	if err != nil {
		return fmt.Errorf("events demo: %w", err)
	}
	for _, in := range ins {
		in.OrganiserKind = auth.PublisherPlatform
		if _, err := s.Create(ctx, admin, in); err != nil {
			return fmt.Errorf("events demo %q: %w", in.Title, err)
		}
	}
	return nil
}
