package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/markup"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/view"
)

// A reader may change or delete their own comment for a short while after
// posting it, from the browser that posted it: the one holding the
// commenter token the comment was stored under. The article page everyone
// shares cannot carry per-reader links, so owncomment.js asks
// /articles/{slug}/comments/mine for this browser's editable comments and
// adds the links itself.

// ownCommentWindow is how long after posting a comment its author may
// change it. The store measures it by its own clock.
const ownCommentWindow = 15 * time.Minute

// editsPerMinute bounds one commenter's edits: each is a write and drops
// the article's cached page on every node.
const editsPerMinute = 10

// ownCommenterID is the commenter whose token this browser holds, or 0.
// Unlike posting, it never creates one.
func (s *Site) ownCommenterID(ctx context.Context, r *http.Request) (int64, error) {
	c, err := s.ownCommenter(ctx, r)
	if c == nil || err != nil {
		return 0, err
	}
	return c.ID, nil
}

// ownCommenter is the browser's commenter identity, or nil when it has
// none.
func (s *Site) ownCommenter(ctx context.Context, r *http.Request) (*qalam.Commenter, error) {
	ck, err := r.Cookie(commenterCookie)
	if err != nil || ck.Value == "" || len(ck.Value) > 128 {
		return nil, nil
	}
	c, err := s.store.CommenterByToken(ctx, tokenHash(ck.Value))
	if isNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}

// errNotOwner is the refusal a browser gets for a comment it did not post.
func errNotOwner() error {
	return qalam.Errorf(qalam.KindForbidden, "Only the browser that posted a comment can change it.")
}

// ownComment loads the article and the comment named in the path, if this
// browser may still change that comment.
func (s *Site) ownComment(ctx context.Context, r *http.Request) (*articleEntry, *qalam.Comment, int64, error) {
	e, err := s.articleEntry(ctx, r.PathValue("slug"))
	if err != nil {
		return nil, nil, 0, err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, nil, 0, qalam.Errorf(qalam.KindNotFound, "There is no such comment.")
	}
	commenterID, err := s.ownCommenterID(ctx, r)
	if err != nil {
		return nil, nil, 0, err
	}
	if commenterID == 0 {
		return nil, nil, 0, errNotOwner()
	}
	c, err := s.store.OwnComment(ctx, id, commenterID, ownCommentWindow)
	if err != nil {
		return nil, nil, 0, ownCommentError(err)
	}
	if c.ArticleID != e.article.ID {
		return nil, nil, 0, qalam.Errorf(qalam.KindNotFound, "There is no such comment.")
	}
	return e, c, commenterID, nil
}

// ownCommentError gives a reader's not-found a message of its own; the
// store's other refusals speak for themselves.
func ownCommentError(err error) error {
	if isNotFound(err) {
		return qalam.Errorf(qalam.KindNotFound, "This comment is no longer on the site.")
	}
	return err
}

// ownCommentEdit is a comment's edit page as first shown.
func (s *Site) ownCommentEdit(ctx context.Context, e *articleEntry, c *qalam.Comment) view.CommentEditPage {
	a := e.article
	path := view.ArticlePath(a.Slug)
	base := path + "/comments/" + strconv.FormatInt(c.ID, 10)
	page := view.CommentEditPage{
		Page:         s.page(ctx),
		Article:      a,
		Comment:      c,
		Action:       base + "/edit",
		DeleteAction: base + "/delete",
		ArticlePath:  path,
		Body:         c.Body,
		Until:        c.CreatedAt.Add(ownCommentWindow),
		Errors:       qalam.FieldErrors{},
	}
	page.Lang = a.Language
	page.Title = view.EditLinkLabel(a.Language)
	page.NoIndex = true
	return page
}

func (s *Site) showCommentEdit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	e, c, _, err := s.ownComment(ctx, r)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "private, no-store")
	return s.view.Render(w, http.StatusOK, "site/comment-edit", s.ownCommentEdit(ctx, e, c))
}

