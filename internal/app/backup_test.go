package app

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/config"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/dialogue"
	"github.com/dijalog/dijalog/internal/grants"
	"github.com/dijalog/dijalog/internal/mail"
	"github.com/dijalog/dijalog/internal/surveys"
)

// loadSite is a platform under load: a coordinator, two open initiatives,
// citizens who support them (the support rows only grow: the restored
// count must lie between the counts before and after the backup), photos the coordinator adds and a public
// survey that people answer.
type loadSite struct {
	a        *App
	coord    *auth.User
	platform *dialogue.Platform
	inits    []*dialogue.Initiative
	citizens []*auth.User
	survey   *surveys.Survey
}

func newLoadSite(t *testing.T, a *App) *loadSite {
	t.Helper()
	ctx := context.Background()
	const pw = "backup-password-2026"
	s := &loadSite{a: a}
	var err error
	if s.coord, err = a.Auth.Register(ctx, auth.RegisterInput{Email: "coordinator@backup.test", Name: "Koordinator", Password: pw}, auth.Meta{}); err != nil {
		t.Fatal(err)
	}
	svc := a.Dialogue
	if s.platform, err = svc.Platforms.Create(ctx, nil, dialogue.PlatformInput{Name: "Platforma", LSGs: []string{"ba-fbih-mostar"}}, dialogue.Meta{}); err != nil {
		t.Fatal(err)
	}
	if err := svc.Platforms.AddMemberDirect(ctx, s.platform, s.coord.ID, dialogue.RoleCoordinator); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		x, err := svc.Initiatives.Create(ctx, s.coord, s.platform, dialogue.InitiativeInput{Title: fmt.Sprintf("Klupa %d", i+1), Problem: "p", Solution: "s", Submit: true}, dialogue.Meta{})
		if err != nil {
			t.Fatal(err)
		}
		for _, to := range []string{dialogue.StateAdmissible, dialogue.StateOpen} {
			if err := svc.Initiatives.Transition(ctx, s.coord, s.platform, x, to, "", "", dialogue.Meta{}); err != nil {
				t.Fatal(err)
			}
		}
		s.inits = append(s.inits, x)
	}
	for i := range 120 {
		u, err := a.Auth.Register(ctx, auth.RegisterInput{Email: fmt.Sprintf("citizen%02d@backup.test", i), Name: fmt.Sprintf("Građanin %d", i), Password: pw}, auth.Meta{})
		if err != nil {
			t.Fatal(err)
		}
		s.citizens = append(s.citizens, u)
	}
	tpl, err := surveys.LoadTemplate(surveys.TemplateFinansirajGO)
	if err != nil {
		t.Fatal(err)
	}
	s.survey, err = a.elogeWiring.Surveys.Create(ctx, nil, surveys.Input{OwnerKind: surveys.OwnerLSG, OwnerRef: "ba-fbih-mostar", Template: tpl.Key, Title: tpl.Title, Def: tpl.Definition,
		Audience: surveys.AudiencePublic, Status: surveys.StatusOpen, ResultsPublic: true})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// pngOf is a small PNG that differs for each n.
func pngOf(n int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 4, 3))
	img.Set(n%4, 0, color.RGBA{uint8(n), uint8(n >> 8), 200, 255})
	img.Set(0, 2, color.RGBA{uint8(n >> 16), 1, 2, 255})
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}

