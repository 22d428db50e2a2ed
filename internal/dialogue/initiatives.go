package dialogue

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/money"
	"github.com/dijalog/dijalog/internal/refuse"
)

// Initiatives runs citizens' initiatives: their audited life-cycle, the
// supports that stay exact under concurrency, and their followers.
type Initiatives struct{ *core }

// InitiativeInput is the initiative form.
type InitiativeInput struct {
	Title, Problem, Solution string
	LSG, LocalCommunity      string
	PriorityID               int64
	Cost, Currency           string // as typed: "4.500,00", "BAM"
	Submit                   bool   // submit now instead of keeping a draft
}

// Create creates an initiative by u on p (any signed-in person).
func (s *Initiatives) Create(ctx context.Context, u *auth.User, p *Platform, in InitiativeInput, m Meta) (*Initiative, error) {
	if !auth.Can(u, auth.ActParticipate, auth.Object{}) {
		return nil, refuse.ErrForbidden
	}
	x := &Initiative{PlatformID: p.ID, PlatformSlug: p.Slug, PlatformName: p.Name, AuthorID: u.ID, AuthorName: u.Name, State: StateDraft}
	fe := x.fill(p, in)
	if in.PriorityID != 0 {
		ok, err := priorityOf(ctx, s.db, p.ID, in.PriorityID)
		if err != nil {
			return nil, wrap("CreateInitiative", err)
		}
		if !ok {
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
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := insertInitiative(ctx, tx, x); err != nil {
			return err
		}
		if err := s.event(ctx, tx, u, x, "", StateDraft, "", nil, m); err != nil {
			return err
		}
		if in.Submit {
			return s.move(ctx, tx, u, x, StateSubmitted, "", 0, nil, m)
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
	fe := checks{}
	x.Title = fe.line("title", in.Title, 200, true)
	x.Problem = fe.line("problem", in.Problem, 5000, true)
	x.Solution = fe.line("solution", in.Solution, 5000, true)
	x.LocalCommunity = fe.line("local_community", in.LocalCommunity, 200, false)
	x.LSG = in.LSG
	if len(p.LSGs) == 1 && x.LSG == "" {
		x.LSG = p.LSGs[0]
	}
	if !p.HasLSG(x.LSG) {
		fe["lsg"] = "dialogue.lsg.not_on_platform"
	}
	var k string
	x.Cost, k = costOf(in.Cost, in.Currency)
	fe.set("cost", k)
	return FieldErrors(fe)
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

// event records a step of x's life-cycle in tx, audits it (with the
// extra details, if any) and tells the followers.
func (c *core) event(ctx context.Context, tx *db.Tx, u *auth.User, x *Initiative, from, to, note string, extra map[string]string, m Meta) error {
	id, err := insertEvent(ctx, tx, x.ID, actorID(u), from, to, note, c.now())
	if err != nil {
		return err
	}
	d := map[string]string{"from": from, "to": to}
	for k, v := range extra {
		d[k] = v
	}
	if note != "" {
		d["note"] = note
	}
	if err := record(ctx, tx, u, "dialogue.initiative."+to, "initiative", x.PublicID, d, m); err != nil {
		return err
	}
	return c.notify(ctx, tx, u, x, "event:"+strconv.FormatInt(id, 10), "state", note, 0)
}

// move changes x's state inside tx: the row must still be in x.State.
func (c *core) move(ctx context.Context, tx *db.Tx, u *auth.User, x *Initiative, to, reason string, meetingID int64, extra map[string]string, m Meta) error {
	if err := setState(ctx, tx, x, to, reason, meetingID, c.now()); err != nil {
		return err
	}
	from := x.State
	x.State = to
	if reason != "" {
		x.Reason = reason
	}
	return c.event(ctx, tx, u, x, from, to, reason, extra, m)
}

// Allowed lists the states u may move x to now.
func (s *Initiatives) Allowed(ctx context.Context, u *auth.User, p *Platform, x *Initiative) []string {
	if u == nil {
		return nil
	}
	manage := s.canManage(ctx, u, p)
	finance := CanFinance(u, p, x)
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
func (s *Initiatives) Transition(ctx context.Context, u *auth.User, p *Platform, x *Initiative, to, reason, meetingPID string, m Meta) error {
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
		id, err := meetingIDOf(ctx, s.db, p.ID, meetingPID)
		if errors.Is(err, refuse.ErrNotFound) {
			return FieldErrors{"meeting": "dialogue.meeting.required"}
		}
		if err != nil {
			return wrap("Transition", err)
		}
		meetingID = id
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var extra map[string]string
		if to == StateCofinanced {
			n, err := countShares(ctx, tx, x.ID)
			if err != nil {
				return err
			}
			if n == 0 {
				return FieldErrors{"state": "dialogue.financing.required"}
			}
			// The decision approves the plan: the history states it.
			planned, _, err := initiativeTotals(ctx, tx, x.ID, x.Cost.Currency)
			if err != nil {
				return err
			}
			extra = map[string]string{"role": financeRole(u, p, x), "amount": money.New(planned, x.Cost.Currency).String(), "cost": x.Cost.String()}
		}
		if to == StateSelected {
			text := x.Title
			if reason != "" {
				text += ": " + reason
			}
			if err := insertDecision(ctx, tx, meetingID, x.ID, text, s.now()); err != nil {
				return err
			}
		}
		return s.move(ctx, tx, u, x, to, reason, meetingID, extra, m)
	})
	if err == nil {
		s.kick()
	}
	return wrap("Transition", err)
}

// Get returns an initiative by public id.
func (s *Initiatives) Get(ctx context.Context, pid string) (*Initiative, error) {
	if len(pid) > 40 {
		return nil, refuse.ErrNotFound
	}
	x, err := initiativeByPID(ctx, s.db, pid)
	return x, wrap("Initiative", err)
}

// WithPlatform returns an initiative by public id with its platform, in
// one query (the platform's LSGs come from the cache).
func (s *Initiatives) WithPlatform(ctx context.Context, pid string) (*Initiative, *Platform, error) {
	if len(pid) > 40 {
		return nil, nil, refuse.ErrNotFound
	}
	x, p, err := initiativeAndPlatform(ctx, s.db, pid)
	if err != nil {
		return nil, nil, wrap("InitiativeAndPlatform", err)
	}
	if err := s.withLSGs(ctx, s.db, []*Platform{p}); err != nil {
		return nil, nil, wrap("InitiativeAndPlatform", err)
	}
	return x, p, nil
}

// Visible reports whether u may see x: drafts only by their author and the
// platform's managers.
func (s *Initiatives) Visible(ctx context.Context, u *auth.User, p *Platform, x *Initiative) bool {
	if x.State != StateDraft {
		return true
	}
	return u != nil && (u.ID == x.AuthorID || s.canManage(ctx, u, p))
}

// InitiativeFilter narrows Initiatives.List.
type InitiativeFilter struct {
	PlatformID int64
	State      string
	Group      string // one of StateGroups: its states
	LSG        string // the initiative's LSG
	AuthorID   int64  // with drafts of this author
	OpenFirst  bool   // those open for support first
	Limit      int
	Offset     int
	states     []string // of Group
}

// List lists initiatives, newest first; drafts only of AuthorID. Those
// open for support carry the date of their platform's next meeting.
func (s *Initiatives) List(ctx context.Context, f InitiativeFilter) ([]Initiative, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 200
	}
	f.Offset = max(f.Offset, 0)
	f.states = statesOf(f.Group)
	out, err := listInitiatives(ctx, s.db, f)
	if err != nil {
		return nil, wrap("Initiatives", err)
	}
	return out, wrap("Initiatives", s.withDeadlines(ctx, out))
}

// withDeadlines sets SupportUntil of the open initiatives of xs.
func (s *Initiatives) withDeadlines(ctx context.Context, xs []Initiative) error {
	open := false
	for i := range xs {
		open = open || xs[i].State == StateOpen
	}
	if !open {
		return nil
	}
	next, err := nextMeetings(ctx, s.db, s.now())
	if err != nil {
		return err
	}
	for i := range xs {
		if xs[i].State == StateOpen {
			xs[i].SupportUntil = next[xs[i].PlatformID]
		}
	}
	return nil
}

// WithDeadline sets x.SupportUntil when x is open for support.
func (s *Initiatives) WithDeadline(ctx context.Context, x *Initiative) error {
	xs := []Initiative{*x}
	err := s.withDeadlines(ctx, xs)
	x.SupportUntil = xs[0].SupportUntil
	return wrap("WithDeadline", err)
}

// SupportedOf is which of xs u supports (by id; empty for a visitor).
func (s *Initiatives) SupportedOf(ctx context.Context, u *auth.User, xs []Initiative) (map[int64]bool, error) {
	if u == nil {
		return map[int64]bool{}, nil
	}
	ids := make([]int64, len(xs))
	for i := range xs {
		ids[i] = xs[i].ID
	}
	out, err := supportedOf(ctx, s.db, u.ID, ids)
	return out, wrap("SupportedOf", err)
}

// LSGs are the codes of the LSGs that have initiatives anyone can see.
func (s *Initiatives) LSGs(ctx context.Context) ([]string, error) {
	out, err := initiativeLSGs(ctx, s.db)
	return out, wrap("LSGs", err)
}

// Timeline is an initiative's public history, oldest first.
func (s *Initiatives) Timeline(ctx context.Context, x *Initiative) ([]Event, error) {
	out, err := listEvents(ctx, s.db, x.ID)
	return out, wrap("Timeline", err)
}

// ---- supports ----

// CanSupport reports whether u may support initiatives of p: signed in and,
// when the platform requires it, a verified resident of one of its LSGs.
func (s *Initiatives) CanSupport(ctx context.Context, u *auth.User, p *Platform) error {
	if !auth.Can(u, auth.ActParticipate, auth.Object{}) {
		return refuse.ErrForbidden
	}
	if !p.RequiresVerification {
		return nil
	}
	ok, err := verifiedIn(ctx, s.db, u.ID, p.LSGs)
	if err != nil {
		return err
	}
	if !ok {
		return ErrVerificationRequired
	}
	return nil
}

// Support records u's support of x. The unique constraint on (initiative,
// person) refuses a second support (ErrAlreadySupported); the counter is
// raised in the same transaction, and only while the initiative is open
// (ErrClosed), so the count equals the rows under any concurrency.
func (s *Initiatives) Support(ctx context.Context, u *auth.User, p *Platform, x *Initiative, m Meta) (int, error) {
	if err := s.CanSupport(ctx, u, p); err != nil {
		return 0, wrap("Support", err)
	}
	n, err := addSupport(ctx, s.db, x.ID, u.ID, s.now())
	return n, wrap("Support", err)
}

// Withdraw removes u's support of x while the support phase is open.
func (s *Initiatives) Withdraw(ctx context.Context, u *auth.User, x *Initiative, m Meta) (int, error) {
	if u == nil {
		return 0, refuse.ErrForbidden
	}
	n, err := removeSupport(ctx, s.db, x.ID, u.ID)
	return n, wrap("Withdraw", err)
}

// Supported reports whether u supports x.
func (s *Initiatives) Supported(ctx context.Context, u *auth.User, x *Initiative) (bool, error) {
	if u == nil {
		return false, nil
	}
	ok, err := supported(ctx, s.db, x.ID, u.ID)
	return ok, wrap("Supported", err)
}

// SupportCounts returns the counter and the number of support rows of x
// (they are always equal; the benchmark and the tests check it).
func (s *Initiatives) SupportCounts(ctx context.Context, initiativeID int64) (counter, rows int, err error) {
	counter, rows, err = supportCounts(ctx, s.db, initiativeID)
	return counter, rows, wrap("SupportCounts", err)
}

// Mismatch is an initiative whose support counter differs from its rows.
type Mismatch struct {
	PublicID      string
	Counter, Rows int
}

// CheckSupports compares every initiative's counter with its support rows
// (an operator's integrity check; the transactions keep them equal).
func (s *Initiatives) CheckSupports(ctx context.Context) (checked int, bad []Mismatch, err error) {
	all, err := allSupportCounts(ctx, s.db)
	if err != nil {
		return 0, nil, wrap("CheckSupports", err)
	}
	for _, m := range all {
		if m.Counter != m.Rows {
			bad = append(bad, m)
		}
	}
	return len(all), bad, nil
}

// ---- followers ----

// Follow makes u a follower of x (any signed-in person who may see it).
func (s *Initiatives) Follow(ctx context.Context, u *auth.User, x *Initiative, m Meta) error {
	if !auth.Can(u, auth.ActParticipate, auth.Object{}) {
		return refuse.ErrForbidden
	}
	return wrap("Follow", s.db.InTx(ctx, func(tx *db.Tx) error {
		added, err := insertFollow(ctx, tx, x.ID, u.ID, s.now())
		if err != nil || !added {
			return err // nil when already following
		}
		return record(ctx, tx, u, "dialogue.follow", "initiative", x.PublicID, nil, m)
	}))
}

// Unfollow stops u following x; not following is not an error.
func (s *Initiatives) Unfollow(ctx context.Context, u *auth.User, x *Initiative, m Meta) error {
	if u == nil {
		return refuse.ErrForbidden
	}
	return wrap("Unfollow", s.db.InTx(ctx, func(tx *db.Tx) error {
		removed, err := deleteFollow(ctx, tx, x.ID, u.ID)
		if err != nil || !removed {
			return err
		}
		return record(ctx, tx, u, "dialogue.unfollow", "initiative", x.PublicID, nil, m)
	}))
}

// Following reports whether u follows x, and how many people follow it.
func (s *Initiatives) Following(ctx context.Context, u *auth.User, x *Initiative) (bool, int, error) {
	var uid int64 = -1
	if u != nil {
		uid = u.ID
	}
	mine, n, err := following(ctx, s.db, x.ID, uid)
	return mine, n, wrap("Following", err)
}
