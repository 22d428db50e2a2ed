# dijalog: the everyday commands. `make test` is the one test command: it
# first runs .ci/deps, which installs what is missing (chromium, PostgreSQL,
# xmllint, npm, axe-core) and costs a few file checks when nothing is. CI
# runs it through .ci/run.

GO ?= go
# The patched toolchain (go.mod keeps `go 1.26.8`, so the machine's Go still
# builds; `toolchain go1.27.3` and this pick the release with the security
# fixes, fetched once from the Go module proxy).
export GOTOOLCHAIN ?= go1.27.3
FUZZTIME ?= 30s
# package:FuzzTarget pairs that `make fuzz` runs, FUZZTIME each.
FUZZ_TARGETS ?= \
	./internal/translit:FuzzFold \
	./internal/translit:FuzzToCyrillic \
	./internal/translit:FuzzToLatin \
	./internal/places:FuzzFilter \
	./internal/money:FuzzParse \
	./internal/projects:FuzzIATIImport \
	./internal/projects:FuzzParseRates \
	./internal/search:FuzzQuery \
	./internal/grants:FuzzParseForm \
	./internal/grants:FuzzParseSupportCSV \
	./internal/surveys:FuzzParseDefinition \
	./internal/surveys:FuzzParseTokenCSV \
	./internal/dialogue:FuzzRenderMinutes \
	./internal/dialogue:FuzzCheckPhoto \
	./internal/dialogue:FuzzNormalizeCode \
	./internal/text:FuzzMarkdown
# The importers and the query parser, fuzzed for a few seconds on every `make
# test` (their seed corpora also run as ordinary tests); `make fuzz` runs all
# targets for FUZZTIME, and a >= 10-minute run is recorded in docs/perf.
CI_FUZZ_TARGETS := \
	./internal/projects:FuzzIATIImport \
	./internal/projects:FuzzParseRates \
	./internal/grants:FuzzParseSupportCSV \
	./internal/search:FuzzQuery

.PHONY: run test deps build lint bench fuzz e2e vulncheck

## run: the server with demo data on http://127.0.0.1:8080/
run:
	$(GO) run ./cmd/dijalog serve --demo

## test: vet and every test (SQLite, PostgreSQL, the browser tests). Unit and
## store tests run with -race; the whole-app HTTP tests and the browser tests,
## which load every module's demo data many times, run without it to keep the
## suite well under 20 minutes on 2 cores.
SLOW_PKGS := ./internal/app ./e2e
test: deps
	$(GO) vet ./... && \
	$(GO) test -race -count=1 -timeout 20m $$($(GO) list ./... | grep -v -e '/internal/app$$' -e '/e2e$$') && \
	$(GO) test -count=1 -timeout 20m $(SLOW_PKGS)
	$(MAKE) --no-print-directory fuzz FUZZTIME=5s FUZZ_TARGETS="$(CI_FUZZ_TARGETS)"
	bash .ci/vulncheck

## vulncheck: govulncheck against a pinned vulnerability database (fails on a reachable advisory)
vulncheck:
	bash .ci/vulncheck

## deps: install what the tests need when it is missing (idempotent)
deps:
	@bash .ci/deps

## build: a static release binary ./dijalog (patched toolchain, no cgo)
build:
	CGO_ENABLED=0 $(GO) build -trimpath -o dijalog ./cmd/dijalog

## lint: gofmt, go vet and staticcheck
lint:
	@out="$$(gofmt -l $$(find . -name '*.go' -not -path './e2e/node_modules/*'))"; \
	if [ -n "$$out" ]; then echo "gofmt -l: these files need gofmt -w:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@latest ./...

## bench: every benchmark (no tests)
bench:
	$(GO) test -run='^$$' -bench=. ./...

## fuzz: each FUZZ_TARGETS pair for FUZZTIME
fuzz:
	@set -e; for pt in $(FUZZ_TARGETS); do \
		pkg="$${pt%%:*}"; fn="$${pt##*:}"; \
		echo "==> $$pkg $$fn ($(FUZZTIME))"; \
		$(GO) test -run='^$$' -fuzz="^$$fn$$" -fuzztime=$(FUZZTIME) -parallel=2 "$$pkg"; \
	done

## e2e: only the browser tests
e2e: deps
	$(GO) test -count=1 ./e2e/
