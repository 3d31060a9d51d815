package auth_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/auth"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
)

const password = "correct horse battery staple"

var errUnauthorized = &qalam.Error{Kind: qalam.KindUnauthorized}

// env is a real store and Sessions sharing one fake clock, so the store's
// timestamps (login failures, expiry) and the sessions' agree.
type env struct {
	st    *store.Store
	clock *storetest.Clock
	m     *auth.Sessions
}

func newEnv(t *testing.T, opts auth.Options) *env {
	t.Helper()
	clock := storetest.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	dsn := storetest.SQLitePath(t)
	if os.Getenv(storetest.EnvPostgresURL) != "" {
		dsn = storetest.PostgresURL(t)
	}
	st := storetest.OpenDSN(t, dsn, store.Options{Now: clock.Now})
	opts.Now = clock.Now
	return &env{st: st, clock: clock, m: auth.NewSessions(st, opts)}
}

// user stores an editor whose password is password.
func (e *env) user(t *testing.T, edit ...func(*qalam.User)) *qalam.User {
	t.Helper()
	hash, err := auth.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	return storetest.User(t, e.st, append([]func(*qalam.User){func(u *qalam.User) { u.PasswordHash = hash }}, edit...)...)
}

func (e *env) update(t *testing.T, id int64, upd store.UserUpdate) *qalam.User {
	t.Helper()
	u, err := e.st.UpdateUser(context.Background(), id, upd)
	if err != nil {
		t.Fatalf("UpdateUser: %v", err)
	}
	return u
}

// request is a GET carrying the cookie, if any.
func request(c *http.Cookie) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/admin/", nil)
	r.Header.Set("User-Agent", "test-browser/1.0")
	if c != nil {
		r.AddCookie(c)
	}
	return r
}

// login signs in from clientKey, sending old as the request's cookie, and
// returns the session cookie set (nil when none).
func (e *env) login(t *testing.T, email, pw, clientKey string, old *http.Cookie) (*qalam.User, *http.Cookie, error) {
	t.Helper()
	w := httptest.NewRecorder()
	u, err := e.m.Login(context.Background(), w, request(old), email, pw, clientKey)
	return u, sessionCookie(w, e.m.CookieName()), err
}

// mustLogin signs in and fails the test unless a cookie was set.
func (e *env) mustLogin(t *testing.T, u *qalam.User, old *http.Cookie) *http.Cookie {
	t.Helper()
	_, c, err := e.login(t, u.Email, password, "client-a", old)
	if err != nil || c == nil {
		t.Fatalf("Login = %v (cookie %v), want success", err, c)
	}
	return c
}

func (e *env) current(c *http.Cookie) (*qalam.User, *qalam.Session, error) {
	return e.m.Current(context.Background(), request(c))
}

// stored returns the stored session of cookie c.
func (e *env) stored(c *http.Cookie) (*qalam.Session, error) {
	raw, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(raw)
	return e.st.SessionByToken(context.Background(), sum[:])
}

