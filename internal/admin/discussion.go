package admin

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/moderation"
	"github.com/qalamnews/qalam/internal/store"
)

// discussionRoutes: how discussions run (policies for the site, categories,
// tags and articles; editors' and admins') and the word lists
// (moderators' too). Every change is audited.
func (a *Admin) discussionRoutes() []route {
	return []route{
		{method: "GET", pattern: "/admin/discussion", action: qalam.ActManageDiscussion, handle: a.showDiscussion},
		{method: "POST", pattern: "/admin/discussion", action: qalam.ActManageDiscussion, handle: a.saveSitePolicy},
		{method: "POST", pattern: "/admin/discussion/categories", action: qalam.ActManageDiscussion, handle: a.saveCategoryPolicy},
		{method: "POST", pattern: "/admin/discussion/tags", action: qalam.ActManageDiscussion, handle: a.saveTagPolicy},
		{method: "GET", pattern: "/admin/discussion/words", action: qalam.ActManageWordLists, handle: a.showWordLists},
		{method: "POST", pattern: "/admin/discussion/words", action: qalam.ActManageWordLists, handle: a.saveWordLists},
		{method: "POST", pattern: "/admin/articles/{id}/discussion", action: qalam.ActManageDiscussion, target: a.articleTarget, handle: a.saveArticlePolicy},
	}
}

// policyModes are the modes a form offers, strictest first.
var policyModes = moderation.Modes

// Limits of the discussion forms.
const (
	maxWordTerms   = 2000 // terms in one list
	maxWordTerm    = 100  // characters in one term
	maxPolicyInput = 10   // characters of a number
)

// policyFormOf shows o as a form. The site's form (inherit false) shows
// what the site runs under: its own settings, the defaults for the rest.
func policyFormOf(o moderation.Override, inherit bool) policyForm {
	f := policyForm{Inherit: inherit, Close: "inherit", CloseUnit: "hours", Links: "inherit", Mode: string(o.Mode)}
	if !inherit {
		p := moderation.Resolve([]moderation.Override{o})
		f.Mode = string(p.Mode)
		o.CloseAfter, o.MaxLinks = &p.CloseAfter, &p.MaxLinks
	}
	if d := o.CloseAfter; d != nil {
		switch {
		case *d == 0:
			f.Close = "never"
		case *d < 0:
			f.Close = "now"
		default:
			f.Close, f.CloseAfter = "after", strconv.FormatInt(int64(*d/time.Hour), 10)
			if *d%(24*time.Hour) == 0 {
				f.CloseAfter, f.CloseUnit = strconv.FormatInt(int64(*d/(24*time.Hour)), 10), "days"
			}
		}
	}
	if n := o.MaxLinks; n != nil {
		if *n < 0 {
			f.Links = "any"
		} else {
			f.Links, f.MaxLinks = "limit", strconv.Itoa(*n)
		}
	}
	return f
}

// readPolicyForm reads a policy form, with a message at each field that
// is wrong. inherit says whether fields may be inherited (every form but
// the site's).
func readPolicyForm(r *http.Request, inherit bool) (policyForm, moderation.Override) {
	v := r.PostForm
	f := policyForm{
		Inherit: inherit, Mode: v.Get("mode"), Close: v.Get("close"), CloseAfter: strings.TrimSpace(v.Get("close_after")),
		CloseUnit: v.Get("close_unit"), Links: v.Get("links"), MaxLinks: strings.TrimSpace(v.Get("max_links")),
		Reason: strings.TrimSpace(v.Get("reason")), Errors: qalam.FieldErrors{},
	}
	var o moderation.Override
	switch {
	case f.Mode == "inherit" && inherit:
		f.Mode = ""
	case moderation.Mode(f.Mode).Valid():
		o.Mode = moderation.Mode(f.Mode)
	default:
		f.Errors["mode"] = "Choose how comments are moderated."
	}
	switch f.Close {
	case "never":
		o.CloseAfter = new(time.Duration(0))
	case "now":
		o.CloseAfter = new(moderation.CloseAtOnce)
	case "after":
		unit := time.Hour
		if f.CloseUnit == "days" {
			unit = 24 * time.Hour
		} else {
			f.CloseUnit = "hours"
		}
		n, err := strconv.Atoi(f.CloseAfter)
		if err != nil || n < 1 || len(f.CloseAfter) > maxPolicyInput || time.Duration(n)*unit > moderation.MaxCloseAfter {
			f.Errors["close_after"] = "Enter a whole number of " + f.CloseUnit + " from 1, up to ten years."
		} else {
			o.CloseAfter = new(time.Duration(n) * unit)
		}
	case "inherit":
		if !inherit {
			f.Errors["close_after"] = "Choose when discussions close."
		}
	default:
		f.Errors["close_after"] = "Choose when discussions close."
	}
	switch f.Links {
	case "any":
		o.MaxLinks = new(moderation.NoLinkLimit)
	case "limit":
		n, err := strconv.Atoi(f.MaxLinks)
		if err != nil || n < 0 || n > moderation.MaxLinkLimit || len(f.MaxLinks) > maxPolicyInput {
			f.Errors["max_links"] = "Enter a number of links from 0 to " + strconv.Itoa(moderation.MaxLinkLimit) + "."
		} else {
			o.MaxLinks = new(n)
		}
	case "inherit":
		if !inherit {
			f.Errors["max_links"] = "Choose how many links a comment may carry."
		}
	default:
		f.Errors["max_links"] = "Choose how many links a comment may carry."
	}
	if utf8.RuneCountInString(f.Reason) > maxReason {
		f.Errors["reason"] = "Too long: at most " + strconv.Itoa(maxReason) + " characters."
	}
	return f, o
}

