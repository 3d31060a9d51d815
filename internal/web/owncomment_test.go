package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/view"
)

// postOwn has r post a comment on a and returns it as stored, approved when
// approve is set (as a moderator's decision would).
func postOwn(t *testing.T, f *fixture, r *reader, a *qalam.Article, body string, approve bool) *qalam.Comment {
	t.Helper()
	got := r.post(view.ArticlePath(a.Slug)+"/comments", r.commentForm(a, body))
	if got.status != http.StatusSeeOther {
		t.Fatalf("posting: status = %d, want 303; body:\n%s", got.status, got.body)
	}
	c := latestComment(t, f, a)
	if approve && c.Status != qalam.Approved {
		var err error
		if c, err = f.st.SetCommentStatus(context.Background(), c.ID, qalam.Approved); err != nil {
			t.Fatal(err)
		}
		// The change feed drops the cached page in its own time.
		waitFor(t, func() bool { return find(f.newReader().get(view.ArticlePath(a.Slug)).doc, byID(c.Anchor())) != nil })
	}
	return c
}

func editPath(a *qalam.Article, c *qalam.Comment) string {
	return view.ArticlePath(a.Slug) + "/comments/" + itoa(c.ID) + "/edit"
}

func deletePath(a *qalam.Article, c *qalam.Comment) string {
	return view.ArticlePath(a.Slug) + "/comments/" + itoa(c.ID) + "/delete"
}

