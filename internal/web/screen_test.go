package web_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/moderation"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
	"github.com/qalamnews/qalam/internal/view"
	"github.com/qalamnews/qalam/internal/web"
)

// screenSite is the public site on a test clock with its page cache live
// (wired to the change feed as the program wires it), driven through its
// handler so each request can come from any address.
type screenSite struct {
	t       *testing.T
	st      *store.Store
	clock   *storetest.Clock
	handler http.Handler
	article *qalam.Article
	mod     *qalam.User
}

// screenOptions change how newScreenSite builds the site.
type screenOptions struct {
	classifier moderation.Classifier
	// store wraps the store the site sees (to make lookups fail).
	store func(*store.Store) web.Store
}

func newScreenSite(t *testing.T, opts screenOptions) *screenSite {
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
	var seen web.Store = st
	if opts.store != nil {
		seen = opts.store(st)
	}
	site := web.New(seen, engine, web.Options{
		SiteName:   "The Test Gazette",
		BaseURL:    "http://gazette.test",
		Secret:     []byte("0123456789abcdef0123456789abcdef"),
		Now:        clock.Now,
		Classifier: opts.classifier,
		Log:        slog.New(slog.DiscardHandler), // screening failures are logged; the tests look at the comments
	})
	followChanges(t, st, site)
	return &screenSite{t: t, st: st, clock: clock, handler: site.Routes(), article: storetest.Article(t, st),
		mod: storetest.User(t, st)}
}

// setPolicy sets a policy as a moderator would.
func (s *screenSite) setPolicy(scope store.PolicyScope, id int64, o moderation.Override) {
	s.t.Helper()
	if err := s.st.SetDiscussionPolicy(context.Background(), &store.DiscussionPolicy{Scope: scope, TargetID: id, Override: o}, s.mod.ID, "test"); err != nil {
		s.t.Fatal(err)
	}
}

// postModerated makes the site's discussions publish at once, so that
// only the rule under test holds anything.
func (s *screenSite) postModerated() {
	s.setPolicy(store.SiteScope, 0, moderation.Override{Mode: moderation.PostModerate})
}

// comment returns the stored comment id.
func (s *screenSite) comment(id int64) *qalam.Comment {
	s.t.Helper()
	c, err := s.st.Comment(context.Background(), id)
	if err != nil {
		s.t.Fatal(err)
	}
	return c
}

// browser is one reader's browser: an address and the cookies the site set.
type browser struct {
	s       *screenSite
	remote  string
	cookies map[string]*http.Cookie
}

func (s *screenSite) browser(remote string) *browser {
	return &browser{s: s, remote: remote, cookies: map[string]*http.Cookie{}}
}

// do sends a request with the browser's cookies and the headers given in
// pairs, and keeps the cookies the answer sets.
func (b *browser) do(method, path string, form url.Values, header ...string) *httptest.ResponseRecorder {
	b.s.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	req.RemoteAddr = b.remote
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	for _, c := range b.cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	rec := httptest.NewRecorder()
	b.s.handler.ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		if c.MaxAge < 0 {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c
		}
	}
	return rec
}

// post sends a comment on a as name <email>, from a form shown ten
// seconds ago.
func (b *browser) post(a *qalam.Article, name, email, body string, header ...string) *httptest.ResponseRecorder {
	b.s.t.Helper()
	form := url.Values{"key": {keyAt(b.s.clock.Now().Add(-10 * time.Second))}, "name": {name}, "email": {email}, "comment": {body}}
	return b.do("POST", view.ArticlePath(a.Slug)+"/comments", form, header...)
}

// posted returns the comment a post's redirect names, and whether the
// redirect is the answer to a held comment.
func (b *browser) posted(rec *httptest.ResponseRecorder) (c *qalam.Comment, held bool) {
	b.s.t.Helper()
	if rec.Code != http.StatusSeeOther {
		b.s.t.Fatalf("post: status %d, want 303; body:\n%.2000s", rec.Code, rec.Body.String())
	}
	u, err := url.Parse(rec.Header().Get("Location"))
	if err != nil {
		b.s.t.Fatal(err)
	}
	q := u.Query()
	id, held := q.Get("held"), q.Has("held")
	if !held {
		id = q.Get("comment")
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		b.s.t.Fatalf("the redirect %q names no comment", u)
	}
	return b.s.comment(n), held
}

