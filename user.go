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
	// TOTPSecret is the two-factor key (RFC 6238), set once enrolment is
	// confirmed; empty when two-factor sign-in is off.
	TOTPSecret string
	// Disabled accounts cannot sign in; their sessions end.
	Disabled  bool
	CreatedAt time.Time
}

// TwoFactor reports whether the user signs in with a second factor.
func (u *User) TwoFactor() bool { return u.TOTPSecret != "" }

// Roles lists every staff role, most powerful first.
var Roles = []Role{RoleAdmin, RoleEditor, RoleAuthor, RoleModerator}

// Session is a signed-in staff member's session, stored in the database so
// every node honours it and an admin can end it.
type Session struct {
	ID     int64
	UserID int64
	// TokenHash is the SHA-256 of the cookie's token; the token itself is
	// never stored.
	TokenHash []byte
	// TwoFactorDone is set once the second factor was given in this
	// session (or none was needed).
	TwoFactorDone bool
	UserAgent     string
	CreatedAt     time.Time
	LastSeenAt    time.Time
	ExpiresAt     time.Time // absolute end, whatever the activity
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
