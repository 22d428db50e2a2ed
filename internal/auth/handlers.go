package auth

import (
	"embed"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/dijalog/dijalog/internal/audit"
	"github.com/dijalog/dijalog/internal/i18n"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/dijalog/dijalog/internal/web"
)

//go:embed all:templates
var templateFS embed.FS

// Handlers serves the account and administration pages.
type Handlers struct {
	svc    *Service
	ses    *Sessions
	srv    *web.Server
	places LSGChoices
}

// LSGChoices lists the LSGs as a pick list in the reader's language (the
// places service gives it; nil for none).
type LSGChoices func(r *http.Request) []web.Choice

// Register adds the auth pages to the server. lsgs names the LSGs of the
// role scope's pick list (with the organisations), so that an
// administrator picks a scope by its name, not its code.
func Register(srv *web.Server, svc *Service, ses *Sessions, lsgs LSGChoices) error {
	if err := srv.Render.Register("auth", templateFS, "templates"); err != nil {
		return err
	}
	h := &Handlers{svc: svc, ses: ses, srv: srv, places: lsgs}
	srv.Page("GET /register", h.registerForm)
	srv.Page("POST /register", h.register)
	srv.Page("GET /confirm", h.confirmForm)
	srv.Page("POST /confirm", h.confirm)
	srv.Page("POST /confirm/resend", h.resend)
	srv.Page("GET /login", h.loginForm)
	srv.Page("POST /login", h.login)
	srv.Page("POST /logout", h.logout)
	srv.Page("GET /account", h.account)
	srv.Page("POST /account/profile", h.profile)
	srv.Page("POST /account/password", h.password)
	srv.Page("GET /forgot", h.forgotForm)
	srv.Page("POST /forgot", h.forgot)
	srv.Page("GET /reset", h.resetForm)
	srv.Page("POST /reset", h.reset)
	srv.Page("GET /admin", h.admin)
	srv.Page("GET /admin/users", h.users)
	srv.Page("GET /admin/users/{id}", h.user)
	srv.Page("POST /admin/users/{id}/roles", h.grant)
	srv.Page("POST /admin/users/{id}/roles/revoke", h.revoke)
	srv.Page("POST /admin/users/{id}/status", h.status)
	srv.Page("GET /admin/audit", h.audit)
	srv.Page("GET /admin/organisations", h.organisations)
	srv.Page("POST /admin/organisations", h.createOrganisation)
	srv.Page("GET /admin/organisations/{id}", h.organisation)
	srv.Page("POST /admin/organisations/{id}/members", h.addMember)
	return nil
}

func (h *Handlers) meta(r *http.Request) Meta { return Meta{IP: h.ses.ClientIP(r)} }

// Need returns the signed-in user, or refuse.ErrSignIn, which the web
// adapter answers with a redirect to sign-in that comes back to the page.
func Need(r *http.Request) (*User, error) {
	if u := UserFrom(r); u != nil {
		return u, nil
	}
	return nil, refuse.ErrSignIn
}

// safeNext is next when it is a path of this site (web.LocalPath), the
// locale's home otherwise.
func safeNext(next, loc string) string {
	if !web.LocalPath(next) {
		return "/" + loc + "/"
	}
	return next
}

type authPage struct {
	Form        *web.Form
	Next        string
	Unconfirmed bool   // the login page offers to resend the confirmation link
	Flash       string // a catalogue key shown above the form
}

func (h *Handlers) registerForm(w http.ResponseWriter, r *http.Request) error {
	return h.srv.Render.Page(w, r, "auth/register", authPage{Form: web.EmptyForm(), Next: r.URL.Query().Get("next")})
}

// limitKey is the message of a rate limit: its own, or the general one.
func limitKey(err error) string {
	if k := refuse.KeyOf(err); k != "" {
		return k
	}
	return "error.429"
}

// registerSent is the page after a sign-up, the same for new and known
// addresses (finding 11).
type registerSent struct {
	Email string
}

