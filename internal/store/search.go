package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/textfold"
)

// Full-text search over published articles: headline, standfirst, body,
// tags and authors. The text is folded in Go (package textfold) and the
// index written in the same transaction as every change that affects it,
// so the index is never behind the articles and SQLite and PostgreSQL
// index the same words (dialect.go has the two engines' parts).

// Limits of a search, in what a reader types.
const (
	MaxSearchRunes = 200
	MaxSearchTerms = 12
)

// Page sizes of Search.
const (
	defaultSearchLimit = 10
	maxSearchLimit     = 50
)

// snippetWords is the length of a result's snippet, in words.
const snippetWords = 30

// SearchQuery is a reader's search and the page of results wanted.
type SearchQuery struct {
	Text   string // as the reader typed it
	Offset int
	Limit  int // default 10, at most 50
}

// SearchResult is an article found by Search: with its byline and tags
// (not its body, category, comments or image), and its headline and a
// snippet of its text as pieces of the original text, the words that
// matched marked.
type SearchResult struct {
	Article  *qalam.Article
	Headline []textfold.Piece
	Snippet  []textfold.Piece
}

// searchEntry is an article's entry in the index: its fields' folded words.
type searchEntry struct {
	articleID                                 int64
	headline, standfirst, tags, authors, body string
}

// Search returns a page of the published articles holding every word of
// q.Text (the last word also as the start of a longer one), best match
// first (a match in the headline counts most, then the standfirst, tags
// and authors, then the body; ties newest first), and how many articles
// match in all. A query without words finds nothing; one longer than
// MaxSearchRunes characters or MaxSearchTerms words is invalid.
//
// Paging is by offset: relevance is not a stable key to page on (it
// changes as articles are added, and differs in the last digits between
// engines), and ranking a query scores every match whatever the page, so
// a keyset would save nothing.
func (s *Store) Search(ctx context.Context, q SearchQuery) ([]SearchResult, int, error) {
	if utf8.RuneCountInString(q.Text) > MaxSearchRunes {
		return nil, 0, qalam.Errorf(qalam.KindInvalid, "Search for at most %d characters.", MaxSearchRunes)
	}
	terms := textfold.Terms(q.Text)
	if len(terms) > MaxSearchTerms {
		return nil, 0, qalam.Errorf(qalam.KindInvalid, "Search for at most %d words.", MaxSearchTerms)
	}
	if len(terms) == 0 {
		return []SearchResult{}, 0, nil
	}
	limit := q.Limit
	if limit <= 0 {
		limit = defaultSearchLimit
	}
	limit = min(limit, maxSearchLimit)

	var results []SearchResult
	var total int
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		var ids []int64
		if ids, total, err = s.searchPage(ctx, tx, terms, max(q.Offset, 0), limit); err != nil {
			return err
		}
		results, err = s.searchResults(ctx, tx, ids, terms)
		return err
	})
	if err != nil {
		// The query is not in the message: readers' searches are not logged.
		return nil, 0, fmt.Errorf("store: search: %w", err)
	}
	return results, total, nil
}

// searchPage returns the IDs of a page of matching published articles, in
// order, and how many match in all. Only IDs and scores are sorted, so the
// sort carries no article text.
func (s *Store) searchPage(ctx context.Context, db querier, terms []textfold.Term, offset, limit int) ([]int64, int, error) {
	var a args
	matches := s.d.searchMatches(&a, terms)
	rows, err := db.QueryContext(ctx, `
		SELECT m.article_id, COUNT(*) OVER ()
		FROM (`+matches+`) m
		JOIN articles a ON a.id = m.article_id
		WHERE a.status = `+a.add(qalam.Published)+`
		ORDER BY m.score DESC, a.published_at DESC, a.id DESC
		LIMIT `+a.add(limit)+` OFFSET `+a.add(offset), a...)
	if err != nil {
		return nil, 0, translate(err, "article", "")
	}
	var total int
	ids, err := collect(rows, func(row scanner) (id int64, err error) {
		err = row.Scan(&id, &total)
		return id, err
	})
	if err != nil {
		return nil, 0, translate(err, "article", "")
	}
	if len(ids) == 0 && offset > 0 {
		// Past the last page: count without paging.
		var a args
		err := db.QueryRowContext(ctx, `
			SELECT COUNT(*) FROM (`+s.d.searchMatches(&a, terms)+`) m
			JOIN articles a ON a.id = m.article_id
			WHERE a.status = `+a.add(qalam.Published), a...).Scan(&total)
		if err != nil {
			return nil, 0, translate(err, "article", "")
		}
	}
	return ids, total, nil
}

