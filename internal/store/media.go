package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/qalamnews/qalam"
)

// Page size of FindMedia.
const (
	defaultMediaLimit = 30
	maxMediaLimit     = 100
)

// MediaFilter pages the media library, newest first.
type MediaFilter struct {
	UserID int64 // 0: everyone's uploads
	Limit  int   // default 30, at most 100
	Offset int
}

const mediaColumns = `id, name, content_type, width, height, bytes, variants, alt, caption, credit,
	COALESCE(user_id, 0), created_at`

// mediaVariant is a variant as stored in the variants column (JSON), named
// apart from the Go type so renaming a field cannot break stored rows.
type mediaVariant struct {
	Width  int    `json:"width"`
	Height int    `json:"height"`
	Name   string `json:"name"`
}

func encodeVariants(vs []qalam.MediaVariant) (string, error) {
	out := make([]mediaVariant, len(vs))
	for i, v := range vs {
		out[i] = mediaVariant(v)
	}
	b, err := json.Marshal(out)
	return string(b), err
}

// decodeVariants reads the variants column; none is nil.
func decodeVariants(s string) ([]qalam.MediaVariant, error) {
	var in []mediaVariant
	if err := json.Unmarshal([]byte(s), &in); err != nil {
		return nil, fmt.Errorf("store: bad media variants %q: %w", s, err)
	}
	if len(in) == 0 {
		return nil, nil
	}
	out := make([]qalam.MediaVariant, len(in))
	for i, v := range in {
		out[i] = qalam.MediaVariant(v)
	}
	return out, nil
}

func scanMedia(row scanner) (*qalam.Media, error) {
	var m qalam.Media
	var variants string
	err := row.Scan(&m.ID, &m.Name, &m.ContentType, &m.Width, &m.Height, &m.Bytes, &variants,
		&m.Alt, &m.Caption, &m.Credit, &m.UserID, scanTime(&m.CreatedAt))
	if err != nil {
		return nil, err
	}
	if m.Variants, err = decodeVariants(variants); err != nil {
		return nil, err
	}
	return &m, nil
}

// CreateMedia validates and stores an uploaded image's record, setting its
// ID and CreatedAt (kept when the caller set it, as imports do). Variants
// come back as given (no variants: nil).
func (s *Store) CreateMedia(ctx context.Context, m *qalam.Media) error {
	if err := m.Validate(); err != nil {
		return err
	}
	if m.Name == "" || m.ContentType == "" {
		return qalam.FieldErrors{"file": "The image has no stored file."}.Err()
	}
	variants, err := encodeVariants(m.Variants)
	if err != nil {
		return fmt.Errorf("store: create media %q: %w", m.Name, err)
	}
	var id int64
	created := m.CreatedAt
	err = s.write(ctx, func(tx *writeTx) error {
		created = orNow(created, tx.now)
		err := tx.QueryRowContext(ctx, `
			INSERT INTO media (name, content_type, width, height, bytes, variants, alt, caption, credit,
			    user_id, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
			RETURNING id`,
			m.Name, m.ContentType, m.Width, m.Height, m.Bytes, variants, m.Alt, m.Caption, m.Credit,
			nullID(m.UserID), s.d.ts(created)).Scan(&id)
		return translate(err, "media", "name")
	})
	if err != nil {
		return fmt.Errorf("store: create media %q: %w", m.Name, err)
	}
	m.ID, m.CreatedAt = id, created
	return nil
}

func mediaByID(ctx context.Context, db querier, id int64) (*qalam.Media, error) {
	m, err := scanMedia(db.QueryRowContext(ctx, `SELECT `+mediaColumns+` FROM media WHERE id = $1`, id))
	return m, translate(err, "media", "")
}

// Media returns the media item with the given ID.
func (s *Store) Media(ctx context.Context, id int64) (*qalam.Media, error) {
	m, err := mediaByID(ctx, s.reader, id)
	if err != nil {
		return nil, fmt.Errorf("store: media %d: %w", id, err)
	}
	return m, nil
}

// FindMedia returns a page of the media library, newest first, and how
// many items match f on all pages.
func (s *Store) FindMedia(ctx context.Context, f MediaFilter) ([]*qalam.Media, int, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = defaultMediaLimit
	}
	limit = min(limit, maxMediaLimit)
	var a args
	where := ""
	if f.UserID != 0 {
		where = "WHERE user_id = " + a.add(f.UserID)
	}
	var list []*qalam.Media
	var total int
	err := s.read(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM media `+where, a...).Scan(&total); err != nil {
			return translate(err, "media", "")
		}
		page := append(args{}, a...)
		rows, err := tx.QueryContext(ctx, `SELECT `+mediaColumns+` FROM media `+where+`
			ORDER BY created_at DESC, id DESC
			LIMIT `+page.add(limit)+` OFFSET `+page.add(max(f.Offset, 0)), page...)
		if err != nil {
			return translate(err, "media", "")
		}
		list, err = collect(rows, scanMedia)
		return translate(err, "media", "")
	})
	if err != nil {
		return nil, 0, fmt.Errorf("store: find media: %w", err)
	}
	return list, total, nil
}

// UpdateMedia changes the describing fields (alt, caption, credit),
// validates the result and returns the item as stored.
func (s *Store) UpdateMedia(ctx context.Context, id int64, alt, caption, credit string) (*qalam.Media, error) {
	var m *qalam.Media
	err := s.write(ctx, func(tx *writeTx) error {
		var err error
		if m, err = mediaByID(ctx, tx, id); err != nil {
			return err
		}
		m.Alt, m.Caption, m.Credit = alt, caption, credit
		if err := m.Validate(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE media SET alt = $1, caption = $2, credit = $3 WHERE id = $4`,
			alt, caption, credit, id)
		if err != nil {
			return translate(err, "media", "")
		}
		// Captions and credits show on public pages.
		tx.changed(Change{})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: update media %d: %w", id, err)
	}
	return m, nil
}

// DeleteMedia removes the record (articles and authors pointing at it lose
// the picture); the caller removes the files.
func (s *Store) DeleteMedia(ctx context.Context, id int64) error {
	err := s.write(ctx, func(tx *writeTx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM media WHERE id = $1`, id)
		if err != nil {
			return translate(err, "media", "")
		}
		if err := affected(res, "media"); err != nil {
			return err
		}
		tx.changed(Change{})
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: delete media %d: %w", id, err)
	}
	return nil
}
