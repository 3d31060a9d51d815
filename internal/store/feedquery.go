package store

import (
	"context"
	"fmt"
	"time"

	"github.com/qalamnews/qalam"
)

// The reads behind sitemaps and comment feeds: narrow columns, because a
// sitemap lists every published article and needs only its address and
// dates, and a public feed must not even hold what it must not show.

// SettingFeedContent is the setting that says what feeds carry: the full
// text of articles (unset, or FeedFullText) or only their summaries
// (FeedExcerpts).
const SettingFeedContent = "feed_content"

// Values of SettingFeedContent.
const (
	FeedFullText = "full"
	FeedExcerpts = "excerpt"
)

// SitemapArticle is a published article as a sitemap lists it.
type SitemapArticle struct {
	Slug      string
	Language  qalam.Language
	Headline  string
	Published time.Time
	Updated   time.Time // when readers were last told it changed
}

// SitemapMonth is a calendar month (UTC) in which articles were published.
type SitemapMonth struct {
	Month   time.Time // the first instant of the month, UTC
	Updated time.Time // the latest update of its articles
	Count   int
}

// SitemapSection is a category, tag or author page with published
// articles.
type SitemapSection struct {
	Kind    string // "category", "tag" or "author"
	Slug    string
	Updated time.Time // the latest update of its articles
}

// SitemapMonths lists the months with published articles, oldest first.
// Months are grouped here rather than in SQL, where the two dialects
// disagree on date functions; the query reads two timestamps a row.
func (s *Store) SitemapMonths(ctx context.Context) ([]SitemapMonth, error) {
	rows, err := s.reader.QueryContext(ctx, `
		SELECT a.published_at, a.updated_at FROM articles a
		WHERE a.status = $1 ORDER BY `+articleOrder, qalam.Published)
	if err != nil {
		return nil, fmt.Errorf("store: sitemap months: %w", translate(err, "article", ""))
	}
	type row struct{ published, updated time.Time }
	list, err := collect(rows, func(r scanner) (row, error) {
		var v row
		err := r.Scan(scanTime(&v.published), scanTime(&v.updated))
		return v, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: sitemap months: %w", translate(err, "article", ""))
	}
	months := []SitemapMonth{}
	for _, r := range list {
		m := time.Date(r.published.Year(), r.published.Month(), 1, 0, 0, 0, 0, time.UTC)
		if n := len(months); n == 0 || !months[n-1].Month.Equal(m) {
			months = append(months, SitemapMonth{Month: m})
		}
		cur := &months[len(months)-1]
		cur.Count++
		if u := later(r.published, r.updated); u.After(cur.Updated) {
			cur.Updated = u
		}
	}
	return months, nil
}

// SitemapArticles lists up to limit articles published in [from, to),
// newest first; a zero to sets no upper bound.
func (s *Store) SitemapArticles(ctx context.Context, from, to time.Time, limit int) ([]SitemapArticle, error) {
	var a args
	where := "a.status = " + a.add(qalam.Published) + " AND " + articleOrder + " >= " + a.add(s.d.ts(from))
	if !to.IsZero() {
		where += " AND " + articleOrder + " < " + a.add(s.d.ts(to))
	}
	rows, err := s.reader.QueryContext(ctx, `
		SELECT a.slug, a.language, a.headline, a.published_at, a.updated_at FROM articles a
		WHERE `+where+`
		ORDER BY `+articleOrder+` DESC, a.id DESC LIMIT `+a.add(limit), a...)
	if err != nil {
		return nil, fmt.Errorf("store: sitemap articles: %w", translate(err, "article", ""))
	}
	list, err := collect(rows, func(r scanner) (SitemapArticle, error) {
		var v SitemapArticle
		err := r.Scan(&v.Slug, &v.Language, &v.Headline, scanTime(&v.Published), scanTime(&v.Updated))
		v.Updated = later(v.Published, v.Updated)
		return v, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: sitemap articles: %w", translate(err, "article", ""))
	}
	return list, nil
}

// SitemapSections lists the category, tag and author pages that have
// published articles (an empty page is not worth a search engine's
// visit), by kind and slug.
func (s *Store) SitemapSections(ctx context.Context) ([]SitemapSection, error) {
	rows, err := s.reader.QueryContext(ctx, `
		SELECT 'author', u.slug, MAX(a.updated_at) FROM authors u
		JOIN article_authors x ON x.author_id = u.id JOIN articles a ON a.id = x.article_id
		WHERE a.status = $1 GROUP BY u.slug
		UNION ALL
		SELECT 'category', c.slug, MAX(a.updated_at) FROM categories c
		JOIN articles a ON a.category_id = c.id
		WHERE a.status = $1 GROUP BY c.slug
		UNION ALL
		SELECT 'tag', t.slug, MAX(a.updated_at) FROM tags t
		JOIN article_tags x ON x.tag_id = t.id JOIN articles a ON a.id = x.article_id
		WHERE a.status = $1 GROUP BY t.slug
		ORDER BY 1, 2`, qalam.Published)
	if err != nil {
		return nil, fmt.Errorf("store: sitemap sections: %w", translate(err, "article", ""))
	}
	list, err := collect(rows, func(r scanner) (SitemapSection, error) {
		var v SitemapSection
		err := r.Scan(&v.Kind, &v.Slug, scanTime(&v.Updated))
		return v, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: sitemap sections: %w", translate(err, "article", ""))
	}
	return list, nil
}

// LatestComments returns up to limit approved comments on the article,
// newest first, for its comments feed. Only what a feed shows is read:
// the commenter's email address, website and address hash stay behind.
func (s *Store) LatestComments(ctx context.Context, articleID int64, limit int) ([]*qalam.Comment, error) {
	rows, err := s.reader.QueryContext(ctx, `
		SELECT id, article_id, COALESCE(parent_id, 0), author_name, body_html, status,
		       created_at, updated_at, edited_at
		FROM comments WHERE article_id = $1 AND status = $2 AND erased_at IS NULL
		ORDER BY created_at DESC, id DESC LIMIT $3`, articleID, qalam.Approved, limit)
	if err != nil {
		return nil, fmt.Errorf("store: latest comments: %w", translate(err, "comment", ""))
	}
	list, err := collect(rows, func(r scanner) (*qalam.Comment, error) {
		var c qalam.Comment
		err := r.Scan(&c.ID, &c.ArticleID, &c.ParentID, &c.AuthorName, &c.BodyHTML, &c.Status,
			scanTime(&c.CreatedAt), scanTime(&c.UpdatedAt), scanTime(&c.EditedAt))
		return &c, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: latest comments: %w", translate(err, "comment", ""))
	}
	return list, nil
}

// later returns the later of two times.
func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
