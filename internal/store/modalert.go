package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/qalamnews/qalam"
)

// Moderators' alerts: staff who may moderate can ask for an email when
// comments wait for them, at most one per interval each, and only when a
// comment has come to wait since their last one. The email names counts
// and articles, never a held comment's text (which may be abusive, or
// someone's personal data).

// SetModeratorAlerts turns userID's alerts on or off. Turning them on
// again keeps the time of the last one sent, so toggling cannot bring an
// alert sooner.
func (s *Store) SetModeratorAlerts(ctx context.Context, userID int64, on bool) error {
	err := s.write(ctx, func(tx *writeTx) error {
		if !on {
			_, err := tx.ExecContext(ctx, `DELETE FROM moderator_alerts WHERE user_id = $1`, userID)
			return translate(err, "alert", "")
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO moderator_alerts (user_id, created_at) VALUES ($1, $2)
			ON CONFLICT (user_id) DO NOTHING`, userID, s.d.ts(tx.now))
		return translate(err, "user", "")
	})
	if err != nil {
		return fmt.Errorf("store: set moderator alerts of user %d: %w", userID, err)
	}
	return nil
}

// ModeratorAlerts reports whether userID asked for alerts.
func (s *Store) ModeratorAlerts(ctx context.Context, userID int64) (bool, error) {
	var n int
	err := s.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM moderator_alerts WHERE user_id = $1`, userID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: moderator alerts of user %d: %w", userID, translate(err, "alert", ""))
	}
	return n > 0, nil
}

// QueueModeratorAlerts queues an alert for every staff member who asked
// for alerts, may moderate (qalam.Can), is not disabled, was last alerted
// at least every ago (or never), and has had a comment come to wait since
// then. Each alert is claimed by moving the member's last alert time
// forward from the value read, so concurrent runs on several nodes queue
// it once. It says how many it queued.
func (s *Store) QueueModeratorAlerts(ctx context.Context, every time.Duration) (int, error) {
	queued := 0
	err := s.write(ctx, func(tx *writeTx) error {
		queued = 0
		rows, err := tx.QueryContext(ctx, `
			SELECT u.id, u.email, u.role, u.disabled, a.last_sent_at FROM moderator_alerts a
			JOIN users u ON u.id = a.user_id
			WHERE a.last_sent_at IS NULL OR a.last_sent_at <= $1
			ORDER BY u.id`, s.d.ts(tx.now.Add(-every)))
		if err != nil {
			return translate(err, "alert", "")
		}
		type due struct {
			user *qalam.User
			last time.Time // zero: never alerted
		}
		list, err := collect(rows, func(row scanner) (due, error) {
			d := due{user: &qalam.User{}}
			err := row.Scan(&d.user.ID, &d.user.Email, &d.user.Role, &d.user.Disabled, scanTime(&d.last))
			return d, err
		})
		if err != nil {
			return translate(err, "alert", "")
		}
		for _, d := range list {
			if !qalam.Can(d.user, qalam.ActModerate, qalam.Target{}) {
				continue
			}
			// A comment waits "since" when it was posted or held (a
			// reported comment is held later); the first alert counts
			// every waiting comment.
			since := d.last
			if since.IsZero() {
				since = time.Unix(0, 0)
			}
			var waiting int
			err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM comments WHERE status = $1 AND updated_at > $2`,
				qalam.Pending, s.d.ts(since)).Scan(&waiting)
			if err != nil {
				return translate(err, "comment", "")
			}
			if waiting == 0 {
				continue
			}
			var res sql.Result
			if d.last.IsZero() {
				res, err = tx.ExecContext(ctx, `UPDATE moderator_alerts SET last_sent_at = $1 WHERE user_id = $2 AND last_sent_at IS NULL`,
					s.d.ts(tx.now), d.user.ID)
			} else {
				res, err = tx.ExecContext(ctx, `UPDATE moderator_alerts SET last_sent_at = $1 WHERE user_id = $2 AND last_sent_at = $3`,
					s.d.ts(tx.now), d.user.ID, s.d.ts(d.last))
			}
			if err != nil {
				return translate(err, "alert", "")
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 0 {
				continue // another node sent it
			}
			if _, err := s.queueMail(ctx, tx, MailModeration, d.user.Email, d.user.ID); err != nil {
				return err
			}
			queued++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: queue moderator alerts: %w", err)
	}
	return queued, nil
}

// WaitingArticle is an article with comments waiting for moderation.
type WaitingArticle struct {
	Headline string
	Language qalam.Language
	Waiting  int
}

// ModerationSummary is what a moderator's alert says: how many comments
// wait, and on which articles (those with most waiting first, at most
// limit of them). It holds nothing a commenter wrote.
type ModerationSummary struct {
	Waiting  int
	Articles []WaitingArticle
	// More counts the articles with waiting comments left out.
	More int
}

// ModerationSummary says how many comments wait for moderation and on
// which articles.
func (s *Store) ModerationSummary(ctx context.Context, limit int) (*ModerationSummary, error) {
	sum := &ModerationSummary{Articles: []WaitingArticle{}}
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `
			SELECT a.headline, a.language, COUNT(*) FROM comments c JOIN articles a ON a.id = c.article_id
			WHERE c.status = $1 GROUP BY a.id, a.headline, a.language ORDER BY COUNT(*) DESC, a.id`, qalam.Pending)
		if err != nil {
			return translate(err, "comment", "")
		}
		list, err := collect(rows, func(row scanner) (WaitingArticle, error) {
			var w WaitingArticle
			err := row.Scan(&w.Headline, &w.Language, &w.Waiting)
			return w, err
		})
		if err != nil {
			return translate(err, "comment", "")
		}
		for i, w := range list {
			sum.Waiting += w.Waiting
			if i < limit {
				sum.Articles = append(sum.Articles, w)
			} else {
				sum.More++
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: moderation summary: %w", err)
	}
	return sum, nil
}
