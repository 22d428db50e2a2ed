// Package legal serves the privacy notice and the terms of use: pages built
// from catalogue strings, one section per kind of personal data the
// platform keeps (what, why, how long, who sees it), with the operator's
// identity from the configuration.
package legal

import (
	"embed"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/dijalog/dijalog/internal/web"
)

//go:embed all:templates
var templateFS embed.FS

// Operator is who runs this installation: the controller of the personal
// data it keeps, and whom a person writes to about it.
type Operator struct {
	Name  string
	Email string
}

// Configured reports whether the operator named themselves and gave an
// address; the pages say so plainly when not.
func (o Operator) Configured() bool { return o.Name != "" && o.Email != "" }

// Updated is the date of the current text of both pages, shown as "last
// changed"; change it with the catalogue text.
var Updated = time.Date(2026, time.December, 7, 12, 0, 0, 0, time.UTC)

// Kinds are the kinds of personal data the platform keeps, in the order a
// person meets them; each has the catalogue keys legal.data.<kind>.title,
// .what, .why, .keep and .who.
var Kinds = []string{
	"account", "sessions", "newsletter", "events", "surveys", "comments",
	"initiatives", "votes", "residency", "grants", "views", "audit", "mail",
	"cookies", "backups",
}

// Facets are the parts of each kind's section, as catalogue key suffixes.
var Facets = []string{"what", "why", "keep", "who"}

// Terms are the sections of the terms of use (legal.terms.<s>.title and
// legal.terms.<s>).
var Terms = []string{"what", "accounts", "content", "data", "warranty", "changes"}

type page struct {
	Operator Operator
	Terms    []string
	Kinds    []string
	Facets   []string
	Updated  time.Time
}

// Register adds /{lang}/privacy and /{lang}/terms.
func Register(srv *web.Server, op Operator) error {
	if err := srv.Render.Register("legal", templateFS, "templates"); err != nil {
		return fmt.Errorf("legal.Register: %w", err)
	}
	op.Name, op.Email = strings.TrimSpace(op.Name), strings.TrimSpace(op.Email)
	p := page{Operator: op, Terms: Terms, Kinds: Kinds, Facets: Facets, Updated: Updated}
	srv.Page("GET /privacy", func(w http.ResponseWriter, r *http.Request) error {
		return srv.Render.Page(w, r, "legal/privacy", p)
	})
	srv.Page("GET /terms", func(w http.ResponseWriter, r *http.Request) error {
		return srv.Render.Page(w, r, "legal/terms", p)
	})
	return nil
}
