package store

import (
	"context"

	"github.com/qalamnews/qalam"
)

// CreatePublishedQuickly stores published articles (slug, language,
// label, headline, standfirst, body, body HTML, category, one author and
// published time taken from each) in transactions of a thousand, indexed
// for search as CreateArticle indexes them, without revisions or tags:
// for benchmarks that need an archive of thousands.
func (s *Store) CreatePublishedQuickly(ctx context.Context, articles []*qalam.Article) error {
	for len(articles) > 0 {
		n := min(len(articles), 1000)
		err := s.write(ctx, func(tx *writeTx) error {
			ids := make([]int64, 0, n)
			for _, a := range articles[:n] {
				published := s.d.ts(a.PublishedAt)
				err := tx.QueryRowContext(ctx, `
					INSERT INTO articles (slug, language, label, status, headline, standfirst, body, body_html,
					    category_id, published_at, updated_at, edited_at, created_at)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $10, $10)
					RETURNING id`,
					a.Slug, a.Language, a.Label, qalam.Published, a.Headline, a.Standfirst, a.Body, a.BodyHTML,
					a.CategoryID, published).Scan(&a.ID)
				if err != nil {
					return err
				}
				if err := s.setByline(ctx, tx, a.ID, a.AuthorIDs, false); err != nil {
					return err
				}
				ids = append(ids, a.ID)
			}
			return s.indexArticles(ctx, tx, ids...)
		})
		if err != nil {
			return err
		}
		articles = articles[n:]
	}
	return nil
}
