package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/view"
	"github.com/qalamnews/qalam/internal/web"
)

// dataRequest is the data request form as its page renders it.
func (r *reader) dataRequest(email string) url.Values {
	r.f.t.Helper()
	page := r.get(view.PrivacyPath)
	key := inputValue(page.doc, "key")
	if key == "" {
		r.f.t.Fatal("the data request form has no key")
	}
	return url.Values{"key": {key}, "email": {email}}
}

func dataLinks(t *testing.T, f *fixture) []*store.OutboxMessage {
	t.Helper()
	list, err := f.st.FindMail(context.Background(), store.MailFilter{Kind: store.MailDataLink})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// TestDataRequest gives each case its own site: the limits per client
// address would otherwise add up across them.
func TestDataRequest(t *testing.T) {
	t.Run("the answer is the same whether or not the address commented", func(t *testing.T) {
		var wakes atomic.Int32
		f := newMailFixtureWith(t, func(o *web.Options) { o.WakeMail = func() { wakes.Add(1) } })
		f.addComment(f.article, 0, "Zara Ahmed", "Good reporting.", qalam.Approved)
		var answers []string
		for _, email := range []string{"zara@example.org", "nobody@example.org"} {
			r := f.newReader()
			resp := r.post(view.PrivacyPath, r.dataRequest(email))
			if resp.status != http.StatusSeeOther {
				t.Fatalf("%s: status %d", email, resp.status)
			}
			next := r.get(resp.header.Get("Location"))
			answers = append(answers, resp.header.Get("Location")+" "+text(find(next.doc, byClass("notice"))))
		}
		if answers[0] != answers[1] || !strings.Contains(answers[0], "a link to them is on its way") {
			t.Errorf("answers differ or say nothing: %q", answers)
		}
		// Both are queued: the worker, out of sight, sends only the first.
		if got := dataLinks(t, f); len(got) != 2 || wakes.Load() != 2 {
			t.Errorf("%d requests queued, the mail worker woken %d times; want 2 and 2", len(got), wakes.Load())
		}
	})
	t.Run("refused forms come back with a message", func(t *testing.T) {
		f := newMailFixture(t)
		r := f.newReader()
		tests := []struct {
			name  string
			edit  func(url.Values)
			field bool
		}{
			{"an address that is not one", func(v url.Values) { v.Set("email", "not an address") }, true},
			{"the hidden field filled in", func(v url.Values) { v.Set("website2", "http://spam.example") }, false},
			{"a form without its key", func(v url.Values) { v.Del("key") }, false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				form := r.dataRequest("zara@example.org")
				tt.edit(form)
				resp := r.post(view.PrivacyPath, form)
				if resp.status != http.StatusUnprocessableEntity || find(resp.doc, byClass("error")) == nil {
					t.Errorf("status %d", resp.status)
				}
				if got := find(resp.doc, byClass("field-error")) != nil; got != tt.field {
					t.Errorf("field error shown = %v, want %v", got, tt.field)
				}
			})
		}
	})
	t.Run("an address is sent at most three links a day, silently", func(t *testing.T) {
		f := newMailFixture(t)
		before := len(dataLinks(t, f))
		for i := range 4 {
			r := f.newReader()
			resp := r.post(view.PrivacyPath, r.dataRequest("Target@example.org"))
			if resp.status != http.StatusSeeOther {
				t.Fatalf("request %d: status %d", i, resp.status)
			}
		}
		if got := len(dataLinks(t, f)) - before; got != 3 {
			t.Errorf("%d links queued for one address, want 3", got)
		}
	})
	t.Run("one client asking too often is told to wait", func(t *testing.T) {
		f := newMailFixture(t)
		r := f.newReader()
		var last response
		for i := range 6 {
			last = r.post(view.PrivacyPath, r.dataRequest("reader"+string(rune('a'+i))+"@example.org"))
		}
		if last.status != http.StatusTooManyRequests {
			t.Errorf("sixth request in an hour: status %d, want 429", last.status)
		}
	})
}

