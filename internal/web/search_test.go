package web_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/view"
)

// searchPath is the address of a search for q.
func searchPath(q string, extra ...string) string {
	v := url.Values{"q": {q}}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return "/search?" + v.Encode()
}

// results are the result items of a search page.
func results(doc *html.Node) []*html.Node { return findAll(doc, byClass("search-result")) }

// resultLinks lists the headline links of a search page, in order.
func resultLinks(doc *html.Node) []string {
	var links []string
	for _, li := range results(doc) {
		if a := find(find(li, byClass("card-headline")), func(n *html.Node) bool { return n.Data == "a" }); a != nil {
			links = append(links, attr(a, "href"))
		}
	}
	return links
}

// marks lists the text of each <mark> under n.
func marks(n *html.Node) []string {
	var out []string
	for _, m := range findAll(n, func(n *html.Node) bool { return n.Data == "mark" }) {
		out = append(out, text(m))
	}
	return out
}

func TestSearch_ShowsRankedResultsWithMarkedSnippets(t *testing.T) {
	f := newFixture(t)
	inHeadline := f.createArticle(func(a *qalam.Article) {
		a.Slug, a.Headline = "library-opens", "Qalampur library opens <b>late</b>"
		a.Body = "Sixty seats and free wifi."
	})
	inBody := f.createArticle(func(a *qalam.Article) {
		a.Slug, a.Headline = "council-meets", "Council meets"
		a.Body = "Readers asked why \\<b> tags & the **library** hours changed."
	})
	f.createArticle(func(a *qalam.Article) {
		a.Slug, a.Headline, a.Status = "draft-library", "Library draft", qalam.Draft
	})

	got := f.newReader().get(searchPath("Library"))
	if got.status != 200 {
		t.Fatalf("status = %d, want 200", got.status)
	}
	if want := []string{view.ArticlePath(inHeadline.Slug), view.ArticlePath(inBody.Slug)}; !slices.Equal(resultLinks(got.doc), want) {
		t.Errorf("results = %v, want %v (headline match first, no draft)", resultLinks(got.doc), want)
	}
	if c := text(find(got.doc, byClass("search-count"))); !strings.Contains(c, "2 results") || !strings.Contains(c, "Library") {
		t.Errorf("count = %q, want 2 results for Library", c)
	}
	items := results(got.doc)
	if len(items) != 2 {
		t.Fatalf("%d results", len(items))
	}
	t.Run("headline is marked and its markup is text", func(t *testing.T) {
		h := find(items[0], byClass("card-headline"))
		if got := marks(h); !slices.Equal(got, []string{"library"}) {
			t.Errorf("marks in headline = %q, want [library]", got)
		}
		if find(h, func(n *html.Node) bool { return n.Data == "b" }) != nil || !strings.Contains(text(h), "<b>late</b>") {
			t.Errorf("headline %q: markup became elements", text(h))
		}
	})
	t.Run("snippet is the body's text, escaped, with the match marked", func(t *testing.T) {
		snippet := find(items[1], byClass("snippet"))
		if got, want := text(snippet), "Readers asked why <b> tags & the library hours changed."; got != want {
			t.Errorf("snippet = %q, want %q", got, want)
		}
		if got := marks(snippet); !slices.Equal(got, []string{"library"}) {
			t.Errorf("marks in snippet = %q, want [library]", got)
		}
		for d := range snippet.Descendants() {
			if d.Type == html.ElementNode && d.Data != "mark" {
				t.Errorf("snippet holds a <%s> element", d.Data)
			}
		}
	})
	t.Run("results carry label, byline and date", func(t *testing.T) {
		for _, li := range items {
			if find(li, byClass("label")) == nil || find(li, byClass("byline")) == nil ||
				find(li, func(n *html.Node) bool { return n.Data == "time" && attr(n, "datetime") != "" }) == nil {
				t.Errorf("result %q lacks label, byline or date", text(li))
			}
		}
	})
	t.Run("page is private and not indexed", func(t *testing.T) {
		if cc := got.header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control = %q, want no-store", cc)
		}
		robots := find(got.doc, func(n *html.Node) bool { return n.Data == "meta" && attr(n, "name") == "robots" })
		if robots == nil || attr(robots, "content") != "noindex" {
			t.Error("no <meta name=robots content=noindex>")
		}
	})
	t.Run("form shows the query back", func(t *testing.T) {
		input := find(got.doc, byID("search-q"))
		if input == nil || attr(input, "value") != "Library" || attr(input, "dir") != "auto" {
			t.Errorf("search input = %v", input)
		}
		if label := find(got.doc, func(n *html.Node) bool { return n.Data == "label" && attr(n, "for") == "search-q" }); label == nil {
			t.Error("the search input has no label")
		}
	})
}

