package app

import (
	"context"
	"time"

	"github.com/dijalog/dijalog/internal/comments"
	"github.com/dijalog/dijalog/internal/dialogue"
	"github.com/dijalog/dijalog/internal/places"
)

// dialogueWiring holds the dialogue module's services.
type dialogueWiring struct {
	Dialogue    *dialogue.Service
	DialogueWeb *dialogue.Handlers
}

// buildComments makes the shared comments component (initiatives, articles
// and calls put threads under their pages). Followers of every thread hear
// of new comments through the outbox, in the comment's transaction.
func (a *App) buildComments() error {
	a.Comments = comments.NewService(comments.Deps{DB: a.DB, Outbox: a.Outbox, Catalog: a.Cat, BaseURL: a.baseURL(), Now: a.Now})
	cw, err := comments.Register(a.Web, a.Comments, a.Sessions.ClientIP)
	if err != nil {
		return err
	}
	a.CommentsWeb = cw
	return nil
}

func (a *App) baseURL() string {
	if a.Cfg == nil {
		return ""
	}
	return a.Cfg.BaseURL
}

// registerDialogue builds the dialogue module and adds its routes.
func (a *App) registerDialogue() error {
	a.dialogueWiring.Dialogue = dialogue.NewService(dialogue.Deps{DB: a.DB, Places: a.Places, Files: a.uploadsDir("dialogue"),
		Outbox: a.Outbox, Catalog: a.Cat, BaseURL: a.baseURL()})
	o := dialogue.Options{Places: a.Places, Users: a.Auth, Comments: a.Comments, CommentH: a.CommentsWeb, IP: a.Sessions.ClientIP}
	if a.Cfg != nil {
		o.Zone = a.Cfg.TimeZone
	}
	if a.Projects != nil {
		o.Visibility = a.projectVisibility
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
