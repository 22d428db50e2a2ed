package dialogue

import (
	"context"
	"html"
	"strconv"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/i18n"
	"github.com/dijalog/dijalog/internal/mail"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/dijalog/dijalog/internal/translit"
)

// Outbox is what the service needs of the mail outbox (internal/mail):
// enqueue inside the caller's transaction, wake the worker after commit.
type Outbox interface {
	Enqueue(ctx context.Context, q db.Querier, key string, m mail.Message) error
	Kick()
}

func (s *Service) kick() {
	if s.out != nil {
		s.out.Kick()
	}
}

// Follow makes u a follower of x (any signed-in person who may see it).
func (s *Service) Follow(ctx context.Context, u *auth.User, x *Initiative, m Meta) error {
	if !auth.Can(u, auth.ActParticipate, auth.Object{}) {
		return refuse.ErrForbidden
	}
	now := s.now()
	return wrap("Follow", s.db.InTx(ctx, func(tx *db.Tx) error {
		// ON CONFLICT keeps the transaction usable on PostgreSQL, where a
		// unique violation would abort it.
		res, err := tx.ExecContext(ctx, `INSERT INTO dlg_follows (initiative_id, user_id, created_at, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (initiative_id, user_id) DO NOTHING`, x.ID, u.ID, now, now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // already following
		}
		return record(ctx, tx, u, "dialogue.follow", "initiative", x.PublicID, nil, m)
	}))
}

// Unfollow stops u following x; not following is not an error.
func (s *Service) Unfollow(ctx context.Context, u *auth.User, x *Initiative, m Meta) error {
	if u == nil {
		return refuse.ErrForbidden
	}
	return wrap("Unfollow", s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM dlg_follows WHERE initiative_id = ? AND user_id = ?`, x.ID, u.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return record(ctx, tx, u, "dialogue.unfollow", "initiative", x.PublicID, nil, m)
	}))
}

// Following reports whether u follows x, and how many people follow it.
func (s *Service) Following(ctx context.Context, u *auth.User, x *Initiative) (bool, int, error) {
	var uid int64 = -1
	if u != nil {
		uid = u.ID
	}
	var n, mine int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN user_id = ? THEN 1 ELSE 0 END), 0) FROM dlg_follows WHERE initiative_id = ?`, uid, x.ID).Scan(&n, &mine)
	return mine > 0, n, wrap("Following", err)
}

type follower struct {
	id            int64
	email, locale string
}

// notify enqueues, in tx, one mail to each active follower of x except
// the actor. key makes the mails idempotent (an event or report id); kind
// is "state" or "report".
func (s *Service) notify(ctx context.Context, tx *db.Tx, u *auth.User, x *Initiative, key, kind, note string, percent int) error {
	if s.out == nil || s.cat == nil {
		return nil
	}
	var actor int64
	if u != nil {
		actor = u.ID
	}
	rows, err := tx.QueryContext(ctx, `SELECT u.id, u.email, u.locale FROM dlg_follows f JOIN users u ON u.id = f.user_id
WHERE f.initiative_id = ? AND f.user_id <> ? AND u.status = 'active' ORDER BY f.id`, x.ID, actor)
	if err != nil {
		return err
	}
	var list []follower
	for rows.Next() {
		var f follower
		if err := rows.Scan(&f.id, &f.email, &f.locale); err != nil {
			rows.Close()
			return err
		}
		list = append(list, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, f := range list {
		loc := f.locale
		if !i18n.Supported(loc) {
			loc = i18n.Bosnian
		}
		msg := s.followMail(s.cat.Printer(loc), x, kind, note, percent)
		msg.To = f.email
		if err := s.out.Enqueue(ctx, tx, "dialogue:"+key+":"+strconv.FormatInt(f.id, 10), msg); err != nil {
			return err
		}
	}
	return nil
}

// followMail is the notice to a follower, in the follower's language and
// script.
func (s *Service) followMail(p *i18n.Printer, x *Initiative, kind, note string, percent int) mail.Message {
	script := func(t string) string { return translit.ForScript(t, p.Script()) }
	title := script(x.Title)
	link := s.baseURL + "/" + p.Code() + "/initiatives/" + x.PublicID
	var subject, lead string
	if kind == "report" {
		subject = p.T("dialogue.mail.report.subject", "title", title)
		lead = p.T("dialogue.mail.report.body", "title", title, "percent", percent)
	} else {
		state := p.T("dialogue.state." + x.State)
		subject = p.T("dialogue.mail.state.subject", "title", title, "state", state)
		lead = p.T("dialogue.mail.state.body", "title", title, "state", state, "platform", script(x.PlatformName))
	}
	text := lead + "\n"
	htmlBody := "<p>" + html.EscapeString(lead) + "</p>"
	if note != "" {
		text += "\n" + script(note) + "\n"
		htmlBody += "<blockquote>" + html.EscapeString(script(note)) + "</blockquote>"
	}
	why := p.T("dialogue.mail.why")
	text += "\n" + link + "\n\n" + why + "\n"
	htmlBody += `<p><a href="` + html.EscapeString(link) + `">` + html.EscapeString(title) + `</a></p><p>` + html.EscapeString(why) + `</p>`
	return mail.Message{Subject: subject, Text: text, HTML: `<!doctype html><html lang="` + p.Code() + `"><body>` + htmlBody + `</body></html>`}
}