func (a *Admin) showDiscussion(w http.ResponseWriter, r *http.Request) error {
	return a.renderDiscussion(w, r, http.StatusOK, nil)
}

// renderDiscussion renders the policies page; sent, when not nil, is a
// form that came back with errors, shown in place of its stored values.
func (a *Admin) renderDiscussion(w http.ResponseWriter, r *http.Request, status int, sent *policyForm) error {
	ctx := r.Context()
	page := discussionPage{AdminPage: a.page(r, "Discussion", "comments")}
	a.discussionLinks(r, &page)
	site, err := a.store.DiscussionPolicy(ctx, store.SiteScope, 0)
	if err != nil {
		return err
	}
	page.Site = policyFormOf(site.Override, false)
	page.Site.Action, page.Site.Prefix = "/admin/discussion", "site"
	cats, err := a.store.FindCategories(ctx)
	if err != nil {
		return err
	}
	catPolicies, err := a.policiesByTarget(ctx, store.CategoryScope)
	if err != nil {
		return err
	}
	for _, c := range cats {
		o := catPolicies[c.ID]
		row := policyRow{ID: c.ID, Name: c.Name, Summary: o.String(), Form: policyFormOf(o, true)}
		row.Form.TargetName, row.Form.TargetID = "category_id", c.ID
		page.Categories = append(page.Categories, row)
	}
	tags, err := a.store.FindTags(ctx)
	if err != nil {
		return err
	}
	tagPolicies, err := a.policiesByTarget(ctx, store.TagScope)
	if err != nil {
		return err
	}
	for _, t := range tags {
		o, ok := tagPolicies[t.ID]
		if !ok {
			page.TagChoices = append(page.TagChoices, option{Value: strconv.FormatInt(t.ID, 10), Label: t.Name})
			continue
		}
		row := policyRow{ID: t.ID, Name: t.Name, Summary: o.String(), Form: policyFormOf(o, true)}
		row.Form.TargetName, row.Form.TargetID = "tag_id", t.ID
		page.Tags = append(page.Tags, row)
	}
	page.NewTag = policyFormOf(moderation.Override{}, true)
	page.NewTag.TargetName = "tag_id"
	for i := range page.Categories {
		f := &page.Categories[i].Form
		f.Action, f.Prefix = "/admin/discussion/categories", "category-"+strconv.FormatInt(f.TargetID, 10)
	}
	for i := range page.Tags {
		f := &page.Tags[i].Form
		f.Action, f.Prefix = "/admin/discussion/tags", "tag-"+strconv.FormatInt(f.TargetID, 10)
	}
	page.NewTag.Action, page.NewTag.Prefix = "/admin/discussion/tags", "new-tag"
	if sent != nil {
		page.Error = "Nothing was changed. Please correct the marked fields."
		switch sent.Action {
		case page.Site.Action:
			page.Site = *sent
		case page.NewTag.Action: // a tag's form, or the new tag's
			if !placeSent(page.Tags, sent) {
				page.NewTag = *sent
				for i := range page.TagChoices {
					page.TagChoices[i].Selected = page.TagChoices[i].Value == strconv.FormatInt(sent.TargetID, 10)
				}
			}
		default:
			placeSent(page.Categories, sent)
		}
	}
	return a.view.Render(w, status, "admin/discussion", page)
}

// placeSent puts a form that came back into the row it belongs to.
func placeSent(rows []policyRow, sent *policyForm) bool {
	for i := range rows {
		if rows[i].Form.Action == sent.Action && rows[i].ID == sent.TargetID {
			rows[i].Form, rows[i].Open = *sent, true
			return true
		}
	}
	return false
}

