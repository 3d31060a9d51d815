package admin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/media"
	"github.com/qalamnews/qalam/internal/store"
)

// mediaPerPage fills a grid of two, three, four or six columns.
const mediaPerPage = 24

func (a *Admin) showMedia(w http.ResponseWriter, r *http.Request) error {
	return a.renderMedia(w, r, http.StatusOK, mediaForm{})
}

// renderMedia renders a page of the library (?page=N) with the upload
// form in the given state.
func (a *Admin) renderMedia(w http.ResponseWriter, r *http.Request, status int, form mediaForm) error {
	ctx := r.Context()
	u, _ := userFrom(ctx)
	pageNum, _ := strconv.Atoi(r.URL.Query().Get("page"))
	pageNum = max(pageNum, 1)
	list, total, err := a.store.FindMedia(ctx, store.MediaFilter{Limit: mediaPerPage, Offset: (pageNum - 1) * mediaPerPage})
	if err != nil {
		return err
	}
	names, err := a.userNames(ctx)
	if err != nil {
		return err
	}
	page := mediaPage{
		AdminPage: a.page(r, "Media", "media"),
		Total:     total,
		PageNum:   pageNum,
		Pages:     (total + mediaPerPage - 1) / mediaPerPage,
		Form:      form,
		MaxSize:   maxSizeText(),
	}
	for _, m := range list {
		page.Items = append(page.Items, mediaItem{
			Media:    m,
			Thumb:    thumbURL(m),
			Uploader: names[m.UserID],
			CanEdit:  qalam.Can(u, qalam.ActEditMedia, qalam.Target{Own: m.UserID == u.ID}),
		})
	}
	if pageNum > 1 {
		page.Prev = "/admin/media?page=" + strconv.Itoa(pageNum-1)
	}
	if pageNum < page.Pages {
		page.Next = "/admin/media?page=" + strconv.Itoa(pageNum+1)
	}
	if len(form.Errors) > 0 {
		page.Error = "The image was not uploaded. Please correct the marked fields."
	}
	return a.view.Render(w, status, "admin/media", page)
}

// userNames maps staff account IDs to names, for "uploaded by" and
// "linked account".
func (a *Admin) userNames(ctx context.Context) (map[int64]string, error) {
	users, err := a.store.FindUsers(ctx)
	if err != nil {
		return nil, err
	}
	names := make(map[int64]string, len(users))
	for _, u := range users {
		names[u.ID] = u.Name
	}
	return names, nil
}

// uploadMedia stores an uploaded image and its description. The text is
// checked before the image is processed, so a form missing its alt text
// costs no decoding; whatever fails after the files are written removes
// them again.
func (a *Admin) uploadMedia(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, _ := userFrom(ctx)
	if err := parseUpload(w, r); err != nil {
		if qalam.KindOf(err) == qalam.KindTooLarge {
			// The body was not read, so nothing typed can be kept.
			return a.renderMedia(w, r, http.StatusRequestEntityTooLarge,
				mediaForm{Errors: qalam.FieldErrors{"file": qalam.MessageOf(err)}})
		}
		return err
	}
	form := mediaForm{
		Alt:     r.PostForm.Get("alt"),
		Caption: r.PostForm.Get("caption"),
		Credit:  r.PostForm.Get("credit"),
		Errors:  qalam.FieldErrors{},
	}
	desc := &qalam.Media{Alt: form.Alt, Caption: form.Caption, Credit: form.Credit}
	addFields(form.Errors, desc.Validate())
	file, _, err := r.FormFile("file")
	switch {
	case errors.Is(err, http.ErrMissingFile) || errors.Is(err, http.ErrNotMultipart):
		form.Errors["file"] = "Choose an image to upload."
	case err != nil:
		return fmt.Errorf("admin: read upload: %w", err)
	default:
		defer file.Close()
	}
	if len(form.Errors) > 0 {
		form.Reselect = form.Errors["file"] == ""
		return a.renderMedia(w, r, http.StatusUnprocessableEntity, form)
	}

	m, err := a.media.Store(ctx, file)
	if err != nil {
		msg, status, ok := fileProblem(err)
		if !ok {
			return err
		}
		form.Errors["file"] = msg
		return a.renderMedia(w, r, status, form)
	}
	m.Alt, m.Caption, m.Credit, m.UserID = desc.Alt, desc.Caption, desc.Credit, u.ID
	if err := a.store.CreateMedia(ctx, m); err != nil {
		if rerr := a.media.Remove(m); rerr != nil {
			return errors.Join(err, rerr)
		}
		if !addFields(form.Errors, err) {
			return err
		}
		form.Reselect = true
		return a.renderMedia(w, r, http.StatusUnprocessableEntity, form)
	}
	return seeOther(w, r, "/admin/media?flash=media-uploaded")
}

