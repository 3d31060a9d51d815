package admin

// The newsroom's shared test fixture: a real store (SQLite, or PostgreSQL
// when QALAM_TEST_POSTGRES_URL is set), real sessions (package auth), a
// real media library in a temporary folder, and the router behind the
// server's middleware (so CSRF protection is real) on an HTTPS test server.
// One clock drives the store, the sessions and the newsroom, so tests can
// make TOTP codes and move time.

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"
	"golang.org/x/net/html"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/auth"
	"github.com/qalamnews/qalam/internal/media"
	"github.com/qalamnews/qalam/internal/server"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
	"github.com/qalamnews/qalam/internal/view"
)

// fixturePassword is every fixture user's password.
const fixturePassword = "correct horse battery staple"

// fixtureHash is fixturePassword's argon2id hash at the lowest cost the
// format allows (8 KiB, one pass). auth.CheckPassword takes the cost from
// the stored hash, so signing in checks the password exactly as it does in
// production, in a millisecond instead of tens: the role matrix signs in
// hundreds of times. Hashing at the production cost is auth's tests' care.
func fixtureHash() string {
	salt := []byte("qalam-test-salt!")
	key := argon2.IDKey([]byte(fixturePassword), salt, 1, 8, 1, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=8,t=1,p=1$%s$%s", argon2.Version, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// fixture is a running newsroom with one staff member per role.
type fixture struct {
	st       *store.Store
	admin    *Admin
	srv      *httptest.Server
	sessions *auth.Sessions
	// lib is the media library the newsroom stores uploads in (a
	// *media.Library over a temporary folder unless withMedia said else).
	lib   Media
	clock *fixtureClock
	// users holds one staff member per role, each with the password
	// fixturePassword, and authors the author profile linked to each.
	users   map[qalam.Role]*qalam.User
	authors map[qalam.Role]*qalam.Author
}

// fixtureClock is a settable clock, shared by the store, the sessions and
// the newsroom.
type fixtureClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fixtureClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// advance moves the clock forward by d.
func (c *fixtureClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fixtureOption changes how newFixture builds the newsroom.
type fixtureOption func(*fixtureConfig)

type fixtureConfig struct {
	lib    Media
	hasLib bool
}

// withMedia makes the newsroom use lib (nil: none) instead of a media
// library over a temporary folder.
func withMedia(lib Media) fixtureOption {
	return func(c *fixtureConfig) { c.lib, c.hasLib = lib, true }
}

// newFixture starts a newsroom for t; everything is closed when t ends.
func newFixture(t testing.TB, opts ...fixtureOption) *fixture {
	t.Helper()
	var cfg fixtureConfig
	for _, o := range opts {
		o(&cfg)
	}
	clock := &fixtureClock{t: time.Now().UTC().Truncate(time.Second)}
	dsn := ""
	if os.Getenv(storetest.EnvPostgresURL) != "" {
		dsn = storetest.PostgresURL(t)
	} else {
		dsn = storetest.SQLitePath(t)
	}
	st := storetest.OpenDSN(t, dsn, store.Options{Now: clock.now})
	sessions := auth.NewSessions(st, auth.Options{Secure: true, Now: clock.now})
	engine, err := view.New(view.Options{})
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	lib := cfg.lib
	if !cfg.hasLib {
		l, err := media.New(media.Options{Dir: t.TempDir()})
		if err != nil {
			t.Fatalf("fixture: %v", err)
		}
		t.Cleanup(func() { l.Close() })
		lib = l
	}
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	a := New(st, sessions, lib, engine, Options{
		SiteName: "Qalam Test",
		BaseURL:  "https://news.example",
		// Every test client comes from 127.0.0.1: one client key, as one
		// browser's would be, whatever port each connection uses.
		ClientKey: func(r *http.Request) string {
			host, _, _ := net.SplitHostPort(r.RemoteAddr)
			return host
		},
		Log: log,
		Now: clock.now,
	})
	srv := httptest.NewTLSServer(server.Wrap(a.Routes(), log, server.Options{}))
	t.Cleanup(srv.Close)

	hash := fixtureHash()
	f := &fixture{st: st, admin: a, srv: srv, sessions: sessions, lib: lib, clock: clock,
		users: map[qalam.Role]*qalam.User{}, authors: map[qalam.Role]*qalam.Author{}}
	for _, role := range qalam.Roles {
		u := storetest.User(t, st, func(u *qalam.User) {
			u.Email = string(role) + "@example.com"
			u.Name = "The " + string(role)
			u.Role = role
			u.PasswordHash = hash
		})
		f.users[role] = u
		f.authors[role] = storetest.Author(t, st, func(au *qalam.Author) {
			au.Name = u.Name
			au.UserID = u.ID
		})
	}
	return f
}

// url is the test server's address of path.
func (f *fixture) url(path string) string { return f.srv.URL + path }

// anonymous returns a client with its own cookie jar that does not follow
// redirects and, like a browser on the newsroom's own pages, says its
// requests are same-origin (unless the request says otherwise).
func (f *fixture) anonymous() *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		panic(err) // cookiejar.New never fails without options
	}
	return &http.Client{
		Jar:           jar,
		Transport:     sameOrigin{base: f.srv.Client().Transport, origin: f.srv.URL},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       30 * time.Second,
	}
}

// client returns a client signed in as the fixture's user of role.
func (f *fixture) client(t testing.TB, role qalam.Role) *http.Client {
	t.Helper()
	u := f.users[role]
	if u == nil {
		t.Fatalf("fixture: no user with role %q", role)
	}
	return f.signedIn(t, u.Email, fixturePassword)
}

// signedIn returns a new client signed in with email and password; the
// sign-in must succeed without a second factor.
func (f *fixture) signedIn(t testing.TB, email, password string) *http.Client {
	t.Helper()
	c := f.anonymous()
	resp := f.post(t, c, "/admin/login", url.Values{"email": {email}, "password": {password}})
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin" {
		t.Fatalf("fixture: sign in as %s: status %d, location %q", email, resp.StatusCode, resp.Header.Get("Location"))
	}
	return c
}

