// Package admin is the newsroom at /admin: signing in, the article list and
// editor, the editorial workflow, revisions, corrections, authors,
// categories and tags, media, staff accounts and settings. routes.go is its
// index, and every route there names the policy action it performs.
package admin

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/view"
)

// Sessions is what the newsroom needs of staff sign-in (package auth).
type Sessions interface {
	Login(ctx context.Context, w http.ResponseWriter, r *http.Request, email, password, clientKey string) (*qalam.User, error)
	Current(ctx context.Context, r *http.Request) (*qalam.User, *qalam.Session, error)
	VerifyTwoFactor(ctx context.Context, r *http.Request, code string) error
	Logout(ctx context.Context, w http.ResponseWriter, r *http.Request) error
	ChangePassword(ctx context.Context, u *qalam.User, current *qalam.Session, oldPassword, newPassword string) error
	EnableTwoFactor(ctx context.Context, u *qalam.User, secret, code string) error
	DisableTwoFactor(ctx context.Context, u *qalam.User, password string) error
}

// Media is what the newsroom needs of the image library (package media).
type Media interface {
	Store(ctx context.Context, r io.Reader) (*qalam.Media, error)
	Remove(m *qalam.Media) error
}

// Options configure the newsroom.
type Options struct {
	SiteName string
	BaseURL  string
	// ClientKey names the request's client for login throttling (a keyed
	// hash of its network address, as the public site computes it).
	ClientKey func(*http.Request) string
	Log       *slog.Logger
	Now       func() time.Time

	// AddressHash hashes a network address as the public site hashes
	// commenters' (web.Site.AddressHash), for banning an address by hand;
	// nil when the newsroom cannot.
	AddressHash func(netip.Addr) string

	// Mail says the site can send email, so moderators' alerts can be
	// turned on; AlertEvery is the least time between two of them.
	Mail       bool
	AlertEvery time.Duration
}

// Admin serves the newsroom. It uses the store directly: nearly every
// store method is a newsroom action, so a narrow interface would restate
// the store.
type Admin struct {
	store    *store.Store
	sessions Sessions
	media    Media
	view     *view.Engine
	opts     Options
	log      *slog.Logger
	now      func() time.Time
}

// New builds the newsroom.
func New(st *store.Store, sessions Sessions, lib Media, engine *view.Engine, opts Options) *Admin {
	a := &Admin{store: st, sessions: sessions, media: lib, view: engine, opts: opts, log: opts.Log, now: opts.Now}
	if a.log == nil {
		a.log = slog.Default()
	}
	if a.now == nil {
		a.now = time.Now
	}
	if a.opts.ClientKey == nil {
		a.opts.ClientKey = func(r *http.Request) string { return r.RemoteAddr }
	}
	return a
}

// page returns the data every newsroom page shares.
func (a *Admin) page(r *http.Request, title, section string) view.AdminPage {
	u, _ := userFrom(r.Context())
	p := view.AdminPage{SiteName: a.opts.SiteName, Title: title, User: u, Section: section, Flash: flashFrom(r)}
	if qalam.Can(u, qalam.ActModerate, qalam.Target{}) {
		// The count is a courtesy: a failed lookup costs only the badge.
		if n, err := a.store.CountComments(r.Context(), qalam.Pending); err == nil {
			p.Waiting = n
		}
	}
	return p
}
