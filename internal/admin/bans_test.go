package admin

import (
	"context"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
)

// banRows are the bans page's rows.
func banRows(doc *html.Node) []*html.Node {
	return fxFind(doc, func(n *html.Node) bool { return n.Data == "tr" && strings.HasPrefix(fxAttr(n, "id"), "ban-") })
}

func TestBans_FromTheQueue(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	art := f.article(t, "", qalam.Published)
	browser := storetest.Commenter(t, f.st)
	troll := modComment(t, f, art, qalam.Pending, func(c *qalam.Comment) {
		c.CommenterID, c.ModerationReason = browser.ID, `word list: "glimcoin" (hold for review)`
	})
	mod := f.client(t, qalam.RoleModerator)
	banPath := "/admin/comments/" + strconv.FormatInt(troll.ID, 10) + "/ban"

	// The row says why screening held the comment, and offers a ban.
	doc := f.wantPage(t, f.get(t, mod, "/admin/comments"), http.StatusOK)
	rows := modRows(doc)
	if len(rows) != 1 {
		t.Fatalf("%d rows, want 1", len(rows))
	}
	if reasons := fxByClass(rows[0], "mod-reason"); len(reasons) != 1 || fxText(reasons[0]) != `Screening: word list: "glimcoin" (hold for review)` {
		t.Errorf("the row does not show the screening reason")
	}
	if len(fxFind(rows[0], func(n *html.Node) bool { return n.Data == "button" && fxAttr(n, "formaction") == banPath })) != 1 {
		t.Error("the row offers no ban")
	}

	t.Run("a ban needs a reason", func(t *testing.T) {
		resp := f.post(t, mod, banPath, url.Values{"ban_for": {"7d"}, "tab": {"pending"}, "page": {"1"}})
		doc := f.wantPage(t, resp, http.StatusUnprocessableEntity)
		if msg := fxText(fxByClass(modRows(doc)[0], "field-error")[0]); !strings.Contains(msg, "Say why") {
			t.Errorf("message = %q", msg)
		}
		if _, total, _ := f.st.FindBans(ctx, store.BanFilter{}); total != 0 {
			t.Errorf("%d bans made", total)
		}
	})
	t.Run("banned for 30 days by email, browser and address", func(t *testing.T) {
		resp := f.post(t, mod, banPath, url.Values{"ban_for": {"30d"}, "reason": {"threats"}, "tab": {"pending"}, "page": {"1"}})
		f.wantRedirect(t, resp, "/admin/comments?flash=commenters-banned&status=pending")
		bans, _, err := f.st.FindBans(ctx, store.BanFilter{})
		if err != nil || len(bans) != 1 {
			t.Fatalf("bans = %v, %v", bans, err)
		}
		b := bans[0]
		if b.Email != "ayesha.reader@example.org" || b.CommenterID != browser.ID || b.IPHash != "iphash-never-shown" ||
			b.UserID != f.users[qalam.RoleModerator].ID || !b.ExpiresAt.Equal(f.clock.now().Add(30*24*time.Hour)) {
			t.Errorf("ban = %+v", b)
		}
		if got := modStatus(t, f, troll.ID); got != qalam.Pending {
			t.Errorf("the comment became %s; a ban leaves it to be moderated", got)
		}
	})
	t.Run("the bans page: what it is on, the email for admins only, never the address", func(t *testing.T) {
		for role, wantEmail := range map[qalam.Role]bool{qalam.RoleModerator: false, qalam.RoleAdmin: true} {
			resp := f.get(t, f.client(t, role), "/admin/bans")
			body := f.wantPage(t, resp, http.StatusOK)
			rows := banRows(body)
			if len(rows) != 1 {
				t.Fatalf("%s: %d rows, want 1", role, len(rows))
			}
			s := fxText(rows[0])
			if !strings.Contains(s, "email, browser, address") || !strings.Contains(s, "threats") || !strings.Contains(s, "Ayesha Reader") {
				t.Errorf("%s: row = %q", role, s)
			}
			if got := strings.Contains(s, "ayesha.reader@example.org"); got != wantEmail {
				t.Errorf("%s: email shown = %v, want %v", role, got, wantEmail)
			}
			if strings.Contains(s, "iphash-never-shown") {
				t.Errorf("%s: the address hash is shown", role)
			}
		}
	})
	t.Run("lifted", func(t *testing.T) {
		bans, _, _ := f.st.FindBans(ctx, store.BanFilter{})
		lift := "/admin/bans/" + strconv.FormatInt(bans[0].ID, 10) + "/lift"
		f.wantRedirect(t, f.post(t, mod, lift, url.Values{"reason": {"apologised"}}), "/admin/bans?flash=ban-lifted")
		if _, total, _ := f.st.FindBans(ctx, store.BanFilter{}); total != 0 {
			t.Errorf("%d bans in force after lifting", total)
		}
		doc := f.wantPage(t, f.get(t, mod, "/admin/bans?ended=1"), http.StatusOK)
		if rows := banRows(doc); len(rows) != 1 || !strings.Contains(fxText(rows[0]), "lifted") {
			t.Error("the ended ban is not listed as lifted")
		}
		resp := f.post(t, mod, lift, nil)
		resp.Body.Close()
		if resp.StatusCode != http.StatusConflict {
			t.Errorf("lifting again: status %d, want 409", resp.StatusCode)
		}
		for _, action := range []string{store.AuditBanned, store.AuditUnbanned} {
			entries, _, err := f.st.FindAudit(ctx, store.AuditFilter{Action: action})
			if err != nil || len(entries) != 1 || entries[0].UserID != f.users[qalam.RoleModerator].ID {
				t.Errorf("%s: audit = %v, %v", action, entries, err)
			}
		}
	})
}

