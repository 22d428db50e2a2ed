package grants

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"strings"

	"github.com/dijalog/dijalog/internal/audit"
	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/google/uuid"
)

func recordAudit(ctx context.Context, q db.Querier, u *auth.User, action, kind, ref string, details map[string]string, m Meta) error {
	return audit.Record(ctx, q, audit.Entry{ActorID: actor(u), Action: action, ObjectKind: kind, ObjectRef: ref, Details: details, IP: m.IP})
}

// AssignmentsOfApp lists the assessors' work on one application.
func (s *Assessment) AssignmentsOfApp(ctx context.Context, appID int64) ([]*Assignment, error) {
	return assignmentsOfApp(ctx, s.db, appID)
}

// MyAssignments lists what u has to assess.
func (s *Assessment) MyAssignments(ctx context.Context, u *auth.User) ([]*Assignment, error) {
	if u == nil {
		return nil, nil
	}
	return assignmentsWhere(ctx, s.db, byAssessor, u.ID)
}

func (s *core) assignmentOf(ctx context.Context, q db.Querier, appID, userID int64) (*Assignment, error) {
	list, err := assignmentsWhere(ctx, q, byAppAssessor, appID, userID)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, refuse.ErrNotFound
	}
	return list[0], nil
}

// CanReadApplication: the applicant; the call's managers once it is
// submitted; an assigned assessor after declaring no conflict.
func (s *core) canReadApplication(ctx context.Context, u *auth.User, a *Application) (bool, error) {
	if u == nil {
		return false, nil
	}
	if CanEdit(u, a) {
		return true, nil
	}
	if a.Status != AppSubmitted {
		return false, nil
	}
	c, err := s.callByID(ctx, a.CallID)
	if err != nil {
		return false, err
	}
	if CanManage(u, c) {
		if err := s.impartial(ctx, u, c); errors.Is(err, ErrConflictOfInterest) {
			return false, nil // a competitor's application
		} else if err != nil {
			return false, err
		}
		return true, nil
	}
	g, err := s.assignmentOf(ctx, s.db, a.ID, u.ID)
	if errors.Is(err, refuse.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if conflict, err := s.assessorConflict(ctx, u.ID, c, a); err != nil || conflict {
		return false, err
	}
	return auth.Can(u, auth.ActAssess, auth.Object{}) && (g.Status == AsgDeclared || g.Status == AsgSubmitted), nil
}

// CanReadApplication reports whether u may read a: its applicant, its
// call's managers, and its assessors once they declared no conflict.
func (s *Assessment) CanReadApplication(ctx context.Context, u *auth.User, a *Application) (bool, error) {
	return s.canReadApplication(ctx, u, a)
}

// Assessors are the people who hold the assessor role.
func (s *core) assessors(ctx context.Context) ([]auth.User, error) {
	members, err := s.dir.UsersInScope(ctx, auth.ScopeGlobal, "")
	if err != nil {
		return nil, err
	}
	var out []auth.User
	for _, m := range members {
		if m.Grant.Role == auth.RoleAssessor && m.User.Status == auth.StatusActive {
			out = append(out, m.User)
		}
	}
	return out, nil
}

// Assessors lists the active people with the assessor role.
func (s *Assessment) Assessors(ctx context.Context) ([]auth.User, error) {
	return s.assessors(ctx)
}

func (s *core) insertAssignment(ctx context.Context, tx *db.Tx, u *auth.User, a *Application, assessor int64, third bool, m Meta) error {
	if err := insertAssignment(ctx, tx, a.ID, assessor, third, s.Now()); err != nil {
		return err
	}
	return recordAudit(ctx, tx, u, "grants.assessment.assign", "grant_application", a.PublicID, map[string]string{"assessor": strconv.FormatInt(assessor, 10), "third": strconv.FormatBool(third)}, m)
}

// Assign gives an application to an assessor (the call's managers, after
// the deadline).
func (s *Assessment) Assign(ctx context.Context, u *auth.User, c *Call, appPID, assessorPID string, m Meta) error {
	if !CanManage(u, c) {
		return refuse.ErrForbidden
	}
	if err := s.impartial(ctx, u, c); err != nil {
		return err
	}
	a, err := s.application(ctx, appPID)
	if err != nil || a.CallID != c.ID || a.Status != AppSubmitted {
		return refuse.ErrNotFound
	}
	if c.Phase(s.Now()) != PhaseClosed {
		return ErrState
	}
	pool, err := s.assessors(ctx)
	if err != nil {
		return err
	}
	var id int64
	for _, p := range pool {
		if p.PublicID == assessorPID {
			id = p.ID
		}
	}
	if id == 0 {
		return FieldErrors{"assessor": "form.invalid_choice"}
	}
	if conflict, err := s.assessorConflict(ctx, id, c, a); err != nil || conflict {
		if err != nil {
			return err
		}
		return FieldErrors{"assessor": "grants.assessor.conflict"}
	}
	return wrap("Assign", s.db.InTx(ctx, func(tx *db.Tx) error { return s.insertAssignment(ctx, tx, u, a, id, false, m) }))
}

// pickAssessor chooses the assessor with the fewest assignments in the call
// among those not yet on the application.
func (s *core) pickAssessor(ctx context.Context, q db.Querier, c *Call, appID int64, pool []auth.User) (int64, error) {
	load := map[int64]int{}
	on := map[int64]bool{}
	pairs, err := callAssignments(ctx, q, c.ID)
	if err != nil {
		return 0, err
	}
	for _, p := range pairs {
		load[p.assessor]++
		if p.app == appID {
			on[p.assessor] = true
		}
	}
	best, bestLoad := int64(0), int(^uint(0)>>1)
	for _, p := range pool {
		if on[p.ID] {
			continue
		}
		if load[p.ID] < bestLoad {
			best, bestLoad = p.ID, load[p.ID]
		}
	}
	return best, nil
}

// activeCount is the number of assessors on an application who have not
// declared a conflict.
func activeCount(gs []*Assignment) int {
	n := 0
	for _, g := range gs {
		if g.Status != AsgConflict {
			n++
		}
	}
	return n
}

// AutoAssign gives every submitted, eligible application at least two
// assessors, balancing the load; it returns how many assignments it made
// and how many applications still lack assessors (too few people).
func (s *Assessment) AutoAssign(ctx context.Context, u *auth.User, c *Call, m Meta) (made, short int, err error) {
	if !CanManage(u, c) {
		return 0, 0, refuse.ErrForbidden
	}
	if err := s.impartial(ctx, u, c); err != nil {
		return 0, 0, err
	}
	if c.Phase(s.Now()) != PhaseClosed {
		return 0, 0, ErrState
	}
	pool, err := s.assessors(ctx)
	if err != nil {
		return 0, 0, err
	}
	apps, err := submittedApps(ctx, s.db, c.ID)
	if err != nil {
		return 0, 0, err
	}
	pools := map[int64][]auth.User{}
	for _, a := range apps {
		if pools[a.ID], err = s.impartialPool(ctx, c, a, pool); err != nil {
			return 0, 0, err
		}
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		for _, a := range apps {
			if !a.Eligible {
				continue
			}
			pool := pools[a.ID]
			gs, err := assignmentsOfApp(ctx, tx, a.ID)
			if err != nil {
				return err
			}
			for n := activeCount(gs); n < 2; n++ {
				id, err := s.pickAssessor(ctx, tx, c, a.ID, pool)
				if err != nil {
					return err
				}
				if id == 0 {
					short++
					break
				}
				if err := s.insertAssignment(ctx, tx, u, a, id, false, m); err != nil {
					return err
				}
				made++
			}
		}
		return nil
	})
	return made, short, wrap("AutoAssign", err)
}

