package store_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
)

const ownWindow = 15 * time.Minute

var ownStart = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// ownCommentOf stores a comment by commenter on article a.
func ownCommentOf(t *testing.T, st *store.Store, a *qalam.Article, commenter *qalam.Commenter, status qalam.CommentStatus) *qalam.Comment {
	t.Helper()
	return storetest.Comment(t, st, a.ID, func(c *qalam.Comment) {
		c.CommenterID = commenter.ID
		c.Status = status
	})
}

func TestStore_EditOwnComment(t *testing.T) {
	forEachDialectAt(t, ownStart, func(t *testing.T, st *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		a := storetest.Article(t, st)
		me, other := storetest.Commenter(t, st), storetest.Commenter(t, st)

		t.Run("changes the text and marks it edited, within the window", func(t *testing.T) {
			c := ownCommentOf(t, st, a, me, qalam.Approved)
			if !c.EditedAt.IsZero() {
				t.Fatalf("new comment EditedAt = %v, want zero", c.EditedAt)
			}
			clock.Advance(ownWindow - time.Second)
			got, err := st.EditOwnComment(ctx, c.ID, me.ID, store.OwnEdit{Body: "Second thoughts.", BodyHTML: "<p>Second thoughts.</p>"}, ownWindow)
			if err != nil {
				t.Fatal(err)
			}
			now := clock.Now()
			if got.Body != "Second thoughts." || got.BodyHTML != "<p>Second thoughts.</p>" || !got.EditedAt.Equal(now) || !got.UpdatedAt.Equal(now) {
				t.Errorf("returned %+v, want the new text edited at %v", got, now)
			}
			stored, err := st.Comment(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if stored.Body != "Second thoughts." || stored.BodyHTML != "<p>Second thoughts.</p>" || !stored.EditedAt.Equal(now) ||
				!stored.UpdatedAt.Equal(now) || !stored.CreatedAt.Equal(c.CreatedAt) || stored.Status != qalam.Approved {
				t.Errorf("stored %+v, want the new text edited at %v, still approved, created at %v", stored, now, c.CreatedAt)
			}
		})
		t.Run("a held comment stays held", func(t *testing.T) {
			c := ownCommentOf(t, st, a, me, qalam.Pending)
			got, err := st.EditOwnComment(ctx, c.ID, me.ID, store.OwnEdit{Body: "Edited.", BodyHTML: "<p>Edited.</p>"}, ownWindow)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != qalam.Pending {
				t.Errorf("status = %s, want pending", got.Status)
			}
		})
		t.Run("screening can hold an approved comment again, with its reason audited", func(t *testing.T) {
			c := ownCommentOf(t, st, a, me, qalam.Approved)
			edit := store.OwnEdit{Body: "Buy zorbix now.", BodyHTML: "<p>Buy zorbix now.</p>", Status: qalam.Spam, Reason: "rejected word zorbix"}
			got, err := st.EditOwnComment(ctx, c.ID, me.ID, edit, ownWindow)
			if err != nil {
				t.Fatal(err)
			}
			stored, err := st.Comment(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != qalam.Spam || stored.Status != qalam.Spam || stored.ModerationReason != "rejected word zorbix" {
				t.Errorf("returned %s, stored %s (%q), want spam with the reason", got.Status, stored.Status, stored.ModerationReason)
			}
			all, _, err := st.FindAudit(ctx, store.AuditFilter{TargetType: "comment", Action: store.ActionScreened, Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			var entries []*store.AuditEntry
			for _, e := range all {
				if e.TargetID == c.ID {
					entries = append(entries, e)
				}
			}
			if len(entries) != 1 || entries[0].Action != store.ActionScreened || !strings.Contains(entries[0].Reason, "zorbix") {
				t.Errorf("audit = %+v, want one screening entry naming the word", entries)
			}
		})
		t.Run("no edit publishes a held comment", func(t *testing.T) {
			c := ownCommentOf(t, st, a, me, qalam.Pending)
			got, err := st.EditOwnComment(ctx, c.ID, me.ID, store.OwnEdit{Body: "Harmless.", BodyHTML: "<p>Harmless.</p>", Status: qalam.Approved}, ownWindow)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != qalam.Pending {
				t.Errorf("status = %s, want still pending", got.Status)
			}
		})
		t.Run("forbidden to another commenter or none", func(t *testing.T) {
			c := ownCommentOf(t, st, a, me, qalam.Approved)
			for _, id := range []int64{other.ID, 0} {
				_, err := st.EditOwnComment(ctx, c.ID, id, store.OwnEdit{Body: "Hijacked.", BodyHTML: "<p>Hijacked.</p>"}, ownWindow)
				wantKind(t, err, qalam.KindForbidden)
				if err := st.DeleteOwnComment(ctx, c.ID, id, ownWindow); qalam.KindOf(err) != qalam.KindForbidden {
					t.Fatalf("DeleteOwnComment by %d = %v, want forbidden", id, err)
				}
			}
			stored, _ := st.Comment(ctx, c.ID)
			if stored.Body != c.Body || stored.Status != qalam.Approved || !stored.EditedAt.IsZero() {
				t.Errorf("stored %+v, want it unchanged", stored)
			}
		})
		t.Run("closed once the window has passed", func(t *testing.T) {
			c := ownCommentOf(t, st, a, me, qalam.Approved)
			clock.Advance(ownWindow)
			_, err := st.EditOwnComment(ctx, c.ID, me.ID, store.OwnEdit{Body: "Too late.", BodyHTML: "<p>Too late.</p>"}, ownWindow)
			wantKind(t, err, qalam.KindClosed)
			if got := qalam.MessageOf(err); got != "Comments can be changed for 15 minutes after posting." {
				t.Errorf("message = %q", got)
			}
			wantKind(t, st.DeleteOwnComment(ctx, c.ID, me.ID, ownWindow), qalam.KindClosed)
			stored, _ := st.Comment(ctx, c.ID)
			if stored.Body != c.Body || stored.Status != qalam.Approved {
				t.Errorf("stored %+v, want it unchanged", stored)
			}
		})
		t.Run("not found when moderated away or missing", func(t *testing.T) {
			c := ownCommentOf(t, st, a, me, qalam.Approved)
			if _, err := st.SetCommentStatus(ctx, c.ID, qalam.Spam); err != nil {
				t.Fatal(err)
			}
			_, err := st.EditOwnComment(ctx, c.ID, me.ID, store.OwnEdit{Body: "Edited.", BodyHTML: "<p>Edited.</p>"}, ownWindow)
			wantKind(t, err, qalam.KindNotFound)
			_, err = st.EditOwnComment(ctx, c.ID+1000, me.ID, store.OwnEdit{Body: "Edited.", BodyHTML: "<p>Edited.</p>"}, ownWindow)
			wantKind(t, err, qalam.KindNotFound)
		})
		t.Run("closed when the discussion has closed", func(t *testing.T) {
			b := storetest.Article(t, st)
			c := ownCommentOf(t, st, b, me, qalam.Approved)
			if _, err := st.UpdateArticle(ctx, b.ID, store.ArticleUpdate{CommentsClosed: ptr(true)}); err != nil {
				t.Fatal(err)
			}
			_, err := st.EditOwnComment(ctx, c.ID, me.ID, store.OwnEdit{Body: "Edited.", BodyHTML: "<p>Edited.</p>"}, ownWindow)
			wantKind(t, err, qalam.KindClosed)
			if err := st.DeleteOwnComment(ctx, c.ID, me.ID, ownWindow); err != nil {
				t.Errorf("DeleteOwnComment on a closed discussion = %v, want nil", err)
			}
		})
	})
}

func TestStore_DeleteOwnComment(t *testing.T) {
	forEachDialectAt(t, ownStart, func(t *testing.T, st *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		a := storetest.Article(t, st)
		me := storetest.Commenter(t, st)
		c := ownCommentOf(t, st, a, me, qalam.Approved)
		kept := ownCommentOf(t, st, a, me, qalam.Approved)
		clock.Advance(time.Minute)
		if err := st.DeleteOwnComment(ctx, c.ID, me.ID, ownWindow); err != nil {
			t.Fatal(err)
		}
		stored, err := st.Comment(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if stored.Status != qalam.Deleted || !stored.UpdatedAt.Equal(clock.Now()) || stored.Body != c.Body {
			t.Errorf("stored %+v, want deleted at %v with its text kept", stored, clock.Now())
		}
		approved := qalam.Approved
		visible, err := st.FindComments(ctx, store.CommentFilter{ArticleID: a.ID, Status: &approved})
		if err != nil {
			t.Fatal(err)
		}
		if len(visible) != 1 || visible[0].ID != kept.ID {
			t.Errorf("visible comments = %v, want only %d", visible, kept.ID)
		}
		t.Run("not found a second time", func(t *testing.T) {
			wantKind(t, st.DeleteOwnComment(ctx, c.ID, me.ID, ownWindow), qalam.KindNotFound)
		})
	})
}

func TestStore_OwnComments(t *testing.T) {
	forEachDialectAt(t, ownStart, func(t *testing.T, st *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		a, b := storetest.Article(t, st), storetest.Article(t, st)
		me, other := storetest.Commenter(t, st), storetest.Commenter(t, st)
		old := ownCommentOf(t, st, a, me, qalam.Approved)
		clock.Advance(10 * time.Minute)
		held := ownCommentOf(t, st, a, me, qalam.Pending)
		approved := ownCommentOf(t, st, a, me, qalam.Approved)
		spam := ownCommentOf(t, st, a, me, qalam.Approved)
		if _, err := st.SetCommentStatus(ctx, spam.ID, qalam.Spam); err != nil {
			t.Fatal(err)
		}
		ownCommentOf(t, st, a, other, qalam.Approved)
		ownCommentOf(t, st, b, me, qalam.Approved)
		storetest.Comment(t, st, a.ID) // no commenter
		clock.Advance(5 * time.Minute) // old is now exactly 15 minutes old

		ids := func(list []*qalam.Comment) []int64 {
			out := []int64{}
			for _, c := range list {
				out = append(out, c.ID)
			}
			return out
		}
		got, err := st.OwnComments(ctx, a.ID, me.ID, ownWindow)
		if err != nil {
			t.Fatal(err)
		}
		if want := []int64{held.ID, approved.ID}; !reflect.DeepEqual(ids(got), want) {
			t.Errorf("OwnComments = %v, want %v (not %d, past the window)", ids(got), want, old.ID)
		}
		t.Run("none for no commenter", func(t *testing.T) {
			got, err := st.OwnComments(ctx, a.ID, 0, ownWindow)
			if err != nil || len(got) != 0 {
				t.Errorf("OwnComments(0) = %v, %v; want none", ids(got), err)
			}
		})
		t.Run("OwnComment agrees", func(t *testing.T) {
			if _, err := st.OwnComment(ctx, held.ID, me.ID, ownWindow); err != nil {
				t.Errorf("OwnComment(held) = %v", err)
			}
			_, err := st.OwnComment(ctx, old.ID, me.ID, ownWindow)
			wantKind(t, err, qalam.KindClosed)
			_, err = st.OwnComment(ctx, held.ID, other.ID, ownWindow)
			wantKind(t, err, qalam.KindForbidden)
		})
	})
}

func TestStore_OwnCommentChanges(t *testing.T) {
	forEachDialectAt(t, ownStart, func(t *testing.T, st *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		a := storetest.Article(t, st)
		me := storetest.Commenter(t, st)
		c := ownCommentOf(t, st, a, me, qalam.Approved)
		r := watch(t, st)
		if _, err := st.EditOwnComment(ctx, c.ID, me.ID, store.OwnEdit{Body: "Edited.", BodyHTML: "<p>Edited.</p>"}, ownWindow); err != nil {
			t.Fatal(err)
		}
		if _, err := st.EditOwnComment(ctx, c.ID, 0, store.OwnEdit{Body: "Refused.", BodyHTML: "<p>Refused.</p>"}, ownWindow); err == nil {
			t.Fatal("refused edit succeeded")
		}
		if err := st.DeleteOwnComment(ctx, c.ID, me.ID, ownWindow); err != nil {
			t.Fatal(err)
		}
		storetest.Category(t, st) // the marker
		want := []store.Change{{ArticleID: a.ID}, {ArticleID: a.ID}, {ArticleID: 0}}
		if got := r.waitUntil(t, len(want)); !reflect.DeepEqual(got, want) {
			t.Errorf("changes\n got %v\nwant %v", got, want)
		}
	})
}
