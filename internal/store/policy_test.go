package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/moderation"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
)

func hoursPtr(h int) *time.Duration {
	d := time.Duration(h) * time.Hour
	return &d
}

func intPtr(n int) *int { return &n }

// policyAudit returns the policy changes recorded for a scope's target.
func policyAudit(t *testing.T, st *store.Store, scope store.PolicyScope, id int64) []*store.AuditEntry {
	t.Helper()
	entries, _, err := st.FindAudit(context.Background(), store.AuditFilter{Action: store.AuditPolicyChanged, TargetType: string(scope)})
	if err != nil {
		t.Fatal(err)
	}
	return slices.DeleteFunc(entries, func(e *store.AuditEntry) bool { return e.TargetID != id })
}

func TestStore_ArticlePolicy(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		editor := storetest.User(t, st)
		set := func(scope store.PolicyScope, id int64, o moderation.Override) {
			t.Helper()
			if err := st.SetDiscussionPolicy(ctx, &store.DiscussionPolicy{Scope: scope, TargetID: id, Override: o}, editor.ID, "test"); err != nil {
				t.Fatalf("set %s %d: %v", scope, id, err)
			}
		}
		policy := func(a *qalam.Article) moderation.Policy {
			t.Helper()
			p, err := st.ArticlePolicy(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		cat := storetest.Category(t, st)
		tagged := storetest.Article(t, st, func(a *qalam.Article) { a.CategoryID, a.TagNames = cat.ID, []string{"Elections", "Qalampur"} })
		plain := storetest.Article(t, st, func(a *qalam.Article) { a.CategoryID = cat.ID })
		other := storetest.Article(t, st)
		full, err := st.Article(ctx, tagged.ID)
		if err != nil {
			t.Fatal(err)
		}
		var elections, qalampur int64
		for _, tg := range full.Tags {
			switch tg.Name {
			case "Elections":
				elections = tg.ID
			case "Qalampur":
				qalampur = tg.ID
			}
		}

		t.Run("nothing set: the default", func(t *testing.T) {
			if got := policy(tagged); got != moderation.DefaultPolicy() {
				t.Errorf("policy = %+v, want the default", got)
			}
		})

		set(store.SiteScope, 0, moderation.Override{Mode: moderation.PostModerate, CloseAfter: hoursPtr(0), MaxLinks: intPtr(3)})
		set(store.CategoryScope, cat.ID, moderation.Override{MaxLinks: intPtr(2)})
		// Everything tagged Elections is pre-moderated, closes after 48
		// hours and allows no links.
		set(store.TagScope, elections, moderation.Override{Mode: moderation.PreModerate, CloseAfter: hoursPtr(48), MaxLinks: intPtr(0)})
		set(store.TagScope, qalampur, moderation.Override{Mode: moderation.HoldFirst, CloseAfter: hoursPtr(24 * 7)})

		t.Run("the tag's policy, the strictest of the tags", func(t *testing.T) {
			want := moderation.Policy{Mode: moderation.PreModerate, CloseAfter: 48 * time.Hour, MaxLinks: 0}
			if got := policy(tagged); got != want {
				t.Errorf("policy = %+v, want %+v", got, want)
			}
		})
		t.Run("the category's and the site's for an untagged article", func(t *testing.T) {
			want := moderation.Policy{Mode: moderation.PostModerate, CloseAfter: 0, MaxLinks: 2}
			if got := policy(plain); got != want {
				t.Errorf("policy = %+v, want %+v", got, want)
			}
			want.MaxLinks = 3
			if got := policy(other); got != want {
				t.Errorf("another category's article: policy = %+v, want %+v", got, want)
			}
		})
		t.Run("the article's own policy wins", func(t *testing.T) {
			set(store.ArticleScope, tagged.ID, moderation.Override{Mode: moderation.PostModerate, MaxLinks: intPtr(moderation.NoLinkLimit)})
			want := moderation.Policy{Mode: moderation.PostModerate, CloseAfter: 48 * time.Hour, MaxLinks: moderation.NoLinkLimit}
			if got := policy(tagged); got != want {
				t.Errorf("policy = %+v, want %+v", got, want)
			}
			set(store.ArticleScope, tagged.ID, moderation.Override{}) // back to inheriting
			if got := policy(tagged); got.Mode != moderation.PreModerate {
				t.Errorf("after clearing the article's policy: %+v", got)
			}
			got, err := st.DiscussionPolicy(ctx, store.ArticleScope, tagged.ID)
			if err != nil || !got.Override.IsZero() || !got.UpdatedAt.IsZero() {
				t.Errorf("the cleared policy = %+v, %v; want nothing set", got, err)
			}
		})
		t.Run("a deleted tag takes its policy with it", func(t *testing.T) {
			if err := st.DeleteTag(ctx, elections); err != nil {
				t.Fatal(err)
			}
			want := moderation.Policy{Mode: moderation.HoldFirst, CloseAfter: 7 * 24 * time.Hour, MaxLinks: 2}
			if got := policy(tagged); got != want {
				t.Errorf("policy = %+v, want %+v", got, want)
			}
			list, err := st.FindDiscussionPolicies(ctx, store.TagScope)
			if err != nil || len(list) != 1 || list[0].TargetID != qalampur {
				t.Errorf("tag policies = %v, %v; want only Qalampur's", list, err)
			}
		})
	})
}

