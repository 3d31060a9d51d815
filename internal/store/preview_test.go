package store_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
)

func TestStore_PreviewTokens(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		editor := storetest.User(t, st)
		draft := storetest.Article(t, st, func(a *qalam.Article) { a.Status = qalam.Draft })
		other := storetest.Article(t, st, func(a *qalam.Article) { a.Status = qalam.Draft })
		first, second, others := []byte{1, 2, 3, 0xff}, []byte{4, 5, 6}, []byte{7, 8, 9}
		for _, tc := range []struct {
			article int64
			hash    []byte
			user    int64
		}{{draft.ID, first, editor.ID}, {draft.ID, second, 0}, {other.ID, others, editor.ID}} {
			if err := st.CreatePreviewToken(ctx, tc.article, tc.hash, tc.user); err != nil {
				t.Fatal(err)
			}
		}

		t.Run("token opens its article", func(t *testing.T) {
			got, err := st.ArticleByPreviewToken(ctx, second)
			if err != nil {
				t.Fatal(err)
			}
			want, err := st.Article(ctx, draft.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("ArticleByPreviewToken() = %+v\nwant %+v", got, want)
			}
			if has, err := st.HasPreviewToken(ctx, draft.ID); err != nil || !has {
				t.Errorf("HasPreviewToken() = %v, %v; want true", has, err)
			}
		})
		t.Run("unknown token is not found", func(t *testing.T) {
			_, err := st.ArticleByPreviewToken(ctx, []byte("nope"))
			wantKind(t, err, qalam.KindNotFound)
		})
		t.Run("revoked tokens are not found", func(t *testing.T) {
			if err := st.RevokePreviewTokens(ctx, draft.ID); err != nil {
				t.Fatal(err)
			}
			for _, hash := range [][]byte{first, second} {
				_, err := st.ArticleByPreviewToken(ctx, hash)
				wantKind(t, err, qalam.KindNotFound)
			}
			if has, err := st.HasPreviewToken(ctx, draft.ID); err != nil || has {
				t.Errorf("HasPreviewToken() = %v, %v; want false", has, err)
			}
			t.Run("another article's stay", func(t *testing.T) {
				if _, err := st.ArticleByPreviewToken(ctx, others); err != nil {
					t.Error(err)
				}
			})
			t.Run("revoking again is not an error", func(t *testing.T) {
				if err := st.RevokePreviewTokens(ctx, draft.ID); err != nil {
					t.Error(err)
				}
			})
			t.Run("a new token works", func(t *testing.T) {
				if err := st.CreatePreviewToken(ctx, draft.ID, []byte("fresh"), editor.ID); err != nil {
					t.Fatal(err)
				}
				if has, err := st.HasPreviewToken(ctx, draft.ID); err != nil || !has {
					t.Errorf("HasPreviewToken() = %v, %v; want true", has, err)
				}
			})
		})
		t.Run("no token: none", func(t *testing.T) {
			a := storetest.Article(t, st, func(a *qalam.Article) { a.Status = qalam.Draft })
			if has, err := st.HasPreviewToken(ctx, a.ID); err != nil || has {
				t.Errorf("HasPreviewToken() = %v, %v; want false", has, err)
			}
		})
		t.Run("deleted with the article", func(t *testing.T) {
			if err := st.DeleteArticle(ctx, other.ID); err != nil {
				t.Fatal(err)
			}
			_, err := st.ArticleByPreviewToken(ctx, others)
			wantKind(t, err, qalam.KindNotFound)
		})
		for _, tc := range []struct {
			name    string
			article int64
			hash    []byte
			kind    qalam.Kind
		}{
			{"empty token refused", draft.ID, nil, qalam.KindInvalid},
			{"unknown article is not found", 1_000_000, []byte("x"), qalam.KindNotFound},
			{"same token twice is a conflict", draft.ID, []byte("fresh"), qalam.KindConflict},
		} {
			t.Run(tc.name, func(t *testing.T) {
				wantKind(t, st.CreatePreviewToken(ctx, tc.article, tc.hash, 0), tc.kind)
			})
		}
	})
}
