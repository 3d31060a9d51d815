package admin

import (
	"encoding/base64"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/auth"
	"github.com/qalamnews/qalam/internal/store"
)

// accountRoutes: signing in and out, the dashboard, one's own account,
// staff accounts and site settings.
func (a *Admin) accountRoutes() []route {
	return []route{
		// Public: the sign-in pages and signing out.
		{method: "GET", pattern: "/admin/login", handle: a.showLogin},
		{method: "POST", pattern: "/admin/login", handle: a.login},
		{method: "GET", pattern: "/admin/login/two-factor", handle: a.showTwoFactor},
		{method: "POST", pattern: "/admin/login/two-factor", handle: a.verifyTwoFactor},
		{method: "POST", pattern: "/admin/logout", handle: a.logout},

		{method: "GET", pattern: "/admin", action: qalam.ActViewDashboard, handle: a.showDashboard},
		{method: "GET", pattern: "/admin/{$}", action: qalam.ActViewDashboard, handle: a.showDashboard},

		{method: "GET", pattern: "/admin/account", action: qalam.ActManageOwnAccount, handle: a.showAccount},
		{method: "POST", pattern: "/admin/account/password", action: qalam.ActManageOwnAccount, handle: a.changePassword},
		{method: "POST", pattern: "/admin/account/two-factor", action: qalam.ActManageOwnAccount, handle: a.enableTwoFactor},
		{method: "POST", pattern: "/admin/account/two-factor/disable", action: qalam.ActManageOwnAccount, handle: a.disableTwoFactor},

		{method: "GET", pattern: "/admin/users", action: qalam.ActManageUsers, handle: a.listStaff},
		{method: "GET", pattern: "/admin/users/new", action: qalam.ActManageUsers, handle: a.newStaff},
		{method: "POST", pattern: "/admin/users/new", action: qalam.ActManageUsers, handle: a.createStaff},
		{method: "GET", pattern: "/admin/users/{id}", action: qalam.ActManageUsers, target: a.userTarget, handle: a.showStaff},
		{method: "POST", pattern: "/admin/users/{id}", action: qalam.ActManageUsers, target: a.userTarget, handle: a.updateStaff},
		{method: "POST", pattern: "/admin/users/{id}/sessions/end", action: qalam.ActManageUsers, target: a.userTarget, handle: a.endStaffSessions},
		{method: "POST", pattern: "/admin/users/{id}/two-factor/reset", action: qalam.ActManageUsers, target: a.userTarget, handle: a.resetStaffTwoFactor},

		// One's own alerts about waiting comments, set on the account page
		// but a moderation matter: only those who moderate may.
		{method: "POST", pattern: "/admin/comments/alerts", action: qalam.ActModerate, handle: a.setModeratorAlerts},

		{method: "GET", pattern: "/admin/settings", action: qalam.ActManageSettings, handle: a.showSettings},
		{method: "POST", pattern: "/admin/settings", action: qalam.ActManageSettings, handle: a.saveSettings},
	}
}

// maxAccountForm bounds the body of every form in this file: a few short
// fields each.
const maxAccountForm = 16 << 10

// readAccountForm parses a small urlencoded form into r.PostForm.
func readAccountForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxAccountForm)
	if err := r.ParseForm(); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return err // the adapter answers 413
		}
		return qalam.Errorf(qalam.KindInvalid, "We could not read that form. Please try again.")
	}
	return nil
}

