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

// banIDs are the IDs of the bans matching q.
func banIDs(t *testing.T, st *store.Store, q store.BanQuery) []int64 {
	t.Helper()
	bans, err := st.MatchingBans(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, b := range bans {
		ids = append(ids, b.ID)
	}
	return ids
}

func TestStore_BanCommenters(t *testing.T) {
	forEachDialectAt(t, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), func(t *testing.T, st *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		a := storetest.Article(t, st)
		mod := storetest.User(t, st, func(u *qalam.User) { u.Name = "Moderator Zara" })
		browser := storetest.Commenter(t, st)
		troll := storetest.Comment(t, st, a.ID, func(c *qalam.Comment) {
			c.AuthorName, c.AuthorEmail, c.CommenterID, c.IPHash = "Troll", "Troll@Example.org", browser.ID, "addr-troll"
		})
		again := storetest.Comment(t, st, a.ID, func(c *qalam.Comment) { // the same identities: one ban
			c.AuthorName, c.AuthorEmail, c.CommenterID, c.IPHash = "Troll", "troll@example.org", browser.ID, "addr-troll"
		})
		anonymous := storetest.Comment(t, st, a.ID, func(c *qalam.Comment) { c.AuthorEmail, c.IPHash = "", "" })

		bans, err := st.BanCommenters(ctx, []int64{troll.ID, again.ID, anonymous.ID, 99999}, 7*24*time.Hour, mod.ID, "threats")
		if err != nil {
			t.Fatal(err)
		}
		if len(bans) != 1 {
			t.Fatalf("%d bans, want 1 (one identity; the comment with none and the missing one skipped)", len(bans))
		}
		b := bans[0]
		if b.Email != "troll@example.org" || b.CommenterID != browser.ID || b.IPHash != "addr-troll" || b.Name != "" ||
			b.CommentID != troll.ID || !b.ExpiresAt.Equal(clock.Now().Add(7*24*time.Hour)) {
			t.Errorf("ban = %+v; want the comment's email (lower-cased), browser and address, never its name, for 7 days", b)
		}

		t.Run("recorded in the audit log without the email", func(t *testing.T) {
			entries, _, err := st.FindAudit(ctx, store.AuditFilter{Action: store.AuditBanned})
			if err != nil || len(entries) != 1 {
				t.Fatalf("audit = %v, %v", entries, err)
			}
			e := entries[0]
			if e.UserID != mod.ID || e.TargetType != "ban" || e.TargetID != b.ID || e.Reason != "threats" ||
				!strings.HasPrefix(e.Detail, "email, browser, address of comment ") || strings.Contains(e.Detail, "troll@") {
				t.Errorf("audit entry = %+v", e)
			}
		})
		t.Run("each identity is caught alone", func(t *testing.T) {
			for name, q := range map[string]store.BanQuery{
				"email in another case": {Email: " TROLL@example.ORG"},
				"browser":               {CommenterID: browser.ID, Email: "new@example.org"},
				"address":               {IPHash: "addr-troll", Email: "new@example.org"},
			} {
				if got := banIDs(t, st, q); !slices.Equal(got, []int64{b.ID}) {
					t.Errorf("%s: bans = %v, want [%d]", name, got, b.ID)
				}
			}
			if got := banIDs(t, st, store.BanQuery{Name: "Troll", Email: "reader@example.org", IPHash: "addr-other"}); len(got) != 0 {
				t.Errorf("the same name, nothing else: bans = %v, want none (names are not identities)", got)
			}
			if got := banIDs(t, st, store.BanQuery{}); len(got) != 0 {
				t.Errorf("no identities at all: bans = %v, want none", got)
			}
		})
		t.Run("listed with who banned and the comment's author", func(t *testing.T) {
			list, total, err := st.FindBans(ctx, store.BanFilter{})
			if err != nil || total != 1 || len(list) != 1 {
				t.Fatalf("bans = %v, %d, %v", list, total, err)
			}
			if got := list[0]; got.UserName != "Moderator Zara" || got.CommentName != "Troll" || got.Reason != "threats" {
				t.Errorf("listed ban = %+v", got)
			}
		})
		t.Run("expires", func(t *testing.T) {
			clock.Advance(7 * 24 * time.Hour)
			if got := banIDs(t, st, store.BanQuery{CommenterID: browser.ID}); len(got) != 0 {
				t.Errorf("after 7 days: bans = %v, want none", got)
			}
			if _, total, _ := st.FindBans(ctx, store.BanFilter{}); total != 0 {
				t.Errorf("%d active bans listed, want 0", total)
			}
			if _, total, _ := st.FindBans(ctx, store.BanFilter{Ended: true}); total != 1 {
				t.Errorf("%d bans listed with the ended ones, want 1", total)
			}
			_, err := st.LiftBan(ctx, b.ID, mod.ID, "")
			wantKind(t, err, qalam.KindConflict)
		})
		t.Run("a reason is required, at most 500 characters", func(t *testing.T) {
			_, err := st.BanCommenters(ctx, []int64{troll.ID}, 0, mod.ID, strings.Repeat("x", 501))
			wantKind(t, err, qalam.KindInvalid)
		})
	})
}

