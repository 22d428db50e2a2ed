// Package config reads the platform's settings from command-line flags and
// DIJALOG_* environment variables (flags win) and validates them at start.
package config

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/dijalog/dijalog/internal/db"
)

// Config is the validated configuration of one process.
type Config struct {
	Addr          string     // listen address of serve
	Data          string     // data directory (SQLite file, backups)
	DB            string     // database: an SQLite path or a postgres:// URL
	BaseURL       string     // public URL, for links in e-mails
	LogFormat     string     // "auto", "json" or "text"
	LogLevel      slog.Level // debug, info, warn, error
	SecureCookies bool       // always mark cookies Secure (behind TLS)
	TrustProxy    bool       // trust X-Forwarded-For / -Proto from a reverse proxy
	Compress      bool       // gzip text responses (off when a proxy compresses)
	Demo          bool       // load demo data into an empty database
	TimeZone      *time.Location
	ShutdownGrace time.Duration
	SMTPURL       string // smtp://user:pass@host:587 ("" = mail goes to the log)
	LoginPerIP    int    // sign-in attempts per address per 15 minutes
	// MetricsAddr is a second listener that serves only /metrics ("" =
	// none); MetricsToken, when set, lets /metrics on the main listener
	// answer a request with "Authorization: Bearer <token>".
	MetricsAddr  string
	MetricsToken string
	// OperatorName and OperatorEmail name who runs this installation: the
	// controller of its personal data, shown on the privacy notice and the
	// terms of use ("" = the pages say the operator is not configured).
	OperatorName  string
	OperatorEmail string
	// CheapPasswords hashes new passwords at the lowest cost (tests and
	// benchmarks only; no flag sets it).
	CheapPasswords bool
}

// Setting describes one option, for --help and the README table.
type Setting struct {
	Flag, Env, Default, Usage string
}

// Settings lists every option shared by the data subcommands.
func Settings() []Setting {
	return []Setting{
		{"addr", "DIJALOG_ADDR", "127.0.0.1:8080", "address to listen on (serve)"},
		{"data", "DIJALOG_DATA", "./data", "data directory: the SQLite file and the uploaded files (uploads/) live here"},
		{"db", "DIJALOG_DB", "", "database: an SQLite file path or postgres://user@host:5432/db?sslmode=disable (default: <data>/dijalog.db)"},
		{"base-url", "DIJALOG_BASE_URL", "", "public URL of the site, used in e-mailed links (default: http://<addr>)"},
		{"log-format", "DIJALOG_LOG_FORMAT", "auto", "log format: auto (text on a terminal, JSON otherwise), json or text"},
		{"log-level", "DIJALOG_LOG_LEVEL", "info", "log level: debug, info, warn or error"},
		{"secure-cookies", "DIJALOG_SECURE_COOKIES", "false", "always mark cookies Secure (set when a TLS proxy is in front)"},
		{"trust-proxy", "DIJALOG_TRUST_PROXY", "false", "trust X-Forwarded-For and X-Forwarded-Proto from a reverse proxy"},
		{"compress", "DIJALOG_COMPRESS", "true", "gzip text responses for clients that accept it (set false when a proxy in front compresses)"},
		{"timezone", "DIJALOG_TIMEZONE", "Europe/Sarajevo", "time zone in which dates are shown"},
		{"shutdown-grace", "DIJALOG_SHUTDOWN_GRACE", "20s", "how long in-flight requests may finish after SIGTERM"},
		{"login-limit", "DIJALOG_LOGIN_LIMIT", "30", "sign-in attempts one IP address may make per 15 minutes (raise it where many people share an address)"},
		{"metrics-addr", "DIJALOG_METRICS_ADDR", "", "a second address that serves only /metrics (e.g. 127.0.0.1:9090); empty: none"},
		{"metrics-token", "DIJALOG_METRICS_TOKEN", "", "a bearer token that opens /metrics on the main address; empty: /metrics there answers only a direct local connection"},
		{"smtp-url", "DIJALOG_SMTP_URL", "", "mail server, smtp://user:password@host:587 (STARTTLS) or smtps://...:465; empty: mail is written to the log"},
		{"operator-name", "DIJALOG_OPERATOR_NAME", "", "who runs this installation (the controller of its personal data), shown on the privacy and terms pages"},
		{"operator-email", "DIJALOG_OPERATOR_EMAIL", "", "address at which people reach the operator about their data, shown on the privacy and terms pages"},
	}
}

