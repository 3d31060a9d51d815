package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/qalamnews/qalam"
)

// The outbox: every email Qalam sends is first a row here, written in the
// transaction that decided to send it, and then sent by whichever node's
// mail worker claims it (package jobs). A row says what to send, not the
// message itself: the worker writes the message from the database as it
// is when it sends, so a message about a comment removed meanwhile is
// skipped, and the token of an emailed link is made then and exists only
// in the message and, hashed, in mail_tokens.

// Kinds of message.
const (
	// MailReply tells a subscribed commenter of an approved reply to
	// their comment; RefID is the reply.
	MailReply = "reply"
	// MailModeration tells a staff member that comments wait for
	// moderation; RefID is the staff member's user ID.
	MailModeration = "moderation"
	// MailDataLink sends a reader the link to their comments (export and
	// erasure); RefID is 0.
	MailDataLink = "data-link"
)

// Outbox statuses.
const (
	MailQueued  = "queued"  // waiting to be sent, or to be tried again
	MailSent    = "sent"    // handed to the mail server
	MailSkipped = "skipped" // no longer to be sent (the reply was removed, say); LastError says why
	MailFailed  = "failed"  // given up on; LastError says why
)

// OutboxMessage is one message in the outbox.
type OutboxMessage struct {
	ID        int64
	Kind      string
	Recipient string // an email address, lower-cased
	RefID     int64
	Status    string
	// Attempts counts the claims so far: the attempt under way, once
	// claimed.
	Attempts      int
	NextAttemptAt time.Time
	LastError     string
	CreatedAt     time.Time
	FinishedAt    time.Time // when it was sent, skipped or given up; zero while queued
	// Claim names the worker's hold on a claimed message: finishing or
	// rescheduling it needs the same claim, so a worker whose lease ran
	// out cannot undo the work of the node that took the message over.
	Claim string
}

const outboxColumns = `id, kind, recipient, ref_id, status, attempts, next_attempt_at, last_error, created_at,
	finished_at, claim`

