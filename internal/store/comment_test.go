package store_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
)

// newComment is a reader's comment as the web layer hands it to the store.
func newComment(articleID int64, key string) *qalam.Comment {
	return &qalam.Comment{
		ArticleID:      articleID,
		AuthorName:     "قاری",
		AuthorEmail:    "reader@example.com",
		AuthorURL:      "https://example.com",
		Body:           "بہت خوب\u200c!",
		BodyHTML:       "<p>بہت خوب\u200c!</p>",
		Status:         qalam.Pending,
		IPHash:         "abc123",
		IdempotencyKey: key,
	}
}

func TestStore_CreateComment(t *testing.T) {
	forEachDialectAt(t, time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC), func(t *testing.T, st *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		article := storetest.Article(t, st)

		t.Run("stored as given, dated by the store", func(t *testing.T) {
			commenter := storetest.Commenter(t, st)
			c := newComment(article.ID, "key-stored")
			c.CommenterID = commenter.ID
			c.CreatedAt = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC) // ignored
			want := *c
			created, err := st.CreateComment(ctx, c)
			if err != nil || !created {
				t.Fatalf("CreateComment() = %v, %v; want true, nil", created, err)
			}
			want.ID, want.CreatedAt, want.UpdatedAt = c.ID, clock.Now(), clock.Now()
			if !reflect.DeepEqual(c, &want) {
				t.Errorf("after create %+v\nwant %+v", c, &want)
			}
			got, err := st.Comment(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, &want) {
				t.Errorf("Comment() = %+v\nwant %+v", got, &want)
			}
		})
		t.Run("same key twice stores one comment", func(t *testing.T) {
			first := newComment(article.ID, "key-retried")
			if _, err := st.CreateComment(ctx, first); err != nil {
				t.Fatal(err)
			}
			clock.Advance(time.Minute)
			retry := newComment(article.ID, "key-retried")
			retry.Body = "typed again"
			created, err := st.CreateComment(ctx, retry)
			if err != nil || created {
				t.Fatalf("CreateComment() = %v, %v; want false, nil", created, err)
			}
			if !reflect.DeepEqual(retry, first) {
				t.Errorf("retry became %+v\nwant the stored %+v", retry, first)
			}
			all, err := st.FindComments(ctx, store.CommentFilter{ArticleID: article.ID})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, c := range all {
				if c.IdempotencyKey == "key-retried" {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%d comments with the key, want 1", n)
			}
		})
		t.Run("retry accepted after the discussion closed", func(t *testing.T) {
			a := storetest.Article(t, st)
			first := storetest.Comment(t, st, a.ID, func(c *qalam.Comment) { c.IdempotencyKey = "key-before-close" })
			if _, err := st.UpdateArticle(ctx, a.ID, store.ArticleUpdate{CommentsClosed: ptr(true)}); err != nil {
				t.Fatal(err)
			}
			retry := newComment(a.ID, "key-before-close")
			created, err := st.CreateComment(ctx, retry)
			if err != nil || created || retry.ID != first.ID {
				t.Errorf("CreateComment() = %v, %v, ID %d; want false, nil, ID %d", created, err, retry.ID, first.ID)
			}
		})

		closed := storetest.Article(t, st, func(a *qalam.Article) { a.CommentsClosed = true })
		draft := storetest.Article(t, st, func(a *qalam.Article) { a.Status = qalam.Draft })
		otherArticle := storetest.Article(t, st)
		elsewhere := storetest.Comment(t, st, otherArticle.ID)
		for _, tc := range []struct {
			name  string
			edit  func(*qalam.Comment)
			kind  qalam.Kind
			field string
		}{
			{"closed discussion refused", func(c *qalam.Comment) { c.ArticleID = closed.ID }, qalam.KindClosed, ""},
			{"draft article is not found", func(c *qalam.Comment) { c.ArticleID = draft.ID }, qalam.KindNotFound, ""},
			{"missing article is not found", func(c *qalam.Comment) { c.ArticleID = 1_000_000 }, qalam.KindNotFound, ""},
			{"parent on another article refused", func(c *qalam.Comment) { c.ParentID = elsewhere.ID }, qalam.KindInvalid, "parent"},
			{"missing parent refused", func(c *qalam.Comment) { c.ParentID = 1_000_000 }, qalam.KindInvalid, "parent"},
			{"missing key refused", func(c *qalam.Comment) { c.IdempotencyKey = "" }, qalam.KindInvalid, "idempotency_key"},
			{"unknown status refused", func(c *qalam.Comment) { c.Status = "hidden" }, qalam.KindInvalid, "status"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				c := newComment(article.ID, "key-"+tc.name)
				tc.edit(c)
				created, err := st.CreateComment(ctx, c)
				wantKind(t, err, tc.kind)
				if tc.field != "" {
					wantField(t, err, tc.field)
				}
				if created || c.ID != 0 {
					t.Errorf("created = %v, ID = %d after a refusal", created, c.ID)
				}
			})
		}
		t.Run("closed discussion says so", func(t *testing.T) {
			_, err := st.CreateComment(ctx, newComment(closed.ID, "key-closed-message"))
			if !errors.Is(err, qalam.ErrClosed) || qalam.MessageOf(err) != "Comments are closed on this article." {
				t.Errorf("error = %v (message %q)", err, qalam.MessageOf(err))
			}
		})
	})
}

