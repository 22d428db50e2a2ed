// Package news is the platform's news: articles by a programme, an LSG, a
// platform or a CSO in several languages, their view counts, the Atom feed
// and the e-newsletter with double opt-in. Mail goes through the durable
// outbox of internal/mail.
package news

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dijalog/dijalog/internal/audit"
	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/i18n"
	"github.com/dijalog/dijalog/internal/mail"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/dijalog/dijalog/internal/search"
	"github.com/dijalog/dijalog/internal/text"
	"github.com/google/uuid"
)

// Tag kinds.
const (
	TagLSG       = "lsg"
	TagProgramme = "programme"
	TagSector    = "sector"
)

// Tag is one label of an article: an LSG code, a programme or a sector.
type Tag struct {
	Kind  string `json:"kind"`
	Value string `json:"value"`
}

// Translation is an article's text in one language.
type Translation struct {
	Lang     string
	Original bool
	Title    string
	Summary  string
	BodyMD   string
	BodyHTML string // sanitised
}

// Article is one news item.
type Article struct {
	ID           int64
	PublicID     string
	Slug         string
	AuthorKind   string
	AuthorRef    string
	AuthorName   string
	CreatedBy    int64
	Status       string
	LeadImage    string // file name stem ("<public id>") when there is one
	ImageWidths  []int
	ImageAlt     string
	PublishedAt  time.Time
	UpdatedAt    time.Time
	Views        int64
	Translations []Translation // the original first
	Tags         []Tag
}

// Original is the text the article was written in.
func (a *Article) Original() Translation {
	for _, t := range a.Translations {
		if t.Original {
			return t
		}
	}
	if len(a.Translations) > 0 {
		return a.Translations[0]
	}
	return Translation{}
}

// In picks the text for a page locale: its language if translated, else
// the original.
func (a *Article) In(locale string) Translation {
	l := text.ContentLang(locale)
	for _, t := range a.Translations {
		if t.Lang == l {
			return t
		}
	}
	return a.Original()
}

// Has reports whether the article exists in content language l.
func (a *Article) Has(l string) bool {
	for _, t := range a.Translations {
		if t.Lang == l {
			return true
		}
	}
	return false
}

// TagValues lists the values of one kind of tag.
func (a *Article) TagValues(kind string) []string {
	var out []string
	for _, t := range a.Tags {
		if t.Kind == kind {
			out = append(out, t.Value)
		}
	}
	return out
}

// Service is the news module: its articles and its newsletter, two
// services over one set of tables, each with its own rules.
type Service struct {
	*Articles
	*Newsletter
}

// Articles holds the rules of articles: writing, translating, listing,
// counting readers.
type Articles struct {
	db      *db.DB
	baseURL string
	uploads string // directory of lead images

	thread ThreadFunc     // comments under an article; nil: none
	index  search.Indexer // the platform's search index; nil: not indexed

	mu     sync.Mutex
	secret []byte
}

// Newsletter holds the rules of the newsletter: double opt-in, issues,
// sending through the outbox, bounces, the subscriber's own data.
type Newsletter struct {
	db       *db.DB
	out      *mail.Outbox
	cat      *i18n.Catalog
	log      *slog.Logger
	baseURL  string
	oneClick bool
	articles *Articles
}

// Deps is what the news service is built from: the infrastructure the app
// builds first.
type Deps struct {
	DB      *db.DB
	Outbox  *mail.Outbox
	Catalog *i18n.Catalog
	Log     *slog.Logger
	BaseURL string
	Uploads string // directory of lead images
	// Index receives each article in the transaction that writes it (nil:
	// articles are not searchable).
	Index search.Indexer
	// Comments renders the comment thread under an article (nil: none).
	Comments ThreadFunc
	// OneClick turns on RFC 8058 one-click unsubscribe: List-Unsubscribe
	// names POST /api/v1/newsletter/unsubscribe/{token} and
	// List-Unsubscribe-Post is sent, and Register exempts that route from
	// the CSRF check (mail providers post without a session). Without it,
	// List-Unsubscribe names the unsubscribe page.
	OneClick bool
}

// NewService builds the service.
func NewService(d Deps) *Service {
	base := strings.TrimRight(d.BaseURL, "/")
	a := &Articles{db: d.DB, baseURL: base, uploads: d.Uploads, index: d.Index, thread: d.Comments}
	return &Service{Articles: a, Newsletter: &Newsletter{db: d.DB, out: d.Outbox, cat: d.Catalog, log: d.Log, baseURL: base, oneClick: d.OneClick, articles: a}}
}

// Uploads is the directory of lead images.
func (s *Articles) Uploads() string { return s.uploads }