// discussionLinks says which of the discussion's pages the viewer may use.
func (a *Admin) discussionLinks(r *http.Request, page *discussionPage) {
	u, _ := userFrom(r.Context())
	page.CanPolicies = qalam.Can(u, qalam.ActManageDiscussion, qalam.Target{})
	page.CanWords = qalam.Can(u, qalam.ActManageWordLists, qalam.Target{})
	page.CanBans = qalam.Can(u, qalam.ActBanCommenter, qalam.Target{})
}

// policiesByTarget returns the policies set on targets of scope by ID.
func (a *Admin) policiesByTarget(ctx context.Context, scope store.PolicyScope) (map[int64]moderation.Override, error) {
	list, err := a.store.FindDiscussionPolicies(ctx, scope)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]moderation.Override, len(list))
	for _, p := range list {
		out[p.TargetID] = p.Override
	}
	return out, nil
}

func (a *Admin) saveSitePolicy(w http.ResponseWriter, r *http.Request) error {
	if err := parseTextForm(w, r); err != nil {
		return err
	}
	f, o := readPolicyForm(r, false)
	f.Action, f.Prefix = "/admin/discussion", "site"
	return a.savePolicy(w, r, store.SiteScope, 0, f, o, "/admin/discussion?flash=policy-saved")
}

func (a *Admin) saveCategoryPolicy(w http.ResponseWriter, r *http.Request) error {
	if err := parseTextForm(w, r); err != nil {
		return err
	}
	id := formID(r, "category_id")
	f, o := readPolicyForm(r, true)
	f.Action, f.Prefix, f.TargetName, f.TargetID = "/admin/discussion/categories", "category-"+strconv.FormatInt(id, 10), "category_id", id
	return a.savePolicy(w, r, store.CategoryScope, id, f, o, "/admin/discussion?flash=policy-saved#category-"+strconv.FormatInt(id, 10))
}

func (a *Admin) saveTagPolicy(w http.ResponseWriter, r *http.Request) error {
	if err := parseTextForm(w, r); err != nil {
		return err
	}
	id := formID(r, "tag_id")
	f, o := readPolicyForm(r, true)
	f.Action, f.Prefix, f.TargetName, f.TargetID = "/admin/discussion/tags", "tag-"+strconv.FormatInt(id, 10), "tag_id", id
	if id == 0 {
		f.Prefix = "new-tag"
		f.Errors["tag_id"] = "Choose a tag."
	}
	return a.savePolicy(w, r, store.TagScope, id, f, o, "/admin/discussion?flash=policy-saved#tag-"+strconv.FormatInt(id, 10))
}

// savePolicy stores a policy read from f, or sends the page back with f's
// errors.
func (a *Admin) savePolicy(w http.ResponseWriter, r *http.Request, scope store.PolicyScope, id int64, f policyForm, o moderation.Override, done string) error {
	if scope != store.SiteScope && id == 0 && len(f.Errors) == 0 {
		f.Errors[string(scope)+"_id"] = "Choose a " + string(scope) + "."
	}
	if len(f.Errors) > 0 {
		return a.renderDiscussion(w, r, http.StatusUnprocessableEntity, &f)
	}
	u, _ := userFrom(r.Context())
	err := a.store.SetDiscussionPolicy(r.Context(), &store.DiscussionPolicy{Scope: scope, TargetID: id, Override: o}, u.ID, f.Reason)
	if err != nil {
		if addFields(f.Errors, err) {
			return a.renderDiscussion(w, r, statusOf[qalam.KindOf(err)], &f)
		}
		return err
	}
	return seeOther(w, r, done)
}

// articlePolicyForm is the article's own policy as the editor's form, with
// the policy in force described.
func (a *Admin) articlePolicyForm(ctx context.Context, art *qalam.Article) (*policyForm, error) {
	own, err := a.store.DiscussionPolicy(ctx, store.ArticleScope, art.ID)
	if err != nil {
		return nil, err
	}
	f := policyFormOf(own.Override, true)
	if err := a.describePolicy(ctx, art, &f); err != nil {
		return nil, err
	}
	return &f, nil
}

