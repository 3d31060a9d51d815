package web

import (
	"context"
	"net/http"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/view"
)

// Reply notifications, the reader's side: the comment form's box
// subscribes the comment, and every notification's link (and the mail
// program's one-click button, RFC 8058) unsubscribes its address. Package
// jobs decides and sends the notifications themselves.

// readerStore is what reply notifications and readers' data requests need
// of the database.
type readerStore interface {
	SubscribeReplies(ctx context.Context, commentID int64) error
	UnsubscribeReplies(ctx context.Context, email string) (int64, error)
	MailToken(ctx context.Context, hash []byte, purpose string) (*store.MailToken, error)
	UseMailToken(ctx context.Context, hash []byte, purpose string) (*store.MailToken, error)
	CreateMailToken(ctx context.Context, t *store.MailToken) error
	DeleteMailToken(ctx context.Context, hash []byte) error
	QueueMail(ctx context.Context, m *store.OutboxMessage) error
	CommentsByEmail(ctx context.Context, email string) ([]*store.ReaderComment, error)
	EraseCommentsByEmail(ctx context.Context, email, requester string) ([]int64, error)
}

// subscribeReplies subscribes a just-posted comment to replies when its
// author ticked the box and the site can send mail. Whether the comment is
// published or held, nothing is sent until a reply to it is approved.
func (s *Site) subscribeReplies(ctx context.Context, c *qalam.Comment, notify bool) error {
	if !notify || !s.opts.Mail || c.ID == 0 {
		return nil
	}
	return s.store.SubscribeReplies(ctx, c.ID)
}

// unsubscribePage is the unsubscribe page for the token in the path.
func (s *Site) unsubscribePage(r *http.Request) (view.UnsubscribePage, *store.MailToken, error) {
	page := view.UnsubscribePage{Page: s.page(r.Context()), Action: view.UnsubscribePath(r.PathValue("token"))}
	page.Title = view.PrivacyText(page.Language(), "unsubscribe_title")
	page.NoIndex = true
	t, err := s.store.MailToken(r.Context(), store.HashMailToken(r.PathValue("token")), store.TokenUnsubscribe)
	if err != nil && !isNotFound(err) {
		return page, nil, err
	}
	page.Valid = err == nil
	return page, t, nil
}

// showUnsubscribe asks to confirm: a GET changes nothing, since mail
// scanners open links before their readers do.
func (s *Site) showUnsubscribe(w http.ResponseWriter, r *http.Request) error {
	page, _, err := s.unsubscribePage(r)
	if err != nil {
		return err
	}
	return s.renderPrivate(w, statusIf(page.Valid, http.StatusNotFound), "site/unsubscribe", page)
}

// unsubscribe stops reply emails to the token's address. It is the
// confirmation page's button and also the one-click POST a mail program
// sends (RFC 8058: no cookies, no Origin header, the body
// "List-Unsubscribe=One-Click"); the token alone authorises it, so the
// body is not read. Unsubscribing twice is not an error.
func (s *Site) unsubscribe(w http.ResponseWriter, r *http.Request) error {
	page, t, err := s.unsubscribePage(r)
	if err != nil {
		return err
	}
	if !page.Valid {
		return s.renderPrivate(w, http.StatusNotFound, "site/unsubscribe", page)
	}
	if _, err := s.store.UnsubscribeReplies(r.Context(), t.Email); err != nil {
		return err
	}
	page.Done = true
	return s.renderPrivate(w, http.StatusOK, "site/unsubscribe", page)
}

// renderPrivate renders a page that is the reader's alone: never stored
// by any cache.
func (s *Site) renderPrivate(w http.ResponseWriter, status int, name string, page any) error {
	w.Header().Set("Cache-Control", "private, no-store")
	return s.view.Render(w, status, name, page)
}

// statusIf is 200 when ok, else the given status.
func statusIf(ok bool, otherwise int) int {
	if ok {
		return http.StatusOK
	}
	return otherwise
}
