package audit

import (
	"context"
	"strconv"
	"testing"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// TestRecordMany: a bulk write's entries land in chunks, each as Record
// writes it.
func TestRecordMany(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var es []Entry
		for i := range 1203 {
			es = append(es, Entry{Action: "test.bulk", ObjectKind: "thing", ObjectRef: "t" + strconv.Itoa(i), Details: map[string]string{"n": strconv.Itoa(i)}, IP: "192.0.2.1"})
		}
		err := d.InTx(ctx, func(tx *db.Tx) error {
			if err := Record(ctx, tx, Entry{Action: "test.one", ObjectKind: "thing", ObjectRef: "single"}); err != nil {
				return err
			}
			return RecordMany(ctx, tx, es)
		})
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'test.bulk'`).Scan(&n); err != nil || n != 1203 {
			t.Fatalf("%d bulk entries, %v", n, err)
		}
		got, err := List(ctx, d, Filter{ObjectKind: "thing", ObjectRef: "t1202"})
		if err != nil || len(got) != 1 || got[0].Details["n"] != "1202" || got[0].IP != "192.0.2.1" || got[0].ActorID != 0 {
			t.Errorf("last bulk entry: %+v, %v", got, err)
		}
	})
}
