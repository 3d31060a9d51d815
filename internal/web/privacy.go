package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/view"
)

// A reader's own comments (SECURITY.md 2.15 item 5): a reader who proves
// they receive mail at an address sees every comment posted with it, may
// download them and may erase them.
//
//  1. /comments/privacy takes an address and answers the same whether or
//     not anything was posted with it (no one learns who commented); the
//     mail worker sends a link only if something was.
//  2. The link (good once, for a day; only its hash is stored) shows a
//     button: a GET changes nothing, because mail scanners open links.
//  3. The button uses the link up and opens an hour's session in this
//     browser (a cookie whose hash is stored, for /comments/privacy only).
//  4. The session lists the comments, downloads them as JSON and erases
//     them, with a confirmation.

// Limits on data requests: per address (hashed) an hour, and per email
// (hashed) a day. Over the email's limit the request is quietly dropped
// and answered as usual, so the form cannot flood anyone's inbox nor tell
// whether someone asked before.
const (
	dataRequestsPerHour = 5
	dataLinksPerDay     = 3
)

// dataSessionLife is how long opening a link lets the browser in.
const dataSessionLife = time.Hour

// dataCookie holds the session token; sent only to /comments/privacy.
const dataCookie = "qalam_data"

// maxDataForm bounds the small forms of these pages.
const maxDataForm = 16 << 10

// langOf is the language the reader chose for these pages (?lang=ur).
func langOf(r *http.Request) qalam.Language {
	if r.URL.Query().Get("lang") == string(qalam.Urdu) {
		return qalam.Urdu
	}
	return qalam.English
}

// otherLang is the path in the language the page is not in.
func otherLang(path string, lang qalam.Language) string {
	if lang == qalam.Urdu {
		return path
	}
	return view.WithLang(path, qalam.Urdu)
}

// privacyPage is the data request page in the reader's language.
func (s *Site) privacyPage(r *http.Request) view.DataRequestPage {
	lang := langOf(r)
	page := view.DataRequestPage{
		Page:    s.page(r.Context()),
		MailOff: !s.opts.Mail,
		Action:  view.WithLang(view.PrivacyPath, lang),
		Key:     newFormKey(),
		Errors:  qalam.FieldErrors{},
		Other:   otherLang(view.PrivacyPath, lang),
	}
	page.Lang = lang
	page.Title = view.PrivacyText(lang, "privacy_title")
	page.NoIndex = true
	return page
}

func (s *Site) showPrivacy(w http.ResponseWriter, r *http.Request) error {
	page := s.privacyPage(r)
	page.Sent = r.URL.Query().Has("sent") && !page.MailOff
	return s.renderPrivate(w, http.StatusOK, "site/privacy", page)
}

// requestData takes a data request. Every valid request gets the same
// answer, after the same work (one queued message), whether or not the
// address has comments.
func (s *Site) requestData(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	page := s.privacyPage(r)
	if page.MailOff {
		return s.renderPrivate(w, http.StatusServiceUnavailable, "site/privacy", page)
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxDataForm)
	if err := r.ParseForm(); err != nil {
		return qalam.Errorf(qalam.KindInvalid, "We could not read that form. Please try again.")
	}
	email := strings.TrimSpace(r.PostForm.Get("email"))
	key := strings.TrimSpace(r.PostForm.Get("key"))
	page.Email = email
	refuse := func(msg string) error {
		page.Message = msg
		return s.renderPrivate(w, http.StatusUnprocessableEntity, "site/privacy", page)
	}
	if r.PostForm.Get(honeypotField) != "" {
		return refuse("Your request was not sent. Please check the form and send it again.")
	}
	if len(email) > qalam.MaxCommentEmail || !qalam.ValidEmail(email) {
		page.Errors["email"] = "Enter an email address such as name@example.com."
		return refuse("Please correct the address.")
	}
	switch checkFormTime(key, s.now()) {
	case formTooQuick:
		page.Key = key // the same key passes a moment later
		return refuse("That was quick! Please check the address and send the form again.")
	case formExpired, formUndated:
		return refuse("This form is out of date. Please send it again.")
	}
	ok, _, err := s.store.Hit(ctx, "data-request-addr", s.ClientKey(r), time.Hour, dataRequestsPerHour)
	if err != nil {
		return err
	}
	if !ok {
		return qalam.Errorf(qalam.KindTooMany, "You have asked for links too often. Please wait an hour and try again.")
	}
	ok, _, err = s.store.Hit(ctx, "data-request-email", s.keyedHash("email", strings.ToLower(email)), 24*time.Hour, dataLinksPerDay)
	if err != nil {
		return err
	}
	if ok {
		if err := s.store.QueueMail(ctx, &store.OutboxMessage{Kind: store.MailDataLink, Recipient: email}); err != nil {
			return err
		}
		if s.opts.WakeMail != nil {
			s.opts.WakeMail()
		}
	}
	sent := view.PrivacyPath + "?sent=1"
	if page.Lang == qalam.Urdu {
		sent += "&lang=ur"
	}
	http.Redirect(w, r, sent, http.StatusSeeOther)
	return nil
}

