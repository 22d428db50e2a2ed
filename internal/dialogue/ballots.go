package dialogue

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/money"
	"github.com/dijalog/dijalog/internal/refuse"
)

// Ballots runs participatory budgeting: a platform's ballots, the votes
// of verified residents and the published results.
type Ballots struct{ *core }

// Ballot states.
const (
	BallotDraft     = "draft"
	BallotOpen      = "open"
	BallotClosed    = "closed"
	BallotPublished = "published"
)

// ballotNext is the one step a manager may take from each state.
var ballotNext = map[string]string{BallotDraft: BallotOpen, BallotOpen: BallotClosed, BallotClosed: BallotPublished}

// NextBallotState is the state a manager may move b to, or "".
func NextBallotState(b *Ballot) string { return ballotNext[b.State] }

// Ballot is a participatory-budgeting call of a platform: voters pick
// initiatives whose costs add up to at most the budget; one ballot per
// verified resident of one of the platform's LSGs.
type Ballot struct {
	ID          int64
	PublicID    string
	PlatformID  int64
	Title       string
	Budget      money.Amount
	State       string
	Ballots     int // ballots cast
	OpenedAt    time.Time
	ClosedAt    time.Time
	PublishedAt time.Time
	CreatedAt   time.Time
}

// BallotItem is an initiative on a ballot with its cost and, once the
// results are published, its votes and whether it fits the budget.
type BallotItem struct {
	ID            int64
	InitiativePID string
	Title         string
	State         string
	Cost          money.Amount
	Votes         int
	Funded        bool
	Rank          int
	Percent       int // of ballots cast
}

// BallotInput creates a ballot.
type BallotInput struct {
	Title            string
	Budget, Currency string
	Initiatives      []string // public ids of admissible or open initiatives of the platform
}

// Ballotable lists p's initiatives that may go on a ballot: admissible or
// open, with a cost.
func (s *Ballots) Ballotable(ctx context.Context, p *Platform) ([]Initiative, error) {
	var out []Initiative
	for _, st := range []string{StateOpen, StateAdmissible} {
		list, err := listInitiatives(ctx, s.db, InitiativeFilter{PlatformID: p.ID, State: st, Limit: 200})
		if err != nil {
			return nil, wrap("Ballotable", err)
		}
		for _, x := range list {
			if x.Cost.Minor > 0 {
				out = append(out, x)
			}
		}
	}
	return out, nil
}

// Create creates a draft ballot of p (managers).
func (s *Ballots) Create(ctx context.Context, u *auth.User, p *Platform, in BallotInput, m Meta) (*Ballot, error) {
	if u != nil && !s.canManage(ctx, u, p) {
		return nil, refuse.ErrForbidden
	}
	fe := checks{}
	title := fe.line("b_title", in.Title, 200, true)
	budget, k := parseAmount(in.Budget, in.Currency)
	fe.set("budget", k)
	picks, err := s.picks(ctx, p, in.Initiatives, budget, fe)
	if err != nil {
		return nil, wrap("CreateBallot", err)
	}
	if len(fe) > 0 {
		return nil, FieldErrors(fe)
	}
	b := &Ballot{PublicID: newPID(), PlatformID: p.ID, Title: title, Budget: budget, State: BallotDraft, CreatedAt: s.now()}
	role := s.manageRole(ctx, u, p)
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := insertBallot(ctx, tx, b, picks, actorID(u), s.now()); err != nil {
			return err
		}
		// Each initiative's history shows the ballot it is on, and its budget.
		for _, x := range picks {
			d := map[string]string{"role": role, "ballot": b.Title, "ballot_id": b.PublicID, "budget": budget.String(), "amount": x.Cost.String()}
			if err := record(ctx, tx, u, actBallotItem, "initiative", x.PublicID, d, m); err != nil {
				return err
			}
		}
		return record(ctx, tx, u, "dialogue.ballot.create", "ballot", b.PublicID, map[string]string{"role": role, "platform": p.Slug, "budget": budget.String(), "items": strconv.Itoa(len(picks))}, m)
	})
	if err != nil {
		return nil, wrap("CreateBallot", err)
	}
	return b, nil
}

