// Command dijalog is the whole platform in one binary: the web server and
// the operator's commands (migrate, user, backup, restore).
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/dijalog/dijalog/internal/app"
	"github.com/dijalog/dijalog/internal/auth"
	bk "github.com/dijalog/dijalog/internal/backup"
	"github.com/dijalog/dijalog/internal/config"
	"golang.org/x/term"
)

const usage = `dijalog: open platform for local democracy and donor-project transparency

Usage:
  dijalog serve   [--addr 127.0.0.1:8080] [--data ./data] [--db FILE|postgres://...] [--demo]
  dijalog migrate up|down|status [--data DIR] [--db ...]
  dijalog user add --email E [--name N] [--password-stdin] [--data DIR] [--db ...]
  dijalog backup --to FILE[.tar.gz]        the database and every uploaded file in one archive with
                                           checksums, taken while the server runs (pg_dump on PostgreSQL)
  dijalog restore --from FILE              check the whole archive, then replace the database and the
                                           uploads; the old data stays if anything fails (stop the server)
  dijalog check [--json]                   database integrity, foreign keys, files behind rows, search
                                           index in step; one line per finding, exit 1 when any
  dijalog import iati FILE                 IATI 2.03 activities into the project registry
  dijalog export iati [--to FILE]          the registry as IATI 2.03 XML
  dijalog rates load FILE.csv              dated exchange rates for dashboard totals
  dijalog import support FILE.csv          LSG/donor support to CSOs given outside the platform
  dijalog import tokens SURVEY FILE.csv    invitation codes for a survey (councillors, staff)
  dijalog reindex [--if-needed]            rebuild the search index
  dijalog grants-remind [--days N]         mail grant report reminders now
  dijalog mail-queue [--deliver]           show or flush the mail outbox
  dijalog mail-bounce [--hard] ADDRESS...  record bounced newsletter addresses
  dijalog dialogue-check                   verify every initiative's support count against its supports
  dijalog version

Every option can also be set with a DIJALOG_* environment variable; run
"dijalog COMMAND --help" for the options of one command.
`

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr))
}

// exit codes
const (
	exitOK     = 0
	exitFail   = 1
	exitConfig = 2
)

func run(ctx context.Context, args []string, env func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitConfig
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return serve(ctx, rest, env, stdout, stderr)
	case "migrate":
		return migrate(ctx, rest, env, stdout, stderr)
	case "user":
		return user(ctx, rest, env, stdin, stdout, stderr)
	case "backup":
		return backup(ctx, rest, env, stdout, stderr)
	case "restore":
		return restore(ctx, rest, env, stdout, stderr)
	case "check":
		return check(ctx, rest, env, stdout, stderr)
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "dijalog", app.Version)
		return exitOK
	case "help", "--help", "-h":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	mods := moduleCommands()
	if c, ok := mods[cmd]; ok {
		return c(ctx, rest, env, stdin, stdout, stderr)
	}
	// "dijalog import iati FILE" runs the module command "import-iati".
	if (cmd == "import" || cmd == "export") && len(rest) > 0 {
		if c, ok := mods[cmd+"-"+rest[0]]; ok {
			return c(ctx, rest[1:], env, stdin, stdout, stderr)
		}
		var kinds []string
		for name := range mods {
			if k, ok := strings.CutPrefix(name, cmd+"-"); ok {
				kinds = append(kinds, k)
			}
		}
		sort.Strings(kinds)
		fmt.Fprintf(stderr, "dijalog %s: unknown kind %q (known: %s)\n", cmd, rest[0], strings.Join(kinds, ", "))
		return exitConfig
	}
	fmt.Fprintf(stderr, "dijalog: unknown command %q\n\n%s", cmd, usage)
	return exitConfig
}

// command is a module's subcommand.
type command func(ctx context.Context, args []string, env func(string) string, stdin io.Reader, stdout, stderr io.Writer) int

// moduleCommands gathers the modules' subcommands (import, export, reindex...).
func moduleCommands() map[string]command {
	all := map[string]command{}
	for _, m := range []map[string]command{projectsCommands(), searchCommands(), dialogueCommands(), grantsCommands(), elogeCommands(), newsCommands()} {
		for name, c := range m {
			all[name] = c
		}
	}
	return all
}

