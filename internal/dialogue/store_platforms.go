package dialogue

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/refuse"
)

// The SQL of platforms, members, priorities and action plans.

// rowScanner is a row or a set of rows being read.
type rowScanner = db.Scanner

// idValue is a row of an id and one value.
type idValue[T any] struct {
	id int64
	v  T
}

func scanIDValue[T any](r rowScanner) (idValue[T], error) {
	var x idValue[T]
	return x, r.Scan(&x.id, &x.v)
}

// changedOne is refuse.ErrNotFound unless the statement changed one row.
func changedOne(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return refuse.ErrNotFound
	}
	return nil
}

// insertPlatform stores p with a free slug based on base, and its LSGs.
func insertPlatform(ctx context.Context, tx *db.Tx, p *Platform, base string, by any, now time.Time) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM dlg_platforms WHERE slug = ? OR slug LIKE ?`, base, base+"-%").Scan(&n); err != nil {
		return err
	}
	p.Slug = base
	if n > 0 {
		p.Slug = base + "-" + strconv.Itoa(n+1)
	}
	id, err := db.InsertID(ctx, tx, `INSERT INTO dlg_platforms (slug, name, description, requires_verification, support_goal, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		p.Slug, p.Name, p.Description, boolInt(p.RequiresVerification), p.SupportGoal, by, now, now)
	if db.IsUniqueViolation(err) {
		return refuse.ErrConflict
	}
	if err != nil {
		return err
	}
	p.ID = id
	for _, c := range p.LSGs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO dlg_platform_lsgs (platform_id, lsg_code, created_at, updated_at) VALUES (?, ?, ?, ?)`, id, c, now, now); err != nil {
			return err
		}
	}
	return nil
}

// loadLSGs reads the LSG codes of ps.
func loadLSGs(ctx context.Context, q db.Querier, ps []*Platform) error {
	byID := map[int64]*Platform{}
	for _, p := range ps {
		p.LSGs = nil
		byID[p.ID] = p
	}
	query, args := `SELECT platform_id, lsg_code FROM dlg_platform_lsgs ORDER BY id`, []any(nil)
	if len(ps) == 1 {
		query, args = `SELECT platform_id, lsg_code FROM dlg_platform_lsgs WHERE platform_id = ? ORDER BY id`, []any{ps[0].ID}
	}
	codes, err := db.All(ctx, q, scanIDValue[string], query, args...)
	for _, c := range codes {
		if p := byID[c.id]; p != nil {
			p.LSGs = append(p.LSGs, c.v)
		}
	}
	return err
}

const selectPlatform = `SELECT id, slug, name, description, requires_verification, support_goal, created_at FROM dlg_platforms`

func scanPlatform(row rowScanner) (*Platform, error) {
	p := &Platform{}
	var rv int
	if err := row.Scan(&p.ID, &p.Slug, &p.Name, &p.Description, &rv, &p.SupportGoal, &p.CreatedAt); err != nil {
		return nil, err
	}
	p.RequiresVerification = rv == 1
	return p, nil
}

// platformWhere reads the platform whose column col is v (not its LSGs).
func platformWhere(ctx context.Context, q db.Querier, col string, v any) (*Platform, error) {
	p, err := scanPlatform(q.QueryRowContext(ctx, selectPlatform+` WHERE `+col+` = ?`, v))
	return p, notFound(err)
}

// listPlatforms lists the platforms (of lsg unless it is "") with counts,
// the most active first: by initiatives open for support, then
// initiatives, members and meetings; then by name.
func listPlatforms(ctx context.Context, q db.Querier, lsg string) ([]PlatformSummary, error) {
	return db.All(ctx, q, func(r rowScanner) (PlatformSummary, error) {
		p := &Platform{}
		var rv int
		sum := PlatformSummary{Platform: p}
		err := r.Scan(&p.ID, &p.Slug, &p.Name, &p.Description, &rv, &p.SupportGoal, &p.CreatedAt, &sum.Members, &sum.Initiatives, &sum.Open, &sum.Meetings)
		p.RequiresVerification = rv == 1
		return sum, err
	}, `SELECT p.id, p.slug, p.name, p.description, p.requires_verification, p.support_goal, p.created_at,
 (SELECT COUNT(*) FROM dlg_members m WHERE m.platform_id = p.id AND m.status = 'active') AS members,
 (SELECT COUNT(*) FROM dlg_initiatives i WHERE i.platform_id = p.id AND i.state <> 'draft') AS initiatives,
 (SELECT COUNT(*) FROM dlg_initiatives i WHERE i.platform_id = p.id AND i.state = 'open') AS open,
 (SELECT COUNT(*) FROM dlg_meetings mt WHERE mt.platform_id = p.id) AS meetings
FROM dlg_platforms p WHERE (? = '' OR EXISTS (SELECT 1 FROM dlg_platform_lsgs l WHERE l.platform_id = p.id AND l.lsg_code = ?))
ORDER BY open DESC, initiatives DESC, members DESC, meetings DESC, p.name, p.id`, lsg, lsg)
}

// nextMeetings gives the start of each platform's first meeting after now
// (platforms without one are absent).
func nextMeetings(ctx context.Context, q db.Querier, now time.Time) (map[int64]time.Time, error) {
	rows, err := db.All(ctx, q, scanIDValue[time.Time], `SELECT platform_id, starts_at FROM dlg_meetings WHERE starts_at > ? ORDER BY platform_id, starts_at`, db.Time(now))
	if err != nil {
		return nil, err
	}
	out := map[int64]time.Time{}
	for _, r := range rows {
		if _, ok := out[r.id]; !ok {
			out[r.id] = r.v
		}
	}
	return out, nil
}

func setSupportGoal(ctx context.Context, q db.Querier, platformID int64, goal int, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE dlg_platforms SET support_goal = ?, updated_at = ? WHERE id = ?`, goal, now, platformID)
	return err
}

