package projects

import (
	"embed"
	"fmt"

	"github.com/dijalog/dijalog/internal/demo"
	"github.com/dijalog/dijalog/internal/money"
)

//go:embed demo
var demoFS embed.FS

// seedProject is a programme or project in demo/seed_projects.json, as the
// seed documents describe it; its parts have the shape of the JSON API's,
// organisations are named and linked to the platform's by name when it has
// them.
type seedProject struct {
	Kind         string         `json:"kind"`
	Status       int            `json:"status"`
	DefaultLang  string         `json:"default_lang"`
	FundingYear  int            `json:"funding_year,omitempty"`
	PlannedStart string         `json:"planned_start,omitempty"`
	PlannedEnd   string         `json:"planned_end,omitempty"`
	ActualStart  string         `json:"actual_start,omitempty"`
	Budget       seedMoney      `json:"budget"`
	Sectors      []string       `json:"sectors,omitempty"`
	Acquis       []int          `json:"acquis,omitempty"`
	SDGs         []int          `json:"sdgs,omitempty"`
	Texts        []APIText      `json:"texts"`
	Orgs         []APIOrg       `json:"orgs"`
	LSGs         []string       `json:"lsgs"`
	Targets      []APITarget    `json:"targets,omitempty"`
	Milestones   []APIMilestone `json:"milestones,omitempty"`
	Links        []APILink      `json:"links,omitempty"`
	Website      string         `json:"website,omitempty"`
	ContactName  string         `json:"contact_name,omitempty"`
	ContactEmail string         `json:"contact_email,omitempty"`
	ContactPhone string         `json:"contact_phone,omitempty"`
	Owner        string         `json:"owner"`
	Notices      []Notice       `json:"notices,omitempty"` // a programme's visibility notice, per language
}

type seedMoney struct {
	Minor    int64  `json:"minor"`
	Currency string `json:"currency"`
}

// SeedProjects are the programmes and projects the seed documents
// describe, with their real fields (demo/seed_projects.json).
func SeedProjects(org DemoOrgs) ([]*Project, error) {
	ps, _, err := SeedProjectsWithNotices(org)
	return ps, err
}

// SeedProjectsWithNotices is SeedProjects with each one's visibility
// notices (none for most; see LoadNotices).
func SeedProjectsWithNotices(org DemoOrgs) ([]*Project, [][]Notice, error) {
	seeds, err := demo.Read[[]seedProject](demoFS, "demo/seed_projects.json")
	if err != nil {
		return nil, nil, fmt.Errorf("projects.SeedProjects: %w", err)
	}
	out := make([]*Project, len(seeds))
	notices := make([][]Notice, len(seeds))
	for i, s := range seeds {
		out[i], notices[i] = s.project(org), s.Notices
	}
	return out, notices, nil
}

// project is the seed as a project to create.
func (s seedProject) project(org DemoOrgs) *Project {
	p := &Project{Kind: s.Kind, Status: s.Status, DefaultLang: s.DefaultLang, FundingYear: s.FundingYear,
		PlannedStart: s.PlannedStart, PlannedEnd: s.PlannedEnd, ActualStart: s.ActualStart,
		Budget: money.New(s.Budget.Minor, s.Budget.Currency), Sectors: s.Sectors, Acquis: s.Acquis, SDGs: s.SDGs,
		Website: s.Website, ContactName: s.ContactName, ContactEmail: s.ContactEmail, ContactPhone: s.ContactPhone, OwnerOrg: org(s.Owner)}
	for _, t := range s.Texts {
		p.Texts = append(p.Texts, Text(t))
	}
	for _, o := range s.Orgs {
		p.Orgs = append(p.Orgs, Org{Role: o.Role, Name: o.Name, OrgID: org(o.Name), Ref: o.Ref, Type: o.Type})
	}
	for _, c := range s.LSGs {
		p.Locations = append(p.Locations, Location{Place: c})
	}
	for _, t := range s.Targets {
		tg := Target{Label: t.Label, Target: t.Target}
		for _, a := range t.Actuals {
			tg.Actuals = append(tg.Actuals, Actual(a))
		}
		p.Targets = append(p.Targets, tg)
	}
	for _, m := range s.Milestones {
		p.Milestones = append(p.Milestones, Milestone(m))
	}
	for _, l := range s.Links {
		p.Links = append(p.Links, Link(l))
	}
	return p
}
