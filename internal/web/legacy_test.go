package web_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/markup"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/view"
)

const oldSite = "http://old.example.org"

// importWordPress records, through the store as the WordPress import
// does, a small imported site: a category with a parent, a tag, an
// author, an image, a published English and Urdu post, a draft and a page.
func (f *fixture) importWordPress() (ferry, urdu *qalam.Article) {
	f.t.Helper()
	ctx := context.Background()
	local := &qalam.Category{Slug: "local", Name: "Local"}
	_, err := f.st.ImportWordPressCategory(ctx, oldSite, 2, 0, local, []string{"/category/local/"})
	must(f.t, err)
	schools := &qalam.Category{Slug: "schools", Name: "Schools"}
	_, err = f.st.ImportWordPressCategory(ctx, oldSite, 4, 2, schools, []string{"/category/local/schools/", "/category/schools/"})
	must(f.t, err)
	tag := &qalam.Tag{Slug: "ferries", Name: "ferries"}
	_, err = f.st.ImportWordPressTag(ctx, oldSite, 8, tag, []string{"/tag/ferries/"})
	must(f.t, err)
	author := &qalam.Author{Slug: "mhollis", Name: "Mara Hollis"}
	_, err = f.st.ImportWordPressAuthor(ctx, oldSite, 2, author, []string{"/author/mhollis/"})
	must(f.t, err)
	img := &qalam.Media{Name: "0123456789abcdef0123456789abcdef.jpg", ContentType: "image/jpeg", Width: 800, Height: 500, Bytes: 1000, Alt: "Mudflats at dawn"}
	_, err = f.st.ImportWordPressMedia(ctx, oldSite, 47, img, []string{"/wp-content/uploads/2026/03/estuary.jpg", "/wp-content/uploads/2026/03/estuary-300x188.jpg"})
	must(f.t, err)

	at := time.Date(2026, 2, 3, 7, 30, 0, 0, time.UTC)
	article := func(slug, headline string, status qalam.ArticleStatus) *qalam.Article {
		a := &qalam.Article{Slug: slug, Language: qalam.English, Label: qalam.News, Status: status,
			Headline: headline, Body: "Text.", BodyHTML: markup.Article("Text."), CategoryID: local.ID,
			AuthorIDs: []int64{author.ID}, CreatedAt: at}
		if status == qalam.Published {
			a.PublishedAt = at
		}
		return a
	}
	ferry = article("port-alder-ferry-timetable", "Ferry timetable changes", qalam.Published)
	urdu = article("نیل-پور-میں-نئی-لائبریری", "نیل پور میں نئی لائبریری", qalam.Published)
	urdu.Language = qalam.Urdu
	draft := article("lighthouse-notes", "Lighthouse notes", qalam.Draft)
	about := article("about", "About us", qalam.Published)
	urduPath := "/2026/02/12/" + url.PathEscape("نیل-پور-میں-نئی-لائبریری") + "/"
	posts := []*store.WordPressPost{
		{Kind: store.WPPost, WPID: 7, Article: ferry, Paths: []string{
			"/2026/02/03/port-alder-ferry-timetable/", "/2026/02/port-alder-ferry-timetable", "/port-alder-ferry-timetable",
			"/2026/02/03/ferry-times/"}}, // an old slug
		{Kind: store.WPPost, WPID: 10, Article: urdu, Paths: []string{urduPath}},
		{Kind: store.WPPost, WPID: 44, Article: draft, Paths: []string{"/2026/07/08/lighthouse-notes/"}},
		{Kind: store.WPPage, WPID: 4, Article: about, Paths: []string{"/about/"}},
	}
	must(f.t, f.st.ImportWordPressPosts(ctx, oldSite, posts))
	return ferry, urdu
}

