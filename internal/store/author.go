package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/qalamnews/qalam"
)

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// authorColumns are an author's columns, the authors table aliased u.
const authorColumns = `u.id, u.slug, u.name, u.bio, COALESCE(u.photo_id, 0), u.links, COALESCE(u.user_id, 0), u.created_at`

// scanAuthor scans authorColumns, after the columns of before if any.
func scanAuthor(row scanner, before ...any) (*qalam.Author, error) {
	var a qalam.Author
	var links string
	dest := append(before, &a.ID, &a.Slug, &a.Name, &a.Bio, &a.PhotoID, &links, &a.UserID, scanTime(&a.CreatedAt))
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(links), &a.Links); err != nil {
		return nil, fmt.Errorf("store: bad author links %q: %w", links, err)
	}
	if len(a.Links) == 0 {
		a.Links = nil
	}
	return &a, nil
}

func scanAuthorRow(row scanner) (*qalam.Author, error) { return scanAuthor(row) }

// encodeLinks is the links column: a JSON array, [] for none.
func encodeLinks(links []string) string {
	if links == nil {
		links = []string{}
	}
	b, _ := json.Marshal(links) // strings always marshal
	return string(b)
}

// CreateAuthor validates and stores a, setting its ID and CreatedAt (kept
// when the caller set it, as imports do). PhotoID and UserID, when set,
// must name a media item and a staff account without a profile.
func (s *Store) CreateAuthor(ctx context.Context, a *qalam.Author) error {
	if err := a.Validate(); err != nil {
		return err
	}
	var id int64
	created := a.CreatedAt
	err := s.write(ctx, func(tx *writeTx) error {
		created = orNow(created, tx.now)
		if err := checkAuthorReferences(ctx, tx, 0, a); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `
			INSERT INTO authors (slug, name, bio, photo_id, links, user_id, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			RETURNING id`,
			a.Slug, a.Name, a.Bio, nullID(a.PhotoID), encodeLinks(a.Links), nullID(a.UserID), s.d.ts(created)).Scan(&id)
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

// checkAuthorReferences reports a missing photo or account as a field
// error, and an account linked to another author (not id) as a conflict.
func checkAuthorReferences(ctx context.Context, tx *writeTx, id int64, a *qalam.Author) error {
	errs := qalam.FieldErrors{}
	if a.PhotoID != 0 {
		if ok, err := exists(ctx, tx, "media", a.PhotoID); err != nil {
			return err
		} else if !ok {
			errs["photo"] = "Choose an image from the media library."
		}
	}
	if a.UserID != 0 {
		if ok, err := exists(ctx, tx, "users", a.UserID); err != nil {
			return err
		} else if !ok {
			errs["user"] = "Choose an existing account."
		}
	}
	if err := errs.Err(); err != nil {
		return err
	}
	if a.UserID != 0 {
		var n int
		err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM authors WHERE user_id = $1 AND id <> $2`, a.UserID, id).Scan(&n)
		if err != nil {
			return translate(err, "author", "")
		}
		if n > 0 {
			return &qalam.Error{Kind: qalam.KindConflict, Message: "This account already writes as another author.",
				Fields: qalam.FieldErrors{"user": "Already linked to another author."}}
		}
	}
	return nil
}

// AuthorUpdate holds an author's fields to change; nil fields stay as they
// are. A PhotoID or UserID of 0 removes the photo or the link.
type AuthorUpdate struct {
	Name, Slug, Bio *string
	PhotoID, UserID *int64
	Links           *[]string
}

// UpdateAuthor changes the fields set in u, validates the result and
// returns the author as stored. A slug in use, or an account linked to
// another author, is a conflict.
func (s *Store) UpdateAuthor(ctx context.Context, id int64, u AuthorUpdate) (*qalam.Author, error) {
	var a *qalam.Author
	err := s.write(ctx, func(tx *writeTx) error {
		var err error
		if a, err = authorBy(ctx, tx, "u.id", id); err != nil {
			return err
		}
		set(&a.Name, u.Name)
		set(&a.Slug, u.Slug)
		set(&a.Bio, u.Bio)
		set(&a.PhotoID, u.PhotoID)
		set(&a.UserID, u.UserID)
		if u.Links != nil {
			a.Links = slices.Clone(*u.Links)
			if len(a.Links) == 0 {
				a.Links = nil
			}
		}
		if err := a.Validate(); err != nil {
			return err
		}
		if err := checkAuthorReferences(ctx, tx, id, a); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `
			UPDATE authors SET name = $1, slug = $2, bio = $3, photo_id = $4, links = $5, user_id = $6
			WHERE id = $7`,
			a.Name, a.Slug, a.Bio, nullID(a.PhotoID), encodeLinks(a.Links), nullID(a.UserID), id)
		if err != nil {
			return translate(err, "author", "slug")
		}
		if err := s.indexBylined(ctx, tx, id); err != nil {
			return err
		}
		// Bylines and author pages show the change.
		tx.changed(Change{})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: update author %d: %w", id, err)
	}
	return a, nil
}

// authorBy returns the author whose column (a constant of the store's)
// equals v.
func authorBy(ctx context.Context, db querier, column string, v any) (*qalam.Author, error) {
	a, err := scanAuthor(db.QueryRowContext(ctx, `SELECT `+authorColumns+` FROM authors u WHERE `+column+` = $1`, v))
	return a, translate(err, "author", "")
}

// Author returns the author with the given ID.
func (s *Store) Author(ctx context.Context, id int64) (*qalam.Author, error) {
	a, err := authorBy(ctx, s.reader, "u.id", id)
	if err != nil {
		return nil, fmt.Errorf("store: author %d: %w", id, err)
	}
	return a, nil
}

// AuthorBySlug returns the author with the given slug.
func (s *Store) AuthorBySlug(ctx context.Context, slug string) (*qalam.Author, error) {
	a, err := authorBy(ctx, s.reader, "u.slug", slug)
	if err != nil {
		return nil, fmt.Errorf("store: author %q: %w", slug, err)
	}
	return a, nil
}

// AuthorByUser returns the author profile linked to a staff account.
func (s *Store) AuthorByUser(ctx context.Context, userID int64) (*qalam.Author, error) {
	a, err := authorBy(ctx, s.reader, "u.user_id", userID)
	if err != nil {
		return nil, fmt.Errorf("store: author of user %d: %w", userID, err)
	}
	return a, nil
}

// FindAuthors returns every author, by name.
func (s *Store) FindAuthors(ctx context.Context) ([]*qalam.Author, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT `+authorColumns+` FROM authors u ORDER BY u.name, u.id`)
	if err != nil {
		return nil, fmt.Errorf("store: find authors: %w", translate(err, "author", ""))
	}
	authors, err := collect(rows, scanAuthorRow)
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
