package dialogue

import (
	"context"
	"errors"
	"fmt"
)

// initiative creates an initiative and takes it along its way to d.State.
func (l *demoLoader) initiative(ctx context.Context, d demoInitiative) error {
	p := l.platforms[d.Platform]
	if p == nil {
		return fmt.Errorf("no platform %q", d.Platform)
	}
	author, err := l.who(ctx, d.Author)
	if err != nil {
		return err
	}
	in := InitiativeInput{Title: d.Title, Problem: d.Problem, Solution: d.Solution, LocalCommunity: d.Community, Cost: d.Cost, Currency: d.Currency, LSG: d.LSG}
	if d.Priority != "" {
		prios, err := l.s.Platforms.Priorities(ctx, p)
		if err != nil {
			return err
		}
		for _, pr := range prios {
			if pr.Name == d.Priority {
				in.PriorityID = pr.ID
			}
		}
	}
	x, err := l.s.Initiatives.Create(ctx, author, p, in, l.m)
	if err != nil {
		return err
	}
	l.byTitle[d.Title] = x
	for _, to := range demoPath[d.State] {
		if err := l.step(ctx, d, p, x, to); err != nil {
			return fmt.Errorf("to %s: %w", to, err)
		}
	}
	return nil
}

// step takes x one step, to state to, with what comes with that step:
// the financing plan before co-financing, supports once open, the
// payment and progress reports in implementation.
func (l *demoLoader) step(ctx context.Context, d demoInitiative, p *Platform, x *Initiative, to string) error {
	s, m := l.s, l.m
	who := d.Manager
	if to == StateSubmitted || to == StateWithdrawn {
		who = d.Author
	}
	actor, err := l.who(ctx, who)
	if err != nil {
		return err
	}
	if to == StateCofinanced {
		for _, sh := range d.Shares {
			if err := s.Money.AddShare(ctx, actor, p, x, ShareInput{Source: sh.Source, Name: sh.Name, Amount: sh.Amount, Currency: d.Currency}, m); err != nil {
				return err
			}
		}
	}
	reason, meeting := "", ""
	switch to {
	case StateSelected:
		mt := l.meetings[[2]string{d.Platform, d.Meeting}]
		if mt == nil {
			return fmt.Errorf("no meeting %q", d.Meeting)
		}
		meeting = mt.PublicID
	case StateNotAdmissible, StateRejected:
		reason = d.Reason
	}
	if err := s.Initiatives.Transition(ctx, actor, p, x, to, reason, meeting, m); err != nil {
		return err
	}
	switch to {
	case StateOpen:
		for _, u := range l.citizens[:min(d.Supporters, len(l.citizens))] {
			if _, err := s.Initiatives.Support(ctx, u, p, x, m); err != nil && !errors.Is(err, ErrAlreadySupported) {
				return err
			}
		}
	case StateImplementation:
		if d.Paid != nil {
			if err := s.Money.AddDisbursement(ctx, actor, p, x, d.Paid.On, d.Paid.Amount, d.Currency, d.Paid.Note, m); err != nil {
				return err
			}
		}
		for _, r := range d.Reports {
			if err := s.Money.AddReport(ctx, actor, p, x, r.Body, r.Percent, nil, m); err != nil {
				return err
			}
		}
	}
	return nil
}

// ballots creates the ballots, casts their votes and takes each to its state.
func (l *demoLoader) ballots(ctx context.Context, bs demoBallots) error {
	s, m := l.s, l.m
	for _, d := range bs.Ballots {
		p := l.platforms[d.Platform]
		by, err := l.who(ctx, d.By)
		if err != nil {
			return err
		}
		items, err := l.pids(d.Items)
		if err != nil {
			return err
		}
		b, err := s.Ballots.Create(ctx, by, p, BallotInput{Title: d.Title, Budget: d.Budget, Currency: d.Currency, Initiatives: items}, m)
		if err != nil {
			return fmt.Errorf("dialogue demo: ballot %q: %w", d.Title, err)
		}
		if err := s.Ballots.SetState(ctx, by, p, b, BallotOpen, m); err != nil {
			return err
		}
		for _, v := range d.Votes {
			u, err := l.who(ctx, v.Who)
			if err != nil {
				return err
			}
			picks, err := l.pids(v.Picks)
			if err != nil {
				return err
			}
			if err := s.Ballots.Vote(ctx, u, p, b, picks, m); err != nil {
				return fmt.Errorf("dialogue demo: vote of %s: %w", v.Who, err)
			}
		}
		for b.State != d.State {
			if err := s.Ballots.SetState(ctx, by, p, b, NextBallotState(b), m); err != nil {
				return fmt.Errorf("dialogue demo: ballot %q to %s: %w", d.Title, NextBallotState(b), err)
			}
		}
	}
	return nil
}

// pids are the public ids of initiatives named by title.
func (l *demoLoader) pids(titles []string) ([]string, error) {
	var out []string
	for _, t := range titles {
		x := l.byTitle[t]
		if x == nil {
			return nil, fmt.Errorf("dialogue demo: no initiative %q", t)
		}
		out = append(out, x.PublicID)
	}
	return out, nil
}

// follow adds the followers, last, so that the demo mails nobody.
func (l *demoLoader) follow(ctx context.Context, ds []demoInitiative) error {
	for _, d := range ds {
		for _, login := range d.Followers {
			u, err := l.who(ctx, login)
			if err != nil {
				return err
			}
			if err := l.s.Initiatives.Follow(ctx, u, l.byTitle[d.Title], l.m); err != nil {
				return err
			}
		}
	}
	return nil
}
