package dialogue

import (
	"context"
	"embed"
	"errors"
	"fmt"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/demo"
	"github.com/dijalog/dijalog/internal/refuse"
)

// DemoPassword is the password of the demo citizens the loader creates
// (the same as the platform's other demo accounts).
const DemoPassword = "dijalog-demo-2026"

// demoFiles are the demo records: people.json (the demo citizens),
// platforms.json (the MAKERS platforms and the inter-municipal one, with
// members, plans and meetings), initiatives.json and ballots.json.
//
//go:embed demo
var demoFiles embed.FS

// People are named in the files by login: the part of their address before
// "@" + domain ("koordinator.mostar").
type demoPeople struct {
	Domain   string `json:"domain"`
	Citizens []struct {
		Login string `json:"login"`
		Name  string `json:"name"`
	} `json:"citizens"`
}

type demoPlatforms struct {
	// Defaults are the priorities of a platform that gives none (the
	// MAKERS platforms share them); each platform describes itself.
	Defaults struct {
		Priorities []demoPriority `json:"priorities"`
	} `json:"defaults"`
	Platforms []demoPlatform `json:"platforms"`
}

type demoPlatform struct {
	Key         string         `json:"key"` // how the other files name it
	Name        string         `json:"name"`
	Description string         `json:"description"`
	SupportGoal int            `json:"support_goal"`
	LSGs        []string       `json:"lsgs"`
	Priorities  []demoPriority `json:"priorities"`
	Members     []struct {
		Who  string `json:"who"`
		Role string `json:"role"`
	} `json:"members"`
	Requests  []string      `json:"requests"`  // people who asked to join
	Residents []string      `json:"residents"` // verified residents of the first LSG
	Actions   []demoAction  `json:"actions"`
	Meetings  []demoMeeting `json:"meetings"`
}

type demoPriority struct {
	Name string `json:"name"`
	Tags string `json:"tags"`
}

type demoAction struct {
	Year     int    `json:"year"`
	Title    string `json:"title"`
	Owner    string `json:"owner"`
	Deadline string `json:"deadline"`
	Status   string `json:"status"`
}

type demoMeeting struct {
	Title         string    `json:"title"`
	Starts        demo.Time `json:"starts"`
	Ends          demo.Time `json:"ends"`
	Place         string    `json:"place"`
	OnlineURL     string    `json:"online_url"`
	Agenda        string    `json:"agenda"`
	Minutes       string    `json:"minutes"`
	Decisions     []string  `json:"decisions"`
	Registrations []string  `json:"registrations"`
}

type demoInitiatives struct {
	Initiatives []demoInitiative `json:"initiatives"`
}

// demoInitiative is created by its author, who submits (or withdraws) it;
// its manager takes every other step up to State and records its money.
type demoInitiative struct {
	Platform   string `json:"platform"`
	Author     string `json:"author"`
	Manager    string `json:"manager"`
	LSG        string `json:"lsg"`
	Title      string `json:"title"`
	Problem    string `json:"problem"`
	Solution   string `json:"solution"`
	Community  string `json:"community"`
	Cost       string `json:"cost"`
	Currency   string `json:"currency"`
	Priority   string `json:"priority"` // a priority's name
	State      string `json:"state"`
	Reason     string `json:"reason"`     // of not admissible or rejected
	Meeting    string `json:"meeting"`    // title of the meeting that selects it
	Supporters int    `json:"supporters"` // the first N demo citizens
	Shares     []struct {
		Source string `json:"source"`
		Name   string `json:"name"`
		Amount string `json:"amount"`
	} `json:"shares"`
	Paid *struct {
		On     string `json:"on"`
		Amount string `json:"amount"`
		Note   string `json:"note"`
	} `json:"paid"`
	Reports []struct {
		Body    string `json:"body"`
		Percent int    `json:"percent"`
	} `json:"reports"`
	// Followers follow it once the whole demo is loaded, so that the
	// demo mails nobody.
	Followers []string `json:"followers"`
}