func TestSite_OldWordPressAddressesRedirect(t *testing.T) {
	f := newFixture(t)
	ferry, urdu := f.importWordPress()
	r := f.newReader()
	ferryPath, urduPath := view.ArticlePath(ferry.Slug), view.ArticlePath(urdu.Slug)
	for _, tc := range []struct {
		name, path, want string
	}{
		{"permalink with the day", "/2026/02/03/port-alder-ferry-timetable/", ferryPath},
		{"permalink with the month only", "/2026/02/port-alder-ferry-timetable/", ferryPath},
		{"permalink without the last slash", "/2026/02/03/port-alder-ferry-timetable", ferryPath},
		{"post name alone", "/port-alder-ferry-timetable/", ferryPath},
		{"old slug", "/2026/02/03/ferry-times/", ferryPath},
		{"capitals", "/2026/02/03/Port-Alder-Ferry-Timetable/", ferryPath},
		{"feed of a post", "/2026/02/03/port-alder-ferry-timetable/feed/", ferryPath},
		{"second page of comments", "/2026/02/03/port-alder-ferry-timetable/comment-page-2/", ferryPath},
		{"index.php prefix", "/index.php/2026/02/03/port-alder-ferry-timetable/", ferryPath},
		{"Urdu slug, percent-encoded", "/2026/02/12/" + url.PathEscape("نیل-پور-میں-نئی-لائبریری") + "/", urduPath},
		{"plain permalink", "/?p=7", ferryPath},
		{"page by page_id", "/?page_id=4", view.ArticlePath("about")},
		{"page by p", "/?p=4", view.ArticlePath("about")},
		{"page by path", "/about/", view.ArticlePath("about")},
		{"index.php with a query", "/index.php?p=7", ferryPath},
		{"category", "/category/local/", "/categories/local"},
		{"subcategory", "/category/local/schools/", "/categories/schools"},
		{"subcategory alone", "/category/schools/", "/categories/schools"},
		{"category by id", "/?cat=4", "/categories/schools"},
		{"category archive page", "/category/local/page/3/", "/categories/local"},
		{"tag", "/tag/ferries/", "/tags/ferries"},
		{"tag by query", "/?tag=ferries", "/tags/ferries"},
		{"author", "/author/mhollis/", "/authors/mhollis"},
		{"author by id", "/?author=2", "/authors/mhollis"},
		{"uploaded image", "/wp-content/uploads/2026/03/estuary.jpg", "/media/0123456789abcdef0123456789abcdef.jpg"},
		{"smaller copy of an uploaded image", "/wp-content/uploads/2026/03/estuary-300x188.jpg", "/media/0123456789abcdef0123456789abcdef.jpg"},
		{"attachment by id", "/?attachment_id=47", "/media/0123456789abcdef0123456789abcdef.jpg"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := r.get(tc.path)
			if resp.status != 301 || resp.header.Get("Location") != tc.want {
				t.Errorf("GET %s = %d to %q, want 301 to %q", tc.path, resp.status, resp.header.Get("Location"), tc.want)
			}
		})
	}
	t.Run("the redirect leads to the article", func(t *testing.T) {
		resp := r.get(r.get("/?p=7").header.Get("Location"))
		if h1 := find(resp.doc, func(n *html.Node) bool { return n.DataAtom == atom.H1 }); resp.status != 200 || text(h1) != ferry.Headline {
			t.Errorf("article page: %d, heading %q; want 200, %q", resp.status, text(h1), ferry.Headline)
		}
	})
	for _, tc := range []struct{ name, path string }{
		{"a draft is not revealed", "/2026/07/08/lighthouse-notes/"},
		{"a draft's id is not revealed", "/?p=44"},
		{"an id never imported", "/?p=999"},
		{"a tag never imported", "/?tag=buses"},
		{"an address never recorded", "/2026/02/03/never-written/"},
		{"a WordPress admin page", "/wp-login.php"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := r.get(tc.path)
			if h1 := find(resp.doc, func(n *html.Node) bool { return n.DataAtom == atom.H1 }); resp.status != 404 || text(h1) != "Page not found" {
				t.Errorf("GET %s = %d with heading %q, want 404 Page not found", tc.path, resp.status, text(h1))
			}
		})
	}
	t.Run("a home page query that is not an id is the home page", func(t *testing.T) {
		resp := r.get("/?p=latest")
		if resp.status != 200 || find(resp.doc, byClass("card")) == nil {
			t.Errorf("GET /?p=latest = %d, want the home page", resp.status)
		}
	})
	t.Run("only reading redirects", func(t *testing.T) {
		resp := r.post("/2026/02/03/port-alder-ferry-timetable/", url.Values{})
		if resp.status != 404 {
			t.Errorf("POST = %d, want 404", resp.status)
		}
	})
	t.Run("an unpublished article no longer redirects", func(t *testing.T) {
		unpublished := qalam.Unpublished
		_, err := f.st.UpdateArticle(context.Background(), urdu.ID, store.ArticleUpdate{Status: &unpublished})
		must(t, err)
		resp := r.get("/?p=10")
		if resp.status != 404 {
			t.Errorf("GET /?p=10 = %d, want 404", resp.status)
		}
	})
}
