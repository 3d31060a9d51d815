package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
)

func TestStore_CommentsByEmail(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a := storetest.Article(t, st, func(a *qalam.Article) { a.Headline = "Qalampur market reopens" })
		b := storetest.Article(t, st)
		mine := []*qalam.Comment{
			storetest.Comment(t, st, a.ID, func(c *qalam.Comment) { c.AuthorEmail = "Zara@Example.org" }),
			storetest.Comment(t, st, b.ID, func(c *qalam.Comment) { c.AuthorEmail = "zara@example.org"; c.Status = qalam.Pending }),
			storetest.Comment(t, st, a.ID, func(c *qalam.Comment) { c.AuthorEmail = "zara@example.org"; c.Status = qalam.Spam }),
		}
		storetest.Comment(t, st, a.ID, func(c *qalam.Comment) { c.AuthorEmail = "someone@example.org" })

		got, err := st.CommentsByEmail(ctx, " ZARA@example.org")
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, rc := range got {
			ids = append(ids, rc.Comment.ID)
		}
		want := []int64{mine[0].ID, mine[1].ID, mine[2].ID}
		if !slices.Equal(ids, want) {
			t.Fatalf("comments = %v, want %v", ids, want)
		}
		if got[0].ArticleHeadline != a.Headline || got[0].ArticleSlug != a.Slug || !got[0].ArticlePublished {
			t.Errorf("first comment's article = %+v", got[0])
		}
		if n, err := st.CountCommentsByEmail(ctx, "zara@EXAMPLE.org"); err != nil || n != 3 {
			t.Errorf("CountCommentsByEmail = %d, %v; want 3", n, err)
		}
		if list, err := st.CommentsByEmail(ctx, "nobody@example.org"); err != nil || len(list) != 0 {
			t.Errorf("an address that posted nothing: %v, %v", list, err)
		}
	})
}

