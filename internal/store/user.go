package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/qalamnews/qalam"
)

const userColumns = `id, email, name, role, password_hash, totp_secret, disabled, created_at`

func scanUser(row scanner) (*qalam.User, error) {
	var u qalam.User
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.PasswordHash, &u.TOTPSecret, &u.Disabled,
		scanTime(&u.CreatedAt))
	if err != nil {
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
			INSERT INTO users (email, name, role, password_hash, totp_secret, disabled, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			RETURNING id`,
			email, u.Name, u.Role, u.PasswordHash, u.TOTPSecret, u.Disabled, s.d.ts(created)).Scan(&id)
		return translate(err, "user", "email")
	})
	if err != nil {
		return fmt.Errorf("store: create user %q: %w", email, err)
	}
	u.ID, u.Email, u.CreatedAt = id, email, created
	return nil
}

func userByID(ctx context.Context, db querier, id int64) (*qalam.User, error) {
	u, err := scanUser(db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	return u, translate(err, "user", "")
}

// User returns the staff account with the given ID (a session names it).
func (s *Store) User(ctx context.Context, id int64) (*qalam.User, error) {
	u, err := userByID(ctx, s.reader, id)
	if err != nil {
		return nil, fmt.Errorf("store: user %d: %w", id, err)
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

// UserUpdate holds a staff account's fields to change; nil fields stay as
// they are. An empty TOTPSecret turns two-factor sign-in off.
type UserUpdate struct {
	Name, Email, PasswordHash, TOTPSecret *string
	Role                                  *qalam.Role
	Disabled                              *bool
}

// UpdateUser changes the fields set in u, validates the result and returns
// the account as stored. The email is stored lower-cased; one in use by
// another account, in any case, is a conflict. Disabling an account ends
// its sessions, in the same transaction.
func (s *Store) UpdateUser(ctx context.Context, id int64, u UserUpdate) (*qalam.User, error) {
	var user *qalam.User
	err := s.write(ctx, func(tx *writeTx) error {
		var err error
		if user, err = userByID(ctx, tx, id); err != nil {
			return err
		}
		set(&user.Name, u.Name)
		set(&user.Email, u.Email)
		set(&user.PasswordHash, u.PasswordHash)
		set(&user.TOTPSecret, u.TOTPSecret)
		set(&user.Role, u.Role)
		set(&user.Disabled, u.Disabled)
		if err := user.Validate(); err != nil {
			return err
		}
		user.Email = strings.ToLower(user.Email)
		_, err = tx.ExecContext(ctx, `
			UPDATE users SET name = $1, email = $2, password_hash = $3, totp_secret = $4, role = $5, disabled = $6
			WHERE id = $7`,
			user.Name, user.Email, user.PasswordHash, user.TOTPSecret, user.Role, user.Disabled, id)
		if err != nil {
			return translate(err, "user", "email")
		}
		if user.Disabled {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, id); err != nil {
				return translate(err, "session", "")
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: update user %d: %w", id, err)
	}
	return user, nil
}

// FindUsers returns every staff account, by name.
func (s *Store) FindUsers(ctx context.Context) ([]*qalam.User, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("store: find users: %w", translate(err, "user", ""))
	}
	list, err := collect(rows, scanUser)
	if err != nil {
		return nil, fmt.Errorf("store: find users: %w", translate(err, "user", ""))
	}
	return list, nil
}

// UseTOTPStep records that the user signed in with the two-factor code of
// time step step, and reports false when that step (or a later one) was
// used already: a code seen over someone's shoulder cannot be replayed.
// One statement, so two nodes racing with the same code cannot both win.
func (s *Store) UseTOTPStep(ctx context.Context, userID, step int64) (bool, error) {
	var used bool
	err := s.write(ctx, func(tx *writeTx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1`, step, userID)
		if err != nil {
			return translate(err, "user", "")
		}
		n, err := res.RowsAffected()
		used = n == 1
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: use two-factor step of user %d: %w", userID, err)
	}
	return used, nil
}