// sameOrigin marks requests as a browser marks those a page sends to its
// own site, so the cross-origin protection lets them through as it would.
type sameOrigin struct {
	base   http.RoundTripper
	origin string
}

func (s sameOrigin) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Header.Get("Sec-Fetch-Site") == "" && r.Header.Get("Origin") == "" {
		r = r.Clone(r.Context())
		r.Header.Set("Sec-Fetch-Site", "same-origin")
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			r.Header.Set("Origin", s.origin)
		}
	}
	return s.base.RoundTrip(r)
}

// get fetches path with c.
func (f *fixture) get(t testing.TB, c *http.Client, path string) *http.Response {
	t.Helper()
	resp, err := c.Get(f.url(path))
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return resp
}

// post sends form to path with c, urlencoded.
func (f *fixture) post(t testing.TB, c *http.Client, path string, form url.Values) *http.Response {
	t.Helper()
	resp, err := c.PostForm(f.url(path), form)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	return resp
}

// page reads and parses an HTML response, closing its body.
func (f *fixture) page(t testing.TB, resp *http.Response) *html.Node {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", resp.Request.URL.Path, err)
	}
	doc, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("parse %s: %v", resp.Request.URL.Path, err)
	}
	return doc
}

// article stores an article by the author profile of role (or, for role
// "", by a new author of nobody's) in status, with edit's changes.
func (f *fixture) article(t testing.TB, role qalam.Role, status qalam.ArticleStatus, edit ...func(*qalam.Article)) *qalam.Article {
	t.Helper()
	return storetest.Article(t, f.st, func(a *qalam.Article) {
		a.Status = status
		if status == qalam.Scheduled {
			a.ScheduledAt = f.clock.now().Add(24 * time.Hour)
		}
		if au := f.authors[role]; au != nil {
			a.AuthorIDs = []int64{au.ID}
		}
		for _, e := range edit {
			e(a)
		}
	})
}

