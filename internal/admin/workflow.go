package admin

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/markup"
	"github.com/qalamnews/qalam/internal/store"
)

// Limits of the small workflow forms.
const maxWorkflowForm = 64 << 10

// moves are the workflow's buttons, in the order the editor shows them;
// scheduling has its own form, with a time.
var moves = []struct {
	to     qalam.ArticleStatus
	action qalam.Action
	path   string
	label  string
	hint   string
	danger bool
}{
	{qalam.Submitted, qalam.ActSubmitArticle, "submit", "Submit for review", "An editor will review and publish it.", false},
	{qalam.Published, qalam.ActPublishArticle, "publish", "Publish now", "Readers see it at once.", false},
	{qalam.Draft, qalam.ActPublishArticle, "draft", "Return to draft", "Takes it out of review or off the schedule.", false},
	{qalam.Unpublished, qalam.ActPublishArticle, "unpublish", "Unpublish", "Readers no longer see it; its address stops working.", true},
}

// workflowFor lists the moves the workflow allows from the article's
// status and the policy allows this user.
func workflowFor(u *qalam.User, art *qalam.Article, t qalam.Target) []workflowAction {
	var list []workflowAction
	for _, m := range moves {
		if art.Status.CanBecome(m.to) && qalam.Can(u, m.action, t) {
			list = append(list, workflowAction{Path: articlePath(art.ID) + "/" + m.path, Label: m.label, Hint: m.hint, Danger: m.danger})
		}
	}
	return list
}

// moveArticle returns the handler that moves an article to status to. The
// route has already asked the policy; the workflow is asked here.
func (a *Admin) moveArticle(to qalam.ArticleStatus) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		u, _ := userFrom(ctx)
		art := object[*qalam.Article](r)
		err := parseSmallForm(w, r)
		if err != nil {
			return err
		}
		if !art.Status.CanBecome(to) {
			return qalam.Errorf(qalam.KindConflict, "A %s article cannot become %s.", art.Status, to)
		}
		up := store.ArticleUpdate{Status: &to}
		if up.ExpectEditedAt, err = formEditedAt(r); err != nil {
			return err
		}
		if to == qalam.Published {
			// The published text starts the revision history.
			up.Revision = &store.RevisionInfo{UserID: u.ID, Note: "Published"}
		}
		if _, err := a.store.UpdateArticle(ctx, art.ID, up); err != nil {
			return staleWorkflow(err)
		}
		http.Redirect(w, r, articlePath(art.ID)+"?flash=article-"+string(to), http.StatusSeeOther)
		return nil
	}
}

// scheduleLayouts are the forms a schedule time may take: the browser's
// datetime-local (read as UTC, as the page says), or with an explicit
// offset.
var scheduleLayouts = []string{"2006-01-02T15:04", "2006-01-02T15:04:05", time.RFC3339}

// parseSchedule reads the time to publish at.
func parseSchedule(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range scheduleLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// scheduleArticle sets the article to be published at a future time.
func (a *Admin) scheduleArticle(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	art := object[*qalam.Article](r)
	if err := parseSmallForm(w, r); err != nil {
		return err
	}
	if !art.Status.CanBecome(qalam.Scheduled) {
		return qalam.Errorf(qalam.KindConflict, "A %s article cannot be scheduled.", art.Status)
	}
	raw := r.PostForm.Get("scheduled_at")
	at, ok := parseSchedule(raw)
	msg := ""
	switch {
	case !ok:
		msg = "Give a date and time, such as 2026-05-01 09:30 (UTC)."
	case !at.After(a.now()):
		msg = "Choose a time in the future."
	}
	if msg != "" {
		page, err := a.editorPage(r, art, articleFields(art), nil)
		if err != nil {
			return err
		}
		page.ScheduleAt, page.ScheduleError = raw, msg
		page.Error = "Not scheduled: " + msg
		return a.view.Render(w, http.StatusUnprocessableEntity, "admin/editor", page)
	}
	status := qalam.Scheduled
	up := store.ArticleUpdate{Status: &status, ScheduledAt: &at}
	var err error
	if up.ExpectEditedAt, err = formEditedAt(r); err != nil {
		return err
	}
	if _, err := a.store.UpdateArticle(ctx, art.ID, up); err != nil {
		return staleWorkflow(err)
	}
	http.Redirect(w, r, articlePath(art.ID)+"?flash=article-scheduled", http.StatusSeeOther)
	return nil
}

// confirmDeleteArticle asks before deleting: a GET never deletes.
func (a *Admin) confirmDeleteArticle(w http.ResponseWriter, r *http.Request) error {
	art := object[*qalam.Article](r)
	page := editorPage{AdminPage: a.page(r, "Delete: "+art.Headline, "articles"), Article: art, ConfirmDelete: true}
	return a.view.Render(w, http.StatusOK, "admin/editor", page)
}

// deleteArticle deletes the article with its comments, revisions and
// corrections.
func (a *Admin) deleteArticle(w http.ResponseWriter, r *http.Request) error {
	art := object[*qalam.Article](r)
	if err := parseSmallForm(w, r); err != nil {
		return err
	}
	if err := a.store.DeleteArticle(r.Context(), art.ID); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/articles?flash=article-deleted", http.StatusSeeOther)
	return nil
}

// createPreviewLink makes a link that shows the unpublished article to
// whoever has it. Only the token's hash is stored, so the link is shown
// once, on this response, and never again.
func (a *Admin) createPreviewLink(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, _ := userFrom(ctx)
	art := object[*qalam.Article](r)
	if err := parseSmallForm(w, r); err != nil {
		return err
	}
	token, hash := newPreviewToken()
	if err := a.store.CreatePreviewToken(ctx, art.ID, hash, u.ID); err != nil {
		return err
	}
	page, err := a.editorPage(r, art, articleFields(art), nil)
	if err != nil {
		return err
	}
	page.PreviewLink = strings.TrimSuffix(a.opts.BaseURL, "/") + "/preview/" + token
	page.HasPreviewLink = true
	return a.view.Render(w, http.StatusOK, "admin/editor", page)
}

// newPreviewToken returns a preview link's token (256 random bits, URL
// safe) and the SHA-256 of it, which the public site looks the link up by.
func newPreviewToken() (token string, hash []byte) {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand)
	token = base64.RawURLEncoding.EncodeToString(b)
	sum := sha256.Sum256([]byte(token))
	return token, sum[:]
}

