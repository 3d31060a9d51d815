package admin

import (
	"context"
	"crypto/rand"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/storetest"
)

// The role matrix: every route of the table, for every role and for a
// signed-out visitor, against objects of the kinds the route is about,
// gets what the policy (qalam.Can) says. Routes added to the table are
// covered without touching this file, as long as their objects are of a
// kind known here (matrixKinds); a route about an unknown kind fails.

// matrixObject makes a fresh object for one request (so a request that
// deletes or changes it cannot sway the next) and says what the policy is
// told about it for the role asking.
type matrixObject struct {
	name string
	make func(t *testing.T, f *fixture, role qalam.Role) (id int64, target qalam.Target)
}

// matrixKinds maps a route's path prefix to the objects its {id} is tried
// with. The guard's target functions decide ownership as these do.
func matrixKinds() map[string][]matrixObject {
	return map[string][]matrixObject{
		"/admin/articles/": {
			{"author's own draft", func(t *testing.T, f *fixture, role qalam.Role) (int64, qalam.Target) {
				a := f.article(t, qalam.RoleAuthor, qalam.Draft)
				return a.ID, qalam.Target{Own: role == qalam.RoleAuthor, Status: qalam.Draft}
			}},
			{"nobody's published", func(t *testing.T, f *fixture, role qalam.Role) (int64, qalam.Target) {
				a := f.article(t, "", qalam.Published)
				return a.ID, qalam.Target{Status: qalam.Published}
			}},
		},
		"/admin/authors/": {
			{"own profile", func(t *testing.T, f *fixture, role qalam.Role) (int64, qalam.Target) {
				return f.authors[role].ID, qalam.Target{Own: true}
			}},
			{"another's profile", func(t *testing.T, f *fixture, role qalam.Role) (int64, qalam.Target) {
				return storetest.Author(t, f.st).ID, qalam.Target{}
			}},
		},
		"/admin/media/": {
			{"own upload", func(t *testing.T, f *fixture, role qalam.Role) (int64, qalam.Target) {
				return f.upload(t, f.users[role]).ID, qalam.Target{Own: true}
			}},
			{"another's upload", func(t *testing.T, f *fixture, role qalam.Role) (int64, qalam.Target) {
				other := qalam.RoleEditor
				if role == other {
					other = qalam.RoleAdmin
				}
				return f.upload(t, f.users[other]).ID, qalam.Target{}
			}},
		},
		// Another staff member, made for the request: the role's own account
		// is left alone so that its client stays signed in.
		"/admin/users/": {
			{"another account", func(t *testing.T, f *fixture, role qalam.Role) (int64, qalam.Target) {
				return storetest.User(t, f.st).ID, qalam.Target{}
			}},
		},
		"/admin/categories/": {
			{"a category", func(t *testing.T, f *fixture, role qalam.Role) (int64, qalam.Target) {
				return storetest.Category(t, f.st).ID, qalam.Target{}
			}},
		},
		"/admin/tags/": {
			{"a tag", func(t *testing.T, f *fixture, role qalam.Role) (int64, qalam.Target) {
				a := f.article(t, "", qalam.Published, func(a *qalam.Article) { a.TagNames = []string{"matrix " + strings.ToLower(rand.Text()[:10])} })
				art, err := f.st.Article(context.Background(), a.ID)
				if err != nil || len(art.Tags) == 0 {
					t.Fatalf("matrix: tag: %v", err)
				}
				return art.Tags[0].ID, qalam.Target{}
			}},
		},
		"/admin/comments/": {
			{"a comment", func(t *testing.T, f *fixture, role qalam.Role) (int64, qalam.Target) {
				a := f.article(t, "", qalam.Published)
				return storetest.Comment(t, f.st, a.ID, func(c *qalam.Comment) { c.Status = qalam.Pending }).ID, qalam.Target{}
			}},
		},
	}
}

