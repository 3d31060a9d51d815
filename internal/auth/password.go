package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/qalamnews/qalam"
)

// Argon2id parameters for new hashes: the OWASP minimum (19 MiB, t=2, p=1).
// Existing hashes carry their own parameters, so these can be raised later
// without invalidating stored passwords.
const (
	argonMemory  = 19 * 1024 // KiB
	argonTime    = 2
	argonThreads = 1
	saltLen      = 16
	keyLen       = 32
)

// Upper bounds on parameters read from a stored hash. A hash is data, and a
// tampered row must not make one login allocate gigabytes or spin for minutes.
const (
	maxMemory  = 256 * 1024 // KiB
	maxTime    = 16
	maxThreads = 8
	minSaltLen = 8
	maxSaltLen = 64
	minKeyLen  = 16
	maxKeyLen  = 64
)

// Password length policy, in characters (ASVS 2.1.1, 2.1.2).
const (
	MinPasswordLen = 12
	MaxPasswordLen = 128
)

// maxPasswordBytes is the most bytes a valid password can take: a longer
// input cannot match any hash we made, so it is refused before hashing.
const maxPasswordBytes = MaxPasswordLen * utf8.UTFMax

// hashSlots admits two hashes at a time. Each takes 19 MiB and a core for
// tens of milliseconds, so a login flood queues here instead of exhausting
// memory. Created once and never reassigned; it is used only as a semaphore.
var hashSlots = make(chan struct{}, 2)

// b64 is strict so that a hash with altered padding bits does not parse.
var b64 = base64.RawStdEncoding.Strict()

var errMalformed = errors.New("auth: malformed password hash")

// argonParams are the parameters recorded in a PHC string.
type argonParams struct {
	memory  uint32
	time    uint32
	threads uint8
}

func idKey(password string, salt []byte, p argonParams, n uint32) []byte {
	hashSlots <- struct{}{}
	defer func() { <-hashSlots }()
	return argon2.IDKey([]byte(password), salt, p.time, p.memory, p.threads, n)
}

// HashPassword returns an argon2id hash of password in PHC string form,
// "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>", with a fresh random salt.
// It does not apply the length policy; call ValidatePassword first.
func HashPassword(password string) (string, error) {
	if len(password) > maxPasswordBytes {
		return "", qalam.Errorf(qalam.KindInvalid, "Passwords may be at most %d characters long.", MaxPasswordLen)
	}
	salt := make([]byte, saltLen)
	rand.Read(salt) // never returns an error; it crashes the program instead
	p := argonParams{memory: argonMemory, time: argonTime, threads: argonThreads}
	key := idKey(password, salt, p, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.memory, p.time, p.threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches hash, using the parameters
// recorded in hash. A wrong password is (false, nil); an error means the
// stored hash itself is unusable.
func CheckPassword(hash, password string) (bool, error) {
	p, salt, want, err := parseHash(hash)
	if err != nil {
		return false, err
	}
	if len(password) > maxPasswordBytes {
		return false, nil
	}
	got := idKey(password, salt, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// parseHash reads "$argon2id$v=19$m=M,t=T,p=P$salt$key".
func parseHash(hash string) (p argonParams, salt, key []byte, err error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, errMalformed
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || parts[2] != fmt.Sprintf("v=%d", version) {
		return p, nil, nil, errMalformed
	}
	if version != argon2.Version {
		return p, nil, nil, fmt.Errorf("auth: unsupported argon2 version %d", version)
	}
	var m, t, threads uint64
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &threads); err != nil ||
		parts[3] != fmt.Sprintf("m=%d,t=%d,p=%d", m, t, threads) {
		return p, nil, nil, errMalformed
	}
	// Argon2 needs at least 8 KiB of memory per lane.
	if t < 1 || t > maxTime || threads < 1 || threads > maxThreads || m < 8*threads || m > maxMemory {
		return p, nil, nil, fmt.Errorf("auth: argon2 parameters m=%d,t=%d,p=%d out of bounds", m, t, threads)
	}
	if salt, err = b64.DecodeString(parts[4]); err != nil || len(salt) < minSaltLen || len(salt) > maxSaltLen {
		return p, nil, nil, errMalformed
	}
	if key, err = b64.DecodeString(parts[5]); err != nil || len(key) < minKeyLen || len(key) > maxKeyLen {
		return p, nil, nil, errMalformed
	}
	return argonParams{memory: uint32(m), time: uint32(t), threads: uint8(threads)}, salt, key, nil
}

// ValidatePassword applies the password policy to a new password: valid
// UTF-8 and 12 to 128 characters, with no composition rules (ASVS 2.1.9).
// The error is a qalam invalid-input error whose message can be shown as is,
// also recorded under the form field "password".
func ValidatePassword(password string) error {
	var msg string
	n := utf8.RuneCountInString(password)
	switch {
	case !utf8.ValidString(password):
		msg = "Passwords must be valid text (UTF-8)."
	case n < MinPasswordLen:
		msg = fmt.Sprintf("Passwords must be at least %d characters long.", MinPasswordLen)
	case n > MaxPasswordLen:
		msg = fmt.Sprintf("Passwords may be at most %d characters long.", MaxPasswordLen)
	default:
		return nil
	}
	return &qalam.Error{Kind: qalam.KindInvalid, Message: msg, Fields: qalam.FieldErrors{"password": msg}}
}
