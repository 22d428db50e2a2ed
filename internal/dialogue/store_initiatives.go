package dialogue

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/money"
	"github.com/dijalog/dijalog/internal/refuse"
)

// The SQL of initiatives, their events, supports and followers.

func insertInitiative(ctx context.Context, tx *db.Tx, x *Initiative) error {
	var prio any
	if x.PriorityID != 0 {
		prio = x.PriorityID
	}
	id, err := db.InsertID(ctx, tx, `INSERT INTO dlg_initiatives (public_id, platform_id, author_id, lsg_code, local_community, priority_id, title, problem, solution, cost_minor, currency, state, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?) RETURNING id`, x.PublicID, x.PlatformID, x.AuthorID, x.LSG, x.LocalCommunity, prio, x.Title, x.Problem, x.Solution, x.Cost.Minor, x.Cost.Currency, x.CreatedAt, x.UpdatedAt)
	x.ID = id
	return err
}

// insertEvent records a step of an initiative's life-cycle; it returns its id.
func insertEvent(ctx context.Context, tx *db.Tx, initiativeID int64, actor any, from, to, note string, now time.Time) (int64, error) {
	return db.InsertID(ctx, tx, `INSERT INTO dlg_initiative_events (initiative_id, actor_id, from_state, to_state, note, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		initiativeID, actor, from, to, note, now, now)
}

// setState moves x to state to while it is still in x.State
// (refuse.ErrConflict when it moved on).
func setState(ctx context.Context, tx *db.Tx, x *Initiative, to, reason string, meetingID int64, now time.Time) error {
	var mid any
	if meetingID != 0 {
		mid = meetingID
	}
	res, err := tx.ExecContext(ctx, `UPDATE dlg_initiatives SET state = ?, reason = CASE WHEN ? = '' THEN reason ELSE ? END, meeting_id = COALESCE(?, meeting_id), updated_at = ? WHERE id = ? AND state = ?`,
		to, reason, reason, mid, now, x.ID, x.State)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return refuse.ErrConflict
	}
	return nil
}

const selectInitiative = `SELECT i.id, i.public_id, i.platform_id, p.slug, p.name, p.support_goal, i.author_id, u.display_name, i.lsg_code, i.local_community,
 COALESCE(i.priority_id, 0), COALESCE(pr.name, ''), i.title, i.problem, i.solution, i.cost_minor, i.currency, i.state, i.reason, i.supports,
 COALESCE(mt.public_id, ''), COALESCE(mt.title, ''), i.created_at, i.updated_at
FROM dlg_initiatives i JOIN dlg_platforms p ON p.id = i.platform_id JOIN users u ON u.id = i.author_id
LEFT JOIN dlg_priorities pr ON pr.id = i.priority_id LEFT JOIN dlg_meetings mt ON mt.id = i.meeting_id`

func scanInitiative(row rowScanner) (*Initiative, error) {
	x := &Initiative{}
	var minor int64
	var cur string
	if err := row.Scan(&x.ID, &x.PublicID, &x.PlatformID, &x.PlatformSlug, &x.PlatformName, &x.SupportGoal, &x.AuthorID, &x.AuthorName, &x.LSG, &x.LocalCommunity,
		&x.PriorityID, &x.PriorityName, &x.Title, &x.Problem, &x.Solution, &minor, &cur, &x.State, &x.Reason, &x.Supports,
		&x.MeetingPID, &x.MeetingTitle, &x.CreatedAt, &x.UpdatedAt); err != nil {
		return nil, err
	}
	x.Cost = money.New(minor, cur)
	return x, nil
}

func initiativeByPID(ctx context.Context, q db.Querier, pid string) (*Initiative, error) {
	x, err := scanInitiative(q.QueryRowContext(ctx, selectInitiative+` WHERE i.public_id = ?`, pid))
	return x, notFound(err)
}

// prefixed scans extra columns that come before a row's usual ones.
type prefixed struct {
	row   rowScanner
	extra []any
}

func (p prefixed) Scan(dest ...any) error { return p.row.Scan(append(p.extra, dest...)...) }

// initiativeAndPlatform reads an initiative and its platform (not the
// platform's LSGs) in one query.
func initiativeAndPlatform(ctx context.Context, q db.Querier, pid string) (*Initiative, *Platform, error) {
	p := &Platform{}
	var rv int
	row := q.QueryRowContext(ctx, `SELECT p.description, p.requires_verification, p.created_at, `+strings.TrimPrefix(selectInitiative, "SELECT ")+` WHERE i.public_id = ?`, pid)
	x, err := scanInitiative(prefixed{row: row, extra: []any{&p.Description, &rv, &p.CreatedAt}})
	if err != nil {
		return nil, nil, notFound(err)
	}
	p.ID, p.Slug, p.Name, p.RequiresVerification, p.SupportGoal = x.PlatformID, x.PlatformSlug, x.PlatformName, rv == 1, x.SupportGoal
	return x, p, nil
}

// listInitiatives lists the initiatives f selects, newest first (open
// for support first with f.OpenFirst), from f.Offset.
func listInitiatives(ctx context.Context, q db.Querier, f InitiativeFilter) ([]Initiative, error) {
	where := ` WHERE (? = 0 OR i.platform_id = ?) AND (? = '' OR i.state = ?) AND (i.state <> 'draft' OR i.author_id = ?) AND (? = '' OR i.lsg_code = ?)`
	args := []any{f.PlatformID, f.PlatformID, f.State, f.State, f.AuthorID, f.LSG, f.LSG}
	if len(f.states) > 0 {
		where += ` AND i.state IN (?` + strings.Repeat(", ?", len(f.states)-1) + `)`
		for _, st := range f.states {
			args = append(args, st)
		}
	}
	order := ` ORDER BY i.updated_at DESC, i.id DESC`
	if f.OpenFirst {
		order = ` ORDER BY CASE WHEN i.state = 'open' THEN 0 ELSE 1 END, i.updated_at DESC, i.id DESC`
	}
	return db.All(ctx, q, func(r rowScanner) (Initiative, error) {
		x, err := scanInitiative(r)
		if err != nil {
			return Initiative{}, err
		}
		return *x, nil
	}, selectInitiative+where+order+` LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
}

// supportedOf is which of the initiatives ids userID supports.
func supportedOf(ctx context.Context, q db.Querier, userID int64, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if userID == 0 || len(ids) == 0 {
		return out, nil
	}
	args := []any{userID}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := db.All(ctx, q, func(r rowScanner) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	}, `SELECT initiative_id FROM dlg_supports WHERE user_id = ? AND initiative_id IN (?`+strings.Repeat(", ?", len(ids)-1)+`)`, args...)
	for _, id := range rows {
		out[id] = true
	}
	return out, err
}

