package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// clientAddr is the address of the reader: the connection's peer, unless
// that peer is a trusted proxy, in which case X-Forwarded-For is walked from
// the right past every trusted hop. A header the reader forged sits to the
// left of what our own proxy appended, so it is never reached.
func clientAddr(r *http.Request, trusted []netip.Prefix) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	addr = addr.Unmap()
	if !isTrusted(addr, trusted) {
		return addr
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return addr // a malformed hop: stop at the last address we believe
		}
		addr = hop.Unmap()
		if !isTrusted(addr, trusted) {
			return addr
		}
	}
	return addr
}

func isTrusted(addr netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// addrHash is a keyed hash of the reader's network: the address itself is
// never stored. IPv6 is hashed by its /64, which one subscriber usually
// owns whole, so rotating within it does not make a new identity.
func (s *Site) addrHash(addr netip.Addr) string {
	if !addr.IsValid() {
		return ""
	}
	if addr.Is6() {
		addr = netip.PrefixFrom(addr, 64).Masked().Addr()
	}
	m := hmac.New(sha256.New, s.keys.ipHash)
	m.Write(addr.AsSlice())
	return hex.EncodeToString(m.Sum(nil)[:16])
}
