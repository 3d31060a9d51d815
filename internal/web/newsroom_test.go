package web_test

import (
	"context"
	"crypto/sha256"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/markup"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/view"
)

func TestArticlePage_ShowsCorrectionsAndTheCorrectionsPage(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	note := "An earlier version gave the wrong date for the board meeting."
	c := &qalam.Correction{ArticleID: f.article.ID, Kind: qalam.KindCorrection, Text: note, TextHTML: markup.Article(note)}
	must(t, f.st.AddCorrection(ctx, c))

	r := f.newReader()
	page := r.get(view.ArticlePath(f.article.Slug))
	block := find(page.doc, byID("corrections"))
	if block == nil {
		t.Fatal("no corrections block on the article")
	}
	if got := text(block); !strings.Contains(got, "Correction") || !strings.Contains(got, note) {
		t.Errorf("corrections block = %q", got)
	}
	if find(page.doc, func(n *html.Node) bool { return n.Data == "a" && attr(n, "href") == "#corrections" }) == nil {
		t.Error("the article's dates do not point readers to its corrections")
	}

	list := r.get("/corrections")
	if list.status != 200 {
		t.Fatalf("/corrections: %d", list.status)
	}
	link := find(list.doc, func(n *html.Node) bool {
		return n.Data == "a" && attr(n, "href") == view.ArticlePath(f.article.Slug)+"#correction-"+itoa(c.ID)
	})
	if link == nil || text(link) != f.article.Headline {
		t.Error("/corrections does not link the correction to its article")
	}
}

func TestPreview_ShowsADraftUntilRevoked(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	draft := f.createArticle(func(a *qalam.Article) {
		a.Slug = "draft-for-preview"
		a.Headline = "A draft the editor wants to show"
		a.Status = qalam.Draft
	})
	token := "preview-token-0123456789abcdefghijklmnop"
	sum := sha256.Sum256([]byte(token))
	must(t, f.st.CreatePreviewToken(ctx, draft.ID, sum[:], 0))

	r := f.newReader()
	page := r.get("/preview/" + token)
	if page.status != 200 {
		t.Fatalf("preview: %d", page.status)
	}
	if got := text(find(page.doc, byClass("headline"))); got != draft.Headline {
		t.Errorf("headline = %q", got)
	}
	if find(page.doc, byClass("preview-banner")) == nil {
		t.Error("no banner saying this is a preview")
	}
	if find(page.doc, byID("comments")) != nil {
		t.Error("a preview shows the discussion")
	}
	if !strings.Contains(page.header.Get("X-Robots-Tag"), "noindex") || page.header.Get("Cache-Control") != "private, no-store" {
		t.Errorf("preview headers: robots %q, cache %q", page.header.Get("X-Robots-Tag"), page.header.Get("Cache-Control"))
	}
	if got := r.get(view.ArticlePath(draft.Slug)).status; got != 404 {
		t.Errorf("the draft's public address answers %d, want 404", got)
	}

	must(t, f.st.RevokePreviewTokens(ctx, draft.ID))
	if got := r.get("/preview/" + token).status; got != 404 {
		t.Errorf("revoked preview answers %d, want 404", got)
	}
	if got := r.get("/preview/not-a-real-token-but-long-enough").status; got != 404 {
		t.Errorf("unknown preview answers %d, want 404", got)
	}
}

func TestArticlePage_ShowsTheFeaturedImage(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	m := &qalam.Media{Name: "0123456789abcdef0123456789abcdef.jpg", ContentType: "image/jpeg", Width: 1600, Height: 900, Bytes: 1000,
		Variants: []qalam.MediaVariant{{Width: 480, Height: 270, Name: "0123456789abcdef0123456789abcdef-480.jpg"}},
		Alt:      "Volunteers clearing a drain in the rain", Caption: "The Nurpur drain, last week.", Credit: "Photo: Gazette staff"}
	must(t, f.st.CreateMedia(ctx, m))
	id := m.ID
	if _, err := f.st.UpdateArticle(ctx, f.article.ID, store.ArticleUpdate{FeaturedImageID: &id}); err != nil {
		t.Fatal(err)
	}
	page := f.newReader().get(view.ArticlePath(f.article.Slug))
	img := find(find(page.doc, byClass("lead-image")), func(n *html.Node) bool { return n.Data == "img" })
	if img == nil {
		t.Fatal("no lead image")
	}
	if attr(img, "alt") != m.Alt || !strings.HasPrefix(attr(img, "src"), "/media/") || !strings.Contains(attr(img, "srcset"), "480w") {
		t.Errorf("img alt %q src %q srcset %q", attr(img, "alt"), attr(img, "src"), attr(img, "srcset"))
	}
	if got := text(find(page.doc, func(n *html.Node) bool { return n.Data == "figcaption" })); got != "The Nurpur drain, last week. Photo: Gazette staff" {
		t.Errorf("caption = %q", got)
	}
}

func TestAuthorPage_ShowsPhotoAndLinks(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	m := &qalam.Media{Name: "fedcba9876543210fedcba9876543210.jpg", ContentType: "image/jpeg", Width: 600, Height: 600, Bytes: 1000, Alt: "Amina Rahim"}
	must(t, f.st.CreateMedia(ctx, m))
	links := []string{"https://example.org/amina"}
	if _, err := f.st.UpdateAuthor(ctx, f.author.ID, store.AuthorUpdate{PhotoID: &m.ID, Links: &links}); err != nil {
		t.Fatal(err)
	}
	page := f.newReader().get("/authors/" + f.author.Slug)
	img := find(page.doc, byClass("author-photo"))
	if img == nil || attr(img, "alt") != "Amina Rahim" || !strings.HasPrefix(attr(img, "src"), "/media/") {
		t.Error("the author's photo is missing")
	}
	a := find(find(page.doc, byClass("author-links")), func(n *html.Node) bool { return n.Data == "a" })
	if a == nil || attr(a, "href") != links[0] {
		t.Error("the author's links are missing")
	}
}
