package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/view"
)

// Old addresses: a site imported from WordPress ("qalam import wordpress")
// keeps its search-engine links and everyone's bookmarks. The import
// records every old address of what it brought (permalinks in every date
// form, old slugs, category, tag and author archives, uploaded images);
// such an address answers with a permanent redirect to where the thing is
// now, and so do WordPress's query addresses (/?p=ID and friends). An
// article is only redirected to while it is published.

// legacyStore is what old addresses need from the database.
type legacyStore interface {
	MovedPath(ctx context.Context, p string) (store.Moved, error)
	MovedID(ctx context.Context, wpID int64, kinds ...string) (store.Moved, error)
}

// showMoved serves every path no other route matches: an old address
// redirects, anything else is not found.
func (s *Site) showMoved(w http.ResponseWriter, r *http.Request) error {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return notFound(w, r)
	}
	p := r.URL.EscapedPath()
	if p == "/index.php" {
		if moved, err := s.legacyQuery(w, r); moved || err != nil {
			return err
		}
	}
	m, err := s.movedPath(r.Context(), p)
	if errors.Is(err, qalam.ErrNotFound) {
		return notFound(w, r)
	}
	if err != nil {
		return err
	}
	return redirectMoved(w, r, m)
}

// pageSuffix is what WordPress appends to an address for a feed, another
// page of it, or another presentation: the thing itself is what moved.
var pageSuffix = regexp.MustCompile(`(?i)(?:/(?:feed(?:/(?:rss|rss2|atom|rdf))?|rss|amp|embed|trackback|comment-page-\d+|page/\d+|\d+))+/?$`)

// movedPath looks an old path up as it is, then without WordPress's
// /index.php prefix and page suffixes.
func (s *Site) movedPath(ctx context.Context, p string) (store.Moved, error) {
	tries := []string{p}
	if rest, ok := strings.CutPrefix(p, "/index.php/"); ok {
		p = "/" + rest
		tries = append(tries, p)
	}
	if trimmed := pageSuffix.ReplaceAllString(p, ""); trimmed != p && trimmed != "" {
		tries = append(tries, trimmed)
	}
	var err error
	for _, try := range tries {
		var m store.Moved
		if m, err = s.store.MovedPath(ctx, try); err == nil {
			return m, nil
		}
		if !errors.Is(err, qalam.ErrNotFound) {
			return store.Moved{}, err
		}
	}
	return store.Moved{}, err
}

// legacyParams are WordPress's query addresses and the kinds of object
// each may name, in the order WordPress looks.
var legacyParams = []struct {
	name  string
	kinds []string
}{
	{"p", []string{store.WPPost, store.WPPage, store.WPAttachment}},
	{"page_id", []string{store.WPPage, store.WPPost}},
	{"attachment_id", []string{store.WPAttachment}},
	{"cat", []string{store.WPCategory}},
	{"author", []string{store.WPAuthor}},
}

// legacyQuery answers a WordPress query address on the home page, such as
// /?p=123 or /?tag=ferries, and reports whether the request was one. An id
// that was never imported is not found, rather than the home page.
func (s *Site) legacyQuery(w http.ResponseWriter, r *http.Request) (bool, error) {
	if r.URL.RawQuery == "" {
		return false, nil
	}
	q := r.URL.Query()
	for _, param := range legacyParams {
		id, err := strconv.ParseInt(q.Get(param.name), 10, 64)
		if err != nil || id <= 0 {
			continue
		}
		m, err := s.store.MovedID(r.Context(), id, param.kinds...)
		if errors.Is(err, qalam.ErrNotFound) {
			return true, notFound(w, r)
		}
		if err != nil {
			return true, err
		}
		return true, redirectMoved(w, r, m)
	}
	if tag := q.Get("tag"); tag != "" {
		m, err := s.store.MovedPath(r.Context(), "/tag/"+url.PathEscape(tag))
		if errors.Is(err, qalam.ErrNotFound) {
			return true, notFound(w, r)
		}
		if err != nil {
			return true, err
		}
		return true, redirectMoved(w, r, m)
	}
	return false, nil
}

// redirectMoved sends the reader, permanently, to where m is now.
func redirectMoved(w http.ResponseWriter, r *http.Request, m store.Moved) error {
	var to string
	switch m.Kind {
	case store.MovedArticle:
		to = view.ArticlePath(m.Slug)
	case store.MovedCategory:
		to = categoryPath(m.Slug)
	case store.MovedTag:
		to = tagPath(m.Slug)
	case store.MovedAuthor:
		to = authorPath(m.Slug)
	case store.MovedMedia:
		to = "/media/" + url.PathEscape(m.Slug) // served by the media library (cmd/qalam)
	default:
		return notFound(w, r)
	}
	// Kept a day by caches: an editor may still rename the article.
	w.Header().Set("Cache-Control", "public, max-age=86400")
	http.Redirect(w, r, to, http.StatusMovedPermanently)
	return nil
}