func (h *Handlers) register(w http.ResponseWriter, r *http.Request) error {
	f := web.NewForm(r)
	loc := web.StateOf(r).Locale
	next := f.Get("next")
	err := h.svc.SignUp(r.Context(), RegisterInput{Email: f.Get("email"), Name: f.Get("name"), Password: f.Raw("password"), Locale: loc}, next, h.meta(r))
	var fe FieldErrors
	switch {
	case errors.As(err, &fe):
		f.SetErrors(fe)
		return h.srv.Render.PageStatus(w, r, http.StatusUnprocessableEntity, "auth/register", authPage{Form: f, Next: next})
	case errors.Is(err, refuse.ErrRateLimited):
		f.Error = limitKey(err)
		return h.srv.Render.PageStatus(w, r, http.StatusTooManyRequests, "auth/register", authPage{Form: f, Next: next})
	case err != nil:
		return err
	}
	return h.srv.Render.Page(w, r, "auth/register_sent", registerSent{Email: NormalizeEmail(f.Get("email"))})
}

// confirmPage is the page of a confirmation link: a button that confirms
// (a GET changes nothing, so mail scanners that open links use none up),
// or why the link cannot be used.
type confirmPage struct {
	Form  *web.Form
	Token string
	Error string // catalogue key; "" when the link can be used
}

func (h *Handlers) confirmForm(w http.ResponseWriter, r *http.Request) error {
	tok := r.URL.Query().Get("token")
	err := h.svc.ConfirmLinkState(r.Context(), tok)
	if errors.Is(err, refuse.ErrNotFound) {
		return h.srv.Render.PageStatus(w, r, http.StatusGone, "auth/confirm", confirmPage{Form: web.EmptyForm(), Error: refuse.KeyOf(err)})
	}
	if err != nil {
		return err
	}
	return h.srv.Render.Page(w, r, "auth/confirm", confirmPage{Form: web.EmptyForm(), Token: tok})
}

func (h *Handlers) confirm(w http.ResponseWriter, r *http.Request) error {
	f := web.NewForm(r)
	loc := web.StateOf(r).Locale
	u, next, err := h.svc.ConfirmEmail(r.Context(), f.Get("token"), h.meta(r))
	switch {
	case errors.Is(err, refuse.ErrNotFound):
		return h.srv.Render.PageStatus(w, r, http.StatusGone, "auth/confirm", confirmPage{Form: f, Error: refuse.KeyOf(err)})
	case errors.Is(err, ErrDisabled):
		return h.srv.Render.PageStatus(w, r, http.StatusForbidden, "auth/confirm", confirmPage{Form: f, Error: "auth.login.failed"})
	case err != nil:
		return err
	}
	if err := h.ses.SignIn(w, r, u); err != nil {
		return err
	}
	if next == "" {
		next = "/" + loc + "/account?welcome=1"
	}
	http.Redirect(w, r, safeNext(next, loc), http.StatusSeeOther)
	return nil
}

func (h *Handlers) resend(w http.ResponseWriter, r *http.Request) error {
	f := web.NewForm(r)
	next := f.Get("next")
	err := h.svc.ResendConfirmation(r.Context(), f.Get("email"), next, web.StateOf(r).Locale, h.meta(r))
	var fe FieldErrors
	switch {
	case errors.As(err, &fe):
		f.SetErrors(fe)
		return h.srv.Render.PageStatus(w, r, http.StatusUnprocessableEntity, "auth/login", authPage{Form: f, Next: next, Unconfirmed: true})
	case errors.Is(err, refuse.ErrRateLimited):
		f.Error = limitKey(err)
		return h.srv.Render.PageStatus(w, r, http.StatusTooManyRequests, "auth/login", authPage{Form: f, Next: next, Unconfirmed: true})
	case err != nil:
		return err
	}
	return h.srv.Render.Page(w, r, "auth/login", authPage{Form: f, Next: next, Flash: "auth.confirm.resent"})
}

