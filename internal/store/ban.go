package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/moderation"
)

// Ban stops a commenter: while it is active, their new comments are kept
// as spam (and they are answered as if held, so they learn nothing). A ban
// names the commenter by any of an email address, a name, a browser
// (commenter token) and an address hash; a comment matching any of them
// is caught. A ban made from a comment in the queue takes that comment's
// email, browser and address, never its name: anyone may type any name.
type Ban struct {
	ID          int64
	Email       string // lower-cased; "" when not banned by email
	Name        string // as the moderator typed it; "" when not banned by name
	CommenterID int64  // 0 when not banned by browser
	IPHash      string // "" when not banned by address
	// CommentID is the comment the ban was made from (0 for one made by
	// hand, or once that comment is gone), and CommentName its author's
	// name, for the moderators' list.
	CommentID   int64
	CommentName string
	Reason      string
	UserID      int64  // who banned; 0 once the account is gone
	UserName    string // filled in by the finders
	CreatedAt   time.Time
	ExpiresAt   time.Time // zero: for good
	LiftedAt    time.Time // zero unless lifted
	LiftedBy    int64
}

// Active reports whether the ban holds at now.
func (b *Ban) Active(now time.Time) bool {
	return b.LiftedAt.IsZero() && (b.ExpiresAt.IsZero() || now.Before(b.ExpiresAt))
}

// Matches says which of q's identities b names: "email", "browser",
// "address", "name"; none when it names none of them.
func (b *Ban) Matches(q BanQuery) []string {
	var on []string
	if b.Email != "" && b.Email == normalEmail(q.Email) {
		on = append(on, "email")
	}
	if b.CommenterID != 0 && b.CommenterID == q.CommenterID {
		on = append(on, "browser")
	}
	if b.IPHash != "" && b.IPHash == q.IPHash {
		on = append(on, "address")
	}
	if key := NameKey(b.Name); key != "" && key == NameKey(q.Name) {
		on = append(on, "name")
	}
	return on
}

// BanQuery is a new comment's identities, to look for bans on them.
type BanQuery struct {
	Email       string
	Name        string
	CommenterID int64
	IPHash      string
}

// NameKey is the form names are compared in: folded as word lists fold
// (case, Urdu letter forms, diacritics, invisible characters, lookalikes),
// with runs of space made single.
func NameKey(name string) string { return strings.Join(strings.Fields(moderation.Fold(name)), " ") }

func normalEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

// Audit actions of bans; the target type is "ban".
const (
	AuditBanned   = "commenter.banned"
	AuditUnbanned = "commenter.unbanned"
)

// Limits of a ban's fields.
const (
	maxBanName   = 100
	maxBanReason = 500
)

const banColumns = `b.id, b.email, b.name, COALESCE(b.commenter_id, 0), b.ip_hash, COALESCE(b.comment_id, 0),
	COALESCE(c.author_name, ''), b.reason, COALESCE(b.user_id, 0), COALESCE(u.name, ''),
	b.created_at, b.expires_at, b.lifted_at, COALESCE(b.lifted_by, 0)`

const banFrom = ` FROM bans b LEFT JOIN users u ON u.id = b.user_id LEFT JOIN comments c ON c.id = b.comment_id `

func scanBan(row scanner) (*Ban, error) {
	var b Ban
	err := row.Scan(&b.ID, &b.Email, &b.Name, &b.CommenterID, &b.IPHash, &b.CommentID, &b.CommentName,
		&b.Reason, &b.UserID, &b.UserName, scanTime(&b.CreatedAt), scanTime(&b.ExpiresAt),
		scanTime(&b.LiftedAt), &b.LiftedBy)
	if err != nil {
		return nil, err
	}
	return &b, nil
}

// CreateBan stores a ban made by hand: b's Email, Name, CommenterID and
// IPHash (at least one), Reason and UserID, for d (0: for good). It is
// recorded in the audit log. The store sets ID, CreatedAt and ExpiresAt.
func (s *Store) CreateBan(ctx context.Context, b *Ban, d time.Duration) error {
	b.Email, b.Name, b.Reason = normalEmail(b.Email), strings.Join(strings.Fields(b.Name), " "), strings.TrimSpace(b.Reason)
	if err := checkBan(b, d); err != nil {
		return err
	}
	err := s.write(ctx, func(tx *writeTx) error { return s.insertBan(ctx, tx, b, d) })
	if err != nil {
		return fmt.Errorf("store: create ban: %w", err)
	}
	return nil
}

