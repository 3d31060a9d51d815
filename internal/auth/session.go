package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
)

var _ SessionStore = (*store.Store)(nil)

// SessionStore is what sessions need from the database (internal/store's
// *Store satisfies it).
type SessionStore interface {
	CreateSession(ctx context.Context, s *qalam.Session) error
	SessionByToken(ctx context.Context, tokenHash []byte) (*qalam.Session, error)
	TouchSession(ctx context.Context, id int64, at time.Time) error
	SetSessionTwoFactorDone(ctx context.Context, id int64) error
	DeleteSession(ctx context.Context, id int64) error
	DeleteUserSessions(ctx context.Context, userID, keep int64) error
	User(ctx context.Context, id int64) (*qalam.User, error)
	UserByEmail(ctx context.Context, email string) (*qalam.User, error)
	UpdateUser(ctx context.Context, id int64, u store.UserUpdate) (*qalam.User, error)
	RecordLoginFailure(ctx context.Context, key string) error
	CountLoginFailures(ctx context.Context, key string, since time.Time) (int, error)
	ClearLoginFailures(ctx context.Context, key string) error
	UseTOTPStep(ctx context.Context, userID, step int64) (bool, error)
}

// Options tune Sessions. The zero value is fit for production behind
// plain HTTP only; set Secure wherever the site is served over HTTPS.
type Options struct {
	Secure   bool          // cookies Secure, and named with the __Host- prefix
	Idle     time.Duration // default 30 min without activity ends a session
	Absolute time.Duration // default 12 h whatever the activity
	Now      func() time.Time
}

// Session lifetimes for staff (ASVS 3.3.2), and how often activity is
// written down.
const (
	defaultIdle     = 30 * time.Minute
	defaultAbsolute = 12 * time.Hour
	// touchEvery spaces the writes that record activity, so that every
	// request does not write; the idle timeout is thus honoured to within
	// a minute.
	touchEvery = time.Minute
	tokenBytes = 32 // 256 bits from crypto/rand (ASVS 3.2.2)
	maxAgent   = 512
)

// Cookie names; __Host- makes browsers refuse the cookie unless it is
// Secure, has Path=/ and no Domain, so a sibling subdomain cannot plant one.
const (
	cookieName       = "qalam_session"
	secureCookieName = "__Host-" + cookieName
)

// ErrTwoFactorPending is returned by Current, with the user and session,
// while the session still waits for the second factor: the caller shows
// the code form and nothing else. It matches errors.Is(err, ErrTwoFactorPending)
// and is of kind KindUnauthorized.
var ErrTwoFactorPending error = &qalam.Error{
	Kind:    qalam.KindUnauthorized,
	Message: "Enter the code from your authenticator app to finish signing in.",
}

// Sessions signs staff in and out with database-backed sessions: the
// browser holds a random token in a cookie, the database holds its SHA-256,
// so a leaked database does not yield usable cookies.
type Sessions struct {
	st       SessionStore
	secure   bool
	idle     time.Duration
	absolute time.Duration
	now      func() time.Time
}

// NewSessions returns Sessions over st; zero options take their defaults.
func NewSessions(st SessionStore, opts Options) *Sessions {
	m := &Sessions{st: st, secure: opts.Secure, idle: opts.Idle, absolute: opts.Absolute, now: opts.Now}
	if m.idle <= 0 {
		m.idle = defaultIdle
	}
	if m.absolute <= 0 {
		m.absolute = defaultAbsolute
	}
	if m.now == nil {
		m.now = time.Now
	}
	return m
}

// CookieName is the session cookie's name: "__Host-qalam_session" when
// Secure, else "qalam_session".
func (m *Sessions) CookieName() string {
	if m.secure {
		return secureCookieName
	}
	return cookieName
}

func signInRequired() error { return qalam.Errorf(qalam.KindUnauthorized, "Please sign in.") }

func wrongCredentials() error {
	return qalam.Errorf(qalam.KindUnauthorized, "Wrong email or password.")
}

