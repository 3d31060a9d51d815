package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/qalamnews/qalam"
)

// QueueItem is one comment in the moderation queue with what a moderator
// needs to judge it: the article it is on, the comment it replies to and
// the commenter's record.
type QueueItem struct {
	Comment *qalam.Comment

	ArticleID       int64
	ArticleSlug     string
	ArticleHeadline string
	ArticleLanguage qalam.Language

	// ParentName and ParentBody are the replied-to comment's author and
	// text; both "" for a top-level comment (or when the parent is gone).
	ParentName string
	ParentBody string

	// Approved and Rejected (spam or deleted) count every comment ever
	// posted with the same email address, this one included.
	Approved int
	Rejected int
}

// QueueFilter selects a page of the moderation queue, newest first.
type QueueFilter struct {
	Status *qalam.CommentStatus // nil: every status
	Limit  int                  // 0: a default page
	Offset int
}

// Queue limits.
const (
	defaultQueueLimit = 50
	maxQueueLimit     = 500
)

// ModerateComments moves each of the comments ids to status by the rules
// of SetCommentStatus (qalam.CommentStatus.CanBecome; approving makes the
// commenter trusted) and records one audit entry per comment it changed,
// by userID with reason, all in one transaction. A comment that cannot
// move (already there, gone, or decided concurrently) is skipped, not an
// error: a bulk action on a stale page does what still makes sense. It
// returns the IDs changed, ascending.
func (s *Store) ModerateComments(ctx context.Context, ids []int64, status qalam.CommentStatus, userID int64, reason string) ([]int64, error) {
	if !status.Valid() || status == qalam.Pending {
		return nil, qalam.FieldErrors{"status": "Choose approve, spam or remove."}.Err()
	}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	changed := []int64{}
	if len(ids) == 0 {
		return changed, nil
	}
	err := s.write(ctx, func(tx *writeTx) error {
		changed = changed[:0]
		var a args
		rows, err := tx.QueryContext(ctx, `SELECT `+commentColumns+` FROM comments WHERE id IN `+a.in(ids)+` ORDER BY id`, a...)
		if err != nil {
			return translate(err, "comment", "")
		}
		list, err := collect(rows, scanComment)
		if err != nil {
			return translate(err, "comment", "")
		}
		trusted := map[int64]bool{}
		for _, c := range list {
			if !c.Status.CanBecome(status) {
				continue
			}
			// The status condition skips a comment a moderator decided
			// concurrently (on PostgreSQL, between our read and here).
			res, err := tx.ExecContext(ctx, `UPDATE comments SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4`,
				status, s.d.ts(tx.now), c.ID, c.Status)
			if err != nil {
				return translate(err, "comment", "")
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 0 {
				continue
			}
			if status == qalam.Approved && c.CommenterID != 0 && !trusted[c.CommenterID] {
				if _, err := tx.ExecContext(ctx, `UPDATE commenters SET trusted = $1 WHERE id = $2`, true, c.CommenterID); err != nil {
					return translate(err, "commenter", "")
				}
				trusted[c.CommenterID] = true
			}
			err = s.addAudit(ctx, tx, &AuditEntry{
				UserID: userID, Action: "comment." + string(status), TargetType: "comment", TargetID: c.ID,
				Reason: reason, Detail: string(c.Status) + " → " + string(status),
			})
			if err != nil {
				return err
			}
			// The decision teaches the site's spam classifier.
			if err := s.recordSpamDecision(ctx, tx, c, status, userID); err != nil {
				return err
			}
			tx.changed(Change{ArticleID: c.ArticleID})
			changed = append(changed, c.ID)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: moderate %d comments to %s: %w", len(ids), status, err)
	}
	return changed, nil
}

// CountComments says how many comments have status, on every article.
func (s *Store) CountComments(ctx context.Context, status qalam.CommentStatus) (int, error) {
	var n int
	err := s.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM comments WHERE status = $1`, status).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count %s comments: %w", status, translate(err, "comment", ""))
	}
	return n, nil
}

// CommentCounts says how many comments there are of each status, on
// every article, in one query (the queue's tabs).
func (s *Store) CommentCounts(ctx context.Context) (map[qalam.CommentStatus]int, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT status, COUNT(*) FROM comments GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("store: count comments: %w", translate(err, "comment", ""))
	}
	defer rows.Close()
	counts := map[qalam.CommentStatus]int{}
	for rows.Next() {
		var st qalam.CommentStatus
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("store: count comments: %w", err)
		}
		counts[st] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: count comments: %w", translate(err, "comment", ""))
	}
	return counts, nil
}

// queueColumns are a comment's columns (aliased c) followed by its
// article's and its parent's.
const queueColumns = `c.id, c.article_id, COALESCE(c.parent_id, 0), c.author_name, c.author_email, c.author_url,
	c.body, c.body_html, c.status, COALESCE(c.commenter_id, 0), c.ip_hash, c.idempotency_key, c.created_at, c.updated_at,
	a.slug, a.headline, a.language, COALESCE(p.author_name, ''), COALESCE(p.body, ''), c.moderation_reason`

func scanQueueItem(row scanner) (*QueueItem, error) {
	var c qalam.Comment
	it := QueueItem{Comment: &c}
	err := row.Scan(&c.ID, &c.ArticleID, &c.ParentID, &c.AuthorName, &c.AuthorEmail, &c.AuthorURL,
		&c.Body, &c.BodyHTML, &c.Status, &c.CommenterID, &c.IPHash, &c.IdempotencyKey,
		scanTime(&c.CreatedAt), scanTime(&c.UpdatedAt),
		&it.ArticleSlug, &it.ArticleHeadline, &it.ArticleLanguage, &it.ParentName, &it.ParentBody,
		&c.ModerationReason)
	if err != nil {
		return nil, err
	}
	it.ArticleID = c.ArticleID
	return &it, nil
}

// FindCommentsForQueue returns a page of the comments matching f, newest
// (latest arrived) first, with their articles, their parents and their
// commenters' records, and how many match in all. It runs three queries
// whatever the page's length.
func (s *Store) FindCommentsForQueue(ctx context.Context, f QueueFilter) ([]*QueueItem, int, error) {
	var a args
	where := ""
	if f.Status != nil {
		where = "WHERE c.status = " + a.add(*f.Status)
	}
	list, total, err := s.queuePage(ctx, where, a, f.Limit, f.Offset)
	if err != nil {
		return nil, 0, fmt.Errorf("store: find comments for the queue: %w", err)
	}
	return list, total, nil
}

// queuePage reads one page of the queue: the comments matching where (with
// its arguments a, over comments aliased c), newest first, with their
// articles, parents and commenters' records, and how many match in all.
func (s *Store) queuePage(ctx context.Context, where string, a args, limit, offset int) ([]*QueueItem, int, error) {
	if limit <= 0 {
		limit = defaultQueueLimit
	}
	limit = min(limit, maxQueueLimit)
	var list []*QueueItem
	var total int
	err := s.read(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM comments c `+where, a...).Scan(&total); err != nil {
			return translate(err, "comment", "")
		}
		page := append(args{}, a...)
		rows, err := tx.QueryContext(ctx, `SELECT `+queueColumns+` FROM comments c
			JOIN articles a ON a.id = c.article_id
			LEFT JOIN comments p ON p.id = c.parent_id `+where+`
			ORDER BY c.id DESC
			LIMIT `+page.add(limit)+` OFFSET `+page.add(max(offset, 0)), page...)
		if err != nil {
			return translate(err, "comment", "")
		}
		if list, err = collect(rows, scanQueueItem); err != nil {
			return translate(err, "comment", "")
		}
		return queueHistory(ctx, tx, list)
	})
	return list, total, err
}

