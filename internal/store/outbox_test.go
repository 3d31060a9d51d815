package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
)

func queue(t *testing.T, st *store.Store, kind, to string, ref int64) *store.OutboxMessage {
	t.Helper()
	m := &store.OutboxMessage{Kind: kind, Recipient: to, RefID: ref}
	if err := st.QueueMail(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	return m
}

func mailIn(t *testing.T, st *store.Store, f store.MailFilter) []*store.OutboxMessage {
	t.Helper()
	list, err := st.FindMail(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func TestStore_QueueMail(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		t.Run("queued due now, address lower-cased", func(t *testing.T) {
			m := queue(t, st, store.MailDataLink, " Nadia.Karim@Example.ORG ", 0)
			if m.ID == 0 || m.Status != store.MailQueued || m.Recipient != "nadia.karim@example.org" || m.NextAttemptAt.IsZero() {
				t.Errorf("queued %+v", m)
			}
		})
		tests := []struct {
			name string
			m    store.OutboxMessage
		}{
			{"unknown kind is refused", store.OutboxMessage{Kind: "newsletter", Recipient: "a@example.org"}},
			{"bad address is refused", store.OutboxMessage{Kind: store.MailReply, Recipient: "not an address"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				wantKind(t, st.QueueMail(ctx, &tt.m), qalam.KindInvalid)
			})
		}
	})
}

// TestStore_ClaimMail_EachMessageOnce has several workers claim at once,
// as several nodes do, and checks every message is claimed exactly once.
func TestStore_ClaimMail_EachMessageOnce(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		const n = 12
		for i := range n {
			queue(t, st, store.MailModeration, "moderator@example.org", int64(i+1))
		}
		var mu sync.Mutex
		seen := map[int64]int{}
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for {
					m, err := st.ClaimMail(ctx, time.Minute)
					if err != nil {
						if qalam.KindOf(err) != qalam.KindNotFound && qalam.KindOf(err) != qalam.KindUnavailable {
							t.Error(err)
						}
						return
					}
					mu.Lock()
					seen[m.ID]++
					mu.Unlock()
					if err := st.FinishMail(ctx, m.ID, m.Claim, store.MailSent, ""); err != nil {
						t.Error(err)
					}
				}
			})
		}
		wg.Wait()
		// A worker that met contention (unavailable) left work for the
		// next round: drain it as the next tick would.
		for {
			m, err := st.ClaimMail(ctx, time.Minute)
			if err != nil {
				break
			}
			seen[m.ID]++
			noErr(t, st.FinishMail(ctx, m.ID, m.Claim, store.MailSent, ""))
		}
		if len(seen) != n {
			t.Errorf("%d messages claimed, want %d", len(seen), n)
		}
		for id, k := range seen {
			if k != 1 {
				t.Errorf("message %d claimed %d times", id, k)
			}
		}
		if got := mailIn(t, st, store.MailFilter{Status: store.MailSent}); len(got) != n {
			t.Errorf("%d sent, want %d", len(got), n)
		}
	})
}

