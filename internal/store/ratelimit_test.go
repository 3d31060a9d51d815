package store_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
)

func TestStore_Hit(t *testing.T) {
	start := time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC)
	forEachDialectAt(t, start, func(t *testing.T, st *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		hit := func(t *testing.T, scope, key string, window time.Duration, limit int) (bool, time.Duration) {
			t.Helper()
			ok, retry, err := st.Hit(ctx, scope, key, window, limit)
			if err != nil {
				t.Fatal(err)
			}
			return ok, retry
		}

		t.Run("allowed up to the limit, then refused until the window ends", func(t *testing.T) {
			for i := range 3 {
				if ok, _ := hit(t, "comment", "a", time.Minute, 3); !ok {
					t.Fatalf("hit %d refused, want allowed", i+1)
				}
				clock.Advance(10 * time.Second)
			}
			ok, retry := hit(t, "comment", "a", time.Minute, 3)
			if ok {
				t.Fatal("4th hit allowed, want refused")
			}
			if want := 30 * time.Second; retry != want {
				t.Errorf("retryAfter = %v, want %v", retry, want)
			}
			clock.Advance(retry)
			if ok, _ := hit(t, "comment", "a", time.Minute, 3); !ok {
				t.Error("refused after the window ended, want a new window")
			}
		})
		t.Run("keys, scopes and window lengths counted apart", func(t *testing.T) {
			if ok, _ := hit(t, "comment", "b", time.Minute, 1); !ok {
				t.Fatal("first hit of b refused")
			}
			if ok, _ := hit(t, "comment", "b", time.Minute, 1); ok {
				t.Fatal("second hit of b allowed")
			}
			for _, tc := range []struct {
				name, scope, key string
				window           time.Duration
			}{
				{"other key", "comment", "c", time.Minute},
				{"other scope", "login", "b", time.Minute},
				{"other window", "comment", "b", time.Hour},
			} {
				if ok, _ := hit(t, tc.scope, tc.key, tc.window, 1); !ok {
					t.Errorf("%s: refused, want counted apart", tc.name)
				}
			}
		})
		t.Run("concurrent hits are all counted", func(t *testing.T) {
			const n, limit = 20, 7
			var mu sync.Mutex
			allowed := 0
			var wg sync.WaitGroup
			for range n {
				wg.Go(func() {
					ok, _, err := st.Hit(ctx, "burst", "x", time.Hour, limit)
					if err != nil {
						t.Error(err)
						return
					}
					if ok {
						mu.Lock()
						allowed++
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			if allowed != limit {
				t.Errorf("%d of %d concurrent hits allowed, want %d", allowed, n, limit)
			}
		})
		t.Run("bad arguments are an error", func(t *testing.T) {
			if _, _, err := st.Hit(ctx, "comment", "a", 0, 1); err == nil {
				t.Error("zero window accepted")
			}
			if _, _, err := st.Hit(ctx, "comment", "a", time.Minute, 0); err == nil {
				t.Error("zero limit accepted")
			}
		})
	})
}

func TestStore_RecentComments(t *testing.T) {
	start := time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC)
	forEachDialectAt(t, start, func(t *testing.T, st *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		a := storetest.Article(t, st)
		other := storetest.Article(t, st)
		add := func(articleID int64, email, ipHash, body string) *qalam.Comment {
			return storetest.Comment(t, st, articleID, func(c *qalam.Comment) {
				c.AuthorEmail, c.IPHash, c.Body, c.CreatedAt, c.UpdatedAt = email, ipHash, body, time.Time{}, time.Time{}
			})
		}
		old := add(a.ID, "sana@example.pk", "h1", "Old.")
		clock.Advance(time.Hour)
		byEmail := add(a.ID, "Sana@Example.pk", "h2", "Same person, other network.")
		byAddr := add(a.ID, "someone@example.pk", "h1", "Same network.")
		add(a.ID, "stranger@example.pk", "h3", "A stranger.")
		add(other.ID, "sana@example.pk", "h1", "Another article.")
		noHash := add(a.ID, "x@example.pk", "", "No address.")

		ids := func(cs []*qalam.Comment) []int64 {
			var out []int64
			for _, c := range cs {
				out = append(out, c.ID)
			}
			return out
		}
		for _, tc := range []struct {
			name        string
			email, hash string
			since       time.Time
			want        []int64
		}{
			{"by email in any case or by address", "SANA@example.pk", "h1", start.Add(-time.Minute), []int64{old.ID, byEmail.ID, byAddr.ID}},
			{"only after since", "sana@example.pk", "h1", start.Add(time.Minute), []int64{byEmail.ID, byAddr.ID}},
			{"by address alone", "", "h1", start.Add(time.Minute), []int64{byAddr.ID}},
			{"empty hash matches nothing", "nobody@example.pk", "", start.Add(-time.Minute), nil},
			{"by email alone", "x@example.pk", "", start.Add(-time.Minute), []int64{noHash.ID}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, err := st.RecentComments(ctx, a.ID, tc.email, tc.hash, tc.since)
				if err != nil {
					t.Fatal(err)
				}
				if g := ids(got); !slices.Equal(g, tc.want) {
					t.Errorf("RecentComments = %v, want %v", g, tc.want)
				}
			})
		}
	})
}
