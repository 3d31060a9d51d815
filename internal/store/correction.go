package store

import (
	"context"
	"fmt"
	"time"

	"github.com/qalamnews/qalam"
)

// Page size of FindCorrections.
const (
	defaultCorrectionLimit = 50
	maxCorrectionLimit     = 100
)

// CorrectionEntry is a correction with its article.
type CorrectionEntry struct {
	qalam.Correction
	ArticleSlug     string
	ArticleHeadline string
	ArticleLanguage qalam.Language
}

const correctionColumns = `c.id, c.article_id, c.kind, c.text, c.text_html, COALESCE(c.user_id, 0), c.created_at`

func scanCorrection(row scanner, c *qalam.Correction, extra ...any) error {
	return row.Scan(append([]any{&c.ID, &c.ArticleID, &c.Kind, &c.Text, &c.TextHTML, &c.UserID,
		scanTime(&c.CreatedAt)}, extra...)...)
}

// AddCorrection appends a correction or update to a published article
// (else KindConflict), moves the article's UpdatedAt (and EditedAt) to
// now, and sets c's ID and CreatedAt. Corrections are loaded with the
// article (Article.Corrections, oldest first).
func (s *Store) AddCorrection(ctx context.Context, c *qalam.Correction) error {
	if err := c.Validate(); err != nil {
		return err
	}
	var id int64
	var created time.Time
	err := s.write(ctx, func(tx *writeTx) error {
		var status qalam.ArticleStatus
		var edited time.Time
		err := tx.QueryRowContext(ctx, `SELECT status, edited_at FROM articles WHERE id = $1`, c.ArticleID).
			Scan(&status, scanTime(&edited))
		if err != nil {
			return translate(err, "article", "")
		}
		if status != qalam.Published {
			return qalam.Errorf(qalam.KindConflict, "Only a published article can be corrected; this one is %s.", status)
		}
		created = tx.now
		err = tx.QueryRowContext(ctx, `
			INSERT INTO corrections (article_id, kind, text, text_html, user_id, created_at)
			VALUES ($1, $2, $3, $4, $5, $6)
			RETURNING id`,
			c.ArticleID, c.Kind, c.Text, c.TextHTML, nullID(c.UserID), s.d.ts(created)).Scan(&id)
		if err != nil {
			return translate(err, "correction", "")
		}
		_, err = tx.ExecContext(ctx, `UPDATE articles SET updated_at = $1, edited_at = $2 WHERE id = $3`,
			s.d.ts(tx.now), s.d.ts(nextEdit(edited, tx.now)), c.ArticleID)
		if err != nil {
			return translate(err, "article", "")
		}
		tx.changed(Change{ArticleID: c.ArticleID})
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: add correction to article %d: %w", c.ArticleID, err)
	}
	c.ID, c.CreatedAt = id, created
	return nil
}

// FindCorrections lists the corrections of published articles, newest
// first, with their articles' slug, headline and language, for the
// /corrections page: limit of them (50 when 0, at most 100), made before
// before when it is set.
func (s *Store) FindCorrections(ctx context.Context, limit int, before time.Time) ([]CorrectionEntry, error) {
	if limit <= 0 {
		limit = defaultCorrectionLimit
	}
	limit = min(limit, maxCorrectionLimit)
	var a args
	where := "WHERE a.status = " + a.add(qalam.Published)
	if !before.IsZero() {
		where += " AND c.created_at < " + a.add(s.d.ts(before))
	}
	rows, err := s.reader.QueryContext(ctx, `
		SELECT `+correctionColumns+`, a.slug, a.headline, a.language
		FROM corrections c
		JOIN articles a ON a.id = c.article_id
		`+where+`
		ORDER BY c.created_at DESC, c.id DESC
		LIMIT `+a.add(limit), a...)
	if err != nil {
		return nil, fmt.Errorf("store: find corrections: %w", translate(err, "correction", ""))
	}
	list, err := collect(rows, func(row scanner) (CorrectionEntry, error) {
		var e CorrectionEntry
		err := scanCorrection(row, &e.Correction, &e.ArticleSlug, &e.ArticleHeadline, &e.ArticleLanguage)
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: find corrections: %w", translate(err, "correction", ""))
	}
	return list, nil
}

// loadCorrections fills Corrections, oldest first, in one query for the
// page.
func (s *Store) loadCorrections(ctx context.Context, db querier, list []*qalam.Article) error {
	if len(list) == 0 {
		return nil
	}
	articles, ids := byID(list)
	var a args
	rows, err := db.QueryContext(ctx, `
		SELECT `+correctionColumns+`
		FROM corrections c
		WHERE c.article_id IN `+a.in(ids)+`
		ORDER BY c.article_id, c.created_at, c.id`, a...)
	if err != nil {
		return translate(err, "correction", "")
	}
	defer rows.Close()
	for rows.Next() {
		var c qalam.Correction
		if err := scanCorrection(rows, &c); err != nil {
			return err
		}
		r := articles[c.ArticleID]
		r.Corrections = append(r.Corrections, c)
	}
	return rows.Err()
}
