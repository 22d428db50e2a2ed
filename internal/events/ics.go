package events

import (
	"html/template"
	"io"
	"strings"

	ics "github.com/arran4/golang-ical"
)

// WriteICS writes events as an iCalendar (RFC 5545) file.
func (s *Service) WriteICS(w io.Writer, name, locale string, es []*Event) error {
	cal := ics.NewCalendarFor("dijalog")
	cal.SetMethod(ics.MethodPublish)
	cal.SetName(name)
	cal.SetXWRCalName(name)
	for _, e := range es {
		ev := cal.AddEvent(e.PublicID + "@dijalog")
		ev.SetDtStampTime(e.UpdatedAt)
		ev.SetModifiedAt(e.UpdatedAt)
		ev.SetStartAt(e.StartsAt)
		ev.SetEndAt(e.EndsAt)
		ev.SetSummary(e.Title)
		desc := e.Description
		if e.OnlineURL != "" {
			desc += "\n\n" + e.OnlineURL
		}
		ev.SetDescription(desc)
		loc := e.Venue
		if e.Address != "" {
			loc += ", " + e.Address
		}
		if loc == "" {
			loc = e.OnlineURL
		}
		ev.SetLocation(strings.Trim(loc, ", "))
		ev.SetURL(s.baseURL + "/" + locale + "/events/" + e.Slug)
		if e.Lat.Valid {
			ev.SetGeo(e.Lat.Float64, e.Lon.Float64)
		}
		ev.SetOrganizer("mailto:noreply@dijalog.local", ics.WithCN(strings.NewReplacer(`"`, "", ";", ",", ":", " ").Replace(e.OrganiserName)))
		if e.Status == "cancelled" {
			ev.SetStatus(ics.ObjectStatusCancelled)
		} else {
			ev.SetStatus(ics.ObjectStatusConfirmed)
		}
	}
	return cal.SerializeTo(w)
}

// Body is the sanitised description, Serbian in the reader's script.
func (e *Event) Body(v interface {
	ShowMarkup(template.HTML) template.HTML
}) template.HTML {
	return v.ShowMarkup(template.HTML(e.DescHTML)) // sanitised by text.Markdown on write
}
