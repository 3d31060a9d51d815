package web_test

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/binary"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
	"github.com/qalamnews/qalam/internal/view"
	"github.com/qalamnews/qalam/internal/web"
)

// clockedSite is the public site and its store on one test clock, driven
// through its handler directly, so each request can come from any address
// at any time.
type clockedSite struct {
	t       *testing.T
	st      *store.Store
	clock   *storetest.Clock
	handler http.Handler
	article *qalam.Article
}

func newClockedSite(t *testing.T) *clockedSite {
	t.Helper()
	clock := storetest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	dsn := storetest.SQLitePath(t)
	if os.Getenv(storetest.EnvPostgresURL) != "" {
		dsn = storetest.PostgresURL(t)
	}
	st := storetest.OpenDSN(t, dsn, store.Options{Now: clock.Now})
	engine, err := view.New(view.Options{})
	if err != nil {
		t.Fatal(err)
	}
	site := web.New(st, engine, web.Options{
		SiteName: "The Test Gazette",
		BaseURL:  "http://gazette.test",
		Secret:   []byte("0123456789abcdef0123456789abcdef"),
		Now:      clock.Now,
	})
	return &clockedSite{t: t, st: st, clock: clock, handler: site.Routes(), article: storetest.Article(t, st)}
}

// keyAt is a form key issued at t, as newFormKey makes them: 6 bytes of
// Unix seconds and 10 random bytes, in unpadded base32.
func keyAt(t time.Time) string {
	var b [16]byte
	var sec [8]byte
	binary.BigEndian.PutUint64(sec[:], uint64(t.Unix()))
	copy(b[:6], sec[2:])
	rand.Read(b[6:])
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:])
}

// keyTime decodes the time a form key was issued at.
func keyTime(t *testing.T, key string) time.Time {
	t.Helper()
	b, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(key)
	if err != nil || len(key) != 26 || len(b) != 16 {
		t.Fatalf("key %q is not 26 characters of base32 for 16 bytes (%v)", key, err)
	}
	var sec [8]byte
	copy(sec[2:], b[:6])
	return time.Unix(int64(binary.BigEndian.Uint64(sec[:])), 0)
}

// form is a valid comment form whose key was issued ten seconds ago.
func (c *clockedSite) form(email, body string) url.Values {
	return url.Values{"key": {keyAt(c.clock.Now().Add(-10 * time.Second))}, "name": {"Farah Naz"}, "email": {email}, "comment": {body}}
}

// post sends form from the peer at remote (host:port), with the headers
// given in pairs, and returns the answer.
func (c *clockedSite) post(remote string, form url.Values, header ...string) *httptest.ResponseRecorder {
	c.t.Helper()
	req := httptest.NewRequest("POST", view.ArticlePath(c.article.Slug)+"/comments", strings.NewReader(form.Encode()))
	req.RemoteAddr = remote
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	c.handler.ServeHTTP(rec, req)
	return rec
}

func (c *clockedSite) comments() []*qalam.Comment {
	c.t.Helper()
	cs, err := c.st.FindComments(context.Background(), store.CommentFilter{ArticleID: c.article.ID})
	if err != nil {
		c.t.Fatal(err)
	}
	return cs
}

func parse(t *testing.T, rec *httptest.ResponseRecorder) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(rec.Body.String()))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestAntispam_FormCarriesAHiddenHoneypotAndADatedKey(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct{ name, path string }{
		{"shared copy", view.ArticlePath(f.article.Slug)},
		{"personal copy", view.ArticlePath(f.article.Slug) + "?replytocom=1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page := f.newReader().get(tc.path)
			hp := find(page.doc, byClass("hp"))
			if hp == nil {
				t.Fatal("no element of class hp")
			}
			if attr(hp, "aria-hidden") != "true" {
				t.Error("the honeypot is not aria-hidden")
			}
			in := find(hp, func(n *html.Node) bool { return n.Data == "input" && attr(n, "name") == "website2" })
			if in == nil {
				t.Fatal("no website2 input inside the honeypot")
			}
			if attr(in, "tabindex") != "-1" || attr(in, "autocomplete") != "off" || attr(in, "value") != "" {
				t.Errorf("honeypot input tabindex=%q autocomplete=%q value=%q", attr(in, "tabindex"), attr(in, "autocomplete"), attr(in, "value"))
			}
			if l := find(hp, func(n *html.Node) bool { return n.Data == "label" }); l == nil || !strings.Contains(strings.ToLower(text(l)), "empty") {
				t.Error("the honeypot has no label telling people to leave it empty")
			}
			key := inputValue(page.doc, "key")
			if issued := keyTime(t, key); time.Since(issued).Abs() > time.Minute {
				t.Errorf("key %q issued at %v, want now", key, issued)
			}
		})
	}
	a, b := f.newReader().get(view.ArticlePath(f.article.Slug)), f.newReader().get(view.ArticlePath(f.article.Slug))
	if inputValue(a.doc, "key") == inputValue(b.doc, "key") {
		t.Error("two readers of the shared copy got the same key")
	}
}

