package web_test

import (
	"bytes"
	"encoding/xml"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/view"
)

// The sitemap documents as the protocol defines them
// (https://www.sitemaps.org/protocol.html, Google News' extension). The
// decoder checks each element's namespace, and strictIndex and strictSet
// check that nothing else is in them.
type (
	indexDoc struct {
		XMLName  xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
		Sitemaps []struct {
			Loc     string `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 loc"`
			LastMod string `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 lastmod"`
		} `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemap"`
	}
	urlSetDoc struct {
		XMLName xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
		URLs    []struct {
			Loc     string `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 loc"`
			LastMod string `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 lastmod"`
			News    *struct {
				Name     string `xml:"http://www.google.com/schemas/sitemap-news/0.9 publication>name"`
				Language string `xml:"http://www.google.com/schemas/sitemap-news/0.9 publication>language"`
				Date     string `xml:"http://www.google.com/schemas/sitemap-news/0.9 publication_date"`
				Title    string `xml:"http://www.google.com/schemas/sitemap-news/0.9 title"`
			} `xml:"http://www.google.com/schemas/sitemap-news/0.9 news"`
		} `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 url"`
	}
)

// allowed lists, per parent element, the children the protocol allows.
var allowed = map[string][]string{
	"sitemapindex": {"sitemap"},
	"sitemap":      {"loc", "lastmod"},
	"urlset":       {"url"},
	"url":          {"loc", "lastmod", "changefreq", "priority", "news"},
	"news":         {"publication", "publication_date", "title"},
	"publication":  {"name", "language"},
}

// checkStructure fails the test on any element the protocol does not
// allow where it stands, on a loc that is not an absolute address of the
// site, or on a lastmod that is not a W3C datetime.
func checkStructure(t *testing.T, body []byte) {
	t.Helper()
	if !bytes.HasPrefix(body, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)) {
		t.Error("no XML declaration with UTF-8")
	}
	if len(body) > 50<<20 {
		t.Errorf("sitemap is %d bytes, over the protocol's 50 MB", len(body))
	}
	dec := xml.NewDecoder(bytes.NewReader(body))
	var stack []string
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if len(stack) > 0 && !slices.Contains(allowed[stack[len(stack)-1]], tok.Name.Local) {
				t.Errorf("<%s> inside <%s>", tok.Name.Local, stack[len(stack)-1])
			}
			stack = append(stack, tok.Name.Local)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) == 0 {
				continue
			}
			v := strings.TrimSpace(string(tok))
			switch stack[len(stack)-1] {
			case "loc":
				if !strings.HasPrefix(v, machineBase+"/") || len(v) > 2048 {
					t.Errorf("loc %q is not an absolute address of the site", v)
				}
			case "lastmod", "publication_date":
				if _, err := time.Parse(time.RFC3339, v); err != nil {
					t.Errorf("%s %q is not a W3C datetime", stack[len(stack)-1], v)
				}
			}
		}
	}
}

