package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/qalamnews/qalam"
)

// ArticleFilter selects articles. Nil/zero fields do not filter.
type ArticleFilter struct {
	Status     *qalam.ArticleStatus
	Language   qalam.Language
	CategoryID int64
	AuthorID   int64
	TagID      int64
	// Keyset paging, newest first: only articles published before
	// (BeforePublished, BeforeID). A draft never published counts as
	// published when it was created.
	BeforePublished time.Time
	BeforeID        int64
	Limit           int // default 20, at most 100
	// For the newsroom's list: any of these statuses, a headline search
	// (contains, case-insensitive) and offset paging.
	Statuses []qalam.ArticleStatus
	Query    string
	Offset   int
}

// ArticleUpdate holds the fields to change; nil fields stay as they are.
type ArticleUpdate struct {
	Headline, Standfirst, EditorNote, EditorNoteHTML, Body, BodyHTML *string
	Label                                                            *qalam.Label
	Status                                                           *qalam.ArticleStatus
	CommentsClosed                                                   *bool

	Slug, SEOTitle, SEODescription *string
	Language                       *qalam.Language
	CategoryID                     *int64
	FeaturedImageID                *int64 // 0 removes the image
	AuthorIDs                      *[]int64
	TagNames                       *[]string
	ScheduledAt                    *time.Time
	// ExpectEditedAt, when non-zero, makes the update fail with a conflict
	// if the article was saved since (another editor, another tab).
	ExpectEditedAt time.Time
	// Revision, when set and the article is (or was, before this update)
	// published, keeps the new text as a qalam.Revision in the same
	// transaction. A non-minor save of a published article moves
	// UpdatedAt (readers are told); every save moves EditedAt.
	Revision *RevisionInfo
}

// Page sizes of FindArticles.
const (
	defaultArticleLimit = 20
	maxArticleLimit     = 100
)

// articleQuery is a filter plus the keys of the single-article finders, so
// that every way of reading articles is the same query.
type articleQuery struct {
	ArticleFilter
	id   int64
	slug string
}

// articleOrder is the order of every list: newest first, where a draft
// never published counts from its creation. The indexes on articles are
// built on this expression.
const articleOrder = `COALESCE(a.published_at, a.created_at)`

// articleWhere builds the WHERE clause of q; paged adds the keyset condition.
func (s *Store) articleWhere(a *args, q articleQuery, paged bool) string {
	var conds []string
	if q.id != 0 {
		conds = append(conds, "a.id = "+a.add(q.id))
	}
	if q.slug != "" {
		conds = append(conds, "a.slug = "+a.add(q.slug))
	}
	if q.Status != nil {
		conds = append(conds, "a.status = "+a.add(*q.Status))
	}
	if len(q.Statuses) > 0 {
		conds = append(conds, "a.status IN "+inList(a, q.Statuses))
	}
	if q.Query != "" {
		// Both sides lower-cased: SQLite's lower() folds ASCII only, so the
		// pattern is folded in Go, which knows every script.
		conds = append(conds, "lower(a.headline) LIKE "+a.add("%"+escapeLike(strings.ToLower(q.Query))+"%")+` ESCAPE '\'`)
	}
	if q.Language != "" {
		conds = append(conds, "a.language = "+a.add(q.Language))
	}
	if q.CategoryID != 0 {
		conds = append(conds, "a.category_id = "+a.add(q.CategoryID))
	}
	if q.AuthorID != 0 {
		conds = append(conds, "EXISTS (SELECT 1 FROM article_authors x WHERE x.article_id = a.id AND x.author_id = "+a.add(q.AuthorID)+")")
	}
	if q.TagID != 0 {
		conds = append(conds, "EXISTS (SELECT 1 FROM article_tags x WHERE x.article_id = a.id AND x.tag_id = "+a.add(q.TagID)+")")
	}
	if paged && !q.BeforePublished.IsZero() {
		conds = append(conds, "("+articleOrder+", a.id) < ("+a.add(s.d.ts(q.BeforePublished))+", "+a.add(q.BeforeID)+")")
	}
	if len(conds) == 0 {
		return ""
	}
	return "WHERE " + strings.Join(conds, " AND ")
}

