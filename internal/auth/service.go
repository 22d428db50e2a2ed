// Package auth owns accounts, organisations and their members, sessions,
// roles scoped to places and organisations, and the one permission check
// (Can) that every handler uses.
package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dijalog/dijalog/internal/audit"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/i18n"
	mailer "github.com/dijalog/dijalog/internal/mail"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/dijalog/dijalog/internal/search"
	"github.com/dijalog/dijalog/internal/translit"
	"github.com/google/uuid"
)

// Errors of the auth service's sign-in, flavours of the refusals (the
// service refuses with refuse.ErrForbidden and refuse.ErrRateLimited too).
var (
	// ErrBadCredentials: no account with this e-mail and password; the
	// visitor stays signed out (errors.Is refuse.ErrSignIn).
	ErrBadCredentials = fmt.Errorf("%w: wrong e-mail or password", refuse.ErrSignIn)
	// ErrDisabled: the account is disabled (errors.Is refuse.ErrForbidden).
	ErrDisabled = fmt.Errorf("%w: account disabled", refuse.ErrForbidden)
)

// FieldErrors maps form fields to catalogue keys (the one type of internal/web).
type FieldErrors = refuse.FieldErrors

// Limits of sign-in attempts.
const (
	LoginWindow       = 15 * time.Minute
	LoginPerIP        = 30 // default attempts per IP and window (see Options.LoginPerIP)
	LoginPerAccount   = 5  // failed attempts per account and address in a window
	AnonymousLifetime = 24 * time.Hour
	ResetLifetime     = time.Hour
	MinPasswordLen    = 12
	MaxPasswordLen    = 256
)

// Session lifetimes (ASVS 3.3): a person with any role (staff of an LSG,
// a CSO, a donor programme, moderators, administrators) is signed out 12
// hours after signing in, whatever they do; a citizen after 30 days, or
// after 7 days without a request.
const (
	StaffSessionLifetime   = 12 * time.Hour
	CitizenSessionLifetime = 30 * 24 * time.Hour
	CitizenIdleLifetime    = 7 * 24 * time.Hour
)

// Service is the auth domain's API; web pages, the CLI and the demo loader use it.
type Service struct {
	db      *db.DB
	st      store
	mail    mailer.Sender
	cat     *i18n.Catalog
	baseURL string
	log     *slog.Logger
	pw      PasswordParams
	perIP   int            // sign-in and reset attempts per IP and window
	index   search.Indexer // keeps organisations in the search index (nil: none)
	delay0  time.Duration  // the first failed sign-in's delay (0: none)
}

// Options are the auth service's settings; the zero value is the default.
type Options struct {
	// LoginPerIP is how many sign-in attempts one address may make per
	// window (0: LoginPerIP): offices where many people share one address
	// need more.
	LoginPerIP int
	// Password is the cost of new password hashes (zero: the default;
	// tests use a low cost).
	Password PasswordParams
	// Index keeps organisations in the search index, written in the
	// transaction that writes them (nil: not indexed).
	Index search.Indexer
	// FailureDelay is how much later the first failed sign-in of an
	// (account, address) pair is answered, doubling with each failure up to
	// 16 times it (0: 250 ms; negative: none, for tests).
	FailureDelay time.Duration
}

// NewService makes the auth service. baseURL is used in e-mailed links.
func NewService(d *db.DB, m mailer.Sender, cat *i18n.Catalog, baseURL string, log *slog.Logger, o Options) *Service {
	s := &Service{db: d, mail: m, cat: cat, baseURL: strings.TrimRight(baseURL, "/"), log: log, pw: o.Password, perIP: o.LoginPerIP, index: o.Index}
	if s.pw == (PasswordParams{}) {
		s.pw = DefaultPasswordParams()
	}
	if s.perIP <= 0 {
		s.perIP = LoginPerIP
	}
	switch {
	case o.FailureDelay == 0:
		s.delay0 = 250 * time.Millisecond
	case o.FailureDelay > 0:
		s.delay0 = o.FailureDelay
	}
	return s
}

// Meta describes who asks, for the audit log.
type Meta struct {
	IP string
}

