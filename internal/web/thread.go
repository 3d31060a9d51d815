package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"hash/maphash"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/view"
)

// A long discussion is shown in parts (qalam.ThreadOrder.Part): the
// article page holds the first part in the reader's order, and "Show more
// comments" leads to the next, as a page (?sort=…&after=…, without the
// script) or as a fragment the script appends (/comments/part). A link to
// one comment (/comments/{id}, or ?comment=ID) shows the part that holds
// it.
//
// Rendering is what costs (html/template spends tens of microseconds per
// comment), so each top-level thread is rendered once per load of the
// article and reused by every order and part; a part is then only put
// together. Counts are holes filled in when the page is served (see
// recommend.go), so recommendations never make anything render again.

// topRefresh is how long the most-recommended order is kept while counts
// change: a busy page is sorted again at most this often.
const topRefresh = 5 * time.Second

// discussionState is what the site keeps for long discussions.
type discussionState struct {
	// marker begins every hole in a rendered page (see holed): random per
	// process and never sent to a reader.
	marker   string
	counts   *countCache
	loadSeq  atomic.Uint64 // loads of article entries so far
	itemSeed maphash.Seed  // of rendered threads' signatures
	buffers  sync.Pool     // of *bytes.Buffer, for pages put together
}

func (s *Site) initDiscussion() {
	s.marker = "Q" + rand.Text()
	s.itemSeed = maphash.MakeSeed()
	s.counts = newCountCache(func(ctx context.Context, articleID int64) (map[int64]int, error) {
		return s.store.RecommendationCounts(ctx, articleID)
	}, s.now)
}

// threadQuery is which part of the discussion a request asks for.
type threadQuery struct {
	sort  qalam.ThreadSort
	after *qalam.ThreadCursor
	// target is a comment the part must hold: a permalink, a reply
	// target, or the reader's own comment just posted.
	target int64
}

func parseThreadQuery(q url.Values) threadQuery {
	var t threadQuery
	t.sort, _ = qalam.ParseThreadSort(q.Get("sort"))
	if c, ok := qalam.ParseThreadCursor(q.Get("after")); ok {
		t.after = &c
	}
	for _, k := range []string{"comment", "held", "replytocom"} {
		if id, err := strconv.ParseInt(q.Get(k), 10, 64); err == nil && id > 0 {
			t.target = id
			break
		}
	}
	return t
}

// discussion is what parts are cut from: an entry's approved thread, or a
// reader's own copy of it with their held comments in place.
type discussion struct {
	e      *articleEntry
	thread *qalam.Thread
	// own are the top-level comments whose threads differ from the
	// entry's (they hold the reader's held comments): rendered afresh.
	own map[int64]bool
}

// sharedDiscussion is the thread every reader gets.
func sharedDiscussion(e *articleEntry) *discussion { return &discussion{e: e, thread: e.thread} }

// ownDiscussion is the thread with the reader's held comments in their
// places. The entry's comments are shared, so the tree is built over
// copies of them.
func ownDiscussion(e *articleEntry, held []*qalam.Comment) *discussion {
	if len(held) == 0 {
		return sharedDiscussion(e)
	}
	all := make([]*qalam.Comment, 0, len(e.comments)+len(held))
	for _, c := range e.comments {
		cp := *c
		cp.Replies = nil
		all = append(all, &cp)
	}
	for _, c := range held {
		cp := *c
		cp.Replies = nil
		all = append(all, &cp)
	}
	sortByID(all)
	d := &discussion{e: e, thread: qalam.NewThread(all, maxThreadDepth), own: map[int64]bool{}}
	for _, c := range held {
		if root, ok := d.thread.RootOf(c.ID); ok {
			d.own[root] = true
		}
	}
	return d
}