// dataLinkPage is the landing page of the emailed link in the path.
func (s *Site) dataLinkPage(r *http.Request) view.DataLinkPage {
	lang := langOf(r)
	page := view.DataLinkPage{
		Page:   s.page(r.Context()),
		Action: view.WithLang(view.DataLinkPath(r.PathValue("token")), lang),
		Again:  view.WithLang(view.PrivacyPath, lang),
	}
	page.Lang = lang
	page.Title = view.PrivacyText(lang, "privacy_title")
	page.NoIndex = true
	return page
}

func (s *Site) showDataLink(w http.ResponseWriter, r *http.Request) error {
	page := s.dataLinkPage(r)
	_, err := s.store.MailToken(r.Context(), store.HashMailToken(r.PathValue("token")), store.TokenDataLink)
	if err != nil && !isNotFound(err) {
		return err
	}
	page.Valid = err == nil
	return s.renderPrivate(w, statusIf(page.Valid, http.StatusNotFound), "site/privacy-link", page)
}

// openDataLink uses the link up and starts this browser's session.
func (s *Site) openDataLink(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	link, err := s.store.UseMailToken(ctx, store.HashMailToken(r.PathValue("token")), store.TokenDataLink)
	if isNotFound(err) {
		return s.renderPrivate(w, http.StatusNotFound, "site/privacy-link", s.dataLinkPage(r))
	}
	if err != nil {
		return err
	}
	token, hash := store.NewMailToken()
	session := &store.MailToken{Hash: hash, Purpose: store.TokenDataSession, Email: link.Email, ExpiresAt: s.now().Add(dataSessionLife)}
	if err := s.store.CreateMailToken(ctx, session); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name: dataCookie, Value: token, Path: view.PrivacyPath, MaxAge: int(dataSessionLife / time.Second),
		HttpOnly: true, Secure: s.opts.SecureCookies, SameSite: http.SameSiteStrictMode,
	})
	http.Redirect(w, r, view.WithLang(view.PrivacyMinePath, langOf(r)), http.StatusSeeOther)
	return nil
}

// dataSession returns the browser's session, or renders the page that
// says it has ended (and returns nil, false).
func (s *Site) dataSession(w http.ResponseWriter, r *http.Request) (*store.MailToken, bool, error) {
	if ck, err := r.Cookie(dataCookie); err == nil && len(ck.Value) <= 128 {
		t, err := s.store.MailToken(r.Context(), store.HashMailToken(ck.Value), store.TokenDataSession)
		if err == nil {
			return t, true, nil
		}
		if !isNotFound(err) {
			return nil, false, err
		}
	}
	return nil, false, s.renderPrivate(w, http.StatusForbidden, "site/privacy-link", s.dataLinkPage(r))
}

// readerCommentsPage lists the session's comments.
func (s *Site) readerCommentsPage(r *http.Request, session *store.MailToken, list []*store.ReaderComment) view.ReaderCommentsPage {
	lang := langOf(r)
	page := view.ReaderCommentsPage{
		Page:     s.page(r.Context()),
		Until:    session.ExpiresAt,
		Download: view.PrivacyMinePath + ".json",
		Erase:    view.WithLang(view.PrivacyPath+"/erase", lang),
		Errors:   qalam.FieldErrors{},
	}
	page.Lang = lang
	page.Title = view.PrivacyText(lang, "privacy_title")
	page.NoIndex = true
	for _, rc := range list {
		item := view.ReaderComment{Comment: rc.Comment, ArticleHeadline: rc.ArticleHeadline, ArticleLanguage: rc.ArticleLanguage,
			Status: view.ReaderStatus(rc.Comment.Status)}
		if rc.ArticlePublished {
			item.ArticleHref = view.ArticlePath(rc.ArticleSlug)
			if rc.Comment.Status == qalam.Approved {
				item.ArticleHref += "#" + rc.Comment.Anchor()
			}
		}
		page.Comments = append(page.Comments, item)
	}
	return page
}

func (s *Site) showReaderComments(w http.ResponseWriter, r *http.Request) error {
	session, ok, err := s.dataSession(w, r)
	if !ok {
		return err
	}
	list, err := s.store.CommentsByEmail(r.Context(), session.Email)
	if err != nil {
		return err
	}
	return s.renderPrivate(w, http.StatusOK, "site/privacy-comments", s.readerCommentsPage(r, session, list))
}

