package projects

import (
	"context"
	"fmt"
	"time"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/money"
)

// leafBudget is the budget, start year and rate date of a project the
// totals count.
type leafBudget struct {
	id     int64
	amount money.Amount
	year   int
	date   string // of the rates that convert it (rateDate)
}

// leafWhere keeps the live projects that are not programmes with live
// projects (their money would count twice).
const leafWhere = `p.deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM projects c WHERE c.parent_id = p.id AND c.deleted_at IS NULL)`

// leafBudgets lists the budgets the dashboard totals.
func (store) leafBudgets(ctx context.Context, q db.Querier) ([]leafBudget, error) {
	var out []leafBudget
	err := eachRow(ctx, q, `SELECT p.id, p.budget_minor, p.currency, p.start_year, p.actual_start, p.planned_start, p.funding_year FROM projects p WHERE `+leafWhere, nil, func(sc scanner) error {
		var l leafBudget
		var actual, planned string
		var funding int
		if err := sc.Scan(&l.id, &l.amount.Minor, &l.amount.Currency, &l.year, &actual, &planned, &funding); err != nil {
			return err
		}
		l.date = rateDate(actual, planned, funding)
		out = append(out, l)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("projects.store.leafBudgets: %w", err)
	}
	return out, nil
}

// dashKeys calls add for every donor name (in the order of the project's
// organisations), DAC code and LSG code of every project.
func (store) dashKeys(ctx context.Context, q db.Querier, add func(id int64, kind, v string)) error {
	for _, k := range []struct{ kind, sql string }{
		{"donor", `SELECT o.project_id, o.name FROM project_orgs o WHERE o.role = 1 ORDER BY o.project_id, o.seq`},
		{"dac", `SELECT c.project_id, c.code FROM project_codes c WHERE c.kind = 'dac'`},
		{"lsg", `SELECT l.project_id, l.place_code FROM project_locations l`},
	} {
		err := eachRow(ctx, q, k.sql, nil, func(sc scanner) error {
			var id int64
			var v string
			if err := sc.Scan(&id, &v); err != nil {
				return err
			}
			add(id, k.kind, v)
			return nil
		})
		if err != nil {
			return fmt.Errorf("projects.store.dashKeys(%s): %w", k.kind, err)
		}
	}
	return nil
}

// lsgTotals sums the budgets of an LSG's projects per currency.
func (store) lsgTotals(ctx context.Context, q db.Querier, code string) ([]money.Amount, error) {
	var out []money.Amount
	err := eachRow(ctx, q, `SELECT p.currency, SUM(p.budget_minor) FROM projects p JOIN project_locations l ON l.project_id = p.id
		WHERE l.place_code = ? AND `+leafWhere+` GROUP BY p.currency ORDER BY p.currency`, []any{code}, func(sc scanner) error {
		var a money.Amount
		if err := sc.Scan(&a.Currency, &a.Minor); err != nil {
			return err
		}
		out = append(out, a)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("projects.store.lsgTotals(%q): %w", code, err)
	}
	return out, nil
}

// dataState is "count|latest update|sum of versions|rates[|latest rate]"
// of the registry, deleted projects included: it changes with every write,
// also with two writes in the same second (every update raises a version).
func (store) dataState(ctx context.Context, q db.Querier) (string, error) {
	var n, versions, rates int64
	var latest, rateAt *time.Time
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*), MAX(updated_at), COALESCE(SUM(version), 0) FROM projects`).Scan(&n, &latestScanner{&latest}, &versions); err != nil {
		return "", fmt.Errorf("projects.store.dataState: %w", err)
	}
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*), MAX(updated_at) FROM exchange_rates`).Scan(&rates, &latestScanner{&rateAt}); err != nil {
		return "", fmt.Errorf("projects.store.dataState: rates: %w", err)
	}
	last := ""
	if latest != nil {
		last = latest.UTC().Format(time.RFC3339Nano)
	}
	st := fmt.Sprintf("%d|%s|%d|%d", n, last, versions, rates)
	if rateAt != nil {
		st += "|" + rateAt.UTC().Format(time.RFC3339Nano)
	}
	return st, nil
}

// latestScanner reads a MAX(timestamp), which SQLite answers as text.
type latestScanner struct{ t **time.Time }

func (l *latestScanner) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*l.t = nil
	case time.Time:
		*l.t = &x
	case string:
		for _, layout := range []string{"2006-01-02 15:04:05Z07:00", "2006-01-02T15:04:05Z07:00", "2006-01-02 15:04:05", time.RFC3339Nano} {
			if t, err := time.Parse(layout, x); err == nil {
				*l.t = &t
				return nil
			}
		}
		t := time.Unix(0, 0)
		*l.t = &t
	case []byte:
		return l.Scan(string(x))
	}
	return nil
}

// childBudget is a live project of a programme: its budget and rate date,
// and whether it has live projects of its own.
type childBudget struct {
	leafBudget
	publicID    string
	hasChildren bool
}

// childBudgets lists the live projects of the programmes parents (public
// ids).
func (store) childBudgets(ctx context.Context, q db.Querier, parents []string) ([]childBudget, error) {
	var out []childBudget
	for _, parent := range parents {
		err := eachRow(ctx, q, `SELECT p.id, p.public_id, p.budget_minor, p.currency, p.actual_start, p.planned_start, p.funding_year,
			EXISTS (SELECT 1 FROM projects c WHERE c.parent_id = p.id AND c.deleted_at IS NULL)
			FROM projects p JOIN projects g ON g.id = p.parent_id
			WHERE g.public_id = ? AND p.deleted_at IS NULL ORDER BY p.id`, []any{parent}, func(sc scanner) error {
			var c childBudget
			var actual, planned string
			var funding int
			if err := sc.Scan(&c.id, &c.publicID, &c.amount.Minor, &c.amount.Currency, &actual, &planned, &funding, &c.hasChildren); err != nil {
				return err
			}
			c.date = rateDate(actual, planned, funding)
			out = append(out, c)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("projects.store.childBudgets(%q): %w", parent, err)
		}
	}
	return out, nil
}