// NormalizeEmail lowercases and trims an address.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

var controlChars = regexp.MustCompile(`[\x00-\x1f\x7f]`)

// ValidateEmail returns the catalogue key of what is wrong with s, or "".
func ValidateEmail(s string) string {
	if s == "" {
		return "form.required"
	}
	if len(s) > 254 || controlChars.MatchString(s) {
		return "auth.email.invalid"
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || !strings.Contains(s[strings.LastIndexByte(s, '@'):], ".") {
		return "auth.email.invalid"
	}
	return ""
}

// ValidatePassword returns the catalogue key of what is wrong with p, or "".
func ValidatePassword(p, email string) string {
	n := utf8.RuneCountInString(p)
	switch {
	case p == "":
		return "form.required"
	case n < MinPasswordLen:
		return "auth.password.short"
	case len(p) > MaxPasswordLen:
		return "auth.password.long"
	case email != "" && strings.EqualFold(p, email):
		return "auth.password.email"
	case isCommonPassword(p):
		return "auth.password.common"
	}
	return ""
}

func validateName(s string) string {
	switch {
	case s == "":
		return "form.required"
	case utf8.RuneCountInString(s) > 100 || controlChars.MatchString(s) || !utf8.ValidString(s):
		return "auth.name.invalid"
	}
	return ""
}

// RegisterInput is the registration form.
type RegisterInput struct {
	Email, Name, Password, Locale string
}

// Register creates a citizen account whose e-mail address counts as
// confirmed: for demo loaders, tests and other trusted callers, never for
// the public registration page (that is SignUp). Invalid input returns
// FieldErrors; a taken address the field error auth.email.taken.
func (s *Service) Register(ctx context.Context, in RegisterInput, m Meta) (*User, error) {
	in, fe := validateRegister(in)
	if len(fe) > 0 {
		return nil, fe
	}
	return s.createUser(ctx, in, false, 0, m)
}

// CreateAdmin creates an administrator (from the CLI).
func (s *Service) CreateAdmin(ctx context.Context, email, name, password string) (*User, error) {
	in := RegisterInput{Email: NormalizeEmail(email), Name: strings.TrimSpace(name), Password: password}
	fe := FieldErrors{}
	if k := ValidateEmail(in.Email); k != "" {
		fe["email"] = k
	}
	if in.Name == "" {
		in.Name = in.Email
	}
	if k := ValidatePassword(password, in.Email); k != "" {
		fe["password"] = k
	}
	if len(fe) > 0 {
		return nil, fe
	}
	return s.createUser(ctx, in, true, 0, Meta{IP: "cli"})
}

func (s *Service) createUser(ctx context.Context, in RegisterInput, admin bool, actor int64, m Meta) (*User, error) {
	hash, err := s.pw.Hash(in.Password)
	if err != nil {
		return nil, err
	}
	u := &User{PublicID: uuid.NewString(), Email: in.Email, Name: in.Name, Locale: in.Locale, Status: StatusActive}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.st.insertUser(ctx, tx, u, hash, true); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Entry{ActorID: pick(actor, u.ID), Action: "user.register", ObjectKind: "user", ObjectRef: u.PublicID, IP: m.IP}); err != nil {
			return err
		}
		if admin {
			g := Grant{Role: RoleAdmin, ScopeKind: ScopeGlobal}
			if err := s.st.insertGrant(ctx, tx, u.ID, g, actor); err != nil {
				return err
			}
			u.Grants = append(u.Grants, g)
			return audit.Record(ctx, tx, audit.Entry{ActorID: actor, Action: "role.grant", ObjectKind: "user", ObjectRef: u.PublicID, Details: map[string]string{"role": string(g.Role), "scope": g.ScopeKind}, IP: m.IP})
		}
		return nil
	})
	if errors.Is(err, refuse.ErrConflict) {
		return nil, FieldErrors{"email": "auth.email.taken"}
	}
	if err != nil {
		return nil, fmt.Errorf("auth.Service.createUser: %w", err)
	}
	return u, nil
}

func pick(a, b int64) int64 {
	if a != 0 {
		return a
	}
	return b
}

