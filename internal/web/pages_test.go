package web_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/view"
)

func TestPages_RenderAsHTML(t *testing.T) {
	f := newFixture(t)
	r := f.newReader()
	tests := []struct {
		name, path string
		want       int
	}{
		{"home", "/", 200},
		{"article", view.ArticlePath(f.article.Slug), 200},
		{"urdu article", view.ArticlePath(f.urdu.Slug), 200},
		{"closed article", view.ArticlePath(f.closed.Slug), 200},
		{"author", "/authors/" + f.author.Slug, 200},
		{"category", "/categories/" + f.cat.Slug, 200},
		{"tag", "/tags/water", 200},
		{"unknown article is not found", "/articles/no-such-story", 404},
		{"unknown author is not found", "/authors/nobody", 404},
		{"unknown address is not found", "/wp-login.php", 404},
		{"bad archive cursor is not found", "/?before=yesterday", 404},
		{"health", "/healthz", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := r.get(tt.path)
			if got.status != tt.want {
				t.Fatalf("GET %s = %d, want %d", tt.path, got.status, tt.want)
			}
			csp := got.header.Get("Content-Security-Policy")
			if csp == "" || strings.Contains(csp, "unsafe-inline") {
				t.Errorf("Content-Security-Policy = %q", csp)
			}
			if tt.path == "/healthz" {
				return
			}
			if got.doc == nil {
				t.Fatalf("GET %s: not HTML (%s)", tt.path, got.header.Get("Content-Type"))
			}
			if find(got.doc, func(n *html.Node) bool { return n.Data == "title" }) == nil {
				t.Error("no <title>")
			}
			if tt.want == 404 && !strings.Contains(got.body, "not") {
				t.Error("the 404 page does not explain itself")
			}
			if strings.Contains(got.body, "ZgotmplZ") {
				t.Error("a template refused a value (ZgotmplZ in output)")
			}
		})
	}
}

func TestHome_LeadsWithTheNewestAndListsTheLatest(t *testing.T) {
	f := newFixture(t)
	f.addComment(f.article, 0, "Kamran Ali", "Good to see the schedule.", qalam.Approved)
	f.addComment(f.article, 0, "Held Person", "Not yet approved.", qalam.Pending)
	home := f.newReader().get("/")
	// Newest first: the closed article was created last, and leads.
	if got := text(find(find(home.doc, byClass("lead-story")), byClass("lead-headline"))); got != f.closed.Headline {
		t.Errorf("lead headline = %q, want %q", got, f.closed.Headline)
	}
	cards := findAll(find(home.doc, byClass("latest")), byClass("card"))
	if len(cards) != 2 {
		t.Fatalf("the latest lists %d articles, want 2", len(cards))
	}
	var card *html.Node
	for _, c := range cards {
		if text(find(c, byClass("card-headline"))) == f.article.Headline {
			card = c
		}
	}
	if card == nil {
		t.Fatal("article missing from home")
	}
	for _, want := range []string{"News", f.article.Standfirst, "Amina Rahim", "1 comment"} {
		if !strings.Contains(text(card), want) {
			t.Errorf("card %q lacks %q", text(card), want)
		}
	}
	if find(card, func(n *html.Node) bool { return n.Data == "time" && attr(n, "datetime") != "" }) == nil {
		t.Error("card has no date")
	}
}