func checkBan(b *Ban, d time.Duration) error {
	errs := qalam.FieldErrors{}
	if b.Email == "" && NameKey(b.Name) == "" && b.CommenterID == 0 && b.IPHash == "" {
		errs["email"] = "Enter an email address, a name or an address to ban."
	}
	if len([]rune(b.Name)) > maxBanName {
		errs["name"] = "Too long: at most 100 characters."
	}
	if len([]rune(b.Email)) > qalam.MaxCommentEmail {
		errs["email"] = "Too long."
	}
	if len([]rune(b.Reason)) > maxBanReason {
		errs["reason"] = "Too long: at most 500 characters."
	}
	if d < 0 {
		errs["for"] = "Choose how long the ban lasts."
	}
	return errs.Err()
}

// insertBan stores b for d and records it in the audit log.
func (s *Store) insertBan(ctx context.Context, tx *writeTx, b *Ban, d time.Duration) error {
	b.CreatedAt, b.ExpiresAt, b.LiftedAt, b.LiftedBy = tx.now, time.Time{}, time.Time{}, 0
	if d > 0 {
		b.ExpiresAt = tx.now.Add(d)
	}
	err := tx.QueryRowContext(ctx, `
		INSERT INTO bans (email, name, name_key, commenter_id, ip_hash, comment_id, reason, user_id, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		b.Email, b.Name, NameKey(b.Name), nullID(b.CommenterID), b.IPHash, nullID(b.CommentID), b.Reason,
		nullID(b.UserID), s.d.ts(b.CreatedAt), s.d.ts(b.ExpiresAt)).Scan(&b.ID)
	if err != nil {
		return translate(err, "ban", "")
	}
	// The record names what the ban is on, not the email or the address.
	var on []string
	for _, id := range []struct {
		set  bool
		name string
	}{{b.Email != "", "email"}, {b.Name != "", "name"}, {b.CommenterID != 0, "browser"}, {b.IPHash != "", "address"}} {
		if id.set {
			on = append(on, id.name)
		}
	}
	detail := strings.Join(on, ", ")
	if b.CommentID != 0 {
		detail += " of comment " + fmt.Sprint(b.CommentID)
	}
	if d > 0 {
		detail += "; until " + b.ExpiresAt.UTC().Format("2006-01-02 15:04") + " UTC"
	} else {
		detail += "; for good"
	}
	return s.addAudit(ctx, tx, &AuditEntry{UserID: b.UserID, Action: AuditBanned, TargetType: "ban", TargetID: b.ID,
		Reason: b.Reason, Detail: detail})
}

// BanCommenters bans the authors of the comments ids for d (0: for good),
// by userID with reason, each by their comment's email, browser and
// address (whichever it has), in one transaction, and records each ban in
// the audit log. Comments by the same identities make one ban; a comment
// with none of them (imported, erased) or gone is skipped. It returns the
// bans made.
func (s *Store) BanCommenters(ctx context.Context, ids []int64, d time.Duration, userID int64, reason string) ([]*Ban, error) {
	reason = strings.TrimSpace(reason)
	if err := checkBan(&Ban{Email: "x", Reason: reason}, d); err != nil {
		return nil, err
	}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	bans := []*Ban{}
	if len(ids) == 0 {
		return bans, nil
	}
	err := s.write(ctx, func(tx *writeTx) error {
		bans = bans[:0]
		var a args
		rows, err := tx.QueryContext(ctx, `SELECT `+commentColumns+` FROM comments WHERE id IN `+a.in(ids)+` ORDER BY id`, a...)
		if err != nil {
			return translate(err, "comment", "")
		}
		list, err := collect(rows, scanComment)
		if err != nil {
			return translate(err, "comment", "")
		}
		type identity struct {
			email     string
			commenter int64
			ipHash    string
		}
		seen := map[identity]bool{}
		for _, c := range list {
			id := identity{normalEmail(c.AuthorEmail), c.CommenterID, c.IPHash}
			if id == (identity{}) || seen[id] {
				continue
			}
			seen[id] = true
			b := &Ban{Email: id.email, CommenterID: id.commenter, IPHash: id.ipHash, CommentID: c.ID,
				CommentName: c.AuthorName, Reason: reason, UserID: userID}
			if err := s.insertBan(ctx, tx, b, d); err != nil {
				return err
			}
			bans = append(bans, b)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: ban the authors of %d comments: %w", len(ids), err)
	}
	return bans, nil
}

// BanFilter selects bans, newest first.
type BanFilter struct {
	// Ended includes bans that have expired or were lifted.
	Ended  bool
	Limit  int // 0: a default page
	Offset int
}

// FindBans returns a page of the bans matching f, newest first, and how
// many match in all.
func (s *Store) FindBans(ctx context.Context, f BanFilter) ([]*Ban, int, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = defaultQueueLimit
	}
	limit = min(limit, maxQueueLimit)
	var a args
	where := "WHERE 1 = 1"
	if !f.Ended {
		where = s.activeBans(&a)
	}
	var list []*Ban
	var total int
	err := s.read(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM bans b `+where, a...).Scan(&total); err != nil {
			return translate(err, "ban", "")
		}
		page := append(args{}, a...)
		rows, err := tx.QueryContext(ctx, `SELECT `+banColumns+banFrom+where+`
			ORDER BY b.created_at DESC, b.id DESC LIMIT `+page.add(limit)+` OFFSET `+page.add(max(f.Offset, 0)), page...)
		if err != nil {
			return translate(err, "ban", "")
		}
		list, err = collect(rows, scanBan)
		return translate(err, "ban", "")
	})
	if err != nil {
		return nil, 0, fmt.Errorf("store: find bans: %w", err)
	}
	return list, total, nil
}

