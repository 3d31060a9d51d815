package qalam

import (
	"net/mail"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// CommentStatus is a comment's moderation state.
type CommentStatus string

// Comment statuses. Only approved comments are public.
const (
	Pending  CommentStatus = "pending"
	Approved CommentStatus = "approved"
	Spam     CommentStatus = "spam"
	Deleted  CommentStatus = "deleted"
)

// Valid reports whether s is a known status.
func (s CommentStatus) Valid() bool {
	return s == Pending || s == Approved || s == Spam || s == Deleted
}

// CanBecome reports whether a comment may move from s to next. Any status
// can be reviewed again, except that nothing returns to pending once a
// moderator has decided (a deleted comment is restored by approving it).
func (s CommentStatus) CanBecome(next CommentStatus) bool {
	if !s.Valid() || !next.Valid() || s == next {
		return false
	}
	return next != Pending
}

// Limits on comment fields.
const (
	MaxCommentBody  = 5000 // characters
	MaxCommentName  = 100
	MaxCommentEmail = 254
	MaxCommentURL   = 500
)

// Comment is a reader's contribution to an article's discussion.
type Comment struct {
	ID        int64
	ArticleID int64
	ParentID  int64 // 0 for a top-level comment

	AuthorName  string
	AuthorEmail string // never shown publicly
	AuthorURL   string

	Body     string // what the reader typed, kept exactly
	BodyHTML string // the sanitised rendering, made by package markup

	Status CommentStatus
	// ModerationReason says why screening held the comment or marked it
	// as spam ("3 links; this discussion allows 0"); "" when it was
	// published at once. For moderators only, never shown to readers.
	ModerationReason string
	// CommenterID is the browser identity (commenter token) that posted it;
	// 0 when there was none.
	CommenterID int64
	// IPHash is a keyed hash of the poster's network address, never the
	// address itself.
	IPHash string
	// IdempotencyKey is the one-time key of the form that posted it, so a
	// retried submission is stored once.
	IdempotencyKey string

	CreatedAt time.Time
	UpdatedAt time.Time
	// EditedAt is when the reader last changed the comment's text; zero
	// when it was never changed.
	EditedAt time.Time
	// ErasedAt is when the comment was erased at its author's request:
	// its text and its author's name, email, website and address hash are
	// gone, and the row is kept only so that replies keep their place.
	// Zero when it was not erased.
	ErasedAt time.Time

	// Replies and Depth are filled in by BuildThread.
	Replies []*Comment
	Depth   int
}

// Erased reports whether the comment was erased at its author's request;
// a thread shows it as "comment removed" while it has replies shown.
func (c *Comment) Erased() bool { return !c.ErasedAt.IsZero() }

// Anchor is the fragment that identifies the comment on its article page.
func (c *Comment) Anchor() string { return "comment-" + itoa64(c.ID) }

func itoa64(n int64) string {
	if n < 0 {
		return "-" + itoa(int(-n))
	}
	return itoa(int(n))
}

// bidiControls are the explicit embedding, override and isolate controls. A
// name carrying them could reorder the text around it, so they are removed
// from single-line identity fields (not from bodies, where RLM and ZWNJ are
// part of correct Urdu and Arabic writing).
var bidiControls = strings.NewReplacer(
	"\u202a", "", "\u202b", "", "\u202c", "", "\u202d", "", "\u202e", "",
	"\u2066", "", "\u2067", "", "\u2068", "", "\u2069", "",
)

// Normalize tidies the reader's input without changing its meaning: it trims
// the one-line fields, removes bidi controls from the name and normalises
// line endings in the body.
func (c *Comment) Normalize() {
	c.AuthorName = strings.Join(strings.Fields(bidiControls.Replace(c.AuthorName)), " ")
	c.AuthorEmail = strings.TrimSpace(c.AuthorEmail)
	c.AuthorURL = strings.TrimSpace(c.AuthorURL)
	if c.AuthorURL != "" && !strings.Contains(c.AuthorURL, "://") {
		c.AuthorURL = "https://" + c.AuthorURL
	}
	c.Body = strings.TrimSpace(strings.ReplaceAll(c.Body, "\r\n", "\n"))
}

// Validate checks a comment as submitted by a reader; lengths are checked
// before any rendering, and over-long input is rejected, never truncated.
func (c *Comment) Validate() error {
	errs := FieldErrors{}
	checkText(errs, "name", c.AuthorName, true, MaxCommentName)
	checkText(errs, "email", c.AuthorEmail, true, MaxCommentEmail)
	if _, ok := errs["email"]; !ok && !ValidEmail(c.AuthorEmail) {
		errs["email"] = "Enter an email address such as name@example.com."
	}
	checkText(errs, "url", c.AuthorURL, false, MaxCommentURL)
	if _, ok := errs["url"]; !ok && c.AuthorURL != "" && !ValidWebURL(c.AuthorURL) {
		errs["url"] = "Enter a web address starting with http:// or https://."
	}
	checkText(errs, "body", c.Body, true, MaxCommentBody)
	if c.Body != "" && utf8.RuneCountInString(c.Body) > MaxCommentBody {
		errs["body"] = "Too long: at most 5000 characters. Yours has " + itoa(utf8.RuneCountInString(c.Body)) + "."
	}
	return errs.Err()
}

// ValidEmail reports whether s is a single plain address (no display name).
func ValidEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && a.Name == "" && strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".")
}

// ValidWebURL reports whether s is an absolute http or https URL with a host.
func ValidWebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil
}

// Commenter is a browser that has commented: the identity behind a
// commenter token. Nothing a reader types (name, email) confers trust; only
// holding the token of a commenter whose earlier comment was approved does.
type Commenter struct {
	ID        int64
	Trusted   bool
	CreatedAt time.Time
}

// BuildThread arranges comments (in display order, oldest first) into a
// tree and returns the top-level ones. It runs in O(n). A comment whose
// parent is not in the list (not approved, say) is shown at the top level
// rather than lost. Depth is capped at maxDepth; deeper replies attach to
// their ancestor at that depth. An erased comment stays only as the
// parent of replies that are shown: without any, it is left out.
func BuildThread(comments []*Comment, maxDepth int) []*Comment {
	byID := make(map[int64]*Comment, len(comments))
	erased := false
	for _, c := range comments {
		c.Replies = c.Replies[:0]
		byID[c.ID] = c
		erased = erased || c.Erased()
	}
	roots := make([]*Comment, 0, len(comments)/2+1)
	for _, c := range comments {
		parent, ok := byID[c.ParentID]
		if c.ParentID == 0 || !ok || parent == c {
			c.Depth = 0
			roots = append(roots, c)
			continue
		}
		// Parents come before their replies in display order, so the
		// parent's depth is already known.
		for parent.Depth >= maxDepth && parent.ParentID != 0 {
			if p, ok := byID[parent.ParentID]; ok {
				parent = p
			} else {
				break
			}
		}
		c.Depth = parent.Depth + 1
		parent.Replies = append(parent.Replies, c)
	}
	if erased {
		roots = pruneErased(roots)
	}
	return roots
}

// pruneErased drops the erased comments of list (and of their replies,
// recursively) that are left with no replies, in place.
func pruneErased(list []*Comment) []*Comment {
	kept := list[:0]
	for _, c := range list {
		if len(c.Replies) > 0 {
			c.Replies = pruneErased(c.Replies)
		}
		if c.Erased() && len(c.Replies) == 0 {
			continue
		}
		kept = append(kept, c)
	}
	return kept
}
