package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/view"
	"github.com/qalamnews/qalam/internal/web"
)

// newMailFixture is the fixture's publication served by a site that can
// send mail, behind the global middleware (CSRF protection included), with
// its page cache fed by the change feed as in production.
func newMailFixture(t *testing.T) *fixture { return newMailFixtureWith(t, nil) }

// newMailFixtureWith is newMailFixture with the site's options edited.
func newMailFixtureWith(t *testing.T, edit func(*web.Options)) *fixture {
	t.Helper()
	f := newFixture(t)
	engine, err := view.New(view.Options{})
	if err != nil {
		t.Fatal(err)
	}
	opts := web.Options{
		SiteName: "The Test Gazette",
		BaseURL:  "http://gazette.test",
		Secret:   []byte("0123456789abcdef0123456789abcdef"),
		Now:      func() time.Time { return time.Now().Add(time.Minute) },
		Mail:     true,
	}
	if edit != nil {
		edit(&opts)
	}
	site := web.New(f.st, engine, opts)
	f.site = site
	f.srv = serveSite(t, f.st, site)
	return f
}

// notifyBox is the comment form's reply notification checkbox, or nil.
func notifyBox(doc *html.Node) *html.Node {
	return find(doc, func(n *html.Node) bool { return n.Data == "input" && attr(n, "name") == "notify" })
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

func TestCommentForm_OffersReplyEmailsOnlyWithMail(t *testing.T) {
	t.Run("without mail, no box and no data link", func(t *testing.T) {
		f := newFixture(t)
		doc := f.newReader().get(view.ArticlePath(f.article.Slug)).doc
		if notifyBox(doc) != nil || find(doc, byClass("privacy-link")) != nil {
			t.Error("the form offers mail the site cannot send")
		}
	})
	t.Run("with mail, an unticked box and the data link", func(t *testing.T) {
		f := newMailFixture(t)
		doc := f.newReader().get(view.ArticlePath(f.urdu.Slug)).doc
		box := notifyBox(doc)
		if box == nil || attr(box, "type") != "checkbox" || hasAttr(box, "checked") {
			t.Fatalf("notify box = %v", box)
		}
		label := find(doc, func(n *html.Node) bool { return n.Data == "label" && attr(n, "for") == attr(box, "id") })
		if got := text(label); got != "جب کوئی میرے تبصرے کا جواب دے تو مجھے ای میل کیجیے (ناظم کی منظوری کے بعد)۔" {
			t.Errorf("label on the Urdu page = %q", got)
		}
		link := find(doc, byClass("privacy-link"))
		if link == nil || attr(link, "href") != "/comments/privacy?lang=ur" {
			t.Errorf("data link = %v", link)
		}
	})
}

func TestPostComment_SubscribesToReplies(t *testing.T) {
	f := newMailFixture(t)
	ctx := context.Background()
	r := f.newReader()

	t.Run("ticked: subscribed once, even when the post is retried", func(t *testing.T) {
		form := r.commentForm(f.article, "The schedule should be public.")
		form.Set("notify", "yes")
		for i := range 2 {
			if resp := r.post(view.ArticlePath(f.article.Slug)+"/comments", form); resp.status != http.StatusSeeOther {
				t.Fatalf("post %d: status %d", i, resp.status)
			}
		}
		c := onlyComment(t, f, f.article)
		got, err := f.st.ReplySubscriber(ctx, c.ID)
		if err != nil || got != "farah@example.org" {
			t.Errorf("subscriber = %q, %v", got, err)
		}
	})
	t.Run("not ticked: not subscribed", func(t *testing.T) {
		resp := r.post(view.ArticlePath(f.urdu.Slug)+"/comments", r.commentForm(f.urdu, "کتب خانہ اچھا ہے۔"))
		if resp.status != http.StatusSeeOther {
			t.Fatalf("status %d", resp.status)
		}
		c := onlyComment(t, f, f.urdu)
		if _, err := f.st.ReplySubscriber(ctx, c.ID); qalam.KindOf(err) != qalam.KindNotFound {
			t.Errorf("subscribed without asking: %v", err)
		}
	})
	t.Run("a form sent back keeps the box ticked", func(t *testing.T) {
		form := r.commentForm(f.article, "")
		form.Set("notify", "yes")
		resp := r.post(view.ArticlePath(f.article.Slug)+"/comments", form)
		if resp.status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d", resp.status)
		}
		if box := notifyBox(resp.doc); box == nil || !hasAttr(box, "checked") {
			t.Errorf("box after an error = %v", box)
		}
	})
}

