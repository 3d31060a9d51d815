package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/qalamnews/qalam"
)

const userColumns = `id, email, name, role, password_hash, created_at`

func scanUser(row scanner) (*qalam.User, error) {
	var u qalam.User
	if err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.PasswordHash, scanTime(&u.CreatedAt)); err != nil {
		return nil, err
	}
	return &u, nil
}

// CreateUser validates and stores a staff account, setting its ID and
// CreatedAt. The email is stored lower-cased, so that no two accounts
// differ only in case and sign-in ignores case.
func (s *Store) CreateUser(ctx context.Context, u *qalam.User) error {
	if err := u.Validate(); err != nil {
		return err
	}
	email := strings.ToLower(u.Email)
	var id int64
	created := u.CreatedAt
	err := s.write(ctx, func(tx *writeTx) error {
		created = orNow(created, tx.now)
		err := tx.QueryRowContext(ctx, `
			INSERT INTO users (email, name, role, password_hash, created_at)
			VALUES ($1, $2, $3, $4, $5)
			RETURNING id`,
			email, u.Name, u.Role, u.PasswordHash, s.d.ts(created)).Scan(&id)
		return translate(err, "user", "email")
	})
	if err != nil {
		return fmt.Errorf("store: create user %q: %w", email, err)
	}
	u.ID, u.Email, u.CreatedAt = id, email, created
	return nil
}

// User returns the staff account with the given ID (a session names it).
func (s *Store) User(ctx context.Context, id int64) (*qalam.User, error) {
	u, err := scanUser(s.reader.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("store: user %d: %w", id, translate(err, "user", ""))
	}
	return u, nil
}

// UserByEmail returns the staff account with the given email, in any case.
func (s *Store) UserByEmail(ctx context.Context, email string) (*qalam.User, error) {
	u, err := scanUser(s.reader.QueryRowContext(ctx,
		`SELECT `+userColumns+` FROM users WHERE email = $1`, strings.ToLower(email)))
	if err != nil {
		return nil, fmt.Errorf("store: user by email: %w", translate(err, "user", ""))
	}
	return u, nil
}
