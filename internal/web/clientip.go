package web

import (
	"net/http"
	"net/netip"

	"github.com/qalamnews/qalam/internal/clientaddr"
)

// clientAddr is the address of the reader, believing X-Forwarded-For only
// from trusted proxies (see clientaddr.FromRequest).
func clientAddr(r *http.Request, trusted []netip.Prefix) netip.Addr {
	return clientaddr.FromRequest(r, trusted)
}

// addrHash is the keyed, rotating hash of the reader's network: the
// address itself is never stored.
func (s *Site) addrHash(addr netip.Addr) string {
	return s.addrs.Hash(addr, s.now())
}
