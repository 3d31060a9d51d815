package admin

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/net/html"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/server"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
)

// artEditorValues loads the editor of article id as c sees it and returns
// its form's values, as a browser would send them back unchanged.
func (f *fixture) artEditorValues(t *testing.T, c *http.Client, id int64) url.Values {
	t.Helper()
	resp := f.get(t, c, fmt.Sprintf("/admin/articles/%d", id))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("editor: status %d", resp.StatusCode)
	}
	doc := f.page(t, resp)
	forms := fxFind(doc, func(n *html.Node) bool { return n.Data == "form" && fxAttr(n, "id") == "article-form" })
	if len(forms) != 1 {
		t.Fatal("no editor form")
	}
	v := url.Values{}
	for _, n := range fxFind(forms[0], func(n *html.Node) bool { return n.Data == "input" || n.Data == "textarea" || n.Data == "select" }) {
		name := fxAttr(n, "name")
		switch {
		case name == "":
		case n.Data == "textarea":
			v.Add(name, artRawText(n))
		case n.Data == "select":
			for _, o := range fxByTag(n, "option") {
				if artHasAttr(o, "selected") {
					v.Add(name, fxAttr(o, "value"))
				}
			}
		case fxAttr(n, "type") == "checkbox" || fxAttr(n, "type") == "radio":
			if artHasAttr(n, "checked") {
				v.Add(name, fxAttr(n, "value"))
			}
		case fxAttr(n, "type") == "file":
		default:
			v.Add(name, fxAttr(n, "value"))
		}
	}
	return v
}

func artHasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

// artRawText is a text area's content exactly.
func artRawText(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return b.String()
}

