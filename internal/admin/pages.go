package admin

import "github.com/qalamnews/qalam/internal/view"

// dashboardPage is the newsroom's home.
type dashboardPage struct {
	view.AdminPage
}
