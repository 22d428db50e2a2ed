package projects

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/money"
	"github.com/dijalog/dijalog/internal/places"
)

// DemoOrgs gives the public ids of the demo organisations by name
// ("" when the platform has no such organisation).
type DemoOrgs func(name string) string

// Demo organisation names (as internal/app/demo.go creates them).
const (
	OrgEU       = "Delegacija Evropske unije u BiH"
	OrgUNDP     = "UNDP Bosna i Hercegovina"
	OrgPorticus = "Porticus"
	OrgLDA      = "Lokalna agencija za demokratiju Mostar (LDA Mostar)"
	OrgZav      = "Agencija za lokalnu demokratiju Zavidovići"
	OrgPrijedor = "Agencija za lokalnu demokratiju Prijedor"
	OrgCRH      = "Centar za razvoj Hercegovine Trebinje"
	OrgALDA     = "ALDA – European Association for Local Democracy"
)

// DemoRates are ECB euro reference rates of the first working day of each
// year (USD per EUR) and the fixed BAM rate, for the demo dashboards.
func DemoRates() []Rate {
	src := "ECB euro reference rate"
	return []Rate{
		{"USD", "2019-01-02", 1.1397, src}, {"USD", "2020-01-02", 1.1193, src}, {"USD", "2021-01-04", 1.2296, src},
		{"USD", "2022-01-03", 1.1355, src}, {"USD", "2023-01-02", 1.0666, src}, {"USD", "2024-01-02", 1.0956, src},
		{"USD", "2025-01-02", 1.0321, src},
		{"BAM", "2002-01-01", BAMPerEUR, "Central Bank of Bosnia and Herzegovina (currency board, fixed)"},
		{"CHF", "2025-01-02", 0.9412, src}, {"SEK", "2025-01-02", 11.4865, src}, {"GBP", "2025-01-02", 0.8294, src},
	}
}

type donor struct {
	name, ref, typ, currency string
	weight                   int
	sectors                  []string
}

var demoDonors = []donor{
	{OrgEU, "XI-IATI-EC_NEAR", "15", "EUR", 30, []string{"15110", "15112", "15150", "43040", "14030", "32130", "25010"}},
	{OrgUNDP, "XM-DAC-41114", "40", "USD", 14, []string{"15112", "15150", "41010", "23210", "16020"}},
	{"Švedska agencija za međunarodni razvoj (Sida)", "SE-0", "10", "SEK", 8, []string{"15112", "15160", "41010", "15170"}},
	{"Švicarska agencija za razvoj i saradnju (SDC)", "CH-4", "10", "CHF", 9, []string{"14030", "15112", "16020", "12220"}},
	{"Njemačka agencija za međunarodnu saradnju (GIZ)", "DE-1", "10", "EUR", 7, []string{"16020", "25010", "23210", "11220"}},
	{"USAID", "US-GOV-1", "10", "USD", 8, []string{"15110", "15150", "15130", "25010"}},
	{"UNICEF", "XM-DAC-41122", "40", "USD", 5, []string{"11220", "12220", "16010", "15160"}},
	{"Ambasada Ujedinjenog Kraljevstva (FCDO)", "GB-GOV-1", "10", "GBP", 4, []string{"15150", "15220", "15130"}},
	{OrgPorticus, "", "60", "EUR", 3, []string{"15150", "16010", "15220"}},
	{"Vlada Federacije BiH", "", "10", "BAM", 6, []string{"14030", "21020", "31120", "43030"}},
	{"Vlada Republike Srpske", "", "10", "BAM", 6, []string{"14030", "21020", "31120", "43030"}},
	{"Fond otvoreno društvo BiH", "", "60", "BAM", 3, []string{"15150", "15160", "15170"}},
}

var sectorTitles = map[string][2]string{
	"15110": {"Modernizacija općinske uprave u {lsg}", "Modernising the municipal administration of {lsg}"},
	"15112": {"Jačanje lokalne samouprave u {lsg}", "Strengthening local self-government in {lsg}"},
	"15130": {"Pristup pravdi za ranjive grupe u {lsg}", "Access to justice for vulnerable groups in {lsg}"},
	"15150": {"Učešće građana u odlučivanju u {lsg}", "Citizen participation in decision-making in {lsg}"},
	"15160": {"Prava osoba s invaliditetom u {lsg}", "Rights of persons with disabilities in {lsg}"},
	"15170": {"Osnaživanje žena u lokalnoj zajednici, {lsg}", "Empowering women in the local community, {lsg}"},
	"15220": {"Izgradnja povjerenja i dijalog u zajednici, {lsg}", "Trust-building and community dialogue, {lsg}"},
	"16010": {"Socijalne usluge u zajednici u {lsg}", "Community social services in {lsg}"},
	"16020": {"Zapošljavanje mladih u {lsg}", "Youth employment in {lsg}"},
	"11220": {"Opremanje osnovnih škola u {lsg}", "Equipping primary schools in {lsg}"},
	"12220": {"Unapređenje primarne zdravstvene zaštite u {lsg}", "Improving primary health care in {lsg}"},
	"14030": {"Rekonstrukcija vodovodne mreže u {lsg}", "Rehabilitation of the water supply network in {lsg}"},
	"21020": {"Sanacija lokalnih puteva u {lsg}", "Repair of local roads in {lsg}"},
	"23210": {"Energetska efikasnost javnih zgrada u {lsg}", "Energy efficiency of public buildings in {lsg}"},
	"25010": {"Podrška malim i srednjim preduzećima u {lsg}", "Support to small and medium enterprises in {lsg}"},
	"31120": {"Razvoj poljoprivrede u {lsg}", "Agricultural development in {lsg}"},
	"32130": {"Poslovna zona u {lsg}", "Business zone in {lsg}"},
	"41010": {"Zaštita okoliša i upravljanje otpadom u {lsg}", "Environmental protection and waste management in {lsg}"},
	"43030": {"Urbana obnova centra, {lsg}", "Urban renewal of the centre, {lsg}"},
	"43040": {"Ruralni razvoj i mjesne zajednice u {lsg}", "Rural development and local communities in {lsg}"},
}

