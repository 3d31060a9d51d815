package admin

import (
	"html/template"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/view"
)

// The data of the sign-in, dashboard, account, staff and settings pages.
// Every zero value renders (account_test.go checks), so a handler that
// fills in less than it should shows an empty page, not an error.

// loginPage is the sign-in form, sent back with the typed email on error.
type loginPage struct {
	view.AdminPage
	Email string
	Next  string // where to go after signing in (a checked local path)
}

// twoFactorPage asks for the authenticator code after the password.
type twoFactorPage struct {
	view.AdminPage
	Next string
}

// dashboardPage is the newsroom's home.
type dashboardPage struct {
	view.AdminPage
	// Articles is false for roles that do not work on articles
	// (moderators): the article boxes are left out.
	Articles bool
	// Own is set when the counts and lists are of the user's own articles.
	Own bool
	// Counts holds one entry per workflow status, in workflow order.
	Counts    []statusCount
	Submitted []*qalam.Article // waiting for an editor, newest first
	Drafts    []*qalam.Article // being written, newest first
	// TwoFactor and Required describe the user's sign-in for "Your account".
	TwoFactor bool
	Required  bool
}

// statusCount is how many articles are in one status.
type statusCount struct {
	Status qalam.ArticleStatus
	Count  int
}

// accountPage is one's own account: password and two-factor sign-in.
type accountPage struct {
	view.AdminPage
	// TwoFactor is whether the user's two-factor sign-in is on; Required
	// whether the newsroom demands it of everyone.
	TwoFactor bool
	Required  bool
	Password  passwordView
	// Enrol is set while turning two-factor sign-in on: the new secret
	// waits for a code made from it.
	Enrol *enrolView
	// DisableError is what was wrong with the form turning it off.
	DisableError string
	// Alerts is the choice of an email when comments wait, for those who
	// moderate.
	Alerts alertsView
}

// alertsView is the moderator's alert setting on the account page.
type alertsView struct {
	Offered bool // the user may moderate
	Mail    bool // the site can send email; without it the box is not offered
	On      bool
	Every   string // the least time between two alerts, as "30 minutes"
}

// passwordView is the change-password form's state. Passwords are never
// sent back, only what was wrong with them.
type passwordView struct {
	Errors qalam.FieldErrors
}

// enrolView is the second step of turning on two-factor sign-in.
type enrolView struct {
	Secret  string // base32, sent back with the code
	Grouped string // the secret in groups of four, for typing by hand
	URI     string // otpauth://, for apps that take a pasted link
	// Link is URI for an href: phones open the authenticator app with
	// it. template.URL since html/template refuses the otpauth: scheme;
	// auth.TOTPURI escapes every part it is made of.
	Link template.URL
	// QR is the URI as a PNG QR code in a data: URL. template.URL because
	// html/template refuses data: URLs from strings; it is safe here since
	// the image is made by auth.TOTPQRCode from our own URI, never from
	// input. Empty when the code could not be made.
	QR    template.URL
	Error string // the wrong code message
}

// staffPage lists the staff accounts.
type staffPage struct {
	view.AdminPage
	Users []*qalam.User
}

// staffEditPage creates (New) or edits a staff account.
type staffEditPage struct {
	view.AdminPage
	New    bool
	Action string // where the form posts
	Form   staffFormView
	Roles  []qalam.Role
	// The rest describe an existing account.
	ID        int64
	Self      bool // the signed-in admin's own account
	TwoFactor bool
	Sessions  []*qalam.Session
	Author    *qalam.Author // the linked author profile, if any
}

// staffFormView is what the staff form shows: the stored values, or what
// was typed, with a message at each wrong field.
type staffFormView struct {
	Name         string
	Email        string
	Role         qalam.Role
	Disabled     bool
	CreateAuthor bool
	Errors       qalam.FieldErrors
}

// settingsPage holds the site-wide settings.
type settingsPage struct {
	view.AdminPage
	RequireTwoFactor bool
	// WithoutTwoFactor counts the active staff who have not turned
	// two-factor sign-in on, who would be stopped until they do.
	WithoutTwoFactor int
	// SelfWithout is set when the admin is one of them: turning the
	// requirement on sends them to enrol at once.
	SelfWithout bool
	// FeedExcerpts is set when feeds carry summaries, not full text.
	FeedExcerpts bool
	// SiteLanguage is the language of the public site's interface.
	SiteLanguage qalam.Language
}
