package store_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
)

// slugs lists the articles' slugs, for comparisons.
func slugs(list []*qalam.Article) string {
	s := make([]string, len(list))
	for i, a := range list {
		s[i] = a.Slug
	}
	return strings.Join(s, " ")
}

func TestStore_ListPublished(t *testing.T) {
	start := time.Date(2026, 1, 30, 12, 0, 0, 0, time.UTC)
	forEachDialectAt(t, start, func(t *testing.T, st *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		city := storetest.Category(t, st)
		sport := storetest.Category(t, st)
		author := storetest.Author(t, st)
		other := storetest.Author(t, st)
		publish := func(slug string, cat *qalam.Category, by *qalam.Author, tags ...string) *qalam.Article {
			clock.Advance(24 * time.Hour)
			return storetest.Article(t, st, func(a *qalam.Article) {
				a.Slug, a.CategoryID, a.AuthorIDs, a.TagNames = slug, cat.ID, []int64{by.ID}, tags
			})
		}
		// One a day from 31 January: a1 in January, a2 to a5 in February.
		publish("a1", city, author)
		publish("a2", sport, author, "water")
		publish("a3", city, other, "water")
		publish("a4", city, author)
		publish("a5", city, author)
		clock.Advance(time.Hour)
		storetest.Article(t, st, func(a *qalam.Article) { a.Slug, a.Status, a.CategoryID = "draft", qalam.Draft, city.ID })

		list := func(t *testing.T, f store.ListFilter, after store.Cursor, limit int) store.Listing {
			t.Helper()
			p, err := st.ListPublished(ctx, f, after, limit)
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		t.Run("pages walk older and newer, drafts left out", func(t *testing.T) {
			first := list(t, store.ListFilter{}, store.Cursor{}, 2)
			if got := slugs(first.Articles); got != "a5 a4" {
				t.Fatalf("first page = %q, want %q", got, "a5 a4")
			}
			if first.Newer != nil || first.Older == nil {
				t.Fatalf("first page: newer %v, older %v; want none and some", first.Newer, first.Older)
			}
			second := list(t, store.ListFilter{}, *first.Older, 2)
			if got := slugs(second.Articles); got != "a3 a2" {
				t.Fatalf("second page = %q, want %q", got, "a3 a2")
			}
			if second.Newer == nil || !second.Newer.IsZero() {
				t.Errorf("second page's newer page = %v, want the first (a zero cursor)", second.Newer)
			}
			last := list(t, store.ListFilter{}, *second.Older, 2)
			if got := slugs(last.Articles); got != "a1" || last.Older != nil {
				t.Fatalf("last page = %q (older %v), want %q and no older page", got, last.Older, "a1")
			}
			if last.Newer == nil {
				t.Fatal("last page has no newer page")
			}
			back := list(t, store.ListFilter{}, *last.Newer, 2)
			if got := slugs(back.Articles); got != "a3 a2" {
				t.Errorf("newer than the last page = %q, want the page just above it, %q", got, "a3 a2")
			}
		})

		t.Run("a page stays put while new articles arrive", func(t *testing.T) {
			first := list(t, store.ListFilter{CategoryID: sport.ID}, store.Cursor{}, 1)
			if got := slugs(first.Articles); got != "a2" || first.Older != nil {
				t.Fatalf("sport = %q, older %v; want a2 alone", got, first.Older)
			}
			before := list(t, store.ListFilter{CategoryID: city.ID}, store.Cursor{}, 2)
			publish("a6", city, author)
			after := list(t, store.ListFilter{CategoryID: city.ID}, *before.Older, 2)
			if got := slugs(after.Articles); got != "a3 a1" {
				t.Errorf("second page after a new article = %q, want %q", got, "a3 a1")
			}
			// The newer page is now the two just above, not the old first page.
			if after.Newer == nil || after.Newer.IsZero() {
				t.Fatalf("newer = %v, want a cursor below the new first page", after.Newer)
			}
			if got := slugs(list(t, store.ListFilter{CategoryID: city.ID}, *after.Newer, 2).Articles); got != "a5 a4" {
				t.Errorf("newer page = %q, want %q", got, "a5 a4")
			}
		})

		tests := []struct {
			name   string
			filter store.ListFilter
			want   string
		}{
			{"by author", store.ListFilter{AuthorID: other.ID}, "a3"},
			{"by tag", store.ListFilter{TagID: tagID(t, st, "water")}, "a3 a2"},
			{"by month", store.ListFilter{From: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}, "a6 a5 a4 a3 a2"},
			{"by month, none", store.ListFilter{From: time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if got := slugs(list(t, tt.filter, store.Cursor{}, 10).Articles); got != tt.want {
					t.Errorf("got %q, want %q", got, tt.want)
				}
			})
		}

		t.Run("a month pages within its bounds", func(t *testing.T) {
			feb := store.ListFilter{From: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
			var got []string
			var after store.Cursor
			for range 5 {
				p := list(t, feb, after, 2)
				got = append(got, slugs(p.Articles))
				if p.Older == nil {
					break
				}
				after = *p.Older
			}
			if strings.Join(got, " | ") != "a6 a5 | a4 a3 | a2" {
				t.Errorf("pages = %q, want %q", got, "a6 a5 | a4 a3 | a2")
			}
			last := list(t, feb, after, 2)
			if last.Newer == nil || last.Newer.IsZero() {
				t.Fatalf("newer of the month's last page = %v", last.Newer)
			}
			if got := slugs(list(t, feb, *last.Newer, 2).Articles); got != "a4 a3" {
				t.Errorf("newer page = %q, want %q", got, "a4 a3")
			}
		})
	})
}

// tagID returns the ID of the tag with the slug.
func tagID(t *testing.T, st *store.Store, slug string) int64 {
	t.Helper()
	tag, err := st.TagBySlug(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	return tag.ID
}

func TestStore_ArchiveMonths(t *testing.T) {
	start := time.Date(2025, 12, 31, 23, 0, 0, 0, time.UTC)
	forEachDialectAt(t, start, func(t *testing.T, st *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		months, err := st.ArchiveMonths(ctx)
		if err != nil || len(months) != 0 {
			t.Fatalf("empty archive: %v, %v", months, err)
		}
		storetest.Article(t, st)
		clock.Advance(2 * time.Hour) // 1 January, 01:00 UTC
		storetest.Article(t, st)
		storetest.Article(t, st)
		storetest.Article(t, st, func(a *qalam.Article) { a.Status = qalam.Draft })
		clock.Advance(62 * 24 * time.Hour) // March: February has none
		storetest.Article(t, st)
		months, err = st.ArchiveMonths(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := []store.ArchiveMonth{
			{Month: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Count: 1},
			{Month: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Count: 2},
			{Month: time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC), Count: 1},
		}
		if len(months) != len(want) {
			t.Fatalf("months = %+v, want %+v", months, want)
		}
		for i := range want {
			if !months[i].Month.Equal(want[i].Month) || months[i].Count != want[i].Count {
				t.Errorf("month %d = %+v, want %+v", i, months[i], want[i])
			}
		}
	})
}

func TestStore_FrontPage(t *testing.T) {
	start := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	forEachDialectAt(t, start, func(t *testing.T, st *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		empty, err := st.FrontPage(ctx, 3, 2)
		if err != nil || empty.Lead != nil || len(empty.Latest) != 0 || len(empty.Sections) != 0 {
			t.Fatalf("empty front page = %+v, %v", empty, err)
		}
		arts := storetest.Category(t, st, func(c *qalam.Category) { c.Name = "Arts" })
		city := storetest.Category(t, st, func(c *qalam.Category) { c.Name = "City" })
		storetest.Category(t, st, func(c *qalam.Category) { c.Name = "Empty" })
		byName := map[string]*qalam.Article{}
		for i, cat := range []*qalam.Category{arts, city, city, arts, city, city, arts, city} {
			clock.Advance(time.Hour)
			slug := "s" + strconv.Itoa(i+1)
			byName[slug] = storetest.Article(t, st, func(a *qalam.Article) { a.Slug, a.CategoryID = slug, cat.ID })
		}
		storetest.Article(t, st, func(a *qalam.Article) { a.Slug, a.Status, a.CategoryID = "draft", qalam.Draft, city.ID })

		type want struct{ lead, latest, sections string }
		check := func(t *testing.T, w want) store.FrontPage {
			t.Helper()
			fp, err := st.FrontPage(ctx, 3, 2)
			if err != nil {
				t.Fatal(err)
			}
			var sections []string
			for _, s := range fp.Sections {
				sections = append(sections, s.Category.Name+": "+slugs(s.Articles))
			}
			got := want{fp.Lead.Slug, slugs(fp.Latest), strings.Join(sections, "; ")}
			if got != w {
				t.Errorf("front page = %+v, want %+v", got, w)
			}
			return fp
		}
		t.Run("the newest leads; sections leave out what the page shows", func(t *testing.T) {
			fp := check(t, want{"s8", "s7 s6 s5", "Arts: s4 s1; City: s3 s2"})
			if fp.Older == nil || fp.Older.ID != byName["s5"].ID {
				t.Errorf("latest continues after %v, want s5", fp.Older)
			}
			if fp.Lead.Authors == nil || fp.Sections[0].Articles[0].Headline == "" {
				t.Error("lead without its byline, or section headline empty")
			}
		})
		t.Run("a featured article leads", func(t *testing.T) {
			if err := st.SetSetting(ctx, store.SettingFeaturedArticle, strconv.FormatInt(byName["s2"].ID, 10)); err != nil {
				t.Fatal(err)
			}
			check(t, want{"s2", "s8 s7 s6", "Arts: s4 s1; City: s5 s3"})
		})
		t.Run("a featured article taken down no longer leads", func(t *testing.T) {
			unpublished := qalam.Unpublished
			if _, err := st.UpdateArticle(ctx, byName["s2"].ID, store.ArticleUpdate{Status: &unpublished}); err != nil {
				t.Fatal(err)
			}
			check(t, want{"s8", "s7 s6 s5", "Arts: s4 s1; City: s3"})
		})
		t.Run("a setting that names no article is ignored", func(t *testing.T) {
			if err := st.SetSetting(ctx, store.SettingFeaturedArticle, "not-a-number"); err != nil {
				t.Fatal(err)
			}
			check(t, want{"s8", "s7 s6 s5", "Arts: s4 s1; City: s3"})
		})
	})
}