func TestStore_ClaimMail_LeaseAndRetry(t *testing.T) {
	start := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	forEachDialectAt(t, start, func(t *testing.T, st *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		queued := queue(t, st, store.MailReply, "reader@example.org", 7)

		first, err := st.ClaimMail(ctx, 5*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if first.ID != queued.ID || first.Attempts != 1 || first.Claim == "" {
			t.Fatalf("claimed %+v", first)
		}
		t.Run("a held message is not claimed again during its lease", func(t *testing.T) {
			_, err := st.ClaimMail(ctx, 5*time.Minute)
			wantKind(t, err, qalam.KindNotFound)
		})

		clock.Advance(6 * time.Minute)
		second, err := st.ClaimMail(ctx, 5*time.Minute)
		if err != nil {
			t.Fatalf("after the lease: %v", err)
		}
		if second.ID != queued.ID || second.Attempts != 2 || second.Claim == first.Claim {
			t.Fatalf("reclaimed %+v", second)
		}
		t.Run("the lapsed claim can no longer finish the message", func(t *testing.T) {
			wantKind(t, st.FinishMail(ctx, first.ID, first.Claim, store.MailSent, ""), qalam.KindConflict)
			wantKind(t, st.RetryMail(ctx, first.ID, first.Claim, clock.Now(), "late"), qalam.KindConflict)
		})

		noErr(t, st.RetryMail(ctx, second.ID, second.Claim, clock.Now().Add(10*time.Minute), "451 try later"))
		t.Run("a message to retry waits for its time", func(t *testing.T) {
			_, err := st.ClaimMail(ctx, 5*time.Minute)
			wantKind(t, err, qalam.KindNotFound)
			clock.Advance(10 * time.Minute)
			third, err := st.ClaimMail(ctx, 5*time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			if third.Attempts != 3 || third.LastError != "451 try later" {
				t.Errorf("third attempt %+v", third)
			}
			noErr(t, st.FinishMail(ctx, third.ID, third.Claim, store.MailFailed, "550 no such user"))
		})
		t.Run("a final failure is recorded", func(t *testing.T) {
			got := mailIn(t, st, store.MailFilter{RefID: 7})
			if len(got) != 1 || got[0].Status != store.MailFailed || got[0].LastError != "550 no such user" || !got[0].FinishedAt.Equal(clock.Now()) {
				t.Errorf("outbox = %+v", got[0])
			}
		})
		t.Run("finished messages are purged after the given time", func(t *testing.T) {
			queue(t, st, store.MailReply, "reader@example.org", 8)
			n, err := st.PurgeMail(ctx, clock.Now())
			if err != nil || n != 0 {
				t.Fatalf("PurgeMail(now) = %d, %v; want nothing yet", n, err)
			}
			n, err = st.PurgeMail(ctx, clock.Now().Add(time.Second))
			if err != nil || n != 1 {
				t.Fatalf("PurgeMail(later) = %d, %v; want the failed one", n, err)
			}
			if got := mailIn(t, st, store.MailFilter{}); len(got) != 1 || got[0].RefID != 8 {
				t.Errorf("left %+v, want the queued one", got)
			}
		})
	})
}

func TestStore_MailTokens(t *testing.T) {
	start := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	forEachDialectAt(t, start, func(t *testing.T, st *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		tok := &store.MailToken{Hash: []byte("hash-1"), Purpose: store.TokenDataLink, Email: "Reader@Example.org", ExpiresAt: start.Add(24 * time.Hour)}
		noErr(t, st.CreateMailToken(ctx, tok))

		got, err := st.MailToken(ctx, []byte("hash-1"), store.TokenDataLink)
		if err != nil || got.Email != "reader@example.org" {
			t.Fatalf("MailToken = %+v, %v", got, err)
		}
		t.Run("another purpose does not match", func(t *testing.T) {
			_, err := st.MailToken(ctx, []byte("hash-1"), store.TokenUnsubscribe)
			wantKind(t, err, qalam.KindNotFound)
		})
		t.Run("a single-use token is used once", func(t *testing.T) {
			var wg sync.WaitGroup
			var mu sync.Mutex
			uses := 0
			for range 4 {
				wg.Go(func() {
					if _, err := st.UseMailToken(ctx, []byte("hash-1"), store.TokenDataLink); err == nil {
						mu.Lock()
						uses++
						mu.Unlock()
					} else if qalam.KindOf(err) != qalam.KindNotFound {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			if uses != 1 {
				t.Errorf("used %d times, want 1", uses)
			}
			_, err := st.MailToken(ctx, []byte("hash-1"), store.TokenDataLink)
			wantKind(t, err, qalam.KindNotFound)
		})
		t.Run("an expired token is not found, then purged", func(t *testing.T) {
			noErr(t, st.CreateMailToken(ctx, &store.MailToken{Hash: []byte("hash-2"), Purpose: store.TokenDataSession,
				Email: "reader@example.org", ExpiresAt: start.Add(time.Hour)}))
			clock.Advance(time.Hour)
			_, err := st.MailToken(ctx, []byte("hash-2"), store.TokenDataSession)
			wantKind(t, err, qalam.KindNotFound)
			n, err := st.PurgeMail(ctx, clock.Now())
			if err != nil || n != 1 {
				t.Errorf("PurgeMail = %d, %v; want the expired session token", n, err)
			}
		})
	})
}

// noErr fails the test at once when err is not nil.
func noErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
