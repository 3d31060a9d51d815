// Package moderation decides what happens to a new comment before a person
// sees it: word lists and a spam classifier, both matching on a folded form
// of the text that survives the usual Unicode and Urdu evasions.
package moderation

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold returns the form that text is matched in by word lists and the
// classifier. It is derived, never stored or shown: the comment keeps what
// the reader typed (ZWNJ, ZWJ and RLM included), and Fold returns a new
// string.
//
// Steps, in order:
//   - NFKC, which also turns fullwidth, circled and mathematical letters and
//     digits, and Arabic presentation forms, into their plain letters;
//   - drop invisible characters (format characters such as ZWSP, ZWNJ, ZWJ,
//     LRM, RLM, ALM, bidi embeddings, overrides and isolates, soft hyphen,
//     U+FEFF), variation selectors and enclosing marks (keycaps);
//   - drop Arabic diacritics (harakat U+064B–U+065F, superscript alef U+0670,
//     Urdu and Quranic signs U+0610–U+061A, U+06D6–U+06ED) and tatweel;
//   - map Cyrillic and Greek letters that look Latin to the Latin letter
//     (upper and lower case separately, before lower-casing, so Cyrillic Н
//     becomes h and Greek η becomes n); text in Russian or Greek is not
//     expected on an English and Urdu site;
//   - lower-case;
//   - fold Arabic, Persian and Urdu letter variants: ي ى ی ئ → ی, ك ک → ک,
//     ه ہ ۃ ة ھ → ہ, أ إ آ ٱ → ا, ؤ → و;
//   - Arabic-Indic and Extended Arabic-Indic (Urdu) digits → ASCII digits;
//   - leetspeak, only in words that contain a Latin letter: 0→o 1→i 3→e 4→a
//     5→s 7→t $→s, and @→a unless the @ starts the word (an @reply);
//   - a letter repeated three or more times becomes two.
//
// Do-chashmi he (ھ, U+06BE) is folded into gol he (ہ) on purpose. In Urdu it
// marks aspiration (بھ, کھ) and is a different letter, but typists and
// keyboards mix the two freely (ھے for ہے, Arabic ه for both), so a list term
// written with one must catch the other. The price is that a few word pairs
// such as بہ and بھ fold alike, which only matters if a list names one of them.
func Fold(s string) string {
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r = foldRune(r); r >= 0 {
			b.WriteRune(r)
		}
	}
	return collapseRepeats(unleet(b.String()))
}

// foldRune maps one rune, or returns -1 to drop it.
func foldRune(r rune) rune {
	switch {
	case r < 0x80:
		return unicode.ToLower(r)
	case isInvisible(r), isArabicMark(r), r == 0x0640:
		return -1
	}
	r = lookalike(unicode.ToLower(lookalike(r)))
	switch r {
	case 0x064A, 0x0649, 0x0626: // ي ى ئ
		return 0x06CC // ی
	case 0x0643: // ك
		return 0x06A9 // ک
	case 0x0647, 0x06BE, 0x06C3, 0x0629: // ه ھ ۃ ة
		return 0x06C1 // ہ
	case 0x0622, 0x0623, 0x0625, 0x0671: // آ أ إ ٱ
		return 0x0627 // ا
	case 0x0624: // ؤ
		return 0x0648 // و
	}
	switch {
	case r >= 0x0660 && r <= 0x0669:
		return '0' + r - 0x0660
	case r >= 0x06F0 && r <= 0x06F9:
		return '0' + r - 0x06F0
	}
	return r
}

// isInvisible reports format characters (Cf: ZWSP, ZWNJ, ZWJ, LRM, RLM,
// ALM, bidi controls, soft hyphen, U+FEFF, ...), variation selectors and
// enclosing marks such as the keycap U+20E3.
func isInvisible(r rune) bool {
	return unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Me, r) ||
		(r >= 0xFE00 && r <= 0xFE0F) || (r >= 0xE0100 && r <= 0xE01EF) ||
		r == 0x034F || r == 0x115F || r == 0x1160 || r == 0x3164 || r == 0xFFA0
}

// isArabicMark reports harakat, superscript alef and Urdu/Quranic signs.
func isArabicMark(r rune) bool {
	return (r >= 0x064B && r <= 0x065F) || r == 0x0670 ||
		(r >= 0x0610 && r <= 0x061A) || (r >= 0x06D6 && r <= 0x06ED)
}

