package store

import (
	"context"
	"fmt"
	"time"

	"github.com/qalamnews/qalam"
)

// A reader may change or withdraw their own comment for a short while after
// posting it. "Own" means posted by the same commenter (the browser's
// commenter token); the window is measured by the store's clock, the one
// that dated the comment.

// errOwnWindow is the refusal once the window has passed.
func errOwnWindow() error {
	return qalam.Errorf(qalam.KindClosed, "Comments can be changed for 15 minutes after posting.")
}

// ownComment loads comment id for commenterID to change at now: it must
// exist, belong to that commenter, be visible or awaiting moderation, and
// be younger than window.
func ownComment(ctx context.Context, db querier, id, commenterID int64, window time.Duration, now time.Time) (*qalam.Comment, error) {
	c, err := commentByID(ctx, db, id)
	if err != nil {
		return nil, err
	}
	switch {
	case commenterID == 0 || c.CommenterID != commenterID:
		return nil, qalam.Errorf(qalam.KindForbidden, "Only the browser that posted a comment can change it.")
	case c.Status != qalam.Pending && c.Status != qalam.Approved:
		return nil, qalam.Errorf(qalam.KindNotFound, "comment not found")
	case !now.Before(c.CreatedAt.Add(window)):
		return nil, errOwnWindow()
	}
	return c, nil
}

// OwnComment returns comment id if commenterID may still change it (see
// EditOwnComment), else the error a change would meet.
func (s *Store) OwnComment(ctx context.Context, id, commenterID int64, window time.Duration) (*qalam.Comment, error) {
	c, err := ownComment(ctx, s.reader, id, commenterID, window, s.now())
	if err != nil {
		return nil, fmt.Errorf("store: own comment %d: %w", id, err)
	}
	return c, nil
}

// OwnComments returns the comments on the article that commenterID posted
// and may still change, oldest first.
func (s *Store) OwnComments(ctx context.Context, articleID, commenterID int64, window time.Duration) ([]*qalam.Comment, error) {
	if commenterID == 0 {
		return []*qalam.Comment{}, nil
	}
	since := s.now().Add(-window)
	rows, err := s.reader.QueryContext(ctx, `SELECT `+commentColumns+` FROM comments
		WHERE article_id = $1 AND commenter_id = $2 AND status IN ($3, $4) AND created_at > $5
		ORDER BY id`,
		articleID, commenterID, qalam.Pending, qalam.Approved, s.d.ts(since))
	if err != nil {
		return nil, fmt.Errorf("store: own comments on article %d: %w", articleID, translate(err, "comment", ""))
	}
	list, err := collect(rows, scanComment)
	if err != nil {
		return nil, fmt.Errorf("store: own comments on article %d: %w", articleID, translate(err, "comment", ""))
	}
	return list, nil
}

// OwnEdit is a reader's new text for their comment, with what screening
// the new text decided.
type OwnEdit struct {
	Body, BodyHTML string // normalised and validated by the caller
	// Status is screening's verdict on the new text. It only ever makes
	// the comment stricter: an approved comment edited into something the
	// rules hold goes back to the queue (or to spam), but no edit
	// publishes a held comment. Empty means approved.
	Status qalam.CommentStatus
	Reason string // why screening held it, recorded as at posting
}

// strictness orders the statuses an edit may move a comment between.
var strictness = map[qalam.CommentStatus]int{qalam.Approved: 0, qalam.Pending: 1, qalam.Spam: 2}

// EditOwnComment replaces the text of comment id, which commenterID posted
// less than window ago, with the edit's text, and marks it edited. The
// comment keeps its moderation status unless the edit's screening is
// stricter (see OwnEdit), in which case the new status and reason are
// stored and audited as screening's. A comment that belongs to another
// commenter is forbidden; one past the window, or on an article whose
// discussion has closed, is closed; one a moderator has removed is not
// found.
func (s *Store) EditOwnComment(ctx context.Context, id, commenterID int64, edit OwnEdit, window time.Duration) (*qalam.Comment, error) {
	body, bodyHTML := edit.Body, edit.BodyHTML
	var c *qalam.Comment
	err := s.write(ctx, func(tx *writeTx) error {
		var err error
		if c, err = ownComment(ctx, tx, id, commenterID, window, tx.now); err != nil {
			return err
		}
		if err := s.checkDiscussion(ctx, tx, c.ArticleID); err != nil {
			return err
		}
		status, reason := c.Status, c.ModerationReason
		verdict := edit.Status
		if verdict == "" {
			verdict = qalam.Approved
		}
		held := strictness[verdict] > strictness[c.Status]
		if held {
			status, reason = verdict, truncateRunes(edit.Reason, maxAuditText)
		}
		// The status condition catches a moderator deciding meanwhile.
		res, err := tx.ExecContext(ctx, `UPDATE comments SET body = $1, body_html = $2, edited_at = $3, updated_at = $3,
			status = $4, moderation_reason = $5
			WHERE id = $6 AND status = $7`,
			body, bodyHTML, s.d.ts(tx.now), status, reason, id, c.Status)
		if err != nil {
			return translate(err, "comment", "")
		}
		if err := oneRow(res); err != nil {
			return err
		}
		if held {
			err := s.addAudit(ctx, tx, &AuditEntry{Action: ActionScreened, TargetType: "comment", TargetID: id,
				Reason: "edited: " + reason, Detail: string(c.Status) + " → " + string(status)})
			if err != nil {
				return err
			}
		}
		c.Body, c.BodyHTML, c.EditedAt, c.UpdatedAt = body, bodyHTML, tx.now, tx.now
		c.Status, c.ModerationReason = status, reason
		tx.changed(Change{ArticleID: c.ArticleID})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: edit own comment %d: %w", id, err)
	}
	return c, nil
}

// DeleteOwnComment withdraws comment id, which commenterID posted less
// than window ago: it becomes deleted, kept and hidden as a moderator's
// deletion is. The checks are EditOwnComment's, except that a comment may
// be withdrawn after its discussion has closed.
func (s *Store) DeleteOwnComment(ctx context.Context, id, commenterID int64, window time.Duration) error {
	err := s.write(ctx, func(tx *writeTx) error {
		c, err := ownComment(ctx, tx, id, commenterID, window, tx.now)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE comments SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4`,
			qalam.Deleted, s.d.ts(tx.now), id, c.Status)
		if err != nil {
			return translate(err, "comment", "")
		}
		if err := oneRow(res); err != nil {
			return err
		}
		tx.changed(Change{ArticleID: c.ArticleID})
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: delete own comment %d: %w", id, err)
	}
	return nil
}

// oneRow checks that a guarded update of a comment found its row.
func oneRow(res interface{ RowsAffected() (int64, error) }) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return qalam.Errorf(qalam.KindConflict, "The comment was moderated meanwhile. Reload and try again.")
	}
	return nil
}
