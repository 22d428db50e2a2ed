package projects

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/dijalog/dijalog/internal/i18n"
	"github.com/dijalog/dijalog/internal/money"
	"github.com/dijalog/dijalog/internal/places"
)

// moneyEvent is one change of a project's budget or transactions, as the
// project's page lists it.
type moneyEvent struct {
	At     time.Time
	Who    string // a role, never a person
	What   string
	Before []string
	After  []string
}

// moneyHistory lists, newest first, the changes of p's budget and
// transactions from its history.
func (h *handlers) moneyHistory(ctx context.Context, pr *i18n.Printer, p *Project, names map[string]places.Place) ([]moneyEvent, error) {
	hs, err := h.svc.History(ctx, p)
	if err != nil {
		return nil, err
	}
	var out []moneyEvent
	for _, e := range hs {
		who := actorLabel(pr, names, e.Actor)
		for _, c := range e.Diff {
			switch c.Field {
			case "budget":
				out = append(out, moneyEvent{At: e.At, Who: who, What: pr.T("projects.field.budget"),
					Before: nonEmpty(amountText(pr, c.Old)), After: nonEmpty(amountText(pr, c.New))})
			case "transactions":
				removed, added := lineDiff(c.Old, c.New)
				ev := moneyEvent{At: e.At, Who: who, What: pr.T("projects.money_history.transactions")}
				for _, l := range removed {
					ev.Before = append(ev.Before, h.txText(pr, l))
				}
				for _, l := range added {
					ev.After = append(ev.After, h.txText(pr, l))
				}
				out = append(out, ev)
			}
		}
	}
	return out, nil
}

// actorLabel names the role a change was made in ("LSG staff of
// Trnovo"); an entry written before roles were recorded is "an editor".
func actorLabel(pr *i18n.Printer, names map[string]places.Place, actor string) string {
	role, lsg, scoped := strings.Cut(actor, ":")
	switch role {
	case ActorLSGCoordinator, ActorLSGStaff:
		if !scoped {
			break
		}
		name := lsg
		if pl, ok := names[lsg]; ok {
			name = pl.NameLat
		}
		return pr.T("projects.actor."+role, "lsg", name)
	case ActorAdmin, ActorOwnerOrg, ActorPartnerOrg, ActorImport, ActorSystem, ActorEditor:
		if !scoped {
			return pr.T("projects.actor." + role)
		}
	}
	return pr.T("projects.actor." + ActorEditor)
}

// amountText shows a stored amount ("42632.50 EUR") in the reader's
// locale ("" stays "").
func amountText(pr *i18n.Printer, s string) string {
	v, cur, ok := strings.Cut(s, " ")
	if !ok {
		return s
	}
	a, err := money.Parse(v, cur)
	if err != nil {
		return s
	}
	return a.Format(pr, false)
}

// txText shows a stored transaction line ("3 2021-06-30 640000.50 USD
// note"): its date, type, amount and note.
func (h *handlers) txText(pr *i18n.Printer, line string) string {
	f := strings.SplitN(line, " ", 5)
	if len(f) < 4 {
		return line
	}
	typ, err := strconv.Atoi(f[0])
	if err != nil {
		return line
	}
	out := pr.ShortDateText(f[1]) + " · " + txLabel(pr, h.svc.cl, typ) + " · " + amountText(pr, f[2]+" "+f[3])
	if len(f) == 5 && strings.TrimSpace(f[4]) != "" {
		out += " · " + pr.Show(strings.TrimSpace(f[4]))
	}
	return out
}

// lineDiff is what old's lines ("; "-separated) lose and new's gain.
func lineDiff(old, new string) (removed, added []string) {
	count := map[string]int{}
	for _, l := range splitLines(old) {
		count[l]++
	}
	for _, l := range splitLines(new) {
		if count[l] > 0 {
			count[l]--
			continue
		}
		added = append(added, l)
	}
	for _, l := range splitLines(old) {
		if count[l] > 0 {
			count[l]--
			removed = append(removed, l)
		}
	}
	return removed, added
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "; ")
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}
