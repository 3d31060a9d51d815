package qalam

import "time"

// Role is a staff member's role; it decides what they may do.
type Role string

// Staff roles.
const (
	RoleAdmin     Role = "admin"
	RoleEditor    Role = "editor"
	RoleAuthor    Role = "author"
	RoleModerator Role = "moderator"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	return r == RoleAdmin || r == RoleEditor || r == RoleAuthor || r == RoleModerator
}

// User is a staff account.
type User struct {
	ID           int64
	Email        string
	Name         string
	Role         Role
	PasswordHash string // argon2id, in PHC string format
	CreatedAt    time.Time
}

// Validate checks a user's fields (not the password, which is hashed
// before it reaches the user).
func (u *User) Validate() error {
	errs := FieldErrors{}
	checkText(errs, "email", u.Email, true, MaxCommentEmail)
	if _, ok := errs["email"]; !ok && !ValidEmail(u.Email) {
		errs["email"] = "Enter an email address such as name@example.com."
	}
	checkText(errs, "name", u.Name, true, 200)
	if !u.Role.Valid() {
		errs["role"] = "Choose admin, editor, author or moderator."
	}
	if u.PasswordHash == "" {
		errs["password"] = "Required."
	}
	return errs.Err()
}