func TestDataRequest_MailOffSaysSo(t *testing.T) {
	f := newFixture(t)
	r := f.newReader()
	page := r.get(view.PrivacyPath)
	if page.status != http.StatusOK || find(page.doc, func(n *html.Node) bool { return n.Data == "form" && attr(n, "action") == view.PrivacyPath }) != nil {
		t.Fatalf("status %d; the form is offered though no mail can be sent", page.status)
	}
	if got := text(find(page.doc, byClass("notice"))); !strings.Contains(got, "cannot send email") {
		t.Errorf("notice = %q", got)
	}
	resp := r.post(view.PrivacyPath, url.Values{"email": {"zara@example.org"}})
	if resp.status != http.StatusServiceUnavailable || len(dataLinks(t, f)) != 0 {
		t.Errorf("POST with mail off: status %d, %d queued", resp.status, len(dataLinks(t, f)))
	}
}

// dataLink stores a link token for email, as the mail worker does.
func dataLink(t *testing.T, f *fixture, email string) string {
	t.Helper()
	token, hash := store.NewMailToken()
	must(t, f.st.CreateMailToken(context.Background(), &store.MailToken{Hash: hash, Purpose: store.TokenDataLink, Email: email, ExpiresAt: time.Now().Add(24 * time.Hour)}))
	return token
}

