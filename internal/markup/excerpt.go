package markup

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
)

const ellipsis = "…"

// Excerpt returns at most maxRunes runes of plain text from Markdown, for listings and meta descriptions.
// Markup, code blocks, figures and footnotes are left out and whitespace is collapsed. When the text is longer it
// is cut at a word boundary and ends in "…", which counts towards maxRunes. The result is text, not HTML:
// escape it like any other string.
func Excerpt(src string, maxRunes int) string {
	if maxRunes <= 0 {
		return ""
	}
	source := []byte(clean(src))
	var buf bytes.Buffer
	if err := articleMarkdown.Convert(source, &buf); err != nil {
		return ""
	}
	return cut(plainText(&buf), maxRunes)
}

// skippedInExcerpt reports elements whose content does not belong in a summary: code, figures with their
// captions, footnote marks and the footnotes themselves (goldmark's only div).
func skippedInExcerpt(tag string) bool {
	switch tag {
	case "pre", "figure", "sup", "div":
		return true
	}
	return false
}

// inlineInExcerpt reports elements whose boundaries are not word boundaries ("**Lah**ore" is one word).
func inlineInExcerpt(tag string) bool {
	switch tag {
	case "a", "em", "strong", "code", "del", "img", "sup":
		return true
	}
	return false
}

// plainText extracts the text of goldmark's HTML with whitespace collapsed to single spaces. Tokenising the
// rendered HTML rather than walking goldmark's tree means entities and backslash escapes are already resolved.
func plainText(r *bytes.Buffer) string {
	z := html.NewTokenizer(r)
	var b strings.Builder
	skip := 0
	space := false // a word boundary is pending
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			if skip > 0 {
				continue
			}
			for _, r := range string(z.Text()) {
				if unicode.IsSpace(r) {
					space = true
					continue
				}
				if space && b.Len() > 0 {
					b.WriteByte(' ')
				}
				space = false
				b.WriteRune(r)
			}
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			tag := string(name)
			if skippedInExcerpt(tag) {
				switch tt {
				case html.StartTagToken:
					skip++
				case html.EndTagToken:
					skip = max(skip-1, 0)
				}
			}
			if !inlineInExcerpt(tag) {
				space = true
			}
		}
	}
}

// cut shortens text to at most maxRunes runes including the ellipsis, at the last space that fits. It works in
// runes, so it never splits a UTF-8 sequence, and it does not part a letter from its combining marks (Arabic
// script stacks shadda and vowels on a letter) or end on a joiner.
func cut(text string, maxRunes int) string {
	if utf8.RuneCountInString(text) <= maxRunes {
		return text
	}
	budget := maxRunes - 1 // room for the ellipsis
	end := 0               // byte offset just past the last rune that fits
	for i := range text {
		if budget == 0 {
			end = i
			break
		}
		budget--
	}
	head := text[:end]
	if text[end] != ' ' {
		// The budget ends inside a word: go back to the space before it, if there is one.
		if i := strings.LastIndexByte(head, ' '); i >= 0 {
			head = head[:i]
		} else {
			// The first word alone is too long: cut inside it, but not before a combining mark.
			for head != "" {
				if r, _ := utf8.DecodeRuneInString(text[len(head):]); !unicode.Is(unicode.M, r) {
					break
				}
				_, size := utf8.DecodeLastRuneInString(head)
				head = head[:len(head)-size]
			}
		}
	}
	head = strings.TrimRightFunc(head, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) || r == '\u200c' || r == '\u200d'
	})
	return head + ellipsis
}
