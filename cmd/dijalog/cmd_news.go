package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/dijalog/dijalog/internal/app"
	"github.com/dijalog/dijalog/internal/refuse"
)

// newsCommands are the mail and newsletter subcommands.
func newsCommands() map[string]command {
	return map[string]command{
		"mail-bounce": mailBounce,
		"mail-queue":  mailQueue,
	}
}

// withNews opens the platform and runs fn with the news service and outbox.
func withNews(ctx context.Context, name string, args []string, env func(string) string, stderr io.Writer, extra func(*flag.FlagSet), fn func(a *app.App, fs *flag.FlagSet) int) int {
	cfg, fs, code, ok := flags(name, args, env, false, stderr, extra)
	if !ok {
		return code
	}
	a, err := app.New(ctx, cfg, app.NewLogger(stderr, cfg.LogFormat, cfg.LogLevel), nil)
	if err != nil {
		fmt.Fprintf(stderr, "dijalog %s: %v\n", name, err)
		return exitFail
	}
	defer a.Close()
	defer a.StopNews()
	if svc, _ := a.NewsServices(); svc == nil {
		fmt.Fprintf(stderr, "dijalog %s: the news module is not wired into this build\n", name)
		return exitFail
	}
	return fn(a, fs)
}

// mailBounce records bounces or complaints reported by the mail server:
// dijalog mail-bounce [--hard] ADDRESS...
func mailBounce(ctx context.Context, args []string, env func(string) string, _ io.Reader, stdout, stderr io.Writer) int {
	var hard bool
	return withNews(ctx, "mail-bounce", args, env, stderr, func(fs *flag.FlagSet) {
		fs.BoolVar(&hard, "hard", false, "a hard bounce or complaint: stop mailing the address at once (else after 3 soft bounces)")
	}, func(a *app.App, fs *flag.FlagSet) int {
		if fs.NArg() == 0 {
			fmt.Fprintln(stderr, "usage: dijalog mail-bounce [--hard] ADDRESS...")
			return exitConfig
		}
		svc, _ := a.NewsServices()
		code := exitOK
		for _, addr := range fs.Args() {
			err := svc.Bounce(ctx, addr, hard)
			switch {
			case err == nil:
				fmt.Fprintf(stdout, "%s: bounce recorded\n", addr)
			case errors.Is(err, refuse.ErrNotFound):
				fmt.Fprintf(stdout, "%s: not a subscriber\n", addr)
			default:
				fmt.Fprintf(stderr, "%s: %v\n", addr, err)
				code = exitFail
			}
		}
		return code
	})
}

// mailQueue shows the outbox and, with --deliver, delivers what is due now.
func mailQueue(ctx context.Context, args []string, env func(string) string, _ io.Reader, stdout, stderr io.Writer) int {
	var deliver bool
	return withNews(ctx, "mail-queue", args, env, stderr, func(fs *flag.FlagSet) {
		fs.BoolVar(&deliver, "deliver", false, "deliver the mail that is due now, then show the queue")
	}, func(a *app.App, fs *flag.FlagSet) int {
		_, out := a.NewsServices()
		if deliver {
			total := 0
			for {
				n, err := out.DeliverDue(ctx)
				if err != nil {
					fmt.Fprintf(stderr, "dijalog mail-queue: %v\n", err)
					return exitFail
				}
				total += n
				if n == 0 {
					break
				}
			}
			fmt.Fprintf(stdout, "attempted: %d\n", total)
		}
		st, err := out.Stats(ctx, "")
		if err != nil {
			fmt.Fprintf(stderr, "dijalog mail-queue: %v\n", err)
			return exitFail
		}
		fmt.Fprintf(stdout, "pending: %d\nsent: %d\ndead: %d\n", st.Pending, st.Sent, st.Dead)
		return exitOK
	})
}
