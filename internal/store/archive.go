package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/qalamnews/qalam"
)

// The reads behind the reader's lists: the front page, the category, tag
// and author pages, and the archive by month. Every list is newest first
// and paged by keyset (the place of the last article shown), so a page
// stays the same while new articles arrive above it.

// SettingFeaturedArticle is the setting naming (by ID) the article editors
// put at the top of the front page. Unset, or naming an article that is no
// longer published, the newest article leads.
const SettingFeaturedArticle = "featured_article"

// Cursor is an article's place in the newest-first order of every list:
// when it was published, then its ID. A page "before" a cursor holds the
// articles after it in that order.
type Cursor struct {
	Published time.Time
	ID        int64
}

// IsZero reports whether c names no place: the top of the list.
func (c Cursor) IsZero() bool { return c.ID == 0 }

// CursorOf is the article's place in lists.
func CursorOf(a *qalam.Article) Cursor { return Cursor{Published: a.PublishedAt, ID: a.ID} }

// before reports whether c comes before d in the newest-first order.
func (c Cursor) before(d Cursor) bool {
	return c.Published.After(d.Published) || c.Published.Equal(d.Published) && c.ID > d.ID
}

// ListFilter selects the published articles of a list. Zero fields do not
// filter.
type ListFilter struct {
	CategoryID, AuthorID, TagID int64
	// From and To bound the publication time, [From, To): a month of the
	// archive.
	From, To time.Time
}

// Listing is one page of a list, with the places of its neighbours.
type Listing struct {
	Articles []*qalam.Article
	// Older is where the next, older page starts; nil on the last page.
	Older *Cursor
	// Newer is where the previous, newer page starts: nil on the first
	// page, and a zero Cursor when the newer page is the first.
	Newer *Cursor
}

// maxListLimit is the largest page ListPublished serves: one more article
// is read to tell whether another page follows.
const maxListLimit = maxArticleLimit - 1

// ListPublished returns up to limit published articles matching f that
// come after the cursor (from the top when it is zero), newest first, with
// the cursors of the pages on either side. The newer page is the limit
// articles just above this one: "newer" then "older" comes back here, even
// after new articles arrived.
func (s *Store) ListPublished(ctx context.Context, f ListFilter, after Cursor, limit int) (Listing, error) {
	limit = max(1, min(limit, maxListLimit))
	published := qalam.Published
	filter := ArticleFilter{Status: &published, CategoryID: f.CategoryID, AuthorID: f.AuthorID, TagID: f.TagID}
	var page Listing
	err := s.read(ctx, func(tx *sql.Tx) error {
		// The upper bound is the cursor or the end of the window,
		// whichever is lower: the keyset condition serves both.
		upper := after
		if !f.To.IsZero() {
			end := Cursor{Published: f.To.Add(-time.Microsecond), ID: math.MaxInt64}
			if upper.IsZero() || upper.before(end) {
				upper = end
			}
		}
		q := articleQuery{ArticleFilter: filter}
		q.BeforePublished, q.BeforeID, q.Limit = upper.Published, upper.ID, limit+1
		list, err := s.findArticles(ctx, tx, q)
		if err != nil {
			return err
		}
		if !f.From.IsZero() {
			for i, a := range list {
				if a.PublishedAt.Before(f.From) {
					list = list[:i]
					break
				}
			}
		}
		if len(list) > limit {
			list = list[:limit]
			c := CursorOf(list[limit-1])
			page.Older = &c
		}
		page.Articles = list
		if after.IsZero() {
			return nil
		}
		// The newer page ends just above this page's first article.
		top := after
		if len(list) > 0 {
			top = CursorOf(list[0])
		}
		newer, err := s.newerCursors(ctx, tx, filter, f.To, top, limit+1)
		if err != nil {
			return err
		}
		switch {
		case len(newer) > limit:
			page.Newer = &newer[limit]
		case len(newer) > 0:
			page.Newer = &Cursor{}
		}
		return nil
	})
	if err != nil {
		return Listing{}, fmt.Errorf("store: list articles: %w", err)
	}
	return page, nil
}

// newerCursors returns the places of up to limit articles matching f just
// above the cursor c (and before the end of the window, if any), nearest
// first.
func (s *Store) newerCursors(ctx context.Context, tx *sql.Tx, f ArticleFilter, to time.Time, c Cursor, limit int) ([]Cursor, error) {
	var a args
	where := s.articleWhere(&a, articleQuery{ArticleFilter: f}, false)
	where += " AND (" + articleOrder + ", a.id) > (" + a.add(s.d.ts(c.Published)) + ", " + a.add(c.ID) + ")"
	if !to.IsZero() {
		where += " AND " + articleOrder + " < " + a.add(s.d.ts(to))
	}
	rows, err := tx.QueryContext(ctx, `
		SELECT `+articleOrder+`, a.id FROM articles a `+where+`
		ORDER BY `+articleOrder+`, a.id LIMIT `+a.add(limit), a...)
	if err != nil {
		return nil, translate(err, "article", "")
	}
	list, err := collect(rows, func(r scanner) (Cursor, error) {
		var k Cursor
		err := r.Scan(scanTime(&k.Published), &k.ID)
		return k, err
	})
	return list, translate(err, "article", "")
}

// ArchiveMonth is a calendar month (UTC) with published articles.
type ArchiveMonth struct {
	Month time.Time // its first instant
	Count int
}

