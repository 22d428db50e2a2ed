package dialogue

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/refuse"
)

// Platforms runs the platforms: their LSGs, members and roles, priority
// areas and yearly action plans, and who may manage them.
type Platforms struct{ *core }

// PlatformInput creates a platform.
type PlatformInput struct {
	Name, Description    string
	LSGs                 []string
	RequiresVerification bool
	SupportGoal          int
}

// reservedSlugs are the pages beside the platforms under /platforms/.
var reservedSlugs = map[string]bool{"verify": true, "programmes": true}

// Create creates a platform of one or several LSGs (admins, or LSG
// coordinators of every LSG named).
func (s *Platforms) Create(ctx context.Context, u *auth.User, in PlatformInput, m Meta) (*Platform, error) {
	fe := checks{}
	name := fe.line("name", in.Name, 200, true)
	desc := fe.line("description", in.Description, 4000, false)
	lsgs, k := s.lsgCodes(ctx, in.LSGs)
	fe.set("lsgs", k)
	if in.SupportGoal < 0 || in.SupportGoal > MaxSupportGoal {
		fe.set("support_goal", "pages.goal.invalid")
	}
	if len(fe) > 0 {
		return nil, FieldErrors(fe)
	}
	if u != nil {
		for _, c := range lsgs {
			if !auth.Can(u, auth.ActManageLSGTeam, auth.Object{LSG: c}) {
				return nil, refuse.ErrForbidden
			}
		}
	}
	p := &Platform{Name: name, Description: desc, LSGs: lsgs, RequiresVerification: in.RequiresVerification, SupportGoal: in.SupportGoal}
	base := auth.Slugify(name)
	if base == "" {
		base = "platform"
	}
	if reservedSlugs[base] {
		base = "platform-" + base
	}
	now := s.now()
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := insertPlatform(ctx, tx, p, base, actorID(u), now); err != nil {
			return err
		}
		return record(ctx, tx, u, "dialogue.platform.create", "platform", p.Slug, map[string]string{"lsgs": strings.Join(lsgs, ",")}, m)
	})
	if err != nil {
		return nil, wrap("CreatePlatform", err)
	}
	p.CreatedAt = now
	return p, nil
}

