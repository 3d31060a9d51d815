package moderation

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/qalamnews/qalam"
)

// Classifier is a spam classifier, such as *Model: its verdict on a
// comment and the log-odds behind it.
type Classifier interface {
	Classify(Input) (spam bool, logOdds float64)
}

// BanMatch is an active ban that a new comment matches.
type BanMatch struct {
	ID int64
	// On says what matched: "email", "browser", "address" or "name".
	On []string
	// Reason is the moderator's reason for the ban.
	Reason string
}

// History is a commenter's recently decided comments: by the same email
// address or from the same browser, within HistoryWindow.
type History struct {
	Decided  int // approved, marked spam or removed by a moderator
	Rejected int // marked spam or removed by a moderator
}

// The rejection-rate rule: a commenter with at least historyMinDecided
// comments decided in the last HistoryWindow, half or more of them
// rejected, is held for a moderator.
const (
	HistoryWindow     = 30 * 24 * time.Hour
	historyMinDecided = 3
)

// Screening is everything Screen weighs about one new comment. The caller
// looks up the bans, history and word lists; if a lookup fails it says so
// in Failed, and the comment is held rather than published unchecked.
type Screening struct {
	Comment Input
	// Trusted is set when the commenter's browser has had a comment
	// approved before.
	Trusted bool
	// Undated is set when the form's key carried no time: an old page or
	// a hand-made post.
	Undated bool
	// Policy is the discussion's effective policy (see Resolve).
	Policy Policy
	// Words are the site's word lists; nil when it has none.
	Words *WordList
	// Bans are the active bans the comment matches.
	Bans []BanMatch
	// History is the commenter's recent record.
	History History
	// Classifier is the spam classifier; nil for none.
	Classifier Classifier
	// Failed is what went wrong looking up Words, Bans or History.
	Failed error
}

// Verdict is what screening decided: the status to store the comment
// with, and why, in words for moderators. A published comment has no
// reasons.
type Verdict struct {
	Status  qalam.CommentStatus
	Reasons []string
}

// Reason is the verdict's reasons in one line, as stored with the comment.
func (v Verdict) Reason() string { return strings.Join(v.Reasons, "; ") }

// failedPrefix starts the reason of a check that could not be made.
const failedPrefix = "screening failed: "

// Failed reports whether a check could not be made (and so held the
// comment).
func (v Verdict) Failed() bool {
	for _, r := range v.Reasons {
		if strings.HasPrefix(r, failedPrefix) {
			return true
		}
	}
	return false
}

// severity orders statuses: screening only ever raises a verdict.
func severity(s qalam.CommentStatus) int {
	switch s {
	case qalam.Pending:
		return 1
	case qalam.Spam:
		return 2
	}
	return 0
}

func (v *Verdict) raise(status qalam.CommentStatus, reason string) {
	if severity(status) > severity(v.Status) {
		v.Status = status
	}
	v.Reasons = append(v.Reasons, reason)
}

// hold sends the comment to the queue, unless it is already spam.
func (v *Verdict) hold(reason string) { v.raise(qalam.Pending, reason) }

// spam sends the comment to the spam tab. It is kept, never deleted, and
// its author is answered exactly as if it were held.
func (v *Verdict) spam(reason string) { v.raise(qalam.Spam, reason) }

// rule is one of Screen's checks.
type rule struct {
	name  string
	check func(s *Screening, v *Verdict)
}

// rules are Screen's checks in the order they run, which is the order of
// the reasons.
func rules() []rule {
	return []rule{
		{"bans", checkBans},
		{"word lists", checkWords},
		{"classifier", checkClassifier},
		{"links", checkLinks},
		{"rejection rate", checkHistory},
		{"policy", checkPolicy},
		{"form date", checkUndated},
	}
}

