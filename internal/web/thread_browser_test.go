package web_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/qalamnews/qalam/internal/browsertest"
	"github.com/qalamnews/qalam/internal/view"
)

// TestBrowser_ReaderPagesSortsAndRecommends: on a discussion of a few
// hundred comments, a reader shows more comments in place, switches to the
// newest first, and recommends a comment, once.
func TestBrowser_ReaderPagesSortsAndRecommends(t *testing.T) {
	f := newFixture(t)
	roots, _ := f.addThreads(f.article, 100, 3) // 300 comments: two parts of 50 threads
	b := browsertest.New(t)
	url := f.srv.URL + view.ArticlePath(f.article.Slug)
	threads := `document.querySelectorAll("#comments > .thread > li").length`

	must(t, chromedp.Do(b,
		chromedp.Navigate(url),
		chromedp.WaitVisible(chromedp.CSS("#"+roots[0].Anchor())),
	))
	if n, err := chromedp.Run(b, chromedp.Evaluate[int](threads)); err != nil || n != 50 {
		t.Fatalf("first part shows %d threads (%v), want 50", n, err)
	}
	// The first thread of the second part, with a reply to a reply.
	next, deep := roots[50], roots[50].Replies[0].Replies[0]
	must(t, chromedp.Do(b,
		chromedp.Click(chromedp.CSS(".thread-more .more-link")),
		chromedp.WaitVisible(chromedp.CSS("#"+next.Anchor()+" + .comments > li > #"+next.Replies[0].Anchor()+" + .comments > li > #"+deep.Anchor())),
	))
	loc, err := chromedp.Run(b, chromedp.Location())
	must(t, err)
	if loc != url {
		t.Errorf("showing more went to %s instead of appending in place", loc)
	}
	if n, err := chromedp.Run(b, chromedp.Evaluate[int](threads)); err != nil || n != 100 {
		t.Errorf("after showing more, %d threads (%v), want 100", n, err)
	}
	if n, err := chromedp.Run(b, chromedp.Evaluate[int](`document.querySelectorAll(".thread-more").length`)); err != nil || n != 0 {
		t.Errorf("%d links to more after the last part (%v)", n, err)
	}
	// The last thread of the first part keeps its replies, once.
	last := roots[49]
	if n, err := chromedp.Run(b, chromedp.Evaluate[int](`document.querySelectorAll("#`+last.Anchor()+` + .comments .comment").length`)); err != nil || n != 2 {
		t.Errorf("the first part's last thread shows %d replies (%v), want 2", n, err)
	}

	// Newest first.
	must(t, chromedp.Do(b,
		chromedp.Click(chromedp.CSS(`.thread-sort a[href$="sort=newest#comments"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.thread-sort a[aria-current][href$="sort=newest#comments"]`)),
	))
	first, err := chromedp.Run(b, chromedp.Evaluate[string](`document.querySelector("#comments > .thread > li > .comment").id`))
	must(t, err)
	newest := roots[len(roots)-1]
	if first != newest.Anchor() {
		t.Errorf("first thread when newest first = %s, want %s", first, newest.Anchor())
	}

	// Recommend, then try again.
	button := "#" + newest.Anchor() + " .recommend-button"
	must(t, chromedp.Do(b,
		chromedp.Click(chromedp.CSS(button)),
		chromedp.WaitVisible(chromedp.CSS(button+`[aria-pressed=true]`)),
		chromedp.Click(chromedp.CSS(button)),
	))
	shown, err := chromedp.Run(b, chromedp.Text(chromedp.CSS(button+" .recommend-count")))
	must(t, err)
	if shown != "1" {
		t.Errorf("count after recommending = %q, want 1", shown)
	}
	browsertest.Screenshot(t, b, "recommended")
	// Back on the page later: the count, and the button says it was this
	// reader's.
	must(t, chromedp.Do(b,
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(button+`[aria-pressed=true]`)),
	))
	if shown, err := chromedp.Run(b, chromedp.Text(chromedp.CSS(button+" .recommend-count"))); err != nil || shown != "1" {
		t.Errorf("count after reloading = %q (%v), want 1", shown, err)
	}
	counts, err := f.st.RecommendationCounts(context.Background(), f.article.ID)
	must(t, err)
	if counts[newest.ID] != 1 || len(counts) != 1 {
		t.Errorf("stored counts = %v, want one for comment %d", counts, newest.ID)
	}
}
