package dialogue

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/dijalog/dijalog/internal/audit"
	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/i18n"
	"github.com/dijalog/dijalog/internal/places"
	"github.com/dijalog/dijalog/internal/refuse"
)

// Places is what the service needs of the places module.
type Places interface {
	ByCode(ctx context.Context, code string) (places.Place, error)
}

// Service is the dialogue domain's API for pages, the JSON API, the CLI and
// the demo loader.
type Service struct {
	db     *db.DB
	places Places
	files  string // directory of uploaded photos, outside any web root
	now    func() time.Time

	// lsgs caches each platform's LSG codes by platform id: they are set
	// when the platform is created and never change, so every instance
	// may keep its own copy.
	lsgs sync.Map

	// followers' notices; out nil: none are sent
	out     Outbox
	cat     *i18n.Catalog
	baseURL string
}

// Deps is what the service is built with.
type Deps struct {
	DB     *db.DB
	Places Places
	Files  string // directory of uploaded photos, outside any web root
	// Outbox mails the followers of an initiative when it changes state or
	// gets a progress report, in their language (Catalog), with links to
	// the site at BaseURL ("https://dijalog.ba"). Nil: nobody is mailed.
	Outbox  Outbox
	Catalog *i18n.Catalog
	BaseURL string
	// Now is the clock (nil: db.Now).
	Now func() time.Time
}

// NewService makes the service.
func NewService(d Deps) *Service {
	s := &Service{db: d.DB, places: d.Places, files: d.Files, now: d.Now,
		out: d.Outbox, cat: d.Catalog, baseURL: strings.TrimRight(d.BaseURL, "/")}
	if s.now == nil {
		s.now = db.Now
	}
	return s
}

// Meta describes who asks, for the audit log.
type Meta struct{ IP string }

func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var fe FieldErrors
	if errors.As(err, &fe) {
		return err
	}
	for _, s := range refusals {
		if errors.Is(err, s) {
			return err
		}
	}
	return fmt.Errorf("dialogue.%s: %w", op, err)
}

// refusals are the errors that are answers, not faults: wrap passes them on
// unchanged.
var refusals = []error{refuse.ErrNotFound, refuse.ErrConflict, refuse.ErrForbidden, refuse.ErrSignIn, refuse.ErrInvalid, refuse.ErrRateLimited}

func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return refuse.ErrNotFound
	}
	return err
}

var b32 = base32.NewEncoding("abcdefghijkmnpqrstuvwxyz23456789").WithPadding(base32.NoPadding)

func newPID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return b32.EncodeToString(b[:])
}

func actorID(u *auth.User) any {
	if u == nil {
		return nil
	}
	return u.ID
}

func record(ctx context.Context, q db.Querier, u *auth.User, action, kind, ref string, details map[string]string, m Meta) error {
	e := audit.Entry{Action: action, ObjectKind: kind, ObjectRef: ref, Details: details, IP: m.IP}
	if u != nil {
		e.ActorID = u.ID
	}
	return audit.Record(ctx, q, e)
}

// cleanLine trims s and reports the catalogue key of what is wrong.
func cleanLine(s string, max int, required bool) (string, string) {
	s = strings.TrimSpace(strings.ToValidUTF8(s, "\uFFFD"))
	s = strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f {
			return -1
		}
		return r
	}, strings.ReplaceAll(s, "\r\n", "\n"))
	if s == "" && required {
		return "", "form.required"
	}
	if utf8.RuneCountInString(s) > max {
		return s, "dialogue.too_long"
	}
	return s, ""
}

// ---- platforms ----

// PlatformInput creates a platform.
type PlatformInput struct {
	Name, Description    string
	LSGs                 []string
	RequiresVerification bool
}

