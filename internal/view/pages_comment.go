package view

import (
	"time"

	"github.com/qalamnews/qalam"
)

// CommentEditPage lets a reader change or withdraw their own comment while
// it is still theirs to change.
type CommentEditPage struct {
	Page
	Article *qalam.Article
	Comment *qalam.Comment // as stored
	// Action is where the changed text is posted, DeleteAction where the
	// withdrawal is, ArticlePath the way back.
	Action       string
	DeleteAction string
	ArticlePath  string
	Body         string // the text in the box: the stored one, or what was typed
	Until        time.Time
	Errors       qalam.FieldErrors
	Message      string // what is wrong with the form as a whole
}

// EditLinkLabel is the text of the link that takes a reader to the edit
// page of their own comment, in the article's language.
func EditLinkLabel(lang qalam.Language) string { return translate(lang, "edit_link") }