// page fetches and parses a page.
func (b *browser) page(path string) (*httptest.ResponseRecorder, *html.Node) {
	b.s.t.Helper()
	rec := b.do("GET", path, nil)
	return rec, parse(b.s.t, rec)
}

// screened returns the audit entries screening recorded for comment id.
func (s *screenSite) screened(id int64) []*store.AuditEntry {
	s.t.Helper()
	entries, _, err := s.st.FindAudit(context.Background(), store.AuditFilter{Action: store.ActionScreened})
	if err != nil {
		s.t.Fatal(err)
	}
	var out []*store.AuditEntry
	for _, e := range entries {
		if e.TargetID == id {
			out = append(out, e)
		}
	}
	return out
}

// fixedClassifier answers every comment with one verdict.
type fixedClassifier struct {
	spam    bool
	logOdds float64
}

func (c fixedClassifier) Classify(moderation.Input) (bool, float64) { return c.spam, c.logOdds }

func TestScreening_EachRuleHoldsOrRejectsWithItsReason(t *testing.T) {
	linksNone := 0
	tests := []struct {
		name       string
		classifier moderation.Classifier
		// setup prepares the site and returns the reason to expect when
		// it depends on what it made ("" keeps reason).
		setup  func(t *testing.T, s *screenSite) string
		email  string
		body   string
		status qalam.CommentStatus
		reason string
	}{
		{
			name:   "a first-time commenter is held (the default policy)",
			setup:  func(*testing.T, *screenSite) string { return "" },
			body:   "A first comment.",
			status: qalam.Pending,
			reason: "first-time commenter",
		},
		{
			name:   "a clean comment in a post-moderated discussion is published",
			setup:  func(t *testing.T, s *screenSite) string { s.postModerated(); return "" },
			body:   "The bridge is still closed near the school.",
			status: qalam.Approved,
		},
		{
			name: "more links than the discussion allows are held",
			setup: func(t *testing.T, s *screenSite) string {
				s.setPolicy(store.SiteScope, 0, moderation.Override{Mode: moderation.PostModerate, MaxLinks: &linksNone})
				return ""
			},
			body:   "Sources: https://council.example/minutes and [the report](https://water.example/report).",
			status: qalam.Pending,
			reason: "2 links; this discussion allows 0",
		},
		{
			name: "a term of the hold list is held",
			setup: func(t *testing.T, s *screenSite) string {
				s.postModerated()
				must(t, s.st.SetWordLists(context.Background(), []string{"glimcoin"}, []string{"zorbix"}, s.mod.ID, ""))
				return ""
			},
			body:   "Everyone should buy GLIMCOIN today.",
			status: qalam.Pending,
			reason: `word list: "glimcoin" (hold for review)`,
		},
		{
			name: "a term of the reject list is kept as spam",
			setup: func(t *testing.T, s *screenSite) string {
				s.postModerated()
				must(t, s.st.SetWordLists(context.Background(), []string{"glimcoin"}, []string{"zorbix"}, s.mod.ID, ""))
				return ""
			},
			body:   "Cheap z0rbix here.",
			status: qalam.Spam,
			reason: `word list: "zorbix" (reject as spam)`,
		},
		{
			name: "a banned email is kept as spam",
			setup: func(t *testing.T, s *screenSite) string {
				s.postModerated()
				b := &store.Ban{Email: "Banned@Example.org", Reason: "threats", UserID: s.mod.ID}
				must(t, s.st.CreateBan(context.Background(), b, 0))
				return "banned: ban " + strconv.FormatInt(b.ID, 10) + " on email (threats)"
			},
			email:  "banned@example.org",
			body:   "I am back.",
			status: qalam.Spam,
		},
		{
			name: "a banned name is kept as spam, whatever its letter forms",
			setup: func(t *testing.T, s *screenSite) string {
				s.postModerated()
				b := &store.Ban{Name: "کاشف علی", Reason: "impersonation", UserID: s.mod.ID}
				must(t, s.st.CreateBan(context.Background(), b, 0))
				return "banned: ban " + strconv.FormatInt(b.ID, 10) + " on name (impersonation)"
			},
			body:   "Hello.",
			status: qalam.Spam,
		},
		{
			name: "a commenter with a high recent rejection rate is held",
			setup: func(t *testing.T, s *screenSite) string {
				s.postModerated()
				for _, st := range []qalam.CommentStatus{qalam.Approved, qalam.Spam, qalam.Spam} {
					storetest.Comment(t, s.st, s.article.ID, func(c *qalam.Comment) { c.AuthorEmail, c.Status = "returning@example.org", st })
				}
				return ""
			},
			email:  "returning@example.org",
			body:   "Another one.",
			status: qalam.Pending,
			reason: "recent rejections: 2 of 3 decided comments in 30 days",
		},
		{
			name:       "the classifier's spam verdict is kept as spam, with its log-odds",
			classifier: fixedClassifier{spam: true, logOdds: 6.5},
			setup:      func(t *testing.T, s *screenSite) string { s.postModerated(); return "" },
			body:       "Best casino bonus.",
			status:     qalam.Spam,
			reason:     "classifier: spam (log-odds 6.50)",
		},
		{
			name:       "the classifier's ham verdict publishes",
			classifier: fixedClassifier{spam: false, logOdds: -4},
			setup:      func(t *testing.T, s *screenSite) string { s.postModerated(); return "" },
			body:       "Thank you for the report.",
			status:     qalam.Approved,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newScreenSite(t, screenOptions{classifier: tt.classifier})
			if got := tt.setup(t, s); got != "" {
				tt.reason = got
			}
			email := tt.email
			if email == "" {
				email = "reader@example.org"
			}
			name := "Kashif Ali"
			if strings.Contains(tt.name, "banned name") {
				name = "كاشف  علي" // Arabic kaf and yeh, two spaces
			}
			b := s.browser("198.51.100.7:4000")
			c, held := b.posted(b.post(s.article, name, email, tt.body))
			if c.Status != tt.status || c.ModerationReason != tt.reason {
				t.Errorf("stored %s with reason %q, want %s with %q", c.Status, c.ModerationReason, tt.status, tt.reason)
			}
			if want := tt.status != qalam.Approved; held != want {
				t.Errorf("answered as held = %v, want %v (spam is answered as held)", held, want)
			}
			audit := s.screened(c.ID)
			switch {
			case tt.status == qalam.Approved && len(audit) != 0:
				t.Errorf("a published comment has screening entries: %+v", audit[0])
			case tt.status != qalam.Approved && (len(audit) != 1 || !audit[0].BySystem() || audit[0].Reason != tt.reason ||
				audit[0].Detail != "→ "+string(tt.status)):
				t.Errorf("audit = %d entries (%+v), want one by the system with the reason", len(audit), audit)
			}

			// The reader's answer: their comment in place, marked as held,
			// the same for spam as for a held comment; nothing says why.
			rec, doc := b.page(view.ArticlePath(s.article.Slug) + "?held=" + strconv.FormatInt(c.ID, 10))
			el := find(doc, byID(c.Anchor()))
			if tt.status == qalam.Approved {
				if el == nil || attr(el, "class") != "comment" {
					t.Errorf("the published comment is not on the page as published")
				}
				return
			}
			if el == nil || attr(el, "class") != "comment comment-held" || find(doc, byClass("held-notice")) == nil {
				t.Errorf("the author does not see their comment held, with the notice")
			}
			for _, leak := range []string{tt.reason, "spam", "banned", "word list", "classifier"} {
				if strings.Contains(strings.ToLower(rec.Body.String()), strings.ToLower(leak)) {
					t.Errorf("the author's page says %q", leak)
				}
			}
			if _, other := s.browser("203.0.113.50:4000").page(view.ArticlePath(s.article.Slug)); find(other, byID(c.Anchor())) != nil {
				t.Error("another reader sees the comment")
			}
		})
	}
}