// BaseURL is the public address used in feeds and mail.
func (s *Articles) BaseURL() string { return s.baseURL }

// Outbox is the mail outbox the newsletter enqueues into.
func (s *Newsletter) Outbox() *mail.Outbox { return s.out }

// ArticleInput is what an author submits.
type ArticleInput struct {
	AuthorKind, AuthorRef, AuthorName string
	Lang                              string
	Title, Summary, Body              string
	Tags                              []Tag
	ImageAlt                          string
	Image                             []byte // optional JPEG or PNG
	PublishedAt                       time.Time
}

func validTag(t Tag) bool {
	if t.Value == "" || len(t.Value) > 80 {
		return false
	}
	switch t.Kind {
	case TagLSG, TagProgramme, TagSector:
	default:
		return false
	}
	for _, r := range t.Value {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// NormalizeTags cleans free-text tags into slugs and drops duplicates.
func NormalizeTags(kind string, values []string) []Tag {
	seen := map[string]bool{}
	var out []Tag
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			if text.Clean(part) == "" {
				continue
			}
			t := Tag{Kind: kind, Value: auth.Slugify(text.Clean(part))}
			if kind == TagLSG {
				t.Value = strings.ToLower(strings.TrimSpace(part))
			}
			if validTag(t) && !seen[t.Value] {
				seen[t.Value] = true
				out = append(out, t)
			}
		}
	}
	return out
}

func (in *ArticleInput) validate() refuse.FieldErrors {
	in.Title, in.Summary, in.Body, in.ImageAlt = text.Clean(in.Title), text.Clean(in.Summary), text.CleanBlock(in.Body), text.Clean(in.ImageAlt)
	errs := refuse.FieldErrors{}
	if k := checkText(in.Title, MaxTitle, true); k != "" {
		errs["title"] = k
	}
	if k := checkText(in.Summary, MaxSummary, false); k != "" {
		errs["summary"] = k
	}
	if k := checkText(in.Body, MaxBody, true); k != "" {
		errs["body"] = k
	}
	if !text.ValidLang(in.Lang) {
		errs["lang"] = "news.error.lang"
	}
	if len(in.ImageAlt) > 300 {
		errs["image_alt"] = "news.error.too_long"
	}
	if len(in.Image) > 0 && in.ImageAlt == "" {
		errs["image_alt"] = "news.error.alt_required"
	}
	for _, t := range in.Tags {
		if !validTag(t) {
			errs["tags"] = "news.error.tags"
		}
	}
	return errs
}

// Create publishes a new article written in in.Lang.
func (s *Articles) Create(ctx context.Context, u *auth.User, in ArticleInput) (*Article, error) {
	if !auth.CanPublishAs(u, in.AuthorKind, in.AuthorRef) {
		return nil, refuse.ErrForbidden
	}
	if errs := in.validate(); len(errs) > 0 {
		return nil, errs
	}
	a := &Article{PublicID: uuid.NewString(), AuthorKind: in.AuthorKind, AuthorRef: in.AuthorRef, AuthorName: text.Clean(in.AuthorName), Status: "published", ImageAlt: in.ImageAlt}
	if a.AuthorName == "" {
		a.AuthorName = in.AuthorRef
	}
	if u != nil {
		a.CreatedBy = u.ID
	}
	a.Slug = slugFor(in.Title, a.PublicID)
	a.PublishedAt = db.Now()
	if !in.PublishedAt.IsZero() {
		a.PublishedAt = db.Time(in.PublishedAt)
	}
	if len(in.Image) > 0 {
		widths, err := ProcessImage(in.Image, s.uploads, a.PublicID)
		if err != nil {
			var k string
			switch {
			case errors.Is(err, ErrImageTooLarge), errors.Is(err, ErrImageTooMany), errors.Is(err, ErrImageFormat):
				k = err.Error()
			default:
				return nil, err
			}
			return nil, refuse.FieldErrors{"image": k}
		}
		a.LeadImage, a.ImageWidths = a.PublicID, widths
	}
	a.Translations = []Translation{{Lang: in.Lang, Original: true, Title: in.Title, Summary: in.Summary, BodyMD: in.Body, BodyHTML: text.Markdown(in.Body)}}
	a.Tags = in.Tags
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := insertArticle(ctx, tx, a, db.Now()); err != nil {
			return err
		}
		if err := auditArticle(ctx, tx, u, "news.article.create", a, map[string]string{"lang": in.Lang, "author": a.AuthorKind + ":" + a.AuthorRef}); err != nil {
			return err
		}
		return s.indexArticle(ctx, tx, a)
	})
	if err != nil {
		return nil, fmt.Errorf("news.Create: %w", err)
	}
	return a, nil
}