// escapeLike escapes LIKE's wildcards (and its escape character, a
// backslash) so that s matches only itself.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// findArticles runs q and loads the page's categories, bylines, tags,
// featured images, corrections and comment counts in five queries whatever
// the page size.
func (s *Store) findArticles(ctx context.Context, db querier, q articleQuery) ([]*qalam.Article, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = defaultArticleLimit
	}
	limit = min(limit, maxArticleLimit)

	var a args
	approved := a.add(qalam.Approved)
	where := s.articleWhere(&a, q, true)
	offset := ""
	if q.Offset > 0 {
		offset = " OFFSET " + a.add(q.Offset)
	}
	rows, err := db.QueryContext(ctx, `
		SELECT a.id, a.slug, a.language, a.label, a.status, a.headline, a.standfirst,
		       a.editor_note, a.editor_note_html, a.body, a.body_html,
		       a.category_id, c.slug, c.name, a.comments_closed,
		       a.seo_title, a.seo_description, COALESCE(a.featured_image_id, 0),
		       a.scheduled_at, a.published_at, a.updated_at, a.edited_at, a.created_at,
		       (SELECT COUNT(*) FROM comments m WHERE m.article_id = a.id AND m.status = `+approved+` AND m.erased_at IS NULL)
		FROM articles a
		JOIN categories c ON c.id = a.category_id
		`+where+`
		ORDER BY `+articleOrder+` DESC, a.id DESC
		LIMIT `+a.add(limit)+offset, a...)
	if err != nil {
		return nil, translate(err, "article", "")
	}
	list, err := collect(rows, func(row scanner) (*qalam.Article, error) {
		r := &qalam.Article{Category: &qalam.Category{}}
		err := row.Scan(&r.ID, &r.Slug, &r.Language, &r.Label, &r.Status, &r.Headline, &r.Standfirst,
			&r.EditorNote, &r.EditorNoteHTML, &r.Body, &r.BodyHTML,
			&r.CategoryID, &r.Category.Slug, &r.Category.Name, &r.CommentsClosed,
			&r.SEOTitle, &r.SEODescription, &r.FeaturedImageID,
			scanTime(&r.ScheduledAt), scanTime(&r.PublishedAt), scanTime(&r.UpdatedAt),
			scanTime(&r.EditedAt), scanTime(&r.CreatedAt),
			&r.CommentCount)
		r.Category.ID = r.CategoryID
		return r, err
	})
	if err != nil {
		return nil, translate(err, "article", "")
	}
	for _, load := range []func(context.Context, querier, []*qalam.Article) error{
		s.loadBylines, s.loadTags, s.loadFeaturedImages, s.loadCorrections,
	} {
		if err := load(ctx, db, list); err != nil {
			return nil, err
		}
	}
	return list, nil
}

