package admin

import (
	"context"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
)

// photoChoices is how many recent uploads the photo picker offers.
const photoChoices = 24

func (a *Admin) showAuthors(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, _ := userFrom(ctx)
	authors, err := a.store.FindAuthors(ctx)
	if err != nil {
		return err
	}
	names, err := a.userNames(ctx)
	if err != nil {
		return err
	}
	page := authorsPage{
		AdminPage: a.page(r, "Authors", "authors"),
		CanCreate: qalam.Can(u, qalam.ActEditAuthor, qalam.Target{}),
	}
	// Article counts and photos are left out: the store cannot fetch them
	// for every author in one query.
	for _, au := range authors {
		page.Authors = append(page.Authors, authorRow{
			Author:  au,
			Account: names[au.UserID],
			CanEdit: qalam.Can(u, qalam.ActEditAuthor, qalam.Target{Own: au.UserID == u.ID}),
		})
	}
	return a.view.Render(w, http.StatusOK, "admin/authors", page)
}

func (a *Admin) newAuthor(w http.ResponseWriter, r *http.Request) error {
	return a.renderAuthor(w, r, http.StatusOK, nil, authorForm{})
}

func (a *Admin) editAuthor(w http.ResponseWriter, r *http.Request) error {
	au := object[*qalam.Author](r)
	form := authorForm{
		Name: au.Name, Slug: au.Slug, Bio: au.Bio,
		Links:   strings.Join(au.Links, "\n"),
		PhotoID: au.PhotoID, UserID: au.UserID,
	}
	return a.renderAuthor(w, r, http.StatusOK, au, form)
}

func (a *Admin) createAuthor(w http.ResponseWriter, r *http.Request) error {
	return a.saveAuthor(w, r, nil)
}

func (a *Admin) updateAuthor(w http.ResponseWriter, r *http.Request) error {
	return a.saveAuthor(w, r, object[*qalam.Author](r))
}

// canLink reports whether u may set a profile's slug and linked account:
// those who may create profiles (editors, admins). An author editing
// their own profile may not, or they could take over another's byline
// or move their public address.
func canLink(u *qalam.User) bool {
	return qalam.Can(u, qalam.ActEditAuthor, qalam.Target{})
}

// saveAuthor creates (existing nil) or updates a profile. A photo
// uploaded with the form is stored only once everything else checks out,
// and stays in the library if saving the profile then fails.
func (a *Admin) saveAuthor(w http.ResponseWriter, r *http.Request, existing *qalam.Author) error {
	ctx := r.Context()
	u, _ := userFrom(ctx)
	if err := parseUpload(w, r); err != nil {
		return err
	}
	linking := canLink(u)
	form := authorForm{
		Name:     r.PostForm.Get("name"),
		Slug:     strings.TrimSpace(r.PostForm.Get("slug")),
		Bio:      r.PostForm.Get("bio"),
		Links:    r.PostForm.Get("links"),
		PhotoID:  formID(r, "photo"),
		UserID:   formID(r, "user"),
		PhotoAlt: r.PostForm.Get("photo_alt"),
		Errors:   qalam.FieldErrors{},
	}
	if !linking && existing != nil {
		// Server-owned for this user, whatever the request says.
		form.Slug, form.UserID = existing.Slug, existing.UserID
	}
	if form.Slug == "" {
		form.Slug = qalam.Slugify(form.Name)
	}
	au := &qalam.Author{
		Name: form.Name, Slug: form.Slug, Bio: form.Bio,
		Links: splitLines(form.Links), PhotoID: form.PhotoID, UserID: form.UserID,
	}
	addFields(form.Errors, au.Validate())

	file, err := photoFile(r)
	if err != nil {
		return err
	}
	if file != nil {
		defer file.Close()
		photo := &qalam.Media{Alt: form.PhotoAlt}
		if fe := fieldsOf(photo.Validate()); fe["alt"] != "" {
			form.Errors["photo_alt"] = fe["alt"]
		}
	} else if form.PhotoID != 0 {
		if _, err := a.store.Media(ctx, form.PhotoID); errors.Is(err, qalam.ErrNotFound) {
			form.Errors["photo"] = "That image is no longer in the library. Choose another."
		} else if err != nil {
			return err
		}
	}
	if linking && form.UserID != 0 {
		msg, err := a.checkAccount(ctx, form.UserID, existing)
		if err != nil {
			return err
		}
		if msg != "" {
			form.Errors["user"] = msg
		}
	}
	if len(form.Errors) > 0 {
		form.Reselect = file != nil && form.Errors["photo_file"] == ""
		return a.renderAuthor(w, r, http.StatusUnprocessableEntity, existing, form)
	}

	if file != nil {
		m, err := a.media.Store(ctx, file)
		if err != nil {
			msg, status, ok := fileProblem(err)
			if !ok {
				return err
			}
			form.Errors["photo_file"] = msg
			return a.renderAuthor(w, r, status, existing, form)
		}
		m.Alt, m.UserID = form.PhotoAlt, u.ID
		if err := a.store.CreateMedia(ctx, m); err != nil {
			return errors.Join(err, a.media.Remove(m))
		}
		// Kept in the library, and chosen, should the profile not save.
		au.PhotoID, form.PhotoID, form.PhotoAlt = m.ID, m.ID, ""
	}

	id, err := a.storeAuthor(ctx, au, existing, linking)
	if err != nil {
		if addFields(form.Errors, err) {
			return a.renderAuthor(w, r, statusOf[qalam.KindOf(err)], existing, form)
		}
		return err
	}
	return seeOther(w, r, idPath("/admin/authors/", id)+"?flash=saved")
}

