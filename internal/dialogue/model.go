// Package dialogue runs local dialogue platforms (LDP, "Forums for civic
// initiatives") and inter-municipal platforms (MLDP): members and roles,
// priority areas, yearly action plans, meetings with minutes and an iCal
// feed, citizens' initiatives with their audited life-cycle, supports that
// stay exact under concurrency, resident verification, co-financing,
// disbursements and progress reports, and the public "where the money
// went" page.
//
// Permissions. Platform work is done by its managers: a global admin, an
// LSG coordinator (auth.ActManageLSGTeam) of any of the platform's LSGs, or
// an active platform member with the platform role coordinator or deputy.
// A platform coordinator may be a citizen without any LSG grant: the role is
// stored in dlg_members and gives power over that platform only (members,
// priorities, plan, meetings, admissibility, selection). Money is the
// municipality's record: financing plans, disbursements and the
// co-financed/implementation/done steps need auth.ActEditLSGRecord for one
// of the initiative's own LSG (or admin). Progress reports may also be written by
// the initiative's author. Records of one LSG on an inter-municipal
// platform (residency, an initiative's money) are kept only by people who
// hold a role in that LSG: managing the platform is not enough.
package dialogue

import (
	"time"

	"github.com/dijalog/dijalog/internal/money"
	"github.com/dijalog/dijalog/internal/refuse"
)

// The domain's own refusals: each is a flavour of a refuse sentinel
// (errors.Is(ErrClosed, refuse.ErrConflict) holds) with the catalogue key of
// its message, which the handlers show instead of the sentinel's.
var (
	ErrClosed               = refuse.Key(refuse.ErrConflict, "dialogue.support.closed")
	ErrAlreadySupported     = refuse.Key(refuse.ErrConflict, "dialogue.support.already")
	ErrNotSupported         = refuse.Key(refuse.ErrConflict, "dialogue.support.none")
	ErrVerificationRequired = refuse.Key(refuse.ErrForbidden, "dialogue.support.verify")
	ErrBadTransition        = refuse.Key(refuse.ErrConflict, "dialogue.transition.invalid")
	ErrBallotClosed         = refuse.Key(refuse.ErrConflict, "dialogue.ballot.closed")
	ErrAlreadyVoted         = refuse.Key(refuse.ErrConflict, "dialogue.ballot.already")
	ErrOtherLSG             = refuse.Key(refuse.ErrForbidden, "dialogue.ballot.other_lsg")
	ErrNotYourLSG           = refuse.Key(refuse.ErrForbidden, "dialogue.lsg.not_yours")
)

// FieldErrors maps form fields to catalogue keys (the one type of internal/web).
type FieldErrors = refuse.FieldErrors

// Member roles on a platform.
const (
	RoleCoordinator    = "coordinator"
	RoleDeputy         = "deputy"
	RoleMember         = "member"
	RoleYouthActivist  = "youth_activist"
	RoleMunicipalStaff = "municipal_staff"
)

// Roles lists the platform roles in display order.
func Roles() []string {
	return []string{RoleCoordinator, RoleDeputy, RoleMember, RoleYouthActivist, RoleMunicipalStaff}
}

func validRole(r string) bool {
	for _, x := range Roles() {
		if x == r {
			return true
		}
	}
	return false
}

// Membership states.
const (
	MemberRequested = "requested"
	MemberInvited   = "invited"
	MemberActive    = "active"
)

// Initiative states.
const (
	StateDraft          = "draft"
	StateSubmitted      = "submitted"
	StateAdmissible     = "admissible"
	StateNotAdmissible  = "not_admissible"
	StateOpen           = "open"
	StateSelected       = "selected"
	StateCofinanced     = "cofinanced"
	StateImplementation = "implementation"
	StateDone           = "done"
	StateRejected       = "rejected"
	StateWithdrawn      = "withdrawn"
)

// States lists every state in life-cycle order.
func States() []string {
	return []string{StateDraft, StateSubmitted, StateAdmissible, StateNotAdmissible, StateOpen, StateSelected, StateCofinanced, StateImplementation, StateDone, StateRejected, StateWithdrawn}
}

// Who may make a transition.
const (
	byAuthor  = "author"
	byManager = "manager"
	byFinance = "finance"
)

// transitions: from -> to -> who may do it.
var transitions = map[string]map[string]string{
	StateDraft:          {StateSubmitted: byAuthor, StateWithdrawn: byAuthor},
	StateSubmitted:      {StateAdmissible: byManager, StateNotAdmissible: byManager, StateWithdrawn: byAuthor},
	StateAdmissible:     {StateOpen: byManager, StateRejected: byManager, StateWithdrawn: byAuthor},
	StateOpen:           {StateSelected: byManager, StateRejected: byManager, StateWithdrawn: byAuthor},
	StateSelected:       {StateCofinanced: byFinance, StateRejected: byManager},
	StateCofinanced:     {StateImplementation: byFinance},
	StateImplementation: {StateDone: byFinance},
}

// NeedsReason reports whether moving to state needs a written reason.
func NeedsReason(to string) bool { return to == StateNotAdmissible || to == StateRejected }

// Platform is a local or inter-municipal dialogue platform.
type Platform struct {
	ID                   int64
	Slug                 string
	Name                 string
	Description          string
	RequiresVerification bool
	SupportGoal          int      // supports an open initiative needs before the selection meeting; 0: none
	LSGs                 []string // place codes; more than one: inter-municipal
	CreatedAt            time.Time
}

