package dialogue

import (
	"context"
	"strings"
	"time"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/money"
)

// The SQL of financing plans, payments, progress reports, photos and the
// money pages.

func insertShare(ctx context.Context, q db.Querier, initiativeID int64, sh Share, now time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO dlg_shares (initiative_id, source, name, project_ref, amount_minor, currency, note, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		initiativeID, sh.Source, sh.Name, sh.ProjectRef, sh.Amount.Minor, sh.Amount.Currency, sh.Note, now, now)
	return err
}

// lockInitiative locks an initiative's row until tx ends, so that the
// checks of its financing plan and its payments see every share and
// payment written before theirs.
func lockInitiative(ctx context.Context, tx *db.Tx, initiativeID int64) error {
	var id int64
	return notFound(tx.QueryRowContext(ctx, `SELECT id FROM dlg_initiatives WHERE id = ?`+tx.LockRows(), initiativeID).Scan(&id))
}

// initiativeTotals are what an initiative's shares and payments add up to in
// currency cur.
func initiativeTotals(ctx context.Context, q db.Querier, initiativeID int64, cur string) (planned, paid int64, err error) {
	err = q.QueryRowContext(ctx, `SELECT COALESCE((SELECT SUM(amount_minor) FROM dlg_shares WHERE initiative_id = ? AND currency = ?), 0),
 COALESCE((SELECT SUM(amount_minor) FROM dlg_disbursements WHERE initiative_id = ? AND currency = ?), 0)`, initiativeID, cur, initiativeID, cur).Scan(&planned, &paid)
	return planned, paid, err
}

func countShares(ctx context.Context, q db.Querier, initiativeID int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM dlg_shares WHERE initiative_id = ?`, initiativeID).Scan(&n)
	return n, err
}

func listShares(ctx context.Context, q db.Querier, initiativeID int64) ([]Share, error) {
	return db.All(ctx, q, func(r rowScanner) (Share, error) {
		var sh Share
		var minor int64
		var cur string
		err := r.Scan(&sh.ID, &sh.Source, &sh.Name, &sh.ProjectRef, &minor, &cur, &sh.Note)
		sh.Amount = money.New(minor, cur)
		return sh, err
	}, `SELECT id, source, name, project_ref, amount_minor, currency, note FROM dlg_shares WHERE initiative_id = ? ORDER BY CASE source WHEN 'lsg' THEN 0 WHEN 'donor' THEN 1 ELSE 2 END, id`, initiativeID)
}

func insertDisbursement(ctx context.Context, q db.Querier, initiativeID int64, d Disbursement, by any, now time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO dlg_disbursements (initiative_id, paid_on, amount_minor, currency, note, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		initiativeID, d.PaidOn, d.Amount.Minor, d.Amount.Currency, d.Note, by, now, now)
	return err
}

func listDisbursements(ctx context.Context, q db.Querier, initiativeID int64) ([]Disbursement, error) {
	return db.All(ctx, q, func(r rowScanner) (Disbursement, error) {
		var d Disbursement
		var minor int64
		var cur string
		err := r.Scan(&d.ID, &d.PaidOn, &minor, &cur, &d.Note)
		d.Amount = money.New(minor, cur)
		return d, err
	}, `SELECT id, paid_on, amount_minor, currency, note FROM dlg_disbursements WHERE initiative_id = ? ORDER BY paid_on, id`, initiativeID)
}

// insertReport stores a progress report; it returns its id.
func insertReport(ctx context.Context, tx *db.Tx, initiativeID int64, author any, body string, percent int, now time.Time) (int64, error) {
	return db.InsertID(ctx, tx, `INSERT INTO dlg_reports (initiative_id, author_id, body, percent, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, initiativeID, author, body, percent, now, now)
}

// listReports lists an initiative's reports (without their photos).
func listReports(ctx context.Context, q db.Querier, initiativeID int64) ([]Report, error) {
	return db.All(ctx, q, func(row rowScanner) (Report, error) {
		var r Report
		return r, row.Scan(&r.ID, &r.AuthorName, &r.Body, &r.Percent, &r.At)
	}, `SELECT r.id, COALESCE(u.display_name, ''), r.body, r.percent, r.created_at FROM dlg_reports r LEFT JOIN users u ON u.id = r.author_id WHERE r.initiative_id = ? ORDER BY r.id`, initiativeID)
}

