// Package csvout is the one CSV writer of the platform: encoding/csv with
// every cell neutralised against formula injection (OWASP "CSV Injection").
// A spreadsheet runs a cell that begins with = + - @, a tab or a carriage
// return as a formula, so such a cell is written with a leading single quote
// unless it is a plain number ("-12.50", "+3", "42"), which the platform
// writes itself and a spreadsheet must still read as a number.
package csvout

import (
	"encoding/csv"
	"fmt"
	"io"
)

// Writer writes neutralised CSV records; like csv.Writer it buffers and
// writes through as its buffer fills, so a long export streams.
type Writer struct {
	cw  *csv.Writer
	rec []string
}

// New returns a Writer to w.
func New(w io.Writer) *Writer { return &Writer{cw: csv.NewWriter(w)} }

// Write writes one record, each cell passed through Cell.
func (w *Writer) Write(record []string) error {
	w.rec = w.rec[:0]
	for _, c := range record {
		w.rec = append(w.rec, Cell(c))
	}
	if err := w.cw.Write(w.rec); err != nil {
		return fmt.Errorf("csvout: %w", err)
	}
	return nil
}

// Flush writes any buffered data to the underlying writer.
func (w *Writer) Flush() { w.cw.Flush() }

// Error reports any error of a previous Write or Flush.
func (w *Writer) Error() error {
	if err := w.cw.Error(); err != nil {
		return fmt.Errorf("csvout: %w", err)
	}
	return nil
}

// Cell returns s as it may stand in a spreadsheet: s itself, or s with a
// leading single quote when it begins with a formula character and is not
// a plain number.
func Cell(s string) string {
	if s == "" || !formulaStart(s[0]) || Number(s) {
		return s
	}
	return "'" + s
}

func formulaStart(b byte) bool {
	switch b {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}

// Number reports whether s is a plain decimal number: an optional sign,
// digits, and an optional point or comma followed by digits.
func Number(s string) bool {
	if s != "" && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	digits, sep := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case (c == '.' || c == ',') && !sep && digits > 0 && i < len(s)-1:
			sep = true
		default:
			return false
		}
	}
	return digits > 0
}
