package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"
	"encoding/hex"
	"net/http"
	"strings"
	"time"

	"github.com/qalamnews/qalam"
)

// Anti-automation for the comment form (SECURITY.md 2.8): a honeypot field,
// the time the form was issued, rate limits shared by every node, and
// duplicate detection. Each is one layer; none has to stop everything.

// honeypotField is the form field people never see and bots fill in.
const honeypotField = "website2"

// Limits on a form key's time: a form posted within seconds of being shown
// was not written by a person, and a form kept open for more than a day is
// posted again.
const (
	minFormAge  = 3 * time.Second
	maxFormAge  = 24 * time.Hour
	maxFormSkew = time.Minute // clocks of different nodes may differ a little
	// A key dated further than this either way is not a dated key at all
	// (a page from before keys carried their time): it is held, not refused.
	undatedAfter = 365 * 24 * time.Hour
)

// Comment rate limits, per address (hashed) and per email (hashed).
const (
	addrPerMinute  = 5
	addrPerHour    = 30
	emailPerMinute = 5
)

// duplicateWindow is how long the same text from the same person on the
// same article is refused as a duplicate.
const duplicateWindow = 24 * time.Hour

// formKeyBytes is a form key's length before encoding: 6 bytes of Unix
// seconds and 10 random bytes, 26 characters in base32.
const formKeyBytes = 16

// wallClock is the time keys are issued at. It is the real clock, not the
// site's: newFormKey is called where no Site is at hand. Tests that move the
// site's clock make their keys with formKeyAt.
func wallClock() time.Time { return time.Now() }

// formKeyAt is a one-time form key issued at t: its first 48 bits are t in
// Unix seconds, the other 80 random. The time is not signed: a bot that
// forges it defeats only the timing check, which is one layer of several
// (the rate limits and the moderation queue do not depend on it).
func formKeyAt(t time.Time) string {
	var b [formKeyBytes]byte
	var sec [8]byte
	binary.BigEndian.PutUint64(sec[:], uint64(t.Unix()))
	copy(b[:6], sec[2:])
	rand.Read(b[6:]) // never fails (crypto/rand panics rather than return short)
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:])
}

// formKeyTime is the time a form key was issued at, if it carries one.
func formKeyTime(key string) (time.Time, bool) {
	if len(key) != 26 {
		return time.Time{}, false
	}
	b, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(key)
	if err != nil || len(b) != formKeyBytes {
		return time.Time{}, false
	}
	var sec [8]byte
	copy(sec[2:], b[:6])
	return time.Unix(int64(binary.BigEndian.Uint64(sec[:])), 0), true
}

// formTiming is what a form key's time says about the submission.
type formTiming int

const (
	formTimely   formTiming = iota
	formExpired             // issued too long ago, or in the future
	formUndated             // a key without a time: an old page, or hand-made
	formTooQuick            // posted within seconds of being shown
)

func checkFormTime(key string, now time.Time) formTiming {
	issued, ok := formKeyTime(key)
	if !ok {
		return formUndated
	}
	age := now.Sub(issued)
	switch {
	case age > undatedAfter || age < -undatedAfter:
		return formUndated
	case age < -maxFormSkew || age > maxFormAge:
		return formExpired
	case age >= 0 && age < minFormAge:
		// A key from a node whose clock runs ahead (age below zero) is
		// given the benefit of the doubt.
		return formTooQuick
	}
	return formTimely
}

// keyedHash is a keyed hash of an identifying value (an email), so that
// the rate-limit table holds no raw address of anyone's.
func (s *Site) keyedHash(kind, value string) string {
	m := hmac.New(sha256.New, s.keys.rateLimit)
	m.Write([]byte(kind + ":" + value))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// tooFast is the refusal a reader who posts too often gets: a 429 page.
func tooFast() error {
	return qalam.Errorf(qalam.KindTooMany, "You are posting too fast. Please wait a minute and try again.")
}

// checkCommentRate counts a comment post against the limits of its
// address and of its email, and refuses it at the first limit it is over
// (so a flood costs one write per refused post).
func (s *Site) checkCommentRate(ctx context.Context, r *http.Request, email string) error {
	addr := s.ClientKey(r)
	limits := []struct {
		scope  string
		key    string
		window time.Duration
		limit  int
	}{
		{"comment-addr", addr, time.Minute, addrPerMinute},
		{"comment-addr", addr, time.Hour, addrPerHour},
		{"comment-email", s.keyedHash("email", strings.ToLower(strings.TrimSpace(email))), time.Minute, emailPerMinute},
	}
	for _, l := range limits {
		ok, _, err := s.store.Hit(ctx, l.scope, l.key, l.window, l.limit)
		if err != nil {
			return err
		}
		if !ok {
			return tooFast()
		}
	}
	return nil
}

// sameText reports whether two comment bodies say the same thing: equal
// once trimmed, ignoring case.
func sameText(a, b string) bool {
	return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
}
