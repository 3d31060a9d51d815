package store

import (
	"context"
	"fmt"

	"github.com/qalamnews/qalam"
)

func scanCategory(row scanner) (*qalam.Category, error) {
	var c qalam.Category
	if err := row.Scan(&c.ID, &c.Slug, &c.Name); err != nil {
		return nil, err
	}
	return &c, nil
}

// CreateCategory validates and stores c, setting its ID.
func (s *Store) CreateCategory(ctx context.Context, c *qalam.Category) error {
	if err := c.Validate(); err != nil {
		return err
	}
	var id int64
	err := s.write(ctx, func(tx *writeTx) error {
		err := tx.QueryRowContext(ctx,
			`INSERT INTO categories (slug, name) VALUES ($1, $2) RETURNING id`,
			c.Slug, c.Name).Scan(&id)
		if err != nil {
			return translate(err, "category", "slug")
		}
		tx.changed(Change{})
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: create category %q: %w", c.Slug, err)
	}
	c.ID = id
	return nil
}

// CategoryBySlug returns the category with the given slug.
func (s *Store) CategoryBySlug(ctx context.Context, slug string) (*qalam.Category, error) {
	c, err := scanCategory(s.reader.QueryRowContext(ctx,
		`SELECT id, slug, name FROM categories WHERE slug = $1`, slug))
	if err != nil {
		return nil, fmt.Errorf("store: category %q: %w", slug, translate(err, "category", ""))
	}
	return c, nil
}

// FindCategories returns every category, by name.
func (s *Store) FindCategories(ctx context.Context) ([]*qalam.Category, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT id, slug, name FROM categories ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("store: find categories: %w", translate(err, "category", ""))
	}
	list, err := collect(rows, scanCategory)
	if err != nil {
		return nil, fmt.Errorf("store: find categories: %w", translate(err, "category", ""))
	}
	return list, nil
}