// exportedComment is one comment in a reader's download.
type exportedComment struct {
	ID              int64      `json:"id"`
	Article         string     `json:"article"`
	ArticleURL      string     `json:"article_url,omitempty"`
	InReplyTo       int64      `json:"in_reply_to,omitempty"`
	Name            string     `json:"name"`
	Email           string     `json:"email"`
	Website         string     `json:"website,omitempty"`
	Text            string     `json:"text"`
	Status          string     `json:"status"`
	PostedAt        time.Time  `json:"posted_at"`
	EditedAt        *time.Time `json:"edited_at,omitempty"`
	AddressHash     string     `json:"address_hash,omitempty"`
	AddressHashNote string     `json:"address_hash_note,omitempty"`
}

// downloadReaderComments sends every comment of the session's address as
// a JSON file.
func (s *Site) downloadReaderComments(w http.ResponseWriter, r *http.Request) error {
	session, ok, err := s.dataSession(w, r)
	if !ok {
		return err
	}
	list, err := s.store.CommentsByEmail(r.Context(), session.Email)
	if err != nil {
		return err
	}
	out := struct {
		Site       string            `json:"site"`
		Email      string            `json:"email"`
		ExportedAt time.Time         `json:"exported_at"`
		Comments   []exportedComment `json:"comments"`
	}{Site: s.opts.BaseURL, Email: session.Email, ExportedAt: s.now().UTC().Truncate(time.Second), Comments: []exportedComment{}}
	for _, rc := range list {
		c := rc.Comment
		e := exportedComment{
			ID: c.ID, Article: rc.ArticleHeadline, InReplyTo: c.ParentID, Name: c.AuthorName, Email: c.AuthorEmail,
			Website: c.AuthorURL, Text: c.Body, Status: view.ReaderStatus(c.Status), PostedAt: c.CreatedAt, AddressHash: c.IPHash,
		}
		if rc.ArticlePublished {
			e.ArticleURL = s.opts.BaseURL + view.ArticlePath(rc.ArticleSlug)
		}
		if !c.EditedAt.IsZero() {
			e.EditedAt = &c.EditedAt
		}
		if c.IPHash != "" {
			e.AddressHashNote = "a keyed hash of the network address the comment came from, never the address itself; erased after the retention period"
		}
		out.Comments = append(out.Comments, e)
	}
	body, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="comments.json"`)
	h.Set("Content-Length", strconv.Itoa(len(body)+1))
	h.Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	w.Write(append(body, '\n'))
	return nil
}

// eraseReaderComments erases every comment of the session's address once
// the reader has ticked the confirmation, and ends the session.
func (s *Site) eraseReaderComments(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	session, ok, err := s.dataSession(w, r)
	if !ok {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxDataForm)
	if err := r.ParseForm(); err != nil {
		return qalam.Errorf(qalam.KindInvalid, "We could not read that form. Please try again.")
	}
	list, err := s.store.CommentsByEmail(ctx, session.Email)
	if err != nil {
		return err
	}
	if r.PostForm.Get("confirm") == "" {
		page := s.readerCommentsPage(r, session, list)
		page.Errors["confirm"] = "Tick the box to confirm."
		page.Message = "Nothing was erased."
		return s.renderPrivate(w, http.StatusUnprocessableEntity, "site/privacy-comments", page)
	}
	ids, err := s.store.EraseCommentsByEmail(ctx, session.Email, s.keyedHash("email", session.Email))
	if err != nil {
		return err
	}
	// This node drops its pages now; the change feed tells the others.
	for _, id := range articlesOf(list) {
		s.Invalidate(store.Change{ArticleID: id})
	}
	s.endDataSession(ctx, w, r)
	page := s.readerCommentsPage(r, session, nil)
	page.Done, page.Erased = true, len(ids)
	return s.renderPrivate(w, http.StatusOK, "site/privacy-comments", page)
}

// endDataSession forgets the browser's session, here and in the database.
func (s *Site) endDataSession(ctx context.Context, w http.ResponseWriter, r *http.Request) {
	if ck, err := r.Cookie(dataCookie); err == nil {
		// The erasure removed it already; this is for the other cases.
		_ = s.store.DeleteMailToken(ctx, store.HashMailToken(ck.Value))
	}
	http.SetCookie(w, &http.Cookie{Name: dataCookie, Value: "", Path: view.PrivacyPath, MaxAge: -1,
		HttpOnly: true, Secure: s.opts.SecureCookies, SameSite: http.SameSiteStrictMode})
}

// articlesOf lists the articles of comments, once each.
func articlesOf(list []*store.ReaderComment) []int64 {
	seen := map[int64]bool{}
	var ids []int64
	for _, rc := range list {
		if !seen[rc.Comment.ArticleID] {
			seen[rc.Comment.ArticleID] = true
			ids = append(ids, rc.Comment.ArticleID)
		}
	}
	return ids
}