func (h *Handlers) loginForm(w http.ResponseWriter, r *http.Request) error {
	return h.srv.Render.Page(w, r, "auth/login", authPage{Form: web.EmptyForm(), Next: r.URL.Query().Get("next")})
}

func (h *Handlers) login(w http.ResponseWriter, r *http.Request) error {
	f := web.NewForm(r)
	loc := web.StateOf(r).Locale
	next := f.Get("next")
	email, pw := f.Get("email"), f.Raw("password")
	if email == "" {
		f.Errors["email"] = "form.required"
	}
	if pw == "" {
		f.Errors["password"] = "form.required"
	}
	if !f.Valid() {
		return h.srv.Render.PageStatus(w, r, http.StatusUnprocessableEntity, "auth/login", authPage{Form: f, Next: next})
	}
	u, err := h.svc.Authenticate(r.Context(), email, pw, h.meta(r))
	switch {
	case errors.Is(err, ErrBadCredentials), errors.Is(err, ErrDisabled):
		f.Error = "auth.login.failed"
		return h.srv.Render.PageStatus(w, r, http.StatusUnauthorized, "auth/login", authPage{Form: f, Next: next})
	case errors.Is(err, ErrUnconfirmed):
		f.Error = refuse.KeyOf(err)
		return h.srv.Render.PageStatus(w, r, http.StatusForbidden, "auth/login", authPage{Form: f, Next: next, Unconfirmed: true})
	case errors.Is(err, refuse.ErrRateLimited):
		f.Error = "error.429"
		return h.srv.Render.PageStatus(w, r, http.StatusTooManyRequests, "auth/login", authPage{Form: f, Next: next})
	case err != nil:
		return err
	}
	if err := h.ses.SignIn(w, r, u); err != nil {
		return err
	}
	if next == "" && i18n.Supported(u.Locale) {
		loc = u.Locale
	}
	http.Redirect(w, r, safeNext(next, loc), http.StatusSeeOther)
	return nil
}

func (h *Handlers) logout(w http.ResponseWriter, r *http.Request) error {
	if err := h.ses.SignOut(w, r); err != nil {
		return err
	}
	http.Redirect(w, r, "/"+web.StateOf(r).Locale+"/", http.StatusSeeOther)
	return nil
}

type accountPage struct {
	User         *User
	Profile      *web.Form
	Password     *web.Form
	Saved        string
	Locales      []string
	LocaleNames  map[string]string
	RoleLabelKey func(Role) string
}

func (h *Handlers) accountData(r *http.Request, u *User) accountPage {
	p := web.EmptyForm()
	p.Values.Set("name", u.Name)
	p.Values.Set("locale", u.Locale)
	names := map[string]string{}
	for _, c := range i18n.Codes() {
		names[c] = h.srv.Cat.Printer(c).Autonym()
	}
	saved := ""
	switch {
	case r.URL.Query().Get("welcome") != "":
		saved = "auth.welcome"
	case r.URL.Query().Get("saved") != "":
		saved = "form.saved"
	}
	return accountPage{User: u, Profile: p, Password: web.EmptyForm(), Saved: saved, Locales: i18n.Codes(), LocaleNames: names}
}

func (h *Handlers) account(w http.ResponseWriter, r *http.Request) error {
	u, err := Need(r)
	if err != nil {
		return err
	}
	return h.srv.Render.Page(w, r, "auth/account", h.accountData(r, u))
}

