// Command gen writes the places migration of both dialects
// (migrations/{sqlite,postgres}/00002_places.sql) from the data files
// embedded in internal/places. Run it from anywhere inside the module:
//
//	go run ./internal/places/gen
//
// or through `go generate ./internal/places`. With -check it writes nothing
// and fails when a committed file differs from what it would write.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/places"
)

// fileName is the migration's file name in each dialect's folder.
const fileName = "00002_places.sql"

func main() {
	root := flag.String("root", "", "module root (default: the nearest directory above with go.mod)")
	check := flag.Bool("check", false, "only check that the committed files are up to date")
	flag.Parse()
	if err := run(*root, *check); err != nil {
		fmt.Fprintln(os.Stderr, "places/gen:", err)
		os.Exit(1)
	}
}

func run(root string, check bool) error {
	if root == "" {
		var err error
		if root, err = moduleRoot(); err != nil {
			return err
		}
	}
	for _, d := range []db.Dialect{db.SQLite, db.Postgres} {
		want, err := places.MigrationSQL(d)
		if err != nil {
			return err
		}
		path := filepath.Join(root, "migrations", string(d), fileName)
		if check {
			have, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			if !bytes.Equal(have, want) {
				return fmt.Errorf("%s is out of date: run go run ./internal/places/gen", path)
			}
			continue
		}
		if err := os.WriteFile(path, want, 0o644); err != nil {
			return err
		}
		fmt.Println("wrote", path)
	}
	return nil
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod found above the working directory; pass -root")
		}
		dir = parent
	}
}