// order returns the discussion's top-level comments in sort's order, and
// the version of that order (for the cache of pages).
func (s *Site) order(d *discussion, sort qalam.ThreadSort, counts *articleCounts) (*qalam.ThreadOrder, uint64) {
	e := d.e
	if d.thread != e.thread {
		return d.thread.Order(sort, counts.count), 0
	}
	switch sort {
	case qalam.SortNewest:
		return e.newest, 0
	case qalam.SortTop:
		now := s.now()
		seq := counts.position()
		e.mu.Lock()
		defer e.mu.Unlock()
		if e.top == nil || seq != e.topSeq && now.Sub(e.topAt) >= topRefresh {
			e.top, e.topAt, e.topSeq = e.thread.Order(qalam.SortTop, counts.count), now, seq
			e.topVersion++
		}
		return e.top, e.topVersion
	default:
		return e.oldest, 0
	}
}

// part cuts the part the query asks for from an order.
func part(o *qalam.ThreadOrder, q threadQuery) qalam.ThreadPart {
	if q.target != 0 {
		if p, ok := o.PartWith(q.target); ok {
			return p
		}
	}
	return o.Part(q.after)
}

// threadSettings are the settings an article's comments render with.
func (s *Site) threadSettings(a *qalam.Article) view.Thread {
	return view.Thread{Lang: a.Language, ArticlePath: view.ArticlePath(a.Slug), Closed: a.CommentsClosed, Marker: s.marker, Mirror: s.opts.Mirror != ""}
}

