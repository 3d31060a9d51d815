package view

import (
	"time"

	"github.com/qalamnews/qalam"
)

// The reader's lists: the front page, the category, tag, author and month
// pages, and the archive's index of months. Lists speak the site's
// language (Page.Lang); each article in them keeps its own language on its
// headline and standfirst, isolated so that an Urdu headline in an English
// list (or the reverse) never reorders the line around it.

// Pager links the neighbouring pages of a list; empty when there is none.
type Pager struct {
	Newer string
	Older string
}

// HomePage is the front page: the lead story, the latest, and a block per
// section.
type HomePage struct {
	Page
	Lead     *qalam.Article
	Latest   []*qalam.Article
	Sections []HomeSection
	// More continues the latest as a plain list (its second page).
	More string
}

// HomeSection is a category's block of headlines on the front page.
type HomeSection struct {
	Category *qalam.Category
	Articles []*qalam.Article // headline, label, language, date only
}

// ListPage lists articles: the latest beyond the front page, or those of
// an author, a category, a tag or a month.
type ListPage struct {
	Page
	Kind    string // "latest", "author", "category", "tag" or "month"
	Heading string // the author's, category's or tag's name
	// Month is the month listed, on a month's page, with the neighbouring
	// months that have articles (nil at either end).
	Month          time.Time
	Earlier, Later *MonthLink
	Author         *qalam.Author // set on an author's page, for the bio
	Photo          *qalam.Media  // the author's photo, if any
	Articles       []*qalam.Article
	Pager
}

// KindLabel is the message key naming what the list is of, shown above
// its heading.
func (p ListPage) KindLabel() string {
	switch p.Kind {
	case "author", "category", "tag":
		return "kind_" + p.Kind
	case "month":
		return "archive"
	}
	return "latest"
}

// ArchivePage is the archive's index: every month with articles.
type ArchivePage struct {
	Page
	Years []ArchiveYear // newest first
}

// ArchiveYear is a year's months with articles, newest first.
type ArchiveYear struct {
	Year   int
	Months []MonthLink
}

// MonthLink is a month of the archive, with how many articles it holds.
type MonthLink struct {
	Month time.Time
	Href  string
	Count int
}

// Card is an article shown in a list: its own language on its headline
// and standfirst, the list's language (Lang) on the label, byline, date
// and count around them.
type Card struct {
	*qalam.Article
	Lang qalam.Language
}

// Card wraps an article for a list on this page.
func (p Page) Card(a *qalam.Article) Card { return Card{Article: a, Lang: p.Language()} }

// Alternate is a version of the page in another language, for the head's
// hreflang links.
type Alternate struct {
	Lang string // "en", "ur", or "x-default"
	Href string // absolute
}