func sessionCookie(w *httptest.ResponseRecorder, name string) *http.Cookie {
	for _, c := range w.Result().Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func TestSessions_Login(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name       string
		secure     bool
		wantCookie string
	}{
		{"signs in with a plain cookie over HTTP", false, "qalam_session"},
		{"signs in with a __Host- cookie over HTTPS", true, "__Host-qalam_session"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, auth.Options{Secure: tt.secure})
			u := e.user(t)
			got, c, err := e.login(t, strings.ToUpper(u.Email), password, "client-a", nil)
			if err != nil {
				t.Fatalf("Login: %v", err)
			}
			if got.ID != u.ID {
				t.Errorf("signed in user %d, want %d", got.ID, u.ID)
			}
			if e.m.CookieName() != tt.wantCookie || c == nil {
				t.Fatalf("cookie %q set: %v; want %q", e.m.CookieName(), c, tt.wantCookie)
			}
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure != tt.secure || c.Domain != "" {
				t.Errorf("cookie %+v: want HttpOnly, SameSite=Lax, Path=/, Secure=%v, no Domain", c, tt.secure)
			}
			raw, err := base64.RawURLEncoding.DecodeString(c.Value)
			if err != nil || len(raw) != 32 {
				t.Errorf("cookie value %q is not 256 bits of base64url (%v)", c.Value, err)
			}
			s, err := e.stored(c)
			if err != nil {
				t.Fatalf("no stored session for the cookie's hash: %v", err)
			}
			now := e.clock.Now()
			if s.UserID != u.ID || !s.TwoFactorDone || s.UserAgent != "test-browser/1.0" {
				t.Errorf("stored session %+v: want user %d, two-factor done, the user agent", s, u.ID)
			}
			if !s.ExpiresAt.Equal(now.Add(12 * time.Hour)) {
				t.Errorf("session expires at %v, want %v", s.ExpiresAt, now.Add(12*time.Hour))
			}
			if strings.Contains(string(s.TokenHash), c.Value) || string(s.TokenHash) == string(raw) {
				t.Error("the token itself is stored")
			}
			cu, cs, err := e.current(c)
			if err != nil || cu.ID != u.ID || cs.ID != s.ID {
				t.Errorf("Current = %v, %v, %v; want the user and session", cu, cs, err)
			}
		})
	}

	t.Run("wrong password, unknown email and disabled account give one message", func(t *testing.T) {
		e := newEnv(t, auth.Options{})
		u := e.user(t)
		off := e.user(t)
		yes := true
		e.update(t, off.ID, store.UserUpdate{Disabled: &yes})
		attempts := []struct{ name, email, password string }{
			{"wrong password", u.Email, "not the password at all"},
			{"unknown email", "nobody@example.com", password},
			{"disabled account", off.Email, password},
			{"empty email", "", password},
			{"malformed email", "\xff@example.com", password},
		}
		var msgs []string
		for _, a := range attempts {
			_, c, err := e.login(t, a.email, a.password, "client-a", nil)
			if !errors.Is(err, errUnauthorized) || c != nil {
				t.Errorf("%s: got %v and cookie %v, want KindUnauthorized and none", a.name, err, c)
			}
			msgs = append(msgs, qalam.MessageOf(err))
		}
		for i, m := range msgs {
			if m != "Wrong email or password." {
				t.Errorf("%s: message %q, want %q", attempts[i].name, m, "Wrong email or password.")
			}
		}
	})
}

