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
	"github.com/qalamnews/qalam/internal/auth"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/view"
)

func TestAccount_SignInAndOut(t *testing.T) {
	f := newFixture(t)
	c := f.anonymous()

	f.wantRedirect(t, f.get(t, c, "/admin/account"), "/admin/login?next=%2Fadmin%2Faccount")
	doc := f.wantPage(t, f.get(t, c, "/admin/login?next=%2Fadmin%2Faccount"), http.StatusOK)
	if fxInput(doc, "email") == nil || fxInput(doc, "password") == nil {
		t.Fatal("sign-in page has no email and password fields")
	}
	if got := fxAttr(fxInput(doc, "next"), "value"); got != "/admin/account" {
		t.Errorf("next field = %q, want /admin/account", got)
	}

	u := f.users[qalam.RoleEditor]
	form := url.Values{"email": {u.Email}, "password": {fixturePassword}, "next": {"/admin/account"}}
	f.wantRedirect(t, f.post(t, c, "/admin/login", form), "/admin/account")
	doc = f.wantPage(t, f.get(t, c, "/admin"), http.StatusOK)
	if got := fxText(fxByClass(doc, "admin-user")[0]); !strings.Contains(got, u.Name) {
		t.Errorf("signed-in bar = %q, want the user's name", got)
	}
	f.wantRedirect(t, f.get(t, c, "/admin/login"), "/admin")

	f.wantRedirect(t, f.post(t, c, "/admin/logout", nil), "/admin/login?flash=signed-out")
	doc = f.wantPage(t, f.get(t, c, "/admin/login?flash=signed-out"), http.StatusOK)
	if got := fxNotice(doc, "ok"); got != "You are signed out." {
		t.Errorf("flash = %q", got)
	}
	f.wantRedirect(t, f.get(t, c, "/admin"), "/admin/login?next=%2Fadmin")
}

func TestAccount_WrongPasswordKeepsEmail(t *testing.T) {
	f := newFixture(t)
	c := f.anonymous()
	email := f.users[qalam.RoleAuthor].Email
	for _, form := range []url.Values{
		{"email": {email}, "password": {"not the password at all"}},
		{"email": {"nobody@example.com"}, "password": {fixturePassword}},
	} {
		doc := f.wantPage(t, f.post(t, c, "/admin/login", form), http.StatusUnauthorized)
		if got := fxNotice(doc, "error"); got != "Wrong email or password." {
			t.Errorf("message = %q", got)
		}
		if got := fxAttr(fxInput(doc, "email"), "value"); got != form.Get("email") {
			t.Errorf("email field = %q, want what was typed", got)
		}
		if got := fxAttr(fxInput(doc, "password"), "value"); got != "" {
			t.Errorf("the password was sent back: %q", got)
		}
	}
	f.wantRedirect(t, f.get(t, c, "/admin"), "/admin/login?next=%2Fadmin")
}

func TestAccount_ThrottlingRefusesWithMessage(t *testing.T) {
	f := newFixture(t)
	c := f.anonymous()
	email := f.users[qalam.RoleAuthor].Email
	var resp *http.Response
	for i := range 40 {
		resp = f.post(t, c, "/admin/login", url.Values{"email": {email}, "password": {"guess number " + strconv.Itoa(i)}})
		if resp.StatusCode != http.StatusUnauthorized {
			break
		}
		resp.Body.Close()
	}
	doc := f.wantPage(t, resp, http.StatusTooManyRequests)
	if got := fxNotice(doc, "error"); !strings.Contains(got, "Too many failed sign-in attempts") {
		t.Errorf("message = %q", got)
	}
	if resp.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	// Even the right password is refused until the window passes.
	right := url.Values{"email": {email}, "password": {fixturePassword}}
	f.wantPage(t, f.post(t, c, "/admin/login", right), http.StatusTooManyRequests)
	f.clock.advance(16 * time.Minute)
	f.wantRedirect(t, f.post(t, c, "/admin/login", right), "/admin")
}

