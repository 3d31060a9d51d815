package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/qalamnews/qalam"
)

// Rate limits shared by every node: each (scope, key, window length) has one
// row counting the hits of its current window. A window opens at the first
// hit after the previous one expired, so a burst is measured from its start.

// Hit counts one hit for key in scope and reports whether it is within
// limit hits per window; when it is not, retryAfter is how long until the
// window ends. The count is one atomic upsert, so concurrent hits on any
// node are all counted. Refused hits are counted too: a client that keeps
// knocking does not get in sooner. Whenever a window opens, windows that
// expired (of any key) are deleted on the way.
func (s *Store) Hit(ctx context.Context, scope, key string, window time.Duration, limit int) (allowed bool, retryAfter time.Duration, err error) {
	if window <= 0 || limit <= 0 {
		return false, 0, fmt.Errorf("store: hit %s: window %v and limit %d must be positive", scope, window, limit)
	}
	var count int
	var expires time.Time
	err = s.write(ctx, func(tx *writeTx) error {
		// The SET expressions all read the row as it was, so a window that
		// has expired restarts at one and the others count on.
		err := tx.QueryRowContext(ctx, `
			INSERT INTO rate_limits (scope, key, window_ms, count, expires_at)
			VALUES ($1, $2, $3, 1, $4)
			ON CONFLICT (scope, key, window_ms) DO UPDATE SET
			    count = CASE WHEN rate_limits.expires_at <= $5 THEN 1 ELSE rate_limits.count + 1 END,
			    expires_at = CASE WHEN rate_limits.expires_at <= $5 THEN excluded.expires_at ELSE rate_limits.expires_at END
			RETURNING count, expires_at`,
			scope, key, window.Milliseconds(), s.d.ts(tx.now.Add(window)), s.d.ts(tx.now)).Scan(&count, scanTime(&expires))
		if err != nil {
			return translate(err, "rate limit", "")
		}
		if count == 1 {
			_, err = tx.ExecContext(ctx, `DELETE FROM rate_limits WHERE expires_at <= $1`, s.d.ts(tx.now))
			return translate(err, "rate limit", "")
		}
		return nil
	})
	if err != nil {
		return false, 0, fmt.Errorf("store: hit %s: %w", scope, err)
	}
	if count <= limit {
		return true, 0, nil
	}
	return false, max(expires.Sub(s.now()), 0), nil
}

// RecentComments returns the comments on an article created after since
// whose author's email (compared in lower case) is email or whose address
// hash is ipHash, whatever their status, oldest first: what duplicate
// detection compares a new comment with. An empty email or ipHash matches
// nothing.
func (s *Store) RecentComments(ctx context.Context, articleID int64, email, ipHash string, since time.Time) ([]*qalam.Comment, error) {
	const limit = 200 // far more than the rate limits let anyone post a day
	rows, err := s.reader.QueryContext(ctx, `
		SELECT `+commentColumns+` FROM comments
		WHERE article_id = $1 AND created_at > $2
		  AND ((ip_hash = $3 AND $3 <> '') OR (LOWER(author_email) = $4 AND $4 <> ''))
		ORDER BY created_at, id
		LIMIT $5`,
		articleID, s.d.ts(since), ipHash, strings.ToLower(email), limit)
	if err != nil {
		return nil, fmt.Errorf("store: recent comments on article %d: %w", articleID, translate(err, "comment", ""))
	}
	defer rows.Close()
	var out []*qalam.Comment
	for rows.Next() {
		c, err := scanComment(rows)
		if err != nil {
			return nil, fmt.Errorf("store: recent comments on article %d: %w", articleID, translate(err, "comment", ""))
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: recent comments on article %d: %w", articleID, translate(err, "comment", ""))
	}
	return out, nil
}
