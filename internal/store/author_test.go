package store_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
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

func TestStore_AuthorProfiles(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		photo := storetest.Media(t, st)
		user := storetest.UserWithRole(t, st, qalam.RoleAuthor)

		t.Run("photo, links and account stored and loaded everywhere", func(t *testing.T) {
			want := storetest.Author(t, st, func(a *qalam.Author) {
				a.PhotoID, a.UserID = photo.ID, user.ID
				a.Links = []string{"https://example.com/ayesha", "http://example.org/?q=a,b"}
			})
			got, err := st.Author(ctx, want.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Author() = %+v, want %+v", got, want)
			}
			got, err = st.AuthorByUser(ctx, user.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("AuthorByUser() = %+v, want %+v", got, want)
			}
			a := storetest.Article(t, st, func(a *qalam.Article) { a.AuthorIDs = []int64{want.ID} })
			article, err := st.Article(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(article.Authors, []qalam.Author{*want}) {
				t.Errorf("byline %+v, want %+v", article.Authors, want)
			}
			list, err := st.FindAuthors(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(list, func(a *qalam.Author) bool { return reflect.DeepEqual(a, want) }) {
				t.Errorf("FindAuthors() = %+v, want it to hold %+v", list, want)
			}
		})
		t.Run("account with a profile already is a conflict", func(t *testing.T) {
			err := st.CreateAuthor(ctx, &qalam.Author{Slug: "second-profile", Name: "X", UserID: user.ID})
			wantKind(t, err, qalam.KindConflict)
			wantField(t, err, "user")
		})
		for _, tc := range []struct {
			name  string
			edit  func(*qalam.Author)
			field string
		}{
			{"unknown photo refused", func(a *qalam.Author) { a.PhotoID = 1_000_000 }, "photo"},
			{"unknown account refused", func(a *qalam.Author) { a.UserID = 1_000_000 }, "user"},
			{"link not on the web refused", func(a *qalam.Author) { a.Links = []string{"javascript:alert(1)"} }, "links"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				a := &qalam.Author{Slug: "refused", Name: "X"}
				tc.edit(a)
				err := st.CreateAuthor(ctx, a)
				wantKind(t, err, qalam.KindInvalid)
				wantField(t, err, tc.field)
			})
		}
		t.Run("account without a profile is not found", func(t *testing.T) {
			_, err := st.AuthorByUser(ctx, storetest.User(t, st).ID)
			wantKind(t, err, qalam.KindNotFound)
		})
	})
}

func TestStore_UpdateAuthor(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		photo := storetest.Media(t, st)
		t.Run("set fields changed, nil fields kept", func(t *testing.T) {
			a := storetest.Author(t, st, func(a *qalam.Author) { a.Links = []string{"https://example.com/old"} })
			user := storetest.User(t, st)
			got, err := st.UpdateAuthor(ctx, a.ID, store.AuthorUpdate{
				Name:    ptr("عائشہ"),
				Slug:    ptr("ayesha-s"),
				PhotoID: ptr(photo.ID),
				UserID:  ptr(user.ID),
				Links:   &[]string{"https://example.com/new"},
			})
			if err != nil {
				t.Fatal(err)
			}
			want := *a
			want.Name, want.Slug, want.PhotoID, want.UserID, want.Links = "عائشہ", "ayesha-s", photo.ID, user.ID, []string{"https://example.com/new"}
			if !reflect.DeepEqual(got, &want) {
				t.Errorf("UpdateAuthor() = %+v\nwant %+v", got, &want)
			}
			stored, err := st.AuthorByUser(ctx, user.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(stored, got) {
				t.Errorf("stored %+v\nreturned %+v", stored, got)
			}
			t.Run("photo, account and links removed", func(t *testing.T) {
				got, err := st.UpdateAuthor(ctx, a.ID, store.AuthorUpdate{PhotoID: ptr(int64(0)), UserID: ptr(int64(0)), Links: &[]string{}})
				if err != nil {
					t.Fatal(err)
				}
				if got.PhotoID != 0 || got.UserID != 0 || got.Links != nil {
					t.Errorf("UpdateAuthor() = %+v", got)
				}
				_, err = st.AuthorByUser(ctx, user.ID)
				wantKind(t, err, qalam.KindNotFound)
			})
		})
		t.Run("keeping its own account is no conflict", func(t *testing.T) {
			user := storetest.User(t, st)
			a := storetest.Author(t, st, func(a *qalam.Author) { a.UserID = user.ID })
			if _, err := st.UpdateAuthor(ctx, a.ID, store.AuthorUpdate{UserID: ptr(user.ID), Bio: ptr("New bio")}); err != nil {
				t.Fatal(err)
			}
		})
		linked := storetest.User(t, st)
		taken := storetest.Author(t, st, func(a *qalam.Author) { a.UserID = linked.ID })
		for _, tc := range []struct {
			name  string
			u     store.AuthorUpdate
			kind  qalam.Kind
			field string
		}{
			{"slug in use is a conflict", store.AuthorUpdate{Slug: ptr(taken.Slug)}, qalam.KindConflict, "slug"},
			{"account linked to another is a conflict", store.AuthorUpdate{UserID: ptr(linked.ID)}, qalam.KindConflict, "user"},
			{"blank name refused", store.AuthorUpdate{Name: ptr(" ")}, qalam.KindInvalid, "name"},
			{"bad link refused", store.AuthorUpdate{Links: &[]string{"ftp://example.com"}}, qalam.KindInvalid, "links"},
			{"unknown photo refused", store.AuthorUpdate{PhotoID: ptr(int64(1_000_000))}, qalam.KindInvalid, "photo"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				a := storetest.Author(t, st)
				_, err := st.UpdateAuthor(ctx, a.ID, tc.u)
				wantKind(t, err, tc.kind)
				wantField(t, err, tc.field)
				stored, err := st.Author(ctx, a.ID)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(stored, a) {
					t.Errorf("stored %+v, want it unchanged %+v", stored, a)
				}
			})
		}
		t.Run("unknown is not found", func(t *testing.T) {
			_, err := st.UpdateAuthor(ctx, 1_000_000, store.AuthorUpdate{Name: ptr("x")})
			wantKind(t, err, qalam.KindNotFound)
		})
	})
}
