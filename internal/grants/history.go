package grants

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/dijalog/dijalog/internal/audit"
	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/money"
)

// The role terms of an award's public history: the role in which a person
// changed public money, with the place code of the LSG or the public id of
// the organisation it is scoped to ("lsg_staff:ba-fbih-mostar"). The
// audit log keeps the account; the history shows the role only, never a
// person's name or e-mail.
const (
	ActorAdmin            = "admin"             // a platform administrator
	ActorLSGCoordinator   = "lsg_coordinator"   // + ":" + LSG code
	ActorLSGStaff         = "lsg_staff"         // + ":" + LSG code
	ActorProgrammeManager = "programme_manager" // + ":" + organisation public id
	ActorCSORep           = "cso_rep"           // + ":" + organisation public id
	ActorEditor           = "editor"            // a signed-in person in no role above; entries older than the role
	ActorSystem           = "system"            // demo data, the CLI
)

// roleOf is the role in which u manages the call c's money: its LSG's
// coordinator or staff, its organisation's programme manager or
// representative, else an administrator.
func roleOf(u *auth.User, c *Call) string {
	if u == nil {
		return ActorSystem
	}
	if c.LSG != "" {
		for _, r := range []auth.Role{auth.RoleLSGCoordinator, auth.RoleLSGStaff} {
			if u.Has(r, auth.ScopeLSG, c.LSG) {
				return string(r) + ":" + c.LSG
			}
		}
	}
	if c.OrgPID != "" {
		for _, r := range []auth.Role{auth.RoleProgrammeManager, auth.RoleCSORep} {
			if u.Has(r, auth.ScopeOrg, c.OrgPID) {
				return string(r) + ":" + c.OrgPID
			}
		}
	}
	if u.IsAdmin() {
		return ActorAdmin
	}
	return ActorEditor
}

// The audit actions of an award's money, which its public history lists.
const (
	actAwardCreate = "grants.award.create"
	actContract    = "grants.award.contract"
	actInstalment  = "grants.award.instalment"
	actPaid        = "grants.award.paid"
)

// moneyAudit records a change of an award's money in tx: the role, the
// amount of the change and the total it changed (old and new), plus the
// action's own details.
func moneyAudit(ctx context.Context, q db.Querier, u *auth.User, c *Call, action, awardPID string, details map[string]string, m Meta) error {
	details["role"] = roleOf(u, c)
	return recordAudit(ctx, q, u, action, "grant_award", awardPID, details, m)
}

// dec is minor units of cur as a plain decimal ("4900.00").
func dec(minor int64, cur string) string { return money.New(minor, cur).Decimal() }

// HistoryEntry is one change of an award's money, as its page lists it.
type HistoryEntry struct {
	At     time.Time
	Action string // award, contract, instalment, paid
	Role   string // a role term (see ActorAdmin); "" for an entry older than the role
	// Amount is the amount the change concerns (the award, the instalment
	// planned or paid); zero for a contract.
	Amount money.Amount
	DueOn  string // of the instalment
	// Before and After are the total that changed (the award, the
	// planned instalments, the payments) or, for a contract, its number
	// and period; "" when there was none.
	Before, After string
}

// History lists the changes of w's money, newest first, from the audit
// log: the award, its contract, the instalments planned and paid.
func (s *Awards) History(ctx context.Context, w *Award) ([]HistoryEntry, error) {
	var es []audit.Entry
	f := audit.Filter{ObjectKind: "grant_award", ObjectRef: w.PublicID, Limit: 500}
	for {
		page, err := audit.List(ctx, s.db, f)
		if err != nil {
			return nil, wrap("History", err)
		}
		es = append(es, page...)
		if len(page) < f.Limit {
			break
		}
		f.BeforeID = page[len(page)-1].ID
	}
	out := make([]HistoryEntry, 0, len(es))
	for _, e := range es {
		h := HistoryEntry{At: e.At, Role: e.Details["role"], Amount: money.New(0, w.Currency), DueOn: e.Details["due_on"]}
		amount := func(k string) money.Amount {
			a, err := money.Parse(e.Details[k], w.Currency)
			if err != nil {
				return money.New(0, w.Currency)
			}
			return a
		}
		switch e.Action {
		case actAwardCreate:
			h.Action = "award"
			if _, ok := e.Details["currency"]; ok {
				h.Amount = amount("amount")
			} else if n, err := strconv.ParseInt(e.Details["amount"], 10, 64); err == nil {
				h.Amount = money.New(n, w.Currency) // written in minor units before the history
			}
			h.After = h.Amount.Decimal()
		case actContract:
			h.Action = "contract"
			h.Before = contractText(e.Details["old_contract_no"], e.Details["old_starts_on"], e.Details["old_ends_on"])
			h.After = contractText(e.Details["contract_no"], e.Details["starts_on"], e.Details["ends_on"])
		case actInstalment, actPaid:
			h.Action = strings.TrimPrefix(e.Action, "grants.award.")
			h.Amount = amount("amount")
			h.Before, h.After = e.Details["old"], e.Details["new"]
			if e.Details["amount"] == "" { // a payment recorded before the history named the instalment only
				id, _ := strconv.ParseInt(e.Details["instalment"], 10, 64)
				if in, err := instalmentOf(ctx, s.db, w.ID, id); err == nil {
					h.Amount, h.DueOn = money.New(in.Amount, w.Currency), in.DueOn
				}
			}
		default:
			continue
		}
		out = append(out, h)
	}
	return out, nil
}

// contractText is a contract's number and period as the history shows it
// ("" for none).
func contractText(no, starts, ends string) string {
	if no == "" && starts == "" {
		return ""
	}
	return strings.TrimSpace(no + " " + starts + " – " + ends)
}
