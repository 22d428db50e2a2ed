package news

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/google/uuid"
)

// The SQL of subscribers, their topics and the newsletter's issues. A
// missing row is refuse.ErrNotFound.

// subscriberStatus is the id and status of an address and when its
// current confirmation link expires (ErrNotFound: no such address).
func subscriberStatus(ctx context.Context, q db.Querier, email string) (int64, string, time.Time, error) {
	var id int64
	var status string
	var exp sql.NullTime
	err := q.QueryRowContext(ctx, `SELECT id, status, confirm_expires FROM news_subscribers WHERE email = ?`, email).Scan(&id, &status, &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", time.Time{}, refuse.ErrNotFound
	}
	return id, status, exp.Time, err
}

// pending is a subscription waiting for its confirmation link.
type pending struct {
	email, lang, confirmHash string
	expires, now             time.Time
}

func insertPending(ctx context.Context, q db.Querier, p pending) (int64, error) {
	return db.InsertID(ctx, q, `INSERT INTO news_subscribers (public_id, email, lang, status, confirm_hash, confirm_expires, unsub_token, bounces, created_at, updated_at)
VALUES (?, ?, ?, 'pending', ?, ?, ?, 0, ?, ?) RETURNING id`, uuid.NewString(), p.email, p.lang, p.confirmHash, p.expires, newToken(), p.now, p.now)
}

// renewPending asks a known, unconfirmed address again, forgetting its
// old topics.
func renewPending(ctx context.Context, q db.Querier, id int64, p pending) error {
	if _, err := q.ExecContext(ctx, `UPDATE news_subscribers SET status = 'pending', lang = ?, confirm_hash = ?, confirm_expires = ?, updated_at = ? WHERE id = ?`,
		p.lang, p.confirmHash, p.expires, p.now, id); err != nil {
		return err
	}
	_, err := q.ExecContext(ctx, `DELETE FROM news_subscriber_topics WHERE subscriber_id = ?`, id)
	return err
}

func insertTopics(ctx context.Context, q db.Querier, id int64, topics []Tag, now time.Time) error {
	for _, t := range topics {
		if _, err := q.ExecContext(ctx, `INSERT INTO news_subscriber_topics (subscriber_id, kind, value, created_at, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, id, t.Kind, t.Value, now, now); err != nil {
			return err
		}
	}
	return nil
}

// subscriberWhere loads the subscriber matching where (a condition on one
// column with one argument) with their topics and confirmation expiry.
func subscriberWhere(ctx context.Context, q db.Querier, where string, arg any) (*Subscriber, time.Time, error) {
	sub := &Subscriber{}
	var exp, conf sql.NullTime
	err := q.QueryRowContext(ctx, `SELECT id, public_id, email, lang, status, unsub_token, bounces, confirm_expires, confirmed_at, created_at FROM news_subscribers WHERE `+where, arg).
		Scan(&sub.ID, &sub.PublicID, &sub.Email, &sub.Lang, &sub.Status, &sub.UnsubToken, &sub.Bounces, &exp, &conf, &sub.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, time.Time{}, refuse.ErrNotFound
	}
	if err != nil {
		return nil, time.Time{}, err
	}
	if conf.Valid {
		t := conf.Time
		sub.ConfirmedAt = &t
	}
	rs, err := q.QueryContext(ctx, `SELECT kind, value FROM news_subscriber_topics WHERE subscriber_id = ? ORDER BY kind, value`, sub.ID)
	if err != nil {
		return nil, time.Time{}, err
	}
	defer rs.Close()
	for rs.Next() {
		var t Tag
		if err := rs.Scan(&t.Kind, &t.Value); err != nil {
			return nil, time.Time{}, err
		}
		sub.Topics = append(sub.Topics, t)
	}
	return sub, exp.Time, rs.Err()
}

// confirmPending confirms a pending subscriber; false when another click
// confirmed it first.
func confirmPending(ctx context.Context, q db.Querier, id int64, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, `UPDATE news_subscribers SET status = 'confirmed', confirmed_at = ?, updated_at = ? WHERE id = ? AND status = 'pending'`, now, now, id)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

func setSubscriberStatus(ctx context.Context, q db.Querier, id int64, status string, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE news_subscribers SET status = ?, updated_at = ? WHERE id = ?`, status, now, id)
	return err
}

// recordBounce counts a bounce of an address; a hard one or the third
// stops its mail. ErrNotFound when the address is unknown.
func recordBounce(ctx context.Context, q db.Querier, email string, hard bool, now time.Time) error {
	res, err := q.ExecContext(ctx, `UPDATE news_subscribers SET bounces = bounces + 1, status = CASE WHEN ? OR bounces + 1 >= 3 THEN 'bounced' ELSE status END, updated_at = ? WHERE email = ?`, hard, now, email)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return refuse.ErrNotFound
	}
	return nil
}

