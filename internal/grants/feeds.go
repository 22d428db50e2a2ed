package grants

import (
	"encoding/xml"
	"io"
	"strings"
	"time"
)

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Link    []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
}

type atomEntry struct {
	Title   string   `xml:"title"`
	ID      string   `xml:"id"`
	Updated string   `xml:"updated"`
	Link    atomLink `xml:"link"`
	Author  string   `xml:"author>name"`
	Summary string   `xml:"summary"`
}

// writeAtom writes the Atom feed of published calls.
func writeAtom(w io.Writer, base, title string, calls []*Call, lang string, now time.Time) error {
	f := atomFeed{Title: title, ID: base + "/calls", Updated: now.UTC().Format(time.RFC3339), Link: []atomLink{{Href: base + "/calls/feed.atom", Rel: "self"}, {Href: base + "/calls"}}}
	for _, c := range calls {
		t := c.TextIn(lang)
		summary := t.Body
		if len([]rune(summary)) > 500 {
			summary = string([]rune(summary)[:500]) + "…"
		}
		f.Entries = append(f.Entries, atomEntry{Title: t.Title, ID: "urn:uuid:" + c.PublicID, Updated: c.UpdatedAt.UTC().Format(time.RFC3339), Link: atomLink{Href: base + "/calls/" + c.Slug}, Author: c.Funder, Summary: summary})
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	return enc.Encode(f)
}

// icalText escapes a TEXT value (RFC 5545 3.3.11).
func icalText(s string) string {
	r := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)
	return r.Replace(s)
}

// icalLine folds a content line at 75 octets without splitting a character.
func icalLine(w io.Writer, line string) error {
	var b strings.Builder
	n := 0
	for _, r := range line {
		size := len(string(r))
		if n+size > 75 {
			b.WriteString("\r\n ")
			n = 1
		}
		b.WriteRune(r)
		n += size
	}
	b.WriteString("\r\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// writeICal writes the deadlines of published calls: the last day for
// questions and the closing time, each as an event at that moment.
func writeICal(w io.Writer, base string, calls []*Call, lang, questions, closes string, now time.Time) error {
	stamp := now.UTC().Format("20060102T150405Z")
	lines := []string{"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//dijalog//grants//EN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"}
	for _, c := range calls {
		t := c.TextIn(lang)
		for _, ev := range []struct {
			kind, label string
			at          time.Time
		}{{"questions", questions, c.QuestionsUntil}, {"closes", closes, c.ClosesAt}} {
			at := ev.at.UTC().Format("20060102T150405Z")
			lines = append(lines, "BEGIN:VEVENT", "UID:"+c.PublicID+"-"+ev.kind+"@dijalog", "DTSTAMP:"+stamp, "DTSTART:"+at, "DTEND:"+at,
				"SUMMARY:"+icalText(ev.label+": "+t.Title), "URL:"+base+"/calls/"+c.Slug, "DESCRIPTION:"+icalText(c.Funder), "END:VEVENT")
		}
	}
	lines = append(lines, "END:VCALENDAR")
	for _, l := range lines {
		if err := icalLine(w, l); err != nil {
			return err
		}
	}
	return nil
}
