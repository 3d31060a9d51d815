package web_test

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/server"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
	"github.com/qalamnews/qalam/internal/view"
	"github.com/qalamnews/qalam/internal/web"
)

// headlines are the headlines of a list page's cards, in order.
func headlines(doc *html.Node) []string {
	var out []string
	for _, n := range findAll(doc, byClass("card-headline")) {
		out = append(out, text(n))
	}
	return out
}

// link returns the href of the first element matching.
func link(doc *html.Node, match func(*html.Node) bool) string {
	return attr(find(doc, match), "href")
}

func TestFrontPage_LeadLatestAndSections(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	ward := &qalam.Category{Slug: "wards", Name: "Wards"}
	must(t, f.st.CreateCategory(ctx, ward))
	var older []*qalam.Article
	for i := range 12 {
		older = append(older, f.createArticle(func(a *qalam.Article) {
			a.Slug, a.Headline, a.CategoryID = fmt.Sprintf("ward-%02d", i), fmt.Sprintf("Ward story %02d", i), ward.ID
		}))
	}
	r := f.newReader()

	home := r.get("/")
	lead := find(home.doc, byClass("lead-story"))
	if got := text(find(lead, byClass("lead-headline"))); got != "Ward story 11" {
		t.Errorf("lead = %q, want the newest", got)
	}
	latest := headlines(find(home.doc, byClass("latest")))
	if len(latest) != 8 || latest[0] != "Ward story 10" || latest[7] != "Ward story 03" {
		t.Errorf("latest = %q, want the 8 after the lead", latest)
	}
	// Each section's block leaves out what the page already shows.
	sections := findAll(home.doc, byClass("section-block"))
	blocks := map[string][]string{}
	for _, s := range sections {
		title := find(s, byClass("section-title"))
		var items []string
		for _, li := range findAll(s, func(n *html.Node) bool { return n.Data == "li" }) {
			items = append(items, text(find(li, func(n *html.Node) bool { return n.Data == "a" })))
		}
		blocks[text(title)] = items
		if got := link(title, func(n *html.Node) bool { return n.Data == "a" }); !strings.HasPrefix(got, "/categories/") {
			t.Errorf("section %q links to %q", text(title), got)
		}
		if find(find(s, byClass("section-more")), func(n *html.Node) bool { return n.Data == "a" }) == nil {
			t.Errorf("section %q has no link to its page", text(title))
		}
	}
	if got := strings.Join(blocks["Wards"], "|"); got != "Ward story 02|Ward story 01|Ward story 00" {
		t.Errorf("Wards block = %q", got)
	}
	if got := strings.Join(blocks["City"], "|"); got != f.closed.Headline+"|"+f.urdu.Headline+"|"+f.article.Headline {
		t.Errorf("City block = %q", got)
	}

	// The latest continues on a plain list, which pages on.
	more := link(home.doc, byClass("older"))
	if !strings.HasPrefix(more, "/?before=") {
		t.Fatalf("more of the latest = %q", more)
	}
	next := r.get(more)
	if got := headlines(next.doc); len(got) == 0 || got[0] != "Ward story 02" {
		t.Errorf("the latest continues with %q, want Ward story 02 first", got)
	}

	t.Run("an editor's featured article leads", func(t *testing.T) {
		must(t, f.st.SetSetting(ctx, store.SettingFeaturedArticle, strconv.FormatInt(older[4].ID, 10)))
		var home response
		waitFor(t, func() bool {
			home = r.get("/")
			return text(find(home.doc, byClass("lead-headline"))) == "Ward story 04"
		})
		if got := headlines(find(home.doc, byClass("latest"))); got[0] != "Ward story 11" {
			t.Errorf("latest starts with %q, want the newest", got[0])
		}
	})
}

