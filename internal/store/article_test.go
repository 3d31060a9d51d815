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

func ptr[T any](v T) *T { return &v }

func TestStore_CreateArticle(t *testing.T) {
	forEachDialectAt(t, time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC), func(t *testing.T, st *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		category := storetest.Category(t, st)
		first := storetest.Author(t, st, func(a *qalam.Author) { a.Name = "zeenat" })
		second := storetest.Author(t, st, func(a *qalam.Author) { a.Name = "asad" })

		t.Run("loaded with category, byline in order and tags by name", func(t *testing.T) {
			a := storetest.Article(t, st, func(a *qalam.Article) {
				a.Language = qalam.Urdu
				a.Slug = "بجٹ-منظور"
				a.CategoryID = category.ID
				a.AuthorIDs = []int64{first.ID, second.ID}
				a.TagNames = []string{"economy", "budget", " Economy ", "انتخابات"}
				a.EditorNote = "Corrected."
				a.EditorNoteHTML = "<p>Corrected.</p>"
				a.CommentsClosed = true
			})
			got, err := st.ArticleBySlug(ctx, "بجٹ-منظور")
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != a.ID || got.Language != qalam.Urdu || !got.CommentsClosed || got.EditorNoteHTML != "<p>Corrected.</p>" {
				t.Errorf("ArticleBySlug() = %+v", got)
			}
			if !reflect.DeepEqual(got.Category, category) {
				t.Errorf("Category = %+v, want %+v", got.Category, category)
			}
			if want := []qalam.Author{*first, *second}; !reflect.DeepEqual(got.Authors, want) {
				t.Errorf("Authors = %+v, want %+v", got.Authors, want)
			}
			if want := []int64{first.ID, second.ID}; !reflect.DeepEqual(got.AuthorIDs, want) {
				t.Errorf("AuthorIDs = %v, want %v", got.AuthorIDs, want)
			}
			var slugs []string
			for _, tag := range got.Tags {
				slugs = append(slugs, tag.Slug)
			}
			if want := []string{"budget", "economy", "انتخابات"}; !reflect.DeepEqual(slugs, want) {
				t.Errorf("tag slugs = %v, want %v (duplicates by slug merged, ordered by name)", slugs, want)
			}
			if want := []string{"budget", "economy", "انتخابات"}; !reflect.DeepEqual(got.TagNames, want) {
				t.Errorf("TagNames = %v, want %v", got.TagNames, want)
			}
			byID, err := st.Article(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(byID, got) {
				t.Errorf("Article() = %+v\nArticleBySlug() = %+v", byID, got)
			}
		})
		t.Run("tags shared by slug", func(t *testing.T) {
			a := storetest.Article(t, st, func(a *qalam.Article) { a.TagNames = []string{"Budget"} })
			got, err := st.Article(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			tag, err := st.TagBySlug(ctx, "budget")
			if err != nil {
				t.Fatal(err)
			}
			if want := []qalam.Tag{*tag}; !reflect.DeepEqual(got.Tags, want) {
				t.Errorf("Tags = %+v, want the existing tag %+v", got.Tags, want)
			}
		})
		t.Run("published now when published without a date", func(t *testing.T) {
			a := storetest.Article(t, st)
			now := clock.Now()
			if !a.PublishedAt.Equal(now) || !a.CreatedAt.Equal(now) || !a.UpdatedAt.Equal(now) || !a.EditedAt.Equal(now) {
				t.Errorf("times = published %v created %v updated %v edited %v, want all %v",
					a.PublishedAt, a.CreatedAt, a.UpdatedAt, a.EditedAt, now)
			}
			got, err := st.Article(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !got.EditedAt.Equal(now) {
				t.Errorf("stored EditedAt = %v, want %v", got.EditedAt, now)
			}
		})
		t.Run("caller's dates kept", func(t *testing.T) {
			created := time.Date(2019, 1, 2, 3, 4, 5, 0, time.UTC)
			published := created.Add(time.Hour)
			a := storetest.Article(t, st, func(a *qalam.Article) { a.CreatedAt, a.PublishedAt = created, published })
			got, err := st.Article(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !got.CreatedAt.Equal(created) || !got.PublishedAt.Equal(published) || !got.UpdatedAt.Equal(published) {
				t.Errorf("times = created %v published %v updated %v", got.CreatedAt, got.PublishedAt, got.UpdatedAt)
			}
			if got.Updated() {
				t.Error("an imported article shows as updated")
			}
		})
		t.Run("draft has no publication date", func(t *testing.T) {
			a := storetest.Article(t, st, func(a *qalam.Article) { a.Status = qalam.Draft })
			if !a.PublishedAt.IsZero() {
				t.Errorf("PublishedAt = %v, want zero", a.PublishedAt)
			}
		})

		for _, tc := range []struct {
			name  string
			edit  func(*qalam.Article)
			kind  qalam.Kind
			field string
		}{
			{"invalid refused", func(a *qalam.Article) { a.Headline = " " }, qalam.KindInvalid, "headline"},
			{"unknown category refused", func(a *qalam.Article) { a.CategoryID = 1_000_000 }, qalam.KindInvalid, "category"},
			{"unknown author refused", func(a *qalam.Article) { a.AuthorIDs = []int64{first.ID, 1_000_000} }, qalam.KindInvalid, "authors"},
			{"blank tag slug refused", func(a *qalam.Article) { a.TagNames = []string{"!!!"} }, qalam.KindInvalid, "tags"},
			{"duplicate slug is a conflict", func(a *qalam.Article) { a.Slug = "بجٹ-منظور" }, qalam.KindConflict, "slug"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				a := &qalam.Article{Slug: "new-article", Language: qalam.English, Label: qalam.News, Status: qalam.Published,
					Headline: "H", Body: "B", CategoryID: category.ID, AuthorIDs: []int64{first.ID}}
				tc.edit(a)
				err := st.CreateArticle(ctx, a)
				wantKind(t, err, tc.kind)
				wantField(t, err, tc.field)
				if a.ID != 0 {
					t.Errorf("ID = %d after a failed create", a.ID)
				}
				if _, err := st.ArticleBySlug(ctx, "new-article"); !errors.Is(err, qalam.ErrNotFound) {
					t.Errorf("article stored despite the error (lookup error %v)", err)
				}
			})
		}
		t.Run("unknown is not found", func(t *testing.T) {
			_, err := st.Article(ctx, 1_000_000)
			if !errors.Is(err, qalam.ErrNotFound) {
				t.Errorf("Article() error = %v, want not found", err)
			}
			_, err = st.ArticleBySlug(ctx, "missing")
			if !errors.Is(err, qalam.ErrNotFound) {
				t.Errorf("ArticleBySlug() error = %v, want not found", err)
			}
		})
	})
}

func TestStore_CommentCount(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a := storetest.Article(t, st)
		storetest.Comment(t, st, a.ID)
		storetest.Comment(t, st, a.ID)
		storetest.Comment(t, st, a.ID, func(c *qalam.Comment) { c.Status = qalam.Pending })
		storetest.Comment(t, st, storetest.Article(t, st).ID) // on another article

		t.Run("article counts approved comments", func(t *testing.T) {
			got, err := st.Article(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.CommentCount != 2 {
				t.Errorf("CommentCount = %d, want 2", got.CommentCount)
			}
		})
		t.Run("lists count approved comments", func(t *testing.T) {
			list, _, err := st.FindArticles(ctx, store.ArticleFilter{CategoryID: a.CategoryID})
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 1 || list[0].CommentCount != 2 {
				t.Errorf("FindArticles() = %d articles, first counting %d comments; want 1 counting 2", len(list), list[0].CommentCount)
			}
		})
	})
}

func TestStore_FindArticles(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		politics := storetest.Category(t, st)
		sport := storetest.Category(t, st)
		ayesha := storetest.Author(t, st)
		bilal := storetest.Author(t, st)
		day := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

		// p1..p5 published a day apart (p5 newest), d1 and d2 drafts.
		make := func(slug string, edit func(*qalam.Article)) *qalam.Article {
			return storetest.Article(t, st, func(a *qalam.Article) {
				a.Slug, a.CategoryID, a.AuthorIDs = slug, politics.ID, []int64{ayesha.ID}
				edit(a)
			})
		}
		p1 := make("p1", func(a *qalam.Article) { a.PublishedAt = day.AddDate(0, 0, 1); a.TagNames = []string{"budget"} })
		p2 := make("p2", func(a *qalam.Article) { a.PublishedAt = day.AddDate(0, 0, 2); a.Language = qalam.Urdu })
		make("p3", func(a *qalam.Article) {
			a.PublishedAt = day.AddDate(0, 0, 3)
			a.CategoryID = sport.ID
			a.AuthorIDs = []int64{bilal.ID, ayesha.ID}
		})
		p4 := make("p4", func(a *qalam.Article) { a.PublishedAt = day.AddDate(0, 0, 4); a.TagNames = []string{"budget", "tax"} })
		make("p5", func(a *qalam.Article) { a.PublishedAt = day.AddDate(0, 0, 5); a.AuthorIDs = []int64{bilal.ID} })
		make("d1", func(a *qalam.Article) { a.Status = qalam.Draft; a.CreatedAt = day.AddDate(0, 0, 3).Add(time.Hour) })
		make("d2", func(a *qalam.Article) { a.Status = qalam.Draft; a.CreatedAt = day.AddDate(0, 0, 9) })
		budget, err := st.TagBySlug(ctx, "budget")
		if err != nil {
			t.Fatal(err)
		}

		for _, tc := range []struct {
			name      string
			filter    store.ArticleFilter
			want      []string
			wantTotal int
		}{
			{"all, newest first, drafts by creation", store.ArticleFilter{}, []string{"d2", "p5", "p4", "d1", "p3", "p2", "p1"}, 7},
			{"published only", store.ArticleFilter{Status: ptr(qalam.Published)}, []string{"p5", "p4", "p3", "p2", "p1"}, 5},
			{"drafts only", store.ArticleFilter{Status: ptr(qalam.Draft)}, []string{"d2", "d1"}, 2},
			{"by language", store.ArticleFilter{Language: qalam.Urdu}, []string{"p2"}, 1},
			{"by category", store.ArticleFilter{CategoryID: sport.ID}, []string{"p3"}, 1},
			{"by author", store.ArticleFilter{AuthorID: bilal.ID}, []string{"p5", "p3"}, 2},
			{"by tag", store.ArticleFilter{TagID: budget.ID}, []string{"p4", "p1"}, 2},
			{"combined", store.ArticleFilter{Status: ptr(qalam.Published), AuthorID: ayesha.ID, TagID: budget.ID}, []string{"p4", "p1"}, 2},
			{"no match", store.ArticleFilter{CategoryID: 1_000_000}, []string{}, 0},
			{"first page", store.ArticleFilter{Status: ptr(qalam.Published), Limit: 2}, []string{"p5", "p4"}, 5},
			{"next page", store.ArticleFilter{Status: ptr(qalam.Published), Limit: 2, BeforePublished: p4.PublishedAt, BeforeID: p4.ID}, []string{"p3", "p2"}, 5},
			{"last page", store.ArticleFilter{Status: ptr(qalam.Published), Limit: 2, BeforePublished: p2.PublishedAt, BeforeID: p2.ID}, []string{"p1"}, 5},
			{"past the end", store.ArticleFilter{Status: ptr(qalam.Published), BeforePublished: p1.PublishedAt, BeforeID: p1.ID}, []string{}, 5},
			{"before a date alone", store.ArticleFilter{BeforePublished: day.AddDate(0, 0, 3).Add(time.Minute)}, []string{"p3", "p2", "p1"}, 7},
		} {
			t.Run(tc.name, func(t *testing.T) {
				list, total, err := st.FindArticles(ctx, tc.filter)
				if err != nil {
					t.Fatal(err)
				}
				got := []string{}
				for _, a := range list {
					got = append(got, a.Slug)
				}
				if !reflect.DeepEqual(got, tc.want) || total != tc.wantTotal {
					t.Errorf("got %v total %d, want %v total %d", got, total, tc.want, tc.wantTotal)
				}
			})
		}

		t.Run("same date: larger id first, keyset continues by id", func(t *testing.T) {
			culture := storetest.Category(t, st)
			same := day.AddDate(0, 0, 7)
			var ids []int64
			for range 3 {
				a := storetest.Article(t, st, func(a *qalam.Article) { a.CategoryID, a.PublishedAt = culture.ID, same })
				ids = append(ids, a.ID)
			}
			list, _, err := st.FindArticles(ctx, store.ArticleFilter{CategoryID: culture.ID, Limit: 2})
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 2 || list[0].ID != ids[2] || list[1].ID != ids[1] {
				t.Fatalf("first page = %v, want ids %d, %d", list, ids[2], ids[1])
			}
			last := list[1]
			list, _, err = st.FindArticles(ctx, store.ArticleFilter{CategoryID: culture.ID, Limit: 2,
				BeforePublished: last.PublishedAt, BeforeID: last.ID})
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 1 || list[0].ID != ids[0] {
				t.Fatalf("second page = %v, want id %d", list, ids[0])
			}
		})
		t.Run("page loaded like a single article", func(t *testing.T) {
			list, _, err := st.FindArticles(ctx, store.ArticleFilter{})
			if err != nil {
				t.Fatal(err)
			}
			for _, got := range list {
				want, err := st.Article(ctx, got.ID)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("listed %+v\nwant %+v", got, want)
				}
			}
		})
		t.Run("limit defaults to 20 and is at most 100", func(t *testing.T) {
			for range 101 {
				storetest.Article(t, st, func(a *qalam.Article) { a.CategoryID = sport.ID })
			}
			for _, tc := range []struct{ limit, want int }{{0, 20}, {-1, 20}, {5, 5}, {1000, 100}} {
				list, total, err := st.FindArticles(ctx, store.ArticleFilter{CategoryID: sport.ID, Limit: tc.limit})
				if err != nil {
					t.Fatal(err)
				}
				if len(list) != tc.want || total != 102 {
					t.Errorf("Limit %d: %d articles of %d, want %d of 102", tc.limit, len(list), total, tc.want)
				}
			}
		})
	})
}

