package projects

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/dijalog/dijalog/internal/audit"
	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/i18n"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/dijalog/dijalog/internal/translit"
	"github.com/dijalog/dijalog/internal/web"
)

// Notice is a programme's visibility notice in one language: the funder's
// emblem as text (what the emblem says; no image) and the disclaimer the
// funder's rules require, such as the European Union's "This website was
// created and maintained with the financial support of the European
// Union. Its contents are the sole responsibility of … and do not
// necessarily reflect the views of the European Union."
type Notice struct {
	Lang   string `json:"lang"`
	Emblem string `json:"emblem"`
	Text   string `json:"text"`
}

// Limits of a notice's parts, in characters.
const (
	maxNoticeText   = 1000
	maxNoticeEmblem = 120
)

// NoticeLangs are the languages a notice is written in: the locales,
// Serbian once (in Latin script, shown in Cyrillic on sr-Cyrl pages).
func NoticeLangs() []string {
	var out []string
	for _, c := range i18n.Codes() {
		if c != i18n.SerbianCyrillic {
			out = append(out, c)
		}
	}
	return out
}

// ErrNoticeProgrammeOnly: a notice is set on a programme, not a project.
var ErrNoticeProgrammeOnly = refuse.Key(refuse.ErrConflict, "projects.notice.programme_only")

func noticesOf(ctx context.Context, q db.Querier, projectID int64) ([]Notice, error) {
	return db.All(ctx, q, func(rs db.Scanner) (Notice, error) {
		var n Notice
		err := rs.Scan(&n.Lang, &n.Emblem, &n.Text)
		return n, err
	}, `SELECT lang, emblem, notice FROM project_notices WHERE project_id = ? ORDER BY lang`, projectID)
}

func replaceNotices(ctx context.Context, q db.Querier, projectID int64, ns []Notice) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM project_notices WHERE project_id = ?`, projectID); err != nil {
		return err
	}
	now := db.Now()
	for _, n := range ns {
		if _, err := q.ExecContext(ctx, `INSERT INTO project_notices (project_id, lang, emblem, notice, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			projectID, n.Lang, n.Emblem, n.Text, now, now); err != nil {
			return err
		}
	}
	return nil
}

// Notices returns a programme's visibility notices, one per language
// written.
func (s *Service) Notices(ctx context.Context, p *Project) ([]Notice, error) {
	ns, err := noticesOf(ctx, s.d, p.ID)
	if err != nil {
		return nil, fmt.Errorf("projects.Notices: %w", err)
	}
	return ns, nil
}

// SetNotices replaces a programme's visibility notices (a language with
// an empty text has none). Only who may edit the programme may set them.
func (s *Service) SetNotices(ctx context.Context, u *auth.User, p *Project, ns []Notice) error {
	if !canEdit(u, p) {
		return refuse.ErrForbidden
	}
	if p.Kind != KindProgramme {
		return ErrNoticeProgrammeOnly
	}
	clean, fe := cleanNotices(ns)
	if len(fe) > 0 {
		return fe
	}
	langs := make([]string, len(clean))
	for i, n := range clean {
		langs[i] = n.Lang
	}
	return s.write(ctx, func(tx *db.Tx) error {
		if err := replaceNotices(ctx, tx, p.ID, clean); err != nil {
			return fmt.Errorf("projects.SetNotices: %w", err)
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: u.ID, Action: "projects.project.notice", ObjectKind: "project", ObjectRef: p.PublicID,
			Details: map[string]string{"langs": strings.Join(langs, ", ")}})
	})
}

// LoadNotices sets the visibility notices of the programme with p's
// public id without a person's permission (the demo, an import).
func (s *Service) LoadNotices(ctx context.Context, p *Project, ns []Notice) error {
	prog, err := s.Get(ctx, p.PublicID)
	if err != nil {
		return fmt.Errorf("projects.LoadNotices: %w", err)
	}
	if prog.Kind != KindProgramme {
		return ErrNoticeProgrammeOnly
	}
	clean, fe := cleanNotices(ns)
	if len(fe) > 0 {
		return fmt.Errorf("projects.LoadNotices(%s): %w", p.PublicID, fe)
	}
	return s.write(ctx, func(tx *db.Tx) error { return replaceNotices(ctx, tx, prog.ID, clean) })
}

// cleanNotices trims the notices, drops the languages left empty and
// checks the lengths; the field of a language is notice_<lang>.
func cleanNotices(ns []Notice) ([]Notice, FieldErrors) {
	fe := FieldErrors{}
	var out []Notice
	for _, n := range ns {
		n.Text = strings.TrimSpace(strings.ToValidUTF8(n.Text, ""))
		n.Emblem = strings.TrimSpace(strings.ToValidUTF8(n.Emblem, ""))
		switch {
		case !i18n.Supported(n.Lang) || n.Lang == i18n.SerbianCyrillic:
			continue
		case n.Text == "":
			continue
		case utf8.RuneCountInString(n.Text) > maxNoticeText || utf8.RuneCountInString(n.Emblem) > maxNoticeEmblem:
			fe["notice_"+n.Lang] = "projects.notice.too_long"
			continue
		}
		out = append(out, n)
	}
	return out, fe
}

