package dialogue

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/money"
	"github.com/dijalog/dijalog/internal/refuse"
)

// InitiativeInput is the initiative form.
type InitiativeInput struct {
	Title, Problem, Solution string
	LSG, LocalCommunity      string
	PriorityID               int64
	Cost, Currency           string // as typed: "4.500,00", "BAM"
	Submit                   bool   // submit now instead of keeping a draft
}

// CreateInitiative creates an initiative by u on p (any signed-in person).
func (s *Service) CreateInitiative(ctx context.Context, u *auth.User, p *Platform, in InitiativeInput, m Meta) (*Initiative, error) {
	if !auth.Can(u, auth.ActParticipate, auth.Object{}) {
		return nil, refuse.ErrForbidden
	}
	x := &Initiative{PlatformID: p.ID, PlatformSlug: p.Slug, PlatformName: p.Name, AuthorID: u.ID, AuthorName: u.Name, State: StateDraft}
	fe := x.fill(p, in)
	if in.PriorityID != 0 {
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM dlg_priorities WHERE id = ? AND platform_id = ?`, in.PriorityID, p.ID).Scan(&n); err != nil {
			return nil, wrap("CreateInitiative", err)
		}
		if n == 0 {
			fe["priority"] = "dialogue.priority.unknown"
		}
		x.PriorityID = in.PriorityID
	}
	if len(fe) > 0 {
		return nil, fe
	}
	x.PublicID = newPID()
	now := s.now()
	x.CreatedAt, x.UpdatedAt = now, now
	var prio any
	if x.PriorityID != 0 {
		prio = x.PriorityID
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		id, err := db.InsertID(ctx, tx, `INSERT INTO dlg_initiatives (public_id, platform_id, author_id, lsg_code, local_community, priority_id, title, problem, solution, cost_minor, currency, state, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?) RETURNING id`, x.PublicID, p.ID, u.ID, x.LSG, x.LocalCommunity, prio, x.Title, x.Problem, x.Solution, x.Cost.Minor, x.Cost.Currency, now, now)
		if err != nil {
			return err
		}
		x.ID = id
		if err := s.event(ctx, tx, u, x, "", StateDraft, "", m); err != nil {
			return err
		}
		if in.Submit {
			return s.move(ctx, tx, u, x, StateSubmitted, "", 0, m)
		}
		return nil
	})
	if err != nil {
		return nil, wrap("CreateInitiative", err)
	}
	return x, nil
}

// fill sets x's fields from the form in and returns what is wrong with it.
func (x *Initiative) fill(p *Platform, in InitiativeInput) FieldErrors {
	fe := FieldErrors{}
	var k string
	if x.Title, k = cleanLine(in.Title, 200, true); k != "" {
		fe["title"] = k
	}
	if x.Problem, k = cleanLine(in.Problem, 5000, true); k != "" {
		fe["problem"] = k
	}
	if x.Solution, k = cleanLine(in.Solution, 5000, true); k != "" {
		fe["solution"] = k
	}
	if x.LocalCommunity, k = cleanLine(in.LocalCommunity, 200, false); k != "" {
		fe["local_community"] = k
	}
	x.LSG = in.LSG
	if len(p.LSGs) == 1 && x.LSG == "" {
		x.LSG = p.LSGs[0]
	}
	if !p.HasLSG(x.LSG) {
		fe["lsg"] = "dialogue.lsg.not_on_platform"
	}
	if x.Cost, k = costOf(in.Cost, in.Currency); k != "" {
		fe["cost"] = k
	}
	return fe
}

// costOf reads an initiative's estimated cost as typed: optional (zero),
// in BAM unless another currency is named.
func costOf(s, cur string) (money.Amount, string) {
	cur = strings.ToUpper(strings.TrimSpace(cur))
	if cur == "" {
		cur = "BAM"
	}
	if !money.Valid(cur) {
		return money.Amount{}, "dialogue.currency.invalid"
	}
	if strings.TrimSpace(s) == "" {
		return money.New(0, cur), ""
	}
	a, err := money.Parse(s, cur)
	if err != nil || a.Minor < 0 || a.Minor > 1e13 {
		return a, "dialogue.amount.invalid"
	}
	return a, ""
}

func (s *Service) event(ctx context.Context, tx *db.Tx, u *auth.User, x *Initiative, from, to, note string, m Meta) error {
	now := s.now()
	id, err := db.InsertID(ctx, tx, `INSERT INTO dlg_initiative_events (initiative_id, actor_id, from_state, to_state, note, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		x.ID, actorID(u), from, to, note, now, now)
	if err != nil {
		return err
	}
	d := map[string]string{"from": from, "to": to}
	if note != "" {
		d["note"] = note
	}
	if err := record(ctx, tx, u, "dialogue.initiative."+to, "initiative", x.PublicID, d, m); err != nil {
		return err
	}
	return s.notify(ctx, tx, u, x, "event:"+strconv.FormatInt(id, 10), "state", note, 0)
}

// move changes x's state inside tx: the row must still be in x.State.
func (s *Service) move(ctx context.Context, tx *db.Tx, u *auth.User, x *Initiative, to, reason string, meetingID int64, m Meta) error {
	var mid any
	if meetingID != 0 {
		mid = meetingID
	}
	res, err := tx.ExecContext(ctx, `UPDATE dlg_initiatives SET state = ?, reason = CASE WHEN ? = '' THEN reason ELSE ? END, meeting_id = COALESCE(?, meeting_id), updated_at = ? WHERE id = ? AND state = ?`,
		to, reason, reason, mid, s.now(), x.ID, x.State)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return refuse.ErrConflict
	}
	from := x.State
	x.State = to
	if reason != "" {
		x.Reason = reason
	}
	return s.event(ctx, tx, u, x, from, to, reason, m)
}

