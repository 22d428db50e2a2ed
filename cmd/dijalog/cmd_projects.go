package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/dijalog/dijalog/internal/app"
	"github.com/dijalog/dijalog/internal/config"
	"github.com/dijalog/dijalog/internal/projects"
	"golang.org/x/term"
)

// projectsCommands are the projects module's subcommands (main.go runs
// "import iati" as "import-iati"):
//
//	dijalog import iati FILE [--check] [--schema XSD]
//	dijalog export iati [--out FILE]
//	dijalog rates load FILE.csv
func projectsCommands() map[string]command {
	return map[string]command{"import-iati": importCmd, "export-iati": exportCmd, "rates": ratesCmd}
}

// positional parses flags that may come before or after one positional
// argument (FILE); the file is "" when none was given.
func positional(name string, args []string, env func(string) string, stderr io.Writer, extra func(*flag.FlagSet)) (*config.Config, string, int, bool) {
	cfg, fs, code, ok := flags(name, args, env, false, stderr, extra)
	if !ok {
		return nil, "", code, false
	}
	if fs.NArg() == 0 {
		return cfg, "", 0, true
	}
	file := fs.Arg(0)
	if fs.NArg() > 1 {
		n := len(args) - fs.NArg()
		rest := append(append([]string{}, args[:n]...), fs.Args()[1:]...)
		cfg, fs, code, ok = flags(name, rest, env, false, stderr, extra)
		if !ok {
			return nil, "", code, false
		}
		if fs.NArg() > 0 {
			fmt.Fprintf(stderr, "dijalog %s: one file only (extra %q)\n", name, fs.Arg(0))
			return nil, "", exitConfig, false
		}
	}
	return cfg, file, 0, true
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func importCmd(ctx context.Context, args []string, env func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	var check *bool
	var schema *string
	cfg, file, code, ok := positional("import iati", args, env, stderr, func(fs *flag.FlagSet) {
		check = fs.Bool("check", false, "only check the file; write nothing")
		schema = fs.String("schema", "", "also validate with xmllint against this XSD (the official iati-activities-schema.xsd)")
	})
	if !ok {
		return code
	}
	if file == "" {
		fmt.Fprintln(stderr, "dijalog import iati: FILE is required")
		return exitConfig
	}
	f, err := os.Open(file)
	if err != nil {
		fmt.Fprintf(stderr, "dijalog import iati: %v\n", err)
		return exitFail
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		fmt.Fprintf(stderr, "dijalog import iati: %s is not a regular file\n", file)
		return exitFail
	}
	if *schema != "" {
		out, err := exec.CommandContext(ctx, "xmllint", "--noout", "--nonet", "--stream", "--schema", *schema, file).CombinedOutput()
		if err != nil {
			fmt.Fprintf(stderr, "dijalog import iati: %s is not valid against %s; nothing imported:\n%s", file, *schema, tail(string(out), 20))
			return exitFail
		}
	}
	log := app.NewLogger(stderr, cfg.LogFormat, cfg.LogLevel)
	a, err := app.New(ctx, cfg, log, nil)
	if err != nil {
		fmt.Fprintf(stderr, "dijalog import iati: %v\n", err)
		return exitFail
	}
	defer a.Close()
	tty := isTerminal(stderr)
	size := st.Size()
	start := time.Now()
	last := time.Time{}
	progress := func(n int, read int64) {
		if !tty || time.Since(last) < 100*time.Millisecond {
			return
		}
		last = time.Now()
		pct := 0
		if size > 0 {
			pct = int(read * 100 / size)
		}
		bar := strings.Repeat("#", pct/4) + strings.Repeat("-", 25-pct/4)
		fmt.Fprintf(stderr, "\r[%s] %3d%% %d activities", bar, pct, n)
	}
	sum, err := a.Projects.ImportIATI(ctx, f, projects.ImportOptions{Actor: projects.Actor{Name: "import " + st.Name()}, Progress: progress, CheckOnly: *check})
	if tty {
		fmt.Fprintln(stderr)
	}
	if err != nil {
		fmt.Fprintf(stderr, "dijalog import iati: %s refused: %v\n", file, err)
		if sum.Created+sum.Updated > 0 {
			fmt.Fprintf(stderr, "(%d activities were written before the error; run the import again to complete it)\n", sum.Created+sum.Updated)
		} else {
			fmt.Fprintln(stderr, "nothing was imported")
		}
		return exitFail
	}
	secs := time.Since(start).Seconds()
	if *check {
		fmt.Fprintf(stdout, "%s: %d activities, valid (nothing written)\n", file, sum.Activities)
		return exitOK
	}
	fmt.Fprintf(stdout, "%s: %d activities in %.1fs: %d created, %d updated, %d skipped\n", file, sum.Activities, secs, sum.Created, sum.Updated, sum.Skipped)
	for _, r := range sum.Reasons {
		fmt.Fprintln(stdout, "  "+r)
	}
	return exitOK
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{"..."}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n") + "\n"
}

func exportCmd(ctx context.Context, args []string, env func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	var out, lsg *string
	cfg, _, code, ok := flags("export iati", args, env, false, stderr, func(fs *flag.FlagSet) {
		out = fs.String("out", "", "file to write (default: standard output)")
		lsg = fs.String("lsg", "", "only projects in this LSG (place code)")
	})
	if !ok {
		return code
	}
	log := app.NewLogger(stderr, cfg.LogFormat, cfg.LogLevel)
	a, err := app.New(ctx, cfg, log, nil)
	if err != nil {
		fmt.Fprintf(stderr, "dijalog export iati: %v\n", err)
		return exitFail
	}
	defer a.Close()
	w := stdout
	var f *os.File
	if *out != "" {
		f, err = os.Create(*out)
		if err != nil {
			fmt.Fprintf(stderr, "dijalog export iati: %v\n", err)
			return exitFail
		}
		w = f
	}
	lsgs, err := a.Places.LSGs(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "dijalog export iati: %v\n", err)
		return exitFail
	}
	names := map[string]string{}
	for _, p := range lsgs {
		names[p.Code] = p.NameLat
	}
	err = a.Projects.ExportIATI(ctx, w, projects.Filter{LSG: *lsg}, func(c string) string { return names[c] })
	if f != nil {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "dijalog export iati: %v\n", err)
		return exitFail
	}
	return exitOK
}

