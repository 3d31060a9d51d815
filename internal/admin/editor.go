package admin

import (
	"context"
	"encoding/json"
	"errors"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/markup"
	"github.com/qalamnews/qalam/internal/media"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/view"
)

// Size limits of the editor's posts. Text alone fits the first many times
// over (the body's 500,000 characters, percent-encoded Urdu included); the
// second leaves room for a featured image (at most media.DefaultMaxBytes)
// uploaded with the form, and matches the server's cap on every body.
const (
	maxEditorText   = 8 << 20
	maxEditorUpload = 12 << 20
	// maxEditorMemory is what a multipart form may hold in memory; a
	// larger upload goes to a temporary file the server removes.
	maxEditorMemory = 8 << 20
	// recentMedia is how many library images the editor offers.
	recentMedia = 24
)

// articleForm is the editor's form as the user sent it.
type articleForm struct {
	fields   editorFields
	tags     []string
	editedAt time.Time
	upload   multipart.File // a new featured image, nil for none
	errors   qalam.FieldErrors
}

// parseArticleForm reads the editor's form, urlencoded (autosave, the
// script's preview) or multipart (the page's own form, which may carry an
// image). Text areas send CRLF line ends; they are stored as LF so that
// revisions compare by content.
func parseArticleForm(w http.ResponseWriter, r *http.Request) (*articleForm, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var err error
	if ct == "multipart/form-data" {
		r.Body = http.MaxBytesReader(w, r.Body, maxEditorUpload)
		err = r.ParseMultipartForm(maxEditorMemory)
	} else {
		r.Body = http.MaxBytesReader(w, r.Body, maxEditorText)
		err = r.ParseForm()
	}
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, qalam.Errorf(qalam.KindTooLarge, "What you sent is larger than the editor accepts. A featured image may be at most %d MB.", media.DefaultMaxBytes>>20)
		}
		return nil, qalam.Errorf(qalam.KindInvalid, "We could not read that form. Please try again.")
	}
	text := func(name string) string { return strings.ReplaceAll(r.PostForm.Get(name), "\r\n", "\n") }
	line := func(name string) string { return strings.TrimSpace(text(name)) }
	id := func(s string) int64 {
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil || n < 0 {
			return 0
		}
		return n
	}
	f := &articleForm{errors: qalam.FieldErrors{}}
	f.fields = editorFields{
		Headline:        line("headline"),
		Standfirst:      line("standfirst"),
		Slug:            line("slug"),
		Label:           qalam.Label(r.PostForm.Get("label")),
		Language:        qalam.Language(r.PostForm.Get("language")),
		EditorNote:      text("editor_note"),
		Body:            text("body"),
		CategoryID:      id(r.PostForm.Get("category")),
		Tags:            line("tags"),
		FeaturedImageID: id(r.PostForm.Get("featured_image")),
		SEOTitle:        line("seo_title"),
		SEODescription:  line("seo_description"),
		CommentsClosed:  r.PostForm.Get("comments_closed") != "",
		EditedAt:        r.PostForm.Get("edited_at"),
		Minor:           r.PostForm.Get("minor") != "",
		Note:            line("note"),
		Alt:             line("alt"),
		Translation:     line("translation"),
		Featured:        r.PostForm.Get("featured") != "",
	}
	for _, v := range r.PostForm["authors"] {
		if n := id(v); n > 0 && !slices.Contains(f.fields.AuthorIDs, n) {
			f.fields.AuthorIDs = append(f.fields.AuthorIDs, n)
		}
	}
	// Urdu writers type the Arabic comma.
	for _, t := range strings.FieldsFunc(f.fields.Tags, func(r rune) bool { return r == ',' || r == '،' }) {
		if t = strings.TrimSpace(t); t != "" {
			f.tags = append(f.tags, t)
		}
	}
	if s := f.fields.EditedAt; s != "" {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return nil, qalam.Errorf(qalam.KindInvalid, "The form was damaged. Reload the article and try again.")
		}
		f.editedAt = t
	}
	if r.MultipartForm != nil {
		if fh := r.MultipartForm.File["featured_image_file"]; len(fh) > 0 && fh[0].Size > 0 {
			file, err := fh[0].Open()
			if err != nil {
				return nil, err
			}
			f.upload = file
		}
	}
	if f.fields.Slug == "" {
		f.fields.Slug = qalam.Slugify(f.fields.Headline)
	}
	if f.fields.Note != "" && len([]rune(f.fields.Note)) > 500 {
		f.errors["note"] = "Too long: at most 500 characters."
	}
	return f, nil
}

