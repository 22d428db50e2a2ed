// Package audit keeps the append-only log of who changed what: accounts,
// roles, organisations and, later, every domain's records.
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/dijalog/dijalog/internal/db"
)

// Entry is one audited change.
type Entry struct {
	ID         int64
	At         time.Time
	ActorID    int64 // 0 for the system or an anonymous person
	ActorName  string
	Action     string // "user.register", "role.grant", ...
	ObjectKind string // "user", "organisation", ...
	ObjectRef  string // the object's public id or code
	Details    map[string]string
	IP         string
}

// Record appends e inside the caller's transaction (or on the database), so
// the log entry commits or rolls back with the change it describes.
func Record(ctx context.Context, q db.Querier, e Entry) error {
	args, err := e.args()
	if err != nil {
		return fmt.Errorf("audit.Record: %w", err)
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO audit_log (at, actor_id, action, object_kind, object_ref, details, ip) VALUES (?, ?, ?, ?, ?, ?, ?)`, args...); err != nil {
		return fmt.Errorf("audit.Record(%s %s): %w", e.Action, e.ObjectRef, err)
	}
	return nil
}

// RecordMany appends es inside the caller's transaction with one
// statement per 500 entries (for bulk writes: an import records an entry
// per record it writes).
func RecordMany(ctx context.Context, q db.Querier, es []Entry) error {
	const chunk = 500 // 7 parameters a row, far below PostgreSQL's 65,535
	for len(es) > 0 {
		n := min(len(es), chunk)
		var sb strings.Builder
		args := make([]any, 0, 7*n)
		sb.WriteString(`INSERT INTO audit_log (at, actor_id, action, object_kind, object_ref, details, ip) VALUES `)
		for i, e := range es[:n] {
			row, err := e.args()
			if err != nil {
				return err
			}
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString("(?, ?, ?, ?, ?, ?, ?)")
			args = append(args, row...)
		}
		if _, err := q.ExecContext(ctx, sb.String(), args...); err != nil {
			return fmt.Errorf("audit.RecordMany(%d entries): %w", n, err)
		}
		es = es[n:]
	}
	return nil
}

// args are the column values of e, as Record and RecordMany insert them.
func (e Entry) args() ([]any, error) {
	details := "{}"
	if len(e.Details) > 0 {
		b, err := json.Marshal(e.Details)
		if err != nil {
			return nil, fmt.Errorf("audit: details of %s %s: %w", e.Action, e.ObjectRef, err)
		}
		details = string(b)
	}
	at := e.At
	if at.IsZero() {
		at = db.Now()
	}
	var actor any
	if e.ActorID != 0 {
		actor = e.ActorID
	}
	return []any{db.Time(at), actor, e.Action, e.ObjectKind, e.ObjectRef, details, e.IP}, nil
}

// Filter narrows List.
type Filter struct {
	ObjectKind string
	ObjectRef  string
	Limit      int
	BeforeID   int64 // for paging: entries older than this id
}

// List returns entries newest first, with the actor's display name.
func List(ctx context.Context, q db.Querier, f Filter) ([]Entry, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	query := `SELECT a.id, a.at, COALESCE(a.actor_id, 0), COALESCE(u.display_name, ''), a.action, a.object_kind, a.object_ref, a.details, a.ip
FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
WHERE (? = '' OR a.object_kind = ?) AND (? = '' OR a.object_ref = ?) AND (? = 0 OR a.id < ?)
ORDER BY a.id DESC LIMIT ?`
	rows, err := q.QueryContext(ctx, query, f.ObjectKind, f.ObjectKind, f.ObjectRef, f.ObjectRef, f.BeforeID, f.BeforeID, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("audit.List: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var details string
		if err := rows.Scan(&e.ID, &e.At, &e.ActorID, &e.ActorName, &e.Action, &e.ObjectKind, &e.ObjectRef, &details, &e.IP); err != nil {
			return nil, fmt.Errorf("audit.List: scan: %w", err)
		}
		_ = json.Unmarshal([]byte(details), &e.Details)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit.List: %w", err)
	}
	return out, nil
}
