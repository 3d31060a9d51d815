package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
)

func TestStore_ModerateComments(t *testing.T) {
	forEachDialectAt(t, time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC), func(t *testing.T, st *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		mod := storetest.UserWithRole(t, st, qalam.RoleModerator)
		a1, a2 := storetest.Article(t, st), storetest.Article(t, st)
		token := []byte("moderated commenter")
		commenter, err := st.CreateCommenter(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		held := storetest.Comment(t, st, a1.ID, func(c *qalam.Comment) { c.Status, c.CommenterID = qalam.Pending, commenter.ID })
		held2 := storetest.Comment(t, st, a2.ID, func(c *qalam.Comment) { c.Status = qalam.Pending })
		already := storetest.Comment(t, st, a1.ID) // approved
		rec := watch(t, st)

		changed, err := st.ModerateComments(ctx, []int64{held2.ID, held.ID, already.ID, held.ID, 999999}, qalam.Approved, mod.ID, "fine")
		if err != nil {
			t.Fatal(err)
		}
		if want := []int64{held.ID, held2.ID}; !slices.Equal(changed, want) {
			t.Fatalf("changed = %v, want %v (the approved one and the missing one skipped)", changed, want)
		}
		for _, id := range changed {
			c, err := st.Comment(ctx, id)
			if err != nil || c.Status != qalam.Approved {
				t.Errorf("comment %d: %v, %v; want approved", id, c, err)
			}
		}
		if got, err := st.CommenterByToken(ctx, token); err != nil || !got.Trusted {
			t.Errorf("the commenter of an approved comment is not trusted: %v, %v", got, err)
		}
		entries, total, err := st.FindAudit(ctx, store.AuditFilter{TargetType: "comment"})
		if err != nil || total != 2 {
			t.Fatalf("audit: %d entries, %v; want 2", total, err)
		}
		for _, e := range entries {
			if e.UserID != mod.ID || e.Action != "comment.approved" || e.Reason != "fine" || e.Detail != "pending → approved" ||
				(e.TargetID != held.ID && e.TargetID != held2.ID) {
				t.Errorf("audit entry %+v", e)
			}
		}
		got := rec.waitUntil(t, 2)
		if !slices.ContainsFunc(got, func(c store.Change) bool { return c.ArticleID == a1.ID }) ||
			!slices.ContainsFunc(got, func(c store.Change) bool { return c.ArticleID == a2.ID }) {
			t.Errorf("changes = %v, want both articles", got)
		}

		t.Run("nothing to change records nothing", func(t *testing.T) {
			changed, err := st.ModerateComments(ctx, []int64{held.ID}, qalam.Approved, mod.ID, "")
			if err != nil || len(changed) != 0 {
				t.Errorf("= %v, %v; want none", changed, err)
			}
			if _, total, _ := st.FindAudit(ctx, store.AuditFilter{}); total != 2 {
				t.Errorf("audit has %d entries, want still 2", total)
			}
		})
		t.Run("nothing returns to pending", func(t *testing.T) {
			_, err := st.ModerateComments(ctx, []int64{held.ID}, qalam.Pending, mod.ID, "")
			wantKind(t, err, qalam.KindInvalid)
			_, err = st.ModerateComments(ctx, []int64{held.ID}, "hidden", mod.ID, "")
			wantKind(t, err, qalam.KindInvalid)
		})
		t.Run("an unknown user fails the whole batch", func(t *testing.T) {
			_, err := st.ModerateComments(ctx, []int64{held.ID, held2.ID}, qalam.Spam, 999999, "")
			if err == nil {
				t.Fatal("moderated as a user who does not exist")
			}
			for _, id := range []int64{held.ID, held2.ID} {
				if c, _ := st.Comment(ctx, id); c.Status != qalam.Approved {
					t.Errorf("comment %d is %s after a failed batch, want approved", id, c.Status)
				}
			}
		})
	})
}

