package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
)

func TestStore_AddCorrection(t *testing.T) {
	start := time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC)
	forEachDialectAt(t, start, func(t *testing.T, st *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		editor := storetest.User(t, st)

		t.Run("appended to a published article, which shows as updated", func(t *testing.T) {
			a := storetest.Article(t, st)
			clock.Advance(2 * time.Hour)
			c := &qalam.Correction{ArticleID: a.ID, Kind: qalam.KindCorrection, Text: "Fixed the count.",
				TextHTML: "<p>Fixed the count.</p>", UserID: editor.ID}
			if err := st.AddCorrection(ctx, c); err != nil {
				t.Fatal(err)
			}
			if c.ID == 0 || !c.CreatedAt.Equal(clock.Now()) {
				t.Errorf("ID = %d CreatedAt = %v, want set and %v", c.ID, c.CreatedAt, clock.Now())
			}
			clock.Advance(time.Hour)
			update := storetest.Correction(t, st, a.ID, func(c *qalam.Correction) { c.Kind, c.Text = qalam.KindUpdate, "The bill was signed." })
			got, err := st.Article(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !got.UpdatedAt.Equal(clock.Now()) || !got.EditedAt.Equal(clock.Now()) || !got.Updated() {
				t.Errorf("UpdatedAt = %v EditedAt = %v, want both %v", got.UpdatedAt, got.EditedAt, clock.Now())
			}
			if want := []qalam.Correction{*c, *update}; !reflect.DeepEqual(got.Corrections, want) {
				t.Errorf("Corrections = %+v\nwant %+v (oldest first)", got.Corrections, want)
			}
		})
		t.Run("a correction ends an editor's stale save", func(t *testing.T) {
			a := storetest.Article(t, st)
			storetest.Correction(t, st, a.ID)
			_, err := st.UpdateArticle(ctx, a.ID, store.ArticleUpdate{Body: ptr("x"), ExpectEditedAt: a.EditedAt})
			wantKind(t, err, qalam.KindConflict)
		})
		for _, status := range []qalam.ArticleStatus{qalam.Draft, qalam.Submitted, qalam.Unpublished} {
			t.Run(string(status)+" article refused as a conflict", func(t *testing.T) {
				a := storetest.Article(t, st, func(a *qalam.Article) { a.Status = status })
				err := st.AddCorrection(ctx, &qalam.Correction{ArticleID: a.ID, Kind: qalam.KindCorrection, Text: "x"})
				wantKind(t, err, qalam.KindConflict)
				got, err := st.Article(ctx, a.ID)
				if err != nil {
					t.Fatal(err)
				}
				if len(got.Corrections) != 0 || !got.UpdatedAt.Equal(a.UpdatedAt) {
					t.Errorf("Corrections = %v UpdatedAt = %v after a refusal", got.Corrections, got.UpdatedAt)
				}
			})
		}
		t.Run("invalid refused", func(t *testing.T) {
			a := storetest.Article(t, st)
			err := st.AddCorrection(ctx, &qalam.Correction{ArticleID: a.ID, Kind: "erratum", Text: " "})
			wantKind(t, err, qalam.KindInvalid)
			wantField(t, err, "kind")
			wantField(t, err, "text")
		})
		t.Run("unknown article is not found", func(t *testing.T) {
			err := st.AddCorrection(ctx, &qalam.Correction{ArticleID: 1_000_000, Kind: qalam.KindUpdate, Text: "x"})
			wantKind(t, err, qalam.KindNotFound)
		})
	})
}

func TestStore_FindCorrections(t *testing.T) {
	start := time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC)
	forEachDialectAt(t, start, func(t *testing.T, st *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		urdu := storetest.Article(t, st, func(a *qalam.Article) { a.Language, a.Headline = qalam.Urdu, "بجٹ منظور" })
		english := storetest.Article(t, st)
		withdrawn := storetest.Article(t, st)
		var made []*qalam.Correction // oldest first
		for _, a := range []*qalam.Article{urdu, english, withdrawn, urdu} {
			clock.Advance(time.Minute)
			made = append(made, storetest.Correction(t, st, a.ID))
		}
		if _, err := st.UpdateArticle(ctx, withdrawn.ID, store.ArticleUpdate{Status: ptr(qalam.Unpublished)}); err != nil {
			t.Fatal(err)
		}

		for _, tc := range []struct {
			name   string
			limit  int
			before time.Time
			want   []*qalam.Correction
		}{
			{"published articles only, newest first", 0, time.Time{}, []*qalam.Correction{made[3], made[1], made[0]}},
			{"limited", 2, time.Time{}, []*qalam.Correction{made[3], made[1]}},
			{"before a time", 0, made[3].CreatedAt, []*qalam.Correction{made[1], made[0]}},
			{"before the first", 0, made[0].CreatedAt, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				list, err := st.FindCorrections(ctx, tc.limit, tc.before)
				if err != nil {
					t.Fatal(err)
				}
				if list == nil {
					t.Fatal("FindCorrections() = nil, want a non-nil slice")
				}
				var got []qalam.Correction
				for _, e := range list {
					got = append(got, e.Correction)
				}
				var want []qalam.Correction
				for _, c := range tc.want {
					want = append(want, *c)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("got %+v\nwant %+v", got, want)
				}
			})
		}
		t.Run("with the article's slug, headline and language", func(t *testing.T) {
			list, err := st.FindCorrections(ctx, 1, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 1 || list[0].ArticleSlug != urdu.Slug || list[0].ArticleHeadline != "بجٹ منظور" || list[0].ArticleLanguage != qalam.Urdu {
				t.Errorf("FindCorrections() = %+v", list)
			}
		})
		t.Run("limit defaults to 50", func(t *testing.T) {
			for range 50 {
				storetest.Correction(t, st, english.ID)
			}
			list, err := st.FindCorrections(ctx, 0, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 50 {
				t.Errorf("%d corrections, want 50", len(list))
			}
		})
	})
}