func TestStore_CommentThreads(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		article := storetest.Article(t, st)
		root := storetest.Comment(t, st, article.ID)
		reply := storetest.Comment(t, st, article.ID, func(c *qalam.Comment) { c.ParentID = root.ID })
		replyToReply := storetest.Comment(t, st, article.ID, func(c *qalam.Comment) { c.ParentID = reply.ID })
		second := storetest.Comment(t, st, article.ID)

		list, err := st.FindComments(ctx, store.CommentFilter{ArticleID: article.ID, Status: ptr(qalam.Approved)})
		if err != nil {
			t.Fatal(err)
		}
		roots := qalam.BuildThread(list, 5)
		t.Run("replies to replies nest", func(t *testing.T) {
			if len(roots) != 2 || roots[0].ID != root.ID || roots[1].ID != second.ID {
				t.Fatalf("roots = %v, want %d and %d", roots, root.ID, second.ID)
			}
			if r := roots[0].Replies; len(r) != 1 || r[0].ID != reply.ID {
				t.Fatalf("replies of root = %v, want %d", r, reply.ID)
			}
			if r := roots[0].Replies[0].Replies; len(r) != 1 || r[0].ID != replyToReply.ID || r[0].Depth != 2 {
				t.Fatalf("replies of reply = %v, want %d at depth 2", r, replyToReply.ID)
			}
		})
	})
}

func TestStore_FindComments(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		article := storetest.Article(t, st)
		c1 := storetest.Comment(t, st, article.ID)
		c2 := storetest.Comment(t, st, article.ID, func(c *qalam.Comment) { c.Status = qalam.Pending })
		c3 := storetest.Comment(t, st, article.ID)
		other := storetest.Comment(t, st, storetest.Article(t, st).ID, func(c *qalam.Comment) { c.Status = qalam.Pending })

		for _, tc := range []struct {
			name   string
			filter store.CommentFilter
			want   []int64
		}{
			{"an article's, oldest first", store.CommentFilter{ArticleID: article.ID}, []int64{c1.ID, c2.ID, c3.ID}},
			{"by status", store.CommentFilter{ArticleID: article.ID, Status: ptr(qalam.Approved)}, []int64{c1.ID, c3.ID}},
			{"every article's by status", store.CommentFilter{Status: ptr(qalam.Pending)}, []int64{c2.ID, other.ID}},
			{"by ids", store.CommentFilter{IDs: []int64{c3.ID, c1.ID, other.ID}}, []int64{c1.ID, c3.ID, other.ID}},
			{"empty ids match none", store.CommentFilter{ArticleID: article.ID, IDs: []int64{}}, []int64{}},
			{"limited", store.CommentFilter{ArticleID: article.ID, Limit: 2}, []int64{c1.ID, c2.ID}},
			{"none", store.CommentFilter{ArticleID: 1_000_000}, []int64{}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				list, err := st.FindComments(ctx, tc.filter)
				if err != nil {
					t.Fatal(err)
				}
				got := []int64{}
				for _, c := range list {
					got = append(got, c.ID)
				}
				if !reflect.DeepEqual(got, tc.want) {
					t.Errorf("got %v, want %v", got, tc.want)
				}
			})
		}
	})
}

