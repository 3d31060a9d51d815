package web_test

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/media"
	"github.com/qalamnews/qalam/internal/view"
)

// metaValues collects a page head's <meta property|name> values by key.
func metaValues(doc *html.Node) map[string][]string {
	out := map[string][]string{}
	for _, n := range findAll(doc, func(n *html.Node) bool { return n.Data == "meta" }) {
		if k := attr(n, "property") + attr(n, "name"); k != "" {
			out[k] = append(out[k], attr(n, "content"))
		}
	}
	return out
}

// alternates lists a page's feed links as "type href".
func alternates(doc *html.Node) []string {
	var out []string
	for _, n := range findAll(doc, func(n *html.Node) bool { return n.Data == "link" && attr(n, "rel") == "alternate" }) {
		if attr(n, "title") == "" {
			out = append(out, "untitled "+attr(n, "href"))
		}
		out = append(out, attr(n, "type")+" "+attr(n, "href"))
	}
	return out
}

func canonical(doc *html.Node) string {
	return attr(find(doc, func(n *html.Node) bool { return n.Data == "link" && attr(n, "rel") == "canonical" }), "href")
}

func TestMeta_ArticlePageDescribesItselfToLinkPreviews(t *testing.T) {
	m := newMachines(t)
	rfc := func(tm time.Time) string { return tm.UTC().Format(time.RFC3339) }
	tests := []struct {
		name  string
		a     *qalam.Article
		want  map[string][]string
		feeds []string
	}{
		{
			name: "english with an image and an SEO title",
			a:    m.water,
			want: map[string][]string{
				"og:type":                {"article"},
				"og:site_name":           {"The Test Gazette"},
				"og:title":               {m.water.SEOTitle},
				"og:description":         {m.water.SEODescription},
				"og:url":                 {machineBase + "/articles/water-board-meets"},
				"og:locale":              {"en_GB"},
				"og:image":               {machineBase + media.URL(m.image.Name)},
				"og:image:type":          {"image/jpeg"},
				"og:image:width":         {"1600"},
				"og:image:height":        {"900"},
				"og:image:alt":           {m.image.Alt},
				"article:published_time": {rfc(m.water.PublishedAt)},
				"article:modified_time":  {rfc(m.water.UpdatedAt)},
				"article:author":         {machineBase + "/authors/amina-rahim"},
				"article:section":        {"City"},
				"article:tag":            {"Nurpur", "Water"},
				"twitter:card":           {"summary_large_image"},
				"description":            {m.water.SEODescription},
			},
			feeds: []string{
				"application/rss+xml " + machineBase + "/feed.xml",
				"application/atom+xml " + machineBase + "/feed.atom",
				"application/rss+xml " + machineBase + "/articles/water-board-meets/comments/feed.xml",
			},
		},
		{
			name: "urdu without an image",
			a:    m.urdu,
			want: map[string][]string{
				"og:type":                {"article"},
				"og:title":               {m.urdu.Headline},
				"og:description":         {m.urdu.Standfirst},
				"og:locale":              {"ur_PK"},
				"og:url":                 {machineBase + view.ArticlePath(m.urdu.Slug)},
				"article:published_time": {rfc(m.urdu.PublishedAt)},
				"article:modified_time":  {rfc(m.urdu.PublishedAt)},
				"article:author":         {machineBase + "/authors/bilal-qureshi"},
				"article:tag":            {"کتب خانہ"},
				"twitter:card":           {"summary"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := m.page(view.ArticlePath(tt.a.Slug))
			got := metaValues(doc)
			for k, want := range tt.want {
				if !slices.Equal(got[k], want) {
					t.Errorf("%s = %q, want %q", k, got[k], want)
				}
			}
			if tt.a.FeaturedImage == nil && got["og:image"] != nil {
				t.Errorf("og:image = %q for an article without an image", got["og:image"])
			}
			if c := canonical(doc); c != machineBase+view.ArticlePath(tt.a.Slug) {
				t.Errorf("canonical = %q", c)
			}
			if tt.feeds != nil && !slices.Equal(alternates(doc), tt.feeds) {
				t.Errorf("feed links = %q, want %q", alternates(doc), tt.feeds)
			}
		})
	}
	t.Run("the SEO title is the page's title", func(t *testing.T) {
		doc := m.page(view.ArticlePath(m.water.Slug))
		if got := text(find(doc, func(n *html.Node) bool { return n.Data == "title" })); got != m.water.SEOTitle+" · The Test Gazette" {
			t.Errorf("<title> = %q", got)
		}
	})
}

// jsonLD returns the page's one JSON-LD block, parsed, and its raw text.
func jsonLD(t *testing.T, doc *html.Node) (map[string]any, string) {
	t.Helper()
	scripts := findAll(doc, func(n *html.Node) bool { return n.Data == "script" && attr(n, "type") == "application/ld+json" })
	if len(scripts) != 1 {
		t.Fatalf("%d JSON-LD blocks, want 1", len(scripts))
	}
	raw := scriptText(scripts[0])
	var v map[string]any
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		t.Fatalf("JSON-LD is not valid JSON: %v\n%s", err, raw)
	}
	return v, raw
}