// activeBans is the WHERE clause of the bans (aliased b) in force now.
func (s *Store) activeBans(a *args) string {
	return "WHERE b.lifted_at IS NULL AND (b.expires_at IS NULL OR b.expires_at > " + a.add(s.d.ts(s.now())) + ")"
}

// Ban returns the ban with the given ID.
func (s *Store) Ban(ctx context.Context, id int64) (*Ban, error) {
	b, err := scanBan(s.reader.QueryRowContext(ctx, `SELECT `+banColumns+banFrom+`WHERE b.id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("store: ban %d: %w", id, translate(err, "ban", ""))
	}
	return b, nil
}

// LiftBan ends ban id early, by userID with reason, and records it in the
// audit log. A ban that has already ended is a conflict.
func (s *Store) LiftBan(ctx context.Context, id, userID int64, reason string) (*Ban, error) {
	var b *Ban
	err := s.write(ctx, func(tx *writeTx) error {
		var err error
		b, err = scanBan(tx.QueryRowContext(ctx, `SELECT `+banColumns+banFrom+`WHERE b.id = $1`, id))
		if err != nil {
			return translate(err, "ban", "")
		}
		if !b.Active(tx.now) {
			return qalam.Errorf(qalam.KindConflict, "This ban has already ended.")
		}
		res, err := tx.ExecContext(ctx, `UPDATE bans SET lifted_at = $1, lifted_by = $2 WHERE id = $3 AND lifted_at IS NULL`,
			s.d.ts(tx.now), nullID(userID), id)
		if err != nil {
			return translate(err, "ban", "")
		}
		if err := affected(res, "ban"); err != nil {
			return err
		}
		b.LiftedAt, b.LiftedBy = tx.now, userID
		return s.addAudit(ctx, tx, &AuditEntry{UserID: userID, Action: AuditUnbanned, TargetType: "ban", TargetID: id,
			Reason: strings.TrimSpace(reason), Detail: "lifted"})
	})
	if err != nil {
		return nil, fmt.Errorf("store: lift ban %d: %w", id, err)
	}
	return b, nil
}

// MatchingBans returns the bans in force that name any of q's identities,
// oldest first.
func (s *Store) MatchingBans(ctx context.Context, q BanQuery) ([]*Ban, error) {
	var a args
	where := s.activeBans(&a) + ` AND (
		    (b.email <> '' AND b.email = ` + a.add(normalEmail(q.Email)) + `)
		 OR (b.name_key <> '' AND b.name_key = ` + a.add(NameKey(q.Name)) + `)
		 OR b.commenter_id = ` + a.add(q.CommenterID) + `
		 OR (b.ip_hash <> '' AND b.ip_hash = ` + a.add(q.IPHash) + `))`
	rows, err := s.reader.QueryContext(ctx, `SELECT `+banColumns+banFrom+where+` ORDER BY b.id`, a...)
	if err != nil {
		return nil, fmt.Errorf("store: matching bans: %w", translate(err, "ban", ""))
	}
	list, err := collect(rows, scanBan)
	if err != nil {
		return nil, fmt.Errorf("store: matching bans: %w", translate(err, "ban", ""))
	}
	return list, nil
}
