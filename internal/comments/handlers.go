package comments

import (
	"embed"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/refuse"
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
//	POST /{lang}/comments/{pid}/edit       change one's own comment within 15 minutes
//	POST /{lang}/comments/{pid}/ban        ban its author for a period (global moderators)
//	POST /{lang}/comments/follow           follow or stop following a thread
//	GET  /{lang}/comments/moderation       the moderation queue (global moderators)
//	GET  /{lang}/unfollow/{token}          stop following, from a notification mail
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
	srv.Page("POST /comments/{pid}/report", h.onComment(h.report))
	srv.Page("POST /comments/{pid}/hide", h.onComment(h.hide))
	srv.Page("POST /comments/{pid}/restore", h.onComment(h.restore))
	srv.Page("POST /comments/{pid}/edit", h.onComment(h.edit))
	srv.Page("POST /comments/{pid}/ban", h.ban)
	srv.Page("POST /comments/follow", h.followPost)
	srv.Page("GET /comments/moderation", h.queue)
	srv.Page("GET /unfollow/{token}", h.unfollowPage)
	srv.Page("POST /unfollow/{token}", h.unfollowPost)
	return h, nil
}

// threadData is the data of the thread fragment.
type threadData struct {
	Subject     Subject
	Comments    []Comment
	Total       int
	Page        int
	Older       string // link to the page of older comments ("" when none)
	Newer       string // link to the page of newer comments
	CanComment  bool
	CanModerate bool
	CanBan      bool
	BanDays     []int
	Following   bool
	SignedIn    bool
	UserID      int64
	Now         time.Time
	Error       string // catalogue key of a refused post
	Body        string
	Next        string
}

// Mine reports whether c is the reader's own comment, still editable.
func (d threadData) Mine(c Comment) bool {
	return d.UserID != 0 && c.AuthorID == d.UserID && c.Editable(d.Now)
}

// errorKeys are the refusals a redirect may carry back to the thread.
var errorKeys = map[string]bool{"form.required": true, "comments.too_long": true, "comments.rate_limited": true, "comments.reason_required": true,
	"comments.spam_links": true, "comments.spam_repeat": true, "comments.banned": true, "comments.edit_closed": true, "comments.ban_days": true}

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
	page, _ := strconv.Atoi(r.URL.Query().Get("cpage"))
	page = max(page, 1)
	list, total, err := h.svc.Page(ctx, subj, mod, page)
	if err != nil {
		return "", err
	}
	d := threadData{Subject: subj, Comments: list, Total: total, Page: page, CanComment: can, CanModerate: mod, SignedIn: u != nil, Next: r.URL.Path, Now: time.Now(), BanDays: BanDays}
	if page*PageSize < total {
		d.Older = pageLink(r, page+1)
	}
	if page > 1 {
		d.Newer = pageLink(r, page-1)
	}
	if u != nil {
		d.UserID = u.ID
		d.CanBan = auth.Can(u, auth.ActModerate, auth.Object{})
		if d.Following, err = h.svc.Following(ctx, u, subj); err != nil {
			return "", err
		}
	}
	if k := r.URL.Query().Get("comment_error"); errorKeys[k] {
		d.Error = k
	}
	return h.srv.Render.Fragment(r, "comments/thread", "comments-thread", d)
}

// pageLink is the subject's page showing thread page n.
func pageLink(r *http.Request, n int) string {
	q := url.Values{}
	if n > 1 {
		q.Set("cpage", strconv.Itoa(n))
	}
	if len(q) == 0 {
		return r.URL.Path + "#comments"
	}
	return r.URL.Path + "?" + q.Encode() + "#comments"
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
	case errors.Is(err, refuse.ErrRateLimited):
		return h.back(w, r, subj, "comments.rate_limited", anchor)
	case errors.Is(err, ErrBanned):
		return h.back(w, r, subj, "comments.banned", anchor)
	case errors.Is(err, ErrEditClosed):
		return h.back(w, r, subj, "comments.edit_closed", anchor)
	}
	return err
}

func (h *Handlers) post(w http.ResponseWriter, r *http.Request) error {
	u, f, err := auth.NeedForm(r)
	if err != nil {
		return err
	}
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

// onComment serves an action on the comment named in the path: it needs a
// signed-in reader, shows a refusal at the comment, and goes back to the
// comment when the action is done. Report, hide, restore and edit differ only
// in the service call.
func (h *Handlers) onComment(do func(r *http.Request, u *auth.User, pid string, f *web.Form) (*Comment, error)) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := auth.Need(r)
		if err != nil {
			return err
		}
		pid := r.PathValue("pid")
		c, err := do(r, u, pid, web.NewForm(r))
		if err != nil {
			return h.failAt(w, r, pid, err)
		}
		return h.back(w, r, c.Subject, "", "c-"+c.PublicID)
	}
}

