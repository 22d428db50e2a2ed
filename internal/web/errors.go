package web

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/dijalog/dijalog/internal/refuse"
)

// HTTP-level refusals, raised by the plumbing itself (the domain sentinels
// are in internal/refuse). The error adapter turns both into status codes
// and localised pages or JSON problems.
var (
	ErrBadRequest = errors.New("bad request")
	ErrCSRF       = errors.New("invalid or missing CSRF token")
	ErrTooLarge   = errors.New("request body too large")
)

// Error is an HTTP error with a status and a catalogue key for the message.
type Error struct {
	Status int
	Key    string // message key shown to the user; "" for the status's default
	Err    error  // the cause, logged, never shown
}

func (e *Error) Error() string {
	if e.Err != nil {
		return http.StatusText(e.Status) + ": " + e.Err.Error()
	}
	return http.StatusText(e.Status)
}

func (e *Error) Unwrap() error { return e.Err }

// StatusOf maps an error to its HTTP status and the catalogue key of its message.
func StatusOf(err error) (int, string) {
	var he *Error
	if errors.As(err, &he) {
		key := he.Key
		if key == "" {
			key = statusKey(he.Status)
		}
		return he.Status, key
	}
	// A domain's keyed refusal: the status of its sentinel, its own message.
	if k := (*refuse.Keyed)(nil); errors.As(err, &k) && k.Key != "" {
		status, _ := StatusOf(k.Sentinel)
		return status, k.Key
	}
	switch {
	case errors.Is(err, refuse.ErrNotFound):
		return http.StatusNotFound, "error.404"
	case errors.Is(err, ErrCSRF):
		return http.StatusForbidden, "error.csrf"
	case errors.Is(err, refuse.ErrForbidden):
		return http.StatusForbidden, "error.403"
	case errors.Is(err, refuse.ErrSignIn):
		return http.StatusUnauthorized, "error.401"
	case errors.Is(err, refuse.ErrConflict):
		return http.StatusConflict, "error.409"
	case errors.Is(err, ErrTooLarge):
		return http.StatusRequestEntityTooLarge, "error.413"
	case errors.Is(err, ErrBadRequest):
		return http.StatusBadRequest, "error.400"
	case errors.Is(err, refuse.ErrInvalid):
		return http.StatusUnprocessableEntity, "error.400"
	case errors.Is(err, refuse.ErrRateLimited):
		return http.StatusTooManyRequests, "error.429"
	}
	return http.StatusInternalServerError, "error.500"
}

func statusKey(status int) string {
	switch status {
	case 400, 401, 403, 404, 405, 409, 413, 429:
		return "error." + itoa3(status)
	}
	if status >= 500 {
		return "error.500"
	}
	return "error.400"
}

func itoa3(n int) string {
	return string([]byte{byte('0' + n/100), byte('0' + n/10%10), byte('0' + n%10)})
}

// SignInURL is the sign-in page of a locale that returns to next (a local
// request URI) once the person has signed in.
func SignInURL(locale, next string) string {
	return "/" + locale + "/login?next=" + url.QueryEscape(next)
}
