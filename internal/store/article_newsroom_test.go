package store_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
)

func TestStore_CreateArticle_NewsroomFields(t *testing.T) {
	start := time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC)
	forEachDialectAt(t, start, func(t *testing.T, st *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		image := storetest.Media(t, st)

		t.Run("SEO fields, featured image and schedule loaded", func(t *testing.T) {
			when := start.Add(26 * time.Hour)
			a := storetest.Article(t, st, func(a *qalam.Article) {
				a.Status = qalam.Scheduled
				a.ScheduledAt = when
				a.SEOTitle = "Budget: what passed"
				a.SEODescription = "Everything in the budget, line by line."
				a.FeaturedImageID = image.ID
			})
			got, err := st.Article(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.SEOTitle != a.SEOTitle || got.SEODescription != a.SEODescription ||
				got.FeaturedImageID != image.ID || !got.ScheduledAt.Equal(when) || !got.PublishedAt.IsZero() {
				t.Errorf("Article() = %+v", got)
			}
			if !reflect.DeepEqual(got.FeaturedImage, image) {
				t.Errorf("FeaturedImage = %+v, want %+v", got.FeaturedImage, image)
			}
			if !got.EditedAt.Equal(start) || !got.UpdatedAt.Equal(start) {
				t.Errorf("EditedAt = %v UpdatedAt = %v, want both %v", got.EditedAt, got.UpdatedAt, start)
			}
		})
		t.Run("no featured image loads as nil", func(t *testing.T) {
			a := storetest.Article(t, st)
			got, err := st.Article(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.FeaturedImageID != 0 || got.FeaturedImage != nil || got.Corrections != nil {
				t.Errorf("FeaturedImageID = %d FeaturedImage = %v Corrections = %v, want none", got.FeaturedImageID, got.FeaturedImage, got.Corrections)
			}
		})
		t.Run("a page loads images, corrections and new fields like a single article", func(t *testing.T) {
			category := storetest.Category(t, st)
			other := storetest.Media(t, st)
			for _, id := range []int64{image.ID, other.ID, image.ID, 0} {
				a := storetest.Article(t, st, func(a *qalam.Article) { a.CategoryID, a.FeaturedImageID = category.ID, id })
				storetest.Correction(t, st, a.ID)
			}
			list, _, err := st.FindArticles(ctx, store.ArticleFilter{CategoryID: category.ID})
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 4 {
				t.Fatalf("FindArticles() = %d articles, want 4", len(list))
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
			if list[1].FeaturedImage == list[3].FeaturedImage {
				t.Error("two articles share one *Media: changing one changes the other")
			}
		})
		for _, tc := range []struct {
			name  string
			edit  func(*qalam.Article)
			kind  qalam.Kind
			field string
		}{
			{"scheduled without a time refused", func(a *qalam.Article) { a.Status = qalam.Scheduled }, qalam.KindInvalid, "scheduled_at"},
			{"unknown featured image refused", func(a *qalam.Article) { a.FeaturedImageID = 1_000_000 }, qalam.KindInvalid, "featured_image"},
			{"over-long SEO title refused", func(a *qalam.Article) { a.SEOTitle = strings.Repeat("x", qalam.MaxHeadline+1) }, qalam.KindInvalid, "seo_title"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				a := &qalam.Article{Slug: "refused", Language: qalam.English, Label: qalam.Editorial, Status: qalam.Draft,
					Headline: "H", Body: "B", CategoryID: storetest.Category(t, st).ID, AuthorIDs: []int64{storetest.Author(t, st).ID}}
				tc.edit(a)
				err := st.CreateArticle(ctx, a)
				wantKind(t, err, tc.kind)
				wantField(t, err, tc.field)
			})
		}
	})
}

func TestStore_FindArticles_Newsroom(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		category := storetest.Category(t, st)
		day := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		n := 0
		make := func(slug, headline string, status qalam.ArticleStatus) *qalam.Article {
			n++
			return storetest.Article(t, st, func(a *qalam.Article) {
				a.Slug, a.Headline, a.Status, a.CategoryID = slug, headline, status, category.ID
				a.CreatedAt = day.AddDate(0, 0, n)
				if status == qalam.Published {
					a.PublishedAt = a.CreatedAt
				}
				if status == qalam.Scheduled {
					a.ScheduledAt = day.AddDate(1, 0, 0)
				}
			})
		}
		make("budget", "Budget passes after 100 days", qalam.Published)
		make("cut", "A 100% budget_cut", qalam.Draft)
		make("shortcuts", "Shortcuts to the BUDGET", qalam.Submitted)
		make("urdu", "بجٹ منظور ہو گیا", qalam.Scheduled)
		make("slash", `Back\slash and more`, qalam.Unpublished)

		for _, tc := range []struct {
			name      string
			filter    store.ArticleFilter
			want      []string
			wantTotal int
		}{
			{"any of several statuses", store.ArticleFilter{Statuses: []qalam.ArticleStatus{qalam.Draft, qalam.Submitted}}, []string{"shortcuts", "cut"}, 2},
			{"one status in a list", store.ArticleFilter{Statuses: []qalam.ArticleStatus{qalam.Scheduled}}, []string{"urdu"}, 1},
			{"empty list does not filter", store.ArticleFilter{Statuses: []qalam.ArticleStatus{}}, []string{"slash", "urdu", "shortcuts", "cut", "budget"}, 5},
			{"status and statuses together", store.ArticleFilter{Status: ptr(qalam.Draft), Statuses: []qalam.ArticleStatus{qalam.Draft, qalam.Published}}, []string{"cut"}, 1},
			{"headline contains, any case", store.ArticleFilter{Query: "bUdGeT"}, []string{"shortcuts", "cut", "budget"}, 3},
			{"percent matches only itself", store.ArticleFilter{Query: "100%"}, []string{"cut"}, 1},
			{"underscore matches only itself", store.ArticleFilter{Query: "t_cut"}, []string{"cut"}, 1},
			{"backslash matches only itself", store.ArticleFilter{Query: `k\s`}, []string{"slash"}, 1},
			{"urdu", store.ArticleFilter{Query: "بجٹ"}, []string{"urdu"}, 1},
			{"query and statuses", store.ArticleFilter{Query: "budget", Statuses: []qalam.ArticleStatus{qalam.Published, qalam.Submitted}}, []string{"shortcuts", "budget"}, 2},
			{"no match", store.ArticleFilter{Query: "weather"}, []string{}, 0},
			{"offset page", store.ArticleFilter{Limit: 2, Offset: 2}, []string{"shortcuts", "cut"}, 5},
			{"last offset page", store.ArticleFilter{Limit: 2, Offset: 4}, []string{"budget"}, 5},
			{"offset past the end", store.ArticleFilter{Limit: 2, Offset: 10}, []string{}, 5},
			{"offset with a query", store.ArticleFilter{Query: "budget", Limit: 1, Offset: 1}, []string{"cut"}, 3},
		} {
			t.Run(tc.name, func(t *testing.T) {
				tc.filter.CategoryID = category.ID
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
	})
}

func TestStore_UpdateArticle_NewsroomFields(t *testing.T) {
	forEachDialectAt(t, time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC), func(t *testing.T, st *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		category := storetest.Category(t, st)
		author := storetest.Author(t, st)
		image := storetest.Media(t, st)

		t.Run("every field changed, byline and tags replaced", func(t *testing.T) {
			a := storetest.Article(t, st, func(a *qalam.Article) { a.TagNames = []string{"alpha", "beta"} })
			storetest.Article(t, st, func(a *qalam.Article) { a.TagNames = []string{"gAMMA"} })
			when := clock.Now().Add(time.Hour)
			clock.Advance(time.Minute)
			got, err := st.UpdateArticle(ctx, a.ID, store.ArticleUpdate{
				Slug:            ptr("budget-passes"),
				SEOTitle:        ptr("SEO title"),
				SEODescription:  ptr("SEO description"),
				Language:        ptr(qalam.Urdu),
				CategoryID:      ptr(category.ID),
				FeaturedImageID: ptr(image.ID),
				AuthorIDs:       &[]int64{author.ID, a.AuthorIDs[0], author.ID},
				TagNames:        &[]string{"Gamma", " BETA ", "delta"},
				ScheduledAt:     &when,
				Label:           ptr(qalam.Editorial),
			})
			if err != nil {
				t.Fatal(err)
			}
			if got.Slug != "budget-passes" || got.SEOTitle != "SEO title" || got.SEODescription != "SEO description" ||
				got.Language != qalam.Urdu || got.CategoryID != category.ID || got.Category.ID != category.ID ||
				got.Label != qalam.Editorial || !got.ScheduledAt.Equal(when) {
				t.Errorf("UpdateArticle() = %+v", got)
			}
			if !reflect.DeepEqual(got.FeaturedImage, image) {
				t.Errorf("FeaturedImage = %+v, want %+v", got.FeaturedImage, image)
			}
			if want := []int64{author.ID, a.AuthorIDs[0]}; !reflect.DeepEqual(got.AuthorIDs, want) {
				t.Errorf("AuthorIDs = %v, want %v (in order, repeats dropped)", got.AuthorIDs, want)
			}
			// Existing tags are found by slug and keep their names.
			if want := []string{"beta", "delta", "gAMMA"}; !reflect.DeepEqual(got.TagNames, want) {
				t.Errorf("TagNames = %v, want %v", got.TagNames, want)
			}
			stored, err := st.ArticleBySlug(ctx, "budget-passes")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(stored, got) {
				t.Errorf("stored %+v\nreturned %+v", stored, got)
			}
		})
		t.Run("featured image removed with 0", func(t *testing.T) {
			a := storetest.Article(t, st, func(a *qalam.Article) { a.FeaturedImageID = image.ID })
			got, err := st.UpdateArticle(ctx, a.ID, store.ArticleUpdate{FeaturedImageID: ptr(int64(0))})
			if err != nil {
				t.Fatal(err)
			}
			if got.FeaturedImageID != 0 || got.FeaturedImage != nil {
				t.Errorf("FeaturedImageID = %d FeaturedImage = %v, want none", got.FeaturedImageID, got.FeaturedImage)
			}
		})
		t.Run("nil byline and tags kept", func(t *testing.T) {
			a := storetest.Article(t, st, func(a *qalam.Article) { a.TagNames = []string{"kept"} })
			got, err := st.UpdateArticle(ctx, a.ID, store.ArticleUpdate{Headline: ptr("New")})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.AuthorIDs, a.AuthorIDs) || !reflect.DeepEqual(got.TagNames, []string{"kept"}) {
				t.Errorf("AuthorIDs = %v TagNames = %v", got.AuthorIDs, got.TagNames)
			}
		})
		t.Run("empty tags remove them", func(t *testing.T) {
			a := storetest.Article(t, st, func(a *qalam.Article) { a.TagNames = []string{"gone"} })
			got, err := st.UpdateArticle(ctx, a.ID, store.ArticleUpdate{TagNames: &[]string{}})
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Tags) != 0 {
				t.Errorf("Tags = %v, want none", got.Tags)
			}
		})
		taken := storetest.Article(t, st)
		for _, tc := range []struct {
			name  string
			u     store.ArticleUpdate
			kind  qalam.Kind
			field string
		}{
			{"slug in use is a conflict", store.ArticleUpdate{Slug: ptr(taken.Slug)}, qalam.KindConflict, "slug"},
			{"invalid slug refused", store.ArticleUpdate{Slug: ptr("no spaces")}, qalam.KindInvalid, "slug"},
			{"unknown language refused", store.ArticleUpdate{Language: ptr(qalam.Language("fr"))}, qalam.KindInvalid, "language"},
			{"unknown category refused", store.ArticleUpdate{CategoryID: ptr(int64(1_000_000))}, qalam.KindInvalid, "category"},
			{"unknown image refused", store.ArticleUpdate{FeaturedImageID: ptr(int64(1_000_000))}, qalam.KindInvalid, "featured_image"},
			{"empty byline refused", store.ArticleUpdate{AuthorIDs: &[]int64{}}, qalam.KindInvalid, "authors"},
			{"unknown author refused", store.ArticleUpdate{AuthorIDs: &[]int64{1_000_000}}, qalam.KindInvalid, "authors"},
			{"blank tag refused", store.ArticleUpdate{TagNames: &[]string{"!!!"}}, qalam.KindInvalid, "tags"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				a := storetest.Article(t, st, func(a *qalam.Article) { a.TagNames = []string{"before"} })
				before, err := st.Article(ctx, a.ID)
				if err != nil {
					t.Fatal(err)
				}
				_, err = st.UpdateArticle(ctx, a.ID, tc.u)
				wantKind(t, err, tc.kind)
				wantField(t, err, tc.field)
				after, err := st.Article(ctx, a.ID)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(after, before) {
					t.Errorf("article changed by a failed update:\n%+v\nwas %+v", after, before)
				}
			})
		}
	})
}