// dummyHash has the parameters of new hashes, so checking a password
// against it when the email is unknown costs what checking a real one does.
func dummyHash() string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(make([]byte, saltLen)), b64.EncodeToString(make([]byte, keyLen)))
}

// Login checks the email and password and, on success, starts a new
// session, setting its cookie on w.
//
// Failures are throttled: once the account has failed 10 times, or the
// client (clientKey, a keyed hash of its network; "" for none) 30 times,
// within 15 minutes, attempts are refused with KindTooMany without checking
// the password. A wrong email, a wrong password and a disabled account all
// give the same KindUnauthorized message and cost the same password hash.
//
// A session the request already carried is ended (rotation). When the user
// has two-factor sign-in on, the new session waits for VerifyTwoFactor:
// the caller checks u.TwoFactor() to show the code form next.
func (m *Sessions) Login(ctx context.Context, w http.ResponseWriter, r *http.Request, email, password, clientKey string) (*qalam.User, error) {
	account := accountLimit(email)
	limits := append([]limit{account}, clientLimit(clientKey)...)
	if err := m.checkThrottle(ctx, limits); err != nil {
		return nil, err
	}

	var u *qalam.User
	if email != "" && len(email) <= qalam.MaxCommentEmail && utf8.ValidString(email) {
		var err error
		u, err = m.st.UserByEmail(ctx, strings.TrimSpace(email))
		if err != nil && !errors.Is(err, qalam.ErrNotFound) {
			return nil, fmt.Errorf("auth: sign in: %w", err)
		}
	}
	hash := dummyHash()
	if u != nil {
		hash = u.PasswordHash
	}
	ok, err := CheckPassword(hash, password)
	if err != nil {
		return nil, fmt.Errorf("auth: sign in: %w", err)
	}
	if u == nil || !ok || u.Disabled {
		if err := m.recordFailure(ctx, limits); err != nil {
			return nil, err
		}
		return nil, wrongCredentials()
	}
	if err := m.clearFailures(ctx, account); err != nil {
		return nil, err
	}

	// Rotation: whatever session came with the request ends here.
	if old, err := m.session(ctx, r); err == nil {
		if err := m.st.DeleteSession(ctx, old.ID); err != nil && !errors.Is(err, qalam.ErrNotFound) {
			return nil, fmt.Errorf("auth: end previous session: %w", err)
		}
	} else if qalam.KindOf(err) != qalam.KindUnauthorized {
		return nil, err
	}

	token, tokenHash := newToken()
	now := m.now()
	s := &qalam.Session{
		UserID:        u.ID,
		TokenHash:     tokenHash,
		TwoFactorDone: !u.TwoFactor(),
		UserAgent:     userAgent(r),
		CreatedAt:     now,
		LastSeenAt:    now,
		ExpiresAt:     now.Add(m.absolute),
	}
	if err := m.st.CreateSession(ctx, s); err != nil {
		return nil, fmt.Errorf("auth: start session for user %d: %w", u.ID, err)
	}
	http.SetCookie(w, m.cookie(token, 0))
	return u, nil
}

// Current returns the signed-in user and session of the request. It fails
// with KindUnauthorized when there is none, it expired (idle or absolute;
// it is then deleted), or the user is disabled. A session whose second
// factor is pending returns the user and session with ErrTwoFactorPending.
// Activity is recorded at most once a minute per session.
func (m *Sessions) Current(ctx context.Context, r *http.Request) (*qalam.User, *qalam.Session, error) {
	u, s, err := m.load(ctx, r)
	if err != nil {
		return nil, nil, err
	}
	if !s.TwoFactorDone {
		return u, s, ErrTwoFactorPending
	}
	return u, s, nil
}