// run writes supports, photos and survey answers until ctx ends; the
// first error stops it and is returned by wait; started reports whether
// each kind has written a few.
func (s *loadSite) run(ctx context.Context) (wait func() error, started func() bool) {
	var wg sync.WaitGroup
	var failure atomic.Value
	var kinds [3]atomic.Int64
	n := 0
	do := func(f func(i int) error) {
		wg.Add(1)
		done := &kinds[n]
		n++
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				if err := f(i); err != nil {
					failure.CompareAndSwap(nil, err)
					return
				}
				done.Store(int64(i + 1))
			}
		}()
	}
	bg := context.Background()
	svc := s.a.Dialogue
	do(func(i int) error { // supports, each person of each initiative once
		if i >= 2*len(s.citizens) {
			time.Sleep(time.Millisecond)
			return nil
		}
		u, x := s.citizens[i%len(s.citizens)], s.inits[i/len(s.citizens)]
		_, err := svc.Initiatives.Support(bg, u, s.platform, x, dialogue.Meta{})
		return err
	})
	do(func(i int) error { // photos
		return svc.Money.AddPhoto(bg, s.coord, s.platform, s.inits[i%2], &dialogue.Upload{Filename: "klupa.png", Data: pngOf(i), Caption: "Klupa"}, dialogue.Meta{})
	})
	do(func(i int) error { // survey answers
		rng := rand.New(rand.NewPCG(uint64(i), 3))
		_, err := s.a.elogeWiring.Surveys.Submit(bg, s.survey, surveys.Submission{IdemKey: surveys.NewKey(), Answers: surveys.RandomAnswers(s.survey.Def, rng), Channel: "paper"})
		return err
	})
	return func() error {
			wg.Wait()
			if f := failure.Load(); f != nil {
				return f.(error)
			}
			return nil
		}, func() bool {
			for i := range kinds {
				if kinds[i].Load() < 5 && failure.Load() == nil {
					return false
				}
			}
			return true
		}
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// TestBackupUnderLoad: a backup taken while people support initiatives,
// add photos and answer a survey restores into an empty data directory
// (SQLite) or an empty database (PostgreSQL) with every table's rows
// between what was there before and after the backup (equal where nothing
// was written), every uploaded file identical, the counters in step with
// their rows, and nothing for dijalog check to find.
func TestBackupUnderLoad(t *testing.T) {
	t.Parallel()
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			d := dbtest.SQLite(t)
			if engine == "postgres" {
				d = dbtest.Postgres(t)
			}
			cfg := &config.Config{Data: t.TempDir(), DB: d.DSN(), BaseURL: "http://example.test", TimeZone: time.UTC, CheapPasswords: true}
			a, err := Build(d, cfg, quietLog(), &mail.Recorder{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(a.stopOutbox)
			site := newLoadSite(t, a)
			lctx, stop := context.WithCancel(ctx)
			wait, started := site.run(lctx)
			for !started() {
				time.Sleep(5 * time.Millisecond)
			}
			before := dbtest.TableCounts(t, d)
			archive := filepath.Join(t.TempDir(), "under-load.tar.gz")
			m, berr := Backup(ctx, d, cfg, archive)
			after := dbtest.TableCounts(t, d)
			time.Sleep(20 * time.Millisecond)
			stop()
			if err := wait(); err != nil {
				t.Fatalf("load: %v", err)
			}
			if berr != nil {
				t.Fatalf("Backup: %v", berr)
			}
			if len(m.Files) < 2 {
				t.Fatalf("the backup holds %d entries: no upload", len(m.Files))
			}

			rcfg := &config.Config{Data: filepath.Join(t.TempDir(), "restored"), BaseURL: cfg.BaseURL, TimeZone: time.UTC, CheapPasswords: true}
			rcfg.DB = filepath.Join(rcfg.Data, "dijalog.db")
			if engine == "postgres" {
				rcfg.DB = dbtest.EmptyDatabase(t, d.DSN())
			}
			if _, err := Restore(ctx, rcfg, archive); err != nil {
				t.Fatalf("Restore: %v", err)
			}
			if found, err := Check(ctx, rcfg, quietLog()); err != nil || len(found) > 0 {
				t.Fatalf("dijalog check of the restored site: %v %v", found, err)
			}
			rd, err := db.Open(ctx, rcfg.DB)
			if err != nil {
				t.Fatal(err)
			}
			defer rd.Close()
			restored := dbtest.TableCounts(t, rd)
			for tb, n := range after {
				if r := restored[tb]; r < min(before[tb], n) || r > max(before[tb], n) {
					t.Errorf("%s: %d rows restored; %d before the backup, %d after", tb, r, before[tb], n)
				}
			}
			if len(restored) != len(after) {
				t.Errorf("%d tables restored, %d in the source", len(restored), len(after))
			}
			// Files: each restored one is the source's, byte for byte.
			src, dst := dbtest.FileSums(t, UploadsRoot(cfg, "")), dbtest.FileSums(t, UploadsRoot(rcfg, ""))
			if len(dst) == 0 {
				t.Fatal("no file restored")
			}
			for p, sum := range dst {
				if src[p] != sum {
					t.Errorf("restored %s differs from the source's", p)
				}
			}
			checkCounters(t, rcfg, site)
		})
	}
}

