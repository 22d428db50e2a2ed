package projects

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/money"
)

// BAMPerEUR is the fixed rate of the convertible mark to the euro (the
// currency board's peg); used when the rate table has no BAM row.
const BAMPerEUR = 1.95583

// Rates returns the exchange-rate table (cached until the next load).
func (s *Service) Rates(ctx context.Context) ([]Rate, error) {
	return s.rates.Get(ctx, "", func(ctx context.Context) ([]Rate, error) {
		r, err := s.st.rates(ctx, s.d)
		if err != nil {
			return nil, err
		}
		if r == nil {
			r = []Rate{}
		}
		return r, nil
	})
}

// rateOn is the rate of currency per euro on date (the latest rate on or
// before it, else the earliest after it), with the date of the rate used.
func rateOn(rates []Rate, currency, date string) (float64, string, bool) {
	if currency == "EUR" {
		return 1, "", true
	}
	var best *Rate
	for i := range rates {
		r := &rates[i]
		if r.Currency != currency {
			continue
		}
		if date == "" || r.Date <= date {
			best = r // rates are sorted by date
		} else if best == nil {
			best = r
			break
		} else {
			break
		}
	}
	if best != nil {
		return best.PerEUR, best.Date, true
	}
	if currency == "BAM" {
		return BAMPerEUR, "", true
	}
	return 0, "", false
}

// Convert converts a to currency `to` with the rates on date ("" for the
// latest); ok is false when a rate is missing.
func Convert(rates []Rate, a money.Amount, to, date string) (minor int64, ok bool) {
	if a.Currency == to {
		return a.Minor, true
	}
	from, _, ok1 := rateOn(rates, a.Currency, date)
	dst, _, ok2 := rateOn(rates, to, date)
	if !ok1 || !ok2 {
		return 0, false
	}
	v := float64(a.Minor) / math.Pow10(money.Exponent(a.Currency)) / from * dst * math.Pow10(money.Exponent(to))
	return int64(math.Round(v)), true
}

// rateDate is the one date whose rates convert a project's money: its
// actual start, else its planned start, else 1 January of its funding
// year; "" (the latest rates) when it has none of them. The euro value of
// a project, the dashboards and the totals all convert at this date.
func rateDate(actualStart, plannedStart string, fundingYear int) string {
	if d := firstNonEmpty(actualStart, plannedStart); d != "" {
		return d
	}
	if fundingYear > 0 {
		return fmt.Sprintf("%04d-01-01", fundingYear)
	}
	return ""
}

// RateDate is the date of the rates that convert p's budget (see rateDate).
func (p *Project) RateDate() string { return rateDate(p.ActualStart, p.PlannedStart, p.FundingYear) }

func (s *Service) valueEUR(ctx context.Context, p *Project) (int64, error) {
	rates, err := s.Rates(ctx)
	if err != nil {
		return 0, err
	}
	v, ok := Convert(rates, p.Budget, "EUR", p.RateDate())
	if !ok {
		return 0, fmt.Errorf("projects: no rate for %s", p.Budget.Currency)
	}
	return v, nil
}

// RatesSummary is the outcome of loading a rate file.
type RatesSummary struct{ Created, Updated int }

// ParseRates reads a rate CSV: a header "currency,date,per_eur[,source]"
// then one rate a line (units of currency per one euro on the date).
// Errors name the line.
func ParseRates(r io.Reader) ([]Rate, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("line 1: %w", errBadRates(err))
	}
	if len(head) > 0 {
		head[0] = strings.TrimPrefix(head[0], "\ufeff")
	}
	if len(head) < 3 || strings.ToLower(strings.TrimSpace(head[0])) != "currency" || strings.ToLower(strings.TrimSpace(head[1])) != "date" || strings.ToLower(strings.TrimSpace(head[2])) != "per_eur" {
		return nil, fmt.Errorf("line 1: the header must be currency,date,per_eur[,source]")
	}
	var out []Rate
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, errBadRates(err))
		}
		if len(rec) < 3 {
			return nil, fmt.Errorf("line %d: three fields needed", line)
		}
		cur := strings.ToUpper(strings.TrimSpace(rec[0]))
		if !money.Valid(cur) {
			return nil, fmt.Errorf("line %d: unknown currency %q", line, cur)
		}
		date := strings.TrimSpace(rec[1])
		if !ValidDate(date) {
			return nil, fmt.Errorf("line %d: date %q is not YYYY-MM-DD", line, date)
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(rec[2]), 64)
		if err != nil || v <= 0 || v > 1e6 || math.IsNaN(v) {
			return nil, fmt.Errorf("line %d: rate %q is not a positive number", line, rec[2])
		}
		src := ""
		if len(rec) > 3 {
			src = strings.TrimSpace(rec[3])
		}
		out = append(out, Rate{Currency: cur, Date: date, PerEUR: v, Source: src})
		if len(out) > 1e6 {
			return nil, fmt.Errorf("line %d: too many rates", line)
		}
	}
	return out, nil
}

func errBadRates(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("not valid CSV: %s", pe.Err)
	}
	return err
}

// LoadRates stores rates (one transaction) and recomputes the projects'
// euro values.
func (s *Service) LoadRates(ctx context.Context, rates []Rate) (RatesSummary, error) {
	var sum RatesSummary
	err := s.d.InTx(ctx, func(tx *db.Tx) error {
		for _, r := range rates {
			created, err := s.st.upsertRate(ctx, tx, r)
			if err != nil {
				return err
			}
			if created {
				sum.Created++
			} else {
				sum.Updated++
			}
		}
		return nil
	})
	if err != nil {
		return sum, err
	}
	s.rates.Forget("")
	all, err := s.Rates(ctx)
	if err != nil {
		return sum, err
	}
	err = s.recomputeEUR(ctx, all)
	s.invalidate()
	return sum, err
}

// recomputeEUR sets the euro values of the projects in currencies other
// than EUR from rates.
func (s *Service) recomputeEUR(ctx context.Context, rates []Rate) error {
	todo, err := s.st.foreignBudgets(ctx, s.d)
	if err != nil {
		return err
	}
	return s.d.InTx(ctx, func(tx *db.Tx) error {
		for _, b := range todo {
			v, _ := Convert(rates, b.amount, "EUR", b.start)
			if v == b.valueEUR {
				continue
			}
			if err := s.st.setValueEUR(ctx, tx, b.id, v); err != nil {
				return err
			}
		}
		return nil
	})
}