func TestSearch_FindsUrduWithAndWithoutDiacritics(t *testing.T) {
	f := newFixture(t)
	bus := f.createArticle(func(a *qalam.Article) {
		a.Slug, a.Language = "bus-service", qalam.Urdu
		a.Headline = "قلم پور میں نئی بس سروس"
		a.Body = "مُسافِروں کے لیے کرایہ بیس روپے ہے۔"
	})
	tests := []struct {
		name, query string
		wantMarks   []string
	}{
		{"without diacritics", "مسافروں", []string{"مُسافِروں"}},
		{"with diacritics", "مُسافِروں", []string{"مُسافِروں"}},
		{"with Arabic letters", "كرايه", []string{"کرایہ"}},
	}
	r := f.newReader()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := r.get(searchPath(tt.query))
			if links := resultLinks(got.doc); !slices.Equal(links, []string{view.ArticlePath(bus.Slug)}) {
				t.Fatalf("results = %v, want the bus article", links)
			}
			li := results(got.doc)[0]
			if attr(li, "lang") != "ur" || attr(li, "dir") != "rtl" {
				t.Errorf("result lang, dir = %q, %q; want ur, rtl", attr(li, "lang"), attr(li, "dir"))
			}
			if got := marks(find(li, byClass("snippet"))); !slices.Equal(got, tt.wantMarks) {
				t.Errorf("marks = %q, want %q", got, tt.wantMarks)
			}
			if q := find(find(got.doc, byClass("search-count")), func(n *html.Node) bool { return n.Data == "bdi" }); text(q) != tt.query {
				t.Errorf("query shown as %q in an isolate, want %q", text(q), tt.query)
			}
		})
	}
}

func TestSearch_States(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name, path string
		wantStatus int
		wantClass  string // an element the page must hold
		wantResult bool
	}{
		{"empty query shows the form only", "/search", 200, "search-hint", false},
		{"blank query shows the form only", searchPath("   "), 200, "search-hint", false},
		{"no match says so", searchPath("zeppelin"), 200, "search-count", false},
		{"query without words finds nothing", searchPath(`"* -(`), 200, "search-count", false},
		{"query too long is refused politely", searchPath(strings.Repeat("x", store.MaxSearchRunes+1)), 422, "search-message", false},
		{"too many words are refused politely", searchPath(manyWords(store.MaxSearchTerms + 1)), 422, "search-message", false},
		{"a match lists it", searchPath("Nurpur"), 200, "search-results", true},
		{"page beyond the results is not found", searchPath("Nurpur", "page", "2"), 404, "", false},
		{"page that is not a number is not found", searchPath("Nurpur", "page", "two"), 404, "", false},
		{"page beyond the limit is not found", searchPath("Nurpur", "page", "51"), 404, "", false},
	}
	r := f.newReader()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := r.get(tt.path)
			if got.status != tt.wantStatus {
				t.Fatalf("status = %d, want %d", got.status, tt.wantStatus)
			}
			if tt.wantClass != "" && find(got.doc, byClass(tt.wantClass)) == nil {
				t.Errorf("no .%s on the page", tt.wantClass)
			}
			if has := len(results(got.doc)) > 0; has != tt.wantResult {
				t.Errorf("results shown = %v, want %v", has, tt.wantResult)
			}
			if tt.wantStatus == 422 {
				input := find(got.doc, byID("search-q"))
				if attr(input, "aria-invalid") != "true" || !strings.Contains(text(find(got.doc, byClass("search-message"))), fmt.Sprint(store.MaxSearchRunes)) {
					t.Errorf("refusal does not point at the input or name the limit")
				}
			}
		})
	}
}

