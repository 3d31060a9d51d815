package web

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/view"
)

// perPage is how many articles a listing shows.
const perPage = 20

// page returns the data every page shares, with the navigation.
func (s *Site) page(ctx context.Context) view.Page {
	return view.Page{SiteName: s.opts.SiteName, BaseURL: s.opts.BaseURL, Categories: s.navigation(ctx)}
}

// navigation lists the categories; an error here only costs the menu.
func (s *Site) navigation(ctx context.Context) []*qalam.Category {
	if nav := s.cache.navigation(); nav != nil {
		return nav
	}
	gen, _ := s.cache.generation()
	nav, err := s.store.FindCategories(ctx)
	if err != nil {
		s.log.WarnContext(ctx, "navigation unavailable", "err", err)
		return nil
	}
	s.cache.putNavigation(gen, nav)
	return nav
}

func (s *Site) showHome(w http.ResponseWriter, r *http.Request) error {
	return s.serveListing(w, r, func(ctx context.Context, f store.ArticleFilter) (any, error) {
		articles, older, err := s.findPublished(ctx, f, r.URL)
		if err != nil {
			return nil, err
		}
		p := view.HomePage{Page: s.page(ctx), Articles: articles, Older: older}
		p.Canonical = s.opts.BaseURL + "/"
		p.Description = s.opts.SiteName
		return p, nil
	}, "site/home")
}

func (s *Site) showAuthor(w http.ResponseWriter, r *http.Request) error {
	return s.serveListing(w, r, func(ctx context.Context, f store.ArticleFilter) (any, error) {
		author, err := s.store.AuthorBySlug(ctx, r.PathValue("slug"))
		if err != nil {
			return nil, err
		}
		f.AuthorID = author.ID
		return s.listPage(ctx, r, f, "author", author.Name, author)
	}, "site/list")
}

func (s *Site) showCategory(w http.ResponseWriter, r *http.Request) error {
	return s.serveListing(w, r, func(ctx context.Context, f store.ArticleFilter) (any, error) {
		c, err := s.store.CategoryBySlug(ctx, r.PathValue("slug"))
		if err != nil {
			return nil, err
		}
		f.CategoryID = c.ID
		return s.listPage(ctx, r, f, "category", c.Name, nil)
	}, "site/list")
}

func (s *Site) showTag(w http.ResponseWriter, r *http.Request) error {
	return s.serveListing(w, r, func(ctx context.Context, f store.ArticleFilter) (any, error) {
		t, err := s.store.TagBySlug(ctx, r.PathValue("slug"))
		if err != nil {
			return nil, err
		}
		f.TagID = t.ID
		return s.listPage(ctx, r, f, "tag", t.Name, nil)
	}, "site/list")
}

func (s *Site) listPage(ctx context.Context, r *http.Request, f store.ArticleFilter, kind, heading string, author *qalam.Author) (view.ListPage, error) {
	articles, older, err := s.findPublished(ctx, f, r.URL)
	if err != nil {
		return view.ListPage{}, err
	}
	p := view.ListPage{Page: s.page(ctx), Kind: kind, Heading: heading, Author: author, Articles: articles, Older: older}
	if author != nil && author.PhotoID != 0 {
		// A photo that cannot be loaded costs the page its picture only.
		if photo, err := s.store.Media(ctx, author.PhotoID); err == nil {
			p.Photo = photo
		}
	}
	p.Title = heading
	p.Canonical = s.opts.BaseURL + r.URL.EscapedPath()
	if author != nil {
		p.Description = author.Bio
	}
	return p, nil
}

// serveListing serves a listing of articles, paged by the "before" cursor.
func (s *Site) serveListing(w http.ResponseWriter, r *http.Request, build func(context.Context, store.ArticleFilter) (any, error), name string) error {
	return s.serveShared(w, r, name, func(ctx context.Context) (any, error) {
		f, err := parseCursor(r.URL.Query().Get("before"))
		if err != nil {
			return nil, err
		}
		return build(ctx, f)
	})
}

// serveShared serves a page that holds nothing personal from the cache, or
// builds, renders and caches it: one copy serves every reader until a
// change drops it.
func (s *Site) serveShared(w http.ResponseWriter, r *http.Request, name string, build func(context.Context) (any, error)) error {
	key := r.URL.EscapedPath() + "?" + r.URL.RawQuery
	w.Header().Set("Cache-Control", "public, max-age=0, must-revalidate")
	if body := s.cache.page(key); body != nil {
		view.WriteHTML(w, http.StatusOK, body)
		return nil
	}
	gen, _ := s.cache.generation()
	data, err := build(r.Context())
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := s.view.Execute(&buf, name, data); err != nil {
		return err
	}
	body := buf.Bytes()
	s.cache.putPage(gen, key, body)
	view.WriteHTML(w, http.StatusOK, body)
	return nil
}

// findPublished returns a page of published articles and the link to the
// next, older page (keyset paging: stable while new articles arrive).
func (s *Site) findPublished(ctx context.Context, f store.ArticleFilter, u *url.URL) ([]*qalam.Article, string, error) {
	published := qalam.Published
	f.Status = &published
	f.Limit = perPage
	articles, total, err := s.store.FindArticles(ctx, f)
	if err != nil {
		return nil, "", err
	}
	var older string
	if len(articles) == perPage && total > perPage {
		last := articles[len(articles)-1]
		q := url.Values{"before": {strconv.FormatInt(last.PublishedAt.UnixMicro(), 10) + "-" + strconv.FormatInt(last.ID, 10)}}
		older = u.EscapedPath() + "?" + q.Encode()
	}
	return articles, older, nil
}

// parseCursor reads a "before" cursor: microseconds-ID of the last article
// of the previous page.
func parseCursor(v string) (store.ArticleFilter, error) {
	var f store.ArticleFilter
	if v == "" {
		return f, nil
	}
	bad := qalam.Errorf(qalam.KindNotFound, "That page of the archive does not exist.")
	micro, id, ok := strings.Cut(v, "-")
	if !ok {
		return f, bad
	}
	us, err1 := strconv.ParseInt(micro, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if err1 != nil || err2 != nil || n <= 0 {
		return f, bad
	}
	f.BeforePublished = time.UnixMicro(us).UTC()
	f.BeforeID = n
	return f, nil
}

func (s *Site) serveAsset(w http.ResponseWriter, r *http.Request) {
	s.view.Assets().ServeHTTP(w, r)
}

// serveIcon answers browsers and feed readers that ask for /favicon.ico
// without reading the page's icon link, instead of filling logs with 404s.
func (s *Site) serveIcon(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=86400")
	http.Redirect(w, r, s.view.Assets().URL("img/icon.svg"), http.StatusMovedPermanently)
}

// health answers a load balancer: 200 when the database answers.
func (s *Site) health(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.store.FindCategories(r.Context()); err != nil {
		return &qalam.Error{Kind: qalam.KindUnavailable, Message: "database unavailable", Err: err}
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, err := w.Write([]byte("ok\n"))
	return err
}
