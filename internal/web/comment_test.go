package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/view"
)

func TestComment_FirstTimeCommenterIsHeldAndSeesItAlone(t *testing.T) {
	f := newFixture(t)
	author := f.newReader()
	path := view.ArticlePath(f.article.Slug)

	got := author.post(path+"/comments", author.commentForm(f.article, "A first comment, held for review."))
	if got.status != 303 {
		t.Fatalf("status = %d, want 303; body:\n%s", got.status, got.body)
	}
	c := onlyComment(t, f, f.article)
	if c.Status != qalam.Pending {
		t.Fatalf("status = %s, want pending", c.Status)
	}
	if want := path + "?held=" + itoa(c.ID) + "#" + c.Anchor(); got.header.Get("Location") != want {
		t.Errorf("Location = %q, want %q", got.header.Get("Location"), want)
	}

	mine := author.get(path + "?held=" + itoa(c.ID))
	if n := find(mine.doc, byID(c.Anchor())); n == nil || !strings.Contains(text(n), "Awaiting moderation") {
		t.Error("the author does not see their held comment marked as awaiting moderation")
	}
	if find(mine.doc, byClass("held-notice")) == nil {
		t.Error("no awaiting-moderation notice after posting")
	}
	if strings.Contains(mine.body, "farah@example.org") {
		t.Error("the commenter's email appears in the page")
	}
	other := f.newReader().get(path)
	if find(other.doc, byID(c.Anchor())) != nil || strings.Contains(other.body, "held for review") {
		t.Error("another reader sees a held comment")
	}
}

func TestComment_TrustedReturningCommenterIsPublishedAtOnce(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	path := view.ArticlePath(f.article.Slug)
	regular := f.newReader()
	regular.post(path+"/comments", regular.commentForm(f.article, "My first comment."))
	first := onlyComment(t, f, f.article)
	if _, err := f.st.SetCommentStatus(ctx, first.ID, qalam.Approved); err != nil {
		t.Fatal(err)
	}

	got := regular.post(path+"/comments", regular.commentForm(f.article, "My second comment."))
	second := latestComment(t, f, f.article)
	if second.Status != qalam.Approved {
		t.Fatalf("returning commenter's comment is %s, want approved", second.Status)
	}
	if want := path + "?comment=" + itoa(second.ID) + "#" + second.Anchor(); got.header.Get("Location") != want {
		t.Errorf("Location = %q, want %q", got.header.Get("Location"), want)
	}
	// Published means everyone sees it, straight away (the cache was
	// dropped by the write).
	if find(f.newReader().get(path).doc, byID(second.Anchor())) == nil {
		t.Error("the published comment is not on the page for other readers")
	}

	// A stranger typing the same name and email inherits nothing.
	impostor := f.newReader()
	impostor.post(path+"/comments", impostor.commentForm(f.article, "Pretending to be Farah."))
	if c := latestComment(t, f, f.article); c.Status != qalam.Pending {
		t.Errorf("impostor's comment is %s, want pending", c.Status)
	}
}

func TestComment_InvalidSubmissionKeepsTheText(t *testing.T) {
	f := newFixture(t)
	r := f.newReader()
	path := view.ArticlePath(f.article.Slug)
	long := strings.Repeat("ک", qalam.MaxCommentBody+1)
	tests := []struct {
		name       string
		edit       func(url.Values)
		wantFields []string
	}{
		{"missing name and email", func(v url.Values) { v.Del("name"); v.Set("email", "") }, []string{"name", "email"}},
		{"malformed email", func(v url.Values) { v.Set("email", "farah at example") }, []string{"email"}},
		{"website that is not a web address", func(v url.Values) { v.Set("url", "javascript:alert(1)") }, []string{"url"}},
		{"empty comment", func(v url.Values) { v.Set("comment", "   ") }, []string{"body"}},
		{"comment over 5000 characters", func(v url.Values) { v.Set("comment", long) }, []string{"body"}},
		{"reply to a comment that does not exist", func(v url.Values) { v.Set("parent_id", "999999") }, []string{"parent"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := r.commentForm(f.article, "What I wrote, kept.")
			form.Set("url", "https://example.net/me")
			tt.edit(form)
			got := r.post(path+"/comments", form)
			if got.status != 422 {
				t.Fatalf("status = %d, want 422", got.status)
			}
			for _, field := range []string{"name", "email", "url"} {
				if v := inputValue(got.doc, field); v != form.Get(field) {
					t.Errorf("field %s = %q, want the reader's %q", field, v, form.Get(field))
				}
			}
			if v := inputValue(got.doc, "comment"); v != form.Get("comment") {
				t.Errorf("comment text not kept: got %d characters, want %d", len([]rune(v)), len([]rune(form.Get("comment"))))
			}
			errs := findAll(got.doc, byClass("field-error"))
			if len(errs) != len(tt.wantFields) {
				t.Errorf("%d field messages, want %d", len(errs), len(tt.wantFields))
			}
			if inputValue(got.doc, "key") != form.Get("key") {
				t.Error("the one-time key changed: a corrected resubmission could duplicate")
			}
		})
	}
	comments, _ := f.st.FindComments(context.Background(), store.CommentFilter{ArticleID: f.article.ID})
	if len(comments) != 0 {
		t.Errorf("%d comments stored from invalid submissions", len(comments))
	}
}