// load is Current without the two-factor check.
func (m *Sessions) load(ctx context.Context, r *http.Request) (*qalam.User, *qalam.Session, error) {
	s, err := m.session(ctx, r)
	if err != nil {
		return nil, nil, err
	}
	now := m.now()
	if !now.Before(s.ExpiresAt) || now.Sub(s.CreatedAt) >= m.absolute || now.Sub(s.LastSeenAt) >= m.idle {
		return nil, nil, m.end(ctx, s)
	}
	u, err := m.st.User(ctx, s.UserID)
	if errors.Is(err, qalam.ErrNotFound) {
		return nil, nil, m.end(ctx, s)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("auth: user of session %d: %w", s.ID, err)
	}
	if u.Disabled {
		return nil, nil, m.end(ctx, s)
	}
	if now.Sub(s.LastSeenAt) >= touchEvery {
		err := m.st.TouchSession(ctx, s.ID, now)
		if errors.Is(err, qalam.ErrNotFound) { // ended meanwhile (signed out in another tab)
			return nil, nil, signInRequired()
		}
		if err != nil {
			return nil, nil, fmt.Errorf("auth: touch session %d: %w", s.ID, err)
		}
		s.LastSeenAt = now
	}
	return u, s, nil
}

// session returns the stored session named by the request's cookie, or
// KindUnauthorized when there is none.
func (m *Sessions) session(ctx context.Context, r *http.Request) (*qalam.Session, error) {
	c, err := r.Cookie(m.CookieName())
	if err != nil {
		return nil, signInRequired()
	}
	hash, ok := hashToken(c.Value)
	if !ok {
		return nil, signInRequired()
	}
	s, err := m.st.SessionByToken(ctx, hash)
	if errors.Is(err, qalam.ErrNotFound) {
		return nil, signInRequired()
	}
	if err != nil {
		return nil, fmt.Errorf("auth: session: %w", err)
	}
	return s, nil
}

// end deletes a session that may no longer be used and returns the error
// that says so.
func (m *Sessions) end(ctx context.Context, s *qalam.Session) error {
	if err := m.st.DeleteSession(ctx, s.ID); err != nil && !errors.Is(err, qalam.ErrNotFound) {
		return fmt.Errorf("auth: end session %d: %w", s.ID, err)
	}
	return signInRequired()
}

// VerifyTwoFactor checks a TOTP code for the request's pending session and
// marks the second factor given. Wrong codes count against the account
// like wrong passwords, and the same limit refuses further tries. A session
// that needs no second factor passes as it is.
func (m *Sessions) VerifyTwoFactor(ctx context.Context, r *http.Request, code string) error {
	u, s, err := m.load(ctx, r)
	if err != nil {
		return err
	}
	if s.TwoFactorDone {
		return nil
	}
	if !u.TwoFactor() {
		// Two-factor sign-in was turned off after this session began:
		// the session cannot finish, so the user signs in afresh.
		return m.end(ctx, s)
	}
	account := accountLimit(u.Email)
	if err := m.checkThrottle(ctx, []limit{account}); err != nil {
		return err
	}
	step, ok := matchTOTP(u.TOTPSecret, normalizeCode(code), m.now())
	if !ok {
		if err := m.recordFailure(ctx, []limit{account}); err != nil {
			return err
		}
		return fieldError("code", "That code is not right. Enter the code your authenticator app shows now.")
	}
	fresh, err := m.st.UseTOTPStep(ctx, u.ID, step)
	if err != nil {
		return fmt.Errorf("auth: two-factor sign-in of user %d: %w", u.ID, err)
	}
	if !fresh {
		if err := m.recordFailure(ctx, []limit{account}); err != nil {
			return err
		}
		return fieldError("code", "That code was used already. Wait for your authenticator app to show the next one.")
	}
	if err := m.clearFailures(ctx, account); err != nil {
		return err
	}
	err = m.st.SetSessionTwoFactorDone(ctx, s.ID)
	if errors.Is(err, qalam.ErrNotFound) { // ended meanwhile
		return signInRequired()
	}
	if err != nil {
		return fmt.Errorf("auth: finish two-factor sign-in of session %d: %w", s.ID, err)
	}
	s.TwoFactorDone = true
	return nil
}

