package dialogue

import (
	"net/http"
	"time"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/dijalog/dijalog/internal/web"
)

// APIPlatform is a platform in the JSON API.
type APIPlatform struct {
	Slug                 string   `json:"slug"`
	Name                 string   `json:"name"`
	Description          string   `json:"description,omitempty"`
	LSGs                 []string `json:"lsgs"`
	InterMunicipal       bool     `json:"inter_municipal"`
	RequiresVerification bool     `json:"requires_verification"`
	Members              int      `json:"members"`
	Initiatives          int      `json:"initiatives"`
	OpenForSupport       int      `json:"open_for_support"`
	URL                  string   `json:"url"`
}

// APIInitiative is an initiative in the JSON API.
type APIInitiative struct {
	ID             string    `json:"id"`
	Platform       string    `json:"platform"`
	LSG            string    `json:"lsg"`
	LocalCommunity string    `json:"local_community,omitempty"`
	Priority       string    `json:"priority,omitempty"`
	Title          string    `json:"title"`
	Problem        string    `json:"problem,omitempty"`
	Solution       string    `json:"solution,omitempty"`
	Cost           string    `json:"estimated_cost"`
	Currency       string    `json:"currency"`
	State          string    `json:"state"`
	Reason         string    `json:"reason,omitempty"`
	Supports       int       `json:"supports"`
	SelectedAt     string    `json:"selected_at_meeting,omitempty"`
	Updated        time.Time `json:"updated"`
	URL            string    `json:"url"`
}

func apiPlatform(p PlatformSummary, lang string) APIPlatform {
	return APIPlatform{Slug: p.Slug, Name: p.Name, Description: p.Description, LSGs: append([]string{}, p.LSGs...), InterMunicipal: p.InterMunicipal(),
		RequiresVerification: p.RequiresVerification, Members: p.Members, Initiatives: p.Initiatives, OpenForSupport: p.Open, URL: "/" + lang + "/platforms/" + p.Slug}
}

func apiInitiative(x *Initiative, lang string, full bool) APIInitiative {
	a := APIInitiative{ID: x.PublicID, Platform: x.PlatformSlug, LSG: x.LSG, LocalCommunity: x.LocalCommunity, Priority: x.PriorityName, Title: x.Title,
		Cost: x.Cost.Decimal(), Currency: x.Cost.Currency, State: x.State, Reason: x.Reason, Supports: x.Supports, SelectedAt: x.MeetingPID, Updated: x.UpdatedAt,
		URL: "/" + lang + "/initiatives/" + x.PublicID}
	if full {
		a.Problem, a.Solution = x.Problem, x.Solution
	}
	return a
}

func (h apiPages) apiPlatforms(w http.ResponseWriter, r *http.Request) error {
	list, err := h.svc.Platforms.List(r.Context(), r.URL.Query().Get("lsg"))
	if err != nil {
		return err
	}
	lang := web.APILocale(r)
	out := make([]APIPlatform, 0, len(list))
	for _, p := range list {
		out = append(out, apiPlatform(p, lang))
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"count": len(out), "platforms": out})
	return nil
}

func (h apiPages) apiPlatform(w http.ResponseWriter, r *http.Request) error {
	p, err := h.platformFrom(r)
	if err != nil {
		return err
	}
	list, err := h.svc.Platforms.List(r.Context(), "")
	if err != nil {
		return err
	}
	for _, s := range list {
		if s.ID == p.ID {
			pr, err := h.svc.Platforms.Priorities(r.Context(), p)
			if err != nil {
				return err
			}
			names := []string{}
			for _, x := range pr {
				names = append(names, x.Name)
			}
			web.WriteJSON(w, http.StatusOK, map[string]any{"platform": apiPlatform(s, web.APILocale(r)), "priorities": names})
			return nil
		}
	}
	return refuse.ErrNotFound
}

func (h apiPages) apiInitiatives(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := InitiativeFilter{State: q.Get("state"), Limit: 200}
	if f.State == StateDraft {
		f.State = "none" // drafts are private
	}
	if slug := q.Get("platform"); slug != "" {
		p, err := h.svc.Platforms.Get(r.Context(), slug)
		if err != nil {
			return err
		}
		f.PlatformID = p.ID
	}
	list, err := h.svc.Initiatives.List(r.Context(), f)
	if err != nil {
		return err
	}
	lang := web.APILocale(r)
	out := make([]APIInitiative, 0, len(list))
	for i := range list {
		out = append(out, apiInitiative(&list[i], lang, false))
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"count": len(out), "initiatives": out})
	return nil
}

func (h apiPages) apiInitiative(w http.ResponseWriter, r *http.Request) error {
	x, p, err := h.load(r.Context(), r.PathValue("pid"))
	if err != nil {
		return err
	}
	if !h.svc.Initiatives.Visible(r.Context(), auth.UserFrom(r), p, x) {
		return refuse.ErrNotFound
	}
	tl, err := h.svc.Initiatives.Timeline(r.Context(), x)
	if err != nil {
		return err
	}
	type step struct {
		At   time.Time `json:"at"`
		From string    `json:"from,omitempty"`
		To   string    `json:"to"`
		Note string    `json:"note,omitempty"`
	}
	steps := make([]step, 0, len(tl))
	for _, e := range tl {
		steps = append(steps, step{At: e.At, From: e.From, To: e.To, Note: e.Note})
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"initiative": apiInitiative(x, web.APILocale(r), true), "timeline": steps})
	return nil
}
