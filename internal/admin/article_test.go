package admin

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/storetest"
	"github.com/qalamnews/qalam/internal/view"
)

// articleForm values for a valid article in category cat.
func artValues(cat int64, edit ...func(url.Values)) url.Values {
	v := url.Values{
		"headline":   {"Budget passes after a long night"},
		"standfirst": {"The assembly voted 190 to 140."},
		"language":   {"en"},
		"label":      {"news"},
		"body":       {"The budget passed.\r\n\r\nIt was a long night."},
		"category":   {strconv.FormatInt(cat, 10)},
	}
	for _, e := range edit {
		e(v)
	}
	return v
}

// artUrduValues is an Urdu analysis with Urdu tags.
func artUrduValues(cat int64) url.Values {
	return artValues(cat, func(v url.Values) {
		v.Set("headline", "بجٹ طویل رات کے بعد منظور")
		v.Set("standfirst", "اسمبلی نے ۱۹۰ کے مقابلے میں ۱۴۰ ووٹوں سے منظوری دی۔")
		v.Set("language", "ur")
		v.Set("label", "analysis")
		v.Set("body", "بجٹ منظور ہو گیا۔\r\n\r\nیہ ایک **طویل** رات تھی۔")
		v.Set("tags", "بجٹ، معیشت, اسمبلی")
	})
}

// artCreatedID reads the new article's ID from the redirect after creating.
func artCreatedID(t *testing.T, resp *http.Response) int64 {
	t.Helper()
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("create: status %d, want 303; body:\n%s", resp.StatusCode, b)
	}
	loc := resp.Header.Get("Location")
	rest, ok := strings.CutPrefix(loc, "/admin/articles/")
	if !ok {
		t.Fatalf("create: redirected to %q", loc)
	}
	id, err := strconv.ParseInt(strings.Split(rest, "?")[0], 10, 64)
	if err != nil {
		t.Fatalf("create: redirected to %q", loc)
	}
	return id
}

// artWantStatus checks a response's status and closes it.
func artWantStatus(t *testing.T, resp *http.Response, want int) {
	t.Helper()
	defer resp.Body.Close()
	if resp.StatusCode != want {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("%s %s: status %d, want %d; body:\n%.2000s", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, want, b)
	}
}

func (f *fixture) storedArticle(t *testing.T, id int64) *qalam.Article {
	t.Helper()
	a, err := f.st.Article(context.Background(), id)
	if err != nil {
		t.Fatalf("article %d: %v", id, err)
	}
	return a
}

