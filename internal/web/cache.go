package web

import (
	"html/template"
	"sync"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/moderation"
	"github.com/qalamnews/qalam/internal/store"
)

// maxCacheBytes bounds the memory rendered pages may hold. When full, random
// entries go: a crawler walking every archive page cannot push the server
// past its memory budget, and the hot pages come straight back.
const maxCacheBytes = 24 << 20

// pageCache keeps what is costly to build and the same for every reader:
// an article with its rendered thread, and whole listing pages. Entries are
// dropped precisely when the store reports a change to them (from any node,
// through the change feed); while the feed is down nothing is cached.
//
// A fill that began before an invalidation must not store what it read
// (it may be stale), so fills carry the generation they started in and
// are refused if any invalidation happened since.
type pageCache struct {
	mu       sync.RWMutex
	live     bool
	gen      uint64
	bytes    int
	articles map[string]*articleEntry // by slug
	slugs    map[int64]string         // article ID to slug
	pages    map[string][]byte        // whole listing pages, by path and query
	nav      []*qalam.Category        // the navigation; nil when not cached
	// retired are the rendered threads of article entries dropped by a
	// change, by slug, for the next load to reuse those the change left
	// as they were (see reuseItems); retiredBytes bounds them.
	retired      map[string]*renderedThreads
	retiredBytes int
}

// maxRetiredBytes bounds the rendered threads kept from dropped entries.
const maxRetiredBytes = maxCacheBytes / 4

// renderedThreads are an entry's rendered top-level threads and the
// signatures of what they were rendered from.
type renderedThreads struct {
	items map[int64]template.HTML
	sigs  map[int64]uint64
	size  int
}

// articleEntry is an article ready to render, with its discussion. What
// it is loaded with never changes; what is rendered from it on demand
// (guarded by mu) is kept in it until the entry is dropped.
type articleEntry struct {
	article *qalam.Article
	// policy is the discussion's policy. closesAt, when not zero, is when
	// the policy closes the discussion by time: from then on the entry is
	// stale, and the next reader's load shows the discussion closed.
	policy   moderation.Policy
	closesAt time.Time
	// seq tells this load of the article from earlier ones, for the
	// live streams' differences between them.
	seq uint64
	// thread is the approved comments arranged into top-level threads,
	// and oldest and newest its orders that do not change.
	thread         *qalam.Thread
	oldest, newest *qalam.ThreadOrder
	// names maps each approved comment's ID to its author's name, so a
	// reply link can be honoured without a query.
	names map[int64]string
	// comments are the approved comments, oldest first, for live updates;
	// latest is the highest ID among them.
	comments []*qalam.Comment
	latest   int64
	// translation is the article linked as this one's translation, in
	// any state (nil for none): a change to it drops this entry too.
	translation *qalam.Article

	mu sync.Mutex
	// items are top-level threads rendered (with holes for counts), by
	// the top-level comment's ID: each is rendered once, whatever the
	// order or part it is shown in. sigs are signatures of what each
	// top-level thread shows, for the next load to tell which it can keep.
	items map[int64]template.HTML
	sigs  map[int64]uint64
	// pages are the whole page as most readers get it (no reply target,
	// nothing remembered, nothing held), with the first part of the
	// discussion in one order, cut around the comment form's one-time
	// key, which each reader must get fresh, and the counts.
	pages map[pageKey]*holed
	// top is the most-recommended order as of topAt, at counts position
	// topSeq; topVersion counts its versions.
	top        *qalam.ThreadOrder
	topAt      time.Time
	topSeq     uint64
	topVersion uint64
	// live holds what the live streams send: each comment rendered alone,
	// and the events from an earlier load of the article to this one (by
	// the earlier one's seq).
	live  map[int64][]byte
	diffs map[uint64][]byte

	size int // bytes, as the cache counts them; guarded by the cache's mu
}

// pageKey names a cached page: the order of its part and, for the
// most-recommended order, which version of it.
type pageKey struct {
	sort    qalam.ThreadSort
	version uint64
}

func newPageCache() *pageCache {
	return &pageCache{articles: map[string]*articleEntry{}, slugs: map[int64]string{}, pages: map[string][]byte{}}
}

// generation returns the current generation, and whether filling is
// allowed at all.
func (c *pageCache) generation() (uint64, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.gen, c.live
}

func (c *pageCache) article(slug string) *articleEntry {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if !c.live {
		return nil
	}
	return c.articles[slug]
}