type demoBallots struct {
	Ballots []struct {
		Platform string   `json:"platform"`
		By       string   `json:"by"`
		Title    string   `json:"title"`
		Budget   string   `json:"budget"`
		Currency string   `json:"currency"`
		Items    []string `json:"items"` // initiative titles
		Votes    []struct {
			Who   string   `json:"who"`
			Picks []string `json:"picks"`
		} `json:"votes"`
		State string `json:"state"`
	} `json:"ballots"`
}

// demoPath is the way of an initiative to each state.
var demoPath = map[string][]string{
	StateDraft:          nil,
	StateSubmitted:      {StateSubmitted},
	StateAdmissible:     {StateSubmitted, StateAdmissible},
	StateNotAdmissible:  {StateSubmitted, StateNotAdmissible},
	StateOpen:           {StateSubmitted, StateAdmissible, StateOpen},
	StateSelected:       {StateSubmitted, StateAdmissible, StateOpen, StateSelected},
	StateCofinanced:     {StateSubmitted, StateAdmissible, StateOpen, StateSelected, StateCofinanced},
	StateImplementation: {StateSubmitted, StateAdmissible, StateOpen, StateSelected, StateCofinanced, StateImplementation},
	StateDone:           {StateSubmitted, StateAdmissible, StateOpen, StateSelected, StateCofinanced, StateImplementation, StateDone},
	StateRejected:       {StateSubmitted, StateAdmissible, StateOpen, StateRejected},
	StateWithdrawn:      {StateSubmitted, StateWithdrawn},
}

// demoLoader walks the demo files and calls the service for each record,
// remembering what later records name.
type demoLoader struct {
	s         *Service
	users     *auth.Service
	domain    string
	m         Meta
	people    map[string]*auth.User
	citizens  []*auth.User
	platforms map[string]*Platform
	meetings  map[[2]string]*Meeting // platform key, title
	byTitle   map[string]*Initiative
}

// LoadDemo creates the MAKERS platforms, the inter-municipal platform of
// Mostar, Trebinje and Trnovo with the Igman training, initiatives of
// Mostar in every state with supports from demo citizens, co-financed
// initiatives elsewhere and two participatory-budgeting ballots.
func LoadDemo(ctx context.Context, s *Service, users *auth.Service) error {
	people, err := demo.Read[demoPeople](demoFiles, "demo/people.json")
	if err != nil {
		return err
	}
	platforms, err := demo.Read[demoPlatforms](demoFiles, "demo/platforms.json")
	if err != nil {
		return err
	}
	inits, err := demo.Read[demoInitiatives](demoFiles, "demo/initiatives.json")
	if err != nil {
		return err
	}
	ballots, err := demo.Read[demoBallots](demoFiles, "demo/ballots.json")
	if err != nil {
		return err
	}
	l := &demoLoader{s: s, users: users, domain: people.Domain, m: Meta{IP: "demo"}, people: map[string]*auth.User{},
		platforms: map[string]*Platform{}, meetings: map[[2]string]*Meeting{}, byTitle: map[string]*Initiative{}}
	for _, c := range people.Citizens {
		u, err := users.Register(ctx, auth.RegisterInput{Email: c.Login + "@" + l.domain, Name: c.Name, Password: DemoPassword, Locale: "bs"}, auth.Meta{IP: "demo"})
		if err != nil {
			return fmt.Errorf("dialogue demo: citizen %s: %w", c.Login, err)
		}
		l.people[c.Login] = u
		l.citizens = append(l.citizens, u)
	}
	for _, p := range platforms.Platforms {
		if len(p.Priorities) == 0 {
			p.Priorities = platforms.Defaults.Priorities
		}
		if err := l.platform(ctx, p); err != nil {
			return fmt.Errorf("dialogue demo: platform %s: %w", p.Key, err)
		}
	}
	for _, d := range inits.Initiatives {
		if err := l.initiative(ctx, d); err != nil {
			return fmt.Errorf("dialogue demo: initiative %q: %w", d.Title, err)
		}
	}
	if err := l.ballots(ctx, ballots); err != nil {
		return err
	}
	return l.follow(ctx, inits.Initiatives)
}