func TestArticlePage_ShowsTheStoryAndItsDiscussion(t *testing.T) {
	f := newFixture(t)
	first := f.addComment(f.article, 0, "Kamran Ali", "Good to see *the schedule*.", qalam.Approved)
	reply := f.addComment(f.article, first.ID, "Sadia Khan", "Agreed.", qalam.Approved)
	deeper := f.addComment(f.article, reply.ID, "Kamran Ali", "Thanks.", qalam.Approved)
	f.addComment(f.article, 0, "Hidden Person", "Awaiting review.", qalam.Pending)
	f.addComment(f.article, 0, "Spam Bot", "Buy now.", qalam.Spam)

	page := f.newReader().get(view.ArticlePath(f.article.Slug))
	story := find(page.doc, byClass("story"))
	checks := []struct {
		name string
		got  string
		want string
	}{
		{"label", text(find(story, byClass("label"))), "News"},
		{"headline", text(find(story, byClass("headline"))), f.article.Headline},
		{"standfirst", text(find(story, byClass("standfirst"))), f.article.Standfirst},
		{"byline", text(find(story, byClass("byline"))), "By Amina Rahim"},
		{"editor's note", text(find(story, byClass("editors-note"))), "Editor's note This report is part of our series on public services."},
		{"body heading", text(find(story, func(n *html.Node) bool { return n.Data == "h2" })), "What was decided"},
		{"category", text(find(story, byClass("category"))), "Category: City"},
		{"tags", text(find(story, byClass("tags"))), "Tags: Nurpur Water"},
		{"author bio", text(find(story, byClass("author-bio"))), "Amina Rahim Amina covers the municipal council for the Gazette."},
		{"comment count", text(find(page.doc, byID("comments-title"))), "Discussion (3 comments)"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if a := find(find(story, byClass("byline")), func(n *html.Node) bool { return n.Data == "a" }); a == nil || attr(a, "href") != "/authors/amina-rahim" {
		t.Error("byline does not link to the author's page")
	}
	if find(story, func(n *html.Node) bool { return n.Data == "time" && attr(n, "datetime") != "" }) == nil {
		t.Error("no publication date")
	}

	// The thread nests replies: the reply to the reply sits in a list
	// inside the reply's item, inside the first comment's item.
	item := func(c *qalam.Comment) *html.Node {
		n := find(page.doc, byID(c.Anchor()))
		if n == nil {
			t.Fatalf("comment %d not shown", c.ID)
		}
		return n.Parent
	}
	if !contains(item(first), item(reply)) || !contains(item(reply), item(deeper)) {
		t.Error("replies are not nested under their parents")
	}
	if len(findAll(page.doc, byClass("comment"))) != 3 {
		t.Error("pending or spam comments are shown publicly")
	}
	if strings.Contains(page.body, "@example.org") {
		t.Error("a commenter's email appears in the page")
	}
	if strings.Contains(page.body, "Awaiting review") || strings.Contains(page.body, "Buy now") {
		t.Error("a held or spam comment's text appears in the page")
	}
	for _, c := range []*qalam.Comment{first, reply, deeper} {
		link := find(find(page.doc, byID(c.Anchor())), byClass("reply-link"))
		if link == nil || !strings.HasSuffix(attr(link, "href"), "?replytocom="+itoa(c.ID)+"#respond") {
			t.Errorf("comment %d has no reply link pointing the form at it", c.ID)
		}
	}
	for _, name := range []string{"name", "email", "url", "comment", "remember", "key", "parent_id"} {
		if find(page.doc, func(n *html.Node) bool { return attr(n, "name") == name }) == nil {
			t.Errorf("comment form lacks the %q field", name)
		}
	}
}

func TestArticlePage_ReplyLinkPointsTheFormAtTheComment(t *testing.T) {
	f := newFixture(t)
	c := f.addComment(f.article, 0, "Kamran Ali", "First.", qalam.Approved)
	page := f.newReader().get(view.ArticlePath(f.article.Slug) + "?replytocom=" + itoa(c.ID))
	if got := inputValue(page.doc, "parent_id"); got != itoa(c.ID) {
		t.Errorf("parent_id = %q, want %d", got, c.ID)
	}
	if got := text(find(page.doc, byID("reply-title"))); got != "Replying to Kamran Ali" {
		t.Errorf("form title = %q", got)
	}
}

func TestArticlePage_UrduIsRightToLeft(t *testing.T) {
	f := newFixture(t)
	f.addComment(f.urdu, 0, "نادیہ", "بہت اچھی خبر ہے۔", qalam.Approved)
	page := f.newReader().get(view.ArticlePath(f.urdu.Slug))
	root := find(page.doc, func(n *html.Node) bool { return n.Data == "html" })
	if got := attr(root, "lang") + " " + attr(root, "dir"); got != "ur rtl" {
		t.Errorf("<html> lang and dir = %q, want %q", got, "ur rtl")
	}
	story := find(page.doc, byClass("story"))
	if got := attr(story, "lang") + " " + attr(story, "dir"); got != "ur rtl" {
		t.Errorf("article lang and dir = %q, want %q", got, "ur rtl")
	}
	if got := text(find(story, byClass("label"))); got != "تجزیہ" {
		t.Errorf("label = %q, want the Urdu word for analysis", got)
	}
	// Names and comment bodies sit in isolated direction contexts.
	if n := find(page.doc, byClass("comment-author")); n == nil || n.Data != "bdi" {
		t.Error("commenter name is not in a <bdi>")
	}
	if n := find(page.doc, byClass("comment-body")); n == nil || attr(n, "dir") != "auto" {
		t.Error("comment body is not dir=auto")
	}
}

func TestArticlePage_ClosedDiscussionSaysSo(t *testing.T) {
	f := newFixture(t)
	page := f.newReader().get(view.ArticlePath(f.closed.Slug))
	if got := text(find(page.doc, byClass("closed"))); got != "Comments are closed on this article." {
		t.Errorf("closed notice = %q", got)
	}
	if find(page.doc, byClass("comment-form")) != nil {
		t.Error("a closed discussion still shows the form")
	}
}

func TestArticlePage_DraftIsNotFound(t *testing.T) {
	f := newFixture(t)
	draft := f.createArticle(func(a *qalam.Article) {
		a.Slug = "unfinished"
		a.Headline = "Unfinished"
		a.Status = qalam.Draft
	})
	if got := f.newReader().get(view.ArticlePath(draft.Slug)).status; got != 404 {
		t.Errorf("draft page status = %d, want 404", got)
	}
}

func contains(outer, inner *html.Node) bool {
	for n := inner.Parent; n != nil; n = n.Parent {
		if n == outer {
			return true
		}
	}
	return false
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestArticlePage_EveryViewGetsItsOwnFormKey(t *testing.T) {
	f := newFixture(t)
	r := f.newReader()
	// Uncompressed, so the length the page cache sets is what arrives.
	r.client.Transport = &http.Transport{DisableCompression: true}
	path := view.ArticlePath(f.article.Slug)
	seen := map[string]bool{}
	for range 5 {
		page := r.get(path)
		key := inputValue(page.doc, "key")
		if len(key) < 20 || seen[key] {
			t.Fatalf("form key %q is missing or repeated", key)
		}
		seen[key] = true
		if got := page.header.Get("Content-Length"); got != itoa(int64(len(page.body))) {
			t.Errorf("Content-Length = %s, body is %d bytes", got, len(page.body))
		}
	}
}

func TestFavicon_RedirectsToTheSiteIcon(t *testing.T) {
	f := newFixture(t)
	got := f.newReader().get("/favicon.ico")
	if got.status != http.StatusMovedPermanently {
		t.Fatalf("GET /favicon.ico = %d, want 301", got.status)
	}
	icon := got.header.Get("Location")
	if !strings.HasPrefix(icon, "/static/") || !strings.HasSuffix(icon, "/img/icon.svg") {
		t.Fatalf("Location = %q, want the hashed icon", icon)
	}
	if ct := f.newReader().get(icon).header.Get("Content-Type"); !strings.HasPrefix(ct, "image/svg+xml") {
		t.Errorf("icon Content-Type = %q", ct)
	}
}
