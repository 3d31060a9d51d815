package jobs

import (
	"context"
	"log/slog"
	"time"
)

// AddressForgetter erases old address hashes (package store).
type AddressForgetter interface {
	ForgetAddresses(ctx context.Context, before time.Time) (int64, error)
}

// Retention erases commenters' address hashes once they are older than the
// retention period: they serve moderation (floods, bans) for a while, and
// after that are only a risk to readers.
type Retention struct {
	store AddressForgetter
	keep  time.Duration
	every time.Duration
	now   func() time.Time
	log   *slog.Logger
}

// NewRetention keeps address hashes for keep (30 days when zero) and
// checks every hour.
func NewRetention(st AddressForgetter, keep time.Duration, now func() time.Time, log *slog.Logger) *Retention {
	if keep <= 0 {
		keep = 30 * 24 * time.Hour
	}
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Retention{store: st, keep: keep, every: time.Hour, now: now, log: log}
}

// Run erases old hashes now and then every hour, until ctx ends.
func (r *Retention) Run(ctx context.Context) {
	t := time.NewTicker(r.every)
	defer t.Stop()
	for {
		r.RunOnce(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunOnce erases the hashes older than the retention period. Running it on
// several nodes at once is harmless: the erasure is idempotent.
func (r *Retention) RunOnce(ctx context.Context) {
	n, err := r.store.ForgetAddresses(ctx, r.now().Add(-r.keep))
	switch {
	case err != nil && ctx.Err() == nil:
		r.log.ErrorContext(ctx, "erasing old address hashes failed", slog.Any("err", err))
	case n > 0:
		r.log.InfoContext(ctx, "old address hashes erased", slog.Int64("comments", n))
	}
}
