package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/qalamnews/qalam"
)

// AuditEntry is one line of the audit log: who (UserID, 0 once the
// account is gone or for the system) did what (Action) to which object
// (TargetType, TargetID), why (Reason, as the actor typed it) and what
// changed (Detail, e.g. "pending → approved").
type AuditEntry struct {
	ID         int64
	UserID     int64
	UserName   string // filled in by FindAudit; "" when the account is gone
	Action     string
	TargetType string
	TargetID   int64
	Reason     string
	Detail     string
	CreatedAt  time.Time
}

// ActionScreened is the audit action of screening (package moderation)
// holding a new comment or marking it as spam; its reason is the
// comment's moderation reason.
const ActionScreened = "comment.screened"

// BySystem reports whether Qalam itself took the action (screening, or
// readers' reports holding a comment), not a staff member.
func (e *AuditEntry) BySystem() bool {
	return e.UserID == 0 && (e.Action == ActionScreened || e.Action == "comment.auto_held")
}

// AuditFilter selects audit entries, newest first.
type AuditFilter struct {
	UserID     int64  // 0: anyone's
	TargetType string // "": any
	Action     string // "": any
	Limit      int    // 0: a default page
	Offset     int
}

// Audit log limits.
const (
	defaultAuditLimit = 50
	maxAuditLimit     = 500
	maxAuditText      = 1000 // characters of reason and detail kept
)

const auditColumns = `l.id, COALESCE(l.user_id, 0), COALESCE(u.name, ''), l.action, l.target_type, l.target_id,
	l.reason, l.detail, l.created_at`

func scanAudit(row scanner) (*AuditEntry, error) {
	var e AuditEntry
	err := row.Scan(&e.ID, &e.UserID, &e.UserName, &e.Action, &e.TargetType, &e.TargetID,
		&e.Reason, &e.Detail, scanTime(&e.CreatedAt))
	if err != nil {
		return nil, err
	}
	return &e, nil
}

// AddAudit records e; the store sets ID and CreatedAt.
func (s *Store) AddAudit(ctx context.Context, e *AuditEntry) error {
	err := s.write(ctx, func(tx *writeTx) error { return s.addAudit(ctx, tx, e) })
	if err != nil {
		return fmt.Errorf("store: add audit entry %s: %w", e.Action, err)
	}
	return nil
}

// addAudit records e inside tx, so that an action and its record commit
// together or not at all.
func (s *Store) addAudit(ctx context.Context, tx *writeTx, e *AuditEntry) error {
	if e.Action == "" || e.TargetType == "" {
		return qalam.FieldErrors{"action": "An audit entry needs an action and a target type."}.Err()
	}
	e.Reason, e.Detail = truncateRunes(e.Reason, maxAuditText), truncateRunes(e.Detail, maxAuditText)
	e.CreatedAt = tx.now
	err := tx.QueryRowContext(ctx, `
		INSERT INTO audit_log (user_id, action, target_type, target_id, reason, detail, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		nullID(e.UserID), e.Action, e.TargetType, e.TargetID, e.Reason, e.Detail, s.d.ts(tx.now)).Scan(&e.ID)
	return translate(err, "audit entry", "")
}

// truncateRunes keeps at most n characters of s: an audit record keeps
// what it can of an over-long reason rather than losing the action.
func truncateRunes(s string, n int) string {
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos]
		}
		i++
	}
	return s
}

// FindAudit returns a page of the entries matching f, newest first, and
// how many match in all.
func (s *Store) FindAudit(ctx context.Context, f AuditFilter) ([]*AuditEntry, int, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = defaultAuditLimit
	}
	limit = min(limit, maxAuditLimit)
	var a args
	where := "WHERE 1 = 1"
	if f.UserID != 0 {
		where += " AND l.user_id = " + a.add(f.UserID)
	}
	if f.TargetType != "" {
		where += " AND l.target_type = " + a.add(f.TargetType)
	}
	if f.Action != "" {
		where += " AND l.action = " + a.add(f.Action)
	}
	var list []*AuditEntry
	var total int
	err := s.read(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log l `+where, a...).Scan(&total); err != nil {
			return translate(err, "audit entry", "")
		}
		page := append(args{}, a...)
		rows, err := tx.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit_log l
			LEFT JOIN users u ON u.id = l.user_id `+where+`
			ORDER BY l.created_at DESC, l.id DESC
			LIMIT `+page.add(limit)+` OFFSET `+page.add(max(f.Offset, 0)), page...)
		if err != nil {
			return translate(err, "audit entry", "")
		}
		list, err = collect(rows, scanAudit)
		return translate(err, "audit entry", "")
	})
	if err != nil {
		return nil, 0, fmt.Errorf("store: find audit entries: %w", err)
	}
	return list, total, nil
}
