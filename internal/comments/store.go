package comments

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/refuse"
)

// The SQL of comments, reports, bans and followers.

type scanner = db.Scanner

const selectComment = `SELECT c.id, c.public_id, c.subject_type, c.subject_id, c.author_id, u.display_name, c.body, c.status, c.hidden_reason, c.reports, c.created_at, c.edited_at
FROM comments c JOIN users u ON u.id = c.author_id`

func scan(row scanner) (*Comment, error) {
	c := &Comment{}
	var status string
	var edited sql.NullTime
	if err := row.Scan(&c.ID, &c.PublicID, &c.Subject.Type, &c.Subject.ID, &c.AuthorID, &c.AuthorName, &c.Body, &status, &c.HiddenReason, &c.Reports, &c.CreatedAt, &edited); err != nil {
		return nil, err
	}
	c.Hidden = status == "hidden"
	if edited.Valid {
		c.EditedAt = &edited.Time
	}
	return c, nil
}

func scanComment(r scanner) (Comment, error) {
	c, err := scan(r)
	if err != nil {
		return Comment{}, err
	}
	return *c, nil
}

// recentBy counts the person's comments in the last RateWindow before at,
// and those of the last day with the same body.
func recentBy(ctx context.Context, q db.Querier, userID int64, body string, at time.Time) (recent, same int, err error) {
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM comments WHERE author_id = ? AND created_at > ?`, userID, at.Add(-RateWindow)).Scan(&recent); err != nil {
		return 0, 0, err
	}
	err = q.QueryRowContext(ctx, `SELECT COUNT(*) FROM comments WHERE author_id = ? AND body = ? AND created_at > ?`, userID, body, at.Add(-24*time.Hour)).Scan(&same)
	return recent, same, err
}

func insertComment(ctx context.Context, tx *db.Tx, c *Comment) error {
	id, err := db.InsertID(ctx, tx, `INSERT INTO comments (public_id, subject_type, subject_id, author_id, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		c.PublicID, c.Subject.Type, c.Subject.ID, c.AuthorID, c.Body, c.CreatedAt, c.CreatedAt)
	c.ID = id
	return err
}

// commentsOf reads a page of a subject's comments, oldest first (newest
// first when newestFirst; the caller turns the page round).
func commentsOf(ctx context.Context, q db.Querier, subj Subject, limit, offset int, newestFirst bool) ([]Comment, error) {
	order := `c.id`
	if newestFirst {
		order = `c.id DESC`
	}
	return db.All(ctx, q, scanComment, selectComment+` WHERE c.subject_type = ? AND c.subject_id = ? ORDER BY `+order+` LIMIT ? OFFSET ?`, subj.Type, subj.ID, limit, offset)
}

// countComments counts a subject's comments (only visible ones when visible).
func countComments(ctx context.Context, q db.Querier, subj Subject, visible bool) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM comments WHERE subject_type = ? AND subject_id = ? AND (? = 0 OR status = 'visible')`, subj.Type, subj.ID, boolInt(visible)).Scan(&n)
	return n, err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func commentByPID(ctx context.Context, q db.Querier, pid string) (*Comment, error) {
	c, err := scan(q.QueryRowContext(ctx, selectComment+` WHERE c.public_id = ?`, pid))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, refuse.ErrNotFound
	}
	return c, err
}

// insertReport records a person's report of a comment and counts it
// (refuse.ErrConflict when they reported it already).
func insertReport(ctx context.Context, tx *db.Tx, commentID, userID int64, reason string, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO comment_reports (comment_id, user_id, reason, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`, commentID, userID, reason, now, now)
	if db.IsUniqueViolation(err) {
		return refuse.ErrConflict
	}
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE comments SET reports = reports + 1, updated_at = ? WHERE id = ?`, now, commentID)
	return err
}

func setStatus(ctx context.Context, q db.Querier, commentID int64, status, reason string, hiddenBy any, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE comments SET status = ?, hidden_reason = ?, hidden_by = ?, updated_at = ? WHERE id = ?`, status, reason, hiddenBy, now, commentID)
	return err
}

func setBody(ctx context.Context, q db.Querier, commentID int64, body string, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE comments SET body = ?, edited_at = ?, updated_at = ? WHERE id = ?`, body, now, now, commentID)
	return err
}

func moderationQueue(ctx context.Context, q db.Querier, limit int) ([]Comment, error) {
	return db.All(ctx, q, scanComment, selectComment+` WHERE (c.reports > 0 OR c.status = 'hidden') ORDER BY c.id DESC LIMIT ?`, limit)
}

// banEnd is the end of the person's ban running at now (zero when none).
func banEnd(ctx context.Context, q db.Querier, userID int64, now time.Time) (time.Time, error) {
	var until time.Time
	err := q.QueryRowContext(ctx, `SELECT until FROM comment_bans WHERE user_id = ? AND until > ? ORDER BY until DESC LIMIT 1`, userID, now).Scan(&until)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	return until, err
}

func insertBan(ctx context.Context, q db.Querier, userID int64, until time.Time, reason string, by int64, now time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO comment_bans (user_id, until, reason, banned_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`, userID, until, reason, by, now, now)
	return err
}

func insertFollow(ctx context.Context, q db.Querier, subj Subject, userID int64, token string, now time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO comment_follows (subject_type, subject_id, user_id, token, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		subj.Type, subj.ID, userID, token, now, now)
	return err
}

func deleteFollow(ctx context.Context, q db.Querier, subj Subject, userID int64) error {
	_, err := q.ExecContext(ctx, `DELETE FROM comment_follows WHERE subject_type = ? AND subject_id = ? AND user_id = ?`, subj.Type, subj.ID, userID)
	return err
}

func following(ctx context.Context, q db.Querier, subj Subject, userID int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM comment_follows WHERE subject_type = ? AND subject_id = ? AND user_id = ?`, subj.Type, subj.ID, userID).Scan(&n)
	return n > 0, err
}

// followOfToken is the subject of a follow's token (refuse.ErrNotFound).
func followOfToken(ctx context.Context, q db.Querier, token string) (Subject, error) {
	var subj Subject
	err := q.QueryRowContext(ctx, `SELECT subject_type, subject_id FROM comment_follows WHERE token = ?`, token).Scan(&subj.Type, &subj.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return subj, refuse.ErrNotFound
	}
	return subj, err
}

func deleteFollowToken(ctx context.Context, q db.Querier, token string) error {
	_, err := q.ExecContext(ctx, `DELETE FROM comment_follows WHERE token = ?`, token)
	return err
}

// follower is an active follower of a thread to mail.
type follower struct {
	id                   int64
	token, email, locale string
}

// followersOf are the active followers of a subject but its author.
func followersOf(ctx context.Context, q db.Querier, subj Subject, author int64) ([]follower, error) {
	return db.All(ctx, q, func(r scanner) (follower, error) {
		var f follower
		return f, r.Scan(&f.id, &f.token, &f.email, &f.locale)
	}, `SELECT f.user_id, f.token, u.email, u.locale FROM comment_follows f JOIN users u ON u.id = f.user_id
WHERE f.subject_type = ? AND f.subject_id = ? AND f.user_id <> ? AND u.status = 'active' AND u.deleted_at IS NULL ORDER BY f.id`, subj.Type, subj.ID, author)
}
