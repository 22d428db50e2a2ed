package dialogue

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/i18n"
	"github.com/dijalog/dijalog/internal/places"
	"github.com/dijalog/dijalog/internal/refuse"
	"golang.org/x/net/html"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

type fixture struct {
	s     *Service
	users []*auth.User
	coord *auth.User
	p     *Platform
}

func newFixture(t *testing.T, d *db.DB, n int) *fixture {
	t.Helper()
	ctx := context.Background()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	pl := places.NewService(d)
	a := auth.NewService(d, nil, cat, "http://example.test", slog.New(slog.NewTextHandler(io.Discard, nil)), auth.Options{Password: auth.PasswordParams{Memory: 64, Time: 1, Threads: 1}})
	f := &fixture{s: NewService(Deps{DB: d, Places: pl, Files: t.TempDir()})}
	for i := 0; i <= n; i++ {
		u, err := a.Register(ctx, auth.RegisterInput{Email: fmt.Sprintf("u%d@example.org", i), Name: fmt.Sprintf("Person %d", i), Password: "correct horse battery"}, auth.Meta{})
		if err != nil {
			t.Fatal(err)
		}
		f.users = append(f.users, u)
	}
	f.coord = f.users[0]
	f.users = f.users[1:]
	f.p, err = f.s.Platforms.Create(ctx, nil, PlatformInput{Name: "LDP Mostar", LSGs: []string{"ba-fbih-mostar"}}, Meta{})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.s.Platforms.AddMemberDirect(ctx, f.p, f.coord.ID, RoleCoordinator); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) openInitiative(t *testing.T, title string) *Initiative {
	t.Helper()
	ctx := context.Background()
	x, err := f.s.Initiatives.Create(ctx, f.users[0], f.p, InitiativeInput{Title: title, Problem: "p", Solution: "s", Submit: true}, Meta{})
	if err != nil {
		t.Fatal(err)
	}
	for _, to := range []string{StateAdmissible, StateOpen} {
		if err := f.s.Initiatives.Transition(ctx, f.coord, f.p, x, to, "", "", Meta{}); err != nil {
			t.Fatalf("to %s: %v", to, err)
		}
	}
	return x
}

// TestConcurrentSupports fires supports, duplicates and withdrawals from
// many goroutines and checks that the counter equals the rows and the
// expected number of distinct supporters, on both databases.
func TestConcurrentSupports(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		const people = 40
		f := newFixture(t, d, people)
		ctx := context.Background()
		x := f.openInitiative(t, "Rasvjeta")
		y := f.openInitiative(t, "Klupe")
		// Every person supports x three times at once; even ones support y
		// and withdraw; a close races with some supports of y.
		var wg sync.WaitGroup
		var mu sync.Mutex
		accepted := map[string]int{}
		refused := map[string]int{}
		count := func(m map[string]int, k string) { mu.Lock(); m[k]++; mu.Unlock() }
		for i, u := range f.users {
			for k := 0; k < 3; k++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, err := f.s.Initiatives.Support(ctx, u, f.p, x, Meta{})
					switch {
					case err == nil:
						count(accepted, "x")
					case errors.Is(err, ErrAlreadySupported):
						count(refused, "x")
					default:
						t.Errorf("support: %v", err)
					}
				}()
			}
			if i%2 == 0 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := f.s.Initiatives.Support(ctx, u, f.p, y, Meta{}); err != nil {
						t.Errorf("support y: %v", err)
						return
					}
					if _, err := f.s.Initiatives.Withdraw(ctx, u, y, Meta{}); err != nil {
						t.Errorf("withdraw y: %v", err)
					}
				}()
			}
		}
		wg.Wait()
		if accepted["x"] != people || refused["x"] != 2*people {
			t.Errorf("x: accepted %d refused %d, want %d and %d", accepted["x"], refused["x"], people, 2*people)
		}
		for _, c := range []struct {
			x    *Initiative
			want int
		}{{x, people}, {y, 0}} {
			counter, rows, err := f.s.Initiatives.SupportCounts(ctx, c.x.ID)
			if err != nil {
				t.Fatal(err)
			}
			if counter != c.want || rows != c.want {
				t.Errorf("%s: counter %d rows %d, want %d", c.x.Title, counter, rows, c.want)
			}
		}
		// Close y while supports arrive: whatever is accepted is counted.
		y.State = StateOpen
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f.s.Initiatives.Transition(ctx, f.coord, f.p, y, StateRejected, "Izvan nadležnosti", "", Meta{}); err != nil {
				t.Errorf("reject: %v", err)
			}
		}()
		for _, u := range f.users {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := f.s.Initiatives.Support(ctx, u, f.p, y, Meta{}); err != nil && !errors.Is(err, ErrClosed) {
					t.Errorf("support while closing: %v", err)
				}
			}()
		}
		wg.Wait()
		counter, rows, _ := f.s.Initiatives.SupportCounts(ctx, y.ID)
		if counter != rows {
			t.Errorf("after closing: counter %d rows %d", counter, rows)
		}
		if _, err := f.s.Initiatives.Support(ctx, f.users[1], f.p, y, Meta{}); !errors.Is(err, ErrClosed) && !errors.Is(err, ErrAlreadySupported) {
			t.Errorf("support after close: %v", err)
		}
	})
}