// searchResults loads the articles of a page of results, in the order of
// ids, and cuts their headlines and snippets.
func (s *Store) searchResults(ctx context.Context, db querier, ids []int64, terms []textfold.Term) ([]SearchResult, error) {
	results := make([]SearchResult, 0, len(ids))
	if len(ids) == 0 {
		return results, nil
	}
	var a args
	rows, err := db.QueryContext(ctx, `
		SELECT id, slug, language, label, headline, standfirst, body, body_html,
		       published_at, updated_at
		FROM articles WHERE id IN `+a.in(ids), a...)
	if err != nil {
		return nil, translate(err, "article", "")
	}
	list, err := collect(rows, func(row scanner) (*qalam.Article, error) {
		var r qalam.Article
		err := row.Scan(&r.ID, &r.Slug, &r.Language, &r.Label, &r.Headline, &r.Standfirst,
			&r.Body, &r.BodyHTML, scanTime(&r.PublishedAt), scanTime(&r.UpdatedAt))
		return &r, err
	})
	if err != nil {
		return nil, translate(err, "article", "")
	}
	if err := s.loadBylines(ctx, db, list); err != nil {
		return nil, err
	}
	if err := s.loadTags(ctx, db, list); err != nil {
		return nil, err
	}
	articles, _ := byID(list)
	for _, id := range ids {
		r := articles[id]
		if r == nil {
			continue // cannot happen in one snapshot; a page short by one beats a panic
		}
		results = append(results, SearchResult{
			Article:  r,
			Headline: textfold.Highlight(r.Headline, terms),
			Snippet:  snippet(r, terms),
		})
		// The page shows the snippet, not the text.
		r.Body, r.BodyHTML = "", ""
	}
	return results, nil
}

// snippet is the part of an article's text that shows why it was found:
// the standfirst when a term is in it, else the body around the terms,
// else (a match in the headline, tags or byline only) the standfirst, or
// the start of the body.
func snippet(r *qalam.Article, terms []textfold.Term) []textfold.Piece {
	standfirst, inStandfirst := textfold.Snippet(r.Standfirst, terms, snippetWords)
	if inStandfirst {
		return standfirst
	}
	body, inBody := textfold.Snippet(searchBody(r.BodyHTML, r.Body), terms, snippetWords)
	if inBody || standfirst == nil {
		return body
	}
	return standfirst
}

// searchBody is the text of an article's body that is indexed and cut into
// snippets: the text of its sanitised HTML, or its Markdown source when it
// has no HTML (some imports and tests store only the source).
func searchBody(bodyHTML, body string) string {
	if bodyHTML == "" {
		return body
	}
	return htmlText(bodyHTML)
}

// htmlText extracts the text of HTML, entities resolved, with a space
// wherever an element other than inline formatting begins or ends (so
// paragraphs and list items do not run together) and whitespace collapsed.
func htmlText(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	space := false
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			for _, r := range string(z.Text()) {
				switch {
				case r == ' ' || r == '\n' || r == '\t' || r == '\r' || r == '\f':
					space = true
				default:
					if space && b.Len() > 0 {
						b.WriteByte(' ')
					}
					space = false
					b.WriteRune(r)
				}
			}
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "a", "abbr", "b", "bdi", "bdo", "code", "del", "em", "i", "ins", "kbd", "mark",
				"q", "s", "small", "span", "strong", "sub", "u", "wbr":
			default:
				space = true
			}
		}
	}
}

// indexArticles brings the search index up to date for the given
// articles, inside the writing transaction: a published article's entry is
// written from its text, tags and byline as they now stand; any other
// article's entry, or a deleted one's, is removed. Every store method that
// changes what an article's entry holds calls it.
func (s *Store) indexArticles(ctx context.Context, tx *writeTx, ids ...int64) error {
	const chunk = 500 // well under both engines' limits on parameters
	for len(ids) > 0 {
		n := min(len(ids), chunk)
		if err := s.indexChunk(ctx, tx, ids[:n]); err != nil {
			return fmt.Errorf("index for search: %w", err)
		}
		ids = ids[n:]
	}
	return nil
}

func (s *Store) indexChunk(ctx context.Context, tx *writeTx, ids []int64) error {
	var a args
	rows, err := tx.QueryContext(ctx, `
		SELECT id, headline, standfirst, body, body_html FROM articles
		WHERE status = `+a.add(qalam.Published)+` AND id IN `+a.in(ids), a...)
	if err != nil {
		return translate(err, "article", "")
	}
	list, err := collect(rows, func(row scanner) (*qalam.Article, error) {
		var r qalam.Article
		err := row.Scan(&r.ID, &r.Headline, &r.Standfirst, &r.Body, &r.BodyHTML)
		return &r, err
	})
	if err != nil {
		return translate(err, "article", "")
	}
	if err := s.loadBylines(ctx, tx, list); err != nil {
		return err
	}
	if err := s.loadTags(ctx, tx, list); err != nil {
		return err
	}
	published, _ := byID(list)
	for _, id := range ids {
		r := published[id]
		if r == nil {
			err = s.d.deleteSearchEntry(ctx, tx.Tx, id)
		} else {
			err = s.d.putSearchEntry(ctx, tx.Tx, newSearchEntry(r))
		}
		if err != nil {
			return translate(err, "search entry", "")
		}
	}
	return nil
}