// mine is an application u assesses and u's assignment to it
// (refuse.ErrNotFound when u is not assigned to it).
func (s *Assessment) mine(ctx context.Context, u *auth.User, appPID string) (*Application, *Assignment, error) {
	if !auth.Can(u, auth.ActAssess, auth.Object{}) {
		return nil, nil, refuse.ErrForbidden
	}
	a, err := s.application(ctx, appPID)
	if err != nil {
		return nil, nil, err
	}
	g, err := s.assignmentOf(ctx, s.db, a.ID, u.ID)
	if err != nil {
		return nil, nil, err
	}
	return a, g, nil
}

// Declare records an assessor's conflict-of-interest declaration. With a
// conflict, the assessor is replaced by another one (balanced) when there
// is one.
func (s *Assessment) Declare(ctx context.Context, u *auth.User, appPID string, conflict bool, m Meta) error {
	a, g, err := s.mine(ctx, u, appPID)
	if err != nil {
		return err
	}
	if g.Status != AsgAssigned {
		return ErrState
	}
	c, err := s.callByID(ctx, a.CallID)
	if err != nil {
		return err
	}
	pool, err := s.assessorsFor(ctx, u, c, a)
	if errors.Is(err, ErrConflictOfInterest) && conflict {
		pool, err = s.replacements(ctx, c, a) // a tied assessor may always step aside
	}
	if err != nil {
		return err
	}
	status := AsgDeclared
	if conflict {
		status = AsgConflict
	}
	return wrap("Declare", s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := declare(ctx, tx, g.ID, status, s.Now()); err != nil {
			return err
		}
		if err := recordAudit(ctx, tx, u, "grants.assessment.declare", "grant_application", a.PublicID, map[string]string{"conflict": strconv.FormatBool(conflict)}, m); err != nil {
			return err
		}
		if !conflict {
			return nil
		}
		id, err := s.pickAssessor(ctx, tx, c, a.ID, pool)
		if err != nil || id == 0 {
			return err
		}
		return s.insertAssignment(ctx, tx, nil, a, id, g.Third, Meta{IP: "replacement"})
	}))
}

