package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/view"
)

// Live discussion: an open article page follows its discussion through
// Server-Sent Events, so newly approved comments appear and rejected ones
// disappear without a reload. The page works fully without it.

// maxStreams bounds the open event streams of one node; beyond it readers
// simply do without live updates (the script does not retry a 503).
const maxStreams = 5000

// streamHeartbeat keeps proxies from closing an idle stream.
const streamHeartbeat = 25 * time.Second

// liveHub wakes the streams of an article when its discussion changes.
type liveHub struct {
	mu      sync.Mutex
	streams map[int64]map[chan struct{}]struct{} // by article ID
	count   int
	closed  chan struct{} // closed when the site shuts down
	once    sync.Once
}

func newLiveHub() *liveHub {
	return &liveHub{streams: map[int64]map[chan struct{}]struct{}{}, closed: make(chan struct{})}
}

// subscribe registers a stream for an article; ok is false when the node
// has as many streams as it serves.
func (h *liveHub) subscribe(articleID int64) (wake chan struct{}, cancel func(), ok bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.count >= maxStreams {
		return nil, nil, false
	}
	wake = make(chan struct{}, 1)
	if h.streams[articleID] == nil {
		h.streams[articleID] = map[chan struct{}]struct{}{}
	}
	h.streams[articleID][wake] = struct{}{}
	h.count++
	return wake, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		delete(h.streams[articleID], wake)
		if len(h.streams[articleID]) == 0 {
			delete(h.streams, articleID)
		}
		h.count--
	}, true
}

// notify wakes the streams of the changed article, or all of them (0).
func (h *liveHub) notify(articleID int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for id, set := range h.streams {
		if articleID != 0 && id != articleID {
			continue
		}
		for wake := range set {
			select {
			case wake <- struct{}{}:
			default: // already woken; one look at the database serves both
			}
		}
	}
}

// close ends every stream, so a graceful shutdown need not wait for them.
func (h *liveHub) close() { h.once.Do(func() { close(h.closed) }) }

// CloseStreams ends the open live streams; call it before shutting the
// server down, which otherwise waits for them.
func (s *Site) CloseStreams() { s.live.close() }

// liveEvent is one comment added to the discussion.
type liveEvent struct {
	ID     int64  `json:"id"`
	Parent int64  `json:"parent"`
	HTML   string `json:"html"`
}

// followDiscussion streams an article's discussion: "comment" events for
// comments approved since the page was rendered (after=the newest comment
// ID it showed, or the browser's Last-Event-ID), "gone" events for comments
// no longer public, and "count" events with the number of comments.
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
	wake, cancel, ok := s.live.subscribe(articleID)
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

	// The comments this page shows: those up to "after" that are public.
	shown := map[int64]bool{}
	for id := range e.names {
		if id <= after {
			shown[id] = true
		}
	}
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
		if _, err := w.Write(buf.Bytes()); err != nil {
			return err
		}
		return rc.Flush()
	}
	update := func() error {
		e, err := s.articleEntry(ctx, r.PathValue("slug"))
		if err != nil {
			return err
		}
		return send(func(buf *bytes.Buffer) error { return s.writeDiscussionEvents(buf, e, shown) })
	}
	if err := update(); err != nil {
		return nil // the response has begun: a failed stream just ends
	}
	ticker := time.NewTicker(streamHeartbeat)
	defer ticker.Stop()
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
		case <-wake:
			if update() != nil {
				return nil
			}
		}
	}
}

// writeDiscussionEvents writes the events that bring a page showing the
// comments in shown up to date with e, and updates shown.
func (s *Site) writeDiscussionEvents(buf *bytes.Buffer, e *articleEntry, shown map[int64]bool) error {
	for id := range shown {
		if _, ok := e.names[id]; !ok {
			delete(shown, id)
			fmt.Fprintf(buf, "event: gone\ndata: %d\n\n", id)
		}
	}
	for _, c := range e.comments {
		if shown[c.ID] {
			continue
		}
		html, err := s.renderOne(e.article, c)
		if err != nil {
			return err
		}
		data, err := json.Marshal(liveEvent{ID: c.ID, Parent: c.ParentID, HTML: string(html)})
		if err != nil {
			return err
		}
		shown[c.ID] = true
		fmt.Fprintf(buf, "id: %d\nevent: comment\ndata: %s\n\n", c.ID, data)
	}
	fmt.Fprintf(buf, "event: count\ndata: %d\n\n", len(e.names))
	return nil
}

// renderOne renders one comment, without its replies, as the thread
// partial does (a one-item list the script takes the item from).
func (s *Site) renderOne(a *qalam.Article, c *qalam.Comment) ([]byte, error) {
	one := *c
	one.Replies = nil
	var buf bytes.Buffer
	t := view.Thread{Comments: []*qalam.Comment{&one}, Lang: a.Language, ArticlePath: view.ArticlePath(a.Slug), Closed: a.CommentsClosed}
	if err := s.view.ExecutePartial(&buf, "thread", t); err != nil {
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
