package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/dijalog/dijalog/internal/app"
	"github.com/dijalog/dijalog/internal/translit"
)

// searchCommands are the search module's subcommands.
func searchCommands() map[string]command {
	return map[string]command{"reindex": reindex}
}

// reindex rebuilds the search index: dijalog reindex [--if-needed].
func reindex(ctx context.Context, args []string, env func(string) string, _ io.Reader, stdout, stderr io.Writer) int {
	var ifNeeded bool
	cfg, fs, code, ok := flags("reindex", args, env, false, stderr, func(fs *flag.FlagSet) {
		fs.BoolVar(&ifNeeded, "if-needed", false, "rebuild only when the index is empty or was built with another fold version")
	})
	if !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: dijalog reindex [--if-needed] [--data DIR] [--db ...]")
		return exitConfig
	}
	// Opening the platform already rebuilds an empty or outdated index.
	a, err := app.New(ctx, cfg, app.NewLogger(stderr, cfg.LogFormat, cfg.LogLevel), nil)
	if err != nil {
		fmt.Fprintf(stderr, "dijalog reindex: %v\n", err)
		return exitFail
	}
	defer a.Close()
	if !ifNeeded {
		start := time.Now()
		n, err := a.Search.Reindex(ctx)
		if err != nil {
			fmt.Fprintf(stderr, "dijalog reindex: %v\n", err)
			return exitFail
		}
		fmt.Fprintf(stdout, "reindexed %d documents in %s\n", n, time.Since(start).Round(time.Millisecond))
	}
	st, err := a.Search.Stats(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "dijalog reindex: %v\n", err)
		return exitFail
	}
	types := make([]string, 0, len(st.ByType))
	for t := range st.ByType {
		types = append(types, t)
	}
	sort.Strings(types)
	for _, t := range types {
		fmt.Fprintf(stdout, "%-14s %d\n", t, st.ByType[t])
	}
	fmt.Fprintf(stdout, "fold version %d (this binary: %d), %d documents\n", st.FoldVersion, translit.FoldVersion, st.Docs)
	return exitOK
}