func TestScreening_TaggedDiscussionsArePreModeratedCloseAfter48HoursAndAllowNoLinks(t *testing.T) {
	s := newScreenSite(t, screenOptions{})
	ctx := context.Background()
	// Everything tagged Elections is pre-moderated, closes 48 hours after
	// publication and allows no links.
	tagged := storetest.Article(t, s.st, func(a *qalam.Article) { a.TagNames = []string{"Elections", "Qalampur"} })
	untagged := s.article
	full, err := s.st.Article(ctx, tagged.ID)
	if err != nil {
		t.Fatal(err)
	}
	var tagID int64
	for _, tg := range full.Tags {
		if tg.Name == "Elections" {
			tagID = tg.ID
		}
	}
	none, twoDays := 0, 48*time.Hour
	s.setPolicy(store.TagScope, tagID, moderation.Override{Mode: moderation.PreModerate, CloseAfter: &twoDays, MaxLinks: &none})

	// A regular reader, trusted since a moderator approved their first
	// comment.
	reader := s.browser("198.51.100.20:4000")
	first, _ := reader.posted(reader.post(untagged, "Saima", "saima@example.org", "My first comment."))
	if _, err := s.st.ModerateComments(ctx, []int64{first.ID}, qalam.Approved, s.mod.ID, ""); err != nil {
		t.Fatal(err)
	}
	posts := []struct {
		name   string
		a      *qalam.Article
		body   string
		status qalam.CommentStatus
		reason string
	}{
		{"on the tagged article, held: pre-moderated", tagged, "A fair summary of the count.", qalam.Pending, "pre-moderated discussion"},
		{"on the tagged article, a link", tagged, "The results: https://results.example/qalampur", qalam.Pending,
			"1 link; this discussion allows 0; pre-moderated discussion"},
		{"elsewhere, published at once, link and all", untagged, "See https://water.example/schedule", qalam.Approved, ""},
	}
	for _, p := range posts {
		s.clock.Advance(time.Minute) // past the per-address rate limit
		c, _ := reader.posted(reader.post(p.a, "Saima", "saima@example.org", p.body))
		if c.Status != p.status || c.ModerationReason != p.reason {
			t.Errorf("%s: stored %s with %q, want %s with %q", p.name, c.Status, c.ModerationReason, p.status, p.reason)
		}
	}

	// The article page is cached while the discussion is open, and shows
	// it closed from the 48th hour on, though nothing in the database
	// changed to drop the cached copy.
	visitor := s.browser("203.0.113.9:4000")
	open := func(a *qalam.Article) (form, closed bool) {
		_, doc := visitor.page(view.ArticlePath(a.Slug))
		return find(doc, byClass("comment-form")) != nil, find(doc, byClass("closed")) != nil
	}
	s.clock.Advance(47*time.Hour - 5*time.Minute)
	for range 2 {
		if form, closed := open(tagged); !form || closed {
			t.Fatalf("at 47 hours: form %v, closed %v; want the form", form, closed)
		}
	}
	s.clock.Advance(time.Hour + 5*time.Minute)
	if form, closed := open(tagged); form || !closed {
		t.Errorf("at 48 hours: form %v, closed %v; want the discussion shown closed", form, closed)
	}
	late := reader.post(tagged, "Saima", "saima@example.org", "Too late?")
	if late.Code != http.StatusForbidden || !strings.Contains(text(parse(t, late)), "Comments are closed on this article.") {
		t.Errorf("posting at 48 hours: status %d, want 403 with the closed message", late.Code)
	}
	if form, closed := open(untagged); !form || closed {
		t.Errorf("the untagged article: form %v, closed %v; want it open", form, closed)
	}
}

