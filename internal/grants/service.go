package grants

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dijalog/dijalog/internal/audit"
	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/i18n"
	"github.com/dijalog/dijalog/internal/mail"
	"github.com/dijalog/dijalog/internal/money"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/google/uuid"
)

// Directory is what the module needs from the accounts service.
type Directory interface {
	Organisation(ctx context.Context, pid string) (*auth.Organisation, error)
	Members(ctx context.Context, orgID int64) ([]auth.User, error)
	UsersInScope(ctx context.Context, scopeKind, scopeRef string) ([]auth.Member, error)
}

// Options configure the service.
type Options struct {
	Now     func() time.Time // the clock; time.Now when nil (tests inject one)
	Zone    *time.Location   // where typed times are read (Europe/Sarajevo)
	Files   string           // directory of uploaded attachments, outside any web root
	Mail    mail.Sender
	Cat     *i18n.Catalog
	BaseURL string
	Log     *slog.Logger
	// Rates converts the registry's amounts to euro (nil: only euro
	// amounts have a euro value; the others are stated unconverted).
	Rates Rates
}

// Service holds the grants rules, one service per entity over one store.
type Service struct {
	*core
	Calls        *Calls        // calls, their texts and public Q&A
	Applications *Applications // applications, drafts, receipts and attachments
	Assessment   *Assessment   // assessors, scores, ranking and decisions
	Awards       *Awards       // contracts, instalments and reports
	Registry     *Registry     // who funded whom, also outside the platform
}

// core is what the entity services share: the database, the accounts
// directory and the options (clock, zone, files, mail).
type core struct {
	db  *db.DB
	dir Directory
	o   Options
}

// Calls publishes calls for proposals and answers questions about them.
type Calls struct{ *core }

// Applications runs organisations' applications: eligibility, drafts,
// submission with a receipt, and their files.
type Applications struct{ *core }

// Assessment runs the independent assessment of applications and the
// decisions.
type Assessment struct{ *core }

// Awards runs the awards: contracts, instalments and reports.
type Awards struct{ *core }

// Registry is the public registry of support to organisations.
type Registry struct{ *core }

func newService(c *core) *Service {
	return &Service{core: c, Calls: &Calls{c}, Applications: &Applications{c}, Assessment: &Assessment{c}, Awards: &Awards{c}, Registry: &Registry{c}}
}

// NewService makes the service.
func NewService(d *db.DB, dir Directory, o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Zone == nil {
		o.Zone = time.UTC
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return newService(&core{db: d, dir: dir, o: o})
}

// Now is the service's clock, in whole seconds.
func (s *core) Now() time.Time { return s.o.Now().UTC().Truncate(time.Second) }

// Zone is where typed times are read.
func (s *core) Zone() *time.Location { return s.o.Zone }

// Meta is the request's context for the audit log.
type Meta struct{ IP string }

func actor(u *auth.User) int64 {
	if u == nil {
		return 0
	}
	return u.ID
}

// CallInput is what the manager types.
type CallInput struct {
	Publisher      string // "lsg:<code>" or "org:<public id>"
	Funder         string
	Lang           string
	Texts          []Text
	Currency       string
	Total          string
	Min            string
	Max            string
	OwnSharePct    string
	DivergencePct  string
	OpensAt        string // datetime-local in the service's zone
	QuestionsUntil string
	ClosesAt       string
	Eligibility    string
	Form           string
	Criteria       string
}

// ParseLocal reads a datetime-local value ("2026-12-15T23:59" or with
// seconds) in zone.
func ParseLocal(s string, zone *time.Location) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, strings.TrimSpace(s), zone); err == nil {
			if t.Year() < 2000 || t.Year() > 2100 {
				return time.Time{}, false
			}
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// FormatLocal writes t for a datetime-local input.
func FormatLocal(t time.Time, zone *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(zone).Format("2006-01-02T15:04:05")
}

func validText(s string, max int) bool {
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > max {
		return false
	}
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\r' && r != '\t' {
			return false
		}
	}
	return true
}

// validate turns the input into a call (without ids) or field errors.
func (s *core) validate(in CallInput, c *Call) FieldErrors {
	fe := FieldErrors{}
	readPublisher(fe, in, c)
	readTexts(fe, in, c)
	readAmounts(fe, in, c)
	readPercents(fe, in, c)
	readTimeline(fe, in, c, s.o.Zone)
	readSpecs(fe, in, c)
	return fe
}

