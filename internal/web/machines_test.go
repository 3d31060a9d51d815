package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/markup"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
	"github.com/qalamnews/qalam/internal/view"
	"github.com/qalamnews/qalam/internal/web"
)

// machineBase is the site's configured address: every absolute address in
// a feed, sitemap or page head must start with it.
const machineBase = "https://gazette.test"

// machines is a running site over a store whose clock the test holds, with
// a small publication spread over two months, for the tests of what the
// site tells feed readers, crawlers and link previews.
type machines struct {
	t     *testing.T
	st    *store.Store
	clock *storetest.Clock
	srv   *httptest.Server

	amina, bilal *qalam.Author
	city         *qalam.Category
	image        *qalam.Media

	old       *qalam.Article // February: outside the news sitemap's 48 hours
	water     *qalam.Article // English news with an image, tags, corrections and comments
	urdu      *qalam.Article // Urdu analysis
	opinion   *qalam.Article
	editorial *qalam.Article
	tricky    *qalam.Article // a headline that tries to end a script element
	draft     *qalam.Article

	approved, pending, spam, urduComment *qalam.Comment
}

var machineKeys atomic.Int64

func newMachines(t *testing.T) *machines {
	t.Helper()
	ctx := context.Background()
	clock := storetest.NewClock(time.Date(2026, 2, 20, 8, 0, 0, 0, time.UTC))
	dsn := ""
	if os.Getenv(storetest.EnvPostgresURL) != "" {
		dsn = storetest.PostgresURL(t)
	} else {
		dsn = storetest.SQLitePath(t)
	}
	st := storetest.OpenDSN(t, dsn, store.Options{Now: clock.Now})
	engine, err := view.New(view.Options{})
	if err != nil {
		t.Fatal(err)
	}
	site := web.New(st, engine, web.Options{
		SiteName: "The Test Gazette",
		BaseURL:  machineBase,
		Secret:   []byte("0123456789abcdef0123456789abcdef"),
		Now:      clock.Now,
	})
	srv := serveSite(t, st, site)

	m := &machines{t: t, st: st, clock: clock, srv: srv}
	m.amina = &qalam.Author{Slug: "amina-rahim", Name: "Amina Rahim", Bio: "Amina covers the municipal council."}
	must(t, st.CreateAuthor(ctx, m.amina))
	m.bilal = &qalam.Author{Slug: "bilal-qureshi", Name: "بلال قریشی", Bio: "بلال شہر کی خبریں لکھتے ہیں۔"}
	must(t, st.CreateAuthor(ctx, m.bilal))
	m.city = &qalam.Category{Slug: "city", Name: "City"}
	must(t, st.CreateCategory(ctx, m.city))
	m.image = storetest.Media(t, st)

	m.old = m.publish(func(a *qalam.Article) {
		a.Slug, a.Headline, a.Standfirst = "old-budget", "The budget, as it was read", "A look back at February's budget."
		a.TagNames = []string{"Budget"}
	})
	clock.Advance(18 * 24 * time.Hour) // 10 March
	m.water = m.publish(func(a *qalam.Article) {
		a.Slug, a.Headline, a.Standfirst = "water-board-meets", "Water board meets on the Nurpur supply", "Residents asked for a schedule of repairs."
		a.EditorNote = "Part of our series on *public services*."
		a.Body = "The board met on Tuesday. See [our earlier report](/articles/old-budget).\n\n## What was decided\n\nA schedule will be published."
		a.TagNames = []string{"Water", "Nurpur"}
		a.FeaturedImageID = m.image.ID
		a.SEOTitle, a.SEODescription = "Nurpur water repairs: the board's schedule", "When the Nurpur supply will be repaired, street by street."
	})
	clock.Advance(time.Hour)
	m.urdu = m.publish(func(a *qalam.Article) {
		a.Slug, a.Language, a.Label = "kutub-khana", qalam.Urdu, qalam.Analysis
		a.Headline, a.Standfirst = "کتب خانہ دوبارہ کھل گیا", "شہر کا پرانا کتب خانہ مرمت کے بعد کھول دیا گیا۔"
		a.Body = "کتب خانہ صبح نو بجے کھلا۔"
		a.AuthorIDs = []int64{m.bilal.ID}
		a.TagNames = []string{"کتب خانہ"}
	})
	clock.Advance(time.Hour)
	m.opinion = m.publish(func(a *qalam.Article) {
		a.Slug, a.Label, a.Headline = "bus-route-opinion", qalam.Opinion, "Bring back bus route 7"
	})
	m.editorial = m.publish(func(a *qalam.Article) {
		a.Slug, a.Label, a.Headline = "our-view-on-the-library", qalam.Editorial, "Our view: keep the library open on Sundays"
	})
	m.tricky = m.publish(func(a *qalam.Article) {
		a.Slug = "council-says-no"
		a.Headline = `Council says "no" to </script><script>alert(1)</script> plan — کونسل کا "نہیں"`
		a.Standfirst = `It's <b>not</b> over & done, says the mayor.`
	})
	m.draft = m.publish(func(a *qalam.Article) { a.Slug, a.Status, a.Headline = "unfinished", qalam.Draft, "Unfinished draft" })

	clock.Advance(time.Hour)
	m.approved = m.comment(m.water, "Kamran Ali", "Good to see *the schedule*.", qalam.Approved)
	m.pending = m.comment(m.water, "Held Person", "Awaiting review.", qalam.Pending)
	m.spam = m.comment(m.water, "Spam Bot", "Buy now.", qalam.Spam)
	m.urduComment = m.comment(m.urdu, "نادیہ", "بہت اچھی خبر ہے۔", qalam.Approved)
	clock.Advance(time.Hour)
	storetest.Correction(t, st, m.water.ID, func(c *qalam.Correction) {
		c.Text, c.TextHTML = "An earlier version gave the wrong **meeting day**.", markup.Article("An earlier version gave the wrong **meeting day**.")
	})
	storetest.Correction(t, st, m.water.ID, func(c *qalam.Correction) {
		c.Kind, c.Text, c.TextHTML = qalam.KindUpdate, "The schedule is now published.", "<p>The schedule is now published.</p>"
	})
	// Reload what the corrections changed.
	var err2 error
	if m.water, err2 = st.Article(ctx, m.water.ID); err2 != nil {
		t.Fatal(err2)
	}
	clock.Advance(time.Hour)
	return m
}

