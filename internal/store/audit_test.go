package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
)

func TestStore_Audit(t *testing.T) {
	start := time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)
	forEachDialectAt(t, start, func(t *testing.T, st *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		mod := storetest.UserWithRole(t, st, qalam.RoleModerator)
		adm := storetest.UserWithRole(t, st, qalam.RoleAdmin)
		add := func(e store.AuditEntry) *store.AuditEntry {
			t.Helper()
			clock.Advance(time.Minute)
			if err := st.AddAudit(ctx, &e); err != nil {
				t.Fatal(err)
			}
			if e.ID == 0 || !e.CreatedAt.Equal(clock.Now()) {
				t.Fatalf("AddAudit set ID %d, CreatedAt %v; want an ID and %v", e.ID, e.CreatedAt, clock.Now())
			}
			return &e
		}
		first := add(store.AuditEntry{UserID: mod.ID, Action: "comment.spam", TargetType: "comment", TargetID: 7, Reason: "link farm", Detail: "pending → spam"})
		add(store.AuditEntry{UserID: adm.ID, Action: "comment.approved", TargetType: "comment", TargetID: 8})
		last := add(store.AuditEntry{UserID: mod.ID, Action: "comment.approved", TargetType: "comment", TargetID: 9, Reason: strings.Repeat("ر", 2000)})

		t.Run("newest first, with names", func(t *testing.T) {
			list, total, err := st.FindAudit(ctx, store.AuditFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if total != 3 || len(list) != 3 || list[0].ID != last.ID || list[2].ID != first.ID {
				t.Fatalf("FindAudit = %d of %d, first %v; want 3, newest first", len(list), total, list)
			}
			got := list[2]
			if got.UserName != mod.Name || got.Reason != "link farm" || got.Detail != "pending → spam" ||
				got.TargetType != "comment" || got.TargetID != 7 || !got.CreatedAt.Equal(start.Add(time.Minute)) {
				t.Errorf("entry = %+v", got)
			}
			if n := len([]rune(list[0].Reason)); n != 1000 {
				t.Errorf("a 2000-character reason kept %d characters, want 1000", n)
			}
		})
		t.Run("filters and paging", func(t *testing.T) {
			list, total, err := st.FindAudit(ctx, store.AuditFilter{UserID: mod.ID, Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			if total != 2 || len(list) != 1 || list[0].ID != last.ID {
				t.Errorf("by moderator, page 1: %d of %d", len(list), total)
			}
			list, _, err = st.FindAudit(ctx, store.AuditFilter{UserID: mod.ID, Limit: 1, Offset: 1})
			if err != nil || len(list) != 1 || list[0].ID != first.ID {
				t.Errorf("by moderator, page 2: %v, %v", list, err)
			}
			_, total, err = st.FindAudit(ctx, store.AuditFilter{Action: "comment.approved", TargetType: "comment"})
			if err != nil || total != 2 {
				t.Errorf("approvals: %d, %v; want 2", total, err)
			}
			list, total, err = st.FindAudit(ctx, store.AuditFilter{Action: "nothing"})
			if err != nil || total != 0 || len(list) != 0 {
				t.Errorf("no match: %v, %d, %v", list, total, err)
			}
		})
		t.Run("an action is required", func(t *testing.T) {
			wantKind(t, st.AddAudit(ctx, &store.AuditEntry{TargetType: "comment"}), qalam.KindInvalid)
		})
	})
}
