package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/markup"
	"github.com/qalamnews/qalam/internal/server"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
	"github.com/qalamnews/qalam/internal/view"
	"github.com/qalamnews/qalam/internal/web"
)

// fixture is a running public site over a real temporary store, with a
// small publication in it.
type fixture struct {
	t       testing.TB
	st      *store.Store
	site    *web.Site
	srv     *httptest.Server
	author  *qalam.Author
	cat     *qalam.Category
	article *qalam.Article // English, open for comments
	urdu    *qalam.Article
	closed  *qalam.Article
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	st := storetest.Open(t)
	engine, err := view.New(view.Options{})
	if err != nil {
		t.Fatal(err)
	}
	site := web.New(st, engine, web.Options{
		SiteName: "The Test Gazette",
		BaseURL:  "http://gazette.test",
		Secret:   []byte("0123456789abcdef0123456789abcdef"),
		// The site's clock runs a minute ahead of the one that dates form
		// keys, so these tests' instant posts pass the minimum form age
		// (tested on its own in antispam_test.go).
		Now: func() time.Time { return time.Now().Add(time.Minute) },
	})
	srv := serveSite(t, st, site)

	f := &fixture{t: t, st: st, site: site, srv: srv}
	f.author = &qalam.Author{Slug: "amina-rahim", Name: "Amina Rahim", Bio: "Amina covers the municipal council for the Gazette."}
	must(t, st.CreateAuthor(ctx, f.author))
	urduAuthor := &qalam.Author{Slug: "bilal-qureshi", Name: "بلال قریشی", Bio: "بلال شہر کی خبریں لکھتے ہیں۔"}
	must(t, st.CreateAuthor(ctx, urduAuthor))
	f.cat = &qalam.Category{Slug: "city", Name: "City"}
	must(t, st.CreateCategory(ctx, f.cat))
	f.article = f.createArticle(func(a *qalam.Article) {
		a.Slug = "water-board-meets"
		a.Headline = "Water board meets on the Nurpur supply"
		a.Standfirst = "Residents asked for a schedule of repairs."
		a.EditorNote = "This report is part of our series on *public services*."
		a.Body = "The board met on Tuesday.\n\n## What was decided\n\nA schedule will be published."
		a.TagNames = []string{"Water", "Nurpur"}
		a.Label = qalam.News
	})
	f.urdu = f.createArticle(func(a *qalam.Article) {
		a.Slug = "kutub-khana"
		a.Language = qalam.Urdu
		a.Headline = "کتب خانہ دوبارہ کھل گیا"
		a.Standfirst = "شہر کا پرانا کتب خانہ مرمت کے بعد کھول دیا گیا۔"
		a.Body = "کتب خانہ صبح نو بجے کھلا۔"
		a.AuthorIDs = []int64{urduAuthor.ID}
		a.Label = qalam.Analysis
	})
	f.closed = f.createArticle(func(a *qalam.Article) {
		a.Slug = "closed-discussion"
		a.Headline = "A discussion that has ended"
		a.CommentsClosed = true
		a.Label = qalam.Opinion
	})
	return f
}

func (f *fixture) createArticle(edit func(*qalam.Article)) *qalam.Article {
	f.t.Helper()
	a := &qalam.Article{
		Language:   qalam.English,
		Label:      qalam.News,
		Status:     qalam.Published,
		Body:       "Body text.",
		CategoryID: f.cat.ID,
		AuthorIDs:  []int64{f.author.ID},
	}
	edit(a)
	a.BodyHTML = markup.Article(a.Body)
	a.EditorNoteHTML = markup.Article(a.EditorNote)
	must(f.t, f.st.CreateArticle(context.Background(), a))
	return a
}

var fixtureKeys atomic.Int64

// addComment stores a comment directly, as a moderator's decision would.
func (f *fixture) addComment(a *qalam.Article, parent int64, name, body string, status qalam.CommentStatus) *qalam.Comment {
	f.t.Helper()
	c := &qalam.Comment{
		ArticleID: a.ID, ParentID: parent, AuthorName: name, AuthorEmail: strings.ToLower(strings.Fields(name)[0]) + "@example.org",
		Body: body, BodyHTML: markup.Comment(body), Status: status, IdempotencyKey: fmt.Sprintf("fixture-%d", fixtureKeys.Add(1)),
	}
	if _, err := f.st.CreateComment(context.Background(), c); err != nil {
		f.t.Fatal(err)
	}
	return c
}

