package dialogue

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/refuse"
)

// DemoPassword is the password of the demo citizens the loader creates
// (the same as the platform's other demo accounts).
const DemoPassword = "dijalog-demo-2026"

// makersLSGs are the 14 partner municipalities of UNDP MAKERS (seed 004)
// and Trnovo (FBiH), whose representatives took part in the Igman
// training (seed 003).
var makersLSGs = []struct{ Code, Name string }{
	{"ba-fbih-centar", "Centar Sarajevo"},
	{"ba-fbih-novo-sarajevo", "Novo Sarajevo"},
	{"ba-rs-istocno-novo-sarajevo", "Istočno Novo Sarajevo"},
	{"ba-rs-pale", "Pale"},
	{"ba-rs-trebinje", "Trebinje"},
	{"ba-rs-doboj", "Doboj"},
	{"ba-fbih-doboj-istok", "Doboj Istok"},
	{"ba-bd-brcko", "Brčko distrikt"},
	{"ba-rs-bijeljina", "Bijeljina"},
	{"ba-fbih-mostar", "Mostar"},
	{"ba-fbih-bugojno", "Bugojno"},
	{"ba-rs-trnovo-rs", "Trnovo (RS)"},
	{"ba-fbih-travnik", "Travnik"},
	{"ba-fbih-novi-travnik", "Novi Travnik"},
	{"ba-fbih-trnovo", "Trnovo"},
}

var demoCitizens = []struct{ Email, Name string }{
	{"amina.hadzic@demo.dijalog.ba", "Amina Hadžić"},
	{"dino.kovacevic@demo.dijalog.ba", "Dino Kovačević"},
	{"ana.ivankovic@demo.dijalog.ba", "Ana Ivanković"},
	{"stefan.jovic@demo.dijalog.ba", "Stefan Jović"},
	{"lejla.mehmedovic@demo.dijalog.ba", "Lejla Mehmedović"},
	{"tarik.omerovic@demo.dijalog.ba", "Tarik Omerović"},
	{"marija.pavlovic@demo.dijalog.ba", "Marija Pavlović"},
	{"kenan.begovic@demo.dijalog.ba", "Kenan Begović"},
	{"ivana.soldo@demo.dijalog.ba", "Ivana Soldo"},
	{"nikola.vukovic@demo.dijalog.ba", "Nikola Vuković"},
	{"selma.kapetanovic@demo.dijalog.ba", "Selma Kapetanović"},
	{"mirza.hodzic@demo.dijalog.ba", "Mirza Hodžić"},
}

type demoInit struct {
	title, problem, solution, community string
	cost                                string
	prio                                int
	target                              string // final state
	supporters                          int
	reason                              string
	shares                              []ShareInput
	paid                                string // amount disbursed, "" for none
	reports                             []demoReport
}

type demoReport struct {
	body    string
	percent int
}

