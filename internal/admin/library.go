package admin

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/media"
)

// libraryRoutes: media, authors, categories and tags.
func (a *Admin) libraryRoutes() []route {
	return []route{
		{method: "GET", pattern: "/admin/media", action: qalam.ActUploadMedia, handle: a.showMedia},
		{method: "POST", pattern: "/admin/media", action: qalam.ActUploadMedia, handle: a.uploadMedia},
		{method: "GET", pattern: "/admin/media/{id}", action: qalam.ActEditMedia, target: a.mediaTarget, handle: a.editMedia},
		{method: "POST", pattern: "/admin/media/{id}", action: qalam.ActEditMedia, target: a.mediaTarget, handle: a.updateMedia},
		{method: "GET", pattern: "/admin/media/{id}/delete", action: qalam.ActEditMedia, target: a.mediaTarget, handle: a.confirmDeleteMedia},
		{method: "POST", pattern: "/admin/media/{id}/delete", action: qalam.ActEditMedia, target: a.mediaTarget, handle: a.deleteMedia},

		// Every staff role that writes sees who writes; editing a profile
		// is the policy's ActEditAuthor, which with no target (a new
		// profile) only editors and admins have.
		{method: "GET", pattern: "/admin/authors", action: qalam.ActListArticles, handle: a.showAuthors},
		{method: "GET", pattern: "/admin/authors/new", action: qalam.ActEditAuthor, handle: a.newAuthor},
		{method: "POST", pattern: "/admin/authors/new", action: qalam.ActEditAuthor, handle: a.createAuthor},
		{method: "GET", pattern: "/admin/authors/{id}", action: qalam.ActEditAuthor, target: a.authorTarget, handle: a.editAuthor},
		{method: "POST", pattern: "/admin/authors/{id}", action: qalam.ActEditAuthor, target: a.authorTarget, handle: a.updateAuthor},

		// Categories and tags belong to no one: the action alone decides,
		// and the handlers check the IDs.
		{method: "GET", pattern: "/admin/categories", action: qalam.ActManageTaxonomy, handle: a.showTaxonomy},
		{method: "POST", pattern: "/admin/categories", action: qalam.ActManageTaxonomy, handle: a.createCategory},
		{method: "POST", pattern: "/admin/categories/{id}", action: qalam.ActManageTaxonomy, handle: a.renameCategory},
		{method: "POST", pattern: "/admin/categories/{id}/delete", action: qalam.ActManageTaxonomy, handle: a.deleteCategory},
		{method: "GET", pattern: "/admin/tags/{id}", action: qalam.ActManageTaxonomy, handle: a.showTag},
		{method: "POST", pattern: "/admin/tags/{id}", action: qalam.ActManageTaxonomy, handle: a.renameTag},
		{method: "POST", pattern: "/admin/tags/{id}/merge", action: qalam.ActManageTaxonomy, handle: a.mergeTag},
		{method: "POST", pattern: "/admin/tags/{id}/delete", action: qalam.ActManageTaxonomy, handle: a.deleteTag},
	}
}

// Body caps. An upload may be a little over the library's own cap (the
// multipart framing and the text fields), so that a file just too large
// reaches the library and gets its precise message with the form kept.
const (
	maxTextForm   = 64 << 10
	maxUploadBody = media.DefaultMaxBytes + 1<<20
	// uploadMemory is how much of a multipart form is held in memory; the
	// rest (the file) goes to a temporary file that net/http removes.
	uploadMemory = 256 << 10
	// uploadTime is how long an upload may take to arrive: 10 MB at
	// about 0.5 Mbit/s.
	uploadTime = 3 * time.Minute
)

// parseTextForm reads a small urlencoded form.
func parseTextForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxTextForm)
	if err := r.ParseForm(); err != nil {
		return formError(err)
	}
	return nil
}

// parseUpload reads a form that may carry a file. A form sent without a
// file (urlencoded) is read all the same.
func parseUpload(w http.ResponseWriter, r *http.Request) error {
	if r.ContentLength > maxUploadBody {
		return tooLarge(nil)
	}
	// A large photo over a slow connection outlasts the server's usual
	// timeouts. Best effort: a wrapper without deadline support keeps them.
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Now().Add(uploadTime))
	_ = rc.SetWriteDeadline(time.Now().Add(uploadTime + time.Minute))
	r.Body = http.MaxBytesReader(w, r.Body, maxUploadBody)
	err := r.ParseMultipartForm(uploadMemory)
	if err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return formError(err)
	}
	return nil
}

func formError(err error) error {
	if mbe, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return tooLarge(mbe)
	}
	return &qalam.Error{Kind: qalam.KindInvalid, Message: "We could not read that form. Please try again.", Err: err}
}

func tooLarge(cause error) error {
	return &qalam.Error{Kind: qalam.KindTooLarge, Err: cause,
		Message: "The file is larger than " + maxSizeText() + ". Upload a smaller image."}
}

// maxSizeText is the library's cap as staff read it.
func maxSizeText() string { return strconv.Itoa(media.DefaultMaxBytes>>20) + " MB" }

// fieldsOf returns the field errors an invalid (or conflicting) input
// carries, or nil when err is of another kind or names no field.
func fieldsOf(err error) qalam.FieldErrors {
	e, ok := errors.AsType[*qalam.Error](err)
	if !ok || (e.Kind != qalam.KindInvalid && e.Kind != qalam.KindConflict) || len(e.Fields) == 0 {
		return nil
	}
	return e.Fields
}

// addFields copies the field errors of err into errs and reports whether
// there were any.
func addFields(errs qalam.FieldErrors, err error) bool {
	fe := fieldsOf(err)
	for k, v := range fe {
		errs[k] = v
	}
	return len(fe) > 0
}

// fileProblem turns the media library's refusal of a file (wrong type,
// too large, too many pixels, busy) into a message for the file field and
// the status to send it back with; ok is false for server faults.
func fileProblem(err error) (msg string, status int, ok bool) {
	e, isQ := errors.AsType[*qalam.Error](err)
	if !isQ {
		return "", 0, false
	}
	switch e.Kind {
	case qalam.KindInvalid, qalam.KindTooLarge, qalam.KindUnavailable:
		return qalam.MessageOf(err), statusOf[e.Kind], true
	}
	return "", 0, false
}

// thumbURL is the URL of an image's narrowest stored copy.
func thumbURL(m *qalam.Media) string {
	if m == nil {
		return ""
	}
	if len(m.Variants) > 0 {
		return media.URL(m.Variants[0].Name)
	}
	return media.URL(m.Name)
}

// seeOther ends a successful POST (Post/Redirect/Get).
func seeOther(w http.ResponseWriter, r *http.Request, to string) error {
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// formID reads a positive ID from a form field; 0 when blank or invalid.
func formID(r *http.Request, field string) int64 {
	id, err := strconv.ParseInt(r.PostForm.Get(field), 10, 64)
	if err != nil || id < 0 {
		return 0
	}
	return id
}

func idPath(prefix string, id int64) string {
	return prefix + strconv.FormatInt(id, 10)
}
