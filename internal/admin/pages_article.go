package admin

import (
	"strconv"
	"strings"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/view"
)

// articleText gives article pages their shared wording: moments (in UTC,
// the zone the scheduler reads, and every time says so) and statuses.
type articleText struct{}

// StatusTitle is a status as the newsroom names it.
func (articleText) StatusTitle(s qalam.ArticleStatus) string { return statusTitle(s) }

// Stamp formats t as "2 Jan 2006, 15:04 UTC", or "" for the zero time.
func (articleText) Stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2 Jan 2006, 15:04 UTC")
}

// option is one choice of a select, a checkbox list or a radio list.
type option struct {
	Value    string
	Label    string
	Selected bool
	Lang     qalam.Language // of the label, when it is content (a headline)
}

// articlesPage is the newsroom's list of articles.
type articlesPage struct {
	view.AdminPage
	articleText
	Articles []*qalam.Article
	Total    int
	// Page is 1-based; Pages is at least 1.
	Page, Pages int
	Prev, Next  string // links to the neighbouring pages, with the filters
	Filter      articleListFilter
	Statuses    []option
	Languages   []option
	Authors     []option // empty when the user sees only their own articles
	Categories  []option
	OwnOnly     bool // an author's list: only articles in their byline
	CanCreate   bool
}

// articleListFilter is the list's filter form as the user set it.
type articleListFilter struct {
	Status   string
	Language string
	Author   string
	Category string
	Query    string
}

// Active reports whether any filter is set.
func (f articleListFilter) Active() bool {
	return f.Status != "" || f.Language != "" || f.Author != "" || f.Category != "" || f.Query != ""
}

// PublicPath is the public page of a published article, "" otherwise.
func (p articlesPage) PublicPath(a *qalam.Article) string {
	if a == nil || a.Status != qalam.Published {
		return ""
	}
	return view.ArticlePath(a.Slug)
}

// editorFields are the editor's fields as shown: the stored article's, or
// what the user typed when the form comes back with errors.
type editorFields struct {
	Headline        string
	Standfirst      string
	Slug            string
	Label           qalam.Label
	Language        qalam.Language
	EditorNote      string
	Body            string
	CategoryID      int64
	Tags            string // comma-separated
	AuthorIDs       []int64
	FeaturedImageID int64
	SEOTitle        string
	SEODescription  string
	CommentsClosed  bool
	// EditedAt is the version the form was loaded from (RFC 3339), which
	// the save is checked against.
	EditedAt string
	// Minor and Note describe a save of a published article.
	Minor bool
	Note  string
	Alt   string // alt text of an image uploaded from the editor
	// Translation names the article in the other language (its slug or
	// address), "" for none; Featured puts the article at the top of the
	// front page.
	Translation string
	Featured    bool
}

// Lang is the language of the content fields, English when unset.
func (f editorFields) Lang() qalam.Language {
	if f.Language == qalam.Urdu {
		return qalam.Urdu
	}
	return qalam.English
}

// Dir is the direction of the content fields.
func (f editorFields) Dir() string { return f.Lang().Dir() }

// workflowAction is one button that moves an article along the workflow.
type workflowAction struct {
	Path   string
	Label  string
	Hint   string
	Danger bool
}

// correctionFields is the "append a correction or update" form.
type correctionFields struct {
	Kind   qalam.CorrectionKind
	Text   string
	Errors qalam.FieldErrors
}

// editorPage is the article editor, for a new article (Article nil) or a
// stored one; ConfirmDelete turns it into the delete confirmation.
type editorPage struct {
	view.AdminPage
	articleText
	Article *qalam.Article // as stored; nil for a new article
	Fields  editorFields
	Errors  qalam.FieldErrors
	Action  string // where the form posts
	// AutosaveURL is set when the draft may be autosaved (never for live
	// or scheduled text).
	AutosaveURL string
	Labels      []option
	Languages   []option
	Categories  []option
	Authors     []option
	Media       []mediaChoice
	// CanUpload offers a file input for a new featured image.
	CanUpload bool
	// AuthorLocked: an author is always in their own byline; the checkbox
	// of their profile is shown checked and fixed.
	AuthorLocked int64
	// Conflict: someone saved the article since the form was loaded; the
	// typed text is shown, not saved.
	Conflict bool
	// CanFeature offers to make the article the front page's lead.
	CanFeature bool

	Workflow       []workflowAction
	CanSchedule    bool
	ScheduleAt     string // the schedule field's value, UTC
	ScheduleError  string
	CanDelete      bool
	CanPreviewLink bool
	HasPreviewLink bool
	// PreviewLink is a new preview link, shown once and never stored.
	PreviewLink      string
	CanViewRevisions bool
	Published        bool // a save needs a summary, and may be minor
	CanCorrect       bool
	Corrections      []qalam.Correction
	Correction       correctionFields
	ConfirmDelete    bool
	// Discussion is the article's own discussion policy as a form, for
	// those who may set it; nil otherwise, and for a new article.
	Discussion *policyForm
}

// PublicPath is the public page of the article when it is published.
func (p editorPage) PublicPath() string {
	if p.Article == nil || p.Article.Status != qalam.Published {
		return ""
	}
	return view.ArticlePath(p.Article.Slug)
}

// Path is the editor's own address, "" for a new article.
func (p editorPage) Path() string {
	if p.Article == nil {
		return ""
	}
	return articlePath(p.Article.ID)
}

// mediaChoice is an image of the library offered as the featured image.
type mediaChoice struct {
	ID       int64
	Alt      string
	Thumb    string // the address of a small copy, "" when unknown
	Width    int
	Height   int
	Selected bool
}

// revisionsPage lists an article's revisions for comparing and restoring.
type revisionsPage struct {
	view.AdminPage
	articleText
	Article    *qalam.Article
	Revisions  []revisionRow
	CanRestore bool
}

// revisionRow is a revision with its author's name.
type revisionRow struct {
	*qalam.Revision
	UserName string
	// From and To pre-select the two newest revisions for comparison.
	From, To bool
}

// diffPage compares two revisions field by field.
type diffPage struct {
	view.AdminPage
	articleText
	Article  *qalam.Article
	From, To *qalam.Revision
	Fields   []fieldDiff
}

// fieldDiff is the comparison of one field.
type fieldDiff struct {
	Name    string
	Changed bool
	Parts   []diffPart
}

// diffPart is a run of text kept, inserted or deleted.
type diffPart struct {
	Op   string // "ins", "del" or "" for unchanged
	Text string
}

// articlePath is the editor's address for an article.
func articlePath(id int64) string { return "/admin/articles/" + strconv.FormatInt(id, 10) }

// joinTags writes tag names as the editor's comma-separated field.
func joinTags(names []string) string { return strings.Join(names, ", ") }