// flags parses a subcommand's flags; ok is false when the caller should
// return code (help shown or bad flags).
func flags(name string, args []string, env func(string) string, serve bool, stderr io.Writer, extra func(*flag.FlagSet)) (*config.Config, *flag.FlagSet, int, bool) {
	fs := flag.NewFlagSet("dijalog "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	if extra != nil {
		extra(fs)
	}
	build := config.Bind(fs, env, serve)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, nil, exitOK, false
		}
		return nil, nil, exitConfig, false
	}
	cfg, err := build()
	if err != nil {
		fmt.Fprintf(stderr, "dijalog %s: invalid configuration: %v\n", name, err)
		return nil, nil, exitConfig, false
	}
	return cfg, fs, 0, true
}

func serve(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) int {
	cfg, _, code, ok := flags("serve", args, env, true, stderr, nil)
	if !ok {
		return code
	}
	start := time.Now()
	log := app.NewLogger(stderr, cfg.LogFormat, cfg.LogLevel)
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	a, err := app.New(ctx, cfg, log, nil)
	if err != nil {
		log.Error("start failed", "db", cfg.Redacted(), "err", err)
		return exitFail
	}
	defer a.Close()
	if cfg.Demo {
		if err := a.LoadDemo(ctx); err != nil {
			log.Error("demo data failed", "err", err)
			return exitFail
		}
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		log.Error("cannot listen", "addr", cfg.Addr, "err", err)
		return exitFail
	}
	srv := &http.Server{
		Handler:           a.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	go a.Maintain(ctx)
	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ln) }()
	if cfg.MetricsAddr != "" {
		msrv, err := serveMetrics(cfg.MetricsAddr, a.MetricsHandler(), errc)
		if err != nil {
			log.Error("cannot listen for metrics", "addr", cfg.MetricsAddr, "err", err)
			return exitFail
		}
		defer msrv.Close()
		log.Info("metrics are served", "url", "http://"+cfg.MetricsAddr+"/metrics")
	}
	log.Info("dijalog is serving", "url", "http://"+ln.Addr().String()+"/", "db", cfg.Redacted(), "dialect", a.DB.Engine(), "version", app.Version, "startup_ms", time.Since(start).Milliseconds())
	select {
	case err := <-errc:
		log.Error("server stopped", "err", err)
		return exitFail
	case <-ctx.Done():
	}
	log.Info("shutting down: letting in-flight requests finish", "grace", cfg.ShutdownGrace)
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Error("shutdown did not finish in time", "err", err)
		return exitFail
	}
	log.Info("stopped")
	return exitOK
}

// serveMetrics starts the --metrics-addr listener (only /metrics).
func serveMetrics(addr string, h http.Handler, errc chan<- error) (*http.Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errc <- err
		}
	}()
	return srv, nil
}

func migrate(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) int {
	action := "up"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		action, args = args[0], args[1:]
	}
	cfg, _, code, ok := flags("migrate", args, env, false, stderr, nil)
	if !ok {
		return code
	}
	log := app.NewLogger(stderr, cfg.LogFormat, cfg.LogLevel)
	d, err := openPlain(ctx, cfg)
	if err != nil {
		log.Error("cannot open database", "db", cfg.Redacted(), "err", err)
		return exitFail
	}
	defer d.Close()
	switch action {
	case "up":
		n, err := d.MigrateUp(ctx)
		if err != nil {
			log.Error("migrate up failed", "err", err)
			return exitFail
		}
		fmt.Fprintf(stdout, "applied %d migration(s)\n", n)
	case "down":
		v, err := d.MigrateDown(ctx)
		if err != nil {
			log.Error("migrate down failed", "err", err)
			return exitFail
		}
		fmt.Fprintf(stdout, "rolled back migration %d\n", v)
	case "status":
		st, err := d.MigrationStatus(ctx)
		if err != nil {
			log.Error("migrate status failed", "err", err)
			return exitFail
		}
		for _, s := range st {
			state := "pending"
			if s.Applied {
				state = "applied"
			}
			fmt.Fprintf(stdout, "%05d  %-8s %s\n", s.Version, state, s.Name)
		}
	default:
		fmt.Fprintf(stderr, "dijalog migrate: unknown action %q (want up, down or status)\n", action)
		return exitConfig
	}
	return exitOK
}

