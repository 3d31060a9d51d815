package web_test

import (
	"context"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/view"
)

// FuzzPostComment sends arbitrary comment forms through the real handler
// and store: whatever arrives, the answer is a redirect or a refusal (never
// a server error), and whatever is stored renders without active content.
func FuzzPostComment(f *testing.F) {
	f.Add("Farah", "farah@example.org", "", "Hello <script>alert(1)</script>", "")
	f.Add("\u202eFarah", "farah@example.org", "javascript:alert(1)", "[x](javascript:alert(1))", "1")
	f.Add("فرح", "f@example.org", "example.net", "سلام\u200c دنیا", "-3")
	f.Add("", "", "", "", "")
	f.Add("a\x00b", "x@y.z", "http://[::1", "\xff\xfe", "999999999999999999999")
	fx := newFixture(f)
	handler := fx.srv.Config.Handler
	path := view.ArticlePath(fx.article.Slug) + "/comments"
	var n int
	f.Fuzz(func(t *testing.T, name, email, website, body, parent string) {
		n++
		form := url.Values{"key": {"fuzz-" + itoa(int64(n))}, "name": {name}, "email": {email}, "url": {website}, "comment": {body}, "parent_id": {parent}}
		req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		switch rec.Code {
		case 303, 422, 413, 429: // 429: one address posting many times meets the rate limit
		default:
			t.Fatalf("status %d for %q", rec.Code, form.Encode())
		}
	})
	comments, err := fx.st.FindComments(context.Background(), store.CommentFilter{ArticleID: fx.article.ID})
	if err != nil {
		f.Fatal(err)
	}
	for _, c := range comments {
		doc, err := html.Parse(strings.NewReader(c.BodyHTML))
		if err != nil {
			f.Fatal(err)
		}
		for n := range doc.Descendants() {
			if n.Type != html.ElementNode {
				continue
			}
			if n.Data == "script" || n.Data == "img" || n.Data == "iframe" {
				f.Errorf("stored comment %d renders a <%s>", c.ID, n.Data)
			}
			for _, a := range n.Attr {
				if strings.HasPrefix(a.Key, "on") || strings.Contains(strings.ToLower(a.Val), "javascript:") {
					f.Errorf("stored comment %d has %s=%q", c.ID, a.Key, a.Val)
				}
			}
		}
	}
}
