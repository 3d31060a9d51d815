package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
)

func TestStore_SitemapQueries(t *testing.T) {
	start := time.Date(2025, 1, 31, 22, 0, 0, 0, time.UTC)
	forEachDialectAt(t, start, func(t *testing.T, st *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		category := storetest.Category(t, st, func(c *qalam.Category) { c.Slug = "city" })
		author := storetest.Author(t, st, func(a *qalam.Author) { a.Slug = "amina-rahim" })
		idle := storetest.Author(t, st, func(a *qalam.Author) { a.Slug = "no-articles" })
		publish := func(slug string, lang qalam.Language, tags ...string) *qalam.Article {
			return storetest.Article(t, st, func(a *qalam.Article) {
				a.Slug, a.Language, a.TagNames = slug, lang, tags
				a.CategoryID, a.AuthorIDs = category.ID, []int64{author.ID}
			})
		}
		january := publish("in-january", qalam.English, "water")
		clock.Advance(4 * time.Hour) // past midnight: February
		february := publish("in-february", qalam.Urdu)
		storetest.Article(t, st, func(a *qalam.Article) {
			a.Slug, a.Status, a.CategoryID, a.AuthorIDs, a.TagNames = "a-draft", qalam.Draft, category.ID, []int64{idle.ID}, []string{"draft-only"}
		})
		clock.Advance(30 * 24 * time.Hour) // March
		storetest.Correction(t, st, january.ID)
		corrected := clock.Now()
		march := publish("in-march", qalam.English)

		t.Run("months group articles by publication and date them by their latest update", func(t *testing.T) {
			months, err := st.SitemapMonths(ctx)
			if err != nil {
				t.Fatal(err)
			}
			want := []store.SitemapMonth{
				{Month: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), Updated: corrected, Count: 1},
				{Month: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC), Updated: february.PublishedAt, Count: 1},
				{Month: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), Updated: march.PublishedAt, Count: 1},
			}
			if len(months) != len(want) {
				t.Fatalf("got %d months, want %d: %+v", len(months), len(want), months)
			}
			for i := range want {
				if !months[i].Month.Equal(want[i].Month) || !months[i].Updated.Equal(want[i].Updated) || months[i].Count != want[i].Count {
					t.Errorf("month %d = %+v, want %+v", i, months[i], want[i])
				}
			}
		})

		t.Run("articles of a month, newest first, drafts left out", func(t *testing.T) {
			tests := []struct {
				name     string
				from, to time.Time
				want     []string
			}{
				{"january", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC), []string{"in-january"}},
				{"february", time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), []string{"in-february"}},
				{"everything since january", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Time{}, []string{"in-march", "in-february", "in-january"}},
				{"before any", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), nil},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					list, err := st.SitemapArticles(ctx, tt.from, tt.to, 100)
					if err != nil {
						t.Fatal(err)
					}
					var got []string
					for _, a := range list {
						got = append(got, a.Slug)
					}
					if strings.Join(got, " ") != strings.Join(tt.want, " ") {
						t.Errorf("slugs = %q, want %q", got, tt.want)
					}
				})
			}
			list, err := st.SitemapArticles(ctx, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC), 10)
			if err != nil || len(list) != 1 {
				t.Fatalf("january: %v, %v", list, err)
			}
			if got := list[0]; got.Language != qalam.English || got.Headline != january.Headline || !got.Published.Equal(january.PublishedAt) || !got.Updated.Equal(corrected) {
				t.Errorf("january's article = %+v", got)
			}
			if list, _ := st.SitemapArticles(ctx, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Time{}, 2); len(list) != 2 {
				t.Errorf("limit 2 gave %d articles", len(list))
			}
		})

		t.Run("sections with published articles only", func(t *testing.T) {
			sections, err := st.SitemapSections(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range sections {
				got = append(got, s.Kind+":"+s.Slug)
				if !s.Updated.Equal(march.PublishedAt) && !(s.Kind == "tag" && s.Updated.Equal(corrected)) {
					t.Errorf("%s %s updated %v", s.Kind, s.Slug, s.Updated)
				}
			}
			want := "author:amina-rahim category:city tag:water"
			if strings.Join(got, " ") != want {
				t.Errorf("sections = %q, want %q", got, want)
			}
		})
	})
}

func TestStore_LatestComments(t *testing.T) {
	forEachDialectAt(t, time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC), func(t *testing.T, st *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		a := storetest.Article(t, st)
		var approved []*qalam.Comment
		for i, status := range []qalam.CommentStatus{qalam.Approved, qalam.Pending, qalam.Approved, qalam.Spam, qalam.Approved} {
			clock.Advance(time.Minute)
			c := storetest.Comment(t, st, a.ID, func(c *qalam.Comment) {
				c.Status, c.AuthorName = status, "Reader "+string(rune('A'+i))
				c.AuthorEmail, c.AuthorURL, c.IPHash = "reader@example.org", "https://reader.example", "keyed-hash"
			})
			if status == qalam.Approved {
				approved = append(approved, c)
			}
		}
		storetest.Comment(t, st, storetest.Article(t, st).ID) // another article's

		got, err := st.LatestComments(ctx, a.ID, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].ID != approved[2].ID || got[1].ID != approved[1].ID {
			t.Fatalf("latest two = %+v, want the two newest approved", got)
		}
		c := got[0]
		if c.AuthorName != approved[2].AuthorName || c.BodyHTML != approved[2].BodyHTML || !c.CreatedAt.Equal(approved[2].CreatedAt) || c.Status != qalam.Approved {
			t.Errorf("comment = %+v", c)
		}
		if c.AuthorEmail != "" || c.AuthorURL != "" || c.IPHash != "" {
			t.Errorf("a feed's comment holds the email %q, website %q or address hash %q", c.AuthorEmail, c.AuthorURL, c.IPHash)
		}
	})
}