func TestAccount_NextStaysInTheNewsroom(t *testing.T) {
	f := newFixture(t)
	u := f.users[qalam.RoleEditor]
	tests := []struct{ next, want string }{
		{"//evil.example", "/admin"},
		{"//evil.example/admin", "/admin"},
		{"https://evil.example/admin", "/admin"},
		{"/\\evil.example", "/admin"},
		{"/admin\\..\\..\\evil", "/admin"},
		{"/admin/../evil", "/admin"},
		{"/admin/%2e%2e/evil", "/admin"},
		{"javascript:alert(1)", "/admin"},
		{"/admin\t/x", "/admin"},
		{"/site-page", "/admin"},
		{"/admin/login", "/admin"},
		{"/admin/users?flash=saved", "/admin/users?flash=saved"},
	}
	for _, tt := range tests {
		t.Run(tt.next, func(t *testing.T) {
			c := f.anonymous()
			doc := f.wantPage(t, f.get(t, c, "/admin/login?next="+url.QueryEscape(tt.next)), http.StatusOK)
			if got := fxAttr(fxInput(doc, "next"), "value"); tt.want == "/admin" && got != "" {
				t.Errorf("the form carries next = %q", got)
			}
			form := url.Values{"email": {u.Email}, "password": {fixturePassword}, "next": {tt.next}}
			f.wantRedirect(t, f.post(t, c, "/admin/login", form), tt.want)
			f.wantRedirect(t, f.get(t, c, "/admin/login?next="+url.QueryEscape(tt.next)), tt.want)
		})
	}
}

// acctEnrol turns two-factor sign-in on for the client's user through the
// account page and returns the secret.
func acctEnrol(t *testing.T, f *fixture, c *http.Client) string {
	t.Helper()
	doc := f.wantPage(t, f.post(t, c, "/admin/account/two-factor", nil), http.StatusOK)
	secret := fxAttr(fxInput(doc, "secret"), "value")
	if secret == "" || fxAttr(fxInput(doc, "secret"), "type") != "hidden" {
		t.Fatal("no hidden secret on the enrolment step")
	}
	if got := fxText(fxByClass(doc, "account-secret")[0]); strings.ReplaceAll(got, " ", "") != secret {
		t.Errorf("key shown = %q, want the secret %q", got, secret)
	}
	imgs := fxByClass(doc, "account-qr")
	if len(imgs) != 1 || !strings.HasPrefix(fxAttr(imgs[0], "src"), "data:image/png;base64,") || fxAttr(imgs[0], "alt") == "" {
		t.Error("no QR code image with alt text")
	}
	var link bool
	for _, a := range fxByTag(doc, "a") {
		if strings.HasPrefix(fxAttr(a, "href"), "otpauth://totp/") && strings.Contains(fxAttr(a, "href"), "secret="+secret) {
			link = true
		}
	}
	if !link {
		t.Error("no otpauth link")
	}
	code, err := auth.TOTPCode(secret, f.clock.now())
	if err != nil {
		t.Fatal(err)
	}
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	doc = f.wantPage(t, f.post(t, c, "/admin/account/two-factor", url.Values{"secret": {secret}, "code": {wrong}}), http.StatusUnprocessableEntity)
	if fxFieldError(doc, "code") == "" {
		t.Error("a wrong code has no message at the field")
	}
	if got := fxAttr(fxInput(doc, "secret"), "value"); got != secret {
		t.Errorf("after a wrong code the secret is %q, want the same %q", got, secret)
	}
	f.wantRedirect(t, f.post(t, c, "/admin/account/two-factor", url.Values{"secret": {secret}, "code": {code}}), "/admin/account?flash=two-factor-on")
	return secret
}