// matrixSectionActions lists, for parts of the newsroom whose routes
// share one rule, the actions their routes may name, so that a route
// naming too weak an action fails here even though the matrix (which
// trusts the name) would pass it.
func matrixSectionActions() map[string][]qalam.Action {
	return map[string][]qalam.Action{
		"/admin/account":    {qalam.ActManageOwnAccount},
		"/admin/users":      {qalam.ActManageUsers},
		"/admin/settings":   {qalam.ActManageSettings},
		"/admin/categories": {qalam.ActManageTaxonomy},
		"/admin/tags":       {qalam.ActManageTaxonomy},
		"/admin/media":      {qalam.ActUploadMedia, qalam.ActEditMedia},
		"/admin/comments":   {qalam.ActModerate, qalam.ActBanCommenter},
		"/admin/bans":       {qalam.ActBanCommenter},
		"/admin/discussion": {qalam.ActManageDiscussion, qalam.ActManageWordLists},
	}
}

// matrixKind returns the objects to try a pattern's {id} with, or nil.
func matrixKind(pattern string) []matrixObject {
	for prefix, objs := range matrixKinds() {
		if strings.HasPrefix(pattern, prefix+"{id}") {
			return objs
		}
	}
	return nil
}

var wildcard = regexp.MustCompile(`\{[^}]*\}`)

// matrixPath fills in a pattern: {id} with id, {$} with nothing, a
// {rest...} with "x" and any other wildcard with 1 (a second object, such
// as a revision, that the handler looks up after authorization).
func matrixPath(pattern string, id int64) string {
	return wildcard.ReplaceAllStringFunc(pattern, func(w string) string {
		switch {
		case w == "{id}":
			return strconv.FormatInt(id, 10)
		case w == "{$}":
			return ""
		case strings.HasSuffix(w, "...}"):
			return "x"
		}
		return "1"
	})
}

// matrixClients signs in one client per role.
func matrixClients(t *testing.T, f *fixture) map[qalam.Role]*http.Client {
	clients := map[qalam.Role]*http.Client{}
	for _, role := range qalam.Roles {
		clients[role] = f.client(t, role)
	}
	return clients
}