// insertPhoto stores a photo's record, of a report unless reportID is 0.
func insertPhoto(ctx context.Context, q db.Querier, initiativeID, reportID int64, ph Photo, by any, now time.Time) error {
	var rid any
	if reportID != 0 {
		rid = reportID
	}
	_, err := q.ExecContext(ctx, `INSERT INTO dlg_photos (public_id, initiative_id, report_id, content_type, size, width, height, caption, uploaded_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		ph.PublicID, initiativeID, rid, ph.ContentType, ph.Size, ph.Width, ph.Height, ph.Caption, by, now, now)
	return err
}

func listPhotos(ctx context.Context, q db.Querier, initiativeID int64) ([]Photo, error) {
	return db.All(ctx, q, func(r rowScanner) (Photo, error) {
		var ph Photo
		return ph, r.Scan(&ph.ID, &ph.PublicID, &ph.ReportID, &ph.ContentType, &ph.Size, &ph.Width, &ph.Height, &ph.Caption)
	}, `SELECT id, public_id, COALESCE(report_id, 0), content_type, size, width, height, caption FROM dlg_photos WHERE initiative_id = ? ORDER BY id`, initiativeID)
}

// photoByPID is a photo's record and the public id of its initiative.
func photoByPID(ctx context.Context, q db.Querier, pid string) (*Photo, string, error) {
	ph := &Photo{}
	var ipid, state string
	var author int64
	err := q.QueryRowContext(ctx, `SELECT p.id, p.public_id, COALESCE(p.report_id, 0), p.content_type, p.size, p.width, p.height, p.caption, i.public_id, i.state, i.author_id
FROM dlg_photos p JOIN dlg_initiatives i ON i.id = p.initiative_id WHERE p.public_id = ?`, pid).
		Scan(&ph.ID, &ph.PublicID, &ph.ReportID, &ph.ContentType, &ph.Size, &ph.Width, &ph.Height, &ph.Caption, &ipid, &state, &author)
	if err != nil {
		return nil, "", notFound(err)
	}
	return ph, ipid, nil
}

// moneyStates are the states of initiatives that the money pages count.
const moneyStates = `('selected', 'cofinanced', 'implementation', 'done')`

// The conditions on initiatives (i) of the money pages and dashboards.
const (
	wherePlatform = `i.platform_id = ?`
	whereLSG      = `i.lsg_code = ?`
)

// whereProgramme: initiatives with a donor share under one of n names.
func whereProgramme(n int) string {
	return `EXISTS (SELECT 1 FROM dlg_shares d WHERE d.initiative_id = i.id AND d.source = 'donor' AND d.name IN (` + strings.TrimSuffix(strings.Repeat("?, ", n), ", ") + `))`
}

// sharesOf and disbursementsOf are the queries of eachAmount for the
// initiatives that match where.
func sharesOf(where string) string {
	return `SELECT s.initiative_id, s.source, s.name, s.amount_minor, s.currency FROM dlg_shares s JOIN dlg_initiatives i ON i.id = s.initiative_id
WHERE i.state IN ` + moneyStates + ` AND ` + where + ` ORDER BY s.id`
}

func disbursementsOf(where string) string {
	return `SELECT s.initiative_id, '', '', s.amount_minor, s.currency FROM dlg_disbursements s JOIN dlg_initiatives i ON i.id = s.initiative_id
WHERE i.state IN ` + moneyStates + ` AND ` + where + ` ORDER BY s.id`
}

// eachDonorShare hands every donor share of a counted initiative to fn.
func eachDonorShare(ctx context.Context, q db.Querier, fn func(name, ref string, initiativeID int64, a money.Amount)) error {
	type share struct {
		name, ref string
		id        int64
		a         money.Amount
	}
	list, err := db.All(ctx, q, func(r rowScanner) (share, error) {
		var sh share
		var minor int64
		var cur string
		err := r.Scan(&sh.name, &sh.ref, &sh.id, &minor, &cur)
		sh.a = money.New(minor, cur)
		return sh, err
	}, `SELECT s.name, s.project_ref, s.initiative_id, s.amount_minor, s.currency FROM dlg_shares s JOIN dlg_initiatives i ON i.id = s.initiative_id
WHERE s.source = 'donor' AND i.state IN `+moneyStates+` ORDER BY s.id`)
	for _, sh := range list {
		fn(sh.name, sh.ref, sh.id, sh.a)
	}
	return err
}

// donorNames are the names of every donor in financing plans.
func donorNames(ctx context.Context, q db.Querier) ([]string, error) {
	return db.All(ctx, q, db.ScanString, `SELECT DISTINCT name FROM dlg_shares WHERE source = 'donor'`)
}

// stateCount is how many initiatives (not drafts) of one state and LSG
// match a dashboard, with their supports.
type stateCount struct {
	state, lsg  string
	n, supports int
}

func stateCounts(ctx context.Context, q db.Querier, where string, arg any) ([]stateCount, error) {
	return db.All(ctx, q, func(r rowScanner) (stateCount, error) {
		var c stateCount
		return c, r.Scan(&c.state, &c.lsg, &c.n, &c.supports)
	}, `SELECT i.state, i.lsg_code, COUNT(*), COALESCE(SUM(i.supports), 0) FROM dlg_initiatives i WHERE i.state <> 'draft' AND `+where+` GROUP BY i.state, i.lsg_code`, arg)
}

// moneyRows reads the initiatives of a summary into sum.Rows and returns
// the index of each initiative id in them.
func moneyRows(ctx context.Context, q db.Querier, sum *MoneySummary, where string, args []any) (map[int64]int, error) {
	rows, err := q.QueryContext(ctx, `SELECT i.id, i.public_id, i.title, i.state, p.slug, p.name,
 COALESCE((SELECT MAX(r.percent) FROM dlg_reports r WHERE r.initiative_id = i.id), 0)
FROM dlg_initiatives i JOIN dlg_platforms p ON p.id = i.platform_id WHERE i.state IN `+moneyStates+` AND `+where+` ORDER BY i.title, i.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	index := map[int64]int{}
	for rows.Next() {
		var r MoneyRow
		var id int64
		if err := rows.Scan(&id, &r.PublicID, &r.Title, &r.State, &r.PlatformSlug, &r.PlatformName, &r.Percent); err != nil {
			return nil, err
		}
		index[id] = len(sum.Rows)
		sum.Rows = append(sum.Rows, r)
	}
	return index, rows.Err()
}

// eachAmount runs a query of (initiative id, source, name, minor, currency)
// rows and hands each to fn.
func eachAmount(ctx context.Context, q db.Querier, query string, args []any, fn func(id int64, source, name string, a money.Amount)) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, minor int64
		var source, name, cur string
		if err := rows.Scan(&id, &source, &name, &minor, &cur); err != nil {
			return err
		}
		fn(id, source, name, money.New(minor, cur))
	}
	return rows.Err()
}
