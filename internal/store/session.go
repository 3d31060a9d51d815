package store

import (
	"context"
	"fmt"
	"time"

	"github.com/qalamnews/qalam"
)

// Sessions live in the database so that every node honours them and an
// admin can end them. SessionByToken and FindSessions never return an
// expired session.

const sessionColumns = `id, user_id, token_hash, two_factor_done, user_agent, created_at, last_seen_at, expires_at`

func scanSession(row scanner) (*qalam.Session, error) {
	var s qalam.Session
	err := row.Scan(&s.ID, &s.UserID, &s.TokenHash, &s.TwoFactorDone, &s.UserAgent,
		scanTime(&s.CreatedAt), scanTime(&s.LastSeenAt), scanTime(&s.ExpiresAt))
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// CreateSession stores a session of sess.UserID, identified by
// sess.TokenHash and ending at sess.ExpiresAt (all three required). It
// sets ID, and CreatedAt and LastSeenAt to now unless the caller set them.
// Expired sessions of every user are deleted on the way.
func (s *Store) CreateSession(ctx context.Context, sess *qalam.Session) error {
	errs := qalam.FieldErrors{}
	if len(sess.TokenHash) == 0 {
		errs["token"] = "Required."
	}
	if sess.UserID == 0 {
		errs["user"] = "Required."
	}
	if sess.ExpiresAt.IsZero() {
		errs["expires_at"] = "Required."
	}
	if err := errs.Err(); err != nil {
		return fmt.Errorf("store: create session: %w", err)
	}
	var id int64
	var created, seen time.Time
	err := s.write(ctx, func(tx *writeTx) error {
		created, seen = orNow(sess.CreatedAt, tx.now), orNow(sess.LastSeenAt, tx.now)
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, s.d.ts(tx.now)); err != nil {
			return translate(err, "session", "")
		}
		err := tx.QueryRowContext(ctx, `
			INSERT INTO sessions (token_hash, user_id, two_factor_done, user_agent, created_at, last_seen_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			RETURNING id`,
			sess.TokenHash, sess.UserID, sess.TwoFactorDone, sess.UserAgent,
			s.d.ts(created), s.d.ts(seen), s.d.ts(sess.ExpiresAt)).Scan(&id)
		return translate(err, "session", "")
	})
	if err != nil {
		return fmt.Errorf("store: create session of user %d: %w", sess.UserID, err)
	}
	sess.ID, sess.CreatedAt, sess.LastSeenAt, sess.ExpiresAt = id, created, seen, qalam.UTC(sess.ExpiresAt)
	return nil
}

// SessionByToken returns the unexpired session whose token hashes to
// tokenHash; none, or an expired one, is not found.
func (s *Store) SessionByToken(ctx context.Context, tokenHash []byte) (*qalam.Session, error) {
	sess, err := scanSession(s.reader.QueryRowContext(ctx,
		`SELECT `+sessionColumns+` FROM sessions WHERE token_hash = $1 AND expires_at > $2`,
		tokenHash, s.d.ts(s.now())))
	if err != nil {
		return nil, fmt.Errorf("store: session by token: %w", translate(err, "session", ""))
	}
	return sess, nil
}

// TouchSession records activity at at (for the idle timeout).
func (s *Store) TouchSession(ctx context.Context, id int64, at time.Time) error {
	return s.updateSession(ctx, id, "touch", `UPDATE sessions SET last_seen_at = $1 WHERE id = $2`, s.d.ts(at), id)
}

// SetSessionTwoFactorDone records that the second factor was given.
func (s *Store) SetSessionTwoFactorDone(ctx context.Context, id int64) error {
	return s.updateSession(ctx, id, "set two-factor done on", `UPDATE sessions SET two_factor_done = $1 WHERE id = $2`, true, id)
}

// updateSession runs an update of one session; an unknown session is not
// found.
func (s *Store) updateSession(ctx context.Context, id int64, verb, query string, args ...any) error {
	err := s.write(ctx, func(tx *writeTx) error {
		res, err := tx.ExecContext(ctx, query, args...)
		if err != nil {
			return translate(err, "session", "")
		}
		return affected(res, "session")
	})
	if err != nil {
		return fmt.Errorf("store: %s session %d: %w", verb, id, err)
	}
	return nil
}

// DeleteSession ends a session. Ending one that has ended already is not
// an error (signing out twice, in two tabs).
func (s *Store) DeleteSession(ctx context.Context, id int64) error {
	err := s.write(ctx, func(tx *writeTx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id = $1`, id)
		return translate(err, "session", "")
	})
	if err != nil {
		return fmt.Errorf("store: delete session %d: %w", id, err)
	}
	return nil
}

// DeleteUserSessions ends every session of the user except keep (0: all).
func (s *Store) DeleteUserSessions(ctx context.Context, userID, keep int64) error {
	err := s.write(ctx, func(tx *writeTx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND id <> $2`, userID, keep)
		return translate(err, "session", "")
	})
	if err != nil {
		return fmt.Errorf("store: delete sessions of user %d: %w", userID, err)
	}
	return nil
}

// FindSessions returns the user's unexpired sessions, newest first.
func (s *Store) FindSessions(ctx context.Context, userID int64) ([]*qalam.Session, error) {
	rows, err := s.reader.QueryContext(ctx, `
		SELECT `+sessionColumns+` FROM sessions
		WHERE user_id = $1 AND expires_at > $2
		ORDER BY created_at DESC, id DESC`, userID, s.d.ts(s.now()))
	if err != nil {
		return nil, fmt.Errorf("store: find sessions of user %d: %w", userID, translate(err, "session", ""))
	}
	list, err := collect(rows, scanSession)
	if err != nil {
		return nil, fmt.Errorf("store: find sessions of user %d: %w", userID, translate(err, "session", ""))
	}
	return list, nil
}