func TestAntispam_FilledHoneypotIsRefusedAndTheTextKept(t *testing.T) {
	f := newFixture(t)
	r := f.newReader()
	path := view.ArticlePath(f.article.Slug) + "/comments"
	form := r.commentForm(f.article, "Written by a person whose browser filled every field.")
	form.Set("website2", "https://spam.example")
	got := r.post(path, form)
	if got.status != 422 {
		t.Fatalf("status = %d, want 422", got.status)
	}
	if n := find(got.doc, byClass("error")); n == nil || !strings.Contains(text(n), "not posted") {
		t.Error("no message saying the comment was not posted")
	}
	if v := inputValue(got.doc, "comment"); v != form.Get("comment") {
		t.Errorf("comment text = %q, want the reader's", v)
	}
	if inputValue(got.doc, "key") != form.Get("key") {
		t.Error("the key changed")
	}
	if v := inputValue(got.doc, "website2"); v != "" {
		t.Errorf("the honeypot came back filled: %q", v)
	}
	if cs, _ := f.st.FindComments(context.Background(), store.CommentFilter{ArticleID: f.article.ID}); len(cs) != 0 {
		t.Fatalf("%d comments stored, want none", len(cs))
	}

	form.Del("website2")
	if got := r.post(path, form); got.status != 303 {
		t.Fatalf("resubmitted without the honeypot: status = %d, want 303", got.status)
	}
}

func TestAntispam_FormKeyTime(t *testing.T) {
	c := newClockedSite(t)
	now := c.clock.Now()
	tests := []struct {
		name   string
		key    string
		status int
	}{
		{"issued ten seconds ago", keyAt(now.Add(-10 * time.Second)), 303},
		{"issued 23 hours ago", keyAt(now.Add(-23 * time.Hour)), 303},
		{"issued 30 seconds ahead (clock skew)", keyAt(now.Add(30 * time.Second)), 303},
		{"issued 25 hours ago", keyAt(now.Add(-25 * time.Hour)), 422},
		{"issued 2 minutes ahead", keyAt(now.Add(2 * time.Minute)), 422},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := c.form("reader"+strconv.Itoa(i)+"@example.org", "Comment number "+strconv.Itoa(i))
			form.Set("key", tt.key)
			// A separate address each, so the rate limits stay out of it.
			got := c.post("198.51.100."+strconv.Itoa(10+i)+":4000", form)
			if got.Code != tt.status {
				t.Fatalf("status = %d, want %d", got.Code, tt.status)
			}
			if tt.status != 422 {
				return
			}
			doc := parse(t, got)
			if n := find(doc, byClass("error")); n == nil || !strings.Contains(text(n), "out of date") {
				t.Error("no message saying the form is out of date")
			}
			if v := inputValue(doc, "comment"); v != form.Get("comment") {
				t.Errorf("comment text = %q, want the reader's", v)
			}
			if key := inputValue(doc, "key"); key == tt.key || time.Since(keyTime(t, key)).Abs() > time.Minute {
				t.Errorf("key %q sent back, want a fresh one", key)
			}
		})
	}
	if got, want := len(c.comments()), 3; got != want {
		t.Errorf("%d comments stored, want %d", got, want)
	}

	t.Run("a form posted within seconds is sent back, then accepted", func(t *testing.T) {
		const addr = "198.51.100.40:4000"
		form := c.form("quick@example.org", "Posted the moment the page appeared.")
		form.Set("key", keyAt(c.clock.Now()))
		got := c.post(addr, form)
		if got.Code != 422 {
			t.Fatalf("status = %d, want 422", got.Code)
		}
		doc := parse(t, got)
		if n := find(doc, byClass("error")); n == nil || !strings.Contains(text(n), "quick") {
			t.Error("no message saying the post was too quick")
		}
		if v := inputValue(doc, "comment"); v != form.Get("comment") {
			t.Errorf("comment text = %q, want the reader's", v)
		}
		if key := inputValue(doc, "key"); key != form.Get("key") {
			t.Error("the key changed: posting again would not pass")
		}
		c.clock.Advance(5 * time.Second)
		if got := c.post(addr, form); got.Code != 303 {
			t.Errorf("the same form a moment later: status %d, want 303", got.Code)
		}
	})

	t.Run("an undated key holds even a trusted commenter's comment", func(t *testing.T) {
		const addr = "198.51.100.50:4000"
		first := c.post(addr, c.form("trusted@example.org", "My first comment."))
		var cookie *http.Cookie
		for _, ck := range first.Result().Cookies() {
			if ck.Name == "qalam_commenter" {
				cookie = ck
			}
		}
		if first.Code != 303 || cookie == nil {
			t.Fatalf("first comment: status %d, commenter cookie %v", first.Code, cookie)
		}
		cs := c.comments()
		if _, err := c.st.SetCommentStatus(context.Background(), cs[len(cs)-1].ID, qalam.Approved); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			key  string
			want qalam.CommentStatus
		}{
			{keyAt(c.clock.Now().Add(-10 * time.Second)), qalam.Approved},
			{"hand-made-key", qalam.Pending},
			{strings.Repeat("A", 26), qalam.Pending}, // "dated" 1970: not a dated key
		} {
			form := c.form("trusted@example.org", "Another comment with key "+tc.key)
			form.Set("key", tc.key)
			req := c.post(addr, form, "Cookie", cookie.Name+"="+cookie.Value)
			if req.Code != 303 {
				t.Fatalf("key %q: status = %d, want 303", tc.key, req.Code)
			}
			cs := c.comments()
			if got := cs[len(cs)-1]; got.Status != tc.want {
				t.Errorf("key %q: comment is %s, want %s", tc.key, got.Status, tc.want)
			}
		}
	})
}

