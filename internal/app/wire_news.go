package app

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/comments"
	"github.com/dijalog/dijalog/internal/events"
	"github.com/dijalog/dijalog/internal/mail"
	"github.com/dijalog/dijalog/internal/news"
	"github.com/dijalog/dijalog/internal/refuse"
)

// newsWiring holds the news, newsletter, events and mail-outbox services.
type newsWiring struct {
	Outbox     *mail.Outbox
	Comments   *comments.Service // the shared comments component, with "article" registered (nil without it)
	News       *news.Service
	Events     *events.Service
	stopNews   context.CancelFunc
	newsWorker chan struct{}
}

func (a *App) newsMod() *newsWiring { return &a.newsWiring }

// newsDirectory names LSGs and organisations for author choices.
type newsDirectory struct{ a *App }

func (d newsDirectory) LSGName(r *http.Request, code string) string {
	if p, err := d.a.Places.ByCode(r.Context(), code); err == nil {
		return p.NameLat
	}
	return code
}

func (d newsDirectory) OrgName(r *http.Request, pid string) string {
	if o, err := d.a.Auth.Organisation(r.Context(), pid); err == nil {
		return o.Name
	}
	return pid
}

// newsTransport is where the outbox delivers: the SMTP server named by
// --smtp-url / DIJALOG_SMTP_URL, or the app's sender (the log in
// development, a recorder in tests).
func (a *App) newsTransport() (mail.Sender, error) {
	raw := a.Cfg.SMTPURL
	if raw == "" {
		return a.Mail, nil
	}
	cfg, err := mail.ParseURL(raw)
	if err != nil {
		return nil, err
	}
	return mail.NewSMTPSender(cfg)
}

// registerNews builds the outbox, news, newsletter and events, adds their
// routes and starts the outbox and newsletter workers.
func (a *App) registerNews() error {
	w := a.newsMod()
	if w == nil {
		return nil
	}
	if _, err := a.mailOutbox(); err != nil {
		return err
	}
	w.News = news.NewService(a.DB, w.Outbox, a.Cat, a.Log, a.Cfg.BaseURL, a.uploadsDir("news"))
	w.News.EnableOneClick()
	w.Events = events.NewService(a.DB, w.Outbox, a.Cat, a.Cfg.BaseURL)
	if a.Search != nil {
		// Articles and events enter the index in the transactions that
		// write them; a rebuild (dijalog reindex) reads them again.
		w.News.SetIndexer(a.Search)
		w.Events.SetIndexer(a.Search)
		a.Search.AddSource(news.DocType, w.News.SearchSource)
		a.Search.AddSource(events.DocType, w.Events.SearchSource)
	}
	dir := newsDirectory{a: a}
	if err := news.Register(a.Web, w.News, dir, a.Sessions.ClientIP); err != nil {
		return err
	}
	if err := a.newsComments(w); err != nil {
		return err
	}
	if err := events.Register(a.Web, w.Events, dir); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	w.stopNews = cancel
	w.newsWorker = make(chan struct{})
	go func() {
		defer close(w.newsWorker)
		done := make(chan struct{})
		go func() { w.News.RunSender(ctx, time.Second); close(done) }()
		w.Outbox.Run(ctx)
		<-done
	}()
	return nil
}

// newsComments puts the shared comments component (built once by the
// dialogue wiring, which registers its routes) under every article:
// subject type "article", subject id the article's slug; any signed-in
// person may comment; global moderators, the moderators of an LSG the
// article is tagged with and the article's author hide and restore.
func (a *App) newsComments(w *newsWiring) error {
	svc, h := a.dialogueWiring.Comments, a.dialogueWiring.CommentsWeb
	if svc == nil || h == nil {
		a.Log.Warn("news: the comments component is not built; articles are shown without comments")
		return nil
	}
	exists := func(ctx context.Context, slug string) error {
		_, err := w.News.BySlug(ctx, slug)
		if errors.Is(err, news.ErrNotFound) {
			return refuse.ErrNotFound
		}
		return err
	}
	svc.RegisterKind("article", comments.Kind{
		CanComment: func(ctx context.Context, u *auth.User, slug string) (bool, error) {
			if err := exists(ctx, slug); err != nil {
				return false, err
			}
			return auth.Can(u, auth.ActParticipate, auth.Object{}), nil
		},
		CanModerate: func(ctx context.Context, u *auth.User, slug string) (bool, error) {
			if auth.Can(u, auth.ActModerate, auth.Object{}) {
				return true, nil
			}
			art, err := w.News.BySlug(ctx, slug)
			if err != nil {
				return false, nil
			}
			// The moderators of an LSG the article is about, and its author.
			for _, l := range art.TagValues(news.TagLSG) {
				if auth.Can(u, auth.ActModerate, auth.Object{LSG: l}) {
					return true, nil
				}
			}
			return news.CanAuthor(u, art.AuthorKind, art.AuthorRef), nil
		},
		Path: func(slug string) string { return "/news/" + slug },
		Title: func(ctx context.Context, slug string) string {
			if art, err := w.News.BySlug(ctx, slug); err == nil {
				return art.Original().Title
			}
			return ""
		},
	})
	w.Comments = svc
	w.News.SetComments(func(r *http.Request, slug string) (template.HTML, error) {
		return h.Thread(r, comments.Subject{Type: "article", ID: slug})
	})
	return nil
}

