package store

import (
	"context"
	"sync"
)

// Change says what a committed write touched, so page caches drop exactly
// what is stale.
type Change struct {
	// ArticleID is the article whose page (article or discussion) changed;
	// 0 when the change is site-wide (authors, categories).
	ArticleID int64
	// Counts is set when only the recommendation counts of the article's
	// comments changed: the page's text is the same, so caches refresh the
	// counts they show rather than the page.
	Counts bool
	// All is set when the watcher may have missed changes (after a
	// reconnect): every cached page must go.
	All bool
	// Offline is set when the watcher lost the database: until the next
	// All, changes may go unseen, so nothing may be cached.
	Offline bool
}

// WatchChanges calls fn for every committed change affecting public pages:
// this node's, and on PostgreSQL every node's (LISTEN/NOTIFY, the NOTIFY
// sent inside the writing transaction). It calls fn(Change{All: true}) when
// it (re)connects, which on SQLite is once, at the start, and on
// PostgreSQL fn(Change{Offline: true}) once when its connection fails,
// before retrying with backoff. Calls to fn come from one goroutine, in
// commit order. It blocks until ctx ends, then returns nil.
func (s *Store) WatchChanges(ctx context.Context, fn func(Change)) error {
	return s.d.watch(ctx, fn)
}

// maxPending is how many changes a slow watcher may fall behind before
// they are replaced by one Change{All: true}.
const maxPending = 1024

// broker fans committed changes out to the watchers of this process.
// Publishing never blocks the writer: each watcher has its own queue.
type broker struct {
	mu   sync.Mutex
	subs map[*subscriber]struct{}
}

func newBroker() *broker { return &broker{subs: map[*subscriber]struct{}{}} }

// subscriber is one watcher's queue.
type subscriber struct {
	mu       sync.Mutex
	pending  []Change
	overflow bool
	wake     chan struct{} // holds a token when pending may be non-empty
}

func (b *broker) subscribe() (sub *subscriber, unsubscribe func()) {
	sub = &subscriber{wake: make(chan struct{}, 1)}
	b.mu.Lock()
	b.subs[sub] = struct{}{}
	b.mu.Unlock()
	return sub, func() {
		b.mu.Lock()
		delete(b.subs, sub)
		b.mu.Unlock()
	}
}

func (b *broker) publish(changes []Change) {
	if len(changes) == 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for sub := range b.subs {
		sub.mu.Lock()
		if len(sub.pending)+len(changes) > maxPending {
			sub.overflow, sub.pending = true, nil
		} else if !sub.overflow {
			sub.pending = append(sub.pending, changes...)
		}
		sub.mu.Unlock()
		select {
		case sub.wake <- struct{}{}:
		default:
		}
	}
}

// run delivers queued changes to fn until ctx ends.
func (sub *subscriber) run(ctx context.Context, fn func(Change)) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-sub.wake:
		}
		sub.mu.Lock()
		pending, overflow := sub.pending, sub.overflow
		sub.pending, sub.overflow = nil, false
		sub.mu.Unlock()
		if overflow {
			fn(Change{All: true})
			continue
		}
		for _, c := range pending {
			fn(c)
		}
	}
}
