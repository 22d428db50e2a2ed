// The news benchmarks hold the news module's measurements: newsletter throughput
// from the outbox to a real SMTP sink, and the view counter under load.
// Run: DIJALOG_BENCH_N=50000 go test -count=1 -v -run . ./bench/news/

package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/mail"
	"github.com/dijalog/dijalog/internal/mail/mailtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func size(def int) int {
	if n, err := strconv.Atoi(os.Getenv("DIJALOG_BENCH_N")); err == nil && n > 0 {
		return n
	}
	return def
}

// TestNewsletterThroughput enqueues one templated newsletter to N readers
// (as the newsletter job does, 500 per transaction) and delivers it with
// the outbox to a real SMTP sink over TCP; it reports messages per second
// and the heap before and after, and checks every reader got one copy.
func TestNewsletterThroughput(t *testing.T) {
	n := size(2000)
	d := dbtest.SQLite(t)
	sink, err := mailtest.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Stop()
	sink.CountOnly()
	snd, _ := mail.NewSMTPSender(mail.SMTPConfig{Host: sink.Host(), Port: sink.Port(), From: "bilten@dijalog.test"})
	out := mail.NewOutbox(d, snd, slog.New(slog.NewTextHandler(io.Discard, nil)), mail.OutboxOptions{Batch: 200, PerDomain: -1})
	ctx := context.Background()
	tid, err := out.SaveTemplate(ctx, d, "issue:bench", "Bilten", "Novosti...\nOdjava: %%unsubscribe%%\n", "<p>Novosti</p><a href=\"%%unsubscribe%%\">Odjava</a>")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for i := 0; i < n; i += 500 {
		err := d.InTx(ctx, func(tx *db.Tx) error {
			for j := i; j < min(n, i+500); j++ {
				if err := out.EnqueueTemplate(ctx, tx, fmt.Sprintf("issue:bench:%d", j), tid, fmt.Sprintf("r%d@d%d.example.org", j, j%50),
					map[string]string{"unsubscribe": fmt.Sprintf("https://dijalog.test/bs/newsletter/unsubscribe/tok%d", j)}, map[string]string{"List-Unsubscribe": "<https://dijalog.test/bs/newsletter/unsubscribe/x>"}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	enq := time.Since(start)
	var m0 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	start = time.Now()
	var peak uint64
	var mu sync.Mutex
	for {
		k, err := out.DeliverDue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		mu.Lock()
		peak = max(peak, m.HeapAlloc)
		mu.Unlock()
		if k == 0 {
			break
		}
	}
	el := time.Since(start)
	st, _ := out.Stats(ctx, "issue:bench:")
	if st.Sent != n || sink.Count() != int64(n) {
		t.Fatalf("sent %d, sink got %d, want %d", st.Sent, sink.Count(), n)
	}
	t.Logf("newsletter: %d messages enqueued in %v (%.0f/s), delivered over SMTP in %v: %.0f msg/s; heap %d MiB before, peak %d MiB",
		n, enq.Round(time.Millisecond), float64(n)/enq.Seconds(), el.Round(time.Millisecond), float64(n)/el.Seconds(), m0.HeapAlloc>>20, peak>>20)
}