func TestStore_SetCommentStatus(t *testing.T) {
	forEachDialectAt(t, time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC), func(t *testing.T, st *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		article := storetest.Article(t, st)
		for _, tc := range []struct {
			name     string
			from, to qalam.CommentStatus
			wantKind qalam.Kind // KindInternal: no error
		}{
			{"pending approved", qalam.Pending, qalam.Approved, qalam.KindInternal},
			{"pending marked spam", qalam.Pending, qalam.Spam, qalam.KindInternal},
			{"approved deleted", qalam.Approved, qalam.Deleted, qalam.KindInternal},
			{"spam approved on review", qalam.Spam, qalam.Approved, qalam.KindInternal},
			{"deleted restored", qalam.Deleted, qalam.Approved, qalam.KindInternal},
			{"approved back to pending refused", qalam.Approved, qalam.Pending, qalam.KindConflict},
			{"same status refused", qalam.Spam, qalam.Spam, qalam.KindConflict},
			{"unknown status refused", qalam.Pending, "hidden", qalam.KindConflict},
		} {
			t.Run(tc.name, func(t *testing.T) {
				c := storetest.Comment(t, st, article.ID, func(c *qalam.Comment) { c.Status = tc.from })
				clock.Advance(time.Minute)
				got, err := st.SetCommentStatus(ctx, c.ID, tc.to)
				stored, lerr := st.Comment(ctx, c.ID)
				if lerr != nil {
					t.Fatal(lerr)
				}
				if tc.wantKind != qalam.KindInternal {
					wantKind(t, err, tc.wantKind)
					if !reflect.DeepEqual(stored, c) {
						t.Errorf("stored %+v, want it unchanged %+v", stored, c)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				want := *c
				want.Status, want.UpdatedAt = tc.to, clock.Now()
				if !reflect.DeepEqual(got, &want) || !reflect.DeepEqual(stored, &want) {
					t.Errorf("returned %+v\nstored %+v\nwant %+v", got, stored, &want)
				}
			})
		}
		t.Run("unknown comment is not found", func(t *testing.T) {
			_, err := st.SetCommentStatus(ctx, 1_000_000, qalam.Approved)
			wantKind(t, err, qalam.KindNotFound)
		})
	})
}

func TestStore_CommenterTrust(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		article := storetest.Article(t, st)
		for _, tc := range []struct {
			name string
			to   qalam.CommentStatus
			want bool
		}{
			{"approval earns trust", qalam.Approved, true},
			{"spam earns none", qalam.Spam, false},
			{"deletion earns none", qalam.Deleted, false},
		} {
			t.Run(tc.name, func(t *testing.T) {
				token := []byte("token " + tc.name)
				commenter, err := st.CreateCommenter(ctx, token)
				if err != nil {
					t.Fatal(err)
				}
				c := storetest.Comment(t, st, article.ID, func(c *qalam.Comment) {
					c.Status, c.CommenterID = qalam.Pending, commenter.ID // as screening holds a first comment
				})
				if _, err := st.SetCommentStatus(ctx, c.ID, tc.to); err != nil {
					t.Fatal(err)
				}
				got, err := st.CommenterByToken(ctx, token)
				if err != nil {
					t.Fatal(err)
				}
				if got.Trusted != tc.want {
					t.Errorf("Trusted = %v, want %v", got.Trusted, tc.want)
				}
			})
		}
	})
}

