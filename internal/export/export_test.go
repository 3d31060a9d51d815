package export_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/export"
	"github.com/qalamnews/qalam/internal/media"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
	"github.com/qalamnews/qalam/internal/view"
)

const liveURL = "https://gazette.test"

// site is a small publication: English and Urdu articles in two
// categories, tags, two authors, comments (one discussion long enough for
// two parts), a correction and a lead image.
type site struct {
	st                 *store.Store
	lib                *media.Library
	engine             *view.Engine
	lead, urdu, longer *qalam.Article
	longComments       []*qalam.Comment
}

func newSite(t *testing.T) *site {
	t.Helper()
	ctx := context.Background()
	st := storetest.Open(t)
	engine, err := view.New(view.Options{})
	if err != nil {
		t.Fatal(err)
	}
	lib, err := media.New(media.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lib.Close() })
	s := &site{st: st, lib: lib, engine: engine}

	img := image.NewRGBA(image.Rect(0, 0, 1200, 800))
	for x := range 1200 {
		img.Set(x, x%800, color.RGBA{200, 40, 40, 255})
	}
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, img, nil); err != nil {
		t.Fatal(err)
	}
	m, err := lib.Store(ctx, &jpg)
	if err != nil {
		t.Fatal(err)
	}
	m.Alt = "The Nurpur pumping station"
	if err := st.CreateMedia(ctx, m); err != nil {
		t.Fatal(err)
	}

	city := storetest.Category(t, st, func(c *qalam.Category) { c.Slug, c.Name = "city", "City" })
	shehar := storetest.Category(t, st, func(c *qalam.Category) { c.Slug, c.Name = "shehar", "شہر" })
	amina := storetest.Author(t, st, func(a *qalam.Author) { a.Slug, a.Name = "amina-rahim", "Amina Rahim" })
	bilal := storetest.Author(t, st, func(a *qalam.Author) { a.Slug, a.Name = "bilal-qureshi", "بلال قریشی" })

	s.lead = storetest.Article(t, st, func(a *qalam.Article) {
		a.Slug, a.Headline = "water-board-meets", "Water board meets on the Nurpur supply"
		a.CategoryID, a.AuthorIDs = city.ID, []int64{amina.ID}
		a.TagNames = []string{"Water", "Nurpur"}
		a.FeaturedImageID = m.ID
		a.BodyHTML = `<p>See <a href="/archive">the archive</a> and <a href="` + liveURL + `/corrections">our corrections</a>.</p>`
	})
	storetest.Correction(t, st, s.lead.ID)
	s.urdu = storetest.Article(t, st, func(a *qalam.Article) {
		a.Slug, a.Headline, a.Language = "kutub-khana", "کتب خانہ دوبارہ کھل گیا", qalam.Urdu
		a.CategoryID, a.AuthorIDs = shehar.ID, []int64{bilal.ID}
		a.TagNames = []string{"کتب خانہ"}
		a.BodyHTML = "<p>کتب خانہ صبح نو بجے کھلا۔</p>"
	})
	s.longer = storetest.Article(t, st, func(a *qalam.Article) {
		a.Slug, a.Headline = "budget-night", "The budget passes after a long night"
		a.CategoryID, a.AuthorIDs = city.ID, []int64{amina.ID, bilal.ID}
		a.TagNames = []string{"Budget"}
	})
	for i := range 12 { // older pages of the home and of the category
		storetest.Article(t, st, func(a *qalam.Article) {
			a.Slug, a.Headline = fmt.Sprintf("brief-%02d", i), fmt.Sprintf("Council brief %d", i)
			a.CategoryID, a.AuthorIDs = city.ID, []int64{amina.ID}
		})
	}
	first := storetest.Comment(t, st, s.lead.ID, func(c *qalam.Comment) { c.AuthorName = "Omar" })
	storetest.Comment(t, st, s.lead.ID, func(c *qalam.Comment) { c.ParentID, c.AuthorName = first.ID, "Sara" })
	storetest.Comment(t, st, s.urdu.ID, func(c *qalam.Comment) {
		c.AuthorName, c.BodyHTML = "ثنا", "<p>بہت اچھی خبر ہے۔</p>"
	})
	for i := range qalam.PartThreads + 5 {
		s.longComments = append(s.longComments, storetest.Comment(t, st, s.longer.ID, func(c *qalam.Comment) {
			c.AuthorName, c.BodyHTML = fmt.Sprintf("Reader %d", i), fmt.Sprintf("<p>Point number %d.</p>", i)
		}))
	}
	return s
}

