package grants

import (
	"net/http"
	"strings"
	"time"

	"github.com/dijalog/dijalog/internal/i18n"
	"github.com/dijalog/dijalog/internal/money"
)

// historyRow is one change of an award's money as its page shows it: when,
// who (a role, never a person), what, and the total before and after.
type historyRow struct {
	At            time.Time
	Who, What     string
	Before, After string
}

// moneyHistory is the public history of w's money, newest first.
func (h awardPages) moneyHistory(r *http.Request, w *Award, lsgNames map[string]string) ([]historyRow, error) {
	hs, err := h.svc.Awards.History(r.Context(), w)
	if err != nil {
		return nil, err
	}
	pr := h.srv.Cat.Printer(loc(r))
	orgNames := map[string]string{}
	amount := func(s string) string {
		if s == "" {
			return ""
		}
		a, err := money.Parse(s, w.Currency)
		if err != nil {
			return ""
		}
		return a.Format(pr, false)
	}
	out := make([]historyRow, 0, len(hs))
	for _, e := range hs {
		row := historyRow{At: e.At, Who: h.actorLabel(r, pr, lsgNames, orgNames, e.Role, w)}
		switch e.Action {
		case "award":
			row.What = pr.T("grants.history.award")
			row.After = e.Amount.Format(pr, false)
		case "contract":
			row.What = pr.T("grants.history.contract")
			row.Before, row.After = pr.Dates(e.Before), pr.Dates(e.After)
		case "instalment", "paid":
			row.What = pr.T("grants.history."+e.Action, "amount", e.Amount.Format(pr, false), "due", pr.ShortDateText(e.DueOn))
			row.Before, row.After = amount(e.Before), amount(e.After)
		}
		out = append(out, row)
	}
	return out, nil
}

// actorLabel names the role a change was made in ("LSG staff of Mostar",
// "programme manager of UNDP"); an entry older than the role is "a
// manager of the call".
func (h awardPages) actorLabel(r *http.Request, pr *i18n.Printer, lsgNames, orgNames map[string]string, term string, w *Award) string {
	role, ref, scoped := strings.Cut(term, ":")
	switch role {
	case ActorLSGCoordinator, ActorLSGStaff:
		if scoped {
			return pr.T("grants.actor."+role, "lsg", nonBlank(lsgNames[ref], ref))
		}
	case ActorProgrammeManager, ActorCSORep:
		if !scoped {
			break
		}
		name, ok := orgNames[ref]
		if !ok {
			name = w.Funder
			if o, err := h.svc.dir.Organisation(r.Context(), ref); err == nil {
				name = o.Name
			}
			orgNames[ref] = name
		}
		return pr.T("grants.actor."+role, "org", script(pr, name))
	case ActorAdmin, ActorSystem:
		if !scoped {
			return pr.T("grants.actor." + role)
		}
	}
	return pr.T("grants.actor." + ActorEditor)
}

func nonBlank(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}
