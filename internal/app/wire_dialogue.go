package app

import (
	"context"
	"fmt"
	"time"

	"github.com/dijalog/dijalog/internal/comments"
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
	out, err := a.mailOutbox()
	if err != nil {
		return err
	}
	baseURL := ""
	if a.Cfg != nil {
		baseURL = a.Cfg.BaseURL
	}
	// Followers of every thread (initiatives, articles, ...) hear of new
	// comments through the outbox, in the comment's transaction.
	a.dialogueWiring.Comments = comments.NewService(comments.Deps{DB: a.DB, Outbox: out, Catalog: a.Cat, BaseURL: baseURL})
	cw, err := comments.Register(a.Web, a.dialogueWiring.Comments, a.Sessions.ClientIP)
	if err != nil {
		return err
	}
	a.dialogueWiring.CommentsWeb = cw
	a.dialogueWiring.Dialogue = dialogue.NewService(dialogue.Deps{DB: a.DB, Places: a.Places, Files: a.uploadsDir("dialogue"),
		Outbox: out, Catalog: a.Cat, BaseURL: baseURL})
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

// mailOutbox is the durable mail outbox the modules mail through, built
// once by the first module that needs it.
// TODO(merge): a.Outbox, built with the infrastructure before the modules.
func (a *App) mailOutbox() (*mail.Outbox, error) {
	w := a.newsMod()
	if w.Outbox != nil {
		return w.Outbox, nil
	}
	transport, err := a.newsTransport()
	if err != nil {
		return nil, fmt.Errorf("app: mail: %w", err)
	}
	idDomain := "dijalog.local"
	if a.Cfg != nil {
		if h := hostOnly(a.Cfg.BaseURL); h != "" {
			idDomain = h
		}
	}
	w.Outbox = mail.NewOutbox(a.DB, transport, a.Log, mail.OutboxOptions{IDDomain: idDomain})
	return w.Outbox, nil
}