// Bind registers the shared flags on fs; env supplies defaults.
// It returns a function that validates and builds the Config after fs.Parse.
func Bind(fs *flag.FlagSet, env func(string) string, withServe bool) func() (*Config, error) {
	vals := map[string]*string{}
	for _, s := range Settings() {
		if !withServe && serveOnly(s.Flag) {
			continue
		}
		def := s.Default
		if v := env(s.Env); v != "" {
			def = v
		}
		vals[s.Flag] = fs.String(s.Flag, def, s.Usage+" [$"+s.Env+"]")
	}
	var demo *bool
	if withServe {
		d, _ := strconv.ParseBool(env("DIJALOG_DEMO"))
		demo = fs.Bool("demo", d, "load demo data into an empty database [$DIJALOG_DEMO]")
	}
	return func() (*Config, error) {
		get := func(k string) string {
			if p, ok := vals[k]; ok {
				return strings.TrimSpace(*p)
			}
			return fromEnv(env, k)
		}
		c := &Config{Addr: get("addr"), Data: get("data"), DB: get("db"), BaseURL: get("base-url"), LogFormat: get("log-format"), SMTPURL: get("smtp-url"),
			MetricsAddr: get("metrics-addr"), MetricsToken: get("metrics-token"), OperatorName: get("operator-name"), OperatorEmail: get("operator-email")}
		if demo != nil {
			c.Demo = *demo
		}
		for _, parse := range []func(get func(string) string) error{c.parseAddr, c.parseDB, c.parseBaseURL, c.parseLog, c.parseProxy, c.parseTime, c.parseLimits, c.parseSMTP, c.parseMetrics, c.parseOperator} {
			if err := parse(get); err != nil {
				return nil, err
			}
		}
		return c, nil
	}
}

// serveOnly reports whether a setting concerns only the serve command.
func serveOnly(flag string) bool {
	switch flag {
	case "addr", "secure-cookies", "trust-proxy", "shutdown-grace", "compress", "metrics-addr", "metrics-token", "operator-name", "operator-email":
		return true
	}
	return false
}

// fromEnv is the value of a setting that has no flag here: its
// environment variable, or its default.
func fromEnv(env func(string) string, flag string) string {
	for _, s := range Settings() {
		if s.Flag == flag {
			if v := env(s.Env); v != "" {
				return v
			}
			return s.Default
		}
	}
	return ""
}

func (c *Config) parseAddr(func(string) string) error {
	if _, port, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("--addr %q: want host:port (e.g. 127.0.0.1:8080)", c.Addr)
	} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("--addr %q: port must be 0-65535", c.Addr)
	}
	return nil
}

// parseDB checks the data directory and the database (by default the
// SQLite file in the data directory).
func (c *Config) parseDB(func(string) string) error {
	if c.Data == "" {
		return errors.New("--data must not be empty")
	}
	switch {
	case c.DB == "":
		c.DB = filepath.Join(c.Data, "dijalog.db")
	case db.IsPostgres(c.DB):
		if u, err := url.Parse(c.DB); err != nil || u.Host == "" {
			return fmt.Errorf("--db: %q is not a valid postgres:// URL", redact(c.DB))
		}
	case strings.Contains(c.DB, "://"):
		return fmt.Errorf("--db %q: use an SQLite file path or a postgres:// URL", redact(c.DB))
	}
	return nil
}