// LoadDemo creates the MAKERS platforms, the inter-municipal platform of
// Mostar, Trebinje and Trnovo with the Igman training, and initiatives of
// Mostar in every state with supports from demo citizens.
func LoadDemo(ctx context.Context, s *Service, users *auth.Service) error {
	get := func(email string) (*auth.User, error) {
		u, err := users.UserByEmail(ctx, email)
		if err != nil {
			return nil, fmt.Errorf("dialogue demo: account %s: %w", email, err)
		}
		return u, nil
	}
	mostarCoord, err := get("koordinator.mostar@demo.dijalog.ba")
	if err != nil {
		return err
	}
	trebinjeCoord, err := get("koordinator.trebinje@demo.dijalog.ba")
	if err != nil {
		return err
	}
	trnovoStaff, err := get("osoblje.trnovo@demo.dijalog.ba")
	if err != nil {
		return err
	}
	citizen, err := get("gradjanin@demo.dijalog.ba")
	if err != nil {
		return err
	}
	var people []*auth.User
	for _, c := range demoCitizens {
		u, err := users.Register(ctx, auth.RegisterInput{Email: c.Email, Name: c.Name, Password: DemoPassword, Locale: "bs"}, auth.Meta{IP: "demo"})
		if err != nil {
			return fmt.Errorf("dialogue demo: citizen %s: %w", c.Email, err)
		}
		people = append(people, u)
	}
	m := Meta{IP: "demo"}
	byCode := map[string]*Platform{}
	for i, l := range makersLSGs {
		name := "Lokalna dijaloška platforma " + l.Name
		if i%3 == 1 {
			name = "Forum za građanske inicijative " + l.Name
		}
		p, err := s.CreatePlatform(ctx, nil, PlatformInput{Name: name, LSGs: []string{l.Code},
			Description: "Lokalna dijaloška platforma okuplja građane, mlade aktiviste i općinsko osoblje: dogovara prioritete, prikuplja inicijative građana i na svojim sastancima bira one koje općina i donator sufinansiraju (projekat MAKERS, UNDP, uz podršku fondacije Porticus)."}, m)
		if err != nil {
			return fmt.Errorf("dialogue demo: platform %s: %w", l.Code, err)
		}
		byCode[l.Code] = p
		for _, pr := range []struct{ name, tags string }{{"Mladi u lokalnoj zajednici", "SDG 4, SDG 8"}, {"Učešće građana u odlučivanju", "SDG 16.7, DAC 15150"}} {
			if err := s.AddPriority(ctx, nil, p, pr.name, pr.tags, m); err != nil {
				return err
			}
		}
	}
	// Members of Mostar's platform; Trebinje and Trnovo get their coordinators.
	mostar := byCode["ba-fbih-mostar"]
	if err := s.AddMemberDirect(ctx, mostar, mostarCoord.ID, RoleCoordinator); err != nil {
		return err
	}
	if err := s.AddMemberDirect(ctx, mostar, people[8].ID, RoleDeputy); err != nil {
		return err
	}
	for i, u := range people[:6] {
		role := RoleMember
		if i%2 == 0 {
			role = RoleYouthActivist
		}
		if err := s.AddMemberDirect(ctx, mostar, u.ID, role); err != nil {
			return err
		}
	}
	if err := s.AddMemberDirect(ctx, byCode["ba-rs-trebinje"], trebinjeCoord.ID, RoleCoordinator); err != nil {
		return err
	}
	if err := s.AddMemberDirect(ctx, byCode["ba-fbih-trnovo"], trnovoStaff.ID, RoleMunicipalStaff); err != nil {
		return err
	}
	if err := s.RequestJoin(ctx, citizen, mostar, m); err != nil {
		return err
	}
	for _, a := range []Action{
		{Year: 2026, Title: "Javni poziv građanima za prijedloge inicijativa", Owner: "Koordinator LDP", Deadline: "2026-03-31", Status: "done"},
		{Year: 2026, Title: "Sastanak platforme: izbor inicijativa za sufinansiranje", Owner: "Koordinator i zamjenik", Deadline: "2026-10-15", Status: "done"},
		{Year: 2026, Title: "Izvještaj o provedenim inicijativama Gradskom vijeću", Owner: "Grad Mostar, Služba za mjesne zajednice", Deadline: "2026-12-20", Status: "in_progress"},
	} {
		if err := s.AddAction(ctx, nil, mostar, a, m); err != nil {
			return err
		}
	}

	// The inter-municipal platform (MLDP) agreed at the Igman training.
	mldp, err := s.CreatePlatform(ctx, nil, PlatformInput{Name: "Međuopštinska dijaloška platforma Mostar – Trebinje – Trnovo",
		LSGs:        []string{"ba-fbih-mostar", "ba-rs-trebinje", "ba-fbih-trnovo"},
		Description: "Na treningu koordinatora na Igmanu (18–19. oktobra 2022) partnerske JLS usaglasile su zajedničke oblasti u kojima imaju pozitivne prakse i potencijal za međuopštinsku saradnju, te plan aktivnosti i održivosti."}, m)
	if err != nil {
		return fmt.Errorf("dialogue demo: MLDP: %w", err)
	}
	for _, pr := range []struct{ name, tags string }{
		{"Jačanje učešća građana u odlučivanju", "SDG 16.7, DAC 15150"},
		{"Unapređenje položaja mladih u lokalnoj zajednici", "SDG 8.6, DAC 16020"},
		{"Podrška djeci i mladima s poteškoćama u razvoju", "SDG 10.2, DAC 16010"},
	} {
		if err := s.AddPriority(ctx, nil, mldp, pr.name, pr.tags, m); err != nil {
			return err
		}
	}
	for _, mem := range []struct {
		u    *auth.User
		role string
	}{{mostarCoord, RoleCoordinator}, {trebinjeCoord, RoleDeputy}, {trnovoStaff, RoleMunicipalStaff}, {people[0], RoleYouthActivist}, {people[3], RoleYouthActivist}} {
		if err := s.AddMemberDirect(ctx, mldp, mem.u.ID, mem.role); err != nil {
			return err
		}
	}
	for _, a := range []Action{
		{Year: 2022, Title: "Trening koordinatora i zamjenika koordinatora LDP, Igman", Owner: "UNDP MAKERS", Deadline: "2022-10-19", Status: "done"},
		{Year: 2023, Title: "Zajednička razmjena praksi: učešće građana u odlučivanju", Owner: "Koordinatori LDP", Deadline: "2023-02-28", Status: "done"},
		{Year: 2023, Title: "Mapiranje usluga za djecu i mlade s poteškoćama u razvoju u tri JLS", Owner: "Općina Trnovo", Deadline: "2023-03-15", Status: "done"},
	} {
		if err := s.AddAction(ctx, nil, mldp, a, m); err != nil {
			return err
		}
	}
	sarajevo, err := time.LoadLocation("Europe/Sarajevo")
	if err != nil {
		sarajevo = time.FixedZone("CET", 3600)
	}
	igman, err := s.CreateMeeting(ctx, nil, mldp, MeetingInput{Title: "Trening koordinatora za saradnju s projektom MAKERS",
		StartsAt: time.Date(2022, 10, 18, 9, 0, 0, 0, sarajevo), EndsAt: time.Date(2022, 10, 19, 16, 0, 0, 0, sarajevo), Place: "Igman",
		Agenda: "1. Predstavljanje rezultata rada LDP i Foruma za građanske inicijative\n2. Pozitivne prakse i izazovi u vođenju platformi\n3. Zajedničke oblasti i prioriteti međuopštinske saradnje\n4. Plan aktivnosti i održivosti"}, m)
	if err != nil {
		return err
	}
	if err := s.SetMinutes(ctx, nil, mldp, igman, "## Zaključci\n\nUčesnici iz partnerskih JLS predstavili su rezultate rada **lokalnih dijaloških platformi** i Foruma za građanske inicijative.\n\nUsaglašene zajedničke oblasti:\n\n- jačanje učešća građana u odlučivanju,\n- unapređenje položaja mladih u lokalnoj zajednici,\n- podrška djeci i mladima s poteškoćama u razvoju.\n\nNa treningu su učestvovali i predstavnici pet novoizabranih partnerskih JLS, među njima Općina Trnovo.", m); err != nil {
		return err
	}
	if err := s.AddDecision(ctx, nil, mldp, igman, "Uspostavlja se međuopštinska lokalna dijaloška platforma (MLDP) sa zajedničkim planom aktivnosti.", m); err != nil {
		return err
	}

	// Mostar: meetings and initiatives in every state.
	selection, err := s.CreateMeeting(ctx, nil, mostar, MeetingInput{Title: "Sjednica LDP Mostar: izbor inicijativa za sufinansiranje",
		StartsAt: time.Date(2026, 10, 15, 17, 0, 0, 0, sarajevo), EndsAt: time.Date(2026, 10, 15, 19, 0, 0, 0, sarajevo), Place: "Gradska vijećnica Mostar, mala sala",
		Agenda: "1. Pregled inicijativa otvorenih za podršku\n2. Izbor inicijativa\n3. Plan sufinansiranja"}, m)
	if err != nil {
		return err
	}
	for _, u := range people[:5] {
		if err := s.Register(ctx, u, selection, m); err != nil {
			return err
		}
	}
	if _, err := s.CreateMeeting(ctx, nil, mostar, MeetingInput{Title: "Sjednica LDP Mostar: izvještaj o provedbi",
		StartsAt: time.Date(2026, 12, 10, 17, 0, 0, 0, sarajevo), EndsAt: time.Date(2026, 12, 10, 19, 0, 0, 0, sarajevo),
		Place: "Gradska vijećnica Mostar, mala sala", OnlineURL: "https://meet.jit.si/ldp-mostar"}, m); err != nil {
		return err
	}
	prios, err := s.Priorities(ctx, mostar)
	if err != nil {
		return err
	}
	makers := "UNDP MAKERS (Porticus)"
	lsgShare := func(a string) ShareInput {
		return ShareInput{Source: "lsg", Name: "Grad Mostar", Amount: a, Currency: "BAM"}
	}
	donorShare := func(a string) ShareInput {
		return ShareInput{Source: "donor", Name: makers, Amount: a, Currency: "BAM"}
	}
	inits := []demoInit{
		{title: "Klupe i sjenila na šetalištu uz Neretvu", problem: "Na šetalištu nema mjesta za odmor ni hlada; starije osobe ga zato ljeti ne koriste.", solution: "Postaviti deset klupa i četiri sjenila uz šetalište.", community: "MZ Luka", cost: "9.000", prio: 1, target: StateDraft},
		{title: "Rampa za kolica na ulazu u Dom zdravlja Zahum", problem: "Ulaz ima pet stepenica i nema rampu.", solution: "Izgraditi rampu s rukohvatom po propisima o pristupačnosti.", community: "MZ Zahum", cost: "6.500", prio: 1, target: StateSubmitted},
		{title: "Radionice programiranja za srednjoškolce", problem: "Mladi nemaju besplatne vannastavne programe iz informatike.", solution: "Dvanaest subotnjih radionica u omladinskom centru, s volonterima iz IT firmi.", community: "", cost: "4.000", prio: 0, target: StateAdmissible},
		{title: "Nova sportska dvorana u Rodoču", problem: "Škola nema dvoranu.", solution: "Izgradnja sportske dvorane.", community: "MZ Rodoč", cost: "1.200.000", prio: 0, target: StateNotAdmissible, reason: "Trošak daleko premašuje okvir sufinansiranja platforme (do 15.000 KM po inicijativi); prijedlog je proslijeđen Službi za kapitalne investicije."},
		{title: "Javna rasvjeta na pješačkoj stazi do OŠ Zalik", problem: "Djeca zimi idu u školu po mraku, staza nije osvijetljena.", solution: "Postaviti 14 solarnih svjetiljki duž staze od 600 m.", community: "MZ Zalik", cost: "12.600", prio: 1, target: StateOpen, supporters: 9},
		{title: "Senzorna soba u Centru za djecu s poteškoćama u razvoju", problem: "Centar nema prostor za senzornu terapiju.", solution: "Opremiti senzornu sobu i obučiti dva terapeuta.", community: "", cost: "14.000", prio: 1, target: StateSelected, supporters: 11},
		{title: "Uređenje dječijeg igrališta u MZ Cernica", problem: "Igralište je zapušteno i opasno.", solution: "Zamijeniti sprave, postaviti podlogu koja ublažava pad i ogradu.", community: "MZ Cernica", cost: "12.000", prio: 0, target: StateCofinanced, supporters: 10,
			shares: []ShareInput{lsgShare("6.000"), donorShare("6.000")}},
		{title: "Omladinski klub u MZ Bijeli Brijeg", problem: "Mladi nemaju prostor za okupljanje.", solution: "Adaptirati prizemlje zgrade MZ u omladinski klub.", community: "MZ Bijeli Brijeg", cost: "15.000", prio: 0, target: StateImplementation, supporters: 12,
			shares: []ShareInput{lsgShare("7.500"), donorShare("7.500")}, paid: "7.500", reports: []demoReport{{"Završeni građevinski radovi u prizemlju; nabavljen namještaj.", 60}}},
		{title: "Biciklističke stalke ispred škola", problem: "Učenici nemaju gdje ostaviti bicikl.", solution: "Postaviti stalke za 200 bicikala ispred osam škola.", community: "", cost: "8.000", prio: 1, target: StateDone, supporters: 8,
			shares: []ShareInput{lsgShare("4.000"), donorShare("4.000")}, paid: "8.000", reports: []demoReport{{"Nabavljeni stalci.", 50}, {"Stalci postavljeni ispred svih osam škola.", 100}}},
		{title: "Zelena učionica u OŠ Mujaga Komadina", problem: "Nastava u prirodi nema uređen prostor.", solution: "Urediti zelenu učionicu s klupama i nadstrešnicom u školskom dvorištu.", community: "MZ Centar II", cost: "10.000", prio: 0, target: StateDone, supporters: 7,
			shares: []ShareInput{lsgShare("5.000"), donorShare("4.000"), {Source: "other", Name: "Vijeće roditelja OŠ Mujaga Komadina", Amount: "1.000", Currency: "BAM"}}, paid: "10.000", reports: []demoReport{{"Zelena učionica otvorena; koristi je 12 odjeljenja.", 100}}},
		{title: "Psi lutalice: azil za napuštene životinje", problem: "Veliki broj pasa lutalica.", solution: "Izgraditi gradski azil.", community: "", cost: "250.000", prio: 0, target: StateRejected, supporters: 3, reason: "Na sjednici platforme odlučeno je da je ovo zakonska nadležnost Grada; prijedlog je upućen Gradskom vijeću."},
		{title: "Fontana na Musali", problem: "Trg nema pitku vodu.", solution: "Postaviti česmu.", community: "MZ Centar I", cost: "3.000", prio: 0, target: StateWithdrawn},
	}
	path := map[string][]string{
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
	authors := append([]*auth.User{citizen}, people...)
	for i, d := range inits {
		author := authors[i%len(authors)]
		in := InitiativeInput{Title: d.title, Problem: d.problem, Solution: d.solution, LocalCommunity: d.community, Cost: d.cost, Currency: "BAM", LSG: "ba-fbih-mostar"}
		if len(prios) > d.prio {
			in.PriorityID = prios[d.prio].ID
		}
		x, err := s.CreateInitiative(ctx, author, mostar, in, m)
		if err != nil {
			return fmt.Errorf("dialogue demo: initiative %q: %w", d.title, err)
		}
		for _, to := range path[d.target] {
			actor := mostarCoord
			if to == StateSubmitted || to == StateWithdrawn {
				actor = author
			}
			if to == StateCofinanced {
				for _, sh := range d.shares {
					if err := s.AddShare(ctx, mostarCoord, mostar, x, sh, m); err != nil {
						return fmt.Errorf("dialogue demo: share of %q: %w", d.title, err)
					}
				}
			}
			reason, meeting := "", ""
			switch to {
			case StateSelected:
				meeting = selection.PublicID
			case StateNotAdmissible, StateRejected:
				reason = d.reason
			}
			if err := s.Transition(ctx, actor, mostar, x, to, reason, meeting, m); err != nil {
				return fmt.Errorf("dialogue demo: %q to %s: %w", d.title, to, err)
			}
			if to == StateOpen {
				for _, u := range people[:min(d.supporters, len(people))] {
					if _, err := s.Support(ctx, u, mostar, x, m); err != nil && !errors.Is(err, ErrAlreadySupported) {
						return fmt.Errorf("dialogue demo: support of %q: %w", d.title, err)
					}
				}
			}
			if to == StateImplementation || (to == StateCofinanced && d.target == StateCofinanced) {
				if d.paid != "" {
					if err := s.AddDisbursement(ctx, mostarCoord, mostar, x, "2026-11-02", d.paid, "BAM", "Isplata izvođaču po ugovoru", m); err != nil {
						return err
					}
				}
			}
			if to == StateImplementation {
				for _, r := range d.reports {
					if err := s.AddReport(ctx, mostarCoord, mostar, x, r.body, r.percent, nil, m); err != nil {
						return err
					}
				}
			}
		}
	}
	// The inter-municipal platform has one initiative open for support.
	x, err := s.CreateInitiative(ctx, people[3], mldp, InitiativeInput{Title: "Zajednički ljetni kamp za djecu s poteškoćama u razvoju iz Mostara, Trebinja i Trnova",
		Problem: "Porodice djece s poteškoćama u razvoju u tri JLS nemaju organizovan ljetni program.", Solution: "Desetodnevni kamp na Igmanu s asistentima i volonterima iz sve tri zajednice.",
		LSG: "ba-rs-trebinje", Cost: "18.000", Currency: "BAM", Submit: true}, m)
	if err != nil {
		return err
	}
	for _, to := range []string{StateAdmissible, StateOpen} {
		if err := s.Transition(ctx, mostarCoord, mldp, x, to, "", "", m); err != nil {
			return err
		}
	}
	for _, u := range people[:4] {
		if _, err := s.Support(ctx, u, mldp, x, m); err != nil {
			return err
		}
	}
	// Mostar's verified residents (checked in person at the citizens' office).
	for _, u := range people[:6] {
		if err := s.VerifyResident(ctx, nil, mostar, u.ID, u.PublicID, "ba-fbih-mostar", m); err != nil && !errors.Is(err, refuse.ErrConflict) {
			return err
		}
	}
	admin, err := get("admin@demo.dijalog.ba")
	if err != nil {
		return err
	}
	if err := demoElsewhere(ctx, s, admin, byCode, people, m); err != nil {
		return err
	}
	if err := demoBallots(ctx, s, mostarCoord, mostar, mldp, people, m); err != nil {
		return err
	}
	// Followers, added last so that the demo mails nobody.
	follows, err := s.Initiatives(ctx, InitiativeFilter{PlatformID: mostar.ID, State: StateImplementation})
	if err != nil {
		return err
	}
	for _, x := range follows {
		for _, u := range []*auth.User{citizen, people[0]} {
			if err := s.Follow(ctx, u, &x, m); err != nil {
				return err
			}
		}
	}
	return nil
}
