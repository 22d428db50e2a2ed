package grants

import (
	"context"
	"sort"

	"github.com/dijalog/dijalog/internal/money"
)

// EUR is the currency of the registry's totals across currencies.
const EUR = "EUR"

// RateRule states, in the exports, which rate converts a record to euro.
const RateRule = "the rate of the record's award date (the latest on or before it, else the earliest after)"

// Rate is the exchange rate that converted an amount to euro: units of
// Currency per euro, from the rate table's row of Date ("" for a fixed
// rate, such as the convertible mark's peg to the euro).
type Rate struct {
	Currency string
	PerEUR   float64
	Date     string
}

// RateUsed is a rate and the number of records it converted.
type RateUsed struct {
	Rate
	Records int
}

// Rates converts amounts to euro at the rate of a date. The platform has
// one table of exchange rates (the projects module's); app wires it here.
type Rates interface {
	// ToEUR converts a to euro cents at its currency's rate on date
	// (YYYY-MM-DD): the latest rate on or before it, else the earliest
	// after. ok is false when the currency has no rate.
	ToEUR(ctx context.Context, a money.Amount, date string) (eur int64, rate Rate, ok bool, err error)
}

// ToEUR sets the euro value of each record, converted at the rate of its
// own award date, rounded to the cent on its own; the euro totals are the
// sums of these values, so the rows of a list add up to its total to the
// cent. A record in euro is its own value; one in a currency without a
// rate (or with no rates wired) stays unconverted.
func (s *Registry) ToEUR(ctx context.Context, recs []Support) error {
	for i := range recs {
		r := &recs[i]
		r.EUR, r.Rate, r.Converted = 0, Rate{}, false
		if r.Currency == EUR {
			r.EUR, r.Converted = r.Amount, true
			continue
		}
		if s.o.Rates == nil {
			continue
		}
		eur, rate, ok, err := s.o.Rates.ToEUR(ctx, r.Money(), r.AwardDate)
		if err != nil {
			return wrap("ToEUR", err)
		}
		r.EUR, r.Rate, r.Converted = eur, rate, ok
	}
	return nil
}

// ratesUsed lists the rates of used with the records each converted, by
// currency and date.
func ratesUsed(used map[Rate]int) []RateUsed {
	out := make([]RateUsed, 0, len(used))
	for r, n := range used {
		out = append(out, RateUsed{Rate: r, Records: n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Currency != out[j].Currency {
			return out[i].Currency < out[j].Currency
		}
		return out[i].Date < out[j].Date
	})
	return out
}