func TestStore_UpdateArticle(t *testing.T) {
	forEachDialectAt(t, time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC), func(t *testing.T, st *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		t.Run("set fields changed, nil fields kept", func(t *testing.T) {
			a := storetest.Article(t, st, func(a *qalam.Article) { a.TagNames = []string{"budget"} })
			before, err := st.Article(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			clock.Advance(time.Hour)
			got, err := st.UpdateArticle(ctx, a.ID, store.ArticleUpdate{
				Headline:       ptr("Budget passes at dawn"),
				BodyHTML:       ptr("<p>New</p>"),
				Label:          ptr(qalam.Analysis),
				CommentsClosed: ptr(true),
			})
			if err != nil {
				t.Fatal(err)
			}
			want := *before
			want.Headline, want.BodyHTML, want.Label, want.CommentsClosed = "Budget passes at dawn", "<p>New</p>", qalam.Analysis, true
			// A save without a revision is not news to readers: only
			// EditedAt moves.
			want.EditedAt = clock.Now()
			if !reflect.DeepEqual(got, &want) {
				t.Errorf("UpdateArticle() = %+v\nwant %+v", got, &want)
			}
			stored, err := st.Article(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(stored, got) {
				t.Errorf("stored %+v\nreturned %+v", stored, got)
			}
		})
		t.Run("first publication sets the date, later ones keep it", func(t *testing.T) {
			a := storetest.Article(t, st, func(a *qalam.Article) { a.Status = qalam.Draft })
			clock.Advance(time.Hour)
			first := clock.Now()
			got, err := st.UpdateArticle(ctx, a.ID, store.ArticleUpdate{Status: ptr(qalam.Published)})
			if err != nil {
				t.Fatal(err)
			}
			if !got.PublishedAt.Equal(first) || !got.UpdatedAt.Equal(first) || got.Updated() {
				t.Fatalf("PublishedAt = %v UpdatedAt = %v, want both %v", got.PublishedAt, got.UpdatedAt, first)
			}
			clock.Advance(time.Hour)
			if _, err := st.UpdateArticle(ctx, a.ID, store.ArticleUpdate{Status: ptr(qalam.Unpublished)}); err != nil {
				t.Fatal(err)
			}
			clock.Advance(time.Hour)
			got, err = st.UpdateArticle(ctx, a.ID, store.ArticleUpdate{Status: ptr(qalam.Published)})
			if err != nil {
				t.Fatal(err)
			}
			if !got.PublishedAt.Equal(first) || !got.UpdatedAt.Equal(first) || !got.EditedAt.Equal(clock.Now()) {
				t.Errorf("PublishedAt = %v UpdatedAt = %v EditedAt = %v, want %v, %v and %v",
					got.PublishedAt, got.UpdatedAt, got.EditedAt, first, first, clock.Now())
			}
		})
		t.Run("invalid result refused", func(t *testing.T) {
			a := storetest.Article(t, st)
			_, err := st.UpdateArticle(ctx, a.ID, store.ArticleUpdate{Headline: ptr("")})
			wantKind(t, err, qalam.KindInvalid)
			wantField(t, err, "headline")
			got, err := st.Article(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Headline != a.Headline {
				t.Errorf("Headline = %q, want it unchanged", got.Headline)
			}
		})
		t.Run("unknown is not found", func(t *testing.T) {
			_, err := st.UpdateArticle(ctx, 1_000_000, store.ArticleUpdate{Headline: ptr("x")})
			wantKind(t, err, qalam.KindNotFound)
		})
	})
}

func TestStore_DeleteArticle(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a := storetest.Article(t, st, func(a *qalam.Article) { a.TagNames = []string{"budget"} })
		root := storetest.Comment(t, st, a.ID)
		reply := storetest.Comment(t, st, a.ID, func(c *qalam.Comment) { c.ParentID = root.ID })
		other := storetest.Article(t, st, func(o *qalam.Article) { o.AuthorIDs = a.AuthorIDs })

		t.Run("removed with its comments", func(t *testing.T) {
			if err := st.DeleteArticle(ctx, a.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := st.Article(ctx, a.ID); !errors.Is(err, qalam.ErrNotFound) {
				t.Errorf("Article() error = %v, want not found", err)
			}
			for _, id := range []int64{root.ID, reply.ID} {
				if _, err := st.Comment(ctx, id); !errors.Is(err, qalam.ErrNotFound) {
					t.Errorf("Comment(%d) error = %v, want not found", id, err)
				}
			}
		})
		t.Run("authors, tags and other articles stay", func(t *testing.T) {
			if _, err := st.Author(ctx, a.AuthorIDs[0]); err != nil {
				t.Error(err)
			}
			if _, err := st.TagBySlug(ctx, "budget"); err != nil {
				t.Error(err)
			}
			if _, err := st.Article(ctx, other.ID); err != nil {
				t.Error(err)
			}
		})
		t.Run("unknown is not found", func(t *testing.T) {
			err := st.DeleteArticle(ctx, a.ID)
			wantKind(t, err, qalam.KindNotFound)
		})
	})
}