// CreatePlatform creates a platform of one or several LSGs (admins, or LSG
// coordinators of every LSG named).
func (s *Service) CreatePlatform(ctx context.Context, u *auth.User, in PlatformInput, m Meta) (*Platform, error) {
	fe := FieldErrors{}
	name, k := cleanLine(in.Name, 200, true)
	if k != "" {
		fe["name"] = k
	}
	desc, k := cleanLine(in.Description, 4000, false)
	if k != "" {
		fe["description"] = k
	}
	seen := map[string]bool{}
	var lsgs []string
	for _, c := range in.LSGs {
		c = strings.TrimSpace(c)
		if c == "" || seen[c] {
			continue
		}
		pl, err := s.places.ByCode(ctx, c)
		if err != nil || !pl.IsLSG() {
			fe["lsgs"] = "dialogue.lsg.unknown"
			break
		}
		seen[c] = true
		lsgs = append(lsgs, c)
	}
	if len(lsgs) == 0 && fe["lsgs"] == "" {
		fe["lsgs"] = "form.required"
	}
	if len(fe) > 0 {
		return nil, fe
	}
	if u != nil {
		for _, c := range lsgs {
			if !auth.Can(u, auth.ActManageLSGTeam, auth.Object{LSG: c}) {
				return nil, refuse.ErrForbidden
			}
		}
	}
	p := &Platform{Name: name, Description: desc, LSGs: lsgs, RequiresVerification: in.RequiresVerification}
	base := auth.Slugify(name)
	if base == "" {
		base = "platform"
	}
	if reservedSlugs[base] {
		base = "platform-" + base
	}
	now := s.now()
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM dlg_platforms WHERE slug = ? OR slug LIKE ?`, base, base+"-%").Scan(&n); err != nil {
			return err
		}
		p.Slug = base
		if n > 0 {
			p.Slug = base + "-" + strconv.Itoa(n+1)
		}
		id, err := db.InsertID(ctx, tx, `INSERT INTO dlg_platforms (slug, name, description, requires_verification, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			p.Slug, name, desc, boolInt(p.RequiresVerification), actorID(u), now, now)
		if err != nil {
			if db.IsUniqueViolation(err) {
				return refuse.ErrConflict
			}
			return err
		}
		p.ID = id
		for _, c := range lsgs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO dlg_platform_lsgs (platform_id, lsg_code, created_at, updated_at) VALUES (?, ?, ?, ?)`, id, c, now, now); err != nil {
				return err
			}
		}
		return record(ctx, tx, u, "dialogue.platform.create", "platform", p.Slug, map[string]string{"lsgs": strings.Join(lsgs, ",")}, m)
	})
	if err != nil {
		return nil, wrap("CreatePlatform", err)
	}
	p.CreatedAt = now
	return p, nil
}

// reservedSlugs are the pages beside the platforms under /platforms/.
var reservedSlugs = map[string]bool{"verify": true, "programmes": true}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (s *Service) loadLSGs(ctx context.Context, q db.Querier, ps []*Platform) (err error) {
	if len(ps) == 0 {
		return nil
	}
	byID := map[int64]*Platform{}
	for _, p := range ps {
		p.LSGs = nil
		if v, ok := s.lsgs.Load(p.ID); ok {
			p.LSGs = v.([]string)
			continue
		}
		byID[p.ID] = p
	}
	if len(byID) == 0 {
		return nil
	}
	defer func() {
		for id, p := range byID {
			if err == nil && len(p.LSGs) > 0 {
				s.lsgs.Store(id, p.LSGs)
			}
		}
	}()
	query, args := `SELECT platform_id, lsg_code FROM dlg_platform_lsgs ORDER BY id`, []any(nil)
	if len(byID) == 1 {
		for id := range byID {
			query, args = `SELECT platform_id, lsg_code FROM dlg_platform_lsgs WHERE platform_id = ? ORDER BY id`, []any{id}
		}
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var c string
		if err := rows.Scan(&id, &c); err != nil {
			return err
		}
		if p := byID[id]; p != nil {
			p.LSGs = append(p.LSGs, c)
		}
	}
	return rows.Err()
}

const selectPlatform = `SELECT id, slug, name, description, requires_verification, created_at FROM dlg_platforms`

func scanPlatform(row interface{ Scan(...any) error }) (*Platform, error) {
	p := &Platform{}
	var rv int
	if err := row.Scan(&p.ID, &p.Slug, &p.Name, &p.Description, &rv, &p.CreatedAt); err != nil {
		return nil, err
	}
	p.RequiresVerification = rv == 1
	return p, nil
}

// Platform returns a platform by slug.
func (s *Service) Platform(ctx context.Context, slug string) (*Platform, error) {
	return s.platformBy(ctx, s.db, "slug", slug)
}

func (s *Service) platformBy(ctx context.Context, q db.Querier, col string, v any) (*Platform, error) {
	p, err := scanPlatform(q.QueryRowContext(ctx, selectPlatform+` WHERE `+col+` = ?`, v))
	if err != nil {
		return nil, wrap("Platform", notFound(err))
	}
	if err := s.loadLSGs(ctx, q, []*Platform{p}); err != nil {
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
}

// Platforms lists the platforms, those of lsg only when lsg is not "".
func (s *Service) Platforms(ctx context.Context, lsg string) ([]PlatformSummary, error) {
	q := `SELECT p.id, p.slug, p.name, p.description, p.requires_verification, p.created_at,
 (SELECT COUNT(*) FROM dlg_members m WHERE m.platform_id = p.id AND m.status = 'active'),
 (SELECT COUNT(*) FROM dlg_initiatives i WHERE i.platform_id = p.id AND i.state <> 'draft'),
 (SELECT COUNT(*) FROM dlg_initiatives i WHERE i.platform_id = p.id AND i.state = 'open')
FROM dlg_platforms p WHERE (? = '' OR EXISTS (SELECT 1 FROM dlg_platform_lsgs l WHERE l.platform_id = p.id AND l.lsg_code = ?)) ORDER BY p.name`
	rows, err := s.db.QueryContext(ctx, q, lsg, lsg)
	if err != nil {
		return nil, wrap("Platforms", err)
	}
	defer rows.Close()
	var out []PlatformSummary
	var ps []*Platform
	for rows.Next() {
		p := &Platform{}
		var rv int
		var sum PlatformSummary
		if err := rows.Scan(&p.ID, &p.Slug, &p.Name, &p.Description, &rv, &p.CreatedAt, &sum.Members, &sum.Initiatives, &sum.Open); err != nil {
			return nil, wrap("Platforms", err)
		}
		p.RequiresVerification = rv == 1
		sum.Platform = p
		out = append(out, sum)
		ps = append(ps, p)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("Platforms", err)
	}
	rows.Close()
	if err := s.loadLSGs(ctx, s.db, ps); err != nil {
		return nil, wrap("Platforms", err)
	}
	return out, nil
}

// SetVerification switches "supports require verification" (managers).
func (s *Service) SetVerification(ctx context.Context, u *auth.User, p *Platform, on bool, m Meta) error {
	if !s.CanManage(ctx, u, p) {
		return refuse.ErrForbidden
	}
	return wrap("SetVerification", s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE dlg_platforms SET requires_verification = ?, updated_at = ? WHERE id = ?`, boolInt(on), s.now(), p.ID); err != nil {
			return err
		}
		return record(ctx, tx, u, "dialogue.platform.verification", "platform", p.Slug, map[string]string{"on": strconv.FormatBool(on)}, m)
	}))
}