func (m *machines) publish(edit func(*qalam.Article)) *qalam.Article {
	m.t.Helper()
	a := &qalam.Article{
		Language: qalam.English, Label: qalam.News, Status: qalam.Published,
		Body: "Body text.", CategoryID: m.city.ID, AuthorIDs: []int64{m.amina.ID},
	}
	edit(a)
	a.BodyHTML = markup.Article(a.Body)
	a.EditorNoteHTML = markup.Article(a.EditorNote)
	must(m.t, m.st.CreateArticle(context.Background(), a))
	got, err := m.st.Article(context.Background(), a.ID)
	if err != nil {
		m.t.Fatal(err)
	}
	return got
}

// comment stores a comment with everything a commenter gives, including
// what must never be published (email address, address hash) and a
// website on another site.
func (m *machines) comment(a *qalam.Article, name, body string, status qalam.CommentStatus) *qalam.Comment {
	m.t.Helper()
	c := &qalam.Comment{
		ArticleID: a.ID, AuthorName: name, AuthorEmail: "commenter@mail.example", AuthorURL: "https://commenter.example/me",
		Body: body, BodyHTML: markup.Comment(body), Status: status, IPHash: "keyed-address-hash-0123456789",
		IdempotencyKey: fmt.Sprintf("machines-%d", machineKeys.Add(1)),
	}
	if _, err := m.st.CreateComment(context.Background(), c); err != nil {
		m.t.Fatal(err)
	}
	return c
}

type fetched struct {
	status int
	header http.Header
	body   []byte
}

// get fetches path, with request headers given as name, value pairs.
func (m *machines) get(path string, header ...string) fetched {
	m.t.Helper()
	req, err := http.NewRequest("GET", m.srv.URL+path, nil)
	if err != nil {
		m.t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		m.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		m.t.Fatal(err)
	}
	return fetched{status: resp.StatusCode, header: resp.Header, body: body}
}

// getOK fetches path and fails unless it answers 200 with the content type.
func (m *machines) getOK(path, contentType string) fetched {
	m.t.Helper()
	got := m.get(path)
	if got.status != http.StatusOK {
		m.t.Fatalf("GET %s = %d, want 200:\n%s", path, got.status, got.body)
	}
	if ct := got.header.Get("Content-Type"); ct != contentType {
		m.t.Fatalf("GET %s: Content-Type = %q, want %q", path, ct, contentType)
	}
	return got
}

// page fetches an HTML page and parses it.
func (m *machines) page(path string) *html.Node {
	m.t.Helper()
	got := m.getOK(path, "text/html; charset=utf-8")
	doc, err := html.Parse(bytes.NewReader(got.body))
	if err != nil {
		m.t.Fatal(err)
	}
	return doc
}

// gofeedParse reads a feed with github.com/mmcdole/gofeed.
func gofeedParse(t *testing.T, body []byte) *gofeed.Feed {
	t.Helper()
	f, err := gofeed.NewParser().Parse(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("gofeed cannot parse the feed: %v\n%s", err, body)
	}
	return f
}