func (h *Handlers) report(r *http.Request, u *auth.User, pid string, f *web.Form) (*Comment, error) {
	return h.svc.Report(r.Context(), u, pid, f.Raw("reason"), h.ip(r))
}

func (h *Handlers) hide(r *http.Request, u *auth.User, pid string, f *web.Form) (*Comment, error) {
	return h.svc.Hide(r.Context(), u, pid, f.Raw("reason"), h.ip(r))
}

func (h *Handlers) restore(r *http.Request, u *auth.User, pid string, f *web.Form) (*Comment, error) {
	return h.svc.Restore(r.Context(), u, pid, f.Raw("reason"), h.ip(r))
}

func (h *Handlers) edit(r *http.Request, u *auth.User, pid string, f *web.Form) (*Comment, error) {
	return h.svc.Edit(r.Context(), u, pid, f.Raw("body"), h.ip(r))
}

// failAt sends the reader back to the thread of comment pid with the
// refusal err (err itself when there is no such comment).
func (h *Handlers) failAt(w http.ResponseWriter, r *http.Request, pid string, err error) error {
	if c, e2 := h.svc.ByPublicID(r.Context(), pid); e2 == nil {
		return h.fail(w, r, c.Subject, err, "c-"+c.PublicID)
	}
	return err
}

func (h *Handlers) ban(w http.ResponseWriter, r *http.Request) error {
	u, f, err := auth.NeedForm(r)
	if err != nil {
		return err
	}
	days, _ := strconv.Atoi(f.Get("days"))
	pid := r.PathValue("pid")
	c, err := h.svc.Ban(r.Context(), u, pid, days, f.Raw("reason"), h.ip(r))
	if err != nil {
		return h.failAt(w, r, pid, err)
	}
	if f.Get("from") == "queue" {
		http.Redirect(w, r, "/"+web.StateOf(r).Locale+"/comments/moderation?banned=1#c-"+c.PublicID, http.StatusSeeOther)
		return nil
	}
	return h.back(w, r, c.Subject, "", "c-"+c.PublicID)
}

func (h *Handlers) followPost(w http.ResponseWriter, r *http.Request) error {
	u, f, err := auth.NeedForm(r)
	if err != nil {
		return err
	}
	subj := Subject{Type: f.Get("subject_type"), ID: f.Get("subject_id")}
	if subj.Type == "" || subj.ID == "" || len(subj.ID) > 100 {
		return web.ErrBadRequest
	}
	if f.Get("follow") == "1" {
		err = h.svc.Follow(r.Context(), u, subj)
	} else {
		err = h.svc.Unfollow(r.Context(), u, subj)
	}
	if err != nil {
		return h.fail(w, r, subj, err, "comments")
	}
	return h.back(w, r, subj, "", "comments")
}

// queueItem is one comment of the moderation queue with the page it is on.
type queueItem struct {
	Comment
	Path string
}

func (h *Handlers) queue(w http.ResponseWriter, r *http.Request) error {
	u, err := auth.Need(r)
	if err != nil {
		return err
	}
	if !auth.Can(u, auth.ActModerate, auth.Object{}) {
		return refuse.ErrForbidden
	}
	list, err := h.svc.Queue(r.Context(), 200)
	if err != nil {
		return err
	}
	items := make([]queueItem, 0, len(list))
	for _, c := range list {
		p, err := h.svc.Path(c.Subject)
		if err != nil {
			continue
		}
		items = append(items, queueItem{Comment: c, Path: p})
	}
	return h.srv.Render.Page(w, r, "comments/queue", map[string]any{
		"Items": items, "BanDays": BanDays, "Banned": r.URL.Query().Get("banned") == "1"})
}

func (h *Handlers) unfollowPage(w http.ResponseWriter, r *http.Request) error {
	subj, err := h.svc.FollowByToken(r.Context(), r.PathValue("token"))
	return h.unfollowResult(w, r, subj, err, false)
}

func (h *Handlers) unfollowPost(w http.ResponseWriter, r *http.Request) error {
	subj, err := h.svc.UnfollowByToken(r.Context(), r.PathValue("token"))
	return h.unfollowResult(w, r, subj, err, true)
}

func (h *Handlers) unfollowResult(w http.ResponseWriter, r *http.Request, subj Subject, err error, done bool) error {
	status := http.StatusOK
	data := map[string]any{"Token": r.PathValue("token"), "Done": done}
	switch {
	case errors.Is(err, refuse.ErrNotFound):
		status = http.StatusNotFound
		data["Unknown"] = true
	case err != nil:
		return err
	default:
		if p, err := h.svc.Path(subj); err == nil {
			data["Path"] = p
		}
	}
	return h.srv.Render.PageStatus(w, r, status, "comments/unfollow", data)
}
