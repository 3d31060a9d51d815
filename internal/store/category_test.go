package store_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
)

func TestStore_CategoryNewsroom(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		t.Run("found by id", func(t *testing.T) {
			want := storetest.Category(t, st)
			got, err := st.Category(ctx, want.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Category() = %+v, want %+v", got, want)
			}
			_, err = st.Category(ctx, 1_000_000)
			wantKind(t, err, qalam.KindNotFound)
		})
		t.Run("renamed", func(t *testing.T) {
			c := storetest.Category(t, st)
			a := storetest.Article(t, st, func(a *qalam.Article) { a.CategoryID = c.ID })
			got, err := st.RenameCategory(ctx, c.ID, "کھیل", "کھیل")
			if err != nil {
				t.Fatal(err)
			}
			want := &qalam.Category{ID: c.ID, Slug: "کھیل", Name: "کھیل"}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("RenameCategory() = %+v, want %+v", got, want)
			}
			article, err := st.Article(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(article.Category, want) {
				t.Errorf("article's category %+v, want %+v", article.Category, want)
			}
		})
		taken := storetest.Category(t, st)
		for _, tc := range []struct {
			name, newName, slug string
			kind                qalam.Kind
		}{
			{"slug in use is a conflict", "Other", taken.Slug, qalam.KindConflict},
			{"invalid slug refused", "Other", "not a slug", qalam.KindInvalid},
			{"blank name refused", "", "fine", qalam.KindInvalid},
		} {
			t.Run(tc.name, func(t *testing.T) {
				c := storetest.Category(t, st)
				_, err := st.RenameCategory(ctx, c.ID, tc.newName, tc.slug)
				wantKind(t, err, tc.kind)
				stored, err := st.Category(ctx, c.ID)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(stored, c) {
					t.Errorf("stored %+v, want it unchanged %+v", stored, c)
				}
			})
		}
		t.Run("renaming the unknown is not found", func(t *testing.T) {
			_, err := st.RenameCategory(ctx, 1_000_000, "x", "x")
			wantKind(t, err, qalam.KindNotFound)
		})
	})
}

func TestStore_DeleteCategory(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		t.Run("articles moved, then deleted", func(t *testing.T) {
			old, into, bystander := storetest.Category(t, st), storetest.Category(t, st), storetest.Category(t, st)
			var moved []int64
			for range 3 {
				moved = append(moved, storetest.Article(t, st, func(a *qalam.Article) { a.CategoryID = old.ID }).ID)
			}
			stays := storetest.Article(t, st, func(a *qalam.Article) { a.CategoryID = bystander.ID })
			if err := st.DeleteCategory(ctx, old.ID, into.ID); err != nil {
				t.Fatal(err)
			}
			_, err := st.Category(ctx, old.ID)
			wantKind(t, err, qalam.KindNotFound)
			for _, id := range moved {
				a, err := st.Article(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				if a.CategoryID != into.ID || !reflect.DeepEqual(a.Category, into) {
					t.Errorf("article %d in %+v, want %+v", id, a.Category, into)
				}
			}
			if a, err := st.Article(ctx, stays.ID); err != nil || a.CategoryID != bystander.ID {
				t.Errorf("bystander in category %d (%v), want %d", a.CategoryID, err, bystander.ID)
			}
		})
		t.Run("empty category deleted", func(t *testing.T) {
			c := storetest.Category(t, st)
			if err := st.DeleteCategory(ctx, c.ID, storetest.Category(t, st).ID); err != nil {
				t.Fatal(err)
			}
		})
		c := storetest.Category(t, st)
		storetest.Article(t, st, func(a *qalam.Article) { a.CategoryID = c.ID })
		for _, tc := range []struct {
			name       string
			id, moveTo int64
			kind       qalam.Kind
		}{
			{"moving to itself refused", c.ID, c.ID, qalam.KindInvalid},
			{"moving to an unknown category refused", c.ID, 1_000_000, qalam.KindInvalid},
			{"moving nowhere refused", c.ID, 0, qalam.KindInvalid},
			{"unknown is not found", 1_000_000, c.ID, qalam.KindNotFound},
		} {
			t.Run(tc.name, func(t *testing.T) {
				wantKind(t, st.DeleteCategory(ctx, tc.id, tc.moveTo), tc.kind)
				if _, err := st.Category(ctx, c.ID); err != nil {
					t.Errorf("category gone after a refusal: %v", err)
				}
			})
		}
	})
}
