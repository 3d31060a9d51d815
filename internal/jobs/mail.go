package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/mail"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/view"
)

// MailStore is what the mail worker needs of the database (package store).
type MailStore interface {
	QueueReplyNotices(ctx context.Context) (int, error)
	QueueModeratorAlerts(ctx context.Context, every time.Duration) (int, error)
	ClaimMail(ctx context.Context, lease time.Duration) (*store.OutboxMessage, error)
	FinishMail(ctx context.Context, id int64, claim, status, note string) error
	RetryMail(ctx context.Context, id int64, claim string, at time.Time, reason string) error
	ReplyNoticeFor(ctx context.Context, replyID int64, email string) (*store.ReplyNotice, error)
	ModerationSummary(ctx context.Context, limit int) (*store.ModerationSummary, error)
	User(ctx context.Context, id int64) (*qalam.User, error)
	ModeratorAlerts(ctx context.Context, userID int64) (bool, error)
	CountCommentsByEmail(ctx context.Context, email string) (int, error)
	CreateMailToken(ctx context.Context, t *store.MailToken) error
	PurgeMail(ctx context.Context, before time.Time) (int64, error)
}

// Sender hands a message to the mail server (package mail).
type Sender interface {
	Send(ctx context.Context, msg mail.Message) error
}

// MailerOptions configure a Mailer. The zero value of each is a sensible
// default.
type MailerOptions struct {
	SiteName string
	BaseURL  string // absolute, no trailing slash: links in messages start with it
	// AlertEvery is the least time between two alerts to one moderator:
	// 30 minutes when zero.
	AlertEvery time.Duration
	// Interval is how often the worker looks for work when nothing wakes
	// it: 10 seconds when zero.
	Interval time.Duration
	// Keep is how long finished messages stay in the outbox: 30 days when
	// zero.
	Keep time.Duration
	Now  func() time.Time
	Log  *slog.Logger
}

// Mail timing.
const (
	// mailLease is how long a claimed message is the worker's alone; a
	// delivery times out well within it.
	mailLease = 5 * time.Minute
	// dataLinkLife is how long a reader's link to their comments works.
	dataLinkLife = 24 * time.Hour
	// unsubscribeLife is how long an unsubscribe link works.
	unsubscribeLife = 365 * 24 * time.Hour
	// purgeEvery is how often finished messages and dead tokens are purged.
	purgeEvery = time.Hour
	// alertArticles is how many articles an alert names.
	alertArticles = 10
)

// retryDelays are the waits after each failed attempt; after the last,
// the message has failed for good.
var retryDelays = []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour, 4 * time.Hour}

// Mailer sends the outbox: it queues the notifications that are due
// (approved replies to subscribed comments, moderators' alerts), then
// writes and sends every due message, retrying with backoff and recording
// a final failure. Every node runs one; the store's claims make each
// message go out once.
type Mailer struct {
	store     MailStore
	sender    Sender
	opts      MailerOptions
	log       *slog.Logger
	wake      chan struct{}
	lastPurge time.Time
}

