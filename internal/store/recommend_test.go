package store_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
)

func TestStore_RecommendComment(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a := storetest.Article(t, st)

		t.Run("each reader counts once", func(t *testing.T) {
			rec := watch(t, st)
			c := storetest.Comment(t, st, a.ID)
			steps := []struct {
				reader    string
				wantCount int
				wantAdded bool
			}{
				{"r:one", 1, true},
				{"r:one", 1, false},
				{"c:7", 2, true},
				{"r:one", 2, false},
			}
			for i, s := range steps {
				count, added, err := st.RecommendComment(ctx, c.ID, s.reader)
				if err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
				if count != s.wantCount || added != s.wantAdded {
					t.Errorf("step %d (%s) = %d, %v; want %d, %v", i, s.reader, count, added, s.wantCount, s.wantAdded)
				}
			}
			// Each counted recommendation announces a change of counts
			// only; a repeat announces nothing.
			want := store.Change{ArticleID: a.ID, Counts: true}
			waitFor(t, "two count changes", func() bool {
				rec.mu.Lock()
				defer rec.mu.Unlock()
				return countOf(rec.changes, want) >= 2
			})
			rec.mu.Lock()
			defer rec.mu.Unlock()
			if n := countOf(rec.changes, want); n != 2 {
				t.Errorf("changes = %v, want two %+v", rec.changes, want)
			}
		})

		t.Run("counts and a reader's recommendations by article", func(t *testing.T) {
			b := storetest.Article(t, st)
			c1 := storetest.Comment(t, st, b.ID)
			c2 := storetest.Comment(t, st, b.ID)
			storetest.Comment(t, st, b.ID) // never recommended
			other := storetest.Comment(t, st, a.ID)
			for _, r := range []struct {
				id     int64
				reader string
			}{{c1.ID, "r:x"}, {c1.ID, "r:y"}, {c2.ID, "r:y"}, {other.ID, "r:x"}} {
				if _, _, err := st.RecommendComment(ctx, r.id, r.reader); err != nil {
					t.Fatal(err)
				}
			}
			counts, err := st.RecommendationCounts(ctx, b.ID)
			if err != nil {
				t.Fatal(err)
			}
			if want := map[int64]int{c1.ID: 2, c2.ID: 1}; !reflect.DeepEqual(counts, want) {
				t.Errorf("counts = %v, want %v", counts, want)
			}
			for _, tt := range []struct {
				reader string
				want   []int64
			}{{"r:x", []int64{c1.ID}}, {"r:y", []int64{c1.ID, c2.ID}}, {"r:nobody", []int64{}}} {
				got, err := st.RecommendedBy(ctx, b.ID, tt.reader)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got, tt.want) {
					t.Errorf("RecommendedBy(%s) = %v, want %v", tt.reader, got, tt.want)
				}
			}
			// A comment no longer public keeps its rows but leaves the counts.
			if _, err := st.SetCommentStatus(ctx, c2.ID, qalam.Spam); err != nil {
				t.Fatal(err)
			}
			counts, err = st.RecommendationCounts(ctx, b.ID)
			if err != nil {
				t.Fatal(err)
			}
			if want := map[int64]int{c1.ID: 2}; !reflect.DeepEqual(counts, want) {
				t.Errorf("counts after the comment was marked spam = %v, want %v", counts, want)
			}
		})

		t.Run("only approved comments of open discussions", func(t *testing.T) {
			held := storetest.Comment(t, st, a.ID, func(c *qalam.Comment) { c.Status = qalam.Pending })
			closedArticle := storetest.Article(t, st, func(a *qalam.Article) { a.CommentsClosed = true })
			onClosed := &qalam.Comment{ArticleID: closedArticle.ID, AuthorName: "Reader", Body: "Before it closed.",
				Status: qalam.Approved, IdempotencyKey: fmt.Sprintf("closed-%d", closedArticle.ID)}
			if err := st.CreateComments(ctx, []*qalam.Comment{onClosed}); err != nil {
				t.Fatal(err)
			}
			tests := []struct {
				name string
				id   int64
				want qalam.Kind
			}{
				{"held comment is not found", held.ID, qalam.KindNotFound},
				{"unknown comment is not found", held.ID + 1000, qalam.KindNotFound},
				{"closed discussion is closed", onClosed.ID, qalam.KindClosed},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					_, _, err := st.RecommendComment(ctx, tt.id, "r:one")
					wantKind(t, err, tt.want)
				})
			}
		})

		t.Run("concurrent recommendations are all counted, a reader's once", func(t *testing.T) {
			c := storetest.Comment(t, st, a.ID)
			var wg sync.WaitGroup
			added := make(chan bool, 30)
			for i := range 30 {
				wg.Go(func() {
					reader := fmt.Sprintf("r:%d", i%10) // ten readers, three tries each
					_, ok, err := st.RecommendComment(ctx, c.ID, reader)
					if err != nil {
						t.Error(err)
					}
					added <- ok
				})
			}
			wg.Wait()
			close(added)
			n := 0
			for ok := range added {
				if ok {
					n++
				}
			}
			counts, err := st.RecommendationCounts(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if n != 10 || counts[c.ID] != 10 {
				t.Errorf("%d added, count %d; want 10 and 10", n, counts[c.ID])
			}
		})
	})
}

func countOf(changes []store.Change, want store.Change) int {
	n := 0
	for _, c := range changes {
		if c == want {
			n++
		}
	}
	return n
}
