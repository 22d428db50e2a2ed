// Package grants runs open calls for civil-society organisations: calls with
// their eligibility, form and timeline, applications with drafts and
// receipts, independent assessment, decisions, awards and reports, and the
// public registry of who funded whom.
package grants

import (
	"database/sql"
	"fmt"
	"time"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/money"
	"github.com/dijalog/dijalog/internal/refuse"
)

// The grants rules' own refusals, beyond the refuse sentinels: each is a
// flavour of refuse.ErrConflict (errors.Is holds) with the catalogue key of
// its message, which the handlers show instead of the sentinel's.
var (
	// ErrClosed means the call is not open: before it opens or after it closes.
	ErrClosed = refuse.Key(refuse.ErrConflict, "grants.error.closed")
	// ErrStale means somebody else saved the record since it was loaded.
	ErrStale = refuse.Key(refuse.ErrConflict, "grants.error.stale")
	// ErrState means the record is not in a state that allows the change.
	ErrState = refuse.Key(refuse.ErrConflict, "grants.error.state")
)

// FieldErrors maps form fields to catalogue keys (the one type of internal/web).
type FieldErrors = refuse.FieldErrors

// Call statuses as stored.
const (
	StatusDraft     = "draft"
	StatusPublished = "published"
	StatusDecided   = "decided"
)

// Phases of a call, derived from its status and the clock.
const (
	PhaseDraft    = "draft"
	PhaseUpcoming = "upcoming"
	PhaseOpen     = "open"
	PhaseClosed   = "closed"
	PhaseDecided  = "decided"
)

// Text is a call's title and text in one language.
type Text struct {
	Lang  string
	Title string
	Body  string
}

// Call is an open call for proposals.
type Call struct {
	ID             int64
	PublicID       string
	Slug           string
	LSG            string // place code when an LSG publishes it
	OrgPID         string // organisation public id when a programme or CSO publishes it
	Funder         string // display name of the publisher
	Lang           string // language of the main text
	Currency       string
	Total          int64
	Min            int64
	Max            int64
	OwnSharePct    int
	DivergencePct  int
	OpensAt        time.Time
	QuestionsUntil time.Time
	ClosesAt       time.Time
	EligibilityDef string
	FormDef        string
	CriteriaDef    string
	Status         string
	DecidedAt      sql.NullTime
	CreatedBy      int64
	CreatedAt      time.Time
	UpdatedAt      time.Time
	Texts          []Text

	Eligibility []Question
	Form        []Field
	Criteria    []Criterion
}

// Money wraps a minor-unit amount in the call's currency.
func (c *Call) Money(minor int64) money.Amount { return money.New(minor, c.Currency) }

// TextIn picks the text in lang, else the Serbian/Bosnian/Croatian sibling,
// else the main text.
func (c *Call) TextIn(lang string) Text {
	if len(c.Texts) == 0 {
		return Text{}
	}
	if lang == "sr-Cyrl" {
		lang = "sr-Latn"
	}
	for _, t := range c.Texts {
		if t.Lang == lang {
			return t
		}
	}
	for _, t := range c.Texts {
		if t.Lang == c.Lang {
			return t
		}
	}
	return c.Texts[0]
}

// Phase is where the call stands at now.
func (c *Call) Phase(now time.Time) string {
	switch {
	case c.Status == StatusDraft:
		return PhaseDraft
	case c.Status == StatusDecided:
		return PhaseDecided
	case now.Before(c.OpensAt):
		return PhaseUpcoming
	case !now.Truncate(time.Second).After(c.ClosesAt):
		return PhaseOpen
	}
	return PhaseClosed
}

// AcceptsAt reports whether a submission or change at now lands: from the
// opening to the closing second inclusive (23:59:59 lands, 00:00:00 not).
func (c *Call) AcceptsAt(now time.Time) bool {
	return c.Status == StatusPublished && !now.Before(c.OpensAt) && !now.Truncate(time.Second).After(c.ClosesAt)
}

// Object is the permission object of the call for auth.Can.
func (c *Call) Object() auth.Object { return auth.Object{LSG: c.LSG, Org: c.OrgPID} }

// CanManage reports whether u may edit the call, assess its applications'
// assignments and decide: the LSG's staff for an LSG's call, the programme's
// managers or the re-granting CSO's representatives for an organisation's
// call, and administrators.
func CanManage(u *auth.User, c *Call) bool {
	if c.LSG != "" {
		return auth.Can(u, auth.ActEditLSGRecord, auth.Object{LSG: c.LSG})
	}
	return auth.Can(u, auth.ActEditProgramme, auth.Object{Org: c.OrgPID}) || auth.Can(u, auth.ActManageOrg, auth.Object{Org: c.OrgPID})
}

