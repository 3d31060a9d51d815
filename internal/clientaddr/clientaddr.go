// Package clientaddr finds a request's client address and turns it into
// the keyed, rotating hash that is all Qalam ever stores of it.
package clientaddr

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"
)

// FromRequest is the address of the client: the connection's peer, unless
// that peer is a trusted proxy, in which case X-Forwarded-For is walked from
// the right past every trusted hop. A header the client forged sits to the
// left of what our own proxy appended, so it is never reached.
func FromRequest(r *http.Request, trusted []netip.Prefix) netip.Addr {
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

// DefaultRotation is how often the hashing key changes unless configured.
const DefaultRotation = 30 * 24 * time.Hour

// Hasher turns addresses into keyed hashes. The key is derived from the
// site's secret and the current rotation period, so every node computes the
// same key without coordination, and a hash stored in one period cannot be
// matched against an address once the key has moved on: even someone who
// holds the secret's old period key cannot link a stored hash to a reader's
// address later by brute force over the address space once that key is
// gone from every node's memory and the hashes from the database (the
// retention job deletes them).
type Hasher struct {
	secret []byte
	period time.Duration

	mu    sync.Mutex
	epoch int64
	key   []byte
}

// NewHasher returns a hasher keyed by secret whose key rotates every period
// (DefaultRotation when period is not positive).
func NewHasher(secret []byte, period time.Duration) *Hasher {
	if period <= 0 {
		period = DefaultRotation
	}
	return &Hasher{secret: secret, period: period, epoch: -1}
}

// Period is how long one key lasts.
func (h *Hasher) Period() time.Duration { return h.period }

// Hash returns the keyed hash of addr under the key in force at now, or ""
// for an invalid address. IPv6 is hashed by its /64, which one subscriber
// usually owns whole, so rotating within it does not make a new identity.
func (h *Hasher) Hash(addr netip.Addr, now time.Time) string {
	if !addr.IsValid() {
		return ""
	}
	addr = addr.Unmap()
	if addr.Is6() {
		addr = netip.PrefixFrom(addr, 64).Masked().Addr()
	}
	m := hmac.New(sha256.New, h.keyAt(now))
	m.Write(addr.AsSlice())
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// keyAt derives the key of now's rotation period, keeping the latest one.
func (h *Hasher) keyAt(now time.Time) []byte {
	epoch := now.UnixNano() / int64(h.period)
	h.mu.Lock()
	defer h.mu.Unlock()
	if epoch != h.epoch {
		m := hmac.New(sha256.New, h.secret)
		m.Write([]byte("qalam/ip-hash/"))
		m.Write(binary.BigEndian.AppendUint64(nil, uint64(epoch)))
		h.epoch, h.key = epoch, m.Sum(nil)
	}
	return h.key
}
