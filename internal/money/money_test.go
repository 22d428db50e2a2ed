package money

import (
	"errors"
	"testing"

	"github.com/dijalog/dijalog/internal/i18n"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, cur string
		want    int64
		err     error
	}{
		{"42632", "EUR", 4263200, nil},
		{"42.632", "EUR", 4263200, nil},
		{"42,632", "EUR", 4263200, nil},
		{"42.632", "EUR", 4263200, nil},
		{"42,632", "EUR", 4263200, nil},
		{"42.632,50", "BAM", 4263250, nil},
		{"42,632.50", "USD", 4263250, nil},
		{"425 000", "USD", 42500000, nil},
		{"425\u202f000,5", "USD", 42500050, nil},
		{"1.234.567", "BAM", 123456700, nil},
		{"0,5", "EUR", 50, nil},
		{",5", "EUR", 50, nil},
		{"12.5", "EUR", 1250, nil},
		{"-3", "EUR", -300, nil},
		{"1000", "JPY", 1000, nil},
		{"1,5", "JPY", 0, ErrSyntax},
		{"1,234", "XXX", 0, ErrCurrency},
		{"", "EUR", 0, ErrSyntax},
		{"abc", "EUR", 0, ErrSyntax},
		{"€ 12", "EUR", 0, ErrSyntax},
		{"1.2.3,4,5", "EUR", 0, ErrSyntax},
		{"1,234.5.6", "EUR", 0, ErrSyntax},
		{"12.345", "EUR", 1234500, nil},
		{"0.001", "EUR", 0, ErrSyntax},
		{"99999999999999999999", "EUR", 0, ErrRange},
	}
	for _, tc := range tests {
		got, err := Parse(tc.in, tc.cur)
		if tc.err != nil {
			if !errors.Is(err, tc.err) {
				t.Errorf("Parse(%q, %s) err = %v, want %v", tc.in, tc.cur, err, tc.err)
			}
			continue
		}
		if err != nil || got.Minor != tc.want || got.Currency != tc.cur {
			t.Errorf("Parse(%q, %s) = %+v, %v; want %d", tc.in, tc.cur, got, err, tc.want)
		}
	}
}

func TestFormat(t *testing.T) {
	t.Parallel()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	bs, en := cat.Printer("bs"), cat.Printer("en")
	tests := []struct{ got, want string }{
		{New(4263200, "EUR").Format(bs, true), "42.632\u00a0EUR"},
		{New(4263250, "EUR").Format(bs, false), "42.632,50\u00a0EUR"},
		{New(42500000, "USD").Format(en, true), "425,000\u00a0USD"},
		// One rule everywhere: cents only when there are some, and four
		// digits grouped like five ("5.000 BAM" beside "14.000 BAM").
		{New(500000, "BAM").Format(bs, false), "5.000\u00a0BAM"},
		{New(1400000, "BAM").Format(bs, false), "14.000\u00a0BAM"},
		{New(25000000, "BAM").Format(bs, false), "250.000\u00a0BAM"},
		{New(123450, "BAM").Format(bs, false), "1.234,50\u00a0BAM"},
		{New(-500000, "EUR").Format(en, false), "−5,000\u00a0EUR"},
		{New(4263250, "EUR").Decimal(), "42632.50"},
		{New(-5, "EUR").Decimal(), "-0.05"},
		{New(1000, "JPY").Decimal(), "1000"},
		{New(4263250, "BAM").String(), "42632.50 BAM"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	if _, err := New(1, "EUR").Add(New(1, "USD")); err == nil {
		t.Error("adding EUR and USD worked")
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"42.632,50", "1 000", "-3", ",5", "1.2.3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := Parse(s, "EUR")
		if err == nil && (a.Minor > Max || a.Minor < -Max) {
			t.Fatalf("Parse(%q) = %d beyond Max", s, a.Minor)
		}
	})
}
