package admin

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/moderation"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/view"
)

func TestDiscussion_TemplatesRenderZeroValues(t *testing.T) {
	engine, err := view.New(view.Options{})
	if err != nil {
		t.Fatal(err)
	}
	pages := map[string]struct {
		name string
		data any
	}{
		"policies":                 {"admin/discussion", discussionPage{}},
		"policies with zero rows":  {"admin/discussion", discussionPage{Categories: []policyRow{{}}, Tags: []policyRow{{}}, TagChoices: []option{{}}}},
		"word lists":               {"admin/discussion", discussionPage{Words: &wordListsForm{}}},
		"bans":                     {"admin/bans", bansPage{}},
		"bans with a zero row":     {"admin/bans", bansPage{Rows: []banRow{{}}, CanAddress: true}},
		"editor with a policy":     {"admin/editor", editorPage{Article: &qalam.Article{}, Discussion: &policyForm{}}},
		"queue with ban controls":  {"admin/comments", commentsPage{Rows: []queueRow{{ModerationReason: "x"}}, CanBan: true, CanWords: true, CanPolicies: true}},
		"queue without ban rights": {"admin/comments", commentsPage{Rows: []queueRow{{}}}},
	}
	for name, p := range pages {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := engine.Execute(&buf, p.name, p.data); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(buf.String(), "ZgotmplZ") {
				t.Error("the template engine refused a value")
			}
			if _, err := html.Parse(&buf); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// checked is the value of the checked radio button named name, or "".
func checked(doc *html.Node, name string) string {
	for _, n := range fxFind(doc, func(n *html.Node) bool {
		return n.Data == "input" && fxAttr(n, "type") == "radio" && fxAttr(n, "name") == name && fxHasAttr(n, "checked")
	}) {
		return fxAttr(n, "value")
	}
	return ""
}

// within is the element with the given id.
func within(t *testing.T, doc *html.Node, id string) *html.Node {
	t.Helper()
	found := fxFind(doc, func(n *html.Node) bool { return fxAttr(n, "id") == id })
	if len(found) == 0 {
		t.Fatalf("no element #%s", id)
	}
	return found[0]
}

// policyValues is a filled-in policy form.
func policyValues(mode, closeChoice, closeAfter, unit, links, maxLinks, reason string) url.Values {
	return url.Values{"mode": {mode}, "close": {closeChoice}, "close_after": {closeAfter}, "close_unit": {unit},
		"links": {links}, "max_links": {maxLinks}, "reason": {reason}}
}

func TestDiscussion_SitePolicy(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	editor := f.client(t, qalam.RoleEditor)

	doc := f.wantPage(t, f.get(t, editor, "/admin/discussion"), http.StatusOK)
	site := within(t, doc, "site")
	if got := [3]string{checked(site, "mode"), checked(site, "close"), checked(site, "links")}; got != [3]string{"first", "never", "any"} {
		t.Errorf("a new site's form shows %q; want the defaults", got)
	}

	t.Run("saved and audited", func(t *testing.T) {
		resp := f.post(t, editor, "/admin/discussion", policyValues("pre", "after", "2", "days", "limit", "1", "election week"))
		f.wantRedirect(t, resp, "/admin/discussion?flash=policy-saved")
		got, err := f.st.DiscussionPolicy(ctx, store.SiteScope, 0)
		if err != nil {
			t.Fatal(err)
		}
		want := moderation.Policy{Mode: moderation.PreModerate, CloseAfter: 48 * time.Hour, MaxLinks: 1}
		if p := moderation.Resolve([]moderation.Override{got.Override}); p != want {
			t.Errorf("stored %+v, want %+v", p, want)
		}
		entries, _, err := f.st.FindAudit(ctx, store.AuditFilter{Action: store.AuditPolicyChanged})
		if err != nil || len(entries) != 1 || entries[0].UserID != f.users[qalam.RoleEditor].ID || entries[0].Reason != "election week" {
			t.Errorf("audit = %v, %v", entries, err)
		}
		doc := f.wantPage(t, f.get(t, editor, "/admin/discussion?flash=policy-saved"), http.StatusOK)
		site := within(t, doc, "site")
		if got := [3]string{checked(site, "mode"), checked(site, "close"), checked(site, "links")}; got != [3]string{"pre", "after", "limit"} {
			t.Errorf("the form shows %q after saving", got)
		}
		if v := fxAttr(fxInput(site, "close_after"), "value"); v != "2" {
			t.Errorf("close_after shows %q, want 2 (days)", v)
		}
	})
	t.Run("refused, with the input kept", func(t *testing.T) {
		resp := f.post(t, editor, "/admin/discussion", policyValues("pre", "after", "two", "days", "limit", "1", "typo"))
		doc := f.wantPage(t, resp, http.StatusUnprocessableEntity)
		if msg := fxFieldError(doc, "close_after"); !strings.Contains(msg, "whole number of days") {
			t.Errorf("close_after error = %q", msg)
		}
		if v := fxAttr(fxInput(doc, "close_after"), "value"); v != "two" {
			t.Errorf("the typed value is not kept: %q", v)
		}
		got, _ := f.st.DiscussionPolicy(ctx, store.SiteScope, 0)
		if got.CloseAfter == nil || *got.CloseAfter != 48*time.Hour {
			t.Errorf("the stored policy changed: %+v", got)
		}
	})
	t.Run("the site's form cannot inherit", func(t *testing.T) {
		resp := f.post(t, editor, "/admin/discussion", policyValues("inherit", "inherit", "", "hours", "inherit", "", ""))
		doc := f.wantPage(t, resp, http.StatusUnprocessableEntity)
		if len(fxByClass(doc, "field-error")) != 3 {
			t.Errorf("errors = %d, want one per field", len(fxByClass(doc, "field-error")))
		}
	})
}

func TestDiscussion_TagAndCategoryPolicies(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	editor := f.client(t, qalam.RoleEditor)
	art := f.article(t, "", qalam.Published, func(a *qalam.Article) { a.TagNames = []string{"Elections"} })
	full, err := f.st.Article(ctx, art.ID)
	if err != nil || len(full.Tags) != 1 {
		t.Fatalf("article = %v, %v", full, err)
	}
	tag := full.Tags[0]

	// The example, set through the page: everything tagged
	// Elections is pre-moderated, closes after 48 hours, allows no links.
	doc := f.wantPage(t, f.get(t, editor, "/admin/discussion"), http.StatusOK)
	if len(fxFind(doc, func(n *html.Node) bool {
		return n.Data == "option" && fxAttr(n, "value") == strconv.FormatInt(tag.ID, 10)
	})) != 1 {
		t.Fatal("the tag is not offered for a policy")
	}
	form := policyValues("pre", "after", "48", "hours", "limit", "0", "election week")
	form.Set("tag_id", strconv.FormatInt(tag.ID, 10))
	f.wantRedirect(t, f.post(t, editor, "/admin/discussion/tags", form), "/admin/discussion?flash=policy-saved#tag-"+strconv.FormatInt(tag.ID, 10))
	got, err := f.st.ArticlePolicy(ctx, art.ID)
	if want := (moderation.Policy{Mode: moderation.PreModerate, CloseAfter: 48 * time.Hour, MaxLinks: 0}); err != nil || got != want {
		t.Errorf("the tagged article's policy = %+v, %v; want %+v", got, err, want)
	}
	doc = f.wantPage(t, f.get(t, editor, "/admin/discussion"), http.StatusOK)
	row := within(t, doc, "tag-"+strconv.FormatInt(tag.ID, 10))
	if s := fxText(row); !strings.Contains(s, "every comment pre-moderated, closes 2 days after publication, no links") {
		t.Errorf("the tag's row says %q", s)
	}

	t.Run("a category's policy, only what it sets", func(t *testing.T) {
		form := policyValues("inherit", "inherit", "", "hours", "limit", "2", "")
		form.Set("category_id", strconv.FormatInt(art.CategoryID, 10))
		f.wantRedirect(t, f.post(t, editor, "/admin/discussion/categories", form),
			"/admin/discussion?flash=policy-saved#category-"+strconv.FormatInt(art.CategoryID, 10))
		p, err := f.st.DiscussionPolicy(ctx, store.CategoryScope, art.CategoryID)
		if err != nil || p.Mode != "" || p.CloseAfter != nil || p.MaxLinks == nil || *p.MaxLinks != 2 {
			t.Errorf("stored %+v, %v; want only the link limit", p, err)
		}
	})
	t.Run("inheriting everything removes the tag's policy", func(t *testing.T) {
		form := policyValues("inherit", "inherit", "", "hours", "inherit", "", "after the election")
		form.Set("tag_id", strconv.FormatInt(tag.ID, 10))
		f.post(t, editor, "/admin/discussion/tags", form).Body.Close()
		list, err := f.st.FindDiscussionPolicies(ctx, store.TagScope)
		if err != nil || len(list) != 0 {
			t.Errorf("tag policies = %v, %v; want none", list, err)
		}
	})
	t.Run("an unknown tag", func(t *testing.T) {
		form := policyValues("pre", "never", "", "hours", "any", "", "")
		form.Set("tag_id", "99999")
		resp := f.post(t, editor, "/admin/discussion/tags", form)
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("status %d, want 404", resp.StatusCode)
		}
	})
	t.Run("no tag chosen", func(t *testing.T) {
		doc := f.wantPage(t, f.post(t, editor, "/admin/discussion/tags", policyValues("pre", "never", "", "hours", "any", "", "")), http.StatusUnprocessableEntity)
		if !strings.Contains(fxText(within(t, doc, "tags")), "Choose a tag.") {
			t.Error("no message asks for a tag")
		}
	})
}

func TestDiscussion_ArticlePolicyInTheEditor(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	art := f.article(t, qalam.RoleAuthor, qalam.Published)
	path := "/admin/articles/" + strconv.FormatInt(art.ID, 10)

	t.Run("an author does not see it", func(t *testing.T) {
		draft := f.article(t, qalam.RoleAuthor, qalam.Draft)
		doc := f.wantPage(t, f.get(t, f.client(t, qalam.RoleAuthor), "/admin/articles/"+strconv.FormatInt(draft.ID, 10)), http.StatusOK)
		if len(fxFind(doc, func(n *html.Node) bool { return fxAttr(n, "id") == "discussion" })) != 0 {
			t.Error("the author's editor offers the discussion policy")
		}
	})

	editor := f.client(t, qalam.RoleEditor)
	doc := f.wantPage(t, f.get(t, editor, path), http.StatusOK)
	section := within(t, doc, "discussion")
	if s := fxText(section); !strings.Contains(s, "In force: first-time commenters held, never closes, any number of links.") {
		t.Errorf("the section says %q", s)
	}
	if checked(section, "mode") != "inherit" || checked(section, "close") != "inherit" || checked(section, "links") != "inherit" {
		t.Error("a new article's policy does not inherit everything")
	}

	f.wantRedirect(t, f.post(t, editor, path+"/discussion", policyValues("post", "after", "3", "days", "inherit", "", "a quiet story")),
		path+"?flash=policy-saved#discussion")
	got, err := f.st.ArticlePolicy(ctx, art.ID)
	if want := (moderation.Policy{Mode: moderation.PostModerate, CloseAfter: 72 * time.Hour, MaxLinks: moderation.NoLinkLimit}); err != nil || got != want {
		t.Errorf("policy = %+v, %v; want %+v", got, err, want)
	}
	doc = f.wantPage(t, f.get(t, editor, path), http.StatusOK)
	if s := fxText(within(t, doc, "discussion")); !strings.Contains(s, "closes "+art.PublishedAt.Add(72*time.Hour).UTC().Format("2006-01-02 15:04")+" UTC") {
		t.Errorf("the section does not say when it closes: %q", s)
	}

	resp := f.post(t, editor, path+"/discussion", policyValues("post", "inherit", "", "hours", "limit", "-3", ""))
	doc = f.wantPage(t, resp, http.StatusUnprocessableEntity)
	if msg := fxFieldError(within(t, doc, "discussion"), "max_links"); !strings.Contains(msg, "from 0 to 100") {
		t.Errorf("max_links error = %q", msg)
	}
}

func TestDiscussion_WordLists(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	mod := f.client(t, qalam.RoleModerator)

	f.wantPage(t, f.get(t, mod, "/admin/discussion/words"), http.StatusOK)
	form := url.Values{"hold": {"glimcoin\r\n  کالا\u200c جادو \r\n\r\n"}, "reject": {"zorbix\r\nبكواس"}, "reason": {"a new campaign"}}
	f.wantRedirect(t, f.post(t, mod, "/admin/discussion/words", form), "/admin/discussion/words?flash=words-saved")
	hold, reject, err := f.st.WordLists(ctx)
	if err != nil || strings.Join(hold, "|") != "glimcoin|کالا\u200c جادو" || strings.Join(reject, "|") != "zorbix|بكواس" {
		t.Errorf("lists = %q, %q, %v; want the terms as typed", hold, reject, err)
	}
	entries, _, err := f.st.FindAudit(ctx, store.AuditFilter{Action: store.AuditWordLists})
	if err != nil || len(entries) != 1 || entries[0].UserID != f.users[qalam.RoleModerator].ID || entries[0].Reason != "a new campaign" {
		t.Errorf("audit = %v, %v", entries, err)
	}
	doc := f.wantPage(t, f.get(t, mod, "/admin/discussion/words"), http.StatusOK)
	if got := fxText(fxInput(doc, "reject")); got != "zorbix بكواس" {
		t.Errorf("the reject list shows %q", got)
	}

	t.Run("a term with nothing to match is refused, the text kept", func(t *testing.T) {
		bad := url.Values{"hold": {"glimcoin\n…!\n"}, "reject": {"zorbix"}}
		doc := f.wantPage(t, f.post(t, mod, "/admin/discussion/words", bad), http.StatusUnprocessableEntity)
		if msg := fxText(within(t, doc, "words-hold-error")); !strings.Contains(msg, "Line 2") {
			t.Errorf("error = %q", msg)
		}
		if got := fxText(fxInput(doc, "hold")); got != "glimcoin …!" {
			t.Errorf("the typed text is not kept: %q", got)
		}
	})
	t.Run("a moderator may not set policies", func(t *testing.T) {
		resp := f.get(t, mod, "/admin/discussion")
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("status %d, want 403", resp.StatusCode)
		}
	})
}
