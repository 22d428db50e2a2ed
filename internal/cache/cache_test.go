package cache

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestGetTTLAndForget(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	c := New[string, int](time.Minute, 10).WithClock(func() time.Time { return now })
	loads := 0
	load := func(context.Context) (int, error) { loads++; return loads, nil }
	ctx := context.Background()
	steps := []struct {
		name    string
		advance time.Duration
		forget  bool
		clear   bool
		want    int
	}{
		{"first load", 0, false, false, 1},
		{"cached", 30 * time.Second, false, false, 1},
		{"expired", 31 * time.Second, false, false, 2},
		{"forgotten", 0, true, false, 3},
		{"cleared", 0, false, true, 4},
		{"cached again", time.Second, false, false, 4},
	}
	for _, s := range steps {
		now = now.Add(s.advance)
		if s.forget {
			c.Forget("k")
		}
		if s.clear {
			c.Clear()
		}
		got, err := c.Get(ctx, "k", load)
		if err != nil || got != s.want {
			t.Fatalf("%s: got %d, %v; want %d", s.name, got, err, s.want)
		}
	}
}

func TestSingleFlight(t *testing.T) {
	t.Parallel()
	c := New[string, int](time.Minute, 10)
	var loads atomic.Int32
	release := make(chan struct{})
	load := func(context.Context) (int, error) {
		loads.Add(1)
		<-release
		return 7, nil
	}
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if v, err := c.Get(context.Background(), "k", load); v != 7 || err != nil {
				t.Errorf("got %d, %v", v, err)
			}
		}()
	}
	time.Sleep(20 * time.Millisecond)
	close(release)
	wg.Wait()
	if n := loads.Load(); n != 1 {
		t.Fatalf("%d loads for 20 concurrent gets, want 1", n)
	}
}

func TestWriteDuringLoadIsNotKept(t *testing.T) {
	t.Parallel()
	c := New[string, string](time.Minute, 10)
	started := make(chan struct{})
	release := make(chan struct{})
	go func() {
		<-started
		c.Forget("k") // a write commits while the old value loads
		close(release)
	}()
	v, _ := c.Get(context.Background(), "k", func(context.Context) (string, error) {
		close(started)
		<-release
		return "before the write", nil
	})
	if v != "before the write" {
		t.Fatalf("the waiting caller gets its load: %q", v)
	}
	v, _ = c.Get(context.Background(), "k", func(context.Context) (string, error) { return "after", nil })
	if v != "after" {
		t.Fatalf("a value loaded across a write was kept: %q", v)
	}
}

func TestErrorsAreNotKept(t *testing.T) {
	t.Parallel()
	c := New[int, int](time.Minute, 10)
	boom := errors.New("boom")
	if _, err := c.Get(context.Background(), 1, func(context.Context) (int, error) { return 0, boom }); !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	if v, err := c.Get(context.Background(), 1, func(context.Context) (int, error) { return 5, nil }); v != 5 || err != nil {
		t.Fatalf("after an error: %d, %v", v, err)
	}
}

func TestMaxStartsAgain(t *testing.T) {
	t.Parallel()
	c := New[int, int](time.Minute, 3)
	for i := range 5 {
		_, _ = c.Get(context.Background(), i, func(context.Context) (int, error) { return i, nil })
	}
	if n := c.Len(); n > 3 {
		t.Fatalf("Len = %d, want <= 3", n)
	}
}
