// Package money is the platform's one way to hold, parse and show amounts:
// integer minor units plus an ISO 4217 currency code, never floats.
package money

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"

	"github.com/dijalog/dijalog/internal/i18n"
)

// Amount is a sum of money in minor units (cents, feninga) of Currency.
type Amount struct {
	Minor    int64
	Currency string
}

// Errors of Parse.
var (
	ErrSyntax   = errors.New("money: not an amount")
	ErrCurrency = errors.New("money: unknown currency")
	ErrRange    = errors.New("money: amount out of range")
)

// Max is the largest amount the platform accepts (10^13 major units).
const Max = int64(1e15)

// Currencies lists the accepted ISO 4217 codes, most used first.
func Currencies() []string {
	return []string{"BAM", "EUR", "USD", "MKD", "RSD", "CHF", "GBP", "SEK", "NOK", "DKK", "CZK", "HUF", "PLN", "ALL", "TRY", "JPY"}
}

// Valid reports whether c is an accepted currency code.
func Valid(c string) bool {
	for _, x := range Currencies() {
		if x == c {
			return true
		}
	}
	return false
}

// Exponent is the number of minor-unit digits of a currency (ISO 4217).
func Exponent(c string) int {
	if c == "JPY" {
		return 0
	}
	return 2
}

// New makes an amount from minor units.
func New(minor int64, currency string) Amount { return Amount{Minor: minor, Currency: currency} }

// Major returns the amount in major units as a float (for charts only).
func (a Amount) Major() float64 {
	return float64(a.Minor) / math.Pow10(Exponent(a.Currency))
}

// IsZero reports a zero amount.
func (a Amount) IsZero() bool { return a.Minor == 0 }

// Parse reads an amount typed by a person: digits with optional grouping
// and decimal separators in either convention ("42.632,50", "42,632.50",
// "42632.5", "42 632"; "€ 42.632" is refused: the currency comes separately).
// A single separator followed by exactly three digits groups thousands
// ("42.632" and "42,632" are both 42632), since no accepted currency has
// three decimals.
func Parse(s, currency string) (Amount, error) {
	if !Valid(currency) {
		return Amount{}, ErrCurrency
	}
	s = strings.TrimSpace(s)
	neg := false
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "−") {
		neg = true
		s = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(s, "-"), "−"))
	}
	if s == "" || len(s) > 40 {
		return Amount{}, ErrSyntax
	}
	// Keep digits and separators only; spaces (also no-break) group thousands.
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9', r == '.', r == ',':
			b.WriteRune(r)
		case unicode.IsSpace(r) || r == '\u202f' || r == '\'' || r == '’':
		default:
			return Amount{}, ErrSyntax
		}
	}
	s = b.String()
	lastDot, lastComma := strings.LastIndexByte(s, '.'), strings.LastIndexByte(s, ',')
	dec := -1
	switch {
	case lastDot >= 0 && lastComma >= 0:
		dec = max(lastDot, lastComma)
	case lastDot >= 0 || lastComma >= 0:
		i := max(lastDot, lastComma)
		if strings.Count(s, s[i:i+1]) == 1 && len(s)-i-1 != 3 {
			dec = i
		}
	}
	intPart, frac := s, ""
	if dec >= 0 {
		intPart, frac = s[:dec], s[dec+1:]
		if strings.IndexByte(intPart, s[dec]) >= 0 {
			return Amount{}, ErrSyntax
		}
	}
	if strings.ContainsAny(intPart, ".,") && !validGroups(intPart) {
		return Amount{}, ErrSyntax
	}
	intPart = strings.NewReplacer(".", "", ",", "").Replace(intPart)
	if strings.ContainsAny(frac, ".,") || (intPart == "" && frac == "") {
		return Amount{}, ErrSyntax
	}
	exp := Exponent(currency)
	if len(frac) > exp {
		return Amount{}, fmt.Errorf("%w: more than %d decimals", ErrSyntax, exp)
	}
	for len(frac) < exp {
		frac += "0"
	}
	if intPart == "" {
		intPart = "0"
	}
	n, err := strconv.ParseInt(intPart+frac, 10, 64)
	if err != nil || n > Max {
		return Amount{}, ErrRange
	}
	if neg {
		n = -n
	}
	return Amount{Minor: n, Currency: currency}, nil
}

// Format shows the amount in the reader's locale: "42.632,50 BAM",
// "42,632.50 EUR", "5.000 BAM". The one rule of the platform: cents are
// shown only when there are some ("5.000 BAM", not "5.000,00 BAM"), and
// when whole is true the amount is rounded to whole units (headline
// figures).
func (a Amount) Format(p *i18n.Printer, whole bool) string {
	exp := Exponent(a.Currency)
	if whole || exp == 0 || a.Minor%int64(math.Pow10(exp)) == 0 {
		major := a.Minor
		if exp > 0 {
			d := int64(math.Pow10(exp))
			major = (a.Minor + sign(a.Minor)*d/2) / d
		}
		return p.Int(major) + "\u00a0" + a.Currency
	}
	return p.Decimal(a.Major(), exp) + "\u00a0" + a.Currency
}

func sign(n int64) int64 {
	if n < 0 {
		return -1
	}
	return 1
}

// String is a locale-free form for logs and exports: "42632.50 EUR".
func (a Amount) String() string {
	exp := Exponent(a.Currency)
	if exp == 0 {
		return strconv.FormatInt(a.Minor, 10) + " " + a.Currency
	}
	return strconv.FormatFloat(a.Major(), 'f', exp, 64) + " " + a.Currency
}

// Decimal is the amount as a plain decimal string without currency, for
// CSV and XML exports ("42632.50").
func (a Amount) Decimal() string {
	exp := Exponent(a.Currency)
	neg := a.Minor < 0
	m := a.Minor
	if neg {
		m = -m
	}
	s := strconv.FormatInt(m, 10)
	if exp > 0 {
		for len(s) <= exp {
			s = "0" + s
		}
		s = s[:len(s)-exp] + "." + s[len(s)-exp:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// Add adds b to a; both must have the same currency.
func (a Amount) Add(b Amount) (Amount, error) {
	if a.Currency != b.Currency {
		return Amount{}, fmt.Errorf("money: cannot add %s to %s", b.Currency, a.Currency)
	}
	return Amount{Minor: a.Minor + b.Minor, Currency: a.Currency}, nil
}

// validGroups checks thousands grouping: "1.234.567" yes, "0.001" and "12.34.567" no.
func validGroups(s string) bool {
	groups := strings.FieldsFunc(s, func(r rune) bool { return r == '.' || r == ',' })
	if len(groups) < 2 || len(groups[0]) > 3 || groups[0][0] == '0' {
		return false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return false
		}
	}
	return strings.Count(s, ".")+strings.Count(s, ",") == len(groups)-1
}