// ArchiveMonths lists the months with published articles, newest first.
// Months are counted here rather than in SQL, where the two dialects
// disagree on date functions; the query reads one indexed column a row.
func (s *Store) ArchiveMonths(ctx context.Context) ([]ArchiveMonth, error) {
	rows, err := s.reader.QueryContext(ctx, `
		SELECT `+articleOrder+` FROM articles a WHERE a.status = $1
		ORDER BY `+articleOrder+` DESC`, qalam.Published)
	if err != nil {
		return nil, fmt.Errorf("store: archive months: %w", translate(err, "article", ""))
	}
	months := []ArchiveMonth{}
	defer rows.Close()
	for rows.Next() {
		var t time.Time
		if err := rows.Scan(scanTime(&t)); err != nil {
			return nil, fmt.Errorf("store: archive months: %w", err)
		}
		m := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
		if n := len(months); n == 0 || !months[n-1].Month.Equal(m) {
			months = append(months, ArchiveMonth{Month: m})
		}
		months[len(months)-1].Count++
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: archive months: %w", translate(err, "article", ""))
	}
	return months, nil
}

// FrontPage is what the front page shows.
type FrontPage struct {
	// Lead is the featured article, or the newest; nil when nothing is
	// published.
	Lead *qalam.Article
	// Latest are the newest articles after the lead.
	Latest []*qalam.Article
	// Older is where the list of the latest continues; nil when it does
	// not.
	Older *Cursor
	// Sections are the categories with more published articles than the
	// lead and the latest show, in the navigation's order.
	Sections []FrontSection
}

// FrontSection is a category's block on the front page: its newest
// articles besides those the page shows above it. The articles carry only
// what a headline needs: slug, language, label, headline and publication
// time.
type FrontSection struct {
	Category *qalam.Category
	Articles []*qalam.Article
}

// FrontPage returns the front page: the lead, up to latest more articles,
// and up to perSection headlines of each category, all from one snapshot.
func (s *Store) FrontPage(ctx context.Context, latest, perSection int) (FrontPage, error) {
	latest = max(0, min(latest, maxArticleLimit-2))
	var fp FrontPage
	err := s.read(ctx, func(tx *sql.Tx) error {
		lead, err := s.featured(ctx, tx)
		if err != nil {
			return err
		}
		published := qalam.Published
		list, err := s.findArticles(ctx, tx, articleQuery{ArticleFilter: ArticleFilter{Status: &published, Limit: latest + 2}})
		if err != nil {
			return err
		}
		rest := make([]*qalam.Article, 0, len(list))
		for _, a := range list {
			if lead == nil || a.ID != lead.ID {
				rest = append(rest, a)
			}
		}
		if lead == nil && len(rest) > 0 {
			lead, rest = rest[0], rest[1:]
		}
		if len(rest) > latest {
			rest = rest[:latest]
			if latest > 0 {
				c := CursorOf(rest[latest-1])
				fp.Older = &c
			}
		}
		fp.Lead, fp.Latest = lead, rest
		shown := make([]int64, 0, len(rest)+1)
		for _, a := range append([]*qalam.Article{lead}, rest...) {
			if a != nil {
				shown = append(shown, a.ID)
			}
		}
		if perSection > 0 {
			fp.Sections, err = s.frontSections(ctx, tx, shown, perSection)
		}
		return err
	})
	if err != nil {
		return FrontPage{}, fmt.Errorf("store: front page: %w", err)
	}
	return fp, nil
}

// featured returns the featured article when the setting names one that
// is published, else nil.
func (s *Store) featured(ctx context.Context, tx *sql.Tx) (*qalam.Article, error) {
	var v string
	err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, SettingFeaturedArticle).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, translate(err, "setting", "")
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return nil, nil // unset, or not an article: the newest leads
	}
	published := qalam.Published
	list, err := s.findArticles(ctx, tx, articleQuery{ArticleFilter: ArticleFilter{Status: &published, Limit: 1}, id: id})
	if err != nil || len(list) == 0 {
		return nil, err
	}
	return list[0], nil
}

// frontSections reads each category's newest headlines, leaving out the
// articles already shown, one indexed query a category (the
// articles_by_category index serves each).
func (s *Store) frontSections(ctx context.Context, tx *sql.Tx, shown []int64, per int) ([]FrontSection, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, slug, name FROM categories ORDER BY name, id`)
	if err != nil {
		return nil, translate(err, "category", "")
	}
	cats, err := collect(rows, func(r scanner) (*qalam.Category, error) {
		var c qalam.Category
		return &c, r.Scan(&c.ID, &c.Slug, &c.Name)
	})
	if err != nil {
		return nil, translate(err, "category", "")
	}
	var sections []FrontSection
	for _, c := range cats {
		var a args
		where := "a.category_id = " + a.add(c.ID) + " AND a.status = " + a.add(qalam.Published)
		if len(shown) > 0 {
			where += " AND a.id NOT IN " + a.in(shown)
		}
		rows, err := tx.QueryContext(ctx, `
			SELECT a.id, a.slug, a.language, a.label, a.headline, a.published_at FROM articles a
			WHERE `+where+`
			ORDER BY `+articleOrder+` DESC, a.id DESC LIMIT `+a.add(per), a...)
		if err != nil {
			return nil, translate(err, "article", "")
		}
		list, err := collect(rows, func(r scanner) (*qalam.Article, error) {
			h := &qalam.Article{Status: qalam.Published, CategoryID: c.ID, Category: c}
			return h, r.Scan(&h.ID, &h.Slug, &h.Language, &h.Label, &h.Headline, scanTime(&h.PublishedAt))
		})
		if err != nil {
			return nil, translate(err, "article", "")
		}
		if len(list) > 0 {
			sections = append(sections, FrontSection{Category: c, Articles: list})
		}
	}
	return sections, nil
}