func TestStore_UpdateArticle_Status(t *testing.T) {
	start := time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC)
	forEachDialectAt(t, start, func(t *testing.T, st *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		later := start.Add(24 * time.Hour)
		create := func(t *testing.T, status qalam.ArticleStatus) *qalam.Article {
			return storetest.Article(t, st, func(a *qalam.Article) {
				a.Status = status
				if status == qalam.Scheduled {
					a.ScheduledAt = later
				}
			})
		}
		for _, tc := range []struct {
			from, to qalam.ArticleStatus
			allowed  bool
		}{
			{qalam.Draft, qalam.Submitted, true},
			{qalam.Draft, qalam.Scheduled, true},
			{qalam.Draft, qalam.Published, true},
			{qalam.Submitted, qalam.Draft, true},
			{qalam.Submitted, qalam.Published, true},
			{qalam.Scheduled, qalam.Draft, true},
			{qalam.Scheduled, qalam.Published, true},
			{qalam.Published, qalam.Unpublished, true},
			{qalam.Unpublished, qalam.Draft, true},
			{qalam.Unpublished, qalam.Published, true},
			{qalam.Draft, qalam.Draft, true}, // no change, not an error
			{qalam.Published, qalam.Published, true},
			{qalam.Scheduled, qalam.Scheduled, true},
			{qalam.Draft, qalam.Unpublished, false},
			{qalam.Submitted, qalam.Unpublished, false},
			{qalam.Scheduled, qalam.Submitted, false},
			{qalam.Scheduled, qalam.Unpublished, false},
			{qalam.Published, qalam.Draft, false},
			{qalam.Published, qalam.Submitted, false},
			{qalam.Published, qalam.Scheduled, false},
		} {
			name := string(tc.from) + " to " + string(tc.to)
			if tc.allowed {
				name += " allowed"
			} else {
				name += " refused as a conflict"
			}
			t.Run(name, func(t *testing.T) {
				a := create(t, tc.from)
				got, err := st.UpdateArticle(ctx, a.ID, store.ArticleUpdate{Status: ptr(tc.to), ScheduledAt: ptr(later)})
				if !tc.allowed {
					wantKind(t, err, qalam.KindConflict)
					if msg := qalam.MessageOf(err); !strings.Contains(msg, string(tc.from)) || !strings.Contains(msg, string(tc.to)) {
						t.Errorf("message %q names neither status", msg)
					}
					stored, err := st.Article(ctx, a.ID)
					if err != nil {
						t.Fatal(err)
					}
					if stored.Status != tc.from {
						t.Errorf("Status = %s after a refused move, want %s", stored.Status, tc.from)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if got.Status != tc.to {
					t.Errorf("Status = %s, want %s", got.Status, tc.to)
				}
			})
		}
		t.Run("scheduling without a time refused", func(t *testing.T) {
			a := create(t, qalam.Draft)
			_, err := st.UpdateArticle(ctx, a.ID, store.ArticleUpdate{Status: ptr(qalam.Scheduled)})
			wantKind(t, err, qalam.KindInvalid)
			wantField(t, err, "scheduled_at")
		})
		t.Run("publishing a scheduled article by hand dates it now", func(t *testing.T) {
			a := create(t, qalam.Scheduled)
			clock.Advance(time.Minute)
			got, err := st.UpdateArticle(ctx, a.ID, store.ArticleUpdate{Status: ptr(qalam.Published)})
			if err != nil {
				t.Fatal(err)
			}
			if !got.PublishedAt.Equal(clock.Now()) {
				t.Errorf("PublishedAt = %v, want %v", got.PublishedAt, clock.Now())
			}
		})
	})
}

func TestStore_UpdateArticle_Conflict(t *testing.T) {
	forEachDialectAt(t, time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC), func(t *testing.T, st *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		t.Run("second save from the same version is a conflict", func(t *testing.T) {
			a := storetest.Article(t, st)
			version := a.EditedAt
			clock.Advance(time.Minute)
			first, err := st.UpdateArticle(ctx, a.ID, store.ArticleUpdate{Headline: ptr("First"), ExpectEditedAt: version})
			if err != nil {
				t.Fatal(err)
			}
			if !first.EditedAt.Equal(clock.Now()) {
				t.Errorf("EditedAt = %v, want %v", first.EditedAt, clock.Now())
			}
			clock.Advance(time.Minute)
			_, err = st.UpdateArticle(ctx, a.ID, store.ArticleUpdate{Headline: ptr("Second"), ExpectEditedAt: version})
			wantKind(t, err, qalam.KindConflict)
			if msg := qalam.MessageOf(err); !strings.Contains(msg, "changed meanwhile") {
				t.Errorf("message = %q", msg)
			}
			got, err := st.Article(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Headline != "First" || !got.EditedAt.Equal(first.EditedAt) {
				t.Errorf("Headline = %q EditedAt = %v, want the first save's", got.Headline, got.EditedAt)
			}
			t.Run("saving from the current version succeeds", func(t *testing.T) {
				if _, err := st.UpdateArticle(ctx, a.ID, store.ArticleUpdate{Headline: ptr("Third"), ExpectEditedAt: first.EditedAt}); err != nil {
					t.Fatal(err)
				}
			})
		})
		t.Run("versions differ even when the clock stands still", func(t *testing.T) {
			a := storetest.Article(t, st)
			first, err := st.UpdateArticle(ctx, a.ID, store.ArticleUpdate{Headline: ptr("First"), ExpectEditedAt: a.EditedAt})
			if err != nil {
				t.Fatal(err)
			}
			if !first.EditedAt.After(a.EditedAt) {
				t.Errorf("EditedAt = %v, want after %v", first.EditedAt, a.EditedAt)
			}
			_, err = st.UpdateArticle(ctx, a.ID, store.ArticleUpdate{Headline: ptr("Second"), ExpectEditedAt: a.EditedAt})
			wantKind(t, err, qalam.KindConflict)
		})
		t.Run("no expected version: last save wins", func(t *testing.T) {
			a := storetest.Article(t, st)
			for _, h := range []string{"One", "Two"} {
				if _, err := st.UpdateArticle(ctx, a.ID, store.ArticleUpdate{Headline: ptr(h)}); err != nil {
					t.Fatal(err)
				}
			}
		})
		t.Run("racing saves from one version: exactly one wins", func(t *testing.T) {
			a := storetest.Article(t, st)
			const n = 8
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					_, errs[i] = st.UpdateArticle(ctx, a.ID, store.ArticleUpdate{Headline: ptr("Racer"), ExpectEditedAt: a.EditedAt})
				})
			}
			wg.Wait()
			won := 0
			for _, err := range errs {
				switch {
				case err == nil:
					won++
				case !errors.Is(err, qalam.ErrConflict):
					t.Errorf("error = %v, want a conflict", err)
				}
			}
			if won != 1 {
				t.Errorf("%d saves succeeded, want 1", won)
			}
		})
	})
}