func TestArticles_AuthorWritesInUrdu(t *testing.T) {
	f := newFixture(t)
	cat := storetest.Category(t, f.st)
	author := f.client(t, qalam.RoleAuthor)
	editor := f.client(t, qalam.RoleEditor)

	// The author ticks no byline: they are put in it all the same.
	id := artCreatedID(t, f.post(t, author, "/admin/articles", artUrduValues(cat.ID)))
	a := f.storedArticle(t, id)

	t.Run("stored as the author's own Urdu draft", func(t *testing.T) {
		if a.Status != qalam.Draft {
			t.Errorf("status = %s, want draft", a.Status)
		}
		if a.Language != qalam.Urdu || a.Label != qalam.Analysis {
			t.Errorf("language, label = %s, %s; want ur, analysis", a.Language, a.Label)
		}
		if len(a.AuthorIDs) != 1 || a.AuthorIDs[0] != f.authors[qalam.RoleAuthor].ID {
			t.Errorf("byline = %v, want the author's profile %d", a.AuthorIDs, f.authors[qalam.RoleAuthor].ID)
		}
		if want := "بجٹ طویل رات کے بعد منظور"; a.Headline != want {
			t.Errorf("headline = %q, want %q", a.Headline, want)
		}
		if want := qalam.Slugify(a.Headline); a.Slug != want {
			t.Errorf("slug = %q, want %q (from the headline)", a.Slug, want)
		}
		if strings.Contains(a.Body, "\r") {
			t.Errorf("body keeps CR: %q", a.Body)
		}
		if !strings.Contains(a.BodyHTML, "<strong>طویل</strong>") {
			t.Errorf("body HTML = %q, want the rendered Markdown", a.BodyHTML)
		}
		tags := slices.Sorted(slices.Values(a.TagNames))
		if got := strings.Join(tags, "|"); got != "اسمبلی|بجٹ|معیشت" {
			t.Errorf("tags = %q, want the three Urdu tags", got)
		}
	})

	t.Run("listed for the author, right to left", func(t *testing.T) {
		other := f.article(t, qalam.RoleEditor, qalam.Draft) // not theirs
		doc := f.page(t, f.get(t, author, "/admin/articles"))
		rows := artListRows(doc)
		if len(rows) != 1 || rows[0].id != id {
			t.Fatalf("author's list = %+v, want only article %d (not %d)", rows, id, other.ID)
		}
		if rows[0].lang != "ur" || rows[0].dir != "rtl" {
			t.Errorf("headline lang, dir = %q, %q; want ur, rtl", rows[0].lang, rows[0].dir)
		}
		if rows[0].status != "status-draft" {
			t.Errorf("status badge class = %q", rows[0].status)
		}
	})

	t.Run("editor renders the fields right to left", func(t *testing.T) {
		resp := f.get(t, author, fmt.Sprintf("/admin/articles/%d", id))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
		doc := f.page(t, resp)
		for _, name := range []string{"headline", "standfirst", "body", "editor_note", "tags"} {
			in := fxInput(doc, name)
			if in == nil {
				t.Fatalf("no field %s", name)
			}
			if fxAttr(in, "dir") != "rtl" || fxAttr(in, "lang") != "ur" {
				t.Errorf("%s: dir=%q lang=%q, want rtl ur", name, fxAttr(in, "dir"), fxAttr(in, "lang"))
			}
		}
		if got := fxText(fxInput(doc, "body")); !strings.Contains(got, "طویل") {
			t.Errorf("body field = %q", got)
		}
		if fxAttr(fxInput(doc, "edited_at"), "value") == "" {
			t.Error("the form carries no version")
		}
		if len(fxFind(doc, func(n *html.Node) bool { return n.Data == "form" && fxAttr(n, "data-autosave-url") != "" })) != 1 {
			t.Error("a draft's editor offers no autosave")
		}
	})

	t.Run("author submits, cannot publish", func(t *testing.T) {
		artWantStatus(t, f.post(t, author, fmt.Sprintf("/admin/articles/%d/publish", id), nil), http.StatusForbidden)
		doc := f.page(t, f.get(t, author, fmt.Sprintf("/admin/articles/%d", id)))
		if forms := artWorkflowForms(doc); !slices.Contains(forms, fmt.Sprintf("/admin/articles/%d/submit", id)) || slices.Contains(forms, fmt.Sprintf("/admin/articles/%d/publish", id)) {
			t.Errorf("author's buttons = %v, want submit and not publish", forms)
		}
		artWantStatus(t, f.post(t, author, fmt.Sprintf("/admin/articles/%d/submit", id), nil), http.StatusSeeOther)
		if s := f.storedArticle(t, id).Status; s != qalam.Submitted {
			t.Errorf("status = %s, want submitted", s)
		}
		// Submitting twice is not a move the workflow has.
		artWantStatus(t, f.post(t, author, fmt.Sprintf("/admin/articles/%d/submit", id), nil), http.StatusConflict)
	})

	t.Run("editor publishes, author can no longer edit", func(t *testing.T) {
		doc := f.page(t, f.get(t, editor, fmt.Sprintf("/admin/articles/%d", id)))
		if forms := artWorkflowForms(doc); !slices.Contains(forms, fmt.Sprintf("/admin/articles/%d/publish", id)) {
			t.Errorf("editor's buttons = %v, want publish", forms)
		}
		artWantStatus(t, f.post(t, editor, fmt.Sprintf("/admin/articles/%d/publish", id), nil), http.StatusSeeOther)
		a := f.storedArticle(t, id)
		if a.Status != qalam.Published || a.PublishedAt.IsZero() {
			t.Fatalf("status %s, published at %v; want published now", a.Status, a.PublishedAt)
		}
		artWantStatus(t, f.get(t, author, fmt.Sprintf("/admin/articles/%d", id)), http.StatusForbidden)
		artWantStatus(t, f.post(t, author, fmt.Sprintf("/admin/articles/%d", id), artUrduValues(cat.ID)), http.StatusForbidden)
		artWantStatus(t, f.post(t, author, fmt.Sprintf("/admin/articles/%d/delete", id), nil), http.StatusForbidden)
	})
}