func (c *pageCache) putArticle(gen uint64, e *articleEntry) {
	size := len(e.article.BodyHTML) + len(e.article.Body) + 2048
	for _, cm := range e.comments {
		size += len(cm.Body) + len(cm.BodyHTML) + len(cm.AuthorName) + len(cm.AuthorURL) + 400
	}
	for _, item := range e.items { // kept from the previous load
		size += len(item)
	}
	c.mu.Lock()
	e.size = size
	defer c.mu.Unlock()
	if !c.live || gen != c.gen {
		return
	}
	slug := e.article.Slug
	if old, ok := c.articles[slug]; ok {
		c.bytes -= old.size
	}
	c.makeRoom(e.size)
	c.articles[slug] = e
	c.slugs[e.article.ID] = slug
	c.bytes += e.size
}

// grow counts n more bytes that e keeps (something rendered from it),
// while e is the cached entry of its article.
func (c *pageCache) grow(e *articleEntry, n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.articles[e.article.Slug] != e {
		return
	}
	e.size += n
	c.bytes += n
	c.makeRoom(0)
}

func (c *pageCache) page(key string) []byte {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if !c.live {
		return nil
	}
	return c.pages[key]
}

func (c *pageCache) putPage(gen uint64, key string, body []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.live || gen != c.gen {
		return
	}
	c.bytes -= len(c.pages[key])
	c.makeRoom(len(body))
	c.pages[key] = body
	c.bytes += len(body)
}

func (c *pageCache) navigation() []*qalam.Category {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if !c.live {
		return nil
	}
	return c.nav
}

func (c *pageCache) putNavigation(gen uint64, nav []*qalam.Category) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.live && gen == c.gen {
		c.nav = nav
	}
}

// makeRoom evicts random entries until n more bytes fit. Called with mu held.
func (c *pageCache) makeRoom(n int) {
	for c.bytes+n > maxCacheBytes && (len(c.pages) > 0 || len(c.articles) > 0) {
		for k, p := range c.pages {
			c.bytes -= len(p)
			delete(c.pages, k)
			break
		}
		for slug, e := range c.articles {
			c.bytes -= e.size
			delete(c.articles, slug)
			delete(c.slugs, e.article.ID)
			break
		}
	}
}

// invalidate drops what the change made stale: the article's entry, and
// every listing (they show comment counts and headlines). A site-wide
// change, or a possibly missed one, drops everything.
func (c *pageCache) invalidate(ch store.Change) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if ch.All || ch.ArticleID == 0 {
		c.clear()
		return
	}
	if slug, ok := c.slugs[ch.ArticleID]; ok {
		c.retire(c.articles[slug])
		c.bytes -= c.articles[slug].size
		delete(c.articles, slug)
		delete(c.slugs, ch.ArticleID)
	}
	// A page linking to the changed article as its translation shows
	// whether that is published, and where.
	for slug, e := range c.articles {
		if e.translation != nil && e.translation.ID == ch.ArticleID {
			c.retire(e)
			c.bytes -= e.size
			delete(c.articles, slug)
			delete(c.slugs, e.article.ID)
		}
	}
	for k, p := range c.pages {
		c.bytes -= len(p)
		delete(c.pages, k)
	}
}

// retire keeps what e rendered for the article's next load. Called with
// mu held.
func (c *pageCache) retire(e *articleEntry) {
	e.mu.Lock()
	r := &renderedThreads{items: e.items, sigs: e.sigs}
	e.mu.Unlock()
	for _, item := range r.items {
		r.size += len(item)
	}
	slug := e.article.Slug
	if old, ok := c.retired[slug]; ok {
		c.retiredBytes -= old.size
		delete(c.retired, slug)
	}
	if len(r.items) == 0 || r.size > maxRetiredBytes {
		return
	}
	for c.retiredBytes+r.size > maxRetiredBytes {
		for k, old := range c.retired { // random, as makeRoom
			c.retiredBytes -= old.size
			delete(c.retired, k)
			break
		}
	}
	if c.retired == nil {
		c.retired = map[string]*renderedThreads{}
	}
	c.retired[slug] = r
	c.retiredBytes += r.size
}

// takeRetired hands over (once) the rendered threads of the article's
// last dropped entry, or nil.
func (c *pageCache) takeRetired(slug string) *renderedThreads {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.retired[slug]
	if r != nil {
		delete(c.retired, slug)
		c.retiredBytes -= r.size
	}
	return r
}

// setLive turns caching on or off; either way it starts from empty.
func (c *pageCache) setLive(live bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.live = live
	c.clear()
}

func (c *pageCache) clear() {
	c.articles = map[string]*articleEntry{}
	c.slugs = map[int64]string{}
	c.pages = map[string][]byte{}
	c.nav = nil
	c.bytes = 0
	c.retired, c.retiredBytes = nil, 0
}
