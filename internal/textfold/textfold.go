// Package textfold folds English and Urdu text for matching: it splits text
// into words, folds each word so that the ways people write the same word
// (with or without diacritics, with Arabic or Urdu letter forms, in upper or
// lower case) become one, and finds the words of a search in the original
// text again, for highlighting.
//
// Search uses it on both sides: the store indexes folded words and folds
// the reader's query the same way, so SQLite and PostgreSQL see exactly the
// same words and behave alike. It does not do what moderation's folding does
// against evasion (leetspeak, Cyrillic lookalikes, repeated letters): a
// search for "b00k" means b00k.
package textfold

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Version names the folding rules. Whoever stores folded text records it,
// and refolds when it changes.
const Version = 1

// MaxWordRunes is the longest word that is folded and matched; longer runs
// of letters (pasted hashes, base64) are skipped on both sides.
const MaxWordRunes = 64

// Word is one word of a text: its folded form and where it lies in the
// original text, in bytes.
type Word struct {
	Folded     string
	Start, End int
	// Joined: the word follows the previous one across a zero-width
	// non-joiner, as the parts of an Urdu compound do (کتب‌خانہ).
	Joined bool
}

// Words splits s into words and folds each one; see Fold for the rules.
// Each word's span in s covers its diacritics and joiners too, so a
// highlight never parts a letter from its marks.
func Words(s string) []Word {
	var words []Word
	scan(s, func(w Word) { words = append(words, w) })
	return words
}

// Fold returns the folded words of s separated by single spaces: the form
// in which text is indexed.
//
// A word is a run of letters and digits. Folding:
//   - decomposes compatibility characters (NFKD: ligatures, fullwidth and
//     Arabic presentation forms become plain letters) and drops the
//     combining marks that decomposition leaves, so café matches cafe and
//     hamza forms match their seat: أ إ آ → ا, ؤ → و, ئ → ی, ۂ → ہ, ۓ → ے;
//   - drops Arabic diacritics (zabar, zer, pesh, tanwin, shadda, jazm and
//     the rest of U+064B–U+065F, superscript alef U+0670, Quranic signs),
//     tatweel, and invisible characters (ZWJ, bidi marks, soft hyphen),
//     none of which separate words;
//   - folds Arabic letter forms into the Urdu ones: ي ى → ی, ك → ک, and
//     ه ھ ۃ ة ە → ہ;
//   - turns Arabic-Indic and Urdu digits into ASCII digits;
//   - lower-cases.
//
// A zero-width non-joiner separates the parts of a compound, which writers
// as often separate with a space (کتب‌خانہ, کتب خانہ) or not at all: Fold
// gives the parts and then the whole (کتب خانہ کتبخانہ), so a search for
// either spelling finds the compound.
//
// Do-chashmi he (ھ) and gol he (ہ) fold together on purpose: text typed on
// Arabic keyboards writes ه for both (بهی for بھی, یه for یہ), so a search
// must not depend on which one the writer used. The price is that a few
// pairs such as بہ and بھ fold alike.
func Fold(s string) string {
	var b strings.Builder
	var compound []byte
	parts := 0
	write := func(w string) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	endCompound := func() {
		if parts > 1 && utf8.RuneCount(compound) <= MaxWordRunes {
			write(string(compound))
		}
		compound, parts = compound[:0], 0
	}
	scan(s, func(w Word) {
		if !w.Joined {
			endCompound()
		}
		write(w.Folded)
		compound = append(compound, w.Folded...)
		parts++
	})
	endCompound()
	return b.String()
}

// zwnj is the zero-width non-joiner.
const zwnj = 0x200C

