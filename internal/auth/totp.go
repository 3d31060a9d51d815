package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"hash"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Two-factor sign-in uses TOTP (RFC 6238) with the parameters every
// authenticator app supports: SHA-1, six digits, a 30-second step.
const (
	totpStep    = 30 * time.Second
	totpDigits  = 6
	totpSkew    = 1  // steps accepted either side of the current one
	secretBytes = 20 // the RFC 4226 recommended key length (160 bits)
	// minSecretBytes is the shortest key accepted from a stored or
	// submitted secret: RFC 4226 requires at least 128 bits.
	minSecretBytes = 16
	maxSecretBytes = 64
)

// b32 is base32 without padding, as authenticator apps expect secrets.
var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

var errBadSecret = errors.New("auth: malformed two-factor secret")

// NewTOTPSecret returns a new random two-factor key: 20 bytes in base32
// without padding (32 characters), for TOTPURI and TOTPCode.
func NewTOTPSecret() (string, error) {
	key := make([]byte, secretBytes)
	rand.Read(key) // never returns an error; it crashes the program instead
	return b32.EncodeToString(key), nil
}

// decodeSecret reads a base32 secret, forgiving what people do when they
// type one: lower case, spaces, dashes and trailing padding.
func decodeSecret(secret string) ([]byte, error) {
	s := strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '-':
			return -1
		case 'a' <= r && r <= 'z':
			return r - 'a' + 'A'
		}
		return r
	}, secret)
	s = strings.TrimRight(s, "=")
	key, err := b32.DecodeString(s)
	if err != nil || len(key) < minSecretBytes || len(key) > maxSecretBytes {
		return nil, errBadSecret
	}
	return key, nil
}

// TOTPCode returns the six-digit code of secret at time t.
func TOTPCode(secret string, t time.Time) (string, error) {
	key, err := decodeSecret(secret)
	if err != nil {
		return "", err
	}
	return totp(key, t, totpStep, totpDigits, sha1.New), nil
}

// VerifyTOTP reports whether code is secret's code at t, or at the step
// before or after it (clocks drift, and people type slowly). The code must
// be exactly six ASCII digits; the comparison takes the same time whichever
// step matches, or none.
func VerifyTOTP(secret, code string, t time.Time) bool {
	_, ok := matchTOTP(secret, code, t)
	return ok
}

// matchTOTP is VerifyTOTP that also says which time step the code was for,
// so a used code can be refused the second time.
func matchTOTP(secret, code string, t time.Time) (step int64, ok bool) {
	if len(code) != totpDigits {
		return 0, false
	}
	for i := 0; i < len(code); i++ {
		if code[i] < '0' || code[i] > '9' {
			return 0, false
		}
	}
	key, err := decodeSecret(secret)
	if err != nil {
		return 0, false
	}
	// Every candidate is compared, matching or not, so the time taken
	// does not say which step matched.
	for d := -totpSkew; d <= totpSkew; d++ {
		at := t.Add(time.Duration(d) * totpStep)
		want := totp(key, at, totpStep, totpDigits, sha1.New)
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			step, ok = at.Unix()/int64(totpStep/time.Second), true
		}
	}
	return step, ok
}

// TOTPURI returns the otpauth:// URI that authenticator apps read (as a
// QR code, or pasted), in the Key URI Format: the label "Issuer:account"
// and the parameters, each part percent-encoded.
func TOTPURI(issuer, account, secret string) string {
	label := escape(account)
	if issuer != "" {
		label = escape(issuer) + ":" + label
	}
	var q strings.Builder
	q.WriteString("secret=" + escape(secret))
	if issuer != "" {
		q.WriteString("&issuer=" + escape(issuer))
	}
	q.WriteString("&algorithm=SHA1&digits=" + strconv.Itoa(totpDigits) +
		"&period=" + strconv.Itoa(int(totpStep/time.Second)))
	return "otpauth://totp/" + label + "?" + q.String()
}

// escape percent-encodes s for any part of a URI, spaces as %20 (some
// apps show a "+" as it is).
func escape(s string) string {
	// QueryEscape encodes a literal "+" as %2B, so every "+" left is a space.
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// totp is RFC 6238: HOTP over the number of whole steps since the Unix
// epoch at t (zero before the epoch).
func totp(key []byte, t time.Time, step time.Duration, digits int, h func() hash.Hash) string {
	var counter uint64
	if secs, n := t.Unix(), int64(step/time.Second); secs > 0 && n > 0 {
		counter = uint64(secs / n)
	}
	return hotp(key, counter, digits, h)
}

// hotp is RFC 4226: the HMAC of the big-endian counter, dynamically
// truncated to 31 bits, as digits decimal digits with leading zeros.
func hotp(key []byte, counter uint64, digits int, h func() hash.Hash) string {
	m := hmac.New(h, key)
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := uint64(binary.BigEndian.Uint32(sum[off:]) & 0x7fffffff)
	mod := uint64(1)
	for range digits {
		mod *= 10
	}
	s := strconv.FormatUint(bin%mod, 10)
	return strings.Repeat("0", digits-len(s)) + s
}