func TestEditor_PublishedSavesKeepRevisions(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	editor := f.client(t, qalam.RoleEditor)
	a := f.article(t, qalam.RoleAuthor, qalam.Published)
	path := fmt.Sprintf("/admin/articles/%d", a.ID)

	t.Run("the editor of a live article asks for a summary and offers a minor fix", func(t *testing.T) {
		v := f.artEditorValues(t, editor, a.ID)
		if _, ok := v["note"]; !ok {
			t.Error("no summary field")
		}
		doc := f.page(t, f.get(t, editor, path))
		if fxInput(doc, "minor") == nil {
			t.Error("no minor fix checkbox")
		}
		if len(fxFind(doc, func(n *html.Node) bool { return n.Data == "form" && artHasAttr(n, "data-autosave-url") })) != 0 {
			t.Error("a live article is autosaved")
		}
	})

	f.clock.advance(5 * time.Minute)
	v := f.artEditorValues(t, editor, a.ID)
	v.Set("body", "The budget passed narrowly.\n\nIt was a long night.")
	v.Set("note", "Added the margin")
	artWantStatus(t, f.post(t, editor, path, v), http.StatusSeeOther)
	saved := f.storedArticle(t, a.ID)
	if !saved.UpdatedAt.After(a.UpdatedAt) {
		t.Errorf("a non-minor save left UpdatedAt at %v", saved.UpdatedAt)
	}
	revs, err := f.st.FindRevisions(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) == 0 || revs[0].Note != "Added the margin" || revs[0].Minor || revs[0].UserID != f.users[qalam.RoleEditor].ID {
		t.Fatalf("revisions = %+v, want the save first", revs)
	}

	t.Run("a minor save keeps UpdatedAt", func(t *testing.T) {
		f.clock.advance(5 * time.Minute)
		v := f.artEditorValues(t, editor, a.ID)
		v.Set("headline", "Budget passes after a long nigth")
		v.Set("minor", "on")
		v.Set("note", "Typo")
		artWantStatus(t, f.post(t, editor, path, v), http.StatusSeeOther)
		got := f.storedArticle(t, a.ID)
		if !got.UpdatedAt.Equal(saved.UpdatedAt) {
			t.Errorf("UpdatedAt moved from %v to %v", saved.UpdatedAt, got.UpdatedAt)
		}
		if got.Headline != "Budget passes after a long nigth" {
			t.Errorf("headline = %q", got.Headline)
		}
		revs, _ := f.st.FindRevisions(ctx, a.ID)
		if len(revs) == 0 || !revs[0].Minor {
			t.Errorf("newest revision = %+v, want minor", revs[0])
		}
	})

	revs, _ = f.st.FindRevisions(ctx, a.ID)
	if len(revs) < 2 {
		t.Fatalf("revisions = %d, want at least 2", len(revs))
	}
	newest, older := revs[0], revs[1]

	t.Run("the list offers two to compare", func(t *testing.T) {
		doc := f.page(t, f.get(t, editor, path+"/revisions"))
		from := fxFind(doc, func(n *html.Node) bool { return n.Data == "input" && fxAttr(n, "name") == "from" })
		to := fxFind(doc, func(n *html.Node) bool { return n.Data == "input" && fxAttr(n, "name") == "to" })
		if len(from) != len(revs) || len(to) != len(revs) {
			t.Errorf("radio buttons %d and %d, want %d each", len(from), len(to), len(revs))
		}
		if !strings.Contains(fxText(doc), "Added the margin") || !strings.Contains(fxText(doc), "The editor") {
			t.Error("the list lacks the summary or who saved")
		}
	})

	t.Run("the diff shows insertions and deletions", func(t *testing.T) {
		resp := f.get(t, editor, fmt.Sprintf("%s/revisions/diff?from=%d&to=%d", path, newest.ID, older.ID))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
		doc := f.page(t, resp)
		var ins, del []string
		for _, n := range fxByTag(doc, "ins") {
			ins = append(ins, fxText(n))
		}
		for _, n := range fxByTag(doc, "del") {
			del = append(del, fxText(n))
		}
		// Older on the left whatever the order asked: night became nigth.
		if !strings.Contains(strings.Join(del, "|"), "night") || !strings.Contains(strings.Join(ins, "|"), "nigth") {
			t.Errorf("del %q, ins %q; want night deleted and nigth inserted", del, ins)
		}
	})

	t.Run("a revision of another article is not found", func(t *testing.T) {
		other := f.article(t, "", qalam.Published)
		artWantStatus(t, f.get(t, editor, fmt.Sprintf("/admin/articles/%d/revisions/diff?from=%d&to=%d", other.ID, newest.ID, older.ID)), http.StatusNotFound)
		artWantStatus(t, f.post(t, editor, fmt.Sprintf("/admin/articles/%d/revisions/%d/restore", other.ID, older.ID), nil), http.StatusNotFound)
	})

	t.Run("restore puts the text back as a save", func(t *testing.T) {
		f.clock.advance(5 * time.Minute)
		artWantStatus(t, f.post(t, editor, fmt.Sprintf("%s/revisions/%d/restore", path, older.ID), nil), http.StatusSeeOther)
		got := f.storedArticle(t, a.ID)
		if got.Headline != older.Headline || got.Body != older.Body {
			t.Errorf("after restore: %q / %q, want %q / %q", got.Headline, got.Body, older.Headline, older.Body)
		}
		if !strings.Contains(got.BodyHTML, "narrowly") {
			t.Errorf("body HTML not rendered again: %q", got.BodyHTML)
		}
		revs, _ := f.st.FindRevisions(ctx, a.ID)
		if !strings.HasPrefix(revs[0].Note, "Restored revision of ") || revs[0].Minor {
			t.Errorf("newest revision = %+v, want a non-minor restore", revs[0])
		}
	})
}