// manyWords is n different words.
func manyWords(n int) string {
	words := make([]string, n)
	for i := range words {
		words[i] = fmt.Sprintf("w%d", i)
	}
	return strings.Join(words, " ")
}

func TestSearch_Pages(t *testing.T) {
	f := newFixture(t)
	for i := range 23 {
		f.createArticle(func(a *qalam.Article) {
			a.Slug, a.Headline, a.Body = fmt.Sprintf("ferry-%02d", i), fmt.Sprintf("Ferry notice %d", i), "The ferry timetable."
		})
	}
	r := f.newReader()
	var seen []string
	path := searchPath("ferry")
	for page := 1; path != ""; page++ {
		got := r.get(path)
		if got.status != 200 {
			t.Fatalf("GET %s = %d", path, got.status)
		}
		links := resultLinks(got.doc)
		if want := min(10, 23-len(seen)); len(links) != want {
			t.Errorf("page %d has %d results, want %d", page, len(links), want)
		}
		if start := attr(find(got.doc, byClass("search-results")), "start"); start != fmt.Sprint(len(seen)+1) {
			t.Errorf("page %d list starts at %s, want %d", page, start, len(seen)+1)
		}
		prev := find(got.doc, func(n *html.Node) bool { return n.Data == "a" && attr(n, "rel") == "prev" })
		if (prev != nil) != (page > 1) {
			t.Errorf("page %d: previous link %v", page, prev != nil)
		}
		seen = append(seen, links...)
		path = ""
		if next := find(got.doc, func(n *html.Node) bool { return n.Data == "a" && attr(n, "rel") == "next" }); next != nil {
			path = attr(next, "href")
		}
	}
	slices.Sort(seen)
	if len(slices.Compact(seen)) != 23 {
		t.Errorf("pages showed %d different articles, want 23", len(seen))
	}
}

func TestSearch_RateLimitedPerAddress(t *testing.T) {
	f := newFixture(t)
	r := f.newReader()
	for i := range 30 {
		if got := r.get(searchPath(fmt.Sprintf("water %d", i))); got.status != 200 {
			t.Fatalf("search %d: status %d", i+1, got.status)
		}
	}
	got := r.get(searchPath("water"))
	if got.status != 429 || got.header.Get("Retry-After") == "" {
		t.Errorf("31st search in a minute: status %d, Retry-After %q; want 429 with Retry-After", got.status, got.header.Get("Retry-After"))
	}
	if got := r.get("/search"); got.status != 200 {
		t.Errorf("the empty form is not limited: status %d", got.status)
	}
}

func TestSearch_FormInEveryMasthead(t *testing.T) {
	f := newFixture(t)
	r := f.newReader()
	for _, path := range []string{"/", view.ArticlePath(f.urdu.Slug), "/corrections", "/no-such-page"} {
		t.Run(path, func(t *testing.T) {
			got := r.get(path)
			masthead := find(got.doc, byClass("masthead"))
			form := find(masthead, func(n *html.Node) bool { return n.Data == "form" && attr(n, "role") == "search" })
			if form == nil || attr(form, "action") != "/search" || attr(form, "method") != "get" {
				t.Fatalf("no GET search form in the masthead")
			}
			input := find(form, func(n *html.Node) bool { return n.Data == "input" && attr(n, "name") == "q" })
			label := find(form, func(n *html.Node) bool { return n.Data == "label" && attr(n, "for") == attr(input, "id") })
			if input == nil || label == nil || text(label) == "" {
				t.Error("the masthead's search input has no label")
			}
		})
	}
}

func TestSearch_FollowsAnUnpublishedArticle(t *testing.T) {
	f := newFixture(t)
	r := f.newReader()
	if links := resultLinks(r.get(searchPath("Nurpur")).doc); len(links) != 1 {
		t.Fatalf("before: results %v, want the water board article", links)
	}
	if _, err := f.st.UpdateArticle(context.Background(), f.article.ID, store.ArticleUpdate{Status: new(qalam.Unpublished)}); err != nil {
		t.Fatal(err)
	}
	if links := resultLinks(r.get(searchPath("Nurpur")).doc); len(links) != 0 {
		t.Errorf("after unpublishing: results %v, want none", links)
	}
}
