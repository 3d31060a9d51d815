package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"strings"
	"time"

	"github.com/qalamnews/qalam"
)

// Emailed links carry a random token; only its SHA-256 is stored, so a
// copy of the database opens no one's data and stops no one's mail.

// Purposes of mail tokens.
const (
	// TokenUnsubscribe is in every reply notification: it stops reply
	// emails to its address.
	TokenUnsubscribe = "unsubscribe"
	// TokenDataLink is the link a reader asked for to see and erase
	// their comments: good once, for a day.
	TokenDataLink = "data-link"
	// TokenDataSession is the short session that opening such a link
	// starts in the reader's browser.
	TokenDataSession = "data-session"
)

// NewMailToken returns a fresh random token (128 bits, base32) and the
// hash to store for it.
func NewMailToken() (token string, hash []byte) {
	token = rand.Text()
	return token, HashMailToken(token)
}

// HashMailToken is what the database keeps of a token: its SHA-256.
func HashMailToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// MailToken is a token for an email address, for one purpose.
type MailToken struct {
	Hash      []byte // SHA-256 of the token
	Purpose   string
	Email     string // lower-cased
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time // zero until a single-use token is used
}

// CreateMailToken stores t, valid until t.ExpiresAt; the store sets
// CreatedAt and lower-cases Email.
func (s *Store) CreateMailToken(ctx context.Context, t *MailToken) error {
	t.Email = strings.ToLower(strings.TrimSpace(t.Email))
	switch {
	case len(t.Hash) == 0 || t.Purpose == "":
		return fmt.Errorf("store: create mail token: %w", qalam.Errorf(qalam.KindInvalid, "A token needs its hash and purpose."))
	case t.Email == "":
		return fmt.Errorf("store: create mail token: %w", qalam.Errorf(qalam.KindInvalid, "A token needs an email address."))
	}
	err := s.write(ctx, func(tx *writeTx) error {
		t.CreatedAt = tx.now
		_, err := tx.ExecContext(ctx, `
			INSERT INTO mail_tokens (token_hash, purpose, email, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
			t.Hash, t.Purpose, t.Email, s.d.ts(tx.now), s.d.ts(qalam.UTC(t.ExpiresAt)))
		return translate(err, "token", "")
	})
	if err != nil {
		return fmt.Errorf("store: create %s token: %w", t.Purpose, err)
	}
	return nil
}

const mailTokenColumns = `token_hash, purpose, email, created_at, expires_at, used_at`

func scanMailToken(row scanner) (*MailToken, error) {
	var t MailToken
	err := row.Scan(&t.Hash, &t.Purpose, &t.Email, scanTime(&t.CreatedAt), scanTime(&t.ExpiresAt), scanTime(&t.UsedAt))
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// MailToken returns the token of purpose whose hash is hash while it is
// good: not expired and not used. Any other token is not found, and the
// caller cannot tell which of these it was.
func (s *Store) MailToken(ctx context.Context, hash []byte, purpose string) (*MailToken, error) {
	t, err := scanMailToken(s.reader.QueryRowContext(ctx, `SELECT `+mailTokenColumns+` FROM mail_tokens
		WHERE token_hash = $1 AND purpose = $2 AND expires_at > $3 AND used_at IS NULL`,
		hash, purpose, s.d.ts(s.now())))
	if err != nil {
		return nil, fmt.Errorf("store: %s token: %w", purpose, translate(err, "link", ""))
	}
	return t, nil
}

// UseMailToken uses up a single-use token: it returns the token, now
// marked used, if it was good, and a not-found error otherwise. Of two
// concurrent uses exactly one succeeds.
func (s *Store) UseMailToken(ctx context.Context, hash []byte, purpose string) (*MailToken, error) {
	var t *MailToken
	err := s.write(ctx, func(tx *writeTx) error {
		var err error
		t, err = scanMailToken(tx.QueryRowContext(ctx, `UPDATE mail_tokens SET used_at = $1
			WHERE token_hash = $2 AND purpose = $3 AND expires_at > $1 AND used_at IS NULL
			RETURNING `+mailTokenColumns, s.d.ts(tx.now), hash, purpose))
		return translate(err, "link", "")
	})
	if err != nil {
		return nil, fmt.Errorf("store: use %s token: %w", purpose, err)
	}
	return t, nil
}

// DeleteMailToken deletes the token whose hash is hash, if there is one
// (signing out of a reader's data session).
func (s *Store) DeleteMailToken(ctx context.Context, hash []byte) error {
	err := s.write(ctx, func(tx *writeTx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM mail_tokens WHERE token_hash = $1`, hash)
		return translate(err, "token", "")
	})
	if err != nil {
		return fmt.Errorf("store: delete mail token: %w", err)
	}
	return nil
}