func TestSessions_LoginThrottle(t *testing.T) {
	t.Parallel()
	t.Run("eleventh attempt on an account is refused even with the right password", func(t *testing.T) {
		e := newEnv(t, auth.Options{})
		u, other := e.user(t), e.user(t)
		for i := range 10 {
			if _, _, err := e.login(t, u.Email, fmt.Sprintf("wrong password %d", i), "client-a", nil); !errors.Is(err, errUnauthorized) {
				t.Fatalf("attempt %d: %v, want KindUnauthorized", i+1, err)
			}
		}
		_, c, err := e.login(t, u.Email, password, "client-b", nil)
		if qalam.KindOf(err) != qalam.KindTooMany || c != nil {
			t.Fatalf("11th attempt: %v, cookie %v; want KindTooMany and none", err, c)
		}
		if want := "Too many failed sign-in attempts. Try again in 15 minutes."; qalam.MessageOf(err) != want {
			t.Errorf("message %q, want %q", qalam.MessageOf(err), want)
		}
		if _, _, err := e.login(t, other.Email, password, "client-c", nil); err != nil {
			t.Errorf("another account from another client: %v, want success", err)
		}
		e.clock.Advance(15*time.Minute + time.Second)
		if _, _, err := e.login(t, u.Email, password, "client-a", nil); err != nil {
			t.Errorf("15 minutes later: %v, want success", err)
		}
	})

	t.Run("success clears the account's count", func(t *testing.T) {
		e := newEnv(t, auth.Options{})
		u := e.user(t)
		for round := range 2 {
			for i := range 9 {
				if _, _, err := e.login(t, u.Email, "wrong password", fmt.Sprintf("client-%d-%d", round, i), nil); !errors.Is(err, errUnauthorized) {
					t.Fatalf("round %d attempt %d: %v", round, i, err)
				}
			}
			if _, _, err := e.login(t, u.Email, password, "client-ok", nil); err != nil {
				t.Fatalf("round %d: %v, want success after 9 failures", round, err)
			}
		}
	})

	t.Run("thirty failures from one client refuse it on any account", func(t *testing.T) {
		e := newEnv(t, auth.Options{})
		u := e.user(t)
		for i := range 30 {
			email := fmt.Sprintf("guess%d@example.com", i)
			if _, _, err := e.login(t, email, "wrong password", "client-bad", nil); !errors.Is(err, errUnauthorized) {
				t.Fatalf("attempt %d: %v, want KindUnauthorized", i+1, err)
			}
		}
		if _, _, err := e.login(t, u.Email, password, "client-bad", nil); qalam.KindOf(err) != qalam.KindTooMany {
			t.Errorf("31st attempt from the client: %v, want KindTooMany", err)
		}
		if _, _, err := e.login(t, u.Email, password, "client-good", nil); err != nil {
			t.Errorf("the account from another client: %v, want success", err)
		}
		if _, _, err := e.login(t, u.Email, password, "client-bad", nil); qalam.KindOf(err) != qalam.KindTooMany {
			t.Errorf("a success elsewhere reset the client's count: %v, want KindTooMany", err)
		}
	})

	t.Run("refused attempts do not check the password", func(t *testing.T) {
		e := newEnv(t, auth.Options{})
		u := e.user(t)
		for range 10 {
			e.login(t, u.Email, "wrong password", "", nil)
		}
		// A broken stored hash would make a checked attempt an internal
		// error; a refused one never gets that far.
		broken := "broken"
		e.update(t, u.ID, store.UserUpdate{PasswordHash: &broken})
		if _, _, err := e.login(t, u.Email, password, "", nil); qalam.KindOf(err) != qalam.KindTooMany {
			t.Errorf("got %v, want KindTooMany", err)
		}
	})
}