func TestArticles_Schedule(t *testing.T) {
	f := newFixture(t)
	editor := f.client(t, qalam.RoleEditor)
	author := f.client(t, qalam.RoleAuthor)
	a := f.article(t, qalam.RoleAuthor, qalam.Submitted)
	path := fmt.Sprintf("/admin/articles/%d/schedule", a.ID)

	t.Run("author may not schedule", func(t *testing.T) {
		future := f.clock.now().Add(2 * time.Hour).Format("2006-01-02T15:04")
		artWantStatus(t, f.post(t, author, path, url.Values{"scheduled_at": {future}}), http.StatusForbidden)
	})
	t.Run("a past time is refused at the field", func(t *testing.T) {
		past := f.clock.now().Add(-time.Hour).Format("2006-01-02T15:04")
		resp := f.post(t, editor, path, url.Values{"scheduled_at": {past}})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", resp.StatusCode)
		}
		doc := f.page(t, resp)
		if errs := fxByClass(doc, "field-error"); len(errs) == 0 || !strings.Contains(fxText(errs[0]), "future") {
			t.Errorf("no message about the future at the field")
		}
		if s := f.storedArticle(t, a.ID).Status; s != qalam.Submitted {
			t.Errorf("status = %s, want still submitted", s)
		}
	})
	t.Run("a future time in UTC schedules", func(t *testing.T) {
		at := f.clock.now().Add(3 * time.Hour).Truncate(time.Minute)
		artWantStatus(t, f.post(t, editor, path, url.Values{"scheduled_at": {at.Format("2006-01-02T15:04")}}), http.StatusSeeOther)
		got := f.storedArticle(t, a.ID)
		if got.Status != qalam.Scheduled || !got.ScheduledAt.Equal(at) {
			t.Errorf("status %s at %v, want scheduled at %v", got.Status, got.ScheduledAt, at)
		}
	})
	t.Run("the author cannot edit a scheduled article", func(t *testing.T) {
		artWantStatus(t, f.get(t, author, fmt.Sprintf("/admin/articles/%d", a.ID)), http.StatusForbidden)
	})
	t.Run("scheduled returns to draft", func(t *testing.T) {
		artWantStatus(t, f.post(t, editor, fmt.Sprintf("/admin/articles/%d/draft", a.ID), nil), http.StatusSeeOther)
		if s := f.storedArticle(t, a.ID).Status; s != qalam.Draft {
			t.Errorf("status = %s, want draft", s)
		}
	})
}

