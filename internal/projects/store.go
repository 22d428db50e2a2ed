package projects

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/refuse"
)

// store is the SQL of the registry.
type store struct{}

func joinInts(xs []int) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = strconv.Itoa(x)
	}
	return out
}

// insert writes a new project row and its children; p.ID is set.
func (st store) insert(ctx context.Context, q db.Querier, p *Project, parentID sql.NullInt64, keys rowKeys) error {
	now := db.Now()
	id, err := db.InsertID(ctx, q, `INSERT INTO projects (public_id, iati_identifier, kind, parent_id, status, default_lang,
		planned_start, planned_end, actual_start, actual_end, start_year, funding_year, budget_minor, currency, value_eur_minor,
		owner_org, website, contact_name, contact_email, contact_phone, sort_title, donors, search_key, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id`,
		p.PublicID, nullStr(p.IATIIdentifier), p.Kind, parentID, p.Status, p.DefaultLang,
		p.PlannedStart, p.PlannedEnd, p.ActualStart, p.ActualEnd, p.StartYear(), p.FundingYear, p.Budget.Minor, p.Budget.Currency, p.ValueEUR,
		p.OwnerOrg, p.Website, p.ContactName, p.ContactEmail, p.ContactPhone, keys.sortTitle, keys.donors, keys.search, now, now)
	if err != nil {
		if db.IsUniqueViolation(err) {
			return fmt.Errorf("projects.store.insert(%q): %w", p.PublicID, refuse.ErrConflict)
		}
		return fmt.Errorf("projects.store.insert(%q): %w", p.PublicID, err)
	}
	p.ID, p.Version, p.CreatedAt, p.UpdatedAt = id, 1, now, now
	if err := st.writeChildren(ctx, q, p, now); err != nil {
		return err
	}
	return st.writeFacets(ctx, q, p, keys, now)
}

// writeFacets writes the filter rows of p (project_facets) with copies of
// its sort and range columns, in one statement.
func (store) writeFacets(ctx context.Context, q db.Querier, p *Project, keys rowKeys, now time.Time) error {
	if len(keys.facets) == 0 {
		return nil
	}
	end := p.ActualEnd
	if end == "" {
		end = p.PlannedEnd
	}
	var sb strings.Builder
	sb.WriteString(`INSERT INTO project_facets (project_id, facet, status, kind, start_year, end_date, value_eur_minor, sort_title, created_at, updated_at) VALUES `)
	args := make([]any, 0, 10*len(keys.facets))
	for i, f := range keys.facets {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
		args = append(args, p.ID, f, p.Status, p.Kind, p.StartYear(), end, p.ValueEUR, keys.sortTitle, now, p.UpdatedAt)
	}
	if _, err := q.ExecContext(ctx, sb.String(), args...); err != nil {
		return fmt.Errorf("projects.store.writeFacets(%q): %w", p.PublicID, err)
	}
	return nil
}

