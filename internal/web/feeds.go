package web

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/feed"
	"github.com/qalamnews/qalam/internal/markup"
	"github.com/qalamnews/qalam/internal/media"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/view"
)

// Feeds: RSS 2.0 and Atom for the site, each category, tag and author,
// and each article's discussion. The documents are built by package feed
// and served like the listings: from the page cache, dropped by the change
// feed, with an ETag and Last-Modified so a polling reader mostly gets 304.

// machineStore is what feeds and sitemaps read besides the listings.
type machineStore interface {
	Setting(ctx context.Context, key string) (string, error)
	LatestComments(ctx context.Context, articleID int64, limit int) ([]*qalam.Comment, error)
	SitemapMonths(ctx context.Context) ([]store.SitemapMonth, error)
	SitemapArticles(ctx context.Context, from, to time.Time, limit int) ([]store.SitemapArticle, error)
	SitemapSections(ctx context.Context) ([]store.SitemapSection, error)
}

// Sizes of feeds.
const (
	feedArticles = perPage
	feedComments = 50
)

// feedFormat is RSS or Atom.
type feedFormat struct {
	contentType string
	encode      func(*feed.Feed) ([]byte, error)
}

var (
	rssFormat  = feedFormat{feed.RSSType, (*feed.Feed).RSS}
	atomFormat = feedFormat{feed.AtomType, (*feed.Feed).Atom}
)

// feedScope finds what an article feed follows: its filter, its title
// and the path of its HTML page.
type feedScope func(ctx context.Context, r *http.Request) (f store.ArticleFilter, title, page, description string, err error)

func (s *Site) siteScope(ctx context.Context, r *http.Request) (store.ArticleFilter, string, string, string, error) {
	return store.ArticleFilter{}, s.opts.SiteName, "/", "", nil
}

func (s *Site) categoryScope(ctx context.Context, r *http.Request) (store.ArticleFilter, string, string, string, error) {
	c, err := s.store.CategoryBySlug(ctx, r.PathValue("slug"))
	if err != nil {
		return store.ArticleFilter{}, "", "", "", err
	}
	return store.ArticleFilter{CategoryID: c.ID}, c.Name + " · " + s.opts.SiteName, categoryPath(c.Slug), "", nil
}

func (s *Site) tagScope(ctx context.Context, r *http.Request) (store.ArticleFilter, string, string, string, error) {
	t, err := s.store.TagBySlug(ctx, r.PathValue("slug"))
	if err != nil {
		return store.ArticleFilter{}, "", "", "", err
	}
	return store.ArticleFilter{TagID: t.ID}, t.Name + " · " + s.opts.SiteName, tagPath(t.Slug), "", nil
}

func (s *Site) authorScope(ctx context.Context, r *http.Request) (store.ArticleFilter, string, string, string, error) {
	a, err := s.store.AuthorBySlug(ctx, r.PathValue("slug"))
	if err != nil {
		return store.ArticleFilter{}, "", "", "", err
	}
	return store.ArticleFilter{AuthorID: a.ID}, a.Name + " · " + s.opts.SiteName, authorPath(a.Slug), a.Bio, nil
}

// articleFeed serves the latest articles of a scope in a format.
func (s *Site) articleFeed(format feedFormat, scope feedScope) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		return s.serveDocument(w, r, format.contentType, func(ctx context.Context) ([]byte, time.Time, error) {
			f, err := s.buildArticleFeed(ctx, r, scope)
			if err != nil {
				return nil, time.Time{}, err
			}
			body, err := format.encode(f)
			return body, f.Latest(), err
		})
	}
}

func (s *Site) buildArticleFeed(ctx context.Context, r *http.Request, scope feedScope) (*feed.Feed, error) {
	filter, title, page, description, err := scope(ctx, r)
	if err != nil {
		return nil, err
	}
	published := qalam.Published
	filter.Status, filter.Limit = &published, feedArticles
	articles, _, err := s.store.FindArticles(ctx, filter)
	if err != nil {
		return nil, err
	}
	full, err := s.feedsCarryFullText(ctx)
	if err != nil {
		return nil, err
	}
	f := &feed.Feed{
		Title:       title,
		Description: description,
		Link:        s.absolute(page),
		Self:        s.absolute(r.URL.EscapedPath()),
		Language:    string(feedLanguage(articles)),
		Generator:   "Qalam",
		Author:      feed.Person{Name: s.opts.SiteName, URL: s.absolute("/")},
	}
	for _, a := range articles {
		f.Entries = append(f.Entries, s.articleEntryOf(a, qalam.Language(f.Language), full))
	}
	return f, nil
}

// feedsCarryFullText reads the site's setting: full text unless the
// newsroom chose excerpts.
func (s *Site) feedsCarryFullText(ctx context.Context) (bool, error) {
	v, err := s.store.Setting(ctx, store.SettingFeedContent)
	return v != store.FeedExcerpts, err
}