// Screen decides the status of a new comment and records every reason:
//
//   - a ban on its email, browser, address or name: spam;
//   - a term of the reject list: spam; of the hold list: held;
//   - the classifier's spam verdict: spam, with the log-odds;
//   - more links than the policy allows: held ("3 links; this discussion
//     allows 0"), never rejected, since readers cite sources;
//   - a recent rejection rate of half or more over three or more decided
//     comments: held;
//   - the policy's mode: pre-moderated discussions hold everything, and
//     first-time commenters are held unless the discussion is
//     post-moderated;
//   - a form without a date: held.
//
// A comment no rule catches is approved. Any failure, a lookup the caller
// reports in s.Failed or a panic in a rule or the classifier, holds the
// comment with the reason "screening failed: ...", so a broken check
// never publishes what it should have stopped. Spam is never deleted:
// the comment waits in the spam tab, and the reader is answered as for a
// held comment.
func Screen(s Screening) Verdict {
	v := Verdict{Status: qalam.Approved}
	if s.Failed != nil {
		v.hold(failedPrefix + s.Failed.Error())
	}
	for _, r := range rules() {
		runRule(&s, &v, r)
	}
	return v
}

// runRule runs one rule, turning a panic into a held comment.
func runRule(s *Screening, v *Verdict, r rule) {
	defer func() {
		if p := recover(); p != nil {
			v.hold(fmt.Sprintf("%s%s: %v", failedPrefix, r.name, p))
		}
	}()
	r.check(s, v)
}

func checkBans(s *Screening, v *Verdict) {
	for _, b := range s.Bans {
		reason := "banned: ban " + strconv.FormatInt(b.ID, 10) + " on " + strings.Join(b.On, " and ")
		if b.Reason != "" {
			reason += " (" + b.Reason + ")"
		}
		v.spam(reason)
	}
}

func checkWords(s *Screening, v *Verdict) {
	if s.Words == nil {
		return
	}
	// The name and website are the reader's words too: a listed term in
	// either counts as in the body. Each field is matched on its own, so
	// a term of two words cannot straddle two fields.
	level, term := None, ""
	for _, text := range []string{s.Comment.Body, s.Comment.Name, s.Comment.Website} {
		if l, t := s.Words.Match(text); l > level {
			level, term = l, t
		}
	}
	switch level {
	case Reject:
		v.spam("word list: " + strconv.Quote(term) + " (reject as spam)")
	case Hold:
		v.hold("word list: " + strconv.Quote(term) + " (hold for review)")
	}
}

func checkClassifier(s *Screening, v *Verdict) {
	if s.Classifier == nil {
		return
	}
	if spam, logOdds := s.Classifier.Classify(s.Comment); spam {
		v.spam("classifier: spam (log-odds " + strconv.FormatFloat(logOdds, 'f', 2, 64) + ")")
	}
}

func checkLinks(s *Screening, v *Verdict) {
	limit := s.Policy.MaxLinks
	if limit < 0 {
		return
	}
	if n := CountLinks(s.Comment.Body); n > limit {
		v.hold(plural(n, "link") + "; this discussion allows " + strconv.Itoa(limit))
	}
}

func checkHistory(s *Screening, v *Verdict) {
	h := s.History
	if h.Decided >= historyMinDecided && 2*h.Rejected >= h.Decided {
		v.hold(fmt.Sprintf("recent rejections: %d of %d decided comments in %d days", h.Rejected, h.Decided, HistoryWindow/(24*time.Hour)))
	}
}

func checkPolicy(s *Screening, v *Verdict) {
	switch s.Policy.Mode {
	case PostModerate:
	case PreModerate:
		v.hold("pre-moderated discussion")
	default: // HoldFirst, and anything unknown, which must not publish
		if !s.Trusted {
			v.hold("first-time commenter")
		}
	}
}

func checkUndated(s *Screening, v *Verdict) {
	if s.Undated {
		v.hold("form without a date (an old page or a hand-made post)")
	}
}

// Matchable reports whether a word list term has anything to match once
// folded: a term of only spaces, punctuation or invisible characters
// matches nothing, and a word list ignores it.
func Matchable(term string) bool { return len(tokens(Fold(term))) > 0 }

// CountLinks counts the distinct web addresses in a comment's text
// (http://, https:// and www. ones, in Markdown, HTML or bare), so a link
// written as <a href="x">x</a> counts once.
func CountLinks(body string) int {
	seen := map[string]bool{}
	for _, l := range urlRE.FindAllString(body, -1) {
		l = strings.ToLower(strings.TrimRight(l, ".,;:!?/"))
		l = strings.TrimPrefix(strings.TrimPrefix(l, "http://"), "https://")
		seen[l] = true
	}
	return len(seen)
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