// Authenticate checks an e-mail and password. It throttles the attacker,
// not the owner: an address may make s.perIP attempts per window, and an
// (account, address) pair LoginPerAccount failures, each answered a little
// later than the one before; an account is never locked as a whole, so its
// owner signs in from an address that has not failed however many others
// have. It returns refuse.ErrRateLimited before checking when a limit is hit.
func (s *Service) Authenticate(ctx context.Context, email, password string, m Meta) (*User, error) {
	email = NormalizeEmail(email)
	pairKey := failureKey(email, m.IP)
	fails, err := s.admit(ctx, pairKey, m.IP)
	if err != nil {
		return nil, err
	}
	u, err := s.checkCredentials(ctx, email, password)
	if errors.Is(err, ErrBadCredentials) {
		if _, herr := s.st.hit(ctx, s.db, pairKey, LoginWindow); herr != nil {
			return nil, herr
		}
		s.delay(ctx, fails+1)
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	if u.Status != StatusActive {
		return nil, ErrDisabled
	}
	if err := s.st.clearHits(ctx, s.db, pairKey); err != nil {
		return nil, err
	}
	// Only after the right password: the address waits for its link.
	if ok, err := s.st.isConfirmed(ctx, s.db, u.ID); err != nil {
		return nil, err
	} else if !ok {
		return nil, ErrUnconfirmed
	}
	if u.Grants, err = s.st.grants(ctx, s.db, u.ID); err != nil {
		return nil, err
	}
	if err := audit.Record(ctx, s.db, audit.Entry{ActorID: u.ID, Action: "user.login", ObjectKind: "user", ObjectRef: u.PublicID, IP: m.IP}); err != nil {
		return nil, err
	}
	return u, nil
}

// failureKey counts the failed sign-ins of one account from one address.
func failureKey(email, ip string) string { return "login:fail:" + email + "|" + ip }

// admit counts an attempt of the address and refuses when the address or
// the (account, address) pair is over its limit; it returns the pair's
// failures so far.
func (s *Service) admit(ctx context.Context, pairKey, ip string) (int, error) {
	n, err := s.st.hit(ctx, s.db, "login:ip:"+ip, LoginWindow)
	if err != nil {
		return 0, err
	}
	if n > s.perIP {
		return 0, refuse.ErrRateLimited
	}
	fails, err := s.st.hits(ctx, s.db, pairKey, LoginWindow)
	if err != nil {
		return 0, err
	}
	if fails >= LoginPerAccount {
		return 0, refuse.ErrRateLimited
	}
	return fails, nil
}

// checkCredentials returns the account of email when password is its
// password, ErrBadCredentials otherwise (also for an unknown address, after
// the same hashing work).
func (s *Service) checkCredentials(ctx context.Context, email, password string) (*User, error) {
	u, hash, err := s.st.userByEmail(ctx, s.db, email)
	if errors.Is(err, refuse.ErrNotFound) {
		_, _ = CheckPassword(dummyFor(s.pw), password)
		return nil, ErrBadCredentials
	}
	if err != nil {
		return nil, err
	}
	ok, err := CheckPassword(hash, password)
	if err != nil {
		return nil, fmt.Errorf("auth.Authenticate: %w", err)
	}
	if !ok {
		return nil, ErrBadCredentials
	}
	return u, nil
}

// delay answers the n-th failure of a pair a little later: by default
// 0.25 s, 0.5 s, 1 s, 2 s, then 4 s at most; guessing from one address gets slower, the
// owner's own typo costs a quarter of a second.
func (s *Service) delay(ctx context.Context, n int) {
	d := failureDelay(s.delay0, n)
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// failureDelay is how much later the n-th failure of a pair is answered:
// first doubling from first, at most 16 times first.
func failureDelay(first time.Duration, n int) time.Duration {
	if first <= 0 || n < 1 {
		return 0
	}
	return first << min(n-1, 4)
}

// ChangePassword sets a new password after checking the current one and
// ends the user's other sessions.
func (s *Service) ChangePassword(ctx context.Context, u *User, current, next, keepSession string, m Meta) error {
	_, hash, err := s.st.userByID(ctx, s.db, u.ID)
	if err != nil {
		return err
	}
	fe := FieldErrors{}
	if ok, _ := CheckPassword(hash, current); !ok {
		fe["current"] = "auth.password.wrong"
	}
	if k := ValidatePassword(next, u.Email); k != "" {
		fe["password"] = k
	}
	if len(fe) > 0 {
		return fe
	}
	nh, err := s.pw.Hash(next)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.st.setPassword(ctx, tx, u.ID, nh); err != nil {
			return err
		}
		if err := s.st.deleteUserSessions(ctx, tx, u.ID, keepSession); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: u.ID, Action: "user.password_change", ObjectKind: "user", ObjectRef: u.PublicID, IP: m.IP})
	})
}

