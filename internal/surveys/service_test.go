package surveys

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/refuse"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func newSurvey(t *testing.T, s *Service, audience string) *Survey {
	t.Helper()
	tpl, err := LoadTemplate(TemplateFinansirajGO)
	if err != nil {
		t.Fatal(err)
	}
	sv, err := s.Create(context.Background(), nil, Input{OwnerKind: OwnerLSG, OwnerRef: "ba-fbih-mostar", Title: tpl.Title, Def: tpl.Definition, Audience: audience, Status: StatusOpen, ResultsPublic: true})
	if err != nil {
		t.Fatal(err)
	}
	return sv
}

func TestSubmitExactlyOnce(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewService(d, Options{RateLimit: 1000})
		sv := newSurvey(t, s, AudiencePublic)
		rng := rand.New(rand.NewPCG(1, 2))
		answers := RandomAnswers(sv.Def, rng)
		// 16 concurrent retries of one submission: stored once.
		key, browser := NewKey(), NewKey()
		var wg sync.WaitGroup
		var mu sync.Mutex
		stored, dup := 0, 0
		for i := 0; i < 16; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := s.Submit(ctx, sv, Submission{IdemKey: key, Answers: answers, BrowserToken: browser, IP: "10.0.0.1"})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err != nil:
					t.Errorf("submit: %v", err)
				case r.Duplicate:
					dup++
				default:
					stored++
				}
			}()
		}
		wg.Wait()
		if stored != 1 || dup != 15 {
			t.Errorf("stored %d, duplicates %d", stored, dup)
		}
		// The same browser with a new form: refused.
		if _, err := s.Submit(ctx, sv, Submission{IdemKey: NewKey(), Answers: answers, BrowserToken: browser, IP: "10.0.0.1"}); !errors.Is(err, ErrAlreadyAnswered) {
			t.Errorf("second answer from a browser: %v", err)
		}
		// Four more browsers: five in all, so the results show.
		for i := 0; i < 4; i++ {
			if _, err := s.Submit(ctx, sv, Submission{IdemKey: NewKey(), Answers: RandomAnswers(sv.Def, rng), BrowserToken: NewKey(), IP: "10.0.0.2"}); err != nil {
				t.Fatal(err)
			}
		}
		sv, _ = s.ByPublicID(ctx, sv.PublicID)
		n, distinct, err := s.CountResponses(ctx, sv)
		if err != nil || n != 5 || distinct != 5 || sv.Responses != 5 {
			t.Errorf("responses %d (%d distinct, counter %d), %v", n, distinct, sv.Responses, err)
		}
		res, err := s.Results(ctx, nil, sv, Filter{}, "en")
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range res.Questions {
			if q.Key == "org_type" && (q.Hidden || q.Answered != 5) {
				t.Errorf("org_type: hidden %v, answered %d", q.Hidden, q.Answered)
			}
		}
		// A filter down to fewer than five: nothing shown.
		res, err = s.Results(ctx, nil, sv, Filter{Channel: "paper"}, "en")
		if err != nil || !res.Hidden || res.Questions != nil {
			t.Errorf("small group shown: %+v, %v", res, err)
		}
		// Filtered totals equal the running totals when the filter keeps everyone.
		all, _ := s.Results(ctx, nil, sv, Filter{}, "en")
		web, _ := s.Results(ctx, nil, sv, Filter{Channel: "web"}, "en")
		for i := range all.Questions {
			if all.Questions[i].Answered != web.Questions[i].Answered {
				t.Errorf("%s: totals %d, recomputed %d", all.Questions[i].Key, all.Questions[i].Answered, web.Questions[i].Answered)
			}
		}
		// Rate limit per address.
		s2 := NewService(d, Options{RateLimit: 2})
		for i := 0; i < 3; i++ {
			_, err := s2.Submit(ctx, sv, Submission{IdemKey: NewKey(), Answers: answers, BrowserToken: NewKey(), IP: "192.0.2.9"})
			if i < 2 && err != nil || i == 2 && !errors.Is(err, refuse.ErrRateLimited) {
				t.Errorf("submission %d from one address: %v", i, err)
			}
		}
	})
}

func TestTokensAndAccounts(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewService(d, Options{})
		sv := newSurvey(t, s, AudienceToken)
		toks, err := s.IssueTokens(ctx, nil, sv, []string{"Vijeće", "Vijeće"})
		if err != nil || len(toks) != 2 {
			t.Fatalf("tokens: %v", err)
		}
		answers := RandomAnswers(sv.Def, rand.New(rand.NewPCG(3, 4)))
		if _, err := s.Submit(ctx, sv, Submission{IdemKey: NewKey(), Answers: answers, Token: toks[0].Code}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Submit(ctx, sv, Submission{IdemKey: NewKey(), Answers: answers, Token: toks[0].Code}); !errors.Is(err, ErrTokenUsed) {
			t.Errorf("token twice: %v", err)
		}
		if _, err := s.Submit(ctx, sv, Submission{IdemKey: NewKey(), Answers: answers, Token: "AAAAA-BBBBB"}); !errors.Is(err, ErrTokenInvalid) {
			t.Errorf("unknown token: %v", err)
		}
		// A lower-case, unhyphenated token is the same token.
		if err := s.TokenState(ctx, sv, toks[1].Code[:5]+" "+toks[1].Code[6:]); err != nil {
			t.Errorf("normalised token: %v", err)
		}
		acc := newSurvey(t, s, AudienceAccount)
		if _, err := s.Submit(ctx, acc, Submission{IdemKey: NewKey(), Answers: answers}); !errors.Is(err, refuse.ErrSignIn) {
			t.Errorf("anonymous on account survey: %v", err)
		}
		if _, err := s.Submit(ctx, acc, Submission{IdemKey: NewKey(), Answers: answers, UserID: 42}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Submit(ctx, acc, Submission{IdemKey: NewKey(), Answers: answers, UserID: 42}); !errors.Is(err, ErrAlreadyAnswered) {
			t.Errorf("account twice: %v", err)
		}
		// Closed and paper entry.
		in := Input{Title: sv.Title, Def: sv.Def, Audience: sv.Audience, Status: StatusClosed}
		if err := s.Update(ctx, nil, sv, in); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Submit(ctx, sv, Submission{IdemKey: NewKey(), Answers: answers, Token: toks[1].Code}); !errors.Is(err, ErrClosed) {
			t.Errorf("closed: %v", err)
		}
		if _, err := s.Submit(ctx, sv, Submission{IdemKey: NewKey(), Answers: answers, Channel: "paper"}); err != nil {
			t.Errorf("paper entry after closing: %v", err)
		}
		// The questions of a survey with answers cannot change.
		other, _ := LoadTemplate(TemplateFinansirajGO)
		other.Definition.Sections = other.Definition.Sections[:1]
		in.Def = other.Definition
		if err := s.Update(ctx, nil, sv, in); !errors.Is(err, ErrHasResponses) {
			t.Errorf("definition change with answers: %v", err)
		}
	})
}
