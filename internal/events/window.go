package events

import (
	"sync"
	"time"
)

// window counts events per key in a fixed window (one process's memory:
// enough to slow a script that fills an event's list from one address; the
// confirmation mail is what keeps invented addresses off the seats).
type window struct {
	mu    sync.Mutex
	limit int
	span  time.Duration
	start time.Time
	n     map[string]int
}

func newWindow(limit int, span time.Duration) *window {
	return &window{limit: limit, span: span, n: map[string]int{}}
}

// allow counts one for key at now and reports whether key is within limit.
func (w *window) allow(key string, now time.Time) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if now.Sub(w.start) >= w.span {
		w.start, w.n = now, map[string]int{}
	}
	w.n[key]++
	return w.n[key] <= w.limit
}
