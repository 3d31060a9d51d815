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
}

func flashFrom(r *http.Request) string { return flashes[r.URL.Query().Get("flash")] }
