package web

import (
	"cmp"
	"errors"
	"log/slog"
	"net/http"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/view"
)

// statusOf is the one table from error kinds to HTTP status codes.
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

// headings are the error page's headings by kind (message keys), and
// explanations the texts shown when the error's own message will not do:
// a server fault's details are not the reader's business, and the errors'
// own messages are written in English.
var (
	headings = map[qalam.Kind]string{
		qalam.KindNotFound:     "error_not_found",
		qalam.KindForbidden:    "error_forbidden",
		qalam.KindUnauthorized: "error_unauthorized",
		qalam.KindClosed:       "error_closed",
		qalam.KindTooLarge:     "error_too_large",
		qalam.KindTooMany:      "error_too_many",
		qalam.KindUnavailable:  "error_unavailable",
		qalam.KindInvalid:      "error_invalid",
		qalam.KindConflict:     "error_conflict",
	}
	explanations = map[qalam.Kind]string{
		qalam.KindNotFound:    "error_not_found_text",
		qalam.KindInternal:    "error_internal_text",
		qalam.KindUnavailable: "error_unavailable_text",
	}
)

// handle adapts a handler that returns an error: the error's kind picks the
// status and the error page, and only server faults are logged, once.
func (s *Site) handle(h func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.renderError(w, r, err)
		}
	})
}

func (s *Site) renderError(w http.ResponseWriter, r *http.Request, err error) {
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		err = qalam.Errorf(qalam.KindTooLarge, "What you sent is larger than we accept.")
	}
	kind := qalam.KindOf(err)
	status := statusOf[kind]
	if status >= 500 {
		s.log.ErrorContext(r.Context(), "request failed", slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("err", err))
	}
	page := view.ErrorPage{Page: s.page(r.Context()), Status: status}
	lang := page.Language()
	page.Heading = view.Message(lang, cmp.Or(headings[kind], "error_internal"))
	page.Message = qalam.MessageOf(err)
	if lang != qalam.English || kind == qalam.KindInternal {
		page.Message = view.Message(lang, cmp.Or(explanations[kind], "error_generic_text"))
	}
	page.Title = page.Heading
	page.NoIndex = true
	if kind == qalam.KindTooMany {
		w.Header().Set("Retry-After", "30")
	}
	w.Header().Set("Cache-Control", "no-store")
	if rerr := s.view.Render(w, status, "site/error", page); rerr != nil {
		s.log.ErrorContext(r.Context(), "error page failed", slog.Any("err", rerr))
		http.Error(w, http.StatusText(status), status)
	}
}

func notFound(http.ResponseWriter, *http.Request) error {
	return qalam.Errorf(qalam.KindNotFound, "There is no page at this address. It may have moved, or the link may be mistyped.")
}
