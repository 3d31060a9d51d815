package wpimport

import (
	"html"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Content conversion: WordPress keeps post content as HTML mixed with
// shortcodes, and classic (pre-block-editor) content without <p>, which
// WordPress adds on display (wpautop). Qalam's articles are Markdown, from
// which raw HTML is dropped, so the content is turned into HTML that
// stands alone (shortcodes expanded, paragraphs made), parsed, and written
// out as Markdown (markdown.go). The result then goes through the same
// renderer and sanitiser as anything an editor writes.

// image is an attachment's image as a gallery or caption shows it.
type image struct {
	URL, Alt, Caption string
}

// contentStats counts what conversion did, for the report.
type contentStats struct {
	Shortcodes        map[string]int // converted, by name
	UnknownShortcodes map[string]int // left as text, by name
	MissingImages     int            // gallery images not in the export
	LinksRewritten    int            // links and images now pointing at Qalam
}

func newContentStats() *contentStats {
	return &contentStats{Shortcodes: map[string]int{}, UnknownShortcodes: map[string]int{}}
}

// converter turns WordPress HTML into Qalam Markdown.
type converter struct {
	// rewrite maps a link or image address (resolved against the post's
	// address) to its new address, or returns it unchanged.
	rewrite func(raw string) string
	// attachment finds an attachment's image by its WordPress id;
	// attachmentsOf lists a post's attached images, for [gallery] without
	// ids.
	attachment    func(id int64) (image, bool)
	attachmentsOf func(postID int64) []image
	stats         *contentStats
}

// article converts a post's content.
func (c *converter) article(src string, postID int64) string {
	src = strings.ReplaceAll(src, "\r\n", "\n")
	blocks := strings.Contains(src, "<!-- wp:")
	src = c.shortcodes(src, postID)
	if !blocks {
		// Block-editor content carries its own <p>; WordPress does not
		// run wpautop on it either.
		src = autop(src)
	}
	return c.markdown(src)
}

// comment converts a comment's text, which WordPress shows through
// wpautop and without shortcodes.
func (c *converter) comment(src string) string {
	return c.markdown(autop(strings.ReplaceAll(src, "\r\n", "\n")))
}

// plainText is the text of an HTML fragment (a title, an excerpt, a term
// name) with entities decoded and ASCII whitespace collapsed.
func plainText(src string) string {
	if !strings.ContainsAny(src, "<&") {
		return collapseSpace(src)
	}
	var b strings.Builder
	for _, n := range parseFragment(src) {
		textContent(&b, n)
		b.WriteByte(' ')
	}
	return collapseSpace(b.String())
}

// collapseSpace trims s and collapses runs of ASCII whitespace (what HTML
// collapses) to one space; other spaces, such as no-break spaces, stay.
func collapseSpace(s string) string {
	var b strings.Builder
	space := false
	for i := 0; i < len(s); i++ {
		if asciiSpace(s[i]) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteByte(s[i])
	}
	return b.String()
}

func asciiSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f' }

// Shortcodes.

// shortcode is one [name attrs]content[/name] in the content.
type shortcode struct {
	name    string
	attrs   map[string]string // named attributes, lower-cased names
	pos     []string          // positional attributes
	content string
}

var shortcodeName = regexp.MustCompile(`^\[([A-Za-z][A-Za-z0-9_-]*)`)

// enclosing are the shortcodes handled here that take content.
var enclosing = map[string]bool{"caption": true, "wp_caption": true, "embed": true, "audio": true, "video": true}

// shortcodes expands the common shortcodes into HTML and counts the
// others, which stay as text.
func (c *converter) shortcodes(src string, postID int64) string {
	if !strings.Contains(src, "[") {
		return src
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(src, '[')
		if i < 0 {
			b.WriteString(src)
			return b.String()
		}
		b.WriteString(src[:i])
		src = src[i:]
		if strings.HasPrefix(src, "[[") && shortcodeName.MatchString(src[1:]) {
			// [[name]] is how an author writes a shortcode as text.
			if end := attrsEnd(src[1:]); end >= 0 && 1+end+1 < len(src) && src[1+end+1] == ']' {
				b.WriteString(src[1 : 1+end+1])
				src = src[1+end+2:]
				continue
			}
		}
		m := shortcodeName.FindStringSubmatch(src)
		if m == nil || len(src) == len(m[0]) || !strings.ContainsRune(" \t\n]/", rune(src[len(m[0])])) {
			b.WriteByte('[')
			src = src[1:]
			continue
		}
		name := strings.ToLower(m[1])
		end := attrsEnd(src)
		if end < 0 {
			b.WriteByte('[')
			src = src[1:]
			continue
		}
		sc := shortcode{name: name}
		attrText := src[len(m[0]):end]
		selfClosing := strings.HasSuffix(strings.TrimSpace(attrText), "/")
		sc.attrs, sc.pos = parseAttrs(strings.TrimSuffix(strings.TrimSpace(attrText), "/"))
		rest := src[end+1:]
		if enclosing[name] && !selfClosing {
			closing := "[/" + m[1] + "]"
			if j := indexASCIIFold(rest, closing); j >= 0 {
				sc.content, rest = rest[:j], rest[j+len(closing):]
			}
		}
		if out, ok := c.expand(sc, postID); ok {
			c.stats.Shortcodes[name]++
			b.WriteString(out)
		} else {
			c.stats.UnknownShortcodes[name]++
			b.WriteString(src[:end+1])
			rest = src[end+1:]
		}
		src = rest
	}
}

// indexASCIIFold is strings.Index ignoring the case of ASCII letters
// (shortcode names are ASCII; other bytes must match exactly).
func indexASCIIFold(s, sub string) int {
	lower := func(b byte) byte {
		if 'A' <= b && b <= 'Z' {
			return b + 'a' - 'A'
		}
		return b
	}
outer:
	for i := 0; i+len(sub) <= len(s); i++ {
		for j := 0; j < len(sub); j++ {
			if lower(s[i+j]) != lower(sub[j]) {
				continue outer
			}
		}
		return i
	}
	return -1
}

// attrsEnd is the index of the ] that closes the shortcode starting s,
// skipping quoted attribute values, or -1.
func attrsEnd(s string) int {
	var quote byte
	for i := 1; i < len(s) && i < 4096; i++ {
		switch b := s[i]; {
		case quote != 0:
			if b == quote {
				quote = 0
			}
		case b == '"' || b == '\'':
			quote = b
		case b == '[':
			return -1
		case b == ']':
			return i
		}
	}
	return -1
}

var shortcodeAttr = regexp.MustCompile(`([\w-]+)\s*=\s*"([^"]*)"|([\w-]+)\s*=\s*'([^']*)'|([\w-]+)\s*=\s*([^\s'"]+)|"([^"]*)"|'([^']*)'|(\S+)`)

// parseAttrs reads shortcode attributes as WordPress's
// shortcode_parse_atts does.
func parseAttrs(s string) (map[string]string, []string) {
	attrs := map[string]string{}
	var pos []string
	for _, m := range shortcodeAttr.FindAllStringSubmatch(s, -1) {
		switch {
		case m[1] != "":
			attrs[strings.ToLower(m[1])] = html.UnescapeString(m[2])
		case m[3] != "":
			attrs[strings.ToLower(m[3])] = html.UnescapeString(m[4])
		case m[5] != "":
			attrs[strings.ToLower(m[5])] = html.UnescapeString(m[6])
		default:
			pos = append(pos, html.UnescapeString(m[7]+m[8]+m[9]))
		}
	}
	return attrs, pos
}

var captionImage = regexp.MustCompile(`(?is)^\s*((?:<a\s[^>]*>\s*)?<img\s[^>]*>(?:\s*</a>)?)(.*)$`)

// expand turns a shortcode WordPress ships with into HTML that stands
// alone: a figure for a captioned image, figures for a gallery, a link for
// an embed, audio or video (Qalam does not embed other sites' players).
func (c *converter) expand(sc shortcode, postID int64) (string, bool) {
	switch sc.name {
	case "caption", "wp_caption":
		m := captionImage.FindStringSubmatch(sc.content)
		if m == nil {
			return "\n\n" + sc.content + "\n\n", true
		}
		caption := strings.TrimSpace(m[2])
		if caption == "" {
			caption = sc.attrs["caption"]
		}
		return "\n\n<figure>" + m[1] + "<figcaption>" + caption + "</figcaption></figure>\n\n", true
	case "gallery":
		var images []image
		if ids := cmpOr(sc.attrs["ids"], sc.attrs["include"]); ids != "" {
			for _, f := range strings.Split(ids, ",") {
				id, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64)
				if img, ok := c.attachment(id); err == nil && ok {
					images = append(images, img)
				} else {
					c.stats.MissingImages++
				}
			}
		} else {
			images = c.attachmentsOf(cmpOr(parseID(sc.attrs["id"]), postID))
		}
		var b strings.Builder
		for _, img := range images {
			b.WriteString("\n\n<figure><img src=\"" + html.EscapeString(img.URL) + "\" alt=\"" + html.EscapeString(img.Alt) + "\">")
			if img.Caption != "" {
				b.WriteString("<figcaption>" + html.EscapeString(img.Caption) + "</figcaption>")
			}
			b.WriteString("</figure>\n\n")
		}
		return b.String(), true
	case "embed":
		u := strings.TrimSpace(cmpOr(sc.content, sc.attrs["src"]))
		if u == "" {
			return "", true
		}
		return "\n\n<p><a href=\"" + html.EscapeString(u) + "\">" + html.EscapeString(u) + "</a></p>\n\n", true
	case "audio", "video":
		u := sc.attrs["src"]
		for _, f := range []string{"mp3", "m4a", "ogg", "oga", "wav", "flac", "mp4", "m4v", "webm", "ogv", "mov", "wmv", "flv"} {
			u = cmpOr(u, sc.attrs[f])
		}
		u = strings.TrimSpace(cmpOr(u, sc.content))
		if u == "" {
			return "", true
		}
		label := map[string]string{"audio": "Audio", "video": "Video"}[sc.name] + ": " + path.Base(strings.SplitN(u, "?", 2)[0])
		return "\n\n<p><a href=\"" + html.EscapeString(u) + "\">" + html.EscapeString(label) + "</a></p>\n\n", true
	}
	return "", false
}

