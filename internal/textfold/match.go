package textfold

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// MinPrefixRunes is the shortest last word of a query that also matches as
// the start of longer words: "libr" finds "library", but "a" finds only "a"
// rather than nearly every article.
const MinPrefixRunes = 3

// Term is one word of a search, folded.
type Term struct {
	Text string
	// Prefix: the term also matches words that start with it.
	Prefix bool
}

// Matches reports whether a folded word is the term, or starts with it
// when the term is a prefix.
func (t Term) Matches(folded string) bool {
	if t.Prefix {
		return len(folded) >= len(t.Text) && folded[:len(t.Text)] == t.Text
	}
	return folded == t.Text
}

// Terms turns what a reader typed into search terms: its folded words, each
// once, in order, the last one a prefix when it has MinPrefixRunes or more
// (so a half-typed last word still finds its article). Nothing a reader
// types is syntax: quotes, stars, minus signs and operators are only
// separators, or words. A query without words has no terms.
func Terms(query string) []Term {
	var terms []Term
	words := Words(query)
	for _, w := range words {
		if !slices.ContainsFunc(terms, func(t Term) bool { return t.Text == w.Folded }) {
			terms = append(terms, Term{Text: w.Folded})
		}
	}
	if len(words) > 0 {
		// The last word typed, even if it repeats an earlier one.
		if last := words[len(words)-1].Folded; utf8.RuneCountInString(last) >= MinPrefixRunes {
			i := slices.IndexFunc(terms, func(t Term) bool { return t.Text == last })
			terms[i].Prefix = true
		}
	}
	return terms
}

// Piece is a stretch of original text, marked when it is a word that
// matched a search term. Templates escape Text like any other string.
type Piece struct {
	Text string
	Mark bool
}

// Highlight cuts s into pieces, marking the words that match any term.
func Highlight(s string, terms []Term) []Piece {
	words := Words(s)
	return pieces(s, words, matching(words, terms), 0, len(words))
}

// matching returns, for each word, the index of the first term it matches,
// or -1. The parts of a compound match together when the whole compound
// matches a term (Fold indexes the whole too).
func matching(words []Word, terms []Term) []int {
	match := make([]int, len(words))
	for i, w := range words {
		match[i] = slices.IndexFunc(terms, func(t Term) bool { return t.Matches(w.Folded) })
	}
	for i := 0; i < len(words); {
		j := i + 1
		for j < len(words) && words[j].Joined {
			j++
		}
		if j-i > 1 {
			var whole strings.Builder
			for _, w := range words[i:j] {
				whole.WriteString(w.Folded)
			}
			if t := slices.IndexFunc(terms, func(t Term) bool { return t.Matches(whole.String()) }); t >= 0 {
				for k := i; k < j; k++ {
					if match[k] < 0 {
						match[k] = t
					}
				}
			}
		}
		i = j
	}
	return match
}

// ellipsis marks text left out of a snippet.
const ellipsis = "…"

// Snippet returns about maxWords words of s around the place where the most
// different terms match close together (the earliest such place), as
// pieces with the matching words marked and an ellipsis where text was cut.
// found reports whether any term matched; when none did, the snippet is the
// start of s.
func Snippet(s string, terms []Term, maxWords int) (snippet []Piece, found bool) {
	words := Words(s)
	if len(words) == 0 || maxWords <= 0 {
		return nil, false
	}
	match := matching(words, terms)
	// Candidate windows start a little before a matching word, so that the
	// match has some context; only the first few dozen matches are tried,
	// which bounds the work on long articles full of a common word.
	const maxCandidates = 50
	lead := maxWords / 4
	best, bestScore := 0, 0
	candidates := 0
	for i, m := range match {
		if m < 0 {
			continue
		}
		from := max(0, i-lead)
		if score := distinct(match[from:min(len(match), from+maxWords)], len(terms)); score > bestScore {
			best, bestScore = from, score
		}
		if candidates++; candidates == maxCandidates || bestScore == len(terms) {
			break
		}
	}
	to := min(len(words), best+maxWords)
	return pieces(s, words, match, best, to), bestScore > 0
}

// distinct counts the different terms matched in a window.
func distinct(match []int, nterms int) int {
	seen := make([]bool, nterms)
	n := 0
	for _, m := range match {
		if m >= 0 && !seen[m] {
			seen[m] = true
			n++
		}
	}
	return n
}

// pieces cuts the text of words[from:to] (and the text around them, at the
// ends of s) into marked and unmarked pieces, with an ellipsis for text left
// out before or after.
func pieces(s string, words []Word, match []int, from, to int) []Piece {
	if from >= to {
		if s == "" {
			return nil
		}
		return []Piece{{Text: s}}
	}
	var out []Piece
	add := func(text string, mark bool) {
		if text == "" {
			return
		}
		if n := len(out); n > 0 && !out[n-1].Mark && !mark {
			out[n-1].Text += text
			return
		}
		out = append(out, Piece{Text: text, Mark: mark})
	}
	pos := 0
	if from > 0 {
		add(ellipsis, false)
		pos = words[from].Start
	}
	for i := from; i < to; i++ {
		if match[i] < 0 {
			continue
		}
		// One mark over the marked parts of a compound, so the mark does
		// not stand between two parts the writer kept together.
		j := i
		for j+1 < to && words[j+1].Joined && match[j+1] >= 0 {
			j++
		}
		add(s[pos:words[i].Start], false)
		add(s[words[i].Start:words[j].End], true)
		pos = words[j].End
		i = j
	}
	if to < len(words) {
		add(s[pos:words[to-1].End], false)
		add(ellipsis, false)
	} else {
		add(s[pos:], false)
	}
	return out
}