// ---- access ----

// Membership returns u's membership of p, or nil.
func (s *Service) Membership(ctx context.Context, p *Platform, u *auth.User) (*Member, error) {
	if u == nil {
		return nil, nil
	}
	m := &Member{}
	err := s.db.QueryRowContext(ctx, `SELECT id, user_id, role, status, created_at FROM dlg_members WHERE platform_id = ? AND user_id = ?`, p.ID, u.ID).
		Scan(&m.ID, &m.UserID, &m.Role, &m.Status, &m.JoinedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, wrap("Membership", err)
	}
	return m, nil
}

// CanManage reports whether u runs platform p: admin, the LSG coordinator
// of one of its LSGs, or its active coordinator or deputy.
func (s *Service) CanManage(ctx context.Context, u *auth.User, p *Platform) bool {
	if u == nil || u.Status != auth.StatusActive {
		return false
	}
	for _, c := range p.LSGs {
		if auth.Can(u, auth.ActManageLSGTeam, auth.Object{LSG: c}) {
			return true
		}
	}
	m, err := s.Membership(ctx, p, u)
	return err == nil && m != nil && m.Status == MemberActive && (m.Role == RoleCoordinator || m.Role == RoleDeputy)
}

// CanFinance reports whether u may record money for platform p: admin or
// LSG coordinator or staff of one of its LSGs.
func CanFinance(u *auth.User, p *Platform) bool {
	for _, c := range p.LSGs {
		if auth.Can(u, auth.ActEditLSGRecord, auth.Object{LSG: c}) {
			return true
		}
	}
	return false
}

// CanModerate reports whether u may moderate comments on p's initiatives.
func (s *Service) CanModerate(ctx context.Context, u *auth.User, p *Platform) bool {
	for _, c := range p.LSGs {
		if auth.Can(u, auth.ActModerate, auth.Object{LSG: c}) {
			return true
		}
	}
	return s.CanManage(ctx, u, p)
}

// ---- members ----

