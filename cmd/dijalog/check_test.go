package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dijalog/dijalog/internal/app"
	"github.com/dijalog/dijalog/internal/grants"
)

// demoWithAttachment is a data directory with the demo data and one call
// document (an uploaded file); it returns the file's public id.
func demoWithAttachment(t *testing.T, data string) string {
	t.Helper()
	ctx := context.Background()
	cfg, _, _, ok := flags("test", []string{"--data", data, "--log-level", "error"}, func(string) string { return "" }, false, io.Discard, nil)
	if !ok {
		t.Fatal("flags")
	}
	cfg.CheapPasswords = true
	a, err := app.New(ctx, cfg, app.NewLogger(io.Discard, "text", 8), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := a.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	admin, err := a.Auth.UserByEmail(ctx, "admin@demo.dijalog.ba")
	if err != nil {
		t.Fatal(err)
	}
	calls, err := a.Grants.Calls.List(ctx, grants.CallFilter{Limit: 1})
	if err != nil || len(calls) == 0 {
		t.Fatalf("no demo call: %v", err)
	}
	pdf := []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
	if err := a.Grants.Applications.AddDocument(ctx, admin, calls[0], grants.Upload{Filename: "poziv.pdf", Data: pdf}, grants.Meta{}); err != nil {
		t.Fatal(err)
	}
	docs, err := a.Grants.Applications.Files(ctx, "call", calls[0].ID)
	if err != nil || len(docs) == 0 {
		t.Fatalf("documents: %v %v", docs, err)
	}
	return docs[len(docs)-1].PublicID
}

// sqlOn runs statements on one connection of an SQLite file.
func sqlOn(t *testing.T, file string, stmts ...string) {
	t.Helper()
	d, err := sql.Open("sqlite", file)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	conn, err := d.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, s := range stmts {
		if _, err := conn.ExecContext(context.Background(), s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// TestCheckFindsDamage: dijalog check of a sound copy (made with backup
// and restore) finds nothing; on a copy damaged in each way it looks for,
// it exits 1 and names the damage.
func TestCheckFindsDamage(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	pid := demoWithAttachment(t, data)
	archive := filepath.Join(t.TempDir(), "site.tar.gz")
	if code, out, errs := runCmd(t, "", nil, "backup", "--data", data, "--to", archive); code != 0 || !strings.Contains(out, "1 uploaded file") {
		t.Fatalf("backup: %d %s %s", code, out, errs)
	}
	cases := []struct {
		name   string
		damage func(t *testing.T, dir string)
		want   string // a line of the report; "" for none
	}{
		{"sound", func(*testing.T, string) {}, ""},
		{"an upload deleted", func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, "uploads", "grants", pid)); err != nil {
				t.Fatal(err)
			}
		}, "file: grants/" + pid + " (grant_files"},
		{"an upload changed", func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, "uploads", "grants", pid), []byte("%PDF-1.4 but another one\n"), 0o640); err != nil {
				t.Fatal(err)
			}
		}, "file: grants/" + pid + " (grant_files"},
		{"a foreign key broken", func(t *testing.T, dir string) {
			sqlOn(t, filepath.Join(dir, "dijalog.db"), `PRAGMA foreign_keys = OFF`, `UPDATE grant_files SET uploaded_by = 987654`)
		}, "foreign-key: grant_files row"},
		{"a search document removed", func(t *testing.T, dir string) {
			sqlOn(t, filepath.Join(dir, "dijalog.db"), `DELETE FROM search_docs WHERE doc_type = 'place' AND doc_id = 'ba-fbih-mostar'`)
		}, "search: place ba-fbih-mostar is missing from the index"},
		{"a database page damaged", func(t *testing.T, dir string) {
			file := filepath.Join(dir, "dijalog.db")
			var root int64
			d, _ := sql.Open("sqlite", file)
			err := d.QueryRow(`SELECT rootpage FROM sqlite_master WHERE name = 'grant_files'`).Scan(&root)
			d.Close()
			if err != nil {
				t.Fatal(err)
			}
			f, err := os.OpenFile(file, os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := f.WriteAt([]byte{0x0d, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, (root-1)*4096); err != nil {
				t.Fatal(err)
			}
		}, "integrity: "},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), "copy")
			if code, _, errs := runCmd(t, "", nil, "restore", "--data", dir, "--from", archive); code != 0 {
				t.Fatalf("restore: %s", errs)
			}
			tc.damage(t, dir)
			code, out, errs := runCmd(t, "", map[string]string{"DIJALOG_LOG_LEVEL": "error"}, "check", "--data", dir)
			if tc.want == "" {
				if code != 0 || !strings.Contains(out, "0 finding(s)") {
					t.Fatalf("check of a sound copy: exit %d: %s %s", code, out, errs)
				}
				return
			}
			if code != 1 || !strings.Contains(out, "\n"+tc.want) && !strings.HasPrefix(out, tc.want) {
				t.Errorf("check: exit %d, want 1 and a line %q:\n%s%s", code, tc.want, out, errs)
			}
			code, out, _ = runCmd(t, "", map[string]string{"DIJALOG_LOG_LEVEL": "error"}, "check", "--json", "--data", dir)
			var found []struct{ Kind, Detail string }
			if err := json.Unmarshal([]byte(out), &found); err != nil || code != 1 || len(found) == 0 {
				t.Errorf("check --json: exit %d, %v: %s", code, err, out)
			}
		})
	}
}
