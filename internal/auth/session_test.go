package auth

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/google/go-cmp/cmp"
)

// TestSessionWithUser checks the one query behind every request with a
// session cookie: anonymous and signed-in sessions, grants, deleted users and
// expired or unknown sessions.
func TestSessionWithUser(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := newService(t, d)
		u, err := s.Register(ctx, RegisterInput{Email: "sesija@example.org", Name: "Sesija", Password: "dugacka lozinka", Locale: "bs"}, Meta{})
		if err != nil {
			t.Fatal(err)
		}
		grants := []Grant{
			{Role: RoleLSGStaff, ScopeKind: ScopeLSG, ScopeRef: "ba-fbih-mostar"},
			{Role: RoleLSGCoordinator, ScopeKind: ScopeLSG, ScopeRef: "ba-rs-trebinje"},
			{Role: RoleLSGStaff, ScopeKind: ScopeLSG, ScopeRef: "ba-fbih-jablanica"},
		}
		for _, g := range grants {
			if err := s.st.insertGrant(ctx, d, u.ID, g, 0); err != nil {
				t.Fatal(err)
			}
		}
		plain, err := s.Register(ctx, RegisterInput{Email: "bez-uloga@example.org", Name: "Bez uloga", Password: "dugacka lozinka"}, Meta{})
		if err != nil {
			t.Fatal(err)
		}
		later := time.Now().Add(time.Hour)
		add := func(id string, uid int64, expires time.Time) {
			t.Helper()
			if err := s.st.insertSession(ctx, d, session{ID: id, UserID: uid, CSRFToken: "csrf-" + id, ExpiresAt: expires}, "192.0.2.7", "test"); err != nil {
				t.Fatal(err)
			}
		}
		add("anon", 0, later)
		add("signed", u.ID, later)
		add("plain", plain.ID, later)
		add("expired", u.ID, time.Now().Add(-time.Minute))

		// Grants come sorted by role, then scope.
		wantGrants := []Grant{grants[1], grants[2], grants[0]}
		tests := []struct {
			id       string
			wantErr  error
			wantUser int64
			grants   []Grant
		}{
			{id: "anon"},
			{id: "signed", wantUser: u.ID, grants: wantGrants},
			{id: "plain", wantUser: plain.ID},
			{id: "expired", wantErr: refuse.ErrNotFound},
			{id: "unknown", wantErr: refuse.ErrNotFound},
		}
		for _, tt := range tests {
			sess, got, err := s.st.sessionWithUser(ctx, d, tt.id)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Errorf("%s: err = %v, want %v", tt.id, err, tt.wantErr)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s: %v", tt.id, err)
			}
			if sess.ID != tt.id || sess.CSRFToken != "csrf-"+tt.id || sess.UserID != tt.wantUser {
				t.Errorf("%s: session %+v", tt.id, sess)
			}
			if tt.wantUser == 0 {
				if got != nil {
					t.Errorf("%s: anonymous session has user %+v", tt.id, got)
				}
				continue
			}
			if got == nil || got.ID != tt.wantUser || got.Status != StatusActive || got.PublicID == "" || got.CreatedAt.IsZero() {
				t.Fatalf("%s: user %+v", tt.id, got)
			}
			if diff := cmp.Diff(tt.grants, got.Grants); diff != "" {
				t.Errorf("%s: grants (-want +got):\n%s", tt.id, diff)
			}
		}
		if got, _, _ := s.st.sessionWithUser(ctx, d, "signed"); got == nil || got.ExpiresAt.Before(time.Now()) {
			t.Errorf("signed session expiry %+v", got)
		}

		// A deleted account's session stays, but carries nobody.
		if _, err := d.ExecContext(ctx, `UPDATE users SET deleted_at = ? WHERE id = ?`, db.Now(), u.ID); err != nil {
			t.Fatal(err)
		}
		if sess, got, err := s.st.sessionWithUser(ctx, d, "signed"); err != nil || sess == nil || got != nil {
			t.Errorf("deleted user: session %+v, user %+v, err %v", sess, got, err)
		}
	})
}
