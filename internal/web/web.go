// Package web is the public site: the home page, article pages with their
// discussion, the author, category and tag listings, and comment posting.
// routes.go is its index.
package web

import (
	"context"
	"github.com/qalamnews/qalam/internal/clientaddr"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/moderation"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/view"
)

// Store is what the public site needs from the database.
type Store interface {
	ArticleBySlug(ctx context.Context, slug string) (*qalam.Article, error)
	FindArticles(ctx context.Context, f store.ArticleFilter) ([]*qalam.Article, int, error)
	AuthorBySlug(ctx context.Context, slug string) (*qalam.Author, error)
	CategoryBySlug(ctx context.Context, slug string) (*qalam.Category, error)
	TagBySlug(ctx context.Context, slug string) (*qalam.Tag, error)
	FindCategories(ctx context.Context) ([]*qalam.Category, error)
	FindComments(ctx context.Context, f store.CommentFilter) ([]*qalam.Comment, error)
	CreateComment(ctx context.Context, c *qalam.Comment) (bool, error)
	CreateCommenter(ctx context.Context, tokenHash []byte) (*qalam.Commenter, error)
	CommenterByToken(ctx context.Context, tokenHash []byte) (*qalam.Commenter, error)
	ArticleByPreviewToken(ctx context.Context, tokenHash []byte) (*qalam.Article, error)
	Media(ctx context.Context, id int64) (*qalam.Media, error)
	FindCorrections(ctx context.Context, limit int, before time.Time) ([]store.CorrectionEntry, error)
	Hit(ctx context.Context, scope, key string, window time.Duration, limit int) (allowed bool, retryAfter time.Duration, err error)
	RecentComments(ctx context.Context, articleID int64, email, ipHash string, since time.Time) ([]*qalam.Comment, error)
	OwnComment(ctx context.Context, id, commenterID int64, window time.Duration) (*qalam.Comment, error)
	OwnComments(ctx context.Context, articleID, commenterID int64, window time.Duration) ([]*qalam.Comment, error)
	EditOwnComment(ctx context.Context, id, commenterID int64, edit store.OwnEdit, window time.Duration) (*qalam.Comment, error)
	DeleteOwnComment(ctx context.Context, id, commenterID int64, window time.Duration) error
	ReportComment(ctx context.Context, r *store.CommentReport, holdAt int) (held bool, err error)
	archiveStore   // the front page, lists, the archive, translations (archive.go)
	recommendStore // recommendations (recommend.go)
	machineStore   // feeds and sitemaps (feeds.go)
	readerStore    // reply subscriptions, unsubscribing, readers' data (privacy.go)
	screenStore    // discussion policies, word lists, bans, commenters' records (screen.go)
	legacyStore    // old WordPress addresses (legacy.go)
	searchStore    // full-text search (search.go)
}

// Options configure the site.
type Options struct {
	SiteName string
	BaseURL  string // absolute, no trailing slash
	// Secret keys the signed cookies and the address hashes.
	Secret []byte
	// AddressKeyRotation is how long one address-hashing key lasts
	// (clientaddr.DefaultRotation when zero).
	AddressKeyRotation time.Duration
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed; by default none is, and the client is the connection's peer.
	TrustedProxies []netip.Prefix
	// SecureCookies marks cookies Secure (the site is served over HTTPS).
	SecureCookies bool
	Log           *slog.Logger
	Now           func() time.Time

	// Mail says the site can send email (package jobs sends what the
	// outbox holds): reply notifications and readers' data requests are
	// offered only then. WakeMail, if set, is called when a request has
	// queued a message, so this node's mail worker sends it at once.
	Mail     bool
	WakeMail func()
	// Classifier is the spam classifier new comments are screened with
	// (a *moderation.Model, or a store-backed model); nil for none.
	Classifier moderation.Classifier

	// Mirror, set only by package export, is the live site's base URL
	// when the pages are rendered for a static mirror: they then carry no
	// forms, scripts or live updates, and the discussion links to the
	// live site instead (view.Page.Mirror). Empty on the live site.
	Mirror string
}

// Site serves the public pages.
type Site struct {
	store Store
	view  *view.Engine
	opts  Options
	log   *slog.Logger
	now   func() time.Time
	cache *pageCache
	keys  keys
	addrs *clientaddr.Hasher
	// searches limits searches per address on this node.
	searches *nodeLimiter
	live     *liveHub
	loads    singleflight.Group // concurrent loads of one article page
	docs     docStamps          // when each feed and sitemap last changed (feeds.go)

	// Parts, counts and holes of long discussions (thread.go).
	discussionState
}

// New builds the public site over a store and a template engine.
func New(st Store, engine *view.Engine, opts Options) *Site {
	s := &Site{store: st, view: engine, opts: opts, log: opts.Log, now: opts.Now}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.cache = newPageCache()
	s.live = newLiveHub()
	s.initDiscussion()
	s.counts.changed = s.live.notifyCounts
	s.keys = deriveKeys(opts.Secret)
	s.addrs = clientaddr.NewHasher(opts.Secret, opts.AddressKeyRotation)
	s.searches = newNodeLimiter(searchPerMinute, 100_000)
	return s
}

// Invalidate drops what a committed change made stale. Wire it to
// store.WatchChanges so every node's writes reach every node's cache.
func (s *Site) Invalidate(c store.Change) {
	if s.invalidateCounts(c) {
		return // only counts changed: the pages stand
	}
	s.cache.invalidate(c)
	s.wakeStreams(c)
}

// SetCacheLive turns page caching on while the change feed is connected and
// off while it is not, so a node never serves a page it cannot invalidate.
func (s *Site) SetCacheLive(live bool) {
	s.cache.setLive(live)
	s.counts.setLive(live)
	s.live.notify(0) // changes may have been missed: streams look again
}

// ClientKey names the request's client for rate limits: a keyed hash of its
// network address (past trusted proxies only), never the address itself.
func (s *Site) ClientKey(r *http.Request) string {
	return s.addrHash(clientAddr(r, s.opts.TrustedProxies))
}
