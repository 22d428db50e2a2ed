package dialogue

import (
	"errors"
	"net/http"
	"strings"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/money"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/dijalog/dijalog/internal/web"
)

// ballotRefusal maps the refusals of a ballot to their messages: a ballot
// asks for verification in its own words.
func ballotRefusal(err error) error {
	if errors.Is(err, ErrVerificationRequired) {
		return &web.Error{Status: http.StatusForbidden, Key: "dialogue.ballot.verify", Err: err}
	}
	return refusal(err)
}

type ballotPage struct {
	P        *Platform
	B        *Ballot
	Items    []BallotItem
	Names    []LSGName
	Manage   bool
	SignedIn bool
	Voted    bool
	Picks    map[string]bool
	VoteErr  string // why u cannot vote, as a catalogue key
	VoterLSG *LSGName
	Next     string
	Funded   money.Amount // sum of the funded items once published
	Left     money.Amount
	Form     *web.Form
	Done     string
}

func (h *Handlers) ballotFrom(r *http.Request) (*Platform, *Ballot, error) {
	p, err := h.platformFrom(r)
	if err != nil {
		return nil, nil, err
	}
	b, err := h.svc.Ballots.Get(r.Context(), p, r.PathValue("pid"))
	if err != nil {
		return nil, nil, err
	}
	if b.State == BallotDraft && !h.svc.Platforms.CanManage(r.Context(), auth.UserFrom(r), p) {
		return nil, nil, refuse.ErrNotFound
	}
	return p, b, nil
}

func (h ballotPages) ballot(w http.ResponseWriter, r *http.Request) error {
	p, b, err := h.ballotFrom(r)
	if err != nil {
		return err
	}
	return h.ballotPage(w, r, p, b, nil, http.StatusOK)
}

func (h ballotPages) ballotPage(w http.ResponseWriter, r *http.Request, p *Platform, b *Ballot, f *web.Form, status int) error {
	ctx := r.Context()
	u := auth.UserFrom(r)
	d := ballotPage{P: p, B: b, Names: h.lsgNames(ctx, p.LSGs), Manage: h.svc.Platforms.CanManage(ctx, u, p), SignedIn: u != nil, Picks: map[string]bool{}, Form: f, Done: doneKey(r)}
	if d.Manage {
		d.Next = NextBallotState(b)
	}
	if d.Form == nil {
		d.Form = web.EmptyForm()
	}
	var err error
	if d.Items, err = h.svc.Ballots.Items(ctx, b); err != nil {
		return err
	}
	picks, voted, err := h.svc.Ballots.Voted(ctx, u, b)
	if err != nil {
		return err
	}
	d.Voted = voted
	for _, pid := range picks {
		d.Picks[pid] = true
	}
	if f != nil {
		for _, pid := range f.Values["pick"] {
			d.Picks[pid] = true
		}
	}
	if u != nil && b.State == BallotOpen && !voted {
		lsg, err := h.svc.Ballots.CanVote(ctx, u, p)
		switch {
		case errors.Is(err, ErrOtherLSG):
			d.VoteErr = "dialogue.ballot.other_lsg"
		case errors.Is(err, ErrVerificationRequired):
			d.VoteErr = "dialogue.ballot.verify"
		case errors.Is(err, refuse.ErrForbidden):
			d.VoteErr = "error.403"
		case err != nil:
			return err
		default:
			n := h.lsgNames(ctx, []string{lsg})[0]
			d.VoterLSG = &n
		}
	}
	if b.State == BallotPublished {
		var used int64
		for _, it := range d.Items {
			if it.Funded {
				used += it.Cost.Minor
			}
		}
		d.Funded = money.New(used, b.Budget.Currency)
		d.Left = money.New(b.Budget.Minor-used, b.Budget.Currency)
	}
	return h.srv.Render.PageStatus(w, r, status, "dialogue/ballot", d)
}

func (h ballotPages) ballotOp(w http.ResponseWriter, r *http.Request) error {
	u, err := auth.Need(r)
	if err != nil {
		return err
	}
	p, b, err := h.ballotFrom(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	f := web.NewForm(r)
	op := r.PathValue("op")
	done := "saved"
	switch op {
	case "vote":
		err = h.svc.Ballots.Vote(ctx, u, p, b, f.Values["pick"], h.meta(r))
		done = "voted"
	case BallotOpen, BallotClosed, BallotPublished:
		err = h.svc.Ballots.SetState(ctx, u, p, b, op, h.meta(r))
	default:
		return refuse.ErrNotFound
	}
	var fe FieldErrors
	if errors.As(err, &fe) {
		f.SetErrors(fe)
		return h.ballotPage(w, r, p, b, f, http.StatusUnprocessableEntity)
	}
	if err != nil {
		return ballotRefusal(err)
	}
	return h.redirect(w, r, "/platforms/"+p.Slug+"/ballots/"+b.PublicID, done)
}

// createBallot is the manage page's "ballot" form.
func (h managePages) createBallot(r *http.Request, u *auth.User, p *Platform, f *web.Form) (*Ballot, error) {
	return h.svc.Ballots.Create(r.Context(), u, p, BallotInput{Title: f.Get("b_title"), Budget: f.Get("budget"), Currency: f.Get("b_currency"), Initiatives: f.Values["items"]}, h.meta(r))
}

// ---- where the money went, per donor programme ----

type programmesPage struct {
	List []Programme
	S    *ProgrammeSummary
}

// programmes lists the donor programmes; with ?programme=KEY it shows
// that programme's initiatives across every platform.
func (h platformPages) programmes(w http.ResponseWriter, r *http.Request) error {
	key := strings.TrimSpace(r.URL.Query().Get("programme"))
	if key != "" {
		s, err := h.svc.Money.ProgrammeMoney(r.Context(), key)
		if err != nil {
			return err
		}
		if h.notice != nil && s.ProjectRef != "" {
			web.StateOf(r).Visibility = h.notice(r, s.ProjectRef)
		}
		return h.srv.Render.Page(w, r, "dialogue/programme", programmesPage{S: s})
	}
	list, err := h.svc.Money.Programmes(r.Context())
	if err != nil {
		return err
	}
	return h.srv.Render.Page(w, r, "dialogue/programmes", programmesPage{List: list})
}