// ScoreInput is an assessor's scoring.
type ScoreInput struct {
	Points   map[int]string
	Comments map[int]string
	Comment  string
}

// SubmitScores records an assessor's scores (independent: once submitted
// they cannot change). A divergence above the call's threshold between the
// submitted scores brings in a third assessor.
func (s *Assessment) SubmitScores(ctx context.Context, u *auth.User, appPID string, in ScoreInput, m Meta) error {
	a, g, err := s.mine(ctx, u, appPID)
	if err != nil {
		return err
	}
	if g.Status != AsgDeclared {
		return ErrState
	}
	c, err := s.callByID(ctx, a.CallID)
	if err != nil {
		return err
	}
	if c.Status == StatusDecided {
		return ErrState
	}
	points, fe := readScores(c, in)
	if len(fe) > 0 {
		return fe
	}
	total := WeightedPct(c.Criteria, points)
	pool, err := s.assessorsFor(ctx, u, c, a)
	if err != nil {
		return err
	}
	return wrap("SubmitScores", s.db.InTx(ctx, func(tx *db.Tx) error {
		now := s.Now()
		scores := map[int]Score{}
		for _, cr := range c.Criteria {
			scores[cr.N] = Score{Points: points[cr.N], Comment: strings.TrimSpace(in.Comments[cr.N])}
		}
		if err := submitScores(ctx, tx, g.ID, strings.TrimSpace(in.Comment), total, scores, now); err != nil {
			return err
		}
		if err := recordAudit(ctx, tx, u, "grants.assessment.submit", "grant_application", a.PublicID, map[string]string{"total_permille": strconv.Itoa(total)}, m); err != nil {
			return err
		}
		return s.bringThird(ctx, tx, c, a, pool)
	}))
}

// readScores checks the points and comments of an assessment.
func readScores(c *Call, in ScoreInput) (map[int]int, FieldErrors) {
	fe := FieldErrors{}
	points := map[int]int{}
	for _, cr := range c.Criteria {
		key := "points_" + strconv.Itoa(cr.N)
		n, err := strconv.Atoi(strings.TrimSpace(in.Points[cr.N]))
		if err != nil || n < 0 || n > cr.Max {
			fe[key] = "grants.score.range"
			continue
		}
		points[cr.N] = n
		if !validText(in.Comments[cr.N], 2000) {
			fe["comment_"+strconv.Itoa(cr.N)] = "grants.too_long"
		}
	}
	if !validText(in.Comment, 5000) {
		fe["comment"] = "grants.too_long"
	}
	return points, fe
}

