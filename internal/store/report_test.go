package store_test

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
)

func report(commentID int64, reason, reporter string) *store.CommentReport {
	return &store.CommentReport{CommentID: commentID, Reason: reason, ReporterHash: reporter}
}

func autoHeld(t *testing.T, st *store.Store, commentID int64) []*store.AuditEntry {
	t.Helper()
	entries, _, err := st.FindAudit(context.Background(), store.AuditFilter{Action: "comment.auto_held"})
	if err != nil {
		t.Fatal(err)
	}
	var out []*store.AuditEntry
	for _, e := range entries {
		if e.TargetID == commentID {
			out = append(out, e)
		}
	}
	return out
}

func TestStore_ReportComment(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a := storetest.Article(t, st)

		t.Run("three distinct reporters hold an approved comment", func(t *testing.T) {
			rec := watch(t, st)
			c := storetest.Comment(t, st, a.ID)
			for i, who := range []string{"addr1", "addr2", "addr1", "addr3"} {
				held, err := st.ReportComment(ctx, report(c.ID, "spam", who), 3)
				if err != nil {
					t.Fatalf("report %d: %v", i, err)
				}
				if want := i == 3; held != want {
					t.Errorf("report %d held = %v, want %v", i, held, want)
				}
				if i < 3 {
					if got, _ := st.Comment(ctx, c.ID); got.Status != qalam.Approved {
						t.Fatalf("after report %d status = %s, want approved", i, got.Status)
					}
				}
			}
			got, err := st.Comment(ctx, c.ID)
			if err != nil || got.Status != qalam.Pending {
				t.Fatalf("status = %v, %v; want pending", got, err)
			}
			entries := autoHeld(t, st, c.ID)
			if len(entries) != 1 || entries[0].UserID != 0 || entries[0].TargetType != "comment" ||
				entries[0].Reason != "3 reader reports" {
				t.Errorf("audit entries = %+v, want one auto_held by nobody", entries)
			}
			changes := rec.waitUntil(t, 1)
			if !slices.ContainsFunc(changes, func(ch store.Change) bool { return ch.ArticleID == a.ID }) {
				t.Errorf("changes = %v, want the article's", changes)
			}
			// A fourth reporter neither errs nor holds it again.
			held, err := st.ReportComment(ctx, report(c.ID, "abuse", "addr4"), 3)
			if err != nil || held {
				t.Errorf("report on a held comment = %v, %v; want stored, not held", held, err)
			}
			if n := len(autoHeld(t, st, c.ID)); n != 1 {
				t.Errorf("%d audit entries, want 1", n)
			}
		})

		t.Run("a repeat report counts once", func(t *testing.T) {
			c := storetest.Comment(t, st, a.ID)
			for range 5 {
				if held, err := st.ReportComment(ctx, report(c.ID, "hate", "same"), 3); err != nil || held {
					t.Fatalf("ReportComment = %v, %v", held, err)
				}
			}
			counts, err := st.ReportCounts(ctx, []int64{c.ID})
			if err != nil {
				t.Fatal(err)
			}
			if want := map[int64]map[string]int{c.ID: {"hate": 1}}; !reflect.DeepEqual(counts, want) {
				t.Errorf("counts = %v, want %v", counts, want)
			}
			if got, _ := st.Comment(ctx, c.ID); got.Status != qalam.Approved {
				t.Errorf("status = %s, want approved", got.Status)
			}
		})

		t.Run("a rejected comment is not held", func(t *testing.T) {
			c := storetest.Comment(t, st, a.ID, func(c *qalam.Comment) { c.Status = qalam.Spam })
			for _, who := range []string{"s1", "s2", "s3"} {
				if held, err := st.ReportComment(ctx, report(c.ID, "spam", who), 3); err != nil || held {
					t.Fatalf("ReportComment = %v, %v", held, err)
				}
			}
			if got, _ := st.Comment(ctx, c.ID); got.Status != qalam.Spam {
				t.Errorf("status = %s, want spam", got.Status)
			}
		})

		t.Run("concurrent reports hold once", func(t *testing.T) {
			c := storetest.Comment(t, st, a.ID)
			var wg sync.WaitGroup
			var mu sync.Mutex
			helds := 0
			for i := range 6 {
				wg.Go(func() {
					held, err := st.ReportComment(ctx, report(c.ID, "abuse", "c"+string(rune('a'+i))), 3)
					if err != nil {
						t.Errorf("report %d: %v", i, err)
					}
					if held {
						mu.Lock()
						helds++
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			if got, _ := st.Comment(ctx, c.ID); got.Status != qalam.Pending || helds != 1 {
				t.Errorf("status = %s, held %d times; want pending, held once", got.Status, helds)
			}
			if n := len(autoHeld(t, st, c.ID)); n != 1 {
				t.Errorf("%d audit entries, want 1", n)
			}
		})

		t.Run("invalid reports and missing comments", func(t *testing.T) {
			c := storetest.Comment(t, st, a.ID)
			_, err := st.ReportComment(ctx, report(c.ID, "boring", "x"), 3)
			wantField(t, err, "reason")
			r := report(c.ID, "other", "x")
			r.Note = strings.Repeat("é", store.MaxReportNote+1)
			_, err = st.ReportComment(ctx, r, 3)
			wantField(t, err, "note")
			r.Note = strings.Repeat("é", store.MaxReportNote)
			if _, err := st.ReportComment(ctx, r, 3); err != nil {
				t.Errorf("a note of %d characters: %v", store.MaxReportNote, err)
			}
			_, err = st.ReportComment(ctx, report(c.ID+1000, "spam", "x"), 3)
			wantKind(t, err, qalam.KindNotFound)
		})

		t.Run("counts by reason and the reported queue", func(t *testing.T) {
			b := storetest.Article(t, st)
			c1 := storetest.Comment(t, st, b.ID)
			c2 := storetest.Comment(t, st, b.ID)
			quiet := storetest.Comment(t, st, b.ID)
			for _, r := range []*store.CommentReport{
				report(c1.ID, "spam", "r1"), report(c1.ID, "spam", "r2"), report(c1.ID, "other", "r3"),
				report(c2.ID, "personal", "r1"),
			} {
				if _, err := st.ReportComment(ctx, r, 5); err != nil {
					t.Fatal(err)
				}
			}
			counts, err := st.ReportCounts(ctx, []int64{c1.ID, c2.ID, quiet.ID, c1.ID})
			if err != nil {
				t.Fatal(err)
			}
			want := map[int64]map[string]int{c1.ID: {"spam": 2, "other": 1}, c2.ID: {"personal": 1}}
			if !reflect.DeepEqual(counts, want) {
				t.Errorf("counts = %v, want %v", counts, want)
			}
			if counts, err := st.ReportCounts(ctx, nil); err != nil || len(counts) != 0 {
				t.Errorf("ReportCounts(nil) = %v, %v", counts, err)
			}
			list, total, err := st.FindReportedForQueue(ctx, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, it := range list {
				ids = append(ids, it.Comment.ID)
				if it.Comment.Status != qalam.Approved && it.Comment.Status != qalam.Pending {
					t.Errorf("queue lists a %s comment", it.Comment.Status)
				}
			}
			if n, err := st.CountReported(ctx); err != nil || n != total {
				t.Errorf("CountReported = %d, %v; want %d", n, err, total)
			}
			if total != len(list) || !slices.Contains(ids, c1.ID) || !slices.Contains(ids, c2.ID) || slices.Contains(ids, quiet.ID) {
				t.Errorf("reported queue = %v (total %d), want %d and %d, not %d", ids, total, c1.ID, c2.ID, quiet.ID)
			}
		})

		t.Run("reports go with their comment", func(t *testing.T) {
			b := storetest.Article(t, st)
			c := storetest.Comment(t, st, b.ID)
			if _, err := st.ReportComment(ctx, report(c.ID, "spam", "z"), 3); err != nil {
				t.Fatal(err)
			}
			if err := st.Exec(ctx, `DELETE FROM comments WHERE id = $1`, c.ID); err != nil {
				t.Fatal(err)
			}
			if counts, err := st.ReportCounts(ctx, []int64{c.ID}); err != nil || len(counts) != 0 {
				t.Errorf("counts after delete = %v, %v", counts, err)
			}
		})
	})
}
