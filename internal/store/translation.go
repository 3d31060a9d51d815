package store

import (
	"context"
	"fmt"

	"github.com/qalamnews/qalam"
)

// Languages: the site's interface language, and articles linked to their
// translation in the other language.

// SettingLanguage is the setting holding the language the site's interface
// speaks ("en" or "ur"); unset, it speaks English. An article's own page
// speaks the article's language whatever this says.
const SettingLanguage = "site_language"

// Translation returns the article linked to articleID as its translation,
// in any status, with what a link to it needs: ID, slug, language,
// headline and status. It is not found when there is none.
func (s *Store) Translation(ctx context.Context, articleID int64) (*qalam.Article, error) {
	var t qalam.Article
	err := s.reader.QueryRowContext(ctx, `
		SELECT a.id, a.slug, a.language, a.headline, a.status
		FROM article_translations x JOIN articles a ON a.id = x.translation_id
		WHERE x.article_id = $1`, articleID).Scan(&t.ID, &t.Slug, &t.Language, &t.Headline, &t.Status)
	if err != nil {
		return nil, fmt.Errorf("store: translation of article %d: %w", articleID, translate(err, "translation", ""))
	}
	return &t, nil
}

// SetTranslation links two articles as translations of each other,
// replacing any link either had; a zero translationID removes the
// article's link. The two must be in different languages. Both pages, and
// those of any article they were linked to, change.
func (s *Store) SetTranslation(ctx context.Context, articleID, translationID int64) error {
	err := s.write(ctx, func(tx *writeTx) error {
		ids := []int64{articleID}
		if translationID != 0 {
			if translationID == articleID {
				return qalam.FieldErrors{"translation": "An article cannot be its own translation."}.Err()
			}
			ids = append(ids, translationID)
			var a args
			rows, err := tx.QueryContext(ctx, `SELECT id, language FROM articles WHERE id IN `+a.in(ids), a...)
			if err != nil {
				return translate(err, "article", "")
			}
			type row struct {
				id   int64
				lang qalam.Language
			}
			list, err := collect(rows, func(r scanner) (row, error) {
				var v row
				err := r.Scan(&v.id, &v.lang)
				return v, err
			})
			switch {
			case err != nil:
				return translate(err, "article", "")
			case len(list) != 2:
				return qalam.Errorf(qalam.KindNotFound, "No such article.")
			case list[0].lang == list[1].lang:
				return qalam.FieldErrors{"translation": "The translation must be in the other language."}.Err()
			}
		}
		// The articles whose pages change: these, and their old partners.
		var a args
		in := a.in(ids)
		rows, err := tx.QueryContext(ctx, `SELECT translation_id FROM article_translations WHERE article_id IN `+in, a...)
		if err != nil {
			return translate(err, "translation", "")
		}
		partners, err := collect(rows, func(r scanner) (int64, error) {
			var id int64
			err := r.Scan(&id)
			return id, err
		})
		if err != nil {
			return translate(err, "translation", "")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM article_translations WHERE article_id IN `+in+` OR translation_id IN `+in, a...); err != nil {
			return translate(err, "translation", "")
		}
		if translationID != 0 {
			_, err := tx.ExecContext(ctx, `
				INSERT INTO article_translations (article_id, translation_id) VALUES ($1, $2), ($2, $1)`,
				articleID, translationID)
			if err != nil {
				return translate(err, "translation", "")
			}
		}
		for _, id := range append(ids, partners...) {
			tx.changed(Change{ArticleID: id})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: set translation of article %d: %w", articleID, err)
	}
	return nil
}
