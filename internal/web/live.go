package web

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
)

// Live discussion: an open article page follows its discussion through
// Server-Sent Events, so newly approved comments appear and rejected ones
// disappear without a reload. The page works fully without it.

// maxStreams bounds the open event streams of one node; beyond it readers
// simply do without live updates (the script does not retry a 503).
const maxStreams = 5000

// streamHeartbeat keeps proxies from closing an idle stream.
const streamHeartbeat = 25 * time.Second

// countsEvery is how often at most a stream sends recommendation counts:
// on a busy page many recommendations make one event.
const countsEvery = 2 * time.Second

// liveHub wakes the streams of an article when its discussion changes.
type liveHub struct {
	mu      sync.Mutex
	streams map[int64]map[*stream]struct{} // by article ID
	count   int
	closed  chan struct{} // closed when the site shuts down
	once    sync.Once
}

// stream is one open event stream's wake-up calls: for the discussion,
// and for recommendation counts.
type stream struct {
	wake, counts chan struct{}
}

func newLiveHub() *liveHub {
	return &liveHub{streams: map[int64]map[*stream]struct{}{}, closed: make(chan struct{})}
}

// subscribe registers a stream for an article; ok is false when the node
// has as many streams as it serves.
func (h *liveHub) subscribe(articleID int64) (st *stream, cancel func(), ok bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.count >= maxStreams {
		return nil, nil, false
	}
	st = &stream{wake: make(chan struct{}, 1), counts: make(chan struct{}, 1)}
	if h.streams[articleID] == nil {
		h.streams[articleID] = map[*stream]struct{}{}
	}
	h.streams[articleID][st] = struct{}{}
	h.count++
	return st, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		delete(h.streams[articleID], st)
		if len(h.streams[articleID]) == 0 {
			delete(h.streams, articleID)
		}
		h.count--
	}, true
}

// notify wakes the streams of the changed article, or all of them (0).
func (h *liveHub) notify(articleID int64) {
	h.wakeAll(articleID, func(st *stream) chan struct{} { return st.wake })
}

// notifyCounts wakes the streams of an article whose counts changed.
func (h *liveHub) notifyCounts(articleID int64) {
	h.wakeAll(articleID, func(st *stream) chan struct{} { return st.counts })
}

func (h *liveHub) wakeAll(articleID int64, ch func(*stream) chan struct{}) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for id, set := range h.streams {
		if articleID != 0 && id != articleID {
			continue
		}
		for st := range set {
			select {
			case ch(st) <- struct{}{}:
			default: // already woken; one look serves both
			}
		}
	}
}

// close ends every stream, so a graceful shutdown need not wait for them.
func (h *liveHub) close() { h.once.Do(func() { close(h.closed) }) }

// CloseStreams ends the open live streams; call it before shutting the
// server down, which otherwise waits for them.
func (s *Site) CloseStreams() { s.live.close() }

// liveEvent is one comment added to the discussion (or changed: the page
// replaces what it shows). Parent is the comment it is shown under, 0 at
// the top level.
type liveEvent struct {
	ID     int64  `json:"id"`
	Parent int64  `json:"parent"`
	HTML   string `json:"html"`
}

// followDiscussion streams an article's discussion: "comment" events for
// comments approved (or edited) since the page was rendered (after=the
// newest comment ID of the discussion it was cut from, or the browser's
// Last-Event-ID), "gone" events for comments no longer public, "count"
// events with the number of comments, and "counts" events with changed
// recommendation counts, at most every countsEvery. The page decides where
// a comment goes, and whether it shows it at all (a reply to a comment in
// a part it has not loaded).
func (s *Site) followDiscussion(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	e, err := s.articleEntry(ctx, r.PathValue("slug"))
	if err != nil {
		return err
	}
	articleID := e.article.ID
	after, _ := strconv.ParseInt(r.Header.Get("Last-Event-ID"), 10, 64)
	if q, err := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64); err == nil && q > after {
		after = q
	}
	counts, err := s.counts.get(ctx, articleID)
	if err != nil {
		return err
	}
	countsAt := counts.position()
	st, cancel, ok := s.live.subscribe(articleID)
	if !ok {
		return qalam.Errorf(qalam.KindUnavailable, "Live updates are busy; reload the page to see new comments.")
	}
	defer cancel()

	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: pass events through at once
	w.WriteHeader(http.StatusOK)

	send := func(write func(*bytes.Buffer) error) error {
		// The server's write timeout suits pages, not streams: extend it
		// for each write instead.
		if err := rc.SetWriteDeadline(time.Now().Add(streamHeartbeat + 10*time.Second)); err != nil && err != http.ErrNotSupported {
			return err
		}
		var buf bytes.Buffer
		if err := write(&buf); err != nil {
			return err
		}
		if buf.Len() == 0 {
			return nil
		}
		if _, err := w.Write(buf.Bytes()); err != nil {
			return err
		}
		return rc.Flush()
	}
	// prev is the load of the discussion the page is up to date with; at
	// first, the page shows what it was rendered with: comments up to after.
	var prev *articleEntry
	update := func() error {
		e, err := s.articleEntry(ctx, r.PathValue("slug"))
		if err != nil {
			return err
		}
		var events []byte
		switch {
		case prev == nil:
			events, err = s.eventsAfter(e, after)
		case prev != e:
			events, err = s.eventsSince(prev, e)
		}
		if err != nil {
			return err
		}
		prev = e
		return send(func(buf *bytes.Buffer) error {
			buf.Write(events)
			fmt.Fprintf(buf, "event: count\ndata: %d\n\n", len(e.names))
			return nil
		})
	}
	sendCounts := func() error {
		now, err := s.counts.get(ctx, articleID)
		if err != nil {
			return err
		}
		var changed map[int64]int
		if now != counts { // the node forgot the counts meanwhile: send them all
			counts = now
			changed, countsAt = now.all()
		} else {
			changed, countsAt = now.since(countsAt)
		}
		if len(changed) == 0 {
			return nil
		}
		data := make(map[string]int, len(changed))
		for id, n := range changed {
			data[strconv.FormatInt(id, 10)] = n
		}
		body, err := json.Marshal(data)
		if err != nil {
			return err
		}
		return send(func(buf *bytes.Buffer) error {
			fmt.Fprintf(buf, "event: counts\ndata: %s\n\n", body)
			return nil
		})
	}
	if err := update(); err != nil {
		return nil // the response has begun: a failed stream just ends
	}
	ticker := time.NewTicker(streamHeartbeat)
	defer ticker.Stop()
	var countsDue <-chan time.Time // set while counts wait for their turn
	var countsSent time.Time
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-s.live.closed:
			return nil
		case <-ticker.C:
			if send(func(buf *bytes.Buffer) error { _, err := buf.WriteString(": ping\n\n"); return err }) != nil {
				return nil
			}
		case <-st.wake:
			if update() != nil {
				return nil
			}
		case <-st.counts:
			if countsDue == nil {
				countsDue = time.After(max(countsEvery-time.Since(countsSent), 0))
			}
		case <-countsDue:
			countsDue, countsSent = nil, time.Now()
			if sendCounts() != nil {
				return nil
			}
		}
	}
}