// Allowed lists the states u may move x to now.
func (s *Service) Allowed(ctx context.Context, u *auth.User, p *Platform, x *Initiative) []string {
	if u == nil {
		return nil
	}
	manage := s.CanManage(ctx, u, p)
	finance := CanFinance(u, p)
	var out []string
	for _, to := range States() {
		who, ok := transitions[x.State][to]
		if !ok {
			continue
		}
		if who == byAuthor && u.ID == x.AuthorID || who == byManager && manage || who == byFinance && finance {
			out = append(out, to)
		}
	}
	return out
}

// Transition moves an initiative to another state: reason is required for
// not admissible and rejected; meetingPID for selected (the decision is
// recorded at that meeting); co-financed needs a financing plan.
func (s *Service) Transition(ctx context.Context, u *auth.User, p *Platform, x *Initiative, to, reason, meetingPID string, m Meta) error {
	allowed := false
	for _, st := range s.Allowed(ctx, u, p, x) {
		allowed = allowed || st == to
	}
	if !allowed {
		if _, ok := transitions[x.State][to]; ok {
			return refuse.ErrForbidden
		}
		return ErrBadTransition
	}
	reason, k := cleanLine(reason, 1000, NeedsReason(to))
	if k != "" {
		return FieldErrors{"reason": k}
	}
	var meetingID int64
	if to == StateSelected {
		if meetingPID == "" {
			return FieldErrors{"meeting": "dialogue.meeting.required"}
		}
		err := s.db.QueryRowContext(ctx, `SELECT id FROM dlg_meetings WHERE public_id = ? AND platform_id = ?`, meetingPID, p.ID).Scan(&meetingID)
		if errors.Is(err, sql.ErrNoRows) {
			return FieldErrors{"meeting": "dialogue.meeting.required"}
		}
		if err != nil {
			return wrap("Transition", err)
		}
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		if to == StateCofinanced {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM dlg_shares WHERE initiative_id = ?`, x.ID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return FieldErrors{"state": "dialogue.financing.required"}
			}
		}
		if to == StateSelected {
			now := s.now()
			text := x.Title
			if reason != "" {
				text += ": " + reason
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO dlg_decisions (meeting_id, initiative_id, text, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`, meetingID, x.ID, text, now, now); err != nil {
				return err
			}
		}
		return s.move(ctx, tx, u, x, to, reason, meetingID, m)
	})
	if err == nil {
		s.kick()
	}
	return wrap("Transition", err)
}

