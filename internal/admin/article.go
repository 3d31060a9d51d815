package admin

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
)

// articleRoutes: the article list, the editor, the workflow, preview links,
// revisions and corrections. Every route about one article loads it with
// articleTarget, so its ownership and status reach the policy.
func (a *Admin) articleRoutes() []route {
	t := a.articleTarget
	return []route{
		{method: "GET", pattern: "/admin/articles", action: qalam.ActListArticles, handle: a.listArticles},
		{method: "GET", pattern: "/admin/articles/new", action: qalam.ActCreateArticle, handle: a.newArticle},
		{method: "POST", pattern: "/admin/articles", action: qalam.ActCreateArticle, handle: a.createArticle},
		// The preview renders unsaved text; anyone who may write may see
		// what their text will look like.
		{method: "POST", pattern: "/admin/preview", action: qalam.ActCreateArticle, handle: a.previewArticle},

		{method: "GET", pattern: "/admin/articles/{id}", action: qalam.ActEditArticle, target: t, handle: a.editArticle},
		{method: "POST", pattern: "/admin/articles/{id}", action: qalam.ActEditArticle, target: t, handle: a.saveArticle},
		{method: "POST", pattern: "/admin/articles/{id}/autosave", action: qalam.ActEditArticle, target: t, handle: a.autosaveArticle},

		{method: "POST", pattern: "/admin/articles/{id}/submit", action: qalam.ActSubmitArticle, target: t, handle: a.moveArticle(qalam.Submitted)},
		{method: "POST", pattern: "/admin/articles/{id}/publish", action: qalam.ActPublishArticle, target: t, handle: a.moveArticle(qalam.Published)},
		{method: "POST", pattern: "/admin/articles/{id}/schedule", action: qalam.ActPublishArticle, target: t, handle: a.scheduleArticle},
		{method: "POST", pattern: "/admin/articles/{id}/unpublish", action: qalam.ActPublishArticle, target: t, handle: a.moveArticle(qalam.Unpublished)},
		{method: "POST", pattern: "/admin/articles/{id}/draft", action: qalam.ActPublishArticle, target: t, handle: a.moveArticle(qalam.Draft)},
		{method: "GET", pattern: "/admin/articles/{id}/delete", action: qalam.ActDeleteArticle, target: t, handle: a.confirmDeleteArticle},
		{method: "POST", pattern: "/admin/articles/{id}/delete", action: qalam.ActDeleteArticle, target: t, handle: a.deleteArticle},

		{method: "POST", pattern: "/admin/articles/{id}/preview-link", action: qalam.ActPreviewLink, target: t, handle: a.createPreviewLink},
		{method: "POST", pattern: "/admin/articles/{id}/preview-link/revoke", action: qalam.ActPreviewLink, target: t, handle: a.revokePreviewLinks},

		{method: "GET", pattern: "/admin/articles/{id}/revisions", action: qalam.ActViewRevisions, target: t, handle: a.listRevisions},
		{method: "GET", pattern: "/admin/articles/{id}/revisions/diff", action: qalam.ActViewRevisions, target: t, handle: a.diffRevisions},
		{method: "POST", pattern: "/admin/articles/{id}/revisions/{rev}/restore", action: qalam.ActRestoreRevision, target: t, handle: a.restoreRevision},

		{method: "POST", pattern: "/admin/articles/{id}/corrections", action: qalam.ActAddCorrection, target: t, handle: a.addCorrection},
	}
}

// articlesPerPage is the length of a page of the newsroom's list.
const articlesPerPage = 30