// NewMailer builds the worker over the store and the mail server.
func NewMailer(st MailStore, sender Sender, opts MailerOptions) *Mailer {
	if opts.AlertEvery <= 0 {
		opts.AlertEvery = 30 * time.Minute
	}
	if opts.Interval <= 0 {
		opts.Interval = 10 * time.Second
	}
	if opts.Keep <= 0 {
		opts.Keep = 30 * 24 * time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Mailer{store: st, sender: sender, opts: opts, log: log, wake: make(chan struct{}, 1)}
}

// Wake asks the worker to look for work now rather than at its next tick:
// wire it to the store's change feed, so an approved reply is noticed at
// once. It never blocks.
func (m *Mailer) Wake() {
	select {
	case m.wake <- struct{}{}:
	default: // already woken
	}
}

// Run works now, then at every interval or wake, until ctx ends.
func (m *Mailer) Run(ctx context.Context) {
	t := time.NewTicker(m.opts.Interval)
	defer t.Stop()
	for {
		m.RunOnce(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-m.wake:
		}
	}
}

// RunOnce queues what is due, sends every due message, and purges old
// ones once an hour. Failures are logged and retried on a later run:
// nothing queued is lost.
func (m *Mailer) RunOnce(ctx context.Context) {
	if n, err := m.store.QueueReplyNotices(ctx); err != nil {
		m.fail(ctx, "queueing reply notifications failed", err)
	} else if n > 0 {
		m.log.InfoContext(ctx, "reply notifications queued", slog.Int("messages", n))
	}
	if n, err := m.store.QueueModeratorAlerts(ctx, m.opts.AlertEvery); err != nil {
		m.fail(ctx, "queueing moderators' alerts failed", err)
	} else if n > 0 {
		m.log.InfoContext(ctx, "moderators' alerts queued", slog.Int("messages", n))
	}
	for ctx.Err() == nil {
		msg, err := m.store.ClaimMail(ctx, mailLease)
		if qalam.KindOf(err) == qalam.KindNotFound {
			break
		}
		if err != nil {
			m.fail(ctx, "claiming mail failed", err)
			break
		}
		m.deliver(ctx, msg)
	}
	if now := m.opts.Now(); now.Sub(m.lastPurge) >= purgeEvery {
		if n, err := m.store.PurgeMail(ctx, now.Add(-m.opts.Keep)); err != nil {
			m.fail(ctx, "purging old mail failed", err)
		} else {
			m.lastPurge = now
			if n > 0 {
				m.log.InfoContext(ctx, "old mail purged", slog.Int64("rows", n))
			}
		}
	}
}

// fail logs err unless the worker is stopping.
func (m *Mailer) fail(ctx context.Context, what string, err error) {
	if ctx.Err() == nil {
		m.log.ErrorContext(ctx, what, slog.Any("err", err))
	}
}

// deliver writes and sends one claimed message and records the outcome.
// Logs name the message, never its recipient.
func (m *Mailer) deliver(ctx context.Context, om *store.OutboxMessage) {
	attrs := []any{slog.Int64("mail_id", om.ID), slog.String("kind", om.Kind), slog.Int("attempt", om.Attempts)}
	msg, err := m.compose(ctx, om)
	if qalam.KindOf(err) == qalam.KindNotFound {
		// The reason it is no longer to be sent, in the outbox for staff.
		if err := m.store.FinishMail(ctx, om.ID, om.Claim, store.MailSkipped, qalam.MessageOf(err)); err != nil {
			m.fail(ctx, "recording skipped mail failed", err)
		}
		return
	}
	if err == nil {
		err = m.sender.Send(ctx, msg)
	}
	switch {
	case err == nil:
		if err := m.store.FinishMail(ctx, om.ID, om.Claim, store.MailSent, ""); err != nil {
			m.fail(ctx, "recording sent mail failed", err)
		}
		m.log.InfoContext(ctx, "mail sent", attrs...)
	case mail.IsPermanent(err) || om.Attempts > len(retryDelays):
		if err := m.store.FinishMail(ctx, om.ID, om.Claim, store.MailFailed, err.Error()); err != nil {
			m.fail(ctx, "recording failed mail failed", err)
		}
		m.log.ErrorContext(ctx, "mail failed for good", append(attrs, slog.Any("err", err))...)
	default:
		next := m.opts.Now().Add(retryDelays[max(om.Attempts, 1)-1])
		if err := m.store.RetryMail(ctx, om.ID, om.Claim, next, err.Error()); err != nil {
			m.fail(ctx, "rescheduling mail failed", err)
		}
		m.log.WarnContext(ctx, "mail will be retried", append(attrs, slog.Time("at", next), slog.Any("err", err))...)
	}
}

// compose writes the message from the database as it is now. A not-found
// error means it is no longer to be sent, and says why.
func (m *Mailer) compose(ctx context.Context, om *store.OutboxMessage) (mail.Message, error) {
	switch om.Kind {
	case store.MailReply:
		return m.replyNotice(ctx, om)
	case store.MailModeration:
		return m.moderationAlert(ctx, om)
	case store.MailDataLink:
		return m.dataLink(ctx, om)
	}
	return mail.Message{}, qalam.Errorf(qalam.KindNotFound, "Unknown kind of mail %q.", om.Kind)
}

func (m *Mailer) replyNotice(ctx context.Context, om *store.OutboxMessage) (mail.Message, error) {
	n, err := m.store.ReplyNoticeFor(ctx, om.RefID, om.Recipient)
	if err != nil {
		return mail.Message{}, err
	}
	token, err := m.token(ctx, store.TokenUnsubscribe, om.Recipient, unsubscribeLife)
	if err != nil {
		return mail.Message{}, err
	}
	notice := mail.ReplyNotice{
		SiteName:        m.opts.SiteName,
		Language:        n.ArticleLanguage,
		ArticleHeadline: n.ArticleHeadline,
		ReplyAuthor:     n.Reply.AuthorName,
		ReplyText:       n.Reply.Body,
		ReplyLink:       m.opts.BaseURL + view.CommentPath(n.ArticleSlug, n.Reply.ID), // the part that shows it
		Unsubscribe:     m.opts.BaseURL + view.UnsubscribePath(token),
	}
	return notice.Message(om.Recipient), nil
}

func (m *Mailer) moderationAlert(ctx context.Context, om *store.OutboxMessage) (mail.Message, error) {
	u, err := m.store.User(ctx, om.RefID)
	if err != nil {
		return mail.Message{}, err
	}
	if !qalam.Can(u, qalam.ActModerate, qalam.Target{}) {
		return mail.Message{}, qalam.Errorf(qalam.KindNotFound, "The staff member no longer moderates.")
	}
	if on, err := m.store.ModeratorAlerts(ctx, u.ID); err != nil {
		return mail.Message{}, err
	} else if !on {
		return mail.Message{}, qalam.Errorf(qalam.KindNotFound, "The staff member turned alerts off.")
	}
	sum, err := m.store.ModerationSummary(ctx, alertArticles)
	if err != nil {
		return mail.Message{}, err
	}
	if sum.Waiting == 0 {
		return mail.Message{}, qalam.Errorf(qalam.KindNotFound, "Nothing waits for moderation any more.")
	}
	alert := mail.ModerationAlert{
		SiteName:  m.opts.SiteName,
		Waiting:   sum.Waiting,
		More:      sum.More,
		QueueLink: m.opts.BaseURL + "/admin/comments",
		Settings:  m.opts.BaseURL + "/admin/account#alerts",
	}
	for _, a := range sum.Articles {
		alert.Articles = append(alert.Articles, mail.WaitingArticle{Headline: a.Headline, Waiting: a.Waiting})
	}
	// The account's address now, not when the alert was queued.
	return alert.Message(u.Email), nil
}

func (m *Mailer) dataLink(ctx context.Context, om *store.OutboxMessage) (mail.Message, error) {
	// The request page answers the same whether or not the address has
	// comments; only here, out of the reader's sight, is it decided.
	n, err := m.store.CountCommentsByEmail(ctx, om.Recipient)
	if err != nil {
		return mail.Message{}, err
	}
	if n == 0 {
		return mail.Message{}, qalam.Errorf(qalam.KindNotFound, "No comments were posted with this address.")
	}
	token, err := m.token(ctx, store.TokenDataLink, om.Recipient, dataLinkLife)
	if err != nil {
		return mail.Message{}, err
	}
	link := mail.DataLink{SiteName: m.opts.SiteName, Link: m.opts.BaseURL + view.DataLinkPath(token), Hours: int(dataLinkLife / time.Hour)}
	return link.Message(om.Recipient), nil
}

// token makes a token for an emailed link and stores its hash; the token
// itself goes only into the message.
func (m *Mailer) token(ctx context.Context, purpose, email string, life time.Duration) (string, error) {
	token, hash := store.NewMailToken()
	err := m.store.CreateMailToken(ctx, &store.MailToken{Hash: hash, Purpose: purpose, Email: email, ExpiresAt: m.opts.Now().Add(life)})
	if err != nil {
		return "", err
	}
	return token, nil
}
