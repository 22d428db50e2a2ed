package web

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Form carries what a person typed and the error of each field (as a
// catalogue key), so a refused form is shown again with their input.
type Form struct {
	Values url.Values
	Errors map[string]string
	// Error is a message key for the whole form ("wrong e-mail or password").
	Error string
}

// NewForm wraps the request's parsed form values.
func NewForm(r *http.Request) *Form {
	v := r.PostForm
	if v == nil {
		v = url.Values{}
	}
	return &Form{Values: v, Errors: map[string]string{}}
}

// EmptyForm is a form with nothing typed yet.
func EmptyForm() *Form { return &Form{Values: url.Values{}, Errors: map[string]string{}} }

// Get returns a field's value, trimmed, with invalid UTF-8 replaced.
func (f *Form) Get(name string) string {
	v := f.Values.Get(name)
	if !utf8.ValidString(v) {
		v = strings.ToValidUTF8(v, "\uFFFD")
	}
	return strings.TrimSpace(v)
}

// Raw returns a field's value untrimmed (for passwords).
func (f *Form) Raw(name string) string { return f.Values.Get(name) }

// Err returns a field's error key, or "".
func (f *Form) Err(name string) string { return f.Errors[name] }

// SetErrors copies field errors in.
func (f *Form) SetErrors(errs map[string]string) {
	for k, v := range errs {
		f.Errors[k] = v
	}
}

// Valid reports whether no error is set.
func (f *Form) Valid() bool { return len(f.Errors) == 0 && f.Error == "" }