// UpdateProfile changes the display name and preferred locale.
func (s *Service) UpdateProfile(ctx context.Context, u *User, name, locale string, m Meta) error {
	name = strings.TrimSpace(name)
	if k := validateName(name); k != "" {
		return FieldErrors{"name": k}
	}
	if locale != "" && !i18n.Supported(locale) {
		return FieldErrors{"locale": "form.invalid_choice"}
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.st.setProfile(ctx, tx, u.ID, name, locale); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: u.ID, Action: "user.profile", ObjectKind: "user", ObjectRef: u.PublicID, Details: map[string]string{"locale": locale}, IP: m.IP})
	})
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// RequestReset mails a one-hour reset link if the address has an account.
// It answers the same either way, so it does not reveal who is registered.
func (s *Service) RequestReset(ctx context.Context, email, locale string, m Meta) error {
	email = NormalizeEmail(email)
	if k := ValidateEmail(email); k != "" {
		return FieldErrors{"email": k}
	}
	n, err := s.st.hit(ctx, s.db, "reset:ip:"+m.IP, LoginWindow)
	if err != nil {
		return err
	}
	if n > s.perIP {
		return refuse.ErrRateLimited
	}
	u, _, err := s.st.userByEmail(ctx, s.db, email)
	if errors.Is(err, refuse.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if u.Status != StatusActive {
		return nil
	}
	if i18n.Supported(u.Locale) {
		locale = u.Locale
	}
	tok := randomToken()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		// A new link replaces every earlier one.
		if err := s.st.invalidateResets(ctx, tx, u.ID); err != nil {
			return err
		}
		if err := s.st.insertReset(ctx, tx, hashToken(tok), u.ID, time.Now().Add(ResetLifetime)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "user.reset_request", ObjectKind: "user", ObjectRef: u.PublicID, IP: m.IP})
	})
	if err != nil {
		return err
	}
	p := s.cat.Printer(locale)
	link := s.baseURL + "/" + p.Code() + "/reset?token=" + tok
	return s.mail.Send(ctx, mailer.Message{To: u.Email, Subject: p.T("auth.reset.mail.subject"), Text: p.T("auth.reset.mail.body", "name", u.Name, "link", link)})
}

// ResetTokenValid reports whether a reset token can still be used.
func (s *Service) ResetTokenValid(ctx context.Context, token string) (bool, error) {
	if token == "" || len(token) > 100 {
		return false, nil
	}
	return s.st.resetValid(ctx, s.db, hashToken(token))
}

// ResetPassword sets a new password with a mailed token and ends every session.
func (s *Service) ResetPassword(ctx context.Context, token, password string, m Meta) error {
	if len(token) > 100 {
		return refuse.ErrNotFound
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		uid, err := s.st.useReset(ctx, tx, hashToken(token))
		if err != nil {
			return err
		}
		// Every other link of this account dies with this one.
		if err := s.st.invalidateResets(ctx, tx, uid); err != nil {
			return err
		}
		u, _, err := s.st.userByID(ctx, tx, uid)
		if err != nil {
			return err
		}
		if k := ValidatePassword(password, u.Email); k != "" {
			return FieldErrors{"password": k}
		}
		h, err := s.pw.Hash(password)
		if err != nil {
			return err
		}
		if err := s.st.setPassword(ctx, tx, uid, h); err != nil {
			return err
		}
		if err := s.st.deleteUserSessions(ctx, tx, uid, ""); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: uid, Action: "user.password_reset", ObjectKind: "user", ObjectRef: u.PublicID, IP: m.IP})
	})
}