// Members lists a platform's members (all states), coordinators first.
func (s *Service) Members(ctx context.Context, p *Platform) ([]Member, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT m.id, m.user_id, u.public_id, u.display_name, u.email, m.role, m.status, m.created_at
FROM dlg_members m JOIN users u ON u.id = m.user_id WHERE m.platform_id = ?
ORDER BY CASE m.role WHEN 'coordinator' THEN 0 WHEN 'deputy' THEN 1 ELSE 2 END, u.display_name`, p.ID)
	if err != nil {
		return nil, wrap("Members", err)
	}
	defer rows.Close()
	var out []Member
	for rows.Next() {
		var m Member
		if err := rows.Scan(&m.ID, &m.UserID, &m.UserPID, &m.Name, &m.Email, &m.Role, &m.Status, &m.JoinedAt); err != nil {
			return nil, wrap("Members", err)
		}
		out = append(out, m)
	}
	return out, wrap("Members", rows.Err())
}

// RequestJoin asks to join p as a member; the coordinator approves.
func (s *Service) RequestJoin(ctx context.Context, u *auth.User, p *Platform, m Meta) error {
	if !auth.Can(u, auth.ActParticipate, auth.Object{}) {
		return refuse.ErrForbidden
	}
	now := s.now()
	return wrap("RequestJoin", s.db.InTx(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO dlg_members (platform_id, user_id, role, status, created_at, updated_at) VALUES (?, ?, 'member', 'requested', ?, ?)`, p.ID, u.ID, now, now)
		if db.IsUniqueViolation(err) {
			return refuse.ErrConflict
		}
		if err != nil {
			return err
		}
		return record(ctx, tx, u, "dialogue.member.request", "platform", p.Slug, nil, m)
	}))
}

// Invite invites the person with email to p with a role; they accept.
func (s *Service) Invite(ctx context.Context, u *auth.User, p *Platform, userID int64, userPID, role string, m Meta) error {
	if !s.CanManage(ctx, u, p) {
		return refuse.ErrForbidden
	}
	if !validRole(role) {
		return FieldErrors{"role": "dialogue.role.invalid"}
	}
	now := s.now()
	return wrap("Invite", s.db.InTx(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO dlg_members (platform_id, user_id, role, status, created_at, updated_at) VALUES (?, ?, ?, 'invited', ?, ?)`, p.ID, userID, role, now, now)
		if db.IsUniqueViolation(err) {
			return FieldErrors{"email": "dialogue.member.exists"}
		}
		if err != nil {
			return err
		}
		return record(ctx, tx, u, "dialogue.member.invite", "platform", p.Slug, map[string]string{"user": userPID, "role": role}, m)
	}))
}

// AcceptInvitation makes u's invitation to p an active membership.
func (s *Service) AcceptInvitation(ctx context.Context, u *auth.User, p *Platform, m Meta) error {
	if u == nil {
		return refuse.ErrForbidden
	}
	return wrap("AcceptInvitation", s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE dlg_members SET status = 'active', updated_at = ? WHERE platform_id = ? AND user_id = ? AND status = 'invited'`, s.now(), p.ID, u.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return refuse.ErrNotFound
		}
		return record(ctx, tx, u, "dialogue.member.accept", "platform", p.Slug, nil, m)
	}))
}

// SetMember approves a request, changes a role (status "active"), or removes
// a member (status ""). Managers only.
func (s *Service) SetMember(ctx context.Context, u *auth.User, p *Platform, memberID int64, role, status string, m Meta) error {
	if !s.CanManage(ctx, u, p) {
		return refuse.ErrForbidden
	}
	if status != "" && !validRole(role) {
		return FieldErrors{"role": "dialogue.role.invalid"}
	}
	return wrap("SetMember", s.db.InTx(ctx, func(tx *db.Tx) error {
		var res sql.Result
		var err error
		action := "dialogue.member.remove"
		if status == "" {
			res, err = tx.ExecContext(ctx, `DELETE FROM dlg_members WHERE id = ? AND platform_id = ?`, memberID, p.ID)
		} else {
			action = "dialogue.member.set"
			res, err = tx.ExecContext(ctx, `UPDATE dlg_members SET role = ?, status = CASE WHEN status = 'invited' THEN 'invited' ELSE 'active' END, updated_at = ? WHERE id = ? AND platform_id = ?`, role, s.now(), memberID, p.ID)
		}
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return refuse.ErrNotFound
		}
		return record(ctx, tx, u, action, "platform", p.Slug, map[string]string{"member": strconv.FormatInt(memberID, 10), "role": role}, m)
	}))
}

