package admin

import (
	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/view"
)

// The data of the media, author, category and tag pages. Every zero value
// renders (library_test.go checks), so a handler that fills in less than
// it should shows an empty page, not an error.

// mediaPage is the media library: a page of uploads, newest first, and
// the upload form.
type mediaPage struct {
	view.AdminPage
	Items      []mediaItem
	Total      int
	PageNum    int
	Pages      int
	Prev, Next string // links to the neighbouring pages, "" at either end
	Form       mediaForm
	MaxSize    string // the largest upload accepted, for the hint
}

// mediaItem is one upload in the grid.
type mediaItem struct {
	Media    *qalam.Media
	Thumb    string // the narrowest copy's URL
	Uploader string
	CanEdit  bool // the policy allows this user to edit or delete it
}

// mediaForm is what staff type about an image, sent back with messages.
type mediaForm struct {
	Alt, Caption, Credit string
	Errors               qalam.FieldErrors
	// Reselect asks to choose the file again: a browser never keeps a file
	// input when the form comes back.
	Reselect bool
}

// mediaEditPage shows one upload with its sizes and the form describing
// it; with Confirm set it asks whether to delete it instead.
type mediaEditPage struct {
	view.AdminPage
	Media    *qalam.Media
	Src      string // the original's URL
	Thumb    string
	Srcset   string
	Bytes    string // the original's size, for people
	Sizes    []mediaSize
	Uploader string
	Form     mediaForm
	Confirm  bool
}

// mediaSize is one stored copy of an image.
type mediaSize struct {
	Label         string
	Width, Height int
	URL           string
}

// authorsPage lists author profiles.
type authorsPage struct {
	view.AdminPage
	Authors   []authorRow
	CanCreate bool
}

// authorRow is one profile in the list.
type authorRow struct {
	Author  *qalam.Author
	Account string // the linked staff account's name, "" for none
	CanEdit bool
}

// authorEditPage creates (AuthorID 0) or edits an author profile.
type authorEditPage struct {
	view.AdminPage
	AuthorID int64
	Slug     string // the stored slug, for the public link
	Form     authorForm
	// CanLink allows changing the slug and the linked staff account
	// (editors and admins); an author editing their own profile cannot.
	CanLink bool
	Account string // the linked account's name, shown when it cannot be changed
	Users   []userChoice
	Photos  []photoChoice
	MaxSize string
}

// authorForm is an author profile as typed.
type authorForm struct {
	Name, Slug, Bio string
	Links           string // one URL per line
	PhotoID         int64
	UserID          int64
	PhotoAlt        string // for a photo uploaded with the form
	Errors          qalam.FieldErrors
	Reselect        bool
}

// userChoice is a staff account in the "linked account" select.
type userChoice struct {
	ID       int64
	Name     string
	Email    string
	Role     qalam.Role
	Disabled bool
	Profile  string // the name of another profile already linked to it
}

// photoChoice is an uploaded image offered as an author's photo.
type photoChoice struct {
	ID    int64
	Thumb string
	Alt   string
}

// taxonomyPage lists categories and tags; with Tag set it is the page of
// one tag (rename, merge, delete).
type taxonomyPage struct {
	view.AdminPage
	Categories  []categoryRow
	Tags        []store.TagCount
	NewCategory taxonomyForm
	Tag         *store.TagCount
	TagForm     taxonomyForm
}

// categoryRow is a category with its forms' state: the stored values, or
// what was typed when a form about this row came back with errors.
type categoryRow struct {
	Category *qalam.Category
	Articles int
	Form     taxonomyForm
	Open     bool // the row's forms are shown unfolded (they hold errors)
}

// taxonomyForm is a create, rename, delete or merge form as typed.
type taxonomyForm struct {
	Name, Slug string
	Target     int64 // the category to move articles to, or the tag to merge into
	Errors     qalam.FieldErrors
}