func TestTransitionsAndPermissions(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, 3)
		ctx := context.Background()
		x, err := f.s.Initiatives.Create(ctx, f.users[0], f.p, InitiativeInput{Title: "T", Problem: "p", Solution: "s", Cost: "1.000,50", Currency: "EUR"}, Meta{})
		if err != nil {
			t.Fatal(err)
		}
		if x.State != StateDraft || x.Cost.Minor != 100050 || x.Cost.Currency != "EUR" {
			t.Fatalf("draft: %+v", x)
		}
		stranger := f.users[1]
		if err := f.s.Initiatives.Transition(ctx, stranger, f.p, x, StateSubmitted, "", "", Meta{}); !errors.Is(err, refuse.ErrForbidden) {
			t.Errorf("stranger submits: %v", err)
		}
		if err := f.s.Initiatives.Transition(ctx, f.users[0], f.p, x, StateDone, "", "", Meta{}); !errors.Is(err, ErrBadTransition) {
			t.Errorf("draft to done: %v", err)
		}
		if err := f.s.Initiatives.Transition(ctx, f.users[0], f.p, x, StateSubmitted, "", "", Meta{}); err != nil {
			t.Fatal(err)
		}
		// A stale copy cannot move the initiative a second time.
		stale := *x
		stale.State = StateDraft
		if err := f.s.Initiatives.Transition(ctx, f.users[0], f.p, &stale, StateSubmitted, "", "", Meta{}); err == nil {
			t.Error("stale transition accepted")
		}
		var fe FieldErrors
		if err := f.s.Initiatives.Transition(ctx, f.coord, f.p, x, StateNotAdmissible, "  ", "", Meta{}); !errors.As(err, &fe) {
			t.Errorf("no reason: %v", err)
		}
		if err := f.s.Initiatives.Transition(ctx, f.coord, f.p, x, StateNotAdmissible, "Nije u nadležnosti JLS", "", Meta{}); err != nil {
			t.Fatal(err)
		}
		tl, err := f.s.Initiatives.Timeline(ctx, x)
		if err != nil {
			t.Fatal(err)
		}
		if len(tl) != 3 || tl[2].To != StateNotAdmissible || tl[2].Note != "Nije u nadležnosti JLS" {
			t.Errorf("timeline: %+v", tl)
		}
		// Bad input.
		for _, in := range []InitiativeInput{
			{Title: "", Problem: "p", Solution: "s"},
			{Title: "t", Problem: "p", Solution: "s", Cost: "abc"},
			{Title: "t", Problem: "p", Solution: "s", Cost: "5", Currency: "XXX"},
			{Title: "t", Problem: "p", Solution: "s", LSG: "ba-rs-trebinje"},
			{Title: strings.Repeat("x", 201), Problem: "p", Solution: "s"},
			{Title: "t", Problem: "p", Solution: "s", PriorityID: 99999},
		} {
			if _, err := f.s.Initiatives.Create(ctx, f.users[0], f.p, in, Meta{}); !errors.As(err, &fe) {
				t.Errorf("%+v: %v, want field errors", in, err)
			}
		}
		// Platform of another LSG: the Mostar coordinator member is no manager there.
		other, err := f.s.Platforms.Create(ctx, nil, PlatformInput{Name: "LDP Trebinje", LSGs: []string{"ba-rs-trebinje"}, RequiresVerification: true}, Meta{})
		if err != nil {
			t.Fatal(err)
		}
		if f.s.Platforms.CanManage(ctx, f.coord, other) {
			t.Error("Mostar's platform coordinator manages Trebinje's platform")
		}
		y, err := f.s.Initiatives.Create(ctx, f.users[2], other, InitiativeInput{Title: "T", Problem: "p", Solution: "s", Submit: true}, Meta{})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.s.Residents.Verify(ctx, nil, f.p, f.users[1].ID, f.users[1].PublicID, "ba-fbih-mostar", Meta{}); err != nil {
			t.Fatal(err)
		}
		// Verified in Mostar is not verified in Trebinje.
		if _, err := f.s.Initiatives.Support(ctx, f.users[1], other, y, Meta{}); !errors.Is(err, ErrVerificationRequired) {
			t.Errorf("support on another LSG's restricted platform: %v", err)
		}
		if _, err := f.s.Platforms.Create(ctx, nil, PlatformInput{Name: "X", LSGs: []string{"ba-fbih"}}, Meta{}); !errors.As(err, &fe) {
			t.Errorf("platform of an entity: %v", err)
		}
		if _, err := f.s.Platforms.Create(ctx, f.coord, PlatformInput{Name: "X", LSGs: []string{"ba-fbih-mostar"}}, Meta{}); !errors.Is(err, refuse.ErrForbidden) {
			t.Errorf("citizen creates a platform: %v", err)
		}
	})
}

