package web

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestClientAddr(t *testing.T) {
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.remote
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := clientAddr(r, tt.trusted).String(); got != tt.want {
				t.Errorf("clientAddr = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestAddrHash_IsKeyedAndGroupsIPv6By64(t *testing.T) {
	a := New(nil, nil, Options{Secret: []byte("secret-one-secret-one-secret-one")})
	b := New(nil, nil, Options{Secret: []byte("secret-two-secret-two-secret-two")})
	v6a, v6b := netip.MustParseAddr("2001:db8:1:2::1"), netip.MustParseAddr("2001:db8:1:2:ffff::9")
	if a.addrHash(v6a) != a.addrHash(v6b) {
		t.Error("two addresses of one /64 hash differently")
	}
	v4 := netip.MustParseAddr("203.0.113.9")
	if a.addrHash(v4) == b.addrHash(v4) {
		t.Error("the hash does not depend on the secret")
	}
	if got := a.addrHash(v4); got == "" || got == v4.String() {
		t.Errorf("hash = %q", got)
	}
}