// eventsAfter is the events that bring a page rendered with the comments
// up to after to e: every comment above after.
func (s *Site) eventsAfter(e *articleEntry, after int64) ([]byte, error) {
	i, _ := slices.BinarySearchFunc(e.comments, after+1, func(c *qalam.Comment, id int64) int { return cmp.Compare(c.ID, id) })
	var buf bytes.Buffer
	for _, c := range e.comments[i:] {
		if err := s.writeCommentEvent(&buf, e, c); err != nil {
			return nil, err
		}
	}
	return buf.Bytes(), nil
}

// eventsSince is the events that bring a page up to date with prev up to
// date with e: comments gone, new and edited. Every stream of the article
// makes the same step, so it is computed once and kept in e.
func (s *Site) eventsSince(prev, e *articleEntry) ([]byte, error) {
	e.mu.Lock()
	events, ok := e.diffs[prev.seq]
	e.mu.Unlock()
	if ok {
		return events, nil
	}
	var buf bytes.Buffer
	before := make(map[int64]*qalam.Comment, len(prev.comments))
	for _, c := range prev.comments {
		before[c.ID] = c
		if _, ok := e.names[c.ID]; !ok {
			fmt.Fprintf(&buf, "event: gone\ndata: %d\n\n", c.ID)
		}
	}
	for _, c := range e.comments {
		if old, ok := before[c.ID]; ok && old.EditedAt.Equal(c.EditedAt) && old.ErasedAt.Equal(c.ErasedAt) && old.BodyHTML == c.BodyHTML {
			continue // shown, and unchanged
		}
		if err := s.writeCommentEvent(&buf, e, c); err != nil {
			return nil, err
		}
	}
	events = buf.Bytes()
	e.mu.Lock()
	if e.diffs == nil {
		e.diffs = map[uint64][]byte{}
	}
	e.diffs[prev.seq] = events
	e.mu.Unlock()
	s.cache.grow(e, len(events))
	return events, nil
}

// writeCommentEvent writes a "comment" event for c, rendered once per entry.
func (s *Site) writeCommentEvent(buf *bytes.Buffer, e *articleEntry, c *qalam.Comment) error {
	e.mu.Lock()
	data, ok := e.live[c.ID]
	e.mu.Unlock()
	if !ok {
		html, err := s.renderOne(e, c)
		if err != nil {
			return err
		}
		if data, err = json.Marshal(liveEvent{ID: c.ID, Parent: e.thread.Under(c.ID), HTML: string(html)}); err != nil {
			return err
		}
		e.mu.Lock()
		if e.live == nil {
			e.live = map[int64][]byte{}
		}
		e.live[c.ID] = data
		e.mu.Unlock()
	}
	fmt.Fprintf(buf, "id: %d\nevent: comment\ndata: %s\n\n", c.ID, data)
	return nil
}

// renderOne renders one comment, without its replies, as the thread
// partial does (a list item the script takes), at its depth in the thread
// and with no count (a new comment has none; the counts events follow).
func (s *Site) renderOne(e *articleEntry, c *qalam.Comment) ([]byte, error) {
	one := *c
	one.Replies = nil
	var buf bytes.Buffer
	t := s.threadSettings(e.article)
	t.Marker = ""
	if err := s.view.ExecutePartial(&buf, "thread-item", t.Item(&one)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// wakeStreams passes a committed change on to the live streams.
func (s *Site) wakeStreams(c store.Change) {
	if c.All || c.ArticleID == 0 {
		s.live.notify(0)
		return
	}
	s.live.notify(c.ArticleID)
}