func TestAntispam_ForgedForwardedForDoesNotDodgeTheLimit(t *testing.T) {
	c := newClockedSite(t)
	var statuses []int
	for i := range 10 {
		form := c.form("bot"+strconv.Itoa(i)+"@example.org", "Buy now, offer "+strconv.Itoa(i))
		got := c.post("203.0.113.7:5000", form, "X-Forwarded-For", "10.0.0."+strconv.Itoa(i))
		statuses = append(statuses, got.Code)
		if got.Code == 429 && got.Header().Get("Retry-After") == "" {
			t.Error("a 429 without Retry-After")
		}
		c.clock.Advance(time.Second)
	}
	want := []int{303, 303, 303, 303, 303, 429, 429, 429, 429, 429}
	if !slices.Equal(statuses, want) {
		t.Errorf("statuses = %v, want %v", statuses, want)
	}
	if n := len(c.comments()); n != 5 {
		t.Errorf("%d comments stored, want 5", n)
	}
	if got := c.post("198.51.100.9:5000", c.form("reader@example.org", "A reader elsewhere.")); got.Code != 303 {
		t.Errorf("a reader on another address: status = %d, want 303", got.Code)
	}
}

func TestAntispam_RateLimits(t *testing.T) {
	t.Run("one email from many addresses: 5 a minute", func(t *testing.T) {
		c := newClockedSite(t)
		for i := range 6 {
			email := "Roving@Example.org"
			if i%2 == 1 {
				email = "roving@example.org" // the same address in another case
			}
			got := c.post("198.51.100."+strconv.Itoa(i+1)+":4000", c.form(email, "Post "+strconv.Itoa(i)))
			if want := map[bool]int{true: 303, false: 429}[i < 5]; got.Code != want {
				t.Fatalf("post %d: status = %d, want %d", i+1, got.Code, want)
			}
		}
		c.clock.Advance(time.Minute)
		if got := c.post("198.51.100.99:4000", c.form("roving@example.org", "A minute later.")); got.Code != 303 {
			t.Errorf("a minute later: status = %d, want 303", got.Code)
		}
	})
	t.Run("one address: 30 an hour", func(t *testing.T) {
		c := newClockedSite(t)
		const addr = "[2001:db8::1]:4000"
		for i := range 30 {
			if i > 0 && i%5 == 0 {
				c.clock.Advance(time.Minute)
			}
			// Another host of the same /64 is the same reader.
			remote := addr
			if i%2 == 1 {
				remote = "[2001:db8::beef]:4000"
			}
			if got := c.post(remote, c.form("r"+strconv.Itoa(i)+"@example.org", "Post "+strconv.Itoa(i))); got.Code != 303 {
				t.Fatalf("post %d: status = %d, want 303", i+1, got.Code)
			}
		}
		c.clock.Advance(time.Minute)
		got := c.post(addr, c.form("late@example.org", "The 31st."))
		if got.Code != 429 {
			t.Fatalf("31st post in the hour: status = %d, want 429", got.Code)
		}
		if !strings.Contains(got.Body.String(), "You are posting too fast") {
			t.Error("the 429 page does not say why")
		}
		c.clock.Advance(time.Hour)
		if got := c.post(addr, c.form("late@example.org", "An hour later.")); got.Code != 303 {
			t.Errorf("an hour later: status = %d, want 303", got.Code)
		}
	})
}