// NoticeFor is the visibility notice a page of p carries for a reader of
// locale: the programme's own, or, for a project, its programme's; nil
// when there is none. It is in the reader's language when written in it,
// else in a neighbouring one (Bosnian, Croatian and Serbian stand in for
// each other, English for the rest); Latin Serbian, Bosnian and Croatian
// are shown in Cyrillic to a sr-Cyrl reader.
func (s *Service) NoticeFor(ctx context.Context, p *Project, locale string) (*web.Visibility, error) {
	prog := p
	if p.Kind != KindProgramme {
		if p.Programme == "" {
			return nil, nil
		}
		pp, err := s.Get(ctx, p.Programme)
		if err != nil {
			return nil, nil // a programme gone or hidden carries no notice
		}
		prog = pp
	}
	ns, err := noticesOf(ctx, s.d, prog.ID)
	if err != nil || len(ns) == 0 {
		return nil, err
	}
	n := pickNotice(ns, locale)
	v := &web.Visibility{Emblem: n.Emblem, Text: n.Text, Lang: n.Lang}
	if locale == i18n.SerbianCyrillic && (n.Lang == i18n.SerbianLatin || n.Lang == "bs" || n.Lang == "hr") {
		v.Emblem, v.Text, v.Lang = translit.ToCyrillic(v.Emblem), translit.ToCyrillic(v.Text), i18n.SerbianCyrillic
	}
	return v, nil
}

// pickNotice chooses the notice for a reader of locale from ns (not empty).
func pickNotice(ns []Notice, locale string) Notice {
	order := []string{locale}
	switch locale {
	case "bs", "hr", i18n.SerbianLatin, i18n.SerbianCyrillic:
		order = append(order, i18n.SerbianLatin, "bs", "hr", "en")
	default:
		order = append(order, "en", "bs")
	}
	for _, l := range order {
		for _, n := range ns {
			if n.Lang == l {
				return n
			}
		}
	}
	return ns[0]
}

// noticePage is the form of a programme's notices.
type noticePage struct {
	P      *Project
	Title  string
	Rows   []noticeRow
	Errors FieldErrors
}

type noticeRow struct {
	Lang, Name string
	Notice
}

func (h *handlers) noticeRows(r *http.Request, ns []Notice) []noticeRow {
	pr := printer(h.srv, r)
	by := map[string]Notice{}
	for _, n := range ns {
		by[n.Lang] = n
	}
	var rows []noticeRow
	for _, l := range NoticeLangs() {
		rows = append(rows, noticeRow{Lang: l, Name: pr.T("projects.lang." + l), Notice: by[l]})
	}
	return rows
}

// noticeForm shows a programme's notices for editing.
func (h *handlers) noticeForm(w http.ResponseWriter, r *http.Request) error {
	p, err := h.editableProgramme(r)
	if err != nil {
		return err
	}
	ns, err := h.svc.Notices(r.Context(), p)
	if err != nil {
		return err
	}
	t, _ := p.TextFor(printer(h.srv, r).Code())
	return h.srv.Render.Page(w, r, "projects/notice", noticePage{P: p, Title: t.Title, Rows: h.noticeRows(r, ns)})
}

// noticeSave stores a programme's notices.
func (h *handlers) noticeSave(w http.ResponseWriter, r *http.Request) error {
	p, err := h.editableProgramme(r)
	if err != nil {
		return err
	}
	f := web.NewForm(r)
	var ns []Notice
	for _, l := range NoticeLangs() {
		ns = append(ns, Notice{Lang: l, Emblem: f.Get("emblem_" + l), Text: f.Get("notice_" + l)})
	}
	err = h.svc.SetNotices(r.Context(), auth.UserFrom(r), p, ns)
	if fe, ok := err.(FieldErrors); ok {
		t, _ := p.TextFor(printer(h.srv, r).Code())
		return h.srv.Render.PageStatus(w, r, http.StatusUnprocessableEntity, "projects/notice", noticePage{P: p, Title: t.Title, Rows: h.noticeRows(r, ns), Errors: fe})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/%s/projects/%s", web.StateOf(r).Locale, p.PublicID), http.StatusSeeOther)
	return nil
}

// editableProgramme is the programme of the request's {id} that the
// signed-in person may edit.
func (h *handlers) editableProgramme(r *http.Request) (*Project, error) {
	u, err := auth.Need(r)
	if err != nil {
		return nil, err
	}
	p, err := h.svc.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	if !canEdit(u, p) {
		return nil, refuse.ErrForbidden
	}
	if p.Kind != KindProgramme {
		return nil, refuse.ErrNotFound
	}
	return p, nil
}

// setVisibility puts p's visibility notice (its programme's) on the page.
func (h *handlers) setVisibility(r *http.Request, p *Project) {
	v, err := h.svc.NoticeFor(r.Context(), p, web.StateOf(r).Locale)
	if err != nil {
		h.svc.log.Warn("projects: visibility notice", "project", p.PublicID, "err", err)
		return
	}
	web.StateOf(r).Visibility = v
}