// revokePreviewLinks ends every preview link of the article.
func (a *Admin) revokePreviewLinks(w http.ResponseWriter, r *http.Request) error {
	art := object[*qalam.Article](r)
	if err := parseSmallForm(w, r); err != nil {
		return err
	}
	if err := a.store.RevokePreviewTokens(r.Context(), art.ID); err != nil {
		return err
	}
	http.Redirect(w, r, articlePath(art.ID)+"?flash=preview-revoked", http.StatusSeeOther)
	return nil
}

// addCorrection appends a public correction or update to a published
// article.
func (a *Admin) addCorrection(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, _ := userFrom(ctx)
	art := object[*qalam.Article](r)
	if err := parseSmallForm(w, r); err != nil {
		return err
	}
	c := &qalam.Correction{
		ArticleID: art.ID,
		Kind:      qalam.CorrectionKind(r.PostForm.Get("kind")),
		Text:      strings.TrimSpace(strings.ReplaceAll(r.PostForm.Get("text"), "\r\n", "\n")),
		UserID:    u.ID,
	}
	err := c.Validate()
	if err == nil {
		c.TextHTML = markup.Article(c.Text)
		if err = a.store.AddCorrection(ctx, c); err == nil {
			http.Redirect(w, r, articlePath(art.ID)+"?flash=correction-added#corrections", http.StatusSeeOther)
			return nil
		}
	}
	fields := qalam.FieldErrors{}
	if !mergeFields(fields, err) {
		return err
	}
	page, perr := a.editorPage(r, art, articleFields(art), nil)
	if perr != nil {
		return perr
	}
	page.Correction = correctionFields{Kind: c.Kind, Text: c.Text, Errors: fields}
	page.Error = "The correction was not added. Please correct the marked fields; what you wrote is kept below."
	return a.view.Render(w, http.StatusUnprocessableEntity, "admin/editor", page)
}

// parseSmallForm reads a short urlencoded form (a workflow button).
func parseSmallForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxWorkflowForm)
	if err := r.ParseForm(); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return err
		}
		return qalam.Errorf(qalam.KindInvalid, "We could not read that form. Please try again.")
	}
	return nil
}

// formEditedAt is the version of the article the page showed when a
// workflow button was pressed (zero when the form has none), so nobody
// publishes text they have not seen.
func formEditedAt(r *http.Request) (time.Time, error) {
	s := r.PostForm.Get("edited_at")
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, qalam.Errorf(qalam.KindInvalid, "The form was damaged. Reload the article and try again.")
	}
	return t, nil
}

// staleWorkflow explains a conflict on a workflow move: the article was
// saved since the page was loaded.
func staleWorkflow(err error) error {
	if e, ok := errors.AsType[*qalam.Error](err); ok && e.Kind == qalam.KindConflict && len(e.Fields) == 0 {
		return &qalam.Error{Kind: qalam.KindConflict, Err: err,
			Message: "The article was saved by someone else after you opened it. Go back, reload it and check the text before you try again."}
	}
	return err
}
