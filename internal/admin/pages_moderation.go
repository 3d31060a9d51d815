package admin

import (
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/view"
)

// The data of the moderation queue. Every zero value
// renders (moderation_test.go checks).

// commentsPage is the moderation queue: one tab of comments, newest first.
type commentsPage struct {
	view.AdminPage
	Tabs       []queueTab
	Tab        string // the current tab's status value ("pending", …, "all")
	TabLabel   string
	Rows       []queueRow
	Total      int
	PageNum    int
	Pages      int
	Prev, Next string // links to the neighbouring pages, "" at either end
	// ShowEmail is set for admins only: moderators and editors judge a
	// comment without knowing who wrote it beyond the name.
	ShowEmail bool
	// BulkReason is the bulk bar's reason as typed, kept when the form
	// comes back.
	BulkReason string
	// CanBan offers banning commenters; CanWords and CanPolicies link to
	// the word lists and the discussion policies.
	CanBan, CanWords, CanPolicies bool
	// BanDurations are the lengths a ban may have.
	BanDurations []option
}

// queueTab is one status tab with its count.
type queueTab struct {
	Status  string
	Label   string
	Count   int
	URL     string
	Current bool
}

// queueRow is one comment as a moderator sees it. It carries copies of
// the fields the page shows, never the address hash, and the email only
// when the viewer may see it.
type queueRow struct {
	ID        int64
	Name      string
	Email     string // "" unless the viewer is an admin
	BodyHTML  string // sanitised when stored
	Status    qalam.CommentStatus
	CreatedAt time.Time
	Anchor    string

	ArticleHeadline string
	ArticlePath     string // the public page, with the comment's anchor
	Lang            qalam.Language
	Dir             string // of the article's language

	ParentName    string // "" for a top-level comment
	ParentExcerpt string

	Approved, Rejected int
	// Reports are the readers' reports by reason ("spam 2, other 1"), in
	// the reported tab.
	Reports string
	// ModerationReason is why screening held the comment or marked it
	// as spam; "" when it was published at once.
	ModerationReason string

	// Reason is what was typed into the row's reason box when the form
	// comes back; Error explains why it came back.
	Reason string
	Error  string

	// The actions the comment's status allows.
	CanApprove, CanSpam, CanRemove bool
}
