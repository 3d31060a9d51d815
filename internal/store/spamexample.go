package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qalamnews/qalam"
)

// The site's spam examples: the labelled comments its spam classifier
// learns from on top of the starting model (package moderation). Every
// node trains on the same examples, and polls SpamExamplesVersion to learn
// of new ones.

// Sources of spam examples.
const (
	// SpamFromModerator is a moderator's decision on a comment.
	SpamFromModerator = "moderator"
	// SpamFromFile is a labelled comment added from a file.
	SpamFromFile = "file"
)

// SpamExample is one labelled comment the spam classifier learns from.
type SpamExample struct {
	ID     int64
	Source string // SpamFromModerator or SpamFromFile
	Spam   bool

	// CommentID and UserID are a moderator's example's comment and
	// moderator (0 when the account is gone).
	CommentID int64
	UserID    int64
	// FileID is a file's example's id in its file.
	FileID string

	// Lang and Topic are for reports and for grouping related comments
	// when the model is calibrated: a moderator's example has its
	// article's language and "article:ID" as its topic.
	Lang  string
	Topic string

	// The fields the classifier reads: a moderator's example has its
	// comment's as they are now.
	Name, Email, Website, Body string

	CreatedAt time.Time
}

// SpamExamplesVersion changes whenever the examples SpamExamples returns
// do: a new example adds one to Count; a decision replacing its comment's
// example raises IDSum (ids only grow); an example removed (its comment
// erased or deleted) takes one from Count.
type SpamExamplesVersion struct {
	Count int
	IDSum int64
}

// Limits of a file's example.
const (
	maxSpamFileID = 200
	maxSpamField  = 64 << 10 // characters of the body, name, email or website
)

func (e *SpamExample) validate() error {
	errs := qalam.FieldErrors{}
	switch {
	case strings.TrimSpace(e.FileID) == "":
		errs["id"] = "An example needs an id."
	case utf8.RuneCountInString(e.FileID) > maxSpamFileID:
		errs["id"] = fmt.Sprintf("Please keep the id under %d characters.", maxSpamFileID)
	}
	for name, v := range map[string]string{"name": e.Name, "email": e.Email, "website": e.Website, "body": e.Body, "lang": e.Lang, "topic": e.Topic} {
		if !utf8.ValidString(v) {
			errs[name] = "This is not valid UTF-8."
		} else if utf8.RuneCountInString(v) > maxSpamField {
			errs[name] = fmt.Sprintf("Please keep this under %d characters.", maxSpamField)
		}
	}
	if len(errs) > 0 {
		return errs.Err()
	}
	return nil
}

func spamLabel(spam bool) string {
	if spam {
		return "spam"
	}
	return "ham"
}

