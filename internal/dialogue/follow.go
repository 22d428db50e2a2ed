package dialogue

import (
	"context"
	"html"
	"strconv"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/i18n"
	"github.com/dijalog/dijalog/internal/mail"
)

// Outbox is what the service needs of the mail outbox (internal/mail):
// enqueue inside the caller's transaction, wake the worker after commit.
type Outbox interface {
	Enqueue(ctx context.Context, q db.Querier, key string, m mail.Message) error
	Kick()
}

func (s *core) kick() {
	if s.out != nil {
		s.out.Kick()
	}
}

type follower struct {
	id            int64
	email, locale string
}

// notify enqueues, in tx, one mail to each active follower of x except
// the actor. key makes the mails idempotent (an event or report id); kind
// is "state" or "report".
func (s *core) notify(ctx context.Context, tx *db.Tx, u *auth.User, x *Initiative, key, kind, note string, percent int) error {
	if s.out == nil || s.cat == nil {
		return nil
	}
	var actor int64
	if u != nil {
		actor = u.ID
	}
	list, err := followers(ctx, tx, x.ID, actor)
	if err != nil {
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
func (s *core) followMail(p *i18n.Printer, x *Initiative, kind, note string, percent int) mail.Message {
	script := p.Show
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
