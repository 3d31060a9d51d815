package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
)

func TestStore_CreateAuthor(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		t.Run("stored and found by id and slug", func(t *testing.T) {
			want := &qalam.Author{Slug: "ayesha", Name: "عائشہ صدیقہ", Bio: "Columnist."}
			if err := st.CreateAuthor(ctx, want); err != nil {
				t.Fatal(err)
			}
			if want.ID == 0 || want.CreatedAt.IsZero() {
				t.Fatalf("ID and CreatedAt not set: %+v", want)
			}
			got, err := st.Author(ctx, want.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Author() = %+v, want %+v", got, want)
			}
			got, err = st.AuthorBySlug(ctx, "ayesha")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("AuthorBySlug() = %+v, want %+v", got, want)
			}
		})
		t.Run("invalid refused with its validation error", func(t *testing.T) {
			a := &qalam.Author{Slug: "Not a slug", Name: ""}
			err := st.CreateAuthor(ctx, a)
			if want := a.Validate(); err == nil || err.Error() != want.Error() {
				t.Fatalf("error = %v, want %v", err, want)
			}
			wantField(t, err, "slug")
			wantField(t, err, "name")
		})
		t.Run("duplicate slug is a conflict", func(t *testing.T) {
			storetest.Author(t, st, func(a *qalam.Author) { a.Slug = "taken" })
			err := st.CreateAuthor(ctx, &qalam.Author{Slug: "taken", Name: "Other"})
			wantKind(t, err, qalam.KindConflict)
			wantField(t, err, "slug")
			if !errors.Is(err, qalam.ErrConflict) {
				t.Errorf("errors.Is(%v, ErrConflict) = false", err)
			}
		})
		t.Run("unknown is not found", func(t *testing.T) {
			_, err := st.Author(ctx, 1_000_000)
			if !errors.Is(err, qalam.ErrNotFound) {
				t.Errorf("Author() error = %v, want not found", err)
			}
			_, err = st.AuthorBySlug(ctx, "nobody")
			if !errors.Is(err, qalam.ErrNotFound) {
				t.Errorf("AuthorBySlug() error = %v, want not found", err)
			}
			if got, want := qalam.MessageOf(err), "Author not found."; got != want {
				t.Errorf("message = %q, want %q", got, want)
			}
		})
	})
}

func TestStore_FindAuthors(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		t.Run("empty", func(t *testing.T) {
			got, err := st.FindAuthors(ctx)
			if err != nil || got == nil || len(got) != 0 {
				t.Fatalf("FindAuthors() = %v, %v; want empty", got, err)
			}
		})
		t.Run("by name", func(t *testing.T) {
			for _, name := range []string{"zafar", "bilal", "maryam"} {
				storetest.Author(t, st, func(a *qalam.Author) { a.Name = name })
			}
			authors, err := st.FindAuthors(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, a := range authors {
				got = append(got, a.Name)
			}
			if want := []string{"bilal", "maryam", "zafar"}; !reflect.DeepEqual(got, want) {
				t.Errorf("names = %v, want %v", got, want)
			}
		})
	})
}

func TestStore_Categories(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		t.Run("stored and found by slug", func(t *testing.T) {
			want := &qalam.Category{Slug: "سیاست", Name: "سیاست"}
			if err := st.CreateCategory(ctx, want); err != nil {
				t.Fatal(err)
			}
			got, err := st.CategoryBySlug(ctx, "سیاست")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("CategoryBySlug() = %+v, want %+v", got, want)
			}
		})
		t.Run("listed by name", func(t *testing.T) {
			storetest.Category(t, st, func(c *qalam.Category) { c.Name = "economy" })
			storetest.Category(t, st, func(c *qalam.Category) { c.Name = "culture" })
			list, err := st.FindCategories(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range list {
				got = append(got, c.Name)
			}
			if want := []string{"culture", "economy", "سیاست"}; !reflect.DeepEqual(got, want) {
				t.Errorf("names = %v, want %v", got, want)
			}
		})
		t.Run("invalid refused", func(t *testing.T) {
			err := st.CreateCategory(ctx, &qalam.Category{Slug: "-", Name: "x"})
			wantKind(t, err, qalam.KindInvalid)
			wantField(t, err, "slug")
		})
		t.Run("duplicate slug is a conflict", func(t *testing.T) {
			err := st.CreateCategory(ctx, &qalam.Category{Slug: "سیاست", Name: "Politics"})
			wantKind(t, err, qalam.KindConflict)
		})
		t.Run("unknown is not found", func(t *testing.T) {
			_, err := st.CategoryBySlug(ctx, "sport")
			wantKind(t, err, qalam.KindNotFound)
		})
	})
}

func TestStore_TagBySlug(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		storetest.Article(t, st, func(a *qalam.Article) { a.TagNames = []string{"Climate Change"} })
		t.Run("found by the slug of its name", func(t *testing.T) {
			got, err := st.TagBySlug(ctx, "climate-change")
			if err != nil {
				t.Fatal(err)
			}
			if got.ID == 0 || got.Slug != "climate-change" || got.Name != "Climate Change" {
				t.Errorf("TagBySlug() = %+v", got)
			}
		})
		t.Run("unknown is not found", func(t *testing.T) {
			_, err := st.TagBySlug(ctx, "weather")
			wantKind(t, err, qalam.KindNotFound)
		})
	})
}