func TestSessions_Current(t *testing.T) {
	t.Parallel()
	t.Run("no cookie is signed out", func(t *testing.T) {
		e := newEnv(t, auth.Options{})
		if _, _, err := e.current(nil); !errors.Is(err, errUnauthorized) {
			t.Errorf("got %v, want KindUnauthorized", err)
		}
	})

	t.Run("unknown or malformed cookie is signed out", func(t *testing.T) {
		e := newEnv(t, auth.Options{})
		for _, v := range []string{"x", strings.Repeat("A", 43), "not base64 at all, but 43 characters long!!", strings.Repeat("A", 44)} {
			if _, _, err := e.current(&http.Cookie{Name: e.m.CookieName(), Value: v}); !errors.Is(err, errUnauthorized) {
				t.Errorf("cookie %q: got %v, want KindUnauthorized", v, err)
			}
		}
	})

	t.Run("idle session ends and is deleted", func(t *testing.T) {
		e := newEnv(t, auth.Options{})
		c := e.mustLogin(t, e.user(t), nil)
		e.clock.Advance(29 * time.Minute)
		if _, _, err := e.current(c); err != nil {
			t.Fatalf("after 29 minutes: %v, want signed in", err)
		}
		e.clock.Advance(30 * time.Minute)
		if _, _, err := e.current(c); !errors.Is(err, errUnauthorized) {
			t.Errorf("after 30 idle minutes: %v, want KindUnauthorized", err)
		}
		if _, err := e.stored(c); !errors.Is(err, qalam.ErrNotFound) {
			t.Errorf("stored session after expiry: %v, want not found", err)
		}
	})

	t.Run("activity keeps a session, but not past 12 hours", func(t *testing.T) {
		e := newEnv(t, auth.Options{})
		c := e.mustLogin(t, e.user(t), nil)
		start := e.clock.Now()
		for e.clock.Now().Sub(start) < 12*time.Hour-20*time.Minute {
			e.clock.Advance(20 * time.Minute)
			if _, _, err := e.current(c); err != nil {
				t.Fatalf("active at %v: %v, want signed in", e.clock.Now().Sub(start), err)
			}
		}
		e.clock.Advance(20 * time.Minute)
		if _, _, err := e.current(c); !errors.Is(err, errUnauthorized) {
			t.Errorf("at 12 hours: %v, want KindUnauthorized", err)
		}
	})

	t.Run("shorter limits from options apply", func(t *testing.T) {
		e := newEnv(t, auth.Options{Idle: 5 * time.Minute, Absolute: time.Hour})
		c := e.mustLogin(t, e.user(t), nil)
		e.clock.Advance(5 * time.Minute)
		if _, _, err := e.current(c); !errors.Is(err, errUnauthorized) {
			t.Errorf("after 5 idle minutes: %v, want KindUnauthorized", err)
		}
		c = e.mustLogin(t, e.user(t), nil)
		s, err := e.stored(c)
		if err != nil || !s.ExpiresAt.Equal(e.clock.Now().Add(time.Hour)) {
			t.Errorf("stored session %+v, %v; want it to expire in an hour", s, err)
		}
	})

	t.Run("activity is written at most once a minute", func(t *testing.T) {
		e := newEnv(t, auth.Options{})
		c := e.mustLogin(t, e.user(t), nil)
		login := e.clock.Now()
		e.clock.Advance(50 * time.Second)
		e.current(c)
		if s, err := e.stored(c); err != nil || !s.LastSeenAt.Equal(login) {
			t.Errorf("after 50 s: last seen %v, %v; want unchanged %v", s.LastSeenAt, err, login)
		}
		e.clock.Advance(20 * time.Second)
		e.current(c)
		if s, err := e.stored(c); err != nil || !s.LastSeenAt.Equal(e.clock.Now()) {
			t.Errorf("after 70 s: last seen %v, %v; want %v", s.LastSeenAt, err, e.clock.Now())
		}
	})

	t.Run("disabled user is signed out", func(t *testing.T) {
		e := newEnv(t, auth.Options{})
		u := e.user(t)
		c := e.mustLogin(t, u, nil)
		yes := true
		e.update(t, u.ID, store.UserUpdate{Disabled: &yes})
		if _, _, err := e.current(c); !errors.Is(err, errUnauthorized) {
			t.Errorf("got %v, want KindUnauthorized", err)
		}
		if _, err := e.stored(c); !errors.Is(err, qalam.ErrNotFound) {
			t.Errorf("stored session: %v, want deleted", err)
		}
	})
}

func TestWithUser(t *testing.T) {
	ctx := context.Background()
	t.Run("signed-out context gives nil", func(t *testing.T) {
		if u, s := auth.UserFrom(ctx); u != nil || s != nil {
			t.Errorf("got %v, %v; want nil, nil", u, s)
		}
	})
	t.Run("user and session round-trip", func(t *testing.T) {
		u, s := &qalam.User{ID: 7}, &qalam.Session{ID: 9}
		gu, gs := auth.UserFrom(auth.WithUser(ctx, u, s))
		if gu != u || gs != s {
			t.Errorf("got %v, %v; want %v, %v", gu, gs, u, s)
		}
	})
}

func TestSessions_Rotation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, auth.Options{})
	u := e.user(t)
	old := e.mustLogin(t, u, nil)
	fresh := e.mustLogin(t, u, old)
	if fresh.Value == old.Value {
		t.Fatal("login reused the token")
	}
	if _, err := e.stored(old); !errors.Is(err, qalam.ErrNotFound) {
		t.Errorf("old session: %v, want deleted", err)
	}
	if _, _, err := e.current(old); !errors.Is(err, errUnauthorized) {
		t.Errorf("old cookie: %v, want KindUnauthorized", err)
	}
	if _, _, err := e.current(fresh); err != nil {
		t.Errorf("new cookie: %v, want signed in", err)
	}

	t.Run("failed login keeps the session it carried", func(t *testing.T) {
		if _, _, err := e.login(t, u.Email, "wrong password", "client-a", fresh); err == nil {
			t.Fatal("wrong password signed in")
		}
		if _, _, err := e.current(fresh); err != nil {
			t.Errorf("got %v, want still signed in", err)
		}
	})
}

