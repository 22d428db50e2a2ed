package main

import (
	"context"
	"fmt"
	"io"

	"github.com/dijalog/dijalog/internal/app"
)

// dialogueCommands are the dialogue module's subcommands.
func dialogueCommands() map[string]command {
	return map[string]command{"dialogue-check": dialogueCheck}
}

// dialogueCheck verifies that every initiative's support counter equals its
// support rows: dijalog dialogue-check. Exit 1 when any differs.
func dialogueCheck(ctx context.Context, args []string, env func(string) string, _ io.Reader, stdout, stderr io.Writer) int {
	cfg, fs, code, ok := flags("dialogue-check", args, env, false, stderr, nil)
	if !ok {
		return code
	}
	if fs.NArg() != 0 {
		fmt.Fprintln(stderr, "usage: dijalog dialogue-check")
		return exitConfig
	}
	a, err := app.New(ctx, cfg, app.NewLogger(stderr, cfg.LogFormat, cfg.LogLevel), nil)
	if err != nil {
		fmt.Fprintf(stderr, "dijalog dialogue-check: %v\n", err)
		return exitFail
	}
	defer a.Close()
	n, bad, err := a.Dialogue.Initiatives.CheckSupports(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "dijalog dialogue-check: %v\n", err)
		return exitFail
	}
	for _, m := range bad {
		fmt.Fprintf(stdout, "initiative %s: counter %d, supports %d\n", m.PublicID, m.Counter, m.Rows)
	}
	fmt.Fprintf(stdout, "%d initiatives checked, %d with a wrong count\n", n, len(bad))
	if len(bad) > 0 {
		return exitFail
	}
	return exitOK
}