// countArticles counts the articles matching f, ignoring paging.
func (s *Store) countArticles(ctx context.Context, db querier, f ArticleFilter) (int, error) {
	var a args
	var n int
	err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM articles a `+s.articleWhere(&a, articleQuery{ArticleFilter: f}, false), a...).Scan(&n)
	return n, translate(err, "article", "")
}

// byID indexes a page of articles and lists their IDs.
func byID(list []*qalam.Article) (map[int64]*qalam.Article, []int64) {
	m := make(map[int64]*qalam.Article, len(list))
	ids := make([]int64, len(list))
	for i, a := range list {
		m[a.ID] = a
		ids[i] = a.ID
	}
	return m, ids
}

// loadBylines fills Authors (in byline order) and AuthorIDs.
func (s *Store) loadBylines(ctx context.Context, db querier, list []*qalam.Article) error {
	if len(list) == 0 {
		return nil
	}
	articles, ids := byID(list)
	var a args
	rows, err := db.QueryContext(ctx, `
		SELECT x.article_id, `+authorColumns+`
		FROM article_authors x
		JOIN authors u ON u.id = x.author_id
		WHERE x.article_id IN `+a.in(ids)+`
		ORDER BY x.article_id, x.position`, a...)
	if err != nil {
		return translate(err, "author", "")
	}
	defer rows.Close()
	for rows.Next() {
		var articleID int64
		u, err := scanAuthor(rows, &articleID)
		if err != nil {
			return err
		}
		r := articles[articleID]
		r.Authors = append(r.Authors, *u)
		r.AuthorIDs = append(r.AuthorIDs, u.ID)
	}
	return rows.Err()
}

// loadFeaturedImages fills FeaturedImage, in one query for the page.
func (s *Store) loadFeaturedImages(ctx context.Context, db querier, list []*qalam.Article) error {
	var ids []int64
	for _, r := range list {
		if r.FeaturedImageID != 0 && !slices.Contains(ids, r.FeaturedImageID) {
			ids = append(ids, r.FeaturedImageID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var a args
	rows, err := db.QueryContext(ctx, `SELECT `+mediaColumns+` FROM media WHERE id IN `+a.in(ids), a...)
	if err != nil {
		return translate(err, "media", "")
	}
	images, err := collect(rows, scanMedia)
	if err != nil {
		return translate(err, "media", "")
	}
	byID := make(map[int64]*qalam.Media, len(images))
	for _, m := range images {
		byID[m.ID] = m
	}
	for _, r := range list {
		if m := byID[r.FeaturedImageID]; m != nil {
			// A copy each: a caller changing one article's image must not
			// change another's.
			c := *m
			c.Variants = slices.Clone(m.Variants)
			r.FeaturedImage = &c
		}
	}
	return nil
}

// loadTags fills Tags (by name) and TagNames.
func (s *Store) loadTags(ctx context.Context, db querier, list []*qalam.Article) error {
	if len(list) == 0 {
		return nil
	}
	articles, ids := byID(list)
	var a args
	rows, err := db.QueryContext(ctx, `
		SELECT x.article_id, t.id, t.slug, t.name
		FROM article_tags x
		JOIN tags t ON t.id = x.tag_id
		WHERE x.article_id IN `+a.in(ids)+`
		ORDER BY x.article_id, t.name, t.id`, a...)
	if err != nil {
		return translate(err, "tag", "")
	}
	defer rows.Close()
	for rows.Next() {
		var articleID int64
		var t qalam.Tag
		if err := rows.Scan(&articleID, &t.ID, &t.Slug, &t.Name); err != nil {
			return err
		}
		r := articles[articleID]
		r.Tags = append(r.Tags, t)
		r.TagNames = append(r.TagNames, t.Name)
	}
	return rows.Err()
}

// oneArticle runs a single-article query; no match is a not-found error.
func (s *Store) oneArticle(ctx context.Context, db querier, q articleQuery) (*qalam.Article, error) {
	q.Limit = 1
	list, err := s.findArticles(ctx, db, q)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, translate(sql.ErrNoRows, "article", "")
	}
	return list[0], nil
}

// Article returns the article with the given ID, whatever its status, with
// its category, byline (Authors and AuthorIDs), tags (Tags and TagNames),
// featured image, corrections (oldest first) and count of approved
// comments.
func (s *Store) Article(ctx context.Context, id int64) (*qalam.Article, error) {
	var a *qalam.Article
	err := s.read(ctx, func(tx *sql.Tx) (err error) {
		a, err = s.oneArticle(ctx, tx, articleQuery{id: id})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: article %d: %w", id, err)
	}
	return a, nil
}

// ArticleBySlug is Article by slug.
func (s *Store) ArticleBySlug(ctx context.Context, slug string) (*qalam.Article, error) {
	var a *qalam.Article
	err := s.read(ctx, func(tx *sql.Tx) (err error) {
		a, err = s.oneArticle(ctx, tx, articleQuery{slug: slug})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: article %q: %w", slug, err)
	}
	return a, nil
}

// FindArticles returns one page of the articles matching f, newest first,
// loaded as Article loads them, and the number of articles matching f on
// all pages (the keyset and limit do not narrow the total).
func (s *Store) FindArticles(ctx context.Context, f ArticleFilter) ([]*qalam.Article, int, error) {
	var list []*qalam.Article
	var total int
	err := s.read(ctx, func(tx *sql.Tx) (err error) {
		if list, err = s.findArticles(ctx, tx, articleQuery{ArticleFilter: f}); err != nil {
			return err
		}
		total, err = s.countArticles(ctx, tx, f)
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("store: find articles: %w", err)
	}
	return list, total, nil
}

// CreateArticle validates and stores a with its byline (AuthorIDs, in
// order) and tags (TagNames, each found or created by its slug). It sets
// ID, CreatedAt, UpdatedAt and EditedAt, and PublishedAt when a is
// published; times the caller set are kept (imports and demo data carry
// their own dates). A published article gets its first revision (note
// "Published"), so its text as first published can always be compared.
func (s *Store) CreateArticle(ctx context.Context, a *qalam.Article) error {
	if err := a.Validate(); err != nil {
		return err
	}
	tags, err := tagsBySlug(a.TagNames)
	if err != nil {
		return err
	}
	authorIDs := unique(a.AuthorIDs)
	var id int64
	var created, updated, edited, published time.Time
	err = s.write(ctx, func(tx *writeTx) error {
		created = orNow(a.CreatedAt, tx.now)
		published = a.PublishedAt
		if a.Status == qalam.Published {
			published = orNow(published, tx.now)
		}
		published = qalam.UTC(published)
		updated = a.UpdatedAt
		if updated.IsZero() {
			// An imported article is not "updated" by being imported.
			updated = created
			if published.After(updated) {
				updated = published
			}
		}
		updated = qalam.UTC(updated)
		edited = a.EditedAt
		if edited.IsZero() {
			edited = updated
		}
		edited = qalam.UTC(edited)

		if err := s.checkReferences(ctx, tx, a.CategoryID, authorIDs, a.FeaturedImageID); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `
			INSERT INTO articles (slug, language, label, status, headline, standfirst,
			    editor_note, editor_note_html, body, body_html, category_id, comments_closed,
			    seo_title, seo_description, featured_image_id, scheduled_at,
			    published_at, updated_at, edited_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
			RETURNING id`,
			a.Slug, a.Language, a.Label, a.Status, a.Headline, a.Standfirst,
			a.EditorNote, a.EditorNoteHTML, a.Body, a.BodyHTML, a.CategoryID, a.CommentsClosed,
			a.SEOTitle, a.SEODescription, nullID(a.FeaturedImageID), s.d.ts(a.ScheduledAt),
			s.d.ts(published), s.d.ts(updated), s.d.ts(edited), s.d.ts(created)).Scan(&id)
		if err != nil {
			return translate(err, "article", "slug")
		}
		if err := s.setByline(ctx, tx, id, authorIDs, false); err != nil {
			return err
		}
		if err := s.setTags(ctx, tx, id, tags, false); err != nil {
			return err
		}
		if a.Status == qalam.Published {
			stored := *a
			stored.ID = id
			if err := s.insertRevision(ctx, tx, &stored, firstPublished(nil)); err != nil {
				return err
			}
		}
		if err := s.indexArticles(ctx, tx, id); err != nil {
			return err
		}
		tx.changed(Change{ArticleID: id})
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: create article %q: %w", a.Slug, err)
	}
	a.ID, a.CreatedAt, a.UpdatedAt, a.EditedAt, a.PublishedAt = id, created, updated, edited, published
	a.ScheduledAt = qalam.UTC(a.ScheduledAt)
	return nil
}

// setByline stores the article's byline in order, replacing the old one
// when replace is set.
func (s *Store) setByline(ctx context.Context, tx *writeTx, articleID int64, authorIDs []int64, replace bool) error {
	if replace {
		if _, err := tx.ExecContext(ctx, `DELETE FROM article_authors WHERE article_id = $1`, articleID); err != nil {
			return translate(err, "byline", "")
		}
	}
	for i, authorID := range authorIDs {
		_, err := tx.ExecContext(ctx,
			`INSERT INTO article_authors (article_id, author_id, position) VALUES ($1, $2, $3)`,
			articleID, authorID, i)
		if err != nil {
			return translate(err, "byline", "")
		}
	}
	return nil
}

// setTags tags the article, finding or creating each tag by its slug,
// replacing its old tags when replace is set. Tags left without articles
// stay (FindTags counts them as 0).
func (s *Store) setTags(ctx context.Context, tx *writeTx, articleID int64, tags []qalam.Tag, replace bool) error {
	if replace {
		if _, err := tx.ExecContext(ctx, `DELETE FROM article_tags WHERE article_id = $1`, articleID); err != nil {
			return translate(err, "tag", "")
		}
	}
	for _, t := range tags {
		tagID, err := s.tagID(ctx, tx, t.Slug, t.Name)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO article_tags (article_id, tag_id) VALUES ($1, $2)`, articleID, tagID); err != nil {
			return translate(err, "tag", "")
		}
	}
	return nil
}