func TestLists_PageOlderAndNewerStableWhileArticlesArrive(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	paged := &qalam.Category{Slug: "paged", Name: "Paged"}
	must(t, f.st.CreateCategory(ctx, paged))
	add := func(n int) {
		f.createArticle(func(a *qalam.Article) {
			a.Slug, a.Headline, a.CategoryID = fmt.Sprintf("story-%02d", n), fmt.Sprintf("Story %02d", n), paged.ID
		})
	}
	for n := 1; n <= 45; n++ {
		add(n)
	}
	r := f.newReader()
	span := func(list []string) string {
		if len(list) == 0 {
			return ""
		}
		return list[0] + ".." + list[len(list)-1]
	}

	first := r.get("/categories/paged")
	if got := span(headlines(first.doc)); got != "Story 45..Story 26" {
		t.Fatalf("first page = %s", got)
	}
	if find(first.doc, byClass("newer")) != nil {
		t.Error("the first page links to a newer page")
	}
	olderLink := link(first.doc, byClass("older"))
	second := r.get(olderLink)
	if got := span(headlines(second.doc)); got != "Story 25..Story 06" {
		t.Fatalf("second page = %s", got)
	}
	if got := link(second.doc, byClass("newer")); got != "/categories/paged" {
		t.Errorf("second page's newer link = %q, want the first page", got)
	}
	third := r.get(link(second.doc, byClass("older")))
	if got := span(headlines(third.doc)); got != "Story 05..Story 01" {
		t.Errorf("third page = %s", got)
	}
	if find(third.doc, byClass("older")) != nil {
		t.Error("the last page links to an older page")
	}
	if got := span(headlines(r.get(link(third.doc, byClass("newer"))).doc)); got != "Story 25..Story 06" {
		t.Errorf("newer than the third page = %s, want the second", got)
	}

	add(46)
	// The cached pages go when the change is heard (on PostgreSQL, a
	// moment later).
	var again response
	waitFor(t, func() bool {
		again = r.get(olderLink)
		return link(again.doc, byClass("newer")) != "/categories/paged"
	})
	if got := span(headlines(again.doc)); got != "Story 25..Story 06" {
		t.Errorf("second page after a new article = %s, want it unchanged", got)
	}
	if got := span(headlines(r.get(link(again.doc, byClass("newer"))).doc)); got != "Story 45..Story 26" {
		t.Errorf("newer page after a new article = %s, want the 20 just above", got)
	}
	if got := r.get("/categories/paged?before=1-1"); got.status != 404 {
		t.Errorf("a cursor past the end = %d, want 404", got.status)
	}
	for _, path := range []string{"/tags/water", "/authors/amina-rahim"} {
		if page := r.get(path); page.status != 200 || len(headlines(page.doc)) == 0 {
			t.Errorf("GET %s = %d with %d articles", path, page.status, len(headlines(page.doc)))
		}
	}
}

func TestArchive_MonthsAndTheirPages(t *testing.T) {
	f := newFixture(t)
	r := f.newReader()
	now := time.Now().UTC()
	this := fmt.Sprintf("/archive/%04d/%02d", now.Year(), int(now.Month()))

	index := r.get("/archive")
	if index.status != 200 {
		t.Fatalf("archive = %d", index.status)
	}
	months := findAll(find(index.doc, byClass("archive-months")), func(n *html.Node) bool { return n.Data == "li" })
	if len(months) != 1 {
		t.Fatalf("archive lists %d months, want 1", len(months))
	}
	if got, want := text(months[0]), now.Month().String()+" "+strconv.Itoa(now.Year())+" 3 articles"; got != want {
		t.Errorf("month entry = %q, want %q", got, want)
	}
	if got := link(months[0], func(n *html.Node) bool { return n.Data == "a" }); got != this {
		t.Errorf("month link = %q, want %q", got, this)
	}
	page := r.get(this)
	if got := headlines(page.doc); len(got) != 3 || got[0] != f.closed.Headline {
		t.Errorf("month page lists %q", got)
	}
	if got := text(find(page.doc, func(n *html.Node) bool { return n.Data == "h1" })); got != now.Month().String()+" "+strconv.Itoa(now.Year()) {
		t.Errorf("month heading = %q", got)
	}
	for _, path := range []string{"/archive/1999/01", "/archive/2026/13", "/archive/2026/1", "/archive/20x6/01", "/archive/2026/+1"} {
		if got := r.get(path); got.status != 404 {
			t.Errorf("GET %s = %d, want 404", path, got.status)
		}
	}
}