// auditArticle records a write of a in the audit log, in its transaction.
func auditArticle(ctx context.Context, q db.Querier, u *auth.User, action string, a *Article, details map[string]string) error {
	var actor int64
	if u != nil {
		actor = u.ID
	}
	return audit.Record(ctx, q, audit.Entry{ActorID: actor, Action: action, ObjectKind: "news_article", ObjectRef: a.PublicID, Details: details})
}

// imageRef stores the image stem and its widths: "<id>:480,960".
func imageRef(a *Article) string {
	if a.LeadImage == "" {
		return ""
	}
	ws := make([]string, len(a.ImageWidths))
	for i, w := range a.ImageWidths {
		ws[i] = fmt.Sprint(w)
	}
	return a.LeadImage + ":" + strings.Join(ws, ",")
}

func parseImageRef(a *Article, ref string) {
	stem, widths, ok := strings.Cut(ref, ":")
	if !ok {
		return
	}
	a.LeadImage = stem
	for _, w := range strings.Split(widths, ",") {
		var n int
		if _, err := fmt.Sscan(w, &n); err == nil {
			a.ImageWidths = append(a.ImageWidths, n)
		}
	}
}

// ImagePath is the file of one width of the article's lead image.
func (s *Articles) ImagePath(name string) string { return filepath.Join(s.uploads, name) }

// StoredFiles hands every width of every article's lead image to put: its
// name in the uploads directory and the row (dijalog check; the sizes of
// the re-encoded images are not kept).
func (s *Articles) StoredFiles(ctx context.Context, put func(name string, size int64, sha256, row string) error) error {
	rows, err := articleImages(ctx, s.db)
	if err != nil {
		return fmt.Errorf("news.StoredFiles: %w", err)
	}
	for _, r := range rows {
		a := &Article{}
		parseImageRef(a, r.Ref)
		for _, w := range a.ImageWidths {
			if err := put(fmt.Sprintf("%s-%d.jpg", a.LeadImage, w), -1, "", fmt.Sprintf("news_articles %d, article %s", r.ID, r.PublicID)); err != nil {
				return err
			}
		}
	}
	return nil
}

func slugFor(title, pid string) string {
	base := auth.Slugify(title)
	if len(base) > 70 {
		base = strings.TrimRight(base[:70], "-")
	}
	if base == "" {
		base = "vijest"
	}
	return base + "-" + pid[:8]
}

// Translate adds or replaces the article's text in another language.
func (s *Articles) Translate(ctx context.Context, u *auth.User, slug, lang, title, summary, body string) error {
	a, err := s.BySlug(ctx, slug)
	if err != nil {
		return err
	}
	if !auth.CanPublishAs(u, a.AuthorKind, a.AuthorRef) {
		return refuse.ErrForbidden
	}
	in := ArticleInput{Lang: lang, Title: title, Summary: summary, Body: body}
	if errs := in.validate(); len(errs) > 0 {
		return errs
	}
	if a.Original().Lang == lang {
		return refuse.FieldErrors{"lang": "news.error.original_lang"}
	}
	t := Translation{Lang: lang, Title: in.Title, Summary: in.Summary, BodyMD: in.Body, BodyHTML: text.Markdown(in.Body)}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		now := db.Now()
		if err := putTranslation(ctx, tx, a.ID, t, now); err != nil {
			return err
		}
		if err := touchArticle(ctx, tx, a.ID, now); err != nil {
			return err
		}
		a.Translations = append(slices.DeleteFunc(a.Translations, func(x Translation) bool { return x.Lang == lang }), t)
		if err := auditArticle(ctx, tx, u, "news.article.translate", a, map[string]string{"lang": lang}); err != nil {
			return err
		}
		return s.indexArticle(ctx, tx, a)
	})
}

// Delete hides an article (soft delete).
func (s *Articles) Delete(ctx context.Context, u *auth.User, slug string) error {
	a, err := s.BySlug(ctx, slug)
	if err != nil {
		return err
	}
	if !auth.CanPublishAs(u, a.AuthorKind, a.AuthorRef) {
		return refuse.ErrForbidden
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := markArticleDeleted(ctx, tx, a.ID, db.Now()); err != nil {
			return err
		}
		if err := auditArticle(ctx, tx, u, "news.article.delete", a, nil); err != nil {
			return err
		}
		if s.index == nil {
			return nil
		}
		return s.index.Delete(ctx, tx, DocType, a.Slug)
	})
}

// BySlug loads a published article with its texts and tags.
func (s *Articles) BySlug(ctx context.Context, slug string) (*Article, error) {
	if slug == "" || len(slug) > 120 {
		return nil, refuse.ErrNotFound
	}
	a, err := publishedArticleBySlug(ctx, s.db, slug)
	if err != nil {
		return nil, fmt.Errorf("news.BySlug(%q): %w", slug, err)
	}
	if err := s.fill(ctx, []*Article{a}, true); err != nil {
		return nil, err
	}
	return a, nil
}

