package view

import "github.com/qalamnews/qalam"

// CommentReportPage lets a reader report a public comment to the
// moderators, and thanks them once they have (Done).
type CommentReportPage struct {
	Page
	Article *qalam.Article
	Comment *qalam.Comment
	// Action is where the report is posted, ArticlePath the way back.
	Action      string
	ArticlePath string
	Reasons     []string // the reasons offered, in order (message keys "reason_"+reason)
	Reason      string   // the reason chosen, if any
	Note        string   // what was typed in the note
	Errors      qalam.FieldErrors
	Message     string // what is wrong with the form as a whole
	Done        bool   // the report was received: the thank-you page
}

// ReportTitle is the report page's title in the article's language: the
// form's, or once the report is received (done) the thank-you's.
func ReportTitle(lang qalam.Language, done bool) string {
	if done {
		return translate(lang, "report_done")
	}
	return translate(lang, "report_comment")
}