// newSearchEntry folds an article's fields for the index.
func newSearchEntry(r *qalam.Article) searchEntry {
	names := make([]string, len(r.Authors))
	for i, u := range r.Authors {
		names[i] = u.Name
	}
	// A newline between names: never part of a word, so names do not run
	// into each other.
	return searchEntry{
		articleID:  r.ID,
		headline:   textfold.Fold(r.Headline),
		standfirst: textfold.Fold(r.Standfirst),
		tags:       textfold.Fold(strings.Join(r.TagNames, "\n")),
		authors:    textfold.Fold(strings.Join(names, "\n")),
		body:       firstWords(textfold.Fold(searchBody(r.BodyHTML, r.Body)), maxIndexedWords),
	}
}

// maxIndexedWords bounds the words of a body that are indexed, far beyond
// any article, so that no text can outgrow what an engine stores for one
// entry (PostgreSQL's tsvector holds at most 1 MB) and fail its save.
const maxIndexedWords = 50_000

// firstWords is the first n words of folded text.
func firstWords(folded string, n int) string {
	for i := range len(folded) {
		if folded[i] == ' ' {
			if n--; n == 0 {
				return folded[:i]
			}
		}
	}
	return folded
}

// indexTagged re-indexes the articles carrying the tag, whose entries hold
// its name.
func (s *Store) indexTagged(ctx context.Context, tx *writeTx, tagID int64) error {
	ids, err := articleIDs(ctx, tx, `SELECT article_id FROM article_tags WHERE tag_id = $1`, tagID)
	if err != nil {
		return err
	}
	return s.indexArticles(ctx, tx, ids...)
}

// keepTaggedIndexed runs change, which takes the tag off its articles, then
// re-indexes the articles that carried it.
func (s *Store) keepTaggedIndexed(ctx context.Context, tx *writeTx, tagID int64, change func() error) error {
	ids, err := articleIDs(ctx, tx, `SELECT article_id FROM article_tags WHERE tag_id = $1`, tagID)
	if err != nil {
		return err
	}
	if err := change(); err != nil {
		return err
	}
	return s.indexArticles(ctx, tx, ids...)
}

// indexBylined re-indexes the articles in the author's byline, whose
// entries hold the author's name.
func (s *Store) indexBylined(ctx context.Context, tx *writeTx, authorID int64) error {
	ids, err := articleIDs(ctx, tx, `SELECT article_id FROM article_authors WHERE author_id = $1`, authorID)
	if err != nil {
		return err
	}
	return s.indexArticles(ctx, tx, ids...)
}

// articleIDs runs a query (a constant of the store's) selecting article IDs.
func articleIDs(ctx context.Context, db querier, query string, args ...any) ([]int64, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, translate(err, "article", "")
	}
	ids, err := collect(rows, func(row scanner) (id int64, err error) {
		err = row.Scan(&id)
		return id, err
	})
	return ids, translate(err, "article", "")
}

// syncSearchIndex indexes the published articles that have no entry, or
// an entry folded by other rules (textfold.Version), and removes the
// entries of articles no longer published: the index of a database
// migrated from before search, or from an older Qalam. It works in
// batches, one transaction each, so a large archive does not hold the
// writer for long, and does nothing when the index is current.
func (s *Store) syncSearchIndex(ctx context.Context) error {
	const batch = 200
	for {
		var n int
		err := s.write(ctx, func(tx *writeTx) error {
			ids, err := articleIDs(ctx, tx, `
				SELECT a.id FROM articles a
				LEFT JOIN search_documents d ON d.article_id = a.id
				WHERE (a.status = $1 AND (d.article_id IS NULL OR d.version <> $2))
				   OR (a.status <> $1 AND d.article_id IS NOT NULL)
				ORDER BY a.id
				LIMIT $3`, qalam.Published, textfold.Version, batch)
			if err != nil {
				return err
			}
			n = len(ids)
			return s.indexArticles(ctx, tx, ids...)
		})
		if err != nil {
			return fmt.Errorf("store: sync search index: %w", err)
		}
		if n < batch {
			return nil
		}
	}
}
