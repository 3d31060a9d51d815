package store_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
)

// examplesByComment returns the moderators' examples by comment ID, and
// checks that the version read with them is the one polled.
func examplesByComment(t *testing.T, st *store.Store) (map[int64]*store.SpamExample, store.SpamExamplesVersion) {
	t.Helper()
	ctx := context.Background()
	list, v, err := st.SpamExamples(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if polled, err := st.SpamExamplesVersion(ctx); err != nil || polled != v {
		t.Fatalf("SpamExamplesVersion = %+v, %v; SpamExamples said %+v", polled, err, v)
	}
	if v.Count != len(list) {
		t.Errorf("version counts %d examples, %d returned", v.Count, len(list))
	}
	out := map[int64]*store.SpamExample{}
	for _, e := range list {
		if e.Source == store.SpamFromModerator {
			out[e.CommentID] = e
		}
	}
	return out, v
}

func TestStore_SpamExamplesFromModeration(t *testing.T) {
	start := time.Date(2025, 7, 1, 9, 0, 0, 0, time.UTC)
	forEachDialectAt(t, start, func(t *testing.T, st *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		mod := storetest.UserWithRole(t, st, qalam.RoleModerator)
		urdu := storetest.Article(t, st, func(a *qalam.Article) { a.Language = qalam.Urdu })
		english := storetest.Article(t, st)
		held := storetest.Comment(t, st, urdu.ID, func(c *qalam.Comment) {
			c.Status, c.AuthorName, c.AuthorEmail, c.AuthorURL = qalam.Pending, "Amil Baba", "amil@spam.test", "https://amil.test/"
			c.Body = "ہر مسئلے کا حل، ابھی کال کریں 0300 0000000"
		})
		heldHam := storetest.Comment(t, st, english.ID, func(c *qalam.Comment) { c.Status = qalam.Pending })
		approved := storetest.Comment(t, st, english.ID)
		removed := storetest.Comment(t, st, english.ID, func(c *qalam.Comment) { c.Status = qalam.Pending })

		moderate := func(status qalam.CommentStatus, ids ...int64) {
			t.Helper()
			clock.Advance(time.Minute)
			if _, err := st.ModerateComments(ctx, ids, status, mod.ID, ""); err != nil {
				t.Fatal(err)
			}
		}

		t.Run("marked spam: a spam example with the comment's fields", func(t *testing.T) {
			moderate(qalam.Spam, held.ID)
			got, _ := examplesByComment(t, st)
			e := got[held.ID]
			if e == nil {
				t.Fatalf("no example for the comment marked spam: %v", got)
			}
			want := store.SpamExample{ID: e.ID, Source: store.SpamFromModerator, Spam: true, CommentID: held.ID, UserID: mod.ID,
				Lang: "ur", Topic: "article:" + strconv.FormatInt(urdu.ID, 10),
				Name: held.AuthorName, Email: held.AuthorEmail, Website: held.AuthorURL, Body: held.Body,
				CreatedAt: start.Add(time.Minute)}
			if *e != want {
				t.Errorf("example = %+v\nwant      %+v", *e, want)
			}
		})

		t.Run("approved after being marked spam: the same comment becomes ham", func(t *testing.T) {
			_, before := examplesByComment(t, st)
			moderate(qalam.Approved, held.ID)
			got, after := examplesByComment(t, st)
			if e := got[held.ID]; e == nil || e.Spam || len(got) != 1 {
				t.Fatalf("examples = %v, want the comment's one as ham", got)
			}
			if after.Count != before.Count || after.IDSum <= before.IDSum {
				t.Errorf("version %+v → %+v: a replaced decision must change it", before, after)
			}
		})

		t.Run("approving a held comment is ham; removing one or approving an approved one says nothing", func(t *testing.T) {
			moderate(qalam.Approved, heldHam.ID, approved.ID)
			moderate(qalam.Deleted, removed.ID)
			got, _ := examplesByComment(t, st)
			if e := got[heldHam.ID]; e == nil || e.Spam || e.Lang != "en" {
				t.Errorf("held then approved: %+v, want an English ham example", e)
			}
			if got[approved.ID] != nil || got[removed.ID] != nil {
				t.Errorf("examples = %v, want none for the approved and the removed comment", got)
			}
			moderate(qalam.Approved, removed.ID) // restored: still says nothing about spam
			if got, _ := examplesByComment(t, st); got[removed.ID] != nil {
				t.Errorf("a restored comment became an example: %+v", got[removed.ID])
			}
			moderate(qalam.Spam, approved.ID)
			if got, _ := examplesByComment(t, st); got[approved.ID] == nil || !got[approved.ID].Spam {
				t.Errorf("an approved comment marked spam: %+v, want a spam example", got[approved.ID])
			}
		})

		t.Run("a failed moderation records nothing", func(t *testing.T) {
			c := storetest.Comment(t, st, english.ID, func(c *qalam.Comment) { c.Status = qalam.Pending })
			_, before := examplesByComment(t, st)
			if _, err := st.ModerateComments(ctx, []int64{c.ID}, qalam.Spam, 999999, ""); err == nil {
				t.Fatal("moderated as a user who does not exist")
			}
			if got, after := examplesByComment(t, st); got[c.ID] != nil || after != before {
				t.Errorf("version %+v → %+v, example %+v; want nothing recorded", before, after, got[c.ID])
			}
		})

		t.Run("an erased comment's example goes with its text", func(t *testing.T) {
			_, before := examplesByComment(t, st)
			if _, err := st.EraseCommentsByEmail(ctx, held.AuthorEmail, "requester-hash"); err != nil {
				t.Fatal(err)
			}
			got, after := examplesByComment(t, st)
			if got[held.ID] != nil {
				t.Errorf("the erased comment is still an example: %+v", got[held.ID])
			}
			if after.Count != before.Count-1 {
				t.Errorf("version %+v → %+v, want one example fewer", before, after)
			}
		})
	})
}

func TestStore_AddSpamExamples(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		empty, err := st.SpamExamplesVersion(ctx)
		if err != nil || empty != (store.SpamExamplesVersion{}) {
			t.Fatalf("version of no examples = %+v, %v; want zero", empty, err)
		}
		file := func() []*store.SpamExample {
			return []*store.SpamExample{
				{FileID: "f-1", Spam: true, Lang: "ur-Latn", Topic: "bijli ke bill", Name: "Qarz Aasaan",
					Email: "loan@spam.test", Website: "https://qarz.test/", Body: "Foran qarz lein https://qarz.test/apply"},
				{FileID: "f-2", Lang: "en", Topic: "bridge repairs", Name: "Saima", Email: "saima@example.org",
					Body: "The bridge is still closed."},
			}
		}
		first := file()
		added, err := st.AddSpamExamples(ctx, first)
		if err != nil || added != 2 {
			t.Fatalf("added %d, %v; want 2", added, err)
		}
		list, v, err := st.SpamExamples(ctx)
		if err != nil || len(list) != 2 || v.Count != 2 {
			t.Fatalf("examples = %d, %+v, %v; want 2", len(list), v, err)
		}
		for i, e := range list {
			want := *first[i]
			want.Source, want.CreatedAt = store.SpamFromFile, e.CreatedAt
			if *e != want || e.ID == 0 || e.CreatedAt.IsZero() {
				t.Errorf("example %d = %+v\nwant       %+v", i, *e, want)
			}
		}

		t.Run("adding the file again adds nothing; new ids are added", func(t *testing.T) {
			again := append(file(), &store.SpamExample{FileID: "f-3", Spam: true, Body: "casino bonus"},
				&store.SpamExample{FileID: "f-3", Body: "a repeat within the file"})
			added, err := st.AddSpamExamples(ctx, again)
			if err != nil || added != 1 {
				t.Fatalf("added %d, %v; want 1", added, err)
			}
			after, err := st.SpamExamplesVersion(ctx)
			if err != nil || after.Count != 3 || after.IDSum <= v.IDSum {
				t.Errorf("version %+v → %+v, %v; want one more example", v, after, err)
			}
			list, _, _ := st.SpamExamples(ctx)
			if last := list[len(list)-1]; last.FileID != "f-3" || !last.Spam {
				t.Errorf("last example = %+v, want f-3, the first of the two, spam", last)
			}
		})

		t.Run("an example without an id is refused, and nothing is added", func(t *testing.T) {
			before, _ := st.SpamExamplesVersion(ctx)
			_, err := st.AddSpamExamples(ctx, []*store.SpamExample{{FileID: "f-9"}, {FileID: " ", Body: "x"}})
			wantField(t, err, "id")
			if after, _ := st.SpamExamplesVersion(ctx); after != before {
				t.Errorf("version %+v → %+v after a refused file", before, after)
			}
		})
	})
}