func setVerification(ctx context.Context, q db.Querier, platformID int64, on bool, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE dlg_platforms SET requires_verification = ?, updated_at = ? WHERE id = ?`, boolInt(on), now, platformID)
	return err
}

// membership is the person's membership of a platform, or nil.
func membership(ctx context.Context, q db.Querier, platformID, userID int64) (*Member, error) {
	m := &Member{}
	err := q.QueryRowContext(ctx, `SELECT id, user_id, role, status, created_at FROM dlg_members WHERE platform_id = ? AND user_id = ?`, platformID, userID).
		Scan(&m.ID, &m.UserID, &m.Role, &m.Status, &m.JoinedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return m, nil
}

func listMembers(ctx context.Context, q db.Querier, platformID int64) ([]Member, error) {
	return db.All(ctx, q, func(r rowScanner) (Member, error) {
		var m Member
		return m, r.Scan(&m.ID, &m.UserID, &m.UserPID, &m.Name, &m.Email, &m.Role, &m.Status, &m.JoinedAt)
	}, `SELECT m.id, m.user_id, u.public_id, u.display_name, u.email, m.role, m.status, m.created_at
FROM dlg_members m JOIN users u ON u.id = m.user_id WHERE m.platform_id = ?
ORDER BY CASE m.role WHEN 'coordinator' THEN 0 WHEN 'deputy' THEN 1 ELSE 2 END, u.display_name`, platformID)
}

// insertMember adds a membership; refuse.ErrConflict when there is one.
func insertMember(ctx context.Context, q db.Querier, platformID, userID int64, role, status string, now time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO dlg_members (platform_id, user_id, role, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`, platformID, userID, role, status, now, now)
	if db.IsUniqueViolation(err) {
		return refuse.ErrConflict
	}
	return err
}

func acceptInvitation(ctx context.Context, q db.Querier, platformID, userID int64, now time.Time) error {
	return changedOne(q.ExecContext(ctx, `UPDATE dlg_members SET status = 'active', updated_at = ? WHERE platform_id = ? AND user_id = ? AND status = 'invited'`, now, platformID, userID))
}

func deleteMember(ctx context.Context, q db.Querier, platformID, memberID int64) error {
	return changedOne(q.ExecContext(ctx, `DELETE FROM dlg_members WHERE id = ? AND platform_id = ?`, memberID, platformID))
}

// setMemberRole changes a member's role and makes a request active (an
// invitation stays one).
func setMemberRole(ctx context.Context, q db.Querier, platformID, memberID int64, role string, now time.Time) error {
	return changedOne(q.ExecContext(ctx, `UPDATE dlg_members SET role = ?, status = CASE WHEN status = 'invited' THEN 'invited' ELSE 'active' END, updated_at = ? WHERE id = ? AND platform_id = ?`, role, now, memberID, platformID))
}

func listPriorities(ctx context.Context, q db.Querier, platformID int64) ([]Priority, error) {
	return db.All(ctx, q, func(r rowScanner) (Priority, error) {
		var x Priority
		return x, r.Scan(&x.ID, &x.Name, &x.Tags)
	}, `SELECT id, name, tags FROM dlg_priorities WHERE platform_id = ? ORDER BY id`, platformID)
}

// insertPriority adds a priority area; refuse.ErrConflict when the name is taken.
func insertPriority(ctx context.Context, q db.Querier, platformID int64, name, tags string, now time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO dlg_priorities (platform_id, name, tags, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`, platformID, name, tags, now, now)
	if db.IsUniqueViolation(err) {
		return refuse.ErrConflict
	}
	return err
}

// priorityOf reports whether id is a priority area of the platform.
func priorityOf(ctx context.Context, q db.Querier, platformID, id int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM dlg_priorities WHERE id = ? AND platform_id = ?`, id, platformID).Scan(&n)
	return n > 0, err
}

func listActions(ctx context.Context, q db.Querier, platformID int64, year int) ([]Action, error) {
	return db.All(ctx, q, func(r rowScanner) (Action, error) {
		var a Action
		return a, r.Scan(&a.ID, &a.Year, &a.Title, &a.Owner, &a.Deadline, &a.Status)
	}, `SELECT id, year, title, owner, deadline, status FROM dlg_actions WHERE platform_id = ? AND (? = 0 OR year = ?) ORDER BY year DESC, deadline, id`, platformID, year, year)
}

func insertAction(ctx context.Context, q db.Querier, platformID int64, a Action, now time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO dlg_actions (platform_id, year, title, owner, deadline, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		platformID, a.Year, a.Title, a.Owner, a.Deadline, a.Status, now, now)
	return err
}

func setActionStatus(ctx context.Context, q db.Querier, platformID, id int64, status string, now time.Time) error {
	return changedOne(q.ExecContext(ctx, `UPDATE dlg_actions SET status = ?, updated_at = ? WHERE id = ? AND platform_id = ?`, status, now, id, platformID))
}
