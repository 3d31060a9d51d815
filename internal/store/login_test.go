package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
)

func TestStore_LoginFailures(t *testing.T) {
	start := time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC)
	forEachDialectAt(t, start, func(t *testing.T, st *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		const account, addr = "account:sana@example.pk", "addr:3f2a"
		record := func(t *testing.T, key string) {
			t.Helper()
			if err := st.RecordLoginFailure(ctx, key); err != nil {
				t.Fatal(err)
			}
		}
		count := func(t *testing.T, key string, since time.Time) int {
			t.Helper()
			n, err := st.CountLoginFailures(ctx, key, since)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		// account fails at start, +10m and +20m; addr once at +20m.
		record(t, account)
		clock.Advance(10 * time.Minute)
		record(t, account)
		clock.Advance(10 * time.Minute)
		record(t, account)
		record(t, addr)

		for _, tc := range []struct {
			name  string
			key   string
			since time.Time
			want  int
		}{
			{"all kept when since is zero", account, time.Time{}, 3},
			{"window holding all", account, start.Add(-time.Minute), 3},
			{"window after the first", account, start, 2}, // strictly after since
			{"window holding the last", account, start.Add(15 * time.Minute), 1},
			{"window after the last", account, start.Add(20 * time.Minute), 0},
			{"keys counted apart", addr, time.Time{}, 1},
			{"unknown key", "account:other", time.Time{}, 0},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if got := count(t, tc.key, tc.since); got != tc.want {
					t.Errorf("CountLoginFailures(%q, %v) = %d, want %d", tc.key, tc.since, got, tc.want)
				}
			})
		}
		t.Run("cleared for one key only", func(t *testing.T) {
			if err := st.ClearLoginFailures(ctx, account); err != nil {
				t.Fatal(err)
			}
			if got := count(t, account, time.Time{}); got != 0 {
				t.Errorf("account: %d failures after clearing, want 0", got)
			}
			if got := count(t, addr, time.Time{}); got != 1 {
				t.Errorf("addr: %d failures, want 1", got)
			}
		})
		t.Run("failures older than a day forgotten", func(t *testing.T) {
			clock.Advance(24*time.Hour + time.Second)
			record(t, account)
			if got := count(t, addr, time.Time{}); got != 0 {
				t.Errorf("addr: %d failures a day later, want 0", got)
			}
			if got := count(t, account, time.Time{}); got != 1 {
				t.Errorf("account: %d failures, want 1", got)
			}
		})
	})
}
