package app

import (
	"context"
	"errors"
	"time"

	"github.com/dijalog/dijalog/internal/comments"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/dialogue"
	"github.com/dijalog/dijalog/internal/mail"
	"github.com/dijalog/dijalog/internal/places"
)

// dialogueWiring holds the dialogue module's services and the shared
// comments component (news and calls reuse Comments and CommentsWeb).
type dialogueWiring struct {
	Dialogue    *dialogue.Service
	DialogueWeb *dialogue.Handlers
	Comments    *comments.Service
	CommentsWeb *comments.Handlers
}

// registerDialogue builds the comments component and the dialogue module
// and adds their routes.
func (a *App) registerDialogue() error {
	a.dialogueWiring.Comments = comments.NewService(a.DB)
	cw, err := comments.Register(a.Web, a.dialogueWiring.Comments, a.Sessions.ClientIP)
	if err != nil {
		return err
	}
	a.dialogueWiring.CommentsWeb = cw
	a.dialogueWiring.Dialogue = dialogue.NewService(a.DB, a.Places, a.uploadsDir("dialogue"))
	baseURL := ""
	if a.Cfg != nil {
		baseURL = a.Cfg.BaseURL
	}
	// Followers are mailed through the durable outbox that the news wiring
	// builds (after this one): the adapter finds it at the first notice.
	a.dialogueWiring.Dialogue.SetNotifier(dialogueOutbox{a: a}, a.Cat, baseURL)
	o := dialogue.Options{Places: a.Places, Users: a.Auth, Comments: a.dialogueWiring.Comments, CommentH: cw, IP: a.Sessions.ClientIP}
	if a.Cfg != nil {
		o.Zone = a.Cfg.TimeZone
	}
	h, err := dialogue.Register(a.Web, a.dialogueWiring.Dialogue, o)
	if err != nil {
		return err
	}
	a.dialogueWiring.DialogueWeb = h
	return nil
}

// demoDialogue loads the dialogue module's demo data.
func (a *App) demoDialogue(ctx context.Context) error {
	t0 := time.Now()
	if err := dialogue.LoadDemo(ctx, a.dialogueWiring.Dialogue, a.Auth); err != nil {
		return err
	}
	a.Log.Debug("dialogue demo loaded", "ms", time.Since(t0).Milliseconds())
	return nil
}

// dialogueSection is the dialogue module's section on an LSG page.
func (a *App) dialogueSection() places.Section {
	if a.dialogueWiring.DialogueWeb == nil {
		return nil
	}
	return a.dialogueWiring.DialogueWeb.Section
}

// dialogueOutbox hands the dialogue module's notices to the app's mail
// outbox (internal/mail), which is built by registerNews.
type dialogueOutbox struct{ a *App }

var errNoOutbox = errors.New("app: the mail outbox is not built")

func (o dialogueOutbox) outbox() *mail.Outbox { return o.a.newsWiring.Outbox }

func (o dialogueOutbox) Enqueue(ctx context.Context, q db.Querier, key string, m mail.Message) error {
	out := o.outbox()
	if out == nil {
		return errNoOutbox
	}
	return out.Enqueue(ctx, q, key, m)
}

func (o dialogueOutbox) Kick() {
	if out := o.outbox(); out != nil {
		out.Kick()
	}
}
