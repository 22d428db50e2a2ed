package auth

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/refuse"
)

var resetLink = regexp.MustCompile(`/reset\?token=([A-Za-z0-9_-]+)`)

// TestFinding09ResetInvalidatesOthers: of several reset links, using one
// (or asking for a new one) leaves none of the others usable.
func TestFinding09ResetInvalidatesOthers(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, rec := newService(t, d)
		m := Meta{IP: "192.0.2.9"}
		if _, err := s.Register(ctx, RegisterInput{Email: "mila@example.org", Name: "Mila", Password: "duga lozinka za test"}, m); err != nil {
			t.Fatal(err)
		}
		var toks []string
		for range 3 {
			if err := s.RequestReset(ctx, "mila@example.org", "bs", m); err != nil {
				t.Fatal(err)
			}
			sent := rec.Sent()
			toks = append(toks, resetLink.FindStringSubmatch(sent[len(sent)-1].Text)[1])
		}
		for i, tok := range toks[:2] {
			if ok, _ := s.ResetTokenValid(ctx, tok); ok {
				t.Errorf("link %d still valid after a newer one was asked for", i+1)
			}
		}
		if err := s.ResetPassword(ctx, toks[0], "nova duga lozinka", m); !errors.Is(err, refuse.ErrNotFound) {
			t.Errorf("an older link reset the password: %v", err)
		}
		// Two links outstanding at once (one asked from another device
		// after the first was mailed): using either kills the other.
		if err := s.st.invalidateResets(ctx, d, mustUser(t, s, "mila@example.org").ID); err != nil {
			t.Fatal(err)
		}
		a, b := randomToken(), randomToken()
		uid := mustUser(t, s, "mila@example.org").ID
		for _, tok := range []string{a, b} {
			if err := s.st.insertReset(ctx, d, hashToken(tok), uid, time.Now().Add(ResetLifetime)); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.ResetPassword(ctx, a, "nova duga lozinka", m); err != nil {
			t.Fatal(err)
		}
		if ok, _ := s.ResetTokenValid(ctx, b); ok {
			t.Error("the other outstanding link is still valid after a reset")
		}
	})
}

func mustUser(t *testing.T, s *Service, email string) *User {
	t.Helper()
	u, err := s.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestFinding10PasswordPolicy: at least 12 characters, none of the most
// common passwords, no composition rules.
func TestFinding10PasswordPolicy(t *testing.T) {
	t.Parallel()
	cases := []struct {
		pw, want string
	}{
		{"kratka11aaa", "auth.password.short"}, // 11 characters
		{"dvanaest1234", ""},                   // 12, no rules about classes
		{"qwertyuiopasdfgh", "auth.password.common"},
		{"QwertyUiopAsdfgh", "auth.password.common"}, // case does not help
		{"123456789012", "auth.password.common"},
		{"ana@example.org", "auth.password.email"},
		{"četiri riječi bez veze", ""},
	}
	for _, c := range cases {
		if got := ValidatePassword(c.pw, "ana@example.org"); got != c.want {
			t.Errorf("ValidatePassword(%q) = %q, want %q", c.pw, got, c.want)
		}
	}
}

// TestFinding10SessionLifetimes: staff sessions end 12 hours after sign-in
// however active; citizens' after 7 idle days and at most 30 days.
func TestFinding10SessionLifetimes(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
	staff := &User{Grants: []Grant{{Role: RoleLSGStaff, ScopeKind: ScopeLSG, ScopeRef: "ba-fbih-trnovo"}}}
	citizen := &User{}
	cases := []struct {
		name      string
		u         *User
		now, want time.Time
	}{
		{"staff at sign-in", staff, t0, t0.Add(12 * time.Hour)},
		{"staff active 11 h later", staff, t0.Add(11 * time.Hour), t0.Add(12 * time.Hour)},
		{"citizen at sign-in", citizen, t0, t0.Add(7 * 24 * time.Hour)},
		{"citizen active on day 20", citizen, t0.Add(20 * 24 * time.Hour), t0.Add(27 * 24 * time.Hour)},
		{"citizen active on day 28", citizen, t0.Add(28 * 24 * time.Hour), t0.Add(30 * 24 * time.Hour)},
	}
	for _, c := range cases {
		if got := expiry(c.u, t0, c.now); !got.Equal(c.want) {
			t.Errorf("%s: expiry %v, want %v", c.name, got, c.want)
		}
	}
	if !absoluteEnd(staff, t0).Equal(t0.Add(StaffSessionLifetime)) || !absoluteEnd(citizen, t0).Equal(t0.Add(CitizenSessionLifetime)) {
		t.Error("absolute ends")
	}
}

// TestFinding05LockoutIsNotAWeapon: wrong passwords from one address stop
// that address guessing that account, but never the owner signing in from
// an address that has not failed; failures are answered later each time.
func TestFinding05LockoutIsNotAWeapon(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := newService(t, d)
		if _, err := s.Register(ctx, RegisterInput{Email: "admin@example.org", Name: "Admin", Password: "prava duga lozinka"}, Meta{}); err != nil {
			t.Fatal(err)
		}
		attacker, owner := Meta{IP: "203.0.113.66"}, Meta{IP: "198.51.100.7"}
		for i := range LoginPerAccount {
			if _, err := s.Authenticate(ctx, "admin@example.org", "pogresna lozinka", attacker); !errors.Is(err, ErrBadCredentials) {
				t.Fatalf("failure %d: %v", i+1, err)
			}
		}
		// The attacker's address is stopped for this account, even with
		// the right password...
		if _, err := s.Authenticate(ctx, "admin@example.org", "prava duga lozinka", attacker); !errors.Is(err, refuse.ErrRateLimited) {
			t.Errorf("the attacking address after %d failures: %v, want rate limited", LoginPerAccount, err)
		}
		// ...the owner, from an address that has not failed, is not.
		if _, err := s.Authenticate(ctx, "admin@example.org", "prava duga lozinka", owner); err != nil {
			t.Errorf("the owner from a clean address: %v", err)
		}
		// A whole botnet of addresses each failing a few times does not
		// lock the owner out either.
		for i := range 40 {
			bot := Meta{IP: "192.0.2." + strconv.Itoa(i+1)}
			_, _ = s.Authenticate(ctx, "admin@example.org", "pogresna", bot)
		}
		if _, err := s.Authenticate(ctx, "admin@example.org", "prava duga lozinka", owner); err != nil {
			t.Errorf("the owner after 40 addresses failed: %v", err)
		}
	})
}

// TestFinding05GrowingDelay: each failure of a pair is answered later,
// doubling up to 16 times the first delay; and the answer really waits at
// least that long (a timer never fires early; how much later it fires
// depends on the machine's load, so only the lower bound is checked).
func TestFinding05GrowingDelay(t *testing.T) {
	t.Parallel()
	const first = 250 * time.Millisecond
	for n, want := range map[int]time.Duration{0: 0, 1: first, 2: 2 * first, 3: 4 * first, 4: 8 * first, 5: 16 * first, 9: 16 * first} {
		if got := failureDelay(first, n); got != want {
			t.Errorf("failure %d: delay %v, want %v", n, got, want)
		}
	}
	if failureDelay(0, 3) != 0 {
		t.Errorf("a zero first delay (tests) must not delay")
	}
	s := &Service{delay0: 10 * time.Millisecond}
	for n := 1; n <= 3; n++ {
		start := time.Now()
		s.delay(context.Background(), n)
		if took, want := time.Since(start), failureDelay(s.delay0, n); took < want {
			t.Errorf("failure %d answered after %v, want at least %v", n, took, want)
		}
	}
}
