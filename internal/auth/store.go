package auth

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/refuse"
)

// Account states.
const (
	StatusActive   = "active"
	StatusDisabled = "disabled"
)

// User is a person with an account.
type User struct {
	ID        int64
	PublicID  string
	Email     string
	Name      string
	Locale    string
	Status    string
	CreatedAt time.Time
	Grants    []Grant
}

// DisplayName is shown in the header.
func (u *User) DisplayName() string { return u.Name }

// IsAdmin reports a global administrator.
func (u *User) IsAdmin() bool { return u.Has(RoleAdmin, ScopeGlobal, "") }

// PreferredLocale is the locale the person chose, or "".
func (u *User) PreferredLocale() string { return u.Locale }

// Has reports whether u holds role in the given scope.
func (u *User) Has(r Role, scopeKind, scopeRef string) bool {
	for _, g := range u.Grants {
		if g.Role == r && g.ScopeKind == scopeKind && g.ScopeRef == scopeRef {
			return true
		}
	}
	return false
}

// LSGs returns the codes of the LSGs where u is coordinator or staff.
func (u *User) LSGs() []string {
	var out []string
	for _, g := range u.Grants {
		if g.ScopeKind == ScopeLSG && (g.Role == RoleLSGCoordinator || g.Role == RoleLSGStaff) {
			out = append(out, g.ScopeRef)
		}
	}
	return out
}

// store is the SQL of the auth package.
type store struct{}

func hashToken(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

const userColumns = `id, public_id, email, display_name, locale, status, created_at`

func scanUser(row interface{ Scan(...any) error }, u *User) error {
	return row.Scan(&u.ID, &u.PublicID, &u.Email, &u.Name, &u.Locale, &u.Status, &u.CreatedAt)
}

func (store) userByEmail(ctx context.Context, q db.Querier, email string) (*User, string, error) {
	var u User
	var hash string
	row := q.QueryRowContext(ctx, `SELECT `+userColumns+`, password_hash FROM users WHERE email = ? AND deleted_at IS NULL`, email)
	if err := row.Scan(&u.ID, &u.PublicID, &u.Email, &u.Name, &u.Locale, &u.Status, &u.CreatedAt, &hash); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, "", refuse.ErrNotFound
		}
		return nil, "", fmt.Errorf("auth.userByEmail: %w", err)
	}
	return &u, hash, nil
}

func (s store) userByID(ctx context.Context, q db.Querier, id int64) (*User, string, error) {
	var u User
	var hash string
	row := q.QueryRowContext(ctx, `SELECT `+userColumns+`, password_hash FROM users WHERE id = ? AND deleted_at IS NULL`, id)
	if err := row.Scan(&u.ID, &u.PublicID, &u.Email, &u.Name, &u.Locale, &u.Status, &u.CreatedAt, &hash); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, "", refuse.ErrNotFound
		}
		return nil, "", fmt.Errorf("auth.userByID(%d): %w", id, err)
	}
	return &u, hash, nil
}

func (store) userByPublicID(ctx context.Context, q db.Querier, pid string) (*User, error) {
	var u User
	row := q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE public_id = ? AND deleted_at IS NULL`, pid)
	if err := scanUser(row, &u); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, refuse.ErrNotFound
		}
		return nil, fmt.Errorf("auth.userByPublicID(%q): %w", pid, err)
	}
	return &u, nil
}

// insertUser writes a new account; confirmed says whether its e-mail
// address counts as confirmed already (the CLI, demo loaders, tests) or
// waits for the mailed link (public sign-up).
func (store) insertUser(ctx context.Context, q db.Querier, u *User, hash string, confirmed bool) error {
	now := db.Now()
	var confirmedAt any
	if confirmed {
		confirmedAt = now
	}
	id, err := db.InsertID(ctx, q, `INSERT INTO users (public_id, email, display_name, password_hash, locale, status, email_confirmed_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		u.PublicID, u.Email, u.Name, hash, u.Locale, u.Status, confirmedAt, now, now)
	if err != nil {
		if db.IsUniqueViolation(err) {
			return refuse.ErrConflict
		}
		return fmt.Errorf("auth.insertUser: %w", err)
	}
	u.ID, u.CreatedAt = id, now
	return nil
}

func (store) setPassword(ctx context.Context, q db.Querier, userID int64, hash string) error {
	_, err := q.ExecContext(ctx, `UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`, hash, db.Now(), userID)
	if err != nil {
		return fmt.Errorf("auth.setPassword: %w", err)
	}
	return nil
}

