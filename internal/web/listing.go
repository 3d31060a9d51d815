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

// perPage is how many articles a list shows.
const perPage = 20

// The front page's sizes: the latest after the lead, and the headlines of
// each section's block.
const (
	frontLatest     = 8
	frontPerSection = 4
)

// page returns the data every page shares, with the navigation, in the
// site's language.
func (s *Site) page(ctx context.Context) view.Page {
	return view.Page{SiteName: s.opts.SiteName, BaseURL: s.opts.BaseURL, Categories: s.navigation(ctx), Lang: s.language(ctx), Mirror: s.opts.Mirror}
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

// language is the language of the site's interface (a setting), English
// when unset; an error here only costs the page its Urdu.
func (s *Site) language(ctx context.Context) qalam.Language {
	v, err := s.store.Setting(ctx, store.SettingLanguage)
	if err != nil {
		s.log.WarnContext(ctx, "site language unavailable", "err", err)
		return qalam.English
	}
	if l := qalam.Language(v); l.Valid() {
		return l
	}
	return qalam.English
}

// showHome serves the front page: the lead story, the latest and a block
// per section. Its "before" pages continue the latest as a plain list.
func (s *Site) showHome(w http.ResponseWriter, r *http.Request) error {
	// An old WordPress address such as /?p=123 redirects (legacy.go).
	if moved, err := s.legacyQuery(w, r); moved || err != nil {
		return err
	}
	if r.URL.Query().Has("before") {
		return s.serveList(w, r, func(ctx context.Context) (listSpec, error) {
			return listSpec{page: view.ListPage{Page: s.page(ctx), Kind: "latest"}}, nil
		})
	}
	return s.serveShared(w, r, "site/home", func(ctx context.Context) (any, error) {
		fp, err := s.store.FrontPage(ctx, frontLatest, frontPerSection)
		if err != nil {
			return nil, err
		}
		p := view.HomePage{Page: s.page(ctx), Lead: fp.Lead, Latest: fp.Latest}
		for _, sec := range fp.Sections {
			p.Sections = append(p.Sections, view.HomeSection{Category: sec.Category, Articles: sec.Articles})
		}
		if fp.Older != nil {
			p.More = "/?" + cursorQuery(*fp.Older)
		}
		p.Canonical = s.opts.BaseURL + "/"
		p.Description = s.opts.SiteName
		s.describeListing(&p.Page, r, "", nil) // meta.go
		return p, nil
	})
}

func (s *Site) showAuthor(w http.ResponseWriter, r *http.Request) error {
	return s.serveList(w, r, func(ctx context.Context) (listSpec, error) {
		author, err := s.store.AuthorBySlug(ctx, r.PathValue("slug"))
		if err != nil {
			return listSpec{}, err
		}
		p := view.ListPage{Page: s.page(ctx), Kind: "author", Heading: author.Name, Author: author}
		if author.PhotoID != 0 {
			// A photo that cannot be loaded costs the page its picture only.
			if photo, err := s.store.Media(ctx, author.PhotoID); err == nil {
				p.Photo = photo
			}
		}
		p.Description = author.Bio
		return listSpec{page: p, filter: store.ListFilter{AuthorID: author.ID}, feeds: r.URL.EscapedPath()}, nil
	})
}

func (s *Site) showCategory(w http.ResponseWriter, r *http.Request) error {
	return s.serveList(w, r, func(ctx context.Context) (listSpec, error) {
		c, err := s.store.CategoryBySlug(ctx, r.PathValue("slug"))
		if err != nil {
			return listSpec{}, err
		}
		p := view.ListPage{Page: s.page(ctx), Kind: "category", Heading: c.Name}
		return listSpec{page: p, filter: store.ListFilter{CategoryID: c.ID}, feeds: r.URL.EscapedPath()}, nil
	})
}

func (s *Site) showTag(w http.ResponseWriter, r *http.Request) error {
	return s.serveList(w, r, func(ctx context.Context) (listSpec, error) {
		t, err := s.store.TagBySlug(ctx, r.PathValue("slug"))
		if err != nil {
			return listSpec{}, err
		}
		p := view.ListPage{Page: s.page(ctx), Kind: "tag", Heading: t.Name}
		return listSpec{page: p, filter: store.ListFilter{TagID: t.ID}, feeds: r.URL.EscapedPath()}, nil
	})
}

// listSpec is what a list page shows besides its articles: the page with
// its heading, the filter choosing its articles, and the path of its own
// feeds ("" for none).
type listSpec struct {
	page   view.ListPage
	filter store.ListFilter
	feeds  string
}

// serveList serves a list: the articles its spec selects, after the
// "before" cursor, with links to the pages on either side (keyset paging:
// a page stays the same while new articles arrive).
func (s *Site) serveList(w http.ResponseWriter, r *http.Request, build func(context.Context) (listSpec, error)) error {
	return s.serveShared(w, r, "site/list", func(ctx context.Context) (any, error) {
		after, err := parseCursor(r.URL.Query().Get("before"))
		if err != nil {
			return nil, err
		}
		spec, err := build(ctx)
		if err != nil {
			return nil, err
		}
		list, err := s.store.ListPublished(ctx, spec.filter, after, perPage)
		if err != nil {
			return nil, err
		}
		if !after.IsZero() && len(list.Articles) == 0 {
			return nil, errNoSuchPage
		}
		p := spec.page
		p.Articles, p.Pager = list.Articles, pagerFor(r.URL, list)
		if p.Title == "" {
			// The latest's later pages are the front page's, by title.
			p.Title = p.Heading
		}
		p.Canonical = s.opts.BaseURL + r.URL.EscapedPath()
		s.describeListing(&p.Page, r, spec.feeds, p.Photo) // meta.go
		return p, nil
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

// errNoSuchPage answers a cursor that leads nowhere.
var errNoSuchPage = qalam.Errorf(qalam.KindNotFound, "That page of the archive does not exist.")

// pagerFor links the pages on either side of a list's page.
func pagerFor(u *url.URL, l store.Listing) view.Pager {
	var p view.Pager
	path := u.EscapedPath()
	if l.Older != nil {
		p.Older = path + "?" + cursorQuery(*l.Older)
	}
	switch {
	case l.Newer == nil:
	case l.Newer.IsZero():
		p.Newer = path
	default:
		p.Newer = path + "?" + cursorQuery(*l.Newer)
	}
	return p
}

// cursorQuery is the query naming the page after c: before=micro-ID, the
// publication time in microseconds and the article's ID.
func cursorQuery(c store.Cursor) string {
	return url.Values{"before": {strconv.FormatInt(c.Published.UnixMicro(), 10) + "-" + strconv.FormatInt(c.ID, 10)}}.Encode()
}

// parseCursor reads a "before" cursor written by cursorQuery; empty is the
// top of the list.
func parseCursor(v string) (store.Cursor, error) {
	if v == "" {
		return store.Cursor{}, nil
	}
	micro, id, ok := strings.Cut(v, "-")
	if !ok {
		return store.Cursor{}, errNoSuchPage
	}
	us, err1 := strconv.ParseInt(micro, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if err1 != nil || err2 != nil || n <= 0 {
		return store.Cursor{}, errNoSuchPage
	}
	return store.Cursor{Published: time.UnixMicro(us).UTC(), ID: n}, nil
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