func TestStore_CreateBanAndLift(t *testing.T) {
	forEachDialectAt(t, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), func(t *testing.T, st *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		admin := storetest.User(t, st)

		byName := &store.Ban{Name: "  Kāshif   Ali ", Reason: "impersonation", UserID: admin.ID}
		if err := st.CreateBan(ctx, byName, 0); err != nil {
			t.Fatal(err)
		}
		byEmail := &store.Ban{Email: "Spam.Sender@Example.net", UserID: admin.ID}
		if err := st.CreateBan(ctx, byEmail, 24*time.Hour); err != nil {
			t.Fatal(err)
		}
		urdu := &store.Ban{Name: "کاشف", UserID: admin.ID}
		if err := st.CreateBan(ctx, urdu, 0); err != nil {
			t.Fatal(err)
		}
		if !byName.ExpiresAt.IsZero() || byEmail.Email != "spam.sender@example.net" || byName.Name != "Kāshif Ali" {
			t.Errorf("bans = %+v, %+v", byName, byEmail)
		}

		matches := []struct {
			name string
			q    store.BanQuery
			want []int64
		}{
			{"the name folded: case and spaces", store.BanQuery{Name: "kāshif ali"}, []int64{byName.ID}},
			{"the Urdu name with Arabic kaf and yeh", store.BanQuery{Name: "كاشف"}, []int64{urdu.ID}},
			{"the Urdu name with a zero-width joiner", store.BanQuery{Name: "کا\u200dشف"}, []int64{urdu.ID}},
			{"a longer name is another name", store.BanQuery{Name: "Kāshif Ali Khan"}, nil},
			{"the email", store.BanQuery{Email: "spam.sender@example.net"}, []int64{byEmail.ID}},
			{"two bans at once", store.BanQuery{Email: "spam.sender@example.net", Name: "KĀSHIF ALI"}, []int64{byName.ID, byEmail.ID}},
		}
		for _, tt := range matches {
			t.Run("matches "+tt.name, func(t *testing.T) {
				if got := banIDs(t, st, tt.q); !slices.Equal(got, tt.want) {
					t.Errorf("bans = %v, want %v", got, tt.want)
				}
			})
		}

		t.Run("lifted", func(t *testing.T) {
			lifted, err := st.LiftBan(ctx, byName.ID, admin.ID, "a different person")
			if err != nil || lifted.LiftedAt.IsZero() || lifted.LiftedBy != admin.ID {
				t.Fatalf("lift = %+v, %v", lifted, err)
			}
			if got := banIDs(t, st, store.BanQuery{Name: "Kāshif Ali"}); len(got) != 0 {
				t.Errorf("after lifting: bans = %v", got)
			}
			_, err = st.LiftBan(ctx, byName.ID, admin.ID, "")
			wantKind(t, err, qalam.KindConflict)
			entries, _, err := st.FindAudit(ctx, store.AuditFilter{Action: store.AuditUnbanned})
			if err != nil || len(entries) != 1 || entries[0].TargetID != byName.ID || entries[0].Reason != "a different person" {
				t.Errorf("audit = %v, %v", entries, err)
			}
			_, err = st.LiftBan(ctx, 99999, admin.ID, "")
			wantKind(t, err, qalam.KindNotFound)
		})

		refusals := []struct {
			name string
			b    store.Ban
			d    time.Duration
		}{
			{"no identity", store.Ban{Reason: "why"}, 0},
			{"a name of spaces and invisible characters", store.Ban{Name: " \u200b "}, 0},
			{"a negative duration", store.Ban{Email: "a@example.org"}, -time.Hour},
			{"an over-long reason", store.Ban{Email: "a@example.org", Reason: strings.Repeat("ب", 501)}, 0},
		}
		for _, tt := range refusals {
			t.Run("refused: "+tt.name, func(t *testing.T) {
				b := tt.b
				wantKind(t, st.CreateBan(ctx, &b, tt.d), qalam.KindInvalid)
			})
		}
	})
}
