package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http/httptest"
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/markup"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/view"
)

// with500Comments adds a 500-comment discussion, threaded as a busy one is,
// to the fixture's article.
func with500Comments(b *testing.B, f *fixture) { withComments(b, f, 500) }

// withComments adds an n-comment discussion to the fixture's article: a
// quarter start threads, the rest reply to the newest thread, nesting.
func withComments(b *testing.B, f *fixture, n int) {
	var batch []*qalam.Comment
	var roots []*qalam.Comment
	for i := range n {
		body := fmt.Sprintf("Comment number %d on the water board, with a [link](https://example.org/%d) and *some* emphasis.", i, i)
		c := &qalam.Comment{ArticleID: f.article.ID, AuthorName: fmt.Sprintf("Reader %d", i), AuthorEmail: fmt.Sprintf("r%d@example.org", i),
			Body: body, BodyHTML: markup.Comment(body), Status: qalam.Approved, IdempotencyKey: fmt.Sprintf("bench-%d", i)}
		batch = append(batch, c) // parents before replies, replies listed in Replies
		if i%4 == 0 || len(roots) == 0 {
			roots = append(roots, c)
			continue
		}
		parent := roots[len(roots)-1]
		for len(parent.Replies) > 0 && i%3 != 0 {
			parent = parent.Replies[len(parent.Replies)-1]
		}
		parent.Replies = append(parent.Replies, c)
	}
	if err := f.st.CreateComments(context.Background(), batch); err != nil {
		b.Fatal(err)
	}
	approved := qalam.Approved
	got, err := f.st.FindComments(context.Background(), store.CommentFilter{ArticleID: f.article.ID, Status: &approved})
	if err != nil || len(got) != n {
		b.Fatalf("stored %d comments: %v", len(got), err)
	}
}

// BenchmarkArticlePage_500Comments measures serving the article page of a
// 500-comment discussion: "cached" is the steady state (the thread is
// rendered once per change), "uncached" renders the thread every time, as
// right after each new comment.
func BenchmarkArticlePage_500Comments(b *testing.B) {
	f := newFixture(b)
	with500Comments(b, f)
	handler := f.srv.Config.Handler
	path := view.ArticlePath(f.article.Slug)
	serve := func(b *testing.B) {
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != 200 {
			b.Fatalf("status %d", rec.Code)
		}
		b.SetBytes(int64(rec.Body.Len()))
	}
	b.Run("cached", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			serve(b)
		}
	})
	b.Run("uncached", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			f.site.Invalidate(store.Change{ArticleID: f.article.ID})
			serve(b)
		}
	})
}

// BenchmarkArticlePage_5000Comments measures a 5,000-comment discussion,
// shown in parts of about 200 comments. "cached" is the page most readers
// get (the first part, rendered once per change); "after a change" loads
// the 5,000 comments again, as after each new comment, and puts the first
// part together from the threads it had rendered; "cold" renders it too;
// "newest" and "top" are the other orders' first parts, cached likewise;
// "later part" is a later part as a page (put together from threads
// rendered once, not cached whole); "fragment" is the next part as the
// script fetches it; "recommended" takes a recommendation, through the
// change feed's path, before each page, which must not render the page
// again.
func BenchmarkArticlePage_5000Comments(b *testing.B) {
	f := newFixture(b)
	withComments(b, f, 5000)
	handler := f.srv.Config.Handler
	path := view.ArticlePath(f.article.Slug)
	serve := func(b *testing.B, target string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
		if rec.Code != 200 {
			b.Fatalf("GET %s: status %d", target, rec.Code)
		}
		b.SetBytes(int64(rec.Body.Len()))
		return rec
	}
	first := serve(b, path).Body.String()
	more := regexp.MustCompile(`class="more-link" href="([^"#]+)#comments" data-part="([^"]+)"`).FindStringSubmatch(first)
	if more == nil {
		b.Fatal("no link to the next part")
	}
	later, fragment := html.UnescapeString(more[1]), html.UnescapeString(more[2])
	// A change drops the page and the loaded comments; threads rendered
	// before and left as they were are kept. Cold is a node starting out
	// (or reconnecting to its change feed): nothing is kept.
	changed := func() { f.site.Invalidate(store.Change{ArticleID: f.article.ID}) }
	cold := func() { f.site.SetCacheLive(false); f.site.SetCacheLive(true) }
	cases := []struct {
		name   string
		before func()
		target string
	}{
		{"cached", nil, path},
		{"after a change", changed, path},
		{"cold", cold, path},
		{"newest", nil, path + "?sort=newest"},
		{"top", nil, path + "?sort=top"},
		{"later part", nil, later},
		{"fragment", nil, fragment},
		{"fragment after a change", changed, fragment},
		{"fragment cold", cold, fragment},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			serve(b, c.target) // warm
			b.ReportAllocs()
			defer reportCPU(b)()
			for b.Loop() {
				if c.before != nil {
					c.before()
				}
				serve(b, c.target)
			}
		})
	}
	b.Run("recommended", func(b *testing.B) {
		approved := qalam.Approved
		comments, err := f.st.FindComments(context.Background(), store.CommentFilter{ArticleID: f.article.ID, Status: &approved, Limit: 100})
		if err != nil {
			b.Fatal(err)
		}
		serve(b, path)
		b.ReportAllocs()
		defer reportCPU(b)()
		i := 0
		for b.Loop() {
			i++
			if _, _, err := f.st.RecommendComment(context.Background(), comments[i%len(comments)].ID, fmt.Sprintf("r:bench-%d", i)); err != nil {
				b.Fatal(err)
			}
			f.site.Invalidate(store.Change{ArticleID: f.article.ID, Counts: true})
			serve(b, path)
		}
	})
}

// reportCPU adds the process's CPU time per operation (user and system,
// all goroutines) to a benchmark's figures when the returned function
// runs: on a machine shared with other work, a steadier measure than the
// wall time of ns/op.
func reportCPU(b *testing.B) func() {
	start := cpuTime()
	return func() { b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op") }
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkRecommend measures taking one recommendation, from a new reader
// at a new address each time, as the script sends it: two rate-limit hits
// and the recommendation, three write transactions, and no page rendered.
func BenchmarkRecommend(b *testing.B) {
	f := newFixture(b)
	withComments(b, f, 500)
	handler := f.srv.Config.Handler
	approved := qalam.Approved
	comments, err := f.st.FindComments(context.Background(), store.CommentFilter{ArticleID: f.article.ID, Status: &approved})
	if err != nil {
		b.Fatal(err)
	}
	path := view.ArticlePath(f.article.Slug)
	b.ReportAllocs()
	defer reportCPU(b)()
	i := 0
	for b.Loop() {
		i++
		req := httptest.NewRequest("POST", path+"/comments/"+strconv.FormatInt(comments[i%len(comments)].ID, 10)+"/recommend", nil)
		req.RemoteAddr = fmt.Sprintf("10.%d.%d.%d:1234", i>>16&255, i>>8&255, i&255)
		req.Header.Set("Accept", "application/json")
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}
