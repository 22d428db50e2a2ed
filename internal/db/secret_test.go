package db_test

import (
	"bytes"
	"context"
	"sync"
	"testing"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
)

// TestSecret: a key is made once, 32 random bytes, and every later call
// (also concurrent ones, as two processes starting at once) gets the same;
// another name gets another key.
func TestSecret(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		keys := make([][]byte, 8)
		var wg sync.WaitGroup
		for i := range keys {
			wg.Go(func() {
				k, err := d.Secret(ctx, "test-key")
				if err != nil {
					t.Error(err)
				}
				keys[i] = k
			})
		}
		wg.Wait()
		for _, k := range keys {
			if len(k) != 32 || !bytes.Equal(k, keys[0]) {
				t.Fatalf("keys differ or are not 32 bytes: %x vs %x", k, keys[0])
			}
		}
		other, err := d.Secret(ctx, "other-key")
		if err != nil || bytes.Equal(other, keys[0]) {
			t.Errorf("another name's key = %x, %v", other, err)
		}
	})
}