// reader is a browser: it keeps cookies and does not follow redirects, so
// the tests see each answer.
type reader struct {
	f      *fixture
	client *http.Client
}

func (f *fixture) newReader() *reader {
	jar, _ := cookiejar.New(nil)
	return &reader{f: f, client: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

type response struct {
	status int
	header http.Header
	body   string
	doc    *html.Node
}

func (r *reader) get(path string) response {
	r.f.t.Helper()
	resp, err := r.client.Get(r.f.srv.URL + path)
	if err != nil {
		r.f.t.Fatal(err)
	}
	return r.read(resp)
}

func (r *reader) post(path string, form url.Values) response {
	r.f.t.Helper()
	req, err := http.NewRequest("POST", r.f.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		r.f.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", r.f.srv.URL)
	resp, err := r.client.Do(req)
	if err != nil {
		r.f.t.Fatal(err)
	}
	return r.read(resp)
}

func (r *reader) read(resp *http.Response) response {
	r.f.t.Helper()
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		r.f.t.Fatal(err)
	}
	out := response{status: resp.StatusCode, header: resp.Header, body: string(body)}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		doc, err := html.Parse(strings.NewReader(out.body))
		if err != nil {
			r.f.t.Fatalf("response does not parse as HTML: %v", err)
		}
		out.doc = doc
	}
	return out
}

// commentForm is a valid comment form as the article page renders it.
func (r *reader) commentForm(a *qalam.Article, body string) url.Values {
	r.f.t.Helper()
	page := r.get(view.ArticlePath(a.Slug))
	key := inputValue(page.doc, "key")
	if key == "" {
		r.f.t.Fatal("the comment form has no one-time key")
	}
	return url.Values{"key": {key}, "name": {"Farah Naz"}, "email": {"farah@example.org"}, "comment": {body}}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// find returns the first element matching the predicate.
func find(n *html.Node, match func(*html.Node) bool) *html.Node {
	if n == nil {
		return nil
	}
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && match(d) {
			return d
		}
	}
	return nil
}

func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && match(d) {
			out = append(out, d)
		}
	}
	return out
}

func byID(id string) func(*html.Node) bool {
	return func(n *html.Node) bool { return attr(n, "id") == id }
}

func byClass(class string) func(*html.Node) bool {
	return func(n *html.Node) bool {
		for _, c := range strings.Fields(attr(n, "class")) {
			if c == class {
				return true
			}
		}
		return false
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

func text(n *html.Node) string {
	if n == nil {
		return ""
	}
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func inputValue(doc *html.Node, name string) string {
	n := find(doc, func(n *html.Node) bool { return (n.Data == "input" || n.Data == "textarea") && attr(n, "name") == name })
	if n == nil {
		return ""
	}
	if n.Data == "textarea" {
		if n.FirstChild == nil {
			return ""
		}
		return n.FirstChild.Data
	}
	return attr(n, "value")
}

// waitFor polls a condition until it holds or a deadline passes.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// serveSite wires the change feed to site (followChanges) and serves it
// behind the program's middleware until the test ends.
func serveSite(t testing.TB, st *store.Store, site *web.Site) *httptest.Server {
	t.Helper()
	followChanges(t, st, site)
	srv := httptest.NewServer(server.Wrap(site.Routes(), nil, server.Options{}))
	t.Cleanup(srv.Close)
	return srv
}

// followChanges wires the change feed to site as the program does, until
// the test ends, and returns once the page cache is live, so tests
// exercise the cache.
func followChanges(t testing.TB, st *store.Store, site *web.Site) {
	t.Helper()
	live := make(chan struct{})
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		once := false
		st.WatchChanges(ctx, func(c store.Change) {
			switch {
			case c.All:
				site.SetCacheLive(true)
				if !once {
					once = true
					close(live)
				}
			case c.Offline:
				site.SetCacheLive(false)
			default:
				site.Invalidate(c)
			}
		})
	}()
	t.Cleanup(func() { stop(); <-done })
	select {
	case <-live:
	case <-time.After(10 * time.Second):
		t.Fatal("change feed never connected")
	}
}
