package admin

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/view"
)

// moderationRoutes: the comment queue and the audit log. Comments belong
// to no staff member, so the action alone decides; the handlers check the
// IDs.
func (a *Admin) moderationRoutes() []route {
	return []route{
		{method: "GET", pattern: "/admin/comments", action: qalam.ActModerate, handle: a.showQueue},
		{method: "POST", pattern: "/admin/comments/moderate", action: qalam.ActModerate, handle: a.moderateBulk},
		{method: "POST", pattern: "/admin/comments/{id}/moderate", action: qalam.ActModerate, target: a.commentTarget, handle: a.moderateOne},
		// The audit log is the admins': it records moderators' decisions.
		{method: "GET", pattern: "/admin/audit", action: qalam.ActManageSettings, handle: a.showAudit},
	}
}

// Queue sizes and limits.
const (
	queuePerPage  = 50
	maxReason     = 500 // characters
	maxBulk       = 500 // comments in one bulk action
	excerptLength = 140 // characters of a parent comment shown
)

// queueTabs are the queue's tabs in order: the status value in the
// address and the label staff read.
var queueTabs = [...]struct{ status, label string }{
	{string(qalam.Pending), "Held"},
	{reportedTab, "Reported"},
	{string(qalam.Spam), "Spam"},
	{string(qalam.Approved), "Approved"},
	{string(qalam.Deleted), "Removed"},
	{"all", "All"},
}

// reportedTab lists the approved and held comments readers reported.
const reportedTab = "reported"

// queueTab returns a known tab's status value and label; anything else is
// the held tab.
func queueTabOf(s string) (status, label string) {
	for _, t := range queueTabs {
		if t.status == s {
			return t.status, t.label
		}
	}
	return queueTabs[0].status, queueTabs[0].label
}

// queueURL is the address of a page of a tab, with an optional flash.
func queueURL(tab string, pageNum int, flash string) string {
	q := url.Values{"status": {tab}}
	if pageNum > 1 {
		q.Set("page", strconv.Itoa(pageNum))
	}
	if flash != "" {
		q.Set("flash", flash)
	}
	return "/admin/comments?" + q.Encode()
}

// commentTarget loads the comment a route is about; comments belong to no
// staff member, so the policy is told nothing of it.
func (a *Admin) commentTarget(r *http.Request, _ *qalam.User) (qalam.Target, any, error) {
	id, err := pathID(r)
	if err != nil {
		return qalam.Target{}, nil, err
	}
	c, err := a.store.Comment(r.Context(), id)
	return qalam.Target{}, c, err
}

func (a *Admin) showQueue(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	pageNum, _ := strconv.Atoi(q.Get("page"))
	return a.renderQueue(w, r, http.StatusOK, q.Get("status"), pageNum, queueInput{})
}

// queueInput is what a moderation form sent, for showing it again with a
// message when it cannot be done.
type queueInput struct {
	message    string
	rowID      int64 // the row whose form it was; 0 for the bulk bar
	reason     string
	bulkReason string
}

