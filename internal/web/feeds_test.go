package web_test

import (
	"bytes"
	"cmp"
	"context"
	"html"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/feed"
	"github.com/qalamnews/qalam/internal/media"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/view"
)

// feedCase is one feed and what a feed reader must make of it.
type feedCase struct {
	name, path  string
	atom        bool
	title, link string
	language    string
	entries     []string // titles, newest first
	links       []string
}

func (m *machines) feedCases() []feedCase {
	articleLink := func(a *qalam.Article) string { return machineBase + view.ArticlePath(a.Slug) }
	all := []*qalam.Article{m.tricky, m.editorial, m.opinion, m.urdu, m.water, m.old}
	titles := func(list ...*qalam.Article) (t, l []string) {
		for _, a := range list {
			t, l = append(t, a.Headline), append(l, articleLink(a))
		}
		return t, l
	}
	var cases []feedCase
	add := func(name, prefix, title, link, lang string, list ...*qalam.Article) {
		t, l := titles(list...)
		for _, atom := range []bool{false, true} {
			c := feedCase{name: name + " rss", path: prefix + "/feed.xml", title: title, link: link, language: lang, entries: t, links: l, atom: atom}
			if atom {
				c.name, c.path = name+" atom", prefix+"/feed.atom"
			}
			cases = append(cases, c)
		}
	}
	add("site", "", "The Test Gazette", machineBase+"/", "en", all...)
	add("category", "/categories/city", "City · The Test Gazette", machineBase+"/categories/city", "en", all...)
	add("tag", "/tags/water", "Water · The Test Gazette", machineBase+"/tags/water", "en", m.water)
	add("english author", "/authors/amina-rahim", "Amina Rahim · The Test Gazette", machineBase+"/authors/amina-rahim", "en",
		m.tricky, m.editorial, m.opinion, m.water, m.old)
	add("urdu author", "/authors/bilal-qureshi", "بلال قریشی · The Test Gazette", machineBase+"/authors/bilal-qureshi", "ur", m.urdu)
	for _, atom := range []bool{false, true} {
		ext := map[bool]string{false: ".xml", true: ".atom"}[atom]
		kind := map[bool]string{false: " rss", true: " atom"}[atom]
		cases = append(cases,
			feedCase{name: "english comments" + kind, path: view.ArticlePath(m.water.Slug) + "/comments/feed" + ext, atom: atom,
				title: "Comments: " + m.water.Headline, link: articleLink(m.water) + "#comments", language: "en",
				entries: []string{"Kamran Ali"}, links: []string{articleLink(m.water) + "/comments/" + itoa(m.approved.ID)}},
			feedCase{name: "urdu comments" + kind, path: view.ArticlePath(m.urdu.Slug) + "/comments/feed" + ext, atom: atom,
				title: "تبصرے: " + m.urdu.Headline, link: articleLink(m.urdu) + "#comments", language: "ur",
				entries: []string{"نادیہ"}, links: []string{articleLink(m.urdu) + "/comments/" + itoa(m.urduComment.ID)}},
		)
	}
	return cases
}

func (c feedCase) contentType() string {
	if c.atom {
		return feed.AtomType
	}
	return feed.RSSType
}

func TestFeeds_ParseCleanlyWithGofeed(t *testing.T) {
	m := newMachines(t)
	for _, c := range m.feedCases() {
		t.Run(c.name, func(t *testing.T) {
			got := gofeedParse(t, m.getOK(c.path, c.contentType()).body)
			wantType := map[bool]string{false: "rss", true: "atom"}[c.atom]
			if got.FeedType != wantType {
				t.Errorf("feed type = %q, want %q", got.FeedType, wantType)
			}
			if got.Title != c.title {
				t.Errorf("title = %q, want %q", got.Title, c.title)
			}
			if got.Link != c.link {
				t.Errorf("link = %q, want %q", got.Link, c.link)
			}
			if got.FeedLink != machineBase+c.path {
				t.Errorf("own link = %q, want %q", got.FeedLink, machineBase+c.path)
			}
			if got.Language != c.language {
				t.Errorf("language = %q, want %q", got.Language, c.language)
			}
			var titles, links []string
			for _, item := range got.Items {
				titles, links = append(titles, item.Title), append(links, item.Link)
				if item.GUID == "" || item.PublishedParsed == nil || len(item.Authors) == 0 {
					t.Errorf("item %q lacks an id, a date or an author", item.Title)
				}
			}
			if !slices.Equal(titles, c.entries) {
				t.Errorf("titles = %q, want %q", titles, c.entries)
			}
			if !slices.Equal(links, c.links) {
				t.Errorf("links = %q, want %q", links, c.links)
			}
		})
	}
}