func TestEditor_ConflictKeepsTypedText(t *testing.T) {
	f := newFixture(t)
	editor := f.client(t, qalam.RoleEditor)
	a := f.article(t, qalam.RoleEditor, qalam.Draft)
	path := fmt.Sprintf("/admin/articles/%d", a.ID)

	mine := f.artEditorValues(t, editor, a.ID)
	theirs := f.artEditorValues(t, f.client(t, qalam.RoleAdmin), a.ID)

	f.clock.advance(time.Minute)
	theirs.Set("body", "Their version.")
	artWantStatus(t, f.post(t, f.client(t, qalam.RoleAdmin), path, theirs), http.StatusSeeOther)

	f.clock.advance(time.Minute)
	mine.Set("body", "My carefully typed paragraph.")
	resp := f.post(t, editor, path, mine)
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("status %d, want 409", resp.StatusCode)
	}
	doc := f.page(t, resp)
	if got := artRawText(fxInput(doc, "body")); got != "My carefully typed paragraph." {
		t.Errorf("body field = %q, want the typed text", got)
	}
	if alerts := fxByClass(doc, "error"); len(alerts) == 0 || !strings.Contains(fxText(alerts[0]), "someone else saved") {
		t.Error("no clear message about the other save")
	}
	if got := f.storedArticle(t, a.ID).Body; got != "Their version." {
		t.Errorf("stored body = %q, want theirs kept", got)
	}
	if len(fxFind(doc, func(n *html.Node) bool { return n.Data == "form" && artHasAttr(n, "data-autosave-url") })) != 0 {
		t.Error("the conflict page would autosave over their version")
	}

	t.Run("saving again knowingly replaces theirs", func(t *testing.T) {
		again := url.Values{}
		for k, v := range mine {
			again[k] = v
		}
		again.Set("edited_at", fxAttr(fxInput(doc, "edited_at"), "value"))
		artWantStatus(t, f.post(t, editor, path, again), http.StatusSeeOther)
		if got := f.storedArticle(t, a.ID).Body; got != "My carefully typed paragraph." {
			t.Errorf("stored body = %q", got)
		}
	})
}

func TestEditor_Autosave(t *testing.T) {
	f := newFixture(t)
	author := f.client(t, qalam.RoleAuthor)
	draft := f.article(t, qalam.RoleAuthor, qalam.Draft)

	v := f.artEditorValues(t, author, draft.ID)
	f.clock.advance(time.Minute)
	v.Set("body", "Half a thought")
	resp := f.post(t, author, fmt.Sprintf("/admin/articles/%d/autosave", draft.ID), v)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("autosave: status %d", resp.StatusCode)
	}
	got := artJSON(t, resp)
	stored := f.storedArticle(t, draft.ID)
	if stored.Body != "Half a thought" || stored.Status != qalam.Draft {
		t.Errorf("stored %q (%s), want the autosaved draft", stored.Body, stored.Status)
	}
	if got["editedAt"] != editedAt(stored) || got["savedAt"] == "" {
		t.Errorf("answer = %v, want editedAt %s", got, editedAt(stored))
	}

	t.Run("a stale version is a JSON conflict", func(t *testing.T) {
		v.Set("body", "Another thought")
		resp := f.post(t, author, fmt.Sprintf("/admin/articles/%d/autosave", draft.ID), v) // edited_at is the old one
		if resp.StatusCode != http.StatusConflict {
			t.Fatalf("status %d, want 409", resp.StatusCode)
		}
		if m := artJSON(t, resp); m["error"] == "" {
			t.Error("no error message")
		}
	})

	t.Run("published articles are never autosaved", func(t *testing.T) {
		live := f.article(t, qalam.RoleEditor, qalam.Published)
		editor := f.client(t, qalam.RoleEditor)
		v := f.artEditorValues(t, editor, live.ID)
		v.Set("body", "Unreviewed text")
		resp := f.post(t, editor, fmt.Sprintf("/admin/articles/%d/autosave", live.ID), v)
		if resp.StatusCode != http.StatusConflict {
			t.Fatalf("status %d, want 409", resp.StatusCode)
		}
		artJSON(t, resp)
		if got := f.storedArticle(t, live.ID).Body; got != live.Body {
			t.Errorf("live body changed to %q", got)
		}
	})
}

