package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/qalamnews/qalam"
)

// Reply notifications: a commenter who ticks "Email me when someone
// replies" is subscribed to their comment. When a reply to it is approved
// (at posting, or later by a moderator), one email is queued for them,
// once per reply, whichever node notices first. Held, spam and removed
// replies never cause one, so the form cannot relay mail.

// SubscribeReplies subscribes the author of comment commentID, at the
// address the comment was posted with, to replies to it. Subscribing
// again (a retried form post) changes nothing.
func (s *Store) SubscribeReplies(ctx context.Context, commentID int64) error {
	err := s.write(ctx, func(tx *writeTx) error {
		var email string
		err := tx.QueryRowContext(ctx, `SELECT author_email FROM comments WHERE id = $1 AND erased_at IS NULL`, commentID).Scan(&email)
		if err != nil {
			return translate(err, "comment", "")
		}
		email = strings.ToLower(strings.TrimSpace(email))
		if !qalam.ValidEmail(email) {
			return qalam.FieldErrors{"email": "Enter an email address such as name@example.com."}.Err()
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO reply_subscriptions (comment_id, email, created_at) VALUES ($1, $2, $3)
			ON CONFLICT (comment_id) DO NOTHING`, commentID, email, s.d.ts(tx.now))
		return translate(err, "subscription", "")
	})
	if err != nil {
		return fmt.Errorf("store: subscribe to replies to comment %d: %w", commentID, err)
	}
	return nil
}

// ReplySubscriber returns the address subscribed to replies to comment
// commentID, or a not-found error when there is none.
func (s *Store) ReplySubscriber(ctx context.Context, commentID int64) (string, error) {
	var email string
	err := s.reader.QueryRowContext(ctx, `SELECT email FROM reply_subscriptions WHERE comment_id = $1`, commentID).Scan(&email)
	if err != nil {
		return "", fmt.Errorf("store: reply subscriber of comment %d: %w", commentID, translate(err, "subscription", ""))
	}
	return email, nil
}

// UnsubscribeReplies ends every reply subscription of the address email
// and says how many there were. Replies already queued for it are not
// sent: the worker finds the subscription gone.
func (s *Store) UnsubscribeReplies(ctx context.Context, email string) (int64, error) {
	var n int64
	err := s.write(ctx, func(tx *writeTx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM reply_subscriptions WHERE email = $1`, strings.ToLower(strings.TrimSpace(email)))
		if err != nil {
			return translate(err, "subscription", "")
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: unsubscribe from replies: %w", err)
	}
	return n, nil
}

// maxNoticesPerRun bounds the replies QueueReplyNotices decides in one
// transaction; the rest wait for the next run.
const maxNoticesPerRun = 200

// QueueReplyNotices finds the approved replies to subscribed, approved
// comments that no run has decided yet, and for each, in one transaction,
// records the decision and queues an email to the subscriber, unless the
// reply is the subscriber's own (same address, or same commenter token).
// Concurrent runs on several nodes queue each email once: the decision's
// primary key lets one of them through. It says how many emails it queued.
func (s *Store) QueueReplyNotices(ctx context.Context) (int, error) {
	queued := 0
	err := s.write(ctx, func(tx *writeTx) error {
		queued = 0
		rows, err := tx.QueryContext(ctx, `
			SELECT r.id, sub.email, LOWER(r.author_email),
			       COALESCE(r.commenter_id, 0) <> 0 AND COALESCE(r.commenter_id, 0) = COALESCE(p.commenter_id, 0)
			FROM reply_subscriptions sub
			JOIN comments p ON p.id = sub.comment_id
			JOIN comments r ON r.parent_id = p.id
			WHERE r.status = $1 AND r.erased_at IS NULL AND p.status = $1 AND p.erased_at IS NULL
			  AND NOT EXISTS (SELECT 1 FROM reply_notices n WHERE n.reply_id = r.id)
			ORDER BY r.id
			LIMIT $2`, qalam.Approved, maxNoticesPerRun)
		if err != nil {
			return translate(err, "reply", "")
		}
		type candidate struct {
			replyID       int64
			to, from      string
			sameCommenter bool
		}
		list, err := collect(rows, func(row scanner) (candidate, error) {
			var c candidate
			err := row.Scan(&c.replyID, &c.to, &c.from, &c.sameCommenter)
			return c, err
		})
		if err != nil {
			return translate(err, "reply", "")
		}
		for _, c := range list {
			res, err := tx.ExecContext(ctx, `INSERT INTO reply_notices (reply_id, created_at) VALUES ($1, $2)
				ON CONFLICT (reply_id) DO NOTHING`, c.replyID, s.d.ts(tx.now))
			if err != nil {
				return translate(err, "reply notice", "")
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 0 {
				continue // another node decided it
			}
			if c.sameCommenter || c.from == c.to {
				continue // one's own reply: decided, not sent
			}
			if _, err := s.queueMail(ctx, tx, MailReply, c.to, c.replyID); err != nil {
				return err
			}
			queued++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: queue reply notices: %w", err)
	}
	return queued, nil
}

// ReplyNotice is what a reply notification says: the reply, the comment
// it answers and the article they are on.
type ReplyNotice struct {
	Reply           *qalam.Comment
	Parent          *qalam.Comment
	ArticleSlug     string
	ArticleHeadline string
	ArticleLanguage qalam.Language
}

// ReplyNoticeFor returns what to tell email about reply replyID, checked
// again at sending time: the reply must still be approved and not erased,
// on a published article, and email still subscribed to its parent.
// Anything else is not found, and the message is not to be sent.
func (s *Store) ReplyNoticeFor(ctx context.Context, replyID int64, email string) (*ReplyNotice, error) {
	n := &ReplyNotice{}
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		if n.Reply, err = commentByID(ctx, tx, replyID); err != nil {
			return err
		}
		if n.Reply.Status != qalam.Approved || n.Reply.Erased() || n.Reply.ParentID == 0 {
			return qalam.Errorf(qalam.KindNotFound, "The reply is no longer public.")
		}
		if n.Parent, err = commentByID(ctx, tx, n.Reply.ParentID); err != nil {
			return err
		}
		var subscriber string
		err = tx.QueryRowContext(ctx, `SELECT email FROM reply_subscriptions WHERE comment_id = $1`, n.Parent.ID).Scan(&subscriber)
		if err != nil {
			return translate(err, "subscription", "")
		}
		if subscriber != strings.ToLower(strings.TrimSpace(email)) {
			return qalam.Errorf(qalam.KindNotFound, "Subscription not found.")
		}
		var status qalam.ArticleStatus
		err = tx.QueryRowContext(ctx, `SELECT slug, headline, language, status FROM articles WHERE id = $1`, n.Reply.ArticleID).
			Scan(&n.ArticleSlug, &n.ArticleHeadline, &n.ArticleLanguage, &status)
		if err != nil {
			return translate(err, "article", "")
		}
		if status != qalam.Published {
			return qalam.Errorf(qalam.KindNotFound, "The article is not published.")
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: reply notice for comment %d: %w", replyID, err)
	}
	return n, nil
}