func storedComment(t *testing.T, f *fixture, id int64) *qalam.Comment {
	t.Helper()
	c, err := f.st.Comment(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestOwnComment_AuthorEditsWithinTheWindow(t *testing.T) {
	f := newFixture(t)
	path := view.ArticlePath(f.article.Slug)
	author, other := f.newReader(), f.newReader()
	c := postOwn(t, f, author, f.article, "The board meets on Tuesdya.", true)
	before := other.get(path)
	if !strings.Contains(text(find(before.doc, byID(c.Anchor()))), "Tuesdya") {
		t.Fatal("another reader does not see the comment before the edit") // and the page is now cached
	}
	if find(before.doc, byClass("edited-badge")) != nil {
		t.Error("a comment never edited is marked edited")
	}

	form := author.get(editPath(f.article, c))
	if form.status != http.StatusOK {
		t.Fatalf("edit page: status = %d, want 200; body:\n%s", form.status, form.body)
	}
	if got := inputValue(form.doc, "comment"); got != c.Body {
		t.Errorf("edit box holds %q, want the comment's text %q", got, c.Body)
	}
	for _, action := range []string{editPath(f.article, c), deletePath(f.article, c)} {
		if find(form.doc, func(n *html.Node) bool {
			return n.Data == "form" && attr(n, "action") == action && attr(n, "method") == "post"
		}) == nil {
			t.Errorf("edit page has no form posting to %s", action)
		}
	}
	if cc := form.header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Errorf("edit page Cache-Control = %q, want no-store", cc)
	}

	got := author.post(editPath(f.article, c), url.Values{"comment": {"The board meets on Tuesday."}})
	if got.status != http.StatusSeeOther {
		t.Fatalf("saving: status = %d, want 303; body:\n%s", got.status, got.body)
	}
	if want := path + "?comment=" + itoa(c.ID) + "#" + c.Anchor(); got.header.Get("Location") != want {
		t.Errorf("Location = %q, want %q", got.header.Get("Location"), want)
	}
	stored := storedComment(t, f, c.ID)
	if stored.Body != "The board meets on Tuesday." || !strings.Contains(stored.BodyHTML, "Tuesday.") || stored.EditedAt.IsZero() || stored.Status != qalam.Approved {
		t.Errorf("stored %+v, want the new text, edited, still approved", stored)
	}

	for name, r := range map[string]*reader{"the author": author, "another reader": other, "a new reader": f.newReader()} {
		page := r.get(path)
		n := find(page.doc, byID(c.Anchor()))
		if n == nil {
			t.Fatalf("%s: the comment is not on the page", name)
		}
		if body := text(find(n, byClass("comment-body"))); body != "The board meets on Tuesday." {
			t.Errorf("%s sees %q, want the new text", name, body)
		}
		if badge := find(n, byClass("edited-badge")); badge == nil || text(badge) != "edited" {
			t.Errorf("%s: the comment is not marked edited", name)
		}
	}

	t.Run("saving the same text changes nothing", func(t *testing.T) {
		before := storedComment(t, f, c.ID)
		got := author.post(editPath(f.article, c), url.Values{"comment": {"The board meets on Tuesday.\r\n"}})
		if got.status != http.StatusSeeOther {
			t.Fatalf("status = %d, want 303", got.status)
		}
		if after := storedComment(t, f, c.ID); !after.UpdatedAt.Equal(before.UpdatedAt) {
			t.Errorf("updated at %v, want unchanged %v", after.UpdatedAt, before.UpdatedAt)
		}
	})
}

func TestOwnComment_AnotherBrowserIsForbidden(t *testing.T) {
	f := newFixture(t)
	author := f.newReader()
	c := postOwn(t, f, author, f.article, "Only I may change this.", true)
	stranger := f.newReader() // no commenter cookie
	otherCommenter := f.newReader()
	postOwn(t, f, otherCommenter, f.article, "A comment of my own.", false)

	for name, r := range map[string]*reader{"no commenter cookie": stranger, "another commenter": otherCommenter} {
		t.Run(name, func(t *testing.T) {
			page := r.get(editPath(f.article, c))
			if page.status != http.StatusForbidden {
				t.Errorf("edit page: status = %d, want 403", page.status)
			}
			if !strings.Contains(page.body, "Only the browser that posted a comment can change it.") {
				t.Error("the refusal does not say why")
			}
			if find(page.doc, func(n *html.Node) bool { return n.Data == "textarea" }) != nil {
				t.Error("the refusal shows the edit box")
			}
			if got := r.post(editPath(f.article, c), url.Values{"comment": {"Hijacked."}}); got.status != http.StatusForbidden {
				t.Errorf("saving: status = %d, want 403", got.status)
			}
			if got := r.post(deletePath(f.article, c), url.Values{}); got.status != http.StatusForbidden {
				t.Errorf("deleting: status = %d, want 403", got.status)
			}
		})
	}
	stored := storedComment(t, f, c.ID)
	if stored.Body != c.Body || stored.Status != qalam.Approved || !stored.EditedAt.IsZero() {
		t.Errorf("stored %+v, want it unchanged", stored)
	}

	t.Run("a comment on another article is not found", func(t *testing.T) {
		wrong := view.ArticlePath(f.urdu.Slug) + "/comments/" + itoa(c.ID) + "/edit"
		if got := author.get(wrong); got.status != http.StatusNotFound {
			t.Errorf("status = %d, want 404", got.status)
		}
	})
	t.Run("a malformed ID is not found", func(t *testing.T) {
		if got := author.get(view.ArticlePath(f.article.Slug) + "/comments/x/edit"); got.status != http.StatusNotFound {
			t.Errorf("status = %d, want 404", got.status)
		}
	})
}

func TestOwnComment_DeleteHidesIt(t *testing.T) {
	f := newFixture(t)
	path := view.ArticlePath(f.article.Slug)
	author := f.newReader()
	c := postOwn(t, f, author, f.article, "I should not have said this.", true)
	reply := f.addComment(f.article, c.ID, "Bilal Ahmed", "A reply to the withdrawn comment.", qalam.Approved)
	if find(f.newReader().get(path).doc, byID(c.Anchor())) == nil {
		t.Fatal("the comment is not on the page before deletion") // and the page is now cached
	}

	got := author.post(deletePath(f.article, c), url.Values{})
	if got.status != http.StatusSeeOther {
		t.Fatalf("status = %d, want 303; body:\n%s", got.status, got.body)
	}
	if loc := got.header.Get("Location"); !strings.HasPrefix(loc, path) {
		t.Errorf("Location = %q, want the article", loc)
	}
	if s := storedComment(t, f, c.ID); s.Status != qalam.Deleted || s.Body != c.Body {
		t.Errorf("stored %+v, want deleted with its text kept", s)
	}
	for name, r := range map[string]*reader{"the author": author, "another reader": f.newReader()} {
		page := r.get(path)
		if page.status != http.StatusOK {
			t.Fatalf("%s: status = %d, want 200", name, page.status)
		}
		if find(page.doc, byID(c.Anchor())) != nil || strings.Contains(page.body, "should not have said") {
			t.Errorf("%s still sees the deleted comment", name)
		}
		if find(page.doc, byID(reply.Anchor())) == nil {
			t.Errorf("%s no longer sees the reply to it", name)
		}
	}
	t.Run("gone from its edit page", func(t *testing.T) {
		if got := author.get(editPath(f.article, c)); got.status != http.StatusNotFound {
			t.Errorf("status = %d, want 404", got.status)
		}
	})
}

func TestOwnComment_InvalidEditKeepsTheText(t *testing.T) {
	f := newFixture(t)
	author := f.newReader()
	c := postOwn(t, f, author, f.article, "A comment to improve.", true)
	long := strings.Repeat("ب", qalam.MaxCommentBody+1)
	for _, tc := range []struct{ name, typed string }{
		{"empty", "   "},
		{"too long", long},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := author.post(editPath(f.article, c), url.Values{"comment": {tc.typed}})
			if got.status != http.StatusUnprocessableEntity {
				t.Fatalf("status = %d, want 422", got.status)
			}
			if v := inputValue(got.doc, "comment"); v != tc.typed {
				t.Errorf("edit box holds %d characters, want the %d typed", len(v), len(tc.typed))
			}
			if find(got.doc, byClass("field-error")) == nil {
				t.Error("no message at the comment field")
			}
			if n := find(got.doc, byClass("error")); n == nil || !strings.Contains(text(n), "not saved") {
				t.Error("no message saying the changes were not saved")
			}
		})
	}
	if s := storedComment(t, f, c.ID); s.Body != c.Body || !s.EditedAt.IsZero() {
		t.Errorf("stored %+v, want it unchanged", s)
	}
}