func TestAccount_TwoFactorEnrolThenSignIn(t *testing.T) {
	f := newFixture(t)
	u := f.users[qalam.RoleAuthor]
	c := f.client(t, qalam.RoleAuthor)
	secret := acctEnrol(t, f, c)
	stored, err := f.st.User(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.TOTPSecret == "" {
		t.Fatal("two-factor sign-in is not on in the store")
	}
	doc := f.wantPage(t, f.get(t, c, "/admin/account?flash=two-factor-on"), http.StatusOK)
	if got := fxText(fxByClass(doc, "account-on")[0]); got != "on" {
		t.Errorf("account page says two-factor sign-in is %q", got)
	}

	// Signing in now asks for the code, and nothing else works meanwhile.
	c2 := f.anonymous()
	form := url.Values{"email": {u.Email}, "password": {fixturePassword}, "next": {"/admin/account"}}
	f.wantRedirect(t, f.post(t, c2, "/admin/login", form), "/admin/login/two-factor?next=%2Fadmin%2Faccount")
	f.wantRedirect(t, f.get(t, c2, "/admin"), "/admin/login/two-factor?next=%2Fadmin")
	resp := f.post(t, c2, "/admin/account/password", url.Values{})
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("POST with the second factor pending: status %d, want 403", resp.StatusCode)
	}
	doc = f.wantPage(t, f.get(t, c2, "/admin/login/two-factor?next=%2Fadmin%2Faccount"), http.StatusOK)
	if fxInput(doc, "code") == nil {
		t.Fatal("no code field")
	}
	doc = f.wantPage(t, f.post(t, c2, "/admin/login/two-factor", url.Values{"code": {"12345x"}, "next": {"/admin/account"}}), http.StatusUnprocessableEntity)
	if fxNotice(doc, "error") == "" {
		t.Error("a wrong code has no message")
	}
	f.clock.advance(time.Minute)
	code, err := auth.TOTPCode(secret, f.clock.now())
	if err != nil {
		t.Fatal(err)
	}
	f.wantRedirect(t, f.post(t, c2, "/admin/login/two-factor", url.Values{"code": {code[:3] + " " + code[3:]}, "next": {"/admin/account"}}), "/admin/account")
	f.wantPage(t, f.get(t, c2, "/admin"), http.StatusOK)
	f.wantRedirect(t, f.get(t, c2, "/admin/login/two-factor"), "/admin")

	// Turning it off takes the password.
	doc = f.wantPage(t, f.post(t, c2, "/admin/account/two-factor/disable", url.Values{"password": {"wrong password here"}}), http.StatusUnprocessableEntity)
	if fxFieldError(doc, "password") == "" {
		t.Error("a wrong password has no message at the field")
	}
	f.wantRedirect(t, f.post(t, c2, "/admin/account/two-factor/disable", url.Values{"password": {fixturePassword}}), "/admin/account?flash=two-factor-off")
	if stored, _ := f.st.User(context.Background(), u.ID); stored.TOTPSecret != "" {
		t.Error("two-factor sign-in is still on in the store")
	}
}

func TestAccount_RequiredTwoFactorSendsToAccountPage(t *testing.T) {
	f := newFixture(t)
	admin := f.client(t, qalam.RoleAdmin)
	editor := f.client(t, qalam.RoleEditor)
	doc := f.wantPage(t, f.get(t, admin, "/admin/settings"), http.StatusOK)
	if in := fxInput(doc, "require_two_factor"); in == nil || fxAttr(in, "type") != "checkbox" {
		t.Fatal("no require-two-factor checkbox")
	}
	f.wantRedirect(t, f.post(t, admin, "/admin/settings", url.Values{"require_two_factor": {"on"}}), "/admin/settings?flash=saved")
	if v, _ := f.st.Setting(context.Background(), settingRequireTwoFactor); v != "on" {
		t.Fatalf("setting = %q", v)
	}

	f.wantRedirect(t, f.get(t, editor, "/admin"), "/admin/account?flash=two-factor-required")
	f.wantRedirect(t, f.get(t, editor, "/admin/users"), "/admin/account?flash=two-factor-required")
	doc = f.wantPage(t, f.get(t, editor, "/admin/account?flash=two-factor-required"), http.StatusOK)
	if got := fxNotice(doc, "ok"); !strings.Contains(got, "requires two-factor sign-in") {
		t.Errorf("flash = %q", got)
	}
	boxes := fxByClass(doc, "account-required")
	if len(boxes) != 1 {
		t.Fatal("the account page does not say two-factor sign-in is required")
	}
	forms := fxFind(boxes[0], func(n *html.Node) bool { return n.Data == "form" && fxAttr(n, "action") == "/admin/account/two-factor" })
	if len(forms) != 1 || fxAttr(forms[0], "method") != "post" {
		t.Error("the requirement box offers no way to turn it on")
	}

	acctEnrol(t, f, editor)
	f.wantPage(t, f.get(t, editor, "/admin"), http.StatusOK)
	// The admin is held to it too.
	f.wantRedirect(t, f.get(t, admin, "/admin/users"), "/admin/account?flash=two-factor-required")
}

