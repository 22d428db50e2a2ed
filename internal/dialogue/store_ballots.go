package dialogue

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/money"
	"github.com/dijalog/dijalog/internal/refuse"
)

// The SQL of participatory-budgeting ballots.

// insertBallot stores a draft ballot with its items.
func insertBallot(ctx context.Context, tx *db.Tx, b *Ballot, items []*Initiative, by any, now time.Time) error {
	id, err := db.InsertID(ctx, tx, `INSERT INTO dlg_ballots (public_id, platform_id, title, budget_minor, currency, state, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'draft', ?, ?, ?) RETURNING id`,
		b.PublicID, b.PlatformID, b.Title, b.Budget.Minor, b.Budget.Currency, by, now, now)
	if err != nil {
		return err
	}
	b.ID = id
	for _, x := range items {
		if _, err := tx.ExecContext(ctx, `INSERT INTO dlg_ballot_items (ballot_id, initiative_id, cost_minor, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`, id, x.ID, x.Cost.Minor, now, now); err != nil {
			return err
		}
	}
	return nil
}

const selectBallot = `SELECT id, public_id, platform_id, title, budget_minor, currency, state, ballots, opened_at, closed_at, published_at, created_at FROM dlg_ballots`

func scanBallot(row rowScanner) (Ballot, error) {
	var b Ballot
	var minor int64
	var cur string
	var opened, closed, published sql.NullTime
	if err := row.Scan(&b.ID, &b.PublicID, &b.PlatformID, &b.Title, &minor, &cur, &b.State, &b.Ballots, &opened, &closed, &published, &b.CreatedAt); err != nil {
		return b, err
	}
	b.Budget = money.New(minor, cur)
	b.OpenedAt, b.ClosedAt, b.PublishedAt = opened.Time, closed.Time, published.Time
	return b, nil
}

func ballotByPID(ctx context.Context, q db.Querier, platformID int64, pid string) (*Ballot, error) {
	b, err := scanBallot(q.QueryRowContext(ctx, selectBallot+` WHERE public_id = ? AND platform_id = ?`, pid, platformID))
	if err != nil {
		return nil, notFound(err)
	}
	return &b, nil
}

func listBallots(ctx context.Context, q db.Querier, platformID int64, drafts bool) ([]Ballot, error) {
	return db.All(ctx, q, scanBallot, selectBallot+` WHERE platform_id = ? AND (? = 1 OR state <> 'draft') ORDER BY id DESC`, platformID, boolInt(drafts))
}

func listBallotItems(ctx context.Context, q db.Querier, b *Ballot) ([]BallotItem, error) {
	return db.All(ctx, q, func(r rowScanner) (BallotItem, error) {
		var it BallotItem
		var minor int64
		var funded int
		if err := r.Scan(&it.ID, &it.InitiativePID, &it.Title, &it.State, &minor, &it.Votes, &funded, &it.Rank); err != nil {
			return it, err
		}
		it.Cost = money.New(minor, b.Budget.Currency)
		it.Funded = funded == 1
		if b.Ballots > 0 {
			it.Percent = it.Votes * 100 / b.Ballots
		}
		return it, nil
	}, `SELECT bi.id, i.public_id, i.title, i.state, bi.cost_minor, bi.votes, bi.funded, bi.seq
FROM dlg_ballot_items bi JOIN dlg_initiatives i ON i.id = bi.initiative_id WHERE bi.ballot_id = ? ORDER BY bi.seq, i.title, bi.id`, b.ID)
}

// ballotItemCosts are b's items with their initiatives' public ids and costs.
func ballotItemCosts(ctx context.Context, q db.Querier, b *Ballot) ([]BallotItem, error) {
	return db.All(ctx, q, func(r rowScanner) (BallotItem, error) {
		var it BallotItem
		var minor int64
		err := r.Scan(&it.ID, &it.InitiativePID, &minor)
		it.Cost = money.New(minor, b.Budget.Currency)
		return it, err
	}, `SELECT bi.id, i.public_id, bi.cost_minor FROM dlg_ballot_items bi JOIN dlg_initiatives i ON i.id = bi.initiative_id WHERE bi.ballot_id = ? ORDER BY bi.id`, b.ID)
}

