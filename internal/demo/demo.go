// Package demo is the one loader of demo data files. Each domain keeps its
// demo records as JSON under its own demo/ folder (embedded), declares Go
// types for them, and reads them with Read; the domain's LoadDemo then walks
// the records and calls its own service, so demo data passes the same
// validation and authorisation as a person's input.
//
// Times in the files are either absolute ("2026-12-01 10:00", Sarajevo time)
// or relative to the moment the demo is loaded ("now", "now+10d",
// "now-3h", "now+1d2h"), so a demo started on any day has calls that are
// open, meetings that are upcoming and deadlines that have passed.
package demo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"time"
)

// Read decodes the JSON file name of fsys into a T. Unknown fields are an
// error (a typo in a data file should fail the demo test, not vanish).
func Read[T any](fsys fs.FS, name string) (T, error) {
	var v T
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return v, fmt.Errorf("demo.Read %s: %w", name, err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		line := 1 + bytes.Count(b[:min(int(dec.InputOffset()), len(b))], []byte("\n"))
		return v, fmt.Errorf("demo.Read %s (near line %d): %w", name, line, err)
	}
	return v, nil
}

// Time is a time in a demo file: absolute in Sarajevo time, or relative to
// the load. Resolve it with At.
type Time struct{ raw string }

// UnmarshalJSON keeps the text; it is checked by At.
func (t *Time) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("demo.Time: %w", err)
	}
	if _, err := resolve(s, time.Now()); err != nil {
		return err
	}
	t.raw = s
	return nil
}

// IsZero reports whether the file gave no time.
func (t Time) IsZero() bool { return t.raw == "" }

// At is the time relative to now (for "now±…") or the absolute time; the
// zero time when none was given. Results are UTC, whole seconds.
func (t Time) At(now time.Time) time.Time {
	if t.raw == "" {
		return time.Time{}
	}
	v, _ := resolve(t.raw, now)
	return v
}

// Sarajevo is the time zone of absolute times in demo files.
func Sarajevo() *time.Location {
	if l, err := time.LoadLocation("Europe/Sarajevo"); err == nil {
		return l
	}
	return time.FixedZone("CET", 3600)
}

func resolve(s string, now time.Time) (time.Time, error) {
	if rest, ok := strings.CutPrefix(s, "now"); ok {
		d, err := offset(rest)
		if err != nil {
			return time.Time{}, fmt.Errorf("demo.Time %q: %w", s, err)
		}
		return now.Add(d).UTC().Truncate(time.Second), nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if v, err := time.ParseInLocation(layout, s, Sarajevo()); err == nil {
			return v.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("demo.Time %q: want YYYY-MM-DD[ HH:MM[:SS]] or now±<n>d<n>h<n>m", s)
}

// offset parses "", "+10d", "-3h", "+1d2h30m".
func offset(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	sign := time.Duration(1)
	switch s[0] {
	case '+':
	case '-':
		sign = -1
	default:
		return 0, fmt.Errorf("offset must start with + or -")
	}
	s = s[1:]
	if s == "" {
		return 0, fmt.Errorf("want <number><d|h|m> after the sign")
	}
	var total time.Duration
	for s != "" {
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 || i == len(s) {
			return 0, fmt.Errorf("want <number><d|h|m>")
		}
		n, err := strconv.Atoi(s[:i])
		if err != nil {
			return 0, err
		}
		unit := map[byte]time.Duration{'d': 24 * time.Hour, 'h': time.Hour, 'm': time.Minute}[s[i]]
		if unit == 0 {
			return 0, fmt.Errorf("unknown unit %q", s[i])
		}
		total += time.Duration(n) * unit
		s = s[i+1:]
	}
	return sign * total, nil
}