// mine decodes /comments/mine for r on article a.
type mineJSON struct {
	Label    string `json:"label"`
	Comments []struct {
		ID     int64  `json:"id"`
		Anchor string `json:"anchor"`
		Edit   string `json:"edit"`
	} `json:"comments"`
}

func (r *reader) mine(a *qalam.Article) mineJSON {
	r.f.t.Helper()
	got := r.get(view.ArticlePath(a.Slug) + "/comments/mine")
	if got.status != http.StatusOK || !strings.HasPrefix(got.header.Get("Content-Type"), "application/json") {
		r.f.t.Fatalf("status = %d, Content-Type %q, want 200 JSON", got.status, got.header.Get("Content-Type"))
	}
	if cc := got.header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		r.f.t.Errorf("Cache-Control = %q, want no-store", cc)
	}
	var m mineJSON
	if err := json.Unmarshal([]byte(got.body), &m); err != nil {
		r.f.t.Fatal(err)
	}
	return m
}

func (m mineJSON) ids() []int64 {
	ids := []int64{}
	for _, c := range m.Comments {
		ids = append(ids, c.ID)
	}
	return ids
}

func TestOwnComment_MineListsOwnEditableComments(t *testing.T) {
	f := newFixture(t)
	author, other := f.newReader(), f.newReader()
	first := postOwn(t, f, author, f.article, "My first comment.", true)
	held := postOwn(t, f, author, f.article, "My second comment, held.", false)
	withdrawn := postOwn(t, f, author, f.article, "My third comment, withdrawn.", false)
	if got := author.post(deletePath(f.article, withdrawn), url.Values{}); got.status != http.StatusSeeOther {
		t.Fatalf("deleting: status = %d", got.status)
	}
	postOwn(t, f, author, f.urdu, "On another article.", false)
	theirs := postOwn(t, f, other, f.article, "Someone else's comment.", true)

	m := author.mine(f.article)
	if want := []int64{first.ID, held.ID}; !reflect.DeepEqual(m.ids(), want) {
		t.Errorf("author's ids = %v, want %v", m.ids(), want)
	}
	for _, c := range m.Comments {
		if want := view.ArticlePath(f.article.Slug) + "/comments/" + itoa(c.ID) + "/edit"; c.Edit != want || c.Anchor != "comment-"+itoa(c.ID) {
			t.Errorf("comment %d: edit %q anchor %q, want %q", c.ID, c.Edit, c.Anchor, want)
		}
	}
	if m.Label != "Edit (15 minutes)" {
		t.Errorf("label = %q", m.Label)
	}
	if got := other.mine(f.article).ids(); !reflect.DeepEqual(got, []int64{theirs.ID}) {
		t.Errorf("other's ids = %v, want [%d]", got, theirs.ID)
	}
	if got := f.newReader().mine(f.article).ids(); len(got) != 0 {
		t.Errorf("a reader without a commenter cookie gets %v, want none", got)
	}
	if got := author.mine(f.urdu).Label; got != "ترمیم (15 منٹ)" {
		t.Errorf("Urdu label = %q", got)
	}
}

