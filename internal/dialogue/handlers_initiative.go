package dialogue

import (
	"errors"
	"html/template"
	"io"
	"net/http"
	"strconv"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/comments"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/dijalog/dijalog/internal/web"
)

type newPage struct {
	P          *Platform
	Names      []LSGName
	Priorities []Priority
	Form       *web.Form
}

func (h initiativePages) newInitiative(w http.ResponseWriter, r *http.Request) error {
	if _, err := auth.Need(r); err != nil {
		return err
	}
	p, err := h.platformFrom(r)
	if err != nil {
		return err
	}
	f := web.EmptyForm()
	f.Values.Set("currency", "BAM")
	return h.newPage(w, r, p, f, http.StatusOK)
}

func (h initiativePages) newPage(w http.ResponseWriter, r *http.Request, p *Platform, f *web.Form, status int) error {
	pr, err := h.svc.Platforms.Priorities(r.Context(), p)
	if err != nil {
		return err
	}
	return h.srv.Render.PageStatus(w, r, status, "dialogue/new", newPage{P: p, Names: h.lsgNames(r.Context(), p.LSGs), Priorities: pr, Form: f})
}

func (h initiativePages) createInitiative(w http.ResponseWriter, r *http.Request) error {
	u, p, err := h.signedInOn(r)
	if err != nil {
		return err
	}
	f := web.NewForm(r)
	x, err := h.svc.Initiatives.Create(r.Context(), u, p, InitiativeInput{
		Title: f.Get("title"), Problem: f.Get("problem"), Solution: f.Get("solution"), LSG: f.Get("lsg"), LocalCommunity: f.Get("local_community"),
		PriorityID: atoi64(f.Get("priority")), Cost: f.Get("cost"), Currency: f.Get("currency"), Submit: f.Get("submit") != "",
	}, h.meta(r))
	var fe FieldErrors
	if errors.As(err, &fe) {
		f.SetErrors(fe)
		return h.newPage(w, r, p, f, http.StatusUnprocessableEntity)
	}
	if err != nil {
		return refusal(err)
	}
	// The author hears of every step of their initiative.
	if err := h.svc.Initiatives.Follow(r.Context(), u, x, h.meta(r)); err != nil {
		return err
	}
	done := "saved"
	if x.State == StateSubmitted {
		done = "submitted"
	}
	return h.redirect(w, r, "/initiatives/"+x.PublicID, done)
}

type initiativePage struct {
	P             *Platform
	X             *Initiative
	LSG           LSGName
	Timeline      []Event
	Allowed       []string
	Meetings      []Meeting
	Shares        []Share
	Disbursements []Disbursement
	Reports       []Report
	Photos        []Photo
	Supported     bool
	Following     bool
	Followers     int
	SupportErr    string // why u cannot support, as a catalogue key
	SignedIn      bool
	IsAuthor      bool
	Manage        bool
	Finance       bool
	Comments      template.HTML
	Form          *web.Form
	Op            string
	Done          string
	Sources       []string
	MoneyHistory  []moneyRow // every change of the initiative's money, newest first
}

func (h initiativePages) initiative(w http.ResponseWriter, r *http.Request) error {
	x, p, err := h.load(r.Context(), r.PathValue("pid"))
	if err != nil {
		return err
	}
	if !h.svc.Initiatives.Visible(r.Context(), auth.UserFrom(r), p, x) {
		return refuse.ErrNotFound
	}
	return h.initiativePage(w, r, p, x, "", nil, http.StatusOK)
}