func deleteSubscriber(ctx context.Context, q db.Querier, id int64) error {
	_, err := q.ExecContext(ctx, `DELETE FROM news_subscribers WHERE id = ?`, id)
	return err
}

func countConfirmed(ctx context.Context, q db.Querier, lang string) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM news_subscribers WHERE status = 'confirmed' AND lang = ?`, lang).Scan(&n)
	return n, err
}

func insertIssue(ctx context.Context, q db.Querier, is *Issue, by int64, now time.Time) error {
	id, err := db.InsertID(ctx, q, `INSERT INTO news_issues (public_id, lang, subject, intro, articles, status, cursor_id, total, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'draft', 0, 0, ?, ?, ?) RETURNING id`,
		is.PublicID, is.Lang, is.Subject, is.Intro, strings.Join(is.Articles, " "), by, now, now)
	if err != nil {
		return err
	}
	is.ID, is.CreatedAt = id, now
	return nil
}

const issueCols = `id, public_id, lang, subject, intro, articles, status, total, created_at, sent_at`

func scanIssue(row interface{ Scan(...any) error }) (*Issue, error) {
	is := &Issue{}
	var arts string
	var sent sql.NullTime
	if err := row.Scan(&is.ID, &is.PublicID, &is.Lang, &is.Subject, &is.Intro, &arts, &is.Status, &is.Total, &is.CreatedAt, &sent); err != nil {
		return nil, err
	}
	is.Articles = strings.Fields(arts)
	if sent.Valid {
		is.SentAt = &sent.Time
	}
	return is, nil
}

func issueByPID(ctx context.Context, q db.Querier, pid string) (*Issue, error) {
	is, err := scanIssue(q.QueryRowContext(ctx, `SELECT `+issueCols+` FROM news_issues WHERE public_id = ?`, pid))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, refuse.ErrNotFound
	}
	return is, err
}

// latestIssues are the newest n issues, in one query.
func latestIssues(ctx context.Context, q db.Querier, n int) ([]*Issue, error) {
	rs, err := q.QueryContext(ctx, `SELECT `+issueCols+` FROM news_issues ORDER BY id DESC LIMIT ?`, n)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []*Issue
	for rs.Next() {
		is, err := scanIssue(rs)
		if err != nil {
			return nil, err
		}
		out = append(out, is)
	}
	return out, rs.Err()
}

// markSending moves a draft issue to sending with its frozen template and
// recipient count; false when it was no longer a draft.
func markSending(ctx context.Context, q db.Querier, id, templateID int64, total int, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, `UPDATE news_issues SET status = 'sending', template_id = ?, total = ?, updated_at = ? WHERE id = ? AND status = 'draft'`, templateID, total, now, id)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// sendJob is an issue being sent and how far it got.
type sendJob struct {
	id     int64
	pid    string
	lang   string
	tid    int64
	cursor int64
}

func sendingIssues(ctx context.Context, q db.Querier) ([]sendJob, error) {
	rs, err := q.QueryContext(ctx, `SELECT id, public_id, lang, template_id, cursor_id FROM news_issues WHERE status = 'sending' ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var jobs []sendJob
	for rs.Next() {
		var j sendJob
		if err := rs.Scan(&j.id, &j.pid, &j.lang, &j.tid, &j.cursor); err != nil {
			return nil, err
		}
		jobs = append(jobs, j)
	}
	return jobs, rs.Err()
}

// recipient is a confirmed subscriber an issue goes to.
type recipient struct {
	id              int64
	pid, email, tok string
}

func nextRecipients(ctx context.Context, q db.Querier, j sendJob, n int) ([]recipient, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, public_id, email, unsub_token FROM news_subscribers WHERE status = 'confirmed' AND lang = ? AND id > ? ORDER BY id LIMIT ?`, j.lang, j.cursor, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var rc []recipient
	for rows.Next() {
		var r recipient
		if err := rows.Scan(&r.id, &r.pid, &r.email, &r.tok); err != nil {
			return nil, err
		}
		rc = append(rc, r)
	}
	return rc, rows.Err()
}

func markSent(ctx context.Context, q db.Querier, id int64, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE news_issues SET status = 'sent', sent_at = ?, updated_at = ? WHERE id = ?`, now, now, id)
	return err
}

func moveCursor(ctx context.Context, q db.Querier, id, cursor int64, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE news_issues SET cursor_id = ?, updated_at = ? WHERE id = ?`, cursor, now, id)
	return err
}