// stopNewsWorkers stops the outbox and newsletter workers (call before
// closing the database).
func (a *App) stopNewsWorkers() {
	if w := a.newsMod(); w != nil && w.stopNews != nil {
		w.stopNews()
		<-w.newsWorker
		w.stopNews = nil
	}
}

func hostOnly(u string) string {
	u = strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
	h, _, _ := strings.Cut(u, "/")
	if host, _, err := net.SplitHostPort(h); err == nil {
		return host
	}
	return h
}

// demoNews loads the seed articles in their languages, the events of Link
// for cooperation and the Igman training of MAKERS.
func (a *App) demoNews(ctx context.Context) error {
	w := a.newsMod()
	if w == nil || w.News == nil {
		return nil
	}
	admin, err := a.Auth.UserByEmail(ctx, "admin@demo.dijalog.ba")
	if err != nil {
		return fmt.Errorf("demo news: %w", err)
	}
	sarajevo, _ := time.LoadLocation("Europe/Sarajevo")
	for _, d := range demoArticles() {
		in := d.in
		in.AuthorKind, in.AuthorRef, in.AuthorName = news.AuthorPlatform, "", d.author
		in.PublishedAt = time.Date(d.y, time.Month(d.m), d.d, 10, 0, 0, 0, sarajevo)
		art, err := w.News.Create(ctx, admin, in)
		if err != nil {
			return fmt.Errorf("demo news %q: %w", in.Title, err)
		}
		for _, t := range d.translations {
			if err := w.News.Translate(ctx, admin, art.Slug, t.Lang, t.Title, t.Summary, t.BodyMD); err != nil {
				return fmt.Errorf("demo news translation %q: %w", t.Title, err)
			}
		}
	}
	for _, in := range demoEvents() {
		in.OrganiserKind = news.AuthorPlatform
		if _, err := w.Events.Create(ctx, admin, in); err != nil {
			return fmt.Errorf("demo event %q: %w", in.Title, err)
		}
	}
	return nil
}

type demoArticle struct {
	author       string
	y, m, d      int
	in           news.ArticleInput
	translations []news.Translation
}

func tags(lsgs []string, programme, sector string) []news.Tag {
	var out []news.Tag
	for _, l := range lsgs {
		out = append(out, news.Tag{Kind: news.TagLSG, Value: l})
	}
	if programme != "" {
		out = append(out, news.Tag{Kind: news.TagProgramme, Value: programme})
	}
	if sector != "" {
		out = append(out, news.Tag{Kind: news.TagSector, Value: sector})
	}
	return out
}