func TestStore_EraseCommentsByEmail(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a := storetest.Article(t, st)
		b := storetest.Article(t, st)
		commenter := storetest.Commenter(t, st)
		const email = "Farah.Naz@example.org"
		erase := func(edit func(*qalam.Comment)) func(*qalam.Comment) {
			return func(c *qalam.Comment) {
				c.AuthorName, c.AuthorEmail, c.AuthorURL = "فرح ناز", email, "https://farah.example.org"
				c.Body, c.BodyHTML, c.IPHash, c.CommenterID = "میرا پتہ یہ ہے", "<p>میرا پتہ یہ ہے</p>", "addr-hash", commenter.ID
				if edit != nil {
					edit(c)
				}
			}
		}
		approved := storetest.Comment(t, st, a.ID, erase(nil))
		held := storetest.Comment(t, st, b.ID, erase(func(c *qalam.Comment) { c.Status = qalam.Pending }))
		spam := storetest.Comment(t, st, a.ID, erase(func(c *qalam.Comment) { c.Status = qalam.Spam }))
		reply := storetest.Comment(t, st, a.ID, func(c *qalam.Comment) { c.ParentID = approved.ID; c.AuthorEmail = "omar@example.org" })
		// What Qalam keeps about those comments and that address.
		if _, err := st.ReportComment(ctx, &store.CommentReport{CommentID: approved.ID, Reason: "personal", Note: "It gives her address", ReporterHash: "r1"}, 3); err != nil {
			t.Fatal(err)
		}
		if _, err := st.ModerateComments(ctx, []int64{spam.ID}, qalam.Deleted, 0, "quotes her neighbour"); err != nil {
			t.Fatal(err)
		}
		noErr(t, st.SubscribeReplies(ctx, approved.ID))
		noErr(t, st.SubscribeReplies(ctx, reply.ID))
		queue(t, st, store.MailDataLink, email, 0)
		noErr(t, st.CreateMailToken(ctx, &store.MailToken{Hash: []byte("tok"), Purpose: store.TokenDataSession, Email: email, ExpiresAt: time.Now().Add(time.Hour)}))

		rec := watch(t, st)
		ids, err := st.EraseCommentsByEmail(ctx, strings.ToUpper(email), "k3yedha5h")
		if err != nil {
			t.Fatal(err)
		}
		if want := []int64{approved.ID, held.ID, spam.ID}; !slices.Equal(ids, want) {
			t.Fatalf("erased %v, want %v", ids, want)
		}

		t.Run("the comments are wiped and marked erased, rows kept", func(t *testing.T) {
			for _, tt := range []struct {
				id   int64
				want qalam.CommentStatus
			}{{approved.ID, qalam.Approved}, {held.ID, qalam.Deleted}, {spam.ID, qalam.Deleted}} {
				c, err := st.Comment(ctx, tt.id)
				if err != nil {
					t.Fatal(err)
				}
				if c.AuthorName != "" || c.AuthorEmail != "" || c.AuthorURL != "" || c.Body != "" || c.BodyHTML != "" || c.IPHash != "" || c.CommenterID != 0 {
					t.Errorf("comment %d keeps personal data: %+v", c.ID, c)
				}
				if !c.Erased() || c.Status != tt.want {
					t.Errorf("comment %d: erased %v, status %s; want erased, %s", c.ID, c.Erased(), c.Status, tt.want)
				}
			}
		})
		t.Run("the reply keeps its place under the erased comment", func(t *testing.T) {
			approvedStatus := qalam.Approved
			list, err := st.FindComments(ctx, store.CommentFilter{ArticleID: a.ID, Status: &approvedStatus})
			if err != nil {
				t.Fatal(err)
			}
			roots := qalam.BuildThread(list, 5)
			if len(roots) != 1 || roots[0].ID != approved.ID || len(roots[0].Replies) != 1 || roots[0].Replies[0].ID != reply.ID {
				t.Errorf("thread = %v", roots)
			}
		})
		t.Run("history, reports, subscriptions, mail and tokens go", func(t *testing.T) {
			counts, err := st.ReportCounts(ctx, ids)
			if err != nil || len(counts) != 0 {
				t.Errorf("reports left: %v, %v", counts, err)
			}
			entries, _, err := st.FindAudit(ctx, store.AuditFilter{TargetType: "comment"})
			if err != nil {
				t.Fatal(err)
			}
			var erasedEntries int
			for _, e := range entries {
				if e.Action != "comment.erased" {
					t.Errorf("history entry left: %+v", e)
					continue
				}
				erasedEntries++
				if e.Reason != "reader request" || !strings.Contains(e.Detail, "k3yedha5h") || strings.Contains(strings.ToLower(e.Detail), "farah") {
					t.Errorf("erasure entry %+v", e)
				}
			}
			if erasedEntries != 3 {
				t.Errorf("%d erasure entries, want 3", erasedEntries)
			}
			if _, err := st.ReplySubscriber(ctx, approved.ID); qalam.KindOf(err) != qalam.KindNotFound {
				t.Errorf("subscription of the erased comment: %v", err)
			}
			if got, err := st.ReplySubscriber(ctx, reply.ID); err != nil || got != "omar@example.org" {
				t.Errorf("another reader's subscription: %q, %v", got, err)
			}
			if got := mailIn(t, st, store.MailFilter{Recipient: email}); len(got) != 0 {
				t.Errorf("mail left for the address: %v", got)
			}
			_, err = st.MailToken(ctx, []byte("tok"), store.TokenDataSession)
			wantKind(t, err, qalam.KindNotFound)
		})
		t.Run("every article concerned is announced changed", func(t *testing.T) {
			got := rec.waitUntil(t, 2)
			if !slices.Contains(got, store.Change{ArticleID: a.ID}) || !slices.Contains(got, store.Change{ArticleID: b.ID}) {
				t.Errorf("changes = %v", got)
			}
		})
		t.Run("the article's count leaves the erased comment out", func(t *testing.T) {
			got, err := st.Article(ctx, a.ID)
			if err != nil || got.CommentCount != 1 {
				t.Errorf("CommentCount = %d, %v; want 1 (the reply)", got.CommentCount, err)
			}
		})
		t.Run("other readers' comments are untouched", func(t *testing.T) {
			c, err := st.Comment(ctx, reply.ID)
			if err != nil || c.Erased() || c.AuthorEmail != "omar@example.org" || c.Body == "" {
				t.Errorf("reply = %+v, %v", c, err)
			}
		})
		t.Run("erasing again finds nothing", func(t *testing.T) {
			ids, err := st.EraseCommentsByEmail(ctx, email, "k3yedha5h")
			if err != nil || len(ids) != 0 {
				t.Errorf("second erasure = %v, %v", ids, err)
			}
		})
	})
}
