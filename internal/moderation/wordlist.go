package moderation

import (
	"strings"
	"unicode"
)

// Level is what a word list asks for when a comment contains one of its terms.
type Level int

// Levels, in increasing severity.
const (
	None   Level = iota // no listed term
	Hold                // hold for a moderator (pending)
	Reject              // reject outright
)

// String names the level.
func (l Level) String() string {
	switch l {
	case None:
		return "none"
	case Hold:
		return "hold"
	case Reject:
		return "reject"
	}
	return "unknown"
}

// WordList holds a site's moderation terms, folded once. Terms match whole
// words of the folded text: "spin" does not match inside "spinach", and an
// Urdu word that merely contains a listed term as a part does not match it.
// A term of several words matches the same words in sequence, whatever
// spaces, punctuation or invisible characters separate them. Urdu written
// without a space between two words is one token to the list.
//
// A WordList is read-only after NewWordList and safe for concurrent use.
type WordList struct {
	byFirst map[string][]listTerm // keyed by the term's first token
}

type listTerm struct {
	tokens []string
	level  Level
	term   string // as given, for the moderator
}

// NewWordList builds a list from terms that hold a comment and terms that
// reject it. Empty terms, and terms that fold to nothing, are ignored; a
// term in both lists rejects.
func NewWordList(hold, reject []string) *WordList {
	l := &WordList{byFirst: make(map[string][]listTerm)}
	add := func(terms []string, level Level) {
		for _, t := range terms {
			toks := tokens(Fold(t))
			if len(toks) == 0 {
				continue
			}
			l.byFirst[toks[0]] = append(l.byFirst[toks[0]], listTerm{tokens: toks, level: level, term: t})
		}
	}
	add(reject, Reject)
	add(hold, Hold)
	return l
}

// Match returns the most severe level of any listed term in text, and the
// first such term as it was listed. It returns None and "" when nothing
// matches.
func (l *WordList) Match(text string) (level Level, term string) {
	toks := tokens(Fold(text))
	for i, tok := range toks {
		for _, t := range l.byFirst[tok] {
			if t.level <= level || !hasPrefix(toks[i:], t.tokens) {
				continue
			}
			level, term = t.level, t.term
			if level == Reject {
				return level, term
			}
		}
	}
	return level, term
}

func hasPrefix(toks, prefix []string) bool {
	if len(prefix) > len(toks) {
		return false
	}
	for i := range prefix {
		if toks[i] != prefix[i] {
			return false
		}
	}
	return true
}

// tokens splits folded text into words: runs of letters, digits and marks.
func tokens(folded string) []string {
	return strings.FieldsFunc(folded, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r)
	})
}