// readPublisher sets who publishes and funds the call, and its language.
func readPublisher(fe FieldErrors, in CallInput, c *Call) {
	kind, ref, _ := strings.Cut(in.Publisher, ":")
	c.LSG, c.OrgPID = "", ""
	switch {
	case kind == "lsg" && ref != "" && len(ref) <= 100:
		c.LSG = ref
	case kind == "org" && ref != "" && len(ref) <= 100:
		c.OrgPID = ref
	default:
		fe["publisher"] = "form.invalid_choice"
	}
	c.Funder = strings.TrimSpace(in.Funder)
	if c.Funder == "" || !validText(c.Funder, 200) {
		fe["funder"] = "form.required"
	}
	if !i18n.Supported(in.Lang) || in.Lang == i18n.SerbianCyrillic {
		fe["lang"] = "form.invalid_choice"
	}
	c.Lang = in.Lang
}

// readTexts sets the call's title and text in its language and any
// translations given.
func readTexts(fe FieldErrors, in CallInput, c *Call) {
	c.Texts = nil
	hasMain := false
	for _, t := range in.Texts {
		t.Title, t.Body = strings.TrimSpace(t.Title), strings.TrimSpace(t.Body)
		if t.Title == "" && t.Body == "" {
			continue
		}
		suffix := ""
		if t.Lang != in.Lang {
			suffix = "_" + t.Lang
		}
		if t.Title == "" || !validText(t.Title, 200) {
			fe["title"+suffix] = "form.required"
		}
		if t.Body == "" || !validText(t.Body, 20000) {
			fe["body"+suffix] = "form.required"
		}
		c.Texts = append(c.Texts, t)
		hasMain = hasMain || t.Lang == in.Lang
	}
	if !hasMain && fe["lang"] == "" {
		fe["title"] = "form.required"
		fe["body"] = "form.required"
	}
}

// readAmounts sets the currency, the total and the range of one grant.
func readAmounts(fe FieldErrors, in CallInput, c *Call) {
	c.Currency = in.Currency
	if !money.Valid(in.Currency) {
		fe["currency"] = "form.invalid_choice"
		return
	}
	amount := func(field, v string, dst *int64, allowZero bool) {
		a, err := money.Parse(v, in.Currency)
		if err != nil || a.Minor < 0 || (!allowZero && a.Minor == 0) {
			fe[field] = "grants.amount.invalid"
			return
		}
		*dst = a.Minor
	}
	amount("total", in.Total, &c.Total, false)
	amount("min", in.Min, &c.Min, true)
	amount("max", in.Max, &c.Max, false)
	if fe["min"] == "" && fe["max"] == "" && c.Min > c.Max {
		fe["min"] = "grants.amount.min_over_max"
	}
	if fe["max"] == "" && fe["total"] == "" && c.Max > c.Total {
		fe["max"] = "grants.amount.max_over_total"
	}
}

// readPercents sets the own share and the assessors' allowed divergence.
func readPercents(fe FieldErrors, in CallInput, c *Call) {
	pct := func(field, v string, def, lo int, dst *int) {
		if strings.TrimSpace(v) == "" {
			*dst = def
			return
		}
		n, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "%")))
		if err != nil || n < lo || n > 100 {
			fe[field] = "grants.pct.invalid"
			return
		}
		*dst = n
	}
	pct("own_share_pct", in.OwnSharePct, 0, 0, &c.OwnSharePct)
	pct("divergence_pct", in.DivergencePct, 30, 1, &c.DivergencePct)
}

// readTimeline sets when the call opens, takes questions and closes.
func readTimeline(fe FieldErrors, in CallInput, c *Call, zone *time.Location) {
	var ok bool
	if c.OpensAt, ok = ParseLocal(in.OpensAt, zone); !ok {
		fe["opens_at"] = "grants.time.invalid"
	}
	if c.QuestionsUntil, ok = ParseLocal(in.QuestionsUntil, zone); !ok {
		fe["questions_until"] = "grants.time.invalid"
	}
	if c.ClosesAt, ok = ParseLocal(in.ClosesAt, zone); !ok {
		fe["closes_at"] = "grants.time.invalid"
	}
	if fe["opens_at"] == "" && fe["closes_at"] == "" && !c.ClosesAt.After(c.OpensAt) {
		fe["closes_at"] = "grants.time.closes_before_opens"
	}
	if fe["opens_at"] == "" && fe["questions_until"] == "" && fe["closes_at"] == "" &&
		(c.QuestionsUntil.Before(c.OpensAt) || c.QuestionsUntil.After(c.ClosesAt)) {
		fe["questions_until"] = "grants.time.questions_outside"
	}
}