// lookalike maps Cyrillic and Greek letters to the Latin letters they are
// drawn like. Case is kept; Fold lower-cases afterwards.
func lookalike(r rune) rune {
	switch r {
	// Cyrillic capitals
	case 'А':
		return 'A'
	case 'В':
		return 'B'
	case 'Е':
		return 'E'
	case 'К':
		return 'K'
	case 'М':
		return 'M'
	case 'Н':
		return 'H'
	case 'О':
		return 'O'
	case 'Р':
		return 'P'
	case 'С':
		return 'C'
	case 'Т':
		return 'T'
	case 'У', 'Ү':
		return 'Y'
	case 'Х':
		return 'X'
	case 'І', 'Ӏ':
		return 'I'
	case 'Ј':
		return 'J'
	case 'Ѕ':
		return 'S'
	case 'Ԛ':
		return 'Q'
	case 'Ԝ':
		return 'W'
	// Cyrillic small
	case 'а':
		return 'a'
	case 'в':
		return 'b'
	case 'е':
		return 'e'
	case 'к':
		return 'k'
	case 'м':
		return 'm'
	case 'н', 'һ':
		return 'h'
	case 'о':
		return 'o'
	case 'р':
		return 'p'
	case 'с':
		return 'c'
	case 'т':
		return 't'
	case 'у', 'ү':
		return 'y'
	case 'х':
		return 'x'
	case 'і':
		return 'i'
	case 'ј':
		return 'j'
	case 'ѕ':
		return 's'
	case 'ԛ':
		return 'q'
	case 'ԝ':
		return 'w'
	case 'ӏ':
		return 'l'
	case 'ԁ':
		return 'd'
	case 'ɡ':
		return 'g'
	// Greek capitals
	case 'Α':
		return 'A'
	case 'Β':
		return 'B'
	case 'Ε':
		return 'E'
	case 'Ζ':
		return 'Z'
	case 'Η':
		return 'H'
	case 'Ι':
		return 'I'
	case 'Κ':
		return 'K'
	case 'Μ':
		return 'M'
	case 'Ν':
		return 'N'
	case 'Ο':
		return 'O'
	case 'Ρ':
		return 'P'
	case 'Τ':
		return 'T'
	case 'Υ':
		return 'Y'
	case 'Χ':
		return 'X'
	// Greek small
	case 'α':
		return 'a'
	case 'ε':
		return 'e'
	case 'η':
		return 'n'
	case 'ι':
		return 'i'
	case 'κ':
		return 'k'
	case 'ν':
		return 'v'
	case 'ο':
		return 'o'
	case 'ρ':
		return 'p'
	case 'τ':
		return 't'
	case 'υ':
		return 'u'
	case 'χ':
		return 'x'
	case 'ω':
		return 'w'
	}
	return r
}

// unleetRune maps the digits and symbols read as letters inside Latin words.
func unleetRune(r rune) rune {
	switch r {
	case '0':
		return 'o'
	case '1':
		return 'i'
	case '3':
		return 'e'
	case '4', '@':
		return 'a'
	case '5', '$':
		return 's'
	case '7':
		return 't'
	}
	return r
}

// isWordRune reports runes that belong to a word for leetspeak purposes.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || r == '@' || r == '$'
}

// unleet rewrites leetspeak inside words that contain a Latin letter.
func unleet(s string) string {
	if !strings.ContainsAny(s, "013457$@") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isWordRune(r) {
			b.WriteRune(r)
			i += size
			continue
		}
		j := i
		latin := false
		for j < len(s) {
			r, size := utf8.DecodeRuneInString(s[j:])
			if !isWordRune(r) {
				break
			}
			if r >= 'a' && r <= 'z' {
				latin = true
			}
			j += size
		}
		word := s[i:j]
		if !latin {
			b.WriteString(word)
		} else {
			for k, r := range word {
				if r != '@' || k > 0 {
					r = unleetRune(r)
				}
				b.WriteRune(r)
			}
		}
		i = j
	}
	return b.String()
}

// collapseRepeats shortens runs of three or more of the same letter to two.
func collapseRepeats(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	var prev rune = -1
	run := 0
	for _, r := range s {
		if r == prev {
			run++
		} else {
			prev, run = r, 1
		}
		if run > 2 && unicode.IsLetter(r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
