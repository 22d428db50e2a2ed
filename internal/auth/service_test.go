package auth

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dijalog/dijalog/internal/audit"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/i18n"
	"github.com/dijalog/dijalog/internal/mail"
	"github.com/dijalog/dijalog/internal/refuse"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func newService(t *testing.T, d *db.DB) (*Service, *mail.Recorder) {
	t.Helper()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	rec := &mail.Recorder{}
	// Cheap hashes: the cost is not under test here.
	s := NewService(d, rec, cat, "http://example.test", slog.New(slog.NewTextHandler(io.Discard, nil)), Options{Password: PasswordParams{Memory: 64, Time: 1, Threads: 1}, FailureDelay: -1})
	return s, rec
}

func TestAccounts(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, rec := newService(t, d)
		m := Meta{IP: "192.0.2.1"}

		// Validation errors name the fields.
		_, err := s.Register(ctx, RegisterInput{Email: "bad", Name: "", Password: "short"}, m)
		var fe FieldErrors
		if !errors.As(err, &fe) || fe["email"] == "" || fe["name"] == "" || fe["password"] == "" {
			t.Fatalf("Register(bad) err = %v, want field errors for email, name, password", err)
		}
		u, err := s.Register(ctx, RegisterInput{Email: " Ana@Example.org ", Name: "Ana", Password: "dugacka lozinka", Locale: "hr"}, m)
		if err != nil {
			t.Fatalf("Register: %v", err)
		}
		if u.Email != "ana@example.org" || u.Locale != "hr" {
			t.Errorf("registered %+v", u)
		}
		_, err = s.Register(ctx, RegisterInput{Email: "ana@example.org", Name: "Ana 2", Password: "dugacka lozinka"}, m)
		if !errors.As(err, &fe) || fe["email"] != "auth.email.taken" {
			t.Fatalf("duplicate register err = %v", err)
		}
		// The public sign-up does not say the address is taken (finding
		// 11): it answers nil, makes no account and mails the owner, in
		// the account's language, how to sign in or reset the password.
		s2, rec2 := newService(t, d)
		if err := s2.SignUp(ctx, RegisterInput{Email: "ANA@example.org", Name: "Ana 3", Password: "druga duga lozinka", Locale: "en"}, "", Meta{IP: "192.0.2.9"}); err != nil {
			t.Fatalf("SignUp with a known address = %v, want nil", err)
		}
		if got, err := s.UserByEmail(ctx, "ana@example.org"); err != nil || got.Name != "Ana" {
			t.Fatalf("after SignUp the account is %+v, %v", got, err)
		}
		if sent := rec2.Sent(); len(sent) != 1 || sent[0].To != "ana@example.org" || !strings.Contains(sent[0].Text, "/hr/forgot") || strings.Contains(sent[0].Text, "/confirm") {
			t.Fatalf("mails after SignUp with a known address: %+v", sent)
		}

		// Sign-in, wrong password, then the per-account limit.
		if _, err := s.Authenticate(ctx, "ANA@example.org", "dugacka lozinka", m); err != nil {
			t.Fatalf("Authenticate: %v", err)
		}
		for i := 0; i < LoginPerAccount; i++ {
			if _, err := s.Authenticate(ctx, "ana@example.org", "wrong password", m); !errors.Is(err, ErrBadCredentials) {
				t.Fatalf("attempt %d: err = %v, want bad credentials", i, err)
			}
		}
		if _, err := s.Authenticate(ctx, "ana@example.org", "dugacka lozinka", m); !errors.Is(err, refuse.ErrRateLimited) {
			t.Fatalf("after %d failures: err = %v, want rate limited", LoginPerAccount, err)
		}
		if _, err := s.Authenticate(ctx, "nobody@example.org", "whatever", m); !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("unknown account: %v", err)
		}

		// Password reset by mailed token ends sessions and works once.
		if err := s.RequestReset(ctx, "nobody@example.org", "bs", m); err != nil {
			t.Fatalf("reset for unknown address: %v", err)
		}
		if n := len(rec.Sent()); n != 0 {
			t.Fatalf("mail sent for an unknown address: %d", n)
		}
		if err := s.RequestReset(ctx, "ana@example.org", "bs", m); err != nil {
			t.Fatalf("RequestReset: %v", err)
		}
		sent := rec.Sent()
		if len(sent) != 1 || sent[0].To != "ana@example.org" {
			t.Fatalf("sent = %+v", sent)
		}
		// The user chose Croatian: the link and text are in hr.
		tok := regexp.MustCompile(`/hr/reset\?token=([A-Za-z0-9_-]+)`).FindStringSubmatch(sent[0].Text)
		if tok == nil {
			t.Fatalf("no hr reset link in %q", sent[0].Text)
		}
		if ok, _ := s.ResetTokenValid(ctx, tok[1]); !ok {
			t.Fatal("fresh token not valid")
		}
		if err := s.ResetPassword(ctx, tok[1], "x", m); !errors.As(err, &fe) {
			t.Fatalf("weak new password: %v", err)
		}
		if err := s.ResetPassword(ctx, tok[1], "nova dugacka lozinka", m); err != nil {
			t.Fatalf("ResetPassword: %v", err)
		}
		if err := s.ResetPassword(ctx, tok[1], "treca dugacka lozinka", m); !errors.Is(err, refuse.ErrNotFound) {
			t.Fatalf("token reused: %v", err)
		}
		if err := s.st.clearHits(ctx, d, failureKey("ana@example.org", m.IP)); err != nil {
			t.Fatal(err)
		}
		u2, err := s.Authenticate(ctx, "ana@example.org", "nova dugacka lozinka", m)
		if err != nil {
			t.Fatalf("sign-in with reset password: %v", err)
		}
		if err := s.ChangePassword(ctx, u2, "wrong", "jos jedna lozinka", "", m); !errors.As(err, &fe) || fe["current"] == "" {
			t.Fatalf("change with wrong current: %v", err)
		}
		if err := s.ChangePassword(ctx, u2, "nova dugacka lozinka", "jos jedna lozinka", "", m); err != nil {
			t.Fatalf("ChangePassword: %v", err)
		}

		// Roles: only an admin grants; everything is audited.
		admin, err := s.CreateAdmin(ctx, "admin@example.org", "Admin", "admin lozinka 1")
		if err != nil {
			t.Fatal(err)
		}
		g := Grant{Role: RoleLSGCoordinator, ScopeKind: ScopeLSG, ScopeRef: "ba-fbih-mostar"}
		if err := s.GrantRole(ctx, u2, u2.PublicID, g, m); !errors.Is(err, refuse.ErrForbidden) {
			t.Fatalf("self-grant: %v", err)
		}
		if err := s.GrantRole(ctx, admin, u2.PublicID, g, m); err != nil {
			t.Fatalf("GrantRole: %v", err)
		}
		if err := s.GrantRole(ctx, admin, u2.PublicID, g, m); !errors.Is(err, refuse.ErrConflict) {
			t.Fatalf("double grant: %v", err)
		}
		coord, _ := s.UserByPublicID(ctx, u2.PublicID)
		if !Can(coord, ActAdminLSG, Object{LSG: "ba-fbih-mostar"}) || Can(coord, ActAdminLSG, Object{LSG: "ba-rs-trebinje"}) {
			t.Fatalf("coordinator grants %+v", coord.Grants)
		}
		team, err := s.UsersInScope(ctx, ScopeLSG, "ba-fbih-mostar")
		if err != nil || len(team) != 1 || team[0].User.Email != "ana@example.org" {
			t.Fatalf("UsersInScope = %+v, %v", team, err)
		}
		// The coordinator may add staff to Mostar only.
		staff, _ := s.Register(ctx, RegisterInput{Email: "b@example.org", Name: "B", Password: "dugacka lozinka"}, m)
		if err := s.GrantRole(ctx, coord, staff.PublicID, Grant{RoleLSGStaff, ScopeLSG, "ba-fbih-mostar"}, m); err != nil {
			t.Fatalf("coordinator grants staff: %v", err)
		}
		if err := s.GrantRole(ctx, coord, staff.PublicID, Grant{RoleLSGStaff, ScopeLSG, "ba-rs-trebinje"}, m); !errors.Is(err, refuse.ErrForbidden) {
			t.Fatalf("coordinator grants staff elsewhere: %v", err)
		}
		if err := s.RevokeRole(ctx, admin, u2.PublicID, g, m); err != nil {
			t.Fatalf("RevokeRole: %v", err)
		}
		if err := s.RevokeRole(ctx, admin, admin.PublicID, Grant{RoleAdmin, ScopeGlobal, ""}, m); !errors.As(err, &fe) {
			t.Fatalf("admin revoking own admin: %v", err)
		}
		entries, err := audit.List(ctx, d, audit.Filter{ObjectKind: "user", ObjectRef: u2.PublicID})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range entries {
			actions = append(actions, e.Action)
		}
		got := strings.Join(actions, ",")
		for _, want := range []string{"user.register", "user.password_reset", "user.password_change", "role.grant", "role.revoke"} {
			if !strings.Contains(got, want) {
				t.Errorf("audit of %s lacks %s: %s", u2.Email, want, got)
			}
		}

		// Disabling ends sign-in.
		if err := s.SetStatus(ctx, admin, staff.PublicID, StatusDisabled, m); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, "b@example.org", "dugacka lozinka", m); !errors.Is(err, ErrDisabled) {
			t.Fatalf("disabled sign-in: %v", err)
		}
		if err := s.SetStatus(ctx, admin, admin.PublicID, StatusDisabled, m); !errors.As(err, &fe) {
			t.Fatalf("admin disabling self: %v", err)
		}

		// Organisations and members.
		org := &Organisation{Name: "LDA Mostar", Kind: "cso", PlaceCode: "ba-fbih-mostar"}
		if err := s.CreateOrganisation(ctx, admin, org, m); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateOrganisation(ctx, admin, &Organisation{Name: "X", Kind: "club"}, m); !errors.As(err, &fe) {
			t.Fatalf("bad kind: %v", err)
		}
		if err := s.AddMember(ctx, admin, org.PublicID, u2.PublicID, m); err != nil {
			t.Fatal(err)
		}
		if err := s.AddMember(ctx, coord, org.PublicID, staff.PublicID, m); !errors.Is(err, refuse.ErrForbidden) {
			t.Fatalf("non-member adds member: %v", err)
		}
		orgs, err := s.Organisations(ctx, "cso")
		if err != nil || len(orgs) != 1 || orgs[0].Members != 1 {
			t.Fatalf("Organisations = %+v, %v", orgs, err)
		}
	})
}