func TestStore_CountComments(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a := storetest.Article(t, st)
		for _, s := range []qalam.CommentStatus{qalam.Pending, qalam.Pending, qalam.Spam, qalam.Approved} {
			storetest.Comment(t, st, a.ID, func(c *qalam.Comment) { c.Status = s })
		}
		for s, want := range map[qalam.CommentStatus]int{qalam.Pending: 2, qalam.Spam: 1, qalam.Approved: 1, qalam.Deleted: 0} {
			if n, err := st.CountComments(ctx, s); err != nil || n != want {
				t.Errorf("CountComments(%s) = %d, %v; want %d", s, n, err, want)
			}
		}
		counts, err := st.CommentCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if counts[qalam.Pending] != 2 || counts[qalam.Spam] != 1 || counts[qalam.Approved] != 1 || counts[qalam.Deleted] != 0 {
			t.Errorf("CommentCounts = %v", counts)
		}
	})
}

func TestStore_FindCommentsForQueue(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		art := storetest.Article(t, st, func(a *qalam.Article) { a.Language = qalam.Urdu })
		other := storetest.Article(t, st)
		by := func(email string, s qalam.CommentStatus) func(*qalam.Comment) {
			return func(c *qalam.Comment) { c.AuthorEmail, c.Status = email, s }
		}
		// troll@ has 1 approved and 2 rejected; fan@ 2 approved.
		parent := storetest.Comment(t, st, art.ID, func(c *qalam.Comment) {
			c.AuthorName, c.Body, c.AuthorEmail = "Ayesha", "The first word.", "fan@example.com"
		})
		storetest.Comment(t, st, other.ID, by("fan@example.com", qalam.Approved))
		storetest.Comment(t, st, other.ID, by("troll@example.com", qalam.Approved))
		storetest.Comment(t, st, other.ID, by("troll@example.com", qalam.Spam))
		storetest.Comment(t, st, other.ID, by("troll@example.com", qalam.Deleted))
		reply := storetest.Comment(t, st, art.ID, func(c *qalam.Comment) {
			by("troll@example.com", qalam.Pending)(c)
			c.ParentID = parent.ID
		})
		newest := storetest.Comment(t, st, other.ID, by("new@example.com", qalam.Pending))

		pending := qalam.Pending
		list, total, err := st.FindCommentsForQueue(ctx, store.QueueFilter{Status: &pending})
		if err != nil {
			t.Fatal(err)
		}
		if total != 2 || len(list) != 2 || list[0].Comment.ID != newest.ID || list[1].Comment.ID != reply.ID {
			t.Fatalf("held = %d of %d; want the 2 held, newest first", len(list), total)
		}
		it := list[1]
		if it.ArticleID != art.ID || it.ArticleSlug != art.Slug || it.ArticleHeadline != art.Headline || it.ArticleLanguage != qalam.Urdu {
			t.Errorf("article = %d %q %q %q; want %d %q %q ur", it.ArticleID, it.ArticleSlug, it.ArticleHeadline, it.ArticleLanguage, art.ID, art.Slug, art.Headline)
		}
		if it.ParentName != "Ayesha" || it.ParentBody != "The first word." {
			t.Errorf("parent = %q, %q", it.ParentName, it.ParentBody)
		}
		if it.Approved != 1 || it.Rejected != 2 {
			t.Errorf("troll's history = %d approved, %d rejected; want 1, 2", it.Approved, it.Rejected)
		}
		if n := list[0]; n.Approved != 0 || n.Rejected != 0 || n.ParentName != "" {
			t.Errorf("a newcomer's item = %+v", n)
		}

		all, total, err := st.FindCommentsForQueue(ctx, store.QueueFilter{Limit: 3, Offset: 3})
		if err != nil {
			t.Fatal(err)
		}
		if total != 7 || len(all) != 3 || all[0].Comment.ID != storetestNth(t, st, 3) {
			t.Errorf("all, page 2 of 3 = %d of %d", len(all), total)
		}
		for _, it := range all {
			if it.Comment.AuthorEmail == "fan@example.com" && (it.Approved != 2 || it.Rejected != 0) {
				t.Errorf("fan's history = %d, %d; want 2, 0", it.Approved, it.Rejected)
			}
		}
	})
}

// storetestNth is the ID of the comment n places from the newest.
func storetestNth(t *testing.T, st *store.Store, n int) int64 {
	t.Helper()
	list, err := st.FindComments(context.Background(), store.CommentFilter{})
	if err != nil || len(list) <= n {
		t.Fatalf("FindComments: %d, %v", len(list), err)
	}
	return list[len(list)-1-n].ID
}