// clockedRequest sends a request with the cookie straight to c's handler.
func (c *clockedSite) request(method, path string, form url.Values, cookie *http.Cookie) *httptest.ResponseRecorder {
	c.t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
	req.RemoteAddr = "192.0.2.10:4000"
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if cookie != nil {
		req.AddCookie(cookie)
	}
	rec := httptest.NewRecorder()
	c.handler.ServeHTTP(rec, req)
	return rec
}

func TestOwnComment_RefusedAfterTheWindow(t *testing.T) {
	c := newClockedSite(t)
	posted := c.post("192.0.2.10:4000", c.form("farah@example.org", "Written in haste."))
	if posted.Code != http.StatusSeeOther {
		t.Fatalf("posting: status = %d, want 303", posted.Code)
	}
	var cookie *http.Cookie
	for _, ck := range posted.Result().Cookies() {
		if ck.Name == "qalam_commenter" {
			cookie = ck
		}
	}
	if cookie == nil {
		t.Fatal("no commenter cookie after posting")
	}
	comment := c.comments()[0]
	path := view.ArticlePath(c.article.Slug)
	edit := path + "/comments/" + itoa(comment.ID) + "/edit"

	c.clock.Advance(15*time.Minute - time.Second)
	if got := c.request("GET", edit, nil, cookie); got.Code != http.StatusOK {
		t.Fatalf("a second before the end: edit page status = %d, want 200", got.Code)
	}
	if got := c.request("GET", path+"/comments/mine", nil, cookie); !strings.Contains(got.Body.String(), `"id":`+itoa(comment.ID)) {
		t.Errorf("a second before the end: /mine = %s, want the comment", got.Body)
	}

	c.clock.Advance(time.Second)
	const message = "Comments can be changed for 15 minutes after posting."
	for _, tc := range []struct {
		name, method, path string
		form               url.Values
	}{
		{"edit page", "GET", edit, nil},
		{"saving", "POST", edit, url.Values{"comment": {"Too late."}}},
		{"deleting", "POST", path + "/comments/" + itoa(comment.ID) + "/delete", url.Values{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := c.request(tc.method, tc.path, tc.form, cookie)
			if got.Code != http.StatusForbidden {
				t.Errorf("status = %d, want 403", got.Code)
			}
			if !strings.Contains(got.Body.String(), message) {
				t.Errorf("the refusal does not say %q", message)
			}
		})
	}
	if got := c.request("GET", path+"/comments/mine", nil, cookie); strings.Contains(got.Body.String(), `"id":`) {
		t.Errorf("after the window: /mine = %s, want no comments", got.Body)
	}
	after := c.comments()[0]
	if after.Body != comment.Body || after.Status != comment.Status || !after.EditedAt.IsZero() {
		t.Errorf("stored %+v, want it unchanged", after)
	}
}

func TestOwnComment_EditIsScreenedLikeANewComment(t *testing.T) {
	f := newFixture(t)
	path := view.ArticlePath(f.article.Slug)
	author := f.newReader()
	c := postOwn(t, f, author, f.article, "The ferry leaves at nine.", true)
	must(t, f.st.SetWordLists(context.Background(), nil, []string{"zorbix"}, 0, ""))

	// Spelled with a lookalike letter, as an evasion would be.
	got := author.post(editPath(f.article, c), url.Values{"comment": {"Cheap zоrbix pills here."}})
	if got.status != http.StatusSeeOther {
		t.Fatalf("saving: status = %d, want 303; body:\n%s", got.status, got.body)
	}
	if loc := got.header.Get("Location"); !strings.Contains(loc, "held=") {
		t.Errorf("Location = %q, want the held notice, as for a new held comment", loc)
	}
	stored := storedComment(t, f, c.ID)
	if stored.Status != qalam.Spam || !strings.Contains(stored.ModerationReason, "zorbix") {
		t.Errorf("stored status %s, reason %q; want spam naming the word", stored.Status, stored.ModerationReason)
	}
	if stored.Body != "Cheap zоrbix pills here." {
		t.Errorf("stored body %q, want the text exactly as typed", stored.Body)
	}
	if n := find(f.newReader().get(path).doc, byID(c.Anchor())); n != nil {
		t.Error("the edited spam is still published to other readers")
	}
}
