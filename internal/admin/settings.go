package admin

import (
	"net/http"

	"github.com/qalamnews/qalam"
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
	page := settingsPage{AdminPage: a.page(r, "Settings", "settings"), RequireTwoFactor: required, SelfWithout: !me.TwoFactor()}
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
	http.Redirect(w, r, "/admin/settings?flash=saved", http.StatusSeeOther)
	return nil
}
