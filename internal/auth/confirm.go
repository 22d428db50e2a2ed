package auth

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/dijalog/dijalog/internal/audit"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/i18n"
	mailer "github.com/dijalog/dijalog/internal/mail"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/dijalog/dijalog/internal/web"
	"github.com/google/uuid"
)

// Public sign-up (issue 14, findings 8 and 11): an account made on the
// registration page cannot sign in until its address is confirmed through
// a mailed link, and the page answers the same for new and known addresses.
const (
	ConfirmLifetime   = 48 * time.Hour   // a confirmation link is valid this long
	RegisterWindow    = time.Hour        // the window of RegisterPerIP
	RegisterPerIP     = 5                // sign-ups per client address and window
	ConfirmMailGap    = 10 * time.Minute // at most one sign-up mail per address in this time
	ConfirmMailPerDay = 5                // and at most this many per address and day
)

// Refusals of sign-up and confirmation.
var (
	// ErrUnconfirmed: the password is right but the address is not
	// confirmed yet; the account cannot sign in.
	ErrUnconfirmed = refuse.Key(refuse.ErrForbidden, "auth.login.unconfirmed")
	// ErrConfirmExpired: the confirmation link is older than ConfirmLifetime.
	ErrConfirmExpired = refuse.Key(refuse.ErrNotFound, "auth.confirm.expired")
	// ErrConfirmInvalid: the link is unknown or was used already.
	ErrConfirmInvalid = refuse.Key(refuse.ErrNotFound, "auth.confirm.invalid")
	// ErrRegisterThrottled: too many sign-ups from one client address.
	ErrRegisterThrottled = refuse.Key(refuse.ErrRateLimited, "auth.register.throttled")
	// ErrMailThrottled: a sign-up mail went to this address moments ago
	// (counted whether or not the address has an account).
	ErrMailThrottled = refuse.Key(refuse.ErrRateLimited, "auth.confirm.throttled")
)

// SignUp is the registration page's: it makes an unconfirmed account and
// mails a confirmation link, or, when the address has an account already,
// mails its owner that someone tried and how to sign in. Both answer nil
// after the same work (a password hash), so neither the answer nor its
// time tells whether the address is registered. next is the local path to
// return to after confirming ("" or not local: the account page).
func (s *Service) SignUp(ctx context.Context, in RegisterInput, next string, m Meta) error {
	in, fe := validateRegister(in)
	if len(fe) > 0 {
		return fe
	}
	if n, err := s.st.hit(ctx, s.db, "register:ip:"+m.IP, RegisterWindow); err != nil {
		return err
	} else if n > RegisterPerIP {
		return ErrRegisterThrottled
	}
	if err := s.throttleMail(ctx, in.Email); err != nil {
		return err
	}
	if !web.LocalPath(next) || len(next) > 500 {
		next = ""
	}
	hash, err := s.pw.Hash(in.Password)
	if err != nil {
		return fmt.Errorf("auth.SignUp: %w", err)
	}
	u, _, err := s.st.userByEmail(ctx, s.db, in.Email)
	if errors.Is(err, refuse.ErrNotFound) {
		u, err = s.insertUnconfirmed(ctx, in, hash, next, m)
		if err == nil {
			return nil
		}
	}
	if err != nil && !errors.Is(err, refuse.ErrConflict) {
		return fmt.Errorf("auth.SignUp: %w", err)
	}
	if u == nil { // lost a race with another sign-up of the same address
		if u, _, err = s.st.userByEmail(ctx, s.db, in.Email); err != nil {
			return fmt.Errorf("auth.SignUp: %w", err)
		}
	}
	return s.mailKnown(ctx, u, in.Locale, next, m)
}

// validateRegister normalises the registration form and checks it.
func validateRegister(in RegisterInput) (RegisterInput, FieldErrors) {
	in.Email = NormalizeEmail(in.Email)
	in.Name = strings.TrimSpace(in.Name)
	fe := FieldErrors{}
	if k := ValidateEmail(in.Email); k != "" {
		fe["email"] = k
	}
	if k := validateName(in.Name); k != "" {
		fe["name"] = k
	}
	if k := ValidatePassword(in.Password, in.Email); k != "" {
		fe["password"] = k
	}
	if !i18n.Supported(in.Locale) {
		in.Locale = ""
	}
	return in, fe
}

// throttleMail counts one sign-up mail to an address, whether or not it
// has an account: one per ConfirmMailGap, ConfirmMailPerDay a day.
func (s *Service) throttleMail(ctx context.Context, email string) error {
	n, err := s.st.hit(ctx, s.db, "confirm:gap:"+email, ConfirmMailGap)
	if err != nil {
		return err
	}
	if n > 1 {
		return ErrMailThrottled
	}
	if n, err = s.st.hit(ctx, s.db, "confirm:day:"+email, 24*time.Hour); err != nil {
		return err
	}
	if n > ConfirmMailPerDay {
		return ErrMailThrottled
	}
	return nil
}

// insertUnconfirmed writes a new unconfirmed account and its link, then
// mails the link. A concurrent sign-up of the address is refuse.ErrConflict.
func (s *Service) insertUnconfirmed(ctx context.Context, in RegisterInput, hash, next string, m Meta) (*User, error) {
	u := &User{PublicID: uuid.NewString(), Email: in.Email, Name: in.Name, Locale: in.Locale, Status: StatusActive}
	tok := randomToken()
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.st.insertUser(ctx, tx, u, hash, false); err != nil {
			return err
		}
		if err := s.st.insertConfirmation(ctx, tx, hashToken(tok), u.ID, next, time.Now().Add(ConfirmLifetime)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: u.ID, Action: "user.register", ObjectKind: "user", ObjectRef: u.PublicID, IP: m.IP})
	})
	if err != nil {
		return nil, err
	}
	return u, s.sendConfirmation(ctx, u, in.Locale, tok)
}

