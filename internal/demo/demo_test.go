package demo

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestTimeAt(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Time
	}{
		{"now", now},
		{"now+10d", now.AddDate(0, 0, 10)},
		{"now-3h", now.Add(-3 * time.Hour)},
		{"now+1d2h30m", now.Add(26*time.Hour + 30*time.Minute)},
		{"2026-12-01", time.Date(2026, 11, 30, 23, 0, 0, 0, time.UTC)},
		{"2026-07-01 10:00", time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC)},
	}
	for _, c := range cases {
		var tm Time
		if err := tm.UnmarshalJSON([]byte(`"` + c.in + `"`)); err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		if got := tm.At(now); !got.Equal(c.want) {
			t.Errorf("%s: got %v, want %v", c.in, got, c.want)
		}
	}
	for _, bad := range []string{"tomorrow", "now+", "now+3", "now+3y", "now*3d", "2026-13-01"} {
		var tm Time
		if err := tm.UnmarshalJSON([]byte(`"` + bad + `"`)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestReadRefusesUnknownFields(t *testing.T) {
	t.Parallel()
	type rec struct {
		Name string `json:"name"`
		When Time   `json:"when"`
	}
	fsys := fstest.MapFS{
		"ok.json":  {Data: []byte(`[{"name":"a","when":"now+1d"}]`)},
		"bad.json": {Data: []byte("[\n{\"name\":\"a\",\n\"nmae\":\"b\"}]")},
	}
	got, err := Read[[]rec](fsys, "ok.json")
	if err != nil || len(got) != 1 || got[0].Name != "a" || got[0].When.IsZero() {
		t.Fatalf("ok.json: %+v, %v", got, err)
	}
	if _, err := Read[[]rec](fsys, "bad.json"); err == nil || !strings.Contains(err.Error(), "nmae") {
		t.Fatalf("bad.json: %v", err)
	}
}