// Logout deletes the request's session, if any, and clears the cookie.
func (m *Sessions) Logout(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
	http.SetCookie(w, m.cookie("", -1))
	s, err := m.session(ctx, r)
	if qalam.KindOf(err) == qalam.KindUnauthorized {
		return nil
	}
	if err != nil {
		return err
	}
	if err := m.st.DeleteSession(ctx, s.ID); err != nil && !errors.Is(err, qalam.ErrNotFound) {
		return fmt.Errorf("auth: sign out session %d: %w", s.ID, err)
	}
	return nil
}

// ChangePassword checks the current password (throttled like sign-in),
// validates and hashes the new one, stores it and ends every other session
// of the user, keeping current (nil: ending all). Field errors name
// "current_password" and "new_password". It updates u.PasswordHash.
func (m *Sessions) ChangePassword(ctx context.Context, u *qalam.User, current *qalam.Session, oldPassword, newPassword string) error {
	fresh, account, err := m.confirmPassword(ctx, u, oldPassword, "current_password")
	if err != nil {
		return err
	}
	if err := ValidatePassword(newPassword); err != nil {
		return fieldError("new_password", qalam.MessageOf(err))
	}
	hash, err := HashPassword(newPassword)
	if err != nil {
		return err
	}
	if _, err := m.st.UpdateUser(ctx, fresh.ID, store.UserUpdate{PasswordHash: &hash}); err != nil {
		return fmt.Errorf("auth: change password of user %d: %w", fresh.ID, err)
	}
	var keep int64
	if current != nil && current.UserID == fresh.ID {
		keep = current.ID
	}
	if err := m.st.DeleteUserSessions(ctx, fresh.ID, keep); err != nil {
		return fmt.Errorf("auth: end other sessions of user %d: %w", fresh.ID, err)
	}
	u.PasswordHash = hash
	return m.clearFailures(ctx, account)
}

// EnableTwoFactor turns two-factor sign-in on with secret (from
// NewTOTPSecret) once code shows the user's app holds it. It fails with
// KindConflict when two-factor sign-in is on already; a wrong code is a
// field error on "code". It updates u.TOTPSecret.
func (m *Sessions) EnableTwoFactor(ctx context.Context, u *qalam.User, secret, code string) error {
	if u == nil {
		return signInRequired()
	}
	key, err := decodeSecret(secret)
	if err != nil {
		return qalam.Errorf(qalam.KindInvalid, "The two-factor key is not valid. Start the set-up again.")
	}
	secret = b32.EncodeToString(key)
	fresh, err := m.st.User(ctx, u.ID)
	if err != nil {
		return fmt.Errorf("auth: enable two-factor sign-in of user %d: %w", u.ID, err)
	}
	if fresh.TwoFactor() {
		return qalam.Errorf(qalam.KindConflict, "Two-factor sign-in is on already.")
	}
	step, ok := matchTOTP(secret, normalizeCode(code), m.now())
	if !ok {
		return fieldError("code", "That code does not match. Enter the code your authenticator app shows now.")
	}
	if _, err := m.st.UpdateUser(ctx, u.ID, store.UserUpdate{TOTPSecret: &secret}); err != nil {
		return fmt.Errorf("auth: enable two-factor sign-in of user %d: %w", u.ID, err)
	}
	// The code that proved the app holds the key cannot also sign in.
	if _, err := m.st.UseTOTPStep(ctx, u.ID, step); err != nil {
		return fmt.Errorf("auth: enable two-factor sign-in of user %d: %w", u.ID, err)
	}
	u.TOTPSecret = secret
	return nil
}

