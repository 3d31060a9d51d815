package admin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"golang.org/x/net/html"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/view"
)

func TestSettings_SiteLanguage(t *testing.T) {
	f := newFixture(t)
	admin := f.client(t, qalam.RoleAdmin)
	checked := func() string {
		t.Helper()
		doc := f.wantPage(t, f.get(t, admin, "/admin/settings"), http.StatusOK)
		var got string
		for _, in := range fxFind(doc, func(n *html.Node) bool { return n.Data == "input" && fxAttr(n, "name") == "site_language" }) {
			if fxHasAttr(in, "checked") {
				got += fxAttr(in, "value")
			}
		}
		return got
	}
	if got := checked(); got != "en" {
		t.Fatalf("checked by default = %q, want en", got)
	}
	tests := []struct {
		name       string
		form       url.Values
		wantStored string
		wantStatus int
	}{
		{"Urdu chosen", url.Values{"site_language": {"ur"}}, "ur", http.StatusSeeOther},
		{"a form without the field changes nothing", url.Values{"require_two_factor": {""}}, "ur", http.StatusSeeOther},
		{"unknown language refused", url.Values{"site_language": {"fr"}}, "ur", http.StatusUnprocessableEntity},
		{"English chosen again", url.Values{"site_language": {"en"}}, "en", http.StatusSeeOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := f.post(t, admin, "/admin/settings", tt.form)
			resp.Body.Close()
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status = %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			if v, _ := f.st.Setting(context.Background(), store.SettingLanguage); v != tt.wantStored {
				t.Errorf("stored %q, want %q", v, tt.wantStored)
			}
			if got := checked(); got != tt.wantStored {
				t.Errorf("form shows %q checked, want %q", got, tt.wantStored)
			}
		})
	}
}

func TestEditor_LinksATranslation(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	editor := f.client(t, qalam.RoleEditor)
	en := f.article(t, qalam.RoleEditor, qalam.Published)
	ur := f.article(t, qalam.RoleEditor, qalam.Draft, func(a *qalam.Article) { a.Language, a.Slug = qalam.Urdu, "کتب-خانہ" })
	otherEn := f.article(t, qalam.RoleEditor, qalam.Draft)
	editorsUrdu := f.article(t, qalam.RoleEditor, qalam.Draft, func(a *qalam.Article) { a.Language = qalam.Urdu })
	translationOf := func(a *qalam.Article) string {
		tr, err := f.st.Translation(ctx, a.ID)
		if errors.Is(err, qalam.ErrNotFound) {
			return ""
		}
		if err != nil {
			t.Fatal(err)
		}
		return tr.Slug
	}
	save := func(t *testing.T, c *http.Client, a *qalam.Article, translation string, want int) *http.Response {
		t.Helper()
		v := f.artEditorValues(t, c, a.ID)
		v.Set("translation", translation)
		v.Set("note", "Linked the translation.")
		resp := f.post(t, c, fmt.Sprintf("/admin/articles/%d", a.ID), v)
		if resp.StatusCode != want {
			resp.Body.Close()
			t.Fatalf("save: status %d, want %d", resp.StatusCode, want)
		}
		return resp
	}

	t.Run("named by its public address, linked both ways", func(t *testing.T) {
		save(t, editor, en, "https://news.example"+view.ArticlePath(ur.Slug), http.StatusSeeOther).Body.Close()
		if got := translationOf(en); got != ur.Slug {
			t.Errorf("translation of the English article = %q, want %q", got, ur.Slug)
		}
		if got := translationOf(ur); got != en.Slug {
			t.Errorf("translation of the Urdu article = %q, want %q", got, en.Slug)
		}
		if got := f.artEditorValues(t, editor, ur.ID).Get("translation"); got != en.Slug {
			t.Errorf("the Urdu article's editor shows %q, want %q", got, en.Slug)
		}
	})
	refused := []struct {
		name, translation string
		role              qalam.Role
	}{
		{"no such article", "no-such-article", qalam.RoleEditor},
		{"the same language", otherEn.Slug, qalam.RoleEditor},
		{"an article the user may not edit", editorsUrdu.Slug, qalam.RoleAuthor},
	}
	for _, tt := range refused {
		t.Run("refused at the field: "+tt.name, func(t *testing.T) {
			subject, c := en, editor
			if tt.role == qalam.RoleAuthor {
				subject, c = f.article(t, qalam.RoleAuthor, qalam.Draft), f.client(t, qalam.RoleAuthor)
			}
			before := translationOf(subject)
			resp := save(t, c, subject, tt.translation, http.StatusUnprocessableEntity)
			if msg := artFieldError(f.page(t, resp), "translation"); msg == "" {
				t.Error("no message at the translation field")
			}
			if got := translationOf(subject); got != before {
				t.Errorf("translation changed to %q", got)
			}
		})
	}
	t.Run("emptied, the link goes from both sides", func(t *testing.T) {
		save(t, editor, ur, "", http.StatusSeeOther).Body.Close()
		if a, b := translationOf(en), translationOf(ur); a != "" || b != "" {
			t.Errorf("translations = %q, %q; want none", a, b)
		}
	})
}

func TestEditor_FeaturesTheLeadStory(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := f.article(t, qalam.RoleEditor, qalam.Published)
	b := f.article(t, qalam.RoleEditor, qalam.Published)
	featured := func() string {
		v, err := f.st.Setting(ctx, store.SettingFeaturedArticle)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	set := func(t *testing.T, role qalam.Role, art *qalam.Article, on bool) {
		t.Helper()
		c := f.client(t, role)
		v := f.artEditorValues(t, c, art.ID)
		if _, offered := v["featured"]; offered != (featured() == strconv.FormatInt(art.ID, 10)) {
			t.Fatalf("the box's state does not match the setting")
		}
		v.Del("featured")
		if on {
			v.Set("featured", "on")
		}
		v.Set("note", "Front page.")
		artWantStatus(t, f.post(t, c, fmt.Sprintf("/admin/articles/%d", art.ID), v), http.StatusSeeOther)
	}
	t.Run("an editor makes an article the lead", func(t *testing.T) {
		set(t, qalam.RoleEditor, a, true)
		if got := featured(); got != strconv.FormatInt(a.ID, 10) {
			t.Errorf("featured = %q, want %d", got, a.ID)
		}
	})
	t.Run("featuring another replaces it", func(t *testing.T) {
		set(t, qalam.RoleEditor, b, true)
		if got := featured(); got != strconv.FormatInt(b.ID, 10) {
			t.Errorf("featured = %q, want %d", got, b.ID)
		}
	})
	t.Run("saving another article leaves the lead alone", func(t *testing.T) {
		set(t, qalam.RoleEditor, a, false)
		if got := featured(); got != strconv.FormatInt(b.ID, 10) {
			t.Errorf("featured = %q, want %d", got, b.ID)
		}
	})
	t.Run("unticked, the lead goes back to the newest", func(t *testing.T) {
		set(t, qalam.RoleEditor, b, false)
		if got := featured(); got != "" {
			t.Errorf("featured = %q, want none", got)
		}
	})
	t.Run("an author is not offered the box", func(t *testing.T) {
		own := f.article(t, qalam.RoleAuthor, qalam.Draft)
		doc := f.wantPage(t, f.get(t, f.client(t, qalam.RoleAuthor), fmt.Sprintf("/admin/articles/%d", own.ID)), http.StatusOK)
		if fxInput(doc, "featured") != nil {
			t.Error("an author's editor offers to feature the article")
		}
	})
}