// fill loads translations (with bodies when full) and tags of articles.
func (s *Articles) fill(ctx context.Context, as []*Article, full bool) error {
	return fillFrom(ctx, s.db, as, full)
}

// Filter selects articles for the list, the API and the feed.
type Filter struct {
	LSG, Programme, Sector string
	Lang                   string // only articles available in this content language
	Limit, Offset          int
	Since                  time.Time
}

// List returns published articles, newest first, and how many match.
func (s *Articles) List(ctx context.Context, f Filter) ([]*Article, int, error) {
	if f.Limit <= 0 || f.Limit > 100 {
		f.Limit = 20
	}
	out, total, err := listArticles(ctx, s.db, f)
	if err != nil {
		return nil, 0, fmt.Errorf("news.List: %w", err)
	}
	return out, total, s.fill(ctx, out, false)
}

// ListFull is List with the article bodies (for the feed and the newsletter).
func (s *Articles) ListFull(ctx context.Context, f Filter) ([]*Article, error) {
	as, _, err := s.List(ctx, f)
	if err != nil {
		return nil, err
	}
	for _, a := range as {
		a.Translations, a.Tags = nil, nil
	}
	return as, s.fill(ctx, as, true)
}

// Related returns up to n other articles sharing a tag with a, newest first.
func (s *Articles) Related(ctx context.Context, a *Article, n int) ([]*Article, error) {
	if len(a.Tags) == 0 {
		return nil, nil
	}
	out, err := relatedArticles(ctx, s.db, a, n)
	if err != nil {
		return nil, fmt.Errorf("news.Related: %w", err)
	}
	return out, s.fill(ctx, out, false)
}

// viewSecret is a random server secret kept in the database (shared by
// every instance), so that reader hashes cannot be recomputed from an IP.
func (s *Articles) viewSecret(ctx context.Context) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.secret != nil {
		return s.secret, nil
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	v, err := setting(ctx, s.db, "view_secret", hex.EncodeToString(b), db.Now())
	if err != nil {
		return nil, fmt.Errorf("news.viewSecret: %w", err)
	}
	sec, err := hex.DecodeString(v)
	if err != nil {
		return nil, fmt.Errorf("news.viewSecret: %w", err)
	}
	s.secret = sec
	return sec, nil
}

// ReaderHash is the day's anonymous identity of a reader: an HMAC-SHA-256
// of IP, user agent and day under the server secret. Neither the IP nor the
// user agent is stored.
func ReaderHash(secret []byte, ip, ua string, day string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ip))
	m.Write([]byte{0})
	m.Write([]byte(ua))
	m.Write([]byte{0})
	m.Write([]byte(day))
	return hex.EncodeToString(m.Sum(nil))
}

// CountView counts a reader once per article and day. The UNIQUE
// (article, day, hash) insert decides, so concurrent requests of the same
// reader count once and the total stays exact under load. It reports
// whether the view was new.
func (s *Articles) CountView(ctx context.Context, a *Article, ip, ua string, now time.Time) (bool, error) {
	sec, err := s.viewSecret(ctx)
	if err != nil {
		return false, err
	}
	day := now.UTC().Format("2006-01-02")
	h := ReaderHash(sec, ip, ua, day)
	counted := false
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		counted, err = countView(ctx, tx, a.ID, day, h, db.Now())
		return err
	})
	if err != nil {
		return false, fmt.Errorf("news.CountView: %w", err)
	}
	if counted {
		a.Views++
	}
	return counted, nil
}

// PurgeViews forgets reader hashes older than two days (the counts stay).
func (s *Articles) PurgeViews(ctx context.Context, now time.Time) (int64, error) {
	n, err := purgeViews(ctx, s.db, now.UTC().AddDate(0, 0, -2).Format("2006-01-02"))
	if err != nil {
		return 0, fmt.Errorf("news.PurgeViews: %w", err)
	}
	return n, nil
}

// Views returns the stored count of an article.
func (s *Articles) Views(ctx context.Context, slug string) (int64, error) {
	return viewsBySlug(ctx, s.db, slug)
}

// TagValues are the values of one kind of tag ("programme", "sector")
// that articles carry, in alphabetical order.
func (s *Articles) TagValues(ctx context.Context, kind string) ([]string, error) {
	vs, err := tagValues(ctx, s.db, kind)
	if err != nil {
		return nil, fmt.Errorf("news.TagValues(%s): %w", kind, err)
	}
	return vs, nil
}