func TestAccount_ChangePassword(t *testing.T) {
	f := newFixture(t)
	u := f.users[qalam.RoleAuthor]
	c := f.client(t, qalam.RoleAuthor)
	other := f.client(t, qalam.RoleAuthor)
	const fresh = "a brand new passphrase"
	tests := []struct {
		name  string
		form  url.Values
		field string
	}{
		{"confirmation differs", url.Values{"current_password": {fixturePassword}, "new_password": {fresh}, "confirm_password": {fresh + "!"}}, "confirm_password"},
		{"too short", url.Values{"current_password": {fixturePassword}, "new_password": {"short"}, "confirm_password": {"short"}}, "new_password"},
		{"wrong current password", url.Values{"current_password": {"not my password!"}, "new_password": {fresh}, "confirm_password": {fresh}}, "current_password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := f.wantPage(t, f.post(t, c, "/admin/account/password", tt.form), http.StatusUnprocessableEntity)
			if fxFieldError(doc, tt.field) == "" {
				t.Errorf("no message at %s", tt.field)
			}
			if fxNotice(doc, "error") == "" {
				t.Error("no message about the form")
			}
		})
	}
	form := url.Values{"current_password": {fixturePassword}, "new_password": {fresh}, "confirm_password": {fresh}}
	f.wantRedirect(t, f.post(t, c, "/admin/account/password", form), "/admin/account?flash=password-changed")
	doc := f.wantPage(t, f.get(t, c, "/admin/account?flash=password-changed"), http.StatusOK)
	if got := fxNotice(doc, "ok"); !strings.Contains(got, "other session") {
		t.Errorf("flash = %q, want it to say other sessions ended", got)
	}
	f.wantRedirect(t, f.get(t, other, "/admin"), "/admin/login?next=%2Fadmin")
	f.signedIn(t, u.Email, fresh)
	f.wantPage(t, f.post(t, f.anonymous(), "/admin/login", url.Values{"email": {u.Email}, "password": {fixturePassword}}), http.StatusUnauthorized)
}

