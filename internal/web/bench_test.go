package web_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/markup"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/view"
)

// with500Comments adds a 500-comment discussion, threaded as a busy one is,
// to the fixture's article.
func with500Comments(b *testing.B, f *fixture) {
	var batch []*qalam.Comment
	var roots []*qalam.Comment
	for i := range 500 {
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
	if err != nil || len(got) != 500 {
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