func TestSitemaps(t *testing.T) {
	m := newMachines(t)
	articleURL := func(slug string) string { return machineBase + view.ArticlePath(slug) }

	t.Run("the index names the sections, the news and each month", func(t *testing.T) {
		got := m.getOK("/sitemap.xml", "application/xml; charset=utf-8")
		checkStructure(t, got.body)
		var idx indexDoc
		if err := xml.Unmarshal(got.body, &idx); err != nil {
			t.Fatal(err)
		}
		var locs []string
		for _, s := range idx.Sitemaps {
			locs = append(locs, s.Loc)
		}
		want := []string{machineBase + "/sitemaps/sections.xml", machineBase + "/sitemaps/news.xml", machineBase + "/sitemaps/2026-03.xml", machineBase + "/sitemaps/2026-02.xml"}
		if !slices.Equal(locs, want) {
			t.Errorf("sitemaps = %q, want %q", locs, want)
		}
		if got := idx.Sitemaps[2].LastMod; got != m.water.UpdatedAt.UTC().Format(time.RFC3339) {
			t.Errorf("March's lastmod = %q, want the latest correction's time", got)
		}
	})

	t.Run("a month lists its articles with their latest update", func(t *testing.T) {
		for _, tt := range []struct {
			month string
			want  []string
		}{
			{"2026-03", []string{m.tricky.Slug, m.editorial.Slug, m.opinion.Slug, m.urdu.Slug, m.water.Slug}},
			{"2026-02", []string{m.old.Slug}},
		} {
			got := m.getOK("/sitemaps/"+tt.month+".xml", "application/xml; charset=utf-8")
			checkStructure(t, got.body)
			var set urlSetDoc
			if err := xml.Unmarshal(got.body, &set); err != nil {
				t.Fatal(err)
			}
			var locs []string
			for _, u := range set.URLs {
				locs = append(locs, u.Loc)
				if u.LastMod == "" || u.News != nil {
					t.Errorf("%s: lastmod %q, news %v", u.Loc, u.LastMod, u.News)
				}
			}
			var want []string
			for _, slug := range tt.want {
				want = append(want, articleURL(slug))
			}
			if !slices.Equal(locs, want) {
				t.Errorf("%s lists %q, want %q", tt.month, locs, want)
			}
			if tt.month == "2026-03" {
				if got := set.URLs[4].LastMod; got != m.water.UpdatedAt.UTC().Format(time.RFC3339) {
					t.Errorf("corrected article's lastmod = %q, want its correction's time", got)
				}
			}
		}
	})

	t.Run("sections list the pages with articles", func(t *testing.T) {
		got := m.getOK("/sitemaps/sections.xml", "application/xml; charset=utf-8")
		checkStructure(t, got.body)
		var set urlSetDoc
		if err := xml.Unmarshal(got.body, &set); err != nil {
			t.Fatal(err)
		}
		var locs []string
		for _, u := range set.URLs {
			locs = append(locs, u.Loc)
		}
		want := []string{
			machineBase + "/", machineBase + "/corrections",
			machineBase + "/authors/amina-rahim", machineBase + "/authors/bilal-qureshi",
			machineBase + "/categories/city",
			machineBase + "/tags/budget", machineBase + "/tags/nurpur", machineBase + "/tags/water", machineBase + "/tags/" + url.PathEscape(qalam.Slugify("کتب خانہ")),
		}
		slices.Sort(locs[2:])
		slices.Sort(want[2:])
		if !slices.Equal(locs, want) {
			t.Errorf("sections = %q,\nwant %q", locs, want)
		}
	})

	t.Run("news lists the last 48 hours with publication, language, date and title", func(t *testing.T) {
		got := m.getOK("/sitemaps/news.xml", "application/xml; charset=utf-8")
		checkStructure(t, got.body)
		var set urlSetDoc
		if err := xml.Unmarshal(got.body, &set); err != nil {
			t.Fatal(err)
		}
		var locs []string
		for _, u := range set.URLs {
			locs = append(locs, u.Loc)
			if u.News == nil || u.News.Name != "The Test Gazette" || u.News.Title == "" || u.News.Date == "" {
				t.Errorf("%s: news = %+v", u.Loc, u.News)
			}
		}
		want := []string{articleURL(m.tricky.Slug), articleURL(m.editorial.Slug), articleURL(m.opinion.Slug), articleURL(m.urdu.Slug), articleURL(m.water.Slug)}
		if !slices.Equal(locs, want) {
			t.Fatalf("news lists %q, want %q (not February's)", locs, want)
		}
		urdu := set.URLs[3].News
		if urdu.Language != "ur" || urdu.Title != m.urdu.Headline || urdu.Date != m.urdu.PublishedAt.UTC().Format(time.RFC3339) {
			t.Errorf("urdu entry = %+v", urdu)
		}
		if tricky := set.URLs[0].News; tricky.Title != m.tricky.Headline || tricky.Language != "en" {
			t.Errorf("escaped headline read back as %q", tricky.Title)
		}
	})

	t.Run("robots.txt allows all but the newsroom and previews, and names the sitemaps", func(t *testing.T) {
		got := string(m.getOK("/robots.txt", "text/plain; charset=utf-8").body)
		want := "User-agent: *\nAllow: /\nDisallow: /admin/\nDisallow: /preview/\nDisallow: /search\n\nSitemap: " + machineBase + "/sitemap.xml\nSitemap: " + machineBase + "/sitemaps/news.xml\n"
		if got != want {
			t.Errorf("robots.txt =\n%s\nwant\n%s", got, want)
		}
	})

	t.Run("addresses that are not sitemaps are not found", func(t *testing.T) {
		for _, path := range []string{"/sitemaps/2019-01.xml", "/sitemaps/2026-3.xml", "/sitemaps/other.xml", "/sitemaps/2026-03.txt", "/sitemaps/news"} {
			if got := m.get(path).status; got != 404 {
				t.Errorf("GET %s = %d, want 404", path, got)
			}
		}
	})
}

func TestSitemaps_NewsForgetsArticlesAfter48Hours(t *testing.T) {
	m := newMachines(t)
	if n := strings.Count(string(m.get("/sitemaps/news.xml").body), "<url>"); n != 5 {
		t.Fatalf("news lists %d articles, want 5", n)
	}
	m.clock.Advance(48 * time.Hour)
	// No change drops the cached copy: it goes stale with time alone.
	waitFor(t, func() bool { return strings.Count(string(m.get("/sitemaps/news.xml").body), "<url>") == 0 })
}