func TestMeta_JSONLDIsTypedByLabel(t *testing.T) {
	m := newMachines(t)
	tests := []struct {
		a        *qalam.Article
		wantType string
	}{
		{m.water, "NewsArticle"},
		{m.urdu, "AnalysisNewsArticle"},
		{m.opinion, "OpinionNewsArticle"},
		{m.editorial, "OpinionNewsArticle"},
	}
	for _, tt := range tests {
		t.Run(string(tt.a.Label), func(t *testing.T) {
			ld, _ := jsonLD(t, m.page(view.ArticlePath(tt.a.Slug)))
			url := machineBase + view.ArticlePath(tt.a.Slug)
			checks := []struct {
				field string
				got   any
				want  any
			}{
				{"@context", ld["@context"], "https://schema.org"},
				{"@type", ld["@type"], tt.wantType},
				{"headline", ld["headline"], tt.a.Headline},
				{"inLanguage", ld["inLanguage"], string(tt.a.Language)},
				{"datePublished", ld["datePublished"], tt.a.PublishedAt.UTC().Format(time.RFC3339)},
				{"dateModified", ld["dateModified"], later(tt.a.PublishedAt, tt.a.UpdatedAt).UTC().Format(time.RFC3339)},
				{"url", ld["url"], url},
				{"mainEntityOfPage.@type", path(ld, "mainEntityOfPage", "@type"), "WebPage"},
				{"mainEntityOfPage.@id", path(ld, "mainEntityOfPage", "@id"), url},
				{"author.@type", path(ld, "author", 0, "@type"), "Person"},
				{"author.name", path(ld, "author", 0, "name"), tt.a.Authors[0].Name},
				{"author.url", path(ld, "author", 0, "url"), machineBase + "/authors/" + tt.a.Authors[0].Slug},
				{"publisher.@type", path(ld, "publisher", "@type"), "NewsMediaOrganization"},
				{"publisher.name", path(ld, "publisher", "name"), "The Test Gazette"},
			}
			for _, c := range checks {
				if c.got != c.want {
					t.Errorf("%s = %v, want %v", c.field, c.got, c.want)
				}
			}
			if logo, _ := path(ld, "publisher", "logo", "url").(string); !strings.HasPrefix(logo, machineBase+"/static/") {
				t.Errorf("publisher.logo.url = %q", logo)
			}
		})
	}

	t.Run("image and corrections", func(t *testing.T) {
		ld, _ := jsonLD(t, m.page(view.ArticlePath(m.water.Slug)))
		if got := path(ld, "image", 0, "url"); got != machineBase+media.URL(m.image.Name) {
			t.Errorf("image.url = %v", got)
		}
		if got := path(ld, "image", 0, "width"); got != 1600.0 {
			t.Errorf("image.width = %v", got)
		}
		corrections, _ := ld["correction"].([]any)
		if len(corrections) != 1 { // the update is not a correction
			t.Fatalf("%d corrections, want 1: %v", len(corrections), ld["correction"])
		}
		var correction = m.water.Corrections[0]
		for _, c := range []struct {
			field     string
			got, want any
		}{
			{"@type", path(ld, "correction", 0, "@type"), "CorrectionComment"},
			{"text", path(ld, "correction", 0, "text"), "An earlier version gave the wrong meeting day."},
			{"datePublished", path(ld, "correction", 0, "datePublished"), correction.CreatedAt.UTC().Format(time.RFC3339)},
			{"url", path(ld, "correction", 0, "url"), machineBase + view.ArticlePath(m.water.Slug) + "#correction-" + strconv.FormatInt(correction.ID, 10)},
		} {
			if c.got != c.want {
				t.Errorf("correction %s = %v, want %v", c.field, c.got, c.want)
			}
		}
	})

	t.Run("a headline cannot end the script element", func(t *testing.T) {
		doc := m.page(view.ArticlePath(m.tricky.Slug))
		ld, raw := jsonLD(t, doc)
		if ld["headline"] != m.tricky.Headline {
			t.Errorf("headline = %q, want %q byte for byte", ld["headline"], m.tricky.Headline)
		}
		if ld["description"] != m.tricky.Standfirst {
			t.Errorf("description = %q, want %q", ld["description"], m.tricky.Standfirst)
		}
		if lower := strings.ToLower(raw); strings.Contains(lower, "</script") || strings.Contains(lower, "<script") || strings.Contains(lower, "<!--") {
			t.Errorf("the JSON-LD holds markup:\n%s", raw)
		}
		// The page has the scripts every article has, and no other.
		var srcs []string
		for _, n := range findAll(doc, func(n *html.Node) bool { return n.Data == "script" && attr(n, "type") != "application/ld+json" }) {
			if attr(n, "src") == "" {
				t.Errorf("an inline script: %q", scriptText(n))
			}
			srcs = append(srcs, attr(n, "src"))
		}
		var want []string
		for _, n := range findAll(m.page(view.ArticlePath(m.water.Slug)), func(n *html.Node) bool { return n.Data == "script" && attr(n, "src") != "" }) {
			want = append(want, attr(n, "src"))
		}
		if !slices.Equal(srcs, want) {
			t.Errorf("scripts = %q, want %q", srcs, want)
		}
		if got := metaValues(doc)["og:title"]; len(got) != 1 || got[0] != m.tricky.Headline {
			t.Errorf("og:title = %q", got)
		}
	})
}

