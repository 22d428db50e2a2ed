package dialogue

import (
	"context"
	"strings"
	"time"

	"github.com/dijalog/dijalog/internal/audit"
	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/money"
)

// The role terms of an initiative's public money history: the role in
// which a person changed public money, with the place code of the LSG or
// the slug of the platform it is scoped to ("lsg_staff:ba-fbih-mostar").
// The audit log keeps the account; the history shows the role only, never
// a person's name or e-mail.
const (
	ActorAdmin           = "admin"            // a platform administrator
	ActorLSGCoordinator  = "lsg_coordinator"  // + ":" + LSG code
	ActorLSGStaff        = "lsg_staff"        // + ":" + LSG code
	ActorPlatformManager = "platform_manager" // + ":" + platform slug: its coordinator or deputy
	ActorEditor          = "editor"           // in no role above
	ActorSystem          = "system"           // demo data, the CLI
)

// lsgRole is u's LSG role in one of lsgs ("lsg_staff:ba-fbih-mostar"),
// the coordinator's first, or "".
func lsgRole(u *auth.User, lsgs []string) string {
	for _, r := range []auth.Role{auth.RoleLSGCoordinator, auth.RoleLSGStaff} {
		for _, code := range lsgs {
			if u.Has(r, auth.ScopeLSG, code) {
				return string(r) + ":" + code
			}
		}
	}
	return ""
}

// financeRole is the role in which u, who may finance x (CanFinance),
// records its money: an LSG role of x's LSG (of one of p's when x names
// none), else an administrator.
func financeRole(u *auth.User, p *Platform, x *Initiative) string {
	if u == nil {
		return ActorSystem
	}
	lsgs := p.LSGs
	if x.LSG != "" {
		lsgs = []string{x.LSG}
	}
	if r := lsgRole(u, lsgs); r != "" {
		return r
	}
	if u.IsAdmin() {
		return ActorAdmin
	}
	return ActorEditor
}

// manageRole is the role in which u, a manager of p, runs its ballots: an
// LSG role of one of p's LSGs, an administrator, or the platform's
// coordinator or deputy.
func (c *core) manageRole(ctx context.Context, u *auth.User, p *Platform) string {
	if u == nil {
		return ActorSystem
	}
	if r := lsgRole(u, p.LSGs); r != "" {
		return r
	}
	if u.IsAdmin() {
		return ActorAdmin
	}
	if m, err := membership(ctx, c.db, p.ID, u.ID); err == nil && m != nil && m.Status == MemberActive && (m.Role == RoleCoordinator || m.Role == RoleDeputy) {
		return ActorPlatformManager + ":" + p.Slug
	}
	return ActorEditor
}

// The audit actions of an initiative's money, which its public history
// lists (with the co-financing decision, "dialogue.initiative.cofinanced").
const (
	actShare        = "dialogue.financing.share"
	actDisbursement = "dialogue.financing.disbursement"
	actCofinanced   = "dialogue.initiative." + StateCofinanced
	actBallotItem   = "dialogue.ballot.item"   // x put on a ballot, with the ballot's budget
	actBallotFunded = "dialogue.ballot.funded" // x funded by a ballot's result
)

// moneyDetails are the audit details of a change of amount a to one of
// x's totals, which stood at old (minor units of a's currency): the role,
// the amount and the total before and after.
func moneyDetails(u *auth.User, p *Platform, x *Initiative, a money.Amount, old int64) map[string]string {
	return map[string]string{"role": financeRole(u, p, x), "amount": a.String(),
		"old": money.New(old, a.Currency).String(), "new": money.New(old+a.Minor, a.Currency).String()}
}

// MoneyEvent is one change of an initiative's money, as its page lists it.
type MoneyEvent struct {
	At     time.Time
	Action string // share, disbursement, cofinanced, item (on a ballot), funded
	Role   string // a role term (see ActorAdmin); "" for an entry older than the role
	Amount money.Amount
	// Before and After are the total that changed (the plan, the
	// payments), zero when the entry does not record them.
	Before, After money.Amount
	HasTotals     bool
	// Source, Name and Note of a share; the day of a payment (Date); the
	// ballot's title and budget.
	Source, Name, Note, Date string
	Ballot                   string
	Budget                   money.Amount
}

// MoneyHistory lists the changes of x's money, newest first, from the
// audit log: the shares of its financing plan, the co-financing decision,
// the payments, the ballots it was on and what they funded.
func (s *Money) MoneyHistory(ctx context.Context, x *Initiative) ([]MoneyEvent, error) {
	es, err := allEntries(ctx, s, "initiative", x.PublicID)
	if err != nil {
		return nil, wrap("MoneyHistory", err)
	}
	var out []MoneyEvent
	for _, e := range es {
		ev := MoneyEvent{At: e.At, Role: e.Details["role"], Amount: amountOf(e.Details["amount"])}
		switch e.Action {
		case actShare:
			ev.Action = "share"
			ev.Source, ev.Name, ev.Note = e.Details["source"], e.Details["name"], e.Details["note"]
		case actDisbursement:
			ev.Action = "disbursement"
			ev.Date = e.Details["paid_on"]
		case actCofinanced:
			if e.Details["amount"] == "" {
				continue // decided before the history: the timeline shows the step
			}
			ev.Action = "cofinanced"
		case actBallotItem, actBallotFunded:
			ev.Action = strings.TrimPrefix(e.Action, "dialogue.ballot.")
			ev.Ballot, ev.Budget = e.Details["ballot"], amountOf(e.Details["budget"])
		default:
			continue
		}
		if o, n := e.Details["old"], e.Details["new"]; o != "" && n != "" {
			ev.Before, ev.After, ev.HasTotals = amountOf(o), amountOf(n), true
		}
		out = append(out, ev)
	}
	return out, nil
}

// allEntries reads every audit entry of an object, newest first, a page
// at a time (an initiative's follows are logged too, and may be many).
func allEntries(ctx context.Context, s *Money, kind, ref string) ([]audit.Entry, error) {
	const page = 500
	var out []audit.Entry
	f := audit.Filter{ObjectKind: kind, ObjectRef: ref, Limit: page}
	for {
		es, err := audit.List(ctx, s.db, f)
		if err != nil {
			return nil, err
		}
		out = append(out, es...)
		if len(es) < page {
			return out, nil
		}
		f.BeforeID = es[len(es)-1].ID
	}
}

// amountOf reads an amount as the audit log stores it ("6000.00 BAM");
// zero when it is not one.
func amountOf(s string) money.Amount {
	v, cur, ok := strings.Cut(strings.TrimSpace(s), " ")
	if !ok {
		return money.Amount{}
	}
	a, err := money.Parse(v, cur)
	if err != nil {
		return money.Amount{}
	}
	return a
}