// renderQueue renders a page of a tab of the queue, with a refused form's
// input and message when in is not empty.
func (a *Admin) renderQueue(w http.ResponseWriter, r *http.Request, status int, tab string, pageNum int, in queueInput) error {
	ctx := r.Context()
	u, _ := userFrom(ctx)
	tab, label := queueTabOf(tab)
	pageNum = max(pageNum, 1)
	counts, err := a.store.CommentCounts(ctx)
	if err != nil {
		return err
	}
	reported, err := a.store.CountReported(ctx)
	if err != nil {
		return err
	}
	f := store.QueueFilter{Limit: queuePerPage, Offset: (pageNum - 1) * queuePerPage}
	if tab != "all" {
		s := qalam.CommentStatus(tab)
		f.Status = &s
	}
	var items []*store.QueueItem
	var total int
	if tab == reportedTab {
		items, total, err = a.store.FindReportedForQueue(ctx, f.Limit, f.Offset)
	} else {
		items, total, err = a.store.FindCommentsForQueue(ctx, f)
	}
	if err != nil {
		return err
	}
	reports, err := a.reportsOf(r, tab, items)
	if err != nil {
		return err
	}
	all := 0
	for _, n := range counts {
		all += n
	}
	// The reported tab's count is kept under its name, which no status has.
	counts[reportedTab] = reported
	page := commentsPage{
		AdminPage:  a.page(r, label+" ("+strconv.Itoa(tabCount(counts, tab, all))+")", "comments"),
		Tab:        tab,
		TabLabel:   label,
		Total:      total,
		PageNum:    pageNum,
		Pages:      (total + queuePerPage - 1) / queuePerPage,
		ShowEmail:  u != nil && u.Role == qalam.RoleAdmin,
		BulkReason: in.bulkReason,
	}
	page.Error = in.message
	// Bans and the discussion's settings (bans.go, discussion.go).
	page.CanBan = qalam.Can(u, qalam.ActBanCommenter, qalam.Target{})
	page.CanWords = qalam.Can(u, qalam.ActManageWordLists, qalam.Target{})
	page.CanPolicies = qalam.Can(u, qalam.ActManageDiscussion, qalam.Target{})
	page.BanDurations = banForm{For: defaultBanFor}.Durations()
	for _, t := range queueTabs {
		page.Tabs = append(page.Tabs, queueTab{Status: t.status, Label: t.label, Count: tabCount(counts, t.status, all),
			URL: queueURL(t.status, 1, ""), Current: t.status == tab})
	}
	for _, it := range items {
		page.Rows = append(page.Rows, queueRowOf(it, page.ShowEmail))
		page.Rows[len(page.Rows)-1].Reports = reports[it.Comment.ID]
		if in.rowID != 0 && in.rowID == it.Comment.ID {
			row := &page.Rows[len(page.Rows)-1]
			row.Reason, row.Error = in.reason, in.message
		}
	}
	if pageNum > 1 {
		page.Prev = queueURL(tab, pageNum-1, "")
	}
	if pageNum < page.Pages {
		page.Next = queueURL(tab, pageNum+1, "")
	}
	return a.view.Render(w, status, "admin/comments", page)
}

func tabCount(counts map[qalam.CommentStatus]int, tab string, all int) int {
	if tab == "all" {
		return all
	}
	return counts[qalam.CommentStatus(tab)]
}

// reportsOf says, in the reported tab, what readers reported each comment
// for: "spam 2, other 1", reasons in the form's order.
func (a *Admin) reportsOf(r *http.Request, tab string, items []*store.QueueItem) (map[int64]string, error) {
	if tab != reportedTab || len(items) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(items))
	for i, it := range items {
		ids[i] = it.Comment.ID
	}
	counts, err := a.store.ReportCounts(r.Context(), ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(counts))
	for id, byReason := range counts {
		var parts []string
		for _, reason := range store.ReportReasons {
			if n := byReason[reason]; n > 0 {
				parts = append(parts, reason+" "+strconv.Itoa(n))
			}
		}
		out[id] = strings.Join(parts, ", ")
	}
	return out, nil
}

// queueRowOf copies what the queue shows of an item; the email only when
// showEmail, the address hash never.
func queueRowOf(it *store.QueueItem, showEmail bool) queueRow {
	c := it.Comment
	row := queueRow{
		ID:              c.ID,
		Name:            c.AuthorName,
		BodyHTML:        c.BodyHTML,
		Status:          c.Status,
		CreatedAt:       c.CreatedAt,
		Anchor:          c.Anchor(),
		ArticleHeadline: it.ArticleHeadline,
		ArticlePath:     view.CommentPath(it.ArticleSlug, c.ID), // the part of a long discussion that holds it
		Lang:            it.ArticleLanguage,
		Dir:             it.ArticleLanguage.Dir(),
		ParentName:      it.ParentName,
		ParentExcerpt:   excerpt(it.ParentBody, excerptLength),
		Approved:        it.Approved,
		Rejected:        it.Rejected,
		CanApprove:      c.Status.CanBecome(qalam.Approved),
		CanSpam:         c.Status.CanBecome(qalam.Spam),
		CanRemove:       c.Status.CanBecome(qalam.Deleted),
	}
	if showEmail {
		row.Email = c.AuthorEmail
	}
	row.ModerationReason = c.ModerationReason
	return row
}

