package admin

import (
	"net/http"

	"github.com/qalamnews/qalam"
)

// route is one newsroom address: what it does (the policy action) and, for
// routes about one object, how to find that object so the policy can
// weigh ownership and status. A route with no action is public (sign-in).
type route struct {
	method  string
	pattern string
	action  qalam.Action
	target  targetFunc // nil: the action is judged without an object
	handle  func(http.ResponseWriter, *http.Request) error
}

// routes lists every newsroom route. Each helper file adds its own group;
// this table is what the policy matrix test walks.
func (a *Admin) routes() []route {
	var rs []route
	rs = append(rs, a.accountRoutes()...)
	rs = append(rs, a.articleRoutes()...)
	rs = append(rs, a.libraryRoutes()...)
	rs = append(rs, a.moderationRoutes()...)
	rs = append(rs, a.discussionRoutes()...)
	rs = append(rs, a.banRoutes()...)
	return rs
}

// Routes returns the newsroom's handler: every route behind sign-in and the
// policy, except the public sign-in pages.
func (a *Admin) Routes() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range a.routes() {
		mux.Handle(rt.method+" "+rt.pattern, a.guard(rt))
	}
	mux.Handle("/admin/", a.handle(func(http.ResponseWriter, *http.Request) error {
		return qalam.Errorf(qalam.KindNotFound, "There is no such page in the newsroom.")
	}))
	return mux
}
