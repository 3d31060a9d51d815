package admin

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"golang.org/x/net/html"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
)

func TestSettings_FeedContent(t *testing.T) {
	f := newFixture(t)
	admin := f.client(t, qalam.RoleAdmin)
	checked := func() string {
		t.Helper()
		doc := f.wantPage(t, f.get(t, admin, "/admin/settings"), http.StatusOK)
		var got string
		for _, in := range fxFind(doc, func(n *html.Node) bool { return n.Data == "input" && fxAttr(n, "name") == "feed_content" }) {
			if fxHasAttr(in, "checked") {
				got += fxAttr(in, "value")
			}
		}
		return got
	}
	if got := checked(); got != store.FeedFullText {
		t.Fatalf("checked by default = %q, want full text", got)
	}
	tests := []struct {
		name       string
		form       url.Values
		wantStored string
		wantStatus int
	}{
		{"excerpts chosen", url.Values{"feed_content": {"excerpt"}}, store.FeedExcerpts, http.StatusSeeOther},
		{"a form without the field changes nothing", url.Values{"require_two_factor": {""}}, store.FeedExcerpts, http.StatusSeeOther},
		{"unknown value refused", url.Values{"feed_content": {"summary"}}, store.FeedExcerpts, http.StatusUnprocessableEntity},
		{"full text chosen again", url.Values{"feed_content": {"full"}}, store.FeedFullText, http.StatusSeeOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := f.post(t, admin, "/admin/settings", tt.form)
			resp.Body.Close()
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status = %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			if v, _ := f.st.Setting(context.Background(), store.SettingFeedContent); v != tt.wantStored {
				t.Errorf("stored %q, want %q", v, tt.wantStored)
			}
			if got := checked(); got != tt.wantStored {
				t.Errorf("form shows %q checked, want %q", got, tt.wantStored)
			}
		})
	}
}
