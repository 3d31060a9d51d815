package web

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/moderation"
	"github.com/qalamnews/qalam/internal/store"
)

// screenStore is what screening a new comment needs from the database.
type screenStore interface {
	ArticlePolicy(ctx context.Context, articleID int64) (moderation.Policy, error)
	WordLists(ctx context.Context) (hold, reject []string, err error)
	MatchingBans(ctx context.Context, q store.BanQuery) ([]*store.Ban, error)
	RecentRecord(ctx context.Context, email string, commenterID int64, since time.Time) (store.CommenterRecord, error)
}

// screen decides the status a new comment is stored with and why (package
// moderation's Screen): the discussion's policy, the word lists, bans on
// the commenter's email, browser, address or name, their recent record and
// the spam classifier. c has its article, commenter and address hash set.
// What screening cannot look up holds the comment rather than letting it
// through unchecked; the failure is logged here, where it is handled.
func (s *Site) screen(ctx context.Context, e *articleEntry, c *qalam.Comment, commenter *qalam.Commenter, undated bool) moderation.Verdict {
	sc := moderation.Screening{
		Comment: moderation.Input{Name: c.AuthorName, Email: c.AuthorEmail, Website: c.AuthorURL, Body: c.Body,
			Lang: string(e.article.Language)},
		Trusted:    commenter != nil && commenter.Trusted,
		Undated:    undated,
		Policy:     e.policy,
		Classifier: s.opts.Classifier,
	}
	var failed []error
	if hold, reject, err := s.store.WordLists(ctx); err != nil {
		failed = append(failed, fmt.Errorf("word lists: %w", err))
	} else if len(hold)+len(reject) > 0 {
		sc.Words = moderation.NewWordList(hold, reject)
	}
	q := store.BanQuery{Email: c.AuthorEmail, Name: c.AuthorName, CommenterID: c.CommenterID, IPHash: c.IPHash}
	if bans, err := s.store.MatchingBans(ctx, q); err != nil {
		failed = append(failed, fmt.Errorf("bans: %w", err))
	} else {
		for _, b := range bans {
			sc.Bans = append(sc.Bans, moderation.BanMatch{ID: b.ID, On: b.Matches(q), Reason: b.Reason})
		}
	}
	if r, err := s.store.RecentRecord(ctx, c.AuthorEmail, c.CommenterID, s.now().Add(-moderation.HistoryWindow)); err != nil {
		failed = append(failed, fmt.Errorf("commenter's record: %w", err))
	} else {
		sc.History = moderation.History{Decided: r.Approved + r.Rejected, Rejected: r.Rejected}
	}
	if len(failed) > 0 {
		sc.Failed = errors.Join(failed...)
	}
	v := moderation.Screen(sc)
	if v.Failed() {
		s.log.WarnContext(ctx, "comment screening failed; the comment is held", "article_id", e.article.ID, "reason", v.Reason())
	}
	return v
}

// AddressHash is the keyed hash the site keeps of a network address (under
// the key in force now), for the newsroom to ban an address by hand.
func (s *Site) AddressHash(addr netip.Addr) string { return s.addrHash(addr) }
