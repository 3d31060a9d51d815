package admin

import (
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/view"
)

// The data of the discussion settings (policies and word lists) and of
// the bans. Every zero value renders (discussion_test.go checks).

// discussionPage is /admin/discussion: the site's policy and the
// categories' and tags' own; or, with Words set, /admin/discussion/words.
type discussionPage struct {
	view.AdminPage
	Site       policyForm
	Categories []policyRow
	// Tags are the tags with a policy of their own; NewTag gives another
	// tag one, chosen from TagChoices.
	Tags       []policyRow
	NewTag     policyForm
	TagChoices []option
	// Words is the word lists' form, on the word lists' page.
	Words *wordListsForm
	// Links to the neighbouring pages the viewer may use.
	CanPolicies, CanWords, CanBans bool
}

// policyRow is a category or tag with the policy set on it.
type policyRow struct {
	ID      int64
	Name    string
	Summary string // what its policy sets, in words
	Form    policyForm
	Open    bool // its form came back with errors
}

// policyForm is a discussion policy as a form: the site's (every field
// chosen) or an override (each field may inherit).
type policyForm struct {
	Action string // where it posts
	Prefix string // makes the controls' IDs unique on the page
	// Inherit offers "inherit" for each field: every form but the site's.
	Inherit bool
	// TargetName and TargetID name the category or tag in a hidden field.
	TargetName string
	TargetID   int64

	Mode       string // "" (inherit), or a moderation.Mode
	Close      string // "inherit", "never", "now" or "after"
	CloseAfter string // a number, with CloseUnit
	CloseUnit  string // "hours" or "days"
	Links      string // "inherit", "any" or "limit"
	MaxLinks   string
	Reason     string
	Errors     qalam.FieldErrors
	// Effective describes the policy in force, for an article.
	Effective string
}

// Modes lists the moderation modes with the form's choice marked.
func (f policyForm) Modes() []option {
	var out []option
	for _, m := range policyModes {
		out = append(out, option{Value: string(m), Label: m.Title(), Selected: string(m) == f.Mode})
	}
	return out
}

// wordListsForm is the two word lists, one term a line.
type wordListsForm struct {
	Hold, Reject string
	Reason       string
	Errors       qalam.FieldErrors
	// HoldCount and RejectCount are how many terms each list holds.
	HoldCount, RejectCount int
}

// bansPage lists bans, with the form to ban by hand.
type bansPage struct {
	view.AdminPage
	Rows       []banRow
	Ended      bool // the list includes bans that have ended
	Total      int
	PageNum    int
	Pages      int
	Prev, Next string
	// ShowEmail is set for admins only, as in the queue.
	ShowEmail bool
	// CanAddress offers banning a network address by hand (the site can
	// hash one).
	CanAddress bool
	Form       banForm
}

// banRow is one ban as moderators see it: what it is on, never the
// address hash, and the email only when the viewer may see it.
type banRow struct {
	ID          int64
	On          []string // "email", "name", "browser", "address"
	Email       string   // "" unless the viewer is an admin
	Name        string
	CommentID   int64
	CommentName string
	Reason      string
	By          string
	CreatedAt   time.Time
	ExpiresAt   time.Time // zero: for good
	LiftedAt    time.Time
	Active      bool
}

// banForm is a ban made by hand, as typed.
type banForm struct {
	Email, Name, Address string
	For                  string // a banDurations key
	Reason               string
	Errors               qalam.FieldErrors
}

// Durations lists the ban lengths with the form's choice marked.
func (f banForm) Durations() []option {
	var out []option
	for _, d := range banDurations {
		out = append(out, option{Value: d.value, Label: d.label, Selected: d.value == f.For})
	}
	return out
}