// feedLanguage is the language all the articles share, or English for a
// mix (each entry then says its own).
func feedLanguage(articles []*qalam.Article) qalam.Language {
	if len(articles) == 0 {
		return qalam.English
	}
	lang := articles[0].Language
	for _, a := range articles[1:] {
		if a.Language != lang {
			return qalam.English
		}
	}
	return lang
}

// tagURI names a thing on this site for ever (RFC 4151), whatever its
// address becomes: "tag:news.example,2026-03-14:article:12".
func (s *Site) tagURI(since time.Time, kind string, id int64) string {
	host := "localhost"
	if u, err := url.Parse(s.opts.BaseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	return "tag:" + host + "," + since.UTC().Format(time.DateOnly) + ":" + kind + ":" + strconv.FormatInt(id, 10)
}

// articleEntryOf is an article as a feed entry: its standfirst (or the
// start of its text) as the summary, and with full text on, its image,
// editor's note, body and corrections as the content.
func (s *Site) articleEntryOf(a *qalam.Article, feedLang qalam.Language, full bool) feed.Entry {
	link := s.absolute(view.ArticlePath(a.Slug))
	e := feed.Entry{
		ID:        s.tagURI(a.PublishedAt, "article", a.ID),
		Title:     a.Headline,
		Link:      link,
		Published: a.PublishedAt,
		Updated:   modified(a),
		Summary:   cmp.Or(a.Standfirst, markup.Excerpt(a.Body, 300)),
		Comments:  link + "#comments",
	}
	if a.Language != feedLang {
		e.Language = string(a.Language)
	}
	for _, au := range a.Authors {
		e.Authors = append(e.Authors, feed.Person{Name: au.Name, URL: s.absolute(authorPath(au.Slug))})
	}
	if a.Category != nil && a.Category.Name != "" {
		e.Categories = append(e.Categories, a.Category.Name)
	}
	for _, t := range a.Tags {
		e.Categories = append(e.Categories, t.Name)
	}
	if full {
		e.Content = feed.AbsoluteURLs(fullText(a), s.opts.BaseURL)
	}
	return e
}

// fullText is the article as a feed reader shows it. Everything in it is
// either sanitised HTML from package markup or escaped here.
func fullText(a *qalam.Article) string {
	var b strings.Builder
	if m := a.FeaturedImage; m != nil {
		b.WriteString(`<figure><img src="` + html.EscapeString(media.URL(m.Name)) + `" width="` + strconv.Itoa(m.Width) +
			`" height="` + strconv.Itoa(m.Height) + `" alt="` + html.EscapeString(m.Alt) + `">`)
		if m.Caption != "" || m.Credit != "" {
			b.WriteString("<figcaption>" + html.EscapeString(strings.TrimSpace(m.Caption+" "+m.Credit)) + "</figcaption>")
		}
		b.WriteString("</figure>")
	}
	if a.EditorNoteHTML != "" {
		b.WriteString("<aside><p><strong>" + html.EscapeString(view.Message(a.Language, "editors_note")) + "</strong></p>" + a.EditorNoteHTML + "</aside>")
	}
	b.WriteString(a.BodyHTML)
	if len(a.Corrections) > 0 {
		b.WriteString("<section><h2>" + html.EscapeString(view.Message(a.Language, "corrections_title")) + "</h2>")
		for _, c := range a.Corrections {
			b.WriteString("<p><strong>" + html.EscapeString(c.Kind.Title(a.Language)) + "</strong> (" + c.CreatedAt.UTC().Format(time.DateOnly) + ")</p>" + c.TextHTML)
		}
		b.WriteString("</section>")
	}
	return b.String()
}

// commentFeedPrefix is where an article's comment feeds live.
func commentFeedPrefix(slug string) string { return view.ArticlePath(slug) + "/comments" }

// commentFeed serves an article's latest approved comments: the name each
// commenter gave and what they wrote, never their email address, website
// or address hash (the store does not even read them).
func (s *Site) commentFeed(format feedFormat) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		return s.serveDocument(w, r, format.contentType, func(ctx context.Context) ([]byte, time.Time, error) {
			f, err := s.buildCommentFeed(ctx, r)
			if err != nil {
				return nil, time.Time{}, err
			}
			body, err := format.encode(f)
			return body, f.Latest(), err
		})
	}
}

func (s *Site) buildCommentFeed(ctx context.Context, r *http.Request) (*feed.Feed, error) {
	a, err := s.store.ArticleBySlug(ctx, r.PathValue("slug"))
	if err != nil {
		return nil, err
	}
	if a.Status != qalam.Published {
		return nil, qalam.Errorf(qalam.KindNotFound, "article not found")
	}
	comments, err := s.store.LatestComments(ctx, a.ID, feedComments)
	if err != nil {
		return nil, err
	}
	link := s.absolute(view.ArticlePath(a.Slug))
	f := &feed.Feed{
		ID:        s.tagURI(a.PublishedAt, "article", a.ID) + ":comments",
		Title:     view.Message(a.Language, "comments") + ": " + a.Headline,
		Link:      link + "#comments",
		Self:      s.absolute(r.URL.EscapedPath()),
		Language:  string(a.Language),
		Generator: "Qalam",
	}
	for _, c := range comments {
		f.Entries = append(f.Entries, feed.Entry{
			ID:        s.tagURI(c.CreatedAt, "comment", c.ID),
			Title:     c.AuthorName,
			Link:      s.absolute(view.CommentPath(a.Slug, c.ID)), // opens the part of a long discussion that holds it
			Authors:   []feed.Person{{Name: c.AuthorName}},
			Published: c.CreatedAt,
			Updated:   c.EditedAt,
			Content:   feed.AbsoluteURLs(c.BodyHTML, s.opts.BaseURL),
		})
	}
	return f, nil
}