// DisableTwoFactor turns two-factor sign-in off after checking the
// password (throttled like sign-in; a wrong one is a field error on
// "password"). It updates u.TOTPSecret.
func (m *Sessions) DisableTwoFactor(ctx context.Context, u *qalam.User, password string) error {
	fresh, account, err := m.confirmPassword(ctx, u, password, "password")
	if err != nil {
		return err
	}
	if fresh.TwoFactor() {
		none := ""
		if _, err := m.st.UpdateUser(ctx, fresh.ID, store.UserUpdate{TOTPSecret: &none}); err != nil {
			return fmt.Errorf("auth: disable two-factor sign-in of user %d: %w", fresh.ID, err)
		}
	}
	u.TOTPSecret = ""
	return m.clearFailures(ctx, account)
}

// confirmPassword checks a signed-in user's password again before a
// change to the account, throttled per account, and returns the user as
// stored now.
func (m *Sessions) confirmPassword(ctx context.Context, u *qalam.User, password, field string) (*qalam.User, limit, error) {
	if u == nil {
		return nil, limit{}, signInRequired()
	}
	account := accountLimit(u.Email)
	if err := m.checkThrottle(ctx, []limit{account}); err != nil {
		return nil, account, err
	}
	fresh, err := m.st.User(ctx, u.ID)
	if errors.Is(err, qalam.ErrNotFound) {
		return nil, account, signInRequired()
	}
	if err != nil {
		return nil, account, fmt.Errorf("auth: user %d: %w", u.ID, err)
	}
	if fresh.Disabled {
		return nil, account, signInRequired()
	}
	ok, err := CheckPassword(fresh.PasswordHash, password)
	if err != nil {
		return nil, account, fmt.Errorf("auth: user %d: %w", u.ID, err)
	}
	if !ok {
		if err := m.recordFailure(ctx, []limit{account}); err != nil {
			return nil, account, err
		}
		return nil, account, fieldError(field, "That is not your current password.")
	}
	return fresh, account, nil
}

// normalizeCode turns a code as typed into the ASCII digits VerifyTOTP
// takes: apps show "123 456", and Urdu and Arabic keyboards type
// Extended Arabic-Indic (۱۲۳) or Arabic-Indic (١٢٣) digits.
func normalizeCode(code string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '\t' || r == '-':
			return -1
		case '\u0660' <= r && r <= '\u0669':
			return '0' + r - '\u0660'
		case '\u06f0' <= r && r <= '\u06f9':
			return '0' + r - '\u06f0'
		}
		return r
	}, code)
}

func fieldError(field, msg string) error {
	return &qalam.Error{Kind: qalam.KindInvalid, Message: msg, Fields: qalam.FieldErrors{field: msg}}
}

// cookie is the session cookie carrying value; maxAge -1 deletes it, 0
// makes it last as long as the browser session (the server enforces the
// idle and absolute limits whatever the browser keeps).
func (m *Sessions) cookie(value string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name:     m.CookieName(),
		Value:    value,
		Path:     "/",
		MaxAge:   maxAge,
		Secure:   m.secure,
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
	}
}

// newToken returns a fresh session token for the cookie and the SHA-256
// that is stored.
func newToken() (token string, hash []byte) {
	raw := make([]byte, tokenBytes)
	rand.Read(raw) // never returns an error; it crashes the program instead
	sum := sha256.Sum256(raw)
	return base64.RawURLEncoding.EncodeToString(raw), sum[:]
}

// hashToken returns the stored form of a cookie's token, or false when the
// value cannot be a token of ours.
func hashToken(value string) ([]byte, bool) {
	if len(value) != base64.RawURLEncoding.EncodedLen(tokenBytes) {
		return nil, false
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(value)
	if err != nil || len(raw) != tokenBytes {
		return nil, false
	}
	sum := sha256.Sum256(raw)
	return sum[:], true
}

// userAgent is the request's User-Agent, cut to a sane length, for the
// list of sessions a user sees.
func userAgent(r *http.Request) string {
	ua := strings.ToValidUTF8(r.UserAgent(), "")
	if len(ua) <= maxAgent {
		return ua
	}
	ua = ua[:maxAgent]
	for !utf8.ValidString(ua) {
		ua = ua[:len(ua)-1]
	}
	return ua
}