// initiativeLSGs are the LSGs that have initiatives others can see.
func initiativeLSGs(ctx context.Context, q db.Querier) ([]string, error) {
	return db.All(ctx, q, db.ScanString, `SELECT DISTINCT lsg_code FROM dlg_initiatives WHERE state <> 'draft' ORDER BY lsg_code`)
}

func listEvents(ctx context.Context, q db.Querier, initiativeID int64) ([]Event, error) {
	return db.All(ctx, q, func(r rowScanner) (Event, error) {
		var e Event
		return e, r.Scan(&e.At, &e.ActorName, &e.From, &e.To, &e.Note)
	}, `SELECT e.created_at, COALESCE(u.display_name, ''), e.from_state, e.to_state, e.note
FROM dlg_initiative_events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.initiative_id = ? ORDER BY e.id`, initiativeID)
}

// verifiedIn reports whether the person is a verified resident of one of lsgs.
func verifiedIn(ctx context.Context, q db.Querier, userID int64, lsgs []string) (bool, error) {
	for _, c := range lsgs {
		var n int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM dlg_residents WHERE user_id = ? AND lsg_code = ?`, userID, c).Scan(&n); err != nil {
			return false, err
		}
		if n > 0 {
			return true, nil
		}
	}
	return false, nil
}

// addSupport records a support and raises the counter while the
// initiative is open; it returns the new count. With a writable CTE it is
// one statement: the counter moves only while the initiative is open, the
// row goes in only if the counter moved, and a unique violation undoes
// both. Otherwise the two steps run in one transaction.
func addSupport(ctx context.Context, d *db.DB, initiativeID, userID int64, now time.Time) (int, error) {
	var n int
	if d.Has(db.WritableCTE) {
		err := d.QueryRowContext(ctx, `WITH up AS (UPDATE dlg_initiatives SET supports = supports + 1 WHERE id = ? AND state = 'open' RETURNING id, supports)
INSERT INTO dlg_supports (initiative_id, user_id, created_at, updated_at) SELECT id, ?, ?, ? FROM up RETURNING (SELECT supports FROM up)`, initiativeID, userID, now, now).Scan(&n)
		switch {
		case db.IsUniqueViolation(err):
			return 0, ErrAlreadySupported
		case errors.Is(err, sql.ErrNoRows):
			return 0, ErrClosed
		}
		return n, err
	}
	err := d.InTx(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO dlg_supports (initiative_id, user_id, created_at, updated_at) VALUES (?, ?, ?, ?)`, initiativeID, userID, now, now)
		if db.IsUniqueViolation(err) {
			return ErrAlreadySupported
		}
		if err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `UPDATE dlg_initiatives SET supports = supports + 1 WHERE id = ? AND state = 'open' RETURNING supports`, initiativeID).Scan(&n)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrClosed
		}
		return err
	})
	return n, err
}

