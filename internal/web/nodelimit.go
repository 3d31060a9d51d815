package web

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// nodeLimiter is a per-node rate limit held in memory: token buckets per
// client key. It suits limits that protect this node's own work (search
// costs CPU, not shared state), where the store's shared counters would
// turn every read into a database write. The map is bounded: when it is
// full it starts again, which at worst lets a client through early, so a
// flood of new addresses (IPv6 rotation) cannot exhaust memory.
type nodeLimiter struct {
	every time.Duration // one token per
	burst int
	max   int // clients remembered

	mu      sync.Mutex
	buckets map[string]*rate.Limiter
}

func newNodeLimiter(perMinute, max int) *nodeLimiter {
	return &nodeLimiter{every: time.Minute / time.Duration(perMinute), burst: perMinute, max: max,
		buckets: map[string]*rate.Limiter{}}
}

// allow spends one of key's tokens at now, if it has one.
func (l *nodeLimiter) allow(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= l.max {
			clear(l.buckets)
		}
		b = rate.NewLimiter(rate.Every(l.every), l.burst)
		l.buckets[key] = b
	}
	return b.AllowN(now, 1)
}
