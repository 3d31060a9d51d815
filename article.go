package qalam

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Label tells readers what kind of journalism an article is.
type Label string

// Labels an article can carry.
const (
	News      Label = "news"
	Opinion   Label = "opinion"
	Analysis  Label = "analysis"
	Editorial Label = "editorial" // the publication's own view
)

// Labels lists every label, in the order editors choose from.
var Labels = []Label{News, Analysis, Opinion, Editorial}

// Valid reports whether l is a known label.
func (l Label) Valid() bool { return l == News || l == Opinion || l == Analysis || l == Editorial }

// Title is the label as shown on the page, in the article's language.
func (l Label) Title(lang Language) string {
	if lang == Urdu {
		switch l {
		case News:
			return "خبر"
		case Opinion:
			return "رائے"
		case Analysis:
			return "تجزیہ"
		case Editorial:
			return "اداریہ"
		}
	}
	switch l {
	case News:
		return "News"
	case Opinion:
		return "Opinion"
	case Analysis:
		return "Analysis"
	case Editorial:
		return "Editorial"
	}
	return string(l)
}

// ArticleStatus is where an article stands in the editorial workflow.
type ArticleStatus string

// Article statuses. Only published articles are visible to readers.
const (
	Draft       ArticleStatus = "draft"       // being written
	Submitted   ArticleStatus = "submitted"   // sent by its author for review
	Scheduled   ArticleStatus = "scheduled"   // to be published at ScheduledAt
	Published   ArticleStatus = "published"   // public
	Unpublished ArticleStatus = "unpublished" // taken down after publication
)

// ArticleStatuses lists every status, in workflow order.
var ArticleStatuses = []ArticleStatus{Draft, Submitted, Scheduled, Published, Unpublished}

// Valid reports whether s is a known status.
func (s ArticleStatus) Valid() bool {
	switch s {
	case Draft, Submitted, Scheduled, Published, Unpublished:
		return true
	}
	return false
}

// CanBecome reports whether the workflow allows moving from s to next
// (who may make the move is the policy's business).
func (s ArticleStatus) CanBecome(next ArticleStatus) bool {
	if !s.Valid() || !next.Valid() || s == next {
		return false
	}
	switch s {
	case Draft, Submitted:
		return next != Unpublished
	case Scheduled:
		return next == Draft || next == Published
	case Published:
		return next == Unpublished
	case Unpublished:
		return true
	}
	return false
}

// Article is a piece of journalism with its byline and discussion settings.
type Article struct {
	ID       int64
	Slug     string
	Language Language
	Label    Label
	Status   ArticleStatus

	Headline   string
	Standfirst string
	// EditorNote frames the piece (Markdown); empty when there is none.
	EditorNote string
	// Body is the article's Markdown source.
	Body string
	// EditorNoteHTML and BodyHTML are the sanitised renderings of the
	// Markdown, made by package markup when the article is saved.
	EditorNoteHTML string
	BodyHTML       string

	CategoryID int64
	Category   *Category // loaded with the article
	Tags       []Tag     // loaded with the article, ordered by name
	Authors    []Author  // the byline, in order; at least one
	// AuthorIDs and TagNames are the inputs when creating or updating.
	AuthorIDs []int64
	TagNames  []string

	// SEOTitle and SEODescription replace the headline and standfirst for
	// search engines and link previews when set.
	SEOTitle       string
	SEODescription string
	// FeaturedImageID is the article's lead image (0: none); FeaturedImage
	// is loaded with the article.
	FeaturedImageID int64
	FeaturedImage   *Media
	// Corrections are loaded with the article, oldest first.
	Corrections []Correction

	// CommentsClosed stops new comments; the discussion stays visible.
	CommentsClosed bool
	// CommentCount counts approved comments.
	CommentCount int

	ScheduledAt time.Time // when a scheduled article goes out
	PublishedAt time.Time // zero until first published
	// UpdatedAt is when readers were last told the article changed (a
	// published edit or a correction); EditedAt is the last save of any
	// kind, and the version editors' concurrent saves are checked against.
	UpdatedAt time.Time
	EditedAt  time.Time
	CreatedAt time.Time
}

// Dir is the article's text direction.
func (a *Article) Dir() string { return a.Language.Dir() }

// Updated reports whether the article was changed after it was published,
// enough to tell readers (more than a minute later).
func (a *Article) Updated() bool {
	return !a.PublishedAt.IsZero() && a.UpdatedAt.Sub(a.PublishedAt) > time.Minute
}

