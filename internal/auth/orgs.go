package auth

import (
	"errors"
	"net/http"

	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/dijalog/dijalog/internal/web"
)

type orgsPage struct {
	Orgs   []Organisation
	Form   *web.Form
	Kinds  []string
	Place  web.Pick          // the new organisation's LSG, by name
	Places map[string]string // LSG code → name, for the list
}

// lsgChoices are the LSGs as a pick list (none without a places service).
func (h *Handlers) lsgChoices(r *http.Request) []web.Choice {
	if h.places == nil {
		return nil
	}
	return h.places(r)
}

// placeNames maps LSG codes to their names for the reader.
func placeNames(cs []web.Choice) map[string]string {
	m := make(map[string]string, len(cs))
	for _, c := range cs {
		m[c.Value] = c.Label
	}
	return m
}

func (h *Handlers) organisations(w http.ResponseWriter, r *http.Request) error {
	if _, ok, err := requireAdmin(w, r); !ok {
		return err
	}
	return h.orgsPage(w, r, web.EmptyForm(), http.StatusOK)
}

func (h *Handlers) orgsPage(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	orgs, err := h.svc.Organisations(r.Context(), "")
	if err != nil {
		return err
	}
	cs := h.lsgChoices(r)
	place := web.NewPick("place_code", "admin.org.place", cs, f.Get("place_code"))
	place.Empty, place.Error = "lang.pick.none", f.Err("place_code")
	return h.srv.Render.PageStatus(w, r, status, "auth/organisations", orgsPage{Orgs: orgs, Form: f, Kinds: OrganisationKinds(), Place: place, Places: placeNames(cs)})
}

func (h *Handlers) createOrganisation(w http.ResponseWriter, r *http.Request) error {
	u, ok, err := requireAdmin(w, r)
	if !ok {
		return err
	}
	f := web.NewForm(r)
	o := &Organisation{Name: f.Get("name"), Kind: f.Get("kind"), PlaceCode: f.Get("place_code"), Website: f.Get("website")}
	err = h.svc.CreateOrganisation(r.Context(), u, o, h.meta(r))
	var fe FieldErrors
	if errors.As(err, &fe) {
		f.SetErrors(fe)
		return h.orgsPage(w, r, f, http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/"+web.StateOf(r).Locale+"/admin/organisations/"+o.PublicID, http.StatusSeeOther)
	return nil
}

type orgPage struct {
	Org       *Organisation
	Members   []User
	Form      *web.Form
	PlaceName string // the name of the organisation's LSG
}

func (h *Handlers) organisation(w http.ResponseWriter, r *http.Request) error {
	if _, ok, err := requireAdmin(w, r); !ok {
		return err
	}
	return h.orgPage(w, r, web.EmptyForm(), http.StatusOK)
}

func (h *Handlers) orgPage(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	o, err := h.svc.Organisation(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	members, err := h.svc.Members(r.Context(), o.ID)
	if err != nil {
		return err
	}
	return h.srv.Render.PageStatus(w, r, status, "auth/organisation", orgPage{Org: o, Members: members, Form: f, PlaceName: web.LabelOf(h.lsgChoices(r), o.PlaceCode)})
}

func (h *Handlers) addMember(w http.ResponseWriter, r *http.Request) error {
	u, ok, err := requireAdmin(w, r)
	if !ok {
		return err
	}
	f := web.NewForm(r)
	target, err := h.svc.UserByEmail(r.Context(), f.Get("email"))
	if errors.Is(err, refuse.ErrNotFound) {
		f.Errors["email"] = "admin.org.member.unknown"
		return h.orgPage(w, r, f, http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	err = h.svc.AddMember(r.Context(), u, r.PathValue("id"), target.PublicID, h.meta(r))
	if errors.Is(err, refuse.ErrConflict) {
		f.Errors["email"] = "admin.org.member.exists"
		return h.orgPage(w, r, f, http.StatusConflict)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/"+web.StateOf(r).Locale+"/admin/organisations/"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}
