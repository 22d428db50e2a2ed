package news

import (
	"encoding/xml"
	"net/http"
	"time"

	"github.com/dijalog/dijalog/internal/refuse"
)

// Atom (RFC 4287) elements.
type atomFeed struct {
	XMLName  xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang     string      `xml:"xml:lang,attr"`
	ID       string      `xml:"id"`
	Title    string      `xml:"title"`
	Subtitle string      `xml:"subtitle,omitempty"`
	Updated  string      `xml:"updated"`
	Links    []atomLink  `xml:"link"`
	Author   atomPerson  `xml:"author"`
	Gen      string      `xml:"generator"`
	Entries  []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel      string `xml:"rel,attr,omitempty"`
	Type     string `xml:"type,attr,omitempty"`
	Href     string `xml:"href,attr"`
	Hreflang string `xml:"hreflang,attr,omitempty"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type atomCategory struct {
	Term   string `xml:"term,attr"`
	Scheme string `xml:"scheme,attr,omitempty"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      atomText       `xml:"title"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published"`
	Links      []atomLink     `xml:"link"`
	Author     atomPerson     `xml:"author"`
	Summary    *atomText      `xml:"summary,omitempty"`
	Content    atomText       `xml:"content"`
	Categories []atomCategory `xml:"category"`
	Lang       string         `xml:"xml:lang,attr,omitempty"`
}

func (h *Handlers) feed(w http.ResponseWriter, r *http.Request, loc string) error {
	f := filterFrom(r)
	f.Limit = 30
	as, err := h.svc.ListFull(r.Context(), f)
	if err != nil {
		return err
	}
	p := h.srv.Cat.Printer(loc)
	base := h.svc.BaseURL()
	self := base + "/" + loc + "/news/feed.atom" + feedQuery(f)
	feed := atomFeed{Lang: loc, ID: self, Title: p.T("news.feed.title"), Subtitle: p.T("news.list.lead"),
		Links:  []atomLink{{Rel: "self", Type: "application/atom+xml", Href: self}, {Rel: "alternate", Type: "text/html", Href: base + "/" + loc + "/news" + feedQuery(f)}},
		Author: atomPerson{Name: p.T("site.name")}, Gen: "dijalog", Updated: time.Unix(0, 0).UTC().Format(time.RFC3339)}
	for i, a := range as {
		t := a.In(loc)
		upd := a.UpdatedAt
		if a.PublishedAt.After(upd) {
			upd = a.PublishedAt
		}
		if i == 0 || upd.After(mustParse(feed.Updated)) {
			feed.Updated = upd.UTC().Format(time.RFC3339)
		}
		link := base + "/" + loc + "/news/" + a.Slug
		e := atomEntry{ID: "urn:uuid:" + a.PublicID, Title: atomText{Type: "text", Body: scriptFor(loc, t.Title)},
			Updated: upd.UTC().Format(time.RFC3339), Published: a.PublishedAt.UTC().Format(time.RFC3339),
			Links:  []atomLink{{Rel: "alternate", Type: "text/html", Href: link}},
			Author: atomPerson{Name: a.AuthorName}, Content: atomText{Type: "html", Body: scriptHTML(loc, t.BodyHTML)}, Lang: t.Lang}
		if t.Summary != "" {
			e.Summary = &atomText{Type: "text", Body: scriptFor(loc, t.Summary)}
		}
		for _, tg := range a.Tags {
			e.Categories = append(e.Categories, atomCategory{Term: tg.Value, Scheme: base + "/news?" + tg.Kind + "="})
		}
		feed.Entries = append(feed.Entries, e)
	}
	out, err := xml.MarshalIndent(feed, "", "  ")
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write([]byte(xml.Header))
	_, err = w.Write(out)
	return err
}

func mustParse(s string) time.Time {
	t, _ := time.Parse(time.RFC3339, s)
	return t
}

var _ = refuse.ErrNotFound
