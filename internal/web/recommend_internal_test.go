package web

import (
	"context"
	"maps"
	"sync"
	"testing"
	"time"
)

// fakeCounts is the database's counts of one article, and how often they
// were read.
type fakeCounts struct {
	mu     sync.Mutex
	counts map[int64]int
	loads  int
	hold   chan struct{} // when set, a load waits for it
}

func (f *fakeCounts) load(context.Context, int64) (map[int64]int, error) {
	f.mu.Lock()
	hold := f.hold
	f.mu.Unlock()
	if hold != nil {
		<-hold
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.loads++
	return maps.Clone(f.counts), nil
}

func (f *fakeCounts) set(id int64, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.counts[id] = n
}

func (f *fakeCounts) loaded() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.loads
}

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func waitForCounts(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestCountCache_RefreshesStaleCountsAtMostOncePerInterval(t *testing.T) {
	db := &fakeCounts{counts: map[int64]int{1: 2}}
	clock := &fakeClock{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	c := newCountCache(db.load, clock.Now)
	c.setLive(true)
	ctx := context.Background()

	a, err := c.get(ctx, 7)
	if err != nil || a.count(1) != 2 {
		t.Fatalf("first get = %v, %v", a, err)
	}
	// Another node's reader recommends: the counts are stale, and still
	// served while one refresh runs, no sooner than countsRefresh.
	db.set(1, 3)
	for range 5 {
		c.markStale(7)
		if b, _ := c.get(ctx, 7); b != a || b.count(1) != 2 {
			t.Fatal("stale counts were not served from the cache before the interval")
		}
	}
	if n := db.loaded(); n != 1 {
		t.Fatalf("%d loads within the interval, want 1", n)
	}
	clock.advance(countsRefresh)
	c.get(ctx, 7)
	waitForCounts(t, func() bool { return a.count(1) == 3 })
	for range 5 {
		c.get(ctx, 7)
	}
	if n := db.loaded(); n != 2 {
		t.Errorf("%d loads, want 2: one at first, one refresh", n)
	}
	if changed, _ := a.since(0); changed[1] != 3 {
		t.Errorf("changes since the start = %v, want comment 1 at 3", changed)
	}
}

func TestCountCache_ARefreshNeverUndoesALocalRecommendation(t *testing.T) {
	db := &fakeCounts{counts: map[int64]int{1: 5}}
	clock := &fakeClock{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	c := newCountCache(db.load, clock.Now)
	c.setLive(true)
	ctx := context.Background()
	a, _ := c.get(ctx, 7)

	// A refresh begins and reads the database as it was...
	hold := make(chan struct{})
	db.mu.Lock()
	db.hold = hold
	db.mu.Unlock()
	c.markStale(7)
	clock.advance(countsRefresh)
	c.get(ctx, 7)
	// ...while this node takes a recommendation and another arrives.
	c.set(7, 1, 6)
	c.markStale(7)
	close(hold)
	waitForCounts(t, func() bool {
		a.mu.RLock()
		defer a.mu.RUnlock()
		return !a.refreshing
	})
	if got := a.count(1); got != 6 {
		t.Errorf("count = %d, want 6 (the refresh read 5)", got)
	}
	a.mu.RLock()
	stale := a.stale
	a.mu.RUnlock()
	if !stale {
		t.Error("a change announced during the refresh is taken as read")
	}
}

func TestArticleCounts_Since(t *testing.T) {
	a := &articleCounts{counts: map[int64]int{}}
	a.raise(1, 1)
	a.raise(2, 4)
	pos := a.position()
	a.raise(1, 2)
	a.raise(3, 1)
	a.raise(3, 1) // not a change
	tests := []struct {
		name string
		from uint64
		want map[int64]int
	}{
		{"nothing new", a.position(), nil},
		{"the latest changes", pos, map[int64]int{1: 2, 3: 1}},
		{"from the start", 0, map[int64]int{1: 2, 2: 4, 3: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, at := a.since(tt.from)
			if !maps.Equal(got, tt.want) || at != a.position() {
				t.Errorf("since(%d) = %v at %d, want %v at %d", tt.from, got, at, tt.want, a.position())
			}
		})
	}
	// Further behind than the log reaches: every count.
	for i := range maxCountLog + 10 {
		a.raise(int64(100+i), 1)
	}
	if got, _ := a.since(pos); len(got) != len(a.counts) {
		t.Errorf("since a forgotten position: %d counts, want all %d", len(got), len(a.counts))
	}
}

func TestCountCache_KeepsNothingWhileTheFeedIsDown(t *testing.T) {
	db := &fakeCounts{counts: map[int64]int{1: 1}}
	c := newCountCache(db.load, time.Now)
	ctx := context.Background()
	a, _ := c.get(ctx, 7)
	db.set(1, 2)
	b, _ := c.get(ctx, 7)
	if a == b || b.count(1) != 2 || db.loaded() != 2 {
		t.Errorf("counts while not live: reused %v, count %d, %d loads; want each get to read", a == b, b.count(1), db.loaded())
	}
}

// A recommendation on another node reaches this node's open pages even if
// no page asks for the counts again: the stale counts are refreshed on
// their own, and the live streams told.
func TestCountCache_StaleCountsRefreshAndTellTheStreams(t *testing.T) {
	db := &fakeCounts{counts: map[int64]int{1: 2}}
	c := newCountCache(db.load, time.Now)
	told := make(chan int64, 4)
	c.changed = func(articleID int64) { told <- articleID }
	c.setLive(true)
	a, err := c.get(context.Background(), 7)
	if err != nil {
		t.Fatal(err)
	}
	db.set(1, 3)
	c.markStale(7)
	select {
	case id := <-told:
		if id != 7 || a.count(1) != 3 {
			t.Errorf("told of article %d with count %d, want 7 with 3", id, a.count(1))
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the streams were never told of the new count")
	}
}