func user(ctx context.Context, args []string, env func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprintln(stderr, "usage: dijalog user add --email E [--name N] [--password-stdin]")
		return exitConfig
	}
	var email, name *string
	var fromStdin *bool
	cfg, _, code, ok := flags("user add", args[1:], env, false, stderr, func(fs *flag.FlagSet) {
		email = fs.String("email", "", "e-mail address of the new administrator (required)")
		name = fs.String("name", "", "display name (default: the e-mail address)")
		fromStdin = fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	})
	if !ok {
		return code
	}
	if *email == "" {
		fmt.Fprintln(stderr, "dijalog user add: --email is required")
		return exitConfig
	}
	pw, err := readPassword(stdin, stderr, *fromStdin)
	if err != nil {
		fmt.Fprintf(stderr, "dijalog user add: %v\n", err)
		return exitConfig
	}
	log := app.NewLogger(stderr, cfg.LogFormat, cfg.LogLevel)
	a, err := app.New(ctx, cfg, log, nil)
	if err != nil {
		log.Error("cannot open database", "db", cfg.Redacted(), "err", err)
		return exitFail
	}
	defer a.Close()
	u, err := a.Auth.CreateAdmin(ctx, *email, *name, pw)
	var fe auth.FieldErrors
	if errors.As(err, &fe) {
		p := a.Cat.Printer("en")
		for field, key := range fe {
			fmt.Fprintf(stderr, "dijalog user add: %s: %s\n", field, p.T(key))
		}
		return exitConfig
	}
	if err != nil {
		log.Error("cannot create user", "err", err)
		return exitFail
	}
	fmt.Fprintf(stdout, "administrator %s created (id %s)\n", u.Email, u.PublicID)
	return exitOK
}

// readPassword reads without echo from a terminal, or one line from stdin.
func readPassword(stdin io.Reader, stderr io.Writer, fromStdin bool) (string, error) {
	if f, ok := stdin.(*os.File); ok && !fromStdin && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stderr, "Password: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		fmt.Fprint(stderr, "Password again: ")
		b2, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if string(b) != string(b2) {
			return "", errors.New("the two passwords differ")
		}
		return string(b), nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("no password given on standard input")
	}
	return line, nil
}

func backup(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) int {
	var to *string
	cfg, _, code, ok := flags("backup", args, env, false, stderr, func(fs *flag.FlagSet) {
		to = fs.String("to", "", "archive to write (required; must not exist; gzip-compressed when it ends in .gz or .tgz)")
	})
	if !ok {
		return code
	}
	if *to == "" {
		fmt.Fprintln(stderr, "dijalog backup: --to FILE is required")
		return exitConfig
	}
	d, err := openPlain(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "dijalog backup: %v\n", err)
		return exitFail
	}
	defer d.Close()
	m, err := app.Backup(ctx, d, cfg, *to)
	if err != nil {
		fmt.Fprintf(stderr, "dijalog backup: %v\n", err)
		return exitFail
	}
	fmt.Fprintf(stdout, "backup written to %s: %s database at schema %d, %d uploaded file(s)\n", *to, m.Engine, m.Schema, len(m.Files)-1)
	return exitOK
}

func restore(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) int {
	var from *string
	cfg, _, code, ok := flags("restore", args, env, false, stderr, func(fs *flag.FlagSet) {
		from = fs.String("from", "", "backup archive to restore (required); stop the server first")
	})
	if !ok {
		return code
	}
	if *from == "" {
		fmt.Fprintln(stderr, "dijalog restore: --from FILE is required")
		return exitConfig
	}
	m, err := app.Restore(ctx, cfg, *from)
	if err != nil {
		fmt.Fprintf(stderr, "dijalog restore: %v\n", err)
		return exitFail
	}
	fmt.Fprintf(stdout, "restored %s (written %s by dijalog %s, schema %d, %d uploaded file(s)) into %s\n",
		*from, m.CreatedAt.Format(time.RFC3339), m.Version, m.Schema, len(m.Files)-1, cfg.Redacted())
	return exitOK
}

// check looks for damage: dijalog check [--json]. Exit 1 when it finds any.
func check(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) int {
	var asJSON *bool
	cfg, fs, code, ok := flags("check", args, env, false, stderr, func(fs *flag.FlagSet) {
		asJSON = fs.Bool("json", false, "print the findings as a JSON array")
	})
	if !ok {
		return code
	}
	if fs.NArg() != 0 {
		fmt.Fprintln(stderr, "usage: dijalog check [--json] [--data DIR] [--db ...]")
		return exitConfig
	}
	found, err := app.Check(ctx, cfg, app.NewLogger(stderr, cfg.LogFormat, cfg.LogLevel))
	if err != nil {
		fmt.Fprintf(stderr, "dijalog check: %v\n", err)
		return exitFail
	}
	if *asJSON {
		if found == nil {
			found = []bk.Finding{}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(found); err != nil {
			return exitFail
		}
	} else {
		for _, f := range found {
			fmt.Fprintln(stdout, f)
		}
		fmt.Fprintf(stdout, "%d finding(s)\n", len(found))
	}
	if len(found) > 0 {
		return exitFail
	}
	return exitOK
}