func (s *Site) editOwnComment(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	e, c, commenterID, err := s.ownComment(ctx, r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxCommentForm)
	if err := r.ParseForm(); err != nil {
		if strings.Contains(err.Error(), "too large") {
			return qalam.Errorf(qalam.KindTooLarge, "Your comment is far longer than we accept.")
		}
		return qalam.Errorf(qalam.KindInvalid, "We could not read that form. Please try again.")
	}
	typed := r.PostForm.Get("comment")
	// The new text is checked as a new comment's would be, with the name
	// and email it was posted under.
	edited := &qalam.Comment{AuthorName: c.AuthorName, AuthorEmail: c.AuthorEmail, AuthorURL: c.AuthorURL, Body: typed}
	edited.Normalize()
	if qe, ok := errors.AsType[*qalam.Error](edited.Validate()); ok && qe.Fields["body"] != "" {
		return s.rejectEdit(w, r, e, c, typed, qalam.FieldErrors{"body": qe.Fields["body"]})
	}
	path := view.ArticlePath(e.article.Slug)
	if edited.Body == c.Body {
		http.Redirect(w, r, path+"?comment="+strconv.FormatInt(c.ID, 10)+"#"+c.Anchor(), http.StatusSeeOther) // nothing changed
		return nil
	}
	ok, _, err := s.store.Hit(ctx, "comment-edit", strconv.FormatInt(commenterID, 10), time.Minute, editsPerMinute)
	if err != nil {
		return err
	}
	if !ok {
		return tooFast()
	}
	// The new text is screened as a new comment's is, so an approved
	// comment cannot be edited into spam or abuse that stays published.
	edited.ArticleID, edited.CommenterID, edited.IPHash = c.ArticleID, commenterID, s.ClientKey(r)
	commenter, err := s.ownCommenter(ctx, r)
	if err != nil {
		return err
	}
	verdict := s.screen(ctx, e, edited, commenter, false)
	edit := store.OwnEdit{Body: edited.Body, BodyHTML: markup.Comment(edited.Body), Status: verdict.Status, Reason: verdict.Reason()}
	stored, err := s.store.EditOwnComment(ctx, c.ID, commenterID, edit, ownCommentWindow)
	if err != nil {
		if qe, ok := errors.AsType[*qalam.Error](err); ok && qe.Kind == qalam.KindInvalid && len(qe.Fields) > 0 {
			return s.rejectEdit(w, r, e, c, typed, qe.Fields)
		}
		return ownCommentError(err)
	}
	// This node drops its copy now; the change feed tells the others.
	s.Invalidate(store.Change{ArticleID: e.article.ID})
	if stored.Status != qalam.Approved {
		// Held again, as a new comment would be: shown to its author alone.
		s.addHeld(w, r, c.ID)
		http.Redirect(w, r, path+"?held="+strconv.FormatInt(c.ID, 10)+"#"+c.Anchor(), http.StatusSeeOther)
		return nil
	}
	// ?comment= shows the part of a long discussion that holds it.
	http.Redirect(w, r, path+"?comment="+strconv.FormatInt(c.ID, 10)+"#"+c.Anchor(), http.StatusSeeOther)
	return nil
}

// rejectEdit sends the edit form back with what the reader typed.
func (s *Site) rejectEdit(w http.ResponseWriter, r *http.Request, e *articleEntry, c *qalam.Comment, typed string, errs qalam.FieldErrors) error {
	page := s.ownCommentEdit(r.Context(), e, c)
	page.Body = typed
	page.Errors = errs
	page.Message = "Your changes were not saved. Please correct the comment; what you wrote is kept below."
	w.Header().Set("Cache-Control", "no-store")
	return s.view.Render(w, http.StatusUnprocessableEntity, "site/comment-edit", page)
}

func (s *Site) deleteOwnComment(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	e, c, commenterID, err := s.ownComment(ctx, r)
	if err != nil {
		return err
	}
	if err := s.store.DeleteOwnComment(ctx, c.ID, commenterID, ownCommentWindow); err != nil {
		return ownCommentError(err)
	}
	s.Invalidate(store.Change{ArticleID: e.article.ID})
	http.Redirect(w, r, view.ArticlePath(e.article.Slug)+"#comments", http.StatusSeeOther)
	return nil
}

// ownCommentsJSON is the answer of /comments/mine.
type ownCommentsJSON struct {
	Label    string           `json:"label"` // the links' text, in the article's language
	Comments []ownCommentJSON `json:"comments"`
}

type ownCommentJSON struct {
	ID     int64  `json:"id"`
	Anchor string `json:"anchor"`
	Edit   string `json:"edit"`
	Until  string `json:"until"` // RFC 3339
}

// listOwnComments tells this browser which of its comments on the article
// it may still change, for the script that adds "Edit" links to the
// shared page.
func (s *Site) listOwnComments(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	e, err := s.articleEntry(ctx, r.PathValue("slug"))
	if err != nil {
		return err
	}
	a := e.article
	out := ownCommentsJSON{Label: view.EditLinkLabel(a.Language), Comments: []ownCommentJSON{}}
	commenterID, err := s.ownCommenterID(ctx, r)
	if err != nil {
		return err
	}
	if commenterID != 0 {
		list, err := s.store.OwnComments(ctx, a.ID, commenterID, ownCommentWindow)
		if err != nil {
			return err
		}
		base := view.ArticlePath(a.Slug) + "/comments/"
		for _, c := range list {
			out.Comments = append(out.Comments, ownCommentJSON{
				ID:     c.ID,
				Anchor: c.Anchor(),
				Edit:   base + strconv.FormatInt(c.ID, 10) + "/edit",
				Until:  c.CreatedAt.Add(ownCommentWindow).UTC().Format(time.RFC3339),
			})
		}
	}
	body, err := json.Marshal(out)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Vary", "Cookie")
	w.WriteHeader(http.StatusOK)
	w.Write(body)
	return nil
}