func TestIPRateLimit(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := newService(t, d)
		m := Meta{IP: "198.51.100.7"}
		var last error
		for i := 0; i <= LoginPerIP; i++ {
			_, last = s.Authenticate(ctx, "x"+strings.Repeat("y", i)+"@example.org", "pw", m)
		}
		if !errors.Is(last, refuse.ErrRateLimited) {
			t.Fatalf("after %d attempts from one IP: %v", LoginPerIP+1, last)
		}
		if _, err := s.Authenticate(ctx, "z@example.org", "pw", Meta{IP: "198.51.100.8"}); !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("another IP is limited too: %v", err)
		}
	})
}

func TestPurgeExpired(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := newService(t, d)
		old := db.Now().Add(-48 * time.Hour)
		if _, err := d.ExecContext(ctx, `INSERT INTO sessions (id, csrf_token, created_at, expires_at, last_seen_at) VALUES ('old', 't', ?, ?, ?), ('new', 't', ?, ?, ?)`,
			old, old, old, db.Now(), db.Now().Add(time.Hour), db.Now()); err != nil {
			t.Fatal(err)
		}
		if _, err := d.ExecContext(ctx, `INSERT INTO rate_limits (key, window_start, hits) VALUES ('stale', ?, 3), ('fresh', ?, 1)`, old, db.Now()); err != nil {
			t.Fatal(err)
		}
		n, err := s.PurgeExpired(ctx)
		if err != nil || n != 1 {
			t.Fatalf("PurgeExpired = %d, %v; want 1", n, err)
		}
		var sessions, limits int
		d.QueryRowContext(ctx, `SELECT COUNT(*) FROM sessions`).Scan(&sessions)
		d.QueryRowContext(ctx, `SELECT COUNT(*) FROM rate_limits`).Scan(&limits)
		if sessions != 1 || limits != 1 {
			t.Errorf("after purge: %d sessions, %d rate limits; want 1 and 1", sessions, limits)
		}
	})
}
