// Package refuse holds the refusals every domain returns: the sentinels for
// a missing record, a conflicting write, a forbidden action, a sign-in that
// is needed, too many attempts and invalid input, plus FieldErrors for input
// that is invalid field by field.
//
// It is a leaf: it imports nothing of the project. Domains return these
// values (wrapped with %w and what was being done); the one web adapter
// (internal/web) maps them to a localised page, a redirect to sign-in that
// comes back, or a JSON problem. No domain declares its own, none writes
// HTTP for them.
package refuse

import (
	"errors"
	"slices"
	"strings"
)

// The sentinels. Compare with errors.Is; wrap with fmt.Errorf("...: %w", err)
// to say what was being done.
var (
	// ErrNotFound: the record does not exist, or the reader may not know
	// that it does (a private record answers not found, not forbidden).
	ErrNotFound = errors.New("not found")
	// ErrConflict: the write collides with existing data (a unique key, a
	// stale version, a state that moved on).
	ErrConflict = errors.New("conflict")
	// ErrForbidden: the person is known and may not do this.
	ErrForbidden = errors.New("forbidden")
	// ErrSignIn: the action needs a signed-in person and there is none.
	// Pages answer it with a redirect to sign-in that returns to the page.
	ErrSignIn = errors.New("sign-in required")
	// ErrRateLimited: too many attempts in a short time.
	ErrRateLimited = errors.New("too many attempts")
	// ErrInvalid: the input is invalid as a whole; FieldErrors is also
	// errors.Is(err, ErrInvalid).
	ErrInvalid = errors.New("invalid input")
)

// FieldErrors maps form fields to the catalogue keys of their messages. A
// service returns it when input is invalid; the handler shows the form again
// with the messages beside their fields (web.Form.SetErrors). The API answers
// it as a 422 problem naming each field.
type FieldErrors map[string]string

// Error lists the fields and keys in a stable order, for logs and tests.
func (e FieldErrors) Error() string {
	parts := make([]string, 0, len(e))
	for k, v := range e {
		parts = append(parts, k+": "+v)
	}
	slices.Sort(parts)
	return "invalid input: " + strings.Join(parts, ", ")
}

// Is makes errors.Is(fe, ErrInvalid) true.
func (e FieldErrors) Is(target error) bool { return target == ErrInvalid }

// Field returns FieldErrors with one field's message key.
func Field(name, key string) FieldErrors { return FieldErrors{name: key} }

// Keyed is a refusal whose text is the catalogue key of its message: a
// domain's own flavour of a sentinel ("the event is closed" is a conflict)
// that errors.Is the sentinel and that a handler can show by its key.
type Keyed struct {
	Sentinel error
	Key      string
}

func (k *Keyed) Error() string { return k.Key }

// Unwrap makes errors.Is(k, k.Sentinel) true.
func (k *Keyed) Unwrap() error { return k.Sentinel }

// Key returns a Keyed refusal.
func Key(sentinel error, key string) error { return &Keyed{Sentinel: sentinel, Key: key} }

// KeyOf returns the catalogue key of the first Keyed refusal in err's
// chain, or "" when there is none.
func KeyOf(err error) string {
	var k *Keyed
	if errors.As(err, &k) {
		return k.Key
	}
	return ""
}