// GenerateProjects makes n realistic projects, deterministically from
// seed: donors with their usual sectors and currencies, one or more LSGs,
// values from a few thousand to a few million, years 2008-2026, status
// from the dates (as of today, 2026-11-23).
func GenerateProjects(n int, seed uint64, lsgs []places.Place, org DemoOrgs) []*Project {
	g := &generator{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), lsgs: lsgs, org: org}
	for _, d := range demoDonors {
		g.total += d.weight
	}
	out := make([]*Project, 0, n)
	for i := range n {
		out = append(out, g.project(i))
	}
	return out
}

// generator draws the generated projects; the order of its draws makes
// the demo, so each project draws in the order of the steps of project.
type generator struct {
	r     *rand.Rand
	lsgs  []places.Place
	org   DemoOrgs
	total int // of the donors' weights
}

// generatedToday is the day the generated statuses are as of.
const generatedToday = "2026-11-23"

func (g *generator) project(i int) *Project {
	d := g.donor()
	sector := d.sectors[g.r.IntN(len(d.sectors))]
	locs, first := g.places(g.spread())
	start, end, year, status := g.period()
	minor := g.value(d.currency)
	t := sectorTitles[sector]
	where, whereEN := first.NameLat, first.NameLat
	if len(locs) > 1 {
		where = fmt.Sprintf("%s i još %d JLS", first.NameLat, len(locs)-1)
		whereEN = fmt.Sprintf("%s and %d more LSGs", first.NameLat, len(locs)-1)
	}
	p := &Project{
		Kind: KindProject, Status: status, DefaultLang: "bs", PlannedStart: start, PlannedEnd: end,
		Budget: money.New(minor, d.currency), Sectors: []string{sector}, Locations: locs,
		Texts: []Text{
			{Lang: "bs", Title: strings.ReplaceAll(t[0], "{lsg}", where), Summary: fmt.Sprintf("Projekat finansira %s. Provodi se od %s do %s", d.name, monthBS(start), monthBS(end))},
			{Lang: "en", Title: strings.ReplaceAll(t[1], "{lsg}", whereEN)},
		},
		Orgs:     []Org{{Role: RoleFunding, Name: d.name, Ref: d.ref, Type: d.typ, OrgID: g.org(d.name)}},
		OwnerOrg: g.org(d.name),
	}
	if status >= 2 && status != 5 {
		p.ActualStart = start
	}
	if status == 4 {
		p.ActualEnd = end
	}
	g.codes(p, d, year)
	g.payments(p, d, minor)
	g.partners(p, d, first, i)
	return p
}

// donor draws a donor by weight.
func (g *generator) donor() donor {
	x := g.r.IntN(g.total)
	for _, d := range demoDonors {
		if x < d.weight {
			return d
		}
		x -= d.weight
	}
	return donor{}
}

// spread draws how many LSGs a project works in: mostly one, a quarter
// two to five, a few six to twelve.
func (g *generator) spread() int {
	switch v := g.r.IntN(100); {
	case v >= 95:
		return 6 + g.r.IntN(7)
	case v >= 70:
		return 2 + g.r.IntN(4)
	}
	return 1
}

// places draws k different LSGs; the first names the project.
func (g *generator) places(k int) ([]Location, places.Place) {
	seen := map[string]bool{}
	var locs []Location
	var first places.Place
	for len(locs) < k {
		p := g.lsgs[g.r.IntN(len(g.lsgs))]
		if seen[p.Code] {
			continue
		}
		if len(locs) == 0 {
			first = p
		}
		seen[p.Code] = true
		locs = append(locs, Location{Place: p.Code})
	}
	return locs, first
}

// monthBS names the month of an ISO date in Bosnian ("aprila 2012."),
// as a person writes it in a summary.
func monthBS(iso string) string {
	months := [...]string{"januara", "februara", "marta", "aprila", "maja", "juna", "jula", "augusta", "septembra", "oktobra", "novembra", "decembra"}
	m, _ := strconv.Atoi(iso[5:7])
	return months[(m+11)%12] + " " + iso[:4] + "."
}

