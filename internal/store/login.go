package store

import (
	"context"
	"fmt"
	"time"
)

// Login throttling, shared by every node: failures are counted per key
// ("account:<email>", "addr:<hash>") within a window.

// loginFailureRetention is how long a failure is kept: longer than any
// window it is counted in.
const loginFailureRetention = 24 * time.Hour

// RecordLoginFailure records a failed sign-in for key, now. Failures older
// than a day, of any key, are deleted on the way.
func (s *Store) RecordLoginFailure(ctx context.Context, key string) error {
	err := s.write(ctx, func(tx *writeTx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE at < $1`,
			s.d.ts(tx.now.Add(-loginFailureRetention))); err != nil {
			return translate(err, "login failure", "")
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO login_failures (key, at) VALUES ($1, $2)`, key, s.d.ts(tx.now))
		return translate(err, "login failure", "")
	})
	if err != nil {
		return fmt.Errorf("store: record login failure: %w", err)
	}
	return nil
}

// CountLoginFailures counts the failures recorded for key after since
// (all that are kept when since is zero).
func (s *Store) CountLoginFailures(ctx context.Context, key string, since time.Time) (int, error) {
	var a args
	query := `SELECT COUNT(*) FROM login_failures WHERE key = ` + a.add(key)
	if !since.IsZero() {
		query += ` AND at > ` + a.add(s.d.ts(since))
	}
	var n int
	if err := s.reader.QueryRowContext(ctx, query, a...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count login failures: %w", translate(err, "login failure", ""))
	}
	return n, nil
}

// ClearLoginFailures forgets key's failures (after a successful sign-in).
func (s *Store) ClearLoginFailures(ctx context.Context, key string) error {
	err := s.write(ctx, func(tx *writeTx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE key = $1`, key)
		return translate(err, "login failure", "")
	})
	if err != nil {
		return fmt.Errorf("store: clear login failures: %w", err)
	}
	return nil
}
