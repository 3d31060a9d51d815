package web

import (
	"context"
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

// maxCommentForm bounds a comment post's body: a 5,000-character comment
// in any script fits many times over.
const maxCommentForm = 64 << 10

// commentForm is a comment post as the reader sent it.
type commentForm struct {
	key      string
	parentID int64
	name     string
	email    string
	url      string
	body     string
	remember bool
	notify   bool   // "email me when someone replies"
	honeypot bool   // the hidden field people never see was filled in
	message  string // what is wrong with the form as a whole, if not its fields
	errors   qalam.FieldErrors
}

func parseCommentForm(w http.ResponseWriter, r *http.Request) (commentForm, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxCommentForm)
	if err := r.ParseForm(); err != nil {
		if strings.Contains(err.Error(), "too large") {
			return commentForm{}, qalam.Errorf(qalam.KindTooLarge, "Your comment is far longer than we accept.")
		}
		return commentForm{}, qalam.Errorf(qalam.KindInvalid, "We could not read that form. Please try again.")
	}
	f := commentForm{
		key:      strings.TrimSpace(r.PostForm.Get("key")),
		name:     r.PostForm.Get("name"),
		email:    r.PostForm.Get("email"),
		url:      r.PostForm.Get("url"),
		body:     r.PostForm.Get("comment"),
		remember: r.PostForm.Get("remember") != "",
		notify:   r.PostForm.Get("notify") != "",
		honeypot: r.PostForm.Get(honeypotField) != "",
		errors:   qalam.FieldErrors{},
	}
	if p := strings.TrimSpace(r.PostForm.Get("parent_id")); p != "" {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil || id <= 0 {
			f.errors["parent"] = "The comment you are replying to does not exist."
		}
		f.parentID = id
	}
	// A form without its key (an old page, a hand-made post) still gets
	// one, so it is stored once even if this request is retried.
	if f.key == "" || len(f.key) > 64 {
		f.key = newFormKey()
	}
	return f, nil
}

// comment builds the comment the form describes and collects what is
// wrong with it.
func (f *commentForm) comment() *qalam.Comment {
	c := &qalam.Comment{
		ParentID:       f.parentID,
		AuthorName:     f.name,
		AuthorEmail:    f.email,
		AuthorURL:      f.url,
		Body:           f.body,
		IdempotencyKey: f.key,
	}
	c.Normalize()
	if err, ok := c.Validate().(*qalam.Error); ok {
		for k, v := range err.Fields {
			f.errors[k] = v
		}
	}
	return c
}

// view is the form as sent back to the reader, with their text kept.
func (f *commentForm) view(base view.CommentForm) view.CommentForm {
	base.Key = f.key
	base.ParentID = f.parentID
	base.Name, base.Email, base.URL, base.Body = f.name, f.email, f.url, f.body
	base.Remember = f.remember
	base.Notify = f.notify
	base.Errors = f.errors
	base.Message = "Your comment was not posted. Please correct the marked fields; what you wrote is kept below."
	if f.message != "" {
		base.Message = f.message
	}
	return base
}

func (s *Site) postComment(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	e, err := s.articleEntry(ctx, r.PathValue("slug"))
	if err != nil {
		return err
	}
	a := e.article
	if a.CommentsClosed || !e.closesAt.IsZero() && !s.now().Before(e.closesAt) {
		return qalam.Errorf(qalam.KindClosed, "Comments are closed on this article.")
	}
	form, err := parseCommentForm(w, r)
	if err != nil {
		return err
	}
	c := form.comment()
	if form.honeypot {
		// Neutral on purpose: a bot learns nothing, and a person whose
		// browser filled the hidden field in gets the form back, emptied
		// of it, with their text.
		form.message = "Your comment was not posted. Please check the form and post it again; what you wrote is kept below."
		return s.rejectComment(w, r, e, &form)
	}
	if len(form.errors) > 0 {
		return s.rejectComment(w, r, e, &form)
	}
	if err := s.checkComment(ctx, r, e, &form, c); err != nil {
		if errors.Is(err, errRejected) {
			return s.rejectComment(w, r, e, &form)
		}
		return err
	}
	suspicious := checkFormTime(form.key, s.now()) == formUndated

	commenter, token, err := s.commenter(ctx, r)
	if err != nil {
		return err
	}
	prepare := func(c *qalam.Comment) {
		c.ArticleID = a.ID
		c.CommenterID = commenter.ID
		c.BodyHTML = markup.Comment(c.Body)
		c.IPHash = s.addrHash(clientAddr(r, s.opts.TrustedProxies))
		// Screening decides the status (the policy, the rules, the
		// classifier) and says why; spam is answered below as held.
		v := s.screen(ctx, e, c, commenter, suspicious)
		c.Status, c.ModerationReason = v.Status, v.Reason()
	}
	prepare(c)
	created, err := s.store.CreateComment(ctx, c)
	if err == nil && !created && !sameSubmission(c, form, a.ID) {
		// The key belongs to someone else's comment (a page copy shared by
		// a proxy, say): this is a new comment, not a retry.
		form.key = newFormKey()
		c = form.comment()
		prepare(c)
		created, err = s.store.CreateComment(ctx, c)
	}
	if err != nil {
		if qe, ok := errors.AsType[*qalam.Error](err); ok && qe.Kind == qalam.KindInvalid && len(qe.Fields) > 0 {
			for k, v := range qe.Fields {
				form.errors[k] = v
			}
			return s.rejectComment(w, r, e, &form)
		}
		return err
	}
	// A retry subscribes again, which changes nothing (notify.go).
	if err := s.subscribeReplies(ctx, c, form.notify); err != nil {
		return err
	}
	// Only now, after the commit, is the comment acknowledged.
	if token != "" {
		s.setCookie(w, commenterCookie, token, 365*24*time.Hour)
	}
	// A marker the page script can read (it names no one): only browsers
	// that posted in the last 15 minutes ask which comments they may still
	// change, so the shared page costs everyone else no extra request.
	http.SetCookie(w, &http.Cookie{Name: recentCookie, Value: "1", Path: "/", MaxAge: int(ownCommentWindow / time.Second),
		Secure: s.opts.SecureCookies, SameSite: http.SameSiteLaxMode})
	if form.remember {
		s.writeRemembered(w, remembered{Name: c.AuthorName, Email: c.AuthorEmail, URL: c.AuthorURL})
	} else if _, ok := readRemembered(r); ok {
		s.clearCookie(w, rememberCookie)
	}
	path := view.ArticlePath(a.Slug)
	if c.Status == qalam.Approved {
		// This node drops its copy now; the change feed tells the others.
		s.cache.invalidate(store.Change{ArticleID: a.ID})
		// ?comment= shows the part of a long discussion that holds it.
		http.Redirect(w, r, path+"?comment="+strconv.FormatInt(c.ID, 10)+"#"+c.Anchor(), http.StatusSeeOther)
		return nil
	}
	s.addHeld(w, r, c.ID)
	http.Redirect(w, r, path+"?held="+strconv.FormatInt(c.ID, 10)+"#"+c.Anchor(), http.StatusSeeOther)
	return nil
}

