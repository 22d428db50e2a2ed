package dialogue

import (
	"context"
	"database/sql"
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
func (s *Service) Ballotable(ctx context.Context, p *Platform) ([]Initiative, error) {
	var out []Initiative
	for _, st := range []string{StateOpen, StateAdmissible} {
		list, err := s.Initiatives(ctx, InitiativeFilter{PlatformID: p.ID, State: st})
		if err != nil {
			return nil, err
		}
		for _, x := range list {
			if x.Cost.Minor > 0 {
				out = append(out, x)
			}
		}
	}
	return out, nil
}

// CreateBallot creates a draft ballot of p (managers).
func (s *Service) CreateBallot(ctx context.Context, u *auth.User, p *Platform, in BallotInput, m Meta) (*Ballot, error) {
	if u != nil && !s.CanManage(ctx, u, p) {
		return nil, refuse.ErrForbidden
	}
	fe := FieldErrors{}
	title, k := cleanLine(in.Title, 200, true)
	if k != "" {
		fe["b_title"] = k
	}
	budget, k := parseAmount(in.Budget, in.Currency)
	if k != "" {
		fe["budget"] = k
	}
	seen := map[string]bool{}
	var picks []*Initiative
	for _, pid := range in.Initiatives {
		if pid == "" || seen[pid] {
			continue
		}
		seen[pid] = true
		x, err := s.Initiative(ctx, pid)
		if errors.Is(err, refuse.ErrNotFound) || err == nil && (x.PlatformID != p.ID || (x.State != StateOpen && x.State != StateAdmissible)) {
			fe["items"] = "dialogue.ballot.item_invalid"
			continue
		}
		if err != nil {
			return nil, wrap("CreateBallot", err)
		}
		if x.Cost.Minor <= 0 || (k == "" && x.Cost.Currency != budget.Currency) {
			fe["items"] = "dialogue.ballot.item_cost"
			continue
		}
		picks = append(picks, x)
	}
	if len(picks) == 0 && fe["items"] == "" {
		fe["items"] = "dialogue.ballot.items_required"
	}
	if len(fe) > 0 {
		return nil, fe
	}
	b := &Ballot{PublicID: newPID(), PlatformID: p.ID, Title: title, Budget: budget, State: BallotDraft, CreatedAt: s.now()}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		now := s.now()
		id, err := db.InsertID(ctx, tx, `INSERT INTO dlg_ballots (public_id, platform_id, title, budget_minor, currency, state, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'draft', ?, ?, ?) RETURNING id`,
			b.PublicID, p.ID, title, budget.Minor, budget.Currency, actorID(u), now, now)
		if err != nil {
			return err
		}
		b.ID = id
		for _, x := range picks {
			if _, err := tx.ExecContext(ctx, `INSERT INTO dlg_ballot_items (ballot_id, initiative_id, cost_minor, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`, id, x.ID, x.Cost.Minor, now, now); err != nil {
				return err
			}
		}
		return record(ctx, tx, u, "dialogue.ballot.create", "ballot", b.PublicID, map[string]string{"platform": p.Slug, "budget": budget.String(), "items": strconv.Itoa(len(picks))}, m)
	})
	if err != nil {
		return nil, wrap("CreateBallot", err)
	}
	return b, nil
}

const selectBallot = `SELECT id, public_id, platform_id, title, budget_minor, currency, state, ballots, opened_at, closed_at, published_at, created_at FROM dlg_ballots`

func scanBallot(row interface{ Scan(...any) error }) (*Ballot, error) {
	b := &Ballot{}
	var minor int64
	var cur string
	var opened, closed, published sql.NullTime
	if err := row.Scan(&b.ID, &b.PublicID, &b.PlatformID, &b.Title, &minor, &cur, &b.State, &b.Ballots, &opened, &closed, &published, &b.CreatedAt); err != nil {
		return nil, err
	}
	b.Budget = money.New(minor, cur)
	b.OpenedAt, b.ClosedAt, b.PublishedAt = opened.Time, closed.Time, published.Time
	return b, nil
}

// Ballot returns p's ballot by public id.
func (s *Service) Ballot(ctx context.Context, p *Platform, pid string) (*Ballot, error) {
	if len(pid) > 40 {
		return nil, refuse.ErrNotFound
	}
	b, err := scanBallot(s.db.QueryRowContext(ctx, selectBallot+` WHERE public_id = ? AND platform_id = ?`, pid, p.ID))
	return b, wrap("Ballot", notFound(err))
}

// Ballots lists p's ballots, newest first; drafts only when drafts is set.
func (s *Service) Ballots(ctx context.Context, p *Platform, drafts bool) ([]Ballot, error) {
	rows, err := s.db.QueryContext(ctx, selectBallot+` WHERE platform_id = ? AND (? = 1 OR state <> 'draft') ORDER BY id DESC`, p.ID, boolInt(drafts))
	if err != nil {
		return nil, wrap("Ballots", err)
	}
	defer rows.Close()
	var out []Ballot
	for rows.Next() {
		b, err := scanBallot(rows)
		if err != nil {
			return nil, wrap("Ballots", err)
		}
		out = append(out, *b)
	}
	return out, wrap("Ballots", rows.Err())
}