// checkReferences reports a missing category or author as a field error
// the editor can act on (a foreign key violation cannot say which).
func (s *Store) checkReferences(ctx context.Context, tx *writeTx, categoryID int64, authorIDs []int64, featuredImageID int64) error {
	errs := qalam.FieldErrors{}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM categories WHERE id = $1`, categoryID).Scan(&n); err != nil {
		return translate(err, "category", "")
	}
	if n == 0 {
		errs["category"] = "Choose an existing category."
	}
	var a args
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM authors WHERE id IN `+a.in(authorIDs), a...).Scan(&n); err != nil {
		return translate(err, "author", "")
	}
	if n != len(authorIDs) {
		errs["authors"] = "Choose existing authors."
	}
	if featuredImageID != 0 {
		if ok, err := exists(ctx, tx, "media", featuredImageID); err != nil {
			return err
		} else if !ok {
			errs["featured_image"] = "Choose an image from the media library."
		}
	}
	return errs.Err()
}

// exists reports whether table holds a row with the given id. table is
// always a constant of the store's, never input.
func exists(ctx context.Context, db querier, table string, id int64) (bool, error) {
	var n int
	err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table+` WHERE id = $1`, id).Scan(&n)
	if err != nil {
		return false, translate(err, table, "")
	}
	return n > 0, nil
}

