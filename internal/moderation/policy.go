package moderation

import (
	"strconv"
	"strings"
	"time"

	"github.com/qalamnews/qalam"
)

// Mode says when a new comment in a discussion is published.
type Mode string

// Moderation modes, from the strictest.
const (
	// PreModerate holds every comment for a moderator.
	PreModerate Mode = "pre"
	// HoldFirst holds a commenter's comments until a moderator has
	// approved one of them; then that browser's comments go out at once.
	// It is the default.
	HoldFirst Mode = "first"
	// PostModerate publishes comments at once; moderators review them
	// afterwards. The rules (links, word lists, bans, the classifier)
	// still hold what they catch.
	PostModerate Mode = "post"
)

// Modes lists the modes, strictest first, for forms.
var Modes = []Mode{PreModerate, HoldFirst, PostModerate}

// Valid reports whether m is a known mode.
func (m Mode) Valid() bool { return m == PreModerate || m == HoldFirst || m == PostModerate }

// strictness orders modes: the higher, the more comments wait.
func (m Mode) strictness() int {
	switch m {
	case PreModerate:
		return 2
	case HoldFirst:
		return 1
	}
	return 0
}

// Title names the mode for the newsroom.
func (m Mode) Title() string {
	switch m {
	case PreModerate:
		return "Pre-moderate every comment"
	case HoldFirst:
		return "Hold first-time commenters"
	case PostModerate:
		return "Post-moderate (publish at once)"
	}
	return "Inherit"
}

// CloseAtOnce, as a policy's CloseAfter, closes the discussion whatever
// the article's date.
const CloseAtOnce time.Duration = -1

// NoLinkLimit, as a policy's MaxLinks, lets a comment carry any number of
// links.
const NoLinkLimit = -1

// Bounds of the policy fields a person may set.
const (
	MaxCloseAfter = 10 * 365 * 24 * time.Hour
	MaxLinkLimit  = 100
)

// Policy is how one article's discussion runs, every field decided.
type Policy struct {
	Mode Mode
	// CloseAfter is how long after publication the discussion closes:
	// 0 never, CloseAtOnce at once, else a positive duration.
	CloseAfter time.Duration
	// MaxLinks is how many links a comment may carry before it is held:
	// NoLinkLimit for any number, 0 for none.
	MaxLinks int
}

// DefaultPolicy is the policy of a site that has set none: first-time
// commenters are held, discussions never close by time and links are not
// counted.
func DefaultPolicy() Policy {
	return Policy{Mode: HoldFirst, CloseAfter: 0, MaxLinks: NoLinkLimit}
}

// ClosesAt is when a discussion under p closes by time for an article
// published at published: the zero time when it never does. A discussion
// closed at once closes at publication (or at the start of time for an
// article not yet published).
func (p Policy) ClosesAt(published time.Time) time.Time {
	switch {
	case p.CloseAfter == 0:
		return time.Time{}
	case p.CloseAfter < 0 && published.IsZero():
		return time.Unix(0, 0).UTC()
	case p.CloseAfter < 0:
		return published
	case published.IsZero():
		return time.Time{} // the clock starts at publication
	}
	return published.Add(p.CloseAfter)
}

// Closed reports whether the discussion of an article published at
// published is closed by p at now.
func (p Policy) Closed(published, now time.Time) bool {
	at := p.ClosesAt(published)
	return !at.IsZero() && !now.Before(at)
}

// String describes p for people: "hold first-time commenters, never
// closes, any number of links".
func (p Policy) String() string {
	return strings.Join([]string{modePhrase(p.Mode), closePhrase(p.CloseAfter), linksPhrase(p.MaxLinks)}, ", ")
}

// Override is a policy set on the site, a category, a tag or an article.
// A field left unset (Mode "", a nil pointer) is inherited from the less
// specific level.
type Override struct {
	Mode       Mode
	CloseAfter *time.Duration
	MaxLinks   *int
}

// IsZero reports whether o sets nothing.
func (o Override) IsZero() bool { return o.Mode == "" && o.CloseAfter == nil && o.MaxLinks == nil }

// Equal reports whether o and p set the same fields to the same values.
func (o Override) Equal(p Override) bool {
	return o.Mode == p.Mode && eqPtr(o.CloseAfter, p.CloseAfter) && eqPtr(o.MaxLinks, p.MaxLinks)
}