func TestAntispam_DuplicateComment(t *testing.T) {
	c := newClockedSite(t)
	const addr = "198.51.100.7:4000"
	first := c.form("sana@example.pk", "The water board should publish its schedule.")
	got := c.post(addr, first)
	if got.Code != 303 {
		t.Fatalf("first post: status = %d, want 303", got.Code)
	}
	location := got.Header().Get("Location")

	t.Run("a retry with the same key still succeeds", func(t *testing.T) {
		c.clock.Advance(time.Second)
		got := c.post(addr, first)
		if got.Code != 303 || got.Header().Get("Location") != location {
			t.Errorf("retry: status %d to %q, want 303 to %q", got.Code, got.Header().Get("Location"), location)
		}
	})
	for _, tt := range []struct {
		name        string
		addr, email string
		body        string
		advance     time.Duration
		status      int
	}{
		{"same text, other case and spaces, same email and address", addr, "sana@example.pk", "  THE WATER BOARD should publish its schedule. ", 0, 422},
		{"same text, same email, another address", "203.0.113.50:4000", "Sana@Example.pk", "The water board should publish its schedule.", 0, 422},
		{"same text, same address, another email", addr, "other@example.pk", "The water board should publish its schedule.", 0, 422},
		{"same text from someone else", "203.0.113.60:4000", "amir@example.pk", "The water board should publish its schedule.", 0, 303},
		{"new text", addr, "sana@example.pk", "And it should say when.", 0, 303},
		{"same text a day later", addr, "sana@example.pk", "The water board should publish its schedule.", 24*time.Hour + time.Minute, 303},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c.clock.Advance(tt.advance + time.Second)
			form := c.form(tt.email, tt.body)
			got := c.post(tt.addr, form)
			if got.Code != tt.status {
				t.Fatalf("status = %d, want %d", got.Code, tt.status)
			}
			if tt.status != 422 {
				return
			}
			doc := parse(t, got)
			if n := find(doc, byClass("error")); n == nil || !strings.Contains(text(n), "You have already posted this comment.") {
				t.Error("no message saying the comment was already posted")
			}
			if v := inputValue(doc, "comment"); v != form.Get("comment") {
				t.Errorf("comment text = %q, want the reader's", v)
			}
		})
	}
	if n := len(c.comments()); n != 4 {
		t.Errorf("%d comments stored, want 4", n)
	}
}

// TestAntispam_Flood: one address posts 1,000 comments in a minute.
func TestAntispam_Flood(t *testing.T) {
	c := newClockedSite(t)
	const posts = 1000
	stored, refused := 0, 0
	for i := range posts {
		form := c.form("bot"+strconv.Itoa(i)+"@example.org", "Flood message number "+strconv.Itoa(i))
		switch got := c.post("203.0.113.66:6000", form); got.Code {
		case 303:
			stored++
		case 429:
			refused++
		default:
			t.Fatalf("post %d: status %d", i+1, got.Code)
		}
		c.clock.Advance(60 * time.Millisecond)
	}
	t.Logf("flood of %d posts from one address in %v: %d stored, %d refused with 429", posts, posts*60*time.Millisecond, stored, refused)
	if stored > 5 || stored+refused != posts {
		t.Errorf("%d stored and %d refused, want at most 5 stored and the rest refused", stored, refused)
	}
	cs := c.comments()
	if len(cs) != stored {
		t.Errorf("%d comments in the store, want %d", len(cs), stored)
	}
	for _, cm := range cs {
		if cm.Status != qalam.Pending {
			t.Errorf("comment %d is %s, want pending (a first-time commenter)", cm.ID, cm.Status)
		}
	}
	if got := c.post("198.51.100.77:6000", c.form("reader@example.org", "Meanwhile, a reader.")); got.Code != 303 {
		t.Errorf("a second address: status = %d, want 303", got.Code)
	}
}