// fpFeed is what Python's feedparser made of a feed (see feedparserScript).
type fpFeed struct {
	Bozo    int    `json:"bozo"`
	Error   string `json:"error"`
	Version string `json:"version"`
	Feed    struct {
		Title     string `json:"title"`
		TitleLang string `json:"title_language"`
		Link      string `json:"link"`
		Language  string `json:"language"`
	} `json:"feed"`
	Entries []struct {
		ID        string   `json:"id"`
		Title     string   `json:"title"`
		Link      string   `json:"link"`
		Summary   string   `json:"summary"`
		Content   []string `json:"content"`
		Authors   []string `json:"authors"`
		Published []int    `json:"published"`
		Tags      []string `json:"tags"`
	} `json:"entries"`
}

const feedparserScript = `
import json, sys, feedparser
d = feedparser.parse(sys.stdin.buffer.read())
def e(x):
    return {
        "id": x.get("id", ""), "title": x.get("title", ""), "link": x.get("link", ""),
        "summary": x.get("summary", ""),
        "content": [c.get("value", "") for c in x.get("content", [])],
        "authors": [a.get("name", "") for a in x.get("authors", []) if a.get("name")],
        "published": list(x.published_parsed)[:6] if x.get("published_parsed") else [],
        "tags": [t.get("term", "") for t in x.get("tags", [])],
    }
print(json.dumps({
    "bozo": int(bool(d.bozo)), "error": str(d.get("bozo_exception", "")), "version": d.get("version", ""),
    "feed": {"title": d.feed.get("title", ""), "title_language": (d.feed.get("title_detail") or {}).get("language") or "",
             "link": d.feed.get("link", ""), "language": d.feed.get("language", "")},
    "entries": [e(x) for x in d.entries],
}, ensure_ascii=False))
`

// envFeedparserRequired=1 makes a missing feedparser a failure, not a skip
// (CI installs Debian's python3-feedparser).
const envFeedparserRequired = "QALAM_TEST_FEEDPARSER_REQUIRED"

// feedparserPython finds a Python 3 that has feedparser: Debian's package
// installs it for /usr/bin/python3, which another python3 on PATH may not
// see.
func feedparserPython(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(p, "-c", "import feedparser").Run() == nil {
			return p
		}
	}
	msg := "Python's feedparser is not installed (apt-get install python3-feedparser); the second feed parser is not checked"
	if os.Getenv(envFeedparserRequired) == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// feedparserParse reads a feed with Python's feedparser.
func feedparserParse(t *testing.T, python string, body []byte) *fpFeed {
	t.Helper()
	cmd := exec.Command(python, "-c", feedparserScript)
	cmd.Stdin = bytes.NewReader(body)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("feedparser: %v\n%s", err, stderr.String())
	}
	var f fpFeed
	if err := json.Unmarshal(out, &f); err != nil {
		t.Fatalf("feedparser output: %v\n%s", err, out)
	}
	return &f
}

var anyURL = regexp.MustCompile(`https?://[^\s"'<>()]+`)

// xmlURLs lists every http(s) address in an XML document's attribute
// values and text (escaped HTML content included, once unescaped), except
// the namespace names, which name vocabularies and are never fetched.
func xmlURLs(t *testing.T, body []byte) []string {
	t.Helper()
	var urls []string
	dec := xml.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return urls
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			for _, a := range tok.Attr {
				if a.Name.Space == "xmlns" || a.Name.Local == "xmlns" {
					continue
				}
				urls = append(urls, anyURL.FindAllString(a.Value, -1)...)
			}
		case xml.CharData:
			urls = append(urls, anyURL.FindAllString(string(tok), -1)...)
		}
	}
}

// headURLs lists every http(s) address a page's head gives machines: link
// and meta elements, and JSON-LD values (but its @context, a vocabulary's
// name).
func headURLs(t *testing.T, doc *html.Node) []string {
	t.Helper()
	var urls []string
	head := find(doc, func(n *html.Node) bool { return n.Data == "head" })
	for n := range head.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		switch n.Data {
		case "link", "meta":
			for _, a := range n.Attr {
				urls = append(urls, anyURL.FindAllString(a.Val, -1)...)
			}
		case "script":
			if attr(n, "type") != "application/ld+json" {
				continue
			}
			var v any
			if err := json.Unmarshal([]byte(scriptText(n)), &v); err != nil {
				t.Fatalf("JSON-LD does not parse: %v", err)
			}
			urls = append(urls, jsonURLs(v, "")...)
		}
	}
	return urls
}

func jsonURLs(v any, key string) []string {
	switch v := v.(type) {
	case map[string]any:
		var urls []string
		for k, x := range v {
			urls = append(urls, jsonURLs(x, k)...)
		}
		return urls
	case []any:
		var urls []string
		for _, x := range v {
			urls = append(urls, jsonURLs(x, key)...)
		}
		return urls
	case string:
		if key == "@context" {
			return nil
		}
		return anyURL.FindAllString(v, -1)
	}
	return nil
}

// scriptText is the raw text of a script element (html.Parse keeps it as
// one text node).
func scriptText(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.WriteString(c.Data)
	}
	return b.String()
}