const selectInitiative = `SELECT i.id, i.public_id, i.platform_id, p.slug, p.name, i.author_id, u.display_name, i.lsg_code, i.local_community,
 COALESCE(i.priority_id, 0), COALESCE(pr.name, ''), i.title, i.problem, i.solution, i.cost_minor, i.currency, i.state, i.reason, i.supports,
 COALESCE(mt.public_id, ''), COALESCE(mt.title, ''), i.created_at, i.updated_at
FROM dlg_initiatives i JOIN dlg_platforms p ON p.id = i.platform_id JOIN users u ON u.id = i.author_id
LEFT JOIN dlg_priorities pr ON pr.id = i.priority_id LEFT JOIN dlg_meetings mt ON mt.id = i.meeting_id`

func scanInitiative(row interface{ Scan(...any) error }) (*Initiative, error) {
	x := &Initiative{}
	var minor int64
	var cur string
	if err := row.Scan(&x.ID, &x.PublicID, &x.PlatformID, &x.PlatformSlug, &x.PlatformName, &x.AuthorID, &x.AuthorName, &x.LSG, &x.LocalCommunity,
		&x.PriorityID, &x.PriorityName, &x.Title, &x.Problem, &x.Solution, &minor, &cur, &x.State, &x.Reason, &x.Supports,
		&x.MeetingPID, &x.MeetingTitle, &x.CreatedAt, &x.UpdatedAt); err != nil {
		return nil, err
	}
	x.Cost = money.New(minor, cur)
	return x, nil
}

// Initiative returns an initiative by public id.
func (s *Service) Initiative(ctx context.Context, pid string) (*Initiative, error) {
	if len(pid) > 40 {
		return nil, refuse.ErrNotFound
	}
	x, err := scanInitiative(s.db.QueryRowContext(ctx, selectInitiative+` WHERE i.public_id = ?`, pid))
	return x, wrap("Initiative", notFound(err))
}

// prefixed scans extra columns that come before a row's usual ones.
type prefixed struct {
	row   interface{ Scan(...any) error }
	extra []any
}

func (p prefixed) Scan(dest ...any) error { return p.row.Scan(append(p.extra, dest...)...) }

// InitiativeAndPlatform returns an initiative by public id with its
// platform, in one query (the platform's LSGs come from the cache).
func (s *Service) InitiativeAndPlatform(ctx context.Context, pid string) (*Initiative, *Platform, error) {
	if len(pid) > 40 {
		return nil, nil, refuse.ErrNotFound
	}
	p := &Platform{}
	var rv int
	row := s.db.QueryRowContext(ctx, `SELECT p.description, p.requires_verification, p.created_at, `+strings.TrimPrefix(selectInitiative, "SELECT ")+` WHERE i.public_id = ?`, pid)
	x, err := scanInitiative(prefixed{row: row, extra: []any{&p.Description, &rv, &p.CreatedAt}})
	if err != nil {
		return nil, nil, wrap("InitiativeAndPlatform", notFound(err))
	}
	p.ID, p.Slug, p.Name, p.RequiresVerification = x.PlatformID, x.PlatformSlug, x.PlatformName, rv == 1
	if err := s.loadLSGs(ctx, s.db, []*Platform{p}); err != nil {
		return nil, nil, wrap("InitiativeAndPlatform", err)
	}
	return x, p, nil
}

// Visible reports whether u may see x: drafts only by their author and the
// platform's managers.
func (s *Service) Visible(ctx context.Context, u *auth.User, p *Platform, x *Initiative) bool {
	if x.State != StateDraft {
		return true
	}
	return u != nil && (u.ID == x.AuthorID || s.CanManage(ctx, u, p))
}

// InitiativeFilter narrows Initiatives.
type InitiativeFilter struct {
	PlatformID int64
	State      string
	AuthorID   int64 // with drafts of this author
	Limit      int
}

