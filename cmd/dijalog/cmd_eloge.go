package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/dijalog/dijalog/internal/app"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/dijalog/dijalog/internal/surveys"
)

// elogeCommands are the eloge module's subcommands (the survey engine's
// included: ELoGE's questionnaires run on it).
func elogeCommands() map[string]command {
	return map[string]command{"import-tokens": importTokens}
}

// importTokens issues invitation codes for a survey answered by invitation
// (an ELoGE councillors' or staff questionnaire) from a CSV of labels, and
// prints the codes as CSV (code,label) for the letters or mails that carry
// them: dijalog import tokens [--data DIR | --db DSN] SURVEY FILE.csv (or -
// for stdin). The labels name groups ("Gradsko vijeće"), never people:
// answers by invitation are anonymous. Nothing is issued when a line is
// invalid.
func importTokens(ctx context.Context, args []string, env func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	cfg, fs, code, ok := flags("import-tokens", args, env, false, stderr, func(fs *flag.FlagSet) {
		fs.Usage = func() {
			fmt.Fprintln(fs.Output(), "usage: dijalog import tokens [flags] SURVEY FILE.csv\n\nSURVEY is the survey's id (from its address, /surveys/SURVEY). FILE.csv has a label\nper line (\"Gradsko vijeće\") and optionally how many codes to issue with it\n(\"Gradsko vijeće,31\"); a header \"label,count\" is skipped. The codes are printed as CSV.")
			fs.PrintDefaults()
		}
	})
	if !ok {
		return code
	}
	if fs.NArg() != 2 {
		fs.Usage()
		return exitConfig
	}
	var in io.Reader = stdin
	if name := fs.Arg(1); name != "-" {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintf(stderr, "dijalog import tokens: %v\n", err)
			return exitFail
		}
		defer f.Close()
		in = f
	}
	labels, err := surveys.ParseTokenCSV(in)
	if err != nil || len(labels) == 0 {
		fmt.Fprintf(stderr, "dijalog import tokens: %s: not a list of labels (one per line, at most 120 characters, an optional count of 1-%d)\n", fs.Arg(1), surveys.MaxTokens)
		return exitFail
	}
	log := app.NewLogger(stderr, cfg.LogFormat, cfg.LogLevel)
	a, err := app.New(ctx, cfg, log, nil)
	if err != nil {
		fmt.Fprintf(stderr, "dijalog import tokens: %v\n", err)
		return exitFail
	}
	defer a.Close()
	sv, err := a.Surveys.ByPublicID(ctx, fs.Arg(0))
	if errors.Is(err, refuse.ErrNotFound) {
		fmt.Fprintf(stderr, "dijalog import tokens: no survey %q\n", fs.Arg(0))
		return exitFail
	}
	if err != nil {
		fmt.Fprintf(stderr, "dijalog import tokens: %v\n", err)
		return exitFail
	}
	if sv.Audience != surveys.AudienceToken {
		fmt.Fprintf(stderr, "dijalog import tokens: survey %s is not answered by invitation (its audience is %q)\n", sv.PublicID, sv.Audience)
		return exitFail
	}
	toks, err := a.Surveys.IssueTokens(ctx, nil, sv, labels)
	if err != nil {
		fmt.Fprintf(stderr, "dijalog import tokens: %v\n", err)
		return exitFail
	}
	w := csv.NewWriter(stdout)
	_ = w.Write([]string{"code", "label"})
	for _, t := range toks {
		_ = w.Write([]string{t.Code, t.Label})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		fmt.Fprintf(stderr, "dijalog import tokens: %v\n", err)
		return exitFail
	}
	fmt.Fprintf(stderr, "issued %d invitation codes for %s\n", len(toks), sv.PublicID)
	return exitOK
}