// listArticles shows the newsroom's list with its filters. Authors see
// only the articles in their own byline.
func (a *Admin) listArticles(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, _ := userFrom(ctx)
	q := r.URL.Query()
	f := articleListFilter{
		Status:   q.Get("status"),
		Language: q.Get("language"),
		Author:   q.Get("author"),
		Category: q.Get("category"),
		Query:    strings.TrimSpace(q.Get("q")),
	}
	filter := store.ArticleFilter{Limit: articlesPerPage, Query: f.Query}
	if s := qalam.ArticleStatus(f.Status); s.Valid() {
		filter.Statuses = []qalam.ArticleStatus{s}
	} else {
		f.Status = ""
	}
	if l := qalam.Language(f.Language); l.Valid() {
		filter.Language = l
	} else {
		f.Language = ""
	}
	if id, err := strconv.ParseInt(f.Category, 10, 64); err == nil && id > 0 {
		filter.CategoryID = id
	} else {
		f.Category = ""
	}
	ownOnly := u.Role == qalam.RoleAuthor
	if ownOnly {
		f.Author = ""
		profile, err := a.store.AuthorByUser(ctx, u.ID)
		switch {
		case errors.Is(err, qalam.ErrNotFound):
			filter.AuthorID = -1 // no profile, no articles of their own
		case err != nil:
			return err
		default:
			filter.AuthorID = profile.ID
		}
	} else if id, err := strconv.ParseInt(f.Author, 10, 64); err == nil && id > 0 {
		filter.AuthorID = id
	} else {
		f.Author = ""
	}
	pageNo, _ := strconv.Atoi(q.Get("page"))
	pageNo = max(pageNo, 1)
	// Far past the end is an empty page, not an enormous OFFSET.
	pageNo = min(pageNo, 1_000_000/articlesPerPage)
	filter.Offset = (pageNo - 1) * articlesPerPage

	list, total, err := a.store.FindArticles(ctx, filter)
	if err != nil {
		return err
	}
	page := articlesPage{
		AdminPage: a.page(r, "Articles", "articles"),
		Articles:  list,
		Total:     total,
		Page:      pageNo,
		Pages:     max(1, (total+articlesPerPage-1)/articlesPerPage),
		Filter:    f,
		OwnOnly:   ownOnly,
		CanCreate: qalam.Can(u, qalam.ActCreateArticle, qalam.Target{}),
	}
	link := func(n int) string {
		v := url.Values{}
		for k, s := range map[string]string{"status": f.Status, "language": f.Language, "author": f.Author, "category": f.Category, "q": f.Query} {
			if s != "" {
				v.Set(k, s)
			}
		}
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		if len(v) == 0 {
			return "/admin/articles"
		}
		return "/admin/articles?" + v.Encode()
	}
	if pageNo > 1 {
		page.Prev = link(min(pageNo-1, page.Pages))
	}
	if pageNo < page.Pages {
		page.Next = link(pageNo + 1)
	}
	for _, s := range qalam.ArticleStatuses {
		page.Statuses = append(page.Statuses, option{Value: string(s), Label: statusTitle(s), Selected: f.Status == string(s)})
	}
	page.Languages = languageOptions(qalam.Language(f.Language))
	cats, err := a.categoryOptions(ctx, filter.CategoryID)
	if err != nil {
		return err
	}
	page.Categories = cats
	if !ownOnly {
		authors, err := a.store.FindAuthors(ctx)
		if err != nil {
			return err
		}
		for _, au := range authors {
			page.Authors = append(page.Authors, option{Value: strconv.FormatInt(au.ID, 10), Label: au.Name, Selected: au.ID == filter.AuthorID})
		}
	}
	return a.view.Render(w, http.StatusOK, "admin/articles", page)
}

// statusTitle is a status as the newsroom names it.
func statusTitle(s qalam.ArticleStatus) string {
	switch s {
	case qalam.Draft:
		return "Draft"
	case qalam.Submitted:
		return "Submitted for review"
	case qalam.Scheduled:
		return "Scheduled"
	case qalam.Published:
		return "Published"
	case qalam.Unpublished:
		return "Unpublished"
	}
	return string(s)
}

// languageOptions lists the languages, each named in its own script.
func languageOptions(selected qalam.Language) []option {
	return []option{
		{Value: string(qalam.English), Label: qalam.English.Name(), Selected: selected == qalam.English, Lang: qalam.English},
		{Value: string(qalam.Urdu), Label: qalam.Urdu.Name(), Selected: selected == qalam.Urdu, Lang: qalam.Urdu},
	}
}

// categoryOptions lists the categories for a select.
func (a *Admin) categoryOptions(ctx context.Context, selected int64) ([]option, error) {
	cats, err := a.store.FindCategories(ctx)
	if err != nil {
		return nil, err
	}
	opts := make([]option, 0, len(cats))
	for _, c := range cats {
		opts = append(opts, option{Value: strconv.FormatInt(c.ID, 10), Label: c.Name, Selected: c.ID == selected})
	}
	return opts, nil
}
