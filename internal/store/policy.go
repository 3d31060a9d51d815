package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/moderation"
)

// The rules of the discussion: policies (site-wide, and overridden per
// category, tag and article), the word lists, and the records screening
// consults about a commenter. The decisions themselves are package
// moderation's.

// PolicyScope is what a discussion policy applies to.
type PolicyScope string

// Policy scopes, from the least specific.
const (
	SiteScope     PolicyScope = "site"
	CategoryScope PolicyScope = "category"
	TagScope      PolicyScope = "tag"
	ArticleScope  PolicyScope = "article"
)

// Valid reports whether s is a known scope.
func (s PolicyScope) Valid() bool {
	return s == SiteScope || s == CategoryScope || s == TagScope || s == ArticleScope
}

// DiscussionPolicy is the policy set on the site or on one category, tag or
// article (TargetID; 0 for the site). Fields the override leaves unset are
// inherited (see moderation.Resolve).
type DiscussionPolicy struct {
	Scope    PolicyScope
	TargetID int64
	moderation.Override
	// UpdatedAt is when it was last set; zero when it never was.
	UpdatedAt time.Time
}

// AuditPolicyChanged is the audit action of a policy change; the target
// type is the scope.
const AuditPolicyChanged = "discussion.policy"

const policyColumns = `scope, target_id, mode, close_after_hours, max_links, updated_at`

func scanPolicy(row scanner) (*DiscussionPolicy, error) {
	var p DiscussionPolicy
	var closeHours, maxLinks sql.NullInt64
	if err := row.Scan(&p.Scope, &p.TargetID, &p.Mode, &closeHours, &maxLinks, scanTime(&p.UpdatedAt)); err != nil {
		return nil, err
	}
	if closeHours.Valid {
		d := time.Duration(closeHours.Int64) * time.Hour
		if closeHours.Int64 < 0 {
			d = moderation.CloseAtOnce
		}
		p.CloseAfter = &d
	}
	if maxLinks.Valid {
		n := int(maxLinks.Int64)
		p.MaxLinks = &n
	}
	return &p, nil
}

// DiscussionPolicy returns the policy set on scope's target id (0 for the
// site). One never set is returned with nothing set, not as an error: it
// inherits everything.
func (s *Store) DiscussionPolicy(ctx context.Context, scope PolicyScope, id int64) (*DiscussionPolicy, error) {
	p, err := policyOf(ctx, s.reader, scope, id)
	if err != nil {
		return nil, fmt.Errorf("store: discussion policy of %s %d: %w", scope, id, err)
	}
	return p, nil
}

func policyOf(ctx context.Context, db querier, scope PolicyScope, id int64) (*DiscussionPolicy, error) {
	p, err := scanPolicy(db.QueryRowContext(ctx, `SELECT `+policyColumns+` FROM discussion_policies
		WHERE scope = $1 AND target_id = $2`, scope, id))
	if errors.Is(err, sql.ErrNoRows) {
		return &DiscussionPolicy{Scope: scope, TargetID: id}, nil
	}
	return p, translate(err, "discussion policy", "")
}