func eqPtr[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// Validate checks the fields o sets, with messages for the form's fields
// mode, close_after and max_links.
func (o Override) Validate() error {
	errs := qalam.FieldErrors{}
	if o.Mode != "" && !o.Mode.Valid() {
		errs["mode"] = "Choose one of the listed modes."
	}
	if d := o.CloseAfter; d != nil && *d != CloseAtOnce && (*d < 0 || *d > MaxCloseAfter || *d%time.Hour != 0) {
		errs["close_after"] = "Enter a whole number of hours or days, at most ten years."
	}
	if n := o.MaxLinks; n != nil && (*n < NoLinkLimit || *n > MaxLinkLimit) {
		errs["max_links"] = "Enter a number of links from 0 to " + strconv.Itoa(MaxLinkLimit) + "."
	}
	return errs.Err()
}

// String describes what o sets, and says "inherits" of the rest:
// "pre-moderate every comment, closes 2 days after publication, inherits
// the link limit".
func (o Override) String() string {
	if o.IsZero() {
		return "inherits everything"
	}
	parts := []string{"inherits the mode", "inherits the closing time", "inherits the link limit"}
	if o.Mode != "" {
		parts[0] = modePhrase(o.Mode)
	}
	if o.CloseAfter != nil {
		parts[1] = closePhrase(*o.CloseAfter)
	}
	if o.MaxLinks != nil {
		parts[2] = linksPhrase(*o.MaxLinks)
	}
	return strings.Join(parts, ", ")
}

func modePhrase(m Mode) string {
	switch m {
	case PreModerate:
		return "every comment pre-moderated"
	case HoldFirst:
		return "first-time commenters held"
	case PostModerate:
		return "post-moderated"
	}
	return "mode " + strconv.Quote(string(m))
}

func closePhrase(d time.Duration) string {
	switch {
	case d == 0:
		return "never closes"
	case d < 0:
		return "closed"
	}
	return "closes " + FormatHours(d) + " after publication"
}

func linksPhrase(n int) string {
	switch {
	case n < 0:
		return "any number of links"
	case n == 0:
		return "no links"
	case n == 1:
		return "at most 1 link"
	}
	return "at most " + strconv.Itoa(n) + " links"
}

// FormatHours writes a whole number of hours as days when it divides
// evenly: "2 days", "36 hours", "1 day".
func FormatHours(d time.Duration) string {
	h := int64(d / time.Hour)
	unit, n := "hour", h
	if h%24 == 0 {
		unit, n = "day", h/24
	}
	if n != 1 {
		unit += "s"
	}
	return strconv.FormatInt(n, 10) + " " + unit
}

// Resolve decides each field of the policy from overrides given as
// levels, the most specific first (an article's own, its tags', its
// category's, the site's). For each field the most specific level that
// sets it decides; when several overrides at that level set it (an
// article with two tags), the strictest of them wins: the stricter mode,
// the earlier closing, the lower link limit. A field no level sets takes
// DefaultPolicy's value.
func Resolve(levels ...[]Override) Policy {
	p := DefaultPolicy()
	modeSet, closeSet, linksSet := false, false, false
	for _, level := range levels {
		var mode Mode
		var closeAfter *time.Duration
		var maxLinks *int
		for _, o := range level {
			if o.Mode.Valid() && (mode == "" || o.Mode.strictness() > mode.strictness()) {
				mode = o.Mode
			}
			if o.CloseAfter != nil && (closeAfter == nil || closesSooner(*o.CloseAfter, *closeAfter)) {
				closeAfter = o.CloseAfter
			}
			if o.MaxLinks != nil && (maxLinks == nil || fewerLinks(*o.MaxLinks, *maxLinks)) {
				maxLinks = o.MaxLinks
			}
		}
		if !modeSet && mode != "" {
			p.Mode, modeSet = mode, true
		}
		if !closeSet && closeAfter != nil {
			p.CloseAfter, closeSet = *closeAfter, true
		}
		if !linksSet && maxLinks != nil {
			p.MaxLinks, linksSet = *maxLinks, true
		}
	}
	return p
}

// closesSooner reports whether a discussion closing after a closes before
// one closing after b: at once is soonest, never is latest.
func closesSooner(a, b time.Duration) bool {
	rank := func(d time.Duration) time.Duration {
		switch {
		case d < 0:
			return -1
		case d == 0:
			return 1<<63 - 1
		}
		return d
	}
	return rank(a) < rank(b)
}

// fewerLinks reports whether link limit a is stricter than b: no limit is
// the loosest.
func fewerLinks(a, b int) bool {
	if a < 0 {
		return false
	}
	return b < 0 || a < b
}
