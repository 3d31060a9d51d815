package qalam

import (
	"errors"
	"fmt"
)

// Kind classifies an error by what the caller can do about it. The HTTP
// packages map each kind to one status code, in one table.
type Kind int

// Error kinds. The zero value is KindInternal, so an unclassified error is
// never shown to users in detail.
const (
	KindInternal     Kind = iota // a bug or a broken dependency: log it, say little
	KindInvalid                  // the input is wrong; Fields says where
	KindNotFound                 // the thing does not exist (or is not visible)
	KindConflict                 // the thing exists already, or changed meanwhile
	KindUnauthorized             // the caller must sign in
	KindForbidden                // the caller may not do this
	KindTooLarge                 // the input is over a size limit
	KindTooMany                  // the caller must slow down
	KindUnavailable              // try again later (overload, database down)
	KindClosed                   // the action is no longer allowed (closed discussion)
)

var kindNames = [...]string{"internal", "invalid", "not_found", "conflict", "unauthorized", "forbidden", "too_large", "too_many", "unavailable", "closed"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Error is a classified error. Message is written for the reader of the page
// and must not leak internals; Err, if set, is the cause kept for logs.
type Error struct {
	Kind    Kind
	Message string
	Fields  FieldErrors
	Err     error
}

func (e *Error) Error() string {
	msg := e.Message
	if msg == "" {
		msg = e.Kind.String()
	}
	if e.Err != nil {
		return msg + ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, qalam.ErrNotFound) match any error of that kind.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Message == "" && t.Err == nil && t.Fields == nil && t.Kind == e.Kind
}

// Sentinels for errors.Is; they match any *Error of the same kind.
var (
	ErrInvalid     = &Error{Kind: KindInvalid}
	ErrNotFound    = &Error{Kind: KindNotFound}
	ErrConflict    = &Error{Kind: KindConflict}
	ErrForbidden   = &Error{Kind: KindForbidden}
	ErrUnavailable = &Error{Kind: KindUnavailable}
	ErrClosed      = &Error{Kind: KindClosed}
)

// Errorf builds a classified error whose message is safe to show.
func Errorf(kind Kind, format string, args ...any) error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// KindOf returns the kind of the first *Error in err's chain, or
// KindInternal when there is none.
func KindOf(err error) Kind {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Kind
	}
	return KindInternal
}

// MessageOf returns a message fit for users: the classified message, or a
// generic one for internal errors.
func MessageOf(err error) string {
	e, ok := errors.AsType[*Error](err)
	if !ok || e.Kind == KindInternal {
		return "Something went wrong on our side. Please try again."
	}
	if e.Message != "" {
		return e.Message
	}
	return defaultMessages[e.Kind]
}

var defaultMessages = map[Kind]string{
	KindInvalid:      "Please correct the errors below.",
	KindNotFound:     "We could not find that page.",
	KindConflict:     "That already exists or was changed meanwhile.",
	KindUnauthorized: "Please sign in.",
	KindForbidden:    "You are not allowed to do that.",
	KindTooLarge:     "That is too large.",
	KindTooMany:      "Too many requests. Please wait a moment and try again.",
	KindUnavailable:  "The service is busy. Please try again shortly.",
	KindClosed:       "This is closed.",
}

// FieldErrors maps a form field's name to what is wrong with it.
type FieldErrors map[string]string

// Err returns an invalid-input error carrying the field errors, or nil when
// there are none.
func (f FieldErrors) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Kind: KindInvalid, Message: "Please correct the errors below.", Fields: f}
}
