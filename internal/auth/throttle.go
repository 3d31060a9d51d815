package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qalamnews/qalam"
)

// Login throttling (ASVS 2.2.1). Failed sign-ins, wrong two-factor codes
// and wrong current passwords are counted in the database, so every node
// sees the same counts, per account and per client. Once a key has reached
// its limit within the window, attempts are refused before any password is
// checked, so guessing stops even when the guess would be right.
const (
	throttleWindow     = 15 * time.Minute
	maxAccountFailures = 10
	maxClientFailures  = 30
	// maxKeyPart bounds what goes into a key verbatim; anything longer
	// (or not valid UTF-8) is hashed, so junk input cannot bloat the table.
	maxKeyPart = qalam.MaxCommentEmail
)

// limit is a throttle key and the failures it may have in the window.
type limit struct {
	key string
	max int
}

// accountLimit counts failures against an account by its email, whether
// or not the account exists, so the throttle does not tell them apart.
func accountLimit(email string) limit {
	return limit{key: "account:" + keyPart(strings.ToLower(strings.TrimSpace(email))), max: maxAccountFailures}
}

// clientLimit counts failures from one client, keyed by what the caller
// gives (a keyed hash of the peer's network); none without a key.
func clientLimit(clientKey string) []limit {
	if clientKey == "" {
		return nil
	}
	return []limit{{key: "addr:" + keyPart(clientKey), max: maxClientFailures}}
}

func keyPart(s string) string {
	if len(s) <= maxKeyPart && utf8.ValidString(s) {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// tooMany is the error once a limit is reached.
func tooMany() error {
	return qalam.Errorf(qalam.KindTooMany, "Too many failed sign-in attempts. Try again in 15 minutes.")
}

// checkThrottle refuses with KindTooMany when any limit is reached.
func (m *Sessions) checkThrottle(ctx context.Context, limits []limit) error {
	since := m.now().Add(-throttleWindow)
	for _, l := range limits {
		n, err := m.st.CountLoginFailures(ctx, l.key, since)
		if err != nil {
			return fmt.Errorf("auth: count login failures: %w", err)
		}
		if n >= l.max {
			return tooMany()
		}
	}
	return nil
}

// recordFailure counts one failure against every limit.
func (m *Sessions) recordFailure(ctx context.Context, limits []limit) error {
	for _, l := range limits {
		if err := m.st.RecordLoginFailure(ctx, l.key); err != nil {
			return fmt.Errorf("auth: record login failure: %w", err)
		}
	}
	return nil
}

// clearFailures forgets an account's failures after it proved itself.
// A client's count is never cleared: signing in to an account of one's
// own would otherwise reset the count of guesses against other accounts.
func (m *Sessions) clearFailures(ctx context.Context, account limit) error {
	if err := m.st.ClearLoginFailures(ctx, account.key); err != nil {
		return fmt.Errorf("auth: clear login failures: %w", err)
	}
	return nil
}
