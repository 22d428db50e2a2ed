package app

import (
	"context"
	"time"

	"github.com/dijalog/dijalog/internal/comments"
	"github.com/dijalog/dijalog/internal/dialogue"
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

// wireDialogueMail lets the dialogue module mail the followers of an
// initiative through the durable outbox, which registerNews builds after
// registerDialogue; registerModules calls it once every module is built.
func (a *App) wireDialogueMail() {
	if a.dialogueWiring.Dialogue == nil || a.Outbox == nil {
		return
	}
	baseURL := ""
	if a.Cfg != nil {
		baseURL = a.Cfg.BaseURL
	}
	a.dialogueWiring.Dialogue.SetNotifier(a.Outbox, a.Cat, baseURL)
}