// Initiatives lists initiatives, newest first; drafts only of AuthorID.
func (s *Service) Initiatives(ctx context.Context, f InitiativeFilter) ([]Initiative, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 200
	}
	rows, err := s.db.QueryContext(ctx, selectInitiative+` WHERE (? = 0 OR i.platform_id = ?) AND (? = '' OR i.state = ?) AND (i.state <> 'draft' OR i.author_id = ?)
ORDER BY i.updated_at DESC, i.id DESC LIMIT ?`, f.PlatformID, f.PlatformID, f.State, f.State, f.AuthorID, f.Limit)
	if err != nil {
		return nil, wrap("Initiatives", err)
	}
	defer rows.Close()
	var out []Initiative
	for rows.Next() {
		x, err := scanInitiative(rows)
		if err != nil {
			return nil, wrap("Initiatives", err)
		}
		out = append(out, *x)
	}
	return out, wrap("Initiatives", rows.Err())
}

// Timeline is an initiative's public history, oldest first.
func (s *Service) Timeline(ctx context.Context, x *Initiative) ([]Event, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT e.created_at, COALESCE(u.display_name, ''), e.from_state, e.to_state, e.note
FROM dlg_initiative_events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.initiative_id = ? ORDER BY e.id`, x.ID)
	if err != nil {
		return nil, wrap("Timeline", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		if err := rows.Scan(&e.At, &e.ActorName, &e.From, &e.To, &e.Note); err != nil {
			return nil, wrap("Timeline", err)
		}
		out = append(out, e)
	}
	return out, wrap("Timeline", rows.Err())
}

// ---- supports ----

// CanSupport reports whether u may support initiatives of p: signed in and,
// when the platform requires it, a verified resident of one of its LSGs.
func (s *Service) CanSupport(ctx context.Context, q db.Querier, u *auth.User, p *Platform) error {
	if !auth.Can(u, auth.ActParticipate, auth.Object{}) {
		return refuse.ErrForbidden
	}
	if !p.RequiresVerification {
		return nil
	}
	ok, err := s.verifiedIn(ctx, q, u.ID, p.LSGs)
	if err != nil {
		return err
	}
	if !ok {
		return ErrVerificationRequired
	}
	return nil
}

func (s *Service) verifiedIn(ctx context.Context, q db.Querier, userID int64, lsgs []string) (bool, error) {
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

// Support records u's support of x. The unique constraint on (initiative,
// person) refuses a second support (ErrAlreadySupported); the counter is
// raised in the same transaction, and only while the initiative is open
// (ErrClosed), so the count equals the rows under any concurrency.
func (s *Service) Support(ctx context.Context, u *auth.User, p *Platform, x *Initiative, m Meta) (int, error) {
	if err := s.CanSupport(ctx, s.db, u, p); err != nil {
		return 0, wrap("Support", err)
	}
	var n int
	now := s.now()
	if s.db.Has(db.WritableCTE) {
		// One statement, one round trip: the counter moves only while the
		// initiative is open, the row goes in only if the counter moved,
		// and a unique violation undoes both.
		err := s.db.QueryRowContext(ctx, `WITH up AS (UPDATE dlg_initiatives SET supports = supports + 1 WHERE id = ? AND state = 'open' RETURNING id, supports)
INSERT INTO dlg_supports (initiative_id, user_id, created_at, updated_at) SELECT id, ?, ?, ? FROM up RETURNING (SELECT supports FROM up)`, x.ID, u.ID, now, now).Scan(&n)
		switch {
		case db.IsUniqueViolation(err):
			return 0, ErrAlreadySupported
		case errors.Is(err, sql.ErrNoRows):
			return 0, ErrClosed
		}
		return n, wrap("Support", err)
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO dlg_supports (initiative_id, user_id, created_at, updated_at) VALUES (?, ?, ?, ?)`, x.ID, u.ID, now, now)
		if db.IsUniqueViolation(err) {
			return ErrAlreadySupported
		}
		if err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `UPDATE dlg_initiatives SET supports = supports + 1 WHERE id = ? AND state = 'open' RETURNING supports`, x.ID).Scan(&n)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrClosed
		}
		return err
	})
	return n, wrap("Support", err)
}