// bringThird assigns a third assessor from pool when the submitted scores
// of a diverge by more than the call allows and none is assigned yet.
func (s *core) bringThird(ctx context.Context, tx *db.Tx, c *Call, a *Application, pool []auth.User) error {
	gs, err := assignmentsOfApp(ctx, tx, a.ID)
	if err != nil {
		return err
	}
	if !Divergent(gs, c.DivergencePct) || hasThird(gs) {
		return nil
	}
	id, err := s.pickAssessor(ctx, tx, c, a.ID, pool)
	if err != nil || id == 0 {
		return err
	}
	if err := recordAudit(ctx, tx, nil, "grants.assessment.divergence", "grant_application", a.PublicID, map[string]string{"threshold_pct": strconv.Itoa(c.DivergencePct)}, Meta{IP: "system"}); err != nil {
		return err
	}
	return s.insertAssignment(ctx, tx, nil, a, id, true, Meta{IP: "system"})
}

func hasThird(gs []*Assignment) bool {
	for _, g := range gs {
		if g.Third && g.Status != AsgConflict {
			return true
		}
	}
	return false
}

// Divergent reports whether the submitted totals differ by more than pct
// percentage points of the maximum.
func Divergent(gs []*Assignment, pct int) bool {
	lo, hi, n := 1001, -1, 0
	for _, g := range gs {
		if g.Status != AsgSubmitted {
			continue
		}
		n++
		lo, hi = min(lo, g.TotalPct), max(hi, g.TotalPct)
	}
	return n >= 2 && hi-lo > pct*10
}

// Rank is one line of a call's ranking.
type Rank struct {
	App       *Application
	Position  int
	AvgPct    int // tenths of a percent
	Scores    int // submitted assessments
	Divergent bool
	TieWith   []string // organisations with the same average
	Within    bool     // above the budget cut-off
	LineAbove bool     // the budget line falls just above this one
	Running   int64    // cumulative requested amount
	Pending   bool     // assessments still missing
}

// Ranking lists a call's eligible submitted applications by average score;
// equal averages are ordered by earlier submission (and said so); the
// cut-off line falls where the requested amounts exceed the budget.
func (s *Assessment) Ranking(ctx context.Context, c *Call) ([]Rank, error) {
	apps, err := submittedApps(ctx, s.db, c.ID)
	if err != nil {
		return nil, err
	}
	var out []Rank
	for _, a := range apps {
		if !a.Eligible {
			continue
		}
		gs, err := s.AssignmentsOfApp(ctx, a.ID)
		if err != nil {
			return nil, err
		}
		r := Rank{App: a, Divergent: Divergent(gs, c.DivergencePct)}
		sum := 0
		for _, g := range gs {
			switch g.Status {
			case AsgSubmitted:
				sum += g.TotalPct
				r.Scores++
			case AsgAssigned, AsgDeclared:
				r.Pending = true
			}
		}
		if r.Scores > 0 {
			r.AvgPct = (sum + r.Scores/2) / r.Scores
		}
		r.Pending = r.Pending || r.Scores < 2
		out = append(out, r)
	}
	orderRanking(out, c.Total)
	return out, nil
}

// orderRanking sorts by average score, earlier submission first among
// equal averages (each tie names the others), and draws the budget line
// where the cumulative requested amount exceeds total.
func orderRanking(out []Rank, total int64) {
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].AvgPct != out[j].AvgPct {
			return out[i].AvgPct > out[j].AvgPct
		}
		return out[i].App.SubmittedAt.Time.Before(out[j].App.SubmittedAt.Time)
	})
	var running int64
	for i := range out {
		out[i].Position = i + 1
		running += out[i].App.Requested
		out[i].Running = running
		out[i].Within = running <= total
		out[i].LineAbove = !out[i].Within && (i == 0 || out[i-1].Within)
		for j := range out {
			if j != i && out[i].Scores > 0 && out[j].Scores > 0 && out[j].AvgPct == out[i].AvgPct {
				out[i].TieWith = append(out[i].TieWith, out[j].App.OrgName)
			}
		}
	}
}