// demoArticles are the seed documents as news items, in their languages.
func demoArticles() []demoArticle {
	link := []string{"ba-fbih-mostar", "ba-fbih-jablanica", "ba-rs-nevesinje", "ba-fbih-zavidovici", "ba-fbih-zepce", "ba-fbih-maglaj", "ba-rs-prijedor", "ba-rs-novi-grad", "ba-rs-kostajnica", "ba-rs-trebinje", "ba-fbih-ravno", "ba-rs-berkovici"}
	return []demoArticle{
		{author: "ALDA Skopje", y: 2021, m: 7, d: 23, in: news.ArticleInput{Lang: "mk",
			Title:   "Зајакнување на локално учество и соработка преку партнерство со јавни власти и граѓански организации во Босна и Херцеговина – Линк за соработка",
			Summary: "Времетраење: јануари 2021 – декември 2023. Финансиран од Европската Унија. Носител: Локална агенција за демократија Мостар.",
			Body: `**Времетраење:** Јануари 2021 – Декември 2023
**Финансиран од:** Европска Унија
**Носител на проектот:** Локална агенција за демократија Мостар (ЛДА Мостар)
**Партнери:** Агенција за локална демократија Завидовиќи, Агенција за локална демократија Приједор, Центар за развој на Херцеговина Требиње, АЛДА – Европска асоцијација за локална демократија

Проектот промовира принципи на добро управување со цел ефективно и одговорно работење на единиците на локалната самоуправа во Босна и Херцеговина. Проектот вклучува 40 локални граѓански организации и 12 единици на локалната самоуправа.

Целиот проект вклучува:

- околу 20 локални заедници кои имаат корист од подобрените јавни услуги;
- 12 локални власти (Мостар, Јабланица, Невесиње, Завидовиќи, Жепче, Маглај, Приедор, Нови град, Костајница, Требиње, Равно и Берковичи);
- повеќе од 40 граѓански организации.

Главни активности: обуки според методологијата ELoGE на Советот на Европа, мали грантови, форуми за најдобри практики, 12 смарт клупи и конечна конференција.

Веб сајт: https://www.link4cooperation.ba/`,
			Tags: tags(link, "link-za-saradnju", "dobro-upravljanje")}},
		{author: "LINK za saradnju/suradnju", y: 2022, m: 1, d: 10, in: news.ArticleInput{Lang: "hr",
			Title:   "Sastanci s lokalnim samoupravama – iskazana spremnost za početak ELoGE procesa",
			Summary: "Od 5. 11. do 28. 12. 2021. održani su informativni sastanci s predstavnicima 11 lokalnih samouprava o ELoGE procesu.",
			Body: `Aktivnosti projekta LINK za saradnju/suradnju osmišljene su kako bi ojačale utjecaj civilnog društva i donošenja odluka u javnim politikama na lokalnoj razini u Bosni i Hercegovini u skladu s procesom pristupanja EU.

Projekt promovira i primjenjuje 12 načela dobrog upravljanja i europsku oznaku izvrsnosti upravljanja (ELoGE) u 12 lokalnih samouprava u BiH.

U periodu od 5.11. – 28.12.2021. godine održan je niz informativnih sastanaka predstavnika projektnog konzorcija s predstavnicima **11 lokalnih samouprava**. Poseban naglasak stavljen je na ELoGE program Vijeća Europe, Akademiju za lidere (LAP), grant shemu za civilni sektor te zajedničku promociju na projektnom portalu i društvenim mrežama.

Projekt LINK za saradnju/suradnju financiran je sredstvima Europske unije.`,
			Tags: tags(link, "link-za-saradnju", "eloge")},
			translations: []news.Translation{{Lang: "bs", Title: "Sastanci sa lokalnim samoupravama – iskazana spremnost za početak ELoGE procesa",
				Summary: "Od 5. 11. do 28. 12. 2021. održani su informativni sastanci sa predstavnicima 11 lokalnih samouprava o ELoGE procesu.",
				BodyMD: `Aktivnosti projekta LINK za saradnju osmišljene su kako bi ojačale uticaj civilnog društva na donošenje odluka u javnim politikama na lokalnom nivou u Bosni i Hercegovini.

U periodu od 5.11. do 28.12.2021. godine održan je niz informativnih sastanaka sa predstavnicima **11 lokalnih samouprava** o ELoGE programu Vijeća Evrope, Akademiji za lidere (LAP) i grant šemi za civilni sektor.

Projekat je finansiran sredstvima Evropske unije.`}}},
		{author: "UNDP BiH", y: 2022, m: 10, d: 20, in: news.ArticleInput{Lang: "bs",
			Title:   "Na Igmanu održan trening koordinatora za saradnju sa projektom MAKERS",
			Summary: "Od 18. do 19. oktobra 2022. koordinatori i zamjenici iz partnerskih JLS predstavili su rezultate lokalnih dijaloških platformi i dogovorili međuopštinsku saradnju.",
			Body: `Projekat „Aktivizam, angažman i odgovorna rješenja” (MAKERS), koji provodi Razvojni program Ujedinjenih nacija, a podržava Porticus fondacija, na Igmanu je **od 18. do 19. oktobra 2022.** održao trening za koordinatore i zamjenike koordinatora partnerskih jedinica lokalne samouprave (JLS).

Učesnici su predstavili rezultate rada lokalnih dijaloških platformi (LDP), odnosno Foruma za građanske inicijative, te usaglasili plan daljnjeg zajedničkog djelovanja i održivosti, sa fokusom na međuopštinsku saradnju (MLDP).

Prepoznate zajedničke oblasti:

- jačanje učešća građana u odlučivanju,
- unapređenje položaja mladih u lokalnoj zajednici,
- podrška djeci i mladima sa poteškoćama u razvoju.

Dio ovoga projekta je i Općina Trnovo, čiji su predstavnici aktivno sudjelovali u treningu.`,
			Tags: tags([]string{"ba-fbih-trnovo", "ba-fbih-mostar", "ba-rs-trebinje"}, "makers", "socijalna-kohezija")}},
	}
}

