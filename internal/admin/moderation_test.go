package admin

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/server"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
)

// modFixture is the shared fixture serving the moderation routes. Until
// routes.go lists moderationRoutes, it serves the table plus that group
// behind the same guard and middleware, on a server of its own.
func modFixture(t *testing.T) *fixture {
	t.Helper()
	f := newFixture(t)
	rs := f.admin.routes()
	for _, rt := range rs {
		if rt.method+" "+rt.pattern == "GET /admin/comments" {
			return f
		}
	}
	mux := http.NewServeMux()
	for _, rt := range append(rs, f.admin.moderationRoutes()...) {
		mux.Handle(rt.method+" "+rt.pattern, f.admin.guard(rt))
	}
	mux.Handle("/admin/", f.admin.handle(func(http.ResponseWriter, *http.Request) error {
		return qalam.Errorf(qalam.KindNotFound, "There is no such page in the newsroom.")
	}))
	srv := httptest.NewTLSServer(server.Wrap(mux, slog.New(slog.DiscardHandler), server.Options{}))
	t.Cleanup(srv.Close)
	f.srv = srv
	return f
}

// modComment stores a comment by a reader on art with the given status.
func modComment(t *testing.T, f *fixture, art *qalam.Article, status qalam.CommentStatus, edit ...func(*qalam.Comment)) *qalam.Comment {
	t.Helper()
	return storetest.Comment(t, f.st, art.ID, append([]func(*qalam.Comment){func(c *qalam.Comment) {
		c.Status = status
		c.AuthorName = "Ayesha Reader"
		c.AuthorEmail = "ayesha.reader@example.org"
		c.IPHash = "iphash-never-shown"
	}}, edit...)...)
}

