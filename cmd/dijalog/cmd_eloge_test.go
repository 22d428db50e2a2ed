package main

import (
	"context"
	"encoding/csv"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dijalog/dijalog/internal/app"
	"github.com/dijalog/dijalog/internal/surveys"
)

// TestImportTokens issues invitation codes from a CSV through
// "dijalog import tokens" and checks they work exactly once.
func TestImportTokens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	data := t.TempDir()
	cfg, _, code, ok := flags("test", []string{"--data", data}, func(string) string { return "" }, false, io.Discard, nil)
	if !ok {
		t.Fatalf("flags: %d", code)
	}
	a, err := app.New(ctx, cfg, app.NewLogger(io.Discard, "text", slog.LevelError), nil)
	if err != nil {
		t.Fatal(err)
	}
	def := &surveys.Definition{Sections: []surveys.Section{{Key: "s", Title: surveys.Text{"en": "Council"}, Questions: []surveys.Question{
		{Key: "q1", Type: surveys.TypeLikert, Required: true, Text: surveys.Text{"en": "The council publishes its decisions."}}}}}}
	mk := func(audience string) string {
		sv, err := a.Surveys.Create(ctx, nil, surveys.Input{OwnerKind: surveys.OwnerLSG, OwnerRef: "ba-fbih-mostar", Title: surveys.Text{"en": "Councillors"}, Def: def, Audience: audience, Status: surveys.StatusOpen})
		if err != nil {
			t.Fatal(err)
		}
		return sv.PublicID
	}
	tokenSurvey, publicSurvey := mk(surveys.AudienceToken), mk(surveys.AudiencePublic)
	a.Close()

	file := filepath.Join(data, "council.csv")
	if err := os.WriteFile(file, []byte("label,count\nGradsko vijeće,3\nKabinet gradonačelnika\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(data, "bad.csv")
	if err := os.WriteFile(bad, []byte("Gradsko vijeće,lots\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name     string
		args     []string
		stdin    string
		wantCode int
		wantErr  string
	}{
		{"no arguments", []string{"import", "tokens", "--data", data}, "", exitConfig, "usage"},
		{"one argument", []string{"import", "tokens", "--data", data, tokenSurvey}, "", exitConfig, "usage"},
		{"missing file", []string{"import", "tokens", "--data", data, tokenSurvey, filepath.Join(data, "nope.csv")}, "", exitFail, "no such file"},
		{"bad count", []string{"import", "tokens", "--data", data, tokenSurvey, bad}, "", exitFail, "not a list of labels"},
		{"empty stdin", []string{"import", "tokens", "--data", data, tokenSurvey, "-"}, "", exitFail, "not a list of labels"},
		{"unknown survey", []string{"import", "tokens", "--data", data, "ffffffffffff", file}, "", exitFail, "no survey"},
		{"public survey", []string{"import", "tokens", "--data", data, publicSurvey, file}, "", exitFail, "not answered by invitation"},
	} {
		code, out, errs := runCmd(t, tc.stdin, nil, tc.args...)
		if code != tc.wantCode || !strings.Contains(strings.ToLower(errs), tc.wantErr) || out != "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit %d and %q", tc.name, code, out, errs, tc.wantCode, tc.wantErr)
		}
	}

	code, out, errs := runCmd(t, "", nil, "import", "tokens", "--data", data, tokenSurvey, file)
	if code != exitOK {
		t.Fatalf("import tokens: exit %d: %s", code, errs)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("the output is not CSV: %v\n%s", err, out)
	}
	if len(rows) != 5 || rows[0][0] != "code" || rows[1][1] != "Gradsko vijeće" || rows[3][1] != "Gradsko vijeće" || rows[4][1] != "Kabinet gradonačelnika" {
		t.Fatalf("import tokens printed:\n%s", out)
	}
	// From stdin too; the codes are all different.
	code, out2, errs := runCmd(t, "Služba za opću upravu,2\n", nil, "import", "tokens", "--data", data, tokenSurvey, "-")
	if code != exitOK || strings.Count(out2, "Služba za opću upravu") != 2 {
		t.Fatalf("import tokens from stdin: exit %d, %q, %s", code, out2, errs)
	}

	a, err = app.New(ctx, cfg, app.NewLogger(io.Discard, "text", slog.LevelError), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	sv, err := a.Surveys.ByPublicID(ctx, tokenSurvey)
	if err != nil {
		t.Fatal(err)
	}
	toks, err := a.Surveys.Tokens(ctx, nil, sv)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, tk := range toks {
		seen[tk.Code] = true
	}
	if len(toks) != 6 || len(seen) != 6 {
		t.Fatalf("the survey has %d codes (%d distinct), want 6", len(toks), len(seen))
	}
	// A printed code opens the questionnaire once.
	printed := rows[1][0]
	sub := surveys.Submission{IdemKey: surveys.NewKey(), Token: printed, Channel: "web", Lang: "bs", Answers: []surveys.Answer{{Question: "q1", Value: "4"}}}
	if _, err := a.Surveys.Submit(ctx, sv, sub); err != nil {
		t.Fatalf("answer with the printed code %s: %v", printed, err)
	}
	sub.IdemKey = surveys.NewKey()
	if _, err := a.Surveys.Submit(ctx, sv, sub); err == nil {
		t.Errorf("the code %s worked twice", printed)
	}
}
