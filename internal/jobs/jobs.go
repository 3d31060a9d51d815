// Package jobs runs the work that happens on a clock rather than on a
// request: publishing scheduled articles. Every node runs it; the store's
// single-statement claims make each job happen exactly once.
package jobs

import (
	"context"
	"log/slog"
	"time"
)

// Publisher publishes the scheduled articles whose time has come and says
// which (package store).
type Publisher interface {
	PublishDue(ctx context.Context) ([]int64, error)
}

// Scheduler publishes scheduled articles on time.
type Scheduler struct {
	store    Publisher
	interval time.Duration
	log      *slog.Logger
}

// NewScheduler checks for due articles every interval (15 s when zero): an
// article goes out at most that long after its time.
func NewScheduler(st Publisher, interval time.Duration, log *slog.Logger) *Scheduler {
	if interval <= 0 {
		interval = 15 * time.Second
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Scheduler{store: st, interval: interval, log: log}
}

// Run publishes due articles now and then every interval, until ctx ends.
func (s *Scheduler) Run(ctx context.Context) {
	t := time.NewTicker(s.interval)
	defer t.Stop()
	for {
		s.RunOnce(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunOnce publishes what is due; a failure is logged and retried on the
// next tick (the articles stay scheduled, nothing is lost).
func (s *Scheduler) RunOnce(ctx context.Context) {
	ids, err := s.store.PublishDue(ctx)
	if err != nil {
		if ctx.Err() == nil {
			s.log.ErrorContext(ctx, "publishing scheduled articles failed", slog.Any("err", err))
		}
		return
	}
	for _, id := range ids {
		s.log.InfoContext(ctx, "scheduled article published", slog.Int64("article_id", id))
	}
}