func TestErrorPages_InTheSiteStyleAndLanguage(t *testing.T) {
	f := newFixture(t)
	r := f.newReader()
	page := r.get("/no-such-page")
	if page.status != 404 {
		t.Fatalf("status = %d", page.status)
	}
	for _, class := range []string{"masthead", "error-page", "site-footer"} {
		if find(page.doc, byClass(class)) == nil {
			t.Errorf("the 404 page has no %s", class)
		}
	}
	if got := text(find(page.doc, func(n *html.Node) bool { return n.Data == "h1" })); got != "Page not found" {
		t.Errorf("heading = %q", got)
	}

	must(t, f.st.SetSetting(context.Background(), store.SettingLanguage, "ur"))
	page = r.get("/no-such-page")
	root := find(page.doc, func(n *html.Node) bool { return n.Data == "html" })
	if got := attr(root, "lang") + " " + attr(root, "dir"); got != "ur rtl" {
		t.Errorf("Urdu site's 404 page is %q", got)
	}
	if got := text(find(page.doc, func(n *html.Node) bool { return n.Data == "h1" })); got != "صفحہ نہیں ملا" {
		t.Errorf("Urdu heading = %q", got)
	}
}

// TestErrorPages_TemplateFailureGivesTheStyled500 renders the site from a
// copy of the templates in which the front page fails while executing:
// the reader gets the site's 500 page, whole, not half a front page.
func TestErrorPages_TemplateFailureGivesTheStyled500(t *testing.T) {
	dir := t.TempDir()
	src := os.DirFS(filepath.Join("..", "view"))
	err := fs.WalkDir(src, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || !(strings.HasPrefix(p, "templates") || strings.HasPrefix(p, "static")) {
			if err == nil && d.IsDir() && p != "." {
				return fs.SkipDir
			}
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dir, p), 0o755)
		}
		b, err := fs.ReadFile(src, p)
		if err != nil {
			return err
		}
		if p == "templates/site/home.html" {
			// Fails at execution: there is no tenth section.
			b = []byte(`{{define "main"}}<p class="half">Half a front page</p>{{(index .Sections 9).Category.Name}}{{end}}`)
		}
		return os.WriteFile(filepath.Join(dir, p), b, 0o644)
	})
	must(t, err)
	engine, err := view.New(view.Options{Dev: true, SourceDir: dir})
	must(t, err)
	st := storetest.Open(t)
	storetest.Article(t, st)
	site := web.New(st, engine, web.Options{SiteName: "The Test Gazette", BaseURL: "http://gazette.test",
		Secret: []byte("0123456789abcdef0123456789abcdef"), Log: slog.New(slog.DiscardHandler)})
	srv := httptest.NewServer(server.Wrap(site.Routes(), nil, server.Options{}))
	t.Cleanup(srv.Close)
	r := (&fixture{t: t, srv: srv}).newReader()

	page := r.get("/")
	if page.status != 500 {
		t.Fatalf("status = %d, want 500", page.status)
	}
	if find(page.doc, byClass("half")) != nil {
		t.Error("part of the failed page was sent")
	}
	if find(page.doc, byClass("masthead")) == nil || find(page.doc, byClass("error-page")) == nil {
		t.Error("the 500 page is not in the site's style")
	}
	if got := text(find(page.doc, func(n *html.Node) bool { return n.Data == "h1" })); got != "Something went wrong" {
		t.Errorf("heading = %q", got)
	}
	if got := page.header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", got)
	}
}

func TestSiteLanguage_ListsSpeakItArticlesTheirOwn(t *testing.T) {
	f := newFixture(t)
	must(t, f.st.SetSetting(context.Background(), store.SettingLanguage, "ur"))
	f.addComment(f.article, 0, "Kamran Ali", "Good.", qalam.Approved)
	r := f.newReader()
	root := func(doc *html.Node) string {
		n := find(doc, func(n *html.Node) bool { return n.Data == "html" })
		return attr(n, "lang") + " " + attr(n, "dir")
	}

	home := r.get("/")
	if got := root(home.doc); got != "ur rtl" {
		t.Errorf("home = %q, want ur rtl", got)
	}
	if got := text(find(home.doc, byID("latest-title"))); got != "تازہ ترین" {
		t.Errorf("latest heading = %q", got)
	}
	// An English headline in the Urdu list keeps its language, isolated.
	var card *html.Node
	for _, c := range findAll(home.doc, byClass("card")) {
		if text(find(c, byClass("card-headline"))) == f.article.Headline {
			card = c
		}
	}
	if card == nil {
		t.Fatal("the English article is not in the latest")
	}
	h := find(card, byClass("card-headline"))
	if attr(h, "lang") != "en" || attr(h, "dir") != "auto" {
		t.Errorf("English headline in an Urdu list: lang %q dir %q", attr(h, "lang"), attr(h, "dir"))
	}
	if got := text(find(card, byClass("meta"))); !strings.Contains(got, "1 تبصرہ") || !strings.Contains(got, "تحریر:") {
		t.Errorf("card's meta = %q, want it in Urdu", got)
	}

	article := r.get(view.ArticlePath(f.article.Slug))
	if got := root(article.doc); got != "en ltr" {
		t.Errorf("English article on an Urdu site = %q, want en ltr", got)
	}
	if got := text(find(article.doc, byID("comments-title"))); got != "Discussion (1 comment)" {
		t.Errorf("the discussion's heading = %q", got)
	}
}