func TestEditor_Preview(t *testing.T) {
	f := newFixture(t)
	cat := storetest.Category(t, f.st)
	author := f.client(t, qalam.RoleAuthor)

	v := artUrduValues(cat.ID)
	v.Set("body", "پہلا **پیراگراف**\n\n<script>alert(1)</script>\n\n[link](javascript:alert(2))")
	v.Set("editor_note", "یہ ایک نوٹ ہے <img src=x onerror=alert(3)>")
	v["authors"] = []string{strconv.FormatInt(f.authors[qalam.RoleAuthor].ID, 10)}
	resp := f.post(t, author, "/admin/preview", v)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	doc := f.page(t, resp)
	stories := fxByClass(doc, "story")
	if len(stories) != 1 {
		t.Fatal("not the public article page")
	}
	story := stories[0]
	if fxAttr(story, "lang") != "ur" || fxAttr(story, "dir") != "rtl" {
		t.Errorf("story lang, dir = %q, %q", fxAttr(story, "lang"), fxAttr(story, "dir"))
	}
	if h := fxByClass(story, "headline"); len(h) != 1 || fxText(h[0]) != "بجٹ طویل رات کے بعد منظور" {
		t.Error("headline missing")
	}
	if len(fxByTag(story, "strong")) == 0 {
		t.Error("the Markdown is not rendered")
	}
	for _, tag := range []string{"script", "img"} {
		if n := fxByTag(story, tag); len(n) != 0 {
			t.Errorf("a <%s> survived in the article", tag)
		}
	}
	for _, a := range fxByTag(story, "a") {
		if strings.HasPrefix(strings.ToLower(fxAttr(a, "href")), "javascript") {
			t.Errorf("a javascript: link survived: %q", fxAttr(a, "href"))
		}
	}
	for _, n := range fxFind(doc, func(n *html.Node) bool { return true }) {
		for _, a := range n.Attr {
			if strings.HasPrefix(a.Key, "on") {
				t.Errorf("<%s %s> survived", n.Data, a.Key)
			}
		}
	}
	if !strings.Contains(fxText(story), "The author") {
		t.Error("the byline is not shown")
	}
	links := fxFind(doc, func(n *html.Node) bool {
		return n.Data == "link" && fxAttr(n, "rel") == "stylesheet" && strings.HasSuffix(fxAttr(n, "href"), "/css/site.css")
	})
	if len(links) != 1 {
		t.Error("the preview does not use the public stylesheet")
	}
	if len(fxByClass(doc, "comment-form")) != 0 {
		t.Error("the preview offers a comment form")
	}
	if n := f.artCount(t); n != 0 {
		t.Errorf("the preview stored %d articles", n)
	}

	t.Run("moderators may not preview", func(t *testing.T) {
		artWantStatus(t, f.post(t, f.client(t, qalam.RoleModerator), "/admin/preview", v), http.StatusForbidden)
	})
}

func TestEditor_Validation(t *testing.T) {
	f := newFixture(t)
	cat := storetest.Category(t, f.st)
	editor := f.client(t, qalam.RoleEditor)

	t.Run("no authors", func(t *testing.T) {
		resp := f.post(t, editor, "/admin/articles", artValues(cat.ID))
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", resp.StatusCode)
		}
		doc := f.page(t, resp)
		if msg := artFieldError(doc, "authors"); msg == "" {
			t.Error("no message at the authors")
		}
		if got := fxAttr(fxInput(doc, "headline"), "value"); got != "Budget passes after a long night" {
			t.Errorf("headline field = %q, want what was typed", got)
		}
	})

	t.Run("a slug in use is refused at the field", func(t *testing.T) {
		taken := f.article(t, qalam.RoleEditor, qalam.Draft)
		v := artValues(cat.ID, func(v url.Values) {
			v.Set("slug", taken.Slug)
			v.Set("authors", strconv.FormatInt(f.authors[qalam.RoleEditor].ID, 10))
		})
		resp := f.post(t, editor, "/admin/articles", v)
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", resp.StatusCode)
		}
		if msg := artFieldError(f.page(t, resp), "slug"); msg == "" {
			t.Error("no message at the slug")
		}
	})

	t.Run("status cannot be set through the form", func(t *testing.T) {
		author := f.client(t, qalam.RoleAuthor)
		v := artValues(cat.ID, func(v url.Values) { v.Set("status", "published") })
		id := artCreatedID(t, f.post(t, author, "/admin/articles", v))
		if s := f.storedArticle(t, id).Status; s != qalam.Draft {
			t.Errorf("status = %s, want draft", s)
		}
		saved := f.artEditorValues(t, author, id)
		saved.Set("status", "published")
		artWantStatus(t, f.post(t, author, fmt.Sprintf("/admin/articles/%d", id), saved), http.StatusSeeOther)
		if s := f.storedArticle(t, id).Status; s != qalam.Draft {
			t.Errorf("status = %s, want draft", s)
		}
	})

	t.Run("an author stays in their byline", func(t *testing.T) {
		author := f.client(t, qalam.RoleAuthor)
		v := artValues(cat.ID, func(v url.Values) {
			v.Set("headline", "Co-written with an editor")
			v.Set("authors", strconv.FormatInt(f.authors[qalam.RoleEditor].ID, 10))
		})
		id := artCreatedID(t, f.post(t, author, "/admin/articles", v))
		got := f.storedArticle(t, id).AuthorIDs
		if len(got) != 2 || got[1] != f.authors[qalam.RoleAuthor].ID {
			t.Errorf("byline = %v, want the editor then the author", got)
		}
	})
}