// removeSupport deletes a support and lowers the counter while the
// initiative is open; it returns the new count. With a writable CTE it is
// one statement that locks the initiative while it is open; nothing
// happens when either step fails.
func removeSupport(ctx context.Context, d *db.DB, initiativeID, userID int64) (int, error) {
	var n int
	if d.Has(db.WritableCTE) {
		err := d.QueryRowContext(ctx, `WITH open AS (SELECT id FROM dlg_initiatives WHERE id = ? AND state = 'open'`+d.LockRows()+`),
del AS (DELETE FROM dlg_supports s USING open WHERE s.initiative_id = open.id AND s.user_id = ? RETURNING s.initiative_id)
UPDATE dlg_initiatives i SET supports = i.supports - 1 FROM del WHERE i.id = del.initiative_id RETURNING i.supports`, initiativeID, userID).Scan(&n)
		if errors.Is(err, sql.ErrNoRows) {
			// Closed, or nothing to withdraw: say which.
			var open int
			if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM dlg_initiatives WHERE id = ? AND state = 'open'`, initiativeID).Scan(&open); err != nil {
				return 0, err
			}
			if open == 0 {
				return 0, ErrClosed
			}
			return 0, ErrNotSupported
		}
		return n, err
	}
	err := d.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM dlg_supports WHERE initiative_id = ? AND user_id = ?`, initiativeID, userID)
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k != 1 {
			return ErrNotSupported
		}
		err = tx.QueryRowContext(ctx, `UPDATE dlg_initiatives SET supports = supports - 1 WHERE id = ? AND state = 'open' RETURNING supports`, initiativeID).Scan(&n)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrClosed
		}
		return err
	})
	return n, err
}

func supported(ctx context.Context, q db.Querier, initiativeID, userID int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM dlg_supports WHERE initiative_id = ? AND user_id = ?`, initiativeID, userID).Scan(&n)
	return n > 0, err
}

func supportCounts(ctx context.Context, q db.Querier, initiativeID int64) (counter, rows int, err error) {
	err = q.QueryRowContext(ctx, `SELECT i.supports, (SELECT COUNT(*) FROM dlg_supports s WHERE s.initiative_id = i.id) FROM dlg_initiatives i WHERE i.id = ?`, initiativeID).Scan(&counter, &rows)
	return counter, rows, notFound(err)
}

// allSupportCounts is every initiative's counter and support rows.
func allSupportCounts(ctx context.Context, q db.Querier) ([]Mismatch, error) {
	return db.All(ctx, q, func(r rowScanner) (Mismatch, error) {
		var m Mismatch
		return m, r.Scan(&m.PublicID, &m.Counter, &m.Rows)
	}, `SELECT i.public_id, i.supports, (SELECT COUNT(*) FROM dlg_supports s WHERE s.initiative_id = i.id) FROM dlg_initiatives i ORDER BY i.id`)
}

// insertFollow adds a follower; false when they already follow. ON
// CONFLICT keeps the transaction usable on PostgreSQL, where a unique
// violation would abort it.
func insertFollow(ctx context.Context, q db.Querier, initiativeID, userID int64, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, `INSERT INTO dlg_follows (initiative_id, user_id, created_at, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (initiative_id, user_id) DO NOTHING`, initiativeID, userID, now, now)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// deleteFollow removes a follower; false when they did not follow.
func deleteFollow(ctx context.Context, q db.Querier, initiativeID, userID int64) (bool, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM dlg_follows WHERE initiative_id = ? AND user_id = ?`, initiativeID, userID)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// following reports whether userID follows the initiative, and how many do.
func following(ctx context.Context, q db.Querier, initiativeID, userID int64) (bool, int, error) {
	var n, mine int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN user_id = ? THEN 1 ELSE 0 END), 0) FROM dlg_follows WHERE initiative_id = ?`, userID, initiativeID).Scan(&n, &mine)
	return mine > 0, n, err
}

// followers are the active followers of an initiative but the actor.
func followers(ctx context.Context, q db.Querier, initiativeID, actor int64) ([]follower, error) {
	return db.All(ctx, q, func(r rowScanner) (follower, error) {
		var f follower
		return f, r.Scan(&f.id, &f.email, &f.locale)
	}, `SELECT u.id, u.email, u.locale FROM dlg_follows f JOIN users u ON u.id = f.user_id
WHERE f.initiative_id = ? AND f.user_id <> ? AND u.status = 'active' ORDER BY f.id`, initiativeID, actor)
}
