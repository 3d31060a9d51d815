package auth_test

import (
	"bytes"
	"image/png"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/qalamnews/qalam/internal/auth"
)

// rfcSecret is RFC 4226's 20-byte ASCII key "12345678901234567890" in base32.
const rfcSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

func TestNewTOTPSecret(t *testing.T) {
	a, err := auth.NewTOTPSecret()
	if err != nil {
		t.Fatal(err)
	}
	b, err := auth.NewTOTPSecret()
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != 32 || strings.Trim(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") != "" {
		t.Errorf("secret %q is not 32 characters of unpadded base32", a)
	}
	if a == b {
		t.Errorf("two secrets are both %q", a)
	}
	if _, err := auth.TOTPCode(a, time.Now()); err != nil {
		t.Errorf("TOTPCode of a new secret: %v", err)
	}
}

func TestTOTPCode(t *testing.T) {
	at := time.Unix(59, 0) // RFC 4226 counter 1
	tests := []struct {
		name    string
		secret  string
		want    string
		wantErr bool
	}{
		{"RFC secret gives the RFC 4226 code", rfcSecret, "287082", false},
		{"lower case with spaces is forgiven", "gezd gnbv gy3t qojq gezd gnbv gy3t qojq", "287082", false},
		{"padded secret is forgiven", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ====", "287082", false},
		{"non-base32 secret is an error", "GEZDGNBVGY3TQOJ1GEZDGNBVGY3TQOJQ", "", true},
		{"secret under 128 bits is an error", "GEZDGNBVGY3TQOJQ", "", true},
		{"empty secret is an error", "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := auth.TOTPCode(tt.secret, at)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestVerifyTOTP(t *testing.T) {
	now := time.Unix(1_800_000_015, 0)
	code := func(d time.Duration) string {
		c, err := auth.TOTPCode(rfcSecret, now.Add(d))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	tests := []struct {
		name   string
		secret string
		code   string
		want   bool
	}{
		{"current code accepted", rfcSecret, code(0), true},
		{"previous step accepted", rfcSecret, code(-30 * time.Second), true},
		{"next step accepted", rfcSecret, code(30 * time.Second), true},
		{"two steps ago refused", rfcSecret, code(-60 * time.Second), false},
		{"two steps ahead refused", rfcSecret, code(60 * time.Second), false},
		{"five digits refused", rfcSecret, code(0)[1:], false},
		{"seven digits refused", rfcSecret, code(0) + "0", false},
		{"code with a space refused", rfcSecret, code(0)[:3] + " " + code(0)[3:], false},
		{"non-ASCII digits refused", rfcSecret, "۱۲۳۴۵۶", false},
		{"letters refused", rfcSecret, "abcdef", false},
		{"empty code refused", rfcSecret, "", false},
		{"malformed secret refused", "!!!", code(0), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := auth.VerifyTOTP(tt.secret, tt.code, now); got != tt.want {
				t.Errorf("VerifyTOTP(%q) = %v, want %v", tt.code, got, tt.want)
			}
		})
	}
}

func TestTOTPURI(t *testing.T) {
	t.Run("simple names give the documented form", func(t *testing.T) {
		got := auth.TOTPURI("Qalam", "ayesha@example.com", rfcSecret)
		want := "otpauth://totp/Qalam:ayesha%40example.com?secret=" + rfcSecret +
			"&issuer=Qalam&algorithm=SHA1&digits=6&period=30"
		if got != want {
			t.Errorf("got  %s\nwant %s", got, want)
		}
	})

	tests := []struct {
		name, issuer, account string
		wantLabel             string
	}{
		{"space in issuer is escaped", "Qalam News", "ayesha@example.com", "Qalam News:ayesha@example.com"},
		{"colon, ampersand and question mark are escaped", "A&B: News?", "x:y@example.com", "A&B: News?:x:y@example.com"},
		{"Urdu issuer is escaped", "قلم", "ayesha@example.com", "قلم:ayesha@example.com"},
		{"no issuer leaves the account alone", "", "ayesha@example.com", "ayesha@example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := auth.TOTPURI(tt.issuer, tt.account, rfcSecret)
			if strings.ContainsAny(raw, " +") {
				t.Errorf("%s holds a space or a plus", raw)
			}
			u, err := url.Parse(raw)
			if err != nil {
				t.Fatalf("parse %s: %v", raw, err)
			}
			if u.Scheme != "otpauth" || u.Host != "totp" {
				t.Errorf("scheme and host %q %q, want otpauth totp", u.Scheme, u.Host)
			}
			if got := strings.TrimPrefix(u.Path, "/"); got != tt.wantLabel {
				t.Errorf("label %q, want %q", got, tt.wantLabel)
			}
			// The issuer's own colons are escaped, so the first literal
			// colon of the label separates issuer from account.
			if tt.issuer != "" {
				escLabel := strings.TrimPrefix(strings.SplitN(raw, "?", 2)[0], "otpauth://totp/")
				issuer, _, _ := strings.Cut(escLabel, ":")
				if got, _ := url.PathUnescape(issuer); got != tt.issuer {
					t.Errorf("issuer part of label %q, want %q", got, tt.issuer)
				}
			}
			q := u.Query()
			want := url.Values{"secret": {rfcSecret}, "algorithm": {"SHA1"}, "digits": {"6"}, "period": {"30"}}
			if tt.issuer != "" {
				want.Set("issuer", tt.issuer)
			}
			if q.Encode() != want.Encode() {
				t.Errorf("query %v, want %v", q, want)
			}
		})
	}
}

func TestTOTPQRCode(t *testing.T) {
	uri := auth.TOTPURI("Qalam News", "ayesha@example.com", rfcSecret)
	data, err := auth.TOTPQRCode(uri)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	b := img.Bounds()
	if b.Dx() != b.Dy() || b.Dx() < 200 {
		t.Errorf("image is %dx%d, want a square of at least 200 pixels", b.Dx(), b.Dy())
	}
	// The quiet zone (4 modules of 8 pixels) is white; the top-left finder
	// pattern's corner right after it is black.
	dark := func(x, y int) bool { r, _, _, _ := img.At(x, y).RGBA(); return r < 0x8000 }
	if dark(2, 2) || !dark(33, 33) {
		t.Errorf("no quiet zone and finder pattern where expected")
	}

	t.Run("a QR reader gets the URI back", func(t *testing.T) {
		zbar, err := exec.LookPath("zbarimg")
		if err != nil {
			t.Skip("zbarimg not installed (Debian package zbar-tools)")
		}
		path := filepath.Join(t.TempDir(), "qr.png")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(zbar, "--quiet", "--raw", path).Output()
		if err != nil {
			t.Fatalf("zbarimg: %v", err)
		}
		if got := strings.TrimSpace(string(out)); got != uri {
			t.Errorf("decoded %q, want %q", got, uri)
		}
	})

	t.Run("over-long text is an error", func(t *testing.T) {
		if _, err := auth.TOTPQRCode(strings.Repeat("x", 5000)); err == nil {
			t.Error("got nil, want an error")
		}
	})
}