// errRejected means the form goes back to the reader with its message.
var errRejected = errors.New("web: comment form rejected")

// checkComment applies the anti-automation checks to a valid comment, in
// this order: the form key's time, then (unless this is a retry of a comment
// already stored under the same key, which must keep answering as the
// first post did) the rate limits and duplicate detection. It returns
// errRejected, with the form's message set, for the form to be sent back.
func (s *Site) checkComment(ctx context.Context, r *http.Request, e *articleEntry, f *commentForm, c *qalam.Comment) error {
	now := s.now()
	switch checkFormTime(f.key, now) {
	case formExpired:
		f.message = "This form is out of date. Please post again; what you wrote is kept below."
		f.key = newFormKey()
		return errRejected
	case formTooQuick:
		// The same key passes a moment later: a person who was quick
		// just posts again.
		f.message = "That was quick! Please read your comment over and post it again."
		return errRejected
	}
	ipHash := s.ClientKey(r)
	recent, err := s.store.RecentComments(ctx, e.article.ID, c.AuthorEmail, ipHash, now.Add(-duplicateWindow))
	if err != nil {
		return err
	}
	for _, old := range recent {
		if old.IdempotencyKey == f.key && sameSubmission(old, *f, e.article.ID) {
			return nil // a retry: CreateComment finds the stored comment
		}
	}
	if err := s.checkCommentRate(ctx, r, c.AuthorEmail); err != nil {
		return err
	}
	for _, old := range recent {
		if sameText(old.Body, c.Body) {
			f.message = "You have already posted this comment."
			return errRejected
		}
	}
	return nil
}

// sameSubmission reports whether the stored comment c (found by its key) is
// the one this form describes. The commenter is not compared: a retry may
// come from a browser that never received the first answer's cookie.
func sameSubmission(c *qalam.Comment, f commentForm, articleID int64) bool {
	sent := f.comment()
	return c.ArticleID == articleID && c.Body == sent.Body && c.AuthorEmail == sent.AuthorEmail && c.AuthorName == sent.AuthorName
}

// rejectComment sends the form back with the reader's text and a message
// at each field.
func (s *Site) rejectComment(w http.ResponseWriter, r *http.Request, e *articleEntry, f *commentForm) error {
	form := f.view(s.newForm(e.article))
	if name, ok := e.names[f.parentID]; ok {
		form.ReplyTo = name
	}
	page := s.articlePage(r.Context(), e, form)
	page.NoIndex = true
	w.Header().Set("Cache-Control", "no-store")
	return s.view.Render(w, http.StatusUnprocessableEntity, "site/article", page)
}

// commenter returns the browser's commenter identity from its token, or a
// new untrusted one with a new token to set (and "" when none is needed).
func (s *Site) commenter(ctx context.Context, r *http.Request) (*qalam.Commenter, string, error) {
	if ck, err := r.Cookie(commenterCookie); err == nil && len(ck.Value) <= 128 {
		c, err := s.store.CommenterByToken(ctx, tokenHash(ck.Value))
		if err == nil {
			return c, "", nil
		}
		if !isNotFound(err) {
			return nil, "", err
		}
	}
	token := randomToken()
	c, err := s.store.CreateCommenter(ctx, tokenHash(token))
	if err != nil {
		return nil, "", err
	}
	return c, token, nil
}
