package store

import (
	"context"
	"fmt"

	"github.com/qalamnews/qalam"
)

// RevisionInfo describes a save for the revision it creates.
type RevisionInfo struct {
	UserID int64
	Minor  bool
	Note   string
}

// publishedNote is the note of the revision kept when an article goes out.
const publishedNote = "Published"

// firstPublished is the revision kept when an article is published: never
// minor, noted "Published" unless the editor's save says otherwise.
func firstPublished(info *RevisionInfo) RevisionInfo {
	r := RevisionInfo{Note: publishedNote}
	if info != nil {
		r.UserID = info.UserID
		if info.Note != "" {
			r.Note = info.Note
		}
	}
	return r
}

const revisionColumns = `id, article_id, headline, standfirst, editor_note, body, label,
	seo_title, seo_description, minor, note, COALESCE(user_id, 0), created_at`

func scanRevision(row scanner) (*qalam.Revision, error) {
	var r qalam.Revision
	err := row.Scan(&r.ID, &r.ArticleID, &r.Headline, &r.Standfirst, &r.EditorNote, &r.Body, &r.Label,
		&r.SEOTitle, &r.SEODescription, &r.Minor, &r.Note, &r.UserID, scanTime(&r.CreatedAt))
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// insertRevision keeps a's text (as a holds it, ID included) as a revision
// made now.
func (s *Store) insertRevision(ctx context.Context, tx *writeTx, a *qalam.Article, info RevisionInfo) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO revisions (article_id, headline, standfirst, editor_note, body, label,
		    seo_title, seo_description, minor, note, user_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		a.ID, a.Headline, a.Standfirst, a.EditorNote, a.Body, a.Label,
		a.SEOTitle, a.SEODescription, info.Minor, info.Note, nullID(info.UserID), s.d.ts(tx.now))
	return translate(err, "revision", "")
}

// FindRevisions returns the revisions of an article, newest first (none
// for an unknown article).
func (s *Store) FindRevisions(ctx context.Context, articleID int64) ([]*qalam.Revision, error) {
	rows, err := s.reader.QueryContext(ctx,
		`SELECT `+revisionColumns+` FROM revisions WHERE article_id = $1 ORDER BY id DESC`, articleID)
	if err != nil {
		return nil, fmt.Errorf("store: find revisions of article %d: %w", articleID, translate(err, "revision", ""))
	}
	list, err := collect(rows, scanRevision)
	if err != nil {
		return nil, fmt.Errorf("store: find revisions of article %d: %w", articleID, translate(err, "revision", ""))
	}
	return list, nil
}

// Revision returns the revision with the given ID.
func (s *Store) Revision(ctx context.Context, id int64) (*qalam.Revision, error) {
	r, err := scanRevision(s.reader.QueryRowContext(ctx,
		`SELECT `+revisionColumns+` FROM revisions WHERE id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("store: revision %d: %w", id, translate(err, "revision", ""))
	}
	return r, nil
}