// localNext returns next when it is a page of the newsroom on this site,
// else "". Browsers treat //host, /\host and the like as other sites, so
// only a plain absolute path under /admin passes (SECURITY.md 2.11); the
// sign-in pages themselves are refused so that signing in cannot loop.
func localNext(next string) string {
	if next == "" || len(next) > 2000 || strings.HasPrefix(next, "//") {
		return ""
	}
	for _, c := range next {
		if c < 0x20 || c == 0x7f || c == '\\' {
			return ""
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return ""
	}
	clean := path.Clean(u.Path)
	if clean != "/admin" && !strings.HasPrefix(clean, "/admin/") {
		return ""
	}
	if clean == "/admin/login" || strings.HasPrefix(clean, "/admin/login/") || clean == "/admin/logout" {
		return ""
	}
	return next
}

// afterSignIn is where a signed-in user goes: next if it is local, else
// the dashboard.
func afterSignIn(next string) string {
	if n := localNext(next); n != "" {
		return n
	}
	return "/admin"
}

// withNext appends ?next= to a sign-in address when next is local.
func withNext(to, next string) string {
	if n := localNext(next); n != "" {
		return to + "?next=" + url.QueryEscape(n)
	}
	return to
}

func (a *Admin) showLogin(w http.ResponseWriter, r *http.Request) error {
	next := r.URL.Query().Get("next")
	if u, _ := userFrom(r.Context()); u != nil {
		http.Redirect(w, r, afterSignIn(next), http.StatusSeeOther)
		return nil
	}
	page := loginPage{AdminPage: a.page(r, "Sign in", ""), Next: localNext(next)}
	return a.view.Render(w, http.StatusOK, "admin/login", page)
}

func (a *Admin) login(w http.ResponseWriter, r *http.Request) error {
	if err := readAccountForm(w, r); err != nil {
		return err
	}
	email := strings.TrimSpace(r.PostForm.Get("email"))
	next := r.PostForm.Get("next")
	u, err := a.sessions.Login(r.Context(), w, r, email, r.PostForm.Get("password"), a.opts.ClientKey(r))
	if err != nil {
		// Wrong credentials and throttling are Sessions' to word; the
		// form comes back with the email kept.
		kind := qalam.KindOf(err)
		if kind != qalam.KindUnauthorized && kind != qalam.KindTooMany && kind != qalam.KindInvalid {
			return err
		}
		page := loginPage{AdminPage: a.page(r, "Sign in", ""), Email: email, Next: localNext(next)}
		page.Error = qalam.MessageOf(err)
		if kind == qalam.KindTooMany {
			w.Header().Set("Retry-After", "900")
		}
		return a.view.Render(w, statusOf[kind], "admin/login", page)
	}
	if u.TwoFactor() {
		http.Redirect(w, r, withNext("/admin/login/two-factor", next), http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, afterSignIn(next), http.StatusSeeOther)
	return nil
}

// pendingTwoFactor reports whether the request's session waits for its
// second factor (true), is complete (false, nil), or is missing (an error
// of KindUnauthorized).
func (a *Admin) pendingTwoFactor(r *http.Request) (bool, error) {
	_, sess, err := a.sessions.Current(r.Context(), r)
	switch {
	case err == nil:
		return false, nil
	case sess != nil && qalam.KindOf(err) == qalam.KindUnauthorized:
		return true, nil
	}
	return false, err
}

func (a *Admin) showTwoFactor(w http.ResponseWriter, r *http.Request) error {
	next := r.URL.Query().Get("next")
	pending, err := a.pendingTwoFactor(r)
	if qalam.KindOf(err) == qalam.KindUnauthorized {
		http.Redirect(w, r, withNext("/admin/login", next), http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	if !pending {
		http.Redirect(w, r, afterSignIn(next), http.StatusSeeOther)
		return nil
	}
	page := twoFactorPage{AdminPage: a.page(r, "Two-factor sign-in", ""), Next: localNext(next)}
	return a.view.Render(w, http.StatusOK, "admin/two-factor", page)
}

func (a *Admin) verifyTwoFactor(w http.ResponseWriter, r *http.Request) error {
	if err := readAccountForm(w, r); err != nil {
		return err
	}
	next := r.PostForm.Get("next")
	err := a.sessions.VerifyTwoFactor(r.Context(), r, r.PostForm.Get("code"))
	switch kind := qalam.KindOf(err); {
	case err == nil:
		http.Redirect(w, r, afterSignIn(next), http.StatusSeeOther)
		return nil
	case kind == qalam.KindUnauthorized:
		// No session waits for a code (it expired, or the password step
		// was skipped): start again.
		http.Redirect(w, r, withNext("/admin/login", next), http.StatusSeeOther)
		return nil
	case kind == qalam.KindInvalid || kind == qalam.KindTooMany:
		page := twoFactorPage{AdminPage: a.page(r, "Two-factor sign-in", ""), Next: localNext(next)}
		page.Error = qalam.MessageOf(err)
		if kind == qalam.KindTooMany {
			w.Header().Set("Retry-After", "900")
		}
		return a.view.Render(w, statusOf[kind], "admin/two-factor", page)
	default:
		return err
	}
}

// logout ends the request's session, if any (a half-finished two-factor
// sign-in included), and says so on the sign-in page.
func (a *Admin) logout(w http.ResponseWriter, r *http.Request) error {
	if err := a.sessions.Logout(r.Context(), w, r); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/login?flash=signed-out", http.StatusSeeOther)
	return nil
}

// Dashboard list lengths.
const dashboardListLen = 8

func (a *Admin) showDashboard(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, _ := userFrom(ctx)
	page := dashboardPage{AdminPage: a.page(r, "Dashboard", "dashboard"), TwoFactor: u.TwoFactor()}
	required, err := a.twoFactorRequired(r)
	if err != nil {
		return err
	}
	page.Required = required
	if !qalam.Can(u, qalam.ActListArticles, qalam.Target{}) {
		return a.view.Render(w, http.StatusOK, "admin/dashboard", page)
	}
	page.Articles = true
	filter := store.ArticleFilter{}
	// Whoever may not edit others' drafts sees only their own articles.
	if !qalam.Can(u, qalam.ActEditArticle, qalam.Target{Status: qalam.Draft}) {
		page.Own = true
		profile, err := a.store.AuthorByUser(ctx, u.ID)
		if errors.Is(err, qalam.ErrNotFound) {
			// No byline, so no articles of one's own yet.
			for _, s := range qalam.ArticleStatuses {
				page.Counts = append(page.Counts, statusCount{Status: s})
			}
			return a.view.Render(w, http.StatusOK, "admin/dashboard", page)
		}
		if err != nil {
			return err
		}
		filter.AuthorID = profile.ID
	}
	for _, s := range qalam.ArticleStatuses {
		f := filter
		f.Status, f.Limit = &s, 1
		_, n, err := a.store.FindArticles(ctx, f)
		if err != nil {
			return err
		}
		page.Counts = append(page.Counts, statusCount{Status: s, Count: n})
	}
	for _, list := range []struct {
		status qalam.ArticleStatus
		dst    *[]*qalam.Article
	}{{qalam.Submitted, &page.Submitted}, {qalam.Draft, &page.Drafts}} {
		f := filter
		f.Status, f.Limit = &list.status, dashboardListLen
		arts, _, err := a.store.FindArticles(ctx, f)
		if err != nil {
			return err
		}
		*list.dst = arts
	}
	return a.view.Render(w, http.StatusOK, "admin/dashboard", page)
}

// twoFactorRequired reports whether the newsroom demands two-factor
// sign-in of all staff (the setting guard.go enforces).
func (a *Admin) twoFactorRequired(r *http.Request) (bool, error) {
	v, err := a.store.Setting(r.Context(), settingRequireTwoFactor)
	return v == "on", err
}

func (a *Admin) showAccount(w http.ResponseWriter, r *http.Request) error {
	return a.renderAccount(w, r, http.StatusOK, accountPage{})
}

// renderAccount fills in what every state of the account page shows.
func (a *Admin) renderAccount(w http.ResponseWriter, r *http.Request, status int, page accountPage) error {
	u, _ := userFrom(r.Context())
	required, err := a.twoFactorRequired(r)
	if err != nil {
		return err
	}
	base := a.page(r, "Your account", "account")
	base.Error = page.Error
	page.AdminPage = base
	page.TwoFactor, page.Required = u.TwoFactor(), required
	if qalam.Can(u, qalam.ActModerate, qalam.Target{}) {
		on, err := a.store.ModeratorAlerts(r.Context(), u.ID)
		if err != nil {
			return err
		}
		every := a.opts.AlertEvery
		if every <= 0 {
			every = 30 * time.Minute // package jobs' default
		}
		page.Alerts = alertsView{Offered: true, Mail: a.opts.Mail, On: on, Every: spell(every)}
	}
	if page.Password.Errors == nil {
		page.Password.Errors = qalam.FieldErrors{}
	}
	return a.view.Render(w, status, "admin/account", page)
}

// accountFormError sends a form back when err is about what was typed (field
// errors, a wrong password, throttling), with its status; ok is false for
// any other error, which the caller returns.
func accountFormError(err error) (fields qalam.FieldErrors, msg string, status int, ok bool) {
	qe, isQ := errors.AsType[*qalam.Error](err)
	if !isQ {
		return nil, "", 0, false
	}
	switch qe.Kind {
	case qalam.KindInvalid, qalam.KindTooMany, qalam.KindConflict:
		return qe.Fields, qalam.MessageOf(err), statusOf[qe.Kind], true
	}
	return nil, "", 0, false
}

func (a *Admin) changePassword(w http.ResponseWriter, r *http.Request) error {
	if err := readAccountForm(w, r); err != nil {
		return err
	}
	u, sess := userFrom(r.Context())
	current := r.PostForm.Get("current_password")
	next := r.PostForm.Get("new_password")
	errs := qalam.FieldErrors{}
	if current == "" {
		errs["current_password"] = "Enter your current password."
	}
	if err := auth.ValidatePassword(next); err != nil {
		errs["new_password"] = qalam.MessageOf(err)
	}
	if next != r.PostForm.Get("confirm_password") {
		errs["confirm_password"] = "The two new passwords differ. Type the same one twice."
	}
	if len(errs) > 0 {
		page := accountPage{Password: passwordView{Errors: errs}}
		page.Error = "Your password was not changed. Please correct the marked fields."
		return a.renderAccount(w, r, http.StatusUnprocessableEntity, page)
	}
	if err := a.sessions.ChangePassword(r.Context(), u, sess, current, next); err != nil {
		fields, msg, status, ok := accountFormError(err)
		if !ok {
			return err
		}
		page := accountPage{Password: passwordView{Errors: fields}}
		page.Error = "Your password was not changed. " + msg
		if status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "900")
		}
		return a.renderAccount(w, r, status, page)
	}
	http.Redirect(w, r, "/admin/account?flash=password-changed", http.StatusSeeOther)
	return nil
}

// enableTwoFactor is both steps of turning two-factor sign-in on. Without
// a secret it makes one and shows it, to be added to an authenticator
// app; with one (sent back in a hidden field) it checks the code the app
// made from it, which proves the app holds the very secret that is then
// stored. A secret the client altered proves the same, so it needs no
// signature. The page is rendered in answer to a POST so the secret never
// appears in an address or the browser's history.
func (a *Admin) enableTwoFactor(w http.ResponseWriter, r *http.Request) error {
	if err := readAccountForm(w, r); err != nil {
		return err
	}
	u, _ := userFrom(r.Context())
	if u.TwoFactor() {
		http.Redirect(w, r, "/admin/account", http.StatusSeeOther)
		return nil
	}
	secret := strings.TrimSpace(r.PostForm.Get("secret"))
	if _, err := auth.TOTPCode(secret, a.now()); secret == "" || err != nil {
		fresh, err := auth.NewTOTPSecret()
		if err != nil {
			return err
		}
		return a.renderAccount(w, r, http.StatusOK, accountPage{Enrol: a.enrolment(u, fresh)})
	}
	err := a.sessions.EnableTwoFactor(r.Context(), u, secret, r.PostForm.Get("code"))
	if err != nil {
		_, msg, status, ok := accountFormError(err)
		if !ok {
			return err
		}
		if status == http.StatusConflict { // on already, from another tab
			http.Redirect(w, r, "/admin/account", http.StatusSeeOther)
			return nil
		}
		enrol := a.enrolment(u, secret)
		enrol.Error = msg
		return a.renderAccount(w, r, status, accountPage{Enrol: enrol})
	}
	http.Redirect(w, r, "/admin/account?flash=two-factor-on", http.StatusSeeOther)
	return nil
}

// enrolment describes a new secret for the user's authenticator app.
func (a *Admin) enrolment(u *qalam.User, secret string) *enrolView {
	issuer := a.opts.SiteName
	if issuer == "" {
		issuer = "Qalam"
	}
	uri := auth.TOTPURI(issuer, u.Email, secret)
	e := &enrolView{Secret: secret, Grouped: groupSecret(secret), URI: uri}
	// TOTPURI escaped every part, so the otpauth: link is ours alone; it
	// is marked safe because html/template refuses schemes it does not know.
	e.Link = template.URL(uri)
	// Without a QR code the secret is typed in by hand, which every app
	// allows, so a failure here only loses a convenience.
	if png, err := auth.TOTPQRCode(uri); err == nil {
		e.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
	}
	return e
}

// groupSecret spaces the secret in fours, as apps show it, for typing.
func groupSecret(s string) string {
	var b strings.Builder
	for i, c := range s {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func (a *Admin) disableTwoFactor(w http.ResponseWriter, r *http.Request) error {
	if err := readAccountForm(w, r); err != nil {
		return err
	}
	u, _ := userFrom(r.Context())
	if err := a.sessions.DisableTwoFactor(r.Context(), u, r.PostForm.Get("password")); err != nil {
		fields, msg, status, ok := accountFormError(err)
		if !ok {
			return err
		}
		page := accountPage{DisableError: fields["password"]}
		if page.DisableError == "" {
			page.DisableError = msg
		}
		if status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "900")
		}
		return a.renderAccount(w, r, status, page)
	}
	http.Redirect(w, r, "/admin/account?flash=two-factor-off", http.StatusSeeOther)
	return nil
}

// spell writes a whole number of hours or minutes as staff read it.
func spell(d time.Duration) string {
	n, unit := int(d/time.Minute), "minute"
	if d >= time.Hour && d%time.Hour == 0 {
		n, unit = int(d/time.Hour), "hour"
	}
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}

// setModeratorAlerts turns the user's email about waiting comments on or
// off (the "alerts" box of the account page).
func (a *Admin) setModeratorAlerts(w http.ResponseWriter, r *http.Request) error {
	if err := readAccountForm(w, r); err != nil {
		return err
	}
	u, _ := userFrom(r.Context())
	on := r.PostForm.Get("alerts") != ""
	if on && !a.opts.Mail {
		return qalam.Errorf(qalam.KindConflict, "This site cannot send email, so alerts cannot be turned on.")
	}
	if err := a.store.SetModeratorAlerts(r.Context(), u.ID, on); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/account?flash=saved#alerts", http.StatusSeeOther)
	return nil
}
