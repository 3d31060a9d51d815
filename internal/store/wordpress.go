package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/qalamnews/qalam"
)

// Kinds of WordPress object an import records (wordpress_objects.kind).
const (
	WPAuthor     = "author"
	WPUser       = "user" // a registered commenter, who becomes a commenter identity
	WPCategory   = "category"
	WPTag        = "tag"
	WPPost       = "post"
	WPPage       = "page"
	WPAttachment = "attachment"
)

// Kinds of place an old WordPress address leads to (Moved.Kind).
const (
	MovedArticle  = "article"
	MovedCategory = "category"
	MovedTag      = "tag"
	MovedAuthor   = "author"
	MovedMedia    = "media"
)

// movedKind is where each kind of WordPress object lives in Qalam.
var movedKind = map[string]string{
	WPAuthor: MovedAuthor, WPCategory: MovedCategory, WPTag: MovedTag,
	WPPost: MovedArticle, WPPage: MovedArticle, WPAttachment: MovedMedia,
}

// Moved is where an old WordPress address leads now.
type Moved struct {
	Kind string // MovedArticle, MovedCategory, MovedTag, MovedAuthor or MovedMedia
	// Slug is the article's, category's, tag's or author's slug, or the
	// media file's name.
	Slug string
}

// OldPath is the form in which old addresses are stored and looked up: the
// path alone, percent-decoded once, lower-cased (WordPress matches slugs
// without regard to case), with single slashes and none at the end. p is
// an escaped path, as in a link or r.URL.EscapedPath().
func OldPath(p string) string {
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	if d, err := url.PathUnescape(p); err == nil && utf8.ValidString(d) {
		p = d
	}
	p = strings.ToLower(p)
	var b strings.Builder
	for _, seg := range strings.Split(p, "/") {
		if seg != "" {
			b.WriteByte('/')
			b.WriteString(seg)
		}
	}
	if b.Len() == 0 {
		return "/"
	}
	return b.String()
}

// WordPressObject returns the ID of what the WordPress object of the given
// kind and id, exported by site, became; not found when it was not
// imported.
func (s *Store) WordPressObject(ctx context.Context, site, kind string, wpID int64) (int64, error) {
	var id int64
	err := s.reader.QueryRowContext(ctx,
		`SELECT qalam_id FROM wordpress_objects WHERE site = $1 AND kind = $2 AND wp_id = $3`,
		site, kind, wpID).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: wordpress %s %d: %w", kind, wpID, translate(err, "WordPress "+kind, ""))
	}
	return id, nil
}

// WordPressArticleSlugs returns the slugs the articles imported from site
// have now, by the WordPress id of their post or page.
func (s *Store) WordPressArticleSlugs(ctx context.Context, site string) (map[int64]string, error) {
	rows, err := s.reader.QueryContext(ctx, `
		SELECT o.wp_id, a.slug
		FROM wordpress_objects o
		JOIN articles a ON a.id = o.qalam_id
		WHERE o.site = $1 AND o.kind IN ($2, $3)`, site, WPPost, WPPage)
	if err != nil {
		return nil, fmt.Errorf("store: wordpress article slugs: %w", translate(err, "article", ""))
	}
	defer rows.Close()
	slugs := map[int64]string{}
	for rows.Next() {
		var id int64
		var slug string
		if err := rows.Scan(&id, &slug); err != nil {
			return nil, fmt.Errorf("store: wordpress article slugs: %w", err)
		}
		slugs[id] = slug
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: wordpress article slugs: %w", translate(err, "article", ""))
	}
	return slugs, nil
}

// ArticleSlugsInUse reports which of slugs articles use.
func (s *Store) ArticleSlugsInUse(ctx context.Context, slugs []string) (map[string]bool, error) {
	used, err := slugsIn(ctx, s.reader, slugs)
	if err != nil {
		return nil, fmt.Errorf("store: article slugs in use: %w", err)
	}
	return used, nil
}