// picks reads the initiatives of a new ballot (public ids): p's,
// admissible or open, costed in the budget's currency and at most the
// whole budget (budget's currency is "" when the budget is invalid).
// What is wrong goes into fe.
func (s *Ballots) picks(ctx context.Context, p *Platform, pids []string, budget money.Amount, fe checks) ([]*Initiative, error) {
	cur := budget.Currency
	seen := map[string]bool{}
	var picks []*Initiative
	for _, pid := range pids {
		if pid == "" || seen[pid] {
			continue
		}
		seen[pid] = true
		x, err := initiativeByPID(ctx, s.db, pid)
		if errors.Is(err, refuse.ErrNotFound) || err == nil && (x.PlatformID != p.ID || (x.State != StateOpen && x.State != StateAdmissible)) {
			fe["items"] = "dialogue.ballot.item_invalid"
			continue
		}
		if err != nil {
			return nil, err
		}
		if x.Cost.Minor <= 0 || (cur != "" && x.Cost.Currency != cur) {
			fe["items"] = "dialogue.ballot.item_cost"
			continue
		}
		if cur != "" && x.Cost.Minor > budget.Minor {
			fe["items"] = "dialogue.ballot.item_over_budget"
			continue
		}
		picks = append(picks, x)
	}
	if len(picks) == 0 && fe["items"] == "" {
		fe["items"] = "dialogue.ballot.items_required"
	}
	return picks, nil
}

// Get returns p's ballot by public id.
func (s *Ballots) Get(ctx context.Context, p *Platform, pid string) (*Ballot, error) {
	if len(pid) > 40 {
		return nil, refuse.ErrNotFound
	}
	b, err := ballotByPID(ctx, s.db, p.ID, pid)
	return b, wrap("Ballot", err)
}

// List lists p's ballots, newest first; drafts only when drafts is set.
func (s *Ballots) List(ctx context.Context, p *Platform, drafts bool) ([]Ballot, error) {
	out, err := listBallots(ctx, s.db, p.ID, drafts)
	return out, wrap("Ballots", err)
}

// Items lists b's initiatives: by published rank once the results are out,
// by title before.
func (s *Ballots) Items(ctx context.Context, b *Ballot) ([]BallotItem, error) {
	out, err := listBallotItems(ctx, s.db, b)
	return out, wrap("BallotItems", err)
}

// Tally counts the choices of b's ballots per item, from the ballots
// themselves (not from the published snapshot).
func (s *Ballots) Tally(ctx context.Context, b *Ballot) (ballots int, votes map[int64]int, err error) {
	ballots, votes, err = tally(ctx, s.db, b.ID)
	return ballots, votes, wrap("Tally", err)
}

// SetState takes b one step: draft → open → closed → published
// (managers). Publishing computes the results from the ballots: items
// ranked by votes (ties: the cheaper first), funded in that order while
// the budget lasts.
func (s *Ballots) SetState(ctx context.Context, u *auth.User, p *Platform, b *Ballot, to string, m Meta) error {
	if !s.canManage(ctx, u, p) {
		return refuse.ErrForbidden
	}
	if ballotNext[b.State] != to {
		return ErrBadTransition
	}
	role := s.manageRole(ctx, u, p)
	return wrap("SetBallotState", s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := setBallotState(ctx, tx, b, to, s.now()); err != nil {
			return err
		}
		details := map[string]string{"role": role, "from": b.State, "to": to}
		if to == BallotPublished {
			items, n, err := s.publish(ctx, tx, b)
			if err != nil {
				return err
			}
			details["ballots"] = strconv.Itoa(n)
			// Each funded initiative's history shows the amount and the ballot.
			for _, it := range items {
				if !it.Funded {
					continue
				}
				d := map[string]string{"role": role, "ballot": b.Title, "ballot_id": b.PublicID, "budget": b.Budget.String(), "amount": it.Cost.String(), "votes": strconv.Itoa(it.Votes)}
				if err := record(ctx, tx, u, actBallotFunded, "initiative", it.InitiativePID, d, m); err != nil {
					return err
				}
			}
		}
		b.State = to
		return record(ctx, tx, u, "dialogue.ballot."+to, "ballot", b.PublicID, details, m)
	}))
}

