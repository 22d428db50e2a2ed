package e2e

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// Slow 3G as issue 22 defines it: 400 kbit/s down and up, 400 ms RTT.
const (
	slowLatencyMs = 400
	slowBytesPerS = 400 * 1000 / 8
)

// legacyEmulate is Network.emulateNetworkConditions, deprecated in favour
// of emulateNetworkConditionsByRule and gone from cdproto; used only when
// the browser lacks the new command.
var legacyEmulate = cdp.Command[legacyConditions, struct{}]{Method: "Network.emulateNetworkConditions"}

type legacyConditions struct {
	Offline            bool    `json:"offline"`
	Latency            float64 `json:"latency"`
	DownloadThroughput float64 `json:"downloadThroughput"`
	UploadThroughput   float64 `json:"uploadThroughput"`
}

// visit is one measured page load.
type visit struct {
	fcp   float64 // first contentful paint, ms after navigation start
	load  float64 // end of the load event, ms after navigation start
	bytes int64   // transferred, headers included (encodedDataLength)
}

// TestThrottledVisits measures the first and the repeat visit of the main
// pages in Chromium over an emulated slow 3G network: first contentful
// paint and bytes transferred. It is not part of `make test` (it takes
// minutes and its times depend on the machine's load); run it with
//
//	DIJALOG_THROTTLE=1 go test -count=1 -run TestThrottledVisits -v ./e2e
//
// and DIJALOG_THROTTLE_BIN=/path/to/dijalog to measure another build
// (e.g. the commit before a change) with the same browser.
func TestThrottledVisits(t *testing.T) {
	if os.Getenv("DIJALOG_THROTTLE") == "" {
		t.Skip("set DIJALOG_THROTTLE=1 to measure pages over a throttled network")
	}
	e := setup(t)
	base := e.baseURL
	if bin := os.Getenv("DIJALOG_THROTTLE_BIN"); bin != "" {
		s, err := startServer(bin, filepath.Join(workDir, "throttle-data"))
		if err != nil {
			t.Fatal(err)
		}
		defer s.stop()
		base = "http://" + s.addr
	}
	pages := throttlePages(t, base)
	t.Logf("| page | first: FCP ms | first: load ms | first: bytes | repeat: FCP ms | repeat: load ms | repeat: bytes |")
	t.Logf("|---|---:|---:|---:|---:|---:|---:|")
	for _, pg := range pages {
		first, repeat := measureVisits(t, e, base+pg[1])
		t.Logf("| %s | %.0f | %.0f | %d | %.0f | %.0f | %d |", pg[0], first.fcp, first.load, first.bytes, repeat.fcp, repeat.load, repeat.bytes)
	}
}

// throttlePages finds the measured pages on the server: name and path.
func throttlePages(t *testing.T, base string) [][2]string {
	t.Helper()
	firstLink := func(list, like string) string {
		resp, err := http.Get(base + list)
		if err != nil {
			t.Fatalf("GET %s: %v", list, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		m := regexp.MustCompile(`href="(` + like + `)"`).FindSubmatch(b)
		if m == nil {
			t.Fatalf("no link like %s on %s", like, list)
		}
		return string(m[1])
	}
	return [][2]string{
		{"home", "/en/"},
		{"projects", "/en/projects"},
		{"dashboard", "/en/projects/dashboard"},
		{"a place", firstLink("/en/places", `/en/places/ba-fbih-(?:[a-jl-z]|k[a-z])[a-z-]*`)},
		{"a platform", firstLink("/en/platforms", `/en/platforms/forum-[a-z0-9-]+`)},
		{"a call", firstLink("/en/calls", `/en/calls/[a-z0-9-]+-[a-f0-9]{6}`)},
		{"an article", firstLink("/en/news", `/en/news/[a-z0-9-]+-[a-f0-9]{8}`)},
	}
}

// measureVisits loads u twice in a fresh browser context (an empty cache)
// over the slow network: the first visit, then, after a blank page, the
// repeat visit with the cache warm.
func measureVisits(t *testing.T, e *env, u string) (first, repeat visit) {
	t.Helper()
	var mu sync.Mutex
	var bytes int64
	tctx, cancelT := context.WithTimeout(e.browser, 3*time.Minute)
	defer cancelT()
	ctx, cancel := chromedp.NewContext(tctx, chromedp.WithNewBrowserContext(), chromedp.WithListener(func(ev any) {
		if lf, ok := ev.(*network.EventLoadingFinished); ok {
			mu.Lock()
			bytes += int64(lf.EncodedDataLength)
			mu.Unlock()
		}
	}))
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
			MatchedNetworkConditions: []*network.Conditions{{Latency: slowLatencyMs, DownloadThroughput: slowBytesPerS, UploadThroughput: slowBytesPerS}}})
		if err != nil {
			_, err = cdp.Call(ctx, tg, legacyEmulate, legacyConditions{Latency: slowLatencyMs, DownloadThroughput: slowBytesPerS, UploadThroughput: slowBytesPerS})
		}
		return err
	})); err != nil {
		t.Fatalf("throttle the network: %v", err)
	}
	load := func() visit {
		mu.Lock()
		bytes = 0
		mu.Unlock()
		if err := chromedp.Do(ctx, chromedp.Navigate(u)); err != nil {
			t.Fatalf("open %s: %v", u, err)
		}
		var fcp float64
		for range 50 {
			fcp = evalIn[float64](t, ctx, `(performance.getEntriesByName('first-contentful-paint')[0] || {startTime: 0}).startTime`)
			if fcp > 0 {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		time.Sleep(300 * time.Millisecond) // the last loadingFinished events
		load := evalIn[float64](t, ctx, `performance.getEntriesByType('navigation')[0].loadEventEnd`)
		mu.Lock()
		defer mu.Unlock()
		return visit{fcp: fcp, load: load, bytes: bytes}
	}
	first = load()
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("blank page: %v", err)
	}
	repeat = load()
	return first, repeat
}

func evalIn[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", strings.TrimSpace(js), err)
	}
	return v
}