func TestStore_SetDiscussionPolicy(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		editor := storetest.User(t, st)
		a := storetest.Article(t, st)

		t.Run("recorded in the audit log with who, what and why", func(t *testing.T) {
			p := &store.DiscussionPolicy{Scope: store.ArticleScope, TargetID: a.ID,
				Override: moderation.Override{Mode: moderation.PreModerate, CloseAfter: hoursPtr(48), MaxLinks: intPtr(0)}}
			if err := st.SetDiscussionPolicy(ctx, p, editor.ID, "election week"); err != nil {
				t.Fatal(err)
			}
			got, err := st.DiscussionPolicy(ctx, store.ArticleScope, a.ID)
			if err != nil || !got.Override.Equal(p.Override) || got.UpdatedAt.IsZero() {
				t.Fatalf("stored = %+v, %v", got, err)
			}
			entries := policyAudit(t, st, store.ArticleScope, a.ID)
			if len(entries) != 1 {
				t.Fatalf("%d audit entries, want 1", len(entries))
			}
			e := entries[0]
			wantDetail := "inherits everything → every comment pre-moderated, closes 2 days after publication, no links"
			if e.UserID != editor.ID || e.Reason != "election week" || e.Detail != wantDetail {
				t.Errorf("audit entry = %+v; want by %d, detail %q", e, editor.ID, wantDetail)
			}
		})
		t.Run("setting the same again records nothing", func(t *testing.T) {
			p := &store.DiscussionPolicy{Scope: store.ArticleScope, TargetID: a.ID,
				Override: moderation.Override{Mode: moderation.PreModerate, CloseAfter: hoursPtr(48), MaxLinks: intPtr(0)}}
			if err := st.SetDiscussionPolicy(ctx, p, editor.ID, "again"); err != nil {
				t.Fatal(err)
			}
			if n := len(policyAudit(t, st, store.ArticleScope, a.ID)); n != 1 {
				t.Errorf("%d audit entries, want still 1", n)
			}
		})
		t.Run("closed at once round-trips", func(t *testing.T) {
			atOnce := moderation.CloseAtOnce
			p := &store.DiscussionPolicy{Scope: store.SiteScope, Override: moderation.Override{CloseAfter: &atOnce}}
			if err := st.SetDiscussionPolicy(ctx, p, editor.ID, ""); err != nil {
				t.Fatal(err)
			}
			got, err := st.DiscussionPolicy(ctx, store.SiteScope, 0)
			if err != nil || got.CloseAfter == nil || *got.CloseAfter != moderation.CloseAtOnce {
				t.Errorf("stored = %+v, %v", got, err)
			}
		})
		refusals := []struct {
			name string
			p    store.DiscussionPolicy
			kind qalam.Kind
		}{
			{"an unknown mode", store.DiscussionPolicy{Scope: store.SiteScope, Override: moderation.Override{Mode: "often"}}, qalam.KindInvalid},
			{"a link limit out of bounds", store.DiscussionPolicy{Scope: store.SiteScope, Override: moderation.Override{MaxLinks: intPtr(1000)}}, qalam.KindInvalid},
			{"an unknown scope", store.DiscussionPolicy{Scope: "section", TargetID: 1}, qalam.KindInvalid},
			{"a site policy with a target", store.DiscussionPolicy{Scope: store.SiteScope, TargetID: 3}, qalam.KindInvalid},
			{"a category that does not exist", store.DiscussionPolicy{Scope: store.CategoryScope, TargetID: 99999, Override: moderation.Override{Mode: moderation.PreModerate}}, qalam.KindNotFound},
			{"a tag that does not exist", store.DiscussionPolicy{Scope: store.TagScope, TargetID: 99999, Override: moderation.Override{Mode: moderation.PreModerate}}, qalam.KindNotFound},
		}
		for _, tt := range refusals {
			t.Run("refused: "+tt.name, func(t *testing.T) {
				p := tt.p
				wantKind(t, st.SetDiscussionPolicy(ctx, &p, editor.ID, ""), tt.kind)
			})
		}
	})
}