// update rewrites a project row and its children if its version is still
// expected; a stale version gives refuse.ErrConflict.
func (st store) update(ctx context.Context, q db.Querier, p *Project, parentID sql.NullInt64, keys rowKeys, expected int) error {
	now := db.Now()
	res, err := q.ExecContext(ctx, `UPDATE projects SET iati_identifier = ?, kind = ?, parent_id = ?, status = ?, default_lang = ?,
		planned_start = ?, planned_end = ?, actual_start = ?, actual_end = ?, start_year = ?, funding_year = ?, budget_minor = ?, currency = ?,
		value_eur_minor = ?, owner_org = ?, website = ?, contact_name = ?, contact_email = ?, contact_phone = ?, sort_title = ?, donors = ?,
		search_key = ?, version = version + 1, updated_at = ?
		WHERE id = ? AND version = ? AND deleted_at IS NULL`,
		nullStr(p.IATIIdentifier), p.Kind, parentID, p.Status, p.DefaultLang,
		p.PlannedStart, p.PlannedEnd, p.ActualStart, p.ActualEnd, p.StartYear(), p.FundingYear, p.Budget.Minor, p.Budget.Currency,
		p.ValueEUR, p.OwnerOrg, p.Website, p.ContactName, p.ContactEmail, p.ContactPhone, keys.sortTitle, keys.donors,
		keys.search, now, p.ID, expected)
	if err != nil {
		if db.IsUniqueViolation(err) {
			return fmt.Errorf("projects.store.update(%q): %w", p.PublicID, refuse.ErrConflict)
		}
		return fmt.Errorf("projects.store.update(%q): %w", p.PublicID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("projects.store.update(%q): stale version %d: %w", p.PublicID, expected, refuse.ErrConflict)
	}
	for _, t := range []string{"project_texts", "project_codes", "project_orgs", "project_locations", "project_transactions", "project_targets", "project_milestones", "project_links", "project_facets"} {
		if _, err := q.ExecContext(ctx, `DELETE FROM `+t+` WHERE project_id = ?`, p.ID); err != nil {
			return fmt.Errorf("projects.store.update(%q): clear %s: %w", p.PublicID, t, err)
		}
	}
	p.Version, p.UpdatedAt = expected+1, now
	if err := st.writeChildren(ctx, q, p, now); err != nil {
		return err
	}
	return st.writeFacets(ctx, q, p, keys, now)
}

func (st store) writeChildren(ctx context.Context, q db.Querier, p *Project, now time.Time) error {
	for _, w := range []func(context.Context, db.Querier, *Project, time.Time) error{insertTexts, insertCodes, insertOrgs, insertLocations, insertTransactions, insertTargets, insertMilestones, insertLinks} {
		if err := w(ctx, q, p, now); err != nil {
			return fmt.Errorf("projects.store.writeChildren(%s): %w", p.PublicID, err)
		}
	}
	return nil
}

// insertRows writes n rows into table in one multi-row INSERT (the import
// writes thousands).
func insertRows(ctx context.Context, q db.Querier, table, cols string, n int, row func(i int) []any) error {
	if n == 0 {
		return nil
	}
	var sb strings.Builder
	var args []any
	sb.WriteString("INSERT INTO " + table + " (" + cols + ") VALUES ")
	for i := range n {
		vals := row(i)
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("(?" + strings.Repeat(", ?", len(vals)-1) + ")")
		args = append(args, vals...)
	}
	if _, err := q.ExecContext(ctx, sb.String(), args...); err != nil {
		return fmt.Errorf("%s: %w", table, err)
	}
	return nil
}

func insertTexts(ctx context.Context, q db.Querier, p *Project, now time.Time) error {
	return insertRows(ctx, q, "project_texts", "project_id, lang, title, summary, objectives, results, created_at, updated_at", len(p.Texts), func(i int) []any {
		t := p.Texts[i]
		return []any{p.ID, t.Lang, t.Title, t.Summary, t.Objectives, t.Results, now, now}
	})
}

// insertCodes writes the DAC sectors, acquis chapters and SDGs as codes of
// their kind.
func insertCodes(ctx context.Context, q db.Querier, p *Project, now time.Time) error {
	type code struct{ kind, code string }
	var codes []code
	for _, c := range p.Sectors {
		codes = append(codes, code{"dac", c})
	}
	for _, c := range joinInts(p.Acquis) {
		codes = append(codes, code{"acquis", c})
	}
	for _, c := range joinInts(p.SDGs) {
		codes = append(codes, code{"sdg", c})
	}
	return insertRows(ctx, q, "project_codes", "project_id, kind, code, created_at, updated_at", len(codes), func(i int) []any {
		return []any{p.ID, codes[i].kind, codes[i].code, now, now}
	})
}

func insertOrgs(ctx context.Context, q db.Querier, p *Project, now time.Time) error {
	return insertRows(ctx, q, "project_orgs", "project_id, seq, role, org_id, name, name_key, ref, org_type, created_at, updated_at", len(p.Orgs), func(i int) []any {
		o := p.Orgs[i]
		return []any{p.ID, i, o.Role, o.OrgID, o.Name, orgKey(o.Name), o.Ref, o.Type, now, now}
	})
}

func insertLocations(ctx context.Context, q db.Querier, p *Project, now time.Time) error {
	return insertRows(ctx, q, "project_locations", "project_id, place_code, lat, lon, created_at, updated_at", len(p.Locations), func(i int) []any {
		l := p.Locations[i]
		var lat, lon sql.NullFloat64
		if l.HasPoint {
			lat, lon = sql.NullFloat64{Float64: l.Lat, Valid: true}, sql.NullFloat64{Float64: l.Lon, Valid: true}
		}
		return []any{p.ID, l.Place, lat, lon, now, now}
	})
}

func insertTransactions(ctx context.Context, q db.Querier, p *Project, now time.Time) error {
	return insertRows(ctx, q, "project_transactions", "project_id, seq, type, on_date, amount_minor, currency, note, created_at, updated_at", len(p.Transactions), func(i int) []any {
		t := p.Transactions[i]
		return []any{p.ID, i, t.Type, t.Date, t.Amount.Minor, t.Amount.Currency, t.Note, now, now}
	})
}

// insertTargets writes each target, then its actual values under its id.
func insertTargets(ctx context.Context, q db.Querier, p *Project, now time.Time) error {
	for i, t := range p.Targets {
		tid, err := db.InsertID(ctx, q, `INSERT INTO project_targets (project_id, seq, label, target, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			p.ID, i, t.Label, t.Target, now, now)
		if err != nil {
			return fmt.Errorf("target: %w", err)
		}
		if err := insertRows(ctx, q, "project_target_actuals", "target_id, on_date, value, created_at, updated_at", len(t.Actuals), func(i int) []any {
			a := t.Actuals[i]
			return []any{tid, a.Date, a.Value, now, now}
		}); err != nil {
			return err
		}
	}
	return nil
}

func insertMilestones(ctx context.Context, q db.Querier, p *Project, now time.Time) error {
	return insertRows(ctx, q, "project_milestones", "project_id, seq, on_date, title, done, created_at, updated_at", len(p.Milestones), func(i int) []any {
		m := p.Milestones[i]
		return []any{p.ID, i, m.Date, m.Title, m.Done, now, now}
	})
}

func insertLinks(ctx context.Context, q db.Querier, p *Project, now time.Time) error {
	return insertRows(ctx, q, "project_links", "project_id, seq, title, url, category, created_at, updated_at", len(p.Links), func(i int) []any {
		l := p.Links[i]
		return []any{p.ID, i, l.Title, l.URL, l.Category, now, now}
	})
}

func nullStr(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

const projectCols = `p.id, p.public_id, COALESCE(p.iati_identifier, ''), p.kind, COALESCE(pp.public_id, ''), p.status, p.default_lang,
	p.planned_start, p.planned_end, p.actual_start, p.actual_end, p.funding_year, p.budget_minor, p.currency, p.value_eur_minor,
	p.owner_org, p.website, p.contact_name, p.contact_email, p.contact_phone, p.version, p.created_at, p.updated_at`

func scanProject(sc interface{ Scan(...any) error }, p *Project) error {
	return sc.Scan(&p.ID, &p.PublicID, &p.IATIIdentifier, &p.Kind, &p.Programme, &p.Status, &p.DefaultLang,
		&p.PlannedStart, &p.PlannedEnd, &p.ActualStart, &p.ActualEnd, &p.FundingYear, &p.Budget.Minor, &p.Budget.Currency, &p.ValueEUR,
		&p.OwnerOrg, &p.Website, &p.ContactName, &p.ContactEmail, &p.ContactPhone, &p.Version, &p.CreatedAt, &p.UpdatedAt)
}

// byWhere loads one project (with children) by a condition on p.
func (st store) byWhere(ctx context.Context, q db.Querier, where string, arg any) (*Project, error) {
	p := &Project{}
	err := scanProject(q.QueryRowContext(ctx, `SELECT `+projectCols+` FROM projects p LEFT JOIN projects pp ON pp.id = p.parent_id
		WHERE `+where+` AND p.deleted_at IS NULL`, arg), p)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("projects.store.byWhere(%v): %w", arg, refuse.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("projects.store.byWhere(%v): %w", arg, err)
	}
	if err := st.loadChildren(ctx, q, []*Project{p}); err != nil {
		return nil, err
	}
	return p, nil
}

// byIATIs loads the projects (with children) of IATI identifiers, in a
// few queries whatever their number.
func (st store) byIATIs(ctx context.Context, q db.Querier, ids []string) (map[string]*Project, error) {
	out := map[string]*Project{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := q.QueryContext(ctx, `SELECT `+projectCols+` FROM projects p LEFT JOIN projects pp ON pp.id = p.parent_id
		WHERE p.deleted_at IS NULL AND p.iati_identifier IN (?`+strings.Repeat(", ?", len(ids)-1)+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("projects.store.byIATIs: %w", err)
	}
	var ps []*Project
	for rows.Next() {
		p := &Project{}
		if err := scanProject(rows, p); err != nil {
			rows.Close()
			return nil, fmt.Errorf("projects.store.byIATIs: %w", err)
		}
		ps = append(ps, p)
		out[p.IATIIdentifier] = p
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("projects.store.byIATIs: %w", err)
	}
	return out, st.loadChildren(ctx, q, ps)
}

// loadChildren fills texts, codes, orgs, locations, money, targets,
// milestones and links of ps in a few queries.
func (st store) loadChildren(ctx context.Context, q db.Querier, ps []*Project) error {
	if len(ps) == 0 {
		return nil
	}
	byID := make(map[int64]*Project, len(ps))
	ids := make([]string, 0, len(ps))
	for _, p := range ps {
		byID[p.ID] = p
		ids = append(ids, strconv.FormatInt(p.ID, 10))
	}
	in := "(" + strings.Join(ids, ",") + ")" // integers from the database, never input
	for _, c := range childQueries {
		err := eachRow(ctx, q, strings.Replace(c.sql, "(?)", in, 1), nil, func(sc scanner) error {
			var id int64
			return c.scan(sc, &id, func() *Project { return byID[id] })
		})
		if err != nil {
			return fmt.Errorf("projects.store.loadChildren: %w", err)
		}
	}
	if err := st.loadTargets(ctx, q, in, byID); err != nil {
		return fmt.Errorf("projects.store.loadChildren: %w", err)
	}
	return nil
}

// childQueries read the children of the projects whose ids replace
// "(?)": scan reads a row's project id into id, then its values into
// the project that of() returns.
var childQueries = []struct {
	sql  string
	scan func(sc scanner, id *int64, of func() *Project) error
}{
	{`SELECT project_id, lang, title, summary, objectives, results FROM project_texts WHERE project_id IN (?) ORDER BY project_id, id`, func(sc scanner, id *int64, of func() *Project) error {
		var t Text
		if err := sc.Scan(id, &t.Lang, &t.Title, &t.Summary, &t.Objectives, &t.Results); err != nil {
			return err
		}
		p := of()
		p.Texts = append(p.Texts, t)
		return nil
	}},
	{`SELECT project_id, kind, code FROM project_codes WHERE project_id IN (?) ORDER BY project_id, id`, func(sc scanner, id *int64, of func() *Project) error {
		var kind, code string
		if err := sc.Scan(id, &kind, &code); err != nil {
			return err
		}
		of().addCode(kind, code)
		return nil
	}},
	{`SELECT project_id, role, org_id, name, ref, org_type FROM project_orgs WHERE project_id IN (?) ORDER BY project_id, seq`, func(sc scanner, id *int64, of func() *Project) error {
		var o Org
		if err := sc.Scan(id, &o.Role, &o.OrgID, &o.Name, &o.Ref, &o.Type); err != nil {
			return err
		}
		p := of()
		p.Orgs = append(p.Orgs, o)
		return nil
	}},
	{`SELECT project_id, place_code, lat, lon FROM project_locations WHERE project_id IN (?) ORDER BY project_id, place_code`, func(sc scanner, id *int64, of func() *Project) error {
		var l Location
		var lat, lon sql.NullFloat64
		if err := sc.Scan(id, &l.Place, &lat, &lon); err != nil {
			return err
		}
		if lat.Valid && lon.Valid {
			l.Lat, l.Lon, l.HasPoint = lat.Float64, lon.Float64, true
		}
		p := of()
		p.Locations = append(p.Locations, l)
		return nil
	}},
	{`SELECT project_id, type, on_date, amount_minor, currency, note FROM project_transactions WHERE project_id IN (?) ORDER BY project_id, seq`, func(sc scanner, id *int64, of func() *Project) error {
		var t Transaction
		if err := sc.Scan(id, &t.Type, &t.Date, &t.Amount.Minor, &t.Amount.Currency, &t.Note); err != nil {
			return err
		}
		p := of()
		p.Transactions = append(p.Transactions, t)
		return nil
	}},
	{`SELECT project_id, on_date, title, done FROM project_milestones WHERE project_id IN (?) ORDER BY project_id, seq`, func(sc scanner, id *int64, of func() *Project) error {
		var m Milestone
		if err := sc.Scan(id, &m.Date, &m.Title, &m.Done); err != nil {
			return err
		}
		p := of()
		p.Milestones = append(p.Milestones, m)
		return nil
	}},
	{`SELECT project_id, title, url, category FROM project_links WHERE project_id IN (?) ORDER BY project_id, seq`, func(sc scanner, id *int64, of func() *Project) error {
		var l Link
		if err := sc.Scan(id, &l.Title, &l.URL, &l.Category); err != nil {
			return err
		}
		p := of()
		p.Links = append(p.Links, l)
		return nil
	}},
}

// addCode adds a stored code to the sectors, acquis chapters or SDGs.
func (p *Project) addCode(kind, code string) {
	switch kind {
	case "dac":
		p.Sectors = append(p.Sectors, code)
	case "acquis":
		n, _ := strconv.Atoi(code)
		p.Acquis = append(p.Acquis, n)
	case "sdg":
		n, _ := strconv.Atoi(code)
		p.SDGs = append(p.SDGs, n)
	}
}

// loadTargets fills the targets of the projects of byID (ids "in"), with
// their actual values.
func (store) loadTargets(ctx context.Context, q db.Querier, in string, byID map[int64]*Project) error {
	targets := map[int64]*Target{}
	var order []int64
	owner := map[int64]int64{}
	err := eachRow(ctx, q, `SELECT id, project_id, label, target FROM project_targets WHERE project_id IN `+in+` ORDER BY project_id, seq`, nil, func(sc scanner) error {
		var tid, id int64
		t := &Target{}
		if err := sc.Scan(&tid, &id, &t.Label, &t.Target); err != nil {
			return err
		}
		targets[tid], owner[tid] = t, id
		order = append(order, tid)
		return nil
	})
	if err != nil || len(order) == 0 {
		return err
	}
	tids := make([]string, len(order))
	for i, x := range order {
		tids[i] = strconv.FormatInt(x, 10)
	}
	err = eachRow(ctx, q, `SELECT target_id, on_date, value FROM project_target_actuals WHERE target_id IN (`+strings.Join(tids, ",")+`) ORDER BY target_id, on_date`, nil, func(sc scanner) error {
		var tid int64
		var a Actual
		if err := sc.Scan(&tid, &a.Date, &a.Value); err != nil {
			return err
		}
		targets[tid].Actuals = append(targets[tid].Actuals, a)
		return nil
	})
	if err != nil {
		return err
	}
	for _, tid := range order {
		p := byID[owner[tid]]
		p.Targets = append(p.Targets, *targets[tid])
	}
	return nil
}

// HistoryEntry is one change of a project.
type HistoryEntry struct {
	At     time.Time
	Actor  string
	Action string
	Diff   []FieldChange
}

// FieldChange is one changed field.
type FieldChange struct {
	Field    string `json:"field"`
	Old, New string
}

func (store) addHistory(ctx context.Context, q db.Querier, projectID, userID int64, actor, action, diff string) error {
	now := db.Now()
	var uid sql.NullInt64
	if userID != 0 {
		uid = sql.NullInt64{Int64: userID, Valid: true}
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO project_history (project_id, user_id, actor, action, diff, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		projectID, uid, actor, action, diff, now, now); err != nil {
		return fmt.Errorf("projects.store.addHistory: %w", err)
	}
	return nil
}

func (store) history(ctx context.Context, q db.Querier, projectID int64) ([]HistoryEntry, []string, error) {
	rows, err := q.QueryContext(ctx, `SELECT created_at, actor, action, diff FROM project_history WHERE project_id = ? ORDER BY id DESC`, projectID)
	if err != nil {
		return nil, nil, fmt.Errorf("projects.store.history: %w", err)
	}
	defer rows.Close()
	var out []HistoryEntry
	var diffs []string
	for rows.Next() {
		var h HistoryEntry
		var d string
		if err := rows.Scan(&h.At, &h.Actor, &h.Action, &d); err != nil {
			return nil, nil, fmt.Errorf("projects.store.history: %w", err)
		}
		out = append(out, h)
		diffs = append(diffs, d)
	}
	return out, diffs, rows.Err()
}

func nullParent() sql.NullInt64 { return sql.NullInt64{} }

// scanner is a row to scan (*sql.Row or *sql.Rows).
type scanner interface{ Scan(...any) error }

// eachRow runs query and calls scan for every row.
func eachRow(ctx context.Context, q db.Querier, query string, args []any, scan func(scanner) error) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// idKind is the id and kind of the live project whose column (public_id
// or iati_identifier) is value; refuse.ErrNotFound when there is none.
func (store) idKind(ctx context.Context, q db.Querier, column, value string) (int64, string, error) {
	var id int64
	var kind string
	err := q.QueryRowContext(ctx, `SELECT id, kind FROM projects WHERE `+column+` = ? AND deleted_at IS NULL`, value).Scan(&id, &kind)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", fmt.Errorf("projects.store.idKind(%q): %w", value, refuse.ErrNotFound)
	}
	if err != nil {
		return 0, "", fmt.Errorf("projects.store.idKind(%q): %w", value, err)
	}
	return id, kind, nil
}

// publicIDKind is the public id and kind of the live project with an
// IATI identifier; refuse.ErrNotFound when there is none.
func (store) publicIDKind(ctx context.Context, q db.Querier, iatiID string) (string, string, error) {
	var pub, kind string
	err := q.QueryRowContext(ctx, `SELECT public_id, kind FROM projects WHERE iati_identifier = ? AND deleted_at IS NULL`, iatiID).Scan(&pub, &kind)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", fmt.Errorf("projects.store.publicIDKind(%q): %w", iatiID, refuse.ErrNotFound)
	}
	if err != nil {
		return "", "", fmt.Errorf("projects.store.publicIDKind(%q): %w", iatiID, err)
	}
	return pub, kind, nil
}

// softDelete hides p (kept with its history) and drops it from the
// filter index.
func (store) softDelete(ctx context.Context, q db.Querier, p *Project) error {
	if _, err := q.ExecContext(ctx, `UPDATE projects SET deleted_at = ?, updated_at = ? WHERE id = ?`, db.Now(), db.Now(), p.ID); err != nil {
		return fmt.Errorf("projects.store.softDelete(%q): %w", p.PublicID, err)
	}
	if _, err := q.ExecContext(ctx, `DELETE FROM project_facets WHERE project_id = ?`, p.ID); err != nil {
		return fmt.Errorf("projects.store.softDelete(%q): facets: %w", p.PublicID, err)
	}
	return nil
}