func TestStaff_CreateEditDisable(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	admin := f.client(t, qalam.RoleAdmin)

	doc := f.wantPage(t, f.post(t, admin, "/admin/users/new", url.Values{"name": {"Zara"}, "role": {"boss"}, "password": {"short"}}), http.StatusUnprocessableEntity)
	for _, field := range []string{"email", "role", "password"} {
		if fxFieldError(doc, field) == "" {
			t.Errorf("no message at %s", field)
		}
	}
	if got := fxAttr(fxInput(doc, "name"), "value"); got != "Zara" {
		t.Errorf("name field = %q, want what was typed", got)
	}

	form := url.Values{"name": {"  زارا   خان "}, "email": {"Zara@Example.com"}, "role": {"author"}, "password": {"zara's first passphrase"}, "create_author": {"on"}}
	resp := f.post(t, admin, "/admin/users/new", form)
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasSuffix(loc, "?flash=user-created") {
		t.Fatalf("create: status %d, location %q", resp.StatusCode, loc)
	}
	id, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(loc, "/admin/users/"), "?flash=user-created"), 10, 64)
	if err != nil {
		t.Fatalf("location %q: %v", loc, err)
	}
	zara, err := f.st.User(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if zara.Name != "زارا خان" || zara.Email != "zara@example.com" || zara.Role != qalam.RoleAuthor {
		t.Errorf("stored %q %q %q", zara.Name, zara.Email, zara.Role)
	}
	if profile, err := f.st.AuthorByUser(ctx, id); err != nil || profile.Name != zara.Name {
		t.Errorf("linked author profile = %+v, %v", profile, err)
	}
	doc = f.wantPage(t, f.get(t, admin, "/admin/users"), http.StatusOK)
	var listed bool
	for _, row := range fxByClass(doc, "staff-row") {
		if strings.Contains(fxText(row), "زارا خان") && strings.Contains(fxText(row), "zara@example.com") {
			listed = true
			if len(fxByTag(row, "bdi")) < 2 {
				t.Error("name and email are not isolated")
			}
		}
	}
	if !listed {
		t.Error("the new account is not listed")
	}
	// The same email again is refused at the field.
	doc = f.wantPage(t, f.post(t, admin, "/admin/users/new", form), http.StatusConflict)
	if fxFieldError(doc, "email") == "" {
		t.Error("a taken email has no message at the field")
	}

	zc := f.signedIn(t, "zara@example.com", "zara's first passphrase")
	path := "/admin/users/" + strconv.FormatInt(id, 10)
	doc = f.wantPage(t, f.get(t, admin, path), http.StatusOK)
	if got := fxAttr(fxInput(doc, "email"), "value"); got != "zara@example.com" {
		t.Errorf("edit form email = %q", got)
	}
	if len(fxByClass(doc, "staff-sessions")) != 1 {
		t.Error("Zara's session is not listed")
	}

	edit := url.Values{"name": {"Zara Khan"}, "email": {"zara@example.com"}, "role": {"editor"}}
	f.wantRedirect(t, f.post(t, admin, path, edit), path+"?flash=saved")
	if u, _ := f.st.User(ctx, id); u.Name != "Zara Khan" || u.Role != qalam.RoleEditor {
		t.Errorf("after edit: %q %q", u.Name, u.Role)
	}
	taken := url.Values{"name": {"Zara Khan"}, "email": {f.users[qalam.RoleEditor].Email}, "role": {"editor"}}
	doc = f.wantPage(t, f.post(t, admin, path, taken), http.StatusConflict)
	if fxFieldError(doc, "email") == "" {
		t.Error("a taken email has no message at the field")
	}

	f.wantPage(t, f.get(t, zc, "/admin"), http.StatusOK)
	edit.Set("disabled", "on")
	f.wantRedirect(t, f.post(t, admin, path, edit), path+"?flash=saved")
	f.wantRedirect(t, f.get(t, zc, "/admin"), "/admin/login?next=%2Fadmin")
	if sessions, _ := f.st.FindSessions(ctx, id); len(sessions) != 0 {
		t.Errorf("a disabled account keeps %d sessions", len(sessions))
	}
	f.wantPage(t, f.post(t, f.anonymous(), "/admin/login", url.Values{"email": {"zara@example.com"}, "password": {"zara's first passphrase"}}), http.StatusUnauthorized)
	doc = f.wantPage(t, f.get(t, admin, "/admin/users"), http.StatusOK)
	if len(fxByClass(doc, "staff-disabled")) != 1 {
		t.Error("the disabled account is not marked in the list")
	}

	edit.Del("disabled")
	f.wantRedirect(t, f.post(t, admin, path, edit), path+"?flash=saved")
	f.signedIn(t, "zara@example.com", "zara's first passphrase")
}

func TestStaff_AdminCannotDemoteOrDisableThemselves(t *testing.T) {
	f := newFixture(t)
	me := f.users[qalam.RoleAdmin]
	admin := f.client(t, qalam.RoleAdmin)
	path := "/admin/users/" + strconv.FormatInt(me.ID, 10)
	tests := []struct {
		name  string
		form  url.Values
		field string
	}{
		{"disable", url.Values{"name": {me.Name}, "email": {me.Email}, "role": {"admin"}, "disabled": {"on"}}, "disabled"},
		{"demote", url.Values{"name": {me.Name}, "email": {me.Email}, "role": {"editor"}}, "role"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := f.wantPage(t, f.post(t, admin, path, tt.form), http.StatusUnprocessableEntity)
			if got := fxFieldError(doc, tt.field); !strings.Contains(got, "Ask another admin") {
				t.Errorf("message at %s = %q", tt.field, got)
			}
			u, err := f.st.User(context.Background(), me.ID)
			if err != nil {
				t.Fatal(err)
			}
			if u.Disabled || u.Role != qalam.RoleAdmin {
				t.Errorf("stored: disabled %v, role %s", u.Disabled, u.Role)
			}
		})
	}
	f.wantPage(t, f.get(t, admin, "/admin/users"), http.StatusOK)
}