// publish ranks b's items by votes and funds them in that order while the
// budget lasts; it returns the items ranked and the number of ballots.
func (s *Ballots) publish(ctx context.Context, tx *db.Tx, b *Ballot) ([]BallotItem, int, error) {
	n, votes, err := tally(ctx, tx, b.ID)
	if err != nil {
		return nil, 0, err
	}
	items, err := ballotItemCosts(ctx, tx, b)
	if err != nil {
		return nil, 0, err
	}
	for i := range items {
		items[i].Votes = votes[items[i].ID]
	}
	sort.SliceStable(items, func(i, j int) bool {
		a, c := items[i], items[j]
		if a.Votes != c.Votes {
			return a.Votes > c.Votes
		}
		if a.Cost.Minor != c.Cost.Minor {
			return a.Cost.Minor < c.Cost.Minor
		}
		return a.ID < c.ID
	})
	left := b.Budget.Minor
	for i := range items {
		items[i].Funded = items[i].Votes > 0 && items[i].Cost.Minor <= left
		if items[i].Funded {
			left -= items[i].Cost.Minor
		}
		items[i].Rank = i + 1
	}
	if err := storeResults(ctx, tx, b.ID, items, n, s.now()); err != nil {
		return nil, 0, err
	}
	b.Ballots = n
	return items, n, nil
}

// CanVote reports the LSG under which u may cast a ballot on p's calls: u
// must be signed in and a verified resident of one of p's LSGs.
// ErrOtherLSG when u is verified only elsewhere, ErrVerificationRequired
// when u is not verified at all.
func (s *Ballots) CanVote(ctx context.Context, u *auth.User, p *Platform) (string, error) {
	return canVote(ctx, s.db, u, p)
}

func canVote(ctx context.Context, q db.Querier, u *auth.User, p *Platform) (string, error) {
	if !auth.Can(u, auth.ActParticipate, auth.Object{}) {
		return "", refuse.ErrForbidden
	}
	codes, err := residentLSGs(ctx, q, u.ID)
	if err != nil {
		return "", err
	}
	for _, c := range codes {
		if p.HasLSG(c) {
			return c, nil
		}
	}
	if len(codes) > 0 {
		return "", ErrOtherLSG
	}
	return "", ErrVerificationRequired
}

// Vote casts u's ballot on b: the initiatives picked (public ids) must be
// on the ballot and cost at most the budget together. The unique
// constraint on (ballot, person) refuses a second ballot
// (ErrAlreadyVoted); the ballot counter is raised in the same transaction
// only while the ballot is open (ErrBallotClosed).
func (s *Ballots) Vote(ctx context.Context, u *auth.User, p *Platform, b *Ballot, picks []string, m Meta) error {
	if b.State != BallotOpen {
		return ErrBallotClosed
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		lsg, err := canVote(ctx, tx, u, p)
		if err != nil {
			return err
		}
		items, err := ballotItemCosts(ctx, tx, b)
		if err != nil {
			return err
		}
		ids, total, err := chosen(items, picks, b.Budget.Minor)
		if err != nil {
			return err
		}
		if err := insertVote(ctx, tx, b.ID, u.ID, lsg, total, ids, s.now()); err != nil {
			return err
		}
		return record(ctx, tx, u, "dialogue.ballot.vote", "ballot", b.PublicID, map[string]string{"lsg": lsg, "items": strconv.Itoa(len(ids))}, m)
	})
	return wrap("Vote", err)
}

// chosen are the ids of the items picked (public ids of their
// initiatives), each once, and their total cost, at most budget.
func chosen(items []BallotItem, picks []string, budget int64) ([]int64, int64, error) {
	byPID := map[string]BallotItem{}
	for _, it := range items {
		byPID[it.InitiativePID] = it
	}
	seen := map[int64]bool{}
	var ids []int64
	var total int64
	for _, pid := range picks {
		it, ok := byPID[strings.TrimSpace(pid)]
		if !ok {
			return nil, 0, FieldErrors{"pick": "dialogue.ballot.item_invalid"}
		}
		if seen[it.ID] {
			continue
		}
		seen[it.ID] = true
		ids = append(ids, it.ID)
		total += it.Cost.Minor
	}
	if len(ids) == 0 {
		return nil, 0, FieldErrors{"pick": "dialogue.ballot.pick_one"}
	}
	if total > budget {
		return nil, 0, FieldErrors{"pick": "dialogue.ballot.over_budget"}
	}
	return ids, total, nil
}

// Voted returns the public ids of the initiatives u picked on b, and
// whether u has voted.
func (s *Ballots) Voted(ctx context.Context, u *auth.User, b *Ballot) ([]string, bool, error) {
	if u == nil {
		return nil, false, nil
	}
	out, ok, err := votedFor(ctx, s.db, b.ID, u.ID)
	return out, ok, wrap("Voted", err)
}
