package admin

import (
	"net/http"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
)

func (a *Admin) showSettings(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	required, err := a.twoFactorRequired(r)
	if err != nil {
		return err
	}
	users, err := a.store.FindUsers(ctx)
	if err != nil {
		return err
	}
	me, _ := userFrom(ctx)
	feedContent, err := a.store.Setting(ctx, store.SettingFeedContent)
	if err != nil {
		return err
	}
	lang, err := a.store.Setting(ctx, store.SettingLanguage)
	if err != nil {
		return err
	}
	page := settingsPage{AdminPage: a.page(r, "Settings", "settings"), RequireTwoFactor: required, SelfWithout: !me.TwoFactor(),
		FeedExcerpts: feedContent == store.FeedExcerpts, SiteLanguage: qalam.Language(lang)}
	if !page.SiteLanguage.Valid() {
		page.SiteLanguage = qalam.English
	}
	for _, u := range users {
		if !u.Disabled && !u.TwoFactor() {
			page.WithoutTwoFactor++
		}
	}
	return a.view.Render(w, http.StatusOK, "admin/settings", page)
}

func (a *Admin) saveSettings(w http.ResponseWriter, r *http.Request) error {
	if err := readAccountForm(w, r); err != nil {
		return err
	}
	value := ""
	switch r.PostForm.Get("require_two_factor") {
	case "on":
		value = "on"
	case "":
	default:
		return qalam.Errorf(qalam.KindInvalid, "Unknown value for the two-factor setting.")
	}
	if err := a.store.SetSetting(r.Context(), settingRequireTwoFactor, value); err != nil {
		return err
	}
	// What feeds carry; a form without the field leaves it as it is.
	switch v := r.PostForm.Get("feed_content"); v {
	case store.FeedFullText, store.FeedExcerpts:
		if err := a.store.SetSetting(r.Context(), store.SettingFeedContent, v); err != nil {
			return err
		}
	case "":
	default:
		return qalam.Errorf(qalam.KindInvalid, "Unknown value for what feeds carry.")
	}
	// The language of the public site's interface; likewise.
	switch v := qalam.Language(r.PostForm.Get("site_language")); {
	case v.Valid():
		if err := a.store.SetSetting(r.Context(), store.SettingLanguage, string(v)); err != nil {
			return err
		}
	case v != "":
		return qalam.Errorf(qalam.KindInvalid, "Unknown language for the site.")
	}
	http.Redirect(w, r, "/admin/settings?flash=saved", http.StatusSeeOther)
	return nil
}
