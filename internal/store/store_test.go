package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
)

// forEachDialect runs fn as a subtest on a fresh migrated SQLite store and
// again on a fresh PostgreSQL schema (skipped when PostgreSQL is not
// configured): one body of test code for both engines.
func forEachDialect(t *testing.T, fn func(t *testing.T, st *store.Store)) {
	t.Helper()
	run(t, func(t *testing.T, dsn string) { fn(t, storetest.OpenDSN(t, dsn, store.Options{})) })
}

// forEachDialectAt is forEachDialect with each store on its own test
// clock, stopped at start.
func forEachDialectAt(t *testing.T, start time.Time, fn func(t *testing.T, st *store.Store, clock *storetest.Clock)) {
	t.Helper()
	run(t, func(t *testing.T, dsn string) {
		clock := storetest.NewClock(start)
		fn(t, storetest.OpenDSN(t, dsn, store.Options{Now: clock.Now}), clock)
	})
}

// run runs fn in parallel subtests "sqlite" and "postgres" with the DSN of
// an empty database of each kind.
func run(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, storetest.SQLitePath(t))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		fn(t, storetest.PostgresURL(t))
	})
}

// wantKind fails the test unless err is a qalam error of kind want.
func wantKind(t *testing.T, err error, want qalam.Kind) {
	t.Helper()
	if got := qalam.KindOf(err); err == nil || got != want {
		t.Fatalf("error = %v (kind %v), want kind %v", err, got, want)
	}
}

// wantField fails the test unless err carries a message for field.
func wantField(t *testing.T, err error, field string) {
	t.Helper()
	e, ok := errors.AsType[*qalam.Error](err)
	if !ok || e.Fields[field] == "" {
		t.Fatalf("error = %v, want a message for field %q", err, field)
	}
}

func TestStore_Dialect(t *testing.T) {
	want := map[string]bool{"sqlite": true, "postgres": true}
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		if got := st.Dialect(); !want[got] || got != t.Name()[len("TestStore_Dialect/"):] {
			t.Errorf("Dialect() = %q in subtest %s", got, t.Name())
		}
	})
}

// Both engines must return exactly the time written, in UTC at microsecond
// precision, whatever zone and precision the clock had.
func TestStore_TimestampsRoundTrip(t *testing.T) {
	karachi := time.FixedZone("PKT", 5*60*60)
	now := time.Date(2025, 3, 9, 23, 59, 58, 123456789, karachi)
	want := time.Date(2025, 3, 9, 18, 59, 58, 123456000, time.UTC)
	imported := time.Date(1999, 12, 31, 23, 59, 59, 999999999, karachi)
	wantImported := time.Date(1999, 12, 31, 18, 59, 59, 999999000, time.UTC)

	forEachDialectAt(t, now, func(t *testing.T, st *store.Store, _ *storetest.Clock) {
		ctx := context.Background()
		author := storetest.Author(t, st)
		old := storetest.Article(t, st, func(a *qalam.Article) { a.PublishedAt = imported })
		draft := storetest.Article(t, st, func(a *qalam.Article) { a.Status = qalam.Draft })

		gotAuthor, err := st.Author(ctx, author.ID)
		if err != nil {
			t.Fatal(err)
		}
		gotOld, err := st.Article(ctx, old.ID)
		if err != nil {
			t.Fatal(err)
		}
		gotDraft, err := st.Article(ctx, draft.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name      string
			got, want time.Time
		}{
			{"author created", gotAuthor.CreatedAt, want},
			{"author created as returned by create", author.CreatedAt, want},
			{"article created", gotOld.CreatedAt, want},
			{"article published in the past", gotOld.PublishedAt, wantImported},
			{"article published as returned by create", old.PublishedAt, wantImported},
			{"article updated", gotOld.UpdatedAt, want},
			{"draft never published", gotDraft.PublishedAt, time.Time{}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				// DeepEqual, not Equal: same instant, zone and representation.
				if !reflect.DeepEqual(tc.got, tc.want) {
					t.Errorf("got %v (%s), want %v", tc.got, tc.got.Location(), tc.want)
				}
			})
		}
	})
}

func TestStore_OpenFails(t *testing.T) {
	t.Run("unreachable postgres", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		st, err := store.Open(ctx, "postgres://nobody:secret@127.0.0.1:1/none?sslmode=disable&connect_timeout=5", store.Options{})
		if err == nil {
			st.Close()
			t.Fatal("Open succeeded, want an error")
		}
	})
	t.Run("sqlite directory missing", func(t *testing.T) {
		st, err := store.Open(context.Background(), t.TempDir()+"/missing/qalam.db", store.Options{})
		if err == nil {
			st.Close()
			t.Fatal("Open succeeded, want an error")
		}
	})
}