// mailKnown answers a sign-up with an address that has an account: a new
// link when it waits for confirmation, otherwise a note to its owner.
func (s *Service) mailKnown(ctx context.Context, u *User, locale, next string, m Meta) error {
	if u.Status != StatusActive {
		return nil
	}
	confirmed, err := s.st.isConfirmed(ctx, s.db, u.ID)
	if err != nil {
		return err
	}
	if !confirmed {
		return s.newLink(ctx, u, locale, next, m)
	}
	if err := audit.Record(ctx, s.db, audit.Entry{Action: "user.register_known", ObjectKind: "user", ObjectRef: u.PublicID, IP: m.IP}); err != nil {
		return err
	}
	p := s.cat.Printer(pickLocale(u.Locale, locale))
	base := s.baseURL + "/" + p.Code()
	body := p.T("auth.exists.mail.body", "name", u.Name, "login", base+"/login", "forgot", base+"/forgot")
	return s.mail.Send(ctx, mailer.Message{To: u.Email, Subject: p.T("auth.exists.mail.subject"), Text: body})
}

// newLink replaces an unconfirmed account's links with a new one and mails it.
func (s *Service) newLink(ctx context.Context, u *User, locale, next string, m Meta) error {
	tok := randomToken()
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.st.invalidateConfirmations(ctx, tx, u.ID); err != nil {
			return err
		}
		if err := s.st.insertConfirmation(ctx, tx, hashToken(tok), u.ID, next, time.Now().Add(ConfirmLifetime)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "user.confirm_request", ObjectKind: "user", ObjectRef: u.PublicID, IP: m.IP})
	})
	if err != nil {
		return fmt.Errorf("auth.newLink: %w", err)
	}
	return s.sendConfirmation(ctx, u, locale, tok)
}

func (s *Service) sendConfirmation(ctx context.Context, u *User, locale, tok string) error {
	p := s.cat.Printer(pickLocale(u.Locale, locale))
	link := s.baseURL + "/" + p.Code() + "/confirm?" + url.Values{"token": {tok}}.Encode()
	return s.mail.Send(ctx, mailer.Message{To: u.Email, Subject: p.T("auth.confirm.mail.subject"), Text: p.T("auth.confirm.mail.body", "name", u.Name, "link", link)})
}

// pickLocale is the account's language when it has one, else the page's.
func pickLocale(account, page string) string {
	if i18n.Supported(account) {
		return account
	}
	return page
}

// ResendConfirmation mails a new link when the address has an account
// waiting for confirmation. It answers the same either way (throttled per
// client address and per e-mail address), so it reveals no account.
func (s *Service) ResendConfirmation(ctx context.Context, email, next, locale string, m Meta) error {
	email = NormalizeEmail(email)
	if k := ValidateEmail(email); k != "" {
		return FieldErrors{"email": k}
	}
	if n, err := s.st.hit(ctx, s.db, "confirm:ip:"+m.IP, LoginWindow); err != nil {
		return err
	} else if n > s.perIP {
		return refuse.ErrRateLimited
	}
	if err := s.throttleMail(ctx, email); err != nil {
		return err
	}
	if !web.LocalPath(next) || len(next) > 500 {
		next = ""
	}
	u, _, err := s.st.userByEmail(ctx, s.db, email)
	if errors.Is(err, refuse.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	confirmed, err := s.st.isConfirmed(ctx, s.db, u.ID)
	if err != nil || confirmed || u.Status != StatusActive {
		return err
	}
	return s.newLink(ctx, u, locale, next, m)
}

// ConfirmLinkState says whether a confirmation link can be used: nil,
// ErrConfirmExpired or ErrConfirmInvalid.
func (s *Service) ConfirmLinkState(ctx context.Context, token string) error {
	if token == "" || len(token) > 100 {
		return ErrConfirmInvalid
	}
	return s.st.confirmationState(ctx, s.db, hashToken(token))
}

// ConfirmEmail uses a confirmation link: the account's address is
// confirmed and the account returned (with grants) to be signed in, with
// the local path to return to ("" for none). A link works once.
func (s *Service) ConfirmEmail(ctx context.Context, token string, m Meta) (*User, string, error) {
	if err := s.ConfirmLinkState(ctx, token); err != nil {
		return nil, "", err
	}
	var (
		u    *User
		next string
	)
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		uid, nx, err := s.st.useConfirmation(ctx, tx, hashToken(token))
		if err != nil {
			return err
		}
		if u, _, err = s.st.userByID(ctx, tx, uid); err != nil {
			return err
		}
		next = nx
		if err := s.st.setConfirmed(ctx, tx, uid); err != nil {
			return err
		}
		if err := s.st.invalidateConfirmations(ctx, tx, uid); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: uid, Action: "user.confirm", ObjectKind: "user", ObjectRef: u.PublicID, IP: m.IP})
	})
	if errors.Is(err, refuse.ErrNotFound) {
		return nil, "", ErrConfirmInvalid // used by a concurrent request
	}
	if err != nil {
		return nil, "", fmt.Errorf("auth.ConfirmEmail: %w", err)
	}
	if u.Status != StatusActive {
		return nil, "", ErrDisabled
	}
	if u.Grants, err = s.st.grants(ctx, s.db, u.ID); err != nil {
		return nil, "", err
	}
	return u, next, nil
}