func ratesCmd(ctx context.Context, args []string, env func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "load" {
		fmt.Fprintln(stderr, "usage: dijalog rates load FILE.csv   (columns: currency,date,per_eur[,source]; units of currency per one euro)")
		return exitConfig
	}
	cfg, file, code, ok := positional("rates load", args[1:], env, stderr, nil)
	if !ok {
		return code
	}
	if file == "" {
		fmt.Fprintln(stderr, "dijalog rates load: FILE.csv is required")
		return exitConfig
	}
	f, err := os.Open(file)
	if err != nil {
		fmt.Fprintf(stderr, "dijalog rates load: %v\n", err)
		return exitFail
	}
	defer f.Close()
	rates, err := projects.ParseRates(io.LimitReader(f, 64<<20))
	if err != nil {
		fmt.Fprintf(stderr, "dijalog rates load: %s: %v; nothing loaded\n", file, err)
		return exitFail
	}
	log := app.NewLogger(stderr, cfg.LogFormat, cfg.LogLevel)
	a, err := app.New(ctx, cfg, log, nil)
	if err != nil {
		fmt.Fprintf(stderr, "dijalog rates load: %v\n", err)
		return exitFail
	}
	defer a.Close()
	sum, err := a.Projects.LoadRates(ctx, rates)
	if err != nil {
		fmt.Fprintf(stderr, "dijalog rates load: %v\n", err)
		return exitFail
	}
	fmt.Fprintf(stdout, "%s: %d rates (%d new, %d updated)\n", file, len(rates), sum.Created, sum.Updated)
	return exitOK
}
