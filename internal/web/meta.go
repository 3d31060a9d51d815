package web

import (
	"cmp"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/markup"
	"github.com/qalamnews/qalam/internal/media"
	"github.com/qalamnews/qalam/internal/view"
)

// What a page's head tells machines: link previews (Open Graph, Twitter
// cards), feed readers (<link rel="alternate">) and search engines
// (schema.org JSON-LD). Every address is absolute, under the site's base
// URL: nothing here points anywhere else.

// locales are Open Graph's names for the languages (language_TERRITORY).
var locales = map[qalam.Language]string{qalam.English: "en_GB", qalam.Urdu: "ur_PK"}

// rfc3339 writes a time as Open Graph and schema.org want it.
func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// absolute is the site's address for path.
func (s *Site) absolute(path string) string { return s.opts.BaseURL + path }

// feedLinks are the <link rel="alternate"> of the feeds at prefix (""
// for the site's own, "/categories/city" for a category's).
func (s *Site) feedLinks(title, prefix string) []view.FeedLink {
	return []view.FeedLink{
		{Type: "application/rss+xml", Title: title + " (RSS)", Href: s.absolute(prefix + "/feed.xml")},
		{Type: "application/atom+xml", Title: title + " (Atom)", Href: s.absolute(prefix + "/feed.atom")},
	}
}

// describeArticle fills an article page's head: the SEO title and
// description when the newsroom wrote them, and what machines are told.
func (s *Site) describeArticle(p *view.Page, a *qalam.Article) {
	p.Title = cmp.Or(a.SEOTitle, a.Headline)
	p.Description = cmp.Or(a.SEODescription, a.Standfirst)
	p.Meta = s.articleMeta(a, p.Canonical)
}

// describeListing fills a listing's head. A later page of the listing is
// its own canonical page (search engines are told not to fold page 2
// into page 1, whose articles differ); its feeds are at feedPrefix.
func (s *Site) describeListing(p *view.Page, r *http.Request, feedPrefix string, photo *qalam.Media) {
	if before := r.URL.Query().Get("before"); before != "" {
		p.Canonical += "?" + url.Values{"before": {before}}.Encode()
	}
	p.Meta = s.listingMeta(p, feedPrefix, photo)
}

// listingMeta describes a listing (the home page, a category, tag or
// author) whose feeds are at feedPrefix; photo is the author's, if any.
func (s *Site) listingMeta(p *view.Page, feedPrefix string, photo *qalam.Media) *view.Meta {
	title := cmp.Or(p.Title, s.opts.SiteName)
	m := &view.Meta{}
	if feedPrefix != "" {
		m.Feeds = s.feedLinks(title+" · "+s.opts.SiteName, feedPrefix)
	}
	m.Feeds = append(m.Feeds, s.feedLinks(s.opts.SiteName, "")...)
	m.Properties = []view.MetaPair{
		{Key: "og:type", Value: "website"},
		{Key: "og:site_name", Value: s.opts.SiteName},
		{Key: "og:title", Value: title},
		{Key: "og:url", Value: p.Canonical},
		{Key: "og:locale", Value: locales[p.Language()]},
	}
	if p.Description != "" {
		m.Properties = append(m.Properties, view.MetaPair{Key: "og:description", Value: p.Description})
	}
	if photo != nil {
		m.Properties = append(m.Properties, s.imageProperties(photo)...)
	}
	// A portrait is no banner: the small card, photo or not.
	m.Names = []view.MetaPair{{Key: "twitter:card", Value: "summary"}}
	return m
}