// checkCounters opens the restored site: its support counters equal the
// support rows and the survey's response counter its responses; a photo
// whose file is removed answers 404 and dijalog check names it.
func checkCounters(t *testing.T, cfg *config.Config, site *loadSite) {
	t.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, cfg.DB)
	if err != nil {
		t.Fatal(err)
	}
	a, err := Build(d, cfg, quietLog(), &mail.Recorder{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if n, bad, err := a.Dialogue.Initiatives.CheckSupports(ctx); err != nil || n != 2 || len(bad) > 0 {
		t.Errorf("support counters after the restore: %d checked, wrong %v, %v", n, bad, err)
	}
	sv, err := a.elogeWiring.Surveys.ByPublicID(ctx, site.survey.PublicID)
	if err != nil {
		t.Fatal(err)
	}
	if rows, distinct, err := a.elogeWiring.Surveys.CountResponses(ctx, sv); err != nil || rows != sv.Responses || rows != distinct || rows == 0 {
		t.Errorf("survey after the restore: counter %d, rows %d, distinct %d, %v", sv.Responses, rows, distinct, err)
	}
	x, err := a.Dialogue.Initiatives.Get(ctx, site.inits[0].PublicID)
	if err != nil {
		t.Fatal(err)
	}
	photos, err := a.Dialogue.Money.Photos(ctx, x)
	if err != nil || len(photos) == 0 {
		t.Fatalf("photos after the restore: %v %v", photos, err)
	}
	if err := os.Remove(filepath.Join(a.uploadsDir("dialogue"), photos[0].PublicID)); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/dialogue/photos/" + photos[0].PublicID)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("a photo whose file is gone: %d %q, want a 404 page", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if !strings.Contains(string(body), "<html") {
		t.Errorf("a photo whose file is gone: not a page: %.200s", body)
	}
	found, err := a.checkModules(ctx)
	if err != nil || len(found) != 1 || found[0].Kind != "file" || !strings.Contains(found[0].Detail, photos[0].PublicID+" (dlg_photos") {
		t.Errorf("check after removing a photo: %v %v", found, err)
	}
}

// TestMissingAttachmentIs404: a call document whose file is gone answers a
// localised 404 page, not a 500, and dijalog check names it.
func TestMissingAttachmentIs404(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, dbtest.SQLite(t))
	ctx := context.Background()
	admin, err := ta.Auth.UserByEmail(ctx, "admin@demo.dijalog.ba")
	if err != nil {
		t.Fatal(err)
	}
	calls, err := ta.Grants.Calls.List(ctx, grants.CallFilter{Limit: 1})
	if err != nil || len(calls) == 0 {
		t.Fatalf("no published demo call: %v", err)
	}
	pdf := []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
	if err := ta.Grants.Applications.AddDocument(ctx, admin, calls[0], grants.Upload{Filename: "poziv.pdf", Data: pdf}, grants.Meta{}); err != nil {
		t.Fatal(err)
	}
	docs, err := ta.Grants.Applications.Files(ctx, "call", calls[0].ID)
	if err != nil || len(docs) == 0 {
		t.Fatalf("documents: %v %v", docs, err)
	}
	pid := docs[len(docs)-1].PublicID
	u := ta.srv.URL + "/bs/grants/files/" + pid
	if st, _ := get(t, ta.client(t), u); st != http.StatusOK {
		t.Fatalf("the document: %d", st)
	}
	if found, err := ta.checkModules(ctx); err != nil || len(found) > 0 {
		t.Fatalf("check before the damage: %v %v", found, err)
	}
	if err := os.Remove(filepath.Join(ta.uploadsDir("grants"), pid)); err != nil {
		t.Fatal(err)
	}
	st, body := get(t, ta.client(t), u)
	if st != http.StatusNotFound || !strings.Contains(body, `lang="bs"`) {
		t.Errorf("a document whose file is gone: %d, want a 404 page in Bosnian: %.300s", st, body)
	}
	found, err := ta.checkModules(ctx)
	if err != nil || len(found) != 1 || !strings.Contains(found[0].Detail, "grants/"+pid+" (grant_files") || !strings.HasSuffix(found[0].Detail, "is missing") {
		t.Errorf("check after the damage: %v %v", found, err)
	}
}
