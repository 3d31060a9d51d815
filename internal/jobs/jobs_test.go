package jobs_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/jobs"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
)

// TestScheduler_PublishesEachDueArticleOnce runs several schedulers at once
// over one database, as several nodes do, and checks that every due
// article is published exactly once and a future one is left alone.
func TestScheduler_PublishesEachDueArticleOnce(t *testing.T) {
	st := storetest.Open(t)
	ctx := context.Background()
	past := time.Now().Add(-time.Minute)
	future := time.Now().Add(time.Hour)
	var due []*qalam.Article
	for range 5 {
		due = append(due, storetest.Article(t, st, func(a *qalam.Article) {
			a.Status = qalam.Scheduled
			a.ScheduledAt = past
			a.PublishedAt = time.Time{}
		}))
	}
	later := storetest.Article(t, st, func(a *qalam.Article) {
		a.Status = qalam.Scheduled
		a.ScheduledAt = future
		a.PublishedAt = time.Time{}
	})

	counting := &countingPublisher{st: st, seen: map[int64]int{}}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() { jobs.NewScheduler(counting, time.Hour, nil).RunOnce(ctx) })
	}
	wg.Wait()

	for _, a := range due {
		if n := counting.seen[a.ID]; n != 1 {
			t.Errorf("article %d published %d times, want once", a.ID, n)
		}
		got, err := st.Article(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != qalam.Published || got.PublishedAt.IsZero() {
			t.Errorf("article %d is %s, published at %v", a.ID, got.Status, got.PublishedAt)
		}
	}
	if got, _ := st.Article(ctx, later.ID); got.Status != qalam.Scheduled {
		t.Errorf("future article is %s, want scheduled", got.Status)
	}
}

type countingPublisher struct {
	st   *store.Store
	mu   sync.Mutex
	seen map[int64]int
}

func (c *countingPublisher) PublishDue(ctx context.Context) ([]int64, error) {
	ids, err := c.st.PublishDue(ctx)
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range ids {
		c.seen[id]++
	}
	return ids, err
}
