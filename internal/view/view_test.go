package view_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/view"
)

var untranslated = regexp.MustCompile(`\?[a-z_]+\?`)

// zeroPages holds the zero value of every page's data, so a template that
// breaks on missing data fails here rather than in production.
var zeroPages = map[string]any{
	"site/home":           view.HomePage{},
	"site/list":           view.ListPage{},
	"site/article":        view.ArticlePage{},
	"site/error":          view.ErrorPage{},
	"site/archive":        view.ArchivePage{},
	"admin/error":         view.AdminErrorPage{},
	"site/corrections":    view.CorrectionsPage{},
	"site/comment-edit":   view.CommentEditPage{},
	"site/comment-report": view.CommentReportPage{},
	"site/search":         view.SearchPage{},

	// A reader's own data and mail (pages_privacy.go).
	"site/privacy":          view.DataRequestPage{},
	"site/privacy-link":     view.DataLinkPage{},
	"site/privacy-comments": view.ReaderCommentsPage{},
	"site/unsubscribe":      view.UnsubscribePage{},
}

func TestEngine_RendersEveryPageWithZeroData(t *testing.T) {
	e, err := view.New(view.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range e.Names() {
		t.Run(name, func(t *testing.T) {
			data, ok := zeroPages[name]
			if !ok && strings.HasPrefix(name, "admin/") {
				t.Skip("newsroom pages' data live in package admin, whose tests render them")
			}
			if !ok {
				t.Fatalf("page %s has no zero-value data in this test", name)
			}
			var buf bytes.Buffer
			if err := e.Execute(&buf, name, data); err != nil {
				t.Fatal(err)
			}
			if _, err := html.Parse(&buf); err != nil {
				t.Fatal(err)
			}
			if m := untranslated.FindString(buf.String()); m != "" {
				t.Errorf("untranslated message key %s in output", m)
			}
		})
	}
}

func TestEngine_ArticleInUrduIsRightToLeft(t *testing.T) {
	e, err := view.New(view.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a := &qalam.Article{Slug: "x", Language: qalam.Urdu, Label: qalam.News, Headline: "سرخی", Authors: []qalam.Author{{Name: "علی", Slug: "ali"}}}
	var buf bytes.Buffer
	page := view.ArticlePage{Page: view.Page{Lang: qalam.Urdu}, Article: a}
	if err := e.Execute(&buf, "site/article", page); err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(&buf)
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for n := range doc.Descendants() {
		if n.Type == html.ElementNode && n.Data == "article" && attr(n, "class") == "story" {
			found = true
			if got := attr(n, "lang") + " " + attr(n, "dir"); got != "ur rtl" {
				t.Errorf("article lang and dir = %q, want %q", got, "ur rtl")
			}
		}
		if n.Type == html.ElementNode && n.Data == "html" {
			if got := attr(n, "dir"); got != "rtl" {
				t.Errorf("html dir = %q, want rtl", got)
			}
		}
	}
	if !found {
		t.Fatal("no article element")
	}
}

func TestAssets_ServedAtHashedURLWithImmutableCaching(t *testing.T) {
	e, err := view.New(view.Options{})
	if err != nil {
		t.Fatal(err)
	}
	url := e.Assets().URL("css/site.css")
	mux := http.NewServeMux()
	mux.Handle("GET /static/{hash}/{name...}", e.Assets())
	tests := []struct {
		name, path, wantCache string
		wantStatus            int
	}{
		{"current hash is cached forever", url, "public, max-age=31536000, immutable", 200},
		{"stale hash is served briefly", "/static/000000000000/css/site.css", "public, max-age=60", 200},
		{"unknown file is not found", "/static/000000000000/css/nope.css", "", 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, httptest.NewRequest("GET", tt.path, nil))
			if rec.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d", rec.Code, tt.wantStatus)
			}
			if got := rec.Header().Get("Cache-Control"); got != tt.wantCache {
				t.Errorf("Cache-Control = %q, want %q", got, tt.wantCache)
			}
			if tt.wantStatus == 200 && !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/css") {
				t.Errorf("Content-Type = %q", rec.Header().Get("Content-Type"))
			}
		})
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func TestAssets_StylesheetPointsAtHashedFonts(t *testing.T) {
	e, err := view.New(view.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	mux := http.NewServeMux()
	mux.Handle("GET /static/{hash}/{name...}", e.Assets())
	mux.ServeHTTP(rec, httptest.NewRequest("GET", e.Assets().URL("css/site.css"), nil))
	css := rec.Body.String()
	font := e.Assets().URL("fonts/NotoNastaliqUrdu-Regular.woff2")
	if !strings.Contains(css, "url("+font+")") {
		t.Errorf("stylesheet does not refer to the font at its hashed URL %s", font)
	}
	if strings.Contains(css, "url(../") {
		t.Error("a relative url() is left in the stylesheet")
	}
}
