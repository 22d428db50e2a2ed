package app

import (
	"context"

	"github.com/dijalog/dijalog/internal/places"
)

// dialogueWiring holds the dialogue module's services; its owner fills it in.
type dialogueWiring struct{}

// registerDialogue builds the dialogue module and adds its routes.
func (a *App) registerDialogue() error { return nil }

// demoDialogue loads the dialogue module's demo data.
func (a *App) demoDialogue(ctx context.Context) error { return ctx.Err() }

// dialogueSection is the dialogue module's section on an LSG page (nil for none).
func (a *App) dialogueSection() places.Section { return nil }