// BallotItems lists b's initiatives: by published rank once the results
// are out, by title before.
func (s *Service) BallotItems(ctx context.Context, b *Ballot) ([]BallotItem, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT bi.id, i.public_id, i.title, i.state, bi.cost_minor, bi.votes, bi.funded, bi.seq
FROM dlg_ballot_items bi JOIN dlg_initiatives i ON i.id = bi.initiative_id WHERE bi.ballot_id = ? ORDER BY bi.seq, i.title, bi.id`, b.ID)
	if err != nil {
		return nil, wrap("BallotItems", err)
	}
	defer rows.Close()
	var out []BallotItem
	for rows.Next() {
		var it BallotItem
		var minor int64
		var funded int
		if err := rows.Scan(&it.ID, &it.InitiativePID, &it.Title, &it.State, &minor, &it.Votes, &funded, &it.Rank); err != nil {
			return nil, wrap("BallotItems", err)
		}
		it.Cost = money.New(minor, b.Budget.Currency)
		it.Funded = funded == 1
		if b.Ballots > 0 {
			it.Percent = it.Votes * 100 / b.Ballots
		}
		out = append(out, it)
	}
	return out, wrap("BallotItems", rows.Err())
}

// Tally counts the choices of b's ballots per item, from the ballots
// themselves (not from the published snapshot).
func (s *Service) Tally(ctx context.Context, b *Ballot) (ballots int, votes map[int64]int, err error) {
	return s.tally(ctx, s.db, b)
}

func (s *Service) tally(ctx context.Context, q db.Querier, b *Ballot) (int, map[int64]int, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM dlg_ballot_votes WHERE ballot_id = ?`, b.ID).Scan(&n); err != nil {
		return 0, nil, wrap("Tally", err)
	}
	rows, err := q.QueryContext(ctx, `SELECT c.item_id, COUNT(*) FROM dlg_ballot_choices c JOIN dlg_ballot_items bi ON bi.id = c.item_id WHERE bi.ballot_id = ? GROUP BY c.item_id`, b.ID)
	if err != nil {
		return 0, nil, wrap("Tally", err)
	}
	defer rows.Close()
	votes := map[int64]int{}
	for rows.Next() {
		var id int64
		var k int
		if err := rows.Scan(&id, &k); err != nil {
			return 0, nil, wrap("Tally", err)
		}
		votes[id] = k
	}
	return n, votes, wrap("Tally", rows.Err())
}

// SetBallotState takes b one step: draft → open → closed → published
// (managers). Publishing computes the results from the ballots: items
// ranked by votes (ties: the cheaper first), funded in that order while
// the budget lasts.
func (s *Service) SetBallotState(ctx context.Context, u *auth.User, p *Platform, b *Ballot, to string, m Meta) error {
	if !s.CanManage(ctx, u, p) {
		return refuse.ErrForbidden
	}
	if ballotNext[b.State] != to {
		return ErrBadTransition
	}
	return wrap("SetBallotState", s.db.InTx(ctx, func(tx *db.Tx) error {
		now := s.now()
		col := map[string]string{BallotOpen: "opened_at", BallotClosed: "closed_at", BallotPublished: "published_at"}[to]
		res, err := tx.ExecContext(ctx, `UPDATE dlg_ballots SET state = ?, `+col+` = ?, updated_at = ? WHERE id = ? AND state = ?`, to, now, now, b.ID, b.State)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return refuse.ErrConflict
		}
		details := map[string]string{"from": b.State, "to": to}
		if to == BallotPublished {
			n, err := s.publish(ctx, tx, b)
			if err != nil {
				return err
			}
			details["ballots"] = strconv.Itoa(n)
		}
		b.State = to
		return record(ctx, tx, u, "dialogue.ballot."+to, "ballot", b.PublicID, details, m)
	}))
}