func TestFeeds_ParseCleanlyWithFeedparser(t *testing.T) {
	python := feedparserPython(t)
	m := newMachines(t)
	for _, c := range m.feedCases() {
		t.Run(c.name, func(t *testing.T) {
			got := feedparserParse(t, python, m.getOK(c.path, c.contentType()).body)
			if got.Bozo != 0 {
				t.Errorf("feedparser found the feed ill-formed: %s", got.Error)
			}
			wantVersion := map[bool]string{false: "rss20", true: "atom10"}[c.atom]
			if got.Version != wantVersion {
				t.Errorf("version = %q, want %q", got.Version, wantVersion)
			}
			if got.Feed.Title != c.title || got.Feed.Link != c.link {
				t.Errorf("title, link = %q, %q; want %q, %q", got.Feed.Title, got.Feed.Link, c.title, c.link)
			}
			lang := got.Feed.Language
			if c.atom {
				lang = got.Feed.TitleLang // Atom's xml:lang
			}
			if lang != c.language {
				t.Errorf("language = %q, want %q", lang, c.language)
			}
			var titles, links []string
			for _, e := range got.Entries {
				titles, links = append(titles, e.Title), append(links, e.Link)
				if e.ID == "" || len(e.Published) != 6 || len(e.Authors) == 0 {
					t.Errorf("entry %q lacks an id, a date or an author: %+v", e.Title, e)
				}
			}
			if !slices.Equal(titles, c.entries) {
				t.Errorf("titles = %q, want %q", titles, c.entries)
			}
			if !slices.Equal(links, c.links) {
				t.Errorf("links = %q, want %q", links, c.links)
			}
		})
	}
}

func TestFeeds_CarryFullTextOrExcerptsBySetting(t *testing.T) {
	m := newMachines(t)
	entry := func(path string) (content, summary string) {
		t.Helper()
		for _, item := range gofeedParse(t, m.getOK(path, map[bool]string{false: feed.RSSType, true: feed.AtomType}[strings.HasSuffix(path, ".atom")]).body).Items {
			if item.Title == m.water.Headline {
				return item.Content, item.Description
			}
		}
		t.Fatalf("%s lacks the article", path)
		return "", ""
	}
	for _, path := range []string{"/feed.xml", "/feed.atom"} {
		t.Run("full text by default "+path, func(t *testing.T) {
			content, summary := entry(path)
			if html.UnescapeString(summary) != m.water.Standfirst {
				t.Errorf("summary = %q, want the standfirst", summary)
			}
			for _, want := range []string{
				"What was decided", // the body
				"public services",  // the editor's note
				`src="` + machineBase + media.URL(m.image.Name) + `"`, // the image, absolute
				`href="` + machineBase + "/articles/old-budget" + `"`, // the body's link, made absolute
				"Correction", "meeting day", "The schedule is now published.", // corrections and updates
			} {
				if !strings.Contains(content, want) {
					t.Errorf("full text lacks %q:\n%s", want, content)
				}
			}
		})
	}
	must(t, m.st.SetSetting(context.Background(), store.SettingFeedContent, store.FeedExcerpts))
	for _, path := range []string{"/feed.xml", "/feed.atom"} {
		t.Run("excerpts when the newsroom says so "+path, func(t *testing.T) {
			waitFor(t, func() bool { content, _ := entry(path); return content == "" })
			if _, summary := entry(path); html.UnescapeString(summary) != m.water.Standfirst {
				t.Errorf("summary = %q, want the standfirst", summary)
			}
		})
	}
}

func TestFeeds_CommentsFeedShowsOnlyWhatIsPublic(t *testing.T) {
	m := newMachines(t)
	for _, path := range []string{"/comments/feed.xml", "/comments/feed.atom"} {
		t.Run(path, func(t *testing.T) {
			got := m.get(view.ArticlePath(m.water.Slug) + path)
			if got.status != 200 {
				t.Fatalf("status %d", got.status)
			}
			for _, secret := range []string{
				m.approved.AuthorEmail, "mail.example", // email address
				m.approved.IPHash, "keyed-address-hash", // address hash
				"commenter.example",                                                   // website: another site's address
				m.pending.AuthorName, "Awaiting review", m.spam.AuthorName, "Buy now", // unapproved comments
			} {
				if bytes.Contains(got.body, []byte(secret)) {
					t.Errorf("the comments feed holds %q", secret)
				}
			}
			items := gofeedParse(t, got.body).Items
			if len(items) != 1 {
				t.Fatalf("%d items, want the one approved comment", len(items))
			}
			// RSS carries the comment as its description, Atom as content.
			if body := cmp.Or(items[0].Content, items[0].Description); items[0].Authors[0].Name != "Kamran Ali" || !strings.Contains(body, "<em>the schedule</em>") {
				t.Errorf("item by %q says %q, want Kamran Ali's sanitised text", items[0].Authors[0].Name, body)
			}
		})
	}
}