// ImportWordPressAuthor stores the author a for the WordPress author wpID of
// site, unless it was imported before, and records paths (old addresses,
// see OldPath) as leading to it. a takes the ID of the author used: the one
// imported before (if it still exists), an author with the same slug and
// name, or a new one, whose slug gets a number if another author holds it.
// created reports whether a new author was stored.
func (s *Store) ImportWordPressAuthor(ctx context.Context, site string, wpID int64, a *qalam.Author, paths []string) (created bool, err error) {
	if err := a.Validate(); err != nil {
		return false, fmt.Errorf("store: import author %q: %w", a.Slug, err)
	}
	err = s.write(ctx, func(tx *writeTx) error {
		id, err := s.wpExisting(ctx, tx, site, WPAuthor, wpID, "authors")
		if err != nil {
			return err
		}
		if id != 0 {
			a.ID = id
			return s.addOldPaths(ctx, tx, MovedAuthor, id, paths)
		}
		var name string
		err = tx.QueryRowContext(ctx, `SELECT id, name FROM authors WHERE slug = $1`, a.Slug).Scan(&id, &name)
		switch {
		case err == nil && name == a.Name:
			// The same person, created by hand or by an import of another site.
		case err != nil && !errors.Is(err, sql.ErrNoRows):
			return translate(err, "author", "")
		default:
			if a.Slug, err = freeSlug(ctx, tx, "authors", a.Slug); err != nil {
				return err
			}
			created = true
			err = tx.QueryRowContext(ctx, `
				INSERT INTO authors (slug, name, bio, photo_id, links, user_id, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
				a.Slug, a.Name, a.Bio, nullID(a.PhotoID), encodeLinks(a.Links), nullID(a.UserID),
				s.d.ts(orNow(a.CreatedAt, tx.now))).Scan(&id)
			if err != nil {
				return translate(err, "author", "slug")
			}
			tx.changed(Change{})
		}
		a.ID = id
		if err := s.mapWordPress(ctx, tx, site, WPAuthor, wpID, id, 0, false); err != nil {
			return err
		}
		return s.addOldPaths(ctx, tx, MovedAuthor, id, paths)
	})
	if err != nil {
		return false, fmt.Errorf("store: import author %q: %w", a.Slug, err)
	}
	return created, nil
}

// ImportWordPressCategory stores the category c for the WordPress category
// wpID of site (whose parent category is wpParent, 0 for none), unless it
// was imported before, and records paths as leading to it. A category with
// the same slug is the same category. c takes the ID, slug and name of the
// category used; created reports whether a new one was stored.
func (s *Store) ImportWordPressCategory(ctx context.Context, site string, wpID, wpParent int64, c *qalam.Category, paths []string) (created bool, err error) {
	if err := c.Validate(); err != nil {
		return false, fmt.Errorf("store: import category %q: %w", c.Slug, err)
	}
	err = s.write(ctx, func(tx *writeTx) error {
		id, err := s.wpExisting(ctx, tx, site, WPCategory, wpID, "categories")
		mapped := id != 0
		if err == nil && !mapped {
			id, created, err = s.findOrCreateTerm(ctx, tx, "categories", c.Slug, c.Name)
		}
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT slug, name FROM categories WHERE id = $1`, id).Scan(&c.Slug, &c.Name); err != nil {
			return translate(err, "category", "")
		}
		c.ID = id
		if !mapped {
			if err := s.mapWordPress(ctx, tx, site, WPCategory, wpID, id, wpParent, false); err != nil {
				return err
			}
		}
		return s.addOldPaths(ctx, tx, MovedCategory, id, paths)
	})
	if err != nil {
		return false, fmt.Errorf("store: import category %q: %w", c.Slug, err)
	}
	return created, nil
}

// ImportWordPressTag is ImportWordPressCategory for tags.
func (s *Store) ImportWordPressTag(ctx context.Context, site string, wpID int64, t *qalam.Tag, paths []string) (created bool, err error) {
	if err := validateTag(t.Name, t.Slug); err != nil {
		return false, fmt.Errorf("store: import tag %q: %w", t.Slug, err)
	}
	err = s.write(ctx, func(tx *writeTx) error {
		id, err := s.wpExisting(ctx, tx, site, WPTag, wpID, "tags")
		mapped := id != 0
		if err == nil && !mapped {
			id, created, err = s.findOrCreateTerm(ctx, tx, "tags", t.Slug, t.Name)
		}
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT slug, name FROM tags WHERE id = $1`, id).Scan(&t.Slug, &t.Name); err != nil {
			return translate(err, "tag", "")
		}
		t.ID = id
		if !mapped {
			if err := s.mapWordPress(ctx, tx, site, WPTag, wpID, id, 0, false); err != nil {
				return err
			}
		}
		return s.addOldPaths(ctx, tx, MovedTag, id, paths)
	})
	if err != nil {
		return false, fmt.Errorf("store: import tag %q: %w", t.Slug, err)
	}
	return created, nil
}

// findOrCreateTerm returns the category or tag (table is a constant of
// ours) with the given slug, storing it first if there is none.
func (s *Store) findOrCreateTerm(ctx context.Context, tx *writeTx, table, slug, name string) (int64, bool, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM `+table+` WHERE slug = $1`, slug).Scan(&id)
	if err == nil {
		return id, false, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, false, translate(err, table, "")
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO `+table+` (slug, name) VALUES ($1, $2) RETURNING id`, slug, name).Scan(&id)
	if err != nil {
		return 0, false, translate(err, table, "slug")
	}
	tx.changed(Change{})
	return id, true, nil
}

// ImportWordPressMedia stores the record of an image whose files the
// media library has just written, for the WordPress attachment wpID of
// site, and records paths as leading to it. When the attachment was
// imported before and its image still exists, nothing is stored: m becomes
// that image and created is false, and the caller removes the files it
// wrote.
func (s *Store) ImportWordPressMedia(ctx context.Context, site string, wpID int64, m *qalam.Media, paths []string) (created bool, err error) {
	if err := m.Validate(); err != nil {
		return false, fmt.Errorf("store: import media %q: %w", m.Name, err)
	}
	variants, err := encodeVariants(m.Variants)
	if err != nil {
		return false, fmt.Errorf("store: import media %q: %w", m.Name, err)
	}
	err = s.write(ctx, func(tx *writeTx) error {
		id, err := s.wpExisting(ctx, tx, site, WPAttachment, wpID, "media")
		if err != nil {
			return err
		}
		if id != 0 {
			stored, err := mediaByID(ctx, tx, id)
			if err != nil {
				return err
			}
			*m = *stored
			return s.addOldPaths(ctx, tx, MovedMedia, id, paths)
		}
		created = true
		m.CreatedAt = orNow(m.CreatedAt, tx.now)
		err = tx.QueryRowContext(ctx, `
			INSERT INTO media (name, content_type, width, height, bytes, variants, alt, caption, credit,
			    user_id, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
			RETURNING id`,
			m.Name, m.ContentType, m.Width, m.Height, m.Bytes, variants, m.Alt, m.Caption, m.Credit,
			nullID(m.UserID), s.d.ts(m.CreatedAt)).Scan(&m.ID)
		if err != nil {
			return translate(err, "media", "name")
		}
		if err := s.mapWordPress(ctx, tx, site, WPAttachment, wpID, m.ID, 0, false); err != nil {
			return err
		}
		return s.addOldPaths(ctx, tx, MovedMedia, m.ID, paths)
	})
	if err != nil {
		return false, fmt.Errorf("store: import media %q: %w", m.Name, err)
	}
	return created, nil
}

// WordPressPost is a WordPress post or page to import with its comments.
type WordPressPost struct {
	Kind   string // WPPost or WPPage
	WPID   int64
	Sticky bool
	// Article is the article to store: valid, with its byline, category
	// and featured image set, the dates the post had, and a slug no other
	// article uses (else it gets a number). TagIDs are its tags.
	Article *qalam.Article
	TagIDs  []int64
	// Paths are the post's old addresses (see OldPath).
	Paths []string
	// Comments are the post's comments, each after its parent.
	Comments []*WordPressComment

	// Set by ImportWordPressPosts:
	Outcome     WordPressOutcome
	NewComments int // comments stored by this run
}

// WordPressOutcome says what an import did with a post.
type WordPressOutcome int

// Outcomes of importing a post.
const (
	// PostCreated: a new article; Article.ID and Article.Slug are set.
	PostCreated WordPressOutcome = iota + 1
	// PostExisting: imported by an earlier run; only comments the article
	// lacks were added (the article is not changed). Article.ID is set.
	PostExisting
	// PostDeleted: imported by an earlier run, then deleted in Qalam.
	// Nothing is done: a deletion stands.
	PostDeleted
)

// WordPressComment is a comment on a WordPress post.
type WordPressComment struct {
	WPID     int64
	WPParent int64 // 0 for a top-level comment, or one whose parent is not imported
	// WPUserID is the registered WordPress user who wrote it (0 for a
	// guest): each becomes one commenter identity, so that their comments
	// stay recognisably theirs.
	WPUserID int64
	// Comment holds the author fields, Body, BodyHTML, Status, IPHash and
	// CreatedAt. The import sets ArticleID, ParentID, CommenterID and
	// IdempotencyKey (derived from site and WPID, so that no comment is
	// stored twice), and ID when it is stored.
	Comment *qalam.Comment
}

// ImportWordPressPosts stores posts in one transaction: each new post's
// article with its byline, tags, first revision (when published) and
// mapping, the old addresses of every post, and the comments not stored
// before. An interrupted import therefore leaves whole batches, and
// running it again stores only what is missing. It sets each post's
// Outcome, NewComments and Article.ID (and Slug, for a new one), and the
// stored comments' IDs.
//
// The batch is written with a statement per article and multi-row
// statements for everything else, whatever the number of comments: one
// statement per row would cost a round trip each on PostgreSQL.
func (s *Store) ImportWordPressPosts(ctx context.Context, site string, posts []*WordPressPost) error {
	for _, p := range posts {
		if p.Kind != WPPost && p.Kind != WPPage {
			return fmt.Errorf("store: import wordpress %d: unknown kind %q", p.WPID, p.Kind)
		}
		if err := p.Article.Validate(); err != nil {
			return fmt.Errorf("store: import wordpress %s %d: %w", p.Kind, p.WPID, err)
		}
		for _, c := range p.Comments {
			if !c.Comment.Status.Valid() {
				return fmt.Errorf("store: import wordpress comment %d: unknown status %q", c.WPID, c.Comment.Status)
			}
		}
	}
	var b *postBatch
	err := s.write(ctx, func(tx *writeTx) error {
		// A fresh batch per attempt: the caller's posts change only once
		// the batch is committed.
		b = &postBatch{s: s, tx: tx, site: site, posts: posts}
		return b.run(ctx)
	})
	if err != nil {
		return fmt.Errorf("store: import wordpress posts: %w", err)
	}
	b.apply()
	return nil
}

// postBatch is one ImportWordPressPosts transaction at work.
type postBatch struct {
	s     *Store
	tx    *writeTx
	site  string
	posts []*WordPressPost

	outcome  []WordPressOutcome
	ids      []int64
	slugs    []string
	counts   []int
	comments map[*WordPressComment]qalam.Comment // as stored
	stmts    stmtCache
}

func (b *postBatch) run(ctx context.Context) error {
	n := len(b.posts)
	b.outcome, b.ids, b.slugs, b.counts = make([]WordPressOutcome, n), make([]int64, n), make([]string, n), make([]int, n)
	b.comments = map[*WordPressComment]qalam.Comment{}
	b.stmts = stmtCache{tx: b.tx, stmts: map[string]*sql.Stmt{}}
	defer b.stmts.close()
	if err := b.findImported(ctx); err != nil {
		return err
	}
	if err := b.insertArticles(ctx); err != nil {
		return err
	}
	// The new articles' search entries (search.go); those imported before
	// are left as they are, so a second run changes nothing.
	var created []int64
	for i, id := range b.ids {
		if b.outcome[i] == PostCreated {
			created = append(created, id)
		}
	}
	if err := b.s.indexArticles(ctx, b.tx, created...); err != nil {
		return err
	}
	var paths [][]any
	seen := map[string]bool{}
	for i, p := range b.posts {
		if b.outcome[i] == PostDeleted {
			continue
		}
		for _, raw := range p.Paths {
			if path := OldPath(raw); path != "/" && !seen[path] {
				seen[path] = true
				paths = append(paths, []any{path, MovedArticle, b.ids[i]})
			}
		}
	}
	err := b.stmts.insertRows(ctx, "wordpress_paths", []string{"path", "kind", "target_id"}, paths, "ON CONFLICT (path) DO NOTHING", nil)
	if err != nil {
		return err
	}
	if err := b.insertComments(ctx); err != nil {
		return err
	}
	for i := range b.posts {
		if b.outcome[i] == PostExisting && b.counts[i] > 0 {
			b.tx.changed(Change{ArticleID: b.ids[i]})
		}
	}
	// Listings, archives and feeds show the new articles.
	b.tx.changed(Change{})
	return nil
}

// findImported sets the outcome of posts imported before: existing, or
// deleted since.
func (b *postBatch) findImported(ctx context.Context) error {
	for _, kind := range []string{WPPost, WPPage} {
		var wpIDs []int64
		for _, p := range b.posts {
			if p.Kind == kind {
				wpIDs = append(wpIDs, p.WPID)
			}
		}
		mapped, err := b.s.wpMapped(ctx, b.tx, b.site, kind, wpIDs)
		if err != nil {
			return err
		}
		var articleIDs []int64
		for _, id := range mapped {
			articleIDs = append(articleIDs, id)
		}
		live, err := idsIn(ctx, b.tx, "articles", articleIDs)
		if err != nil {
			return err
		}
		for i, p := range b.posts {
			if id, ok := mapped[p.WPID]; ok && p.Kind == kind {
				b.outcome[i], b.ids[i] = PostDeleted, id
				if live[id] {
					b.outcome[i] = PostExisting
				}
			}
		}
	}
	return nil
}

// insertArticles stores the new posts' articles, as CreateArticle does
// but keeping the posts' dates, with their bylines, tags, revisions and
// mappings.
func (b *postBatch) insertArticles(ctx context.Context) error {
	var fresh []int
	var categories, authors, images []int64
	for i, p := range b.posts {
		if b.outcome[i] == 0 {
			fresh = append(fresh, i)
			categories = append(categories, p.Article.CategoryID)
			authors = append(authors, p.Article.AuthorIDs...)
			if p.Article.FeaturedImageID != 0 {
				images = append(images, p.Article.FeaturedImageID)
			}
		}
	}
	if len(fresh) == 0 {
		return nil
	}
	for _, ref := range []struct {
		table, field, msg string
		ids               []int64
	}{
		{"categories", "category", "Choose an existing category.", categories},
		{"authors", "authors", "Choose existing authors.", authors},
		{"media", "featured_image", "Choose an image from the media library.", images},
	} {
		found, err := idsIn(ctx, b.tx, ref.table, ref.ids)
		if err != nil {
			return err
		}
		for _, id := range ref.ids {
			if !found[id] {
				return qalam.FieldErrors{ref.field: ref.msg}.Err()
			}
		}
	}
	var planned []string
	for _, i := range fresh {
		planned = append(planned, b.posts[i].Article.Slug)
	}
	used, err := slugsIn(ctx, b.tx, planned)
	if err != nil {
		return err
	}
	stmt, err := b.tx.PrepareContext(ctx, `
		INSERT INTO articles (slug, language, label, status, headline, standfirst,
		    editor_note, editor_note_html, body, body_html, category_id, comments_closed,
		    seo_title, seo_description, featured_image_id, scheduled_at,
		    published_at, updated_at, edited_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
		RETURNING id`)
	if err != nil {
		return translate(err, "article", "")
	}
	defer stmt.Close()
	var bylines, tags, revisions, mappings [][]any
	d := b.s.d
	for _, i := range fresh {
		p, a := b.posts[i], *b.posts[i].Article
		slug := a.Slug
		if used[slug] {
			if slug, err = freeSlugAmong(ctx, b.tx, slug, used); err != nil {
				return err
			}
		}
		used[slug] = true
		created := orNow(a.CreatedAt, b.tx.now)
		published := qalam.UTC(a.PublishedAt)
		if a.Status == qalam.Published {
			published = orNow(published, b.tx.now)
		}
		updated := qalam.UTC(a.UpdatedAt)
		if updated.IsZero() {
			// Readers are not told of changes made before the move.
			updated = created
			if published.After(updated) {
				updated = published
			}
		}
		edited := qalam.UTC(a.EditedAt)
		if edited.IsZero() {
			edited = updated
		}
		var id int64
		err := stmt.QueryRowContext(ctx,
			slug, a.Language, a.Label, a.Status, a.Headline, a.Standfirst,
			a.EditorNote, a.EditorNoteHTML, a.Body, a.BodyHTML, a.CategoryID, a.CommentsClosed,
			a.SEOTitle, a.SEODescription, nullID(a.FeaturedImageID), d.ts(a.ScheduledAt),
			d.ts(published), d.ts(updated), d.ts(edited), d.ts(created)).Scan(&id)
		if err != nil {
			return fmt.Errorf("%s %d: %w", p.Kind, p.WPID, translate(err, "article", "slug"))
		}
		b.outcome[i], b.ids[i], b.slugs[i] = PostCreated, id, slug
		for pos, author := range unique(a.AuthorIDs) {
			bylines = append(bylines, []any{id, author, pos})
		}
		for _, tag := range unique(p.TagIDs) {
			tags = append(tags, []any{id, tag})
		}
		if a.Status == qalam.Published {
			// The first revision, as CreateArticle keeps it.
			revisions = append(revisions, []any{id, a.Headline, a.Standfirst, a.EditorNote, a.Body, a.Label,
				a.SEOTitle, a.SEODescription, false, "Imported from WordPress", nil, d.ts(b.tx.now)})
		}
		mappings = append(mappings, []any{b.site, p.Kind, p.WPID, id, 0, p.Sticky})
	}
	for _, rows := range []struct {
		table   string
		columns []string
		rows    [][]any
	}{
		{"article_authors", []string{"article_id", "author_id", "position"}, bylines},
		{"article_tags", []string{"article_id", "tag_id"}, tags},
		{"revisions", []string{"article_id", "headline", "standfirst", "editor_note", "body", "label",
			"seo_title", "seo_description", "minor", "note", "user_id", "created_at"}, revisions},
		{"wordpress_objects", []string{"site", "kind", "wp_id", "qalam_id", "wp_parent", "sticky"}, mappings},
	} {
		if err := b.stmts.insertRows(ctx, rows.table, rows.columns, rows.rows, "", nil); err != nil {
			return err
		}
	}
	return nil
}

// insertComments stores the comments not stored before, threaded by their
// WordPress parents: a round of multi-row inserts for the comments whose
// parent is known, then for their replies, and so on.
func (b *postBatch) insertComments(ctx context.Context) error {
	var existingArticles []int64
	for i := range b.posts {
		if b.outcome[i] == PostExisting {
			existingArticles = append(existingArticles, b.ids[i])
		}
	}
	known, err := commentKeys(ctx, b.tx, existingArticles)
	if err != nil {
		return err
	}
	type pending struct {
		post int
		wc   *WordPressComment
		key  string
	}
	var todo []pending
	inBatch := map[string]bool{}
	var users []int64
	for i, p := range b.posts {
		if b.outcome[i] == PostDeleted {
			continue
		}
		for _, wc := range p.Comments {
			key := wordpressCommentKey(b.site, wc.WPID)
			if id, ok := known[key]; ok {
				c := *wc.Comment
				c.ID, c.ArticleID, c.IdempotencyKey = id, b.ids[i], key
				b.comments[wc] = c
				continue
			}
			todo = append(todo, pending{i, wc, key})
			inBatch[key] = true
			if wc.WPUserID != 0 {
				users = append(users, wc.WPUserID)
			}
		}
	}
	commenters, err := b.commenters(ctx, users)
	if err != nil {
		return err
	}
	for len(todo) > 0 {
		var ready, later []pending
		for _, t := range todo {
			parentKey := wordpressCommentKey(b.site, t.wc.WPParent)
			if _, ok := known[parentKey]; t.wc.WPParent == 0 || ok || !inBatch[parentKey] {
				ready = append(ready, t)
			} else {
				later = append(later, t)
			}
		}
		if len(ready) == 0 {
			// Parents that reply to each other: shown at the top level.
			ready, later = later, nil
			for _, t := range ready {
				inBatch[wordpressCommentKey(b.site, t.wc.WPParent)] = false
			}
		}
		rows := make([][]any, len(ready))
		for j, t := range ready {
			c := *t.wc.Comment
			c.ArticleID, c.IdempotencyKey, c.CommenterID = b.ids[t.post], t.key, commenters[t.wc.WPUserID]
			c.ParentID = known[wordpressCommentKey(b.site, t.wc.WPParent)]
			if t.wc.WPParent == 0 {
				c.ParentID = 0
			}
			c.CreatedAt = orNow(c.CreatedAt, b.tx.now)
			c.UpdatedAt = qalam.UTC(c.UpdatedAt)
			if c.UpdatedAt.IsZero() {
				c.UpdatedAt = c.CreatedAt
			}
			b.comments[t.wc] = c
			rows[j] = []any{c.ArticleID, nullID(c.ParentID), c.AuthorName, c.AuthorEmail, c.AuthorURL,
				c.Body, c.BodyHTML, c.Status, nullID(c.CommenterID), c.IPHash, c.IdempotencyKey,
				b.s.d.ts(c.CreatedAt), b.s.d.ts(c.UpdatedAt)}
		}
		inserted := map[string]int64{}
		err := b.stmts.insertRows(ctx, "comments", []string{"article_id", "parent_id", "author_name", "author_email",
			"author_url", "body", "body_html", "status", "commenter_id", "ip_hash", "idempotency_key", "created_at", "updated_at"},
			rows, "ON CONFLICT (idempotency_key) DO NOTHING RETURNING idempotency_key, id", func(row scanner) error {
				var key string
				var id int64
				err := row.Scan(&key, &id)
				inserted[key] = id
				return err
			})
		if err != nil {
			return err
		}
		for _, t := range ready {
			c := b.comments[t.wc]
			if id, ok := inserted[t.key]; ok {
				c.ID = id
				b.counts[t.post]++
			} else if c.ID, err = commentIDByKey(ctx, b.tx, t.key); err != nil {
				return err // the key was taken, by an earlier run on a post since deleted
			}
			b.comments[t.wc] = c
			known[t.key] = c.ID
		}
		todo = later
	}
	return nil
}

// commenters returns the commenter identity of each registered WordPress
// user, creating those not seen before. Their token hashes are random: no
// browser holds a token for them, so they group a user's comments and
// grant nothing.
func (b *postBatch) commenters(ctx context.Context, users []int64) (map[int64]int64, error) {
	users = unique(users)
	mapped, err := b.s.wpMapped(ctx, b.tx, b.site, WPUser, users)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, id := range mapped {
		ids = append(ids, id)
	}
	live, err := idsIn(ctx, b.tx, "commenters", ids)
	if err != nil {
		return nil, err
	}
	for _, user := range users {
		if id, ok := mapped[user]; ok && live[id] {
			continue
		}
		var id int64
		err := b.tx.QueryRowContext(ctx,
			`INSERT INTO commenters (token_hash, trusted, created_at) VALUES ($1, $2, $3) RETURNING id`,
			[]byte(rand.Text()), false, b.s.d.ts(b.tx.now)).Scan(&id)
		if err != nil {
			return nil, translate(err, "commenter", "")
		}
		if _, err := b.tx.ExecContext(ctx, `
			INSERT INTO wordpress_objects (site, kind, wp_id, qalam_id) VALUES ($1, $2, $3, $4)
			ON CONFLICT (site, kind, wp_id) DO UPDATE SET qalam_id = excluded.qalam_id`,
			b.site, WPUser, user, id); err != nil {
			return nil, translate(err, "WordPress user", "")
		}
		mapped[user] = id
	}
	return mapped, nil
}

// apply copies what the committed batch stored into the caller's posts.
func (b *postBatch) apply() {
	for i, p := range b.posts {
		p.Outcome, p.NewComments = b.outcome[i], b.counts[i]
		p.Article.ID = b.ids[i]
		if b.outcome[i] == PostCreated {
			p.Article.Slug = b.slugs[i]
		}
		for _, wc := range p.Comments {
			if c, ok := b.comments[wc]; ok {
				*wc.Comment = c
			}
		}
	}
}

// wordpressCommentKey is the idempotency key of an imported comment.
func wordpressCommentKey(site string, wpID int64) string {
	return "wordpress:" + site + "#" + strconv.FormatInt(wpID, 10)
}

// commentKeys maps the idempotency keys of the articles' comments to
// their IDs.
func commentKeys(ctx context.Context, tx *writeTx, articleIDs []int64) (map[string]int64, error) {
	keys := map[string]int64{}
	for chunk := range slices.Chunk(articleIDs, maxRowParams) {
		var a args
		rows, err := tx.QueryContext(ctx, `SELECT idempotency_key, id FROM comments WHERE article_id IN `+a.in(chunk), a...)
		if err != nil {
			return nil, translate(err, "comment", "")
		}
		for rows.Next() {
			var key string
			var id int64
			if err := rows.Scan(&key, &id); err != nil {
				rows.Close()
				return nil, err
			}
			keys[key] = id
		}
		if err := rows.Close(); err != nil {
			return nil, translate(err, "comment", "")
		}
	}
	return keys, nil
}

func commentIDByKey(ctx context.Context, tx *writeTx, key string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM comments WHERE idempotency_key = $1`, key).Scan(&id)
	return id, translate(err, "comment", "")
}

// wpMapped returns what the WordPress objects of a kind with the given ids
// became, by WordPress id.
func (s *Store) wpMapped(ctx context.Context, tx *writeTx, site, kind string, wpIDs []int64) (map[int64]int64, error) {
	mapped := map[int64]int64{}
	for chunk := range slices.Chunk(wpIDs, maxRowParams) {
		a := args{site, kind}
		rows, err := tx.QueryContext(ctx, `
			SELECT wp_id, qalam_id FROM wordpress_objects
			WHERE site = $1 AND kind = $2 AND wp_id IN `+a.in(chunk), a...)
		if err != nil {
			return nil, translate(err, "WordPress "+kind, "")
		}
		for rows.Next() {
			var wpID, id int64
			if err := rows.Scan(&wpID, &id); err != nil {
				rows.Close()
				return nil, err
			}
			mapped[wpID] = id
		}
		if err := rows.Close(); err != nil {
			return nil, translate(err, "WordPress "+kind, "")
		}
	}
	return mapped, nil
}

// idsIn reports which of ids table (a constant of ours) holds.
func idsIn(ctx context.Context, tx *writeTx, table string, ids []int64) (map[int64]bool, error) {
	found := map[int64]bool{}
	for chunk := range slices.Chunk(unique(ids), maxRowParams) {
		var a args
		rows, err := tx.QueryContext(ctx, `SELECT id FROM `+table+` WHERE id IN `+a.in(chunk), a...)
		if err != nil {
			return nil, translate(err, table, "")
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			found[id] = true
		}
		if err := rows.Close(); err != nil {
			return nil, translate(err, table, "")
		}
	}
	return found, nil
}

// slugsIn reports which of slugs articles use.
func slugsIn(ctx context.Context, db querier, slugs []string) (map[string]bool, error) {
	used := map[string]bool{}
	for chunk := range slices.Chunk(slugs, maxRowParams) {
		var a args
		rows, err := db.QueryContext(ctx, `SELECT slug FROM articles WHERE slug IN `+inList(&a, chunk), a...)
		if err != nil {
			return nil, translate(err, "article", "")
		}
		for rows.Next() {
			var slug string
			if err := rows.Scan(&slug); err != nil {
				rows.Close()
				return nil, err
			}
			used[slug] = true
		}
		if err := rows.Close(); err != nil {
			return nil, translate(err, "article", "")
		}
	}
	return used, nil
}

// Limits of one multi-row statement: parameters (SQLite allows 32766,
// PostgreSQL 65535) and bytes of arguments (a batch of long articles is
// sent in several statements rather than one huge one).
const (
	maxRowParams = 2000
	maxRowBytes  = 4 << 20
)

// stmtCache keeps a transaction's prepared statements by their text:
// every full chunk of a multi-row insert is the same statement, parsed
// once.
type stmtCache struct {
	tx    *writeTx
	stmts map[string]*sql.Stmt
}

func (c *stmtCache) prepare(ctx context.Context, query string) (*sql.Stmt, error) {
	if st := c.stmts[query]; st != nil {
		return st, nil
	}
	st, err := c.tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.stmts[query] = st
	return st, nil
}

func (c *stmtCache) close() {
	for _, st := range c.stmts {
		st.Close()
	}
}

// insertRows inserts rows (each with a value per column) into table, a
// constant of ours, in as few statements as the limits allow. suffix
// follows the VALUES (ON CONFLICT ..., RETURNING ...); scan, when set,
// reads each returned row.
func (c *stmtCache) insertRows(ctx context.Context, table string, columns []string, rows [][]any, suffix string, scan func(scanner) error) error {
	for start := 0; start < len(rows); {
		var a args
		var q strings.Builder
		q.WriteString("INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") VALUES ")
		size, end := 0, start
		for end < len(rows) && (end == start || len(a)+len(columns) <= maxRowParams && size < maxRowBytes) {
			if end > start {
				q.WriteString(", ")
			}
			q.WriteString(inList(&a, rows[end]))
			for _, v := range rows[end] {
				if s, ok := v.(string); ok {
					size += len(s)
				}
			}
			end++
		}
		q.WriteString(" " + suffix)
		st, err := c.prepare(ctx, q.String())
		if err != nil {
			return translate(err, table, "")
		}
		if scan == nil {
			if _, err := st.ExecContext(ctx, a...); err != nil {
				return translate(err, table, "")
			}
		} else {
			result, err := st.QueryContext(ctx, a...)
			if err != nil {
				return translate(err, table, "")
			}
			for result.Next() {
				if err := scan(result); err != nil {
					result.Close()
					return err
				}
			}
			if err := result.Close(); err != nil {
				return translate(err, table, "")
			}
		}
		start = end
	}
	return nil
}

// freeSlugAmong is freeSlug for articles, also avoiding the slugs this
// batch has taken.
func freeSlugAmong(ctx context.Context, tx *writeTx, slug string, taken map[string]bool) (string, error) {
	for n := 2; ; n++ {
		suffix := "-" + strconv.Itoa(n)
		base := []rune(slug)
		if len(base)+len(suffix) > qalam.MaxSlug {
			base = base[:qalam.MaxSlug-len(suffix)]
		}
		candidate := strings.TrimRight(string(base), "-") + suffix
		if taken[candidate] {
			continue
		}
		used, err := slugsIn(ctx, tx, []string{candidate})
		if err != nil {
			return "", err
		}
		if !used[candidate] {
			return candidate, nil
		}
	}
}

// wpExisting returns the ID of what the WordPress object became when it
// still exists in table (a constant of ours), 0 when it was never
// imported, and -1 when it was imported and has been deleted since.
func (s *Store) wpExisting(ctx context.Context, tx *writeTx, site, kind string, wpID int64, table string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx,
		`SELECT qalam_id FROM wordpress_objects WHERE site = $1 AND kind = $2 AND wp_id = $3`,
		site, kind, wpID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, translate(err, "WordPress "+kind, "")
	}
	ok, err := exists(ctx, tx, table, id)
	switch {
	case err != nil:
		return 0, err
	case ok:
		return id, nil
	case kind == WPPost || kind == WPPage:
		return -1, nil
	}
	// A deleted author, category, tag or image is imported again: the
	// articles that need it would otherwise fail.
	_, err = tx.ExecContext(ctx, `DELETE FROM wordpress_objects WHERE site = $1 AND kind = $2 AND wp_id = $3`, site, kind, wpID)
	return 0, translate(err, "WordPress "+kind, "")
}

// mapWordPress records what a WordPress object became.
func (s *Store) mapWordPress(ctx context.Context, tx *writeTx, site, kind string, wpID, id, wpParent int64, sticky bool) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO wordpress_objects (site, kind, wp_id, qalam_id, wp_parent, sticky)
		VALUES ($1, $2, $3, $4, $5, $6)`,
		site, kind, wpID, id, wpParent, sticky)
	return translate(err, "WordPress "+kind, "")
}

// addOldPaths records paths as leading to the object; a path another
// object claimed first stays with it.
func (s *Store) addOldPaths(ctx context.Context, tx *writeTx, kind string, id int64, paths []string) error {
	for _, p := range paths {
		p = OldPath(p)
		if p == "/" {
			continue // the home page stays the home page
		}
		_, err := tx.ExecContext(ctx, `
			INSERT INTO wordpress_paths (path, kind, target_id) VALUES ($1, $2, $3)
			ON CONFLICT (path) DO NOTHING`, p, kind, id)
		if err != nil {
			return translate(err, "old address", "")
		}
	}
	return nil
}

// freeSlug returns slug, or the first of slug-2, slug-3, ... that no row
// of table (a constant of ours) uses, within qalam.MaxSlug characters.
func freeSlug(ctx context.Context, tx *writeTx, table, slug string) (string, error) {
	candidate := slug
	for n := 2; ; n++ {
		var used int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table+` WHERE slug = $1`, candidate).Scan(&used); err != nil {
			return "", translate(err, table, "")
		}
		if used == 0 {
			return candidate, nil
		}
		suffix := "-" + strconv.Itoa(n)
		base := []rune(slug)
		if len(base)+len(suffix) > qalam.MaxSlug {
			base = base[:qalam.MaxSlug-len(suffix)]
		}
		candidate = strings.TrimRight(string(base), "-") + suffix
	}
}

// MovedPath returns where the old WordPress address p (an escaped path, see
// oldPath) leads now: not found when no import recorded it or when what it
// led to is gone or, for an article, not published.
func (s *Store) MovedPath(ctx context.Context, p string) (Moved, error) {
	var kind string
	var id int64
	err := s.reader.QueryRowContext(ctx, `SELECT kind, target_id FROM wordpress_paths WHERE path = $1`, OldPath(p)).Scan(&kind, &id)
	if err != nil {
		return Moved{}, fmt.Errorf("store: old address %q: %w", p, translate(err, "old address", ""))
	}
	m, err := s.movedTo(ctx, kind, id)
	if err != nil {
		return Moved{}, fmt.Errorf("store: old address %q: %w", p, err)
	}
	return m, nil
}

// MovedID returns where the WordPress object wpID of the first of kinds
// that has one leads now, whatever site it was imported from (as /?p=ID
// finds posts, pages and attachments alike); not found as for MovedPath.
func (s *Store) MovedID(ctx context.Context, wpID int64, kinds ...string) (Moved, error) {
	for _, kind := range kinds {
		var id int64
		err := s.reader.QueryRowContext(ctx,
			`SELECT qalam_id FROM wordpress_objects WHERE kind = $1 AND wp_id = $2 ORDER BY site LIMIT 1`,
			kind, wpID).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) || movedKind[kind] == "" {
			continue
		}
		if err != nil {
			return Moved{}, fmt.Errorf("store: old %s %d: %w", kind, wpID, translate(err, "old address", ""))
		}
		m, err := s.movedTo(ctx, movedKind[kind], id)
		if err != nil {
			return Moved{}, fmt.Errorf("store: old %s %d: %w", kind, wpID, err)
		}
		return m, nil
	}
	return Moved{}, fmt.Errorf("store: old id %d: %w", wpID, translate(sql.ErrNoRows, "old address", ""))
}

// movedTo looks up the slug (or file name) of what an old address leads to.
func (s *Store) movedTo(ctx context.Context, kind string, id int64) (Moved, error) {
	var query string
	switch kind {
	case MovedArticle:
		query = `SELECT slug FROM articles WHERE id = $1 AND status = 'published'`
	case MovedCategory:
		query = `SELECT slug FROM categories WHERE id = $1`
	case MovedTag:
		query = `SELECT slug FROM tags WHERE id = $1`
	case MovedAuthor:
		query = `SELECT slug FROM authors WHERE id = $1`
	case MovedMedia:
		query = `SELECT name FROM media WHERE id = $1`
	default:
		return Moved{}, translate(sql.ErrNoRows, "old address", "")
	}
	m := Moved{Kind: kind}
	if err := s.reader.QueryRowContext(ctx, query, id).Scan(&m.Slug); err != nil {
		return Moved{}, translate(err, "old address", "")
	}
	return m, nil
}
