package web

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/view"
)

// maxThreadDepth is how deep replies nest on the page; deeper replies are
// shown at this depth, under their nearest shown ancestor.
const maxThreadDepth = 6

// articleEntry returns the article ready to render, from the cache or the
// store. Drafts are not found: readers only see published articles.
func (s *Site) articleEntry(ctx context.Context, slug string) (*articleEntry, error) {
	// An entry is kept until its discussion closes by time, if it does:
	// the closing changes nothing in the database that would drop it.
	if e := s.cache.article(slug); e != nil && (e.closesAt.IsZero() || s.now().Before(e.closesAt)) {
		return e, nil
	}
	// When a popular page drops out of the cache, the readers asking for it
	// at that moment share one load instead of each running their own.
	// The load outlives a reader who leaves, since others wait on it.
	v, err, _ := s.loads.Do(slug, func() (any, error) { return s.loadArticleEntry(context.WithoutCancel(ctx), slug) })
	if err != nil {
		return nil, err
	}
	return v.(*articleEntry), nil
}

// loadArticleEntry builds an article's entry from the store and caches it.
// Nothing is rendered yet: each part of the discussion is rendered when a
// reader first asks for it.
func (s *Site) loadArticleEntry(ctx context.Context, slug string) (*articleEntry, error) {
	gen, live := s.cache.generation()
	a, err := s.store.ArticleBySlug(ctx, slug)
	if err != nil {
		return nil, err
	}
	if a.Status != qalam.Published {
		return nil, qalam.Errorf(qalam.KindNotFound, "article not found")
	}
	// A discussion closed by its policy's time is shown, and refused, as
	// one closed by hand: the entry's copy of the article says so.
	policy, err := s.store.ArticlePolicy(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	var closesAt time.Time
	if !a.CommentsClosed {
		if policy.Closed(a.PublishedAt, s.now()) {
			a.CommentsClosed = true
		} else {
			closesAt = policy.ClosesAt(a.PublishedAt)
		}
	}
	approved := qalam.Approved
	comments, err := s.store.FindComments(ctx, store.CommentFilter{ArticleID: a.ID, Status: &approved})
	if err != nil {
		return nil, err
	}
	e := &articleEntry{article: a, seq: s.loadSeq.Add(1), names: make(map[int64]string, len(comments)), comments: comments}
	e.policy, e.closesAt = policy, closesAt
	// The article in the other language, whatever its state: a change to
	// it changes this page too (the cache drops both).
	switch tr, err := s.store.Translation(ctx, a.ID); {
	case err == nil:
		e.translation = tr
	case !isNotFound(err):
		return nil, err
	}
	for _, c := range comments {
		e.names[c.ID] = c.AuthorName
		e.latest = max(e.latest, c.ID)
	}
	e.thread = qalam.NewThread(comments, maxThreadDepth)
	e.oldest = e.thread.Order(qalam.SortOldest, nil)
	e.newest = e.thread.Order(qalam.SortNewest, nil)
	s.reuseItems(e, s.cache.takeRetired(slug))
	if live {
		s.cache.putArticle(gen, e)
	}
	return e, nil
}

// sharedPage returns the article page as most readers get it, with the
// first part of the discussion in sort's order, rendering it once.
func (s *Site) sharedPage(ctx context.Context, e *articleEntry, sort qalam.ThreadSort, counts *articleCounts) (*holed, error) {
	d := sharedDiscussion(e)
	o, version := s.order(d, sort, counts)
	key := pageKey{sort, version}
	e.mu.Lock()
	h := e.pages[key]
	e.mu.Unlock()
	if h != nil {
		return h, nil
	}
	var thread []byte
	if e.thread.Total > 0 {
		var err error
		if thread, err = s.renderPart(d, sort, o.Part(nil), "thread-part"); err != nil {
			return nil, err
		}
	}
	form := s.newForm(e.article)
	form.Key = s.marker + "k" // the key hole
	var buf bytes.Buffer
	if err := s.view.Execute(&buf, "site/article", s.articlePageWith(ctx, e, form, thread)); err != nil {
		return nil, err
	}
	h = s.cut(buf.Bytes())
	// A closed discussion, and a static mirror's page, have no form.
	if n := h.keys(); n != 1 && !(n == 0 && (e.article.CommentsClosed || s.opts.Mirror != "")) {
		return nil, fmt.Errorf("web: article page holds the key hole %d times", n)
	}
	grown := h.size
	e.mu.Lock()
	if e.pages == nil {
		e.pages = map[pageKey]*holed{}
	}
	for k, old := range e.pages {
		if k.sort == sort && k.version != version { // an older most-recommended order
			grown -= old.size
			delete(e.pages, k)
		}
	}
	e.pages[key] = h
	e.mu.Unlock()
	s.cache.grow(e, grown)
	return h, nil
}

func (s *Site) showArticle(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	e, err := s.articleEntry(ctx, r.PathValue("slug"))
	if err != nil {
		return err
	}
	counts, err := s.counts.get(ctx, e.article.ID)
	if err != nil {
		return err
	}
	q := parseThreadQuery(r.URL.Query())
	if isPlainRequest(r) && q.after == nil && (q.target == 0 || s.inFirstPart(e, q, counts)) {
		h, err := s.sharedPage(ctx, e, q.sort, counts)
		if err != nil {
			return err
		}
		w.Header().Set("Cache-Control", "no-cache")
		s.writeHoled(w, http.StatusOK, h, counts)
		return nil
	}
	form := s.newForm(e.article)
	if rem, ok := readRemembered(r); ok {
		form.Name, form.Email, form.URL, form.Remember = rem.Name, rem.Email, rem.URL, true
	}
	if id, err := strconv.ParseInt(r.URL.Query().Get("replytocom"), 10, 64); err == nil {
		if name, ok := e.names[id]; ok {
			form.ParentID, form.ReplyTo = id, name
		}
	}
	held, err := s.ownHeldComments(ctx, r, e.article.ID)
	if err != nil {
		return err
	}
	d := ownDiscussion(e, held)
	o, _ := s.order(d, q.sort, counts)
	var thread []byte
	if d.thread.Total > 0 {
		if thread, err = s.renderPart(d, q.sort, part(o, q), "thread-part"); err != nil {
			return err
		}
	}
	page := s.articlePageWith(ctx, e, form, thread)
	if len(held) > 0 {
		// The reader sees their own comments awaiting moderation in place:
		// this page is theirs alone, built without the shared cache.
		page.Held = r.URL.Query().Has("held")
		page.NoIndex = true
		w.Header().Set("Cache-Control", "private, no-store")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	buf := s.buffer()
	defer s.release(buf)
	buf.Grow(len(thread) + 32<<10)
	if err := s.view.Execute(buf, "site/article", page); err != nil {
		return err
	}
	s.writeHoled(w, http.StatusOK, s.cut(buf.Bytes()), counts)
	return nil
}

// inFirstPart reports whether the comment the query targets is in the
// first part of its order, which the shared page shows.
func (s *Site) inFirstPart(e *articleEntry, q threadQuery, counts *articleCounts) bool {
	o, _ := s.order(sharedDiscussion(e), q.sort, counts)
	p, ok := o.PartWith(q.target)
	return ok && p.First
}

// isPlainRequest reports whether the reader gets the article page everyone
// gets: a query naming at most the order and a comment to show (no reply
// target, held notice or later part), and no cookie that makes the page
// theirs (remembered name, held comments).
func isPlainRequest(r *http.Request) bool {
	for k := range r.URL.Query() {
		if k != "sort" && k != "comment" {
			return false
		}
	}
	for _, name := range []string{rememberCookie, heldCookie} {
		if _, err := r.Cookie(name); err == nil {
			return false
		}
	}
	return true
}

// articlePage is the article page with the first part of its discussion,
// counts filled in, for pages rendered as they are (a comment form sent
// back with errors, a preview).
func (s *Site) articlePage(ctx context.Context, e *articleEntry, form view.CommentForm) view.ArticlePage {
	var thread []byte
	if e.thread != nil && e.thread.Total > 0 {
		part, err := s.renderPart(sharedDiscussion(e), qalam.SortOldest, e.oldest.Part(nil), "thread-part")
		if err != nil {
			// A template bug, which the page tests catch: the page still
			// serves its purpose (the form) without the discussion.
			s.log.ErrorContext(ctx, "discussion failed to render", "article_id", e.article.ID, "err", err)
		} else {
			counts, _ := s.counts.get(ctx, e.article.ID) // without counts, none are shown
			thread = s.cut(part).fill(counts, "")
		}
	}
	return s.articlePageWith(ctx, e, form, thread)
}

// articlePageWith is the article page with the given rendering of its
// discussion (from the thread partials, so safe to insert).
func (s *Site) articlePageWith(ctx context.Context, e *articleEntry, form view.CommentForm, thread []byte) view.ArticlePage {
	a := e.article
	page := view.ArticlePage{Page: s.page(ctx), Article: a, Thread: template.HTML(thread), Form: form}
	page.Title = a.Headline
	page.Description = a.Standfirst
	page.Lang = a.Language
	page.Canonical = s.opts.BaseURL + view.ArticlePath(a.Slug)
	s.describeArticle(&page.Page, a) // meta.go
	if tr := e.translation; tr != nil && tr.Status == qalam.Published && tr.Language != a.Language {
		page.Translation = tr
		page.Alternates = s.alternates(a, tr)
	}
	return page
}

// alternates declares an article and its translation to search engines,
// each page naming both; English is the default for readers of neither
// language.
func (s *Site) alternates(a, tr *qalam.Article) []view.Alternate {
	list := make([]view.Alternate, 0, 3)
	for _, v := range []*qalam.Article{a, tr} {
		href := s.opts.BaseURL + view.ArticlePath(v.Slug)
		list = append(list, view.Alternate{Lang: string(v.Language), Href: href})
		if v.Language == qalam.English {
			list = append(list, view.Alternate{Lang: "x-default", Href: href})
		}
	}
	return list
}

// newForm is an empty comment form with a fresh one-time key.
func (s *Site) newForm(a *qalam.Article) view.CommentForm {
	path := view.ArticlePath(a.Slug)
	return view.CommentForm{Action: path + "/comments", ArticlePath: path, Key: newFormKey(), Closed: a.CommentsClosed, Mail: s.opts.Mail}
}

// newFormKey is the one-time key a comment form carries, 26 characters:
// the time it was issued and 80 random bits (see formKeyAt), so the shared
// copy of a page still tells when each reader was served it.
func newFormKey() string { return formKeyAt(wallClock()) }

// ownHeldComments returns the comments on this article that this browser
// posted and that still await moderation. Its comments kept as spam are
// among them, shown as held: a spammer, or a banned reader, sees exactly
// what anyone whose comment waits sees, and learns nothing.
func (s *Site) ownHeldComments(ctx context.Context, r *http.Request, articleID int64) ([]*qalam.Comment, error) {
	ids := s.heldIDs(r)
	if len(ids) == 0 {
		return nil, nil
	}
	list, err := s.store.FindComments(ctx, store.CommentFilter{ArticleID: articleID, IDs: ids})
	if err != nil {
		return nil, err
	}
	held := list[:0]
	for _, c := range list {
		switch c.Status {
		case qalam.Pending:
			held = append(held, c)
		case qalam.Spam:
			shown := *c
			shown.Status, shown.ModerationReason = qalam.Pending, ""
			held = append(held, &shown)
		}
	}
	return held, nil
}

// sortByID puts comments in ID order, the order a thread is built in.
func sortByID(comments []*qalam.Comment) {
	slices.SortFunc(comments, func(x, y *qalam.Comment) int { return cmp.Compare(x.ID, y.ID) })
}

// isNotFound reports whether err means the thing does not exist.
func isNotFound(err error) bool { return errors.Is(err, qalam.ErrNotFound) }
