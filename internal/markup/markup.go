// Package markup owns turning Markdown into safe HTML (goldmark, then bluemonday) and into plain-text excerpts.
package markup

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
)

// PolicyVersion identifies the rendering rules below. Bump it whenever a policy, a goldmark option or a
// transformer changes, so stored renderings made under an older version can be found and re-rendered.
const PolicyVersion = 1

// Built once: goldmark converters and bluemonday policies are safe for concurrent use once configured, and
// building them per call would cost far more than rendering. None of these is modified after init.
var (
	articleMarkdown = newArticleMarkdown()
	commentMarkdown = newCommentMarkdown()
	articlePolicy   = newArticlePolicy()
	commentPolicy   = newCommentPolicy()
)

// Article renders an editor's Markdown (articles, editor's notes) to sanitised HTML.
// Raw HTML in the source is dropped; the result is safe to emit as template.HTML.
func Article(src string) string {
	return render(articleMarkdown, articlePolicy, src)
}

// Comment renders a reader's Markdown comment to sanitised HTML under the narrower comment policy:
// no images, headings or tables; raw HTML shows as text; every link is nofollow/ugc.
func Comment(src string) string {
	return render(commentMarkdown, commentPolicy, src)
}

// render runs goldmark and then bluemonday. bluemonday runs last so that nothing goldmark or our transformers
// emit can reach the page without passing the policy.
func render(md goldmark.Markdown, policy *bluemonday.Policy, src string) string {
	source := []byte(clean(src))
	var buf bytes.Buffer
	buf.Grow(len(source) + len(source)/2)
	if err := md.Convert(source, &buf); err != nil {
		// goldmark only fails when its writer does, and bytes.Buffer does not; fail closed anyway.
		return ""
	}
	return policy.SanitizeReader(&buf).String()
}

// clean makes the source valid UTF-8 without NUL, so that whatever the edge let through the output is still
// valid UTF-8 (CommonMark also asks for NUL to become U+FFFD). Valid input, the normal case, is not copied.
func clean(src string) string {
	if !utf8.ValidString(src) {
		src = strings.ToValidUTF8(src, "\uFFFD")
	}
	if strings.IndexByte(src, 0) >= 0 {
		src = strings.ReplaceAll(src, "\x00", "\uFFFD")
	}
	return src
}
