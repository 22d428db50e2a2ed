package events

import (
	"context"
	"testing"

	"github.com/dijalog/dijalog/internal/audit"
	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// TestEventCreateAudited: creating an event is in the audit log, with the
// account and the organiser.
func TestEventCreateAudited(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		id := dbtest.User(t, d, "u-staff", "staff@example.org", "Staff")
		u := &auth.User{ID: id, Status: auth.StatusActive, Grants: []auth.Grant{{Role: auth.RoleLSGStaff, ScopeKind: auth.ScopeLSG, ScopeRef: "ba-fbih-mostar"}}}
		s := NewService(d, nil, nil, "http://localhost", nil)
		e, err := s.Create(ctx, u, Input{Kind: "forum", Lang: "bs", Title: "Forum", Start: "2026-05-01T10:00", End: "2026-05-01T12:00",
			Venue: "Gradska vijećnica", OrganiserKind: auth.PublisherLSG, OrganiserRef: "ba-fbih-mostar"})
		if err != nil {
			t.Fatal(err)
		}
		es, err := audit.List(ctx, d, audit.Filter{ObjectKind: "event", ObjectRef: e.PublicID})
		if err != nil {
			t.Fatal(err)
		}
		if len(es) != 1 || es[0].Action != "events.event.create" || es[0].ActorID != id || es[0].Details["organiser"] != "lsg:ba-fbih-mostar" {
			t.Errorf("audit log: %+v", es)
		}
	})
}