func TestStore_SetDiscussionPolicyAnnouncesChanges(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a := storetest.Article(t, st)
		r := watch(t, st)
		for _, p := range []*store.DiscussionPolicy{
			{Scope: store.ArticleScope, TargetID: a.ID, Override: moderation.Override{Mode: moderation.PreModerate}},
			{Scope: store.CategoryScope, TargetID: a.CategoryID, Override: moderation.Override{MaxLinks: intPtr(1)}},
		} {
			if err := st.SetDiscussionPolicy(ctx, p, 0, ""); err != nil {
				t.Fatal(err)
			}
		}
		got := r.waitUntil(t, 2)
		want := []store.Change{{ArticleID: a.ID}, {}}
		if !slices.Equal(got, want) {
			t.Errorf("changes = %+v, want %+v (the article's page; then every page)", got, want)
		}
	})
}

func TestStore_WordLists(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		mod := storetest.User(t, st)
		hold, reject, err := st.WordLists(ctx)
		if err != nil || len(hold) != 0 || len(reject) != 0 {
			t.Fatalf("new site's lists = %q, %q, %v; want none", hold, reject, err)
		}
		// Stored as typed (ZWNJ and Arabic kaf kept), trimmed, without
		// blanks or repeats.
		err = st.SetWordLists(ctx, []string{" glimcoin ", "", "کالا\u200c جادو", "glimcoin"}, []string{"zorbix", "بكواس"}, mod.ID, "a new campaign")
		if err != nil {
			t.Fatal(err)
		}
		hold, reject, err = st.WordLists(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"glimcoin", "کالا\u200c جادو"}; !slices.Equal(hold, want) {
			t.Errorf("hold = %q, want %q", hold, want)
		}
		if want := []string{"zorbix", "بكواس"}; !slices.Equal(reject, want) {
			t.Errorf("reject = %q, want %q", reject, want)
		}
		if err := st.SetWordLists(ctx, []string{"glimcoin"}, []string{"zorbix", "بكواس"}, mod.ID, "too broad"); err != nil {
			t.Fatal(err)
		}
		if err := st.SetWordLists(ctx, []string{"glimcoin"}, []string{"zorbix", "بكواس"}, mod.ID, "no change"); err != nil {
			t.Fatal(err)
		}
		entries, total, err := st.FindAudit(ctx, store.AuditFilter{Action: store.AuditWordLists})
		if err != nil || total != 2 {
			t.Fatalf("audit = %d entries, %v; want 2 (an unchanged save records nothing)", total, err)
		}
		if e := entries[0]; e.UserID != mod.ID || e.Reason != "too broad" || e.Detail != `hold: −"کالا\u200c جادو"` {
			t.Errorf("latest entry = %+v", e)
		}
		if e := entries[1]; !strings.Contains(e.Detail, `hold: +"glimcoin"`) || !strings.Contains(e.Detail, `reject: +"zorbix", +"بكواس"`) {
			t.Errorf("first entry detail = %q", e.Detail)
		}
	})
}

