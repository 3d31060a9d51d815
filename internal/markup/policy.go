package markup

import (
	"regexp"

	"github.com/microcosm-cc/bluemonday"
)

// Attribute value patterns. Anchored, so an allowed value is the whole value and not a substring of it.
var (
	dirValue        = regexp.MustCompile(`^(?:ltr|rtl|auto)$`)
	olStart         = regexp.MustCompile(`^[0-9]{1,9}$`)
	cellAlign       = regexp.MustCompile(`^(?:left|center|right)$`)
	nonBlank        = regexp.MustCompile(`\S`)
	articleRelValue = regexp.MustCompile(`^` + articleRel + `$`)
	commentRelValue = regexp.MustCompile(`^` + commentRel + `$`)
	// img src is http(s) or relative: either an http/https scheme, or a first path segment with no colon
	// (so no scheme at all). Schemes are also checked by AllowURLSchemes; this keeps mailto: off images.
	imageSource = regexp.MustCompile(`^(?:(?i:https?):|[^:/?#]*[/?#]|[^:/?#]+$)`)
	// goldmark's footnote markup, and nothing else, may carry ids and classes.
	footnoteRefID    = regexp.MustCompile(`^fnref[0-9]*:[0-9]+$`)
	footnoteID       = regexp.MustCompile(`^fn:[0-9]+$`)
	footnoteLink     = regexp.MustCompile(`^footnote-(?:ref|backref)$`)
	footnoteLinkRole = regexp.MustCompile(`^doc-(?:noteref|backlink)$`)
)

// newArticlePolicy is the allowlist for editors' HTML: the structure goldmark emits for articles and nothing
// more. No iframes or embeds yet; no style, class or id except goldmark's footnote markup.
func newArticlePolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements(
		"h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "blockquote",
		"ul", "ol", "li", "strong", "em", "del", "code", "pre", "sup",
		"figure", "figcaption", "table", "thead", "tbody", "tr", "th", "td",
	)
	p.AllowAttrs("start").Matching(olStart).OnElements("ol")
	p.AllowAttrs("align").Matching(cellAlign).OnElements("th", "td")

	p.AllowURLSchemes("http", "https", "mailto")
	p.AllowRelativeURLs(true)
	p.RequireParseableURLs(true)
	p.AllowAttrs("href").Matching(nonBlank).OnElements("a")
	p.AllowAttrs("title").OnElements("a", "img")
	p.AllowAttrs("rel").Matching(articleRelValue).OnElements("a")
	// Backstop for offsite links the transformer did not mark: bluemonday adds rel="noreferrer".
	p.RequireNoReferrerOnFullyQualifiedLinks(true)

	p.AllowAttrs("src").Matching(imageSource).OnElements("img")
	p.AllowAttrs("alt").OnElements("img")

	p.AllowAttrs("id").Matching(footnoteRefID).OnElements("sup")
	p.AllowAttrs("id").Matching(footnoteID).OnElements("li")
	p.AllowAttrs("class").Matching(footnoteLink).OnElements("a")
	p.AllowAttrs("role").Matching(footnoteLinkRole).OnElements("a")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^footnotes$`)).OnElements("div")
	p.AllowAttrs("role").Matching(regexp.MustCompile(`^doc-endnotes$`)).OnElements("div")

	p.AllowAttrs("dir").Matching(dirValue).Globally()
	return p
}

// newCommentPolicy is the narrower allowlist for readers (SECURITY.md 2.4 #4): no img (tracking pixels leak
// readers' addresses), no headings, tables or style; links only to http, https and mailto, always
// nofollow and ugc so that spam earns no search rank.
func newCommentPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "strong", "em", "blockquote", "code", "pre", "ul", "ol", "li")
	p.AllowAttrs("start").Matching(olStart).OnElements("ol")

	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireParseableURLs(true)
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("rel").Matching(commentRelValue).OnElements("a")
	// Backstop: even a link that somehow lacks commentRel leaves with nofollow and noreferrer.
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)

	p.AllowAttrs("dir").Matching(dirValue).Globally()
	return p
}
