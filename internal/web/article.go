package web

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"slices"
	"strconv"

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
	if e := s.cache.article(slug); e != nil {
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
func (s *Site) loadArticleEntry(ctx context.Context, slug string) (*articleEntry, error) {
	gen, live := s.cache.generation()
	a, err := s.store.ArticleBySlug(ctx, slug)
	if err != nil {
		return nil, err
	}
	if a.Status != qalam.Published {
		return nil, qalam.Errorf(qalam.KindNotFound, "article not found")
	}
	approved := qalam.Approved
	comments, err := s.store.FindComments(ctx, store.CommentFilter{ArticleID: a.ID, Status: &approved})
	if err != nil {
		return nil, err
	}
	thread, err := s.renderThread(a, comments)
	if err != nil {
		return nil, err
	}
	e := &articleEntry{article: a, thread: thread, names: make(map[int64]string, len(comments)), comments: comments}
	for _, c := range comments {
		e.names[c.ID] = c.AuthorName
	}
	if !live {
		return e, nil // not kept, so not worth splitting
	}
	if e.before, e.after, err = s.splitPage(ctx, e); err != nil {
		return nil, err
	}
	s.cache.putArticle(gen, e)
	return e, nil
}

// keyMarker stands in for the form's one-time key while the shared copy of
// an article page is rendered; it has a real key's length and alphabet.
const keyMarker = "QALAMKEYMARKERQALAMKEYMARK"

// splitPage renders the article page as most readers get it and splits it
// around the one-time key, so serving it costs two writes, not a render.
func (s *Site) splitPage(ctx context.Context, e *articleEntry) (before, after []byte, err error) {
	form := s.newForm(e.article)
	form.Key = keyMarker
	var buf bytes.Buffer
	if err := s.view.Execute(&buf, "site/article", s.articlePage(ctx, e, form)); err != nil {
		return nil, nil, err
	}
	page := buf.Bytes()
	i := bytes.Index(page, []byte(keyMarker))
	if i < 0 || bytes.Count(page, []byte(keyMarker)) != 1 {
		if e.article.CommentsClosed {
			return page, nil, nil // no form, no key
		}
		return nil, nil, fmt.Errorf("web: article page holds the key marker %d times", bytes.Count(page, []byte(keyMarker)))
	}
	return page[:i], page[i+len(keyMarker):], nil
}

// writeSplitPage serves the shared copy of an article page with a fresh
// one-time key in its place.
func writeSplitPage(w http.ResponseWriter, e *articleEntry) {
	key := newFormKey()
	if e.after == nil {
		key = ""
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(e.before)+len(key)+len(e.after)))
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	w.Write(e.before)
	if e.after != nil {
		io.WriteString(w, key)
		w.Write(e.after)
	}
}

// renderThread renders comments (oldest first) as the nested discussion.
func (s *Site) renderThread(a *qalam.Article, comments []*qalam.Comment) (template.HTML, error) {
	if len(comments) == 0 {
		return "", nil
	}
	roots := qalam.BuildThread(comments, maxThreadDepth)
	var buf bytes.Buffer
	buf.Grow(len(comments) * 900)
	t := view.Thread{Comments: roots, Lang: a.Language, ArticlePath: view.ArticlePath(a.Slug), Closed: a.CommentsClosed}
	if err := s.view.ExecutePartial(&buf, "thread", t); err != nil {
		return "", err
	}
	// The partial's output is built from sanitised comment HTML and
	// escaped fields, so it is safe to insert as it is.
	return template.HTML(buf.String()), nil
}

func (s *Site) showArticle(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	e, err := s.articleEntry(ctx, r.PathValue("slug"))
	if err != nil {
		return err
	}
	if e.before != nil && isPlainRequest(r) {
		writeSplitPage(w, e)
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
	page := s.articlePage(ctx, e, form)
	held, err := s.ownHeldComments(ctx, r, e.article.ID)
	if err != nil {
		return err
	}
	if len(held) > 0 {
		// The reader sees their own comments awaiting moderation in place:
		// this page is theirs alone, built without the shared cache.
		if page.Thread, err = s.threadWith(ctx, e.article, held); err != nil {
			return err
		}
		page.Held = r.URL.Query().Has("held")
		page.NoIndex = true
		w.Header().Set("Cache-Control", "private, no-store")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	return s.view.Render(w, http.StatusOK, "site/article", page)
}

// isPlainRequest reports whether the reader gets the article page everyone
// gets: no query (reply target, held notice), and no cookie that makes the
// page theirs (remembered name, held comments).
func isPlainRequest(r *http.Request) bool {
	if r.URL.RawQuery != "" {
		return false
	}
	for _, name := range []string{rememberCookie, heldCookie} {
		if _, err := r.Cookie(name); err == nil {
			return false
		}
	}
	return true
}

func (s *Site) articlePage(ctx context.Context, e *articleEntry, form view.CommentForm) view.ArticlePage {
	a := e.article
	page := view.ArticlePage{Page: s.page(ctx), Article: a, Thread: e.thread, Form: form}
	page.Title = a.Headline
	page.Description = a.Standfirst
	page.Lang = a.Language
	page.Canonical = s.opts.BaseURL + view.ArticlePath(a.Slug)
	return page
}

// newForm is an empty comment form with a fresh one-time key.
func (s *Site) newForm(a *qalam.Article) view.CommentForm {
	path := view.ArticlePath(a.Slug)
	return view.CommentForm{Action: path + "/comments", ArticlePath: path, Key: newFormKey(), Closed: a.CommentsClosed}
}

// newFormKey is the one-time key a comment form carries, 26 characters:
// the time it was issued and 80 random bits (see formKeyAt), so the shared
// copy of a page still tells when each reader was served it.
func newFormKey() string { return formKeyAt(wallClock()) }

// ownHeldComments returns the comments on this article that this browser
// posted and that still await moderation.
func (s *Site) ownHeldComments(ctx context.Context, r *http.Request, articleID int64) ([]*qalam.Comment, error) {
	ids := s.heldIDs(r)
	if len(ids) == 0 {
		return nil, nil
	}
	pending := qalam.Pending
	return s.store.FindComments(ctx, store.CommentFilter{ArticleID: articleID, Status: &pending, IDs: ids})
}

// threadWith renders the approved thread with the reader's held comments
// in their places.
func (s *Site) threadWith(ctx context.Context, a *qalam.Article, held []*qalam.Comment) (template.HTML, error) {
	approved := qalam.Approved
	comments, err := s.store.FindComments(ctx, store.CommentFilter{ArticleID: a.ID, Status: &approved})
	if err != nil {
		return "", err
	}
	comments = append(comments, held...)
	slices.SortFunc(comments, func(x, y *qalam.Comment) int { return cmp.Compare(x.ID, y.ID) })
	return s.renderThread(a, comments)
}

// isNotFound reports whether err means the thing does not exist.
func isNotFound(err error) bool { return errors.Is(err, qalam.ErrNotFound) }
