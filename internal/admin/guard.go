package admin

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/qalamnews/qalam"
)

// settingRequireTwoFactor, when "on", makes every staff member turn on
// two-factor sign-in before doing anything else.
const settingRequireTwoFactor = "require_two_factor"

type ctxKey int

const (
	userKey ctxKey = iota
	sessionKey
	objectKey
)

func userFrom(ctx context.Context) (*qalam.User, *qalam.Session) {
	u, _ := ctx.Value(userKey).(*qalam.User)
	s, _ := ctx.Value(sessionKey).(*qalam.Session)
	return u, s
}

// object returns the object the route's target function loaded.
func object[T any](r *http.Request) T {
	v, _ := r.Context().Value(objectKey).(T)
	return v
}

// guard runs a route behind sign-in and the policy: a signed-out visitor
// is sent to sign in (or refused, for anything but a page view), a pending
// second factor is asked for, and a signed-in user whom the policy does
// not allow the action on the object gets 403.
func (a *Admin) guard(rt route) http.Handler {
	return a.handle(func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		u, sess, err := a.sessions.Current(ctx, r)
		if rt.action == "" { // the sign-in pages
			if err == nil {
				ctx = context.WithValue(context.WithValue(ctx, userKey, u), sessionKey, sess)
			}
			return rt.handle(w, r.WithContext(ctx))
		}
		switch {
		case err != nil && qalam.KindOf(err) == qalam.KindUnauthorized && sess != nil:
			return a.sendTo(w, r, "/admin/login/two-factor?next="+url.QueryEscape(r.URL.RequestURI())) // password given, code pending
		case err != nil && qalam.KindOf(err) == qalam.KindUnauthorized:
			return a.sendTo(w, r, "/admin/login?next="+url.QueryEscape(r.URL.RequestURI()))
		case err != nil:
			return err
		}
		ctx = context.WithValue(context.WithValue(ctx, userKey, u), sessionKey, sess)
		r = r.WithContext(ctx)
		if rt.action != qalam.ActManageOwnAccount && !u.TwoFactor() {
			required, err := a.store.Setting(ctx, settingRequireTwoFactor)
			if err != nil {
				return err
			}
			if required == "on" {
				return a.sendTo(w, r, "/admin/account?flash=two-factor-required")
			}
		}
		var target qalam.Target
		if rt.target != nil {
			t, obj, err := rt.target(r, u)
			if err != nil {
				return err
			}
			target = t
			r = r.WithContext(context.WithValue(ctx, objectKey, obj))
		}
		if !qalam.Can(u, rt.action, target) {
			return qalam.Errorf(qalam.KindForbidden, "Your role does not allow this.")
		}
		return rt.handle(w, r)
	})
}

// sendTo redirects a page view; any other request is refused, since a
// redirect would drop what it carried.
func (a *Admin) sendTo(w http.ResponseWriter, r *http.Request, to string) error {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return qalam.Errorf(qalam.KindForbidden, "Please sign in again.")
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// targetFunc loads the object a route is about and says what the policy
// needs to know of it for this user.
type targetFunc func(r *http.Request, u *qalam.User) (qalam.Target, any, error)

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, qalam.Errorf(qalam.KindNotFound, "There is no such item.")
	}
	return id, nil
}

// articleTarget: an article is the user's own when their author profile is
// in its byline.
func (a *Admin) articleTarget(r *http.Request, u *qalam.User) (qalam.Target, any, error) {
	id, err := pathID(r)
	if err != nil {
		return qalam.Target{}, nil, err
	}
	art, err := a.store.Article(r.Context(), id)
	if err != nil {
		return qalam.Target{}, nil, err
	}
	own, err := a.owns(r.Context(), u, art)
	return qalam.Target{Own: own, Status: art.Status}, art, err
}

// owns reports whether the article's byline holds the user's profile.
func (a *Admin) owns(ctx context.Context, u *qalam.User, art *qalam.Article) (bool, error) {
	profile, err := a.store.AuthorByUser(ctx, u.ID)
	if errors.Is(err, qalam.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	for _, id := range art.AuthorIDs {
		if id == profile.ID {
			return true, nil
		}
	}
	return false, nil
}

// authorTarget: a profile is the user's own when it is linked to them.
func (a *Admin) authorTarget(r *http.Request, u *qalam.User) (qalam.Target, any, error) {
	id, err := pathID(r)
	if err != nil {
		return qalam.Target{}, nil, err
	}
	au, err := a.store.Author(r.Context(), id)
	if err != nil {
		return qalam.Target{}, nil, err
	}
	return qalam.Target{Own: au.UserID == u.ID}, au, nil
}

// mediaTarget: an upload is the uploader's own.
func (a *Admin) mediaTarget(r *http.Request, u *qalam.User) (qalam.Target, any, error) {
	id, err := pathID(r)
	if err != nil {
		return qalam.Target{}, nil, err
	}
	m, err := a.store.Media(r.Context(), id)
	if err != nil {
		return qalam.Target{}, nil, err
	}
	return qalam.Target{Own: m.UserID == u.ID}, m, nil
}
