package auth

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/qalamnews/qalam"
)

func TestHashPassword_RoundTrip(t *testing.T) {
	tests := []struct {
		name     string
		password string
		attempt  string
		want     bool
	}{
		{"right password matches", "correct horse battery", "correct horse battery", true},
		{"Urdu password matches", "میرا پاس ورڈ بہت لمبا ہے", "میرا پاس ورڈ بہت لمبا ہے", true},
		{"wrong password does not match", "correct horse battery", "correct horse batterY", false},
		{"empty attempt does not match", "correct horse battery", "", false},
		{"over-long attempt does not match", "correct horse battery", strings.Repeat("x", 10000), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hash, err := HashPassword(tt.password)
			if err != nil {
				t.Fatalf("HashPassword: %v", err)
			}
			if !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
				t.Errorf("hash %q lacks the expected PHC prefix", hash)
			}
			got, err := CheckPassword(hash, tt.attempt)
			if err != nil {
				t.Fatalf("CheckPassword: %v", err)
			}
			if got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestHashPassword_FreshSaltEachTime(t *testing.T) {
	a, err := HashPassword("the same password")
	if err != nil {
		t.Fatal(err)
	}
	b, err := HashPassword("the same password")
	if err != nil {
		t.Fatal(err)
	}
	saltA, saltB := strings.Split(a, "$")[4], strings.Split(b, "$")[4]
	if saltA == saltB || a == b {
		t.Errorf("two hashes share salt %q; want a fresh salt each time", saltA)
	}
}

func TestCheckPassword_ParamsFromString(t *testing.T) {
	// Hashes with other parameters (an older or a future policy) must still
	// verify: the parameters come from the string, not from our constants.
	salt := []byte("0123456789abcdef")
	tests := []struct {
		name string
		p    argonParams
		n    uint32
	}{
		{"lighter parameters verify", argonParams{memory: 8 * 1024, time: 1, threads: 1}, 32},
		{"heavier parameters verify", argonParams{memory: 32 * 1024, time: 3, threads: 2}, 32},
		{"longer key verifies", argonParams{memory: 19 * 1024, time: 2, threads: 1}, 64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := idKey("a long enough password", salt, tt.p, tt.n)
			hash := fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s",
				tt.p.memory, tt.p.time, tt.p.threads, b64.EncodeToString(salt), b64.EncodeToString(key))
			p, _, _, err := parseHash(hash)
			if err != nil {
				t.Fatalf("parseHash: %v", err)
			}
			if p != tt.p {
				t.Errorf("parsed %+v, want %+v", p, tt.p)
			}
			ok, err := CheckPassword(hash, "a long enough password")
			if err != nil || !ok {
				t.Errorf("CheckPassword = %v, %v; want true, nil", ok, err)
			}
		})
	}
}

func TestCheckPassword_TamperedHash(t *testing.T) {
	good, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good, "$") // "", argon2id, v=19, m=..., salt, key
	with := func(i int, v string) string {
		p := append([]string(nil), parts...)
		p[i] = v
		return strings.Join(p, "$")
	}
	tests := []struct {
		name string
		hash string
	}{
		{"empty string is an error", ""},
		{"bcrypt hash is an error", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"},
		{"argon2i variant is an error", with(1, "argon2i")},
		{"other version is an error", with(2, "v=16")},
		{"non-canonical version is an error", with(2, "v=019")},
		{"missing parameter is an error", with(3, "m=19456,t=2")},
		{"absurd memory is an error", with(3, "m=4194304,t=2,p=1")},
		{"absurd time is an error", with(3, "m=19456,t=1000000,p=1")},
		{"zero threads is an error", with(3, "m=19456,t=2,p=0")},
		{"negative memory is an error", with(3, "m=-1,t=2,p=1")},
		{"salt not base64 is an error", with(4, "!!!!")},
		{"short salt is an error", with(4, "AAAA")},
		{"padded key is an error", with(5, parts[5]+"=")},
		{"truncated key is an error", with(5, parts[5][:8])},
		{"extra field is an error", good + "$x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, err := CheckPassword(tt.hash, "correct horse battery")
			if err == nil || ok {
				t.Errorf("got %v, %v; want false and an error", ok, err)
			}
		})
	}

	t.Run("altered key is a mismatch", func(t *testing.T) {
		key := []byte(parts[5])
		if key[0] == 'A' {
			key[0] = 'B'
		} else {
			key[0] = 'A'
		}
		ok, err := CheckPassword(with(5, string(key)), "correct horse battery")
		if err != nil || ok {
			t.Errorf("got %v, %v; want false, nil", ok, err)
		}
	})
}

func TestHashPassword_ConcurrentCallsAllSucceed(t *testing.T) {
	// More callers than slots: they queue on the semaphore and all finish.
	var wg sync.WaitGroup
	errs := make(chan error, 6)
	for range 6 {
		wg.Go(func() {
			h, err := HashPassword("correct horse battery")
			if err == nil {
				var ok bool
				ok, err = CheckPassword(h, "correct horse battery")
				if err == nil && !ok {
					err = errors.New("round trip failed")
				}
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := len(hashSlots); n != 0 {
		t.Errorf("%d semaphore slots still held, want 0", n)
	}
}

func TestValidatePassword(t *testing.T) {
	tests := []struct {
		name     string
		password string
		wantErr  bool
	}{
		{"twelve characters accepted", "abcdefghijkl", false},
		{"128 characters accepted", strings.Repeat("a", 128), false},
		{"twelve Urdu characters accepted", "ابپتٹثجچحخدڈ", false},
		{"eleven characters refused", "abcdefghijk", true},
		{"eleven Urdu characters refused despite 22 bytes", "ابپتٹثجچحخد", true},
		{"129 characters refused", strings.Repeat("a", 129), true},
		{"invalid UTF-8 refused", "abcdefghijkl\xff", true},
		{"empty refused", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidatePassword(tt.password)
			if !tt.wantErr {
				if err != nil {
					t.Errorf("got %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, qalam.ErrInvalid) {
				t.Fatalf("got %v, want a qalam invalid-input error", err)
			}
			if qalam.MessageOf(err) == "" {
				t.Error("error has no message to show")
			}
			if qe, ok := errors.AsType[*qalam.Error](err); !ok || qe.Fields["password"] == "" {
				t.Errorf("error %#v does not name the password field", err)
			}
		})
	}
}
