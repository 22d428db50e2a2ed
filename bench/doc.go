// Package bench holds the platform's whole-stack benchmarks: the in-process
// handler benchmarks in this package (go test -run='^$' -bench=. ./bench)
// and the load generator in bench/load (go run ./bench/load), which measures
// the built binary over real connections. See bench/README.md and
// docs/performance.md.
package bench