// period draws the start (2008-2026) and a length of six months to four
// years; the status follows from the dates, one in forty suspended.
func (g *generator) period() (start, end string, year, status int) {
	year = 2008 + g.r.IntN(19)
	month := 1 + g.r.IntN(12)
	months := 6 + g.r.IntN(43)
	start = fmt.Sprintf("%04d-%02d-01", year, month)
	endY, endM := year+(month-1+months)/12, (month-1+months)%12+1
	end = fmt.Sprintf("%04d-%02d-28", endY, endM)
	status = 2
	switch {
	case start > generatedToday:
		status = 1
	case end < generatedToday:
		status = 4
	case end[:7] <= "2027-01":
		status = 3
	}
	if g.r.IntN(40) == 0 {
		status = 5
	}
	return start, end, year, status
}

// value draws a budget, log-uniform 15,000 - 3,000,000 in the donor's
// currency (roughly), in minor units rounded to 500.
func (g *generator) value(currency string) int64 {
	v := math.Exp(math.Log(15000) + g.r.Float64()*(math.Log(3e6)-math.Log(15000)))
	if currency == "SEK" {
		v *= 11
	}
	return int64(v/500) * 500 * 100
}

// codes draws an SDG for a third of the projects, and the funding year
// and acquis chapter of the EU's.
func (g *generator) codes(p *Project, d donor, year int) {
	if g.r.IntN(3) == 0 {
		p.SDGs = []int{[]int{5, 6, 7, 8, 11, 16}[g.r.IntN(6)]}
	}
	if d.name == OrgEU {
		p.FundingYear = max(year-1-g.r.IntN(3), 2007)
		p.Acquis = []int{[]int{22, 23, 19, 27, 15, 0}[g.r.IntN(6)]}
	}
}

// payments commits the budget of a started project and disburses part
// of it (all of it once completed).
func (g *generator) payments(p *Project, d donor, minor int64) {
	if p.Status < 2 || p.Status == 5 || minor <= 0 {
		return
	}
	paid := minor * int64(30+g.r.IntN(70)) / 100
	if p.Status == 4 {
		paid = minor
	}
	p.Transactions = []Transaction{
		{Type: TxCommitment, Date: p.PlannedStart, Amount: money.New(minor, d.currency)},
		{Type: TxDisbursement, Date: p.PlannedStart[:8] + "15", Amount: money.New(paid/100*100, d.currency)},
	}
}

// partners draws a local implementing partner for a quarter of the
// projects, and an IATI identifier for half of those of donors with an
// IATI ref.
func (g *generator) partners(p *Project, d donor, first places.Place, i int) {
	if g.r.IntN(4) == 0 {
		impl := []string{"Općinska razvojna agencija", "Udruženje građana „Zajedno“", "Crveni križ", "Lokalna akcijska grupa", "Centar za razvoj i podršku"}[g.r.IntN(5)]
		p.Orgs = append(p.Orgs, Org{Role: RoleImplementing, Name: impl + " " + first.NameLat, Type: "22"})
	}
	p.IATIIdentifier = ""
	if d.ref != "" && g.r.IntN(2) == 0 {
		p.IATIIdentifier = d.ref + "-BA-" + strconv.Itoa(100000+i)
	}
}

// moneyChanges keeps the changes of the budget and the transactions (the
// history of a project made in bulk keeps those only).
func moneyChanges(cs []FieldChange) []FieldChange {
	var out []FieldChange
	for _, c := range cs {
		if c.Field == "budget" || c.Field == "transactions" {
			out = append(out, c)
		}
	}
	return out
}

// CreateMany stores new projects in one transaction per batch of 500 (for
// demo data and benchmarks); every project is validated first.
func (s *Service) CreateMany(ctx context.Context, a Actor, ps []*Project) error {
	for _, p := range ps {
		if fe := s.Validate(ctx, p); fe != nil {
			return fmt.Errorf("projects.CreateMany(%q): %w", p.Title(), fe)
		}
		if p.PublicID == "" {
			p.PublicID = newPublicID(p.Title())
		}
		if v, err := s.valueEUR(ctx, p); err == nil {
			p.ValueEUR = v
		}
	}
	for i := 0; i < len(ps); i += 500 {
		batch := ps[i:min(i+500, len(ps))]
		err := s.d.InTx(ctx, func(tx *db.Tx) error {
			pend := &pending{}
			for _, p := range batch {
				if err := s.st.insert(ctx, tx, p, nullParent(), s.keys(ctx, p)); err != nil {
					return err
				}
				if err := s.recordTx(ctx, tx, a, p, "create", moneyChanges(Diff(nil, p)), pend); err != nil {
					return err
				}
			}
			return s.flush(ctx, tx, pend)
		})
		if err != nil {
			return err
		}
	}
	s.invalidate()
	return nil
}