// readSpecs sets the eligibility, form and criteria from their texts.
func readSpecs(fe FieldErrors, in CallInput, c *Call) {
	specErr := func(field string, err error) {
		var se *SpecError
		if errors.As(err, &se) {
			fe[field] = se.Key
		} else if err != nil {
			fe[field] = "grants.spec.invalid"
		}
	}
	c.EligibilityDef, c.FormDef, c.CriteriaDef = in.Eligibility, in.Form, in.Criteria
	var err error
	c.Eligibility, err = ParseEligibility(in.Eligibility)
	specErr("eligibility", err)
	c.Form, err = ParseForm(in.Form)
	specErr("form", err)
	c.Criteria, err = ParseCriteria(in.Criteria)
	specErr("criteria", err)
	if err == nil && len(c.Criteria) == 0 {
		fe["criteria"] = "grants.spec.empty"
	}
}

// CanPublishFor reports whether u may publish calls for the publisher value.
func CanPublishFor(u *auth.User, publisher string) bool {
	kind, ref, _ := strings.Cut(publisher, ":")
	switch kind {
	case "lsg":
		return auth.Can(u, auth.ActEditLSGRecord, auth.Object{LSG: ref})
	case "org":
		return auth.Can(u, auth.ActEditProgramme, auth.Object{Org: ref}) || auth.Can(u, auth.ActManageOrg, auth.Object{Org: ref})
	}
	return false
}

// CreateCall saves a new call as a draft; audited.
func (s *Calls) Create(ctx context.Context, u *auth.User, in CallInput, m Meta) (*Call, error) {
	c := &Call{}
	fe := s.validate(in, c)
	if len(fe) > 0 {
		return nil, fe
	}
	if !CanPublishFor(u, in.Publisher) {
		return nil, refuse.ErrForbidden
	}
	c.PublicID = uuid.NewString()
	c.Slug = auth.Slugify(c.TextIn(c.Lang).Title) + "-" + c.PublicID[:6]
	c.Status = StatusDraft
	c.CreatedBy = actor(u)
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := insertCall(ctx, tx, c, s.Now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actor(u), Action: "grants.call.create", ObjectKind: "grant_call", ObjectRef: c.Slug, Details: map[string]string{"lsg": c.LSG, "org": c.OrgPID}, IP: m.IP})
	})
	if err != nil {
		return nil, wrap("CreateCall", err)
	}
	return c, nil
}

// UpdateCall changes a call: everything while it is a draft or has not
// opened; only the texts once it is open (applicants rely on the rules).
func (s *Calls) Update(ctx context.Context, u *auth.User, slug string, in CallInput, m Meta) (*Call, error) {
	old, err := s.callBySlug(ctx, slug)
	if err != nil {
		return nil, err
	}
	if !CanManage(u, old) {
		return nil, refuse.ErrForbidden
	}
	if old.Status == StatusDecided {
		return nil, ErrState
	}
	c := *old
	in.Publisher = publisherOf(old)
	fe := s.validate(in, &c)
	if len(fe) > 0 {
		return nil, fe
	}
	rulesLocked := old.Status != StatusDraft && !s.Now().Before(old.OpensAt)
	if rulesLocked {
		// Only the texts change; the rules stay as published.
		texts := c.Texts
		c = *old
		c.Texts = texts
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := updateCall(ctx, tx, &c, s.Now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actor(u), Action: "grants.call.update", ObjectKind: "grant_call", ObjectRef: c.Slug, Details: map[string]string{"rules_locked": strconv.FormatBool(rulesLocked)}, IP: m.IP})
	})
	if err != nil {
		return nil, wrap("UpdateCall", err)
	}
	return s.callBySlug(ctx, slug)
}

func publisherOf(c *Call) string {
	if c.LSG != "" {
		return "lsg:" + c.LSG
	}
	return "org:" + c.OrgPID
}

// PublishCall makes a draft public; audited.
func (s *Calls) Publish(ctx context.Context, u *auth.User, slug string, m Meta) error {
	c, err := s.callBySlug(ctx, slug)
	if err != nil {
		return err
	}
	if !CanManage(u, c) {
		return refuse.ErrForbidden
	}
	if c.Status != StatusDraft {
		return ErrState
	}
	return wrap("PublishCall", s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := publishCall(ctx, tx, c.ID, s.Now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actor(u), Action: "grants.call.publish", ObjectKind: "grant_call", ObjectRef: c.Slug, IP: m.IP})
	}))
}

// CallBySlug returns one call.
func (s *Calls) BySlug(ctx context.Context, slug string) (*Call, error) {
	if slug == "" || len(slug) > 200 {
		return nil, refuse.ErrNotFound
	}
	return callBy(ctx, s.db, "slug", slug)
}

func (s *core) callBySlug(ctx context.Context, slug string) (*Call, error) {
	if slug == "" || len(slug) > 200 {
		return nil, refuse.ErrNotFound
	}
	return callBy(ctx, s.db, "slug", slug)
}

