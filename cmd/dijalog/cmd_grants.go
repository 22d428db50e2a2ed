package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/dijalog/dijalog/internal/app"
)

// grantsCommands are the grants module's subcommands.
func grantsCommands() map[string]command {
	return map[string]command{
		"import-support": importSupport,
		"grants-remind":  grantsRemind,
	}
}

// importSupport imports support given outside the platform:
// dijalog import-support [--data DIR | --db DSN] FILE.csv (or - for stdin).
func importSupport(ctx context.Context, args []string, env func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	cfg, fs, code, ok := flags("import-support", args, env, false, stderr, func(fs *flag.FlagSet) {
		fs.Usage = func() {
			fmt.Fprintln(fs.Output(), "usage: dijalog import-support [flags] FILE.csv\n\nColumns: year, lsg, funder, recipient, amount, currency, purpose, procedure (open_call or direct), award_date (optional).")
			fs.PrintDefaults()
		}
	})
	if !ok {
		return code
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return exitConfig
	}
	var in io.Reader = stdin
	if name := fs.Arg(0); name != "-" {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintf(stderr, "dijalog import-support: %v\n", err)
			return exitFail
		}
		defer f.Close()
		in = f
	}
	log := app.NewLogger(stderr, cfg.LogFormat, cfg.LogLevel)
	a, err := app.New(ctx, cfg, log, nil)
	if err != nil {
		fmt.Fprintf(stderr, "dijalog import-support: %v\n", err)
		return exitFail
	}
	defer a.Close()
	n, bad, err := a.ImportSupport(ctx, in)
	if err != nil {
		fmt.Fprintf(stderr, "dijalog import-support: %v\n", err)
		return exitFail
	}
	if len(bad) > 0 {
		for _, e := range bad {
			fmt.Fprintf(stderr, "%s\n", e.Error())
		}
		fmt.Fprintf(stderr, "dijalog import-support: %d errors; nothing imported\n", len(bad))
		return exitFail
	}
	fmt.Fprintf(stdout, "imported %d records\n", n)
	return exitOK
}

// grantsRemind mails grantees whose reports are due within --days days.
func grantsRemind(ctx context.Context, args []string, env func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	var days int
	cfg, fs, code, ok := flags("grants-remind", args, env, false, stderr, func(fs *flag.FlagSet) {
		fs.IntVar(&days, "days", 14, "remind of reports due within this many days")
	})
	if !ok {
		return code
	}
	if fs.NArg() != 0 || days < 0 || days > 365 {
		fs.Usage()
		return exitConfig
	}
	log := app.NewLogger(stderr, cfg.LogFormat, cfg.LogLevel)
	a, err := app.New(ctx, cfg, log, nil)
	if err != nil {
		fmt.Fprintf(stderr, "dijalog grants-remind: %v\n", err)
		return exitFail
	}
	defer a.Close()
	n, err := a.Grants.Awards.Remind(ctx, time.Duration(days)*24*time.Hour)
	if err != nil {
		fmt.Fprintf(stderr, "dijalog grants-remind: %v\n", err)
		return exitFail
	}
	fmt.Fprintf(stdout, "sent %d reminders\n", n)
	return exitOK
}