// article builds the article the form describes, with its Markdown
// rendered and sanitised here: HTML never comes from the browser.
func (f *articleForm) article() *qalam.Article {
	fl := f.fields
	art := &qalam.Article{
		Slug:            fl.Slug,
		Language:        fl.Language,
		Label:           fl.Label,
		Status:          qalam.Draft,
		Headline:        fl.Headline,
		Standfirst:      fl.Standfirst,
		EditorNote:      fl.EditorNote,
		Body:            fl.Body,
		BodyHTML:        markup.Article(fl.Body),
		CategoryID:      fl.CategoryID,
		AuthorIDs:       fl.AuthorIDs,
		TagNames:        f.tags,
		SEOTitle:        fl.SEOTitle,
		SEODescription:  fl.SEODescription,
		FeaturedImageID: fl.FeaturedImageID,
		CommentsClosed:  fl.CommentsClosed,
	}
	if strings.TrimSpace(fl.EditorNote) != "" {
		art.EditorNoteHTML = markup.Article(fl.EditorNote)
	}
	return art
}

// validate records what is wrong with art, as the store would judge it.
func (f *articleForm) validate(art *qalam.Article) {
	mergeFields(f.errors, art.Validate())
}

// mergeFields copies the field errors of err into errs and reports whether
// err carried any.
func mergeFields(errs qalam.FieldErrors, err error) bool {
	e, ok := errors.AsType[*qalam.Error](err)
	if !ok || len(e.Fields) == 0 {
		return false
	}
	for k, v := range e.Fields {
		if _, seen := errs[k]; !seen {
			errs[k] = v
		}
	}
	return true
}

// update is the stored article changed to what the form says; the status
// and schedule are the workflow's, never the form's.
func (f *articleForm) update(art *qalam.Article) store.ArticleUpdate {
	return store.ArticleUpdate{
		Headline: &art.Headline, Standfirst: &art.Standfirst,
		EditorNote: &art.EditorNote, EditorNoteHTML: &art.EditorNoteHTML,
		Body: &art.Body, BodyHTML: &art.BodyHTML,
		Label: &art.Label, CommentsClosed: &art.CommentsClosed,
		Slug: &art.Slug, SEOTitle: &art.SEOTitle, SEODescription: &art.SEODescription,
		Language: &art.Language, CategoryID: &art.CategoryID, FeaturedImageID: &art.FeaturedImageID,
		AuthorIDs: &art.AuthorIDs, TagNames: &art.TagNames,
		ExpectEditedAt: f.editedAt,
	}
}

// articleFields is the editor's view of a stored article.
func articleFields(art *qalam.Article) editorFields {
	return editorFields{
		Headline: art.Headline, Standfirst: art.Standfirst, Slug: art.Slug,
		Label: art.Label, Language: art.Language,
		EditorNote: art.EditorNote, Body: art.Body,
		CategoryID: art.CategoryID, Tags: joinTags(art.TagNames), AuthorIDs: art.AuthorIDs,
		FeaturedImageID: art.FeaturedImageID,
		SEOTitle:        art.SEOTitle, SEODescription: art.SEODescription,
		CommentsClosed: art.CommentsClosed,
		EditedAt:       editedAt(art),
	}
}

// editedAt is the version stamp an editor form carries.
func editedAt(art *qalam.Article) string {
	if art.EditedAt.IsZero() {
		return ""
	}
	return art.EditedAt.UTC().Format(time.RFC3339Nano)
}

