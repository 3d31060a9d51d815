package web

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/view"
)

// Sitemaps (https://www.sitemaps.org/protocol.html) for search engines:
// /sitemap.xml is an index naming one sitemap per month of articles
// (/sitemaps/2026-03.xml), one of the category, tag and author pages
// (/sitemaps/sections.xml) and the news sitemap of the last 48 hours
// (/sitemaps/news.xml, Google News' format). robots.txt names them.

const (
	sitemapType = "application/xml; charset=utf-8"
	// maxSitemapURLs is the protocol's limit on one sitemap's entries.
	maxSitemapURLs = 50000
	// newsWindow and maxNewsURLs are Google News' limits: articles of the
	// last two days, at most 1,000 of them.
	newsWindow  = 48 * time.Hour
	maxNewsURLs = 1000
	newsMaxAge  = 10 * time.Minute
	monthLayout = "2006-01"
)

// Namespaces of the sitemap documents.
const (
	sitemapNS = "http://www.sitemaps.org/schemas/sitemap/0.9"
	newsNS    = "http://www.google.com/schemas/sitemap-news/0.9"
)

type sitemapIndex struct {
	XMLName  xml.Name       `xml:"sitemapindex"`
	NS       string         `xml:"xmlns,attr"`
	Sitemaps []sitemapEntry `xml:"sitemap"`
}