func (s *Service) publish(ctx context.Context, tx *db.Tx, b *Ballot) (int, error) {
	n, votes, err := s.tally(ctx, tx, b)
	if err != nil {
		return 0, err
	}
	items, err := s.ballotItemsTx(ctx, tx, b)
	if err != nil {
		return 0, err
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
	now := s.now()
	for i, it := range items {
		funded := it.Votes > 0 && it.Cost.Minor <= left
		if funded {
			left -= it.Cost.Minor
		}
		if _, err := tx.ExecContext(ctx, `UPDATE dlg_ballot_items SET votes = ?, funded = ?, seq = ?, updated_at = ? WHERE id = ?`, it.Votes, boolInt(funded), i+1, now, it.ID); err != nil {
			return 0, err
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE dlg_ballots SET ballots = ? WHERE id = ?`, n, b.ID); err != nil {
		return 0, err
	}
	b.Ballots = n
	return n, nil
}

func (s *Service) ballotItemsTx(ctx context.Context, q db.Querier, b *Ballot) ([]BallotItem, error) {
	rows, err := q.QueryContext(ctx, `SELECT bi.id, i.public_id, bi.cost_minor FROM dlg_ballot_items bi JOIN dlg_initiatives i ON i.id = bi.initiative_id WHERE bi.ballot_id = ? ORDER BY bi.id`, b.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []BallotItem
	for rows.Next() {
		var it BallotItem
		var minor int64
		if err := rows.Scan(&it.ID, &it.InitiativePID, &minor); err != nil {
			return nil, err
		}
		it.Cost = money.New(minor, b.Budget.Currency)
		out = append(out, it)
	}
	return out, rows.Err()
}

// CanVote reports the LSG under which u may cast a ballot on p's calls: u
// must be signed in and a verified resident of one of p's LSGs.
// ErrOtherLSG when u is verified only elsewhere, ErrVerificationRequired
// when u is not verified at all.
func (s *Service) CanVote(ctx context.Context, q db.Querier, u *auth.User, p *Platform) (string, error) {
	if !auth.Can(u, auth.ActParticipate, auth.Object{}) {
		return "", refuse.ErrForbidden
	}
	rows, err := q.QueryContext(ctx, `SELECT lsg_code FROM dlg_residents WHERE user_id = ? ORDER BY id`, u.ID)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	elsewhere := false
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return "", err
		}
		if p.HasLSG(c) {
			return c, nil
		}
		elsewhere = true
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	if elsewhere {
		return "", ErrOtherLSG
	}
	return "", ErrVerificationRequired
}

// Vote casts u's ballot on b: the initiatives picked (public ids) must be
// on the ballot and cost at most the budget together. The unique
// constraint on (ballot, person) refuses a second ballot
// (ErrAlreadyVoted); the ballot counter is raised in the same transaction
// only while the ballot is open (ErrBallotClosed).
func (s *Service) Vote(ctx context.Context, u *auth.User, p *Platform, b *Ballot, picks []string, m Meta) error {
	if b.State != BallotOpen {
		return ErrBallotClosed
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		lsg, err := s.CanVote(ctx, tx, u, p)
		if err != nil {
			return err
		}
		items, err := s.ballotItemsTx(ctx, tx, b)
		if err != nil {
			return err
		}
		byPID := map[string]BallotItem{}
		for _, it := range items {
			byPID[it.InitiativePID] = it
		}
		chosen := map[int64]bool{}
		var ids []int64
		var total int64
		for _, pid := range picks {
			it, ok := byPID[strings.TrimSpace(pid)]
			if !ok {
				return FieldErrors{"pick": "dialogue.ballot.item_invalid"}
			}
			if chosen[it.ID] {
				continue
			}
			chosen[it.ID] = true
			ids = append(ids, it.ID)
			total += it.Cost.Minor
		}
		if len(ids) == 0 {
			return FieldErrors{"pick": "dialogue.ballot.pick_one"}
		}
		if total > b.Budget.Minor {
			return FieldErrors{"pick": "dialogue.ballot.over_budget"}
		}
		now := s.now()
		vid, err := db.InsertID(ctx, tx, `INSERT INTO dlg_ballot_votes (ballot_id, user_id, lsg_code, total_minor, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, b.ID, u.ID, lsg, total, now, now)
		if db.IsUniqueViolation(err) {
			return ErrAlreadyVoted
		}
		if err != nil {
			return err
		}
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `INSERT INTO dlg_ballot_choices (vote_id, item_id, created_at, updated_at) VALUES (?, ?, ?, ?)`, vid, id, now, now); err != nil {
				return err
			}
		}
		var n int
		err = tx.QueryRowContext(ctx, `UPDATE dlg_ballots SET ballots = ballots + 1 WHERE id = ? AND state = 'open' RETURNING ballots`, b.ID).Scan(&n)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrBallotClosed
		}
		if err != nil {
			return err
		}
		return record(ctx, tx, u, "dialogue.ballot.vote", "ballot", b.PublicID, map[string]string{"lsg": lsg, "items": strconv.Itoa(len(ids))}, m)
	})
	return wrap("Vote", err)
}

// Voted returns the public ids of the initiatives u picked on b, and
// whether u has voted.
func (s *Service) Voted(ctx context.Context, u *auth.User, b *Ballot) ([]string, bool, error) {
	if u == nil {
		return nil, false, nil
	}
	var vid int64
	err := s.db.QueryRowContext(ctx, `SELECT id FROM dlg_ballot_votes WHERE ballot_id = ? AND user_id = ?`, b.ID, u.ID).Scan(&vid)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, wrap("Voted", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT i.public_id FROM dlg_ballot_choices c JOIN dlg_ballot_items bi ON bi.id = c.item_id JOIN dlg_initiatives i ON i.id = bi.initiative_id WHERE c.vote_id = ? ORDER BY c.id`, vid)
	if err != nil {
		return nil, true, wrap("Voted", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var pid string
		if err := rows.Scan(&pid); err != nil {
			return nil, true, wrap("Voted", err)
		}
		out = append(out, pid)
	}
	return out, true, wrap("Voted", rows.Err())
}
