package projects

import (
	"context"
	"fmt"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/money"
)

// Rate is an exchange rate: units of Currency per one euro on Date.
type Rate struct {
	Currency string
	Date     string
	PerEUR   float64
	Source   string
}

func (store) upsertRate(ctx context.Context, q db.Querier, r Rate) (bool, error) {
	now := db.Now()
	micros := int64(r.PerEUR*1e6 + 0.5)
	res, err := q.ExecContext(ctx, `UPDATE exchange_rates SET per_eur_micros = ?, source = ?, updated_at = ? WHERE currency = ? AND rate_date = ?`, micros, r.Source, now, r.Currency, r.Date)
	if err != nil {
		return false, fmt.Errorf("projects.store.upsertRate: %w", err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return false, nil
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO exchange_rates (currency, rate_date, per_eur_micros, source, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
		r.Currency, r.Date, micros, r.Source, now, now); err != nil {
		return false, fmt.Errorf("projects.store.upsertRate: %w", err)
	}
	return true, nil
}

func (store) rates(ctx context.Context, q db.Querier) ([]Rate, error) {
	var out []Rate
	err := eachRow(ctx, q, `SELECT currency, rate_date, per_eur_micros, source FROM exchange_rates ORDER BY currency, rate_date`, nil, func(sc scanner) error {
		var r Rate
		var m int64
		if err := sc.Scan(&r.Currency, &r.Date, &m, &r.Source); err != nil {
			return err
		}
		r.PerEUR = float64(m) / 1e6
		out = append(out, r)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("projects.store.rates: %w", err)
	}
	return out, nil
}

// foreignBudget is a project budgeted in a currency other than the euro,
// with the date of its rates (rateDate) and its stored euro value.
type foreignBudget struct {
	id       int64
	amount   money.Amount
	start    string
	valueEUR int64
}

// foreignBudgets lists the projects whose euro value depends on a rate.
func (store) foreignBudgets(ctx context.Context, q db.Querier) ([]foreignBudget, error) {
	var out []foreignBudget
	err := eachRow(ctx, q, `SELECT id, budget_minor, currency, actual_start, planned_start, funding_year, value_eur_minor FROM projects WHERE currency <> 'EUR'`, nil, func(sc scanner) error {
		var b foreignBudget
		var actual, planned string
		var year int
		if err := sc.Scan(&b.id, &b.amount.Minor, &b.amount.Currency, &actual, &planned, &year, &b.valueEUR); err != nil {
			return err
		}
		b.start = rateDate(actual, planned, year)
		out = append(out, b)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("projects.store.foreignBudgets: %w", err)
	}
	return out, nil
}

// setValueEUR stores a project's euro value, and its copy in the filter
// index (for value ranges and sorts).
func (store) setValueEUR(ctx context.Context, q db.Querier, id, v int64) error {
	if _, err := q.ExecContext(ctx, `UPDATE projects SET value_eur_minor = ? WHERE id = ?`, v, id); err != nil {
		return fmt.Errorf("projects.store.setValueEUR: %w", err)
	}
	if _, err := q.ExecContext(ctx, `UPDATE project_facets SET value_eur_minor = ? WHERE project_id = ?`, v, id); err != nil {
		return fmt.Errorf("projects.store.setValueEUR: facets: %w", err)
	}
	return nil
}
