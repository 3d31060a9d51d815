package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/qalamnews/qalam"
)

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

const authorColumns = `id, slug, name, bio, created_at`

func scanAuthor(row scanner) (*qalam.Author, error) {
	var a qalam.Author
	if err := row.Scan(&a.ID, &a.Slug, &a.Name, &a.Bio, scanTime(&a.CreatedAt)); err != nil {
		return nil, err
	}
	return &a, nil
}

// CreateAuthor validates and stores a, setting its ID and CreatedAt (kept
// when the caller set it, as imports do).
func (s *Store) CreateAuthor(ctx context.Context, a *qalam.Author) error {
	if err := a.Validate(); err != nil {
		return err
	}
	var id int64
	created := a.CreatedAt
	err := s.write(ctx, func(tx *writeTx) error {
		created = orNow(created, tx.now)
		err := tx.QueryRowContext(ctx, `
			INSERT INTO authors (slug, name, bio, created_at)
			VALUES ($1, $2, $3, $4)
			RETURNING id`,
			a.Slug, a.Name, a.Bio, s.d.ts(created)).Scan(&id)
		if err != nil {
			return translate(err, "author", "slug")
		}
		tx.changed(Change{})
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: create author %q: %w", a.Slug, err)
	}
	a.ID, a.CreatedAt = id, created
	return nil
}

// Author returns the author with the given ID.
func (s *Store) Author(ctx context.Context, id int64) (*qalam.Author, error) {
	a, err := scanAuthor(s.reader.QueryRowContext(ctx,
		`SELECT `+authorColumns+` FROM authors WHERE id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("store: author %d: %w", id, translate(err, "author", ""))
	}
	return a, nil
}

// AuthorBySlug returns the author with the given slug.
func (s *Store) AuthorBySlug(ctx context.Context, slug string) (*qalam.Author, error) {
	a, err := scanAuthor(s.reader.QueryRowContext(ctx,
		`SELECT `+authorColumns+` FROM authors WHERE slug = $1`, slug))
	if err != nil {
		return nil, fmt.Errorf("store: author %q: %w", slug, translate(err, "author", ""))
	}
	return a, nil
}

// FindAuthors returns every author, by name.
func (s *Store) FindAuthors(ctx context.Context) ([]*qalam.Author, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT `+authorColumns+` FROM authors ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("store: find authors: %w", translate(err, "author", ""))
	}
	authors, err := collect(rows, scanAuthor)
	if err != nil {
		return nil, fmt.Errorf("store: find authors: %w", translate(err, "author", ""))
	}
	return authors, nil
}

// collect scans every row with scan and closes rows. It returns an empty,
// non-nil slice when there are none.
func collect[T any](rows *sql.Rows, scan func(scanner) (T, error)) ([]T, error) {
	defer rows.Close()
	list := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, v)
	}
	return list, rows.Err()
}
