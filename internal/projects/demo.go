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

// SeedProjects are the programmes and projects the seed documents
// describe, with their real fields.
func SeedProjects(org DemoOrgs) []*Project {
	o := func(role int, name, ref, typ string) Org {
		return Org{Role: role, Name: name, OrgID: org(name), Ref: ref, Type: typ}
	}
	locs := func(codes ...string) []Location {
		out := make([]Location, len(codes))
		for i, c := range codes {
			out[i] = Location{Place: c}
		}
		return out
	}
	volunteers := &Project{
		Kind: KindProject, Status: 4, DefaultLang: "bs", FundingYear: 2009,
		PlannedStart: "2012-01-01", PlannedEnd: "2012-12-31",
		Budget:  money.New(4263200, "EUR"),
		Sectors: []string{"15150", "16010"},
		Acquis:  []int{0},
		Texts: []Text{{Lang: "bs", Title: "Prekogranično umrežavanje volontera za lokalni razvoj",
			Summary: "Projekt ima za cilj poboljšati kvalitetu života i socijalne kohezije u pograničnom području kroz poboljšan pristup uslugama u zajednici, te doprinijeti jačanju prekogranične saradnje na općinskoj razini i poboljšanju međuopćinske saradnje u pograničnom području. Tokom provedbe projekta, posebna pažnja je posvećena stvaranju inovativnih usluga u zajednici u programskom području kroz uspostavu 4 lokalne volonterske službe i formiranje prekogranične mreže od 9 organizacija civilnog društva. Krajnji korisnici su: marginalizirane grupe i grupe kojima prijeti socijalna isključenost i ciljane lokalne zajednice.",
			Results: "Formirana su četiri volonterska servisa u pograničnom području Hrvatske i Bosne i Hercegovine; Ojačana prekogranična mreža volontera; Uspostavljeno održivo partnerstvo sa 37 socijalnih, obrazovnih i javnih ustanova i organizacija civilnog društva u ciljnim zajednicama; Uspostavljena je prekogranična mreža od 9 organizacija civilnog društva koje se bave aktivnim građanstvom; Unaprijeđeno zajedničko prekogranično upravljanje, pripremljen izvještaj o procjeni i razvijeni alati za podizanje razine svijesti javnosti; Prekogranični volonterski kamp u Bosni i Hercegovini."},
			{Lang: "en", Title: "Cross-border networking of volunteers for local development",
				Summary: "The project aims to improve the quality of life and social cohesion in the border area through better access to community services, and to strengthen cross-border cooperation at municipal level and inter-municipal cooperation in the border area. It set up 4 local volunteer services and a cross-border network of 9 civil-society organisations. Final beneficiaries: marginalised groups, groups at risk of social exclusion and the target local communities."}},
		Orgs:      []Org{o(RoleFunding, OrgEU, "XI-IATI-EC_NEAR", "15")},
		Locations: locs("ba-rs-banja-luka", "ba-rs-gradiska", "ba-rs-derventa", "ba-rs-laktasi"),
		Targets: []Target{
			{Label: "Lokalni volonterski servisi", Target: 4, Actuals: []Actual{{Date: "2012-12-31", Value: 4}}},
			{Label: "OCD u prekograničnoj mreži", Target: 9, Actuals: []Actual{{Date: "2012-12-31", Value: 9}}},
			{Label: "Partnerske ustanove i organizacije", Target: 37, Actuals: []Actual{{Date: "2012-12-31", Value: 37}}},
		},
		Milestones: []Milestone{{Date: "2012-12-31", Title: "Prekogranični volonterski kamp u Bosni i Hercegovini", Done: true}},
		Links:      []Link{{Title: "Projekti u BiH koje finansira EU", URL: "https://europa.ba/?page_id=808"}},
		OwnerOrg:   org(OrgEU),
	}
	link := &Project{
		Kind: KindProgramme, Status: 4, DefaultLang: "bs", FundingYear: 2020,
		PlannedStart: "2021-01-01", PlannedEnd: "2023-12-31", ActualStart: "2021-01-01",
		Budget:  money.New(0, "EUR"),
		Sectors: []string{"15150", "15112"},
		SDGs:    []int{16},
		Texts: []Text{
			{Lang: "bs", Title: "LINK za saradnju/suradnju – jačanje lokalnog učešća i saradnje kroz partnerstvo javnih vlasti i organizacija civilnog društva u BiH",
				Summary:    "Aktivnosti projekta LINK za saradnju/suradnju osmišljene su kako bi ojačale utjecaj civilnog društva i donošenja odluka u javnim politikama na lokalnoj razini u Bosni i Hercegovini u skladu s procesom pristupanja EU. Projekt promovira i primjenjuje 12 načela dobrog upravljanja i Evropsku oznaku izvrsnosti upravljanja (ELoGE) u 12 lokalnih samouprava u BiH. Projekt vodi lokalni aplikant, LDA Mostar, u saradnji s projektnim partnerima.",
				Objectives: "Opći cilj: jačanje kapaciteta organizacija civilnog društva uključenih u procese javnih politika kako bi postale osposobljeni i pouzdani partneri u kreiranju politika i reformama u Bosni i Hercegovini. Specifični ciljevi: jače veze s građanima kroz uključivanje u kreiranje javnih politika, uključujući marginalizirane grupe i male lokalne zajednice; sposobne, transparentne i odgovorne lokalne vlasti; efikasne organizacije civilnog društva; lokalne vlasti s politikama i pravilima za male lokalne organizacije i građanske inicijative; mreža OCD-a za zagovaranje.",
				Results:    "Od 5.11. do 28.12.2021. održani su informativni sastanci s predstavnicima 11 lokalnih samouprava o ELoGE programu Vijeća Evrope, Akademiji za lidere (LAP), grant šemi za civilni sektor i zajedničkoj promociji na projektnom portalu i društvenim mrežama."},
			{Lang: "mk", Title: "Зајакнување на локално учество и соработка преку партнерство со јавни власти и граѓански организации во Босна и Херцеговина – Линк за соработка",
				Summary:    "Проектот промовира принципи на добро управување со цел ефективно и одговорно работење на единиците на локалната самоуправа во Босна и Херцеговина. Проектот има за цел да ги зајакне капацитетите на локалните власти (советници и општински службеници) и граѓанското општество во спроведувањето на активности за партиципативно учество. Проектот вклучува 40 локални граѓански организации од Босна и Херцеговина и 12 единици на локалната самоуправа.",
				Objectives: "Општа цел: зајакнување на капацитетите на граѓанските организации вклучени во процесите на јавна политика со цел да станат оспособени и сигурни партнери во процесите на креирање политики и реформи во Босна и Херцеговина."},
			{Lang: "en", Title: "Link for cooperation – strengthening local participation and cooperation through partnership of public authorities and civil-society organisations in Bosnia and Herzegovina",
				Summary: "The project promotes the principles of good governance for effective and accountable local self-governments in Bosnia and Herzegovina and strengthens local authorities (councillors and municipal staff) and civil society in participatory processes. It involves 40 local CSOs and 12 local self-governments, applying the Council of Europe's 12 Principles of Good Democratic Governance and the European Label of Governance Excellence (ELoGE)."},
		},
		Orgs: []Org{
			o(RoleFunding, OrgEU, "XI-IATI-EC_NEAR", "15"),
			o(RoleAccountable, OrgLDA, "", "22"),
			o(RoleImplementing, OrgLDA, "", "22"),
			o(RoleImplementing, OrgZav, "", "22"),
			o(RoleImplementing, OrgPrijedor, "", "22"),
			o(RoleImplementing, OrgCRH, "", "22"),
			o(RoleImplementing, OrgALDA, "", "21"),
		},
		Locations: locs("ba-rs-berkovici", "ba-fbih-jablanica", "ba-rs-kostajnica", "ba-fbih-maglaj", "ba-fbih-mostar", "ba-rs-nevesinje",
			"ba-rs-novi-grad", "ba-rs-prijedor", "ba-fbih-ravno", "ba-rs-trebinje", "ba-fbih-zavidovici", "ba-fbih-zepce"),
		Targets: []Target{
			{Label: "Lokalne zajednice s boljim javnim uslugama", Target: 20},
			{Label: "Lokalne vlasti s jačim kapacitetima za inkluzivna rješenja", Target: 12},
			{Label: "Organizacije civilnog društva s boljim vještinama", Target: 40},
			{Label: "Lokalne samouprave u ELoGE procesu (informativni sastanci)", Target: 12, Actuals: []Actual{{Date: "2021-12-28", Value: 11}}},
			{Label: "Pametne klupe postavljene u lokalnim zajednicama", Target: 12},
		},
		Milestones: []Milestone{
			{Date: "2021-12-28", Title: "Informativni sastanci s 11 lokalnih samouprava (5.11.–28.12.2021.)", Done: true},
			{Title: "Obuka trenera za metodologiju Vijeća Evrope – Evropska oznaka izvrsnosti upravljanja (ELoGE)", Done: true},
			{Title: "Procjena potreba po metodologiji ELoGE u 12 lokalnih samouprava"},
			{Title: "Akademija za lidere Vijeća Evrope za predstavnike 12 lokalnih samouprava i lokalnih OCD-a"},
			{Title: "Obuka o participativnom procesu za predstavnike 12 lokalnih samouprava"},
			{Title: "Mali grantovi za lokalne organizacije civilnog društva"},
			{Title: "Forumi najboljih praksi saradnje OCD-a i lokalnih vlasti; neformalna mreža"},
			{Title: "Digitalna demokratija: 12 pametnih klupa u 12 lokalnih zajednica"},
			{Title: "Završna konferencija projekta"},
		},
		Links: []Link{
			{Title: "Portal projekta LINK za saradnju", URL: "https://www.link4cooperation.ba/"},
			{Title: "ALDA Skopje: Линк за соработка (23.7.2021.)", URL: "https://www.alda-europe.eu/"},
		},
		Website: "https://www.link4cooperation.ba/", ContactEmail: "info@link4cooperation.ba", ContactPhone: "+387 36 333 830", ContactName: "LDA Mostar",
		OwnerOrg: org(OrgLDA),
	}
	makers := &Project{
		Kind: KindProject, Status: 2, DefaultLang: "bs",
		PlannedStart: "2020-03-01", PlannedEnd: "2023-03-31", ActualStart: "2020-03-01",
		Budget:  money.New(42500000, "USD"),
		Sectors: []string{"15220", "15150"},
		SDGs:    []int{16},
		Texts: []Text{
			{Lang: "bs", Title: "MAKERS – Aktivizam, angažman i odgovorna rješenja",
				Summary:    "MAKERS projekat ima za cilj poboljšati socijalnu koheziju u partnerskim općinama i gradovima, podržati i osnažiti općinske i gradske mehanizme javnog učešća, podržati aktivizam u zajednici i ojačati mlade liderke i lidere u njihovim zajednicama i šire, promovirajući zajedničko djelovanje i zajedničke ciljeve. MAKERS jača i institucionalizira lokalne dijaloške platforme u partnerskim općinama s kojima je saradnja uspostavljena tokom UN-ovog projekta Dijalog za budućnost.",
				Objectives: "Jačanje dimenzija socijalne kohezije: građansko sudjelovanje, povjerenje u ljude i institucije, prihvaćanje različitosti i solidarnost, volonterizam. Sufinansiranje najmanje 8 lokalnih inicijativa identificiranih na sastancima platforme; međuentitetske i međuopćinske platforme za lokalni dijalog; otvoreni poziv za prijedloge projekata.",
				Results:    "Na Igmanu je 18. i 19. oktobra 2022. održan trening koordinatora i zamjenika koordinatora partnerskih JLS: predstavljeni su rezultati lokalnih dijaloških platformi (LDP) i Foruma za građanske inicijative, definisane zajedničke oblasti za međuopštinsku platformu (MLDP) i napravljen plan aktivnosti."},
			{Lang: "en", Title: "MAKERS – Meaningful Activism, Knowledgeable Engagement and Responsible Solutions",
				Summary: "MAKERS aims to improve social cohesion in partner municipalities and cities, to strengthen municipal mechanisms of public participation, to support community activism and to empower young leaders, through local dialogue platforms mentored by UNDP and co-financing of at least 8 local initiatives chosen at platform meetings."},
		},
		Orgs: []Org{
			o(RoleFunding, OrgPorticus, "", "60"),
			o(RoleAccountable, OrgUNDP, "XM-DAC-41114", "40"),
			o(RoleImplementing, OrgUNDP, "XM-DAC-41114", "40"),
		},
		Locations: locs("ba-fbih-centar", "ba-fbih-novo-sarajevo", "ba-rs-istocno-novo-sarajevo", "ba-rs-pale", "ba-rs-trebinje", "ba-rs-doboj",
			"ba-fbih-doboj-istok", "ba-bd-brcko", "ba-rs-bijeljina", "ba-fbih-mostar", "ba-fbih-bugojno", "ba-rs-trnovo-rs", "ba-fbih-travnik", "ba-fbih-novi-travnik",
			"ba-fbih-trnovo"),
		Targets: []Target{
			{Label: "Partnerske općine i gradovi", Target: 14, Actuals: []Actual{{Date: "2022-10-19", Value: 15}}},
			{Label: "Lokalne inicijative sufinansirane s općinama", Target: 8},
		},
		Milestones: []Milestone{
			{Date: "2022-10-19", Title: "Trening koordinatora i zamjenika koordinatora LDP-a na Igmanu (18.–19.10.2022.)", Done: true},
			{Date: "2022-10-19", Title: "Plan aktivnosti međuopštinske dijaloške platforme (MLDP)", Done: true},
			{Title: "Otvoreni poziv za prijedloge projekata mladih aktivista"},
		},
		Links:    []Link{{Title: "UNDP BiH: MAKERS", URL: "https://www.undp.org/bosnia-herzegovina"}},
		OwnerOrg: org(OrgUNDP),
	}
	return []*Project{volunteers, link, makers}
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
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	total := 0
	for _, d := range demoDonors {
		total += d.weight
	}
	today := "2026-11-23"
	out := make([]*Project, 0, n)
	for i := range n {
		x := r.IntN(total)
		var d donor
		for _, dd := range demoDonors {
			if x < dd.weight {
				d = dd
				break
			}
			x -= dd.weight
		}
		sector := d.sectors[r.IntN(len(d.sectors))]
		k := 1
		switch v := r.IntN(100); {
		case v >= 95:
			k = 6 + r.IntN(7)
		case v >= 70:
			k = 2 + r.IntN(4)
		}
		seen := map[string]bool{}
		var locs []Location
		var first places.Place
		for len(locs) < k {
			p := lsgs[r.IntN(len(lsgs))]
			if seen[p.Code] {
				continue
			}
			if len(locs) == 0 {
				first = p
			}
			seen[p.Code] = true
			locs = append(locs, Location{Place: p.Code})
		}
		where := first.NameLat
		if k > 1 {
			where = fmt.Sprintf("%s i još %d JLS", first.NameLat, k-1)
		}
		whereEN := first.NameLat
		if k > 1 {
			whereEN = fmt.Sprintf("%s and %d more LSGs", first.NameLat, k-1)
		}
		t := sectorTitles[sector]
		year := 2008 + r.IntN(19)
		month := 1 + r.IntN(12)
		months := 6 + r.IntN(43)
		start := fmt.Sprintf("%04d-%02d-01", year, month)
		endY, endM := year+(month-1+months)/12, (month-1+months)%12+1
		end := fmt.Sprintf("%04d-%02d-28", endY, endM)
		status := 2
		switch {
		case start > today:
			status = 1
		case end < today:
			status = 4
		case end[:7] <= "2027-01":
			status = 3
		}
		if r.IntN(40) == 0 {
			status = 5
		}
		// log-uniform 15,000 - 3,000,000 in the donor's currency (roughly)
		v := math.Exp(math.Log(15000) + r.Float64()*(math.Log(3e6)-math.Log(15000)))
		if d.currency == "SEK" {
			v *= 11
		}
		minor := int64(v/500) * 500 * 100
		p := &Project{
			Kind: KindProject, Status: status, DefaultLang: "bs", PlannedStart: start, PlannedEnd: end,
			Budget: money.New(minor, d.currency), Sectors: []string{sector}, Locations: locs,
			Texts: []Text{
				{Lang: "bs", Title: strings.ReplaceAll(t[0], "{lsg}", where), Summary: fmt.Sprintf("Projekat finansira %s. Provodi se u periodu %s – %s.", d.name, start[:7], end[:7])},
				{Lang: "en", Title: strings.ReplaceAll(t[1], "{lsg}", whereEN)},
			},
			Orgs:     []Org{{Role: RoleFunding, Name: d.name, Ref: d.ref, Type: d.typ, OrgID: org(d.name)}},
			OwnerOrg: org(d.name),
		}
		if status >= 2 && status != 5 {
			p.ActualStart = start
		}
		if status == 4 {
			p.ActualEnd = end
		}
		if r.IntN(3) == 0 {
			p.SDGs = []int{[]int{5, 6, 7, 8, 11, 16}[r.IntN(6)]}
		}
		if d.name == OrgEU {
			p.FundingYear = max(year-1-r.IntN(3), 2007)
			p.Acquis = []int{[]int{22, 23, 19, 27, 15, 0}[r.IntN(6)]}
		}
		if status >= 2 && status != 5 && minor > 0 {
			paid := minor * int64(30+r.IntN(70)) / 100
			if status == 4 {
				paid = minor
			}
			p.Transactions = []Transaction{
				{Type: TxCommitment, Date: start, Amount: money.New(minor, d.currency)},
				{Type: TxDisbursement, Date: start[:8] + "15", Amount: money.New(paid/100*100, d.currency)},
			}
		}
		if r.IntN(4) == 0 {
			impl := []string{"Općinska razvojna agencija", "Udruženje građana „Zajedno“", "Crveni križ", "Lokalna akcijska grupa", "Centar za razvoj i podršku"}[r.IntN(5)]
			p.Orgs = append(p.Orgs, Org{Role: RoleImplementing, Name: impl + " " + first.NameLat, Type: "22"})
		}
		p.IATIIdentifier = ""
		if d.ref != "" && r.IntN(2) == 0 {
			p.IATIIdentifier = d.ref + "-BA-" + strconv.Itoa(100000+i)
		}
		out = append(out, p)
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
			for _, p := range batch {
				if err := s.st.insert(ctx, tx, p, nullParent(), s.keys(ctx, p)); err != nil {
					return err
				}
				if err := s.st.addHistory(ctx, tx, p.ID, a.UserID, a.Name, "create", "[]"); err != nil {
					return err
				}
				if err := s.index(ctx, tx, p); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	s.invalidate()
	return nil
}
