package web

import (
	"net/netip"
	"testing"
)

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
