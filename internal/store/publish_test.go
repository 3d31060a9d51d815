package store_test

import (
	"context"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
)

// scheduled stores an article scheduled for when.
func scheduled(t *testing.T, st *store.Store, when time.Time, edit ...func(*qalam.Article)) *qalam.Article {
	t.Helper()
	return storetest.Article(t, st, append([]func(*qalam.Article){func(a *qalam.Article) {
		a.Status, a.ScheduledAt = qalam.Scheduled, when
	}}, edit...)...)
}

func TestStore_PublishDue(t *testing.T) {
	start := time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC)
	forEachDialectAt(t, start, func(t *testing.T, st *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		due := scheduled(t, st, start.Add(-time.Minute))
		exactly := scheduled(t, st, start)
		future := scheduled(t, st, start.Add(time.Hour))
		draft := storetest.Article(t, st, func(a *qalam.Article) { a.Status, a.ScheduledAt = qalam.Draft, start.Add(-time.Hour) })
		// Published once, taken down, then scheduled to return.
		firstPublished := start.Add(-10 * 24 * time.Hour)
		returning := storetest.Article(t, st, func(a *qalam.Article) {
			a.Status, a.PublishedAt, a.ScheduledAt = qalam.Unpublished, firstPublished, start.Add(-2*time.Minute)
		})
		if _, err := st.UpdateArticle(ctx, returning.ID, store.ArticleUpdate{Status: ptr(qalam.Scheduled)}); err != nil {
			t.Fatal(err)
		}
		r := watch(t, st)
		clock.Advance(time.Second)
		now := clock.Now()

		ids, err := st.PublishDue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		t.Run("publishes the due, in ID order", func(t *testing.T) {
			if want := []int64{due.ID, exactly.ID, returning.ID}; !reflect.DeepEqual(ids, want) {
				t.Errorf("PublishDue() = %v, want %v", ids, want)
			}
		})
		for _, tc := range []struct {
			name          string
			a             *qalam.Article
			wantStatus    qalam.ArticleStatus
			wantPublished time.Time
			wantRevisions []string
		}{
			{"due: dated its scheduled time", due, qalam.Published, due.ScheduledAt, []string{"Published"}},
			{"due to the microsecond", exactly, qalam.Published, exactly.ScheduledAt, []string{"Published"}},
			{"returning: keeps its first date", returning, qalam.Published, firstPublished, []string{"Published"}},
			{"future: still scheduled", future, qalam.Scheduled, time.Time{}, []string{}},
			{"draft with a time: untouched", draft, qalam.Draft, time.Time{}, []string{}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, err := st.Article(ctx, tc.a.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.Status != tc.wantStatus || !got.PublishedAt.Equal(tc.wantPublished) {
					t.Errorf("Status = %s PublishedAt = %v, want %s and %v", got.Status, got.PublishedAt, tc.wantStatus, tc.wantPublished)
				}
				// A first publication is dated when it was due, so a late
				// run does not show as an update; a return to print is an
				// update, dated now.
				wantUpdated := now
				if tc.a != returning {
					wantUpdated = tc.wantPublished
				}
				if tc.wantStatus == qalam.Published && (!got.UpdatedAt.Equal(wantUpdated) || !got.EditedAt.Equal(now) || got.Updated() != (tc.a == returning)) {
					t.Errorf("UpdatedAt = %v EditedAt = %v Updated() = %v, want %v, %v", got.UpdatedAt, got.EditedAt, got.Updated(), wantUpdated, now)
				}
				if got := revisionNotes(t, st, tc.a.ID); !reflect.DeepEqual(got, tc.wantRevisions) {
					t.Errorf("revisions %v, want %v", got, tc.wantRevisions)
				}
			})
		}
		t.Run("announces each article", func(t *testing.T) {
			got := r.waitUntil(t, 3)
			want := []store.Change{{ArticleID: due.ID}, {ArticleID: exactly.ID}, {ArticleID: returning.ID}}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("changes %v, want %v", got, want)
			}
		})
		t.Run("nothing more until the next is due", func(t *testing.T) {
			ids, err := st.PublishDue(ctx)
			if err != nil || ids == nil || len(ids) != 0 {
				t.Fatalf("PublishDue() = %v, %v; want none", ids, err)
			}
			clock.Advance(time.Hour)
			ids, err = st.PublishDue(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if want := []int64{future.ID}; !reflect.DeepEqual(ids, want) {
				t.Errorf("PublishDue() = %v, want %v", ids, want)
			}
		})
	})
}

// Several nodes run the job at once: two stores on one database, each
// called from several goroutines. Every due article is published by
// exactly one call.
func TestStore_PublishDue_ExactlyOnce(t *testing.T) {
	start := time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC)
	run(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		clock := storetest.NewClock(start)
		nodes := []*store.Store{
			storetest.OpenDSN(t, dsn, store.Options{Now: clock.Now}),
			storetest.OpenDSN(t, dsn, store.Options{Now: clock.Now}),
		}
		const rounds, perRound = 3, 15
		var want []int64
		for i := range rounds * perRound {
			// Due in three waves, one per round.
			a := scheduled(t, nodes[i%2], start.Add(time.Duration(i/perRound)*time.Minute))
			want = append(want, a.ID)
		}

		var mu sync.Mutex
		var got []int64
		for round := range rounds {
			clock.Advance(time.Minute)
			var wg sync.WaitGroup
			begin := make(chan struct{})
			for i := range 8 {
				node := nodes[i%len(nodes)]
				wg.Go(func() {
					<-begin
					ids, err := node.PublishDue(ctx)
					if err != nil {
						t.Errorf("round %d: PublishDue() error = %v", round, err)
						return
					}
					mu.Lock()
					got = append(got, ids...)
					mu.Unlock()
				})
			}
			close(begin)
			wg.Wait()
		}
		slices.Sort(got)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("published %v\nwant each of %v once", got, want)
		}
		for _, id := range want {
			if notes := revisionNotes(t, nodes[0], id); len(notes) != 1 {
				t.Errorf("article %d has revisions %v, want one", id, notes)
			}
		}
	})
}
