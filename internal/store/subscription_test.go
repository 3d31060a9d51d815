package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
)

// replyMail returns the reply notifications queued, by reply ID.
func replyMail(t *testing.T, st *store.Store) map[int64][]*store.OutboxMessage {
	t.Helper()
	out := map[int64][]*store.OutboxMessage{}
	for _, m := range mailIn(t, st, store.MailFilter{Kind: store.MailReply}) {
		out[m.RefID] = append(out[m.RefID], m)
	}
	return out
}

func queueNotices(t *testing.T, st *store.Store) int {
	t.Helper()
	n, err := st.QueueReplyNotices(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestStore_ReplyNotices(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a := storetest.Article(t, st)
		commenter := storetest.Commenter(t, st)
		parent := storetest.Comment(t, st, a.ID, func(c *qalam.Comment) {
			c.AuthorName, c.AuthorEmail, c.CommenterID = "نادیہ کریم", "Nadia@Example.org", commenter.ID
		})
		noErr(t, st.SubscribeReplies(ctx, parent.ID))
		noErr(t, st.SubscribeReplies(ctx, parent.ID)) // a retried post
		if got, err := st.ReplySubscriber(ctx, parent.ID); err != nil || got != "nadia@example.org" {
			t.Fatalf("ReplySubscriber = %q, %v", got, err)
		}
		reply := func(edit func(*qalam.Comment)) *qalam.Comment {
			return storetest.Comment(t, st, a.ID, func(c *qalam.Comment) {
				c.ParentID, c.AuthorName, c.AuthorEmail = parent.ID, "Omar Siddiqui", "omar@example.org"
				if edit != nil {
					edit(c)
				}
			})
		}

		approved := reply(nil)
		held := reply(func(c *qalam.Comment) { c.Status = qalam.Pending })
		spam := reply(func(c *qalam.Comment) { c.Status = qalam.Spam })
		ownByAddress := reply(func(c *qalam.Comment) { c.AuthorEmail = "NADIA@example.org" })
		ownByBrowser := reply(func(c *qalam.Comment) { c.AuthorEmail, c.CommenterID = "other@example.org", commenter.ID })
		unsubscribedParent := storetest.Comment(t, st, a.ID)
		toUnsubscribed := reply(func(c *qalam.Comment) { c.ParentID = unsubscribedParent.ID })

		// Several nodes at once.
		var wg sync.WaitGroup
		var mu sync.Mutex
		total := 0
		for range 3 {
			wg.Go(func() {
				n, err := st.QueueReplyNotices(ctx)
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				total += n
				mu.Unlock()
			})
		}
		wg.Wait()

		got := replyMail(t, st)
		t.Run("an approved reply queues one email to the subscriber", func(t *testing.T) {
			if len(got[approved.ID]) != 1 || got[approved.ID][0].Recipient != "nadia@example.org" || total != 1 {
				t.Errorf("for the approved reply: %v (total queued %d)", got[approved.ID], total)
			}
		})
		for _, tt := range []struct {
			name string
			c    *qalam.Comment
		}{
			{"a held reply queues nothing", held},
			{"a spam reply queues nothing", spam},
			{"the subscriber's own reply by address queues nothing", ownByAddress},
			{"the subscriber's own reply by browser queues nothing", ownByBrowser},
			{"a reply to an unsubscribed comment queues nothing", toUnsubscribed},
		} {
			t.Run(tt.name, func(t *testing.T) {
				if len(got[tt.c.ID]) != 0 {
					t.Errorf("queued %v", got[tt.c.ID])
				}
			})
		}

		t.Run("a held reply approved later queues one email then", func(t *testing.T) {
			if _, err := st.ModerateComments(ctx, []int64{held.ID}, qalam.Approved, 0, ""); err != nil {
				t.Fatal(err)
			}
			if n := queueNotices(t, st); n != 1 {
				t.Errorf("queued %d, want 1", n)
			}
			if n := queueNotices(t, st); n != 0 {
				t.Errorf("queued %d again, want 0", n)
			}
			if got := replyMail(t, st); len(got[held.ID]) != 1 {
				t.Errorf("for the approved reply: %v", got[held.ID])
			}
		})

		t.Run("at sending time the notice is checked again", func(t *testing.T) {
			n, err := st.ReplyNoticeFor(ctx, approved.ID, "nadia@example.org")
			if err != nil {
				t.Fatal(err)
			}
			if n.Parent.ID != parent.ID || n.ArticleSlug != a.Slug || n.Reply.AuthorName != "Omar Siddiqui" {
				t.Errorf("notice %+v", n)
			}
			_, err = st.ReplyNoticeFor(ctx, spam.ID, "nadia@example.org")
			wantKind(t, err, qalam.KindNotFound)
			_, err = st.ReplyNoticeFor(ctx, approved.ID, "someone.else@example.org")
			wantKind(t, err, qalam.KindNotFound)
			if _, err := st.ModerateComments(ctx, []int64{approved.ID}, qalam.Deleted, 0, ""); err != nil {
				t.Fatal(err)
			}
			_, err = st.ReplyNoticeFor(ctx, approved.ID, "nadia@example.org")
			wantKind(t, err, qalam.KindNotFound)
		})

		t.Run("unsubscribing ends every subscription of the address", func(t *testing.T) {
			other := storetest.Comment(t, st, a.ID, func(c *qalam.Comment) { c.AuthorEmail = "nadia@example.org" })
			noErr(t, st.SubscribeReplies(ctx, other.ID))
			n, err := st.UnsubscribeReplies(ctx, "Nadia@example.org")
			if err != nil || n != 2 {
				t.Fatalf("UnsubscribeReplies = %d, %v; want 2", n, err)
			}
			_, err = st.ReplyNoticeFor(ctx, held.ID, "nadia@example.org")
			wantKind(t, err, qalam.KindNotFound)
			reply(nil)
			if n := queueNotices(t, st); n != 0 {
				t.Errorf("queued %d after unsubscribing", n)
			}
		})
	})
}