func TestSessions_Logout(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, auth.Options{Secure: true})
	u := e.user(t)
	c := e.mustLogin(t, u, nil)
	other := e.mustLogin(t, u, nil)

	w := httptest.NewRecorder()
	if err := e.m.Logout(ctx, w, request(c)); err != nil {
		t.Fatalf("Logout: %v", err)
	}
	cleared := sessionCookie(w, "__Host-qalam_session")
	if cleared == nil || cleared.MaxAge >= 0 || cleared.Value != "" || !cleared.Secure || cleared.Path != "/" {
		t.Errorf("cookie %+v, want it cleared (empty, Max-Age<0, Secure, Path=/)", cleared)
	}
	if _, err := e.stored(c); !errors.Is(err, qalam.ErrNotFound) {
		t.Errorf("session after logout: %v, want deleted", err)
	}
	if _, _, err := e.current(c); !errors.Is(err, errUnauthorized) {
		t.Errorf("Current after logout: %v, want KindUnauthorized", err)
	}
	if _, _, err := e.current(other); err != nil {
		t.Errorf("the user's other session: %v, want still signed in", err)
	}

	t.Run("logout when signed out clears the cookie", func(t *testing.T) {
		w := httptest.NewRecorder()
		if err := e.m.Logout(ctx, w, request(nil)); err != nil {
			t.Errorf("got %v, want nil", err)
		}
		if sessionCookie(w, e.m.CookieName()) == nil {
			t.Error("no clearing cookie set")
		}
	})
}