func scanOutbox(row scanner) (*OutboxMessage, error) {
	var m OutboxMessage
	err := row.Scan(&m.ID, &m.Kind, &m.Recipient, &m.RefID, &m.Status, &m.Attempts, scanTime(&m.NextAttemptAt),
		&m.LastError, scanTime(&m.CreatedAt), scanTime(&m.FinishedAt), &m.Claim)
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// maxMailError is how much of a failure's text is kept, in characters.
const maxMailError = 500

// QueueMail puts a message of kind for recipient in the outbox, due now;
// the store sets ID, Status, NextAttemptAt and CreatedAt.
func (s *Store) QueueMail(ctx context.Context, m *OutboxMessage) error {
	err := s.write(ctx, func(tx *writeTx) error {
		stored, err := s.queueMail(ctx, tx, m.Kind, m.Recipient, m.RefID)
		if err == nil {
			*m = *stored
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("store: queue %s mail: %w", m.Kind, err)
	}
	return nil
}

// queueMail queues a message inside tx, so that it is sent if and only if
// the decision that caused it commits.
func (s *Store) queueMail(ctx context.Context, tx *writeTx, kind, recipient string, refID int64) (*OutboxMessage, error) {
	recipient = strings.ToLower(strings.TrimSpace(recipient))
	switch {
	case kind != MailReply && kind != MailModeration && kind != MailDataLink:
		return nil, qalam.FieldErrors{"kind": "Unknown kind of mail."}.Err()
	case !qalam.ValidEmail(recipient):
		return nil, qalam.FieldErrors{"email": "Enter an email address such as name@example.com."}.Err()
	}
	m := &OutboxMessage{Kind: kind, Recipient: recipient, RefID: refID, Status: MailQueued, NextAttemptAt: tx.now, CreatedAt: tx.now}
	err := tx.QueryRowContext(ctx, `
		INSERT INTO mail_outbox (kind, recipient, ref_id, status, next_attempt_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`,
		kind, recipient, refID, MailQueued, s.d.ts(tx.now)).Scan(&m.ID)
	if err != nil {
		return nil, translate(err, "mail", "")
	}
	return m, nil
}

// ClaimMail takes the next message that is due (queued, its next attempt
// time come, and not held by another worker) for lease: until the lease
// runs out no other worker, on this node or another, claims it. It counts
// the attempt and returns the message with its Claim, or a not-found
// error when nothing is due. A worker that dies holding a message only
// delays it: after the lease another worker claims it.
func (s *Store) ClaimMail(ctx context.Context, lease time.Duration) (*OutboxMessage, error) {
	if lease <= 0 {
		return nil, fmt.Errorf("store: claim mail: lease %v must be positive", lease)
	}
	claim := rand.Text()
	var m *OutboxMessage
	err := s.write(ctx, func(tx *writeTx) error {
		now := s.d.ts(tx.now)
		// On PostgreSQL another node may claim the row between the two
		// statements: the guarded update then changes nothing, and the
		// next look (which sees that node's commit) finds another row.
		for range 5 {
			var id int64
			err := tx.QueryRowContext(ctx, `
				SELECT id FROM mail_outbox
				WHERE status = $1 AND next_attempt_at <= $2 AND (claimed_until IS NULL OR claimed_until <= $2)
				ORDER BY next_attempt_at, id LIMIT 1`, MailQueued, now).Scan(&id)
			if err != nil {
				return translate(err, "mail", "")
			}
			m, err = scanOutbox(tx.QueryRowContext(ctx, `
				UPDATE mail_outbox SET claim = $1, claimed_until = $2, attempts = attempts + 1
				WHERE id = $3 AND status = $4 AND (claimed_until IS NULL OR claimed_until <= $5)
				RETURNING `+outboxColumns,
				claim, s.d.ts(tx.now.Add(lease)), id, MailQueued, now))
			if !errors.Is(err, sql.ErrNoRows) {
				return translate(err, "mail", "")
			}
		}
		return qalam.Errorf(qalam.KindUnavailable, "Other workers are claiming the same mail; try again.")
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim mail: %w", err)
	}
	return m, nil
}

// FinishMail records the end of a claimed message's life: status is
// MailSent, MailSkipped or MailFailed, and note says why it was skipped or
// failed. A skipped message forgets its recipient at once: an address
// typed into the data request form by someone who never commented there
// is not kept. A claim that is no longer the message's (its lease ran out
// and another worker took it over) is a conflict, and changes nothing.
func (s *Store) FinishMail(ctx context.Context, id int64, claim, status, note string) error {
	if status != MailSent && status != MailSkipped && status != MailFailed {
		return fmt.Errorf("store: finish mail %d: unknown status %q", id, status)
	}
	err := s.write(ctx, func(tx *writeTx) error {
		res, err := tx.ExecContext(ctx, `
			UPDATE mail_outbox SET status = $1, last_error = $2, finished_at = $3, claim = '', claimed_until = NULL,
			    recipient = CASE WHEN $1 = $7 THEN '' ELSE recipient END
			WHERE id = $4 AND claim = $5 AND status = $6`,
			status, truncateRunes(note, maxMailError), s.d.ts(tx.now), id, claim, MailQueued, MailSkipped)
		if err != nil {
			return translate(err, "mail", "")
		}
		return lostClaim(res)
	})
	if err != nil {
		return fmt.Errorf("store: finish mail %d as %s: %w", id, status, err)
	}
	return nil
}

// RetryMail releases a claimed message after a failed attempt, to be tried
// again at the given time, and keeps why it failed.
func (s *Store) RetryMail(ctx context.Context, id int64, claim string, at time.Time, reason string) error {
	err := s.write(ctx, func(tx *writeTx) error {
		res, err := tx.ExecContext(ctx, `
			UPDATE mail_outbox SET next_attempt_at = $1, last_error = $2, claim = '', claimed_until = NULL
			WHERE id = $3 AND claim = $4 AND status = $5`,
			s.d.ts(qalam.UTC(at)), truncateRunes(reason, maxMailError), id, claim, MailQueued)
		if err != nil {
			return translate(err, "mail", "")
		}
		return lostClaim(res)
	})
	if err != nil {
		return fmt.Errorf("store: retry mail %d: %w", id, err)
	}
	return nil
}

// lostClaim turns "no row matched" into the conflict of a lapsed claim.
func lostClaim(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return qalam.Errorf(qalam.KindConflict, "The claim on this mail has lapsed: another worker has it.")
	}
	return nil
}

// MailFilter selects outbox messages, oldest first.
type MailFilter struct {
	Kind      string // "": any
	Status    string // "": any
	Recipient string // "": anyone's; compared in lower case
	RefID     int64  // 0: any
}

// FindMail returns the outbox messages matching f, oldest first, at most
// 500.
func (s *Store) FindMail(ctx context.Context, f MailFilter) ([]*OutboxMessage, error) {
	var a args
	where := "WHERE 1 = 1"
	if f.Kind != "" {
		where += " AND kind = " + a.add(f.Kind)
	}
	if f.Status != "" {
		where += " AND status = " + a.add(f.Status)
	}
	if f.Recipient != "" {
		where += " AND recipient = " + a.add(strings.ToLower(strings.TrimSpace(f.Recipient)))
	}
	if f.RefID != 0 {
		where += " AND ref_id = " + a.add(f.RefID)
	}
	rows, err := s.reader.QueryContext(ctx, `SELECT `+outboxColumns+` FROM mail_outbox `+where+` ORDER BY id LIMIT 500`, a...)
	if err != nil {
		return nil, fmt.Errorf("store: find mail: %w", translate(err, "mail", ""))
	}
	list, err := collect(rows, scanOutbox)
	if err != nil {
		return nil, fmt.Errorf("store: find mail: %w", translate(err, "mail", ""))
	}
	return list, nil
}

// PurgeMail deletes the outbox messages finished (sent, skipped or failed)
// before the given time, and every emailed-link token that has expired,
// and says how many rows went. The outbox holds readers' addresses: it
// keeps them only as long as someone may need to see what was sent.
func (s *Store) PurgeMail(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := s.write(ctx, func(tx *writeTx) error {
		n = 0
		for _, q := range []struct {
			sql string
			at  time.Time
		}{
			{`DELETE FROM mail_outbox WHERE finished_at IS NOT NULL AND finished_at < $1`, qalam.UTC(before)},
			{`DELETE FROM mail_tokens WHERE expires_at <= $1`, tx.now},
		} {
			res, err := tx.ExecContext(ctx, q.sql, s.d.ts(q.at))
			if err != nil {
				return translate(err, "mail", "")
			}
			k, err := res.RowsAffected()
			if err != nil {
				return err
			}
			n += k
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: purge mail: %w", err)
	}
	return n, nil
}
