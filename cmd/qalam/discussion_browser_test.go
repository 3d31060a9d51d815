package main

import (
	"context"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/browsertest"
	"github.com/qalamnews/qalam/internal/config"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
)

// TestBrowser_ModerationReachesOpenPages is the discussion's moderation in
// real browsers, on the whole program (on PostgreSQL too when the test
// environment names one): a reader comments in Urdu and is held; a
// moderator approves the comment from the queue, and another reader's open
// page shows it without a reload; then three readers on three addresses
// (behind the site's trusted proxy) report it, which holds it again, and it
// leaves the open page too.
func TestBrowser_ModerationReachesOpenPages(t *testing.T) {
	m := startMain(t, func(c *config.Config) {
		c.Demo = true
		// The site sits behind a proxy on loopback, so each reader's address
		// comes from X-Forwarded-For, as it would in production.
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
		if os.Getenv(storetest.EnvPostgresURL) != "" {
			c.DatabaseURL = storetest.PostgresURL(t)
		}
	})
	ctx := context.Background()
	addStaff(t, m.store, qalam.RoleModerator, "Rubina Aslam", "rubina@example.org")
	published := qalam.Published
	list, _, err := m.store.FindArticles(ctx, store.ArticleFilter{Status: &published, Language: qalam.Urdu, Limit: 5})
	must(t, err)
	var article *qalam.Article
	for _, a := range list {
		if !a.CommentsClosed {
			article = a
			break
		}
	}
	if article == nil {
		t.Fatal("the demo has no open Urdu discussion")
	}
	base := m.URL()
	page := base + "/articles/" + article.Slug
	body := "نئی بس سروس سے ہمارے محلے کے طلبہ کو بہت آسانی ہوگی۔"

	commenter := browsertest.New(t) // the commenter, later the moderator
	observer := browsertest.New(t)  // a second reader who keeps the page open
	withAddress := func(b context.Context, addr string) {
		t.Helper()
		_, err := chromedp.Call(b, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
			Headers: network.Headers{"X-Forwarded-For": addr},
		})
		must(t, err)
	}
	withAddress(commenter, "198.51.100.20")
	withAddress(observer, "198.51.100.30")

	// The reader comments in Urdu; a first comment is held.
	must(t, chromedp.Do(commenter,
		chromedp.Navigate(page),
		chromedp.WaitVisible(chromedp.CSS("#comment-body")),
		chromedp.SendKeys(chromedp.CSS("#comment-body"), body),
		chromedp.SendKeys(chromedp.CSS("#comment-name"), "ثمینہ"),
		chromedp.SendKeys(chromedp.CSS("#comment-email"), "samina@example.org"),
	))
	time.Sleep(3100 * time.Millisecond) // a person takes longer than the form's minimum time
	must(t, chromedp.Do(commenter,
		chromedp.Click(chromedp.CSS(`.comment-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".held-notice")),
	))
	held, err := m.store.FindComments(ctx, store.CommentFilter{ArticleID: article.ID, Status: ptr(qalam.Pending)})
	must(t, err)
	var c *qalam.Comment
	for _, h := range held {
		if h.Body == body {
			c = h
		}
	}
	if c == nil {
		t.Fatal("the comment was not stored as held")
	}
	anchor := "#" + c.Anchor()

	// Another reader has the page open, following the discussion live.
	must(t, chromedp.Do(observer, chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS("#comments"))))
	_, err = chromedp.Run(observer, chromedp.Poll[bool](`document.getElementById("comments").getAttribute("data-live") === "on"`))
	must(t, err)
	if n, _ := chromedp.Run(observer, chromedp.Nodes(chromedp.CSS(anchor), chromedp.AtLeast(0))); len(n) != 0 {
		t.Fatal("another reader sees the held comment")
	}

	// A moderator approves it from the queue.
	must(t, chromedp.Do(commenter,
		chromedp.Navigate(base+"/admin/login"),
		chromedp.SendKeys(chromedp.CSS("input[name=email]"), "rubina@example.org"),
		chromedp.SendKeys(chromedp.CSS("input[name=password]"), staffPassword),
		chromedp.Click(chromedp.CSS("form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".admin-user")),
		chromedp.Navigate(base+"/admin/comments"),
		chromedp.WaitVisible(chromedp.CSS("#"+c.Anchor()+` button[value=approved]`)),
	))
	browsertest.Screenshot(t, commenter, "1-queue")
	must(t, chromedp.Do(commenter,
		chromedp.Click(chromedp.CSS("#"+c.Anchor()+` button[value=approved]`)),
		chromedp.WaitNotPresent(chromedp.CSS("#"+c.Anchor()+` button[value=approved]`)),
	))

	// The open page shows it, without a reload.
	must(t, chromedp.Do(observer, chromedp.WaitVisible(chromedp.CSS(anchor+" .comment-body"))))
	shown, err := chromedp.Run(observer, chromedp.Text(chromedp.CSS(anchor+" .comment-body")))
	must(t, err)
	if strings.TrimSpace(shown) != body {
		t.Errorf("the open page shows %q, want %q", shown, body)
	}
	browsertest.Screenshot(t, observer, "2-approved-appears-live")

	// The moderator, now a reader again, keeps the page open while three
	// readers on three addresses report the comment.
	must(t, chromedp.Do(commenter, chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS(anchor))))
	_, err = chromedp.Run(commenter, chromedp.Poll[bool](`document.getElementById("comments").getAttribute("data-live") === "on"`))
	must(t, err)
	for i, addr := range []string{"203.0.113.11", "203.0.113.12", "203.0.113.13"} {
		withAddress(observer, addr)
		must(t, chromedp.Do(observer,
			chromedp.Navigate(page),
			chromedp.WaitVisible(chromedp.CSS(anchor+" .report-link")),
			chromedp.Click(chromedp.CSS(anchor+" .report-link")),
			chromedp.WaitVisible(chromedp.CSS("#report-reason-harassment")),
			chromedp.Click(chromedp.CSS("#report-reason-harassment")),
			chromedp.SendKeys(chromedp.CSS("#report-note"), "The comment names a neighbour."),
			chromedp.Click(chromedp.CSS(".comment-report-form button[type=submit]")),
			chromedp.WaitNotPresent(chromedp.CSS(".comment-report-form")),
		))
		if i == 0 {
			browsertest.Screenshot(t, observer, "3-reported")
		}
	}
	stored, err := m.store.Comment(ctx, c.ID)
	must(t, err)
	if stored.Status != qalam.Pending {
		t.Fatalf("after three reports the comment is %s, want held", stored.Status)
	}
	must(t, chromedp.Do(commenter, chromedp.WaitNotPresent(chromedp.CSS(anchor))))
	must(t, chromedp.Do(observer, chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS("#comments"))))
	if n, _ := chromedp.Run(observer, chromedp.Nodes(chromedp.CSS(anchor), chromedp.AtLeast(0))); len(n) != 0 {
		t.Error("the held comment is still served to readers")
	}
	browsertest.Screenshot(t, commenter, "4-held-leaves-open-page")
}

func ptr[T any](v T) *T { return &v }
