package store_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
)

// tagSlugs lists an article's tag slugs.
func tagSlugs(t *testing.T, st *store.Store, articleID int64) []string {
	t.Helper()
	a, err := st.Article(context.Background(), articleID)
	if err != nil {
		t.Fatal(err)
	}
	slugs := []string{}
	for _, tag := range a.Tags {
		slugs = append(slugs, tag.Slug)
	}
	return slugs
}

func TestStore_Tags(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tagged := func(names ...string) int64 {
			return storetest.Article(t, st, func(a *qalam.Article) { a.TagNames = names }).ID
		}
		both := tagged("economy", "budget")
		onlyEconomy := tagged("economy")
		onlyBudget := tagged("budget", "tax")
		if _, err := st.UpdateArticle(ctx, tagged("orphan"), store.ArticleUpdate{TagNames: &[]string{}}); err != nil {
			t.Fatal(err)
		}
		tag := func(slug string) *qalam.Tag {
			t.Helper()
			tg, err := st.TagBySlug(ctx, slug)
			if err != nil {
				t.Fatal(err)
			}
			return tg
		}
		economy, budget, tax, orphan := tag("economy"), tag("budget"), tag("tax"), tag("orphan")

		t.Run("listed by name with article counts", func(t *testing.T) {
			got, err := st.FindTags(ctx)
			if err != nil {
				t.Fatal(err)
			}
			want := []store.TagCount{{Tag: *budget, Articles: 2}, {Tag: *economy, Articles: 2}, {Tag: *orphan}, {Tag: *tax, Articles: 1}}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("FindTags() = %+v\nwant %+v", got, want)
			}
		})
		t.Run("found by id", func(t *testing.T) {
			got, err := st.Tag(ctx, tax.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tax) {
				t.Errorf("Tag() = %+v, want %+v", got, tax)
			}
			_, err = st.Tag(ctx, 1_000_000)
			wantKind(t, err, qalam.KindNotFound)
		})
		t.Run("renamed", func(t *testing.T) {
			got, err := st.RenameTag(ctx, tax.ID, "taxes", "taxes")
			if err != nil {
				t.Fatal(err)
			}
			if want := (&qalam.Tag{ID: tax.ID, Slug: "taxes", Name: "taxes"}); !reflect.DeepEqual(got, want) {
				t.Errorf("RenameTag() = %+v, want %+v", got, want)
			}
			if got, want := tagSlugs(t, st, onlyBudget), []string{"budget", "taxes"}; !reflect.DeepEqual(got, want) {
				t.Errorf("article's tags %v, want %v", got, want)
			}
		})
		for _, tc := range []struct {
			name, newName, slug string
			kind                qalam.Kind
		}{
			{"rename to a slug in use is a conflict", "Budget", "budget", qalam.KindConflict},
			{"rename to a bad slug refused", "Tax", "-tax", qalam.KindInvalid},
			{"rename to a blank name refused", " ", "tax", qalam.KindInvalid},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := st.RenameTag(ctx, tax.ID, tc.newName, tc.slug)
				wantKind(t, err, tc.kind)
			})
		}
		t.Run("renaming the unknown is not found", func(t *testing.T) {
			_, err := st.RenameTag(ctx, 1_000_000, "x", "x")
			wantKind(t, err, qalam.KindNotFound)
		})

		t.Run("merged: articles carrying both keep one", func(t *testing.T) {
			if err := st.MergeTag(ctx, economy.ID, budget.ID); err != nil {
				t.Fatal(err)
			}
			for _, tc := range []struct {
				article int64
				want    []string
			}{
				{both, []string{"budget"}},
				{onlyEconomy, []string{"budget"}},
				{onlyBudget, []string{"budget", "taxes"}},
			} {
				if got := tagSlugs(t, st, tc.article); !reflect.DeepEqual(got, tc.want) {
					t.Errorf("article %d tags %v, want %v", tc.article, got, tc.want)
				}
			}
			_, err := st.Tag(ctx, economy.ID)
			wantKind(t, err, qalam.KindNotFound)
			list, err := st.FindTags(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if list[0].Slug != "budget" || list[0].Articles != 3 {
				t.Errorf("FindTags()[0] = %+v, want budget on 3 articles", list[0])
			}
		})
		for _, tc := range []struct {
			name       string
			from, into int64
			kind       qalam.Kind
		}{
			{"merging into itself refused", budget.ID, budget.ID, qalam.KindInvalid},
			{"merging the unknown is not found", 1_000_000, budget.ID, qalam.KindNotFound},
			{"merging into the unknown is not found", budget.ID, 1_000_000, qalam.KindNotFound},
		} {
			t.Run(tc.name, func(t *testing.T) {
				wantKind(t, st.MergeTag(ctx, tc.from, tc.into), tc.kind)
				if _, err := st.Tag(ctx, budget.ID); err != nil {
					t.Errorf("tag gone after a refusal: %v", err)
				}
			})
		}

		t.Run("deleted from its articles", func(t *testing.T) {
			if err := st.DeleteTag(ctx, budget.ID); err != nil {
				t.Fatal(err)
			}
			if got, want := tagSlugs(t, st, onlyBudget), []string{"taxes"}; !reflect.DeepEqual(got, want) {
				t.Errorf("article's tags %v, want %v", got, want)
			}
			if got := tagSlugs(t, st, both); len(got) != 0 {
				t.Errorf("article's tags %v, want none", got)
			}
			_, err := st.Tag(ctx, budget.ID)
			wantKind(t, err, qalam.KindNotFound)
			wantKind(t, st.DeleteTag(ctx, budget.ID), qalam.KindNotFound)
		})
	})
}
