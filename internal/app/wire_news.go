package app

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"time"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/comments"
	"github.com/dijalog/dijalog/internal/events"
	"github.com/dijalog/dijalog/internal/mail"
	"github.com/dijalog/dijalog/internal/news"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/dijalog/dijalog/internal/search"
	"github.com/dijalog/dijalog/internal/web"
)

// newsWiring holds the news, newsletter and events services.
type newsWiring struct {
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
		return d.a.Cat.Printer(web.StateOf(r).Locale).Name(p.NameLat, p.NameCyr)
	}
	return code
}

func (d newsDirectory) LSGChoices(r *http.Request) []web.Choice {
	cs, err := d.a.Places.Choices(r.Context(), d.a.Cat.Printer(web.StateOf(r).Locale))
	if err != nil {
		return nil
	}
	return cs
}

func (d newsDirectory) OrgName(r *http.Request, pid string) string {
	if o, err := d.a.Auth.Organisation(r.Context(), pid); err == nil {
		return d.a.Cat.Printer(web.StateOf(r).Locale).Show(o.Name)
	}
	return pid
}

// registerNews builds news, newsletter and events, adds their routes and
// starts the newsletter worker.
func (a *App) registerNews() error {
	w := a.newsMod()
	if w == nil {
		return nil
	}
	// Articles and events enter the index in the transactions that write
	// them; a rebuild (dijalog reindex) reads them again through their
	// sources.
	var index search.Indexer
	if a.Search != nil {
		index = a.Search
	}
	var thread news.ThreadFunc
	if h := a.CommentsWeb; h != nil {
		thread = func(r *http.Request, slug string) (template.HTML, error) {
			return h.Thread(r, comments.Subject{Type: "article", ID: slug})
		}
	}
	w.News = news.NewService(news.Deps{DB: a.DB, Outbox: a.Outbox, Catalog: a.Cat, Log: a.Log, BaseURL: a.Cfg.BaseURL,
		Uploads: a.uploadsDir("news"), Index: index, Comments: thread, OneClick: true})
	w.Events = events.NewService(a.DB, a.Outbox, a.Cat, a.Cfg.BaseURL, index)
	if a.Search != nil {
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
	if err := events.Register(a.Web, w.Events, dir, a.Sessions.ClientIP); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	w.stopNews = cancel
	w.newsWorker = make(chan struct{})
	go func() {
		defer close(w.newsWorker)
		w.News.RunSender(ctx, time.Second)
	}()
	return nil
}

// newsComments puts the shared comments component (built once by the
// dialogue wiring, which registers its routes) under every article:
// subject type "article", subject id the article's slug; any signed-in
// person may comment; global moderators, the moderators of an LSG the
// article is tagged with and the article's author hide and restore.
func (a *App) newsComments(w *newsWiring) error {
	svc := a.Comments
	if svc == nil {
		a.Log.Warn("news: the comments component is not built; articles are shown without comments")
		return nil
	}
	exists := func(ctx context.Context, slug string) error {
		_, err := w.News.BySlug(ctx, slug)
		if errors.Is(err, refuse.ErrNotFound) {
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
			return auth.CanPublishAs(u, art.AuthorKind, art.AuthorRef), nil
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
	return nil
}

// stopNewsWorkers stops the newsletter worker (call before
// closing the database).
func (a *App) stopNewsWorkers() {
	if w := a.newsMod(); w != nil && w.stopNews != nil {
		w.stopNews()
		<-w.newsWorker
		w.stopNews = nil
	}
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
	if err := news.LoadDemo(ctx, w.News, admin); err != nil {
		return err
	}
	return events.LoadDemo(ctx, w.Events, admin)
}

// eventsInput is a small event for tests.
func eventsInput(title, capacity, lsg string) events.Input {
	return events.Input{Kind: "meeting", Lang: "bs", Title: title, Start: "2030-05-05T10:00", End: "2030-05-05T12:00", TimeZone: "Europe/Sarajevo",
		Venue: "Vijećnica", Capacity: capacity, LSG: lsg, OrganiserKind: auth.PublisherPlatform, OrganiserName: "dijalog"}
}

// NewsServices returns the news service and the mail outbox (nil, nil
// until App embeds newsWiring), for the CLI.
func (a *App) NewsServices() (*news.Service, *mail.Outbox) {
	if w := a.newsMod(); w != nil {
		return w.News, a.Outbox
	}
	return nil, nil
}

// StopNews stops the news workers (the CLI calls it before closing).
func (a *App) StopNews() { a.stopNewsWorkers() }