func (s *site) export(t *testing.T, dir string) *export.Report {
	t.Helper()
	r, err := export.Static(context.Background(), s.st, s.engine, dir, export.Options{
		SiteName: "The Test Gazette", BaseURL: liveURL, Media: s.lib,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Broken) > 0 {
		t.Errorf("broken links: %+v", r.Broken)
	}
	return r
}

func TestStatic_MirrorServedByAStaticServerHasEveryLink(t *testing.T) {
	s := newSite(t)
	dir := t.TempDir()
	r := s.export(t, dir)
	if r.Written != r.Files || r.Unchanged != 0 || r.Removed != 0 {
		t.Errorf("first export: written %d unchanged %d removed %d of %d files, want all written", r.Written, r.Unchanged, r.Removed, r.Files)
	}

	srv := httptest.NewServer(http.FileServer(http.FS(os.DirFS(dir))))
	t.Cleanup(srv.Close)
	// A reader opens the home page; machines ask for these two.
	c := crawl(t, srv.URL, "/index.html", "/robots.txt", "/sitemap.xml")

	if c.broken != nil {
		t.Errorf("links that do not resolve on the static server: %v", c.broken)
	}
	if c.liveRefs != nil {
		t.Errorf("links to the live site: %v", c.liveRefs)
	}
	if c.postForms != nil {
		t.Errorf("forms that post: %v", c.postForms)
	}
	if got, want := len(c.liveDiscussions), 15; got != want {
		t.Errorf("\"discussion continues\" links to the live site: got %d, want %d (one per article)", got, want)
	}
	if !c.liveDiscussions[liveURL+"/articles/kutub-khana#comments"] {
		t.Errorf("no link to the live discussion of the Urdu article among %v", c.liveDiscussions)
	}
	for _, want := range []string{
		"/articles/water-board-meets/index.html",
		"/articles/kutub-khana/index.html",
		"/categories/shehar/index.html",
		"/tags/water/index.html",
		"/authors/bilal-qureshi/index.html",
		"/corrections/index.html",
		"/archive/index.html",
		"/feed.xml",
		"/articles/water-board-meets/comments/feed.xml",
		"/categories/city/feed.atom",
		"/sitemap.xml",
		"/robots.txt",
	} {
		if !c.visited[want] {
			t.Errorf("%s was not reached by the crawl", want)
		}
	}
	var older, mediaFiles, parts int
	for p := range c.visited {
		switch {
		case strings.HasPrefix(p, "/q/before-"):
			older++
		case strings.HasPrefix(p, "/media/"):
			mediaFiles++
		case strings.HasPrefix(p, "/articles/budget-night/q/") && strings.Contains(p, "after-"):
			parts++
		}
	}
	if older == 0 {
		t.Error("no older page of the home page was reached")
	}
	if mediaFiles < 2 {
		t.Errorf("%d image files reached, want the image and its sizes", mediaFiles)
	}
	if parts == 0 {
		t.Fatal("the second part of the long discussion was not reached")
	}

	// The second part is a page of its own, with the comments the first
	// part leaves out.
	last := s.longComments[len(s.longComments)-1]
	var second []byte
	for p := range c.visited {
		// The oldest-first order's second part: the other orders have
		// second parts too, holding other comments.
		if strings.HasPrefix(p, "/articles/budget-night/q/after-") && !strings.Contains(p, "/sort-") {
			second = c.pages[p]
		}
	}
	if id := fmt.Sprintf(`id="comment-%d"`, last.ID); !bytes.Contains(second, []byte(id)) {
		t.Errorf("the second part of the discussion does not hold the last comment (%s)", id)
	}
	if first := c.pages["/articles/budget-night/index.html"]; bytes.Contains(first, fmt.Appendf(nil, `id="comment-%d"`, last.ID)) {
		t.Error("the first part of the discussion holds the last comment too")
	}
}

func TestStatic_IncrementalRunsWriteOnlyWhatChanged(t *testing.T) {
	s := newSite(t)
	dir := t.TempDir()
	first := s.export(t, dir)

	t.Run("a second run writes nothing", func(t *testing.T) {
		r := s.export(t, dir)
		if r.Written != 0 || r.Removed != 0 || r.Unchanged != first.Files {
			t.Errorf("written %d, removed %d, unchanged %d; want 0, 0, %d", r.Written, r.Removed, r.Unchanged, first.Files)
		}
	})

	t.Run("an edited article rewrites only the pages that show it", func(t *testing.T) {
		before := snapshot(t, dir)
		headline := "Water board meets again on the Nurpur supply"
		if _, err := s.st.UpdateArticle(context.Background(), s.lead.ID, store.ArticleUpdate{Headline: &headline}); err != nil {
			t.Fatal(err)
		}
		r := s.export(t, dir)
		after := snapshot(t, dir)
		var changed []string
		for name, data := range after {
			if old, ok := before[name]; !ok || !bytes.Equal(old, data) {
				changed = append(changed, name)
			}
		}
		if r.Written != len(changed) {
			t.Errorf("report says %d written, %d files changed: %v", r.Written, len(changed), changed)
		}
		if !strings.Contains(string(after["articles/water-board-meets/index.html"]), headline) {
			t.Error("the article's page does not have the new headline")
		}
		for _, same := range []string{"articles/kutub-khana/index.html", "categories/shehar/index.html", "articles/budget-night/index.html"} {
			if !bytes.Equal(before[same], after[same]) {
				t.Errorf("%s was rewritten, but does not show the article", same)
			}
		}
		// The pages that show the article: its own, its lists, the older
		// home page it is on, the archive, corrections, feeds, sitemaps.
		shows := regexp.MustCompile(`^(articles/water-board-meets/|(tags/(water|nurpur)|categories/city|authors/amina-rahim)/|q/before-|archive/|corrections/|sitemaps/|feed\.)`)
		for _, name := range changed {
			if !shows.MatchString(name) {
				t.Errorf("%s was rewritten, but does not show the article", name)
			}
		}
	})

	t.Run("an unpublished article's files are removed", func(t *testing.T) {
		down := qalam.Unpublished
		if _, err := s.st.UpdateArticle(context.Background(), s.urdu.ID, store.ArticleUpdate{Status: &down}); err != nil {
			t.Fatal(err)
		}
		r := s.export(t, dir)
		if r.Removed == 0 {
			t.Error("nothing removed")
		}
		if _, err := os.Stat(filepath.Join(dir, "articles", "kutub-khana")); !os.IsNotExist(err) {
			t.Errorf("the article's folder is still there (%v)", err)
		}
	})
}

// crawled is what a crawl of the served mirror found.
type crawled struct {
	visited         map[string]bool   // paths that answered 200
	pages           map[string][]byte // HTML pages by path
	broken          []string
	liveRefs        []string
	postForms       []string
	liveDiscussions map[string]bool // the live discussions linked to
}

var cssURL = regexp.MustCompile(`url\(\s*['"]?([^'")]+)`)

// crawl follows every link of the mirror served at server from the
// starting paths, as a reader's browser would load them.
func crawl(t *testing.T, server string, starts ...string) *crawled {
	t.Helper()
	c := &crawled{visited: map[string]bool{}, pages: map[string][]byte{}, liveDiscussions: map[string]bool{}}
	origin, _ := url.Parse(server)
	var queue []*url.URL
	seen := map[string]bool{}
	for _, s := range starts {
		u, _ := origin.Parse(s)
		queue, seen[u.Path] = append(queue, u), true
	}
	add := func(from *url.URL, ref string) {
		ref = strings.TrimSpace(ref)
		if ref == "" || strings.HasPrefix(ref, "#") {
			return
		}
		u, err := from.Parse(ref)
		if err != nil {
			c.broken = append(c.broken, from.Path+": "+ref)
			return
		}
		if strings.HasPrefix(ref, liveURL) {
			c.liveRefs = append(c.liveRefs, from.Path+": "+ref)
			return
		}
		if u.Host != origin.Host {
			return // another site
		}
		if u.RawQuery != "" {
			c.broken = append(c.broken, from.Path+": "+ref+" (a query string)")
		}
		u.Fragment, u.RawQuery = "", ""
		if !seen[u.Path] {
			seen[u.Path] = true
			queue = append(queue, u)
		}
	}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		resp, err := http.Get(u.String())
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			c.broken = append(c.broken, fmt.Sprintf("%s: %d", u.Path, resp.StatusCode))
			continue
		}
		c.visited[u.Path] = true
		switch ctype := resp.Header.Get("Content-Type"); {
		case strings.HasPrefix(ctype, "text/html"):
			c.pages[u.Path] = body
			c.readPage(t, u, body, add)
		case strings.HasPrefix(ctype, "text/css"):
			for _, m := range cssURL.FindAllStringSubmatch(string(body), -1) {
				add(u, m[1])
			}
		}
	}
	return c
}

func (c *crawled) readPage(t *testing.T, u *url.URL, body []byte, add func(*url.URL, string)) {
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("%s: %v", u.Path, err)
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			attrs := map[string]string{}
			for _, a := range n.Attr {
				attrs[a.Key] = a.Val
			}
			_, live := attrs["data-live"]
			switch {
			case n.Data == "form" && strings.EqualFold(attrs["method"], "post"):
				c.postForms = append(c.postForms, u.Path)
			case n.Data == "a" && live:
				if !strings.HasPrefix(attrs["href"], liveURL+"/articles/") {
					t.Errorf("%s: a live discussion link to %q", u.Path, attrs["href"])
				}
				c.liveDiscussions[attrs["href"]] = true
			default:
				for _, k := range []string{"href", "src", "action"} {
					if v, ok := attrs[k]; ok {
						add(u, v)
					}
				}
				for cand := range strings.SplitSeq(attrs["srcset"], ",") {
					if f := strings.Fields(cand); len(f) > 0 {
						add(u, f[0])
					}
				}
			}
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch)
		}
	}
	walk(doc)
}

// snapshot reads every file of the mirror.
func snapshot(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := fs.WalkDir(os.DirFS(dir), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(filepath.Join(dir, p))
		files[p] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