// tally counts a ballot's votes and the choices of each item.
func tally(ctx context.Context, q db.Querier, ballotID int64) (int, map[int64]int, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM dlg_ballot_votes WHERE ballot_id = ?`, ballotID).Scan(&n); err != nil {
		return 0, nil, err
	}
	counts, err := db.All(ctx, q, scanIDValue[int], `SELECT c.item_id, COUNT(*) FROM dlg_ballot_choices c JOIN dlg_ballot_items bi ON bi.id = c.item_id WHERE bi.ballot_id = ? GROUP BY c.item_id`, ballotID)
	votes := map[int64]int{}
	for _, c := range counts {
		votes[c.id] = c.v
	}
	return n, votes, err
}

// setBallotState moves b to state to while it is still in b.State
// (refuse.ErrConflict when it moved on), stamping when.
func setBallotState(ctx context.Context, tx *db.Tx, b *Ballot, to string, now time.Time) error {
	col := map[string]string{BallotOpen: "opened_at", BallotClosed: "closed_at", BallotPublished: "published_at"}[to]
	res, err := tx.ExecContext(ctx, `UPDATE dlg_ballots SET state = ?, `+col+` = ?, updated_at = ? WHERE id = ? AND state = ?`, to, now, now, b.ID, b.State)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return refuse.ErrConflict
	}
	return nil
}

// storeResults stores the published votes, funding and rank of each item
// and the number of ballots.
func storeResults(ctx context.Context, tx *db.Tx, ballotID int64, items []BallotItem, ballots int, now time.Time) error {
	for _, it := range items {
		if _, err := tx.ExecContext(ctx, `UPDATE dlg_ballot_items SET votes = ?, funded = ?, seq = ?, updated_at = ? WHERE id = ?`, it.Votes, boolInt(it.Funded), it.Rank, now, it.ID); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, `UPDATE dlg_ballots SET ballots = ? WHERE id = ?`, ballots, ballotID)
	return err
}

// residentLSGs are the LSGs where the person is verified, in the order of
// verification.
func residentLSGs(ctx context.Context, q db.Querier, userID int64) ([]string, error) {
	return db.All(ctx, q, db.ScanString, `SELECT lsg_code FROM dlg_residents WHERE user_id = ? ORDER BY id`, userID)
}

// insertVote stores a ballot and its choices and counts it while the ballot
// is open: ErrAlreadyVoted for a second ballot, ErrBallotClosed when the
// ballot closed meanwhile.
func insertVote(ctx context.Context, tx *db.Tx, ballotID, userID int64, lsg string, total int64, items []int64, now time.Time) error {
	vid, err := db.InsertID(ctx, tx, `INSERT INTO dlg_ballot_votes (ballot_id, user_id, lsg_code, total_minor, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, ballotID, userID, lsg, total, now, now)
	if db.IsUniqueViolation(err) {
		return ErrAlreadyVoted
	}
	if err != nil {
		return err
	}
	for _, id := range items {
		if _, err := tx.ExecContext(ctx, `INSERT INTO dlg_ballot_choices (vote_id, item_id, created_at, updated_at) VALUES (?, ?, ?, ?)`, vid, id, now, now); err != nil {
			return err
		}
	}
	var n int
	err = tx.QueryRowContext(ctx, `UPDATE dlg_ballots SET ballots = ballots + 1 WHERE id = ? AND state = 'open' RETURNING ballots`, ballotID).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrBallotClosed
	}
	return err
}

// votedFor is the public ids the person picked on a ballot, and whether
// they voted.
func votedFor(ctx context.Context, q db.Querier, ballotID, userID int64) ([]string, bool, error) {
	var vid int64
	err := q.QueryRowContext(ctx, `SELECT id FROM dlg_ballot_votes WHERE ballot_id = ? AND user_id = ?`, ballotID, userID).Scan(&vid)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	out, err := db.All(ctx, q, db.ScanString, `SELECT i.public_id FROM dlg_ballot_choices c JOIN dlg_ballot_items bi ON bi.id = c.item_id JOIN dlg_initiatives i ON i.id = bi.initiative_id WHERE c.vote_id = ? ORDER BY c.id`, vid)
	return out, true, err
}