// AddMemberDirect adds an active member without a request (demo, CLI).
func (s *Service) AddMemberDirect(ctx context.Context, p *Platform, userID int64, role string) error {
	if !validRole(role) {
		return FieldErrors{"role": "dialogue.role.invalid"}
	}
	now := s.now()
	_, err := s.db.ExecContext(ctx, `INSERT INTO dlg_members (platform_id, user_id, role, status, created_at, updated_at) VALUES (?, ?, ?, 'active', ?, ?)`, p.ID, userID, role, now, now)
	if db.IsUniqueViolation(err) {
		return refuse.ErrConflict
	}
	return wrap("AddMemberDirect", err)
}

// ---- priorities and the action plan ----

// Priorities lists a platform's priority areas.
func (s *Service) Priorities(ctx context.Context, p *Platform) ([]Priority, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, tags FROM dlg_priorities WHERE platform_id = ? ORDER BY id`, p.ID)
	if err != nil {
		return nil, wrap("Priorities", err)
	}
	defer rows.Close()
	var out []Priority
	for rows.Next() {
		var x Priority
		if err := rows.Scan(&x.ID, &x.Name, &x.Tags); err != nil {
			return nil, wrap("Priorities", err)
		}
		out = append(out, x)
	}
	return out, wrap("Priorities", rows.Err())
}

// AddPriority adds a priority area with DAC/SDG tags (managers).
func (s *Service) AddPriority(ctx context.Context, u *auth.User, p *Platform, name, tags string, m Meta) error {
	if u != nil && !s.CanManage(ctx, u, p) {
		return refuse.ErrForbidden
	}
	fe := FieldErrors{}
	name, k := cleanLine(name, 200, true)
	if k != "" {
		fe["priority"] = k
	}
	tags, k = cleanLine(tags, 200, false)
	if k != "" {
		fe["tags"] = k
	}
	if len(fe) > 0 {
		return fe
	}
	now := s.now()
	return wrap("AddPriority", s.db.InTx(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO dlg_priorities (platform_id, name, tags, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`, p.ID, name, tags, now, now)
		if db.IsUniqueViolation(err) {
			return FieldErrors{"priority": "dialogue.priority.exists"}
		}
		if err != nil {
			return err
		}
		return record(ctx, tx, u, "dialogue.priority.add", "platform", p.Slug, map[string]string{"name": name}, m)
	}))
}

// Actions lists the action plan of a year (0: every year), by deadline.
func (s *Service) Actions(ctx context.Context, p *Platform, year int) ([]Action, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, year, title, owner, deadline, status FROM dlg_actions WHERE platform_id = ? AND (? = 0 OR year = ?) ORDER BY year DESC, deadline, id`, p.ID, year, year)
	if err != nil {
		return nil, wrap("Actions", err)
	}
	defer rows.Close()
	var out []Action
	for rows.Next() {
		var a Action
		if err := rows.Scan(&a.ID, &a.Year, &a.Title, &a.Owner, &a.Deadline, &a.Status); err != nil {
			return nil, wrap("Actions", err)
		}
		out = append(out, a)
	}
	return out, wrap("Actions", rows.Err())
}

// AddAction adds a line to the yearly action plan (managers).
func (s *Service) AddAction(ctx context.Context, u *auth.User, p *Platform, a Action, m Meta) error {
	if u != nil && !s.CanManage(ctx, u, p) {
		return refuse.ErrForbidden
	}
	fe := FieldErrors{}
	var k string
	if a.Title, k = cleanLine(a.Title, 300, true); k != "" {
		fe["title"] = k
	}
	if a.Owner, k = cleanLine(a.Owner, 200, false); k != "" {
		fe["owner"] = k
	}
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
	if len(fe) > 0 {
		return fe
	}
	now := s.now()
	return wrap("AddAction", s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO dlg_actions (platform_id, year, title, owner, deadline, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			p.ID, a.Year, a.Title, a.Owner, a.Deadline, a.Status, now, now); err != nil {
			return err
		}
		return record(ctx, tx, u, "dialogue.action.add", "platform", p.Slug, map[string]string{"title": a.Title}, m)
	}))
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
func (s *Service) SetActionStatus(ctx context.Context, u *auth.User, p *Platform, id int64, status string, m Meta) error {
	if !s.CanManage(ctx, u, p) {
		return refuse.ErrForbidden
	}
	if !validStatus(status) {
		return FieldErrors{"status": "dialogue.status.invalid"}
	}
	return wrap("SetActionStatus", s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE dlg_actions SET status = ?, updated_at = ? WHERE id = ? AND platform_id = ?`, status, s.now(), id, p.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return refuse.ErrNotFound
		}
		return record(ctx, tx, u, "dialogue.action.status", "platform", p.Slug, map[string]string{"action": strconv.FormatInt(id, 10), "status": status}, m)
	}))
}