func TestSessions_TwoFactor(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	secret, err := auth.NewTOTPSecret()
	if err != nil {
		t.Fatal(err)
	}
	setup := func(t *testing.T) (*env, *qalam.User, *http.Cookie) {
		e := newEnv(t, auth.Options{})
		u := e.user(t)
		u = e.update(t, u.ID, store.UserUpdate{TOTPSecret: &secret})
		got, c, err := e.login(t, u.Email, password, "client-a", nil)
		if err != nil || c == nil || !got.TwoFactor() {
			t.Fatalf("Login = %v, %v; want a session and a two-factor user", got, err)
		}
		return e, u, c
	}
	code := func(t *testing.T, at time.Time) string {
		c, err := auth.TOTPCode(secret, at)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}

	t.Run("session is pending until the right code", func(t *testing.T) {
		e, u, c := setup(t)
		s, err := e.stored(c)
		if err != nil || s.TwoFactorDone {
			t.Fatalf("stored session %+v, %v; want second factor pending", s, err)
		}
		gu, gs, err := e.current(c)
		if !errors.Is(err, auth.ErrTwoFactorPending) || !errors.Is(err, errUnauthorized) {
			t.Errorf("Current: %v, want ErrTwoFactorPending (KindUnauthorized)", err)
		}
		if gu == nil || gu.ID != u.ID || gs == nil || gs.ID != s.ID {
			t.Errorf("Current gave %v, %v; want the user and session with the pending error", gu, gs)
		}
		if err := e.m.VerifyTwoFactor(ctx, request(c), code(t, e.clock.Now())); err != nil {
			t.Fatalf("VerifyTwoFactor: %v", err)
		}
		if _, _, err := e.current(c); err != nil {
			t.Errorf("Current after the code: %v, want signed in", err)
		}
		if s, err := e.stored(c); err != nil || !s.TwoFactorDone {
			t.Errorf("stored session %+v, %v; want second factor done", s, err)
		}
	})

	t.Run("code from the previous step and in Urdu digits is accepted", func(t *testing.T) {
		e, _, c := setup(t)
		ascii := code(t, e.clock.Now().Add(-30*time.Second))
		urdu := strings.Map(func(r rune) rune { return r - '0' + '۰' }, ascii)
		if err := e.m.VerifyTwoFactor(ctx, request(c), urdu); err != nil {
			t.Errorf("VerifyTwoFactor(%q): %v", urdu, err)
		}
	})

	t.Run("wrong code is refused", func(t *testing.T) {
		e, _, c := setup(t)
		for _, bad := range []string{code(t, e.clock.Now().Add(-2*time.Minute)), "12345", "abcdef", ""} {
			err := e.m.VerifyTwoFactor(ctx, request(c), bad)
			if !errors.Is(err, qalam.ErrInvalid) {
				t.Errorf("code %q: %v, want KindInvalid", bad, err)
			}
		}
		if _, _, err := e.current(c); !errors.Is(err, auth.ErrTwoFactorPending) {
			t.Errorf("Current: %v, want still pending", err)
		}
	})

	t.Run("wrong codes are throttled per account", func(t *testing.T) {
		e, _, c := setup(t)
		for range 10 {
			e.m.VerifyTwoFactor(ctx, request(c), "000000")
		}
		err := e.m.VerifyTwoFactor(ctx, request(c), code(t, e.clock.Now()))
		if qalam.KindOf(err) != qalam.KindTooMany {
			t.Errorf("right code after 10 wrong: %v, want KindTooMany", err)
		}
	})

	t.Run("a used code cannot sign in a second session", func(t *testing.T) {
		e, u, first := setup(t)
		used := code(t, e.clock.Now())
		if err := e.m.VerifyTwoFactor(ctx, request(first), used); err != nil {
			t.Fatalf("first use: %v", err)
		}
		_, second, err := e.login(t, u.Email, password, "client-b", nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.m.VerifyTwoFactor(ctx, request(second), used); !errors.Is(err, qalam.ErrInvalid) {
			t.Errorf("replayed code: %v, want KindInvalid", err)
		}
		if _, _, err := e.current(second); !errors.Is(err, auth.ErrTwoFactorPending) {
			t.Errorf("Current after a replay: %v, want still pending", err)
		}
		e.clock.Advance(30 * time.Second)
		if err := e.m.VerifyTwoFactor(ctx, request(second), code(t, e.clock.Now())); err != nil {
			t.Errorf("the next code: %v", err)
		}
	})

	t.Run("without a session the code is refused", func(t *testing.T) {
		e, _, _ := setup(t)
		if err := e.m.VerifyTwoFactor(ctx, request(nil), code(t, e.clock.Now())); !errors.Is(err, errUnauthorized) {
			t.Errorf("got %v, want KindUnauthorized", err)
		}
	})
}

func TestSessions_ChangePassword(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const newPassword = "a brand new passphrase"

	t.Run("changes the password and ends other sessions only", func(t *testing.T) {
		e := newEnv(t, auth.Options{})
		u := e.user(t)
		mine := e.mustLogin(t, u, nil)
		other := e.mustLogin(t, u, nil)
		cu, cs, err := e.current(mine)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.m.ChangePassword(ctx, cu, cs, password, newPassword); err != nil {
			t.Fatalf("ChangePassword: %v", err)
		}
		if _, _, err := e.current(mine); err != nil {
			t.Errorf("current session: %v, want still signed in", err)
		}
		if _, _, err := e.current(other); !errors.Is(err, errUnauthorized) {
			t.Errorf("other session: %v, want ended", err)
		}
		if _, _, err := e.login(t, u.Email, password, "client-a", nil); !errors.Is(err, errUnauthorized) {
			t.Errorf("old password: %v, want refused", err)
		}
		if _, _, err := e.login(t, u.Email, newPassword, "client-a", nil); err != nil {
			t.Errorf("new password: %v, want success", err)
		}
	})

	tests := []struct {
		name      string
		old, new  string
		wantField string
	}{
		{"wrong current password is refused", "not my password", newPassword, "current_password"},
		{"short new password is refused", password, "short", "new_password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, auth.Options{})
			u := e.user(t)
			c := e.mustLogin(t, u, nil)
			cu, cs, _ := e.current(c)
			err := e.m.ChangePassword(ctx, cu, cs, tt.old, tt.new)
			qe, ok := errors.AsType[*qalam.Error](err)
			if !ok || qe.Kind != qalam.KindInvalid || qe.Fields[tt.wantField] == "" {
				t.Fatalf("got %v, want KindInvalid on field %s", err, tt.wantField)
			}
			if _, _, err := e.login(t, u.Email, password, "client-a", nil); err != nil {
				t.Errorf("old password after a refused change: %v, want it still works", err)
			}
		})
	}
}

