package dialogue

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/dijalog/dijalog/internal/i18n"
	"github.com/dijalog/dijalog/internal/money"
	"github.com/dijalog/dijalog/internal/translit"
	"github.com/dijalog/dijalog/internal/web"
)

// moneyRow is one change of an initiative's money as its page shows it:
// when, who (a role, never a person), what, and the total before and after.
type moneyRow struct {
	At            time.Time
	Who, What     string
	Before, After string
}

// moneyHistory is the public history of x's money, newest first.
func (h initiativePages) moneyHistory(r *http.Request, p *Platform, x *Initiative) ([]moneyRow, error) {
	ctx := r.Context()
	evs, err := h.svc.Money.MoneyHistory(ctx, x)
	if err != nil {
		return nil, err
	}
	pr := h.srv.Cat.Printer(web.StateOf(r).Locale)
	show := func(a money.Amount) string {
		if a.Currency == "" {
			return ""
		}
		return a.Format(pr, false)
	}
	out := make([]moneyRow, 0, len(evs))
	for _, e := range evs {
		row := moneyRow{At: e.At, Who: h.actorLabel(ctx, pr, p, e.Role)}
		switch e.Action {
		case "share":
			row.What = pr.T("dialogue.history.share", "source", pr.T("dialogue.source."+e.Source), "name", scriptOf(pr, e.Name), "amount", show(e.Amount))
			if e.Note != "" {
				row.What += " — " + scriptOf(pr, e.Note)
			}
		case "disbursement":
			row.What = pr.T("dialogue.history.disbursement", "amount", show(e.Amount), "date", pr.ShortDateText(e.Date))
		case "cofinanced":
			row.What = pr.T("dialogue.history.cofinanced", "amount", show(e.Amount), "cost", show(x.Cost))
		case "item":
			row.What = pr.T("dialogue.history.ballot", "ballot", scriptOf(pr, e.Ballot), "budget", show(e.Budget), "amount", show(e.Amount))
		case "funded":
			row.What = pr.T("dialogue.history.funded", "ballot", scriptOf(pr, e.Ballot), "budget", show(e.Budget), "amount", show(e.Amount))
		}
		if e.HasTotals {
			row.Before, row.After = show(e.Before), show(e.After)
		}
		out = append(out, row)
	}
	return out, nil
}

// actorLabel names the role a change was made in ("LSG staff of
// Mostar"); an entry older than the role is "an editor".
func (h initiativePages) actorLabel(ctx context.Context, pr *i18n.Printer, p *Platform, term string) string {
	role, ref, scoped := strings.Cut(term, ":")
	switch role {
	case ActorLSGCoordinator, ActorLSGStaff:
		if scoped {
			n := h.lsgNames(ctx, []string{ref})[0]
			name := n.Lat
			if n.Cyr != "" && (pr.Code() == i18n.SerbianCyrillic || pr.Code() == i18n.Macedonian) {
				name = n.Cyr
			}
			return pr.T("dialogue.actor."+role, "lsg", name)
		}
	case ActorPlatformManager:
		if !scoped {
			break
		}
		name := ref
		if ref == p.Slug {
			name = p.Name
		} else if other, err := h.svc.Platforms.Get(ctx, ref); err == nil {
			name = other.Name
		}
		return pr.T("dialogue.actor."+role, "platform", scriptOf(pr, name))
	case ActorAdmin, ActorSystem:
		if !scoped {
			return pr.T("dialogue.actor." + role)
		}
	}
	return pr.T("dialogue.actor." + ActorEditor)
}

// scriptOf writes Serbian text in the reader's script.
func scriptOf(pr *i18n.Printer, s string) string {
	switch pr.Code() {
	case i18n.SerbianCyrillic:
		return translit.ForScript(s, "Cyrl")
	case i18n.SerbianLatin:
		return translit.ForScript(s, "Latn")
	}
	return s
}