func TestStore_RecentRecord(t *testing.T) {
	forEachDialectAt(t, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), func(t *testing.T, st *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		a := storetest.Article(t, st)
		mod := storetest.User(t, st)
		browser := storetest.Commenter(t, st)
		post := func(email string, commenterID int64, status qalam.CommentStatus) *qalam.Comment {
			return storetest.Comment(t, st, a.ID, func(c *qalam.Comment) {
				c.AuthorEmail, c.CommenterID, c.Status = email, commenterID, status
			})
		}
		old := post("sana@example.org", 0, qalam.Pending) // decided, but too long ago
		if _, err := st.ModerateComments(ctx, []int64{old.ID}, qalam.Spam, mod.ID, ""); err != nil {
			t.Fatal(err)
		}
		clock.Advance(31 * 24 * time.Hour)
		since := clock.Now().Add(-30 * 24 * time.Hour)

		post("sana@example.org", 0, qalam.Approved)
		post("other@example.org", browser.ID, qalam.Spam) // same browser, another email
		removed := post("sana@example.org", 0, qalam.Pending)
		if _, err := st.ModerateComments(ctx, []int64{removed.ID}, qalam.Deleted, mod.ID, ""); err != nil {
			t.Fatal(err)
		}
		withdrawn := post("sana@example.org", browser.ID, qalam.Pending) // its author withdraws it: no verdict
		if err := st.DeleteOwnComment(ctx, withdrawn.ID, browser.ID, time.Hour); err != nil {
			t.Fatal(err)
		}
		post("sana@example.org", 0, qalam.Pending) // undecided
		post("someone@example.org", 0, qalam.Spam) // someone else

		tests := []struct {
			name      string
			email     string
			commenter int64
			want      store.CommenterRecord
		}{
			{"by email", "sana@example.org", 0, store.CommenterRecord{Approved: 1, Rejected: 1}},
			{"by browser", "", browser.ID, store.CommenterRecord{Approved: 0, Rejected: 1}},
			{"by either", "sana@example.org", browser.ID, store.CommenterRecord{Approved: 1, Rejected: 2}},
			{"neither given", "", 0, store.CommenterRecord{}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := st.RecentRecord(ctx, tt.email, tt.commenter, since)
				if err != nil || got != tt.want {
					t.Errorf("RecentRecord = %+v, %v; want %+v", got, err, tt.want)
				}
			})
		}
	})
}

func TestStore_CommentModerationReason(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a := storetest.Article(t, st)
		held := storetest.Comment(t, st, a.ID, func(c *qalam.Comment) {
			c.Status, c.ModerationReason = qalam.Spam, "banned: ban 3 on email; classifier: spam (log-odds 4.20)"
		})
		published := storetest.Comment(t, st, a.ID)

		got, err := st.Comment(ctx, held.ID)
		if err != nil || got.ModerationReason != held.ModerationReason || got.Status != qalam.Spam {
			t.Fatalf("stored = %+v, %v", got, err)
		}
		spam := qalam.Spam
		items, _, err := st.FindCommentsForQueue(ctx, store.QueueFilter{Status: &spam})
		if err != nil || len(items) != 1 || items[0].Comment.ModerationReason != held.ModerationReason {
			t.Errorf("queue = %v, %v; want the comment with its reason", items, err)
		}
		entries, _, err := st.FindAudit(ctx, store.AuditFilter{Action: store.ActionScreened})
		if err != nil || len(entries) != 1 {
			t.Fatalf("audit = %v, %v; want one screening entry", entries, err)
		}
		if e := entries[0]; e.TargetID != held.ID || e.UserID != 0 || !e.BySystem() || e.Reason != held.ModerationReason || e.Detail != "→ spam" {
			t.Errorf("audit entry = %+v, want the system's, with the reason", e)
		}
		if got, _ := st.Comment(ctx, published.ID); got.ModerationReason != "" {
			t.Errorf("a published comment's reason = %q", got.ModerationReason)
		}
	})
}