func (h *Handlers) profile(w http.ResponseWriter, r *http.Request) error {
	u, err := Need(r)
	if err != nil {
		return err
	}
	f := web.NewForm(r)
	err = h.svc.UpdateProfile(r.Context(), u, f.Get("name"), f.Get("locale"), h.meta(r))
	var fe FieldErrors
	if errors.As(err, &fe) {
		d := h.accountData(r, u)
		f.SetErrors(fe)
		d.Profile = f
		return h.srv.Render.PageStatus(w, r, http.StatusUnprocessableEntity, "auth/account", d)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/"+web.StateOf(r).Locale+"/account?saved=1", http.StatusSeeOther)
	return nil
}

func (h *Handlers) password(w http.ResponseWriter, r *http.Request) error {
	u, err := Need(r)
	if err != nil {
		return err
	}
	f := web.NewForm(r)
	if f.Raw("password") != f.Raw("password2") {
		f.Errors["password2"] = "auth.password.mismatch"
	}
	if f.Valid() {
		err = h.svc.ChangePassword(r.Context(), u, f.Raw("current"), f.Raw("password"), sessionID(r), h.meta(r))
	}
	var fe FieldErrors
	if errors.As(err, &fe) || !f.Valid() {
		f.SetErrors(fe)
		d := h.accountData(r, u)
		d.Password = f
		return h.srv.Render.PageStatus(w, r, http.StatusUnprocessableEntity, "auth/account", d)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/"+web.StateOf(r).Locale+"/account?saved=1", http.StatusSeeOther)
	return nil
}

type forgotPage struct {
	Form *web.Form
	Sent bool
}

func (h *Handlers) forgotForm(w http.ResponseWriter, r *http.Request) error {
	return h.srv.Render.Page(w, r, "auth/forgot", forgotPage{Form: web.EmptyForm()})
}

func (h *Handlers) forgot(w http.ResponseWriter, r *http.Request) error {
	f := web.NewForm(r)
	err := h.svc.RequestReset(r.Context(), f.Get("email"), web.StateOf(r).Locale, h.meta(r))
	var fe FieldErrors
	switch {
	case errors.As(err, &fe):
		f.SetErrors(fe)
		return h.srv.Render.PageStatus(w, r, http.StatusUnprocessableEntity, "auth/forgot", forgotPage{Form: f})
	case errors.Is(err, refuse.ErrRateLimited):
		f.Error = "error.429"
		return h.srv.Render.PageStatus(w, r, http.StatusTooManyRequests, "auth/forgot", forgotPage{Form: f})
	case err != nil:
		return err
	}
	return h.srv.Render.Page(w, r, "auth/forgot", forgotPage{Form: web.EmptyForm(), Sent: true})
}

type resetPage struct {
	Form  *web.Form
	Token string
	Valid bool
}

func (h *Handlers) resetForm(w http.ResponseWriter, r *http.Request) error {
	tok := r.URL.Query().Get("token")
	ok, err := h.svc.ResetTokenValid(r.Context(), tok)
	if err != nil {
		return err
	}
	return h.srv.Render.Page(w, r, "auth/reset", resetPage{Form: web.EmptyForm(), Token: tok, Valid: ok})
}

func (h *Handlers) reset(w http.ResponseWriter, r *http.Request) error {
	f := web.NewForm(r)
	tok := f.Get("token")
	if f.Raw("password") != f.Raw("password2") {
		f.Errors["password2"] = "auth.password.mismatch"
		return h.srv.Render.PageStatus(w, r, http.StatusUnprocessableEntity, "auth/reset", resetPage{Form: f, Token: tok, Valid: true})
	}
	err := h.svc.ResetPassword(r.Context(), tok, f.Raw("password"), h.meta(r))
	var fe FieldErrors
	switch {
	case errors.As(err, &fe):
		f.SetErrors(fe)
		return h.srv.Render.PageStatus(w, r, http.StatusUnprocessableEntity, "auth/reset", resetPage{Form: f, Token: tok, Valid: true})
	case errors.Is(err, refuse.ErrNotFound):
		return h.srv.Render.PageStatus(w, r, http.StatusGone, "auth/reset", resetPage{Form: f, Valid: false})
	case err != nil:
		return err
	}
	http.Redirect(w, r, "/"+web.StateOf(r).Locale+"/login?reset=1", http.StatusSeeOther)
	return nil
}

// requireAdmin returns the signed-in administrator, or an error for others.
func requireAdmin(w http.ResponseWriter, r *http.Request) (*User, bool, error) {
	u, err := Need(r)
	if err != nil {
		return nil, false, err
	}
	if !Can(u, ActAdminSite, Object{}) {
		return nil, false, refuse.ErrForbidden
	}
	return u, true, nil
}

type adminPage struct {
	Users     []User
	Total     int
	Query     string
	Page      int
	Pages     int
	Audit     []audit.Entry
	Orgs      []Organisation
	PrevQuery string
	NextQuery string
}

func (h *Handlers) admin(w http.ResponseWriter, r *http.Request) error {
	u := UserFrom(r)
	if u == nil {
		return refuse.ErrSignIn
	}
	if !Can(u, ActAdminSite, Object{}) {
		// LSG coordinators and staff have their own administration pages.
		if lsgs := u.LSGs(); len(lsgs) > 0 {
			http.Redirect(w, r, "/"+web.StateOf(r).Locale+"/admin/places/"+lsgs[0], http.StatusSeeOther)
			return nil
		}
		return refuse.ErrForbidden
	}
	_, total, err := h.svc.ListUsers(r.Context(), u, "", 1, 0)
	if err != nil {
		return err
	}
	entries, err := h.svc.Audit(r.Context(), u, audit.Filter{Limit: 10})
	if err != nil {
		return err
	}
	orgs, err := h.svc.Organisations(r.Context(), "")
	if err != nil {
		return err
	}
	return h.srv.Render.Page(w, r, "auth/admin", adminPage{Total: total, Audit: entries, Orgs: orgs})
}

const usersPerPage = 50

func (h *Handlers) users(w http.ResponseWriter, r *http.Request) error {
	u, ok, err := requireAdmin(w, r)
	if !ok {
		return err
	}
	q := r.URL.Query().Get("q")
	if len(q) > 200 {
		q = q[:200]
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if page < 1 || page > 100000 {
		page = 1
	}
	list, total, err := h.svc.ListUsers(r.Context(), u, q, usersPerPage, (page-1)*usersPerPage)
	if err != nil {
		return err
	}
	pages := (total + usersPerPage - 1) / usersPerPage
	d := adminPage{Users: list, Total: total, Query: q, Page: page, Pages: pages}
	if page > 1 {
		d.PrevQuery = url.Values{"q": {q}, "page": {strconv.Itoa(page - 1)}}.Encode()
	}
	if page < pages {
		d.NextQuery = url.Values{"q": {q}, "page": {strconv.Itoa(page + 1)}}.Encode()
	}
	return h.srv.Render.Page(w, r, "auth/users", d)
}

type userPage struct {
	Target *User
	Form   *web.Form
	Roles  []Role
	Audit  []audit.Entry
	Self   bool
	Scope  web.Pick // the LSGs and organisations a role may be scoped to
}

// scopePick is the pick list of a role's scope: none (global roles), an
// LSG by its name, grouped by canton and entity, or an organisation.
func (h *Handlers) scopePick(r *http.Request, selected string) web.Pick {
	var cs []web.Choice
	if h.places != nil {
		cs = h.places(r)
	}
	pr := h.srv.Cat.Printer(web.StateOf(r).Locale)
	if orgs, err := h.svc.Organisations(r.Context(), ""); err == nil {
		group := pr.T("admin.role.scope.orgs")
		for _, o := range orgs {
			cs = append(cs, web.Choice{Value: o.PublicID, Label: pr.Show(o.Name), Group: group})
		}
	}
	p := web.NewPick("scope_ref", "admin.role.scope", cs, selected)
	p.Empty, p.Hint = "admin.role.scope.none", "admin.role.scope.hint"
	return p
}

func (h *Handlers) userPage(w http.ResponseWriter, r *http.Request, actor *User, f *web.Form, status int) error {
	target, err := h.svc.UserByPublicID(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	entries, err := h.svc.Audit(r.Context(), actor, audit.Filter{ObjectKind: "user", ObjectRef: target.PublicID, Limit: 50})
	if err != nil {
		return err
	}
	if f == nil {
		f = web.EmptyForm()
	}
	return h.srv.Render.PageStatus(w, r, status, "auth/user", userPage{Target: target, Form: f, Roles: Roles(), Audit: entries, Self: target.ID == actor.ID, Scope: h.scopePick(r, f.Get("scope_ref"))})
}

func (h *Handlers) user(w http.ResponseWriter, r *http.Request) error {
	u, ok, err := requireAdmin(w, r)
	if !ok {
		return err
	}
	return h.userPage(w, r, u, nil, http.StatusOK)
}

func grantFromForm(f *web.Form) Grant {
	g := Grant{Role: Role(f.Get("role")), ScopeKind: f.Get("scope_kind"), ScopeRef: f.Get("scope_ref")}
	if g.ScopeKind == "" {
		g.ScopeKind = ScopeKindFor(g.Role)
		if g.ScopeKind == "" {
			g.ScopeKind = ScopeGlobal
			if g.ScopeRef != "" {
				g.ScopeKind = ScopeLSG
			}
		}
	}
	return g
}

func (h *Handlers) changeRole(w http.ResponseWriter, r *http.Request, grant bool) error {
	u, ok, err := requireAdmin(w, r)
	if !ok {
		return err
	}
	f := web.NewForm(r)
	g := grantFromForm(f)
	if grant {
		err = h.svc.GrantRole(r.Context(), u, r.PathValue("id"), g, h.meta(r))
	} else {
		err = h.svc.RevokeRole(r.Context(), u, r.PathValue("id"), g, h.meta(r))
	}
	var fe FieldErrors
	switch {
	case errors.As(err, &fe):
		f.SetErrors(fe)
		return h.userPage(w, r, u, f, http.StatusUnprocessableEntity)
	case errors.Is(err, refuse.ErrConflict):
		f.Error = "auth.role.exists"
		return h.userPage(w, r, u, f, http.StatusConflict)
	case err != nil:
		return err
	}
	http.Redirect(w, r, "/"+web.StateOf(r).Locale+"/admin/users/"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}

func (h *Handlers) grant(w http.ResponseWriter, r *http.Request) error {
	return h.changeRole(w, r, true)
}
func (h *Handlers) revoke(w http.ResponseWriter, r *http.Request) error {
	return h.changeRole(w, r, false)
}

func (h *Handlers) status(w http.ResponseWriter, r *http.Request) error {
	u, ok, err := requireAdmin(w, r)
	if !ok {
		return err
	}
	f := web.NewForm(r)
	err = h.svc.SetStatus(r.Context(), u, r.PathValue("id"), f.Get("status"), h.meta(r))
	var fe FieldErrors
	if errors.As(err, &fe) {
		f.SetErrors(fe)
		return h.userPage(w, r, u, f, http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/"+web.StateOf(r).Locale+"/admin/users/"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}

func (h *Handlers) audit(w http.ResponseWriter, r *http.Request) error {
	u, ok, err := requireAdmin(w, r)
	if !ok {
		return err
	}
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	if before < 0 {
		before = 0
	}
	entries, err := h.svc.Audit(r.Context(), u, audit.Filter{Limit: 100, BeforeID: before})
	if err != nil {
		return err
	}
	d := adminPage{Audit: entries}
	if len(entries) == 100 {
		d.NextQuery = "before=" + strconv.FormatInt(entries[len(entries)-1].ID, 10)
	}
	return h.srv.Render.Page(w, r, "auth/audit", d)
}

// NeedForm is Need and the posted form, the start of every handler of a
// form that only signed-in people send.
func NeedForm(r *http.Request) (*User, *web.Form, error) {
	u, err := Need(r)
	if err != nil {
		return nil, nil, err
	}
	return u, web.NewForm(r), nil
}