func (s *core) callByID(ctx context.Context, id int64) (*Call, error) {
	return callBy(ctx, s.db, "id", id)
}

// CallByID returns one call by its row id.
func (s *Calls) ByID(ctx context.Context, id int64) (*Call, error) {
	return callBy(ctx, s.db, "id", id)
}

// CallVisible reports whether u may see the call (drafts: its managers only).
func CallVisible(u *auth.User, c *Call) bool { return c.Status != StatusDraft || CanManage(u, c) }

// CallFilter narrows ListCalls.
type CallFilter struct {
	Phase    string // "", open, upcoming, closed, decided
	LSG      string
	Currency string
	Query    string // words in the title, any script and case
	Drafts   *auth.User
	Limit    int // at most this many published calls (0: all)
	Offset   int // published calls skipped (paging)
}

// ListCalls lists published calls, newest closing first (open ones: the
// nearest deadline first), paged in SQL by closing time. Managers also see
// their drafts first when Drafts is set (on the first page). A text query
// is matched in Go (any script and case), so with one the calls of the
// phase are read in full.
func (s *Calls) List(ctx context.Context, f CallFilter) ([]*Call, error) {
	now := db.Time(s.Now())
	var out []*Call
	if f.Drafts != nil && f.Offset == 0 && f.Phase == "" {
		where, args := draftCalls(f)
		drafts, err := s.queryCalls(ctx, where, args)
		if err != nil {
			return nil, err
		}
		for _, c := range drafts {
			if CanManage(f.Drafts, c) && (f.Query == "" || matches(c, f.Query)) {
				out = append(out, c)
			}
		}
	}
	where, args := publishedCalls(f, now)
	calls, err := s.queryCalls(ctx, where, args)
	if err != nil {
		return nil, err
	}
	if f.Query == "" {
		return append(out, calls...), nil
	}
	var found []*Call
	for _, c := range calls {
		if matches(c, f.Query) {
			found = append(found, c)
		}
	}
	if f.Offset >= len(found) {
		found = nil
	} else {
		found = found[f.Offset:]
	}
	if f.Limit > 0 && len(found) > f.Limit {
		found = found[:f.Limit]
	}
	return append(out, found...), nil
}

// queryCalls reads the calls of a WHERE clause with their texts and
// parsed definitions.
func (s *core) queryCalls(ctx context.Context, where string, args []any) ([]*Call, error) {
	all, err := callsWhere(ctx, s.db, where, args...)
	if err != nil {
		return nil, wrap("ListCalls", err)
	}
	if err := loadTexts(ctx, s.db, all); err != nil {
		return nil, err
	}
	for _, c := range all {
		c.parseDefs()
	}
	return all, nil
}

// Questions lists a call's public Q&A, oldest first.
func (s *Calls) Questions(ctx context.Context, callID int64) ([]QA, error) {
	out, err := listQuestions(ctx, s.db, callID)
	return out, wrap("Questions", err)
}

// Ask adds a question to the public Q&A, until the questions deadline.
func (s *Calls) Ask(ctx context.Context, u *auth.User, c *Call, question string, m Meta) error {
	if !auth.Can(u, auth.ActParticipate, auth.Object{}) {
		return refuse.ErrForbidden
	}
	now := s.Now()
	if c.Status != StatusPublished || now.Before(c.OpensAt) || now.After(c.QuestionsUntil) {
		return ErrClosed
	}
	question = strings.TrimSpace(question)
	if question == "" || !validText(question, 2000) {
		return FieldErrors{"question": "form.required"}
	}
	return wrap("Ask", s.db.InTx(ctx, func(tx *db.Tx) error {
		pid := uuid.NewString()
		if err := insertQuestion(ctx, tx, pid, c.ID, u.ID, question, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: u.ID, Action: "grants.question.ask", ObjectKind: "grant_call", ObjectRef: c.Slug, Details: map[string]string{"question": pid}, IP: m.IP})
	}))
}

// Answer answers a question for everyone (the call's managers).
func (s *Calls) Answer(ctx context.Context, u *auth.User, c *Call, qid, answer string, m Meta) error {
	if !CanManage(u, c) {
		return refuse.ErrForbidden
	}
	answer = strings.TrimSpace(answer)
	if answer == "" || !validText(answer, 5000) {
		return FieldErrors{"answer": "form.required"}
	}
	return wrap("Answer", s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := answerQuestion(ctx, tx, c.ID, qid, answer, u.ID, s.Now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: u.ID, Action: "grants.question.answer", ObjectKind: "grant_call", ObjectRef: c.Slug, Details: map[string]string{"question": qid}, IP: m.IP})
	}))
}