func TestArticles_UnpublishAndDelete(t *testing.T) {
	f := newFixture(t)
	editor := f.client(t, qalam.RoleEditor)
	a := f.article(t, "", qalam.Published)

	artWantStatus(t, f.post(t, editor, fmt.Sprintf("/admin/articles/%d/draft", a.ID), nil), http.StatusConflict)
	artWantStatus(t, f.post(t, editor, fmt.Sprintf("/admin/articles/%d/unpublish", a.ID), nil), http.StatusSeeOther)
	if s := f.storedArticle(t, a.ID).Status; s != qalam.Unpublished {
		t.Fatalf("status = %s, want unpublished", s)
	}

	resp := f.get(t, editor, fmt.Sprintf("/admin/articles/%d/delete", a.ID))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("confirmation: status %d", resp.StatusCode)
	}
	doc := f.page(t, resp)
	forms := fxFind(doc, func(n *html.Node) bool {
		return n.Data == "form" && fxAttr(n, "method") == "post" && fxAttr(n, "action") == fmt.Sprintf("/admin/articles/%d/delete", a.ID)
	})
	if len(forms) != 1 {
		t.Fatal("the confirmation page has no delete form")
	}
	f.storedArticle(t, a.ID) // a GET deletes nothing

	artWantStatus(t, f.post(t, editor, fmt.Sprintf("/admin/articles/%d/delete", a.ID), nil), http.StatusSeeOther)
	if _, err := f.st.Article(context.Background(), a.ID); !errors.Is(err, qalam.ErrNotFound) {
		t.Errorf("after delete: %v, want not found", err)
	}
}

func TestArticles_ListFiltersAndPaging(t *testing.T) {
	f := newFixture(t)
	editor := f.client(t, qalam.RoleEditor)
	politics := storetest.Category(t, f.st)
	sport := storetest.Category(t, f.st, func(c *qalam.Category) { c.Name = "Sport" })
	for i := range 33 {
		storetest.Article(t, f.st, func(a *qalam.Article) {
			a.Headline = fmt.Sprintf("Budget story %d", i)
			a.CategoryID = politics.ID
			a.AuthorIDs = []int64{f.authors[qalam.RoleEditor].ID}
			a.Status = qalam.Published
		})
	}
	urdu := storetest.Article(t, f.st, func(a *qalam.Article) {
		a.Headline, a.Language, a.Status = "کرکٹ کا میچ", qalam.Urdu, qalam.Draft
		a.CategoryID = sport.ID
		a.AuthorIDs = []int64{f.authors[qalam.RoleAuthor].ID}
	})

	tests := []struct {
		name      string
		query     string
		wantRows  int
		wantCount string
		wantNext  bool
	}{
		{"first page of everything", "", 30, "34 articles", true},
		{"second page", "?page=2", 4, "34 articles", false},
		{"drafts", "?status=draft", 1, "1 article", false},
		{"Urdu", "?language=ur", 1, "1 article", false},
		{"category", "?category=" + strconv.FormatInt(sport.ID, 10), 1, "1 article", false},
		{"author", "?author=" + strconv.FormatInt(f.authors[qalam.RoleAuthor].ID, 10), 1, "1 article", false},
		{"headline search", "?q=story+12", 1, "1 article", false},
		{"Urdu headline search", "?q=" + url.QueryEscape("کرکٹ"), 1, "1 article", false},
		{"nothing matches", "?q=nothing+like+this", 0, "0 articles", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := f.get(t, editor, "/admin/articles"+tt.query)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			doc := f.page(t, resp)
			if rows := artListRows(doc); len(rows) != tt.wantRows {
				t.Errorf("rows = %d, want %d", len(rows), tt.wantRows)
			}
			if counts := fxByClass(doc, "count"); len(counts) == 0 || !strings.HasPrefix(fxText(counts[0]), tt.wantCount) {
				t.Errorf("count line missing or not %q", tt.wantCount)
			}
			next := fxFind(doc, func(n *html.Node) bool { return n.Data == "a" && fxAttr(n, "rel") == "next" })
			if (len(next) > 0) != tt.wantNext {
				t.Errorf("next link present = %v, want %v", len(next) > 0, tt.wantNext)
			}
		})
	}

	t.Run("published rows link to the public page", func(t *testing.T) {
		doc := f.page(t, f.get(t, editor, "/admin/articles?status=published"))
		links := fxFind(doc, func(n *html.Node) bool { return n.Data == "a" && strings.HasPrefix(fxAttr(n, "href"), "/articles/") })
		if len(links) != 30 {
			t.Errorf("public links = %d, want 30", len(links))
		}
		doc = f.page(t, f.get(t, editor, "/admin/articles?status=draft"))
		if rows := artListRows(doc); len(rows) != 1 || rows[0].id != urdu.ID || rows[0].public {
			t.Errorf("draft row = %+v, want article %d without a public link", rows, urdu.ID)
		}
	})
	t.Run("paging keeps the filters", func(t *testing.T) {
		doc := f.page(t, f.get(t, editor, "/admin/articles?status=published"))
		next := fxFind(doc, func(n *html.Node) bool { return n.Data == "a" && fxAttr(n, "rel") == "next" })
		if len(next) != 1 || !strings.Contains(fxAttr(next[0], "href"), "status=published") || !strings.Contains(fxAttr(next[0], "href"), "page=2") {
			t.Fatalf("next link = %v", next)
		}
	})
	t.Run("moderators have no list", func(t *testing.T) {
		artWantStatus(t, f.get(t, f.client(t, qalam.RoleModerator), "/admin/articles"), http.StatusForbidden)
	})
}

