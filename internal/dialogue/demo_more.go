package dialogue

import (
	"context"
	"fmt"
	"time"

	"github.com/dijalog/dijalog/internal/auth"
)

// demoElsewhere co-finances initiatives on four more MAKERS platforms, so
// that the programme's page has its totals across municipalities: with
// Mostar's four, 8 initiatives co-financed, 96,000 BAM, 5 done.
func demoElsewhere(ctx context.Context, s *Service, admin *auth.User, byCode map[string]*Platform, authors []*auth.User, m Meta) error {
	sarajevo, _ := time.LoadLocation("Europe/Sarajevo")
	if sarajevo == nil {
		sarajevo = time.UTC
	}
	type one struct {
		lsg, lsgName, title, problem, solution, cost string
		done                                         bool
	}
	list := []one{
		{"ba-rs-trebinje", "Grad Trebinje", "Rasvjeta i klupe u parku kod Arslanagića mosta", "Park nije osvijetljen i nema klupa.", "Postaviti 10 svjetiljki i 12 klupa.", "15.000", true},
		{"ba-fbih-bugojno", "Općina Bugojno", "Omladinski centar: oprema za radionice", "Mladi nemaju opremljen prostor za radionice.", "Nabaviti računare, projektor i namještaj za omladinski centar.", "12.000", true},
		{"ba-fbih-travnik", "Općina Travnik", "Pristupačan ulaz u Gradsku biblioteku", "Osobe u kolicima ne mogu ući u biblioteku.", "Izgraditi rampu i ugraditi automatska vrata.", "14.000", true},
		{"ba-rs-doboj", "Grad Doboj", "Eko-učionica u MZ Usora", "Djeca nemaju prostor za nastavu u prirodi.", "Urediti učionicu na otvorenom s nadstrešnicom i klupama.", "10.000", false},
	}
	for i, d := range list {
		p := byCode[d.lsg]
		if p == nil {
			continue
		}
		mt, err := s.CreateMeeting(ctx, nil, p, MeetingInput{Title: "Sjednica platforme: izbor inicijativa za sufinansiranje",
			StartsAt: time.Date(2026, 9, 24+i, 17, 0, 0, 0, sarajevo), EndsAt: time.Date(2026, 9, 24+i, 19, 0, 0, 0, sarajevo), Place: "Sala opštine / općine"}, m)
		if err != nil {
			return err
		}
		author := authors[(6+i)%len(authors)]
		x, err := s.CreateInitiative(ctx, author, p, InitiativeInput{Title: d.title, Problem: d.problem, Solution: d.solution, Cost: d.cost, Currency: "BAM", Submit: true}, m)
		if err != nil {
			return fmt.Errorf("dialogue demo: %q: %w", d.title, err)
		}
		steps := []string{StateAdmissible, StateOpen, StateSelected, StateCofinanced, StateImplementation}
		if d.done {
			steps = append(steps, StateDone)
		}
		for _, to := range steps {
			if to == StateCofinanced {
				half := halfOf(d.cost)
				for _, sh := range []ShareInput{{Source: "lsg", Name: d.lsgName, Amount: half, Currency: "BAM"}, {Source: "donor", Name: "UNDP MAKERS (Porticus)", Amount: half, Currency: "BAM"}} {
					if err := s.AddShare(ctx, admin, p, x, sh, m); err != nil {
						return err
					}
				}
			}
			meeting := ""
			if to == StateSelected {
				meeting = mt.PublicID
			}
			if err := s.Transition(ctx, admin, p, x, to, "", meeting, m); err != nil {
				return fmt.Errorf("dialogue demo: %q to %s: %w", d.title, to, err)
			}
			if to == StateImplementation {
				if err := s.AddDisbursement(ctx, admin, p, x, "2026-11-10", d.cost, "BAM", "Isplata izvođaču", m); err != nil {
					return err
				}
				pct := 70
				if d.done {
					pct = 100
				}
				if err := s.AddReport(ctx, admin, p, x, "Radovi izvedeni prema planu.", pct, nil, m); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// halfOf halves a demo amount written as "15.000".
func halfOf(a string) string {
	switch a {
	case "15.000":
		return "7.500"
	case "12.000":
		return "6.000"
	case "14.000":
		return "7.000"
	}
	return "5.000"
}

// demoBallots gives Mostar a published participatory-budgeting ballot
// (four initiatives, five ballots of verified residents) and the
// inter-municipal platform an open one.
func demoBallots(ctx context.Context, s *Service, coord *auth.User, mostar, mldp *Platform, voters []*auth.User, m Meta) error {
	// Two more admissible initiatives of Mostar for the ballot.
	var items []string
	for _, d := range []struct{ title, problem, solution, cost string }{
		{"Drvored u Ulici kralja Tvrtka", "Ulica nema hlada ni zelenila.", "Posaditi 30 stabala lipe uz trotoar.", "3.500"},
		{"Table s redom vožnje na stajalištima", "Na stajalištima nema reda vožnje.", "Postaviti table s redom vožnje na 20 stajališta.", "2.000"},
	} {
		x, err := s.CreateInitiative(ctx, voters[len(voters)-1], mostar, InitiativeInput{Title: d.title, Problem: d.problem, Solution: d.solution, Cost: d.cost, Currency: "BAM", LSG: "ba-fbih-mostar", Submit: true}, m)
		if err != nil {
			return err
		}
		if err := s.Transition(ctx, coord, mostar, x, StateAdmissible, "", "", m); err != nil {
			return err
		}
		items = append(items, x.PublicID)
	}
	list, err := s.Ballotable(ctx, mostar)
	if err != nil {
		return err
	}
	byTitle := map[string]string{}
	for _, x := range list {
		byTitle[x.Title] = x.PublicID
	}
	rasvjeta, radionice := byTitle["Javna rasvjeta na pješačkoj stazi do OŠ Zalik"], byTitle["Radionice programiranja za srednjoškolce"]
	items = append(items, rasvjeta, radionice)
	b, err := s.CreateBallot(ctx, coord, mostar, BallotInput{Title: "Participativni budžet Mostar 2026", Budget: "15.000", Currency: "BAM", Initiatives: items}, m)
	if err != nil {
		return fmt.Errorf("dialogue demo: ballot: %w", err)
	}
	if err := s.SetBallotState(ctx, coord, mostar, b, BallotOpen, m); err != nil {
		return err
	}
	drvored, table := items[0], items[1]
	for i, picks := range [][]string{{rasvjeta, table}, {radionice, drvored, table}, {rasvjeta}, {radionice, drvored}, {rasvjeta, table}} {
		if err := s.Vote(ctx, voters[i], mostar, b, picks, m); err != nil {
			return fmt.Errorf("dialogue demo: vote %d: %w", i, err)
		}
	}
	for _, to := range []string{BallotClosed, BallotPublished} {
		if err := s.SetBallotState(ctx, coord, mostar, b, to, m); err != nil {
			return err
		}
	}
	// The inter-municipal platform's joint fund is open.
	camp, err := s.Ballotable(ctx, mldp)
	if err != nil || len(camp) == 0 {
		return err
	}
	jb, err := s.CreateBallot(ctx, coord, mldp, BallotInput{Title: "Zajednički fond MLDP 2027", Budget: "20.000", Currency: "BAM", Initiatives: []string{camp[0].PublicID}}, m)
	if err != nil {
		return err
	}
	if err := s.SetBallotState(ctx, coord, mldp, jb, BallotOpen, m); err != nil {
		return err
	}
	return s.Vote(ctx, voters[5], mldp, jb, []string{camp[0].PublicID}, m)
}