func TestRoutes_RoleMatrix(t *testing.T) {
	shared := newFixture(t) // for page views, which change nothing
	sharedClients := matrixClients(t, shared)
	routes := shared.admin.routes()
	if len(routes) == 0 {
		t.Fatal("the route table is empty")
	}
	seen := map[string]bool{}
	for _, rt := range routes {
		key := rt.method + " " + rt.pattern
		if seen[key] {
			t.Errorf("%s is in the table twice", key)
		}
		seen[key] = true
		if rt.action != "" && !slices.Contains(qalam.Actions, rt.action) {
			t.Errorf("%s names the unknown action %q", key, rt.action)
		}
		// The matrix checks routes against the actions they name; this
		// checks the names where a part of the newsroom has only a few.
		for prefix, acts := range matrixSectionActions() {
			if (rt.pattern == prefix || strings.HasPrefix(rt.pattern, prefix+"/")) && !slices.Contains(acts, rt.action) {
				t.Errorf("%s names %q; routes under %s must name one of %v", key, rt.action, prefix, acts)
			}
		}
	}

	for _, rt := range routes {
		t.Run(rt.method+" "+rt.pattern, func(t *testing.T) {
			t.Parallel()
			f, clients := shared, sharedClients
			safe := rt.method == http.MethodGet || rt.method == http.MethodHead
			if !safe {
				// A POST may change anything it is allowed to: each gets
				// a newsroom of its own.
				f = newFixture(t)
				clients = matrixClients(t, f)
			}
			if rt.action == "" {
				// Public (signing in and out): reachable signed out.
				resp := matrixDo(t, f, f.anonymous(), rt.method, matrixPath(rt.pattern, 1))
				if resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusNotFound || resp.StatusCode >= 500 {
					t.Errorf("signed out: status %d", resp.StatusCode)
				}
				return
			}
			objects := matrixKind(rt.pattern)
			if objects == nil {
				if rt.target != nil {
					t.Fatalf("the route is about an object of a kind the matrix does not know: add its path prefix to matrixKinds")
				}
				// Judged without an object: any ID will do.
				objects = []matrixObject{{"no object", func(*testing.T, *fixture, qalam.Role) (int64, qalam.Target) { return 1, qalam.Target{} }}}
			}
			for _, obj := range objects {
				id, _ := obj.make(t, f, qalam.RoleAdmin)
				path := matrixPath(rt.pattern, id)
				resp := matrixDo(t, f, f.anonymous(), rt.method, path)
				switch {
				case safe && (resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/admin/login")):
					t.Errorf("%s, signed out: status %d, location %q; want a redirect to sign in", obj.name, resp.StatusCode, resp.Header.Get("Location"))
				case !safe && resp.StatusCode != http.StatusForbidden:
					t.Errorf("%s, signed out: status %d, want 403", obj.name, resp.StatusCode)
				}
				for _, role := range qalam.Roles {
					id, target := obj.make(t, f, role)
					path := matrixPath(rt.pattern, id)
					want := qalam.Can(f.users[role], rt.action, target)
					resp := matrixDo(t, f, clients[role], rt.method, path)
					loc := resp.Header.Get("Location")
					switch {
					case want && (resp.StatusCode == http.StatusForbidden || strings.HasPrefix(loc, "/admin/login")):
						t.Errorf("%s, %s: status %d, location %q; the policy allows it", obj.name, role, resp.StatusCode, loc)
					case want && resp.StatusCode >= 500:
						t.Errorf("%s, %s: status %d on an empty request", obj.name, role, resp.StatusCode)
					case !want && resp.StatusCode != http.StatusForbidden:
						t.Errorf("%s, %s: status %d, want 403: the policy forbids %s", obj.name, role, resp.StatusCode, rt.action)
					}
				}
			}
		})
	}
}

// matrixDo sends an empty request (an empty form for anything but GET and
// HEAD) from the site's own pages, so that it reaches authorization.
func matrixDo(t *testing.T, f *fixture, c *http.Client, method, path string) *http.Response {
	t.Helper()
	var body *strings.Reader
	if method != http.MethodGet && method != http.MethodHead {
		body = strings.NewReader("")
	}
	var req *http.Request
	var err error
	if body != nil {
		req, err = http.NewRequest(method, f.url(path), body)
		if err == nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	} else {
		req, err = http.NewRequest(method, f.url(path), nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	resp.Body.Close()
	return resp
}

func TestRoutes_UnknownPageIsNotFound(t *testing.T) {
	f := newFixture(t)
	c := f.client(t, qalam.RoleAdmin)
	for _, path := range []string{"/admin/no-such-page", "/admin/users/1/no-such-action"} {
		resp := f.get(t, c, path)
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", path, resp.StatusCode)
		}
	}
}

func TestRoutes_CrossSiteFormIsRefused(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	u := f.users[qalam.RoleEditor]
	c := f.client(t, qalam.RoleEditor)
	form := url.Values{"current_password": {fixturePassword}, "new_password": {"chosen by the attacker"}, "confirm_password": {"chosen by the attacker"}}
	for _, headers := range []map[string]string{
		{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
		{"Origin": "https://evil.example"}, // a browser without Fetch Metadata
	} {
		req, err := http.NewRequest(http.MethodPost, f.url("/admin/account/password"), strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("cross-site POST %v: status %d, want 403", headers, resp.StatusCode)
		}
	}
	stored, err := f.st.User(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.PasswordHash != u.PasswordHash {
		t.Fatal("a cross-site form changed the password")
	}
	// The same form from the newsroom's own page goes through, so the
	// refusals above were the cross-origin protection's.
	f.wantRedirect(t, f.post(t, c, "/admin/account/password", form), "/admin/account?flash=password-changed")
}