func TestReaderData_SeeDownloadErase(t *testing.T) {
	f := newMailFixture(t)
	ctx := context.Background()
	zara := "zara@example.org"
	top := f.addComment(f.article, 0, "Zara Ahmed", "My neighbour's address is 12 Mall Road.", qalam.Approved)
	reply := f.addComment(f.article, top.ID, "Omar Siddiqui", "Please do not post addresses.", qalam.Approved)
	alone := f.addComment(f.article, 0, "Zara Ahmed", "A second thought of mine.", qalam.Approved)
	held := f.addComment(f.urdu, 0, "Zara Ahmed", "زیر غور تبصرہ", qalam.Pending)
	removed := f.addComment(f.urdu, 0, "Zara Ahmed", "ہٹایا گیا تبصرہ", qalam.Spam)
	other := f.addComment(f.article, 0, "Nadia Karim", "Another reader's view.", qalam.Approved)
	must(t, f.st.SubscribeReplies(ctx, top.ID))

	r := f.newReader()
	articlePath := view.ArticlePath(f.article.Slug)
	if page := r.get(articlePath); find(page.doc, byID(top.Anchor())) == nil {
		t.Fatal("the comment is not on the page before erasure") // and the page is now cached
	}
	token := dataLink(t, f, zara)

	t.Run("opening the link asks first and changes nothing", func(t *testing.T) {
		page := r.get(view.DataLinkPath(token))
		form := find(page.doc, func(n *html.Node) bool { return n.Data == "form" && attr(n, "action") == view.DataLinkPath(token) })
		if page.status != http.StatusOK || form == nil {
			t.Fatalf("status %d, form %v", page.status, form)
		}
		if _, err := f.st.MailToken(ctx, store.HashMailToken(token), store.TokenDataLink); err != nil {
			t.Errorf("a GET used the link up: %v", err)
		}
	})
	t.Run("without the link, the comments stay closed", func(t *testing.T) {
		if resp := f.newReader().get(view.PrivacyMinePath); resp.status != http.StatusForbidden || strings.Contains(resp.body, "Mall Road") {
			t.Errorf("status %d", resp.status)
		}
	})
	t.Run("the button uses the link up and opens the comments", func(t *testing.T) {
		resp := r.post(view.DataLinkPath(token), url.Values{})
		if resp.status != http.StatusSeeOther || resp.header.Get("Location") != view.PrivacyMinePath {
			t.Fatalf("status %d to %q", resp.status, resp.header.Get("Location"))
		}
		ck := resp.header.Get("Set-Cookie")
		for _, want := range []string{"qalam_data=", "Path=/comments/privacy", "HttpOnly", "SameSite=Strict", "Max-Age=3600"} {
			if !strings.Contains(ck, want) {
				t.Errorf("session cookie %q lacks %s", ck, want)
			}
		}
		if again := f.newReader().post(view.DataLinkPath(token), url.Values{}); again.status != http.StatusNotFound {
			t.Errorf("the link worked twice: status %d", again.status)
		}
	})
	t.Run("the list holds every comment of the address, with its status", func(t *testing.T) {
		page := r.get(view.PrivacyMinePath)
		if page.status != http.StatusOK || page.header.Get("Cache-Control") != "private, no-store" {
			t.Fatalf("status %d, Cache-Control %q", page.status, page.header.Get("Cache-Control"))
		}
		items := findAll(page.doc, byClass("privacy-item"))
		var statuses []string
		for _, it := range items {
			statuses = append(statuses, text(find(it, byClass("privacy-status"))))
		}
		if got, want := strings.Join(statuses, ","), "published,published,held for moderation,removed"; got != want {
			t.Errorf("statuses = %s, want %s", got, want)
		}
		if strings.Contains(page.body, "Another reader") || strings.Contains(page.body, "nadia@") {
			t.Error("another reader's comment is listed")
		}
	})
	t.Run("the download is a JSON attachment of them", func(t *testing.T) {
		resp := r.get(view.PrivacyMinePath + ".json")
		if resp.status != http.StatusOK || !strings.HasPrefix(resp.header.Get("Content-Disposition"), "attachment") ||
			resp.header.Get("Content-Type") != "application/json; charset=utf-8" {
			t.Fatalf("status %d, %q, %q", resp.status, resp.header.Get("Content-Disposition"), resp.header.Get("Content-Type"))
		}
		var got struct {
			Email    string
			Comments []struct {
				ID     int64
				Text   string
				Status string
				Email  string
			}
		}
		if err := json.Unmarshal([]byte(resp.body), &got); err != nil {
			t.Fatal(err)
		}
		if got.Email != zara || len(got.Comments) != 4 || got.Comments[0].ID != top.ID || got.Comments[0].Text != top.Body ||
			got.Comments[2].Text != "زیر غور تبصرہ" || got.Comments[3].Status != "removed" {
			t.Errorf("download = %+v", got)
		}
	})
	t.Run("erasing needs the confirmation", func(t *testing.T) {
		resp := r.post(view.PrivacyPath+"/erase", url.Values{})
		if resp.status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d", resp.status)
		}
		if c, _ := f.st.Comment(ctx, top.ID); c.Erased() {
			t.Error("erased without confirmation")
		}
	})
	t.Run("erasing wipes them, and the thread keeps its shape", func(t *testing.T) {
		resp := r.post(view.PrivacyPath+"/erase", url.Values{"confirm": {"yes"}})
		if resp.status != http.StatusOK || find(resp.doc, byClass("success")) == nil {
			t.Fatalf("status %d", resp.status)
		}
		for _, c := range []*qalam.Comment{top, alone, held, removed} {
			got, err := f.st.Comment(ctx, c.ID)
			if err != nil || !got.Erased() || got.Body != "" || got.AuthorEmail != "" {
				t.Errorf("comment %d after erasure: %+v, %v", c.ID, got, err)
			}
		}
		page := r.get(articlePath)
		if strings.Contains(page.body, "Mall Road") || strings.Contains(page.body, "second thought") || strings.Contains(page.body, "Zara") {
			t.Error("the article page still shows erased text (a stale cached page?)")
		}
		placeholder := find(page.doc, byID(top.Anchor()))
		if placeholder == nil || text(placeholder) != "Comment removed" || find(placeholder, byClass("reply-link")) != nil {
			t.Errorf("placeholder = %q", text(placeholder))
		}
		if find(page.doc, byID(reply.Anchor())) == nil || find(page.doc, byID(other.Anchor())) == nil {
			t.Error("other readers' comments are gone")
		}
		if find(page.doc, byID(alone.Anchor())) != nil {
			t.Error("an erased comment without replies still has a place")
		}
		if _, err := f.st.ReplySubscriber(ctx, top.ID); qalam.KindOf(err) != qalam.KindNotFound {
			t.Errorf("subscription kept: %v", err)
		}
	})
	t.Run("the session ends with the erasure", func(t *testing.T) {
		if resp := r.get(view.PrivacyMinePath); resp.status != http.StatusForbidden {
			t.Errorf("status %d", resp.status)
		}
	})
}

func TestDataLink_UnknownOrExpired(t *testing.T) {
	f := newMailFixture(t)
	resp := f.newReader().get(view.DataLinkPath("NOSUCHTOKEN"))
	again := find(resp.doc, func(n *html.Node) bool { return n.Data == "a" && attr(n, "href") == view.PrivacyPath })
	if resp.status != http.StatusNotFound || again == nil {
		t.Errorf("status %d, link to ask again %v", resp.status, again)
	}
}