func TestEditor_UploadFeaturedImage(t *testing.T) {
	f := newFixture(t)
	if f.admin.media == nil {
		t.Skip("the fixture's newsroom has no media library (f.admin.media is nil): nothing to upload to")
	}
	cat := storetest.Category(t, f.st)
	author := f.client(t, qalam.RoleAuthor)

	post := func(t *testing.T, alt string) *http.Response {
		t.Helper()
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		for k, vs := range artValues(cat.ID) {
			for _, v := range vs {
				w.WriteField(k, v)
			}
		}
		w.WriteField("alt", alt)
		fw, err := w.CreateFormFile("featured_image_file", "photo.png")
		if err != nil {
			t.Fatal(err)
		}
		img := image.NewNRGBA(image.Rect(0, 0, 8, 6))
		img.Set(2, 2, color.NRGBA{B: 200, A: 255})
		if err := png.Encode(fw, img); err != nil {
			t.Fatal(err)
		}
		w.Close()
		req, err := http.NewRequest("POST", f.url("/admin/articles"), &body)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", w.FormDataContentType())
		resp, err := author.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}

	t.Run("alt text is required", func(t *testing.T) {
		resp := post(t, "")
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", resp.StatusCode)
		}
		if msg := artFieldError(f.page(t, resp), "alt"); msg == "" {
			t.Error("no message at the alt text")
		}
		if n := f.artCount(t); n != 0 {
			t.Errorf("%d articles stored", n)
		}
	})
	t.Run("uploaded and chosen", func(t *testing.T) {
		id := artCreatedID(t, post(t, "A blue dot on white"))
		a := f.storedArticle(t, id)
		if a.FeaturedImageID == 0 {
			t.Fatal("no featured image")
		}
		m, err := f.st.Media(context.Background(), a.FeaturedImageID)
		if err != nil {
			t.Fatal(err)
		}
		if m.Alt != "A blue dot on white" || m.UserID != f.users[qalam.RoleAuthor].ID || m.Width != 8 {
			t.Errorf("media = %+v", m)
		}
		doc := f.page(t, f.get(t, author, fmt.Sprintf("/admin/articles/%d", id)))
		chosen := fxFind(doc, func(n *html.Node) bool {
			return n.Data == "input" && fxAttr(n, "name") == "featured_image" && fxAttr(n, "value") == strconv.FormatInt(m.ID, 10) && artHasAttr(n, "checked")
		})
		if len(chosen) != 1 {
			t.Error("the editor does not show the image as chosen")
		}
	})
}

// artFieldError is the message shown in the field holding the control
// named name, or "".
func artFieldError(doc *html.Node, name string) string {
	for _, box := range fxFind(doc, func(n *html.Node) bool { return fxHasClass(n, "field") }) {
		if fxInput(box, name) == nil {
			continue
		}
		for _, e := range fxByClass(box, "field-error") {
			return fxText(e)
		}
	}
	return ""
}

