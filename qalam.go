// Package qalam is the vocabulary of the publication: its domain types, the
// pure rules that govern them (validation, comment status transitions, thread
// building) and the error kinds every other package speaks.
//
// It imports only the standard library.
package qalam

import "time"

// Language is the language an article is written in. It decides the text
// direction of the page.
type Language string

// Languages Qalam publishes in.
const (
	English Language = "en"
	Urdu    Language = "ur"
)

// Valid reports whether l is a language Qalam publishes in.
func (l Language) Valid() bool { return l == English || l == Urdu }

// Dir is the HTML text direction for the language: "rtl" or "ltr".
func (l Language) Dir() string {
	if l == Urdu {
		return "rtl"
	}
	return "ltr"
}

// Name is the language's name in its own script.
func (l Language) Name() string {
	switch l {
	case Urdu:
		return "اردو"
	default:
		return "English"
	}
}

// UTC truncates t to the microsecond and puts it in UTC: the precision and
// zone both databases store, so a time round-trips unchanged.
func UTC(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