func TestArticles_PreviewLinks(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	author := f.client(t, qalam.RoleAuthor)
	a := f.article(t, qalam.RoleAuthor, qalam.Draft)

	resp := f.post(t, author, fmt.Sprintf("/admin/articles/%d/preview-link", a.ID), nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("create: status %d", resp.StatusCode)
	}
	doc := f.page(t, resp)
	in := fxFind(doc, func(n *html.Node) bool { return n.Data == "input" && fxAttr(n, "id") == "preview-link" })
	if len(in) != 1 {
		t.Fatal("the new link is not shown")
	}
	link := fxAttr(in[0], "value")
	token, ok := strings.CutPrefix(link, "https://news.example/preview/")
	if !ok || len(token) != 43 {
		t.Fatalf("link = %q, want BaseURL/preview/ and a 43-character token", link)
	}
	sum := sha256.Sum256([]byte(token))
	got, err := f.st.ArticleByPreviewToken(ctx, sum[:])
	if err != nil || got.ID != a.ID {
		t.Fatalf("the stored hash does not find the article: %v", err)
	}
	if live, err := f.st.HasPreviewToken(ctx, a.ID); err != nil || !live {
		t.Errorf("HasPreviewToken = %v, %v", live, err)
	}
	doc = f.page(t, f.get(t, author, fmt.Sprintf("/admin/articles/%d", a.ID)))
	if strings.Contains(fxText(doc), token) {
		t.Error("the token is shown again on the editor")
	}
	if !strings.Contains(fxText(doc), "A preview link is live") {
		t.Error("the editor does not say a link is live")
	}

	artWantStatus(t, f.post(t, author, fmt.Sprintf("/admin/articles/%d/preview-link/revoke", a.ID), nil), http.StatusSeeOther)
	if live, err := f.st.HasPreviewToken(ctx, a.ID); err != nil || live {
		t.Errorf("after revoke HasPreviewToken = %v, %v", live, err)
	}
	if _, err := f.st.ArticleByPreviewToken(ctx, sum[:]); !errors.Is(err, qalam.ErrNotFound) {
		t.Errorf("a revoked link still works: %v", err)
	}

	t.Run("not on someone else's article", func(t *testing.T) {
		other := f.article(t, qalam.RoleEditor, qalam.Draft)
		artWantStatus(t, f.post(t, author, fmt.Sprintf("/admin/articles/%d/preview-link", other.ID), nil), http.StatusForbidden)
	})
}