// scan calls emit for each word of s in order.
func scan(s string, emit func(Word)) {
	var word []byte // the folded word being read
	start, end, runes := -1, 0, 0
	joined := false   // the word being read follows a ZWNJ
	joinNext := false // a ZWNJ has just ended a word
	flush := func() {
		if start >= 0 {
			if runes <= MaxWordRunes {
				emit(Word{Folded: string(word), Start: start, End: end, Joined: joined})
			} else {
				joinNext = false
			}
		}
		word, start, runes, joined = word[:0], -1, 0, false
	}
	add := func(r rune, i, size int) {
		if r == zwnj {
			wasWord := start >= 0
			flush()
			joinNext = wasWord
			return
		}
		switch kind, f := foldRune(r); kind {
		case letter:
			if start < 0 {
				start, joined, joinNext = i, joinNext, false
			}
			word = utf8.AppendRune(word, f)
			runes++
			end = i + size
		case dropped:
			if start >= 0 {
				end = i + size // a mark belongs to the word it follows
			}
		case separator:
			flush()
			joinNext = false
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			// ASCII: letters and digits make words, the rest separates.
			switch {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
			default:
				flush()
				joinNext = false
				i++
				continue
			}
			if start < 0 {
				start, joined, joinNext = i, joinNext, false
			}
			word = append(word, c)
			runes++
			i++
			end = i
			continue
		}
		// Invalid UTF-8 decodes as U+FFFD, one byte long: a separator.
		r, size := utf8.DecodeRuneInString(s[i:])
		parts := norm.NFKD.PropertiesString(s[i:]).Decomposition()
		if parts == nil || !hasLetter(parts) {
			add(r, i, size)
			i += size
			continue
		}
		// A character that decomposes into letters is one unit: the
		// punctuation some decompositions hold (½ is 1⁄2, ℅ is c/o) does
		// not split it, so words never share a character of s.
		for len(parts) > 0 {
			d, n := utf8.DecodeRune(parts)
			if kind, _ := foldRune(d); kind != separator {
				add(d, i, size)
			}
			parts = parts[n:]
		}
		i += size
	}
	flush()
}

// hasLetter reports whether a decomposition holds a rune that folds into a
// letter.
func hasLetter(parts []byte) bool {
	for _, r := range string(parts) {
		if kind, _ := foldRune(r); kind == letter {
			return true
		}
	}
	return false
}

// runeKind is what a (decomposed) rune does in a word.
type runeKind int

const (
	separator runeKind = iota // ends a word
	letter                    // is part of a word
	dropped                   // is ignored, inside a word or not
)

// foldRune folds one rune of a decomposition.
func foldRune(r rune) (runeKind, rune) {
	switch {
	case isIgnored(r):
		return dropped, 0
	case r >= 0x0660 && r <= 0x0669: // Arabic-Indic digits
		return letter, '0' + r - 0x0660
	case r >= 0x06F0 && r <= 0x06F9: // Extended Arabic-Indic (Urdu) digits
		return letter, '0' + r - 0x06F0
	}
	switch r {
	case 0x064A, 0x0649: // ي ى
		return letter, 0x06CC // ی
	case 0x0643, 0x06AA: // ك ڪ
		return letter, 0x06A9 // ک
	case 0x0647, 0x06BE, 0x06C3, 0x0629, 0x06D5: // ه ھ ۃ ة ە
		return letter, 0x06C1 // ہ
	case 0x0671, 0x0672, 0x0673: // alef wasla, alef with wavy hamza
		return letter, 0x0627 // ا
	}
	if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mc, r) {
		// Spacing marks (Mc) are vowel signs in Indic scripts: part of the word.
		return letter, unicode.ToLower(r)
	}
	return separator, 0
}

// isIgnored reports runes that neither make nor break a word: combining
// marks (Arabic diacritics among them), tatweel, the high hamza that
// decomposition leaves, Quranic annotation signs, and invisible format
// characters such as ZWJ, bidi marks and the soft hyphen (not ZWNJ,
// which scan treats as the boundary of a compound's parts).
func isIgnored(r rune) bool {
	return unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) || (unicode.Is(unicode.Cf, r) && r != zwnj) ||
		r == 0x0640 || r == 0x0674 || (r >= 0x06D6 && r <= 0x06ED) ||
		(r >= 0xFE00 && r <= 0xFE0F) // variation selectors
}