// ownProfile is the author profile of a user of the author role, who is
// always in the byline of what they write; nil for other roles.
func (a *Admin) ownProfile(ctx context.Context, u *qalam.User) (*qalam.Author, error) {
	if u.Role != qalam.RoleAuthor {
		return nil, nil
	}
	p, err := a.store.AuthorByUser(ctx, u.ID)
	if errors.Is(err, qalam.ErrNotFound) {
		return nil, qalam.Errorf(qalam.KindForbidden, "Your account has no author profile yet. Ask an editor to link one to it.")
	}
	return p, err
}

// keepInByline adds the author's own profile to the byline if they left
// it out, so nobody writes an article they then cannot open.
func (a *Admin) keepInByline(ctx context.Context, u *qalam.User, f *articleForm) error {
	p, err := a.ownProfile(ctx, u)
	if err != nil || p == nil {
		return err
	}
	if !slices.Contains(f.fields.AuthorIDs, p.ID) {
		f.fields.AuthorIDs = append(f.fields.AuthorIDs, p.ID)
	}
	return nil
}

// takeUpload stores an image uploaded with the form and makes it the
// featured image. A problem with the image becomes a field error; the rest
// of the form is still judged.
func (a *Admin) takeUpload(ctx context.Context, u *qalam.User, f *articleForm) error {
	if f.upload == nil {
		return nil
	}
	defer f.upload.Close()
	switch {
	case a.media == nil || !qalam.Can(u, qalam.ActUploadMedia, qalam.Target{}):
		f.errors["featured_image_file"] = "You cannot upload images here."
		return nil
	case f.fields.Alt == "":
		f.errors["alt"] = "Describe the image for readers who cannot see it."
		return nil
	}
	if mergeFields(f.errors, (&qalam.Media{Alt: f.fields.Alt}).Validate()) {
		return nil
	}
	m, err := a.media.Store(ctx, f.upload)
	if err != nil {
		if k := qalam.KindOf(err); k == qalam.KindInvalid || k == qalam.KindTooLarge {
			f.errors["featured_image_file"] = qalam.MessageOf(err)
			return nil
		}
		return err
	}
	m.Alt, m.UserID = f.fields.Alt, u.ID
	if err := a.store.CreateMedia(ctx, m); err != nil {
		return errors.Join(err, a.media.Remove(m))
	}
	// Chosen now, so a form sent back for other errors keeps the image
	// without another upload.
	f.fields.FeaturedImageID = m.ID
	f.fields.Alt = ""
	return nil
}

// newArticle shows an empty editor; the user's own profile is in the
// byline from the start.
func (a *Admin) newArticle(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, _ := userFrom(ctx)
	fields := editorFields{Language: qalam.English, Label: qalam.News}
	p, err := a.store.AuthorByUser(ctx, u.ID)
	switch {
	case err == nil:
		fields.AuthorIDs = []int64{p.ID}
	case !errors.Is(err, qalam.ErrNotFound):
		return err
	}
	page, err := a.editorPage(r, nil, fields, nil)
	if err != nil {
		return err
	}
	return a.view.Render(w, http.StatusOK, "admin/editor", page)
}

// createArticle stores a new draft.
func (a *Admin) createArticle(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, _ := userFrom(ctx)
	f, err := parseArticleForm(w, r)
	if err != nil {
		return err
	}
	if err := a.keepInByline(ctx, u, f); err != nil {
		return err
	}
	if err := a.takeUpload(ctx, u, f); err != nil {
		return err
	}
	art := f.article()
	f.validate(art)
	translation, err := a.linkedTranslation(ctx, u, f, art.Language)
	if err != nil {
		return err
	}
	if len(f.errors) == 0 {
		err := a.store.CreateArticle(ctx, art)
		if err == nil && translation != 0 {
			err = a.store.SetTranslation(ctx, art.ID, translation)
		}
		if err == nil {
			http.Redirect(w, r, articlePath(art.ID)+"?flash=article-created", http.StatusSeeOther)
			return nil
		}
		if !mergeFields(f.errors, err) {
			return err
		}
	}
	return a.rejectArticle(w, r, nil, f, http.StatusUnprocessableEntity, "")
}