// unsubscribeToken stores a token as a notification's link carries it.
func unsubscribeToken(t *testing.T, f *fixture, email string) string {
	t.Helper()
	token, hash := store.NewMailToken()
	must(t, f.st.CreateMailToken(context.Background(), &store.MailToken{Hash: hash, Purpose: store.TokenUnsubscribe, Email: email, ExpiresAt: time.Now().Add(time.Hour)}))
	return token
}

func TestUnsubscribe(t *testing.T) {
	f := newMailFixture(t)
	ctx := context.Background()
	subscribe := func() *qalam.Comment {
		c := f.addComment(f.article, 0, "Nadia Karim", "A question for the board.", qalam.Approved)
		must(t, f.st.SubscribeReplies(ctx, c.ID))
		return c
	}
	subscribed := func(c *qalam.Comment) bool {
		_, err := f.st.ReplySubscriber(ctx, c.ID)
		return err == nil
	}

	t.Run("GET asks and changes nothing", func(t *testing.T) {
		c := subscribe()
		token := unsubscribeToken(t, f, "nadia@example.org")
		resp := f.newReader().get(view.UnsubscribePath(token))
		if resp.status != http.StatusOK || resp.header.Get("Cache-Control") != "private, no-store" {
			t.Fatalf("status %d, Cache-Control %q", resp.status, resp.header.Get("Cache-Control"))
		}
		form := find(resp.doc, func(n *html.Node) bool { return n.Data == "form" && attr(n, "method") == "post" })
		if form == nil || attr(form, "action") != view.UnsubscribePath(token) {
			t.Errorf("confirmation form = %v", form)
		}
		if !subscribed(c) {
			t.Error("a GET unsubscribed")
		}
	})
	t.Run("the page's button unsubscribes every comment of the address", func(t *testing.T) {
		a, b := subscribe(), subscribe()
		token := unsubscribeToken(t, f, "nadia@example.org")
		resp := f.newReader().post(view.UnsubscribePath(token), url.Values{})
		if resp.status != http.StatusOK || find(resp.doc, byClass("success")) == nil {
			t.Fatalf("status %d", resp.status)
		}
		if subscribed(a) || subscribed(b) {
			t.Error("still subscribed")
		}
		again := f.newReader().post(view.UnsubscribePath(token), url.Values{})
		if again.status != http.StatusOK {
			t.Errorf("unsubscribing twice: status %d", again.status)
		}
	})
	t.Run("a mail program's one-click POST works without Origin or cookies", func(t *testing.T) {
		c := subscribe()
		token := unsubscribeToken(t, f, "nadia@example.org")
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		must(t, mw.WriteField("List-Unsubscribe", "One-Click"))
		must(t, mw.Close())
		resp, err := http.Post(f.srv.URL+view.UnsubscribePath(token), mw.FormDataContentType(), &body)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || subscribed(c) {
			t.Errorf("one-click: status %d, still subscribed %v", resp.StatusCode, subscribed(c))
		}
	})
	t.Run("a cross-site form cannot unsubscribe", func(t *testing.T) {
		c := subscribe()
		token := unsubscribeToken(t, f, "nadia@example.org")
		req, _ := http.NewRequest("POST", f.srv.URL+view.UnsubscribePath(token), nil)
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden || !subscribed(c) {
			t.Errorf("cross-site: status %d, subscribed %v", resp.StatusCode, subscribed(c))
		}
	})
	t.Run("an unknown token is not found, GET or POST", func(t *testing.T) {
		for _, resp := range []response{
			f.newReader().get(view.UnsubscribePath("NOSUCHTOKEN")),
			f.newReader().post(view.UnsubscribePath("NOSUCHTOKEN"), url.Values{}),
		} {
			button := find(resp.doc, func(n *html.Node) bool {
				return n.Data == "form" && attr(n, "action") == view.UnsubscribePath("NOSUCHTOKEN")
			})
			if resp.status != http.StatusNotFound || button != nil {
				t.Errorf("status %d", resp.status)
			}
		}
	})
}
