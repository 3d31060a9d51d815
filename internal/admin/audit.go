package admin

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/view"
)

// auditPerPage is how many audit entries a page shows.
const auditPerPage = 50

// auditPage lists the audit log: every moderation action, who, what, when
// and why.
type auditPage struct {
	view.AdminPage
	Entries  []*store.AuditEntry
	Users    []*qalam.User
	UserID   int64
	Action   string
	Total    int
	Page     int
	Previous string
	Next     string
}

func (a *Admin) showAudit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	userID, _ := strconv.ParseInt(q.Get("user"), 10, 64)
	action := q.Get("action")
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	entries, total, err := a.store.FindAudit(ctx, store.AuditFilter{UserID: userID, Action: action, Limit: auditPerPage, Offset: (page - 1) * auditPerPage})
	if err != nil {
		return err
	}
	users, err := a.store.FindUsers(ctx)
	if err != nil {
		return err
	}
	p := auditPage{AdminPage: a.page(r, "Audit log", "settings"), Entries: entries, Users: users, UserID: userID, Action: action, Total: total, Page: page}
	link := func(n int) string {
		v := url.Values{"page": {strconv.Itoa(n)}}
		if userID != 0 {
			v.Set("user", strconv.FormatInt(userID, 10))
		}
		if action != "" {
			v.Set("action", action)
		}
		return "/admin/audit?" + v.Encode()
	}
	if page > 1 {
		p.Previous = link(page - 1)
	}
	if page*auditPerPage < total {
		p.Next = link(page + 1)
	}
	return a.view.Render(w, http.StatusOK, "admin/audit", p)
}