// artCount counts every stored article.
func (f *fixture) artCount(t *testing.T) int {
	t.Helper()
	_, n, err := f.st.FindArticles(context.Background(), store.ArticleFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// artBrowser starts a headless Chromium for one test, trusting the test
// server's certificate. Without Chromium the test is skipped, unless
// QALAM_TEST_CHROMIUM_REQUIRED=1 (as in CI) makes that a failure.
func artBrowser(t *testing.T) context.Context {
	t.Helper()
	const chromium = "/usr/bin/chromium"
	if _, err := os.Stat(chromium); err != nil {
		if os.Getenv("QALAM_TEST_CHROMIUM_REQUIRED") == "1" {
			t.Fatalf("Chromium is required but %s is missing: apt-get install chromium", chromium)
		}
		t.Skipf("Chromium not installed (%s); apt-get install chromium to run browser tests", chromium)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.NoSandbox,
		chromedp.Flag("ignore-certificate-errors", true), // the test server's own certificate
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
	})
	return ctx
}

func TestEditor_BrowserPreviewAndAutosave(t *testing.T) {
	f := newFixture(t)
	ctx := artBrowser(t)
	// The fixture serves the newsroom alone; a browser needs the static
	// files too, as the real server mounts them.
	mux := http.NewServeMux()
	mux.Handle("GET /static/{hash}/{name...}", f.admin.view.Assets())
	mux.Handle("/", f.admin.Routes())
	srv := httptest.NewTLSServer(server.Wrap(mux, nil, server.Options{}))
	t.Cleanup(srv.Close)
	base := srv.URL
	draft := f.article(t, qalam.RoleAuthor, qalam.Draft)
	u := f.users[qalam.RoleAuthor]
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	must(chromedp.Do(ctx,
		chromedp.Navigate(base+"/admin/login"),
		chromedp.SendKeys(chromedp.CSS("#login-email"), u.Email),
		chromedp.SendKeys(chromedp.CSS("#login-password"), fixturePassword),
		chromedp.Submit(chromedp.CSS("#login-email")),
	))
	must(chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS(".admin-user")), // signed in
		chromedp.Navigate(base+fmt.Sprintf("/admin/articles/%d", draft.ID)),
		chromedp.WaitVisible(chromedp.CSS("[data-preview-pane]")),
		// Choosing Urdu turns the fields right to left at once.
		chromedp.SetValue(chromedp.CSS("#f-language"), "ur"),
	))
	_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("#f-language").dispatchEvent(new Event("change", {bubbles: true}))`))
	must(err)
	bodyDir, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#f-body").dir`))
	must(err)
	if bodyDir != "rtl" {
		t.Errorf("body dir after choosing Urdu = %q, want rtl", bodyDir)
	}

	// Typing updates the sandboxed preview, which the server renders with
	// the public template.
	_, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#f-headline").value = ""`))
	must(err)
	must(chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#f-headline"), "بجٹ منظور")))
	previewHeadline, err := chromedp.Run(ctx, chromedp.Poll[string](`(function () {
		var d = document.querySelector("[data-preview-frame]").contentDocument;
		var h = d && d.querySelector(".story .headline");
		return h && h.textContent === "بجٹ منظور" ? h.textContent : null;
	})()`, chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil {
		t.Fatalf("the preview did not follow the headline: %v", err)
	}
	if previewHeadline != "بجٹ منظور" {
		t.Errorf("preview headline = %q", previewHeadline)
	}
	// The public stylesheet applies inside the frame: its paper colour.
	paper, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("[data-preview-frame]").contentDocument.body).backgroundColor`))
	must(err)
	if paper != "rgb(253, 252, 248)" {
		t.Errorf("preview background = %q, want site.css's paper (rgb(253, 252, 248))", paper)
	}
	scripts, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("[data-preview-frame]").getAttribute("sandbox")`))
	must(err)
	if strings.Contains(scripts, "allow-scripts") {
		t.Errorf("the preview frame may run scripts: sandbox=%q", scripts)
	}

	// Autosave runs every 20 seconds while the draft differs from the
	// last save.
	status, err := chromedp.Run(ctx, chromedp.Poll[string](`(function () {
		var s = document.querySelector("[data-save-status]").textContent;
		return s.indexOf("Draft saved") === 0 ? s : null;
	})()`, chromedp.WithPollingTimeout(45*time.Second)))
	if err != nil {
		t.Fatalf("no autosave: %v", err)
	}
	t.Logf("save status: %s", status)
	got := f.storedArticle(t, draft.ID)
	if got.Headline != "بجٹ منظور" || got.Language != qalam.Urdu || got.Status != qalam.Draft {
		t.Errorf("after autosave: %q (%s, %s)", got.Headline, got.Language, got.Status)
	}
	version, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#article-form input[name=edited_at]`)))
	must(err)
	if version != editedAt(got) {
		t.Errorf("the form's version %q was not moved to %q", version, editedAt(got))
	}
}