func TestComment_ReplyToAReply(t *testing.T) {
	f := newFixture(t)
	top := f.addComment(f.article, 0, "Kamran Ali", "Top.", qalam.Approved)
	reply := f.addComment(f.article, top.ID, "Sadia Khan", "Reply.", qalam.Approved)
	r := f.newReader()
	form := r.commentForm(f.article, "A reply to the reply.")
	form.Set("parent_id", itoa(reply.ID))
	if got := r.post(view.ArticlePath(f.article.Slug)+"/comments", form); got.status != 303 {
		t.Fatalf("status = %d, want 303", got.status)
	}
	c := latestComment(t, f, f.article)
	if c.ParentID != reply.ID {
		t.Fatalf("parent = %d, want %d", c.ParentID, reply.ID)
	}
	page := r.get(view.ArticlePath(f.article.Slug) + "?held=" + itoa(c.ID))
	if !contains(find(page.doc, byID(reply.Anchor())).Parent, find(page.doc, byID(c.Anchor()))) {
		t.Error("the reply to the reply is not nested under it")
	}
}

func TestComment_DoubleSubmitIsStoredOnce(t *testing.T) {
	f := newFixture(t)
	r := f.newReader()
	path := view.ArticlePath(f.article.Slug) + "/comments"
	form := r.commentForm(f.article, "Sent twice by an impatient double click.")
	first := r.post(path, form)
	second := r.post(path, form)
	comments, err := f.st.FindComments(context.Background(), store.CommentFilter{ArticleID: f.article.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(comments) != 1 {
		t.Fatalf("%d comments stored, want 1", len(comments))
	}
	if first.header.Get("Location") != second.header.Get("Location") {
		t.Errorf("the retry went to %q, the first to %q", second.header.Get("Location"), first.header.Get("Location"))
	}

	// Someone else's submission that happens to carry the same key (a page
	// copy cached by a proxy) is a new comment, not a retry.
	other := f.newReader()
	form.Set("comment", "A different reader, same cached page.")
	form.Set("email", "other@example.org")
	other.post(path, form)
	comments, _ = f.st.FindComments(context.Background(), store.CommentFilter{ArticleID: f.article.ID})
	if len(comments) != 2 {
		t.Errorf("%d comments stored, want 2", len(comments))
	}
}

func TestComment_ClosedDiscussionRefusesPosts(t *testing.T) {
	f := newFixture(t)
	r := f.newReader()
	form := url.Values{"key": {"k1"}, "name": {"Farah"}, "email": {"farah@example.org"}, "comment": {"Too late."}}
	got := r.post(view.ArticlePath(f.closed.Slug)+"/comments", form)
	if got.status != 403 {
		t.Fatalf("status = %d, want 403", got.status)
	}
	if !strings.Contains(text(got.doc), "Comments are closed on this article.") {
		t.Error("the refusal does not say the discussion is closed")
	}
}

func TestComment_RememberMeCookieOnlyWhenTicked(t *testing.T) {
	f := newFixture(t)
	path := view.ArticlePath(f.article.Slug)
	tests := []struct {
		name     string
		remember bool
	}{
		{"ticked keeps name and email", true},
		{"unticked keeps nothing", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.newReader()
			form := r.commentForm(f.article, "Remember me? "+tt.name)
			form.Set("url", "https://example.net/farah")
			if tt.remember {
				form.Set("remember", "yes")
			}
			got := r.post(path+"/comments", form)
			var set bool
			for _, c := range got.header.Values("Set-Cookie") {
				if strings.HasPrefix(c, "qalam_remember=") {
					set = true
				}
			}
			if set != tt.remember {
				t.Errorf("remember cookie set = %v, want %v", set, tt.remember)
			}
			page := r.get(path)
			wantName := ""
			if tt.remember {
				wantName = "Farah Naz"
			}
			if got := inputValue(page.doc, "name"); got != wantName {
				t.Errorf("name field = %q, want %q", got, wantName)
			}
		})
	}
}

func TestComment_CacheSeesModeratorDecision(t *testing.T) {
	f := newFixture(t)
	path := view.ArticlePath(f.article.Slug)
	c := f.addComment(f.article, 0, "Kamran Ali", "Waiting for a moderator.", qalam.Pending)
	r := f.newReader()
	if find(r.get(path).doc, byID(c.Anchor())) != nil {
		t.Fatal("pending comment shown")
	}
	if _, err := f.st.SetCommentStatus(context.Background(), c.ID, qalam.Approved); err != nil {
		t.Fatal(err)
	}
	// The change feed delivers the approval (in-process on SQLite, by
	// NOTIFY on PostgreSQL); wait for the page to show it.
	waitFor(t, func() bool { return find(r.get(path).doc, byID(c.Anchor())) != nil })
	waitFor(t, func() bool { return strings.Contains(text(r.get("/").doc), "1 comment") })
}

func onlyComment(t *testing.T, f *fixture, a *qalam.Article) *qalam.Comment {
	t.Helper()
	comments, err := f.st.FindComments(context.Background(), store.CommentFilter{ArticleID: a.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(comments) != 1 {
		t.Fatalf("%d comments stored, want 1", len(comments))
	}
	return comments[0]
}

func latestComment(t *testing.T, f *fixture, a *qalam.Article) *qalam.Comment {
	t.Helper()
	comments, err := f.st.FindComments(context.Background(), store.CommentFilter{ArticleID: a.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(comments) == 0 {
		t.Fatal("no comments")
	}
	return comments[len(comments)-1]
}