func TestStore_ModeratorAlerts(t *testing.T) {
	start := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	forEachDialectAt(t, start, func(t *testing.T, st *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		mod := storetest.UserWithRole(t, st, qalam.RoleModerator)
		admin := storetest.UserWithRole(t, st, qalam.RoleAdmin)
		author := storetest.UserWithRole(t, st, qalam.RoleAuthor)
		disabled := storetest.UserWithRole(t, st, qalam.RoleEditor, func(u *qalam.User) { u.Disabled = true })
		quiet := storetest.UserWithRole(t, st, qalam.RoleEditor)
		for _, u := range []*qalam.User{mod, admin, author, disabled} {
			noErr(t, st.SetModeratorAlerts(ctx, u.ID, true))
		}
		noErr(t, st.SetModeratorAlerts(ctx, mod.ID, true)) // again: no change
		if on, err := st.ModeratorAlerts(ctx, quiet.ID); err != nil || on {
			t.Fatalf("alerts of one who never asked = %v, %v", on, err)
		}
		every := 30 * time.Minute
		alerted := func() map[int64]int {
			out := map[int64]int{}
			for _, m := range mailIn(t, st, store.MailFilter{Kind: store.MailModeration}) {
				out[m.RefID]++
			}
			return out
		}
		queueAlerts := func() int {
			t.Helper()
			n, err := st.QueueModeratorAlerts(ctx, every)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}

		t.Run("nothing waiting, nothing sent", func(t *testing.T) {
			if n := queueAlerts(); n != 0 {
				t.Errorf("queued %d", n)
			}
		})
		a := storetest.Article(t, st, func(a *qalam.Article) { a.Headline = "Qalampur council votes on the bridge" })
		storetest.Comment(t, st, a.ID, func(c *qalam.Comment) { c.Status = qalam.Pending })

		t.Run("a waiting comment alerts those who may moderate, once, across nodes", func(t *testing.T) {
			var wg sync.WaitGroup
			for range 3 {
				wg.Go(func() {
					if _, err := st.QueueModeratorAlerts(ctx, every); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			got := alerted()
			if got[mod.ID] != 1 || got[admin.ID] != 1 || got[author.ID] != 0 || got[disabled.ID] != 0 || got[quiet.ID] != 0 || len(got) != 2 {
				t.Errorf("alerts by user = %v; want one each for the moderator %d and admin %d", got, mod.ID, admin.ID)
			}
		})
		t.Run("not again within the interval", func(t *testing.T) {
			clock.Advance(10 * time.Minute)
			storetest.Comment(t, st, a.ID, func(c *qalam.Comment) { c.Status = qalam.Pending })
			if n := queueAlerts(); n != 0 {
				t.Errorf("queued %d", n)
			}
		})
		t.Run("after the interval, again for what came since", func(t *testing.T) {
			clock.Advance(25 * time.Minute)
			if n := queueAlerts(); n != 2 {
				t.Errorf("queued %d, want 2", n)
			}
		})
		t.Run("after the interval, nothing new waiting, nothing sent", func(t *testing.T) {
			clock.Advance(time.Hour)
			if n := queueAlerts(); n != 0 {
				t.Errorf("queued %d", n)
			}
		})
		t.Run("turned off, none", func(t *testing.T) {
			noErr(t, st.SetModeratorAlerts(ctx, admin.ID, false))
			clock.Advance(time.Hour)
			storetest.Comment(t, st, a.ID, func(c *qalam.Comment) { c.Status = qalam.Pending })
			if n := queueAlerts(); n != 1 {
				t.Errorf("queued %d, want 1 (the moderator's)", n)
			}
			if got := alerted(); got[admin.ID] != 2 || got[mod.ID] != 3 {
				t.Errorf("alerts by user = %v", got)
			}
		})
		t.Run("the summary holds counts and headlines only", func(t *testing.T) {
			b := storetest.Article(t, st, func(a *qalam.Article) {
				a.Headline = "کتب خانہ دوبارہ کھل گیا"
				a.Language = qalam.Urdu
			})
			storetest.Comment(t, st, b.ID, func(c *qalam.Comment) { c.Status = qalam.Pending })
			sum, err := st.ModerationSummary(ctx, 1)
			if err != nil {
				t.Fatal(err)
			}
			if sum.Waiting != 4 || len(sum.Articles) != 1 || sum.Articles[0].Headline != a.Headline || sum.Articles[0].Waiting != 3 || sum.More != 1 {
				t.Errorf("summary = %+v", sum)
			}
		})
	})
}