// FindDiscussionPolicies returns the policies set on targets of scope,
// by target ID.
func (s *Store) FindDiscussionPolicies(ctx context.Context, scope PolicyScope) ([]*DiscussionPolicy, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT `+policyColumns+` FROM discussion_policies
		WHERE scope = $1 ORDER BY target_id`, scope)
	if err != nil {
		return nil, fmt.Errorf("store: find %s discussion policies: %w", scope, translate(err, "discussion policy", ""))
	}
	list, err := collect(rows, scanPolicy)
	if err != nil {
		return nil, fmt.Errorf("store: find %s discussion policies: %w", scope, translate(err, "discussion policy", ""))
	}
	return list, nil
}

// SetDiscussionPolicy sets the policy of p.Scope's target p.TargetID to
// p.Override, replacing what was set, and records the change in the audit
// log by userID with reason, in one transaction. An override that sets
// nothing removes the target's own policy (the site's stays, setting
// nothing: the defaults). Setting what is already set changes and records
// nothing. The target must exist. Public pages are told: the article's for
// an article's policy, every page for the others.
func (s *Store) SetDiscussionPolicy(ctx context.Context, p *DiscussionPolicy, userID int64, reason string) error {
	if err := checkPolicy(p); err != nil {
		return err
	}
	err := s.write(ctx, func(tx *writeTx) error {
		if err := policyTargetExists(ctx, tx, p.Scope, p.TargetID); err != nil {
			return err
		}
		old, err := policyOf(ctx, tx, p.Scope, p.TargetID)
		if err != nil {
			return err
		}
		if old.Override.Equal(p.Override) {
			p.UpdatedAt = old.UpdatedAt
			return nil
		}
		if p.Override.IsZero() && p.Scope != SiteScope {
			_, err = tx.ExecContext(ctx, `DELETE FROM discussion_policies WHERE scope = $1 AND target_id = $2`, p.Scope, p.TargetID)
		} else {
			var category, tag, article any
			switch p.Scope {
			case CategoryScope:
				category = p.TargetID
			case TagScope:
				tag = p.TargetID
			case ArticleScope:
				article = p.TargetID
			}
			_, err = tx.ExecContext(ctx, `
				INSERT INTO discussion_policies (scope, target_id, category_id, tag_id, article_id,
				    mode, close_after_hours, max_links, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
				ON CONFLICT (scope, target_id) DO UPDATE SET mode = excluded.mode,
				    close_after_hours = excluded.close_after_hours, max_links = excluded.max_links,
				    updated_at = excluded.updated_at`,
				p.Scope, p.TargetID, category, tag, article,
				p.Mode, closeHours(p.CloseAfter), maxLinks(p.MaxLinks), s.d.ts(tx.now))
		}
		if err != nil {
			return translate(err, "discussion policy", "")
		}
		p.UpdatedAt = tx.now
		err = s.addAudit(ctx, tx, &AuditEntry{
			UserID: userID, Action: AuditPolicyChanged, TargetType: string(p.Scope), TargetID: p.TargetID,
			Reason: reason, Detail: old.Override.String() + " → " + p.Override.String(),
		})
		if err != nil {
			return err
		}
		if p.Scope == ArticleScope {
			tx.changed(Change{ArticleID: p.TargetID})
		} else {
			tx.changed(Change{}) // any article may be under it
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: set discussion policy of %s %d: %w", p.Scope, p.TargetID, err)
	}
	return nil
}

// checkPolicy checks what the store needs of a policy.
func checkPolicy(p *DiscussionPolicy) error {
	switch {
	case !p.Scope.Valid():
		return qalam.Errorf(qalam.KindInvalid, "Unknown policy scope %q.", p.Scope)
	case (p.Scope == SiteScope) != (p.TargetID == 0) || p.TargetID < 0:
		return qalam.Errorf(qalam.KindInvalid, "A %s policy needs a %s.", p.Scope, p.Scope)
	}
	return p.Override.Validate()
}

// policyTargetExists says not found when the target of a policy is gone.
func policyTargetExists(ctx context.Context, tx *writeTx, scope PolicyScope, id int64) error {
	table := map[PolicyScope]string{CategoryScope: "categories", TagScope: "tags", ArticleScope: "articles"}[scope]
	if table == "" {
		return nil
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table+` WHERE id = $1`, id).Scan(&n); err != nil {
		return translate(err, string(scope), "")
	}
	if n == 0 {
		return qalam.Errorf(qalam.KindNotFound, "There is no such %s.", scope)
	}
	return nil
}

func closeHours(d *time.Duration) any {
	switch {
	case d == nil:
		return nil
	case *d < 0:
		return -1
	}
	return int64(*d / time.Hour)
}

func maxLinks(n *int) any {
	if n == nil {
		return nil
	}
	return *n
}

// ArticlePolicy returns the policy an article's discussion runs under:
// its own, its tags', its category's and the site's, resolved field by
// field (moderation.Resolve), in one query.
func (s *Store) ArticlePolicy(ctx context.Context, articleID int64) (moderation.Policy, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT `+policyColumns+` FROM discussion_policies
		WHERE scope = $1
		   OR (scope = $2 AND target_id = $5)
		   OR (scope = $3 AND target_id = (SELECT category_id FROM articles WHERE id = $5))
		   OR (scope = $4 AND target_id IN (SELECT tag_id FROM article_tags WHERE article_id = $5))`,
		SiteScope, ArticleScope, CategoryScope, TagScope, articleID)
	if err != nil {
		return moderation.Policy{}, fmt.Errorf("store: policy of article %d: %w", articleID, translate(err, "discussion policy", ""))
	}
	list, err := collect(rows, scanPolicy)
	if err != nil {
		return moderation.Policy{}, fmt.Errorf("store: policy of article %d: %w", articleID, translate(err, "discussion policy", ""))
	}
	levels := map[PolicyScope][]moderation.Override{}
	for _, p := range list {
		levels[p.Scope] = append(levels[p.Scope], p.Override)
	}
	return moderation.Resolve(levels[ArticleScope], levels[TagScope], levels[CategoryScope], levels[SiteScope]), nil
}

// Word lists are kept as settings, one term a line.
const (
	settingHoldWords   = "discussion.words.hold"
	settingRejectWords = "discussion.words.reject"
	// AuditWordLists is the audit action of a change to the word lists.
	AuditWordLists = "discussion.word_lists"
)