type sitemapEntry struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type urlSet struct {
	XMLName xml.Name     `xml:"urlset"`
	NS      string       `xml:"xmlns,attr"`
	NewsNS  string       `xml:"xmlns:news,attr,omitempty"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string    `xml:"loc"`
	LastMod string    `xml:"lastmod,omitempty"`
	News    *newsItem `xml:"news:news"`
}

type newsItem struct {
	Publication newsPublication `xml:"news:publication"`
	Date        string          `xml:"news:publication_date"`
	Title       string          `xml:"news:title"`
}

type newsPublication struct {
	Name     string `xml:"news:name"`
	Language string `xml:"news:language"`
}

// w3cDate is the W3C datetime the protocol asks for; empty for no date.
func w3cDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return rfc3339(t)
}

func encodeSitemap(v any) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("web: sitemap: %w", err)
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

func (s *Site) showSitemapIndex(w http.ResponseWriter, r *http.Request) error {
	return s.serveDocument(w, r, sitemapType, func(ctx context.Context) ([]byte, time.Time, error) {
		months, err := s.store.SitemapMonths(ctx)
		if err != nil {
			return nil, time.Time{}, err
		}
		sections, err := s.store.SitemapSections(ctx)
		if err != nil {
			return nil, time.Time{}, err
		}
		var newest time.Time
		for _, sec := range sections {
			newest = later(newest, sec.Updated)
		}
		idx := sitemapIndex{NS: sitemapNS, Sitemaps: []sitemapEntry{
			{Loc: s.absolute("/sitemaps/sections.xml"), LastMod: w3cDate(newest)},
			{Loc: s.absolute("/sitemaps/news.xml")},
		}}
		for i := len(months) - 1; i >= 0; i-- { // newest month first
			m := months[i]
			idx.Sitemaps = append(idx.Sitemaps, sitemapEntry{Loc: s.absolute("/sitemaps/" + m.Month.Format(monthLayout) + ".xml"), LastMod: w3cDate(m.Updated)})
			newest = later(newest, m.Updated)
		}
		body, err := encodeSitemap(idx)
		return body, newest, err
	})
}

// showSitemap serves one of the sitemaps the index names.
func (s *Site) showSitemap(w http.ResponseWriter, r *http.Request) error {
	name, ok := strings.CutSuffix(r.PathValue("name"), ".xml")
	if !ok {
		return notFound(w, r)
	}
	var build func(context.Context) ([]byte, time.Time, error)
	switch name {
	case "sections":
		build = s.sectionsSitemap
	case "news":
		// Articles leave it as they age, with no change to drop it.
		return s.serveDocumentFor(w, r, sitemapType, newsMaxAge, s.newsSitemap)
	default:
		month, err := time.Parse(monthLayout, name)
		if err != nil || month.Format(monthLayout) != name {
			return notFound(w, r)
		}
		build = func(ctx context.Context) ([]byte, time.Time, error) { return s.monthSitemap(ctx, month) }
	}
	return s.serveDocument(w, r, sitemapType, build)
}

// monthSitemap lists the articles published in a month (UTC), each dated
// by its latest update. A month without articles does not exist.
func (s *Site) monthSitemap(ctx context.Context, month time.Time) ([]byte, time.Time, error) {
	articles, err := s.store.SitemapArticles(ctx, month, month.AddDate(0, 1, 0), maxSitemapURLs)
	if err != nil {
		return nil, time.Time{}, err
	}
	if len(articles) == 0 {
		return nil, time.Time{}, qalam.Errorf(qalam.KindNotFound, "Nothing was published in that month.")
	}
	set := urlSet{NS: sitemapNS}
	var newest time.Time
	for _, a := range articles {
		set.URLs = append(set.URLs, sitemapURL{Loc: s.absolute(view.ArticlePath(a.Slug)), LastMod: w3cDate(a.Updated)})
		newest = later(newest, a.Updated)
	}
	body, err := encodeSitemap(set)
	return body, newest, err
}

// sectionsSitemap lists the home page, the corrections page, and the
// category, tag and author pages that have published articles.
func (s *Site) sectionsSitemap(ctx context.Context) ([]byte, time.Time, error) {
	sections, err := s.store.SitemapSections(ctx)
	if err != nil {
		return nil, time.Time{}, err
	}
	set := urlSet{NS: sitemapNS, URLs: []sitemapURL{{Loc: s.absolute("/")}, {Loc: s.absolute("/corrections")}}}
	var newest time.Time
	paths := map[string]func(string) string{"author": authorPath, "category": categoryPath, "tag": tagPath}
	for _, sec := range sections {
		path, ok := paths[sec.Kind]
		if !ok {
			continue
		}
		set.URLs = append(set.URLs, sitemapURL{Loc: s.absolute(path(sec.Slug)), LastMod: w3cDate(sec.Updated)})
		newest = later(newest, sec.Updated)
	}
	body, err := encodeSitemap(set)
	return body, newest, err
}

// newsSitemap lists the articles of the last 48 hours in Google News'
// format: the publication's name, each article's language, publication
// date and headline.
func (s *Site) newsSitemap(ctx context.Context) ([]byte, time.Time, error) {
	articles, err := s.store.SitemapArticles(ctx, s.now().Add(-newsWindow), time.Time{}, maxNewsURLs)
	if err != nil {
		return nil, time.Time{}, err
	}
	set := urlSet{NS: sitemapNS, NewsNS: newsNS, URLs: []sitemapURL{}}
	var newest time.Time
	for _, a := range articles {
		set.URLs = append(set.URLs, sitemapURL{
			Loc: s.absolute(view.ArticlePath(a.Slug)),
			News: &newsItem{
				Publication: newsPublication{Name: s.opts.SiteName, Language: string(a.Language)},
				Date:        w3cDate(a.Published),
				Title:       a.Headline,
			},
		})
		newest = later(newest, a.Published)
	}
	body, err := encodeSitemap(set)
	return body, newest, err
}

// showRobots tells crawlers they are welcome everywhere but the newsroom
// and preview links, and where the sitemaps are.
func (s *Site) showRobots(w http.ResponseWriter, r *http.Request) error {
	return s.serveDocument(w, r, "text/plain; charset=utf-8", func(context.Context) ([]byte, time.Time, error) {
		body := "User-agent: *\n" +
			"Allow: /\n" +
			"Disallow: /admin/\n" +
			"Disallow: /preview/\n" +
			"Disallow: /search\n" +
			"\n" +
			"Sitemap: " + s.absolute("/sitemap.xml") + "\n" +
			"Sitemap: " + s.absolute("/sitemaps/news.xml") + "\n"
		return []byte(body), time.Time{}, nil
	})
}