// describePolicy fills in the form's address and the policy in force.
func (a *Admin) describePolicy(ctx context.Context, art *qalam.Article, f *policyForm) error {
	f.Action, f.Prefix = articlePath(art.ID)+"/discussion", "article"
	p, err := a.store.ArticlePolicy(ctx, art.ID)
	if err != nil {
		return err
	}
	f.Effective = p.String()
	switch at := p.ClosesAt(art.PublishedAt); {
	case art.CommentsClosed:
		f.Effective += "; comments are closed on this article"
	case p.CloseAfter < 0:
		// "closed" says it all
	case !at.IsZero() && !a.now().Before(at):
		f.Effective += "; closed since " + at.UTC().Format("2006-01-02 15:04") + " UTC"
	case !at.IsZero():
		f.Effective += "; closes " + at.UTC().Format("2006-01-02 15:04") + " UTC"
	}
	return nil
}

func (a *Admin) saveArticlePolicy(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	art := object[*qalam.Article](r)
	if err := parseTextForm(w, r); err != nil {
		return err
	}
	f, o := readPolicyForm(r, true)
	if len(f.Errors) == 0 {
		u, _ := userFrom(ctx)
		err := a.store.SetDiscussionPolicy(ctx, &store.DiscussionPolicy{Scope: store.ArticleScope, TargetID: art.ID, Override: o}, u.ID, f.Reason)
		if err == nil {
			return seeOther(w, r, articlePath(art.ID)+"?flash=policy-saved#discussion")
		}
		if !addFields(f.Errors, err) {
			return err
		}
	}
	if err := a.describePolicy(ctx, art, &f); err != nil {
		return err
	}
	page, err := a.editorPage(r, art, articleFields(art), nil)
	if err != nil {
		return err
	}
	page.Discussion = &f
	page.Error = "The discussion policy was not changed. Please correct the marked fields."
	return a.view.Render(w, http.StatusUnprocessableEntity, "admin/editor", page)
}

func (a *Admin) showWordLists(w http.ResponseWriter, r *http.Request) error {
	hold, reject, err := a.store.WordLists(r.Context())
	if err != nil {
		return err
	}
	f := wordListsForm{Hold: strings.Join(hold, "\n"), Reject: strings.Join(reject, "\n"), HoldCount: len(hold), RejectCount: len(reject)}
	return a.renderWordLists(w, r, http.StatusOK, f)
}

func (a *Admin) renderWordLists(w http.ResponseWriter, r *http.Request, status int, f wordListsForm) error {
	page := discussionPage{AdminPage: a.page(r, "Word lists", "comments"), Words: &f}
	a.discussionLinks(r, &page)
	if len(f.Errors) > 0 {
		page.Error = "Nothing was changed. Please correct the marked fields."
	}
	return a.view.Render(w, status, "admin/discussion", page)
}

func (a *Admin) saveWordLists(w http.ResponseWriter, r *http.Request) error {
	if err := parseTextForm(w, r); err != nil {
		return err
	}
	f := wordListsForm{Hold: r.PostForm.Get("hold"), Reject: r.PostForm.Get("reject"),
		Reason: strings.TrimSpace(r.PostForm.Get("reason")), Errors: qalam.FieldErrors{}}
	hold, reject := terms(f.Hold, "hold", f.Errors), terms(f.Reject, "reject", f.Errors)
	f.HoldCount, f.RejectCount = len(hold), len(reject)
	if utf8.RuneCountInString(f.Reason) > maxReason {
		f.Errors["reason"] = "Too long: at most " + strconv.Itoa(maxReason) + " characters."
	}
	if len(f.Errors) > 0 {
		return a.renderWordLists(w, r, http.StatusUnprocessableEntity, f)
	}
	u, _ := userFrom(r.Context())
	if err := a.store.SetWordLists(r.Context(), hold, reject, u.ID, f.Reason); err != nil {
		return err
	}
	return seeOther(w, r, "/admin/discussion/words?flash=words-saved")
}

// terms reads one term a line, as typed (only trimmed), and records at
// field what is wrong with the list.
func terms(text, field string, errs qalam.FieldErrors) []string {
	var out []string
	for i, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		t := strings.TrimSpace(line)
		switch {
		case t == "":
			continue
		case !utf8.ValidString(t) || strings.ContainsRune(t, 0):
			errs[field] = "Line " + strconv.Itoa(i+1) + " contains characters we cannot store."
		case utf8.RuneCountInString(t) > maxWordTerm:
			errs[field] = "Line " + strconv.Itoa(i+1) + " is too long: a term has at most " + strconv.Itoa(maxWordTerm) + " characters."
		case !moderation.Matchable(t):
			errs[field] = "Line " + strconv.Itoa(i+1) + " has no letters or digits to match."
		}
		out = append(out, t)
	}
	if len(out) > maxWordTerms {
		errs[field] = "Too many terms: at most " + strconv.Itoa(maxWordTerms) + "."
	}
	return out
}
