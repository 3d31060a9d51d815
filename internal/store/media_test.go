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

func TestStore_CreateMedia(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		uploader := storetest.User(t, st)
		t.Run("stored and loaded exactly, variants in order", func(t *testing.T) {
			want := &qalam.Media{
				Name:        "a1b2c3.png",
				ContentType: "image/png",
				Width:       3000,
				Height:      2000,
				Bytes:       1 << 33,
				Variants: []qalam.MediaVariant{
					{Width: 320, Height: 213, Name: "a1b2c3-320.png"},
					{Width: 1280, Height: 853, Name: "a1b2c3-1280.png"},
				},
				Alt:     "کراچی میں بارش",
				Caption: "Rain in \"Karachi\"\nat dawn",
				Credit:  "AP",
				UserID:  uploader.ID,
			}
			if err := st.CreateMedia(ctx, want); err != nil {
				t.Fatal(err)
			}
			if want.ID == 0 || want.CreatedAt.IsZero() {
				t.Fatalf("ID and CreatedAt not set: %+v", want)
			}
			got, err := st.Media(ctx, want.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Media() = %+v\nwant %+v", got, want)
			}
		})
		t.Run("no variants and no uploader", func(t *testing.T) {
			want := storetest.Media(t, st, func(m *qalam.Media) { m.Variants, m.UserID = nil, 0 })
			got, err := st.Media(ctx, want.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Media() = %+v\nwant %+v", got, want)
			}
		})
		for _, tc := range []struct {
			name  string
			edit  func(*qalam.Media)
			kind  qalam.Kind
			field string
		}{
			{"no alt text refused", func(m *qalam.Media) { m.Alt = " " }, qalam.KindInvalid, "alt"},
			{"no file refused", func(m *qalam.Media) { m.Name = "" }, qalam.KindInvalid, "file"},
			{"name in use is a conflict", func(m *qalam.Media) { m.Name = "a1b2c3.png" }, qalam.KindConflict, "name"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				m := &qalam.Media{Name: "new.jpg", ContentType: "image/jpeg", Width: 1, Height: 1, Bytes: 1, Alt: "x"}
				tc.edit(m)
				err := st.CreateMedia(ctx, m)
				wantKind(t, err, tc.kind)
				wantField(t, err, tc.field)
			})
		}
		t.Run("unknown is not found", func(t *testing.T) {
			_, err := st.Media(ctx, 1_000_000)
			wantKind(t, err, qalam.KindNotFound)
		})
	})
}

func TestStore_FindMedia(t *testing.T) {
	start := time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC)
	forEachDialectAt(t, start, func(t *testing.T, st *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		ayesha := storetest.User(t, st)
		bilal := storetest.User(t, st)
		var mine, all []int64 // newest first
		for i := range 35 {
			clock.Advance(time.Minute)
			user := bilal.ID
			if i%5 == 0 {
				user = ayesha.ID
			}
			m := storetest.Media(t, st, func(m *qalam.Media) { m.UserID = user })
			all = append([]int64{m.ID}, all...)
			if user == ayesha.ID {
				mine = append([]int64{m.ID}, mine...)
			}
		}
		for _, tc := range []struct {
			name      string
			filter    store.MediaFilter
			want      []int64
			wantTotal int
		}{
			{"newest first, 30 by default", store.MediaFilter{}, all[:30], 35},
			{"next page by offset", store.MediaFilter{Offset: 30}, all[30:], 35},
			{"limited", store.MediaFilter{Limit: 3, Offset: 1}, all[1:4], 35},
			{"at most 100", store.MediaFilter{Limit: 1000}, all, 35},
			{"one uploader's", store.MediaFilter{UserID: ayesha.ID}, mine, 7},
			{"one uploader's, paged", store.MediaFilter{UserID: ayesha.ID, Limit: 2, Offset: 2}, mine[2:4], 7},
			{"past the end", store.MediaFilter{Offset: 50}, []int64{}, 35},
		} {
			t.Run(tc.name, func(t *testing.T) {
				list, total, err := st.FindMedia(ctx, tc.filter)
				if err != nil {
					t.Fatal(err)
				}
				got := []int64{}
				for _, m := range list {
					got = append(got, m.ID)
				}
				if !reflect.DeepEqual(got, tc.want) || total != tc.wantTotal {
					t.Errorf("got %v total %d, want %v total %d", got, total, tc.want, tc.wantTotal)
				}
			})
		}
	})
}

func TestStore_UpdateMedia(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		t.Run("describing fields changed", func(t *testing.T) {
			m := storetest.Media(t, st)
			got, err := st.UpdateMedia(ctx, m.ID, "New alt", "", "Reuters")
			if err != nil {
				t.Fatal(err)
			}
			want := *m
			want.Alt, want.Caption, want.Credit = "New alt", "", "Reuters"
			if !reflect.DeepEqual(got, &want) {
				t.Errorf("UpdateMedia() = %+v\nwant %+v", got, &want)
			}
			stored, err := st.Media(ctx, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(stored, got) {
				t.Errorf("stored %+v\nreturned %+v", stored, got)
			}
		})
		t.Run("invalid refused and nothing changed", func(t *testing.T) {
			m := storetest.Media(t, st)
			_, err := st.UpdateMedia(ctx, m.ID, "", "c", "d")
			wantKind(t, err, qalam.KindInvalid)
			wantField(t, err, "alt")
			stored, err := st.Media(ctx, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(stored, m) {
				t.Errorf("stored %+v\nwant %+v", stored, m)
			}
		})
		t.Run("unknown is not found", func(t *testing.T) {
			_, err := st.UpdateMedia(ctx, 1_000_000, "a", "", "")
			wantKind(t, err, qalam.KindNotFound)
		})
	})
}

func TestStore_DeleteMedia(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		m := storetest.Media(t, st)
		a := storetest.Article(t, st, func(a *qalam.Article) { a.FeaturedImageID = m.ID })
		author := storetest.Author(t, st, func(a *qalam.Author) { a.PhotoID = m.ID })
		if err := st.DeleteMedia(ctx, m.ID); err != nil {
			t.Fatal(err)
		}
		t.Run("gone", func(t *testing.T) {
			_, err := st.Media(ctx, m.ID)
			wantKind(t, err, qalam.KindNotFound)
		})
		t.Run("articles and authors lose the picture", func(t *testing.T) {
			got, err := st.Article(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.FeaturedImageID != 0 || got.FeaturedImage != nil {
				t.Errorf("FeaturedImageID = %d FeaturedImage = %v", got.FeaturedImageID, got.FeaturedImage)
			}
			gotAuthor, err := st.Author(ctx, author.ID)
			if err != nil {
				t.Fatal(err)
			}
			if gotAuthor.PhotoID != 0 {
				t.Errorf("PhotoID = %d, want 0", gotAuthor.PhotoID)
			}
		})
		t.Run("unknown is not found", func(t *testing.T) {
			wantKind(t, st.DeleteMedia(ctx, m.ID), qalam.KindNotFound)
		})
	})
}
