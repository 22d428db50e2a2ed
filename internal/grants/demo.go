package grants

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/places"
)

// WithClock returns a copy of the service that reads the time from now
// (the demo loader replays a past call; tests move through deadlines).
func (s *Service) WithClock(now func() time.Time) *Service {
	c := *s
	c.o.Now = now
	return &c
}

// DemoAccounts is what the demo loader needs from the accounts service.
type DemoAccounts interface {
	Directory
	UserByEmail(ctx context.Context, email string) (*auth.User, error)
	Organisations(ctx context.Context, kind string) ([]auth.Organisation, error)
	Register(ctx context.Context, in auth.RegisterInput, m auth.Meta) (*auth.User, error)
	GrantRole(ctx context.Context, actor *auth.User, targetPID string, g auth.Grant, m auth.Meta) error
	UserByPublicID(ctx context.Context, pid string) (*auth.User, error)
}

// DemoPassword of the extra assessor accounts the demo creates (the same
// as the platform's other demo accounts).
const DemoPassword = "dijalog-demo-2026"

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04:05", s, sarajevo())
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func sarajevo() *time.Location {
	if l, err := time.LoadLocation("Europe/Sarajevo"); err == nil {
		return l
	}
	return time.FixedZone("CET", 3600)
}

const linkForm = `text | Naziv organizacije partnera (ako postoji)
longtext | Problem u lokalnoj zajednici koji projekat rješava | required
longtext | Aktivnosti i rezultati | required
number | Broj direktnih korisnika | required
date | Početak provedbe | required
choice | Oblast | required | Omladina; Kultura; Okoliš; Socijalna uključenost; Dobro upravljanje
file | Izjava o partnerstvu s lokalnom zajednicom
budget | Budžet projekta | required`

const linkEligibility = `yes | Organizacija je registrovana udruga ili fondacija u Bosni i Hercegovini.
yes | Organizacija djeluje u jednoj od partnerskih lokalnih zajednica projekta.
yes | Organizacija je aktivna najmanje dvije godine.
no | Organizacija je korisnik druge podrške iz projekta "Link za saradnju" u istoj godini.`

const linkCriteria = `30 | 10 | Relevantnost za lokalnu zajednicu | Odgovara li projekat na stvarnu potrebu iz lokalnog akcionog plana?
25 | 10 | Učešće građana i saradnja s JLS | Koliko su građani, mladi i općina uključeni u provedbu?
25 | 10 | Izvodljivost i budžet | Jesu li aktivnosti, rokovi i troškovi realni?
20 | 10 | Održivost | Hoće li rezultati trajati nakon završetka granta?`

