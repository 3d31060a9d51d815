package web

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/view"
)

// Readers recommend comments, each comment once, with a form on each
// approved comment that works without the page script (which sends it in
// place and shows the new count).
//
// Who is "a reader"? The browser that posted comments is known by its
// commenter token; any other browser gets a reader token (a random cookie)
// at its first recommendation. Either is stored only as a hash. A person
// who clears cookies, or uses two browsers, can recommend again: nothing
// short of accounts prevents that. What bounds it is the address: each
// address (keyed hash, IPv6 by /64) may recommend one comment at most
// recommendsPerComment times a day and any comments recommendsPerWindow
// times in recommendWindow, so a script clearing cookies moves a count by
// a handful a day per address, while a few readers sharing an office or a
// mobile operator's address can still each recommend the same comment.
//
// Counts change far more often than comments. They are not part of any
// cached page: the cached copy of a page carries a hole where each count
// goes (view.CountHole), filled from a small per-article map when the page
// is served. A recommendation updates that map on the node that took it,
// and its change notice only marks the map stale on the others, which
// read an article's counts again at most once per countsRefresh. So a page
// taking a hundred recommendations a second costs one small query a second
// per node, and never a re-render of the page.

// all returns every count, and the position they are at.
func (a *articleCounts) all() (map[int64]int, uint64) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	counts := make(map[int64]int, len(a.counts))
	for id, n := range a.counts {
		counts[id] = n
	}
	return counts, a.seq
}

// recommendStore is what recommendations need from the database.
type recommendStore interface {
	RecommendComment(ctx context.Context, commentID int64, reader string) (count int, added bool, err error)
	RecommendationCounts(ctx context.Context, articleID int64) (map[int64]int, error)
	RecommendedBy(ctx context.Context, articleID int64, reader string) ([]int64, error)
}

// Recommendation limits, per address (hashed).
const (
	recommendWindow      = 10 * time.Minute
	recommendsPerWindow  = 60
	recommendsPerComment = 5 // a day, for one comment
)

// Cookies of recommendations: the reader token (HttpOnly), and a marker
// the page script reads so that only browsers that ever recommended ask
// which comments they recommended.
const (
	readerCookie      = "qalam_reader"
	recommendedCookie = "qalam_recommended"
)

// countsRefresh is how stale an article's counts may be on one node after
// a recommendation taken by another.
const countsRefresh = time.Second

// maxCountArticles bounds how many articles' counts a node keeps.
const maxCountArticles = 4096

// maxCountLog is how many recent count changes an article keeps for the
// live streams; a stream further behind gets every count again.
const maxCountLog = 1024

// countCache keeps the recommendation counts of articles' comments. Like
// the page cache, it keeps nothing while the change feed is down.
type countCache struct {
	mu       sync.Mutex
	live     bool
	gen      uint64 // changes seen; a load that saw one begin keeps its result stale
	articles map[int64]*articleCounts
	loads    singleflight.Group
	load     func(ctx context.Context, articleID int64) (map[int64]int, error)
	now      func() time.Time
	// changed is told of an article whose counts went up in this cache
	// (the live streams send them); nil for no one.
	changed func(articleID int64)
}

// articleCounts are the counts of one article's comments, and the latest
// changes to them.
type articleCounts struct {
	mu         sync.RWMutex
	counts     map[int64]int
	seq        uint64        // changes applied so far
	log        []countChange // the latest changes, oldest first
	loadedAt   time.Time
	stale      bool   // a recommendation elsewhere may be missing
	dirty      uint64 // stale marks so far, so a refresh knows if one came meanwhile
	refreshing bool
}

type countChange struct {
	seq uint64
	id  int64
}

func newCountCache(load func(context.Context, int64) (map[int64]int, error), now func() time.Time) *countCache {
	return &countCache{articles: map[int64]*articleCounts{}, load: load, now: now}
}