func pngOf(w, h int) []byte {
	img := image.NewGray(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.White)
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}

// bombPNG is a valid PNG header declaring 100,000 x 100,000 pixels.
func bombPNG() []byte {
	b := pngOf(1, 1)
	// IHDR width and height start at byte 16.
	copy(b[16:24], []byte{0, 1, 0x86, 0xa0, 0, 1, 0x86, 0xa0})
	binary.BigEndian.PutUint32(b[29:33], crc32.ChecksumIEEE(b[12:29]))
	return b
}

func TestCheckPhoto(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"png", pngOf(40, 30), ""},
		{"empty", nil, "dialogue.photo.empty"},
		{"text", []byte("hello, this is not an image"), "dialogue.photo.type"},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), "dialogue.photo.type"},
		{"gif", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), "dialogue.photo.type"},
		{"bomb", bombPNG(), "dialogue.photo.dimensions"},
		{"too large", append(pngOf(2, 2), make([]byte, MaxPhoto)...), "dialogue.photo.too_large"},
		{"truncated", pngOf(10, 10)[:20], "dialogue.photo.type"},
	} {
		if _, got := checkPhoto(c.data); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

func TestRenderMinutes(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, must, mustNot string }{
		{"**bold**", "<strong>bold</strong>", ""},
		{"<script>alert(1)</script>", "", "<script"},
		{`<img src=x onerror="alert(1)">`, "", "onerror"},
		{"[x](javascript:alert(1))", "", "javascript:"},
		{"[x](https://example.org)", `href="https://example.org"`, ""},
		{"<a href=\"https://e.org\" onclick=\"x()\">a</a>", "", "onclick"},
	} {
		got := RenderMinutes(c.in)
		if c.must != "" && !strings.Contains(got, c.must) || c.mustNot != "" && strings.Contains(strings.ToLower(got), c.mustNot) {
			t.Errorf("RenderMinutes(%q) = %q", c.in, got)
		}
	}
}

func FuzzRenderMinutes(f *testing.F) {
	for _, s := range []string{"## a\n\n- b", "<script>x</script>", "<iframe src=//e>", "[a](javascript:x)", "<svg onload=x>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := RenderMinutes(s)
		if bad := unsafeHTML(out); bad != "" {
			t.Fatalf("RenderMinutes(%q) kept %s: %q", s, bad, out)
		}
	})
}

// unsafeHTML names the first dangerous element or attribute in s, or "".
func unsafeHTML(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			switch tok.Data {
			case "script", "iframe", "svg", "style", "object", "embed", "form", "input", "math":
				return "<" + tok.Data + ">"
			}
			for _, a := range tok.Attr {
				v := strings.ToLower(strings.TrimSpace(a.Val))
				if strings.HasPrefix(a.Key, "on") || a.Key == "style" || (a.Key == "href" || a.Key == "src") && (strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "data:") || strings.HasPrefix(v, "vbscript:")) {
					return a.Key + "=" + a.Val
				}
			}
		}
	}
}

func FuzzCheckPhoto(f *testing.F) {
	f.Add(pngOf(3, 3))
	f.Add(bombPNG())
	f.Add([]byte("\xff\xd8\xff\xe0garbage"))
	f.Fuzz(func(t *testing.T, b []byte) {
		info, key := checkPhoto(b)
		if key == "" && (info.width*info.height > MaxPhotoPixels || info.width <= 0 || (info.contentType != "image/png" && info.contentType != "image/jpeg")) {
			t.Fatalf("accepted %+v", info)
		}
	})
}

func FuzzNormalizeCode(f *testing.F) {
	f.Add("ACDE-FGHJ-KLMN")
	f.Add("acde fghj klmn")
	f.Fuzz(func(t *testing.T, s string) {
		n := normalizeCode(s)
		if normalizeCode(n) != n {
			t.Fatalf("not idempotent: %q -> %q", s, n)
		}
		for _, r := range n {
			if !strings.ContainsRune(codeAlphabet, r) {
				t.Fatalf("%q has %q", n, r)
			}
		}
	})
}

func TestCodesAreRandom(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for i := 0; i < 100; i++ {
		p := newPID()
		if seen[p] {
			t.Fatal("duplicate public id")
		}
		seen[p] = true
	}
}
