package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/qalamnews/qalam"
)

// A reader's own data: every comment posted with their email address,
// which they may read, download and erase once they have shown they
// receive mail at that address (package web sends the link).

// ReaderComment is one of a reader's comments with its article.
type ReaderComment struct {
	Comment         *qalam.Comment
	ArticleSlug     string
	ArticleHeadline string
	ArticleLanguage qalam.Language
	// ArticlePublished is false when the article is not (or no longer)
	// on the site, so there is nothing to link to.
	ArticlePublished bool
}

// readerEmail is the form an address is compared in: comments keep the
// address as typed, and people do not type it the same way every time.
func readerEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// CommentsByEmail returns every comment posted with the address email
// (compared in lower case), on any article and of any status, oldest
// first. Erased comments have no address left, so they are not among
// them. An address that posted nothing gets an empty list.
func (s *Store) CommentsByEmail(ctx context.Context, email string) ([]*ReaderComment, error) {
	email = readerEmail(email)
	if email == "" {
		return []*ReaderComment{}, nil
	}
	rows, err := s.reader.QueryContext(ctx, `
		SELECT `+commentColumnsC+`, a.slug, a.headline, a.language, a.status
		FROM comments c JOIN articles a ON a.id = c.article_id
		WHERE LOWER(c.author_email) = $1 AND c.erased_at IS NULL
		ORDER BY c.id`, email)
	if err != nil {
		return nil, fmt.Errorf("store: comments by email: %w", translate(err, "comment", ""))
	}
	list, err := collect(rows, func(row scanner) (*ReaderComment, error) {
		var c qalam.Comment
		rc := &ReaderComment{Comment: &c}
		var status qalam.ArticleStatus
		err := row.Scan(&c.ID, &c.ArticleID, &c.ParentID, &c.AuthorName, &c.AuthorEmail, &c.AuthorURL,
			&c.Body, &c.BodyHTML, &c.Status, &c.CommenterID, &c.IPHash, &c.IdempotencyKey,
			scanTime(&c.CreatedAt), scanTime(&c.UpdatedAt), scanTime(&c.EditedAt), scanTime(&c.ErasedAt),
			&rc.ArticleSlug, &rc.ArticleHeadline, &rc.ArticleLanguage, &status)
		rc.ArticlePublished = status == qalam.Published
		return rc, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: comments by email: %w", translate(err, "comment", ""))
	}
	return list, nil
}

// commentColumnsC is commentColumns over the comments table aliased c.
const commentColumnsC = `c.id, c.article_id, COALESCE(c.parent_id, 0), c.author_name, c.author_email, c.author_url,
	c.body, c.body_html, c.status, COALESCE(c.commenter_id, 0), c.ip_hash, c.idempotency_key, c.created_at,
	c.updated_at, c.edited_at, c.erased_at`

// CountCommentsByEmail says how many comments, not erased, were posted
// with the address email (compared in lower case).
func (s *Store) CountCommentsByEmail(ctx context.Context, email string) (int, error) {
	var n int
	err := s.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM comments WHERE LOWER(author_email) = $1 AND erased_at IS NULL`,
		readerEmail(email)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count comments by email: %w", translate(err, "comment", ""))
	}
	return n, nil
}

// erasedNote is the reason every erasure's audit entry gives.
const erasedNote = "reader request"

// EraseCommentsByEmail erases every comment posted with the address email
// at its author's request, in one transaction, and returns their IDs.
//
// Each comment's text, name, email, website, address hash and browser
// identity are wiped and it is marked erased; the row stays, so replies
// keep their place (the thread shows "comment removed" while it has
// replies shown, and nothing otherwise). One waiting for moderation is
// removed (deleted) as well, since there is nothing left to judge. The
// comments' moderation history and reports go (a moderator's reason or a
// reporter's note may quote them), and so does what Qalam keeps for the
// address: reply subscriptions, mail not yet sent or kept as sent, and
// its emailed-link tokens. Each erasure is audited with no address in it:
// requester is a keyed hash of the address, kept in the entry's detail.
// Every article concerned is announced changed, so no cached page keeps
// the text.
func (s *Store) EraseCommentsByEmail(ctx context.Context, email, requester string) ([]int64, error) {
	email = readerEmail(email)
	if email == "" {
		return nil, qalam.FieldErrors{"email": "Enter an email address such as name@example.com."}.Err()
	}
	var ids []int64
	err := s.write(ctx, func(tx *writeTx) error {
		ids = []int64{}
		rows, err := tx.QueryContext(ctx, `SELECT id, article_id, status FROM comments
			WHERE LOWER(author_email) = $1 AND erased_at IS NULL ORDER BY id`, email)
		if err != nil {
			return translate(err, "comment", "")
		}
		type target struct {
			id, articleID int64
			status        qalam.CommentStatus
		}
		list, err := collect(rows, func(row scanner) (target, error) {
			var t target
			return t, row.Scan(&t.id, &t.articleID, &t.status)
		})
		if err != nil {
			return translate(err, "comment", "")
		}
		for _, t := range list {
			status := t.status
			if status == qalam.Pending {
				status = qalam.Deleted
			}
			_, err := tx.ExecContext(ctx, `UPDATE comments SET author_name = '', author_email = '', author_url = '',
				body = '', body_html = '', ip_hash = '', commenter_id = NULL, status = $1, erased_at = $2, updated_at = $2
				WHERE id = $3`, status, s.d.ts(tx.now), t.id)
			if err != nil {
				return translate(err, "comment", "")
			}
			ids = append(ids, t.id)
		}
		if len(ids) > 0 {
			var a args
			in := a.in(ids)
			for _, q := range []string{
				`DELETE FROM reports WHERE comment_id IN ` + in,
				`DELETE FROM reply_subscriptions WHERE comment_id IN ` + in,
				`DELETE FROM audit_log WHERE target_type = 'comment' AND target_id IN ` + in,
			} {
				if _, err := tx.ExecContext(ctx, q, a...); err != nil {
					return translate(err, "comment", "")
				}
			}
		}
		for _, q := range []string{
			`DELETE FROM reply_subscriptions WHERE email = $1`,
			`DELETE FROM mail_outbox WHERE recipient = $1`,
			`DELETE FROM mail_tokens WHERE email = $1`,
		} {
			if _, err := tx.ExecContext(ctx, q, email); err != nil {
				return translate(err, "mail", "")
			}
		}
		for _, t := range list {
			err := s.addAudit(ctx, tx, &AuditEntry{
				Action: "comment.erased", TargetType: "comment", TargetID: t.id, Reason: erasedNote,
				Detail: "requested by the author (address hash " + requester + "); was " + string(t.status),
			})
			if err != nil {
				return err
			}
			tx.changed(Change{ArticleID: t.articleID})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: erase comments by email: %w", err)
	}
	return ids, nil
}