func TestScreening_BannedAddressCannotDodgeWithForgedForwardedFor(t *testing.T) {
	s := newScreenSite(t, screenOptions{})
	s.postModerated()
	ctx := context.Background()
	troll := s.browser("203.0.113.7:5000")
	c, _ := troll.posted(troll.post(s.article, "Troll", "troll@example.org", "Something abusive."))
	bans, err := s.st.BanCommenters(ctx, []int64{c.ID}, 7*24*time.Hour, s.mod.ID, "abuse")
	if err != nil || len(bans) != 1 {
		t.Fatalf("ban = %v, %v", bans, err)
	}
	banned := "banned: ban " + strconv.FormatInt(bans[0].ID, 10)

	tests := []struct {
		name   string
		b      *browser
		email  string
		header []string
		status qalam.CommentStatus
		reason string
	}{
		{"a new browser and email on the banned address, a forged X-Forwarded-For",
			s.browser("203.0.113.7:6000"), "fresh@example.org", []string{"X-Forwarded-For", "198.51.100.77"},
			qalam.Spam, banned + " on address (abuse)"},
		{"the same, the forged header naming a private address",
			s.browser("203.0.113.7:6001"), "fresh2@example.org", []string{"X-Forwarded-For", "10.0.0.1, 192.168.1.9"},
			qalam.Spam, banned + " on address (abuse)"},
		{"the banned browser from another address",
			troll, "other@example.org", nil, qalam.Spam, banned + " on browser (abuse)"},
		{"the banned email from another address and browser, in capitals",
			s.browser("198.51.100.8:4000"), "TROLL@example.org", nil, qalam.Spam, banned + " on email (abuse)"},
		{"an ordinary reader elsewhere",
			s.browser("198.51.100.9:4000"), "reader@example.org", []string{"X-Forwarded-For", "203.0.113.7"}, qalam.Approved, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.clock.Advance(time.Minute)
			if tt.b == troll {
				tt.b.remote = "198.51.100.66:4000"
			}
			c, held := tt.b.posted(tt.b.post(s.article, "Someone", tt.email, "A comment at "+s.clock.Now().String(), tt.header...))
			if c.Status != tt.status || c.ModerationReason != tt.reason {
				t.Errorf("stored %s with %q, want %s with %q", c.Status, c.ModerationReason, tt.status, tt.reason)
			}
			if held != (tt.status != qalam.Approved) {
				t.Errorf("answered as held = %v", held)
			}
		})
	}
}