// demoEvents are the Igman training of MAKERS and the forums and final
// conference of Link for cooperation.
func demoEvents() []events.Input {
	return []events.Input{
		{Kind: "training", Lang: "bs", Title: "Trening koordinatora lokalnih dijaloških platformi (MAKERS)", Start: "2022-10-18T09:00", End: "2022-10-19T16:00", TimeZone: "Europe/Sarajevo",
			Venue: "Igman", Address: "Igman, Trnovo", Lat: "43.7519", Lon: "18.2636", Capacity: "40", LSG: "ba-fbih-trnovo", Programme: "makers", OrganiserName: "UNDP BiH",
			Description: "Dvodnevni trening za koordinatore i zamjenike koordinatora partnerskih JLS: rezultati LDP i Foruma za građanske inicijative, plan međuopštinske saradnje."},
		{Kind: "forum", Lang: "bs", Title: "Forum dobrih praksi saradnje OCD i lokalnih vlasti – Mostar", Start: "2026-12-10T10:00", End: "2026-12-10T15:00", TimeZone: "Europe/Sarajevo",
			Venue: "Gradska vijećnica Mostar", Address: "Hrvatskih branitelja bb, Mostar", Capacity: "60", LSG: "ba-fbih-mostar", Programme: "link-za-saradnju", OrganiserName: "LDA Mostar",
			Description: "Forum za predstavljanje najboljih praksi saradnje lokalnih organizacija civilnog društva i lokalnih vlasti i formiranje neformalne mreže."},
		{Kind: "forum", Lang: "sr", Title: "Форум добрих пракси – Требиње", Start: "2027-01-21T10:00", End: "2027-01-21T14:00", TimeZone: "Europe/Sarajevo",
			Venue: "Културни центар Требиње", Address: "Требиње", Capacity: "50", LSG: "ba-rs-trebinje", Programme: "link-za-saradnju", OrganiserName: "Centar za razvoj Hercegovine Trebinje",
			Description: "Представљање најбољих пракси сарадње организација цивилног друштва и локалних власти.", OnlineURL: "https://www.link4cooperation.ba/"},
		{Kind: "conference", Lang: "bs", Title: "Završna konferencija projekta LINK za saradnju", Start: "2027-03-15T09:30", End: "2027-03-15T17:00", TimeZone: "Europe/Sarajevo",
			Venue: "Hotel Mostar", Address: "Mostar", Capacity: "120", LSG: "ba-fbih-mostar", Programme: "link-za-saradnju", OrganiserName: "LDA Mostar",
			Description: "Završna konferencija: rezultati ELoGE procjena u 12 lokalnih samouprava, malih grantova i 12 pametnih klupa.", OnlineURL: "https://www.link4cooperation.ba/"},
	}
}

// eventsInput is a small event for tests.
func eventsInput(title, capacity, lsg string) events.Input {
	return events.Input{Kind: "meeting", Lang: "bs", Title: title, Start: "2030-05-05T10:00", End: "2030-05-05T12:00", TimeZone: "Europe/Sarajevo",
		Venue: "Vijećnica", Capacity: capacity, LSG: lsg, OrganiserKind: news.AuthorPlatform, OrganiserName: "dijalog"}
}

// NewsServices returns the news service and the mail outbox (nil, nil
// until App embeds newsWiring), for the CLI.
func (a *App) NewsServices() (*news.Service, *mail.Outbox) {
	if w := a.newsMod(); w != nil {
		return w.News, w.Outbox
	}
	return nil, nil
}

// StopNews stops the news workers (the CLI calls it before closing).
func (a *App) StopNews() { a.stopNewsWorkers() }