func (a *Admin) editMedia(w http.ResponseWriter, r *http.Request) error {
	m := object[*qalam.Media](r)
	return a.renderMediaItem(w, r, http.StatusOK, m, mediaForm{Alt: m.Alt, Caption: m.Caption, Credit: m.Credit}, false)
}

func (a *Admin) confirmDeleteMedia(w http.ResponseWriter, r *http.Request) error {
	return a.renderMediaItem(w, r, http.StatusOK, object[*qalam.Media](r), mediaForm{}, true)
}

// renderMediaItem renders one upload: its edit form, or with confirm the
// question whether to delete it.
func (a *Admin) renderMediaItem(w http.ResponseWriter, r *http.Request, status int, m *qalam.Media, form mediaForm, confirm bool) error {
	names, err := a.userNames(r.Context())
	if err != nil {
		return err
	}
	title := "Image"
	if confirm {
		title = "Delete image"
	}
	page := mediaEditPage{
		AdminPage: a.page(r, title, "media"),
		Media:     m,
		Src:       media.URL(m.Name),
		Thumb:     thumbURL(m),
		Srcset:    media.Srcset(m),
		Bytes:     humanBytes(m.Bytes),
		Uploader:  names[m.UserID],
		Form:      form,
		Confirm:   confirm,
	}
	page.Sizes = append(page.Sizes, mediaSize{Label: "Original", Width: m.Width, Height: m.Height, URL: media.URL(m.Name)})
	for _, v := range m.Variants {
		page.Sizes = append(page.Sizes, mediaSize{Label: "Smaller copy", Width: v.Width, Height: v.Height, URL: media.URL(v.Name)})
	}
	if len(form.Errors) > 0 {
		page.Error = "Nothing was saved. Please correct the marked fields."
	}
	return a.view.Render(w, status, "admin/media-edit", page)
}

func (a *Admin) updateMedia(w http.ResponseWriter, r *http.Request) error {
	m := object[*qalam.Media](r)
	if err := parseTextForm(w, r); err != nil {
		return err
	}
	form := mediaForm{
		Alt:     r.PostForm.Get("alt"),
		Caption: r.PostForm.Get("caption"),
		Credit:  r.PostForm.Get("credit"),
		Errors:  qalam.FieldErrors{},
	}
	desc := &qalam.Media{Alt: form.Alt, Caption: form.Caption, Credit: form.Credit}
	if addFields(form.Errors, desc.Validate()) {
		return a.renderMediaItem(w, r, http.StatusUnprocessableEntity, m, form, false)
	}
	if _, err := a.store.UpdateMedia(r.Context(), m.ID, form.Alt, form.Caption, form.Credit); err != nil {
		if addFields(form.Errors, err) {
			return a.renderMediaItem(w, r, http.StatusUnprocessableEntity, m, form, false)
		}
		return err
	}
	return seeOther(w, r, idPath("/admin/media/", m.ID)+"?flash=saved")
}

// deleteMedia deletes the record first, so that no page points at files
// that are gone, then the files.
func (a *Admin) deleteMedia(w http.ResponseWriter, r *http.Request) error {
	m := object[*qalam.Media](r)
	if err := a.store.DeleteMedia(r.Context(), m.ID); err != nil {
		return err
	}
	if err := a.media.Remove(m); err != nil {
		return fmt.Errorf("admin: media %d deleted, but not its files: %w", m.ID, err)
	}
	return seeOther(w, r, "/admin/media?flash=media-deleted")
}

// humanBytes writes a file size for people: "850 KB", "2.4 MB".
func humanBytes(n int64) string {
	switch {
	case n >= 1_000_000:
		return strconv.FormatFloat(float64(n)/1_000_000, 'f', 1, 64) + " MB"
	case n >= 1_000:
		return strconv.FormatInt((n+500)/1_000, 10) + " KB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}