// storeAuthor creates au, or updates existing with au's fields (not the
// slug and account unless linking).
func (a *Admin) storeAuthor(ctx context.Context, au, existing *qalam.Author, linking bool) (int64, error) {
	if existing == nil {
		if err := a.store.CreateAuthor(ctx, au); err != nil {
			return 0, err
		}
		return au.ID, nil
	}
	up := store.AuthorUpdate{Name: &au.Name, Bio: &au.Bio, PhotoID: &au.PhotoID, Links: &au.Links}
	if linking {
		up.Slug, up.UserID = &au.Slug, &au.UserID
	}
	if _, err := a.store.UpdateAuthor(ctx, existing.ID, up); err != nil {
		return 0, err
	}
	return existing.ID, nil
}

// photoFile returns the photo uploaded with the author form, or nil.
func photoFile(r *http.Request) (multipart.File, error) {
	// A file input left empty arrives as a part without a file name,
	// which is no file at all.
	file, _, err := r.FormFile("photo_file")
	switch {
	case errors.Is(err, http.ErrMissingFile) || errors.Is(err, http.ErrNotMultipart):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("admin: read photo: %w", err)
	}
	return file, nil
}

// checkAccount says what is wrong with linking the staff account userID to
// a profile ("" when nothing is): it must exist and not write as another
// profile already (an account has one byline).
func (a *Admin) checkAccount(ctx context.Context, userID int64, existing *qalam.Author) (string, error) {
	if _, err := a.store.User(ctx, userID); errors.Is(err, qalam.ErrNotFound) {
		return "Choose an existing staff account.", nil
	} else if err != nil {
		return "", err
	}
	other, err := a.store.AuthorByUser(ctx, userID)
	if errors.Is(err, qalam.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if existing == nil || other.ID != existing.ID {
		return "This account already writes as " + other.Name + ". An account has one profile.", nil
	}
	return "", nil
}

// splitLines returns the non-blank lines of s, trimmed.
func splitLines(s string) []string {
	var out []string
	for line := range strings.Lines(s) {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// renderAuthor renders the profile form: for a new profile when existing
// is nil.
func (a *Admin) renderAuthor(w http.ResponseWriter, r *http.Request, status int, existing *qalam.Author, form authorForm) error {
	ctx := r.Context()
	u, _ := userFrom(ctx)
	title := "New author"
	if existing != nil {
		title = existing.Name
	}
	page := authorEditPage{
		AdminPage: a.page(r, title, "authors"),
		Form:      form,
		CanLink:   canLink(u),
		MaxSize:   maxSizeText(),
	}
	if existing != nil {
		page.AuthorID, page.Slug = existing.ID, existing.Slug
	}
	if len(form.Errors) > 0 {
		page.Error = "The profile was not saved. Please correct the marked fields."
	}

	users, err := a.store.FindUsers(ctx)
	if err != nil {
		return err
	}
	authors, err := a.store.FindAuthors(ctx)
	if err != nil {
		return err
	}
	profiles := map[int64]string{}
	for _, au := range authors {
		if au.UserID != 0 && (existing == nil || au.ID != existing.ID) {
			profiles[au.UserID] = au.Name
		}
	}
	for _, su := range users {
		if su.ID == form.UserID {
			page.Account = su.Name
		}
		if page.CanLink {
			page.Users = append(page.Users, userChoice{ID: su.ID, Name: su.Name, Email: su.Email,
				Role: su.Role, Disabled: su.Disabled, Profile: profiles[su.ID]})
		}
	}

	recent, _, err := a.store.FindMedia(ctx, store.MediaFilter{Limit: photoChoices})
	if err != nil {
		return err
	}
	chosen := form.PhotoID == 0
	for _, m := range recent {
		chosen = chosen || m.ID == form.PhotoID
		page.Photos = append(page.Photos, photoChoice{ID: m.ID, Thumb: thumbURL(m), Alt: m.Alt})
	}
	if !chosen {
		// The current photo, older than the recent uploads, comes first.
		m, err := a.store.Media(ctx, form.PhotoID)
		if err != nil && !errors.Is(err, qalam.ErrNotFound) {
			return err
		}
		if err == nil {
			page.Photos = append([]photoChoice{{ID: m.ID, Thumb: thumbURL(m), Alt: m.Alt}}, page.Photos...)
		}
	}
	return a.view.Render(w, status, "admin/author-edit", page)
}
