package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/view"
)

// Readers report public comments (SECURITY.md 2.8 item 9). The shared
// thread carries a plain "Report" link on each approved comment; the form
// behind it is per comment, never cached. A comment reported by
// reportHoldAt distinct addresses is held for a moderator by the store.
// A reporter is never told how many reports a comment has.

// reportHoldAt is how many distinct reporters (address hashes) hold a
// comment.
const reportHoldAt = 3

// Report rate limit, per address (hashed).
const reportsPerHour = 10

// maxReportForm caps the report form's body: a reason and a short note.
const maxReportForm = 16 << 10

// reportableComment loads the published article and the approved comment
// on it named in the path; anything else is not found.
func (s *Site) reportableComment(ctx context.Context, r *http.Request) (*qalam.Article, *qalam.Comment, error) {
	e, err := s.articleEntry(ctx, r.PathValue("slug"))
	if err != nil {
		return nil, nil, err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, nil, qalam.Errorf(qalam.KindNotFound, "There is no such comment.")
	}
	// The store, not the cached page, says whether it is still approved.
	approved := qalam.Approved
	list, err := s.store.FindComments(ctx, store.CommentFilter{ArticleID: e.article.ID, Status: &approved, IDs: []int64{id}})
	if err != nil {
		return nil, nil, err
	}
	if len(list) != 1 {
		return nil, nil, qalam.Errorf(qalam.KindNotFound, "This comment is not on the site.")
	}
	return e.article, list[0], nil
}

// reportPage is a comment's report form as first shown.
func (s *Site) reportPage(ctx context.Context, a *qalam.Article, c *qalam.Comment) view.CommentReportPage {
	path := view.ArticlePath(a.Slug)
	page := view.CommentReportPage{
		Page:        s.page(ctx),
		Article:     a,
		Comment:     c,
		Action:      path + "/comments/" + strconv.FormatInt(c.ID, 10) + "/report",
		ArticlePath: path,
		Reasons:     store.ReportReasons,
		Errors:      qalam.FieldErrors{},
	}
	page.Lang = a.Language
	page.Title = view.ReportTitle(a.Language, false)
	page.NoIndex = true
	return page
}

func (s *Site) showReport(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a, c, err := s.reportableComment(ctx, r)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "private, no-store")
	return s.view.Render(w, http.StatusOK, "site/comment-report", s.reportPage(ctx, a, c))
}

func (s *Site) postReport(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a, c, err := s.reportableComment(ctx, r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxReportForm)
	if err := r.ParseForm(); err != nil {
		if strings.Contains(err.Error(), "too large") {
			return qalam.Errorf(qalam.KindTooLarge, "Your note is far longer than we accept.")
		}
		return qalam.Errorf(qalam.KindInvalid, "We could not read that form. Please try again.")
	}
	reason, note := r.PostForm.Get("reason"), r.PostForm.Get("note")
	addr := s.ClientKey(r)
	report := &store.CommentReport{CommentID: c.ID, Reason: reason, Note: strings.TrimSpace(note), ReporterHash: addr}
	if addr == "" {
		report.ReporterHash = "unknown" // no usable address: such reports count as one reporter
	}
	if qe, ok := errors.AsType[*qalam.Error](report.Validate()); ok && len(qe.Fields) > 0 {
		return s.rejectReport(w, r, a, c, reason, note, qe.Fields)
	}
	ok, _, err := s.store.Hit(ctx, "report", addr, time.Hour, reportsPerHour)
	if err != nil {
		return err
	}
	if !ok {
		return qalam.Errorf(qalam.KindTooMany, "You are sending reports too fast. Please wait a while and try again.")
	}
	held, err := s.store.ReportComment(ctx, report, reportHoldAt)
	if err != nil {
		if isNotFound(err) {
			return qalam.Errorf(qalam.KindNotFound, "This comment is not on the site.")
		}
		return err
	}
	if held {
		// This node drops its copy now; the change feed tells the others.
		s.Invalidate(store.Change{ArticleID: a.ID})
	}
	page := s.reportPage(ctx, a, c)
	page.Done = true
	page.Title = view.ReportTitle(a.Language, true)
	w.Header().Set("Cache-Control", "private, no-store")
	return s.view.Render(w, http.StatusOK, "site/comment-report", page)
}

// rejectReport sends the report form back with what the reader chose and
// typed.
func (s *Site) rejectReport(w http.ResponseWriter, r *http.Request, a *qalam.Article, c *qalam.Comment, reason, note string, errs qalam.FieldErrors) error {
	page := s.reportPage(r.Context(), a, c)
	page.Reason, page.Note = reason, note
	page.Errors = qalam.FieldErrors{}
	for _, f := range []string{"reason", "note"} {
		if m := errs[f]; m != "" {
			page.Errors[f] = m
		}
	}
	page.Message = "Your report was not sent. Please correct it; what you wrote is kept below."
	w.Header().Set("Cache-Control", "no-store")
	return s.view.Render(w, http.StatusUnprocessableEntity, "site/comment-report", page)
}
