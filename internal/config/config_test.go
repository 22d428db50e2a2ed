package config

import (
	"flag"
	"io"
	"strings"
	"testing"
)

func parse(t *testing.T, args []string, env map[string]string) (*Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	build := Bind(fs, func(k string) string { return env[k] }, true)
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	return build()
}

func TestConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		wantErr string
		check   func(*Config) bool
	}{
		{name: "defaults", check: func(c *Config) bool {
			return c.Addr == "127.0.0.1:8080" && c.DB == "data/dijalog.db" && c.BaseURL == "http://127.0.0.1:8080" && c.TimeZone.String() == "Europe/Sarajevo"
		}},
		{name: "env", env: map[string]string{"DIJALOG_ADDR": "0.0.0.0:9000", "DIJALOG_DATA": "/tmp/x"}, check: func(c *Config) bool {
			return c.Addr == "0.0.0.0:9000" && c.DB == "/tmp/x/dijalog.db"
		}},
		{name: "flag beats env", args: []string{"--addr", "127.0.0.1:1"}, env: map[string]string{"DIJALOG_ADDR": "0.0.0.0:9000"}, check: func(c *Config) bool { return c.Addr == "127.0.0.1:1" }},
		{name: "postgres", args: []string{"--db", "postgres://u:secret@h:5432/d"}, check: func(c *Config) bool {
			return c.DB == "postgres://u:secret@h:5432/d" && !strings.Contains(c.Redacted(), "secret")
		}},
		{name: "demo", args: []string{"--demo"}, check: func(c *Config) bool { return c.Demo }},
		{name: "bad addr", args: []string{"--addr", "nope"}, wantErr: "--addr"},
		{name: "bad port", args: []string{"--addr", "h:99999"}, wantErr: "port"},
		{name: "bad db scheme", args: []string{"--db", "mysql://x"}, wantErr: "--db"},
		{name: "bad base url", args: []string{"--base-url", "ftp://x"}, wantErr: "--base-url"},
		{name: "bad log level", args: []string{"--log-level", "loud"}, wantErr: "--log-level"},
		{name: "bad bool env", env: map[string]string{"DIJALOG_TRUST_PROXY": "maybe"}, wantErr: "--trust-proxy"},
		{name: "bad tz", args: []string{"--timezone", "Mars/Olympus"}, wantErr: "--timezone"},
		{name: "smtp", args: []string{"--smtp-url", "smtp://u:p@mail.example.org:587"}, check: func(c *Config) bool { return c.SMTPURL == "smtp://u:p@mail.example.org:587" }},
		{name: "bad smtp", args: []string{"--smtp-url", "http://x"}, wantErr: "--smtp-url"},
		{name: "login limit", env: map[string]string{"DIJALOG_LOGIN_LIMIT": "500"}, check: func(c *Config) bool { return c.LoginPerIP == 500 }},
		{name: "bad login limit", args: []string{"--login-limit", "0"}, wantErr: "--login-limit"},
		{name: "bad grace", args: []string{"--shutdown-grace", "soon"}, wantErr: "--shutdown-grace"},
		{name: "compress by default", check: func(c *Config) bool { return c.Compress }},
		{name: "compress off by env", env: map[string]string{"DIJALOG_COMPRESS": "false"}, check: func(c *Config) bool { return !c.Compress }},
		{name: "compress off by flag", args: []string{"--compress=false"}, env: map[string]string{"DIJALOG_COMPRESS": "true"}, check: func(c *Config) bool { return !c.Compress }},
		{name: "operator", args: []string{"--operator-name", "Općina Mostar"}, env: map[string]string{"DIJALOG_OPERATOR_EMAIL": "dpo@mostar.ba"}, check: func(c *Config) bool {
			return c.OperatorName == "Općina Mostar" && c.OperatorEmail == "dpo@mostar.ba"
		}},
		{name: "no operator", check: func(c *Config) bool { return c.OperatorName == "" && c.OperatorEmail == "" }},
		{name: "demo operator", args: []string{"--demo"}, check: func(c *Config) bool {
			return c.OperatorName == DemoOperatorName && c.OperatorEmail == DemoOperatorEmail
		}},
		{name: "demo keeps a given operator", args: []string{"--demo", "--operator-email", "a@b.ba"}, check: func(c *Config) bool { return c.OperatorName == "" && c.OperatorEmail == "a@b.ba" }},
		{name: "bad operator email", args: []string{"--operator-email", "Privacy <p@x.ba>"}, wantErr: "--operator-email"},
		{name: "operator email not an address", env: map[string]string{"DIJALOG_OPERATOR_EMAIL": "mailto:p@x.ba"}, wantErr: "--operator-email"},
		{name: "bad compress", env: map[string]string{"DIJALOG_COMPRESS": "gzip"}, wantErr: "--compress"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := parse(t, tc.args, tc.env)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one mentioning %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if !tc.check(c) {
				t.Errorf("config %+v does not hold", c)
			}
		})
	}
}