// Limits on article fields, in characters.
const (
	MaxHeadline   = 300
	MaxStandfirst = 1000
	MaxSlug       = 200
)

var slugPattern = regexp.MustCompile(`^[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*$`)

// ValidSlug reports whether s can be used in a URL path as a slug:
// letters (of any script) and digits separated by single hyphens.
func ValidSlug(s string) bool {
	return s != "" && utf8.RuneCountInString(s) <= MaxSlug && slugPattern.MatchString(s)
}

// Slugify makes a slug from a title, keeping letters of every script so
// Urdu headlines give Urdu slugs.
func Slugify(title string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(title) {
		switch {
		case isSlugRune(r):
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
		default:
			hyphen = true
		}
		if utf8.RuneCountInString(b.String()) >= 80 {
			break
		}
	}
	return b.String()
}

func isSlugRune(r rune) bool {
	return slugPattern.MatchString(string(r))
}

// Validate checks the fields an editor supplies.
func (a *Article) Validate() error {
	errs := FieldErrors{}
	if !ValidSlug(a.Slug) {
		errs["slug"] = "Use letters and digits separated by hyphens."
	}
	if !a.Language.Valid() {
		errs["language"] = "Choose English or Urdu."
	}
	if !a.Label.Valid() {
		errs["label"] = "Choose news, analysis, opinion or editorial."
	}
	if !a.Status.Valid() {
		errs["status"] = "Unknown status."
	}
	checkText(errs, "headline", a.Headline, true, MaxHeadline)
	checkText(errs, "standfirst", a.Standfirst, false, MaxStandfirst)
	checkText(errs, "editor_note", a.EditorNote, false, 10000)
	checkText(errs, "body", a.Body, true, 500000)
	checkText(errs, "seo_title", a.SEOTitle, false, MaxHeadline)
	checkText(errs, "seo_description", a.SEODescription, false, MaxStandfirst)
	if a.Status == Scheduled && a.ScheduledAt.IsZero() {
		errs["scheduled_at"] = "Choose when to publish."
	}
	if a.CategoryID == 0 {
		errs["category"] = "Choose a category."
	}
	if len(a.AuthorIDs) == 0 {
		errs["authors"] = "An article needs at least one author."
	}
	for _, t := range a.TagNames {
		if strings.TrimSpace(t) == "" || utf8.RuneCountInString(t) > 100 {
			errs["tags"] = "Tags must be 1 to 100 characters."
		}
	}
	return errs.Err()
}

// checkText records a field error when s is invalid UTF-8, holds NUL, is
// required and blank, or is over max characters. Over-long input is
// rejected, never truncated.
func checkText(errs FieldErrors, field, s string, required bool, max int) {
	switch {
	case !utf8.ValidString(s) || strings.ContainsRune(s, 0):
		errs[field] = "Contains characters we cannot store."
	case required && strings.TrimSpace(s) == "":
		errs[field] = "Required."
	case utf8.RuneCountInString(s) > max:
		errs[field] = "Too long: at most " + itoa(max) + " characters."
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// Author is a person in a byline.
type Author struct {
	ID      int64
	Slug    string
	Name    string
	Bio     string
	PhotoID int64    // a media item, 0 for none
	Links   []string // the author's own pages (http or https)
	// UserID is the staff account that writes as this author, 0 for none
	// (a contributor without an account); it decides what is "own".
	UserID    int64
	CreatedAt time.Time
}

// Validate checks an author's fields.
func (a *Author) Validate() error {
	errs := FieldErrors{}
	if !ValidSlug(a.Slug) {
		errs["slug"] = "Use letters and digits separated by hyphens."
	}
	checkText(errs, "name", a.Name, true, 200)
	checkText(errs, "bio", a.Bio, false, 5000)
	for _, l := range a.Links {
		if !ValidWebURL(l) || len(l) > MaxCommentURL {
			errs["links"] = "Each link must be a web address starting with http:// or https://."
		}
	}
	if len(a.Links) > 10 {
		errs["links"] = "At most 10 links."
	}
	return errs.Err()
}

// Category is a section of the publication; every article is in one.
type Category struct {
	ID   int64
	Slug string
	Name string
}

// Validate checks a category's fields.
func (c *Category) Validate() error {
	errs := FieldErrors{}
	if !ValidSlug(c.Slug) {
		errs["slug"] = "Use letters and digits separated by hyphens."
	}
	checkText(errs, "name", c.Name, true, 200)
	return errs.Err()
}

// Tag is a free keyword on articles.
type Tag struct {
	ID   int64
	Slug string
	Name string
}
