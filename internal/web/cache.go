package web

import (
	"html/template"
	"sync"

	"github.com/qalamnews/qalam"
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
}

// articleEntry is an article ready to render. It is shared by concurrent
// requests and must not be modified.
type articleEntry struct {
	article *qalam.Article
	thread  template.HTML
	// names maps each approved comment's ID to its author's name, so a
	// reply link can be honoured without a query.
	names map[int64]string
	// comments are the approved comments, oldest first, for live updates.
	comments []*qalam.Comment
	// before and after are the whole page as most readers get it (no
	// reply target, nothing remembered, nothing held), split around the
	// comment form's one-time key, which each reader must get fresh.
	before, after []byte
	size          int
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
	e.size = len(e.thread) + len(e.before) + len(e.after) + len(e.article.BodyHTML) + len(e.article.Body) + 2048
	c.mu.Lock()
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
		c.bytes -= c.articles[slug].size
		delete(c.articles, slug)
		delete(c.slugs, ch.ArticleID)
	}
	for k, p := range c.pages {
		c.bytes -= len(p)
		delete(c.pages, k)
	}
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
}