func (c *Config) parseBaseURL(func(string) string) error {
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Addr
	} else if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--base-url %q: want an absolute http(s) URL", c.BaseURL)
	}
	return nil
}

func (c *Config) parseLog(get func(string) string) error {
	switch c.LogFormat {
	case "auto", "json", "text":
	default:
		return fmt.Errorf("--log-format %q: want auto, json or text", c.LogFormat)
	}
	if err := c.LogLevel.UnmarshalText([]byte(get("log-level"))); err != nil {
		return fmt.Errorf("--log-level %q: want debug, info, warn or error", get("log-level"))
	}
	return nil
}

func (c *Config) parseProxy(get func(string) string) error {
	for _, f := range []struct {
		flag string
		dst  *bool
	}{{"secure-cookies", &c.SecureCookies}, {"trust-proxy", &c.TrustProxy}, {"compress", &c.Compress}} {
		if v := get(f.flag); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return fmt.Errorf("--%s %q: want true or false", f.flag, v)
			}
			*f.dst = b
		}
	}
	return nil
}

func (c *Config) parseTime(get func(string) string) error {
	tz, err := time.LoadLocation(get("timezone"))
	if err != nil {
		return fmt.Errorf("--timezone %q: unknown time zone", get("timezone"))
	}
	c.TimeZone = tz
	if g := get("shutdown-grace"); g != "" {
		d, err := time.ParseDuration(g)
		if err != nil || d < 0 || d > time.Hour {
			return fmt.Errorf("--shutdown-grace %q: want a duration such as 20s", g)
		}
		c.ShutdownGrace = d
	}
	return nil
}

func (c *Config) parseLimits(get func(string) string) error {
	n, err := strconv.Atoi(get("login-limit"))
	if err != nil || n < 1 || n > 1000000 {
		return fmt.Errorf("--login-limit %q: want a whole number from 1 to 1000000", get("login-limit"))
	}
	c.LoginPerIP = n
	return nil
}

func (c *Config) parseMetrics(func(string) string) error {
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			return fmt.Errorf("--metrics-addr %q: want host:port", c.MetricsAddr)
		}
	}
	if c.MetricsToken != "" && len(c.MetricsToken) < 20 {
		return fmt.Errorf("--metrics-token: use at least 20 random characters")
	}
	return nil
}

func (c *Config) parseSMTP(func(string) string) error {
	if c.SMTPURL != "" {
		if u, err := url.Parse(c.SMTPURL); err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
			return fmt.Errorf("--smtp-url %q: want smtp://user:password@host:587 or smtps://host:465", redact(c.SMTPURL))
		}
	}
	return nil
}

// The demo's operator, shown on its privacy notice when --demo runs
// without --operator-name and --operator-email.
const (
	DemoOperatorName  = "Dijalog (demo)"
	DemoOperatorEmail = "privacy@dijalog.example"
)

// parseOperator checks the operator's contact: a bare address (no name,
// no "mailto:"), as it is shown and linked on the privacy notice.
func (c *Config) parseOperator(func(string) string) error {
	if c.Demo && c.OperatorName == "" && c.OperatorEmail == "" {
		c.OperatorName, c.OperatorEmail = DemoOperatorName, DemoOperatorEmail
	}
	if len(c.OperatorName) > 200 {
		return fmt.Errorf("--operator-name: at most 200 characters")
	}
	if c.OperatorEmail != "" {
		a, err := mail.ParseAddress(c.OperatorEmail)
		if err != nil || a.Name != "" || a.Address != c.OperatorEmail {
			return fmt.Errorf("--operator-email %q: want a plain address such as privacy@example.org", c.OperatorEmail)
		}
	}
	return nil
}

// redact hides a password in a database URL.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Redacted is the database setting safe for logs.
func (c *Config) Redacted() string { return redact(c.DB) }
