package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/qalamnews/qalam"
)

// Readers recommend comments they find worth reading, each comment once.
// A reader is named by an opaque key the site derives from a browser's
// token; the store only keeps one row per comment and key, and the count
// on the comment, so that an article's counts are one indexed read.

// MaxReaderKey bounds a reader key's length.
const MaxReaderKey = 100

// RecommendComment records that reader recommends the comment. A reader's
// second recommendation of the same comment changes nothing: added says
// whether this one counted. It returns the comment's count afterwards.
// Only an approved comment on a published article can be recommended
// (others are not found), and not once the discussion is closed.
func (s *Store) RecommendComment(ctx context.Context, commentID int64, reader string) (count int, added bool, err error) {
	if reader == "" || len(reader) > MaxReaderKey {
		return 0, false, fmt.Errorf("store: recommend comment %d: reader key of %d bytes", commentID, len(reader))
	}
	err = s.write(ctx, func(tx *writeTx) error {
		added = false
		var articleID int64
		var status qalam.CommentStatus
		var articleStatus qalam.ArticleStatus
		var closed bool
		err := tx.QueryRowContext(ctx, `
			SELECT c.article_id, c.status, a.status, a.comments_closed
			FROM comments c JOIN articles a ON a.id = c.article_id
			WHERE c.id = $1`, commentID).Scan(&articleID, &status, &articleStatus, &closed)
		switch {
		case errors.Is(err, sql.ErrNoRows) || err == nil && (status != qalam.Approved || articleStatus != qalam.Published):
			return qalam.Errorf(qalam.KindNotFound, "There is no such comment.")
		case err != nil:
			return translate(err, "comment", "")
		case closed:
			return qalam.Errorf(qalam.KindClosed, "The discussion is closed.")
		}
		err = tx.QueryRowContext(ctx, `
			INSERT INTO recommendations (comment_id, reader, created_at) VALUES ($1, $2, $3)
			ON CONFLICT (comment_id, reader) DO NOTHING
			RETURNING comment_id`, commentID, reader, s.d.ts(tx.now)).Scan(&commentID)
		switch {
		case errors.Is(err, sql.ErrNoRows): // recommended before
			err = tx.QueryRowContext(ctx, `SELECT recommendations FROM comments WHERE id = $1`, commentID).Scan(&count)
			return translate(err, "comment", "")
		case err != nil:
			return translate(err, "recommendation", "")
		}
		err = tx.QueryRowContext(ctx, `
			UPDATE comments SET recommendations = recommendations + 1 WHERE id = $1
			RETURNING recommendations`, commentID).Scan(&count)
		if err != nil {
			return translate(err, "comment", "")
		}
		added = true
		tx.changed(Change{ArticleID: articleID, Counts: true})
		return nil
	})
	if err != nil {
		return 0, false, fmt.Errorf("store: recommend comment %d: %w", commentID, err)
	}
	return count, added, nil
}

// RecommendationCounts returns the count of each approved comment on the
// article that has been recommended at all.
func (s *Store) RecommendationCounts(ctx context.Context, articleID int64) (map[int64]int, error) {
	rows, err := s.reader.QueryContext(ctx, `
		SELECT id, recommendations FROM comments
		WHERE article_id = $1 AND status = $2 AND recommendations > 0`, articleID, qalam.Approved)
	if err != nil {
		return nil, fmt.Errorf("store: recommendation counts of article %d: %w", articleID, translate(err, "comment", ""))
	}
	defer rows.Close()
	counts := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("store: recommendation counts of article %d: %w", articleID, err)
		}
		counts[id] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: recommendation counts of article %d: %w", articleID, translate(err, "comment", ""))
	}
	return counts, nil
}

// RecommendedBy returns the IDs of the comments on the article that reader
// has recommended, in ID order.
func (s *Store) RecommendedBy(ctx context.Context, articleID int64, reader string) ([]int64, error) {
	rows, err := s.reader.QueryContext(ctx, `
		SELECT r.comment_id FROM recommendations r JOIN comments c ON c.id = r.comment_id
		WHERE r.reader = $1 AND c.article_id = $2
		ORDER BY r.comment_id`, reader, articleID)
	if err != nil {
		return nil, fmt.Errorf("store: recommendations of a reader: %w", translate(err, "recommendation", ""))
	}
	ids, err := collect(rows, func(row scanner) (int64, error) {
		var id int64
		return id, row.Scan(&id)
	})
	if err != nil {
		return nil, fmt.Errorf("store: recommendations of a reader: %w", translate(err, "recommendation", ""))
	}
	return ids, nil
}