func TestArticles_Corrections(t *testing.T) {
	f := newFixture(t)
	editor := f.client(t, qalam.RoleEditor)
	a := f.article(t, qalam.RoleAuthor, qalam.Published)
	path := fmt.Sprintf("/admin/articles/%d/corrections", a.ID)

	t.Run("the author may not", func(t *testing.T) {
		artWantStatus(t, f.post(t, f.client(t, qalam.RoleAuthor), path, url.Values{"kind": {"correction"}, "text": {"x"}}), http.StatusForbidden)
	})
	t.Run("empty text is refused at the field", func(t *testing.T) {
		resp := f.post(t, editor, path, url.Values{"kind": {"correction"}, "text": {"  "}})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", resp.StatusCode)
		}
		doc := f.page(t, resp)
		if len(fxByClass(doc, "field-error")) == 0 {
			t.Error("no field message")
		}
	})
	t.Run("appended", func(t *testing.T) {
		f.clock.advance(5 * time.Minute)
		artWantStatus(t, f.post(t, editor, path, url.Values{"kind": {"correction"}, "text": {"An earlier version gave the vote as **190 to 14**.<script>x()</script>"}}), http.StatusSeeOther)
		got := f.storedArticle(t, a.ID)
		if len(got.Corrections) != 1 {
			t.Fatalf("corrections = %d, want 1", len(got.Corrections))
		}
		c := got.Corrections[0]
		if c.Kind != qalam.KindCorrection || !strings.Contains(c.TextHTML, "<strong>190 to 14</strong>") || strings.Contains(c.TextHTML, "<script") {
			t.Errorf("correction = %+v", c)
		}
		if !got.UpdatedAt.After(a.UpdatedAt) {
			t.Errorf("UpdatedAt %v did not move from %v", got.UpdatedAt, a.UpdatedAt)
		}
		doc := f.page(t, f.get(t, editor, fmt.Sprintf("/admin/articles/%d", a.ID)))
		if list := fxByClass(doc, "corrections-list"); len(list) != 1 || !strings.Contains(fxText(list[0]), "190 to 14") {
			t.Error("the editor does not list the correction")
		}
	})
}

func TestArticleTemplates_ZeroValues(t *testing.T) {
	engine, err := view.New(view.Options{})
	if err != nil {
		t.Fatal(err)
	}
	pages := map[string]any{
		"admin/articles":  articlesPage{},
		"admin/editor":    editorPage{},
		"admin/revisions": revisionsPage{},
		"admin/diff":      diffPage{},
	}
	for name, data := range pages {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := engine.Execute(&buf, name, data); err != nil {
				t.Fatal(err)
			}
			if _, err := html.Parse(&buf); err != nil {
				t.Fatal(err)
			}
		})
	}
	t.Run("delete confirmation", func(t *testing.T) {
		var buf bytes.Buffer
		if err := engine.Execute(&buf, "admin/editor", editorPage{ConfirmDelete: true}); err != nil {
			t.Fatal(err)
		}
	})
}

// artListRow is one row of the article list as shown.
type artListRow struct {
	id        int64
	lang, dir string
	status    string
	public    bool
}

func artListRows(doc *html.Node) []artListRow {
	var rows []artListRow
	for _, tr := range fxFind(doc, func(n *html.Node) bool { return n.Data == "tr" && n.Parent != nil && n.Parent.Data == "tbody" }) {
		var r artListRow
		for _, a := range fxByTag(tr, "a") {
			href := fxAttr(a, "href")
			if rest, ok := strings.CutPrefix(href, "/admin/articles/"); ok {
				r.id, _ = strconv.ParseInt(rest, 10, 64)
			}
			if strings.HasPrefix(href, "/articles/") {
				r.public = true
			}
		}
		if b := fxByTag(tr, "bdi"); len(b) > 0 {
			r.lang, r.dir = fxAttr(b[0], "lang"), fxAttr(b[0], "dir")
		}
		for _, s := range fxByClass(tr, "status") {
			for c := range strings.FieldsSeq(fxAttr(s, "class")) {
				if strings.HasPrefix(c, "status-") {
					r.status = c
				}
			}
		}
		rows = append(rows, r)
	}
	return rows
}

// artWorkflowForms lists the actions of the editor's workflow forms.
func artWorkflowForms(doc *html.Node) []string {
	var out []string
	for _, form := range fxByClass(doc, "workflow-move") {
		out = append(out, fxAttr(form, "action"))
	}
	return out
}

// artJSON reads a JSON response into a map, closing it.
func artJSON(t *testing.T, resp *http.Response) map[string]any {
	t.Helper()
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("content type %q, want JSON", ct)
	}
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}