// articleMeta describes a published article for link previews, feed
// readers and search engines; nothing for an unpublished one (a preview).
func (s *Site) articleMeta(a *qalam.Article, canonical string) *view.Meta {
	if a.Status != qalam.Published {
		return nil
	}
	title := cmp.Or(a.SEOTitle, a.Headline)
	description := cmp.Or(a.SEODescription, a.Standfirst, markup.Excerpt(a.Body, 200))
	m := &view.Meta{Feeds: append(s.feedLinks(s.opts.SiteName, ""),
		view.FeedLink{Type: "application/rss+xml", Title: view.Message(a.Language, "comments") + ": " + a.Headline, Href: s.absolute(commentFeedPrefix(a.Slug) + "/feed.xml")})}
	m.Properties = []view.MetaPair{
		{Key: "og:type", Value: "article"},
		{Key: "og:site_name", Value: s.opts.SiteName},
		{Key: "og:title", Value: title},
		{Key: "og:description", Value: description},
		{Key: "og:url", Value: canonical},
		{Key: "og:locale", Value: locales[a.Language]},
	}
	card := "summary"
	if a.FeaturedImage != nil {
		m.Properties = append(m.Properties, s.imageProperties(a.FeaturedImage)...)
		card = "summary_large_image"
	}
	m.Properties = append(m.Properties,
		view.MetaPair{Key: "article:published_time", Value: rfc3339(a.PublishedAt)},
		view.MetaPair{Key: "article:modified_time", Value: rfc3339(modified(a))})
	for _, au := range a.Authors {
		m.Properties = append(m.Properties, view.MetaPair{Key: "article:author", Value: s.absolute(authorPath(au.Slug))})
	}
	if a.Category != nil && a.Category.Name != "" {
		m.Properties = append(m.Properties, view.MetaPair{Key: "article:section", Value: a.Category.Name})
	}
	for _, t := range a.Tags {
		m.Properties = append(m.Properties, view.MetaPair{Key: "article:tag", Value: t.Name})
	}
	m.Names = []view.MetaPair{{Key: "twitter:card", Value: card}}
	m.JSONLD = s.articleJSONLD(a, canonical, description)
	return m
}

// modified is when readers were last told the article changed.
func modified(a *qalam.Article) time.Time {
	if a.UpdatedAt.After(a.PublishedAt) {
		return a.UpdatedAt
	}
	return a.PublishedAt
}

// shareImage picks the copy of an image to offer link previews: the
// narrowest at least 1200 pixels wide (what large cards are drawn at), or
// the widest there is.
func shareImage(m *qalam.Media) (name string, width, height int) {
	name, width, height = m.Name, m.Width, m.Height
	for _, v := range m.Variants { // narrowest first
		if v.Width >= 1200 && v.Width < width {
			name, width, height = v.Name, v.Width, v.Height
		}
	}
	return name, width, height
}

func (s *Site) imageProperties(m *qalam.Media) []view.MetaPair {
	name, w, h := shareImage(m)
	return []view.MetaPair{
		{Key: "og:image", Value: s.absolute(media.URL(name))},
		{Key: "og:image:type", Value: m.ContentType},
		{Key: "og:image:width", Value: strconv.Itoa(w)},
		{Key: "og:image:height", Value: strconv.Itoa(h)},
		{Key: "og:image:alt", Value: m.Alt},
	}
}

func authorPath(slug string) string   { return "/authors/" + url.PathEscape(slug) }
func categoryPath(slug string) string { return "/categories/" + url.PathEscape(slug) }
func tagPath(slug string) string      { return "/tags/" + url.PathEscape(slug) }

// schema.org types, as much of them as an article page describes.

// articleTypes maps labels to the schema.org type that says what kind of
// journalism the article is. An editorial is the publication's opinion.
var articleTypes = map[qalam.Label]string{
	qalam.News:      "NewsArticle",
	qalam.Opinion:   "OpinionNewsArticle",
	qalam.Analysis:  "AnalysisNewsArticle",
	qalam.Editorial: "OpinionNewsArticle",
}

