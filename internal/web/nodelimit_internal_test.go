package web

import (
	"strconv"
	"testing"
	"time"
)

func TestNodeLimiter(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	l := newNodeLimiter(30, 3)
	for i := range 30 {
		if !l.allow("a", now) {
			t.Fatalf("search %d of 30 in a minute refused", i+1)
		}
	}
	if l.allow("a", now) {
		t.Error("the 31st search in a minute allowed")
	}
	if !l.allow("b", now) {
		t.Error("another address is refused for the first's searches")
	}
	if !l.allow("a", now.Add(2*time.Second)) {
		t.Error("no search allowed again after the refill time")
	}
	for i := range 10 {
		l.allow("other-"+strconv.Itoa(i), now)
	}
	if n := len(l.buckets); n > 3 {
		t.Errorf("the limiter remembers %d clients, want at most 3", n)
	}
}
