package refuse

import (
	"errors"
	"fmt"
	"testing"
)

func TestKinds(t *testing.T) {
	t.Parallel()
	closed := Key(ErrConflict, "events.error.closed")
	cases := []struct {
		name     string
		err      error
		sentinel error
		key      string
	}{
		{"field errors are invalid input", FieldErrors{"title": "form.required"}, ErrInvalid, ""},
		{"wrapped field errors", fmt.Errorf("news.Create: %w", Field("title", "form.required")), ErrInvalid, ""},
		{"keyed conflict", closed, ErrConflict, "events.error.closed"},
		{"wrapped keyed conflict", fmt.Errorf("events.Register: %w", closed), ErrConflict, "events.error.closed"},
		{"plain sentinel", fmt.Errorf("x: %w", ErrNotFound), ErrNotFound, ""},
	}
	for _, c := range cases {
		if !errors.Is(c.err, c.sentinel) {
			t.Errorf("%s: errors.Is(%v, %v) = false", c.name, c.err, c.sentinel)
		}
		if got := KeyOf(c.err); got != c.key {
			t.Errorf("%s: KeyOf = %q, want %q", c.name, got, c.key)
		}
	}
	if errors.Is(closed, ErrForbidden) || errors.Is(FieldErrors{}, ErrConflict) {
		t.Error("a refusal matched a sentinel it is not a flavour of")
	}
	if !errors.Is(fmt.Errorf("again: %w", closed), closed) {
		t.Error("a keyed refusal does not match itself through a wrap")
	}
}

func TestFieldErrorsText(t *testing.T) {
	t.Parallel()
	got := FieldErrors{"z": "k1", "a": "k2"}.Error()
	if want := "invalid input: a: k2, z: k1"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
