package auth

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"fmt"
	"hash"
	"testing"
	"time"
)

// RFC 6238 Appendix B: every test vector, 8 digits, 30-second steps.
func TestTOTP_RFC6238Vectors(t *testing.T) {
	seeds := map[string]struct {
		key []byte
		h   func() hash.Hash
	}{
		"SHA1":   {[]byte("12345678901234567890"), sha1.New},
		"SHA256": {[]byte("12345678901234567890123456789012"), sha256.New},
		"SHA512": {[]byte("1234567890123456789012345678901234567890123456789012345678901234"), sha512.New},
	}
	tests := []struct {
		unix int64
		mode string
		want string
	}{
		{59, "SHA1", "94287082"},
		{59, "SHA256", "46119246"},
		{59, "SHA512", "90693936"},
		{1111111109, "SHA1", "07081804"},
		{1111111109, "SHA256", "68084774"},
		{1111111109, "SHA512", "25091201"},
		{1111111111, "SHA1", "14050471"},
		{1111111111, "SHA256", "67062674"},
		{1111111111, "SHA512", "99943326"},
		{1234567890, "SHA1", "89005924"},
		{1234567890, "SHA256", "91819424"},
		{1234567890, "SHA512", "93441116"},
		{2000000000, "SHA1", "69279037"},
		{2000000000, "SHA256", "90698825"},
		{2000000000, "SHA512", "38618901"},
		{20000000000, "SHA1", "65353130"},
		{20000000000, "SHA256", "77737706"},
		{20000000000, "SHA512", "47863826"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s at %d gives %s", tt.mode, tt.unix, tt.want), func(t *testing.T) {
			seed := seeds[tt.mode]
			got := totp(seed.key, time.Unix(tt.unix, 0), 30*time.Second, 8, seed.h)
			if got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

// RFC 4226 Appendix D: HOTP of the 20-byte ASCII secret, counters 0 to 9.
func TestHOTP_RFC4226Vectors(t *testing.T) {
	want := []string{"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"}
	key := []byte("12345678901234567890")
	for counter, w := range want {
		t.Run(fmt.Sprintf("counter %d gives %s", counter, w), func(t *testing.T) {
			if got := hotp(key, uint64(counter), 6, sha1.New); got != w {
				t.Errorf("got %s, want %s", got, w)
			}
		})
	}
}

func TestTOTP_StepBoundaries(t *testing.T) {
	key := []byte("12345678901234567890")
	tests := []struct {
		name string
		a, b int64
		same bool
	}{
		{"same step gives the same code", 30, 59, true},
		{"next step gives another code", 59, 60, false},
		{"before the epoch is step zero", -45, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := totp(key, time.Unix(tt.a, 0), 30*time.Second, 6, sha1.New)
			b := totp(key, time.Unix(tt.b, 0), 30*time.Second, 6, sha1.New)
			if (a == b) != tt.same {
				t.Errorf("codes at %d and %d: %s and %s; want same=%v", tt.a, tt.b, a, b, tt.same)
			}
		})
	}
}

func TestNormalizeCode(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"ASCII digits are kept", "287082", "287082"},
		{"spaces and dashes are dropped", " 287 082-", "287082"},
		{"Extended Arabic-Indic (Urdu) digits become ASCII", "۲۸۷۰۸۲", "287082"},
		{"Arabic-Indic digits become ASCII", "٢٨٧٠٨٢", "287082"},
		{"letters are kept, to be refused", "28708a", "28708a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := normalizeCode(tt.in); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDummyHash_HasTheParametersOfNewHashes(t *testing.T) {
	p, _, key, err := parseHash(dummyHash())
	if err != nil {
		t.Fatalf("dummy hash does not parse: %v", err)
	}
	real, err := HashPassword("a long enough password")
	if err != nil {
		t.Fatal(err)
	}
	q, _, realKey, err := parseHash(real)
	if err != nil {
		t.Fatal(err)
	}
	if p != q || len(key) != len(realKey) {
		t.Errorf("dummy hash params %+v (key %d bytes), new hashes %+v (key %d bytes)", p, len(key), q, len(realKey))
	}
}