// UserByPublicID returns a user with grants.
func (s *Service) UserByPublicID(ctx context.Context, pid string) (*User, error) {
	u, err := s.st.userByPublicID(ctx, s.db, pid)
	if err != nil {
		return nil, err
	}
	if u.Grants, err = s.st.grants(ctx, s.db, u.ID); err != nil {
		return nil, err
	}
	return u, nil
}

// UserByEmail returns a user with grants.
func (s *Service) UserByEmail(ctx context.Context, email string) (*User, error) {
	u, _, err := s.st.userByEmail(ctx, s.db, NormalizeEmail(email))
	if err != nil {
		return nil, err
	}
	if u.Grants, err = s.st.grants(ctx, s.db, u.ID); err != nil {
		return nil, err
	}
	return u, nil
}

// ListUsers pages through accounts (administrators only).
func (s *Service) ListUsers(ctx context.Context, actor *User, search string, limit, offset int) ([]User, int, error) {
	if !Can(actor, ActAdminSite, Object{}) {
		return nil, 0, refuse.ErrForbidden
	}
	return s.st.listUsers(ctx, s.db, strings.TrimSpace(search), limit, offset)
}

// CanGrant reports whether actor may grant or revoke g: administrators any
// role; an LSG's coordinator the staff role of that LSG.
func CanGrant(actor *User, g Grant) bool {
	if Can(actor, ActAdminSite, Object{}) {
		return true
	}
	return g.Role == RoleLSGStaff && g.ScopeKind == ScopeLSG && Can(actor, ActManageLSGTeam, Object{LSG: g.ScopeRef})
}

// ValidateGrant checks a grant's role and scope shape.
func ValidateGrant(g Grant) FieldErrors {
	fe := FieldErrors{}
	if !ValidRole(g.Role) {
		fe["role"] = "form.invalid_choice"
		return fe
	}
	want := ScopeKindFor(g.Role)
	switch {
	case want == "" && g.ScopeKind != ScopeGlobal && g.ScopeKind != ScopeLSG:
		fe["scope"] = "auth.role.scope"
	case want != "" && g.ScopeKind != want:
		fe["scope"] = "auth.role.scope"
	case g.ScopeKind == ScopeGlobal && g.ScopeRef != "":
		fe["scope"] = "auth.role.scope"
	case g.ScopeKind != ScopeGlobal && (g.ScopeRef == "" || len(g.ScopeRef) > 100):
		fe["scope"] = "auth.role.scope"
	}
	return fe
}

// GrantRole gives target a role; audited.
func (s *Service) GrantRole(ctx context.Context, actor *User, targetPID string, g Grant, m Meta) error {
	if !CanGrant(actor, g) {
		return refuse.ErrForbidden
	}
	if fe := ValidateGrant(g); len(fe) > 0 {
		return fe
	}
	target, err := s.st.userByPublicID(ctx, s.db, targetPID)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.st.insertGrant(ctx, tx, target.ID, g, actorID(actor)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actorID(actor), Action: "role.grant", ObjectKind: "user", ObjectRef: target.PublicID,
			Details: map[string]string{"role": string(g.Role), "scope": g.ScopeKind, "ref": g.ScopeRef}, IP: m.IP})
	})
}

// RevokeRole takes a role away; audited.
func (s *Service) RevokeRole(ctx context.Context, actor *User, targetPID string, g Grant, m Meta) error {
	if !CanGrant(actor, g) {
		return refuse.ErrForbidden
	}
	target, err := s.st.userByPublicID(ctx, s.db, targetPID)
	if err != nil {
		return err
	}
	if target.ID == actorID(actor) && g.Role == RoleAdmin {
		return FieldErrors{"role": "auth.role.self"}
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		ok, err := s.st.deleteGrant(ctx, tx, target.ID, g)
		if err != nil {
			return err
		}
		if !ok {
			return refuse.ErrNotFound
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actorID(actor), Action: "role.revoke", ObjectKind: "user", ObjectRef: target.PublicID,
			Details: map[string]string{"role": string(g.Role), "scope": g.ScopeKind, "ref": g.ScopeRef}, IP: m.IP})
	})
}