// AddSpamExamples stores labelled comments from a file, in one
// transaction, and says how many it added. An example whose FileID is
// already stored (from this file or another) is skipped, so adding a file
// again adds nothing. Source, CommentID and UserID are ignored; ID and
// CreatedAt are set on the examples added.
func (s *Store) AddSpamExamples(ctx context.Context, list []*SpamExample) (added int, err error) {
	for i, e := range list {
		if err := e.validate(); err != nil {
			return 0, fmt.Errorf("store: add spam examples: example %d (%q): %w", i+1, e.FileID, err)
		}
	}
	err = s.write(ctx, func(tx *writeTx) error {
		added = 0
		for _, e := range list {
			var id int64
			err := tx.QueryRowContext(ctx, `INSERT INTO spam_examples (source, label, file_id, lang, topic,
				    author_name, author_email, author_url, body, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
				ON CONFLICT (file_id) DO NOTHING
				RETURNING id`,
				SpamFromFile, spamLabel(e.Spam), e.FileID, e.Lang, e.Topic,
				e.Name, e.Email, e.Website, e.Body, s.d.ts(tx.now)).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) {
				continue // already stored
			}
			if err != nil {
				return translate(err, "spam example", "")
			}
			e.ID, e.Source, e.CommentID, e.UserID, e.CreatedAt = id, SpamFromFile, 0, 0, tx.now
			added++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: add spam examples: %w", err)
	}
	return added, nil
}

// recordSpamDecision keeps a moderator's decision moving comment c to
// status as an example for the spam classifier: marked spam, spam; approved
// when it was held or marked spam, ham. Other decisions (removing a
// comment, which says nothing about spam; approving a removed one) leave
// the examples as they are. The decision replaces the comment's earlier
// one. It runs in the moderation's transaction.
func (s *Store) recordSpamDecision(ctx context.Context, tx *writeTx, c *qalam.Comment, status qalam.CommentStatus, userID int64) error {
	var spam bool
	switch {
	case status == qalam.Spam:
		spam = true
	case status == qalam.Approved && (c.Status == qalam.Pending || c.Status == qalam.Spam):
	default:
		return nil
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM spam_examples WHERE comment_id = $1`, c.ID); err != nil {
		return translate(err, "spam example", "")
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO spam_examples (source, label, comment_id, user_id, created_at)
		VALUES ($1, $2, $3, $4, $5)`, SpamFromModerator, spamLabel(spam), c.ID, nullID(userID), s.d.ts(tx.now))
	return translate(err, "spam example", "")
}

// spamExamplesFrom joins each example to its comment, if any, leaving out
// the examples of erased comments.
const spamExamplesFrom = `FROM spam_examples e
	LEFT JOIN comments c ON c.id = e.comment_id
	LEFT JOIN articles a ON a.id = c.article_id
	WHERE c.erased_at IS NULL`

// SpamExamples returns the site's spam examples, oldest first, with the
// version they are (in one snapshot): a moderator's example with its
// comment's fields as they are now; none for an erased comment.
func (s *Store) SpamExamples(ctx context.Context) ([]*SpamExample, SpamExamplesVersion, error) {
	var list []*SpamExample
	var v SpamExamplesVersion
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		if v, err = spamExamplesVersion(ctx, tx); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT e.id, e.source, e.label, COALESCE(e.comment_id, 0),
			    COALESCE(e.user_id, 0), COALESCE(e.file_id, ''), COALESCE(a.language, e.lang),
			    e.topic, COALESCE(c.article_id, 0),
			    COALESCE(c.author_name, e.author_name), COALESCE(c.author_email, e.author_email),
			    COALESCE(c.author_url, e.author_url), COALESCE(c.body, e.body), e.created_at
			`+spamExamplesFrom+` ORDER BY e.id`)
		if err != nil {
			return translate(err, "spam example", "")
		}
		list, err = collect(rows, scanSpamExample)
		return translate(err, "spam example", "")
	})
	if err != nil {
		return nil, SpamExamplesVersion{}, fmt.Errorf("store: spam examples: %w", err)
	}
	return list, v, nil
}

func scanSpamExample(row scanner) (*SpamExample, error) {
	var e SpamExample
	var label string
	var articleID int64
	err := row.Scan(&e.ID, &e.Source, &label, &e.CommentID, &e.UserID, &e.FileID, &e.Lang, &e.Topic, &articleID,
		&e.Name, &e.Email, &e.Website, &e.Body, scanTime(&e.CreatedAt))
	if err != nil {
		return nil, err
	}
	e.Spam = label == "spam"
	if e.Source == SpamFromModerator {
		e.Topic = "article:" + strconv.FormatInt(articleID, 10)
	}
	return &e, nil
}

// SpamExamplesVersion returns the version of the examples SpamExamples
// would return now: a cheap query, for nodes to poll.
func (s *Store) SpamExamplesVersion(ctx context.Context) (SpamExamplesVersion, error) {
	v, err := spamExamplesVersion(ctx, s.reader)
	if err != nil {
		return SpamExamplesVersion{}, fmt.Errorf("store: spam examples version: %w", err)
	}
	return v, nil
}

func spamExamplesVersion(ctx context.Context, db querier) (SpamExamplesVersion, error) {
	var v SpamExamplesVersion
	err := db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(e.id), 0) `+spamExamplesFrom).Scan(&v.Count, &v.IDSum)
	return v, translate(err, "spam example", "")
}
