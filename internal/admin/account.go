package admin

import (
	"net/http"

	"github.com/qalamnews/qalam"
)

// accountRoutes: signing in and out, the dashboard, one's own account.
func (a *Admin) accountRoutes() []route {
	return []route{
		{method: "GET", pattern: "/admin/{$}", action: qalam.ActViewDashboard, handle: a.showDashboard},
	}
}

func (a *Admin) showDashboard(w http.ResponseWriter, r *http.Request) error {
	return a.view.Render(w, http.StatusOK, "admin/dashboard", dashboardPage{AdminPage: a.page(r, "Dashboard", "")})
}