// Decide records the decision on one application (award, reserve, reject
// with reasons) before the results are published.
func (s *Assessment) Decide(ctx context.Context, u *auth.User, c *Call, appPID, decision, reason string, m Meta) error {
	if !CanManage(u, c) {
		return refuse.ErrForbidden
	}
	if err := s.impartial(ctx, u, c); err != nil {
		return err
	}
	if c.Status != StatusPublished || c.Phase(s.Now()) != PhaseClosed {
		return ErrState
	}
	a, err := s.application(ctx, appPID)
	if err != nil || a.CallID != c.ID || a.Status != AppSubmitted {
		return refuse.ErrNotFound
	}
	reason = strings.TrimSpace(reason)
	switch decision {
	case DecisionAward:
		if a.Requested <= 0 {
			return FieldErrors{"decision": "grants.decision.award_zero"}
		}
	case DecisionReserve:
	case DecisionReject:
		if reason == "" {
			return FieldErrors{"reason": "grants.decision.reason_required"}
		}
	default:
		return FieldErrors{"decision": "form.invalid_choice"}
	}
	if !validText(reason, 2000) {
		return FieldErrors{"reason": "grants.too_long"}
	}
	return wrap("Decide", s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := setDecision(ctx, tx, a.ID, decision, reason, s.Now()); err != nil {
			return err
		}
		return recordAudit(ctx, tx, u, "grants.decision.set", "grant_application", a.PublicID, map[string]string{"decision": decision}, m)
	}))
}

// PublishResults publishes the decisions: every submitted application must
// have one; awards are created with the requested amount, and each award
// enters the public registry.
func (s *Assessment) PublishResults(ctx context.Context, u *auth.User, c *Call, m Meta) error {
	if !CanManage(u, c) {
		return refuse.ErrForbidden
	}
	if err := s.impartial(ctx, u, c); err != nil {
		return err
	}
	if c.Status != StatusPublished || c.Phase(s.Now()) != PhaseClosed {
		return ErrState
	}
	apps, err := submittedApps(ctx, s.db, c.ID)
	if err != nil {
		return err
	}
	var total int64
	for _, a := range apps {
		if a.Decision == "" {
			if !a.Eligible {
				continue // rejected below as not eligible
			}
			return FieldErrors{"decision": "grants.decision.missing"}
		}
		if a.Decision == DecisionAward {
			if a.Requested <= 0 {
				return FieldErrors{"decision": "grants.decision.award_zero"}
			}
			total += a.Requested
		}
	}
	if total > c.Total {
		return FieldErrors{"decision": "grants.decision.over_budget"}
	}
	return wrap("PublishResults", s.db.InTx(ctx, func(tx *db.Tx) error {
		now := s.Now()
		for _, a := range apps {
			if a.Decision == "" {
				if err := setDecision(ctx, tx, a.ID, DecisionReject, "grants.decision.not_eligible", now); err != nil {
					return err
				}
				continue
			}
			if a.Decision != DecisionAward {
				continue
			}
			awardPID := uuid.NewString()
			if err := insertAward(ctx, tx, awardPID, c, a, now, s.o.Zone); err != nil {
				return err
			}
			if err := moneyAudit(ctx, tx, u, c, actAwardCreate, awardPID, map[string]string{"application": a.PublicID, "amount": dec(a.Requested, c.Currency), "currency": c.Currency}, m); err != nil {
				return err
			}
		}
		if err := setDecided(ctx, tx, c.ID, now); err != nil {
			return err
		}
		return recordAudit(ctx, tx, u, "grants.call.decide", "grant_call", c.Slug, nil, m)
	}))
}