// InterMunicipal reports whether the platform spans several LSGs.
func (p *Platform) InterMunicipal() bool { return len(p.LSGs) > 1 }

// HasLSG reports whether code is one of the platform's LSGs.
func (p *Platform) HasLSG(code string) bool {
	for _, c := range p.LSGs {
		if c == code {
			return true
		}
	}
	return false
}

// Member is a person on a platform.
type Member struct {
	ID       int64
	UserID   int64
	UserPID  string
	Name     string
	Email    string
	Role     string
	Status   string
	JoinedAt time.Time
}

// Priority is a priority area of a platform.
type Priority struct {
	ID   int64
	Name string
	Tags string // e.g. "SDG 16.7, DAC 15150"
}

// Action is one line of a platform's yearly action plan.
type Action struct {
	ID       int64
	Year     int
	Title    string
	Owner    string
	Deadline string // YYYY-MM-DD or ""
	Status   string
}

// ActionStatuses lists the states of an action.
func ActionStatuses() []string { return []string{"planned", "in_progress", "done", "cancelled"} }

// Meeting is a platform meeting.
type Meeting struct {
	ID          int64
	PublicID    string
	PlatformID  int64
	Title       string
	StartsAt    time.Time
	EndsAt      time.Time
	Place       string
	OnlineURL   string
	Agenda      string
	MinutesMD   string
	MinutesHTML string
	Registered  int
	Attended    int
}

// Registration is a person registered for a meeting.
type Registration struct {
	UserID   int64
	UserPID  string
	Name     string
	Attended bool
}

// Decision is a decision recorded at a meeting.
type Decision struct {
	ID              int64
	Text            string
	InitiativePID   string
	InitiativeTitle string
}

// Initiative is a citizens' proposal on a platform.
type Initiative struct {
	ID             int64
	PublicID       string
	PlatformID     int64
	PlatformSlug   string
	PlatformName   string
	SupportGoal    int       // the platform's (see Platform.SupportGoal)
	SupportUntil   time.Time // open: the platform's next meeting, which decides; zero when none is planned
	AuthorID       int64
	AuthorName     string
	LSG            string
	LocalCommunity string
	PriorityID     int64
	PriorityName   string
	Title          string
	Problem        string
	Solution       string
	Cost           money.Amount
	State          string
	Reason         string
	Supports       int
	MeetingPID     string
	MeetingTitle   string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// GoalPercent is how far the initiative's supports are towards its
// platform's goal, 0..100 (0 without a goal).
func (x Initiative) GoalPercent() int {
	if x.SupportGoal <= 0 {
		return 0
	}
	return min(x.Supports*100/x.SupportGoal, 100)
}

// GoalReached reports whether the initiative has the supports its
// platform asks for.
func (x Initiative) GoalReached() bool { return x.SupportGoal > 0 && x.Supports >= x.SupportGoal }

// StateGroups are the filters of the initiatives' list, each a set of
// states, in the order a person looks for them: open for support first.
func StateGroups() []string { return []string{"open", "review", "selected", "done", "closed"} }

// statesOf lists the states of a group of StateGroups (nil for "" and
// an unknown group).
func statesOf(group string) []string {
	switch group {
	case "open":
		return []string{StateOpen}
	case "review":
		return []string{StateSubmitted, StateAdmissible}
	case "selected":
		return []string{StateSelected, StateCofinanced, StateImplementation}
	case "done":
		return []string{StateDone}
	case "closed":
		return []string{StateNotAdmissible, StateRejected, StateWithdrawn}
	}
	return nil
}

// Event is one step on an initiative's public timeline.
type Event struct {
	At        time.Time
	ActorName string
	From, To  string
	Note      string
}

// Share is one source of an initiative's financing plan.
type Share struct {
	ID         int64
	Source     string // lsg, donor, other
	Name       string // the LSG, the donor programme, or another source
	ProjectRef string // public id of a project of the registry, if any
	Amount     money.Amount
	Note       string // why the plan goes over the estimated cost, when it does
}

// Disbursement is money paid out for an initiative.
type Disbursement struct {
	ID     int64
	PaidOn string
	Amount money.Amount
	Note   string
}

// Report is a progress report of an initiative.
type Report struct {
	ID         int64
	AuthorName string
	Body       string
	Percent    int
	At         time.Time
	Photos     []Photo
}

// Photo is an image of an initiative or of a progress report.
type Photo struct {
	ID          int64
	PublicID    string
	ReportID    int64
	ContentType string
	Size        int64
	Width       int
	Height      int
	Caption     string
}

// MoneySummary is the "where the money went" of a platform.
type MoneySummary struct {
	Cofinanced int            // initiatives with a financing plan
	Done       int            // of which done
	Selected   int            // initiatives selected at meetings
	Totals     []money.Amount // planned, per currency
	BySource   []SourceTotal
	Paid       []money.Amount // disbursed, per currency
	Rows       []MoneyRow
	ByPlatform []PlatformMoney
}

// PlatformMoney is one platform's part of a money summary.
type PlatformMoney struct {
	Slug, Name  string
	Initiatives int
	Done        int
	Planned     []money.Amount
	planned     map[string]int64
}

// SourceTotal is the planned money of one kind of source in one currency.
type SourceTotal struct {
	Source string
	Name   string
	Key    string // of a donor programme (see Programme.Key)
	Amount money.Amount
}

// MoneyRow is one co-financed initiative on the money page.
type MoneyRow struct {
	PublicID     string
	Title        string
	PlatformSlug string
	PlatformName string
	State        string
	Planned      money.Amount
	Paid         money.Amount
	Percent      int
}