// Question of the public Q&A.
type QA struct {
	PublicID   string
	Question   string
	Answer     string
	AskedAt    time.Time
	AnsweredAt sql.NullTime
}

// Application statuses.
const (
	AppDraft     = "draft"
	AppSubmitted = "submitted"
	AppWithdrawn = "withdrawn"
)

// Decisions.
const (
	DecisionAward   = "award"
	DecisionReserve = "reserve"
	DecisionReject  = "reject"
)

// BudgetLine is one line of an application's budget: its total cost and the
// part requested from the call; the rest is the applicant's own share.
type BudgetLine struct {
	Item      string `json:"item"`
	Cost      int64  `json:"cost"`
	Requested int64  `json:"requested"`
}

// Application is a CSO's application to a call.
type Application struct {
	ID             int64
	PublicID       string
	CallID         int64
	OrgPID         string
	OrgName        string
	OrgJIB         string // the registration number (JIB) the organisation gives; "" when not given
	Title          string
	Status         string
	Version        int
	Eligibility    map[string]string // question key -> "yes" / "no"
	Eligible       bool
	Answers        map[string]string // field key -> value (file fields: the file's public id)
	Budget         []BudgetLine
	TotalCost      int64
	Requested      int64
	SubmittedAt    sql.NullTime
	Receipt        string
	Decision       string
	DecisionReason string
	UpdatedBy      int64
	UpdatedByName  string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// OwnShare is the applicant's own contribution.
func (a *Application) OwnShare() int64 { return a.TotalCost - a.Requested }

// OwnSharePermille is the own share as tenths of a percent of the total cost.
func (a *Application) OwnSharePermille() int64 {
	if a.TotalCost <= 0 {
		return 0
	}
	return a.OwnShare() * 1000 / a.TotalCost
}

// File is an uploaded attachment.
type File struct {
	ID          int64
	PublicID    string
	OwnerKind   string
	OwnerID     int64
	Field       string
	Filename    string
	ContentType string
	Size        int64
	SHA256      string
	CreatedAt   time.Time
}

// Assignment statuses.
const (
	AsgAssigned  = "assigned"
	AsgDeclared  = "declared"
	AsgConflict  = "conflict"
	AsgSubmitted = "submitted"
)

// Assignment is one assessor's work on one application.
type Assignment struct {
	ID            int64
	ApplicationID int64
	AppPID        string
	AppTitle      string
	OrgName       string
	CallSlug      string
	AssessorID    int64
	AssessorName  string
	Status        string
	Third         bool
	Comment       string
	TotalPct      int // tenths of a percent
	Scores        map[int]Score
	SubmittedAt   sql.NullTime
}

// Score is the points given for one criterion.
type Score struct {
	Points  int
	Comment string
}

// Award is a grant given.
type Award struct {
	ID         int64
	PublicID   string
	AppID      int64
	AppPID     string
	Title      string
	OrgPID     string
	OrgName    string
	CallSlug   string
	CallTitle  string
	LSG        string
	Funder     string
	Amount     int64
	Currency   string
	ContractNo string
	StartsOn   string
	EndsOn     string
	AwardedAt  time.Time
}

// Money is the award's amount.
func (a *Award) Money() money.Amount { return money.New(a.Amount, a.Currency) }

// Instalment is one planned payment of an award.
type Instalment struct {
	ID     int64
	DueOn  string
	Amount int64
	PaidAt sql.NullTime
}

// Report is a narrative or financial report due under an award.
type Report struct {
	ID          int64
	PublicID    string
	AwardID     int64
	Kind        string
	DueOn       string
	Status      string
	Body        string
	Review      string
	SubmittedAt sql.NullTime
	ReviewedAt  sql.NullTime
	Files       []File
}

// Support is one record of the "who funded whom" registry.
type Support struct {
	ID        int64
	PublicID  string
	Year      int
	LSG       string
	Funder    string
	Recipient string
	OrgPID    string
	JIB       string // the recipient's registration number (JIB), when given
	Amount    int64
	Currency  string
	Purpose   string
	Procedure string // open_call | direct
	AwardPID  string
	Source    string // award | import
	AwardDate string // YYYY-MM-DD
	StartsOn  string // the award's contract period (YYYY-MM-DD), when known
	EndsOn    string

	// The euro value, set by Registry.ToEUR: the amount at the rate of
	// its award date (Rate; none for euro), unless Converted is false (no
	// rate for the currency).
	EUR       int64
	Rate      Rate
	Converted bool
}

// Money is the record's amount.
func (s *Support) Money() money.Amount { return money.New(s.Amount, s.Currency) }

func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("grants.%s: %w", op, err)
}
