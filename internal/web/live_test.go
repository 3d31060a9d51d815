package web_test

import (
	"bufio"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/browsertest"
	"github.com/qalamnews/qalam/internal/view"
)

// event is one Server-Sent Event.
type event struct{ id, name, data string }

// openStream follows an article's discussion and returns its events.
func openStream(t *testing.T, f *fixture, a *qalam.Article, after int64) <-chan event {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, "GET", f.srv.URL+view.ArticlePath(a.Slug)+"/live?after="+itoa(after), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	events := make(chan event, 64)
	go func() {
		defer resp.Body.Close()
		defer close(events)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		var e event
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if e.name != "" {
					events <- e
				}
				e = event{}
			case strings.HasPrefix(line, "id: "):
				e.id = line[4:]
			case strings.HasPrefix(line, "event: "):
				e.name = line[7:]
			case strings.HasPrefix(line, "data: "):
				e.data = line[6:]
			}
		}
	}()
	return events
}

// next waits for the next event of the given name, skipping others.
func next(t *testing.T, events <-chan event, name string) event {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case e, ok := <-events:
			if !ok {
				t.Fatalf("stream ended before a %q event", name)
			}
			if e.name == name {
				return e
			}
		case <-timeout:
			t.Fatalf("no %q event within 10s", name)
		}
	}
}

func TestLive_StreamsApprovalsAndRemovals(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	shown := f.addComment(f.article, 0, "Kamran Ali", "Already on the page.", qalam.Approved)
	events := openStream(t, f, f.article, shown.ID)
	if got := next(t, events, "count"); got.data != "1" {
		t.Errorf("first count = %s, want 1", got.data)
	}

	held := f.addComment(f.article, shown.ID, "Sadia Khan", "Approved while you read.", qalam.Pending)
	if _, err := f.st.SetCommentStatus(ctx, held.ID, qalam.Approved); err != nil {
		t.Fatal(err)
	}
	got := next(t, events, "comment")
	if got.id != itoa(held.ID) || !strings.Contains(got.data, "Approved while you read.") || !strings.Contains(got.data, `"parent":`+itoa(shown.ID)) {
		t.Errorf("comment event = %+v", got)
	}
	if strings.Contains(got.data, "@example.org") {
		t.Error("the event carries the commenter's email")
	}
	if got := next(t, events, "count"); got.data != "2" {
		t.Errorf("count after approval = %s, want 2", got.data)
	}

	if _, err := f.st.SetCommentStatus(ctx, shown.ID, qalam.Deleted); err != nil {
		t.Fatal(err)
	}
	if got := next(t, events, "gone"); got.data != itoa(shown.ID) {
		t.Errorf("gone event = %+v, want comment %d", got, shown.ID)
	}
}

func TestLive_UnknownArticleIsNotFound(t *testing.T) {
	f := newFixture(t)
	resp, err := http.Get(f.srv.URL + "/articles/no-such-story/live")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("status %d, want 404", resp.StatusCode)
	}
}

// TestBrowser_ApprovedCommentAppearsOnAnOpenPage: a reader keeps the page
// open; a moderator approves a comment; it appears without a reload.
func TestBrowser_ApprovedCommentAppearsOnAnOpenPage(t *testing.T) {
	f := newFixture(t)
	top := f.addComment(f.urdu, 0, "نادیہ", "پہلا تبصرہ۔", qalam.Approved)
	b := browsertest.New(t)
	must(t, chromedp.Do(b,
		chromedp.Navigate(f.srv.URL+view.ArticlePath(f.urdu.Slug)),
		chromedp.WaitVisible(chromedp.CSS("#"+top.Anchor())),
	))
	// Let the stream connect before the approval.
	_, err := chromedp.Run(b, chromedp.Poll[bool](`document.getElementById("comments").getAttribute("data-live") === "on"`))
	must(t, err)
	reply := f.addComment(f.urdu, top.ID, "عمران", "جواب جو منظور ہوا۔", qalam.Pending)
	if _, err := f.st.SetCommentStatus(context.Background(), reply.ID, qalam.Approved); err != nil {
		t.Fatal(err)
	}
	must(t, chromedp.Do(b, chromedp.WaitVisible(chromedp.CSS("#"+top.Anchor()+" + .comments #"+reply.Anchor()))))
	count, err := chromedp.Run(b, chromedp.Text(chromedp.CSS("#comments-title .count")))
	must(t, err)
	if !strings.Contains(count, "2") {
		t.Errorf("count = %q, want 2", count)
	}
	browsertest.Screenshot(t, b, "live-reply")
}

// A reply deeper than the page nests is placed under the ancestor it is
// shown under, as the page would show it after a reload.
func TestLive_ReplyBeyondTheDepthGoesUnderItsShownAncestor(t *testing.T) {
	f := newFixture(t)
	chain := []*qalam.Comment{f.addComment(f.article, 0, "Kamran Ali", "Top.", qalam.Approved)}
	for i := range 7 {
		chain = append(chain, f.addComment(f.article, chain[i].ID, "Sadia Khan", "Deeper.", qalam.Approved))
	}
	events := openStream(t, f, f.article, chain[len(chain)-1].ID)
	next(t, events, "count")
	deepest := f.addComment(f.article, chain[len(chain)-1].ID, "Imran", "Deepest.", qalam.Approved)
	got := next(t, events, "comment")
	// Depth 6 is the deepest shown: replies below it are shown at depth 6
	// too, under the comment at depth 5.
	if want := `"parent":` + itoa(chain[5].ID); got.id != itoa(deepest.ID) || !strings.Contains(got.data, want) {
		t.Errorf("comment event = %+v, want %s", got, want)
	}
}
