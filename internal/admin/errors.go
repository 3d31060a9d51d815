package admin

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/view"
)

// statusOf is the one table from error kinds to status codes here.
var statusOf = map[qalam.Kind]int{
	qalam.KindInternal:     http.StatusInternalServerError,
	qalam.KindInvalid:      http.StatusUnprocessableEntity,
	qalam.KindNotFound:     http.StatusNotFound,
	qalam.KindConflict:     http.StatusConflict,
	qalam.KindUnauthorized: http.StatusUnauthorized,
	qalam.KindForbidden:    http.StatusForbidden,
	qalam.KindTooLarge:     http.StatusRequestEntityTooLarge,
	qalam.KindTooMany:      http.StatusTooManyRequests,
	qalam.KindUnavailable:  http.StatusServiceUnavailable,
	qalam.KindClosed:       http.StatusForbidden,
}

// handle adapts a handler that returns an error, rendering the newsroom's
// error page and logging server faults once.
func (a *Admin) handle(h func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if err := h(w, r); err != nil {
			a.renderError(w, r, err)
		}
	})
}

func (a *Admin) renderError(w http.ResponseWriter, r *http.Request, err error) {
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		err = qalam.Errorf(qalam.KindTooLarge, "What you sent is larger than we accept.")
	}
	kind := qalam.KindOf(err)
	status := statusOf[kind]
	if status >= 500 {
		a.log.ErrorContext(r.Context(), "newsroom request failed", slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("err", err))
	}
	if kind == qalam.KindTooMany {
		w.Header().Set("Retry-After", "900")
	}
	page := view.AdminErrorPage{AdminPage: a.page(r, http.StatusText(status), ""), Status: status, Message: qalam.MessageOf(err)}
	if rerr := a.view.Render(w, status, "admin/error", page); rerr != nil {
		a.log.ErrorContext(r.Context(), "newsroom error page failed", slog.Any("err", rerr))
		http.Error(w, http.StatusText(status), status)
	}
}

// flashes are the confirmations a redirect can carry, by key (?flash=key):
// only these texts can appear, whatever the address says.
var flashes = map[string]string{
	"saved":               "Saved.",
	"signed-out":          "You are signed out.",
	"two-factor-required": "This newsroom requires two-factor sign-in. Turn it on below to continue.",
	// account.go, staff.go
	"password-changed": "Your password was changed. Every other session of yours was signed out.",
	"two-factor-on":    "Two-factor sign-in is on. You will be asked for a code each time you sign in.",
	"two-factor-off":   "Two-factor sign-in is off.",
	"user-created":     "The account was created. Give them their password in person or over a secure channel.",
	"sessions-ended":   "Their sessions were ended; they must sign in again.",
	"two-factor-reset": "Two-factor sign-in was reset and their sessions ended. They can sign in with their password and turn it on again.",
	// article.go, workflow.go, revision.go
	"article-created":     "Draft saved. It stays private until it is published.",
	"article-submitted":   "Submitted for review. An editor will take it from here.",
	"article-published":   "Published. Readers can see it now.",
	"article-scheduled":   "Scheduled. It will be published at the time shown.",
	"article-unpublished": "Unpublished. Readers no longer see it.",
	"article-draft":       "Returned to draft.",
	"article-deleted":     "The article was deleted.",
	"preview-revoked":     "Every preview link of this article was revoked.",
	"correction-added":    "The correction was appended and the article marked updated.",
	"revision-restored":   "The revision's text was restored.",
	// media.go, taxonomy.go
	"media-uploaded":   "Uploaded. The image was saved anew, without its hidden details (location, camera).",
	"media-deleted":    "The image and its files were deleted.",
	"category-deleted": "The category was deleted; its articles were moved.",
	"tag-merged":       "The tags were merged.",
	"tag-deleted":      "The tag was deleted and taken off its articles.",
	// moderation.go
	"comments-approved":  "Approved. Readers can see the comments now, and their commenters are trusted from now on.",
	"comments-spam":      "Marked as spam. Readers do not see it.",
	"comments-deleted":   "Removed. Readers do not see it; it can be approved later from the Removed tab.",
	"comments-unchanged": "Nothing changed: the comments were already moderated, perhaps by someone else.",
	// discussion.go, bans.go
	"policy-saved":      "Saved. Articles show the new policy at once; it judges comments posted from now on.",
	"words-saved":       "Saved. The lists judge comments posted from now on.",
	"commenters-banned": "Banned. Their new comments are kept as spam, and they are not told.",
	"nobody-banned":     "Nobody was banned: the selected comments carry no email, browser or address to ban.",
	"ban-lifted":        "The ban was lifted.",
}

func flashFrom(r *http.Request) string { return flashes[r.URL.Query().Get("flash")] }