func parseID(s string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return n
}

func cmpOr[T comparable](vs ...T) T {
	var zero T
	for _, v := range vs {
		if v != zero {
			return v
		}
	}
	return zero
}

// Paragraphs.

var (
	blockStart = regexp.MustCompile(`(?i)^<(?:p|div|ul|ol|li|dl|dt|dd|h[1-6]|blockquote|table|thead|tbody|tfoot|tr|td|th|caption|figure|figcaption|pre|hr|address|section|article|aside|header|footer|nav|main|form|fieldset|legend|iframe|video|audio|object|embed|style|script|noscript|details|summary|math|svg|/)[\s>/]|^<!--`)
	blockEnd   = regexp.MustCompile(`(?i)</?(?:p|div|ul|ol|li|dl|dt|dd|h[1-6]|blockquote|table|thead|tbody|tfoot|tr|td|th|figure|figcaption|pre|hr|address|section|article|aside|header|footer|nav|main|form|fieldset|iframe|video|audio|details|summary)(?:\s[^>]*)?/?>\s*$`)
	preBlock   = regexp.MustCompile(`(?is)<pre[\s>].*?</pre>`)
	blankLines = regexp.MustCompile(`\n[ \t]*\n\s*`)
)

// autop makes paragraphs as WordPress's wpautop does for display: blank
// lines separate paragraphs and a single line break inside a paragraph is
// a <br>. Chunks that start with a block element are left alone, and
// <pre> keeps its line breaks.
func autop(s string) string {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	var pres []string
	s = preBlock.ReplaceAllStringFunc(s, func(p string) string {
		pres = append(pres, p)
		return "\x00" + strconv.Itoa(len(pres)-1) + "\x00"
	})
	var b strings.Builder
	for _, chunk := range blankLines.Split(strings.TrimSpace(s), -1) {
		chunk = strings.TrimSpace(chunk)
		if chunk == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		if blockStart.MatchString(chunk) || strings.HasPrefix(chunk, "\x00") {
			b.WriteString(chunk)
			continue
		}
		b.WriteString("<p>")
		lines := strings.Split(chunk, "\n")
		for i, line := range lines {
			b.WriteString(line)
			if i < len(lines)-1 && !blockEnd.MatchString(line) && !blockStart.MatchString(strings.TrimSpace(lines[i+1])) && !insideTag(lines[:i+1]) {
				b.WriteString("<br>")
			}
			if i < len(lines)-1 {
				b.WriteByte('\n')
			}
		}
		b.WriteString("</p>")
	}
	out := b.String()
	for i, p := range pres {
		out = strings.Replace(out, "\x00"+strconv.Itoa(i)+"\x00", p, 1)
	}
	return out
}

// insideTag reports whether the lines so far end inside an open tag (an
// attribute value spanning lines), where a line break is not a <br>.
func insideTag(lines []string) bool {
	text := strings.Join(lines, "\n")
	return strings.LastIndexByte(text, '<') > strings.LastIndexByte(text, '>')
}

// galleryOrder sorts a post's attachments as WordPress's [gallery] does:
// by menu order, then id.
func galleryOrder(items []attachment) {
	slices.SortFunc(items, func(a, b attachment) int {
		if a.MenuOrder != b.MenuOrder {
			return a.MenuOrder - b.MenuOrder
		}
		return int(a.ID - b.ID)
	})
}
