package store

import (
	"context"
	"testing"
)

func TestBroker_SlowWatcherGetsAll(t *testing.T) {
	b := newBroker()
	sub, unsubscribe := b.subscribe()
	defer unsubscribe()
	for i := range maxPending + 1 {
		b.publish([]Change{{ArticleID: int64(i)}})
	}
	ctx, cancel := context.WithCancel(context.Background())
	var got []Change
	sub.run(ctx, func(c Change) {
		got = append(got, c)
		cancel()
	})
	if len(got) != 1 || !got[0].All {
		t.Errorf("got %v, want one Change{All: true} in place of the overflow", got)
	}
}

func TestBroker_Unsubscribed(t *testing.T) {
	b := newBroker()
	sub, unsubscribe := b.subscribe()
	unsubscribe()
	b.publish([]Change{{ArticleID: 1}})
	if len(sub.pending) != 0 {
		t.Errorf("pending %v after unsubscribe", sub.pending)
	}
}
