package comments

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/i18n"
	"github.com/dijalog/dijalog/internal/refuse"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func users(t *testing.T, d *db.DB, n int) []*auth.User {
	t.Helper()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	a := auth.NewService(d, nil, cat, "http://example.test", slog.New(slog.NewTextHandler(io.Discard, nil)), auth.Options{Password: auth.PasswordParams{Memory: 64, Time: 1, Threads: 1}})
	var out []*auth.User
	for i := 0; i < n; i++ {
		u, err := a.Register(context.Background(), auth.RegisterInput{Email: fmt.Sprintf("c%d@example.org", i), Name: fmt.Sprintf("Person %d", i), Password: "correct horse battery"}, auth.Meta{})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, u)
	}
	return out
}

func TestThreadModeration(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		us := users(t, d, 3)
		author, reader, mod := us[0], us[1], us[2]
		s := NewService(Deps{DB: d})
		closed := map[string]bool{"closed": true}
		s.RegisterKind("article", Kind{
			CanComment: func(_ context.Context, _ *auth.User, id string) (bool, error) {
				if id == "missing" {
					return false, refuse.ErrNotFound
				}
				return !closed[id], nil
			},
			CanModerate: func(_ context.Context, u *auth.User, _ string) (bool, error) { return u.ID == mod.ID, nil },
			Path:        func(id string) string { return "/news/" + id },
		})
		subj := Subject{Type: "article", ID: "a1"}
		if _, err := s.Post(ctx, author, Subject{Type: "nope", ID: "x"}, "hi", ""); !errors.Is(err, ErrUnknownKind) {
			t.Errorf("unknown kind: %v", err)
		}
		if _, err := s.Post(ctx, author, Subject{Type: "article", ID: "closed"}, "hi", ""); !errors.Is(err, refuse.ErrForbidden) {
			t.Errorf("closed subject: %v", err)
		}
		if _, err := s.Post(ctx, nil, subj, "hi", ""); !errors.Is(err, refuse.ErrForbidden) {
			t.Errorf("anonymous: %v", err)
		}
		var fe FieldErrors
		for _, body := range []string{"", "   ", strings.Repeat("ž", MaxBody+1)} {
			if _, err := s.Post(ctx, author, subj, body, ""); !errors.As(err, &fe) {
				t.Errorf("body of %d runes: %v", len([]rune(body)), err)
			}
		}
		c, err := s.Post(ctx, author, subj, "Prvi komentar\x00 s kontrolnim znakom", "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		if strings.ContainsRune(c.Body, 0) {
			t.Error("control character kept")
		}
		// Reports: one per person counts.
		for i := 0; i < 3; i++ {
			if _, err := s.Report(ctx, reader, c.PublicID, "spam", ""); err != nil {
				t.Fatal(err)
			}
		}
		got, _ := s.ByPublicID(ctx, c.PublicID)
		if got.Reports != 1 {
			t.Errorf("reports = %d, want 1", got.Reports)
		}
		// Only moderators hide, with a reason.
		if _, err := s.Hide(ctx, reader, c.PublicID, "x", ""); !errors.Is(err, refuse.ErrForbidden) {
			t.Errorf("reader hides: %v", err)
		}
		if _, err := s.Hide(ctx, mod, c.PublicID, "", ""); !errors.As(err, &fe) {
			t.Errorf("hide without reason: %v", err)
		}
		if _, err := s.Hide(ctx, mod, c.PublicID, "Uvreda", ""); err != nil {
			t.Fatal(err)
		}
		pub, _ := s.List(ctx, subj, false)
		if len(pub) != 1 || !pub[0].Hidden || pub[0].Body != "" || pub[0].HiddenReason != "Uvreda" {
			t.Errorf("public list: %+v", pub)
		}
		modList, _ := s.List(ctx, subj, true)
		if modList[0].Body == "" {
			t.Error("moderators do not see the hidden text")
		}
		if n, _ := s.Count(ctx, subj); n != 0 {
			t.Errorf("visible count %d", n)
		}
		if _, err := s.Restore(ctx, mod, c.PublicID, "Greška", ""); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.Count(ctx, subj); n != 1 {
			t.Errorf("visible count after restore %d", n)
		}
		// Rate limit: RateLimit comments per window, then refused.
		for i := 1; i < RateLimit; i++ {
			if _, err := s.Post(ctx, author, subj, fmt.Sprintf("komentar %d", i), ""); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.Post(ctx, author, subj, "one too many", ""); !errors.Is(err, refuse.ErrRateLimited) {
			t.Errorf("over the limit: %v", err)
		}
		// After the window, posting works again.
		s.now = func() time.Time { return db.Now().Add(RateWindow + time.Minute) }
		if _, err := s.Post(ctx, author, subj, "later", ""); err != nil {
			t.Errorf("after the window: %v", err)
		}
		if _, err := s.ByPublicID(ctx, "nosuch"); !errors.Is(err, refuse.ErrNotFound) {
			t.Errorf("missing comment: %v", err)
		}
	})
}