func TestTranslation_BothPagesLinkAndDeclareIt(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	must(t, f.st.SetTranslation(ctx, f.article.ID, f.urdu.ID))
	r := f.newReader()
	abs := func(a *qalam.Article) string { return "http://gazette.test" + view.ArticlePath(a.Slug) }
	hreflangs := func(doc *html.Node) string {
		var out []string
		for _, n := range findAll(doc, func(n *html.Node) bool { return n.Data == "link" && attr(n, "hreflang") != "" }) {
			out = append(out, attr(n, "hreflang")+"="+attr(n, "href"))
		}
		return strings.Join(out, " ")
	}
	want := "en=" + abs(f.article) + " x-default=" + abs(f.article) + " ur=" + abs(f.urdu)
	tests := []struct {
		name      string
		page, to  *qalam.Article
		linkText  string
		linkLang  string
		hreflangs string
	}{
		{"the English page", f.article, f.urdu, "اردو میں پڑھیں", "ur", want},
		{"the Urdu page", f.urdu, f.article, "Read in English", "en", "ur=" + abs(f.urdu) + " en=" + abs(f.article) + " x-default=" + abs(f.article)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := r.get(view.ArticlePath(tt.page.Slug))
			a := find(find(page.doc, byClass("translation-link")), func(n *html.Node) bool { return n.Data == "a" })
			if a == nil {
				t.Fatal("no link to the translation")
			}
			if got := attr(a, "href"); got != view.ArticlePath(tt.to.Slug) {
				t.Errorf("link to %q, want %q", got, view.ArticlePath(tt.to.Slug))
			}
			if text(a) != tt.linkText || attr(a, "lang") != tt.linkLang || attr(a, "hreflang") != tt.linkLang {
				t.Errorf("link %q lang %q hreflang %q", text(a), attr(a, "lang"), attr(a, "hreflang"))
			}
			if got := hreflangs(page.doc); got != tt.hreflangs {
				t.Errorf("hreflang links = %q, want %q", got, tt.hreflangs)
			}
		})
	}

	t.Run("a translation taken down is no longer linked", func(t *testing.T) {
		unpublished := qalam.Unpublished
		_, err := f.st.UpdateArticle(ctx, f.urdu.ID, store.ArticleUpdate{Status: &unpublished})
		must(t, err)
		waitFor(t, func() bool {
			return find(r.get(view.ArticlePath(f.article.Slug)).doc, byClass("translation-link")) == nil
		})
		if got := hreflangs(r.get(view.ArticlePath(f.article.Slug)).doc); got != "" {
			t.Errorf("hreflang links = %q, want none", got)
		}
	})
}