// failingStore is the store with one lookup screening needs broken.
type failingStore struct {
	*store.Store
	bans, record bool
}

func (f failingStore) MatchingBans(ctx context.Context, q store.BanQuery) ([]*store.Ban, error) {
	if f.bans {
		return nil, errors.New("database is locked")
	}
	return f.Store.MatchingBans(ctx, q)
}

func (f failingStore) RecentRecord(ctx context.Context, email string, commenterID int64, since time.Time) (store.CommenterRecord, error) {
	if f.record {
		return store.CommenterRecord{}, errors.New("statement timeout")
	}
	return f.Store.RecentRecord(ctx, email, commenterID, since)
}

// panickyClassifier fails the way a corrupt model would.
type panickyClassifier struct{}

func (panickyClassifier) Classify(moderation.Input) (bool, float64) { panic("model is corrupt") }

func TestScreening_AnyFailureHoldsTheComment(t *testing.T) {
	tests := []struct {
		name   string
		opts   screenOptions
		reason string
	}{
		{"the bans cannot be looked up",
			screenOptions{store: func(st *store.Store) web.Store { return failingStore{Store: st, bans: true} }},
			"screening failed: bans: database is locked"},
		{"the commenter's record cannot be looked up",
			screenOptions{store: func(st *store.Store) web.Store { return failingStore{Store: st, record: true} }},
			"screening failed: commenter's record: statement timeout"},
		{"the classifier panics",
			screenOptions{classifier: panickyClassifier{}},
			"screening failed: classifier: model is corrupt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newScreenSite(t, tt.opts)
			s.postModerated() // a clean comment would be published at once
			b := s.browser("198.51.100.7:4000")
			c, held := b.posted(b.post(s.article, "Farah Naz", "farah@example.org", "The bridge is still closed."))
			if c.Status != qalam.Pending || c.ModerationReason != tt.reason || !held {
				t.Errorf("stored %s with %q (answered as held: %v), want held with %q", c.Status, c.ModerationReason, held, tt.reason)
			}
		})
	}
}

func TestScreening_UrduTextIsMatchedFoldedAndKeptAsTyped(t *testing.T) {
	s := newScreenSite(t, screenOptions{})
	s.postModerated()
	must(t, s.st.SetWordLists(context.Background(), []string{"کتا"}, []string{"دھوکہ"}, s.mod.ID, ""))
	tests := []struct {
		name   string
		body   string
		status qalam.CommentStatus
	}{
		// Arabic kaf for keheh, a zero-width non-joiner and a diacritic
		// inside the listed word: caught, and stored as typed.
		{"an evasion of a hold term", "یہ كُ\u200cتا ہے۔", qalam.Pending},
		{"an evasion of a reject term with Arabic heh", "سب دهوكه ہے", qalam.Spam},
		{"an ordinary word containing a listed term", "یہ کتاب\u200c اچھی ہے۔", qalam.Approved},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := s.browser("198.51.100." + strconv.Itoa(10+i) + ":4000")
			c, _ := b.posted(b.post(s.article, "نور", "noor"+strconv.Itoa(i)+"@example.org", tt.body))
			if c.Status != tt.status {
				t.Errorf("stored %s (%q), want %s", c.Status, c.ModerationReason, tt.status)
			}
			if c.Body != tt.body {
				t.Errorf("stored body %+q, want exactly what was typed, %+q", c.Body, tt.body)
			}
			_, doc := b.page(view.ArticlePath(s.article.Slug) + "?held=" + strconv.FormatInt(c.ID, 10))
			body := find(find(doc, byID(c.Anchor())), byClass("comment-body"))
			if got := text(body); got != tt.body {
				t.Errorf("shown %+q, want %+q", got, tt.body)
			}
		})
	}
}