type ldArticle struct {
	Context          string         `json:"@context"`
	Type             string         `json:"@type"`
	ID               string         `json:"@id"`
	URL              string         `json:"url"`
	MainEntityOfPage ldThing        `json:"mainEntityOfPage"`
	Headline         string         `json:"headline"`
	Description      string         `json:"description,omitempty"`
	InLanguage       string         `json:"inLanguage"`
	DatePublished    string         `json:"datePublished"`
	DateModified     string         `json:"dateModified"`
	Author           []ldThing      `json:"author"`
	Image            []ldImage      `json:"image,omitempty"`
	Publisher        ldThing        `json:"publisher"`
	ArticleSection   string         `json:"articleSection,omitempty"`
	Keywords         []string       `json:"keywords,omitempty"`
	Free             bool           `json:"isAccessibleForFree"`
	Correction       []ldCorrection `json:"correction,omitempty"`
}

// ldThing is a person, organisation or web page.
type ldThing struct {
	Type string   `json:"@type"`
	ID   string   `json:"@id,omitempty"`
	Name string   `json:"name,omitempty"`
	URL  string   `json:"url,omitempty"`
	Logo *ldImage `json:"logo,omitempty"`
}

type ldImage struct {
	Type    string `json:"@type"`
	URL     string `json:"url"`
	Width   int    `json:"width,omitempty"`
	Height  int    `json:"height,omitempty"`
	Caption string `json:"caption,omitempty"`
}

type ldCorrection struct {
	Type          string `json:"@type"`
	URL           string `json:"url"`
	Text          string `json:"text"`
	DatePublished string `json:"datePublished"`
}

// articleJSONLD is the article as a schema.org NewsArticle (or the
// subtype its label names), with each public correction (not updates,
// which correct nothing) as a CorrectionComment. It is encoded here with
// encoding/json; see view.Meta for how it reaches the page safely.
func (s *Site) articleJSONLD(a *qalam.Article, canonical, description string) json.RawMessage {
	ld := ldArticle{
		Context:          "https://schema.org",
		Type:             cmp.Or(articleTypes[a.Label], "NewsArticle"),
		ID:               canonical + "#article",
		URL:              canonical,
		MainEntityOfPage: ldThing{Type: "WebPage", ID: canonical},
		Headline:         a.Headline,
		Description:      description,
		InLanguage:       string(a.Language),
		DatePublished:    rfc3339(a.PublishedAt),
		DateModified:     rfc3339(modified(a)),
		Publisher:        s.publisher(),
		Free:             true,
	}
	for _, au := range a.Authors {
		ld.Author = append(ld.Author, ldThing{Type: "Person", Name: au.Name, URL: s.absolute(authorPath(au.Slug))})
	}
	if m := a.FeaturedImage; m != nil {
		name, w, h := shareImage(m)
		ld.Image = []ldImage{{Type: "ImageObject", URL: s.absolute(media.URL(name)), Width: w, Height: h, Caption: m.Caption}}
	}
	if a.Category != nil {
		ld.ArticleSection = a.Category.Name
	}
	for _, t := range a.Tags {
		ld.Keywords = append(ld.Keywords, t.Name)
	}
	for _, c := range a.Corrections {
		if c.Kind != qalam.KindCorrection {
			continue
		}
		ld.Correction = append(ld.Correction, ldCorrection{
			Type:          "CorrectionComment",
			URL:           canonical + "#correction-" + strconv.FormatInt(c.ID, 10),
			Text:          markup.Excerpt(c.Text, 5000), // the whole note, as plain text
			DatePublished: rfc3339(c.CreatedAt),
		})
	}
	b, err := json.Marshal(ld)
	if err != nil {
		return nil // cannot happen: only strings, numbers and slices of them
	}
	return b
}

// publisher is the publication as a schema.org Organization, with its
// icon as the logo.
func (s *Site) publisher() ldThing {
	return ldThing{
		Type: "NewsMediaOrganization",
		Name: s.opts.SiteName,
		URL:  s.absolute("/"),
		Logo: &ldImage{Type: "ImageObject", URL: s.absolute(s.view.Assets().URL("img/icon.svg"))},
	}
}
