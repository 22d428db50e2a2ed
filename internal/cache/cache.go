// Package cache is the one cache primitive of the platform: values kept for
// a time to live, loaded once however many requests ask at the same moment
// (single flight), and emptied on write by key or as a whole.
//
// Domains hold a *Cache as a field built in their constructor (never at
// package level) and call Forget or Clear in the same code path that
// commits a write, so a reader never sees a value older than the last write
// made by this process. Writes made by other processes show after the TTL.
package cache

import (
	"context"
	"sync"
	"time"
)

// Cache maps keys to values of one kind. The zero value is not usable; use New.
type Cache[K comparable, V any] struct {
	ttl time.Duration
	max int
	now func() time.Time

	mu      sync.Mutex
	gen     uint64 // moves on every Forget or Clear
	entries map[K]entry[V]
	calls   map[K]*call[V]
}

type entry[V any] struct {
	v  V
	at time.Time
}

type call[V any] struct {
	done chan struct{}
	v    V
	err  error
}

// New returns a cache whose values live ttl and which holds at most max
// entries (when full, it starts again empty: the caches here hold a few
// hundred small values, and a full reset is cheaper than bookkeeping).
func New[K comparable, V any](ttl time.Duration, max int) *Cache[K, V] {
	if max <= 0 {
		max = 1024
	}
	return &Cache[K, V]{ttl: ttl, max: max, now: time.Now, entries: map[K]entry[V]{}, calls: map[K]*call[V]{}}
}

// WithClock replaces the clock (tests).
func (c *Cache[K, V]) WithClock(now func() time.Time) *Cache[K, V] {
	c.now = now
	return c
}

// Get returns the value of key, calling load when there is none or it is
// older than the TTL. Concurrent Gets of one key share one load. An error is
// returned to every waiter and not kept. The load runs without the caller's
// cancellation, so one impatient client does not fail the others.
func (c *Cache[K, V]) Get(ctx context.Context, key K, load func(context.Context) (V, error)) (V, error) {
	c.mu.Lock()
	if e, ok := c.entries[key]; ok && c.now().Sub(e.at) < c.ttl {
		c.mu.Unlock()
		return e.v, nil
	}
	if cl, ok := c.calls[key]; ok {
		c.mu.Unlock()
		select {
		case <-cl.done:
			return cl.v, cl.err
		case <-ctx.Done():
			var zero V
			return zero, ctx.Err()
		}
	}
	cl := &call[V]{done: make(chan struct{})}
	c.calls[key] = cl
	gen := c.gen
	c.mu.Unlock()

	cl.v, cl.err = load(context.WithoutCancel(ctx))

	c.mu.Lock()
	if c.calls[key] == cl {
		delete(c.calls, key)
	}
	// Keep the value only when no write emptied the cache while it loaded:
	// the load may have read the data from before that write.
	if cl.err == nil && c.gen == gen {
		if len(c.entries) >= c.max {
			clear(c.entries)
		}
		c.entries[key] = entry[V]{v: cl.v, at: c.now()}
	}
	c.mu.Unlock()
	close(cl.done)
	return cl.v, cl.err
}

// Peek returns the value of key when it is cached and fresh.
func (c *Cache[K, V]) Peek(key K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || c.now().Sub(e.at) >= c.ttl {
		var zero V
		return zero, false
	}
	return e.v, true
}

// Forget drops key; a load of it in flight is not kept, and the next Get
// loads afresh.
func (c *Cache[K, V]) Forget(key K) {
	c.mu.Lock()
	c.gen++
	delete(c.entries, key)
	delete(c.calls, key)
	c.mu.Unlock()
}

// Clear drops every value; loads in flight are not kept.
func (c *Cache[K, V]) Clear() {
	c.mu.Lock()
	c.gen++
	clear(c.entries)
	clear(c.calls)
	c.mu.Unlock()
}

// Len is the number of values held (fresh or not).
func (c *Cache[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}
