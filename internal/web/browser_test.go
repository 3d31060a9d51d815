package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/browsertest"
	"github.com/qalamnews/qalam/internal/view"
)

func TestBrowser_ReaderRepliesInUrduWithJavaScript(t *testing.T) {
	f := newFixture(t)
	parent := f.addComment(f.urdu, 0, "نادیہ خان", "کتب خانہ کب تک کھلا رہے گا؟", qalam.Approved)
	ctx := browsertest.New(t)
	url := f.srv.URL + view.ArticlePath(f.urdu.Slug)
	reply := "شام سات بجے تک، ہفتے میں چھ دن۔"

	must(t, chromedp.Do(ctx,
		chromedp.Navigate(url),
		chromedp.Click(chromedp.CSS("#"+parent.Anchor()+" .reply-link")),
		// The script moved the form under the comment, without a reload.
		chromedp.WaitVisible(chromedp.CSS("#"+parent.Anchor()+" ~ #respond")),
	))
	loc, err := chromedp.Run(ctx, chromedp.Location())
	must(t, err)
	if strings.Contains(loc, "replytocom") {
		t.Errorf("the reply link reloaded the page (%s) instead of moving the form", loc)
	}
	parentField, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("input[name=parent_id]")))
	must(t, err)
	if parentField != itoa(parent.ID) {
		t.Fatalf("parent_id = %q, want %d", parentField, parent.ID)
	}
	must(t, chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#comment-body"), reply),
		chromedp.SendKeys(chromedp.CSS("#comment-name"), "عمران"),
		chromedp.SendKeys(chromedp.CSS("#comment-email"), "imran@example.org"),
		chromedp.Click(chromedp.CSS(".comment-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".held-notice")),
	))
	c := latestComment(t, f, f.urdu)
	if c.Body != reply || c.ParentID != parent.ID || c.Status != qalam.Pending {
		t.Fatalf("stored comment = %q parent %d status %s", c.Body, c.ParentID, c.Status)
	}
	// The author sees the held comment, nested under the one it answers,
	// in Urdu, right to left.
	shown, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#"+parent.Anchor()+" + .comments #"+c.Anchor()+" .comment-body")))
	must(t, err)
	if strings.TrimSpace(shown) != reply {
		t.Errorf("held reply shows %q, want %q", shown, reply)
	}
	dir, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector(".story")).direction`))
	must(t, err)
	if dir != "rtl" {
		t.Errorf("Urdu article direction = %q, want rtl", dir)
	}
}

func TestBrowser_ReaderCommentsWithJavaScriptOff(t *testing.T) {
	f := newFixture(t)
	parent := f.addComment(f.article, 0, "Kamran Ali", "When will the schedule be out?", qalam.Approved)
	ctx := browsertest.New(t)
	must(t, chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	})))
	must(t, chromedp.Do(ctx,
		chromedp.Navigate(f.srv.URL+view.ArticlePath(f.article.Slug)),
		chromedp.Click(chromedp.CSS("#"+parent.Anchor()+" .reply-link")),
		chromedp.WaitVisible(chromedp.CSS("#reply-title")),
	))
	title, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#reply-title")))
	must(t, err)
	if title != "Replying to Kamran Ali" {
		t.Fatalf("form title = %q", title)
	}
	// Submitting without an email brings the form back with the text kept.
	must(t, chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#comment-body"), "Next week, the board said."),
		chromedp.SendKeys(chromedp.CSS("#comment-name"), "Sadia Khan"),
		chromedp.SetAttributeValue(chromedp.CSS("#comment-email"), "type", "text"),
		chromedp.RemoveAttribute(chromedp.CSS("#comment-email"), "required"),
		chromedp.Click(chromedp.CSS(".comment-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".field-error")),
	))
	kept, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#comment-body")))
	must(t, err)
	if kept != "Next week, the board said." {
		t.Errorf("comment text after the error = %q", kept)
	}
	must(t, chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#comment-email"), "sadia@example.org"),
		chromedp.Click(chromedp.CSS(".comment-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".held-notice")),
	))
	c := latestComment(t, f, f.article)
	if c.ParentID != parent.ID || c.AuthorEmail != "sadia@example.org" {
		t.Errorf("stored comment parent %d email %q", c.ParentID, c.AuthorEmail)
	}
}
