package auth

import (
	"context"

	"github.com/qalamnews/qalam"
)

// ctxKey is the context key of the signed-in user; unexported, so only
// this package can set it.
type ctxKey struct{}

type signedIn struct {
	user    *qalam.User
	session *qalam.Session
}

// WithUser returns ctx carrying the signed-in user and their session.
func WithUser(ctx context.Context, u *qalam.User, s *qalam.Session) context.Context {
	return context.WithValue(ctx, ctxKey{}, signedIn{user: u, session: s})
}

// UserFrom returns the user and session WithUser put in ctx, or nil, nil
// when signed out.
func UserFrom(ctx context.Context) (*qalam.User, *qalam.Session) {
	v, _ := ctx.Value(ctxKey{}).(signedIn)
	return v.user, v.session
}
