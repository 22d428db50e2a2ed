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
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

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

// Service holds the rules of news and the newsletter.
type Service struct {
	db      *db.DB
	out     *mail.Outbox
	cat     *i18n.Catalog
	log     *slog.Logger
	baseURL string
	uploads string // directory of lead images

	oneClick bool
	thread   ThreadFunc     // comments under an article; nil: none
	index    search.Indexer // the platform's search index; nil: not indexed

	mu     sync.Mutex
	secret []byte
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
	return &Service{db: d.DB, out: d.Outbox, cat: d.Catalog, log: d.Log, baseURL: strings.TrimRight(d.BaseURL, "/"), uploads: d.Uploads,
		index: d.Index, thread: d.Comments, oneClick: d.OneClick}
}

// Uploads is the directory of lead images.
func (s *Service) Uploads() string { return s.uploads }

// BaseURL is the public address used in feeds and mail.
func (s *Service) BaseURL() string { return s.baseURL }

// Outbox is the mail outbox the service enqueues into.
func (s *Service) Outbox() *mail.Outbox { return s.out }

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
func (s *Service) Create(ctx context.Context, u *auth.User, in ArticleInput) (*Article, error) {
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
		now := db.Now()
		var createdBy any
		if a.CreatedBy != 0 {
			createdBy = a.CreatedBy
		}
		id, err := db.InsertID(ctx, tx, `INSERT INTO news_articles (public_id, slug, author_kind, author_ref, author_name, created_by, status, lead_image, image_alt, published_at, views, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, 'published', ?, ?, ?, 0, ?, ?) RETURNING id`,
			a.PublicID, a.Slug, a.AuthorKind, a.AuthorRef, a.AuthorName, createdBy, imageRef(a), a.ImageAlt, a.PublishedAt, now, now)
		if err != nil {
			return fmt.Errorf("news.Create: %w", err)
		}
		a.ID = id
		if err := putTranslation(ctx, tx, id, a.Translations[0]); err != nil {
			return err
		}
		for _, t := range a.Tags {
			if _, err := tx.ExecContext(ctx, `INSERT INTO news_tags (article_id, kind, value, created_at, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, id, t.Kind, t.Value, now, now); err != nil {
				return fmt.Errorf("news.Create: tag: %w", err)
			}
		}
		return s.indexArticle(ctx, tx, a)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
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
func (s *Service) ImagePath(name string) string { return filepath.Join(s.uploads, name) }

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

func putTranslation(ctx context.Context, q db.Querier, articleID int64, t Translation) error {
	now := db.Now()
	orig := 0
	if t.Original {
		orig = 1
	}
	_, err := q.ExecContext(ctx, `INSERT INTO news_translations (article_id, lang, is_original, title, summary, body_md, body_html, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (article_id, lang) DO UPDATE SET title = excluded.title, summary = excluded.summary, body_md = excluded.body_md, body_html = excluded.body_html, updated_at = excluded.updated_at`,
		articleID, t.Lang, orig, t.Title, t.Summary, t.BodyMD, t.BodyHTML, now, now)
	if err != nil {
		return fmt.Errorf("news.putTranslation: %w", err)
	}
	return nil
}

// Translate adds or replaces the article's text in another language.
func (s *Service) Translate(ctx context.Context, u *auth.User, slug, lang, title, summary, body string) error {
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
		if err := putTranslation(ctx, tx, a.ID, t); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE news_articles SET updated_at = ? WHERE id = ?`, db.Now(), a.ID); err != nil {
			return err
		}
		a.Translations = append(slices.DeleteFunc(a.Translations, func(x Translation) bool { return x.Lang == lang }), t)
		return s.indexArticle(ctx, tx, a)
	})
}

