package admin

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
)

// maxTagName matches what an article's tags may be (qalam.Article.Validate).
const maxTagName = 100

func (a *Admin) showTaxonomy(w http.ResponseWriter, r *http.Request) error {
	return a.renderTaxonomy(w, r, http.StatusOK, 0, taxonomyForm{}, taxonomyForm{})
}

// renderTaxonomy renders the categories and tags. rowID names the category
// whose form came back with errors (rowForm), newForm is the creation form.
func (a *Admin) renderTaxonomy(w http.ResponseWriter, r *http.Request, status int, rowID int64, rowForm, newForm taxonomyForm) error {
	ctx := r.Context()
	cats, err := a.store.FindCategories(ctx)
	if err != nil {
		return err
	}
	tags, err := a.store.FindTags(ctx)
	if err != nil {
		return err
	}
	page := taxonomyPage{
		AdminPage:   a.page(r, "Categories and tags", "taxonomy"),
		Tags:        tags,
		NewCategory: newForm,
	}
	for _, c := range cats {
		// A count per category: there are few categories.
		_, n, err := a.store.FindArticles(ctx, store.ArticleFilter{CategoryID: c.ID, Limit: 1})
		if err != nil {
			return err
		}
		row := categoryRow{Category: c, Articles: n, Form: taxonomyForm{Name: c.Name, Slug: c.Slug}}
		if c.ID == rowID {
			row.Form, row.Open = rowForm, true
		}
		page.Categories = append(page.Categories, row)
	}
	if len(rowForm.Errors) > 0 || len(newForm.Errors) > 0 {
		page.Error = "Nothing was changed. Please correct the marked fields."
	}
	return a.view.Render(w, status, "admin/taxonomy", page)
}

// nameForm reads a name and slug, suggesting the slug from the name when
// it is left blank.
func nameForm(r *http.Request) taxonomyForm {
	f := taxonomyForm{
		Name:   r.PostForm.Get("name"),
		Slug:   strings.TrimSpace(r.PostForm.Get("slug")),
		Errors: qalam.FieldErrors{},
	}
	if f.Slug == "" {
		f.Slug = qalam.Slugify(f.Name)
	}
	return f
}

func (a *Admin) createCategory(w http.ResponseWriter, r *http.Request) error {
	if err := parseTextForm(w, r); err != nil {
		return err
	}
	f := nameForm(r)
	c := &qalam.Category{Name: f.Name, Slug: f.Slug}
	if addFields(f.Errors, c.Validate()) {
		return a.renderTaxonomy(w, r, http.StatusUnprocessableEntity, 0, taxonomyForm{}, f)
	}
	if err := a.store.CreateCategory(r.Context(), c); err != nil {
		if addFields(f.Errors, err) {
			return a.renderTaxonomy(w, r, statusOf[qalam.KindOf(err)], 0, taxonomyForm{}, f)
		}
		return err
	}
	return seeOther(w, r, "/admin/categories?flash=saved")
}

// category loads the category the path names.
func (a *Admin) category(r *http.Request) (*qalam.Category, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	return a.store.Category(r.Context(), id)
}

func (a *Admin) renameCategory(w http.ResponseWriter, r *http.Request) error {
	c, err := a.category(r)
	if err != nil {
		return err
	}
	if err := parseTextForm(w, r); err != nil {
		return err
	}
	f := nameForm(r)
	renamed := &qalam.Category{Name: f.Name, Slug: f.Slug}
	if addFields(f.Errors, renamed.Validate()) {
		return a.renderTaxonomy(w, r, http.StatusUnprocessableEntity, c.ID, f, taxonomyForm{})
	}
	if _, err := a.store.RenameCategory(r.Context(), c.ID, f.Name, f.Slug); err != nil {
		if addFields(f.Errors, err) {
			return a.renderTaxonomy(w, r, statusOf[qalam.KindOf(err)], c.ID, f, taxonomyForm{})
		}
		return err
	}
	return seeOther(w, r, "/admin/categories?flash=saved")
}

// deleteCategory moves the category's articles to the chosen one, then
// deletes it. The last category stays: every article needs one.
func (a *Admin) deleteCategory(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, err := a.category(r)
	if err != nil {
		return err
	}
	if err := parseTextForm(w, r); err != nil {
		return err
	}
	f := taxonomyForm{Name: c.Name, Slug: c.Slug, Target: formID(r, "move_to"), Errors: qalam.FieldErrors{}}
	msg, status, err := a.checkMoveTo(ctx, c.ID, f.Target)
	if err != nil {
		return err
	}
	if msg != "" {
		f.Errors["move_to"] = msg
		return a.renderTaxonomy(w, r, status, c.ID, f, taxonomyForm{})
	}
	if err := a.store.DeleteCategory(ctx, c.ID, f.Target); err != nil {
		if addFields(f.Errors, err) {
			return a.renderTaxonomy(w, r, statusOf[qalam.KindOf(err)], c.ID, f, taxonomyForm{})
		}
		return err
	}
	return seeOther(w, r, "/admin/categories?flash=category-deleted")
}