func (store) setProfile(ctx context.Context, q db.Querier, userID int64, name, locale string) error {
	_, err := q.ExecContext(ctx, `UPDATE users SET display_name = ?, locale = ?, updated_at = ? WHERE id = ?`, name, locale, db.Now(), userID)
	if err != nil {
		return fmt.Errorf("auth.setProfile: %w", err)
	}
	return nil
}

func (store) setStatus(ctx context.Context, q db.Querier, userID int64, status string) error {
	_, err := q.ExecContext(ctx, `UPDATE users SET status = ?, updated_at = ? WHERE id = ?`, status, db.Now(), userID)
	if err != nil {
		return fmt.Errorf("auth.setStatus: %w", err)
	}
	return nil
}

func (store) grants(ctx context.Context, q db.Querier, userID int64) ([]Grant, error) {
	rows, err := q.QueryContext(ctx, `SELECT role, scope_kind, scope_ref FROM role_grants WHERE user_id = ? ORDER BY role, scope_ref`, userID)
	if err != nil {
		return nil, fmt.Errorf("auth.grants: %w", err)
	}
	defer rows.Close()
	var out []Grant
	for rows.Next() {
		var g Grant
		if err := rows.Scan(&g.Role, &g.ScopeKind, &g.ScopeRef); err != nil {
			return nil, fmt.Errorf("auth.grants: scan: %w", err)
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

func (store) insertGrant(ctx context.Context, q db.Querier, userID int64, g Grant, by int64) error {
	now := db.Now()
	var grantedBy any
	if by != 0 {
		grantedBy = by
	}
	_, err := q.ExecContext(ctx, `INSERT INTO role_grants (user_id, role, scope_kind, scope_ref, granted_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		userID, string(g.Role), g.ScopeKind, g.ScopeRef, grantedBy, now, now)
	if err != nil {
		if db.IsUniqueViolation(err) {
			return refuse.ErrConflict
		}
		return fmt.Errorf("auth.insertGrant: %w", err)
	}
	return nil
}

func (store) deleteGrant(ctx context.Context, q db.Querier, userID int64, g Grant) (bool, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM role_grants WHERE user_id = ? AND role = ? AND scope_kind = ? AND scope_ref = ?`, userID, string(g.Role), g.ScopeKind, g.ScopeRef)
	if err != nil {
		return false, fmt.Errorf("auth.deleteGrant: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// UserRow is a user in the administration list.
type UserRow struct {
	User
	LastSeen *time.Time
}

func (s store) listUsers(ctx context.Context, q db.Querier, search string, limit, offset int) ([]User, int, error) {
	like := "%" + strings.ToLower(search) + "%"
	var total int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE deleted_at IS NULL AND (? = '' OR LOWER(email) LIKE ? OR LOWER(display_name) LIKE ?)`, search, like, like).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("auth.listUsers: count: %w", err)
	}
	rows, err := q.QueryContext(ctx, `SELECT `+userColumns+` FROM users WHERE deleted_at IS NULL AND (? = '' OR LOWER(email) LIKE ? OR LOWER(display_name) LIKE ?) ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`, search, like, like, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("auth.listUsers: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		var u User
		if err := scanUser(rows, &u); err != nil {
			return nil, 0, fmt.Errorf("auth.listUsers: scan: %w", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("auth.listUsers: %w", err)
	}
	for i := range out {
		if out[i].Grants, err = s.grants(ctx, q, out[i].ID); err != nil {
			return nil, 0, err
		}
	}
	return out, total, nil
}

// session is a row of the sessions table.
type session struct {
	ID        string // hash of the cookie token
	UserID    int64
	CSRFToken string
	ExpiresAt time.Time
	LastSeen  time.Time
	CreatedAt time.Time
}

// expiry is when a signed-in session ends if no request comes: for staff
// 12 hours after it began; for citizens 7 days after the last request, and
// never later than 30 days after it began.
func expiry(u *User, created, now time.Time) time.Time {
	if len(u.Grants) > 0 {
		return absoluteEnd(u, created)
	}
	return minTime(now.Add(CitizenIdleLifetime), absoluteEnd(u, created))
}

// absoluteEnd is the latest a signed-in session may last, however active.
func absoluteEnd(u *User, created time.Time) time.Time {
	if len(u.Grants) > 0 {
		return created.Add(StaffSessionLifetime)
	}
	return created.Add(CitizenSessionLifetime)
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func (store) insertSession(ctx context.Context, q db.Querier, s session, ip, ua string) error {
	now := db.Now()
	var uid any
	if s.UserID != 0 {
		uid = s.UserID
	}
	_, err := q.ExecContext(ctx, `INSERT INTO sessions (id, user_id, csrf_token, created_at, expires_at, last_seen_at, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ID, uid, s.CSRFToken, now, db.Time(s.ExpiresAt), now, ip, truncate(ua, 300))
	if err != nil {
		return fmt.Errorf("auth.insertSession: %w", err)
	}
	return nil
}

// sessionWithUser loads a session, its signed-in user (when the user exists,
// is not deleted) and the user's grants in one query: every request with a
// session cookie runs it, and three round trips were a quarter of the CPU of a
// signed-in request under load. u is nil for an anonymous session or a
// deleted user; the caller checks u.Status.
func (store) sessionWithUser(ctx context.Context, q db.Querier, id string) (*session, *User, error) {
	rows, err := q.QueryContext(ctx, `SELECT s.id, s.user_id, s.csrf_token, s.expires_at, s.last_seen_at, s.created_at,
		u.id, u.public_id, u.email, u.display_name, u.locale, u.status, u.created_at,
		g.role, g.scope_kind, g.scope_ref
		FROM sessions s
		LEFT JOIN users u ON u.id = s.user_id AND u.deleted_at IS NULL
		LEFT JOIN role_grants g ON g.user_id = u.id
		WHERE s.id = ? AND s.expires_at > ?
		ORDER BY g.role, g.scope_ref`, id, db.Now())
	if err != nil {
		return nil, nil, fmt.Errorf("auth.sessionWithUser: %w", err)
	}
	defer rows.Close()
	var (
		s *session
		u *User
	)
	for rows.Next() {
		var (
			cur                              session
			sessUID, userID                  sql.NullInt64
			pid, email, name, locale, status sql.NullString
			created                          sql.Null[time.Time]
			role, scopeKind, scopeRef        sql.NullString
		)
		if err := rows.Scan(&cur.ID, &sessUID, &cur.CSRFToken, &cur.ExpiresAt, &cur.LastSeen, &cur.CreatedAt,
			&userID, &pid, &email, &name, &locale, &status, &created,
			&role, &scopeKind, &scopeRef); err != nil {
			return nil, nil, fmt.Errorf("auth.sessionWithUser: scan: %w", err)
		}
		if s == nil {
			cur.UserID = sessUID.Int64
			s = &cur
			if userID.Valid {
				u = &User{ID: userID.Int64, PublicID: pid.String, Email: email.String, Name: name.String,
					Locale: locale.String, Status: status.String, CreatedAt: created.V}
			}
		}
		if u != nil && role.Valid {
			u.Grants = append(u.Grants, Grant{Role: Role(role.String), ScopeKind: scopeKind.String, ScopeRef: scopeRef.String})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("auth.sessionWithUser: %w", err)
	}
	if s == nil {
		return nil, nil, refuse.ErrNotFound
	}
	return s, u, nil
}

func (store) touchSession(ctx context.Context, q db.Querier, id string, expires time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id = ?`, db.Now(), db.Time(expires), id)
	if err != nil {
		return fmt.Errorf("auth.touchSession: %w", err)
	}
	return nil
}

func (store) deleteSession(ctx context.Context, q db.Querier, id string) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM sessions WHERE id = ?`, id); err != nil {
		return fmt.Errorf("auth.deleteSession: %w", err)
	}
	return nil
}

func (store) deleteUserSessions(ctx context.Context, q db.Querier, userID int64, except string) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ? AND id <> ?`, userID, except); err != nil {
		return fmt.Errorf("auth.deleteUserSessions: %w", err)
	}
	return nil
}

func (store) deleteExpiredSessions(ctx context.Context, q db.Querier) (int64, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, db.Now())
	if err != nil {
		return 0, fmt.Errorf("auth.deleteExpiredSessions: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

func (store) deleteStaleRateLimits(ctx context.Context, q db.Querier, older time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM rate_limits WHERE window_start < ?`, db.Time(older))
	if err != nil {
		return 0, fmt.Errorf("auth.deleteStaleRateLimits: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

func (store) insertReset(ctx context.Context, q db.Querier, tokenHash string, userID int64, expires time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`, tokenHash, userID, db.Now(), db.Time(expires))
	if err != nil {
		return fmt.Errorf("auth.insertReset: %w", err)
	}
	return nil
}

// invalidateResets marks every unused reset token of a user used.
func (store) invalidateResets(ctx context.Context, q db.Querier, userID int64) error {
	if _, err := q.ExecContext(ctx, `UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL`, db.Now(), userID); err != nil {
		return fmt.Errorf("auth.invalidateResets: %w", err)
	}
	return nil
}

// useReset marks a valid reset token used and returns its user.
func (store) useReset(ctx context.Context, q db.Querier, tokenHash string) (int64, error) {
	var uid int64
	err := q.QueryRowContext(ctx, `UPDATE password_resets SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING user_id`, db.Now(), tokenHash, db.Now()).Scan(&uid)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return 0, refuse.ErrNotFound
		}
		return 0, fmt.Errorf("auth.useReset: %w", err)
	}
	return uid, nil
}

func (store) resetValid(ctx context.Context, q db.Querier, tokenHash string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM password_resets WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?`, tokenHash, db.Now()).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("auth.resetValid: %w", err)
	}
	return n > 0, nil
}

// hit counts one attempt against key in a fixed window and returns the
// attempts so far in the current window.
func (store) hit(ctx context.Context, q db.Querier, key string, window time.Duration) (int, error) {
	now := db.Now()
	cutoff := now.Add(-window)
	var hits int
	err := q.QueryRowContext(ctx, `INSERT INTO rate_limits (key, window_start, hits) VALUES (?, ?, 1)
ON CONFLICT (key) DO UPDATE SET
  hits = CASE WHEN rate_limits.window_start <= ? THEN 1 ELSE rate_limits.hits + 1 END,
  window_start = CASE WHEN rate_limits.window_start <= ? THEN excluded.window_start ELSE rate_limits.window_start END
RETURNING hits`, key, now, cutoff, cutoff).Scan(&hits)
	if err != nil {
		return 0, fmt.Errorf("auth.hit(%q): %w", key, err)
	}
	return hits, nil
}

func (store) hits(ctx context.Context, q db.Querier, key string, window time.Duration) (int, error) {
	var hits int
	err := q.QueryRowContext(ctx, `SELECT hits FROM rate_limits WHERE key = ? AND window_start > ?`, key, db.Now().Add(-window)).Scan(&hits)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("auth.hits(%q): %w", key, err)
	}
	return hits, nil
}

func (store) clearHits(ctx context.Context, q db.Querier, key string) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM rate_limits WHERE key = ?`, key); err != nil {
		return fmt.Errorf("auth.clearHits: %w", err)
	}
	return nil
}

// Organisation is a CSO, an LSG administration or a donor.
type Organisation struct {
	ID        int64
	PublicID  string
	Slug      string
	Kind      string // "cso", "lsg", "donor"
	Name      string
	PlaceCode string
	Website   string
	Members   int
}

func (store) insertOrganisation(ctx context.Context, q db.Querier, o *Organisation) error {
	now := db.Now()
	id, err := db.InsertID(ctx, q, `INSERT INTO organisations (public_id, slug, kind, name, place_code, website, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		o.PublicID, o.Slug, o.Kind, o.Name, o.PlaceCode, o.Website, now, now)
	if err != nil {
		if db.IsUniqueViolation(err) {
			return refuse.ErrConflict
		}
		return fmt.Errorf("auth.insertOrganisation: %w", err)
	}
	o.ID = id
	return nil
}

func (store) organisationByPublicID(ctx context.Context, q db.Querier, pid string) (*Organisation, error) {
	var o Organisation
	err := q.QueryRowContext(ctx, `SELECT id, public_id, slug, kind, name, place_code, website FROM organisations WHERE public_id = ? AND deleted_at IS NULL`, pid).
		Scan(&o.ID, &o.PublicID, &o.Slug, &o.Kind, &o.Name, &o.PlaceCode, &o.Website)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, refuse.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("auth.organisationByPublicID: %w", err)
	}
	return &o, nil
}

func (store) listOrganisations(ctx context.Context, q db.Querier, kind string) ([]Organisation, error) {
	rows, err := q.QueryContext(ctx, `SELECT o.id, o.public_id, o.slug, o.kind, o.name, o.place_code, o.website,
  (SELECT COUNT(*) FROM memberships m WHERE m.organisation_id = o.id)
FROM organisations o WHERE o.deleted_at IS NULL AND (? = '' OR o.kind = ?) ORDER BY o.name`, kind, kind)
	if err != nil {
		return nil, fmt.Errorf("auth.listOrganisations: %w", err)
	}
	defer rows.Close()
	var out []Organisation
	for rows.Next() {
		var o Organisation
		if err := rows.Scan(&o.ID, &o.PublicID, &o.Slug, &o.Kind, &o.Name, &o.PlaceCode, &o.Website, &o.Members); err != nil {
			return nil, fmt.Errorf("auth.listOrganisations: scan: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

func (store) insertMembership(ctx context.Context, q db.Querier, orgID, userID int64) error {
	now := db.Now()
	_, err := q.ExecContext(ctx, `INSERT INTO memberships (organisation_id, user_id, created_at, updated_at) VALUES (?, ?, ?, ?)`, orgID, userID, now, now)
	if err != nil {
		if db.IsUniqueViolation(err) {
			return refuse.ErrConflict
		}
		return fmt.Errorf("auth.insertMembership: %w", err)
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