// tagsBySlug turns tag names into tags, one per slug, in the given order.
func tagsBySlug(names []string) ([]qalam.Tag, error) {
	var tags []qalam.Tag
	seen := map[string]bool{}
	for _, name := range names {
		name = strings.TrimSpace(name)
		slug := qalam.Slugify(name)
		if slug == "" {
			return nil, qalam.FieldErrors{"tags": "Each tag needs a letter or a digit."}.Err()
		}
		if !seen[slug] {
			seen[slug] = true
			tags = append(tags, qalam.Tag{Slug: slug, Name: name})
		}
	}
	return tags, nil
}

// unique returns ids without repeats, in their first order.
func unique(ids []int64) []int64 {
	var out []int64
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// errChangedMeanwhile is the conflict of an optimistic save that lost.
func errChangedMeanwhile() error {
	return qalam.Errorf(qalam.KindConflict, "The article was changed meanwhile. Reload it and try again.")
}

// UpdateArticle changes the fields set in u, validates the result and
// returns the article as stored.
//
// A status change must be one the workflow allows
// (qalam.ArticleStatus.CanBecome), else it is a conflict; setting the
// status the article has is no change. The first publication sets
// PublishedAt, and UpdatedAt with it.
//
// Every save moves EditedAt. A save made while the article was loaded
// elsewhere fails with a conflict rather than silently undo the other:
// always when the two race, and when u.ExpectEditedAt is set and the
// article was saved after that version.
//
// Revisions: a save that publishes the article keeps its text as a
// revision (minor=false, note "Published" unless u.Revision gives one);
// otherwise a save with u.Revision of an article published before or
// after the save keeps the new text. A non-minor revision of an article
// published before and after the save moves UpdatedAt: readers are told.
func (s *Store) UpdateArticle(ctx context.Context, id int64, u ArticleUpdate) (*qalam.Article, error) {
	var updated *qalam.Article
	err := s.write(ctx, func(tx *writeTx) error {
		a, err := s.oneArticle(ctx, tx, articleQuery{id: id})
		if err != nil {
			return err
		}
		previous := a.EditedAt
		if !u.ExpectEditedAt.IsZero() && !qalam.UTC(u.ExpectEditedAt).Equal(previous) {
			return errChangedMeanwhile()
		}
		was := a.Status
		if u.Status != nil && *u.Status != was && !was.CanBecome(*u.Status) {
			return qalam.Errorf(qalam.KindConflict, "An article that is %s cannot become %s.", was, *u.Status)
		}
		set(&a.Headline, u.Headline)
		set(&a.Standfirst, u.Standfirst)
		set(&a.EditorNote, u.EditorNote)
		set(&a.EditorNoteHTML, u.EditorNoteHTML)
		set(&a.Body, u.Body)
		set(&a.BodyHTML, u.BodyHTML)
		set(&a.Label, u.Label)
		set(&a.Status, u.Status)
		set(&a.CommentsClosed, u.CommentsClosed)
		set(&a.Slug, u.Slug)
		set(&a.SEOTitle, u.SEOTitle)
		set(&a.SEODescription, u.SEODescription)
		set(&a.Language, u.Language)
		set(&a.CategoryID, u.CategoryID)
		set(&a.FeaturedImageID, u.FeaturedImageID)
		set(&a.ScheduledAt, u.ScheduledAt)
		a.ScheduledAt = qalam.UTC(a.ScheduledAt)
		if u.AuthorIDs != nil {
			a.AuthorIDs = unique(*u.AuthorIDs)
		}
		set(&a.TagNames, u.TagNames)
		if err := a.Validate(); err != nil {
			return err
		}
		var tags []qalam.Tag
		if u.TagNames != nil {
			if tags, err = tagsBySlug(*u.TagNames); err != nil {
				return err
			}
		}
		if err := s.checkReferences(ctx, tx, a.CategoryID, a.AuthorIDs, a.FeaturedImageID); err != nil {
			return err
		}

		publishing := was != qalam.Published && a.Status == qalam.Published
		if publishing && a.PublishedAt.IsZero() {
			a.PublishedAt, a.UpdatedAt = tx.now, tx.now
		}
		if was == qalam.Published && a.Status == qalam.Published && u.Revision != nil && !u.Revision.Minor {
			a.UpdatedAt = tx.now
		}
		a.EditedAt = nextEdit(previous, tx.now)
		res, err := tx.ExecContext(ctx, `
			UPDATE articles
			SET headline = $1, standfirst = $2, editor_note = $3, editor_note_html = $4,
			    body = $5, body_html = $6, label = $7, status = $8, comments_closed = $9,
			    slug = $10, seo_title = $11, seo_description = $12, language = $13,
			    category_id = $14, featured_image_id = $15, scheduled_at = $16,
			    published_at = $17, updated_at = $18, edited_at = $19
			WHERE id = $20 AND edited_at = $21`,
			a.Headline, a.Standfirst, a.EditorNote, a.EditorNoteHTML,
			a.Body, a.BodyHTML, a.Label, a.Status, a.CommentsClosed,
			a.Slug, a.SEOTitle, a.SEODescription, a.Language,
			a.CategoryID, nullID(a.FeaturedImageID), s.d.ts(a.ScheduledAt),
			s.d.ts(a.PublishedAt), s.d.ts(a.UpdatedAt), s.d.ts(a.EditedAt),
			id, s.d.ts(previous))
		if err != nil {
			return translate(err, "article", "slug")
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return errChangedMeanwhile()
		}
		if u.AuthorIDs != nil {
			if err := s.setByline(ctx, tx, id, a.AuthorIDs, true); err != nil {
				return err
			}
		}
		if u.TagNames != nil {
			if err := s.setTags(ctx, tx, id, tags, true); err != nil {
				return err
			}
		}
		switch {
		case publishing:
			err = s.insertRevision(ctx, tx, a, firstPublished(u.Revision))
		case u.Revision != nil && was == qalam.Published:
			err = s.insertRevision(ctx, tx, a, *u.Revision)
		}
		if err != nil {
			return err
		}
		if err := s.indexArticles(ctx, tx, id); err != nil {
			return err
		}
		if updated, err = s.oneArticle(ctx, tx, articleQuery{id: id}); err != nil {
			return err
		}
		tx.changed(Change{ArticleID: id})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: update article %d: %w", id, err)
	}
	return updated, nil
}

// PublishDue publishes every scheduled article whose ScheduledAt has come,
// in one statement, so that however many nodes run it at once each article
// is published exactly once; it returns the IDs it published, in order.
// An article never published before is dated its ScheduledAt; each gets
// its first-published revision.
func (s *Store) PublishDue(ctx context.Context) ([]int64, error) {
	var ids []int64
	err := s.write(ctx, func(tx *writeTx) error {
		// A first publication is dated when it was due, not when the job
		// came round, so a late run does not mark it "updated".
		// Concurrent runs on PostgreSQL: the second waits on the rows the
		// first locked, then finds them no longer scheduled and skips
		// them. On SQLite the writers are serialised. The status literals
		// let PostgreSQL use the partial index articles_due.
		rows, err := tx.QueryContext(ctx, `
			UPDATE articles
			SET status = 'published', published_at = COALESCE(published_at, scheduled_at),
			    updated_at = CASE WHEN published_at IS NULL THEN scheduled_at ELSE $1 END, edited_at = $1
			WHERE status = 'scheduled' AND scheduled_at <= $1
			RETURNING id, headline, standfirst, editor_note, body, label, seo_title, seo_description`,
			s.d.ts(tx.now))
		if err != nil {
			return translate(err, "article", "")
		}
		// Read every row before the next statement: a connection runs one
		// statement at a time.
		published, err := collect(rows, func(row scanner) (*qalam.Article, error) {
			var a qalam.Article
			err := row.Scan(&a.ID, &a.Headline, &a.Standfirst, &a.EditorNote, &a.Body, &a.Label,
				&a.SEOTitle, &a.SEODescription)
			return &a, err
		})
		if err != nil {
			return translate(err, "article", "")
		}
		slices.SortFunc(published, func(a, b *qalam.Article) int { return cmp.Compare(a.ID, b.ID) })
		ids = make([]int64, 0, len(published))
		for _, a := range published {
			if err := s.insertRevision(ctx, tx, a, firstPublished(nil)); err != nil {
				return err
			}
			ids = append(ids, a.ID)
			tx.changed(Change{ArticleID: a.ID})
		}
		return s.indexArticles(ctx, tx, ids...)
	})
	if err != nil {
		return nil, fmt.Errorf("store: publish due articles: %w", err)
	}
	return ids, nil
}

// set assigns *v to *dst when v is not nil.
func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// DeleteArticle removes the article, its byline, tags and comments.
func (s *Store) DeleteArticle(ctx context.Context, id int64) error {
	err := s.write(ctx, func(tx *writeTx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM articles WHERE id = $1`, id)
		if err != nil {
			return translate(err, "article", "")
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 0 {
			return translate(sql.ErrNoRows, "article", "")
		}
		if err := s.indexArticles(ctx, tx, id); err != nil {
			return err
		}
		tx.changed(Change{ArticleID: id})
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: delete article %d: %w", id, err)
	}
	return nil
}
