package moderation

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// ExamplesVersion identifies one state of a site's examples: it changes
// whenever they do (see ExampleSource).
type ExamplesVersion struct {
	Count int
	Sum   int64
}

// ExampleSource is where a site keeps the labelled comments its model
// learns from: its moderators' decisions and the examples added from
// files. Package store keeps them; cmd/qalam adapts it.
type ExampleSource interface {
	// ExamplesVersion returns the version of the examples now. It is
	// asked often and must be cheap.
	ExamplesVersion(ctx context.Context) (ExamplesVersion, error)
	// Examples returns the examples, always in the same order (oldest
	// first), with their version.
	Examples(ctx context.Context) ([]Example, ExamplesVersion, error)
}

// SiteModel is a site's spam classifier: the starting model's corpus plus
// the site's own examples, trained and calibrated together, and trained
// again when the examples change. Every node of a site trains on the same
// examples in the same order, so every node gets the same model; Refresh
// (which Run calls when told of a change and on a timer) brings a node up
// to date with the examples other nodes, or "qalam moderation train",
// added.
//
// Classify, Threshold and SiteExamples may be called concurrently with
// everything, including a refresh: they use the model in force when
// called.
type SiteModel struct {
	src ExampleSource
	log *slog.Logger

	refreshing sync.Mutex // one refresh at a time
	current    atomic.Pointer[siteState]
	nudge      chan struct{}
}

// siteState is one trained model and what it was trained on.
type siteState struct {
	model    *Model
	version  ExamplesVersion
	examples int // the site's own, besides the starting corpus
}

// NewSiteModel returns a site model that starts as the starting model,
// until the first Refresh trains in the site's examples from src. log
// receives refresh failures and retrainings; nil discards them.
func NewSiteModel(src ExampleSource, log *slog.Logger) (*SiteModel, error) {
	m, err := StartingModel()
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &SiteModel{src: src, log: log, nudge: make(chan struct{}, 1)}
	s.current.Store(&siteState{model: m})
	return s, nil
}

// Classify returns the current model's verdict on c and its log-odds.
func (s *SiteModel) Classify(c Input) (spam bool, logOdds float64) {
	return s.current.Load().model.Classify(c)
}

// Threshold returns the current model's threshold.
func (s *SiteModel) Threshold() float64 { return s.current.Load().model.Threshold() }

// SiteExamples says how many of the site's own examples the current model
// was trained on.
func (s *SiteModel) SiteExamples() int { return s.current.Load().examples }

// Refresh trains the model again if the site's examples changed since it
// was last trained, and says whether it did. Training on the starting
// corpus and a few hundred examples of the site's takes a second or two of
// one processor; until it ends, Classify keeps answering with the model it
// replaces. On an error the model in force stays.
func (s *SiteModel) Refresh(ctx context.Context) (trained bool, err error) {
	s.refreshing.Lock()
	defer s.refreshing.Unlock()
	cur := s.current.Load()
	v, err := s.src.ExamplesVersion(ctx)
	if err != nil {
		return false, fmt.Errorf("moderation: site model: %w", err)
	}
	if v == cur.version {
		return false, nil
	}
	site, v, err := s.src.Examples(ctx)
	if err != nil {
		return false, fmt.Errorf("moderation: site model: %w", err)
	}
	m, err := TrainSite(site)
	if err != nil {
		return false, err
	}
	s.current.Store(&siteState{model: m, version: v, examples: len(site)})
	s.log.Info("spam classifier trained", "site_examples", len(site), "threshold", m.Threshold())
	return true, nil
}

// TrainSite returns the model of a site whose own examples are site: the
// starting model when there are none, else a model trained on the starting
// corpus and site together and calibrated (TrainCalibrated) on both, so
// the share of ham marked as spam stays within CalibrationRate on the
// site's comments as on the corpus.
func TrainSite(site []Example) (*Model, error) {
	if len(site) == 0 {
		return StartingModel()
	}
	start, err := starting()
	if err != nil {
		return nil, err
	}
	all := slices.Concat(start.examples, site)
	return TrainCalibrated(all, CalibrationRate, calibrationFolds, calibrationSeed), nil
}

// The cross-validation that calibrates the starting model and a site's.
const (
	calibrationFolds = 5
	calibrationSeed  = 1
)

// Nudge tells Run that the examples may have changed (a moderation
// committed, on this node or another): Run checks soon. It never blocks.
func (s *SiteModel) Nudge() {
	select {
	case s.nudge <- struct{}{}:
	default:
	}
}

// minRetrainGap is the least time between two trainings started by Run,
// so that a moderator deciding comment after comment costs one training
// every few seconds, not one per click.
const minRetrainGap = 5 * time.Second

// Run keeps the model up to date until ctx ends: it refreshes at once,
// then whenever nudged and every poll (a minute when poll is zero), which
// catches what no nudge announces, such as "qalam moderation train" run
// against a SQLite file or a notification lost while the change feed was
// down.
func (s *SiteModel) Run(ctx context.Context, poll time.Duration) {
	if poll <= 0 {
		poll = time.Minute
	}
	tick := time.NewTicker(poll)
	defer tick.Stop()
	for {
		trained, err := s.Refresh(ctx)
		if err != nil && ctx.Err() == nil {
			s.log.Warn("spam classifier not refreshed; the model in force stays", "err", err)
		}
		if trained {
			select {
			case <-ctx.Done():
				return
			case <-time.After(minRetrainGap):
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-s.nudge:
		}
	}
}
