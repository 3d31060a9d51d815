package store

import (
	"context"
	"fmt"

	"github.com/qalamnews/qalam"
)

// TagBySlug returns the tag with the given slug.
func (s *Store) TagBySlug(ctx context.Context, slug string) (*qalam.Tag, error) {
	var t qalam.Tag
	err := s.reader.QueryRowContext(ctx, `SELECT id, slug, name FROM tags WHERE slug = $1`, slug).
		Scan(&t.ID, &t.Slug, &t.Name)
	if err != nil {
		return nil, fmt.Errorf("store: tag %q: %w", slug, translate(err, "tag", ""))
	}
	return &t, nil
}

// tagID finds or creates the tag named name, by its slug: "Elections" and
// "elections" are one tag, named as it was first written.
func (s *Store) tagID(ctx context.Context, tx *writeTx, slug, name string) (int64, error) {
	var id int64
	// DO UPDATE rather than DO NOTHING, so RETURNING yields the existing row.
	err := tx.QueryRowContext(ctx, `
		INSERT INTO tags (slug, name) VALUES ($1, $2)
		ON CONFLICT (slug) DO UPDATE SET slug = excluded.slug
		RETURNING id`, slug, name).Scan(&id)
	return id, translate(err, "tag", "slug")
}