func modStatus(t *testing.T, f *fixture, id int64) qalam.CommentStatus {
	t.Helper()
	c, err := f.st.Comment(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c.Status
}

// modRows are the queue's rows.
func modRows(doc *html.Node) []*html.Node { return fxByClass(doc, "mod-row") }

func TestModeration_ApproveHeld(t *testing.T) {
	f := modFixture(t)
	ctx := context.Background()
	art := f.article(t, "", qalam.Published)
	c := modComment(t, f, art, qalam.Pending)
	client := f.client(t, qalam.RoleModerator)

	resp := f.post(t, client, "/admin/comments/"+strconv.FormatInt(c.ID, 10)+"/moderate",
		url.Values{"status": {"approved"}, "reason": {"on topic"}, "tab": {"pending"}, "page": {"1"}})
	f.wantRedirect(t, resp, "/admin/comments?flash=comments-approved&status=pending")
	if got := modStatus(t, f, c.ID); got != qalam.Approved {
		t.Fatalf("status = %s, want approved", got)
	}
	public, err := f.st.FindComments(ctx, store.CommentFilter{ArticleID: art.ID, Status: new(qalam.Approved)})
	if err != nil || len(public) != 1 || public[0].ID != c.ID {
		t.Errorf("the article's public comments = %v, %v; want the approved one", public, err)
	}
	entries, total, err := f.st.FindAudit(ctx, store.AuditFilter{TargetType: "comment"})
	if err != nil || total != 1 {
		t.Fatalf("audit = %d, %v; want 1 entry", total, err)
	}
	if e := entries[0]; e.UserID != f.users[qalam.RoleModerator].ID || e.TargetID != c.ID || e.Action != "comment.approved" || e.Reason != "on topic" {
		t.Errorf("audit entry = %+v", e)
	}

	// The redirect's page says so, and the comment has left the held tab.
	doc := f.wantPage(t, f.get(t, client, "/admin/comments?flash=comments-approved&status=pending"), http.StatusOK)
	if got := fxNotice(doc, "ok"); got != flashes["comments-approved"] {
		t.Errorf("notice = %q", got)
	}
	if rows := modRows(doc); len(rows) != 0 {
		t.Errorf("the held tab still has %d rows", len(rows))
	}
}

func TestModeration_BulkSpam(t *testing.T) {
	f := modFixture(t)
	ctx := context.Background()
	art := f.article(t, "", qalam.Published)
	var ids []string
	var cs []*qalam.Comment
	for range 3 {
		c := modComment(t, f, art, qalam.Pending)
		cs = append(cs, c)
		ids = append(ids, strconv.FormatInt(c.ID, 10))
	}
	kept := modComment(t, f, art, qalam.Pending)
	client := f.client(t, qalam.RoleModerator)

	// The page's bulk form and checkboxes are what a browser would send.
	doc := f.wantPage(t, f.get(t, client, "/admin/comments"), http.StatusOK)
	boxes := fxFind(doc, func(n *html.Node) bool { return fxHasClass(n, "mod-select") })
	if len(boxes) != 4 || fxAttr(boxes[0], "form") != "mod-bulk" || fxAttr(boxes[0], "name") != "ids" {
		t.Fatalf("checkboxes: %d, form %q", len(boxes), fxAttr(boxes[0], "form"))
	}
	bulk := fxFind(doc, func(n *html.Node) bool { return n.Data == "form" && fxAttr(n, "id") == "mod-bulk" })
	if len(bulk) != 1 || fxAttr(bulk[0], "action") != "/admin/comments/moderate" || fxAttr(bulk[0], "method") != "post" {
		t.Fatal("no bulk form posting to /admin/comments/moderate")
	}

	resp := f.post(t, client, "/admin/comments/moderate", url.Values{"ids": ids, "status": {"spam"}, "tab": {"pending"}, "page": {"2"}})
	f.wantRedirect(t, resp, "/admin/comments?flash=comments-spam&page=2&status=pending")
	for _, c := range cs {
		if got := modStatus(t, f, c.ID); got != qalam.Spam {
			t.Errorf("comment %d is %s, want spam", c.ID, got)
		}
	}
	if got := modStatus(t, f, kept.ID); got != qalam.Pending {
		t.Errorf("the unselected comment is %s, want pending", got)
	}
	if _, total, err := f.st.FindAudit(ctx, store.AuditFilter{Action: "comment.spam"}); err != nil || total != 3 {
		t.Errorf("audit: %d spam entries, %v; want 3", total, err)
	}

	// Again: nothing can move, and the page says so.
	resp = f.post(t, client, "/admin/comments/moderate", url.Values{"ids[]": ids, "status": {"spam"}, "tab": {"spam"}})
	f.wantRedirect(t, resp, "/admin/comments?flash=comments-unchanged&status=spam")
}

func TestModeration_RefusedFormsComeBack(t *testing.T) {
	f := modFixture(t)
	art := f.article(t, "", qalam.Published)
	c := modComment(t, f, art, qalam.Pending)
	client := f.client(t, qalam.RoleModerator)

	t.Run("bulk without a selection", func(t *testing.T) {
		resp := f.post(t, client, "/admin/comments/moderate", url.Values{"status": {"approved"}, "reason": {"سب ٹھیک"}})
		doc := f.wantPage(t, resp, http.StatusUnprocessableEntity)
		if !strings.Contains(fxNotice(doc, "error"), "Select at least one") {
			t.Errorf("notice = %q", fxNotice(doc, "error"))
		}
		if in := fxInput(doc, "reason"); in == nil || fxAttr(in, "value") != "سب ٹھیک" {
			t.Error("the bulk reason was not kept")
		}
	})
	t.Run("a reason too long", func(t *testing.T) {
		long := strings.Repeat("x", maxReason+1)
		resp := f.post(t, client, "/admin/comments/"+strconv.FormatInt(c.ID, 10)+"/moderate", url.Values{"status": {"spam"}, "reason": {long}})
		doc := f.wantPage(t, resp, http.StatusUnprocessableEntity)
		in := fxFind(doc, func(n *html.Node) bool { return fxAttr(n, "id") == "mod-reason-"+strconv.FormatInt(c.ID, 10) })
		if len(in) != 1 || fxAttr(in[0], "value") != long || fxAttr(in[0], "aria-invalid") != "true" {
			t.Error("the row's reason was not kept and marked")
		}
		if got := modStatus(t, f, c.ID); got != qalam.Pending {
			t.Errorf("status = %s after a refused form", got)
		}
	})
	t.Run("an unknown status", func(t *testing.T) {
		resp := f.post(t, client, "/admin/comments/"+strconv.FormatInt(c.ID, 10)+"/moderate", url.Values{"status": {"pending"}})
		f.wantPage(t, resp, http.StatusUnprocessableEntity)
	})
	t.Run("an unknown comment", func(t *testing.T) {
		resp := f.post(t, client, "/admin/comments/999999/moderate", url.Values{"status": {"spam"}})
		f.wantPage(t, resp, http.StatusNotFound)
	})
}

func TestModeration_AuthorIsRefused(t *testing.T) {
	f := modFixture(t)
	art := f.article(t, qalam.RoleAuthor, qalam.Published)
	c := modComment(t, f, art, qalam.Pending)
	client := f.client(t, qalam.RoleAuthor)
	f.wantPage(t, f.get(t, client, "/admin/comments"), http.StatusForbidden)
	resp := f.post(t, client, "/admin/comments/"+strconv.FormatInt(c.ID, 10)+"/moderate", url.Values{"status": {"approved"}})
	f.wantPage(t, resp, http.StatusForbidden)
	resp = f.post(t, client, "/admin/comments/moderate", url.Values{"ids": {strconv.FormatInt(c.ID, 10)}, "status": {"approved"}})
	f.wantPage(t, resp, http.StatusForbidden)
	if got := modStatus(t, f, c.ID); got != qalam.Pending {
		t.Errorf("status = %s after an author's attempts", got)
	}
}

// modMentions reports whether s appears in any text or attribute of doc.
func modMentions(doc *html.Node, s string) bool {
	for n := range doc.Descendants() {
		if n.Type == html.TextNode && strings.Contains(n.Data, s) {
			return true
		}
		for _, a := range n.Attr {
			if strings.Contains(a.Val, s) {
				return true
			}
		}
	}
	return false
}

func TestModeration_EmailsOnlyForAdmins(t *testing.T) {
	f := modFixture(t)
	art := f.article(t, "", qalam.Published)
	modComment(t, f, art, qalam.Pending)
	for _, role := range []qalam.Role{qalam.RoleModerator, qalam.RoleEditor, qalam.RoleAdmin} {
		doc := f.wantPage(t, f.get(t, f.client(t, role), "/admin/comments"), http.StatusOK)
		if len(modRows(doc)) != 1 {
			t.Fatalf("%s: %d rows, want 1", role, len(modRows(doc)))
		}
		shown := modMentions(doc, "ayesha.reader@example.org") || modMentions(doc, "ayesha.reader")
		if want := role == qalam.RoleAdmin; shown != want {
			t.Errorf("%s: email shown = %v, want %v", role, shown, want)
		}
		if role == qalam.RoleAdmin {
			if e := fxByClass(doc, "mod-email"); len(e) != 1 || fxText(e[0]) != "ayesha.reader@example.org" || len(fxByTag(e[0], "bdi")) != 1 {
				t.Errorf("admin: the email is not in its place")
			}
		}
		if modMentions(doc, "iphash-never-shown") {
			t.Errorf("%s: the address hash is on the page", role)
		}
	}
}

func TestModeration_QueuePage(t *testing.T) {
	f := modFixture(t)
	urdu := f.article(t, "", qalam.Published, func(a *qalam.Article) { a.Language = qalam.Urdu; a.Headline = "ایک سرخی" })
	parent := modComment(t, f, urdu, qalam.Approved, func(c *qalam.Comment) {
		c.AuthorName, c.Body = "Bilal", "A very first comment that goes on. "+strings.Repeat("word ", 60)
	})
	modComment(t, f, urdu, qalam.Spam)
	reply := modComment(t, f, urdu, qalam.Pending, func(c *qalam.Comment) {
		c.ParentID, c.Body, c.BodyHTML = parent.ID, "جواب", "<p>جواب <em>اچھا</em></p>"
	})
	modComment(t, f, urdu, qalam.Pending)
	client := f.client(t, qalam.RoleModerator)

	doc := f.wantPage(t, f.get(t, client, "/admin/comments"), http.StatusOK)
	if title := fxText(fxByTag(doc, "title")[0]); !strings.HasPrefix(title, "Held (2)") {
		t.Errorf("title = %q, want the held count first", title)
	}
	tabs := map[string]string{}
	for _, a := range fxFind(doc, func(n *html.Node) bool {
		return n.Data == "a" && strings.HasPrefix(fxAttr(n, "href"), "/admin/comments?status=")
	}) {
		tabs[fxText(a)] = fxAttr(a, "aria-current")
	}
	want := map[string]string{"Held (2)": "page", "Spam (1)": "", "Approved (1)": "", "Removed (0)": "", "All (4)": ""}
	for label, cur := range want {
		if got, ok := tabs[label]; !ok || got != cur {
			t.Errorf("tab %q: present %v, aria-current %q", label, ok, got)
		}
	}
	rows := modRows(doc)
	if len(rows) != 2 {
		t.Fatalf("%d rows, want 2", len(rows))
	}
	row := rows[1] // newest first: the reply is older
	if fxAttr(row, "id") != reply.Anchor() {
		t.Fatalf("second row is %q, want the reply", fxAttr(row, "id"))
	}
	body := fxByClass(row, "mod-body")[0]
	if fxAttr(body, "dir") != "auto" || fxAttr(body, "lang") != "ur" || len(fxByTag(body, "em")) != 1 {
		t.Errorf("body: dir %q lang %q, sanitised HTML rendered: %v", fxAttr(body, "dir"), fxAttr(body, "lang"), len(fxByTag(body, "em")) == 1)
	}
	if name := fxByClass(row, "mod-name")[0]; len(fxByTag(name, "bdi")) != 1 || fxText(name) != "Ayesha Reader" {
		t.Error("the name is not isolated in <bdi>")
	}
	link := fxFind(fxByClass(row, "mod-on")[0], func(n *html.Node) bool { return n.Data == "a" })[0]
	if fxAttr(link, "href") != "/articles/"+urdu.Slug+"/comments/"+strconv.FormatInt(reply.ID, 10) || fxAttr(link, "lang") != "ur" || fxAttr(link, "dir") != "rtl" {
		t.Errorf("article link: href %q lang %q dir %q", fxAttr(link, "href"), fxAttr(link, "lang"), fxAttr(link, "dir"))
	}
	parentText := fxText(fxByClass(row, "mod-parent")[0])
	if !strings.Contains(parentText, "In reply to Bilal") || !strings.HasSuffix(parentText, "…") || len([]rune(parentText)) > 200 {
		t.Errorf("parent = %q", parentText)
	}
	// modComment gives every comment Ayesha's address (Bilal's parent
	// too): her record is the approved parent and the spam.
	if got := fxText(fxByClass(row, "mod-history")[0]); got != "1 approved, 1 rejected" {
		t.Errorf("history = %q", got)
	}
	var buttons []string
	for _, b := range fxByTag(row, "button") {
		buttons = append(buttons, fxAttr(b, "value")+"/"+fxAttr(b, "data-key"))
	}
	// The last bans the commenter (bans.go): it posts elsewhere, with no value.
	if strings.Join(buttons, " ") != "approved/a spam/s deleted/r /b" {
		t.Errorf("row buttons = %v", buttons)
	}
	form := fxFind(row, func(n *html.Node) bool { return n.Data == "form" })[0]
	if fxAttr(form, "action") != "/admin/comments/"+strconv.FormatInt(reply.ID, 10)+"/moderate" || fxAttr(form, "method") != "post" {
		t.Errorf("row form: %q", fxAttr(form, "action"))
	}
	if len(fxFind(doc, func(n *html.Node) bool { return n.Data == "script" && strings.Contains(fxAttr(n, "src"), "moderation") })) != 1 ||
		len(fxFind(doc, func(n *html.Node) bool { return n.Data == "link" && strings.Contains(fxAttr(n, "href"), "moderation") })) != 1 {
		t.Error("moderation.js or moderation.css is not linked")
	}
	if help := fxFind(doc, func(n *html.Node) bool { return fxAttr(n, "id") == "mod-keys" }); len(help) != 1 || !fxHasAttr(help[0], "hidden") {
		t.Error("the keyboard help line is missing or shown without JavaScript")
	}

	// The spam tab holds its one comment; an unknown tab is the held one.
	doc = f.wantPage(t, f.get(t, client, "/admin/comments?status=spam"), http.StatusOK)
	if rows := modRows(doc); len(rows) != 1 || len(fxFind(rows[0], func(n *html.Node) bool { return fxAttr(n, "value") == "spam" && n.Data == "button" })) != 0 {
		t.Error("spam tab: want one row without a Spam button")
	}
	doc = f.wantPage(t, f.get(t, client, "/admin/comments?status=nonsense"), http.StatusOK)
	if len(modRows(doc)) != 2 {
		t.Error("an unknown tab does not show the held comments")
	}
}

func TestModeration_Paging(t *testing.T) {
	f := modFixture(t)
	art := f.article(t, "", qalam.Published)
	for range queuePerPage + 1 {
		modComment(t, f, art, qalam.Pending)
	}
	client := f.client(t, qalam.RoleModerator)
	doc := f.wantPage(t, f.get(t, client, "/admin/comments"), http.StatusOK)
	next := fxFind(doc, func(n *html.Node) bool { return n.Data == "a" && fxAttr(n, "rel") == "next" })
	if len(modRows(doc)) != queuePerPage || len(next) != 1 || fxAttr(next[0], "href") != "/admin/comments?page=2&status=pending" {
		t.Fatalf("page 1: %d rows, next %v", len(modRows(doc)), next)
	}
	doc = f.wantPage(t, f.get(t, client, "/admin/comments?page=2&status=pending"), http.StatusOK)
	if len(modRows(doc)) != 1 {
		t.Errorf("page 2: %d rows, want 1", len(modRows(doc)))
	}
	if page := fxInput(doc, "page"); page == nil || fxAttr(page, "value") != "2" {
		t.Error("the forms do not carry the page to come back to")
	}
}

func TestModeration_ZeroValuesRender(t *testing.T) {
	f := newFixture(t)
	for name, data := range map[string]any{
		"admin/comments":              commentsPage{},
		"admin/comments (a zero row)": commentsPage{Rows: []queueRow{{}}, Tabs: []queueTab{{}}},
	} {
		rec := httptest.NewRecorder()
		if err := f.admin.view.Render(rec, http.StatusOK, "admin/comments", data); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if strings.Contains(rec.Body.String(), "ZgotmplZ") {
			t.Errorf("%s: the template engine refused a value", name)
		}
	}
}

func TestAudit_AdminSeesModerationDecisions(t *testing.T) {
	f := newFixture(t)
	for name, data := range map[string]auditPage{
		"zero":         {},
		"a zero entry": {Entries: []*store.AuditEntry{{}}},
	} {
		rec := httptest.NewRecorder()
		if err := f.admin.view.Render(rec, http.StatusOK, "admin/audit", data); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	ctx := context.Background()
	admin := f.users[qalam.RoleAdmin]
	if err := f.st.AddAudit(ctx, &store.AuditEntry{UserID: admin.ID, Action: "comment.spam", TargetType: "comment", TargetID: 7, Reason: "link farm", Detail: "pending → spam"}); err != nil {
		t.Fatal(err)
	}
	resp := f.get(t, f.client(t, qalam.RoleAdmin), "/admin/audit?action=comment.spam")
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "link farm") || !strings.Contains(string(body), "pending → spam") {
		t.Errorf("audit page: %d, missing the entry", resp.StatusCode)
	}
	resp = f.get(t, f.client(t, qalam.RoleModerator), "/admin/audit")
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("moderator on the audit log: %d, want 403", resp.StatusCode)
	}
}
