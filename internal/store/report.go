package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qalamnews/qalam"
)

// Readers report comments (SECURITY.md 2.8 item 9): a comment reported by
// enough independent readers, told apart by their address hashes, is held
// for a moderator without waiting for one.

// ReportReasons are the reasons a reader may give, in the order the form
// offers them.
var ReportReasons = []string{"spam", "abuse", "hate", "harassment", "personal", "other"}

// MaxReportNote is the longest note a report may carry, in characters.
const MaxReportNote = 500

// CommentReport is one reader's report of a comment.
type CommentReport struct {
	ID        int64
	CommentID int64
	Reason    string // one of ReportReasons
	Note      string
	// ReporterHash is the reporter's address hash: one report per comment
	// is counted for each.
	ReporterHash string
	CreatedAt    time.Time
}

// Validate checks a report's reason and note.
func (r *CommentReport) Validate() error {
	errs := qalam.FieldErrors{}
	if !slices.Contains(ReportReasons, r.Reason) {
		errs["reason"] = "Choose a reason."
	}
	if utf8.RuneCountInString(r.Note) > MaxReportNote {
		errs["note"] = fmt.Sprintf("Please keep the note under %d characters.", MaxReportNote)
	}
	if r.ReporterHash == "" {
		errs["reporter"] = "A report needs its reporter's address hash."
	}
	if len(errs) > 0 {
		return errs.Err()
	}
	return nil
}

// ReportComment stores r and, when the comment has then been reported by
// at least holdAt distinct reporters and is approved, holds it (approved →
// pending) with an audit entry, in the same transaction; held says whether
// this report held it. A reporter's repeat report of the same comment is
// stored once and is not an error. A comment that is gone is not found.
func (s *Store) ReportComment(ctx context.Context, r *CommentReport, holdAt int) (held bool, err error) {
	r.Note = strings.TrimSpace(r.Note)
	if err := r.Validate(); err != nil {
		return false, err
	}
	err = s.write(ctx, func(tx *writeTx) error {
		held = false
		// A no-op write locks the comment's row, so that concurrent reports
		// of one comment are counted one after the other (PostgreSQL reads
		// committed rows only; SQLite has one writer anyway).
		res, err := tx.ExecContext(ctx, `UPDATE comments SET status = status WHERE id = $1`, r.CommentID)
		if err != nil {
			return translate(err, "comment", "")
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return qalam.Errorf(qalam.KindNotFound, "There is no such comment.")
		}
		c, err := commentByID(ctx, tx, r.CommentID)
		if err != nil {
			return err
		}
		r.CreatedAt = tx.now
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO reports (comment_id, reason, note, reporter_hash, created_at)
			VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (comment_id, reporter_hash) DO NOTHING`,
			r.CommentID, r.Reason, r.Note, r.ReporterHash, s.d.ts(tx.now)); err != nil {
			return translate(err, "report", "")
		}
		var reporters int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(DISTINCT reporter_hash) FROM reports WHERE comment_id = $1`,
			r.CommentID).Scan(&reporters); err != nil {
			return translate(err, "report", "")
		}
		if holdAt <= 0 || reporters < holdAt || c.Status != qalam.Approved {
			return nil
		}
		res, err = tx.ExecContext(ctx, `UPDATE comments SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4`,
			qalam.Pending, s.d.ts(tx.now), c.ID, qalam.Approved)
		if err != nil {
			return translate(err, "comment", "")
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return nil
		}
		err = s.addAudit(ctx, tx, &AuditEntry{
			Action: "comment.auto_held", TargetType: "comment", TargetID: c.ID,
			Reason: fmt.Sprintf("%d reader reports", holdAt),
			Detail: string(qalam.Approved) + " → " + string(qalam.Pending),
		})
		if err != nil {
			return err
		}
		tx.changed(Change{ArticleID: c.ArticleID})
		held = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("store: report comment %d: %w", r.CommentID, err)
	}
	return held, nil
}

// ReportCounts says, for each of the comments ids that has reports, how
// many it has of each reason. Comments without reports are left out.
func (s *Store) ReportCounts(ctx context.Context, commentIDs []int64) (map[int64]map[string]int, error) {
	counts := map[int64]map[string]int{}
	ids := slices.Compact(slices.Sorted(slices.Values(commentIDs)))
	if len(ids) == 0 {
		return counts, nil
	}
	var a args
	rows, err := s.reader.QueryContext(ctx, `SELECT comment_id, reason, COUNT(*) FROM reports
		WHERE comment_id IN `+a.in(ids)+` GROUP BY comment_id, reason`, a...)
	if err != nil {
		return nil, fmt.Errorf("store: count reports: %w", translate(err, "report", ""))
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var reason string
		var n int
		if err := rows.Scan(&id, &reason, &n); err != nil {
			return nil, fmt.Errorf("store: count reports: %w", err)
		}
		if counts[id] == nil {
			counts[id] = map[string]int{}
		}
		counts[id][reason] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: count reports: %w", translate(err, "report", ""))
	}
	return counts, nil
}

// FindReportedForQueue returns a page of the approved or held comments
// that have reports, newest first, as the moderation queue shows them, and
// how many there are in all.
func (s *Store) FindReportedForQueue(ctx context.Context, limit, offset int) ([]*QueueItem, int, error) {
	var a args
	where := `WHERE c.status IN (` + a.add(qalam.Approved) + `, ` + a.add(qalam.Pending) + `)
		AND EXISTS (SELECT 1 FROM reports r WHERE r.comment_id = c.id)`
	list, total, err := s.queuePage(ctx, where, a, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("store: find reported comments: %w", err)
	}
	return list, total, nil
}

// CountReported says how many approved or held comments have reports (the
// queue's reported tab).
func (s *Store) CountReported(ctx context.Context) (int, error) {
	var n int
	err := s.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM comments c WHERE c.status IN ($1, $2)
		AND EXISTS (SELECT 1 FROM reports r WHERE r.comment_id = c.id)`, qalam.Approved, qalam.Pending).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count reported comments: %w", translate(err, "comment", ""))
	}
	return n, nil
}