// checkMoveTo says what is wrong with deleting category id and moving
// its articles to moveTo, and with which status ("" when nothing is).
func (a *Admin) checkMoveTo(ctx context.Context, id, moveTo int64) (string, int, error) {
	cats, err := a.store.FindCategories(ctx)
	if err != nil {
		return "", 0, err
	}
	if len(cats) <= 1 {
		return "This is the only category, and every article needs one. Create another first.", http.StatusConflict, nil
	}
	if moveTo == 0 {
		return "Choose the category its articles move to.", http.StatusUnprocessableEntity, nil
	}
	if moveTo == id {
		return "Choose another category: this one is being deleted.", http.StatusUnprocessableEntity, nil
	}
	for _, c := range cats {
		if c.ID == moveTo {
			return "", 0, nil
		}
	}
	return "Choose an existing category.", http.StatusUnprocessableEntity, nil
}

// tagCount loads the tag the path names, with its article count, and
// every tag (for the merge select).
func (a *Admin) tagCount(r *http.Request) (*store.TagCount, []store.TagCount, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, nil, err
	}
	tags, err := a.store.FindTags(r.Context())
	if err != nil {
		return nil, nil, err
	}
	for i := range tags {
		if tags[i].ID == id {
			return &tags[i], tags, nil
		}
	}
	return nil, nil, qalam.Errorf(qalam.KindNotFound, "There is no such tag.")
}

func (a *Admin) showTag(w http.ResponseWriter, r *http.Request) error {
	t, tags, err := a.tagCount(r)
	if err != nil {
		return err
	}
	return a.renderTag(w, r, http.StatusOK, t, tags, taxonomyForm{Name: t.Name, Slug: t.Slug})
}

// renderTag renders one tag's page: rename, merge, delete.
func (a *Admin) renderTag(w http.ResponseWriter, r *http.Request, status int, t *store.TagCount, tags []store.TagCount, f taxonomyForm) error {
	page := taxonomyPage{
		AdminPage: a.page(r, "Tag: "+t.Name, "taxonomy"),
		Tags:      tags,
		Tag:       t,
		TagForm:   f,
	}
	if len(f.Errors) > 0 {
		page.Error = "Nothing was changed. Please correct the marked fields."
	}
	return a.view.Render(w, status, "admin/taxonomy", page)
}

// validateTag checks a tag's name and slug as articles' tags are checked.
func validateTag(f taxonomyForm) {
	switch {
	case !utf8.ValidString(f.Name) || strings.ContainsRune(f.Name, 0):
		f.Errors["name"] = "Contains characters we cannot store."
	case strings.TrimSpace(f.Name) == "":
		f.Errors["name"] = "Required."
	case utf8.RuneCountInString(f.Name) > maxTagName:
		f.Errors["name"] = "Too long: at most 100 characters."
	}
	if !qalam.ValidSlug(f.Slug) {
		f.Errors["slug"] = "Use letters and digits separated by hyphens."
	}
}

func (a *Admin) renameTag(w http.ResponseWriter, r *http.Request) error {
	t, tags, err := a.tagCount(r)
	if err != nil {
		return err
	}
	if err := parseTextForm(w, r); err != nil {
		return err
	}
	f := nameForm(r)
	f.Name = strings.TrimSpace(f.Name)
	if validateTag(f); len(f.Errors) > 0 {
		return a.renderTag(w, r, http.StatusUnprocessableEntity, t, tags, f)
	}
	if _, err := a.store.RenameTag(r.Context(), t.ID, f.Name, f.Slug); err != nil {
		if addFields(f.Errors, err) {
			return a.renderTag(w, r, statusOf[qalam.KindOf(err)], t, tags, f)
		}
		return err
	}
	return seeOther(w, r, idPath("/admin/tags/", t.ID)+"?flash=saved")
}

// mergeTag moves the tag's articles onto another tag and deletes it: for
// "Election" and "Elections" written by two people.
func (a *Admin) mergeTag(w http.ResponseWriter, r *http.Request) error {
	t, tags, err := a.tagCount(r)
	if err != nil {
		return err
	}
	if err := parseTextForm(w, r); err != nil {
		return err
	}
	f := taxonomyForm{Name: t.Name, Slug: t.Slug, Target: formID(r, "into"), Errors: qalam.FieldErrors{}}
	switch {
	case f.Target == 0:
		f.Errors["into"] = "Choose the tag to merge into."
	case f.Target == t.ID:
		f.Errors["into"] = "Choose another tag: a tag cannot be merged into itself."
	case !hasTag(tags, f.Target):
		f.Errors["into"] = "Choose an existing tag."
	}
	if len(f.Errors) > 0 {
		return a.renderTag(w, r, http.StatusUnprocessableEntity, t, tags, f)
	}
	if err := a.store.MergeTag(r.Context(), t.ID, f.Target); err != nil {
		if addFields(f.Errors, err) {
			return a.renderTag(w, r, statusOf[qalam.KindOf(err)], t, tags, f)
		}
		return err
	}
	return seeOther(w, r, idPath("/admin/tags/", f.Target)+"?flash=tag-merged")
}

func hasTag(tags []store.TagCount, id int64) bool {
	for _, t := range tags {
		if t.ID == id {
			return true
		}
	}
	return false
}

// deleteTag removes the tag from its articles and deletes it.
func (a *Admin) deleteTag(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := parseTextForm(w, r); err != nil {
		return err
	}
	if err := a.store.DeleteTag(r.Context(), id); err != nil {
		if errors.Is(err, qalam.ErrNotFound) {
			return qalam.Errorf(qalam.KindNotFound, "There is no such tag.")
		}
		return err
	}
	return seeOther(w, r, "/admin/categories?flash=tag-deleted#tags")
}