// serveDocument serves a feed, sitemap or robots.txt: the same for every
// reader, so kept in the page cache until a change drops it, and answered
// with 304 when the reader already has it. build returns the document and
// when its content last changed.
func (s *Site) serveDocument(w http.ResponseWriter, r *http.Request, contentType string, build func(context.Context) ([]byte, time.Time, error)) error {
	return s.serveDocumentFor(w, r, contentType, 0, build)
}

// serveDocumentFor is serveDocument for a document that also goes stale
// with time (the news sitemap's 48 hours): a cached copy older than maxAge
// is built again; 0 keeps it until a change drops it.
func (s *Site) serveDocumentFor(w http.ResponseWriter, r *http.Request, contentType string, maxAge time.Duration, build func(context.Context) ([]byte, time.Time, error)) error {
	key := "doc " + r.URL.EscapedPath() // the query changes nothing
	now := s.now()
	doc, ok := decodeDocument(s.cache.page(key))
	if ok && maxAge > 0 && now.Sub(doc.built) > maxAge {
		ok = false
	}
	if !ok {
		gen, _ := s.cache.generation()
		body, changed, err := build(r.Context())
		if err != nil {
			return err
		}
		doc = document{body: body, etag: etagOf(body), built: now}
		doc.modified = s.docs.modified(key, doc.etag, changed, now)
		s.cache.putPage(gen, key, doc.encode())
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Cache-Control", "public, max-age=0, must-revalidate")
	h.Set("ETag", doc.etag)
	http.ServeContent(w, r, "", doc.modified, bytes.NewReader(doc.body))
	return nil
}

// etagOf is a weak validator (the compression middleware may change the
// bytes on the wire, not their meaning) from the document's hash.
func etagOf(body []byte) string {
	sum := sha256.Sum256(body)
	return `W/"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`
}

// document is a served feed, sitemap or robots.txt with its validators.
type document struct {
	body     []byte
	etag     string
	modified time.Time
	built    time.Time
}

// encode packs the document into one page-cache entry, so it is stored
// and evicted whole: "etag modified built\nbody", times in Unix seconds.
func (d document) encode() []byte {
	head := d.etag + " " + strconv.FormatInt(d.modified.Unix(), 10) + " " + strconv.FormatInt(d.built.Unix(), 10) + "\n"
	return append([]byte(head), d.body...)
}

func decodeDocument(b []byte) (document, bool) {
	head, body, ok := bytes.Cut(b, []byte("\n"))
	if !ok {
		return document{}, false
	}
	fields := strings.Fields(string(head))
	if len(fields) != 3 {
		return document{}, false
	}
	modified, err1 := strconv.ParseInt(fields[1], 10, 64)
	built, err2 := strconv.ParseInt(fields[2], 10, 64)
	if err1 != nil || err2 != nil {
		return document{}, false
	}
	return document{body: body, etag: fields[0], modified: time.Unix(modified, 0).UTC(), built: time.Unix(built, 0).UTC()}, true
}

// maxStamps bounds the memory of docStamps; past it, it starts again.
const maxStamps = 4096

// docStamps remembers, per document address, the last version served and
// when it changed, across cache invalidations. A document's newest entry
// does not always date it: when an article is unpublished, the feed loses
// its newest entry and the newest left is older than what readers already
// have, so dating the feed by it would answer their If-Modified-Since with
// a wrong 304. Here a changed document is dated when this node first saw
// the change. The zero value is ready to use.
type docStamps struct {
	mu   sync.Mutex
	seen map[string]docStamp
}

type docStamp struct {
	etag     string
	modified time.Time
}

// modified returns the Last-Modified of the document at key whose bytes
// hash to etag and whose newest content is dated content: that date the
// first time the document is seen, and afterwards the time it last
// changed, never going back.
func (d *docStamps) modified(key, etag string, content, now time.Time) time.Time {
	content = content.UTC().Truncate(time.Second)
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.seen == nil || len(d.seen) >= maxStamps {
		d.seen = map[string]docStamp{}
	}
	prev, ok := d.seen[key]
	switch {
	case ok && prev.etag == etag:
		return prev.modified
	case ok:
		content = later(content, later(prev.modified.Add(time.Second), now.UTC().Truncate(time.Second)))
	}
	d.seen[key] = docStamp{etag: etag, modified: content}
	return content
}

// later returns the later of two times.
func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