// path walks parsed JSON by keys and indexes; nil where there is nothing.
func path(v any, steps ...any) any {
	for _, s := range steps {
		switch s := s.(type) {
		case string:
			obj, _ := v.(map[string]any)
			v = obj[s]
		case int:
			list, _ := v.([]any)
			if s >= len(list) {
				return nil
			}
			v = list[s]
		}
	}
	return v
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func TestMeta_ListingsNameTheirFeeds(t *testing.T) {
	m := newMachines(t)
	site := []string{"application/rss+xml " + machineBase + "/feed.xml", "application/atom+xml " + machineBase + "/feed.atom"}
	own := func(prefix string) []string {
		return append([]string{"application/rss+xml " + machineBase + prefix + "/feed.xml", "application/atom+xml " + machineBase + prefix + "/feed.atom"}, site...)
	}
	cursor := strconv.FormatInt(m.water.PublishedAt.UnixMicro(), 10) + "-" + strconv.FormatInt(m.water.ID, 10)
	tests := []struct {
		name, path, canonical, title, locale string
		feeds                                []string
	}{
		{"home", "/", machineBase + "/", "The Test Gazette", "en_GB", site},
		{"older page of the home", "/?before=" + cursor, machineBase + "/?before=" + cursor, "The Test Gazette", "en_GB", site},
		{"category", "/categories/city", machineBase + "/categories/city", "City", "en_GB", own("/categories/city")},
		{"tag", "/tags/water", machineBase + "/tags/water", "Water", "en_GB", own("/tags/water")},
		{"author", "/authors/bilal-qureshi", machineBase + "/authors/bilal-qureshi", "بلال قریشی", "en_GB", own("/authors/bilal-qureshi")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := m.page(tt.path)
			if got := canonical(doc); got != tt.canonical {
				t.Errorf("canonical = %q, want %q", got, tt.canonical)
			}
			if got := alternates(doc); !slices.Equal(got, tt.feeds) {
				t.Errorf("feed links = %q, want %q", got, tt.feeds)
			}
			meta := metaValues(doc)
			for k, want := range map[string]string{"og:type": "website", "og:url": tt.canonical, "og:title": tt.title, "og:locale": tt.locale, "twitter:card": "summary"} {
				if got := meta[k]; len(got) != 1 || got[0] != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
		})
	}
}

// TestMachines_NoAddressLeavesTheSite renders every page type, feed,
// sitemap and robots.txt and checks that every absolute address in what
// machines read (page heads, feeds, sitemaps) is under the configured base
// URL: no third-party address, not a commenter's website, not the address
// the test server happens to listen on.
func TestMachines_NoAddressLeavesTheSite(t *testing.T) {
	m := newMachines(t)
	check := func(t *testing.T, urls []string) {
		t.Helper()
		if len(urls) == 0 {
			t.Error("no absolute address at all")
		}
		for _, u := range urls {
			if !strings.HasPrefix(u, machineBase+"/") {
				t.Errorf("address %q is not under %s", u, machineBase)
			}
		}
	}
	cursor := strconv.FormatInt(m.water.PublishedAt.UnixMicro(), 10) + "-" + strconv.FormatInt(m.water.ID, 10)
	pages := []string{"/", "/?before=" + cursor, "/categories/city", "/tags/water", "/authors/amina-rahim", "/authors/bilal-qureshi", "/corrections"}
	for _, a := range []*qalam.Article{m.water, m.urdu, m.opinion, m.editorial, m.tricky} {
		pages = append(pages, view.ArticlePath(a.Slug))
	}
	for _, p := range pages {
		t.Run("page "+p, func(t *testing.T) { check(t, headURLs(t, m.page(p))) })
	}
	for _, c := range m.feedCases() {
		t.Run("feed "+c.path, func(t *testing.T) { check(t, xmlURLs(t, m.getOK(c.path, c.contentType()).body)) })
	}
	for _, p := range []string{"/sitemap.xml", "/sitemaps/sections.xml", "/sitemaps/news.xml", "/sitemaps/2026-03.xml", "/sitemaps/2026-02.xml"} {
		t.Run("sitemap "+p, func(t *testing.T) { check(t, xmlURLs(t, m.getOK(p, "application/xml; charset=utf-8").body)) })
	}
	t.Run("robots.txt", func(t *testing.T) {
		check(t, anyURL.FindAllString(string(m.getOK("/robots.txt", "text/plain; charset=utf-8").body), -1))
	})
}
