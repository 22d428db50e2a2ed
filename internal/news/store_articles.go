package news

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/refuse"
)

// The SQL of articles, their translations, tags and view counts. Functions
// take a db.Querier (the database or a transaction); the service decides
// what runs in one transaction. A missing row is refuse.ErrNotFound.

const articleCols = `a.id, a.public_id, a.slug, a.author_kind, a.author_ref, a.author_name, COALESCE(a.created_by, 0), a.status, a.lead_image, a.image_alt, a.published_at, a.updated_at, a.views`

func scanArticle(row db.Scanner) (*Article, error) {
	a := &Article{}
	var img string
	if err := row.Scan(&a.ID, &a.PublicID, &a.Slug, &a.AuthorKind, &a.AuthorRef, &a.AuthorName, &a.CreatedBy, &a.Status, &img, &a.ImageAlt, &a.PublishedAt, &a.UpdatedAt, &a.Views); err != nil {
		return nil, err
	}
	parseImageRef(a, img)
	return a, nil
}

func scanArticles(rs *sql.Rows, err error) ([]*Article, error) {
	return db.Collect(rs, err, scanArticle)
}

// insertArticle writes a new article with its first translation and tags.
func insertArticle(ctx context.Context, q db.Querier, a *Article, now time.Time) error {
	var createdBy any
	if a.CreatedBy != 0 {
		createdBy = a.CreatedBy
	}
	id, err := db.InsertID(ctx, q, `INSERT INTO news_articles (public_id, slug, author_kind, author_ref, author_name, created_by, status, lead_image, image_alt, published_at, views, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, 'published', ?, ?, ?, 0, ?, ?) RETURNING id`,
		a.PublicID, a.Slug, a.AuthorKind, a.AuthorRef, a.AuthorName, createdBy, imageRef(a), a.ImageAlt, a.PublishedAt, now, now)
	if err != nil {
		return fmt.Errorf("insert article: %w", err)
	}
	a.ID = id
	if err := putTranslation(ctx, q, id, a.Translations[0], now); err != nil {
		return err
	}
	for _, t := range a.Tags {
		if _, err := q.ExecContext(ctx, `INSERT INTO news_tags (article_id, kind, value, created_at, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, id, t.Kind, t.Value, now, now); err != nil {
			return fmt.Errorf("insert article tag: %w", err)
		}
	}
	return nil
}

// putTranslation adds or replaces one language's text of an article.
func putTranslation(ctx context.Context, q db.Querier, articleID int64, t Translation, now time.Time) error {
	orig := 0
	if t.Original {
		orig = 1
	}
	_, err := q.ExecContext(ctx, `INSERT INTO news_translations (article_id, lang, is_original, title, summary, body_md, body_html, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (article_id, lang) DO UPDATE SET title = excluded.title, summary = excluded.summary, body_md = excluded.body_md, body_html = excluded.body_html, updated_at = excluded.updated_at`,
		articleID, t.Lang, orig, t.Title, t.Summary, t.BodyMD, t.BodyHTML, now, now)
	if err != nil {
		return fmt.Errorf("put translation: %w", err)
	}
	return nil
}

func touchArticle(ctx context.Context, q db.Querier, id int64, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE news_articles SET updated_at = ? WHERE id = ?`, now, id)
	return err
}

func markArticleDeleted(ctx context.Context, q db.Querier, id int64, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE news_articles SET status = 'deleted', updated_at = ? WHERE id = ?`, now, id)
	return err
}

func publishedArticleBySlug(ctx context.Context, q db.Querier, slug string) (*Article, error) {
	a, err := scanArticle(q.QueryRowContext(ctx, `SELECT `+articleCols+` FROM news_articles a WHERE a.slug = ? AND a.status = 'published'`, slug))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, refuse.ErrNotFound
	}
	return a, err
}

// publishedArticlesAfter is the next page of published articles by id.
func publishedArticlesAfter(ctx context.Context, q db.Querier, after int64, n int) ([]*Article, error) {
	return scanArticles(q.QueryContext(ctx, `SELECT `+articleCols+` FROM news_articles a WHERE a.status = 'published' AND a.id > ? ORDER BY a.id LIMIT ?`, after, n))
}

// fillFrom reads the translations (with bodies when full) and tags of as.
func fillFrom(ctx context.Context, q db.Querier, as []*Article, full bool) error {
	if len(as) == 0 {
		return nil
	}
	byID := map[int64]*Article{}
	ids := make([]any, len(as))
	for i, a := range as {
		byID[a.ID] = a
		ids[i] = a.ID
	}
	in := strings.TrimSuffix(strings.Repeat("?,", len(as)), ",")
	if err := fillTranslations(ctx, q, byID, in, ids, full); err != nil {
		return fmt.Errorf("news.fill: %w", err)
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

func fillTranslations(ctx context.Context, q db.Querier, byID map[int64]*Article, in string, ids []any, full bool) error {
	body := `'', ''`
	if full {
		body = `body_md, body_html`
	}
	rs, err := q.QueryContext(ctx, `SELECT article_id, lang, is_original, title, summary, `+body+` FROM news_translations WHERE article_id IN (`+in+`) ORDER BY article_id, is_original DESC, lang`, ids...)
	if err != nil {
		return err
	}
	defer rs.Close()
	for rs.Next() {
		var id int64
		var orig int
		var t Translation
		if err := rs.Scan(&id, &t.Lang, &orig, &t.Title, &t.Summary, &t.BodyMD, &t.BodyHTML); err != nil {
			return err
		}
		t.Original = orig == 1
		byID[id].Translations = append(byID[id].Translations, t)
	}
	return rs.Err()
}

// listArticles is a page of published articles matching f, newest first,
// and how many match in all.
func listArticles(ctx context.Context, q db.Querier, f Filter) ([]*Article, int, error) {
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
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM news_articles a WHERE `+w, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count: %w", err)
	}
	as, err := scanArticles(q.QueryContext(ctx, `SELECT `+articleCols+` FROM news_articles a WHERE `+w+` ORDER BY a.published_at DESC, a.id DESC LIMIT ? OFFSET ?`, append(args, f.Limit, max(f.Offset, 0))...))
	return as, total, err
}

// relatedArticles are up to n other published articles sharing a tag with a.
func relatedArticles(ctx context.Context, q db.Querier, a *Article, n int) ([]*Article, error) {
	var cond []string
	args := []any{a.ID}
	for _, t := range a.Tags {
		cond = append(cond, `(t.kind = ? AND t.value = ?)`)
		args = append(args, t.Kind, t.Value)
	}
	args = append(args, n)
	return scanArticles(q.QueryContext(ctx, `SELECT `+articleCols+` FROM news_articles a WHERE a.status = 'published' AND a.id <> ?
AND EXISTS (SELECT 1 FROM news_tags t WHERE t.article_id = a.id AND (`+strings.Join(cond, " OR ")+`))
ORDER BY a.published_at DESC, a.id DESC LIMIT ?`, args...))
}

// setting returns the value of a named setting, writing value first when
// the setting is not set yet (the first writer of all instances wins).
func setting(ctx context.Context, q db.Querier, name, value string, now time.Time) (string, error) {
	if _, err := q.ExecContext(ctx, `INSERT INTO news_settings (name, value, created_at, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING`, name, value, now, now); err != nil {
		return "", err
	}
	var v string
	err := q.QueryRowContext(ctx, `SELECT value FROM news_settings WHERE name = ?`, name).Scan(&v)
	return v, err
}

// countView records a reader's view of an article on a day once; it
// reports whether the view was new (and then raised the article's count).
func countView(ctx context.Context, q db.Querier, articleID int64, day, reader string, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, `INSERT INTO news_views (article_id, day, reader_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, articleID, day, reader, now, now)
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	_, err = q.ExecContext(ctx, `UPDATE news_articles SET views = views + 1 WHERE id = ?`, articleID)
	return err == nil, err
}

func purgeViews(ctx context.Context, q db.Querier, before string) (int64, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM news_views WHERE day < ?`, before)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func viewsBySlug(ctx context.Context, q db.Querier, slug string) (int64, error) {
	var n int64
	err := q.QueryRowContext(ctx, `SELECT views FROM news_articles WHERE slug = ?`, slug).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, refuse.ErrNotFound
	}
	return n, err
}

// articleImage is an article's row id, public id and lead image reference.
type articleImage struct {
	ID       int64
	PublicID string
	Ref      string // "<stem>:480,960"
}

// articleImages lists every article with a lead image, in any status.
func articleImages(ctx context.Context, q db.Querier) ([]articleImage, error) {
	return db.All(ctx, q, func(r db.Scanner) (articleImage, error) {
		var a articleImage
		return a, r.Scan(&a.ID, &a.PublicID, &a.Ref)
	}, `SELECT id, public_id, lead_image FROM news_articles WHERE lead_image <> '' ORDER BY id`)
}

// tagValues are the values of one kind of tag that published articles
// carry, for the pick lists of the filter and the form.
func tagValues(ctx context.Context, q db.Querier, kind string) ([]string, error) {
	return db.All(ctx, q, db.ScanString, `SELECT DISTINCT t.value FROM news_tags t WHERE t.kind = ? ORDER BY t.value`, kind)
}
