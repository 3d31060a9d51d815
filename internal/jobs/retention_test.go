package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/jobs"
	"github.com/qalamnews/qalam/internal/storetest"
)

func TestRetention_ErasesOldAddressHashesOnly(t *testing.T) {
	st := storetest.Open(t)
	ctx := context.Background()
	article := storetest.Article(t, st)
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	old := &qalam.Comment{ArticleID: article.ID, AuthorName: "Old", AuthorEmail: "old@example.org", Body: "Old.", BodyHTML: "<p>Old.</p>",
		Status: qalam.Approved, IPHash: "aaaa", IdempotencyKey: "retention-old", CreatedAt: now.Add(-31 * 24 * time.Hour)}
	recent := &qalam.Comment{ArticleID: article.ID, AuthorName: "Recent", AuthorEmail: "recent@example.org", Body: "Recent.", BodyHTML: "<p>Recent.</p>",
		Status: qalam.Approved, IPHash: "bbbb", IdempotencyKey: "retention-recent", CreatedAt: now.Add(-29 * 24 * time.Hour)}
	if err := st.CreateComments(ctx, []*qalam.Comment{old, recent}); err != nil {
		t.Fatal(err)
	}

	jobs.NewRetention(st, 0, func() time.Time { return now }, nil).RunOnce(ctx)

	for _, tc := range []struct {
		c    *qalam.Comment
		want string
	}{{old, ""}, {recent, "bbbb"}} {
		got, err := st.Comment(ctx, tc.c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.IPHash != tc.want {
			t.Errorf("%s comment's address hash = %q, want %q", tc.c.AuthorName, got.IPHash, tc.want)
		}
		if got.Body != tc.c.Body {
			t.Errorf("%s comment's body changed", tc.c.AuthorName)
		}
	}
}
