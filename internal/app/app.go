// Package app wires the platform together: it is the only package that
// knows every domain package. It builds the HTTP server from the config and
// runs the operational commands (demo data, backup, restore).
package app

import (
	"context"
	"crypto/subtle"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/comments"
	"github.com/dijalog/dijalog/internal/config"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/i18n"
	"github.com/dijalog/dijalog/internal/mail"
	"github.com/dijalog/dijalog/internal/ogimage"
	"github.com/dijalog/dijalog/internal/places"
	"github.com/dijalog/dijalog/internal/search"
	"github.com/dijalog/dijalog/internal/web"
	"golang.org/x/term"
)

// Version is set at build time with -ldflags "-X .../internal/app.Version=...".
var Version = "dev"

// App is a running platform: database, services and the HTTP server.
//
// Build makes the infrastructure first (database, translator, clock, mail
// outbox, search index, web server with sessions) and hands it to each
// domain's constructor; no domain is changed after it is built.
type App struct {
	Cfg *config.Config
	DB  *db.DB
	Log *slog.Logger
	Cat *i18n.Catalog // the translator: message catalogues of every locale
	// Now is the platform's clock (time.Now; a test may stop it before
	// Build hands it on).
	Now func() time.Time
	// Outbox is the durable mail outbox every module mails through, in
	// the transaction of its own write; its worker runs until Close.
	Outbox *mail.Outbox
	// Search is the platform's one index; modules hand their documents to
	// it (as a search.Indexer) inside their own transactions.
	Search *search.Index
	Web    *web.Server
	Auth   *auth.Service
	Places *places.Service
	// Comments is the shared comment threads component (its routes and
	// its followers' mail); CommentsWeb renders a thread under a page.
	Comments    *comments.Service
	CommentsWeb *comments.Handlers
	// Sessions knows the client's address (behind a trusted proxy too).
	Sessions   *auth.Sessions
	Mail       mail.Sender
	ready      atomic.Bool
	stopOutbox func()

	// One embedded struct per module, each defined in (and owned with) its
	// wire_<module>.go file.
	projectsWiring
	dialogueWiring
	grantsWiring
	elogeWiring
	newsWiring
}

// NewLogger builds the structured logger: text on a terminal, JSON otherwise.
func NewLogger(w io.Writer, format string, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == "auto" {
		format = "json"
		if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			format = "text"
		}
	}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// OpenDB opens the configured database and applies pending migrations.
func OpenDB(ctx context.Context, cfg *config.Config, log *slog.Logger) (*db.DB, error) {
	d, err := db.Open(ctx, cfg.DB)
	if err != nil {
		return nil, err
	}
	n, err := d.MigrateUp(ctx)
	if err != nil {
		d.Close()
		return nil, err
	}
	if n > 0 {
		log.Info("migrations applied", "count", n, "dialect", d.Engine())
	}
	return d, nil
}

// New opens the database, migrates it and builds every service and route.
func New(ctx context.Context, cfg *config.Config, log *slog.Logger, sender mail.Sender) (*App, error) {
	d, err := OpenDB(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	a, err := Build(d, cfg, log, sender)
	if err != nil {
		d.Close()
		return nil, err
	}
	return a, nil
}

// Build wires the services and routes on an open, migrated database.
func Build(d *db.DB, cfg *config.Config, log *slog.Logger, sender mail.Sender) (*App, error) {
	if sender == nil {
		sender = mail.LogSender{Log: log}
	}
	a := &App{Cfg: cfg, DB: d, Log: log, Mail: sender, Now: time.Now}
	if err := a.buildInfrastructure(); err != nil {
		return nil, err
	}
	lsgs := func(r *http.Request) []web.Choice {
		cs, err := a.Places.Choices(r.Context(), a.Cat.Printer(web.StateOf(r).Locale))
		if err != nil {
			return nil
		}
		return cs
	}
	if err := auth.Register(a.Web, a.Auth, a.Sessions, lsgs); err != nil {
		return nil, err
	}
	if err := a.registerModules(); err != nil {
		return nil, err
	}
	a.Web.Handle("GET /healthz", a.healthz)
	a.Web.Handle("GET /readyz", a.readyz)
	a.Web.HandleHTTP("GET /metrics", noStore(a.metricsGuard(a.Web.Metrics.Handler())))
	a.startOutbox()
	return a, nil
}

// buildInfrastructure makes what every domain is handed: the translator,
// the mail outbox, the search index, the accounts and sessions, and the
// web server that loads the session of every request.
func (a *App) buildInfrastructure() error {
	var err error
	if a.Cat, err = i18n.Load(); err != nil {
		return err
	}
	if err := a.buildOutbox(); err != nil {
		return err
	}
	a.Search = search.New(a.DB)
	// Account mail (confirmation and reset links) goes straight to the
	// outbox's transport: the SMTP server when one is configured (a.Mail
	// is only the development log or the tests' recorder).
	a.Auth = auth.NewService(a.DB, a.Outbox.Transport(), a.Cat, a.Cfg.BaseURL, a.Log, auth.Options{LoginPerIP: a.Cfg.LoginPerIP, Password: a.passwordParams(), Index: a.Search})
	a.Sessions = auth.NewSessions(a.Auth, a.Log, auth.SessionOptions{SecureCookies: a.Cfg.SecureCookies, TrustProxy: a.Cfg.TrustProxy})
	assets, err := web.NewAssets()
	if err != nil {
		return err
	}
	zone := a.Cfg.TimeZone
	if zone == nil {
		zone = time.UTC
	}
	// Share pictures (Open Graph): their URLs are signed with a key kept in
	// the database, so a shared link's picture survives a restart.
	shareKey, err := a.DB.Secret(context.Background(), "share-images")
	if err != nil {
		return err
	}
	rnd, err := web.NewRenderer(a.Cat, assets, zone, web.RenderOptions{SearchPath: search.Path,
		Share: &web.ShareOptions{BaseURL: strings.TrimRight(a.Cfg.BaseURL, "/"), Key: shareKey}})
	if err != nil {
		return err
	}
	a.Web = web.NewServer(web.Options{Catalog: a.Cat, Renderer: rnd, Assets: assets, Logger: a.Log,
		Metrics: web.NewMetrics(a.DB.SQL(), a.DB.Engine()), Session: a.Sessions.Middleware,
		Compress: a.Cfg.Compress, Build: Version})
	painter, err := ogimage.New()
	if err != nil {
		return err
	}
	site := a.Cat.Printer(i18n.Default).T("site.name")
	a.Web.ServeShareImages(shareKey, func(kind, title, sub string) ([]byte, error) {
		return painter.Draw(ogimage.Card{Site: site, Kind: kind, Title: title, Subtitle: sub})
	})
	return a.buildComments()
}

// passwordParams is the cost of new password hashes: the default, or the
// lowest when the configuration asks for cheap hashes (tests, benchmarks).
func (a *App) passwordParams() auth.PasswordParams {
	if a.Cfg.CheapPasswords {
		return auth.PasswordParams{Memory: 64, Time: 1, Threads: 1}
	}
	return auth.DefaultPasswordParams()
}

// MetricsHandler serves /metrics alone, for the --metrics-addr listener.
func (a *App) MetricsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", a.Web.Metrics.Handler())
	return mux
}