// queueHistory fills in the commenters' records for a page, in one query
// over the page's distinct addresses.
func queueHistory(ctx context.Context, tx *sql.Tx, list []*QueueItem) error {
	var emails []string
	for _, it := range list {
		if e := it.Comment.AuthorEmail; e != "" && !slices.Contains(emails, e) {
			emails = append(emails, e)
		}
	}
	if len(emails) == 0 {
		return nil
	}
	var a args
	in := inList(&a, emails)
	approved, spam, deleted := a.add(qalam.Approved), a.add(qalam.Spam), a.add(qalam.Deleted)
	rows, err := tx.QueryContext(ctx, `SELECT author_email,
		    COUNT(CASE WHEN status = `+approved+` THEN 1 END),
		    COUNT(CASE WHEN status IN (`+spam+`, `+deleted+`) THEN 1 END)
		FROM comments WHERE author_email IN `+in+` GROUP BY author_email`, a...)
	if err != nil {
		return translate(err, "comment", "")
	}
	defer rows.Close()
	type record struct{ approved, rejected int }
	byEmail := map[string]record{}
	for rows.Next() {
		var e string
		var r record
		if err := rows.Scan(&e, &r.approved, &r.rejected); err != nil {
			return err
		}
		byEmail[e] = r
	}
	if err := rows.Err(); err != nil {
		return translate(err, "comment", "")
	}
	for _, it := range list {
		r := byEmail[it.Comment.AuthorEmail]
		it.Approved, it.Rejected = r.approved, r.rejected
	}
	return nil
}