func TestBans_BulkFromTheQueue(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	art := f.article(t, "", qalam.Published)
	a := modComment(t, f, art, qalam.Pending)
	b := modComment(t, f, art, qalam.Spam, func(c *qalam.Comment) { c.AuthorEmail, c.IPHash = "other@example.org", "iphash-other" })
	kept := modComment(t, f, art, qalam.Pending, func(c *qalam.Comment) { c.AuthorEmail, c.IPHash = "kept@example.org", "iphash-kept" })
	editor := f.client(t, qalam.RoleEditor)

	form := url.Values{"ids": {strconv.FormatInt(a.ID, 10), strconv.FormatInt(b.ID, 10)}, "ban_for": {"forever"},
		"reason": {"a spam campaign"}, "tab": {"all"}, "page": {"1"}}
	f.wantRedirect(t, f.post(t, editor, "/admin/comments/ban", form), "/admin/comments?flash=commenters-banned&status=all")
	bans, _, err := f.st.FindBans(ctx, store.BanFilter{})
	if err != nil || len(bans) != 2 {
		t.Fatalf("bans = %v, %v; want 2", bans, err)
	}
	for _, ban := range bans {
		if !ban.ExpiresAt.IsZero() || ban.Reason != "a spam campaign" {
			t.Errorf("ban = %+v; want for good, with the reason", ban)
		}
		if ban.CommentID == kept.ID {
			t.Error("an unselected comment's author was banned")
		}
	}

	t.Run("an unknown length is refused", func(t *testing.T) {
		form.Set("ban_for", "1y")
		doc := f.wantPage(t, f.post(t, editor, "/admin/comments/ban", form), http.StatusUnprocessableEntity)
		if got := fxNotice(doc, "error"); !strings.Contains(got, "how long") {
			t.Errorf("notice = %q", got)
		}
	})
	t.Run("nothing selected", func(t *testing.T) {
		doc := f.wantPage(t, f.post(t, editor, "/admin/comments/ban", url.Values{"ban_for": {"1d"}, "reason": {"x"}}), http.StatusUnprocessableEntity)
		if got := fxNotice(doc, "error"); !strings.Contains(got, "Select at least one comment") {
			t.Errorf("notice = %q", got)
		}
	})
}

func TestBans_ByHand(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	var hashed []netip.Addr
	f.admin.opts.AddressHash = func(a netip.Addr) string { hashed = append(hashed, a); return "hash-of-" + a.String() }
	admin := f.client(t, qalam.RoleAdmin)

	doc := f.wantPage(t, f.get(t, admin, "/admin/bans"), http.StatusOK)
	if fxInput(doc, "address") == nil {
		t.Fatal("no address field, though the site can hash addresses")
	}
	form := url.Values{"email": {"Spam.Sender@Example.net"}, "name": {"کاشف علی"}, "address": {"203.0.113.7"}, "for": {"1d"}, "reason": {"impersonation"}}
	f.wantRedirect(t, f.post(t, admin, "/admin/bans", form), "/admin/bans?flash=commenters-banned")
	bans, _, err := f.st.FindBans(ctx, store.BanFilter{})
	if err != nil || len(bans) != 1 {
		t.Fatalf("bans = %v, %v", bans, err)
	}
	b := bans[0]
	if b.Email != "spam.sender@example.net" || b.Name != "کاشف علی" || b.IPHash != "hash-of-203.0.113.7" || b.CommentID != 0 ||
		!b.ExpiresAt.Equal(f.clock.now().Add(24*time.Hour)) {
		t.Errorf("ban = %+v", b)
	}
	// The Arabic spelling of the name is caught by the same ban.
	if got, err := f.st.MatchingBans(ctx, store.BanQuery{Name: "كاشف علي"}); err != nil || len(got) != 1 {
		t.Errorf("matching the name in Arabic letters = %v, %v", got, err)
	}

	refusals := []struct {
		name  string
		form  url.Values
		field string
	}{
		{"nothing to ban", url.Values{"for": {"7d"}, "reason": {"why"}}, "email"},
		{"no reason", url.Values{"email": {"a@example.org"}, "for": {"7d"}}, "reason"},
		{"a bad email", url.Values{"email": {"not an email"}, "for": {"7d"}, "reason": {"why"}}, "email"},
		{"a bad address", url.Values{"address": {"203.0.113"}, "for": {"7d"}, "reason": {"why"}}, "address"},
		{"an unknown length", url.Values{"email": {"a@example.org"}, "for": {"2w"}, "reason": {"why"}}, "for"},
	}
	for _, tt := range refusals {
		t.Run("refused: "+tt.name, func(t *testing.T) {
			doc := f.wantPage(t, f.post(t, admin, "/admin/bans", tt.form), http.StatusUnprocessableEntity)
			found := false
			for _, p := range fxByClass(doc, "invalid") {
				if fxInput(p, tt.field) != nil && len(fxByClass(p, "field-error")) > 0 {
					found = true
				}
			}
			if !found {
				t.Errorf("no error at %s", tt.field)
			}
			if v := fxAttr(fxInput(fxByClass(doc, "ban-form")[0], "reason"), "value"); v != tt.form.Get("reason") {
				t.Errorf("the reason typed is not kept: %q", v)
			}
		})
	}
	if _, total, _ := f.st.FindBans(ctx, store.BanFilter{}); total != 1 {
		t.Errorf("%d bans after the refusals, want 1", total)
	}

	t.Run("no address field when the site cannot hash one", func(t *testing.T) {
		f.admin.opts.AddressHash = nil
		doc := f.wantPage(t, f.get(t, admin, "/admin/bans"), http.StatusOK)
		if fxInput(doc, "address") != nil {
			t.Error("an address field is offered")
		}
	})
}
