package comments

import (
	"embed"
	"errors"
	"html/template"
	"net/http"
	"net/url"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/web"
)

//go:embed all:templates
var templatesFS embed.FS

// Handlers serve the comment forms and render threads.
type Handlers struct {
	srv *web.Server
	svc *Service
	ip  func(*http.Request) string
}

// Register adds the comment routes:
//
//	POST /{lang}/comments                  post a comment (subject_type, subject_id, body)
//	POST /{lang}/comments/{pid}/report     report a comment (reason)
//	POST /{lang}/comments/{pid}/hide       hide a comment with a reason (moderators)
//	POST /{lang}/comments/{pid}/restore    restore it with a reason (moderators)
//
// ip returns the client address for the audit log (nil: RemoteAddr).
func Register(srv *web.Server, svc *Service, ip func(*http.Request) string) (*Handlers, error) {
	if err := srv.Render.Register("comments", templatesFS, "templates"); err != nil {
		return nil, err
	}
	if ip == nil {
		ip = func(r *http.Request) string { return r.RemoteAddr }
	}
	h := &Handlers{srv: srv, svc: svc, ip: ip}
	srv.Page("POST /comments", h.post)
	srv.Page("POST /comments/{pid}/report", h.report)
	srv.Page("POST /comments/{pid}/hide", h.moderate(true))
	srv.Page("POST /comments/{pid}/restore", h.moderate(false))
	return h, nil
}

// threadData is the data of the thread fragment.
type threadData struct {
	Subject     Subject
	Comments    []Comment
	CanComment  bool
	CanModerate bool
	SignedIn    bool
	Error       string // catalogue key of a refused post
	Body        string
	Next        string
}

// errorKeys are the refusals a redirect may carry back to the thread.
var errorKeys = map[string]bool{"form.required": true, "comments.too_long": true, "comments.rate_limited": true, "comments.reason_required": true}

// Thread renders the comments of subj for embedding in the subject's page.
func (h *Handlers) Thread(r *http.Request, subj Subject) (template.HTML, error) {
	ctx := r.Context()
	u := auth.UserFrom(r)
	mod, err := h.svc.CanModerate(ctx, u, subj)
	if err != nil {
		return "", err
	}
	can, err := h.svc.CanComment(ctx, u, subj)
	if err != nil {
		return "", err
	}
	list, err := h.svc.List(ctx, subj, mod)
	if err != nil {
		return "", err
	}
	d := threadData{Subject: subj, Comments: list, CanComment: can, CanModerate: mod, SignedIn: u != nil, Next: r.URL.Path}
	if k := r.URL.Query().Get("comment_error"); errorKeys[k] {
		d.Error = k
	}
	return h.srv.Render.Fragment(r, "comments/thread", "comments-thread", d)
}

func (h *Handlers) back(w http.ResponseWriter, r *http.Request, subj Subject, errKey, anchor string) error {
	p, err := h.svc.Path(subj)
	if err != nil {
		return web.ErrBadRequest
	}
	u := "/" + web.StateOf(r).Locale + p
	if errKey != "" {
		u += "?comment_error=" + url.QueryEscape(errKey)
	}
	http.Redirect(w, r, u+"#"+anchor, http.StatusSeeOther)
	return nil
}

func (h *Handlers) fail(w http.ResponseWriter, r *http.Request, subj Subject, err error, anchor string) error {
	var fe FieldErrors
	switch {
	case errors.As(err, &fe):
		for _, k := range fe {
			if k == "form.required" && anchor != "comment-form" {
				k = "comments.reason_required"
			}
			return h.back(w, r, subj, k, anchor)
		}
	case errors.Is(err, ErrRateLimited):
		return h.back(w, r, subj, "comments.rate_limited", anchor)
	case errors.Is(err, ErrForbidden):
		return web.ErrForbidden
	case errors.Is(err, ErrUnknownKind):
		return web.ErrNotFound
	}
	return err
}

func (h *Handlers) post(w http.ResponseWriter, r *http.Request) error {
	u, ok := auth.RequireUser(w, r)
	if !ok {
		return nil
	}
	f := web.NewForm(r)
	subj := Subject{Type: f.Get("subject_type"), ID: f.Get("subject_id")}
	if subj.Type == "" || subj.ID == "" || len(subj.ID) > 100 {
		return web.ErrBadRequest
	}
	c, err := h.svc.Post(r.Context(), u, subj, f.Raw("body"), h.ip(r))
	if err != nil {
		return h.fail(w, r, subj, err, "comment-form")
	}
	return h.back(w, r, subj, "", "c-"+c.PublicID)
}

func (h *Handlers) report(w http.ResponseWriter, r *http.Request) error {
	u, ok := auth.RequireUser(w, r)
	if !ok {
		return nil
	}
	f := web.NewForm(r)
	c, err := h.svc.Report(r.Context(), u, r.PathValue("pid"), f.Raw("reason"), h.ip(r))
	if err != nil {
		if c0, e2 := h.svc.ByPublicID(r.Context(), r.PathValue("pid")); e2 == nil {
			return h.fail(w, r, c0.Subject, err, "c-"+c0.PublicID)
		}
		return err
	}
	return h.back(w, r, c.Subject, "", "c-"+c.PublicID)
}

func (h *Handlers) moderate(hide bool) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, ok := auth.RequireUser(w, r)
		if !ok {
			return nil
		}
		f := web.NewForm(r)
		pid := r.PathValue("pid")
		var c *Comment
		var err error
		if hide {
			c, err = h.svc.Hide(r.Context(), u, pid, f.Raw("reason"), h.ip(r))
		} else {
			c, err = h.svc.Restore(r.Context(), u, pid, f.Raw("reason"), h.ip(r))
		}
		if err != nil {
			if c0, e2 := h.svc.ByPublicID(r.Context(), pid); e2 == nil {
				return h.fail(w, r, c0.Subject, err, "c-"+c0.PublicID)
			}
			return err
		}
		return h.back(w, r, c.Subject, "", "c-"+c.PublicID)
	}
}
