package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/qalamnews/qalam"
)

// Preview links: a draft's preview link works without signing in until
// revoked. Only the token's hash is stored.

// CreatePreviewToken stores a preview link to the article, made by the
// user (0: none).
func (s *Store) CreatePreviewToken(ctx context.Context, articleID int64, tokenHash []byte, userID int64) error {
	if len(tokenHash) == 0 {
		return fmt.Errorf("store: create preview token: %w", qalam.Errorf(qalam.KindInvalid, "A preview link needs a token."))
	}
	err := s.write(ctx, func(tx *writeTx) error {
		if ok, err := exists(ctx, tx, "articles", articleID); err != nil {
			return err
		} else if !ok {
			return translate(sql.ErrNoRows, "article", "")
		}
		_, err := tx.ExecContext(ctx, `
			INSERT INTO preview_tokens (token_hash, article_id, user_id, created_at)
			VALUES ($1, $2, $3, $4)`,
			tokenHash, articleID, nullID(userID), s.d.ts(tx.now))
		return translate(err, "preview link", "")
	})
	if err != nil {
		return fmt.Errorf("store: create preview token for article %d: %w", articleID, err)
	}
	return nil
}

// ArticleByPreviewToken returns the article of a valid, unrevoked token,
// loaded as Article loads it; an unknown or revoked token is not found.
func (s *Store) ArticleByPreviewToken(ctx context.Context, tokenHash []byte) (*qalam.Article, error) {
	var a *qalam.Article
	err := s.read(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx,
			`SELECT article_id FROM preview_tokens WHERE token_hash = $1 AND revoked_at IS NULL`, tokenHash).Scan(&id)
		if err != nil {
			return translate(err, "preview link", "")
		}
		a, err = s.oneArticle(ctx, tx, articleQuery{id: id})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: article by preview token: %w", err)
	}
	return a, nil
}

// RevokePreviewTokens revokes every preview link of an article.
func (s *Store) RevokePreviewTokens(ctx context.Context, articleID int64) error {
	err := s.write(ctx, func(tx *writeTx) error {
		_, err := tx.ExecContext(ctx,
			`UPDATE preview_tokens SET revoked_at = $1 WHERE article_id = $2 AND revoked_at IS NULL`,
			s.d.ts(tx.now), articleID)
		return translate(err, "preview link", "")
	})
	if err != nil {
		return fmt.Errorf("store: revoke preview tokens of article %d: %w", articleID, err)
	}
	return nil
}

// HasPreviewToken reports whether the article has a live preview link.
func (s *Store) HasPreviewToken(ctx context.Context, articleID int64) (bool, error) {
	var one int
	err := s.reader.QueryRowContext(ctx,
		`SELECT 1 FROM preview_tokens WHERE article_id = $1 AND revoked_at IS NULL LIMIT 1`, articleID).Scan(&one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("store: has preview token %d: %w", articleID, translate(err, "preview link", ""))
	}
	return true, nil
}