func TestFeeds_UrduIsCarriedByteForByte(t *testing.T) {
	m := newMachines(t)
	directionControls := []string{"\u200e", "\u200f", "\u061c", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"}
	for _, path := range []string{"/authors/bilal-qureshi/feed.xml", "/authors/bilal-qureshi/feed.atom", "/feed.xml", "/feed.atom"} {
		t.Run(path, func(t *testing.T) {
			body := m.get(path).body
			for _, want := range []string{m.urdu.Headline, m.urdu.Standfirst, m.bilal.Name} {
				if !bytes.Contains(body, []byte(want)) {
					t.Errorf("the feed does not hold %q as it was written", want)
				}
			}
			for _, c := range directionControls {
				if bytes.Contains(body, []byte(c)) {
					t.Errorf("the feed holds the direction control %U", []rune(c)[0])
				}
			}
		})
	}
	t.Run("an Urdu entry in a mixed feed says its language", func(t *testing.T) {
		if body := m.get("/feed.atom").body; !bytes.Contains(body, []byte(`<entry xml:lang="ur">`)) {
			t.Error("no Atom entry is marked Urdu")
		}
		if body := m.get("/feed.xml").body; !bytes.Contains(body, []byte(`<dc:language>ur</dc:language>`)) {
			t.Error("no RSS item is marked Urdu")
		}
	})
}

func TestFeeds_ConditionalGet(t *testing.T) {
	m := newMachines(t)
	first := m.getOK("/feed.xml", feed.RSSType)
	etag, modified := first.header.Get("ETag"), first.header.Get("Last-Modified")
	if !strings.HasPrefix(etag, `W/"`) {
		t.Fatalf("ETag = %q, want a weak validator", etag)
	}
	// The feed changed last when the water story was corrected.
	if want := m.water.UpdatedAt.UTC().Format(http.TimeFormat); modified != want {
		t.Errorf("Last-Modified = %q, want %q (the latest correction)", modified, want)
	}
	if cc := first.header.Get("Cache-Control"); cc != "public, max-age=0, must-revalidate" {
		t.Errorf("Cache-Control = %q", cc)
	}

	tests := []struct {
		name   string
		header []string
		want   int
	}{
		{"same ETag is not modified", []string{"If-None-Match", etag}, 304},
		{"same date is not modified", []string{"If-Modified-Since", modified}, 304},
		{"other ETag gets the feed", []string{"If-None-Match", `W/"other"`}, 200},
		{"earlier date gets the feed", []string{"If-Modified-Since", m.water.UpdatedAt.Add(-time.Hour).UTC().Format(http.TimeFormat)}, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := m.get("/feed.xml", tt.header...)
			if got.status != tt.want {
				t.Fatalf("status = %d, want %d", got.status, tt.want)
			}
			if tt.want == 304 && len(got.body) != 0 {
				t.Error("a 304 carries a body")
			}
		})
	}

	t.Run("a new article changes both validators", func(t *testing.T) {
		m.clock.Advance(time.Hour)
		fresh := m.publish(func(a *qalam.Article) { a.Slug, a.Headline = "fresh", "Fresh news" })
		waitFor(t, func() bool { return m.get("/feed.xml", "If-None-Match", etag).status == 200 })
		got := m.get("/feed.xml", "If-Modified-Since", modified)
		if got.status != 200 || !bytes.Contains(got.body, []byte(fresh.Headline)) {
			t.Fatalf("status %d after a new article", got.status)
		}
		etag, modified = got.header.Get("ETag"), got.header.Get("Last-Modified")

		// Taking it down leaves an older newest entry: the feed still
		// changed, and a reader who has the version with it must not be
		// told otherwise.
		m.clock.Advance(time.Hour)
		unpublished := qalam.Unpublished
		if _, err := m.st.UpdateArticle(context.Background(), fresh.ID, store.ArticleUpdate{Status: &unpublished}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, func() bool { return m.get("/feed.xml", "If-None-Match", etag).status == 200 })
		got = m.get("/feed.xml", "If-Modified-Since", modified)
		if got.status != 200 || bytes.Contains(got.body, []byte(fresh.Headline)) {
			t.Errorf("status %d after unpublishing, want 200 without the article", got.status)
		}
	})
}

func TestFeeds_UnknownOrUnpublishedIsNotFound(t *testing.T) {
	m := newMachines(t)
	for _, path := range []string{
		"/categories/nowhere/feed.xml",
		"/tags/nothing/feed.atom",
		"/authors/nobody/feed.xml",
		"/articles/no-such-story/comments/feed.xml",
		view.ArticlePath(m.draft.Slug) + "/comments/feed.atom",
	} {
		t.Run(path, func(t *testing.T) {
			if got := m.get(path).status; got != 404 {
				t.Errorf("GET %s = %d, want 404", path, got)
			}
		})
	}
}