// LoadDemo fills the demo database: the Link-for-cooperation small-grant
// call of LDA Mostar with applications in every state and a finished
// assessment, the UNDP MAKERS open call, an upcoming call of the City of
// Mostar and a few years of LSG support to CSOs.
func LoadDemo(ctx context.Context, s *Service, acc DemoAccounts, pl *places.Service) error {
	admin, err := acc.UserByEmail(ctx, "admin@demo.dijalog.ba")
	if err != nil {
		return fmt.Errorf("grants demo: %w", err)
	}
	orgs, err := acc.Organisations(ctx, "")
	if err != nil {
		return err
	}
	org := func(prefix string) auth.Organisation {
		for _, o := range orgs {
			if strings.HasPrefix(o.Name, prefix) {
				return o
			}
		}
		return auth.Organisation{}
	}
	alda := org("ALDA")
	lda, zav, pri, treb, undp := org("Lokalna agencija za demokratiju Mostar"), org("Agencija za lokalnu demokratiju Zavidovići"), org("Agencija za lokalnu demokratiju Prijedor"), org("Centar za razvoj Hercegovine"), org("UNDP")
	if lda.PublicID == "" || undp.PublicID == "" {
		return errors.New("grants demo: the demo organisations are missing")
	}
	// Assessors: the demo one and two more, so that every application has
	// two and a conflict or a divergence can bring in another.
	assessors := []*auth.User{}
	if a, err := acc.UserByEmail(ctx, "ocjenjivac@demo.dijalog.ba"); err == nil {
		assessors = append(assessors, a)
	}
	for _, p := range []struct{ email, name string }{{"ocjenjivacica.banjaluka@demo.dijalog.ba", "Dragana Stojanović"}, {"ocjenjivac.tuzla@demo.dijalog.ba", "Haris Mehmedović"}} {
		u, err := acc.Register(ctx, auth.RegisterInput{Email: p.email, Name: p.name, Password: DemoPassword}, auth.Meta{IP: "demo"})
		if err != nil {
			return fmt.Errorf("grants demo: assessor %s: %w", p.email, err)
		}
		if err := acc.GrantRole(ctx, admin, u.PublicID, auth.Grant{Role: auth.RoleAssessor, ScopeKind: auth.ScopeGlobal}, auth.Meta{IP: "demo"}); err != nil {
			return err
		}
		if u, err = acc.UserByPublicID(ctx, u.PublicID); err != nil {
			return err
		}
		assessors = append(assessors, u)
	}
	for i, a := range assessors {
		if assessors[i], err = acc.UserByPublicID(ctx, a.PublicID); err != nil {
			return err
		}
	}
	m := Meta{IP: "demo"}

	// 1. Link for cooperation: LDA Mostar re-grants EU money in 2026.
	clock := at("2026-02-20 10:00:00")
	past := s.WithClock(func() time.Time { return clock })
	link, err := past.CreateCall(ctx, admin, CallInput{
		Publisher: "org:" + lda.PublicID, Funder: "LDA Mostar – projekat \"Link za saradnju\" (finansira Evropska unija)", Lang: "bs",
		Texts: []Text{
			{Lang: "bs", Title: "Mali grantovi za organizacije civilnog društva 2026 – Link za saradnju", Body: "Lokalna agencija za demokratiju Mostar, u okviru projekta \"Link za saradnju\" koji finansira Evropska unija, poziva organizacije civilnog društva iz partnerskih lokalnih zajednica da predlože male projekte koji jačaju učešće građana i saradnju s lokalnom samoupravom.\n\nPodržat ćemo projekte koji rješavaju konkretan problem zajednice identificiran na lokalnim forumima, uključuju mlade i provode se zajedno s općinom ili gradom.\n\nUkupni iznos poziva je 60.000 EUR; pojedinačni grant iznosi od 3.000 do 8.000 EUR, uz vlastito učešće od najmanje 10 % ukupnog budžeta."},
			{Lang: "en", Title: "Small grants for civil-society organisations 2026 – Link for cooperation", Body: "The Local Democracy Agency Mostar, within the EU-funded project \"Link for cooperation\", invites civil-society organisations from the partner communities to propose small projects that strengthen citizens' participation and cooperation with local government.\n\nWe support projects that solve a concrete community problem identified at local forums, involve young people and are carried out together with the municipality or city.\n\nThe call totals EUR 60,000; a grant is EUR 3,000 to 8,000, with an own share of at least 10 % of the total budget."},
			{Lang: "mk", Title: "Мали грантови за граѓански организации 2026 – Линк за соработка", Body: "Локалната агенција за демократија Мостар, во рамките на проектот „Линк за соработка“ финансиран од Европската Унија, ги повикува граѓанските организации од партнерските локални заедници да предложат мали проекти за граѓанско учество и соработка со локалната самоуправа."},
		},
		Currency: "EUR", Total: "60000", Min: "3000", Max: "8000", OwnSharePct: "10", DivergencePct: "30",
		OpensAt: "2026-03-01T08:00:00", QuestionsUntil: "2026-04-01T16:00:00", ClosesAt: "2026-04-15T23:59:59",
		Eligibility: linkEligibility, Form: linkForm, Criteria: linkCriteria,
	}, m)
	if err != nil {
		return fmt.Errorf("grants demo: link call: %w", err)
	}
	if err := past.PublishCall(ctx, admin, link.Slug, m); err != nil {
		return err
	}
	if link, err = past.CallBySlug(ctx, link.Slug); err != nil {
		return err
	}
	clock = at("2026-03-10 12:00:00")
	if err := past.Ask(ctx, admin, link, "Mogu li dvije organizacije zajedno podnijeti prijavu?", m); err != nil {
		return err
	}
	qs, err := past.Questions(ctx, link.ID)
	if err != nil {
		return err
	}
	if err := past.Answer(ctx, admin, link, qs[0].PublicID, "Da, kao partneri: prijavu podnosi jedna organizacija (nositelj), a partnerstvo se opisuje u prijavi i potvrđuje izjavom o partnerstvu.", m); err != nil {
		return err
	}
	yes4 := map[string]string{"q1": "yes", "q2": "yes", "q3": "yes", "q4": "no"}
	type demoApp struct {
		org                  auth.Organisation
		elig                 map[string]string
		title, problem, area string
		lines                []BudgetLineInput
		submit, withdraw     bool
		scores               [][]string // per assessor, per criterion
		decision             string
	}
	apps := []demoApp{
		{org: zav, elig: yes4, title: "Omladinski klub u mjesnoj zajednici Hajderovići", problem: "Mladi u ruralnim mjesnim zajednicama Zavidovića nemaju prostor za okupljanje ni način da učestvuju u odlukama općine.", area: "Omladina",
			lines: []BudgetLineInput{{"Opremanje prostora kluba", "4.200", "3.800"}, {"Radionice za mlade (12)", "2.400", "2.200"}, {"Vidljivost i forum s općinom", "900", "500"}}, submit: true,
			scores: [][]string{{"9", "8", "8", "7"}, {"8", "9", "7", "8"}}, decision: DecisionAward},
		{org: pri, elig: yes4, title: "Zeleni trgovi Prijedora", problem: "Zapušteni javni prostori u naseljima; građani žele učestvovati u njihovom uređenju.", area: "Okoliš",
			lines: []BudgetLineInput{{"Sadnice i urbani mobilijar", "5.000", "4.300"}, {"Akcije građana (4)", "1.600", "1.400"}, {"Javna rasprava s Gradom", "700", "600"}}, submit: true,
			scores: [][]string{{"9", "6", "8", "6"}, {"3", "2", "4", "2"}, {"7", "6", "7", "6"}}, decision: DecisionReserve},
		{org: treb, elig: yes4, title: "Digitalna klupa znanja za starije", problem: "Starije osobe u Trebinju ne koriste e-usluge grada.", area: "Socijalna uključenost",
			lines: []BudgetLineInput{{"Obuke za starije (20)", "3.000", "2.700"}, {"Volonteri mentori", "1.200", "1.000"}}, submit: true,
			scores: [][]string{{"6", "6", "5", "5"}, {"7", "5", "6", "5"}}, decision: DecisionAward},
		{org: lda, elig: map[string]string{"q1": "yes", "q2": "yes", "q3": "yes", "q4": "yes"}, title: "Forum mladih Mostar", problem: "", area: "Omladina"},
		{org: alda, elig: yes4, title: "Regionalna razmjena mladih lidera", problem: "Mladi lideri iz partnerskih zajednica nemaju priliku za razmjenu iskustava.", area: "Dobro upravljanje",
			lines: []BudgetLineInput{{"Putni troškovi", "3.500", "3.000"}}, submit: true, withdraw: true},
	}
	clock = at("2026-04-10 14:00:00")
	var submitted []*Application
	for _, d := range apps {
		if d.org.PublicID == "" {
			continue
		}
		a, err := past.Start(ctx, admin, link, d.org.PublicID, d.elig, m)
		if err != nil {
			return fmt.Errorf("grants demo: start %s: %w", d.org.Name, err)
		}
		if !a.Eligible {
			continue
		}
		a, err = past.Save(ctx, admin, link, a.PublicID, Draft{Version: a.Version, Title: d.title, Values: map[string]string{"f2": d.problem, "f3": "Radionice, akcije i javni forum s općinom; rezultati se predstavljaju na portalu.", "f4": "120", "f5": "2026-06-01", "f6": d.area}, Budget: d.lines}, m)
		if err != nil {
			return fmt.Errorf("grants demo: save %s: %w", d.org.Name, err)
		}
		if d.submit {
			clock = clock.Add(37 * time.Minute)
			if a, err = past.Submit(ctx, admin, link, a.PublicID, a.Version, m); err != nil {
				return fmt.Errorf("grants demo: submit %s: %w", d.org.Name, err)
			}
			if d.withdraw {
				if err := past.Withdraw(ctx, admin, link, a.PublicID, m); err != nil {
					return fmt.Errorf("grants demo: withdraw: %w", err)
				}
				continue
			}
			submitted = append(submitted, a)
		}
	}
	// Assessment after the deadline: two assessors each; the second
	// application diverges and gets a third.
	clock = at("2026-04-20 09:00:00")
	if len(assessors) >= 3 {
		for i, a := range submitted {
			d := apps[i]
			for j := range 2 {
				if err := past.Assign(ctx, admin, link, a.PublicID, assessors[j].PublicID, m); err != nil {
					return fmt.Errorf("grants demo: assign: %w", err)
				}
			}
			for j, sc := range d.scores {
				who := assessors[j]
				if j == 2 {
					gs, err := past.AssignmentsOfApp(ctx, a.ID)
					if err != nil {
						return err
					}
					for _, g := range gs {
						if g.Third {
							for _, u := range assessors {
								if u.ID == g.AssessorID {
									who = u
								}
							}
						}
					}
				}
				if err := past.Declare(ctx, who, a.PublicID, false, m); err != nil {
					return fmt.Errorf("grants demo: declare: %w", err)
				}
				in := ScoreInput{Points: map[int]string{}, Comments: map[int]string{}, Comment: "Jasno opisan problem; budžet realan."}
				for k, p := range sc {
					in.Points[k+1] = p
				}
				if err := past.SubmitScores(ctx, who, a.PublicID, in, m); err != nil {
					return fmt.Errorf("grants demo: scores: %w", err)
				}
			}
		}
		clock = at("2026-05-05 11:00:00")
		for i, a := range submitted {
			if err := past.Decide(ctx, admin, link, a.PublicID, apps[i].decision, "", m); err != nil {
				return fmt.Errorf("grants demo: decide: %w", err)
			}
		}
		if err := past.PublishResults(ctx, admin, link, m); err != nil {
			return fmt.Errorf("grants demo: results: %w", err)
		}
		awards, err := past.AwardsOfCall(ctx, link)
		if err != nil {
			return err
		}
		for _, w := range awards {
			if err := past.UpdateContract(ctx, admin, link, w, "LDA-L4C-2026-"+w.PublicID[:4], "2026-06-01", "2026-11-30", m); err != nil {
				return err
			}
			half := fmt.Sprintf("%d", w.Amount/200) // half, in major units
			if err := past.AddInstalment(ctx, admin, link, w, "2026-06-05", half, m); err != nil {
				return err
			}
			if err := past.AddInstalment(ctx, admin, link, w, "2026-12-15", half, m); err != nil {
				return err
			}
			inst, err := past.Instalments(ctx, w.ID)
			if err != nil {
				return err
			}
			clock = at("2026-06-05 10:00:00")
			if err := past.MarkPaid(ctx, admin, link, w, inst[0].ID, m); err != nil {
				return err
			}
			if err := past.AddReport(ctx, admin, link, w, "narrative", "2026-09-15", m); err != nil {
				return err
			}
			if err := past.AddReport(ctx, admin, link, w, "financial", "2026-12-31", m); err != nil {
				return err
			}
		}
		if len(awards) > 0 {
			w := awards[0]
			reps, err := past.Reports(ctx, w.ID)
			if err != nil {
				return err
			}
			clock = at("2026-09-10 15:00:00")
			if err := past.SubmitReport(ctx, admin, w, reps[0].PublicID, "Održano 12 radionica za 148 mladih; klub je otvoren i općina je preuzela troškove prostora za 2027.", nil, m); err != nil {
				return err
			}
			clock = at("2026-09-20 09:00:00")
			if err := past.ReviewReport(ctx, admin, link, w, reps[0].PublicID, true, "Izvještaj prihvaćen.", m); err != nil {
				return err
			}
		}
	}

	// 2. UNDP MAKERS: an open call for local initiatives, open now.
	clock = at("2026-10-25 09:00:00")
	makers, err := past.CreateCall(ctx, admin, CallInput{
		Publisher: "org:" + undp.PublicID, Funder: "UNDP BiH – projekat MAKERS", Lang: "bs",
		Texts: []Text{
			{Lang: "bs", Title: "MAKERS: javni poziv za lokalne inicijative 2026/2027", Body: "UNDP u Bosni i Hercegovini, u okviru projekta MAKERS, sufinansira lokalne inicijative koje su identificirane na sastancima lokalnih dijaloških platformi u 14 partnerskih općina i gradova.\n\nPrijave podnose organizacije civilnog društva zajedno s mladim aktivistima platforme. Općina ili grad sufinansira najmanje 20 % vrijednosti inicijative."},
			{Lang: "en", Title: "MAKERS: open call for local initiatives 2026/2027", Body: "UNDP in Bosnia and Herzegovina, within the MAKERS project, co-finances local initiatives identified at the meetings of the local dialogue platforms in 14 partner municipalities and cities.\n\nCivil-society organisations apply together with the platform's youth activists. The municipality or city co-finances at least 20 % of each initiative."},
			{Lang: "sr-Latn", Title: "MAKERS: javni poziv za lokalne inicijative 2026/2027", Body: "UNDP u Bosni i Hercegovini, u okviru projekta MAKERS, sufinansira lokalne inicijative koje su identifikovane na sastancima lokalnih dijaloških platformi u 14 partnerskih opština i gradova."},
		},
		Currency: "USD", Total: "160000", Min: "5000", Max: "20000", OwnSharePct: "20", DivergencePct: "25",
		OpensAt: "2026-11-01T08:00:00", QuestionsUntil: "2026-12-10T16:00:00", ClosesAt: "2026-12-20T23:59:59",
		Eligibility: "yes | Inicijativa je izabrana na sastanku lokalne dijaloške platforme.\nyes | Općina ili grad je partner projekta MAKERS i potvrdio je sufinansiranje.",
		Form:        "longtext | Opis inicijative i odluka platforme | required\nnumber | Broj mladih aktivista uključenih u provedbu | required\nfile | Zapisnik sa sastanka platforme | required\nbudget | Budžet inicijative | required",
		Criteria:    "40 | 10 | Podrška platforme i građana\n30 | 10 | Uključenost mladih\n30 | 10 | Izvodljivost i sufinansiranje",
	}, m)
	if err != nil {
		return fmt.Errorf("grants demo: makers: %w", err)
	}
	if err := past.PublishCall(ctx, admin, makers.Slug, m); err != nil {
		return err
	}
	if makers, err = past.CallBySlug(ctx, makers.Slug); err != nil {
		return err
	}
	clock = at("2026-11-12 10:00:00")
	if a, err := past.Start(ctx, admin, makers, lda.PublicID, map[string]string{"q1": "yes", "q2": "yes"}, m); err == nil {
		if _, err := past.Save(ctx, admin, makers, a.PublicID, Draft{Version: a.Version, Title: "Pametna klupa i dijaloška platforma u Mostaru", Values: map[string]string{"f1": "Platforma je 5. novembra 2026. izabrala inicijativu za uređenje prostora za mlade."}, Budget: []BudgetLineInput{{"Oprema", "12.000", "9.000"}}}, m); err != nil {
			return err
		}
	} else {
		return fmt.Errorf("grants demo: makers application: %w", err)
	}

	// 3. An upcoming call of the City of Mostar.
	clock = at("2026-11-20 10:00:00")
	if _, err := pl.ByCode(ctx, "ba-fbih-mostar"); err == nil {
		mostar, err := past.CreateCall(ctx, admin, CallInput{
			Publisher: "lsg:ba-fbih-mostar", Funder: "Grad Mostar", Lang: "bs",
			Texts:    []Text{{Lang: "bs", Title: "Javni poziv za finansiranje projekata udruženja iz budžeta Grada Mostara za 2027.", Body: "Grad Mostar poziva udruženja i fondacije registrovane na području Grada da prijave projekte iz oblasti kulture, sporta, socijalne zaštite i rada s mladima."}},
			Currency: "BAM", Total: "250000", Min: "2000", Max: "15000", OwnSharePct: "10",
			OpensAt: "2026-12-01T08:00:00", QuestionsUntil: "2027-01-10T15:00:00", ClosesAt: "2027-01-20T23:59:59",
			Eligibility: "yes | Udruženje je registrovano na području Grada Mostara.\nyes | Udruženje je dostavilo izvještaj o utrošku sredstava dobijenih od Grada u prethodnoj godini (ako ih je dobilo).",
			Form:        "longtext | Opis projekta | required\nchoice | Oblast | required | Kultura; Sport; Socijalna zaštita; Mladi\nbudget | Budžet | required",
			Criteria:    "50 | 10 | Kvalitet projekta\n30 | 10 | Doprinos zajednici\n20 | 10 | Budžet",
		}, m)
		if err != nil {
			return fmt.Errorf("grants demo: mostar call: %w", err)
		}
		if err := past.PublishCall(ctx, admin, mostar.Slug, m); err != nil {
			return err
		}
	}

	// 4. Support given outside the platform (municipal budgets 2023–2025).
	recs := []Support{
		{Year: 2023, LSG: "ba-fbih-mostar", Funder: "Grad Mostar", Recipient: "Udruženje Mladi most Mostar", Amount: 1500000, Purpose: "Omladinski centar – program 2023.", Procedure: "direct"},
		{Year: 2023, LSG: "ba-fbih-mostar", Funder: "Grad Mostar", Recipient: "Lokalna agencija za demokratiju Mostar (LDA Mostar)", OrgPID: lda.PublicID, Amount: 800000, Purpose: "Volonterski servis Mostar", Procedure: "open_call"},
		{Year: 2024, LSG: "ba-fbih-mostar", Funder: "Grad Mostar", Recipient: "Udruženje Mladi most Mostar", Amount: 1800000, Purpose: "Omladinski centar – program 2024.", Procedure: "direct"},
		{Year: 2024, LSG: "ba-fbih-mostar", Funder: "Grad Mostar", Recipient: "Kulturni centar Abrašević", Amount: 1200000, Purpose: "Program kulture za mlade", Procedure: "open_call"},
		{Year: 2025, LSG: "ba-fbih-mostar", Funder: "Grad Mostar", Recipient: "Kulturni centar Abrašević", Amount: 1350000, Purpose: "Program kulture za mlade", Procedure: "open_call"},
		{Year: 2025, LSG: "ba-fbih-mostar", Funder: "Grad Mostar", Recipient: "Lokalna agencija za demokratiju Mostar (LDA Mostar)", OrgPID: lda.PublicID, Amount: 950000, Purpose: "Forum za građanske inicijative", Procedure: "open_call"},
		{Year: 2025, LSG: "ba-fbih-mostar", Funder: "Grad Mostar", Recipient: "Sportski klub Velež – omladinska škola", Amount: 2500000, Purpose: "Rad s djecom i mladima", Procedure: "direct"},
		{Year: 2024, LSG: "ba-rs-trebinje", Funder: "Grad Trebinje", Recipient: "Centar za razvoj Hercegovine Trebinje", OrgPID: treb.PublicID, Amount: 600000, Purpose: "Obuka za e-usluge grada", Procedure: "direct"},
		{Year: 2025, LSG: "ba-rs-trebinje", Funder: "Grad Trebinje", Recipient: "Centar za razvoj Hercegovine Trebinje", OrgPID: treb.PublicID, Amount: 750000, Purpose: "Lokalni forum mladih", Procedure: "open_call"},
		{Year: 2024, LSG: "ba-fbih-zavidovici", Funder: "Općina Zavidovići", Recipient: "Agencija za lokalnu demokratiju Zavidovići", OrgPID: zav.PublicID, Amount: 500000, Purpose: "Mjesne zajednice u odlučivanju", Procedure: "open_call"},
		{Year: 2025, LSG: "ba-rs-prijedor", Funder: "Grad Prijedor", Recipient: "Agencija za lokalnu demokratiju Prijedor", OrgPID: pri.PublicID, Amount: 700000, Purpose: "Savjet mladih grada", Procedure: "direct"},
		{Year: 2025, LSG: "ba-fbih-trnovo", Funder: "Općina Trnovo", Recipient: "Planinarsko društvo Trnovo", Amount: 300000, Purpose: "Uređenje planinarskih staza", Procedure: "direct"},
	}
	return s.InTx(ctx, func(tx *db.Tx) error {
		for i := range recs {
			recs[i].Currency = "BAM"
			recs[i].AwardDate = fmt.Sprintf("%04d-03-15", recs[i].Year)
			if err := s.AddSupport(ctx, tx, &recs[i]); err != nil {
				return err
			}
		}
		return nil
	})
}
