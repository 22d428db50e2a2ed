// Package e2e holds the browser tests of dijalog. They build the real
// binary, start it on a free port with a fresh SQLite database and the demo
// data, and drive Debian's chromium through chromedp. Every page a test
// visits is checked with axe-core (from npm, see package.json); a violation
// of impact "serious" or "critical" fails the test.
//
// Run them with
//
//	npm ci --prefix e2e   # once: installs axe-core into e2e/node_modules
//	go test -count=1 ./e2e/
//
// or with .ci/run, which also installs chromium. Set DIJALOG_SCREENSHOTS to
// a directory to get full-page PNG screenshots (390 px and 1280 px wide) of
// every page the tests visit, and DIJALOG_E2E_CHROMIUM to use a browser
// other than /usr/bin/chromium.
package e2e