// excerpt is s on one line, cut at n characters with an ellipsis.
func excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for pos := range s {
		if i == n {
			return strings.TrimSpace(s[:pos]) + "…"
		}
		i++
	}
	return s
}

// moderationForm is a moderation action as sent.
type moderationForm struct {
	status  qalam.CommentStatus
	reason  string
	tab     string
	pageNum int
}

// readModerationForm reads the fields every moderation form shares; the
// tab and page say where to go back to.
func readModerationForm(r *http.Request) moderationForm {
	pageNum, _ := strconv.Atoi(r.PostForm.Get("page"))
	tab, _ := queueTabOf(r.PostForm.Get("tab"))
	return moderationForm{
		status:  qalam.CommentStatus(r.PostForm.Get("status")),
		reason:  strings.TrimSpace(r.PostForm.Get("reason")),
		tab:     tab,
		pageNum: max(pageNum, 1),
	}
}

// check validates the form; a message says what is wrong.
func (f moderationForm) check() string {
	switch {
	case f.status != qalam.Approved && f.status != qalam.Spam && f.status != qalam.Deleted:
		return "Choose Approve, Spam or Remove."
	case utf8.RuneCountInString(f.reason) > maxReason:
		return "The reason is too long: at most " + strconv.Itoa(maxReason) + " characters. Yours has " +
			strconv.Itoa(utf8.RuneCountInString(f.reason)) + "."
	}
	return ""
}

func (a *Admin) moderateOne(w http.ResponseWriter, r *http.Request) error {
	c := object[*qalam.Comment](r)
	if err := parseTextForm(w, r); err != nil {
		return err
	}
	f := readModerationForm(r)
	if msg := f.check(); msg != "" {
		return a.renderQueue(w, r, http.StatusUnprocessableEntity, f.tab, f.pageNum,
			queueInput{message: msg, rowID: c.ID, reason: f.reason})
	}
	return a.moderate(w, r, []int64{c.ID}, f)
}

func (a *Admin) moderateBulk(w http.ResponseWriter, r *http.Request) error {
	if err := parseTextForm(w, r); err != nil {
		return err
	}
	f := readModerationForm(r)
	// The page names the boxes "ids"; "ids[]" is accepted from scripts
	// written for other systems.
	raw := append(r.PostForm["ids"], r.PostForm["ids[]"]...)
	msg := f.check()
	if msg == "" && len(raw) == 0 {
		msg = "Select at least one comment, then choose an action."
	}
	if msg == "" && len(raw) > maxBulk {
		msg = "Select at most " + strconv.Itoa(maxBulk) + " comments at a time."
	}
	ids := make([]int64, 0, len(raw))
	for _, s := range raw {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			msg = "The selection could not be read. Reload the page and try again."
			break
		}
		ids = append(ids, id)
	}
	if msg != "" {
		return a.renderQueue(w, r, http.StatusUnprocessableEntity, f.tab, f.pageNum,
			queueInput{message: msg, bulkReason: f.reason})
	}
	return a.moderate(w, r, ids, f)
}

// moderate applies f to the comments and goes back to the tab and page
// the form came from.
func (a *Admin) moderate(w http.ResponseWriter, r *http.Request, ids []int64, f moderationForm) error {
	u, _ := userFrom(r.Context())
	changed, err := a.store.ModerateComments(r.Context(), ids, f.status, u.ID, f.reason)
	if err != nil {
		return err
	}
	flash := "comments-unchanged"
	if len(changed) > 0 {
		flash = "comments-" + string(f.status)
	}
	http.Redirect(w, r, queueURL(f.tab, f.pageNum, flash), http.StatusSeeOther)
	return nil
}
