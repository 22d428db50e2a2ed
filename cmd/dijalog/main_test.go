package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func runCmd(t *testing.T, stdin string, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestCLI(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	tests := []struct {
		name     string
		args     []string
		stdin    string
		env      map[string]string
		wantCode int
		wantOut  string
		wantErr  string
	}{
		{name: "no args", wantCode: 2, wantErr: "Usage:"},
		{name: "version", args: []string{"version"}, wantOut: "dijalog "},
		{name: "unknown", args: []string{"frobnicate"}, wantCode: 2, wantErr: "unknown command"},
		{name: "help", args: []string{"serve", "--help"}, wantCode: 0, wantErr: "-addr"},
		{name: "bad flag", args: []string{"serve", "--nope"}, wantCode: 2},
		{name: "bad addr", args: []string{"serve", "--addr", "x"}, wantCode: 2, wantErr: "invalid configuration: --addr"},
		{name: "bad env", args: []string{"serve"}, env: map[string]string{"DIJALOG_LOG_LEVEL": "loud"}, wantCode: 2, wantErr: "--log-level"},
		{name: "migrate up", args: []string{"migrate", "up", "--data", data}, wantOut: "applied"},
		{name: "migrate status", args: []string{"migrate", "status", "--data", data}, wantOut: "applied"},
		{name: "migrate bad", args: []string{"migrate", "sideways", "--data", data}, wantCode: 2},
		{name: "user add needs email", args: []string{"user", "add", "--data", data, "--password-stdin"}, stdin: "x\n", wantCode: 2, wantErr: "--email"},
		{name: "user add weak", args: []string{"user", "add", "--data", data, "--email", "a@example.org", "--password-stdin"}, stdin: "short\n", wantCode: 2, wantErr: "at least 12"},
		{name: "user add", args: []string{"user", "add", "--data", data, "--email", "root@example.org", "--name", "Root", "--password-stdin"}, stdin: "a long enough password\n", wantOut: "administrator root@example.org created"},
		{name: "user add again", args: []string{"user", "add", "--data", data, "--email", "root@example.org", "--password-stdin"}, stdin: "a long enough password\n", wantCode: 2, wantErr: "already exists"},
		{name: "backup needs --to", args: []string{"backup", "--data", data}, wantCode: 2},
		{name: "restore missing", args: []string{"restore", "--data", data, "--from", filepath.Join(data, "nope.db")}, wantCode: 1, wantErr: "no such file"},
		{name: "backup unmigrated postgres", args: []string{"backup", "--db", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable", "--to", filepath.Join(data, "x")}, wantCode: 1, wantErr: "no dijalog schema"},
		{name: "check", args: []string{"check", "--data", data}, wantOut: "0 finding(s)"},
		{name: "check extra argument", args: []string{"check", "--data", data, "now"}, wantCode: 2},
	}
	// Sequential: they share one data directory in order.
	for _, tc := range tests {
		code, out, errs := runCmd(t, tc.stdin, tc.env, tc.args...)
		if code != tc.wantCode {
			t.Errorf("%s: exit %d, want %d (stdout %q, stderr %q)", tc.name, code, tc.wantCode, out, errs)
		}
		if tc.wantOut != "" && !strings.Contains(out, tc.wantOut) {
			t.Errorf("%s: stdout %q lacks %q", tc.name, out, tc.wantOut)
		}
		if tc.wantErr != "" && !strings.Contains(errs, tc.wantErr) {
			t.Errorf("%s: stderr %q lacks %q", tc.name, errs, tc.wantErr)
		}
		if tc.wantCode == 2 && strings.Count(strings.TrimSpace(errs), "\n") > 0 && strings.Contains(errs, "invalid configuration") {
			t.Errorf("%s: invalid configuration should be one line, got %q", tc.name, errs)
		}
	}
}

func TestBackupRestoreRoundTrip(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	if code, _, errs := runCmd(t, "first admin password\n", nil, "user", "add", "--data", data, "--email", "first@example.org", "--password-stdin"); code != 0 {
		t.Fatalf("user add: %s", errs)
	}
	backup := filepath.Join(t.TempDir(), "b.db")
	if code, _, errs := runCmd(t, "", nil, "backup", "--data", data, "--to", backup); code != 0 {
		t.Fatalf("backup: %s", errs)
	}
	if code, _, errs := runCmd(t, "", nil, "backup", "--data", data, "--to", backup); code != 1 || !strings.Contains(errs, "already exists") {
		t.Fatalf("backup over an existing file: %d %s", code, errs)
	}
	// A change after the backup...
	if code, _, errs := runCmd(t, "second admin password\n", nil, "user", "add", "--data", data, "--email", "second@example.org", "--password-stdin"); code != 0 {
		t.Fatalf("user add: %s", errs)
	}
	// ...is gone after the restore, and the first account is there.
	if code, _, errs := runCmd(t, "", nil, "restore", "--data", data, "--from", backup); code != 0 {
		t.Fatalf("restore: %s", errs)
	}
	if code, _, errs := runCmd(t, "first admin password\n", nil, "user", "add", "--data", data, "--email", "first@example.org", "--password-stdin"); code != 2 || !strings.Contains(errs, "already exists") {
		t.Fatalf("first account missing after restore: %d %s", code, errs)
	}
	if code, _, errs := runCmd(t, "second admin password\n", nil, "user", "add", "--data", data, "--email", "second@example.org", "--password-stdin"); code != 0 {
		t.Fatalf("second account survived the restore: %d %s", code, errs)
	}
	// Something that is not a backup is refused and changes nothing.
	junk := filepath.Join(t.TempDir(), "junk.db")
	os.WriteFile(junk, []byte("not a database"), 0o600)
	if code, _, errs := runCmd(t, "", nil, "restore", "--data", data, "--from", junk); code != 1 || !strings.Contains(errs, "not a valid dijalog backup") {
		t.Fatalf("restore junk: %d %s", code, errs)
	}
}

// TestServeDrainsOnSIGTERM runs the real binary: a request still sending
// its body when SIGTERM arrives gets its answer, and the process exits 0.
func TestServeDrainsOnSIGTERM(t *testing.T) {
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "dijalog")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(bin, "serve", "--addr", addr, "--data", t.TempDir(), "--log-format", "json")
	var logs bytes.Buffer
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("not ready: %s", logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Open a request and send half of it.
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := "email=a%40example.org&password=xxxxxxxxxxxx"
	fmt.Fprintf(conn, "POST /en/login HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s", addr, len(body), body[:10])
	time.Sleep(200 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	fmt.Fprint(conn, body[10:])
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("in-flight request lost: %v\n%s", err, logs.String())
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden { // no CSRF token: refused, but answered
		t.Errorf("in-flight request status = %d", resp.StatusCode)
	}
	conn.Close()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit: %v\n%s", err, logs.String())
		}
	case <-time.After(25 * time.Second):
		t.Fatalf("did not stop after SIGTERM\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), `"msg":"stopped"`) {
		t.Errorf("no clean stop in the log:\n%s", logs.String())
	}
}
