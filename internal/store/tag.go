package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/qalamnews/qalam"
)

// TagCount is a tag and the number of its articles.
type TagCount struct {
	qalam.Tag
	Articles int
}

func scanTag(row scanner) (*qalam.Tag, error) {
	var t qalam.Tag
	if err := row.Scan(&t.ID, &t.Slug, &t.Name); err != nil {
		return nil, err
	}
	return &t, nil
}

// TagBySlug returns the tag with the given slug.
func (s *Store) TagBySlug(ctx context.Context, slug string) (*qalam.Tag, error) {
	t, err := scanTag(s.reader.QueryRowContext(ctx, `SELECT id, slug, name FROM tags WHERE slug = $1`, slug))
	if err != nil {
		return nil, fmt.Errorf("store: tag %q: %w", slug, translate(err, "tag", ""))
	}
	return t, nil
}

// Tag returns the tag with the given ID.
func (s *Store) Tag(ctx context.Context, id int64) (*qalam.Tag, error) {
	t, err := scanTag(s.reader.QueryRowContext(ctx, `SELECT id, slug, name FROM tags WHERE id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("store: tag %d: %w", id, translate(err, "tag", ""))
	}
	return t, nil
}

// FindTags lists every tag by name with how many articles (of any status)
// carry each.
func (s *Store) FindTags(ctx context.Context) ([]TagCount, error) {
	rows, err := s.reader.QueryContext(ctx, `
		SELECT t.id, t.slug, t.name, COUNT(x.article_id)
		FROM tags t
		LEFT JOIN article_tags x ON x.tag_id = t.id
		GROUP BY t.id, t.slug, t.name
		ORDER BY t.name, t.id`)
	if err != nil {
		return nil, fmt.Errorf("store: find tags: %w", translate(err, "tag", ""))
	}
	list, err := collect(rows, func(row scanner) (TagCount, error) {
		var t TagCount
		err := row.Scan(&t.ID, &t.Slug, &t.Name, &t.Articles)
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: find tags: %w", translate(err, "tag", ""))
	}
	return list, nil
}

// validateTag checks a tag as an editor renames it: the limits of
// qalam.Article's TagNames, and a valid slug.
func validateTag(name, slug string) error {
	errs := qalam.FieldErrors{}
	if !qalam.ValidSlug(slug) {
		errs["slug"] = "Use letters and digits separated by hyphens."
	}
	if strings.TrimSpace(name) == "" || utf8.RuneCountInString(name) > 100 || !utf8.ValidString(name) ||
		strings.ContainsRune(name, 0) {
		errs["name"] = "Tags must be 1 to 100 characters."
	}
	return errs.Err()
}

// RenameTag gives the tag a new name and slug, validated; a slug in use is
// a conflict (MergeTag joins two tags).
func (s *Store) RenameTag(ctx context.Context, id int64, name, slug string) (*qalam.Tag, error) {
	if err := validateTag(name, slug); err != nil {
		return nil, err
	}
	err := s.write(ctx, func(tx *writeTx) error {
		res, err := tx.ExecContext(ctx, `UPDATE tags SET name = $1, slug = $2 WHERE id = $3`, name, slug, id)
		if err != nil {
			return translate(err, "tag", "slug")
		}
		if err := affected(res, "tag"); err != nil {
			return err
		}
		if err := s.indexTagged(ctx, tx, id); err != nil {
			return err
		}
		tx.changed(Change{})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: rename tag %d: %w", id, err)
	}
	return &qalam.Tag{ID: id, Slug: slug, Name: name}, nil
}

// MergeTag moves every article of tag from onto tag into (once each: an
// article carrying both keeps into once), then deletes from.
func (s *Store) MergeTag(ctx context.Context, from, into int64) error {
	err := s.write(ctx, func(tx *writeTx) error {
		for _, id := range []int64{from, into} {
			if ok, err := exists(ctx, tx, "tags", id); err != nil {
				return err
			} else if !ok {
				return translate(sql.ErrNoRows, "tag", "")
			}
		}
		if from == into {
			return qalam.FieldErrors{"into": "Choose another tag to merge into."}.Err()
		}
		// The WHERE clause keeps SQLite from reading ON CONFLICT as a join's ON.
		_, err := tx.ExecContext(ctx, `
			INSERT INTO article_tags (article_id, tag_id)
			SELECT article_id, CAST($1 AS BIGINT) FROM article_tags WHERE tag_id = $2
			ON CONFLICT (article_id, tag_id) DO NOTHING`, into, from)
		if err != nil {
			return translate(err, "tag", "")
		}
		if err := deleteTag(ctx, tx, from); err != nil {
			return err
		}
		return s.indexTagged(ctx, tx, into) // now also every article that had from
	})
	if err != nil {
		return fmt.Errorf("store: merge tag %d into %d: %w", from, into, err)
	}
	return nil
}

// DeleteTag removes the tag from its articles, then deletes it.
func (s *Store) DeleteTag(ctx context.Context, id int64) error {
	err := s.write(ctx, func(tx *writeTx) error {
		return s.keepTaggedIndexed(ctx, tx, id, func() error { return deleteTag(ctx, tx, id) })
	})
	if err != nil {
		return fmt.Errorf("store: delete tag %d: %w", id, err)
	}
	return nil
}

func deleteTag(ctx context.Context, tx *writeTx, id int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM article_tags WHERE tag_id = $1`, id); err != nil {
		return translate(err, "tag", "")
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM tags WHERE id = $1`, id)
	if err != nil {
		return translate(err, "tag", "")
	}
	if err := affected(res, "tag"); err != nil {
		return err
	}
	tx.changed(Change{})
	return nil
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