// rejectArticle sends the editor back with what the user typed.
func (a *Admin) rejectArticle(w http.ResponseWriter, r *http.Request, art *qalam.Article, f *articleForm, status int, msg string) error {
	page, err := a.editorPage(r, art, f.fields, f.errors)
	if err != nil {
		return err
	}
	page.Error = msg
	if page.Error == "" {
		page.Error = "Not saved. Please correct the marked fields; what you wrote is kept below."
	}
	if status == http.StatusConflict {
		// Replacing someone else's save takes a deliberate Save, never a
		// background autosave.
		page.Conflict, page.AutosaveURL = true, ""
	}
	return a.view.Render(w, status, "admin/editor", page)
}

// editArticle shows the editor for a stored article.
func (a *Admin) editArticle(w http.ResponseWriter, r *http.Request) error {
	art := object[*qalam.Article](r)
	fields := articleFields(art)
	if err := a.linkFields(r.Context(), art, &fields); err != nil {
		return err
	}
	page, err := a.editorPage(r, art, fields, nil)
	if err != nil {
		return err
	}
	return a.view.Render(w, http.StatusOK, "admin/editor", page)
}

// saveArticle saves the editor's form over the stored article, unless
// someone saved it since the form was loaded. A save of a published
// article is kept as a revision; unless it is minor, readers are told the
// article was updated.
func (a *Admin) saveArticle(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, _ := userFrom(ctx)
	stored := object[*qalam.Article](r)
	f, err := parseArticleForm(w, r)
	if err != nil {
		return err
	}
	if err := a.keepInByline(ctx, u, f); err != nil {
		return err
	}
	if err := a.takeUpload(ctx, u, f); err != nil {
		return err
	}
	art := f.article()
	art.Status, art.ScheduledAt = stored.Status, stored.ScheduledAt
	f.validate(art)
	translation, err := a.linkedTranslation(ctx, u, f, art.Language)
	if err != nil {
		return err
	}
	if len(f.errors) > 0 {
		return a.rejectArticle(w, r, stored, f, http.StatusUnprocessableEntity, "")
	}
	up := f.update(art)
	up.Revision = &store.RevisionInfo{UserID: u.ID, Minor: f.fields.Minor && stored.Status == qalam.Published, Note: f.fields.Note}
	_, err = a.store.UpdateArticle(ctx, stored.ID, up)
	if err == nil {
		err = a.saveLinks(ctx, u, stored, f, translation)
	}
	switch {
	case err == nil:
		http.Redirect(w, r, articlePath(stored.ID)+"?flash=saved", http.StatusSeeOther)
		return nil
	case mergeFields(f.errors, err):
		return a.rejectArticle(w, r, stored, f, http.StatusUnprocessableEntity, "")
	case errors.Is(err, qalam.ErrConflict):
		return a.rejectConflict(w, r, stored.ID, f)
	}
	return err
}

// rejectConflict sends the editor back after someone else's save: the
// typed text is kept, unsaved, and the form now carries the current
// version, so saving again knowingly replaces the other save.
func (a *Admin) rejectConflict(w http.ResponseWriter, r *http.Request, id int64, f *articleForm) error {
	current, err := a.store.Article(r.Context(), id)
	if err != nil {
		return err
	}
	f.fields.EditedAt = editedAt(current)
	msg := "Not saved: someone else saved this article at " + articleText{}.Stamp(current.EditedAt) +
		", after you opened it. Your text is kept below. Open the article in another tab to see their version; " +
		"if you save this form again, your text replaces theirs."
	return a.rejectArticle(w, r, current, f, http.StatusConflict, msg)
}

