package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestFinding07PatchedToolchain: the build uses the toolchain with the
// standard library's security fixes and golang.org/x/net with the html
// fixes, and make test ends with govulncheck (which fails CI on a reachable
// advisory).
func TestFinding07PatchedToolchain(t *testing.T) {
	t.Parallel()
	mod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^go 1\.26(\.\d+)?$`).Match(mod) {
		t.Error("go.mod: keep `go 1.26.x` so the machine's Go still builds")
	}
	if !regexp.MustCompile(`(?m)^toolchain go1\.(2[7-9]|[3-9]\d)\.\d+$`).Match(mod) {
		t.Error("go.mod: want `toolchain go1.27.3` or newer (13 reachable standard-library advisories in go1.26.8)")
	}
	if m := regexp.MustCompile(`golang\.org/x/net v0\.(\d+)\.`).FindSubmatch(mod); m == nil || string(m[1]) < "62" {
		t.Errorf("go.mod: golang.org/x/net older than v0.62.0 (html advisories)")
	}
	mk, err := os.ReadFile("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(mk), "GOTOOLCHAIN ?= go1.27.3") || !strings.Contains(string(mk), "bash .ci/vulncheck") {
		t.Error("Makefile: make test must build with the patched toolchain and end with .ci/vulncheck")
	}
}