func TestStaff_EndSessionsAndResetTwoFactor(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	admin := f.client(t, qalam.RoleAdmin)
	editor := f.client(t, qalam.RoleEditor)
	ed := f.users[qalam.RoleEditor]
	path := "/admin/users/" + strconv.FormatInt(ed.ID, 10)

	f.wantRedirect(t, f.post(t, admin, path+"/sessions/end", nil), path+"?flash=sessions-ended")
	f.wantRedirect(t, f.get(t, editor, "/admin"), "/admin/login?next=%2Fadmin")

	editor = f.client(t, qalam.RoleEditor)
	secret, err := auth.NewTOTPSecret()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.UpdateUser(ctx, ed.ID, store.UserUpdate{TOTPSecret: &secret}); err != nil {
		t.Fatal(err)
	}
	doc := f.wantPage(t, f.get(t, admin, path), http.StatusOK)
	if len(fxFind(doc, func(n *html.Node) bool { return n.Data == "form" && fxAttr(n, "action") == path+"/two-factor/reset" })) != 1 {
		t.Error("no reset form for an account with two-factor sign-in on")
	}
	f.wantRedirect(t, f.post(t, admin, path+"/two-factor/reset", nil), path+"?flash=two-factor-reset")
	if u, _ := f.st.User(ctx, ed.ID); u.TOTPSecret != "" {
		t.Error("two-factor sign-in is still on")
	}
	f.wantRedirect(t, f.get(t, editor, "/admin"), "/admin/login?next=%2Fadmin")
	f.client(t, qalam.RoleEditor) // the password alone works again

	// An admin ending their own sessions keeps the one they are using.
	mine := "/admin/users/" + strconv.FormatInt(f.users[qalam.RoleAdmin].ID, 10)
	f.wantRedirect(t, f.post(t, admin, mine+"/sessions/end", nil), mine+"?flash=sessions-ended")
	f.wantPage(t, f.get(t, admin, "/admin"), http.StatusOK)
}

func TestDashboard_CountsWhatTheUserMayWorkOn(t *testing.T) {
	f := newFixture(t)
	f.article(t, qalam.RoleAuthor, qalam.Draft)
	urdu := f.article(t, qalam.RoleAuthor, qalam.Submitted, func(a *qalam.Article) {
		a.Language, a.Headline = qalam.Urdu, "بجٹ پر بحث"
	})
	f.article(t, qalam.RoleEditor, qalam.Draft)
	f.article(t, "", qalam.Published)

	counts := func(doc *html.Node) map[string]string {
		out := map[string]string{}
		for _, li := range fxFind(doc, func(n *html.Node) bool {
			return n.Data == "li" && n.Parent != nil && fxHasClass(n.Parent, "dashboard-count-list")
		}) {
			fields := strings.Fields(fxText(li))
			if len(fields) == 2 {
				out[fields[0]] = fields[1]
			}
		}
		return out
	}
	doc := f.wantPage(t, f.get(t, f.client(t, qalam.RoleAuthor), "/admin"), http.StatusOK)
	if got := counts(doc); got["draft"] != "1" || got["submitted"] != "1" || got["published"] != "0" {
		t.Errorf("author's counts = %v, want their own only", got)
	}
	var found bool
	for _, a := range fxByTag(doc, "a") {
		if fxAttr(a, "href") == "/admin/articles/"+strconv.FormatInt(urdu.ID, 10) {
			found = true
			bdi := fxByTag(a, "bdi")
			if len(bdi) != 1 || fxAttr(bdi[0], "lang") != "ur" || fxAttr(bdi[0], "dir") != "rtl" {
				t.Error("an Urdu headline is not marked lang=ur dir=rtl")
			}
		}
	}
	if !found {
		t.Error("the submitted article is not linked to its editor")
	}

	doc = f.wantPage(t, f.get(t, f.client(t, qalam.RoleEditor), "/admin"), http.StatusOK)
	if got := counts(doc); got["draft"] != "2" || got["submitted"] != "1" || got["published"] != "1" {
		t.Errorf("editor's counts = %v", got)
	}
	doc = f.wantPage(t, f.get(t, f.client(t, qalam.RoleModerator), "/admin"), http.StatusOK)
	if len(fxByClass(doc, "dashboard-counts")) != 0 {
		t.Error("a moderator is shown article counts")
	}
	if got := fxText(fxByClass(doc, "dashboard-account")[0]); !strings.Contains(got, "Two-factor sign-in: off") {
		t.Errorf("account box = %q", got)
	}
}

