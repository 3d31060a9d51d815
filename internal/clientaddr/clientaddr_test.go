package clientaddr

import (
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"
)

func TestFromRequest(t *testing.T) {
	proxy := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	tests := []struct {
		name    string
		remote  string
		xff     []string
		trusted []netip.Prefix
		want    string
	}{
		{"peer without proxy", "203.0.113.9:5555", nil, nil, "203.0.113.9"},
		{"forged header ignored without a trusted proxy", "203.0.113.9:5555", []string{"198.51.100.1"}, nil, "203.0.113.9"},
		{"trusted proxy's header believed", "10.0.0.2:80", []string{"198.51.100.7"}, proxy, "198.51.100.7"},
		{"forged hop left of the proxy's is not reached", "10.0.0.2:80", []string{"1.2.3.4, 198.51.100.7"}, proxy, "198.51.100.7"},
		{"chain of trusted proxies walked", "10.0.0.2:80", []string{"198.51.100.7, 10.1.1.1"}, proxy, "198.51.100.7"},
		{"malformed hop stops the walk", "10.0.0.2:80", []string{"198.51.100.7, junk"}, proxy, "10.0.0.2"},
		{"IPv6 peer", "[2001:db8::1]:443", nil, nil, "2001:db8::1"},
		{"IPv4-mapped IPv6 peer is IPv4", "[::ffff:203.0.113.9]:443", nil, nil, "203.0.113.9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.remote
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := FromRequest(r, tt.trusted).String(); got != tt.want {
				t.Errorf("FromRequest = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestHasher_IsKeyedAndGroupsIPv6By64(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	a := NewHasher([]byte("secret-one-secret-one-secret-one"), 0)
	b := NewHasher([]byte("secret-two-secret-two-secret-two"), 0)
	v6a, v6b := netip.MustParseAddr("2001:db8:1:2::1"), netip.MustParseAddr("2001:db8:1:2:ffff::9")
	if a.Hash(v6a, now) != a.Hash(v6b, now) {
		t.Error("two addresses of one /64 hash differently")
	}
	if a.Hash(v6a, now) == a.Hash(netip.MustParseAddr("2001:db8:1:3::1"), now) {
		t.Error("two /64s hash alike")
	}
	v4 := netip.MustParseAddr("203.0.113.9")
	if a.Hash(v4, now) == b.Hash(v4, now) {
		t.Error("the hash does not depend on the secret")
	}
	if got := a.Hash(v4, now); len(got) != 32 || got == v4.String() {
		t.Errorf("hash = %q, want 32 hex digits", got)
	}
	if got := a.Hash(netip.Addr{}, now); got != "" {
		t.Errorf("hash of no address = %q, want empty", got)
	}
}

func TestHasher_RotatesOnSchedule(t *testing.T) {
	secret := []byte("secret-one-secret-one-secret-one")
	day := 24 * time.Hour
	h := NewHasher(secret, 7*day)
	addr := netip.MustParseAddr("198.51.100.23")
	start := time.Unix(0, 0).Add(7 * day * 2900) // the start of a period
	first := h.Hash(addr, start)
	if got := h.Hash(addr, start.Add(7*day-time.Nanosecond)); got != first {
		t.Error("the key changed within its period")
	}
	next := h.Hash(addr, start.Add(7*day))
	if next == first {
		t.Error("the key did not change when its period ended")
	}
	// Another node with the same secret agrees, whatever it hashed before.
	other := NewHasher(secret, 7*day)
	other.Hash(addr, start.Add(100*day))
	if got := other.Hash(addr, start.Add(7*day+time.Hour)); got != next {
		t.Error("two nodes with one secret disagree within a period")
	}
	if got := h.Hash(addr, start); got != first {
		t.Error("returning to an earlier time did not give that period's hash")
	}
}
