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

// revisionNotes lists the notes of an article's revisions, newest first.
func revisionNotes(t *testing.T, st *store.Store, articleID int64) []string {
	t.Helper()
	list, err := st.FindRevisions(context.Background(), articleID)
	if err != nil {
		t.Fatal(err)
	}
	notes := []string{}
	for _, r := range list {
		notes = append(notes, r.Note)
	}
	return notes
}

func TestStore_Revisions(t *testing.T) {
	start := time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC)
	forEachDialectAt(t, start, func(t *testing.T, st *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		editor := storetest.User(t, st)
		save := func(t *testing.T, id int64, u store.ArticleUpdate) *qalam.Article {
			t.Helper()
			clock.Advance(time.Hour)
			a, err := st.UpdateArticle(ctx, id, u)
			if err != nil {
				t.Fatal(err)
			}
			return a
		}

		t.Run("draft saves make none", func(t *testing.T) {
			a := storetest.Article(t, st, func(a *qalam.Article) { a.Status = qalam.Draft })
			save(t, a.ID, store.ArticleUpdate{Headline: ptr("Draft 2"), Revision: &store.RevisionInfo{UserID: editor.ID, Note: "Tightened"}})
			save(t, a.ID, store.ArticleUpdate{Status: ptr(qalam.Submitted), Revision: &store.RevisionInfo{Note: "Submitted"}})
			if got := revisionNotes(t, st, a.ID); len(got) != 0 {
				t.Errorf("revisions %v, want none", got)
			}
		})
		t.Run("first publication makes one of the published text", func(t *testing.T) {
			a := storetest.Article(t, st, func(a *qalam.Article) { a.Status = qalam.Draft })
			got := save(t, a.ID, store.ArticleUpdate{Status: ptr(qalam.Published), Headline: ptr("As published")})
			list, err := st.FindRevisions(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 1 {
				t.Fatalf("%d revisions, want 1", len(list))
			}
			want := &qalam.Revision{ID: list[0].ID, ArticleID: a.ID, Headline: "As published", Standfirst: got.Standfirst,
				Body: got.Body, Label: got.Label, Note: "Published", CreatedAt: clock.Now()}
			if !reflect.DeepEqual(list[0], want) {
				t.Errorf("revision %+v\nwant %+v", list[0], want)
			}
		})
		t.Run("publishing with an editor's note keeps one, not minor", func(t *testing.T) {
			a := storetest.Article(t, st, func(a *qalam.Article) { a.Status = qalam.Submitted })
			save(t, a.ID, store.ArticleUpdate{Status: ptr(qalam.Published), Revision: &store.RevisionInfo{UserID: editor.ID, Minor: true, Note: "Approved"}})
			list, err := st.FindRevisions(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 1 || list[0].Note != "Approved" || list[0].Minor || list[0].UserID != editor.ID {
				t.Errorf("revisions %+v, want one non-minor noted Approved by %d", list, editor.ID)
			}
		})
		t.Run("created published makes one", func(t *testing.T) {
			a := storetest.Article(t, st)
			if got, want := revisionNotes(t, st, a.ID), []string{"Published"}; !reflect.DeepEqual(got, want) {
				t.Errorf("revisions %v, want %v", got, want)
			}
		})
		t.Run("published saves make one each, newest first, with the new text", func(t *testing.T) {
			a := storetest.Article(t, st)
			save(t, a.ID, store.ArticleUpdate{Body: ptr("Body 2"), Revision: &store.RevisionInfo{UserID: editor.ID, Note: "Added reaction"}})
			last := save(t, a.ID, store.ArticleUpdate{
				Headline: ptr("Headline 3"), Standfirst: ptr("Standfirst 3"), EditorNote: ptr("Note 3"), Body: ptr("Body 3"),
				Label: ptr(qalam.Analysis), SEOTitle: ptr("SEO 3"), SEODescription: ptr("SEO description 3"),
				Revision: &store.RevisionInfo{UserID: editor.ID, Minor: true, Note: "Typo"},
			})
			if got, want := revisionNotes(t, st, a.ID), []string{"Typo", "Added reaction", "Published"}; !reflect.DeepEqual(got, want) {
				t.Fatalf("revisions %v, want %v", got, want)
			}
			list, err := st.FindRevisions(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := &qalam.Revision{ID: list[0].ID, ArticleID: a.ID, Headline: "Headline 3", Standfirst: "Standfirst 3",
				EditorNote: "Note 3", Body: "Body 3", Label: qalam.Analysis, SEOTitle: "SEO 3", SEODescription: "SEO description 3",
				Minor: true, Note: "Typo", UserID: editor.ID, CreatedAt: last.EditedAt}
			if !reflect.DeepEqual(list[0], want) {
				t.Errorf("newest revision %+v\nwant %+v", list[0], want)
			}
			if list[1].Body != "Body 2" || list[2].Body != a.Body {
				t.Errorf("older bodies %q, %q; want %q, %q", list[1].Body, list[2].Body, "Body 2", a.Body)
			}
			t.Run("found by id", func(t *testing.T) {
				got, err := st.Revision(ctx, list[1].ID)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, list[1]) {
					t.Errorf("Revision() = %+v, want %+v", got, list[1])
				}
			})
		})
		t.Run("a published save without a revision makes none", func(t *testing.T) {
			a := storetest.Article(t, st)
			save(t, a.ID, store.ArticleUpdate{CommentsClosed: ptr(true)})
			if got, want := revisionNotes(t, st, a.ID), []string{"Published"}; !reflect.DeepEqual(got, want) {
				t.Errorf("revisions %v, want %v", got, want)
			}
		})
		t.Run("unpublishing with a revision keeps one", func(t *testing.T) {
			a := storetest.Article(t, st)
			save(t, a.ID, store.ArticleUpdate{Status: ptr(qalam.Unpublished), Revision: &store.RevisionInfo{Note: "Legal"}})
			save(t, a.ID, store.ArticleUpdate{Body: ptr("Rewritten offline"), Revision: &store.RevisionInfo{Note: "Unseen"}})
			if got, want := revisionNotes(t, st, a.ID), []string{"Legal", "Published"}; !reflect.DeepEqual(got, want) {
				t.Errorf("revisions %v, want %v", got, want)
			}
		})

		t.Run("UpdatedAt", func(t *testing.T) {
			a := storetest.Article(t, st)
			published := a.UpdatedAt
			for _, tc := range []struct {
				name        string
				u           store.ArticleUpdate
				wantUpdated bool // moved to now, readers are told
			}{
				{"kept by a save without a revision", store.ArticleUpdate{Body: ptr("b1")}, false},
				{"kept by a minor save", store.ArticleUpdate{Body: ptr("b2"), Revision: &store.RevisionInfo{Minor: true}}, false},
				{"moved by a non-minor save", store.ArticleUpdate{Body: ptr("b3"), Revision: &store.RevisionInfo{Note: "New figures"}}, true},
				{"kept by another minor save", store.ArticleUpdate{Body: ptr("b4"), Revision: &store.RevisionInfo{Minor: true}}, false},
				{"kept when unpublishing", store.ArticleUpdate{Status: ptr(qalam.Unpublished), Revision: &store.RevisionInfo{}}, false},
				{"kept by a non-minor save while unpublished", store.ArticleUpdate{Body: ptr("b5"), Revision: &store.RevisionInfo{}}, false},
				{"kept when republished", store.ArticleUpdate{Status: ptr(qalam.Published), Revision: &store.RevisionInfo{}}, false},
			} {
				t.Run(tc.name, func(t *testing.T) {
					before, err := st.Article(ctx, a.ID)
					if err != nil {
						t.Fatal(err)
					}
					got := save(t, a.ID, tc.u)
					want := before.UpdatedAt
					if tc.wantUpdated {
						want = clock.Now()
					}
					if !got.UpdatedAt.Equal(want) || !got.EditedAt.Equal(clock.Now()) {
						t.Errorf("UpdatedAt = %v EditedAt = %v, want %v and %v", got.UpdatedAt, got.EditedAt, want, clock.Now())
					}
					if !got.PublishedAt.Equal(published) {
						t.Errorf("PublishedAt = %v, want %v", got.PublishedAt, published)
					}
				})
			}
		})
		t.Run("unknown revision is not found", func(t *testing.T) {
			_, err := st.Revision(ctx, 1_000_000)
			wantKind(t, err, qalam.KindNotFound)
		})
		t.Run("unknown article has none", func(t *testing.T) {
			list, err := st.FindRevisions(ctx, 1_000_000)
			if err != nil || list == nil || len(list) != 0 {
				t.Errorf("FindRevisions() = %v, %v; want empty", list, err)
			}
		})
	})
}