func (h initiativePages) initiativePage(w http.ResponseWriter, r *http.Request, p *Platform, x *Initiative, op string, f *web.Form, status int) error {
	ctx := r.Context()
	u := auth.UserFrom(r)
	d := initiativePage{P: p, X: x, LSG: h.lsgNames(ctx, []string{x.LSG})[0], SignedIn: u != nil, IsAuthor: u != nil && u.ID == x.AuthorID,
		Manage: h.svc.Platforms.CanManage(ctx, u, p), Finance: CanFinance(u, p, x), Form: f, Op: op, Done: doneKey(r), Sources: Sources()}
	web.StateOf(r).Share = &web.Share{Kind: "dialogue.share.kind", Title: x.Title, Description: p.Name + " · " + d.LSG.Lat}
	if d.Form == nil {
		d.Form = web.EmptyForm()
		d.Form.Values.Set("currency", x.Cost.Currency)
		d.Form.Values.Set("d_currency", x.Cost.Currency)
	}
	if err := h.svc.Initiatives.WithDeadline(ctx, x); err != nil {
		return err
	}
	var err error
	if d.Timeline, err = h.svc.Initiatives.Timeline(ctx, x); err != nil {
		return err
	}
	d.Allowed = h.svc.Initiatives.Allowed(ctx, u, p, x)
	for _, to := range d.Allowed {
		if to == StateSelected {
			if d.Meetings, err = h.svc.Meetings.List(ctx, p); err != nil {
				return err
			}
		}
	}
	if d.Supported, err = h.svc.Initiatives.Supported(ctx, u, x); err != nil {
		return err
	}
	if d.Following, d.Followers, err = h.svc.Initiatives.Following(ctx, u, x); err != nil {
		return err
	}
	if u != nil && x.State == StateOpen && !d.Supported {
		switch err := h.svc.Initiatives.CanSupport(ctx, u, p); {
		case errors.Is(err, ErrVerificationRequired):
			d.SupportErr = "dialogue.support.verify"
		case errors.Is(err, refuse.ErrForbidden):
			d.SupportErr = "error.403"
		case err != nil:
			return err
		}
	}
	if d.Shares, err = h.svc.Money.Shares(ctx, x); err != nil {
		return err
	}
	if d.Disbursements, err = h.svc.Money.Disbursements(ctx, x); err != nil {
		return err
	}
	if d.Reports, err = h.svc.Money.Reports(ctx, x); err != nil {
		return err
	}
	if d.MoneyHistory, err = h.moneyHistory(r, p, x); err != nil {
		return err
	}
	photos, err := h.svc.Money.Photos(ctx, x)
	if err != nil {
		return err
	}
	for _, ph := range photos {
		if ph.ReportID == 0 {
			d.Photos = append(d.Photos, ph)
		}
	}
	if h.comments != nil && x.State != StateDraft {
		if d.Comments, err = h.comments.Thread(r, comments.Subject{Type: "initiative", ID: x.PublicID}); err != nil {
			return err
		}
	}
	return h.srv.Render.PageStatus(w, r, status, "dialogue/initiative", d)
}

func readUpload(r *http.Request, field string) (*Upload, error) {
	if r.MultipartForm == nil {
		return nil, nil
	}
	file, hdr, err := r.FormFile(field)
	if errors.Is(err, http.ErrMissingFile) {
		return nil, nil
	}
	if err != nil {
		return nil, web.ErrBadRequest
	}
	defer file.Close()
	b, err := io.ReadAll(io.LimitReader(file, MaxPhoto+1))
	if err != nil {
		return nil, web.ErrBadRequest
	}
	return &Upload{Filename: hdr.Filename, Data: b}, nil
}

func (h initiativePages) initiativeOp(w http.ResponseWriter, r *http.Request) error {
	u, err := auth.Need(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	x, p, err := h.load(ctx, r.PathValue("pid"))
	if err != nil {
		return err
	}
	if !h.svc.Initiatives.Visible(ctx, u, p, x) {
		return refuse.ErrNotFound
	}
	f := web.NewForm(r)
	m := h.meta(r)
	op := r.PathValue("op")
	done := "saved"
	switch op {
	case "support":
		_, err = h.svc.Initiatives.Support(ctx, u, p, x, m)
		done = "supported"
	case "withdraw-support":
		_, err = h.svc.Initiatives.Withdraw(ctx, u, x, m)
		done = "withdrawn"
	case "follow":
		err = h.svc.Initiatives.Follow(ctx, u, x, m)
		done = "followed"
	case "unfollow":
		err = h.svc.Initiatives.Unfollow(ctx, u, x, m)
		done = "unfollowed"
	case "transition":
		err = h.svc.Initiatives.Transition(ctx, u, p, x, f.Get("to"), f.Get("reason"), f.Get("meeting"), m)
		done = "moved"
	case "share":
		err = h.svc.Money.AddShare(ctx, u, p, x, ShareInput{Source: f.Get("source"), Name: f.Get("name"), ProjectRef: f.Get("project_ref"), Amount: f.Get("amount"), Currency: f.Get("currency"), Note: f.Get("share_note")}, m)
	case "disbursement":
		err = h.svc.Money.AddDisbursement(ctx, u, p, x, f.Get("paid_on"), f.Get("d_amount"), f.Get("d_currency"), f.Get("note"), m)
	case "report":
		up, e := readUpload(r, "photo")
		if e != nil {
			return e
		}
		pct, perr := strconv.Atoi(f.Get("percent"))
		if perr != nil {
			pct = -1
		}
		if up != nil {
			up.Caption = f.Get("r_caption")
		}
		err = h.svc.Money.AddReport(ctx, u, p, x, f.Get("body"), pct, up, m)
	case "photo":
		up, e := readUpload(r, "photo")
		if e != nil {
			return e
		}
		if up == nil {
			err = FieldErrors{"photo": "dialogue.photo.empty"}
			break
		}
		up.Caption = f.Get("caption")
		err = h.svc.Money.AddPhoto(ctx, u, p, x, up, m)
	default:
		return refuse.ErrNotFound
	}
	again := func(status int) error { return h.initiativePage(w, r, p, x, op, f, status) }
	return h.formDone(w, r, f, err, again, "/initiatives/"+x.PublicID, done)
}