// upload stores a small PNG in the library as uploaded by u, or only its
// record when the fixture has no library.
func (f *fixture) upload(t testing.TB, u *qalam.User) *qalam.Media {
	t.Helper()
	ctx := context.Background()
	m := &qalam.Media{Name: "fixture.png", ContentType: "image/png", Width: 4, Height: 4, Bytes: 100}
	if f.lib != nil {
		img := image.NewNRGBA(image.Rect(0, 0, 4, 4))
		img.Set(1, 1, color.NRGBA{R: 200, A: 255})
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			t.Fatal(err)
		}
		stored, err := f.lib.Store(ctx, &buf)
		if err != nil {
			t.Fatalf("fixture: store image: %v", err)
		}
		m = stored
	}
	m.Alt, m.UserID = "A red dot", u.ID
	if err := f.st.CreateMedia(ctx, m); err != nil {
		t.Fatalf("fixture: %v", err)
	}
	return m
}

// wantRedirect fails the test unless resp is a 303 to location; it closes
// the body.
func (f *fixture) wantRedirect(t testing.TB, resp *http.Response, location string) {
	t.Helper()
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != location {
		t.Fatalf("%s %s: status %d, location %q; want 303 to %q", resp.Request.Method, resp.Request.URL.Path,
			resp.StatusCode, resp.Header.Get("Location"), location)
	}
}

// wantPage fails the test unless resp has status, and returns the parsed page.
func (f *fixture) wantPage(t testing.TB, resp *http.Response, status int) *html.Node {
	t.Helper()
	doc := f.page(t, resp)
	if resp.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d; page says %q", resp.Request.Method, resp.Request.URL.Path,
			resp.StatusCode, status, fxText(fxByTag(doc, "main")[0]))
	}
	return doc
}

// fxNotice is the text of the page's first notice of kind "ok" or "error".
func fxNotice(doc *html.Node, kind string) string {
	for _, n := range fxByClass(doc, "notice") {
		if fxHasClass(n, kind) {
			return fxText(n)
		}
	}
	return ""
}

// fxFieldError is the message shown under the control named name.
func fxFieldError(doc *html.Node, name string) string {
	in := fxInput(doc, name)
	if in == nil {
		return ""
	}
	for _, id := range strings.Fields(fxAttr(in, "aria-describedby")) {
		for _, n := range fxFind(doc, func(n *html.Node) bool { return fxAttr(n, "id") == id }) {
			if fxHasClass(n, "field-error") {
				return fxText(n)
			}
		}
	}
	return ""
}

// fxHasAttr reports whether n has the attribute key.
func fxHasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

// Helpers for reading parsed pages.

// fxFind returns the elements of doc for which match is true, in order.
func fxFind(doc *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	for n := range doc.Descendants() {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
	}
	return out
}

// fxAttr is n's attribute key, or "".
func fxAttr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// fxText is the text inside n, with runs of space made single.
func fxText(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// fxHasClass reports whether n has the class c.
func fxHasClass(n *html.Node, c string) bool {
	return n.Type == html.ElementNode && strings.Contains(" "+fxAttr(n, "class")+" ", " "+c+" ")
}

// fxByClass returns the elements with class c.
func fxByClass(doc *html.Node, c string) []*html.Node {
	return fxFind(doc, func(n *html.Node) bool { return fxHasClass(n, c) })
}

// fxByTag returns the elements named tag.
func fxByTag(doc *html.Node, tag string) []*html.Node {
	return fxFind(doc, func(n *html.Node) bool { return n.Data == tag })
}

// fxInput returns the form control named name, or nil.
func fxInput(doc *html.Node, name string) *html.Node {
	found := fxFind(doc, func(n *html.Node) bool {
		return (n.Data == "input" || n.Data == "select" || n.Data == "textarea") && fxAttr(n, "name") == name
	})
	if len(found) == 0 {
		return nil
	}
	return found[0]
}
