package store

import (
	"context"
	"fmt"

	"github.com/qalamnews/qalam"
)

// CreateCommenter stores a new, untrusted commenter identified by the hash
// of its token (the token itself never reaches the database).
func (s *Store) CreateCommenter(ctx context.Context, tokenHash []byte) (*qalam.Commenter, error) {
	if len(tokenHash) == 0 {
		return nil, fmt.Errorf("store: create commenter: %w", qalam.Errorf(qalam.KindInvalid, "A commenter needs a token."))
	}
	c := &qalam.Commenter{}
	err := s.write(ctx, func(tx *writeTx) error {
		c.CreatedAt = tx.now
		err := tx.QueryRowContext(ctx,
			`INSERT INTO commenters (token_hash, trusted, created_at) VALUES ($1, $2, $3) RETURNING id`,
			tokenHash, false, s.d.ts(tx.now)).Scan(&c.ID)
		return translate(err, "commenter", "token")
	})
	if err != nil {
		return nil, fmt.Errorf("store: create commenter: %w", err)
	}
	return c, nil
}

// CommenterByToken returns the commenter whose token hashes to tokenHash.
func (s *Store) CommenterByToken(ctx context.Context, tokenHash []byte) (*qalam.Commenter, error) {
	var c qalam.Commenter
	err := s.reader.QueryRowContext(ctx,
		`SELECT id, trusted, created_at FROM commenters WHERE token_hash = $1`, tokenHash).
		Scan(&c.ID, &c.Trusted, scanTime(&c.CreatedAt))
	if err != nil {
		return nil, fmt.Errorf("store: commenter by token: %w", translate(err, "commenter", ""))
	}
	return &c, nil
}
