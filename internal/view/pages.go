package view

import (
	"html/template"

	"github.com/qalamnews/qalam"
)

// Page is what every page shares: the site, the document's language and
// the head's metadata. Each page's data embeds it.
type Page struct {
	SiteName    string
	BaseURL     string
	Categories  []*qalam.Category // the navigation
	Title       string            // the page's own title; empty on the home page
	Description string
	Canonical   string // absolute URL
	Lang        qalam.Language
	NoIndex     bool // keep search engines away (error pages, held comments)
	// Meta is what the head tells feed readers, link previews and search
	// engines (pages_meta.go); nil for none.
	Meta *Meta
	// Alternates are the page's versions in each language (this one
	// included), for the head's hreflang links; empty for none.
	Alternates []Alternate
	// Mirror is the live site's base URL when the page is rendered for a
	// static mirror (package export), empty on the live site: the layout
	// then leaves out the search form and the scripts, and the discussion
	// its forms, with a link to the live article instead.
	Mirror string
}

// Language is the page's language, English when unset.
func (p Page) Language() qalam.Language {
	if p.Lang == "" {
		return qalam.English
	}
	return p.Lang
}

// Dir is the page's text direction.
func (p Page) Dir() string { return p.Language().Dir() }

// ArticlePage is an article with its discussion.
type ArticlePage struct {
	Page
	Article *qalam.Article
	// Translation is the article in the other language, when it names
	// one that is published (ID, slug, language and headline only).
	Translation *qalam.Article
	// Thread is the rendered discussion (a cached fragment rendered by the
	// "thread" partial from sanitised comments).
	Thread template.HTML
	Form   CommentForm
	// Held is set when the reader has just posted a comment that waits for
	// moderation.
	Held bool
	// Preview marks an article shown before publication, in the editor's
	// preview or (PreviewLink) through a preview link: a banner says so and
	// there is no discussion.
	Preview     bool
	PreviewLink bool
}

// CorrectionsPage lists the corrections and updates of every article.
type CorrectionsPage struct {
	Page
	Entries []CorrectionEntry
	Older   string
}

// CorrectionEntry is one correction with its article, for listings.
type CorrectionEntry struct {
	Correction      qalam.Correction
	ArticleSlug     string
	ArticleHeadline string
	ArticleLanguage qalam.Language
}

// CommentForm is the comment form's state: empty, prefilled from the
// "remember me" cookie, pointed at a reply, or sent back with errors.
type CommentForm struct {
	Action      string // where the form posts
	ArticlePath string // the article page, for "cancel reply"
	Key         string // the one-time key that makes a retried post safe
	ParentID    int64
	ReplyTo     string // name of the commenter being answered
	Name        string
	Email       string
	URL         string
	Body        string
	Remember    bool
	Errors      qalam.FieldErrors
	Message     string // an error about the whole form
	Closed      bool
	// Mail is set when the site can send email: the form then offers
	// reply notifications (Notify: the reader ticked the box) and a link
	// to the reader's own comments.
	Mail   bool
	Notify bool
}

// Thread is the data of the recursive "thread" partial.
type Thread struct {
	Comments    []*qalam.Comment
	Lang        qalam.Language
	ArticlePath string
	Closed      bool
	// Marker, when set, puts holes for recommendation counts in the
	// output (see Count).
	Marker string
	// Mirror leaves out what posts or needs the live site (reply, report
	// and recommend) for a static mirror (see Page.Mirror).
	Mirror bool
}

// With returns the same thread settings for a list of replies.
func (t Thread) With(comments []*qalam.Comment) Thread {
	t.Comments = comments
	return t
}

// ErrorPage explains an error to a reader.
type ErrorPage struct {
	Page
	Status  int
	Heading string
	Message string
}

// AdminPage is what every newsroom page shares.
type AdminPage struct {
	SiteName string
	Title    string
	User     *qalam.User // nil on the sign-in pages
	Flash    string      // a confirmation carried over a redirect
	Error    string      // an error about the whole page or form
	// Section marks the current item of the newsroom's menu.
	Section string
	// Waiting counts the comments held for moderation, for those who
	// moderate.
	Waiting int
}

// AdminErrorPage explains a newsroom error.
type AdminErrorPage struct {
	AdminPage
	Status  int
	Message string
}