// who is the demo person of a login.
func (l *demoLoader) who(ctx context.Context, login string) (*auth.User, error) {
	if u := l.people[login]; u != nil {
		return u, nil
	}
	u, err := l.users.UserByEmail(ctx, login+"@"+l.domain)
	if err != nil {
		return nil, fmt.Errorf("dialogue demo: account %s: %w", login, err)
	}
	l.people[login] = u
	return u, nil
}

// platform creates a platform with its priorities, members, residents,
// action plan and meetings.
func (l *demoLoader) platform(ctx context.Context, d demoPlatform) error {
	s, m := l.s, l.m
	p, err := s.Platforms.Create(ctx, nil, PlatformInput{Name: d.Name, LSGs: d.LSGs, Description: d.Description, SupportGoal: d.SupportGoal}, m)
	if err != nil {
		return err
	}
	l.platforms[d.Key] = p
	for _, pr := range d.Priorities {
		if err := s.Platforms.AddPriority(ctx, nil, p, pr.Name, pr.Tags, m); err != nil {
			return err
		}
	}
	for _, mem := range d.Members {
		u, err := l.who(ctx, mem.Who)
		if err != nil {
			return err
		}
		if err := s.Platforms.AddMemberDirect(ctx, p, u.ID, mem.Role); err != nil {
			return err
		}
	}
	for _, login := range d.Requests {
		u, err := l.who(ctx, login)
		if err != nil {
			return err
		}
		if err := s.Platforms.RequestJoin(ctx, u, p, m); err != nil {
			return err
		}
	}
	for _, login := range d.Residents {
		u, err := l.who(ctx, login)
		if err != nil {
			return err
		}
		if err := s.Residents.Verify(ctx, nil, p, u.ID, u.PublicID, d.LSGs[0], m); err != nil && !errors.Is(err, refuse.ErrConflict) {
			return err
		}
	}
	for _, a := range d.Actions {
		if err := s.Platforms.AddAction(ctx, nil, p, Action{Year: a.Year, Title: a.Title, Owner: a.Owner, Deadline: a.Deadline, Status: a.Status}, m); err != nil {
			return err
		}
	}
	for _, mt := range d.Meetings {
		if err := l.meeting(ctx, d.Key, p, mt); err != nil {
			return fmt.Errorf("meeting %q: %w", mt.Title, err)
		}
	}
	return nil
}

// meeting creates a meeting with its minutes, decisions and registrations.
func (l *demoLoader) meeting(ctx context.Context, key string, p *Platform, d demoMeeting) error {
	s, m, now := l.s, l.m, l.s.Meetings.now()
	mt, err := s.Meetings.Create(ctx, nil, p, MeetingInput{Title: d.Title, StartsAt: d.Starts.At(now), EndsAt: d.Ends.At(now),
		Place: d.Place, OnlineURL: d.OnlineURL, Agenda: d.Agenda}, m)
	if err != nil {
		return err
	}
	l.meetings[[2]string{key, d.Title}] = mt
	if d.Minutes != "" {
		if err := s.Meetings.SetMinutes(ctx, nil, p, mt, d.Minutes, m); err != nil {
			return err
		}
	}
	for _, text := range d.Decisions {
		if err := s.Meetings.AddDecision(ctx, nil, p, mt, text, m); err != nil {
			return err
		}
	}
	for _, login := range d.Registrations {
		u, err := l.who(ctx, login)
		if err != nil {
			return err
		}
		if err := s.Meetings.Register(ctx, u, mt, m); err != nil {
			return err
		}
	}
	return nil
}
