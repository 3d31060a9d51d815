package admin

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/qalamnews/qalam"
)

func TestAccount_ModeratorAlerts(t *testing.T) {
	ctx := context.Background()
	t.Run("a moderator turns alerts on and off", func(t *testing.T) {
		f := newFixture(t)
		f.admin.opts.Mail, f.admin.opts.AlertEvery = true, time.Hour
		c := f.client(t, qalam.RoleModerator)
		doc := f.wantPage(t, f.get(t, c, "/admin/account"), http.StatusOK)
		box := fxInput(doc, "alerts")
		if box == nil || fxHasAttr(box, "checked") {
			t.Fatalf("alerts box = %v; want one, unticked", box)
		}
		label := fxFind(doc, func(n *html.Node) bool { return n.Data == "label" && fxAttr(n, "for") == fxAttr(box, "id") })
		if len(label) != 1 || fxText(label[0]) != "Email me when comments wait for moderation, at most once every 1 hour" {
			t.Errorf("label = %v", label)
		}

		f.wantRedirect(t, f.post(t, c, "/admin/comments/alerts", url.Values{"alerts": {"on"}}), "/admin/account?flash=saved#alerts")
		if on, err := f.st.ModeratorAlerts(ctx, f.users[qalam.RoleModerator].ID); err != nil || !on {
			t.Fatalf("alerts on = %v, %v", on, err)
		}
		doc = f.wantPage(t, f.get(t, c, "/admin/account"), http.StatusOK)
		if box := fxInput(doc, "alerts"); box == nil || !fxHasAttr(box, "checked") {
			t.Error("the box is not ticked once alerts are on")
		}

		f.wantRedirect(t, f.post(t, c, "/admin/comments/alerts", url.Values{}), "/admin/account?flash=saved#alerts")
		if on, err := f.st.ModeratorAlerts(ctx, f.users[qalam.RoleModerator].ID); err != nil || on {
			t.Errorf("alerts on = %v, %v; want off", on, err)
		}
	})
	t.Run("without mail the page says so and alerts cannot be turned on", func(t *testing.T) {
		f := newFixture(t)
		c := f.client(t, qalam.RoleEditor)
		doc := f.wantPage(t, f.get(t, c, "/admin/account"), http.StatusOK)
		if fxInput(doc, "alerts") != nil {
			t.Error("the box is offered though no mail can be sent")
		}
		if sec := fxByClass(doc, "account-alerts"); len(sec) != 1 || fxText(sec[0]) == "" {
			t.Error("the page does not say why there are no alerts")
		}
		resp := f.post(t, c, "/admin/comments/alerts", url.Values{"alerts": {"on"}})
		resp.Body.Close()
		if resp.StatusCode != http.StatusConflict {
			t.Errorf("status %d, want 409", resp.StatusCode)
		}
	})
	t.Run("those who do not moderate are not offered alerts", func(t *testing.T) {
		f := newFixture(t)
		f.admin.opts.Mail = true
		c := f.client(t, qalam.RoleAuthor)
		doc := f.wantPage(t, f.get(t, c, "/admin/account"), http.StatusOK)
		if len(fxByClass(doc, "account-alerts")) != 0 {
			t.Error("an author is offered moderators' alerts")
		}
		resp := f.post(t, c, "/admin/comments/alerts", url.Values{"alerts": {"on"}})
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("status %d, want 403", resp.StatusCode)
		}
	})
}