func TestSessions_EnableDisableTwoFactor(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, auth.Options{})
	u := e.user(t)
	secret, err := auth.NewTOTPSecret()
	if err != nil {
		t.Fatal(err)
	}
	code, err := auth.TOTPCode(secret, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	stored := func() *qalam.User {
		got, err := e.st.User(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}

	t.Run("wrong code leaves it off", func(t *testing.T) {
		wrong, _ := auth.TOTPCode(secret, e.clock.Now().Add(-5*time.Minute))
		if err := e.m.EnableTwoFactor(ctx, u, secret, wrong); !errors.Is(err, qalam.ErrInvalid) {
			t.Errorf("got %v, want KindInvalid", err)
		}
		if stored().TwoFactor() {
			t.Error("two-factor sign-in is on")
		}
	})
	t.Run("malformed secret is refused", func(t *testing.T) {
		if err := e.m.EnableTwoFactor(ctx, u, "short", code); !errors.Is(err, qalam.ErrInvalid) {
			t.Errorf("got %v, want KindInvalid", err)
		}
	})
	t.Run("right code turns it on", func(t *testing.T) {
		if err := e.m.EnableTwoFactor(ctx, u, strings.ToLower(secret), code); err != nil {
			t.Fatalf("EnableTwoFactor: %v", err)
		}
		if got := stored().TOTPSecret; got != secret || u.TOTPSecret != secret {
			t.Errorf("stored secret %q (user value %q), want %q", got, u.TOTPSecret, secret)
		}
		if _, c, err := e.login(t, u.Email, password, "client-a", nil); err != nil {
			t.Fatal(err)
		} else if _, _, err := e.current(c); !errors.Is(err, auth.ErrTwoFactorPending) {
			t.Errorf("login after enabling: %v, want the second factor pending", err)
		}
	})
	t.Run("enabling again is a conflict", func(t *testing.T) {
		if err := e.m.EnableTwoFactor(ctx, u, secret, code); !errors.Is(err, qalam.ErrConflict) {
			t.Errorf("got %v, want KindConflict", err)
		}
	})
	t.Run("wrong password leaves it on", func(t *testing.T) {
		err := e.m.DisableTwoFactor(ctx, u, "not my password")
		if qe, ok := errors.AsType[*qalam.Error](err); !ok || qe.Kind != qalam.KindInvalid || qe.Fields["password"] == "" {
			t.Errorf("got %v, want KindInvalid on field password", err)
		}
		if !stored().TwoFactor() {
			t.Error("two-factor sign-in is off")
		}
	})
	t.Run("right password turns it off", func(t *testing.T) {
		if err := e.m.DisableTwoFactor(ctx, u, password); err != nil {
			t.Fatalf("DisableTwoFactor: %v", err)
		}
		if stored().TwoFactor() || u.TwoFactor() {
			t.Error("two-factor sign-in is still on")
		}
		if _, c, err := e.login(t, u.Email, password, "client-a", nil); err != nil {
			t.Fatal(err)
		} else if _, _, err := e.current(c); err != nil {
			t.Errorf("login after disabling: %v, want signed in at once", err)
		}
	})
}
