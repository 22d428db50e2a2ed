package news

import (
	"unicode/utf8"
)

// Limits of what a person may write.
const (
	MaxTitle   = 200
	MaxSummary = 600
	MaxBody    = 100_000 // bytes of Markdown; 1 MB of text is refused
)

// checkText returns a catalogue key when s is empty (and required), too
// long, or not text.
func checkText(s string, max int, required bool) string {
	if s == "" {
		if required {
			return "news.error.required"
		}
		return ""
	}
	if len(s) > 4*max || utf8.RuneCountInString(s) > max {
		return "news.error.too_long"
	}
	return ""
}