// renderPart renders a part of the discussion with the named partial
// ("thread-part" or "thread-fragment"), with holes for the counts.
func (s *Site) renderPart(d *discussion, sort qalam.ThreadSort, p qalam.ThreadPart, partial string) ([]byte, error) {
	a := d.e.article
	path := view.ArticlePath(a.Slug)
	data := view.ThreadPart{Lang: a.Language, ArticlePath: path, Sort: sort, After: d.e.latest, Remaining: p.Remaining, Mirror: s.opts.Mirror != ""}
	if !p.First {
		data.First = view.ThreadPath(path, sort, "")
	}
	if p.Next != nil {
		data.More = view.ThreadPath(path, sort, p.Next.String())
		data.MorePart = view.ThreadFragmentPath(path, sort, p.Next.String())
	}
	items := make([]template.HTML, len(p.Roots))
	size := 0
	for i, root := range p.Roots {
		item, err := s.renderItem(d, root)
		if err != nil {
			return nil, err
		}
		items[i] = item
		size += len(item)
	}
	var threads strings.Builder
	threads.Grow(size)
	for _, item := range items {
		threads.WriteString(string(item))
	}
	data.Threads = template.HTML(threads.String()) // rendered by "thread-item"
	var buf bytes.Buffer
	buf.Grow(size + 4096)
	if err := s.view.ExecutePartial(&buf, partial, data); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// renderItem renders a top-level comment with its replies, once per entry.
func (s *Site) renderItem(d *discussion, root *qalam.Comment) (template.HTML, error) {
	e := d.e
	shared := !d.own[root.ID]
	if shared {
		e.mu.Lock()
		item, ok := e.items[root.ID]
		e.mu.Unlock()
		if ok {
			return item, nil
		}
	}
	var buf bytes.Buffer
	if err := s.view.ExecutePartial(&buf, "thread-item", s.threadSettings(e.article).Item(root)); err != nil {
		return "", err
	}
	// The partial's output is built from sanitised comment HTML and
	// escaped fields, so it is safe to insert as it is.
	item := template.HTML(buf.String())
	if shared {
		e.mu.Lock()
		if e.items == nil {
			e.items = map[int64]template.HTML{}
		}
		_, had := e.items[root.ID]
		e.items[root.ID] = item
		e.mu.Unlock()
		if !had {
			s.cache.grow(e, len(item))
		}
	}
	return item, nil
}

// reuseItems gives a new entry the rendered threads of the previous load
// that show exactly what they would show now: a new comment, say, renders
// its own thread again, not the whole discussion. Signatures cover every
// field the "thread-item" partial shows, and the article's settings: a
// field the partial comes to show must be added here.
func (s *Site) reuseItems(e *articleEntry, old *renderedThreads) {
	var h maphash.Hash
	h.SetSeed(s.itemSeed)
	a := e.article
	e.sigs = make(map[int64]uint64, len(e.thread.Roots))
	var sign func(c *qalam.Comment)
	sign = func(c *qalam.Comment) {
		maphash.WriteComparable(&h, c.ID)
		maphash.WriteComparable(&h, c.Depth)
		maphash.WriteComparable(&h, c.Status)
		maphash.WriteComparable(&h, c.CreatedAt.UnixNano())
		maphash.WriteComparable(&h, c.EditedAt.UnixNano())
		maphash.WriteComparable(&h, c.ErasedAt.UnixNano())
		for _, f := range []string{c.AuthorName, c.AuthorURL, c.BodyHTML} {
			maphash.WriteComparable(&h, len(f))
			h.WriteString(f)
		}
		maphash.WriteComparable(&h, len(c.Replies))
		for _, r := range c.Replies {
			sign(r)
		}
	}
	for _, root := range e.thread.Roots {
		h.Reset()
		h.WriteString(a.Slug)
		h.WriteString(string(a.Language))
		maphash.WriteComparable(&h, a.CommentsClosed)
		sign(root)
		e.sigs[root.ID] = h.Sum64()
	}
	if old == nil {
		return
	}
	for id, sig := range e.sigs {
		if item, ok := old.items[id]; ok && old.sigs[id] == sig {
			if e.items == nil {
				e.items = map[int64]template.HTML{}
			}
			e.items[id] = item
		}
	}
}

// showThreadPart serves a later part of the discussion as a fragment, for
// the page script to append.
func (s *Site) showThreadPart(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	e, err := s.articleEntry(ctx, r.PathValue("slug"))
	if err != nil {
		return err
	}
	q := parseThreadQuery(r.URL.Query())
	held, err := s.ownHeldComments(ctx, r, e.article.ID)
	if err != nil {
		return err
	}
	d := ownDiscussion(e, held)
	counts, err := s.counts.get(ctx, e.article.ID)
	if err != nil {
		return err
	}
	o, _ := s.order(d, q.sort, counts)
	body, err := s.renderPart(d, q.sort, o.Part(q.after), "thread-fragment")
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("X-Robots-Tag", "noindex")
	if len(held) > 0 {
		h.Set("Cache-Control", "private, no-store")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	s.writeHoled(w, http.StatusOK, s.cut(body), counts)
	return nil
}

// showCommentLink is a comment's permanent address: it leads to the
// article page showing the part of the discussion that holds the comment,
// however long the discussion grows (and to the discussion's start when
// the comment is not, or no longer, public).
func (s *Site) showCommentLink(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	e, err := s.articleEntry(ctx, r.PathValue("slug"))
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return qalam.Errorf(qalam.KindNotFound, "There is no such comment.")
	}
	path := view.ArticlePath(e.article.Slug)
	if _, ok := e.names[id]; !ok {
		held, err := s.ownHeldComments(ctx, r, e.article.ID)
		if err != nil {
			return err
		}
		if !containsComment(held, id) {
			// Removed, or never there: the discussion is the next best.
			http.Redirect(w, r, path+"#comments", http.StatusSeeOther)
			return nil
		}
	}
	ids := strconv.FormatInt(id, 10)
	http.Redirect(w, r, path+"?comment="+ids+"#comment-"+ids, http.StatusSeeOther)
	return nil
}

func containsComment(list []*qalam.Comment, id int64) bool {
	for _, c := range list {
		if c.ID == id {
			return true
		}
	}
	return false
}

// holed is a rendered page or fragment with holes where the values go
// that change more often than it does: the comment form's one-time key,
// and each comment's recommendation count. Holes are written as the
// site's random marker (never shown, so no comment can contain it)
// followed by "k", or by "c", a comment ID and "-" (view.CountHole).
type holed struct {
	text  [][]byte // len(holes)+1 pieces of text around the holes
	holes []int64  // a comment ID (its count goes there), or keyHole
	size  int      // bytes of text
}

// keyHole marks the hole of the form key.
const keyHole = -1

// cut finds the holes in a rendered page.
func (s *Site) cut(page []byte) *holed {
	h := &holed{size: len(page)}
	marker := []byte(s.marker)
	for {
		i := bytes.Index(page, marker)
		if i < 0 {
			break
		}
		rest := page[i+len(marker):]
		switch {
		case len(rest) > 0 && rest[0] == 'k':
			h.text = append(h.text, page[:i])
			h.holes = append(h.holes, keyHole)
			page = rest[1:]
			h.size -= len(marker) + 1
		case len(rest) > 0 && rest[0] == 'c':
			end := bytes.IndexByte(rest, '-')
			id, err := strconv.ParseInt(string(rest[1:max(end, 1)]), 10, 64)
			if end < 0 || err != nil {
				// Not a hole after all (it cannot happen: the marker is
				// the site's own); keep the text as it is.
				h.text = append(h.text, page[:i+len(marker)])
				h.holes = append(h.holes, 0)
				page = rest
				continue
			}
			h.text = append(h.text, page[:i])
			h.holes = append(h.holes, id)
			page = rest[end+1:]
			h.size -= len(marker) + end + 1
		default:
			h.text = append(h.text, page[:i+len(marker)])
			h.holes = append(h.holes, 0)
			page = rest
		}
	}
	h.text = append(h.text, page)
	return h
}

// keys counts the page's key holes.
func (h *holed) keys() int {
	n := 0
	for _, id := range h.holes {
		if id == keyHole {
			n++
		}
	}
	return n
}

// fill returns the text with the counts in their holes; the key holes
// get key.
func (h *holed) fill(counts *articleCounts, key string) []byte {
	return h.appendTo(make([]byte, 0, h.size+len(h.holes)*4), counts, key)
}

// appendTo appends the text with the counts in their holes to out.
func (h *holed) appendTo(out []byte, counts *articleCounts, key string) []byte {
	if counts != nil {
		counts.mu.RLock()
		defer counts.mu.RUnlock()
	}
	for i, id := range h.holes {
		out = append(out, h.text[i]...)
		switch {
		case id == keyHole:
			out = append(out, key...)
		case id > 0 && counts != nil:
			if n := counts.counts[id]; n > 0 {
				out = strconv.AppendInt(out, int64(n), 10)
			}
		}
	}
	return append(out, h.text[len(h.text)-1]...)
}

// writeHoled serves a page with the current counts and, in place of the
// form's key, a fresh one. The page is put together in a pooled buffer:
// a busy page's copies would otherwise be most of what the collector
// has to do.
func (s *Site) writeHoled(w http.ResponseWriter, status int, h *holed, counts *articleCounts) {
	key := ""
	if h.keys() > 0 {
		key = newFormKey()
	}
	buf := s.buffer()
	defer s.release(buf)
	buf.Grow(h.size + len(h.holes)*4 + len(key))
	view.WriteHTML(w, status, h.appendTo(buf.AvailableBuffer(), counts, key))
}

// buffer returns an empty buffer from the pool.
func (s *Site) buffer() *bytes.Buffer {
	if b, ok := s.buffers.Get().(*bytes.Buffer); ok {
		return b
	}
	return new(bytes.Buffer)
}

// release returns a buffer to the pool, unless it is outsized.
func (s *Site) release(b *bytes.Buffer) {
	if b.Cap() > maxPooledBuffer {
		return
	}
	b.Reset()
	s.buffers.Put(b)
}

// maxPooledBuffer is the largest buffer kept for reuse.
const maxPooledBuffer = 4 << 20

// filled renders a fragment with holes as plain HTML, with the current
// counts (for pages rendered through the view engine as they are).
func (s *Site) filled(ctx context.Context, articleID int64, fragment []byte) (template.HTML, error) {
	counts, err := s.counts.get(ctx, articleID)
	if err != nil {
		return "", err
	}
	// Safe: the fragment was rendered by the thread partials.
	return template.HTML(s.cut(fragment).fill(counts, "")), nil
}