// lsgCodes checks the LSG codes of a new platform: known LSGs, each once,
// at least one. The second result is the catalogue key of what is wrong.
func (s *Platforms) lsgCodes(ctx context.Context, in []string) ([]string, string) {
	seen := map[string]bool{}
	var lsgs []string
	for _, c := range in {
		c = strings.TrimSpace(c)
		if c == "" || seen[c] {
			continue
		}
		pl, err := s.places.ByCode(ctx, c)
		if err != nil || !pl.IsLSG() {
			return nil, "dialogue.lsg.unknown"
		}
		seen[c] = true
		lsgs = append(lsgs, c)
	}
	if len(lsgs) == 0 {
		return nil, "form.required"
	}
	return lsgs, ""
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// withLSGs fills the LSG codes of ps, from the cache or in one query.
func (c *core) withLSGs(ctx context.Context, q db.Querier, ps []*Platform) error {
	var missing []*Platform
	for _, p := range ps {
		if v, ok := c.lsgs.Peek(p.ID); ok {
			p.LSGs = v
			continue
		}
		missing = append(missing, p)
	}
	if len(missing) == 0 {
		return nil
	}
	if err := loadLSGs(ctx, q, missing); err != nil {
		return err
	}
	for _, p := range missing {
		if len(p.LSGs) > 0 {
			codes := p.LSGs
			_, _ = c.lsgs.Get(ctx, p.ID, func(context.Context) ([]string, error) { return codes, nil })
		}
	}
	return nil
}

// Get returns a platform by slug.
func (s *Platforms) Get(ctx context.Context, slug string) (*Platform, error) {
	return s.platformBy(ctx, s.db, "slug", slug)
}

func (c *core) platformBy(ctx context.Context, q db.Querier, col string, v any) (*Platform, error) {
	p, err := platformWhere(ctx, q, col, v)
	if err != nil {
		return nil, wrap("Platform", err)
	}
	if err := c.withLSGs(ctx, q, []*Platform{p}); err != nil {
		return nil, wrap("Platform", err)
	}
	return p, nil
}

// PlatformSummary is a platform in lists, with counts.
type PlatformSummary struct {
	*Platform
	Members     int
	Initiatives int
	Open        int
	Meetings    int
	Next        time.Time // the start of its next meeting; zero when none is planned
}

// List lists the platforms, those of lsg only when lsg is not "", the
// most active first (see listPlatforms), each with its next meeting.
func (s *Platforms) List(ctx context.Context, lsg string) ([]PlatformSummary, error) {
	out, err := listPlatforms(ctx, s.db, lsg)
	if err != nil {
		return nil, wrap("Platforms", err)
	}
	next, err := nextMeetings(ctx, s.db, s.now())
	if err != nil {
		return nil, wrap("Platforms", err)
	}
	ps := make([]*Platform, len(out))
	for i := range out {
		ps[i] = out[i].Platform
		out[i].Next = next[out[i].ID]
	}
	return out, wrap("Platforms", s.withLSGs(ctx, s.db, ps))
}

// SetVerification switches "supports require verification" (managers).
func (s *Platforms) SetVerification(ctx context.Context, u *auth.User, p *Platform, on bool, m Meta) error {
	if !s.canManage(ctx, u, p) {
		return refuse.ErrForbidden
	}
	return s.commit(ctx, "SetVerification", u, m, func(tx *db.Tx) error { return setVerification(ctx, tx, p.ID, on, s.now()) }, "dialogue.platform.verification", "platform", p.Slug, map[string]string{"on": strconv.FormatBool(on)})
}

// MaxSupportGoal is the largest support goal a platform may set.
const MaxSupportGoal = 1000000

// SetSupportGoal sets the supports an initiative open for support needs
// before the selection meeting, 0 for none (managers).
func (s *Platforms) SetSupportGoal(ctx context.Context, u *auth.User, p *Platform, goal string, m Meta) error {
	if !s.canManage(ctx, u, p) {
		return refuse.ErrForbidden
	}
	n, err := strconv.Atoi(strings.TrimSpace(goal))
	if strings.TrimSpace(goal) == "" {
		n, err = 0, nil
	}
	if err != nil || n < 0 || n > MaxSupportGoal {
		return FieldErrors{"support_goal": "pages.goal.invalid"}
	}
	return s.commit(ctx, "SetSupportGoal", u, m, func(tx *db.Tx) error { return setSupportGoal(ctx, tx, p.ID, n, s.now()) }, "dialogue.platform.goal", "platform", p.Slug, map[string]string{"goal": strconv.Itoa(n)})
}

// ---- access ----

// Membership returns u's membership of p, or nil.
func (s *Platforms) Membership(ctx context.Context, p *Platform, u *auth.User) (*Member, error) {
	if u == nil {
		return nil, nil
	}
	mb, err := membership(ctx, s.db, p.ID, u.ID)
	return mb, wrap("Membership", err)
}

// CanManage reports whether u runs platform p: admin, the LSG coordinator
// of one of its LSGs, or its active coordinator or deputy.
func (s *Platforms) CanManage(ctx context.Context, u *auth.User, p *Platform) bool {
	return s.canManage(ctx, u, p)
}

func (c *core) canManage(ctx context.Context, u *auth.User, p *Platform) bool {
	if u == nil || u.Status != auth.StatusActive {
		return false
	}
	for _, code := range p.LSGs {
		if auth.Can(u, auth.ActManageLSGTeam, auth.Object{LSG: code}) {
			return true
		}
	}
	m, err := membership(ctx, c.db, p.ID, u.ID)
	return err == nil && m != nil && m.Status == MemberActive && (m.Role == RoleCoordinator || m.Role == RoleDeputy)
}

// CanFinance reports whether u may record money for initiative x of
// platform p: admin or LSG coordinator or staff of x's own LSG (of one of
// p's LSGs when x names none). On an inter-municipal platform Mostar's
// staff do not keep Trnovo's books.
func CanFinance(u *auth.User, p *Platform, x *Initiative) bool {
	if x != nil && x.LSG != "" {
		return p.HasLSG(x.LSG) && auth.Can(u, auth.ActEditLSGRecord, auth.Object{LSG: x.LSG})
	}
	for _, c := range p.LSGs {
		if auth.Can(u, auth.ActEditLSGRecord, auth.Object{LSG: c}) {
			return true
		}
	}
	return false
}

// CanModerate reports whether u may moderate comments on p's initiatives.
func (s *Platforms) CanModerate(ctx context.Context, u *auth.User, p *Platform) bool {
	for _, c := range p.LSGs {
		if auth.Can(u, auth.ActModerate, auth.Object{LSG: c}) {
			return true
		}
	}
	return s.canManage(ctx, u, p)
}

// ---- members ----

// Members lists a platform's members (all states), coordinators first.
func (s *Platforms) Members(ctx context.Context, p *Platform) ([]Member, error) {
	out, err := listMembers(ctx, s.db, p.ID)
	return out, wrap("Members", err)
}

// RequestJoin asks to join p as a member; the coordinator approves.
func (s *Platforms) RequestJoin(ctx context.Context, u *auth.User, p *Platform, m Meta) error {
	if !auth.Can(u, auth.ActParticipate, auth.Object{}) {
		return refuse.ErrForbidden
	}
	now := s.now()
	return s.commit(ctx, "RequestJoin", u, m, func(tx *db.Tx) error { return insertMember(ctx, tx, p.ID, u.ID, RoleMember, MemberRequested, now) }, "dialogue.member.request", "platform", p.Slug, nil)
}

// Invite invites the person userID to p with a role; they accept.
func (s *Platforms) Invite(ctx context.Context, u *auth.User, p *Platform, userID int64, userPID, role string, m Meta) error {
	if !s.canManage(ctx, u, p) {
		return refuse.ErrForbidden
	}
	if !validRole(role) {
		return FieldErrors{"role": "dialogue.role.invalid"}
	}
	now := s.now()
	return wrap("Invite", s.db.InTx(ctx, func(tx *db.Tx) error {
		err := insertMember(ctx, tx, p.ID, userID, role, MemberInvited, now)
		if errors.Is(err, refuse.ErrConflict) {
			return FieldErrors{"email": "dialogue.member.exists"}
		}
		if err != nil {
			return err
		}
		return record(ctx, tx, u, "dialogue.member.invite", "platform", p.Slug, map[string]string{"user": userPID, "role": role}, m)
	}))
}

// AcceptInvitation makes u's invitation to p an active membership.
func (s *Platforms) AcceptInvitation(ctx context.Context, u *auth.User, p *Platform, m Meta) error {
	if u == nil {
		return refuse.ErrForbidden
	}
	return s.commit(ctx, "AcceptInvitation", u, m, func(tx *db.Tx) error { return acceptInvitation(ctx, tx, p.ID, u.ID, s.now()) }, "dialogue.member.accept", "platform", p.Slug, nil)
}

// SetMember approves a request, changes a role (status "active"), or removes
// a member (status ""). Managers only.
func (s *Platforms) SetMember(ctx context.Context, u *auth.User, p *Platform, memberID int64, role, status string, m Meta) error {
	if !s.canManage(ctx, u, p) {
		return refuse.ErrForbidden
	}
	if status != "" && !validRole(role) {
		return FieldErrors{"role": "dialogue.role.invalid"}
	}
	return wrap("SetMember", s.db.InTx(ctx, func(tx *db.Tx) error {
		action := "dialogue.member.remove"
		var err error
		if status == "" {
			err = deleteMember(ctx, tx, p.ID, memberID)
		} else {
			action = "dialogue.member.set"
			err = setMemberRole(ctx, tx, p.ID, memberID, role, s.now())
		}
		if err != nil {
			return err
		}
		return record(ctx, tx, u, action, "platform", p.Slug, map[string]string{"member": strconv.FormatInt(memberID, 10), "role": role}, m)
	}))
}

// AddMemberDirect adds an active member without a request (demo, CLI).
func (s *Platforms) AddMemberDirect(ctx context.Context, p *Platform, userID int64, role string) error {
	if !validRole(role) {
		return FieldErrors{"role": "dialogue.role.invalid"}
	}
	return wrap("AddMemberDirect", insertMember(ctx, s.db, p.ID, userID, role, MemberActive, s.now()))
}

// ---- priorities and the action plan ----

// Priorities lists a platform's priority areas.
func (s *Platforms) Priorities(ctx context.Context, p *Platform) ([]Priority, error) {
	out, err := listPriorities(ctx, s.db, p.ID)
	return out, wrap("Priorities", err)
}

// AddPriority adds a priority area with DAC/SDG tags (managers).
func (s *Platforms) AddPriority(ctx context.Context, u *auth.User, p *Platform, name, tags string, m Meta) error {
	if u != nil && !s.canManage(ctx, u, p) {
		return refuse.ErrForbidden
	}
	fe := checks{}
	name = fe.line("priority", name, 200, true)
	tags = fe.line("tags", tags, 200, false)
	if len(fe) > 0 {
		return FieldErrors(fe)
	}
	now := s.now()
	return wrap("AddPriority", s.db.InTx(ctx, func(tx *db.Tx) error {
		err := insertPriority(ctx, tx, p.ID, name, tags, now)
		if errors.Is(err, refuse.ErrConflict) {
			return FieldErrors{"priority": "dialogue.priority.exists"}
		}
		if err != nil {
			return err
		}
		return record(ctx, tx, u, "dialogue.priority.add", "platform", p.Slug, map[string]string{"name": name}, m)
	}))
}

// Actions lists the action plan of a year (0: every year), by deadline.
func (s *Platforms) Actions(ctx context.Context, p *Platform, year int) ([]Action, error) {
	out, err := listActions(ctx, s.db, p.ID, year)
	return out, wrap("Actions", err)
}

// AddAction adds a line to the yearly action plan (managers).
func (s *Platforms) AddAction(ctx context.Context, u *auth.User, p *Platform, a Action, m Meta) error {
	if u != nil && !s.canManage(ctx, u, p) {
		return refuse.ErrForbidden
	}
	if fe := a.check(); len(fe) > 0 {
		return fe
	}
	now := s.now()
	return s.commit(ctx, "AddAction", u, m, func(tx *db.Tx) error { return insertAction(ctx, tx, p.ID, a, now) }, "dialogue.action.add", "platform", p.Slug, map[string]string{"title": a.Title})
}

// check cleans a line of the action plan and returns what is wrong with it.
func (a *Action) check() FieldErrors {
	fe := checks{}
	a.Title = fe.line("title", a.Title, 300, true)
	a.Owner = fe.line("owner", a.Owner, 200, false)
	if a.Year < 2000 || a.Year > 2100 {
		fe["year"] = "dialogue.year.invalid"
	}
	if a.Deadline != "" {
		if _, err := time.Parse("2006-01-02", a.Deadline); err != nil {
			fe["deadline"] = "dialogue.date.invalid"
		}
	}
	if a.Status == "" {
		a.Status = "planned"
	}
	if !validStatus(a.Status) {
		fe["status"] = "dialogue.status.invalid"
	}
	return FieldErrors(fe)
}

func validStatus(st string) bool {
	for _, x := range ActionStatuses() {
		if x == st {
			return true
		}
	}
	return false
}

// SetActionStatus changes an action's status (managers).
func (s *Platforms) SetActionStatus(ctx context.Context, u *auth.User, p *Platform, id int64, status string, m Meta) error {
	if !s.canManage(ctx, u, p) {
		return refuse.ErrForbidden
	}
	if !validStatus(status) {
		return FieldErrors{"status": "dialogue.status.invalid"}
	}
	return s.commit(ctx, "SetActionStatus", u, m, func(tx *db.Tx) error { return setActionStatus(ctx, tx, p.ID, id, status, s.now()) }, "dialogue.action.status", "platform", p.Slug, map[string]string{"action": strconv.FormatInt(id, 10), "status": status})
}