func TestStore_CreateComments(t *testing.T) {
	forEachDialectAt(t, time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC), func(t *testing.T, st *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		// Imports bring comments on closed discussions and drafts too.
		article := storetest.Article(t, st, func(a *qalam.Article) { a.Status = qalam.Draft; a.CommentsClosed = true })
		earlier := storetest.Comment(t, st, storetest.Article(t, st).ID)
		posted := time.Date(2012, 6, 1, 10, 0, 0, 0, time.UTC)

		root := newComment(article.ID, "wp-1")
		root.Status, root.CreatedAt = qalam.Approved, posted
		reply := newComment(article.ID, "wp-2")
		reply.Status = qalam.Approved
		root.Replies = []*qalam.Comment{reply}
		batch := []*qalam.Comment{root, reply}
		if err := st.CreateComments(ctx, batch); err != nil {
			t.Fatal(err)
		}

		t.Run("stored in order with ids", func(t *testing.T) {
			if root.ID == 0 || reply.ID <= root.ID {
				t.Errorf("ids %d, %d", root.ID, reply.ID)
			}
		})
		t.Run("replies linked to a parent in the batch", func(t *testing.T) {
			got, err := st.Comment(ctx, reply.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.ParentID != root.ID {
				t.Errorf("ParentID = %d, want %d", got.ParentID, root.ID)
			}
		})
		t.Run("caller's date kept, else now", func(t *testing.T) {
			if !root.CreatedAt.Equal(posted) || !root.UpdatedAt.Equal(posted) {
				t.Errorf("root dated %v / %v, want %v", root.CreatedAt, root.UpdatedAt, posted)
			}
			if !reply.CreatedAt.Equal(clock.Now()) {
				t.Errorf("reply dated %v, want %v", reply.CreatedAt, clock.Now())
			}
		})
		t.Run("rerun stores nothing twice", func(t *testing.T) {
			again := []*qalam.Comment{newComment(article.ID, "wp-1"), newComment(article.ID, "wp-2"), newComment(article.ID, "wp-3")}
			if err := st.CreateComments(ctx, again); err != nil {
				t.Fatal(err)
			}
			if again[0].ID != root.ID || again[1].ID != reply.ID || again[2].ID <= reply.ID {
				t.Errorf("ids %d %d %d, want %d %d and a new one", again[0].ID, again[1].ID, again[2].ID, root.ID, reply.ID)
			}
			list, err := st.FindComments(ctx, store.CommentFilter{ArticleID: article.ID})
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 3 {
				t.Errorf("%d comments stored, want 3", len(list))
			}
		})
		t.Run("one bad comment stores none", func(t *testing.T) {
			bad := []*qalam.Comment{newComment(article.ID, "wp-10"), newComment(article.ID, "wp-11")}
			bad[1].ParentID = earlier.ID // on another article
			err := st.CreateComments(ctx, bad)
			wantKind(t, err, qalam.KindInvalid)
			list, err := st.FindComments(ctx, store.CommentFilter{ArticleID: article.ID})
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 3 {
				t.Errorf("%d comments stored, want still 3", len(list))
			}
		})
		t.Run("missing article is not found", func(t *testing.T) {
			err := st.CreateComments(ctx, []*qalam.Comment{newComment(1_000_000, "wp-20")})
			wantKind(t, err, qalam.KindNotFound)
		})
	})
}

// A long discussion is read whole and in order. Its speed is measured by
// BenchmarkStore_FindComments, never timed here.
func TestStore_FindComments_LongDiscussion(t *testing.T) {
	const n = 5000
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		article := storetest.Article(t, st)
		batch := make([]*qalam.Comment, n)
		for i := range batch {
			batch[i] = newComment(article.ID, fmt.Sprintf("long-%d", i))
			batch[i].Status = qalam.Approved
			if i%10 == 9 {
				batch[i].Status = qalam.Pending
			}
		}
		if err := st.CreateComments(ctx, batch); err != nil {
			t.Fatal(err)
		}
		list, err := st.FindComments(ctx, store.CommentFilter{ArticleID: article.ID, Status: ptr(qalam.Approved)})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != n*9/10 {
			t.Fatalf("%d comments, want %d", len(list), n*9/10)
		}
		for i := 1; i < len(list); i++ {
			if list[i].ID <= list[i-1].ID {
				t.Fatalf("comment %d has id %d after %d", i, list[i].ID, list[i-1].ID)
			}
		}
	})
}

func BenchmarkStore_FindComments(b *testing.B) {
	st := storetest.Open(b)
	ctx := context.Background()
	article := storetest.Article(b, st)
	batch := make([]*qalam.Comment, 5000)
	for i := range batch {
		batch[i] = newComment(article.ID, fmt.Sprintf("bench-%d", i))
		batch[i].Status = qalam.Approved
	}
	if err := st.CreateComments(ctx, batch); err != nil {
		b.Fatal(err)
	}
	filter := store.CommentFilter{ArticleID: article.ID, Status: ptr(qalam.Approved)}
	for b.Loop() {
		if _, err := st.FindComments(ctx, filter); err != nil {
			b.Fatal(err)
		}
	}
}