// metricsGuard keeps the metrics (Go version, routes, sign-in counts) from
// the public: on the main listener they answer a request that brings the
// configured bearer token, or a direct connection from this machine that no
// proxy forwarded; everyone else gets a plain 404.
func (a *App) metricsGuard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.metricsAllowed(r) {
			next.ServeHTTP(w, r)
			return
		}
		http.NotFound(w, r)
	})
}

func (a *App) metricsAllowed(r *http.Request) bool {
	if tok := a.Cfg.MetricsToken; tok != "" {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		return ok && subtle.ConstantTimeCompare([]byte(got), []byte(tok)) == 1
	}
	if r.Header.Get("X-Forwarded-For") != "" || r.Header.Get("Forwarded") != "" || r.Header.Get("X-Real-Ip") != "" {
		return false
	}
	ip := net.ParseIP(web.ClientIP(r, false))
	return ip != nil && ip.IsLoopback()
}

// Handler is the full HTTP stack.
func (a *App) Handler() http.Handler { return a.Web.Handler() }

// Close stops the background workers, then closes the database.
func (a *App) Close() error {
	a.stopNewsWorkers()
	if a.stopOutbox != nil {
		a.stopOutbox()
		a.stopOutbox = nil
	}
	return a.DB.Close()
}

func (a *App) healthz(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	web.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok", "version": Version})
	return nil
}

func (a *App) readyz(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := a.DB.Ping(ctx); err != nil {
		a.Log.WarnContext(ctx, "readyz: database unreachable", "err", err)
		web.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "database unreachable"})
		return nil
	}
	if !a.ready.Load() {
		ok, err := a.DB.Migrated(ctx)
		if err != nil || !ok {
			a.Log.WarnContext(ctx, "readyz: not migrated", "err", err)
			web.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "migrations pending"})
			return nil
		}
		a.ready.Store(true)
	}
	web.WriteJSON(w, http.StatusOK, map[string]string{"status": "ready", "dialect": a.DB.Engine()})
	return nil
}

// noStore marks live answers (metrics) that no cache may keep: they get
// no validator either.
func noStore(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
}

// String describes the app for logs.
func (a *App) String() string { return fmt.Sprintf("dijalog %s on %s", Version, a.DB.Engine()) }

// Maintain runs periodic housekeeping (expired sessions, news reader
// fingerprints, grant report reminders) until ctx ends.
func (a *App) Maintain(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := a.Auth.PurgeExpired(ctx); err != nil && ctx.Err() == nil {
			a.Log.Warn("purging expired sessions failed", "err", err)
		} else if n > 0 {
			a.Log.Info("expired sessions purged", "count", n)
		}
		// News reader fingerprints live two days (the privacy notice says
		// so); the counts stay.
		if n := a.newsMod().News; n != nil {
			if _, err := n.PurgeViews(ctx, time.Now()); err != nil && ctx.Err() == nil {
				a.Log.Warn("purging news reader fingerprints failed", "err", err)
			}
		}
		// Grant report reminders: each report at most once a week (Remind
		// keeps track), so an hourly call is safe.
		if a.grantsWiring.Grants != nil {
			if n, err := a.grantsWiring.Grants.Awards.Remind(ctx, 14*24*time.Hour); err != nil && ctx.Err() == nil {
				a.Log.Warn("grant report reminders failed", "err", err)
			} else if n > 0 {
				a.Log.Info("grant report reminders sent", "count", n)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// uploadsDir is where a module keeps uploaded files: under the data
// directory (beside an SQLite file when only --db was given), outside any
// web root; modules serve them through permission-checking handlers.
func (a *App) uploadsDir(module string) string {
	return filepath.Join(UploadsRoot(a.Cfg, a.DB.Path()), module)
}