// WordLists returns the terms that hold a comment for review and those that
// reject it as spam, as the moderators listed them.
func (s *Store) WordLists(ctx context.Context) (hold, reject []string, err error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT key, value FROM settings WHERE key IN ($1, $2)`,
		settingHoldWords, settingRejectWords)
	if err != nil {
		return nil, nil, fmt.Errorf("store: word lists: %w", translate(err, "setting", ""))
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, nil, fmt.Errorf("store: word lists: %w", err)
		}
		if k == settingHoldWords {
			hold = splitTerms(v)
		} else {
			reject = splitTerms(v)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("store: word lists: %w", translate(err, "setting", ""))
	}
	return hold, reject, nil
}

// SetWordLists replaces the word lists and records what was added and
// removed in the audit log by userID with reason, in one transaction. The
// terms are stored as given, trimmed, without blanks or repeats.
func (s *Store) SetWordLists(ctx context.Context, hold, reject []string, userID int64, reason string) error {
	hold, reject = cleanTerms(hold), cleanTerms(reject)
	err := s.write(ctx, func(tx *writeTx) error {
		var oldHold, oldReject string
		for key, v := range map[string]*string{settingHoldWords: &oldHold, settingRejectWords: &oldReject} {
			err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(v)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return translate(err, "setting", "")
			}
		}
		detail := strings.Join(slices.DeleteFunc([]string{
			termsDiff("hold", splitTerms(oldHold), hold), termsDiff("reject", splitTerms(oldReject), reject),
		}, func(s string) bool { return s == "" }), "; ")
		if detail == "" {
			return nil // nothing changed
		}
		for key, terms := range map[string][]string{settingHoldWords: hold, settingRejectWords: reject} {
			_, err := tx.ExecContext(ctx, `
				INSERT INTO settings (key, value) VALUES ($1, $2)
				ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, strings.Join(terms, "\n"))
			if err != nil {
				return translate(err, "setting", "")
			}
		}
		// The lists judge new comments only: no public page changes.
		return s.addAudit(ctx, tx, &AuditEntry{UserID: userID, Action: AuditWordLists, TargetType: "word_lists",
			Reason: reason, Detail: detail})
	})
	if err != nil {
		return fmt.Errorf("store: set word lists: %w", err)
	}
	return nil
}

func splitTerms(v string) []string { return cleanTerms(strings.Split(v, "\n")) }

// cleanTerms trims terms and drops blanks and exact repeats, in order.
func cleanTerms(terms []string) []string {
	out := []string{}
	for _, t := range terms {
		if t = strings.TrimSpace(t); t != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// termsDiff says what changed in one list: `hold: +"a", +"b", −"c"`, or
// "" when nothing did.
func termsDiff(list string, old, now []string) string {
	var parts []string
	for _, t := range now {
		if !slices.Contains(old, t) {
			parts = append(parts, "+"+strconv.Quote(t))
		}
	}
	for _, t := range old {
		if !slices.Contains(now, t) {
			parts = append(parts, "−"+strconv.Quote(t))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return list + ": " + strings.Join(parts, ", ")
}

// CommenterRecord is how a commenter's recent comments were decided.
type CommenterRecord struct {
	Approved int
	// Rejected counts comments marked as spam (by a moderator or by
	// screening) and comments a moderator removed; a comment its author
	// withdrew is neither approved nor rejected.
	Rejected int
}

// RecentRecord counts the decided comments posted since since with the
// email address email or from the browser commenterID (either may be
// empty or 0), for the rejection-rate rule.
func (s *Store) RecentRecord(ctx context.Context, email string, commenterID int64, since time.Time) (CommenterRecord, error) {
	var r CommenterRecord
	if email == "" && commenterID == 0 {
		return r, nil
	}
	err := s.reader.QueryRowContext(ctx, `SELECT
		    COUNT(CASE WHEN c.status = $4 THEN 1 END),
		    COUNT(CASE WHEN c.status = $5 OR (c.status = $6 AND EXISTS (
		        SELECT 1 FROM audit_log l WHERE l.target_type = 'comment' AND l.target_id = c.id AND l.action = $7))
		        THEN 1 END)
		FROM comments c
		WHERE ((c.author_email = $1 AND $1 <> '') OR c.commenter_id = $2) AND c.created_at >= $3`,
		email, commenterID, s.d.ts(qalam.UTC(since)), qalam.Approved, qalam.Spam, qalam.Deleted,
		"comment."+string(qalam.Deleted)).Scan(&r.Approved, &r.Rejected)
	if err != nil {
		return r, fmt.Errorf("store: recent record of a commenter: %w", translate(err, "comment", ""))
	}
	return r, nil
}
