package web

import (
	"errors"
	"fmt"
	"testing"

	"github.com/dijalog/dijalog/internal/refuse"
)

func TestFieldErrorsOnForm(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		errs refuse.FieldErrors
		want string
	}{
		{"none", refuse.FieldErrors{}, "invalid input: "},
		{"one", refuse.FieldErrors{"title": "x.required"}, "invalid input: title: x.required"},
		{"sorted", refuse.FieldErrors{"z": "k1", "a": "k2", "m": "k3"}, "invalid input: a: k2, m: k3, z: k1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.errs.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
			// Wrapped by a service, it is still found by the handler and
			// copied into the form.
			var fe refuse.FieldErrors
			if !errors.As(fmt.Errorf("saving: %w", tt.errs), &fe) {
				t.Fatal("errors.As did not find the refuse.FieldErrors")
			}
			f := EmptyForm()
			f.SetErrors(fe)
			if len(f.Errors) != len(tt.errs) || f.Valid() != (len(tt.errs) == 0) {
				t.Errorf("form errors %v after SetErrors(%v)", f.Errors, tt.errs)
			}
		})
	}
}
