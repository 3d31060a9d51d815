package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
)

func TestMigrations_SameNamesInBothDialects(t *testing.T) {
	sqlite, err := store.MigrationNames("sqlite")
	if err != nil {
		t.Fatal(err)
	}
	postgres, err := store.MigrationNames("postgres")
	if err != nil {
		t.Fatal(err)
	}
	if len(sqlite) == 0 {
		t.Fatal("no migrations")
	}
	if !reflect.DeepEqual(sqlite, postgres) {
		t.Errorf("migrations differ:\nsqlite   %v\npostgres %v", sqlite, postgres)
	}
}

func TestStore_Migrate(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		want, err := store.MigrationNames(st.Dialect())
		if err != nil {
			t.Fatal(err)
		}
		t.Run("records every migration", func(t *testing.T) {
			got, err := st.AppliedMigrations(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("applied %v, want %v", got, want)
			}
		})
		t.Run("second run is a no-op", func(t *testing.T) {
			// The store is migrated already; running again must neither
			// fail (tables exist) nor record anything twice.
			if err := st.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			got, err := st.AppliedMigrations(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("applied %v, want %v", got, want)
			}
		})
	})
}

// A database holding an older release's data is upgraded in place: new
// columns take their defaults and every article's EditedAt starts as its
// UpdatedAt.
func TestStore_Migrate_UpgradesData(t *testing.T) {
	run(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		st, err := store.Open(ctx, dsn, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		if err := st.MigrateOnly(ctx, "0001_init.sql"); err != nil {
			t.Fatal(err)
		}
		created := time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
		updated := time.Date(2024, 3, 2, 12, 30, 0, 123456000, time.UTC)
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`INSERT INTO categories (id, slug, name) VALUES (1, 'news', 'News')`, nil},
			{`INSERT INTO authors (id, slug, name, created_at) VALUES (1, 'sana', 'Sana', $1)`, []any{st.TS(created)}},
			{`INSERT INTO users (id, email, name, role, password_hash, created_at) VALUES (1, 'a@example.com', 'A', 'admin', 'h', $1)`, []any{st.TS(created)}},
			{`INSERT INTO articles (id, slug, language, label, status, headline, body, category_id, published_at, updated_at, created_at)
			  VALUES (1, 'old', 'en', 'news', 'published', 'Old news', 'Body', 1, $1, $2, $1)`, []any{st.TS(created), st.TS(updated)}},
			{`INSERT INTO article_authors (article_id, author_id, position) VALUES (1, 1, 0)`, nil},
		} {
			if err := st.Exec(ctx, q.sql, q.args...); err != nil {
				t.Fatalf("%s: %v", q.sql, err)
			}
		}
		if err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}

		a, err := st.Article(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		if !a.EditedAt.Equal(updated) || !a.UpdatedAt.Equal(updated) || a.SEOTitle != "" || a.FeaturedImage != nil ||
			!a.ScheduledAt.IsZero() || a.Corrections != nil {
			t.Errorf("upgraded article %+v", a)
		}
		author, err := st.Author(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		if author.Links != nil || author.PhotoID != 0 || author.UserID != 0 {
			t.Errorf("upgraded author %+v", author)
		}
		u, err := st.User(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		if u.Disabled || u.TOTPSecret != "" {
			t.Errorf("upgraded user %+v", u)
		}
		t.Run("saved from its version", func(t *testing.T) {
			_, err := st.UpdateArticle(ctx, 1, store.ArticleUpdate{Headline: ptr("New"), ExpectEditedAt: updated,
				Revision: &store.RevisionInfo{Note: "First edit after the upgrade"}})
			if err != nil {
				t.Fatal(err)
			}
			// No revision was kept at first publication before the upgrade.
			if got, want := revisionNotes(t, st, 1), []string{"First edit after the upgrade"}; !reflect.DeepEqual(got, want) {
				t.Errorf("revisions %v, want %v", got, want)
			}
			_, err = st.UpdateArticle(ctx, 1, store.ArticleUpdate{Headline: ptr("Stale"), ExpectEditedAt: updated})
			wantKind(t, err, qalam.KindConflict)
		})
	})
}