// Withdraw removes u's support of x while the support phase is open.
func (s *Service) Withdraw(ctx context.Context, u *auth.User, x *Initiative, m Meta) (int, error) {
	if u == nil {
		return 0, refuse.ErrForbidden
	}
	var n int
	if s.db.Has(db.WritableCTE) {
		// One statement: lock the initiative while it is open, delete the
		// support, lower the counter; nothing happens when either fails.
		err := s.db.QueryRowContext(ctx, `WITH open AS (SELECT id FROM dlg_initiatives WHERE id = ? AND state = 'open'`+s.db.LockRows()+`),
del AS (DELETE FROM dlg_supports s USING open WHERE s.initiative_id = open.id AND s.user_id = ? RETURNING s.initiative_id)
UPDATE dlg_initiatives i SET supports = i.supports - 1 FROM del WHERE i.id = del.initiative_id RETURNING i.supports`, x.ID, u.ID).Scan(&n)
		if errors.Is(err, sql.ErrNoRows) {
			// Closed, or nothing to withdraw: say which.
			var open int
			if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM dlg_initiatives WHERE id = ? AND state = 'open'`, x.ID).Scan(&open); err != nil {
				return 0, wrap("Withdraw", err)
			}
			if open == 0 {
				return 0, ErrClosed
			}
			return 0, ErrNotSupported
		}
		return n, wrap("Withdraw", err)
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM dlg_supports WHERE initiative_id = ? AND user_id = ?`, x.ID, u.ID)
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k != 1 {
			return ErrNotSupported
		}
		err = tx.QueryRowContext(ctx, `UPDATE dlg_initiatives SET supports = supports - 1 WHERE id = ? AND state = 'open' RETURNING supports`, x.ID).Scan(&n)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrClosed
		}
		return err
	})
	return n, wrap("Withdraw", err)
}

// Supported reports whether u supports x.
func (s *Service) Supported(ctx context.Context, u *auth.User, x *Initiative) (bool, error) {
	if u == nil {
		return false, nil
	}
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM dlg_supports WHERE initiative_id = ? AND user_id = ?`, x.ID, u.ID).Scan(&n)
	return n > 0, wrap("Supported", err)
}

// SupportCounts returns the counter and the number of support rows of x
// (they are always equal; the benchmark and the tests check it).
func (s *Service) SupportCounts(ctx context.Context, initiativeID int64) (counter, rows int, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT i.supports, (SELECT COUNT(*) FROM dlg_supports s WHERE s.initiative_id = i.id) FROM dlg_initiatives i WHERE i.id = ?`, initiativeID).Scan(&counter, &rows)
	return counter, rows, wrap("SupportCounts", notFound(err))
}

// ---- resident verification ----

// VerifyResident marks the person userID as a verified resident of lsg after
// an in-person check (managers of a platform of that LSG).
func (s *Service) VerifyResident(ctx context.Context, u *auth.User, p *Platform, userID int64, userPID, lsg string, m Meta) error {
	if u != nil && !s.CanManage(ctx, u, p) {
		return refuse.ErrForbidden
	}
	if !p.HasLSG(lsg) {
		return FieldErrors{"lsg": "dialogue.lsg.not_on_platform"}
	}
	now := s.now()
	return wrap("VerifyResident", s.db.InTx(ctx, func(tx *db.Tx) error {
		// ON CONFLICT: a unique violation would abort the transaction on PostgreSQL.
		res, err := tx.ExecContext(ctx, `INSERT INTO dlg_residents (user_id, lsg_code, method, verified_by, created_at, updated_at) VALUES (?, ?, 'in_person', ?, ?, ?) ON CONFLICT (user_id, lsg_code) DO NOTHING`, userID, lsg, actorID(u), now, now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // already verified: nothing to do
		}
		return record(ctx, tx, u, "dialogue.resident.verify", "user", userPID, map[string]string{"lsg": lsg, "method": "in_person"}, m)
	}))
}

// codeAlphabet avoids letters and digits that look alike on paper.
const codeAlphabet = "ACDEFGHJKLMNPQRTUVWXY34679"

func hashCode(code string) string {
	sum := sha256.Sum256([]byte(normalizeCode(code)))
	return hex.EncodeToString(sum[:])
}