// TestMixedText_EveryUserStringIsIsolated renders the reader's pages with
// names, headlines, tags, categories and comments that mix English and
// Urdu, and checks that every such string sits in a direction isolate of
// its own: a <bdi>, an element with dir="auto", or an element declaring
// the text's own language and direction (an article's page, a card's
// headline). Otherwise a name in one script would reorder the line of the
// other around it.
func TestMixedText_EveryUserStringIsIsolated(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	zara := &qalam.Author{Slug: "zara-khan", Name: "Zara Khan", Bio: "Zara writes about Qalampur's پانی supply."}
	must(t, f.st.CreateAuthor(ctx, zara))
	shehr := &qalam.Category{Slug: "shehr", Name: "شہر 24"}
	must(t, f.st.CreateCategory(ctx, shehr))
	mixed := f.createArticle(func(a *qalam.Article) {
		a.Slug, a.Language, a.CategoryID, a.AuthorIDs = "mixed", qalam.Urdu, shehr.ID, []int64{zara.ID, f.author.ID}
		a.Headline = "Qalampur میں نئی بس 7 سروس"
		a.Standfirst = "شہر کی Route 7 اب Riverside تک جائے گی۔"
		a.TagNames = []string{"Bus 7", "ٹرانسپورٹ"}
	})
	f.addComment(mixed, 0, "Tom Baker", "Is Route 7 کا نیا وقت final?", qalam.Approved)
	f.addComment(f.article, 0, "نادیہ خان", "Water board کا فیصلہ اچھا ہے۔", qalam.Approved)
	storetest.Correction(t, f.st, mixed.ID, func(c *qalam.Correction) {
		c.Text, c.TextHTML = "Route 7 کا وقت درست کیا گیا۔", "<p>Route 7 کا وقت درست کیا گیا۔</p>"
	})

	type userString struct {
		text string
		lang qalam.Language // its own language when known, for a container declaring it
	}
	strs := []userString{
		{"Zara Khan", ""}, {"Amina Rahim", ""}, {"بلال قریشی", ""}, {"Qalampur's پانی supply", ""},
		{"شہر 24", ""}, {"City", ""}, {"Bus 7", ""}, {"ٹرانسپورٹ", ""},
		{mixed.Headline, qalam.Urdu}, {mixed.Standfirst, qalam.Urdu}, {f.article.Headline, qalam.English}, {f.urdu.Headline, qalam.Urdu},
		{"Tom Baker", ""}, {"Is Route 7 کا نیا وقت final?", ""}, {"نادیہ خان", ""}, {"Water board کا فیصلہ اچھا ہے۔", ""},
		{"Route 7 کا وقت درست کیا گیا۔", qalam.Urdu}, {"The Test Gazette", ""},
	}
	now := time.Now().UTC()
	pages := []string{
		"/", "/categories/shehr", "/categories/city", "/tags/bus-7", "/authors/zara-khan", "/authors/bilal-qureshi",
		fmt.Sprintf("/archive/%04d/%02d", now.Year(), int(now.Month())),
		view.ArticlePath(mixed.Slug), view.ArticlePath(f.article.Slug), view.ArticlePath(f.urdu.Slug), "/corrections",
	}
	r := f.newReader()
	for _, path := range pages {
		t.Run(path, func(t *testing.T) {
			page := r.get(path)
			if page.status != 200 {
				t.Fatalf("status %d", page.status)
			}
			body := find(page.doc, func(n *html.Node) bool { return n.Data == "body" })
			found := 0
			for n := range body.Descendants() {
				if n.Type != html.TextNode {
					continue
				}
				for _, s := range strs {
					if !strings.Contains(n.Data, s.text) {
						continue
					}
					found++
					if !isolated(n, s.lang) {
						t.Errorf("%q is not isolated: in %s", s.text, ancestry(n))
					}
				}
			}
			if found < 2 {
				t.Errorf("found only %d user strings on the page", found)
			}
		})
	}
}

// isolated reports whether a text node sits in a direction isolate of its
// own below <body>: the nearest element that sets a direction is a <bdi>,
// has dir="auto", or declares the text's language (lang) with its
// direction.
func isolated(n *html.Node, lang qalam.Language) bool {
	for p := n.Parent; p != nil && p.Data != "body"; p = p.Parent {
		if p.Type != html.ElementNode {
			continue
		}
		if p.Data == "bdi" || attr(p, "dir") == "auto" {
			return true
		}
		if d := attr(p, "dir"); d != "" {
			return lang != "" && attr(p, "lang") == string(lang) && d == lang.Dir()
		}
	}
	return false
}

// ancestry describes where a node sits, for failure messages.
func ancestry(n *html.Node) string {
	var parts []string
	for p := n.Parent; p != nil && p.Data != "body"; p = p.Parent {
		desc := p.Data
		if c := attr(p, "class"); c != "" {
			desc += "." + strings.ReplaceAll(c, " ", ".")
		}
		parts = append([]string{desc}, parts...)
	}
	return strings.Join(parts, " > ")
}
