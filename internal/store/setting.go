package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Settings are site-wide key/value pairs; an unset key reads as "".

// Setting returns the value of key, or "" when it is unset.
func (s *Store) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := s.reader.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&v)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", nil
	case err != nil:
		return "", fmt.Errorf("store: setting %q: %w", key, translate(err, "setting", ""))
	}
	return v, nil
}

// SetSetting sets key to value, replacing any value it had.
func (s *Store) SetSetting(ctx context.Context, key, value string) error {
	err := s.write(ctx, func(tx *writeTx) error {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO settings (key, value) VALUES ($1, $2)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
		if err != nil {
			return translate(err, "setting", "")
		}
		// Settings (the site's name, say) show on public pages.
		tx.changed(Change{})
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: set setting %q: %w", key, err)
	}
	return nil
}