// Delete hides an article (soft delete).
func (s *Service) Delete(ctx context.Context, u *auth.User, slug string) error {
	a, err := s.BySlug(ctx, slug)
	if err != nil {
		return err
	}
	if !auth.CanPublishAs(u, a.AuthorKind, a.AuthorRef) {
		return refuse.ErrForbidden
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE news_articles SET status = 'deleted', updated_at = ? WHERE id = ?`, db.Now(), a.ID); err != nil {
			return err
		}
		if s.index == nil {
			return nil
		}
		return s.index.Delete(ctx, tx, DocType, a.Slug)
	})
}

const articleCols = `a.id, a.public_id, a.slug, a.author_kind, a.author_ref, a.author_name, COALESCE(a.created_by, 0), a.status, a.lead_image, a.image_alt, a.published_at, a.updated_at, a.views`

func scanArticle(row interface{ Scan(...any) error }) (*Article, error) {
	a := &Article{}
	var img string
	if err := row.Scan(&a.ID, &a.PublicID, &a.Slug, &a.AuthorKind, &a.AuthorRef, &a.AuthorName, &a.CreatedBy, &a.Status, &img, &a.ImageAlt, &a.PublishedAt, &a.UpdatedAt, &a.Views); err != nil {
		return nil, err
	}
	parseImageRef(a, img)
	return a, nil
}

// BySlug loads a published article with its texts and tags.
func (s *Service) BySlug(ctx context.Context, slug string) (*Article, error) {
	if slug == "" || len(slug) > 120 {
		return nil, refuse.ErrNotFound
	}
	a, err := scanArticle(s.db.QueryRowContext(ctx, `SELECT `+articleCols+` FROM news_articles a WHERE a.slug = ? AND a.status = 'published'`, slug))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, refuse.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("news.BySlug(%q): %w", slug, err)
	}
	if err := s.fill(ctx, []*Article{a}, true); err != nil {
		return nil, err
	}
	return a, nil
}

// fill loads translations (with bodies when full) and tags of articles.
func (s *Service) fill(ctx context.Context, as []*Article, full bool) error {
	return fillFrom(ctx, s.db, as, full)
}

// fillFrom reads the translations and tags of as through q.
func fillFrom(ctx context.Context, q db.Querier, as []*Article, full bool) error {
	if len(as) == 0 {
		return nil
	}
	byID := map[int64]*Article{}
	ids := make([]any, len(as))
	ph := make([]string, len(as))
	for i, a := range as {
		byID[a.ID] = a
		ids[i] = a.ID
		ph[i] = "?"
	}
	in := strings.Join(ph, ",")
	body := `'', ''`
	if full {
		body = `body_md, body_html`
	}
	rs, err := q.QueryContext(ctx, `SELECT article_id, lang, is_original, title, summary, `+body+` FROM news_translations WHERE article_id IN (`+in+`) ORDER BY article_id, is_original DESC, lang`, ids...)
	if err != nil {
		return fmt.Errorf("news.fill: %w", err)
	}
	defer rs.Close()
	for rs.Next() {
		var id int64
		var orig int
		var t Translation
		if err := rs.Scan(&id, &t.Lang, &orig, &t.Title, &t.Summary, &t.BodyMD, &t.BodyHTML); err != nil {
			return fmt.Errorf("news.fill: %w", err)
		}
		t.Original = orig == 1
		byID[id].Translations = append(byID[id].Translations, t)
	}
	if err := rs.Err(); err != nil {
		return err
	}
	rt, err := q.QueryContext(ctx, `SELECT article_id, kind, value FROM news_tags WHERE article_id IN (`+in+`) ORDER BY kind, value`, ids...)
	if err != nil {
		return fmt.Errorf("news.fill: tags: %w", err)
	}
	defer rt.Close()
	for rt.Next() {
		var id int64
		var t Tag
		if err := rt.Scan(&id, &t.Kind, &t.Value); err != nil {
			return fmt.Errorf("news.fill: tags: %w", err)
		}
		byID[id].Tags = append(byID[id].Tags, t)
	}
	return rt.Err()
}

// Filter selects articles for the list, the API and the feed.
type Filter struct {
	LSG, Programme, Sector string
	Lang                   string // only articles available in this content language
	Limit, Offset          int
	Since                  time.Time
}

// List returns published articles, newest first, and how many match.
func (s *Service) List(ctx context.Context, f Filter) ([]*Article, int, error) {
	if f.Limit <= 0 || f.Limit > 100 {
		f.Limit = 20
	}
	where := []string{"a.status = 'published'"}
	var args []any
	for kind, v := range map[string]string{TagLSG: f.LSG, TagProgramme: f.Programme, TagSector: f.Sector} {
		if v != "" {
			where = append(where, `EXISTS (SELECT 1 FROM news_tags t WHERE t.article_id = a.id AND t.kind = ? AND t.value = ?)`)
			args = append(args, kind, v)
		}
	}
	if f.Lang != "" {
		where = append(where, `EXISTS (SELECT 1 FROM news_translations tr WHERE tr.article_id = a.id AND tr.lang = ?)`)
		args = append(args, f.Lang)
	}
	if !f.Since.IsZero() {
		where = append(where, `a.published_at >= ?`)
		args = append(args, db.Time(f.Since))
	}
	w := strings.Join(where, " AND ")
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM news_articles a WHERE `+w, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("news.List: count: %w", err)
	}
	rs, err := s.db.QueryContext(ctx, `SELECT `+articleCols+` FROM news_articles a WHERE `+w+` ORDER BY a.published_at DESC, a.id DESC LIMIT ? OFFSET ?`, append(args, f.Limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, fmt.Errorf("news.List: %w", err)
	}
	defer rs.Close()
	var out []*Article
	for rs.Next() {
		a, err := scanArticle(rs)
		if err != nil {
			return nil, 0, fmt.Errorf("news.List: %w", err)
		}
		out = append(out, a)
	}
	if err := rs.Err(); err != nil {
		return nil, 0, err
	}
	rs.Close()
	return out, total, s.fill(ctx, out, false)
}

// ListFull is List with the article bodies (for the feed and the newsletter).
func (s *Service) ListFull(ctx context.Context, f Filter) ([]*Article, error) {
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
func (s *Service) Related(ctx context.Context, a *Article, n int) ([]*Article, error) {
	if len(a.Tags) == 0 {
		return nil, nil
	}
	var cond []string
	args := []any{a.ID}
	for _, t := range a.Tags {
		cond = append(cond, `(t.kind = ? AND t.value = ?)`)
		args = append(args, t.Kind, t.Value)
	}
	args = append(args, n)
	rs, err := s.db.QueryContext(ctx, `SELECT `+articleCols+` FROM news_articles a WHERE a.status = 'published' AND a.id <> ?
AND EXISTS (SELECT 1 FROM news_tags t WHERE t.article_id = a.id AND (`+strings.Join(cond, " OR ")+`))
ORDER BY a.published_at DESC, a.id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("news.Related: %w", err)
	}
	defer rs.Close()
	var out []*Article
	for rs.Next() {
		r, err := scanArticle(rs)
		if err != nil {
			return nil, fmt.Errorf("news.Related: %w", err)
		}
		out = append(out, r)
	}
	if err := rs.Err(); err != nil {
		return nil, err
	}
	rs.Close()
	return out, s.fill(ctx, out, false)
}

// viewSecret is a random server secret kept in the database (shared by
// every instance), so that reader hashes cannot be recomputed from an IP.
func (s *Service) viewSecret(ctx context.Context) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.secret != nil {
		return s.secret, nil
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	now := db.Now()
	if _, err := s.db.ExecContext(ctx, `INSERT INTO news_settings (name, value, created_at, updated_at) VALUES ('view_secret', ?, ?, ?) ON CONFLICT (name) DO NOTHING`, hex.EncodeToString(b), now, now); err != nil {
		return nil, fmt.Errorf("news.viewSecret: %w", err)
	}
	var v string
	if err := s.db.QueryRowContext(ctx, `SELECT value FROM news_settings WHERE name = 'view_secret'`).Scan(&v); err != nil {
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
func (s *Service) CountView(ctx context.Context, a *Article, ip, ua string, now time.Time) (bool, error) {
	sec, err := s.viewSecret(ctx)
	if err != nil {
		return false, err
	}
	day := now.UTC().Format("2006-01-02")
	h := ReaderHash(sec, ip, ua, day)
	counted := false
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		ts := db.Now()
		res, err := tx.ExecContext(ctx, `INSERT INTO news_views (article_id, day, reader_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, a.ID, day, h, ts, ts)
		if err != nil {
			return fmt.Errorf("news.CountView: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		counted = true
		_, err = tx.ExecContext(ctx, `UPDATE news_articles SET views = views + 1 WHERE id = ?`, a.ID)
		return err
	})
	if err == nil && counted {
		a.Views++
	}
	return counted, err
}

// PurgeViews forgets reader hashes older than two days (the counts stay).
func (s *Service) PurgeViews(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM news_views WHERE day < ?`, now.UTC().AddDate(0, 0, -2).Format("2006-01-02"))
	if err != nil {
		return 0, fmt.Errorf("news.PurgeViews: %w", err)
	}
	return res.RowsAffected()
}

// Views returns the stored count of an article.
func (s *Service) Views(ctx context.Context, slug string) (int64, error) {
	var n int64
	err := s.db.QueryRowContext(ctx, `SELECT views FROM news_articles WHERE slug = ?`, slug).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, refuse.ErrNotFound
	}
	return n, err
}