// autosaveArticle quietly saves a draft the script sends every few seconds
// while it changes, and answers in JSON. Live and scheduled text is never
// changed without the editor pressing Save.
func (a *Admin) autosaveArticle(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, _ := userFrom(ctx)
	stored := object[*qalam.Article](r)
	if stored.Status == qalam.Published || stored.Status == qalam.Scheduled {
		return writeJSON(w, http.StatusConflict, map[string]any{"error": "Autosave is off for " + string(stored.Status) + " articles: press Save to change them."})
	}
	f, err := parseArticleForm(w, r)
	if err != nil {
		return writeJSON(w, statusOf[qalam.KindOf(err)], map[string]any{"error": qalam.MessageOf(err)})
	}
	if f.upload != nil {
		f.upload.Close()
	}
	if err := a.keepInByline(ctx, u, f); err != nil {
		return writeJSON(w, statusOf[qalam.KindOf(err)], map[string]any{"error": qalam.MessageOf(err)})
	}
	art := f.article()
	art.Status, art.ScheduledAt = stored.Status, stored.ScheduledAt
	f.validate(art)
	if len(f.errors) == 0 {
		var saved *qalam.Article
		saved, err = a.store.UpdateArticle(ctx, stored.ID, f.update(art))
		if err == nil {
			return writeJSON(w, http.StatusOK, map[string]string{
				"editedAt": editedAt(saved),
				"savedAt":  articleText{}.Stamp(saved.EditedAt),
			})
		}
		if !mergeFields(f.errors, err) {
			if errors.Is(err, qalam.ErrConflict) {
				return writeJSON(w, http.StatusConflict, map[string]any{"error": "Someone else saved this article meanwhile; autosave stopped. Save by hand to see what to do."})
			}
			return err
		}
	}
	return writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"error": "Not autosaved: some fields need correcting.", "fields": f.errors})
}

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, err = w.Write(body)
	return err
}