// SetStatus enables or disables an account (administrators only); audited.
func (s *Service) SetStatus(ctx context.Context, actor *User, targetPID, status string, m Meta) error {
	if !Can(actor, ActAdminSite, Object{}) {
		return refuse.ErrForbidden
	}
	if status != StatusActive && status != StatusDisabled {
		return FieldErrors{"status": "form.invalid_choice"}
	}
	target, err := s.st.userByPublicID(ctx, s.db, targetPID)
	if err != nil {
		return err
	}
	if target.ID == actor.ID {
		return FieldErrors{"status": "auth.role.self"}
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.st.setStatus(ctx, tx, target.ID, status); err != nil {
			return err
		}
		if status == StatusDisabled {
			if err := s.st.deleteUserSessions(ctx, tx, target.ID, ""); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actor.ID, Action: "user.status", ObjectKind: "user", ObjectRef: target.PublicID, Details: map[string]string{"status": status}, IP: m.IP})
	})
}

func actorID(u *User) int64 {
	if u == nil {
		return 0
	}
	return u.ID
}

// OrganisationKinds lists the kinds of organisation.
func OrganisationKinds() []string { return []string{"cso", "lsg", "donor"} }

// CreateOrganisation registers an organisation (administrators); audited.
func (s *Service) CreateOrganisation(ctx context.Context, actor *User, o *Organisation, m Meta) error {
	if actor != nil && !Can(actor, ActAdminSite, Object{}) {
		return refuse.ErrForbidden
	}
	o.Name = strings.TrimSpace(o.Name)
	fe := FieldErrors{}
	if k := validateName(o.Name); k != "" {
		fe["name"] = k
	}
	switch o.Kind {
	case "cso", "lsg", "donor":
	default:
		fe["kind"] = "form.invalid_choice"
	}
	o.Website = strings.TrimSpace(o.Website)
	if o.Website != "" {
		if u, err := url.Parse(o.Website); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(o.Website) > 300 {
			fe["website"] = "form.url.invalid"
		}
	}
	if len(o.PlaceCode) > 100 || controlChars.MatchString(o.PlaceCode) {
		fe["place_code"] = "form.invalid_choice"
	}
	if len(fe) > 0 {
		return fe
	}
	o.PublicID = uuid.NewString()
	if o.Slug == "" {
		o.Slug = Slugify(o.Name) + "-" + o.PublicID[:6]
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.st.insertOrganisation(ctx, tx, o); err != nil {
			return err
		}
		if s.index != nil {
			if err := s.index.Upsert(ctx, tx, o.SearchDocument()); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actorID(actor), Action: "organisation.create", ObjectKind: "organisation", ObjectRef: o.PublicID, Details: map[string]string{"name": o.Name, "kind": o.Kind}, IP: m.IP})
	})
}

// AddMember adds a user to an organisation; audited.
func (s *Service) AddMember(ctx context.Context, actor *User, orgPID, userPID string, m Meta) error {
	if actor != nil && !Can(actor, ActManageOrg, Object{Org: orgPID}) {
		return refuse.ErrForbidden
	}
	o, err := s.st.organisationByPublicID(ctx, s.db, orgPID)
	if err != nil {
		return err
	}
	u, err := s.st.userByPublicID(ctx, s.db, userPID)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.st.insertMembership(ctx, tx, o.ID, u.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actorID(actor), Action: "organisation.member_add", ObjectKind: "organisation", ObjectRef: o.PublicID, Details: map[string]string{"user": u.PublicID}, IP: m.IP})
	})
}

// Organisations lists organisations, optionally of one kind.
func (s *Service) Organisations(ctx context.Context, kind string) ([]Organisation, error) {
	return s.st.listOrganisations(ctx, s.db, kind)
}

// Audit lists audit entries (administrators only).
func (s *Service) Audit(ctx context.Context, actor *User, f audit.Filter) ([]audit.Entry, error) {
	if !Can(actor, ActAdminSite, Object{}) {
		return nil, refuse.ErrForbidden
	}
	return audit.List(ctx, s.db, f)
}