func normalizeCode(c string) string {
	c = strings.ToUpper(c)
	var b strings.Builder
	for _, r := range c {
		if strings.ContainsRune(codeAlphabet, r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// IssueCodes makes n one-time verification codes for lsg; only their hashes
// are stored, so the printed sheet is the only copy.
func (s *Service) IssueCodes(ctx context.Context, u *auth.User, p *Platform, lsg string, n int, m Meta) ([]string, error) {
	if !s.CanManage(ctx, u, p) {
		return nil, refuse.ErrForbidden
	}
	if !p.HasLSG(lsg) {
		return nil, FieldErrors{"lsg": "dialogue.lsg.not_on_platform"}
	}
	if n < 1 || n > 200 {
		return nil, FieldErrors{"count": "dialogue.codes.count"}
	}
	codes := make([]string, n)
	now := s.now()
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		for i := range codes {
			var raw [12]byte
			_, _ = rand.Read(raw[:])
			var b strings.Builder
			for j, c := range raw {
				if j == 4 || j == 8 {
					b.WriteByte('-')
				}
				b.WriteByte(codeAlphabet[int(c)%len(codeAlphabet)])
			}
			codes[i] = b.String()
			if _, err := tx.ExecContext(ctx, `INSERT INTO dlg_codes (lsg_code, code_hash, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`, lsg, hashCode(codes[i]), actorID(u), now, now); err != nil {
				return err
			}
		}
		return record(ctx, tx, u, "dialogue.codes.issue", "platform", p.Slug, map[string]string{"lsg": lsg, "count": strconv.Itoa(n)}, m)
	})
	if err != nil {
		return nil, wrap("IssueCodes", err)
	}
	return codes, nil
}

// RedeemCode verifies u as a resident with a one-time code; a code works once.
func (s *Service) RedeemCode(ctx context.Context, u *auth.User, code string, m Meta) (string, error) {
	if u == nil {
		return "", refuse.ErrForbidden
	}
	if normalizeCode(code) == "" || len(code) > 40 {
		return "", FieldErrors{"code": "dialogue.code.invalid"}
	}
	var lsg string
	now := s.now()
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		err := tx.QueryRowContext(ctx, `UPDATE dlg_codes SET used_by = ?, used_at = ?, updated_at = ? WHERE code_hash = ? AND used_by IS NULL RETURNING lsg_code`, u.ID, now, now, hashCode(code)).Scan(&lsg)
		if errors.Is(err, sql.ErrNoRows) {
			return FieldErrors{"code": "dialogue.code.invalid"}
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO dlg_residents (user_id, lsg_code, method, created_at, updated_at) VALUES (?, ?, 'code', ?, ?) ON CONFLICT (user_id, lsg_code) DO NOTHING`, u.ID, lsg, now, now)
		if err != nil {
			return err
		}
		return record(ctx, tx, u, "dialogue.resident.verify", "user", u.PublicID, map[string]string{"lsg": lsg, "method": "code"}, m)
	})
	return lsg, wrap("RedeemCode", err)
}

// Residencies lists the LSG codes where u is a verified resident.
func (s *Service) Residencies(ctx context.Context, u *auth.User) ([]string, error) {
	if u == nil {
		return nil, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT lsg_code FROM dlg_residents WHERE user_id = ? ORDER BY lsg_code`, u.ID)
	if err != nil {
		return nil, wrap("Residencies", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, wrap("Residencies", err)
		}
		out = append(out, c)
	}
	return out, wrap("Residencies", rows.Err())
}

// Mismatch is an initiative whose support counter differs from its rows.
type Mismatch struct {
	PublicID      string
	Counter, Rows int
}

// CheckSupports compares every initiative's counter with its support rows
// (an operator's integrity check; the transactions keep them equal).
func (s *Service) CheckSupports(ctx context.Context) (checked int, bad []Mismatch, err error) {
	rows, err := s.db.QueryContext(ctx, `SELECT i.public_id, i.supports, (SELECT COUNT(*) FROM dlg_supports s WHERE s.initiative_id = i.id) FROM dlg_initiatives i ORDER BY i.id`)
	if err != nil {
		return 0, nil, wrap("CheckSupports", err)
	}
	defer rows.Close()
	for rows.Next() {
		var m Mismatch
		if err := rows.Scan(&m.PublicID, &m.Counter, &m.Rows); err != nil {
			return 0, nil, wrap("CheckSupports", err)
		}
		checked++
		if m.Counter != m.Rows {
			bad = append(bad, m)
		}
	}
	return checked, bad, wrap("CheckSupports", rows.Err())
}