// previewArticle renders the editor's unsaved form as the public article
// page, with the public template and stylesheet, so the preview is what
// readers will see. The script shows it in a sandboxed frame; without
// the script the Preview button opens it in a new tab.
func (a *Admin) previewArticle(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, _ := userFrom(ctx)
	f, err := parseArticleForm(w, r)
	if err != nil {
		return err
	}
	if f.upload != nil {
		f.upload.Close() // a preview stores nothing
	}
	art := f.article()
	if !art.Language.Valid() {
		art.Language = qalam.English
	}
	if !art.Label.Valid() {
		art.Label = qalam.News
	}
	now := qalam.UTC(a.now())
	art.PublishedAt, art.UpdatedAt = now, now
	// Editing a stored article: its dates and corrections, if this user
	// may see them.
	if id, err := strconv.ParseInt(r.PostForm.Get("id"), 10, 64); err == nil && id > 0 {
		stored, err := a.store.Article(ctx, id)
		if err != nil && !errors.Is(err, qalam.ErrNotFound) {
			return err
		}
		if stored != nil {
			own, err := a.owns(ctx, u, stored)
			if err != nil {
				return err
			}
			if qalam.Can(u, qalam.ActViewRevisions, qalam.Target{Own: own, Status: stored.Status}) && !stored.PublishedAt.IsZero() {
				art.PublishedAt, art.UpdatedAt = stored.PublishedAt, stored.UpdatedAt
				art.Corrections = stored.Corrections
				art.CommentCount = stored.CommentCount
			}
		}
	}
	cats, err := a.store.FindCategories(ctx)
	if err != nil {
		return err
	}
	for _, c := range cats {
		if c.ID == art.CategoryID {
			art.Category = c
		}
	}
	for _, id := range art.AuthorIDs {
		au, err := a.store.Author(ctx, id)
		if errors.Is(err, qalam.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		art.Authors = append(art.Authors, *au)
	}
	for _, name := range art.TagNames {
		if slug := qalam.Slugify(name); slug != "" {
			art.Tags = append(art.Tags, qalam.Tag{Slug: slug, Name: name})
		}
	}
	if art.FeaturedImageID > 0 {
		m, err := a.store.Media(ctx, art.FeaturedImageID)
		switch {
		case err == nil:
			art.FeaturedImage = m
		case !errors.Is(err, qalam.ErrNotFound):
			return err
		}
	}
	page := view.ArticlePage{
		Page: view.Page{
			SiteName: a.opts.SiteName, BaseURL: a.opts.BaseURL, Categories: cats,
			Title: art.Headline, Description: art.Standfirst, Lang: art.Language, NoIndex: true,
		},
		Article: art,
		Preview: true,
		Form:    view.CommentForm{Closed: true},
	}
	return a.view.Render(w, http.StatusOK, "site/article", page)
}

// editorPage gathers what the editor shows besides the fields: the
// choices, the workflow the user may drive, preview links, corrections.
func (a *Admin) editorPage(r *http.Request, art *qalam.Article, fields editorFields, errs qalam.FieldErrors) (editorPage, error) {
	ctx := r.Context()
	u, _ := userFrom(ctx)
	title := "New article"
	if art != nil {
		title = "Edit: " + art.Headline
	}
	p := editorPage{
		AdminPage: a.page(r, title, "articles"),
		Article:   art,
		Fields:    fields,
		Errors:    errs,
		Action:    "/admin/articles",
		CanUpload: a.media != nil && qalam.Can(u, qalam.ActUploadMedia, qalam.Target{}),
	}
	for _, l := range qalam.Labels {
		p.Labels = append(p.Labels, option{Value: string(l), Label: l.Title(qalam.English), Selected: l == fields.Label})
	}
	p.Languages = languageOptions(fields.Lang())
	cats, err := a.categoryOptions(ctx, fields.CategoryID)
	if err != nil {
		return p, err
	}
	p.Categories = cats
	authors, err := a.store.FindAuthors(ctx)
	if err != nil {
		return p, err
	}
	for _, au := range authors {
		p.Authors = append(p.Authors, option{Value: strconv.FormatInt(au.ID, 10), Label: au.Name, Selected: slices.Contains(fields.AuthorIDs, au.ID)})
	}
	if u.Role == qalam.RoleAuthor {
		if own, err := a.store.AuthorByUser(ctx, u.ID); err == nil {
			p.AuthorLocked = own.ID
		}
	}
	if p.Media, err = a.mediaChoices(ctx, fields.FeaturedImageID); err != nil {
		return p, err
	}
	if art == nil {
		return p, nil
	}

	p.Action = articlePath(art.ID)
	own, err := a.owns(ctx, u, art)
	if err != nil {
		return p, err
	}
	target := qalam.Target{Own: own, Status: art.Status}
	if art.Status != qalam.Published && art.Status != qalam.Scheduled {
		p.AutosaveURL = articlePath(art.ID) + "/autosave"
	}
	p.Published = art.Status == qalam.Published
	p.Workflow = workflowFor(u, art, target)
	p.CanSchedule = art.Status.CanBecome(qalam.Scheduled) && qalam.Can(u, qalam.ActPublishArticle, target)
	p.ScheduleAt = a.now().UTC().Add(time.Hour).Truncate(time.Hour).Format("2006-01-02T15:04")
	p.CanDelete = qalam.Can(u, qalam.ActDeleteArticle, target)
	p.CanFeature = qalam.Can(u, qalam.ActPublishArticle, target)
	p.CanViewRevisions = qalam.Can(u, qalam.ActViewRevisions, target)
	p.CanPreviewLink = art.Status != qalam.Published && qalam.Can(u, qalam.ActPreviewLink, target)
	if p.CanPreviewLink {
		if p.HasPreviewLink, err = a.store.HasPreviewToken(ctx, art.ID); err != nil {
			return p, err
		}
	}
	p.CanCorrect = p.Published && qalam.Can(u, qalam.ActAddCorrection, target)
	p.Corrections = art.Corrections
	p.Correction.Kind = qalam.KindCorrection
	if qalam.Can(u, qalam.ActManageDiscussion, target) {
		if p.Discussion, err = a.articlePolicyForm(ctx, art); err != nil {
			return p, err
		}
	}
	return p, nil
}

// mediaChoices lists the newest library images, and the chosen one even
// when it is older.
func (a *Admin) mediaChoices(ctx context.Context, selected int64) ([]mediaChoice, error) {
	list, _, err := a.store.FindMedia(ctx, store.MediaFilter{Limit: recentMedia})
	if err != nil {
		return nil, err
	}
	if selected > 0 && !slices.ContainsFunc(list, func(m *qalam.Media) bool { return m.ID == selected }) {
		m, err := a.store.Media(ctx, selected)
		switch {
		case err == nil:
			list = append([]*qalam.Media{m}, list...)
		case !errors.Is(err, qalam.ErrNotFound):
			return nil, err
		}
	}
	choices := make([]mediaChoice, 0, len(list))
	for _, m := range list {
		c := mediaChoice{ID: m.ID, Alt: m.Alt, Width: m.Width, Height: m.Height, Selected: m.ID == selected}
		switch {
		case len(m.Variants) > 0:
			v := m.Variants[0] // the narrowest
			c.Thumb, c.Width, c.Height = media.URL(v.Name), v.Width, v.Height
		case m.Name != "":
			c.Thumb = media.URL(m.Name)
		}
		choices = append(choices, c)
	}
	return choices, nil
}

// linkedTranslation resolves the editor's translation field (a slug, or
// the article's address) to the article it names, 0 for none. It records a
// field error when that is no article, one in the same language as lang,
// or one the user may not edit (its page would change too).
func (a *Admin) linkedTranslation(ctx context.Context, u *qalam.User, f *articleForm, lang qalam.Language) (int64, error) {
	ref := f.fields.Translation
	if i := strings.LastIndex(ref, "/articles/"); i >= 0 {
		ref = ref[i+len("/articles/"):]
	}
	ref, _, _ = strings.Cut(strings.Trim(ref, "/"), "/")
	if unescaped, err := url.PathUnescape(ref); err == nil {
		ref = unescaped
	}
	if ref == "" {
		return 0, nil
	}
	tr, err := a.store.ArticleBySlug(ctx, ref)
	if errors.Is(err, qalam.ErrNotFound) {
		f.errors["translation"] = "No article has this address."
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	own, err := a.owns(ctx, u, tr)
	if err != nil {
		return 0, err
	}
	switch {
	case tr.Language == lang:
		f.errors["translation"] = "The translation must be in the other language."
	case !qalam.Can(u, qalam.ActEditArticle, qalam.Target{Own: own, Status: tr.Status}):
		f.errors["translation"] = "You cannot edit that article, so you cannot link it."
	default:
		return tr.ID, nil
	}
	return 0, nil
}

// linkFields fills in what the editor shows of a stored article's links:
// its translation's slug, and whether it leads the front page.
func (a *Admin) linkFields(ctx context.Context, art *qalam.Article, fields *editorFields) error {
	tr, err := a.store.Translation(ctx, art.ID)
	switch {
	case err == nil:
		fields.Translation = tr.Slug
	case !errors.Is(err, qalam.ErrNotFound):
		return err
	}
	featured, err := a.store.Setting(ctx, store.SettingFeaturedArticle)
	fields.Featured = featured == strconv.FormatInt(art.ID, 10)
	return err
}

// saveLinks saves the editor's links of a stored article, once its text
// is saved: its translation (changed only when it differs), and, for those
// who may publish it, whether it leads the front page.
func (a *Admin) saveLinks(ctx context.Context, u *qalam.User, art *qalam.Article, f *articleForm, translation int64) error {
	var current int64
	switch tr, err := a.store.Translation(ctx, art.ID); {
	case err == nil:
		current = tr.ID
	case !errors.Is(err, qalam.ErrNotFound):
		return err
	}
	if translation != current {
		if err := a.store.SetTranslation(ctx, art.ID, translation); err != nil {
			return err
		}
	}
	own, err := a.owns(ctx, u, art)
	if err != nil {
		return err
	}
	if !qalam.Can(u, qalam.ActPublishArticle, qalam.Target{Own: own, Status: art.Status}) {
		return nil
	}
	id := strconv.FormatInt(art.ID, 10)
	featured, err := a.store.Setting(ctx, store.SettingFeaturedArticle)
	switch {
	case err != nil:
		return err
	case f.fields.Featured && featured != id:
		return a.store.SetSetting(ctx, store.SettingFeaturedArticle, id)
	case !f.fields.Featured && featured == id:
		return a.store.SetSetting(ctx, store.SettingFeaturedArticle, "")
	}
	return nil
}
