package store

import (
	"context"
	"database/sql"
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

// Category returns the category with the given ID.
func (s *Store) Category(ctx context.Context, id int64) (*qalam.Category, error) {
	c, err := scanCategory(s.reader.QueryRowContext(ctx, `SELECT id, slug, name FROM categories WHERE id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("store: category %d: %w", id, translate(err, "category", ""))
	}
	return c, nil
}

// RenameCategory gives the category a new name and slug, validated; a
// slug in use is a conflict.
func (s *Store) RenameCategory(ctx context.Context, id int64, name, slug string) (*qalam.Category, error) {
	c := &qalam.Category{ID: id, Slug: slug, Name: name}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	err := s.write(ctx, func(tx *writeTx) error {
		res, err := tx.ExecContext(ctx, `UPDATE categories SET name = $1, slug = $2 WHERE id = $3`, name, slug, id)
		if err != nil {
			return translate(err, "category", "slug")
		}
		if err := affected(res, "category"); err != nil {
			return err
		}
		tx.changed(Change{})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: rename category %d: %w", id, err)
	}
	return c, nil
}

// DeleteCategory moves the category's articles to the category moveTo,
// which must exist and be another (else the input is invalid), then
// deletes it.
func (s *Store) DeleteCategory(ctx context.Context, id, moveTo int64) error {
	err := s.write(ctx, func(tx *writeTx) error {
		if ok, err := exists(ctx, tx, "categories", id); err != nil {
			return err
		} else if !ok {
			return translate(sql.ErrNoRows, "category", "")
		}
		if moveTo == id {
			return qalam.FieldErrors{"move_to": "Choose another category for its articles."}.Err()
		}
		if ok, err := exists(ctx, tx, "categories", moveTo); err != nil {
			return err
		} else if !ok {
			return qalam.FieldErrors{"move_to": "Choose an existing category for its articles."}.Err()
		}
		if _, err := tx.ExecContext(ctx, `UPDATE articles SET category_id = $1 WHERE category_id = $2`, moveTo, id); err != nil {
			return translate(err, "article", "")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM categories WHERE id = $1`, id); err != nil {
			return translate(err, "category", "")
		}
		tx.changed(Change{})
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: delete category %d: %w", id, err)
	}
	return nil
}