// TestAccountPages_Render fetches every page of this part of the newsroom
// and checks it parses and holds no value html/template had to defuse.
func TestAccountPages_Render(t *testing.T) {
	f := newFixture(t)
	admin := f.client(t, qalam.RoleAdmin)
	editorID := strconv.FormatInt(f.users[qalam.RoleEditor].ID, 10)
	pages := []struct {
		c    *http.Client
		path string
	}{
		{f.anonymous(), "/admin/login"},
		{admin, "/admin"},
		{admin, "/admin/"},
		{admin, "/admin/account"},
		{admin, "/admin/users"},
		{admin, "/admin/users/new"},
		{admin, "/admin/users/" + editorID},
		{admin, "/admin/settings"},
	}
	for _, p := range pages {
		t.Run(p.path, func(t *testing.T) {
			resp := f.get(t, p.c, p.path)
			acctCheckPage(t, f, resp)
		})
	}
	t.Run("enrolment step", func(t *testing.T) {
		acctCheckPage(t, f, f.post(t, admin, "/admin/account/two-factor", nil))
	})
	t.Run("two-factor code page", func(t *testing.T) {
		ctx := context.Background()
		secret, _ := auth.NewTOTPSecret()
		mod := f.users[qalam.RoleModerator]
		if _, err := f.st.UpdateUser(ctx, mod.ID, store.UserUpdate{TOTPSecret: &secret}); err != nil {
			t.Fatal(err)
		}
		c := f.anonymous()
		f.wantRedirect(t, f.post(t, c, "/admin/login", url.Values{"email": {mod.Email}, "password": {fixturePassword}}), "/admin/login/two-factor")
		acctCheckPage(t, f, f.get(t, c, "/admin/login/two-factor"))
	})
}

func acctCheckPage(t *testing.T, f *fixture, resp *http.Response) {
	t.Helper()
	defer resp.Body.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if strings.Contains(buf.String(), "ZgotmplZ") {
		t.Error("html/template defused a value: ZgotmplZ in the page")
	}
	doc, err := html.Parse(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(fxByTag(doc, "h1")) == 0 {
		t.Error("no heading")
	}
	for _, in := range fxFind(doc, func(n *html.Node) bool { return n.Data == "input" || n.Data == "select" }) {
		if id, typ := fxAttr(in, "id"), fxAttr(in, "type"); typ != "hidden" && !fxHasAttr(in, "hidden") && id != "" {
			labels := fxFind(doc, func(n *html.Node) bool { return n.Data == "label" && fxAttr(n, "for") == id })
			if len(labels) == 0 && fxAttr(in, "aria-label") == "" {
				t.Errorf("control %s has no label", id)
			}
		}
	}
	for _, form := range fxByTag(doc, "form") {
		if m := fxAttr(form, "method"); m != "post" {
			t.Errorf("form to %s uses method %q", fxAttr(form, "action"), m)
		}
	}
}

// TestAccountTemplates_RenderZeroValues renders every page of this part
// with its zero-value data: a template must not break on missing data.
func TestAccountTemplates_RenderZeroValues(t *testing.T) {
	e, err := view.New(view.Options{})
	if err != nil {
		t.Fatal(err)
	}
	pages := map[string]any{
		"admin/login":      loginPage{},
		"admin/two-factor": twoFactorPage{},
		"admin/dashboard":  dashboardPage{},
		"admin/account":    accountPage{},
		"admin/staff":      staffPage{},
		"admin/staff-edit": staffEditPage{},
		"admin/settings":   settingsPage{},
	}
	pages["admin/account (enrolling)"] = accountPage{Enrol: &enrolView{}}
	pages["admin/dashboard (articles)"] = dashboardPage{Articles: true, Counts: []statusCount{{}}, Drafts: []*qalam.Article{{}}}
	pages["admin/staff (users)"] = staffPage{Users: []*qalam.User{{}}}
	pages["admin/staff-edit (sessions)"] = staffEditPage{Sessions: []*qalam.Session{{}}, Author: &qalam.Author{}, Roles: qalam.Roles}
	for name, data := range pages {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := e.Execute(&buf, strings.Fields(name)[0], data); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(buf.String(), "ZgotmplZ") {
				t.Error("ZgotmplZ in the page")
			}
			if _, err := html.Parse(&buf); err != nil {
				t.Fatal(err)
			}
		})
	}
}