// PurgeExpired removes expired sessions, rate-limit windows and used or
// expired reset tokens; it returns how many sessions went.
func (s *Service) PurgeExpired(ctx context.Context) (int64, error) {
	// The longest window is a day (sign-up mails per address).
	if _, err := s.st.deleteStaleRateLimits(ctx, s.db, time.Now().Add(-25*time.Hour)); err != nil {
		return 0, err
	}
	if err := s.st.deleteStaleConfirmations(ctx, s.db, time.Now().Add(-30*24*time.Hour)); err != nil {
		return 0, err
	}
	if _, err := s.db.ExecContext(ctx, `DELETE FROM password_resets WHERE expires_at < ?`, db.Now().Add(-24*time.Hour)); err != nil {
		return 0, fmt.Errorf("auth.PurgeExpired: resets: %w", err)
	}
	return s.st.deleteExpiredSessions(ctx, s.db)
}

// Slugify makes a URL-safe ASCII slug from a name in any of the scripts
// the search fold knows ("Općina Žepče" -> "opcina-zepce").
func Slugify(s string) string {
	var b strings.Builder
	for _, r := range translit.Fold(s).Strict {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	out := strings.Trim(b.String(), "-")
	if len(out) > 60 {
		out = strings.TrimRight(out[:60], "-")
	}
	if out == "" {
		out = "org"
	}
	return out
}

// Member is a person holding a role in one scope.
type Member struct {
	User  User
	Grant Grant
}

// UsersInScope lists the people holding any role in one scope (e.g. the
// team of an LSG: ScopeLSG, "ba-fbih-mostar").
func (s *Service) UsersInScope(ctx context.Context, scopeKind, scopeRef string) ([]Member, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT u.id, u.public_id, u.email, u.display_name, u.locale, u.status, u.created_at, g.role, g.scope_kind, g.scope_ref
FROM role_grants g JOIN users u ON u.id = g.user_id
WHERE g.scope_kind = ? AND g.scope_ref = ? AND u.deleted_at IS NULL
ORDER BY g.role, u.display_name`, scopeKind, scopeRef)
	if err != nil {
		return nil, fmt.Errorf("auth.UsersInScope: %w", err)
	}
	defer rows.Close()
	var out []Member
	for rows.Next() {
		var m Member
		if err := rows.Scan(&m.User.ID, &m.User.PublicID, &m.User.Email, &m.User.Name, &m.User.Locale, &m.User.Status, &m.User.CreatedAt, &m.Grant.Role, &m.Grant.ScopeKind, &m.Grant.ScopeRef); err != nil {
			return nil, fmt.Errorf("auth.UsersInScope: scan: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// BootstrapAdmin makes an existing account an administrator without an
// acting user: for the CLI and the demo loader, never for web requests.
func (s *Service) BootstrapAdmin(ctx context.Context, userPID string) error {
	u, err := s.st.userByPublicID(ctx, s.db, userPID)
	if err != nil {
		return err
	}
	g := Grant{Role: RoleAdmin, ScopeKind: ScopeGlobal}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.st.insertGrant(ctx, tx, u.ID, g, 0); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "role.grant", ObjectKind: "user", ObjectRef: u.PublicID, Details: map[string]string{"role": string(g.Role), "scope": g.ScopeKind, "by": "system"}})
	})
}

// Organisation returns one organisation by its public id.
func (s *Service) Organisation(ctx context.Context, pid string) (*Organisation, error) {
	return s.st.organisationByPublicID(ctx, s.db, pid)
}

// Members lists the people of an organisation.
func (s *Service) Members(ctx context.Context, orgID int64) ([]User, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT u.id, u.public_id, u.email, u.display_name, u.locale, u.status, u.created_at
FROM memberships m JOIN users u ON u.id = m.user_id
WHERE m.organisation_id = ? AND u.deleted_at IS NULL ORDER BY u.display_name`, orgID)
	if err != nil {
		return nil, fmt.Errorf("auth.Members: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		var u User
		if err := scanUser(rows, &u); err != nil {
			return nil, fmt.Errorf("auth.Members: scan: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}