// get returns the article's counts, loading them if this node has none.
// Counts known to be stale are served while one refresh runs behind them.
func (c *countCache) get(ctx context.Context, articleID int64) (*articleCounts, error) {
	c.mu.Lock()
	a, live, gen := c.articles[articleID], c.live, c.gen
	if a != nil {
		a.mu.Lock()
		if a.stale && !a.refreshing && c.now().Sub(a.loadedAt) >= countsRefresh {
			a.refreshing = true
			go c.refresh(a, articleID, a.dirty)
		}
		a.mu.Unlock()
	}
	c.mu.Unlock()
	if a != nil {
		return a, nil
	}
	if !live {
		counts, err := c.load(ctx, articleID)
		if err != nil {
			return nil, err
		}
		return &articleCounts{counts: counts, loadedAt: c.now()}, nil
	}
	v, err, _ := c.loads.Do(strconv.FormatInt(articleID, 10), func() (any, error) {
		counts, err := c.load(context.WithoutCancel(ctx), articleID)
		if err != nil {
			return nil, err
		}
		a := &articleCounts{counts: counts, loadedAt: c.now()}
		c.mu.Lock()
		defer c.mu.Unlock()
		if have := c.articles[articleID]; have != nil {
			return have, nil
		}
		// A recommendation announced during the load may be missing.
		a.stale = c.gen != gen
		if c.live {
			if len(c.articles) >= maxCountArticles {
				for id := range c.articles { // random eviction, as the page cache
					delete(c.articles, id)
					break
				}
			}
			c.articles[articleID] = a
		}
		return a, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*articleCounts), nil
}

// refresh reads an article's counts again, in the background; dirty is
// how many stale marks the counts had when it was decided.
func (c *countCache) refresh(a *articleCounts, articleID int64, dirty uint64) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	counts, err := c.load(ctx, articleID)
	a.mu.Lock()
	a.refreshing = false
	a.loadedAt = c.now() // after a failure too: retry no sooner than countsRefresh
	before := a.seq
	if err == nil {
		for id, n := range counts {
			a.raise(id, n)
		}
		a.stale = a.dirty != dirty
	}
	raised := a.seq != before
	a.mu.Unlock()
	if raised && c.changed != nil {
		c.changed(articleID)
	}
}

// raise sets a comment's count, unless it knows a higher one (counts only
// grow: a load that began before a recommendation must not undo it).
// Called with a.mu held.
func (a *articleCounts) raise(id int64, n int) {
	if n <= a.counts[id] {
		return
	}
	a.counts[id] = n
	a.seq++
	if len(a.log) == maxCountLog {
		a.log = append(a.log[:0], a.log[maxCountLog/2:]...)
	}
	a.log = append(a.log, countChange{a.seq, id})
}

// set records a count this node has just stored.
func (c *countCache) set(articleID, commentID int64, n int) {
	c.mu.Lock()
	a := c.articles[articleID]
	c.mu.Unlock()
	if a == nil {
		return
	}
	a.mu.Lock()
	before := a.seq
	a.raise(commentID, n)
	raised := a.seq != before
	a.mu.Unlock()
	if raised && c.changed != nil {
		c.changed(articleID)
	}
}

// markStale notes that the article's counts changed elsewhere.
func (c *countCache) markStale(articleID int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	a := c.articles[articleID]
	if a == nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.stale = true
	a.dirty++
	if a.refreshing {
		return
	}
	// Refresh soon whether or not a page asks: a live stream woken by this
	// change may have read the counts before they were reloaded, and is
	// told again (changed) when the refresh raises them.
	a.refreshing = true
	wait := min(max(countsRefresh-c.now().Sub(a.loadedAt), 0), countsRefresh)
	dirty := a.dirty
	time.AfterFunc(wait, func() { c.refresh(a, articleID, dirty) })
}

// setLive turns keeping counts on or off; either way it starts from empty.
func (c *countCache) setLive(live bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.live = live
	c.articles = map[int64]*articleCounts{}
}

// clear forgets every count (changes may have been missed).
func (c *countCache) clear() { c.setLive(c.isLive()) }

func (c *countCache) isLive() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.live
}

// count returns a comment's count.
func (a *articleCounts) count(id int64) int {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.counts[id]
}

// position is how many changes the counts have seen, for since.
func (a *articleCounts) position() uint64 {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.seq
}

// since returns the counts that changed after position seq, and the new
// position. When the changes since seq are no longer all known, it returns
// every count.
func (a *articleCounts) since(seq uint64) (map[int64]int, uint64) {
	a.mu.RLock()
	if seq == a.seq {
		a.mu.RUnlock()
		return nil, seq
	}
	if len(a.log) == 0 || a.log[0].seq > seq+1 || seq > a.seq {
		a.mu.RUnlock()
		return a.all()
	}
	defer a.mu.RUnlock()
	changed := map[int64]int{}
	for _, ch := range a.log {
		if ch.seq > seq {
			changed[ch.id] = a.counts[ch.id]
		}
	}
	return changed, a.seq
}

// invalidateCounts takes a committed change to counts: it marks them
// stale and tells the live streams, and reports true, so that the pages
// stay. Any other change may affect counts too (a comment approved again
// brings its count back), so it marks them stale and reports false.
func (s *Site) invalidateCounts(c store.Change) bool {
	switch {
	case c.All:
		s.counts.clear()
		return false
	case c.ArticleID == 0: // site-wide: authors, categories
		return false
	case c.Counts:
		s.counts.markStale(c.ArticleID)
		s.live.notifyCounts(c.ArticleID)
		return true
	default:
		s.counts.markStale(c.ArticleID)
		return false
	}
}

// recommendation is the script's answer to a recommendation.
type recommendation struct {
	ID    int64 `json:"id"`
	Count int   `json:"count"`
	Added bool  `json:"added"`
}

