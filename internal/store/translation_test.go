package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
)

func TestStore_SetTranslation(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		article := func(lang qalam.Language) *qalam.Article {
			return storetest.Article(t, st, func(a *qalam.Article) { a.Language = lang })
		}
		en, ur, ur2, en2 := article(qalam.English), article(qalam.Urdu), article(qalam.Urdu), article(qalam.English)
		// translationOf returns the slug of the article's translation, or
		// "" when it has none.
		translationOf := func(t *testing.T, a *qalam.Article) string {
			t.Helper()
			tr, err := st.Translation(ctx, a.ID)
			if errors.Is(err, qalam.ErrNotFound) {
				return ""
			}
			if err != nil {
				t.Fatal(err)
			}
			return tr.Slug
		}
		wantLinks := func(t *testing.T, want map[*qalam.Article]*qalam.Article) {
			t.Helper()
			for a, tr := range want {
				w := ""
				if tr != nil {
					w = tr.Slug
				}
				if got := translationOf(t, a); got != w {
					t.Errorf("translation of %s = %q, want %q", a.Slug, got, w)
				}
			}
		}

		t.Run("a link reads from both sides", func(t *testing.T) {
			if err := st.SetTranslation(ctx, en.ID, ur.ID); err != nil {
				t.Fatal(err)
			}
			wantLinks(t, map[*qalam.Article]*qalam.Article{en: ur, ur: en, ur2: nil})
			tr, err := st.Translation(ctx, ur.ID)
			if err != nil {
				t.Fatal(err)
			}
			if tr.Language != qalam.English || tr.Headline != en.Headline || tr.Status != qalam.Published {
				t.Errorf("translation = %+v", tr)
			}
		})
		t.Run("a new link replaces both sides' old ones", func(t *testing.T) {
			if err := st.SetTranslation(ctx, ur2.ID, en.ID); err != nil {
				t.Fatal(err)
			}
			wantLinks(t, map[*qalam.Article]*qalam.Article{en: ur2, ur2: en, ur: nil})
		})
		t.Run("refused: the same language, itself, an unknown article", func(t *testing.T) {
			wantKind(t, st.SetTranslation(ctx, en.ID, en2.ID), qalam.KindInvalid)
			wantKind(t, st.SetTranslation(ctx, en.ID, en.ID), qalam.KindInvalid)
			wantKind(t, st.SetTranslation(ctx, en.ID, 1<<40), qalam.KindNotFound)
			wantLinks(t, map[*qalam.Article]*qalam.Article{en: ur2, ur2: en, en2: nil})
		})
		t.Run("zero removes the link", func(t *testing.T) {
			if err := st.SetTranslation(ctx, ur2.ID, 0); err != nil {
				t.Fatal(err)
			}
			wantLinks(t, map[*qalam.Article]*qalam.Article{en: nil, ur2: nil})
		})
		t.Run("deleting an article removes its link", func(t *testing.T) {
			if err := st.SetTranslation(ctx, en2.ID, ur.ID); err != nil {
				t.Fatal(err)
			}
			if err := st.DeleteArticle(ctx, ur.ID); err != nil {
				t.Fatal(err)
			}
			wantLinks(t, map[*qalam.Article]*qalam.Article{en2: nil})
		})
	})
}

func TestStore_SetTranslationTellsBothPages(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		en := storetest.Article(t, st)
		ur := storetest.Article(t, st, func(a *qalam.Article) { a.Language = qalam.Urdu })
		old := storetest.Article(t, st, func(a *qalam.Article) { a.Language = qalam.Urdu })
		if err := st.SetTranslation(ctx, en.ID, old.ID); err != nil {
			t.Fatal(err)
		}
		changes := make(chan store.Change, 16)
		watchCtx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			st.WatchChanges(watchCtx, func(c store.Change) { changes <- c })
		}()
		defer func() { stop(); <-done }()
		if c := <-changes; !c.All {
			t.Fatalf("first change = %+v, want All", c)
		}
		if err := st.SetTranslation(ctx, en.ID, ur.ID); err != nil {
			t.Fatal(err)
		}
		got := map[int64]bool{}
		for len(got) < 3 {
			c := <-changes
			got[c.ArticleID] = true
		}
		for _, a := range []*qalam.Article{en, ur, old} {
			if !got[a.ID] {
				t.Errorf("no change for article %s", a.Slug)
			}
		}
	})
}
