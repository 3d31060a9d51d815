package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/qalamnews/qalam"
)

// CommentFilter selects comments, oldest first.
type CommentFilter struct {
	ArticleID int64 // 0: comments on every article (the moderation queue)
	Status    *qalam.CommentStatus
	IDs       []int64 // nil: any; non-nil and empty: none
	Limit     int     // 0: no limit
}

const commentColumns = `id, article_id, COALESCE(parent_id, 0), author_name, author_email, author_url,
	body, body_html, status, COALESCE(commenter_id, 0), ip_hash, idempotency_key, created_at, updated_at,
	edited_at, erased_at, moderation_reason`

func scanComment(row scanner) (*qalam.Comment, error) {
	var c qalam.Comment
	err := row.Scan(&c.ID, &c.ArticleID, &c.ParentID, &c.AuthorName, &c.AuthorEmail, &c.AuthorURL,
		&c.Body, &c.BodyHTML, &c.Status, &c.CommenterID, &c.IPHash, &c.IdempotencyKey,
		scanTime(&c.CreatedAt), scanTime(&c.UpdatedAt), scanTime(&c.EditedAt), scanTime(&c.ErasedAt),
		&c.ModerationReason)
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// CreateComment stores a reader's comment on a published article whose
// discussion is open. The caller has normalised and validated it and set
// Status, CommenterID, IPHash, IdempotencyKey, the author fields, Body and
// BodyHTML; the store sets ID, CreatedAt and UpdatedAt. A non-zero
// ParentID must be a comment on the same article.
//
// When a comment with the same IdempotencyKey exists (a retried form
// submission), nothing is stored: *c becomes that comment and created is
// false. The retry is recognised before the article is checked, so it
// succeeds even if the discussion closed meanwhile.
func (s *Store) CreateComment(ctx context.Context, c *qalam.Comment) (created bool, err error) {
	if err := checkComment(c); err != nil {
		return false, err
	}
	var stored *qalam.Comment
	err = s.write(ctx, func(tx *writeTx) error {
		existing, err := commentByKey(ctx, tx, c.IdempotencyKey)
		if err == nil {
			stored = existing
			return nil
		}
		if !errors.Is(err, qalam.ErrNotFound) {
			return err
		}
		if err := s.checkDiscussion(ctx, tx, c.ArticleID); err != nil {
			return err
		}
		// A reader's comment is dated by the store, whatever c says.
		in := *c
		in.CreatedAt, in.UpdatedAt = time.Time{}, time.Time{}
		stored, created, err = s.insertComment(ctx, tx, &in)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: create comment on article %d: %w", c.ArticleID, err)
	}
	*c = *stored
	return created, nil
}

// CreateComments stores many comments in one transaction, in order, for
// seeding and imports: the article need not be published or open, and
// CreatedAt (and UpdatedAt, which defaults to it) is kept when set.
// IdempotencyKey is required; a comment whose key is stored already is
// loaded into its place instead, so re-running an import stores nothing
// twice.
//
// A ParentID must name a comment on the same article stored before this
// call or earlier in cs. As the caller cannot know the IDs of comments
// not yet stored, a reply to a comment in the same batch is given by
// listing it in that comment's Replies (and later in cs): it is stored
// with its ParentID set to that comment's new ID.
func (s *Store) CreateComments(ctx context.Context, cs []*qalam.Comment) error {
	for _, c := range cs {
		if err := checkComment(c); err != nil {
			return err
		}
	}
	stored := make([]*qalam.Comment, len(cs))
	err := s.write(ctx, func(tx *writeTx) error {
		articles := map[int64]bool{}
		// The caller's comments change only once the batch is committed.
		parentOf := map[*qalam.Comment]int64{}
		for i, c := range cs {
			if !articles[c.ArticleID] {
				var n int
				err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM articles WHERE id = $1`, c.ArticleID).Scan(&n)
				if err != nil {
					return translate(err, "article", "")
				}
				if n == 0 {
					return translate(sql.ErrNoRows, "article", "")
				}
				articles[c.ArticleID] = true
			}
			in := *c
			if id, ok := parentOf[c]; ok {
				in.ParentID = id
			}
			sc, _, err := s.insertComment(ctx, tx, &in)
			if err != nil {
				return fmt.Errorf("comment %d of %d: %w", i+1, len(cs), err)
			}
			stored[i] = sc
			for _, r := range c.Replies {
				parentOf[r] = sc.ID
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: create comments: %w", err)
	}
	for i, c := range cs {
		replies := c.Replies
		*c = *stored[i]
		c.Replies = replies
	}
	return nil
}

// checkComment checks what the store needs of a comment; the caller has
// validated the reader's input.
func checkComment(c *qalam.Comment) error {
	switch {
	case c.IdempotencyKey == "":
		return qalam.FieldErrors{"idempotency_key": "Required: reload the page and try again."}.Err()
	case !c.Status.Valid():
		return qalam.FieldErrors{"status": "Unknown status."}.Err()
	}
	return nil
}

// checkDiscussion refuses comments on an article readers cannot see or
// whose discussion is closed.
func (s *Store) checkDiscussion(ctx context.Context, tx *writeTx, articleID int64) error {
	var status qalam.ArticleStatus
	var closed bool
	err := tx.QueryRowContext(ctx, `SELECT status, comments_closed FROM articles WHERE id = $1`, articleID).
		Scan(&status, &closed)
	switch {
	case err != nil:
		return translate(err, "article", "")
	case status != qalam.Published:
		return translate(sql.ErrNoRows, "article", "")
	case closed:
		return qalam.Errorf(qalam.KindClosed, "Comments are closed on this article.")
	}
	return nil
}

// insertComment stores c unless its idempotency key is taken, and returns
// the comment as stored: c's, or the one holding the key.
func (s *Store) insertComment(ctx context.Context, tx *writeTx, c *qalam.Comment) (*qalam.Comment, bool, error) {
	if c.ParentID != 0 {
		var parentArticle int64
		err := tx.QueryRowContext(ctx, `SELECT article_id FROM comments WHERE id = $1`, c.ParentID).Scan(&parentArticle)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, false, translate(err, "comment", "")
		}
		if err != nil || parentArticle != c.ArticleID {
			return nil, false, qalam.FieldErrors{"parent": "The comment you replied to is not on this article."}.Err()
		}
	}
	created := orNow(c.CreatedAt, tx.now)
	updated := c.UpdatedAt
	if updated.IsZero() {
		updated = created
	}
	updated = qalam.UTC(updated)
	reason := truncateRunes(c.ModerationReason, maxAuditText)
	var id int64
	// A concurrent retry on another node may win the key between the
	// lookup and here: DO NOTHING, then load what it stored.
	err := tx.QueryRowContext(ctx, `
		INSERT INTO comments (article_id, parent_id, author_name, author_email, author_url,
		    body, body_html, status, commenter_id, ip_hash, idempotency_key, created_at, updated_at,
		    moderation_reason)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
		ON CONFLICT (idempotency_key) DO NOTHING
		RETURNING id`,
		c.ArticleID, nullID(c.ParentID), c.AuthorName, c.AuthorEmail, c.AuthorURL,
		c.Body, c.BodyHTML, c.Status, nullID(c.CommenterID), c.IPHash, c.IdempotencyKey,
		s.d.ts(created), s.d.ts(updated), reason).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		existing, err := commentByKey(ctx, tx, c.IdempotencyKey)
		return existing, false, err
	}
	if err != nil {
		return nil, false, translate(err, "comment", "")
	}
	if reason != "" {
		// Screening's decision is the system's, recorded as a moderator's is.
		err := s.addAudit(ctx, tx, &AuditEntry{Action: ActionScreened, TargetType: "comment", TargetID: id,
			Reason: reason, Detail: "→ " + string(c.Status)})
		if err != nil {
			return nil, false, err
		}
	}
	tx.changed(Change{ArticleID: c.ArticleID})
	stored := *c
	stored.ModerationReason = reason
	stored.ID, stored.CreatedAt, stored.UpdatedAt = id, created, updated
	stored.Replies, stored.Depth = nil, 0
	return &stored, true, nil
}

func commentByKey(ctx context.Context, db querier, key string) (*qalam.Comment, error) {
	c, err := scanComment(db.QueryRowContext(ctx,
		`SELECT `+commentColumns+` FROM comments WHERE idempotency_key = $1`, key))
	return c, translate(err, "comment", "")
}

func commentByID(ctx context.Context, db querier, id int64) (*qalam.Comment, error) {
	c, err := scanComment(db.QueryRowContext(ctx,
		`SELECT `+commentColumns+` FROM comments WHERE id = $1`, id))
	return c, translate(err, "comment", "")
}

// Comment returns the comment with the given ID, whatever its status.
func (s *Store) Comment(ctx context.Context, id int64) (*qalam.Comment, error) {
	c, err := commentByID(ctx, s.reader, id)
	if err != nil {
		return nil, fmt.Errorf("store: comment %d: %w", id, err)
	}
	return c, nil
}

// FindComments returns the comments matching f by ID, oldest first, in
// one query: an article's discussion, however long, is one index range.
func (s *Store) FindComments(ctx context.Context, f CommentFilter) ([]*qalam.Comment, error) {
	if f.IDs != nil && len(f.IDs) == 0 {
		return []*qalam.Comment{}, nil
	}
	var a args
	where := "WHERE 1 = 1"
	if f.ArticleID != 0 {
		where += " AND article_id = " + a.add(f.ArticleID)
	}
	if f.Status != nil {
		where += " AND status = " + a.add(*f.Status)
	}
	if len(f.IDs) > 0 {
		where += " AND id IN " + a.in(f.IDs)
	}
	limit := ""
	if f.Limit > 0 {
		limit = " LIMIT " + a.add(f.Limit)
	}
	rows, err := s.reader.QueryContext(ctx, `SELECT `+commentColumns+` FROM comments `+where+` ORDER BY id`+limit, a...)
	if err != nil {
		return nil, fmt.Errorf("store: find comments: %w", translate(err, "comment", ""))
	}
	list, err := collect(rows, scanComment)
	if err != nil {
		return nil, fmt.Errorf("store: find comments: %w", translate(err, "comment", ""))
	}
	return list, nil
}

// SetCommentStatus moves a comment to status when its current status
// allows (qalam.CommentStatus.CanBecome), else it is a conflict. Approving
// a comment makes its commenter trusted, in the same transaction: this is
// how a returning commenter earns immediate publication.
func (s *Store) SetCommentStatus(ctx context.Context, id int64, status qalam.CommentStatus) (*qalam.Comment, error) {
	var c *qalam.Comment
	err := s.write(ctx, func(tx *writeTx) error {
		var err error
		if c, err = commentByID(ctx, tx, id); err != nil {
			return err
		}
		if !c.Status.CanBecome(status) {
			return qalam.Errorf(qalam.KindConflict, "A comment that is %s cannot become %s.", c.Status, status)
		}
		// The status condition catches a moderator deciding concurrently.
		res, err := tx.ExecContext(ctx, `UPDATE comments SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4`,
			status, s.d.ts(tx.now), id, c.Status)
		if err != nil {
			return translate(err, "comment", "")
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return qalam.Errorf(qalam.KindConflict, "The comment was moderated meanwhile. Reload and try again.")
		}
		if status == qalam.Approved && c.CommenterID != 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE commenters SET trusted = $1 WHERE id = $2`, true, c.CommenterID); err != nil {
				return translate(err, "commenter", "")
			}
		}
		c.Status, c.UpdatedAt = status, tx.now
		tx.changed(Change{ArticleID: c.ArticleID})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: set comment %d status to %s: %w", id, status, err)
	}
	return c, nil
}

// ForgetAddresses erases the address hashes of comments posted before the
// given time and says how many it erased: a reader's network identity is
// kept only as long as moderation needs it.
func (s *Store) ForgetAddresses(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := s.write(ctx, func(tx *writeTx) error {
		res, err := tx.ExecContext(ctx, `UPDATE comments SET ip_hash = '' WHERE ip_hash <> '' AND created_at < $1`, s.d.ts(qalam.UTC(before)))
		if err != nil {
			return translate(err, "comment", "")
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: forget addresses before %s: %w", before.Format(time.RFC3339), err)
	}
	return n, nil
}