func (s *Site) recommendComment(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	e, err := s.articleEntry(ctx, r.PathValue("slug"))
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if _, ok := e.names[id]; err != nil || !ok {
		return qalam.Errorf(qalam.KindNotFound, "There is no such comment.")
	}
	if e.article.CommentsClosed {
		return qalam.Errorf(qalam.KindClosed, "The discussion is closed.")
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if err := r.ParseForm(); err != nil {
		return qalam.Errorf(qalam.KindInvalid, "We could not read that form. Please try again.")
	}
	reader, token, err := s.readerKey(ctx, r)
	if err != nil {
		return err
	}
	addr := s.ClientKey(r)
	for _, limit := range []struct {
		scope, key string
		window     time.Duration
		n          int
	}{
		{"recommend", addr, recommendWindow, recommendsPerWindow},
		{"recommend-comment", addr + "/" + strconv.FormatInt(id, 10), 24 * time.Hour, recommendsPerComment},
	} {
		ok, _, err := s.store.Hit(ctx, limit.scope, limit.key, limit.window, limit.n)
		if err != nil {
			return err
		}
		if !ok {
			return qalam.Errorf(qalam.KindTooMany, "Too many recommendations from your network for now. Please try again later.")
		}
	}
	count, added, err := s.store.RecommendComment(ctx, id, reader)
	if err != nil {
		return err
	}
	if added {
		s.counts.set(e.article.ID, id, count)
	}
	if token != "" {
		s.setCookie(w, readerCookie, token, 365*24*time.Hour)
	}
	http.SetCookie(w, &http.Cookie{Name: recommendedCookie, Value: "1", Path: "/", MaxAge: 365 * 24 * 3600,
		Secure: s.opts.SecureCookies, SameSite: http.SameSiteLaxMode})
	w.Header().Set("Cache-Control", "no-store")
	if wantsJSON(r) {
		return writeJSON(w, recommendation{ID: id, Count: count, Added: added})
	}
	http.Redirect(w, r, backToComment(r, e.article, id), http.StatusSeeOther)
	return nil
}

// listRecommended tells the page script which comments on the article this
// browser has recommended, so it can show them as such.
func (s *Site) listRecommended(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	e, err := s.articleEntry(ctx, r.PathValue("slug"))
	if err != nil {
		return err
	}
	ids := []int64{}
	if reader, ok, err := s.existingReaderKey(ctx, r); err != nil {
		return err
	} else if ok {
		if ids, err = s.store.RecommendedBy(ctx, e.article.ID, reader); err != nil {
			return err
		}
	}
	w.Header().Set("Cache-Control", "private, no-store")
	return writeJSON(w, struct {
		Comments []int64 `json:"comments"`
	}{ids})
}

// readerKey names the reader for recommendations: by the browser's reader
// token, or else its commenter token, or else a new reader token, which
// the caller sets as a cookie.
func (s *Site) readerKey(ctx context.Context, r *http.Request) (key, newToken string, err error) {
	key, ok, err := s.existingReaderKey(ctx, r)
	if err != nil || ok {
		return key, "", err
	}
	token := randomToken()
	return readerTokenKey(token), token, nil
}

// existingReaderKey is readerKey without making a new reader.
func (s *Site) existingReaderKey(ctx context.Context, r *http.Request) (string, bool, error) {
	if ck, err := r.Cookie(readerCookie); err == nil && ck.Value != "" && len(ck.Value) <= 128 {
		return readerTokenKey(ck.Value), true, nil
	}
	id, err := s.ownCommenterID(ctx, r)
	if err != nil || id == 0 {
		return "", false, err
	}
	return "c:" + strconv.FormatInt(id, 10), true, nil
}

func readerTokenKey(token string) string {
	return "r:" + base64.RawURLEncoding.EncodeToString(tokenHash(token))
}

// backToComment is where a recommendation sent without the script returns:
// the part of the discussion the reader was on (from the Referer, which the
// site's Referrer-Policy keeps for its own pages), at the comment.
func backToComment(r *http.Request, a *qalam.Article, id int64) string {
	path := view.ArticlePath(a.Slug)
	anchor := "#comment-" + strconv.FormatInt(id, 10)
	if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host && ref.EscapedPath() == path {
		q := url.Values{}
		for _, k := range []string{"sort", "after", "comment"} {
			if v := ref.Query().Get(k); v != "" {
				q.Set(k, v)
			}
		}
		if len(q) == 0 {
			return path + anchor
		}
		return path + "?" + q.Encode() + anchor
	}
	return path + "?comment=" + strconv.FormatInt(id, 10) + anchor
}

// wantsJSON reports whether the page script sent the request.
func wantsJSON(r *http.Request) bool {
	return r.Header.Get("Accept") == "application/json"
}

func writeJSON(w http.ResponseWriter, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, err = w.Write(body)
	return err
}
