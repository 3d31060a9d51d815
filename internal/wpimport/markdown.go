package wpimport

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// markdown converts HTML to Markdown, rewriting link and image addresses.
// It writes only constructs Qalam's renderer knows (paragraphs, headings,
// lists, quotes, code, tables, emphasis, links, images and figures);
// anything else keeps its text and loses its markup. Text is escaped so
// that it renders as the same text: letters of every script, emoji and
// marks such as ZWNJ pass through byte for byte; only ASCII whitespace is
// collapsed, as HTML collapses it.
func (c *converter) markdown(src string) string {
	w := &mdWriter{rewrite: c.rewrite}
	return strings.Join(w.blocks(parseFragment(src)), "\n\n")
}

// parseFragment parses HTML as the content of a <body>.
func parseFragment(src string) []*html.Node {
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(src), body)
	if err != nil {
		return nil // only a failing reader errs, and a strings.Reader does not fail
	}
	return nodes
}

type mdWriter struct {
	rewrite func(string) string
}

// inlineCtx is where inline content is being written.
type inlineCtx struct {
	inLink bool // no nested links, no autolinks, line breaks become spaces
}

var blockElements = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Section: true, atom.Article: true, atom.Aside: true,
	atom.Header: true, atom.Footer: true, atom.Main: true, atom.Nav: true, atom.Address: true,
	atom.Center: true, atom.Figure: true, atom.Figcaption: true, atom.H1: true, atom.H2: true,
	atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true, atom.Ul: true, atom.Ol: true,
	atom.Li: true, atom.Dl: true, atom.Dt: true, atom.Dd: true, atom.Blockquote: true, atom.Pre: true,
	atom.Table: true, atom.Caption: true, atom.Thead: true, atom.Tbody: true, atom.Tfoot: true,
	atom.Tr: true, atom.Td: true, atom.Th: true, atom.Hr: true, atom.Form: true, atom.Fieldset: true,
	atom.Legend: true, atom.Details: true, atom.Summary: true, atom.Hgroup: true, atom.Iframe: true,
	atom.Video: true, atom.Audio: true, atom.Object: true, atom.Embed: true, atom.Canvas: true,
	atom.Svg: true, atom.Math: true, atom.Noscript: true, atom.Script: true, atom.Style: true,
	atom.Template: true,
}

// dropped are elements whose content is not text for readers.
var dropped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Template: true, atom.Noscript: true, atom.Svg: true,
	atom.Math: true, atom.Canvas: true, atom.Button: true, atom.Input: true, atom.Select: true,
	atom.Textarea: true, atom.Head: true, atom.Title: true, atom.Meta: true, atom.Link: true,
}

func isBlock(n *html.Node) bool { return n.Type == html.ElementNode && blockElements[n.DataAtom] }

func children(n *html.Node) []*html.Node {
	var list []*html.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		list = append(list, c)
	}
	return list
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return strings.TrimSpace(a.Val)
		}
	}
	return ""
}

func elementIs(n *html.Node, a atom.Atom) bool {
	return n != nil && n.Type == html.ElementNode && n.DataAtom == a
}

// blocks writes nodes as Markdown blocks: runs of inline content become
// paragraphs, block elements their own blocks.
func (w *mdWriter) blocks(nodes []*html.Node) []string {
	var out []string
	var inline []*html.Node
	var prevList atom.Atom // the kind of list just written, if the last block is one
	flush := func() {
		if len(inline) > 0 {
			if ps := paragraphs(w.inlines(inline, inlineCtx{})); len(ps) > 0 {
				out = append(out, ps...)
				prevList = 0
			}
			inline = nil
		}
	}
	for _, n := range nodes {
		switch {
		case n.Type != html.ElementNode && n.Type != html.TextNode:
			// Comments, including WordPress's block delimiters and <!--more-->.
		case elementIs(n, atom.Cite) && elementIs(n.Parent, atom.Blockquote):
			flush()
			if t := strings.Join(paragraphs(w.inlines(children(n), inlineCtx{inLink: true})), " "); t != "" {
				out = append(out, "— "+t)
				prevList = 0
			}
		case isBlock(n):
			flush()
			if bs := w.block(n, n.DataAtom == prevList); len(bs) > 0 {
				out = append(out, bs...)
				prevList = 0
				if elementIs(n, atom.Ul) || elementIs(n, atom.Ol) {
					prevList = n.DataAtom
				}
			}
		case n.Type == html.TextNode && len(inline) == 0 && strings.TrimLeft(n.Data, " \t\n\r\f") == "":
			// Space between blocks.
		default:
			inline = append(inline, n)
		}
	}
	flush()
	return out
}

// block writes one block element. afterList says the block before was a
// list of the same kind, so a list here takes the other marker (two lists
// in a row would otherwise merge into one).
func (w *mdWriter) block(n *html.Node, afterList bool) []string {
	switch n.DataAtom {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		text := strings.Join(paragraphs(w.inlines(children(n), inlineCtx{inLink: true})), " ")
		if text == "" {
			return nil
		}
		// A closing run of # and a trailing {…} are heading syntax.
		text = strings.ReplaceAll(text, "{", `\{`)
		if trimmed := strings.TrimRight(text, "#"); len(trimmed) < len(text) {
			text = trimmed + `\` + text[len(trimmed):]
		}
		level := int(n.Data[1] - '0')
		return []string{strings.Repeat("#", level) + " " + text}
	case atom.Ul, atom.Ol:
		if l := w.list(n, afterList); l != "" {
			return []string{l}
		}
		return nil
	case atom.Blockquote:
		inner := w.blocks(children(n))
		if len(inner) == 0 {
			return nil
		}
		lines := strings.Split(strings.Join(inner, "\n\n"), "\n")
		for i, l := range lines {
			if l == "" {
				lines[i] = ">"
			} else {
				lines[i] = "> " + l
			}
		}
		return []string{strings.Join(lines, "\n")}
	case atom.Pre:
		text := strings.Trim(rawText(n), "\n")
		if strings.TrimSpace(text) == "" {
			return nil
		}
		fence := "```"
		for strings.Contains(text, fence) {
			fence += "`"
		}
		return []string{fence + "\n" + text + "\n" + fence}
	case atom.Table:
		if t := w.table(n); t != "" {
			return []string{t}
		}
		return nil
	case atom.Hr:
		return []string{"***"}
	case atom.Figure:
		return w.figure(n)
	case atom.Iframe, atom.Video, atom.Audio, atom.Embed, atom.Object:
		if l := w.mediaLink(n); l != "" {
			return []string{l}
		}
		return nil
	}
	if dropped[n.DataAtom] {
		return nil
	}
	return w.blocks(children(n))
}

// list writes a ul or ol; other marks the second of two lists in a row.
func (w *mdWriter) list(n *html.Node, other bool) string {
	ordered := n.DataAtom == atom.Ol
	start := 1
	if s, err := strconv.Atoi(attr(n, "start")); ordered && err == nil && s >= 0 && s < 1_000_000_000 {
		start = s
	}
	var items [][]string
	for _, c := range children(n) {
		switch {
		case elementIs(c, atom.Li):
			items = append(items, w.blocks(children(c)))
		case elementIs(c, atom.Ul) || elementIs(c, atom.Ol):
			// A list nested without its <li>, as old editors wrote it.
			if len(items) == 0 {
				items = append(items, nil)
			}
			if l := w.list(c, false); l != "" {
				items[len(items)-1] = append(items[len(items)-1], l)
			}
		case c.Type == html.ElementNode || c.Type == html.TextNode && strings.TrimSpace(c.Data) != "":
			if b := w.blocks([]*html.Node{c}); len(b) > 0 {
				items = append(items, b)
			}
		}
	}
	if len(items) == 0 {
		return ""
	}
	loose := false
	out := make([]string, len(items))
	for i, blocks := range items {
		var marker string
		switch {
		case ordered && other:
			marker = strconv.Itoa(start+i) + ")"
		case ordered:
			marker = strconv.Itoa(start+i) + "."
		case other:
			marker = "*"
		default:
			marker = "-"
		}
		var body strings.Builder
		for j, b := range blocks {
			if j > 0 {
				if listStart.MatchString(b) {
					body.WriteString("\n")
				} else {
					body.WriteString("\n\n")
					loose = true
				}
			}
			body.WriteString(b)
		}
		indent := strings.Repeat(" ", len(marker)+1)
		lines := strings.Split(body.String(), "\n")
		for j, l := range lines {
			switch {
			case j == 0 && l == "":
				lines[j] = marker
			case j == 0:
				lines[j] = marker + " " + l
			case l != "":
				lines[j] = indent + l
			}
		}
		out[i] = strings.Join(lines, "\n")
	}
	if loose {
		return strings.Join(out, "\n\n")
	}
	return strings.Join(out, "\n")
}

var listStart = regexp.MustCompile(`^(?:[-*] |\d+[.)] )`)

// table writes a GFM table; the first row is the header.
func (w *mdWriter) table(n *html.Node) string {
	var rows [][]string
	var caption string
	var walk func(*html.Node)
	walk = func(p *html.Node) {
		for _, c := range children(p) {
			switch {
			case elementIs(c, atom.Thead) || elementIs(c, atom.Tbody) || elementIs(c, atom.Tfoot):
				walk(c)
			case elementIs(c, atom.Caption):
				caption = strings.Join(paragraphs(w.inlines(children(c), inlineCtx{inLink: true})), " ")
			case elementIs(c, atom.Tr):
				var row []string
				for _, cell := range children(c) {
					if elementIs(cell, atom.Td) || elementIs(cell, atom.Th) {
						row = append(row, strings.Join(paragraphs(w.inlines(children(cell), inlineCtx{inLink: true})), " "))
					}
				}
				rows = append(rows, row)
			}
		}
	}
	walk(n)
	cols := 0
	for _, r := range rows {
		cols = max(cols, len(r))
	}
	if cols == 0 {
		return caption
	}
	var b strings.Builder
	line := func(cells []string) {
		b.WriteString("|")
		for i := range cols {
			cell := ""
			if i < len(cells) {
				cell = cells[i]
			}
			b.WriteString(" " + cell + " |")
		}
		b.WriteString("\n")
	}
	line(rows[0])
	line(slicesRepeat("---", cols))
	for _, r := range rows[1:] {
		line(r)
	}
	out := strings.TrimSuffix(b.String(), "\n")
	if caption != "" {
		out += "\n\n" + caption
	}
	return out
}

func slicesRepeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

// figure writes a figure: one image with its caption becomes an image
// alone in a paragraph, which Qalam renders as a figure with the caption;
// several images become one such paragraph each; anything else (a table,
// an embed) is written as it is, with the caption after it.
func (w *mdWriter) figure(n *html.Node) []string {
	caption := ""
	var rest []*html.Node
	for _, c := range children(n) {
		if elementIs(c, atom.Figcaption) {
			caption = plainTextOf(c)
		} else {
			rest = append(rest, c)
		}
	}
	var imgs []*html.Node
	other := false
	var scan func(*html.Node)
	scan = func(p *html.Node) {
		switch {
		case elementIs(p, atom.Img):
			imgs = append(imgs, p)
		case elementIs(p, atom.Table) || elementIs(p, atom.Iframe) || elementIs(p, atom.Video) || elementIs(p, atom.Audio):
			other = true
		case p.Type == html.TextNode && strings.TrimSpace(p.Data) != "" && !elementIs(p.Parent, atom.Figcaption):
			other = true
		}
		for c := p.FirstChild; c != nil; c = c.NextSibling {
			scan(c)
		}
	}
	for _, c := range rest {
		scan(c)
	}
	if len(imgs) > 0 && !other {
		var out []string
		for _, img := range imgs {
			own := caption
			if len(imgs) > 1 {
				own = nearestCaption(img, n)
			}
			if md := w.image(img, own); md != "" {
				out = append(out, md)
			}
		}
		if len(imgs) > 1 && caption != "" {
			out = append(out, escapeLineStart(escapeText(caption, inlineCtx{inLink: true})))
		}
		return out
	}
	out := w.blocks(rest)
	if caption != "" {
		out = append(out, escapeLineStart(escapeText(caption, inlineCtx{inLink: true})))
	}
	return out
}

// nearestCaption is the caption of the innermost figure holding img, short
// of outer.
func nearestCaption(img, outer *html.Node) string {
	for p := img.Parent; p != nil && p != outer; p = p.Parent {
		if elementIs(p, atom.Figure) {
			for _, c := range children(p) {
				if elementIs(c, atom.Figcaption) {
					return plainTextOf(c)
				}
			}
		}
	}
	return ""
}

// mediaLink writes an embedded player or frame as a link to what it
// plays: Qalam does not run other sites' players in its pages.
func (w *mdWriter) mediaLink(n *html.Node) string {
	src := cmpOr(attr(n, "src"), attr(n, "data"))
	for c := n.FirstChild; c != nil && src == ""; c = c.NextSibling {
		if elementIs(c, atom.Source) {
			src = attr(c, "src")
		}
	}
	if src == "" || !allowedLink(src) {
		return ""
	}
	dest := w.rewrite(src)
	label := attr(n, "title")
	switch {
	case label != "":
	case n.DataAtom == atom.Video:
		label = "Video: " + lastSegment(dest)
	case n.DataAtom == atom.Audio:
		label = "Audio: " + lastSegment(dest)
	default:
		label = dest
	}
	return "[" + escapeText(label, inlineCtx{inLink: true}) + "](" + mdDest(dest) + ")"
}

func lastSegment(u string) string {
	u = strings.SplitN(u, "?", 2)[0]
	if i := strings.LastIndexByte(strings.TrimRight(u, "/"), '/'); i >= 0 {
		return strings.TrimRight(u, "/")[i+1:]
	}
	return u
}

// paragraphs turns inline Markdown, in which "\n" marks a line break,
// into paragraphs: two breaks in a row (or a break at an edge) end a
// paragraph, a single one is a hard break. Each line is escaped where its
// start would read as block syntax.
func paragraphs(text string) []string {
	var out, lines []string
	emit := func() {
		if len(lines) > 0 {
			out = append(out, strings.Join(lines, "\\\n"))
			lines = nil
		}
	}
	for _, raw := range strings.Split(text, "\n") {
		line := collapseSpace(raw)
		if line == "" {
			emit()
			continue
		}
		lines = append(lines, escapeLineStart(line))
	}
	emit()
	return out
}

var blockSyntax = regexp.MustCompile(`^(?:[#>+=-]|\d{1,9}[.)])`)

// escapeLineStart escapes what would make a line a heading, quote, list
// item, thematic break or setext underline.
func escapeLineStart(line string) string {
	loc := blockSyntax.FindStringIndex(line)
	if loc == nil {
		return line
	}
	at := loc[1] - 1
	return line[:at] + `\` + line[at:]
}

func (w *mdWriter) inlines(nodes []*html.Node, ctx inlineCtx) string {
	var b strings.Builder
	for _, n := range nodes {
		w.inline(&b, n, ctx)
	}
	return b.String()
}

func (w *mdWriter) inline(b *strings.Builder, n *html.Node, ctx inlineCtx) {
	switch n.Type {
	case html.TextNode:
		b.WriteString(escapeText(collapseInner(n.Data), ctx))
		return
	case html.ElementNode:
	default:
		return
	}
	switch n.DataAtom {
	case atom.Br:
		if ctx.inLink {
			b.WriteByte(' ')
		} else {
			b.WriteByte('\n')
		}
	case atom.Strong, atom.B:
		b.WriteString(wrap("**", w.inlines(children(n), ctx)))
	case atom.Em, atom.I, atom.Cite, atom.Dfn, atom.Var:
		b.WriteString(wrap("*", w.inlines(children(n), ctx)))
	case atom.Del, atom.S, atom.Strike:
		b.WriteString(wrap("~~", w.inlines(children(n), ctx)))
	case atom.Code, atom.Kbd, atom.Samp, atom.Tt:
		b.WriteString(codeSpan(collapseSpace(rawText(n))))
	case atom.A:
		b.WriteString(w.link(n, ctx))
	case atom.Img:
		b.WriteString(w.image(n, attr(n, "title")))
	case atom.Iframe, atom.Video, atom.Audio, atom.Embed, atom.Object:
		if !ctx.inLink {
			b.WriteString(w.mediaLink(n))
		}
	default:
		if dropped[n.DataAtom] {
			return
		}
		if isBlock(n) {
			b.WriteString(" " + w.inlines(children(n), ctx) + " ")
			return
		}
		b.WriteString(w.inlines(children(n), ctx))
	}
}

// collapseInner collapses ASCII whitespace to single spaces without
// trimming: the spaces at a text's edges separate it from its neighbours.
func collapseInner(s string) string {
	var b strings.Builder
	space := false
	for i := 0; i < len(s); i++ {
		if asciiSpace(s[i]) {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteByte(s[i])
	}
	return b.String()
}

// wrap puts an emphasis mark around inner, keeping its edge spaces and
// breaks outside (CommonMark ignores "** a **").
func wrap(mark, inner string) string {
	t := strings.Trim(inner, " \n")
	if t == "" {
		return inner
	}
	lead := inner[:strings.Index(inner, t)]
	trail := inner[len(lead)+len(t):]
	return lead + mark + t + mark + trail
}

// codeSpan writes text as inline code, with a fence longer than any run of
// backticks inside it.
func codeSpan(text string) string {
	if text == "" {
		return ""
	}
	longest, run := 0, 0
	for _, r := range text {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if strings.HasPrefix(text, "`") || strings.HasSuffix(text, "`") || strings.HasPrefix(text, " ") && strings.HasSuffix(text, " ") {
		text = " " + text + " "
	}
	return fence + text + fence
}

func (w *mdWriter) link(n *html.Node, ctx inlineCtx) string {
	inner := w.inlines(children(n), inlineCtx{inLink: true})
	href := attr(n, "href")
	if ctx.inLink || href == "" || !allowedLink(href) {
		return inner
	}
	if strings.TrimSpace(inner) == "" {
		return inner
	}
	lead := inner[:len(inner)-len(strings.TrimLeft(inner, " "))]
	trail := inner[len(strings.TrimRight(inner, " ")):]
	return lead + "[" + strings.Trim(inner, " ") + "](" + mdDest(w.rewrite(href)) + mdTitle(attr(n, "title")) + ")" + trail
}

// image writes an image; title becomes its caption when it stands alone.
func (w *mdWriter) image(n *html.Node, title string) string {
	src := attr(n, "src")
	if src == "" || !allowedLink(src) || strings.HasPrefix(src, "#") {
		return ""
	}
	alt := collapseSpace(attr(n, "alt"))
	return "![" + escapeText(alt, inlineCtx{inLink: true}) + "](" + mdDest(w.rewrite(src)) + mdTitle(collapseSpace(title)) + ")"
}

// allowedLink reports an address the article policy keeps: http, https,
// mailto or relative.
func allowedLink(s string) bool {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "", "http", "https", "mailto":
		return true
	}
	return false
}

// mdDest writes a link destination, in angle brackets when it holds
// characters a bare destination cannot.
func mdDest(u string) string {
	if u == "" {
		return "<>"
	}
	if !strings.ContainsAny(u, " ()<>\\\t\n\r") {
		return u
	}
	r := strings.NewReplacer("<", "%3C", ">", "%3E", "\\", "%5C", "\n", "", "\r", "", "\t", "%09", " ", "%20")
	return "<" + r.Replace(u) + ">"
}

func mdTitle(t string) string {
	if t == "" {
		return ""
	}
	t = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", " ").Replace(t)
	t = entityLike.ReplaceAllString(t, `\$0`)
	return ` "` + t + `"`
}

var (
	entityLike = regexp.MustCompile(`&(?:#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,8}|[A-Za-z][A-Za-z0-9]{1,31});`)
	bareURL    = regexp.MustCompile(`^(?i:https?)://[^\s<>"'\x60]+`)
)

// escapeText escapes text so that Markdown renders it as itself. A web
// address in running text becomes an autolink, which is what Qalam's
// renderer makes of addresses anyway, and which keeps its characters out
// of reach of emphasis and escapes.
func escapeText(s string, ctx inlineCtx) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	for i := 0; i < len(s); {
		c := s[i]
		if !ctx.inLink && (c == 'h' || c == 'H') && (i == 0 || !isWordByte(s[i-1])) {
			if u := trimURLEnd(bareURL.FindString(s[i:])); len(u) > len("https://") {
				b.WriteString("<" + u + ">")
				i += len(u)
				continue
			}
		}
		switch c {
		case '\\', '`', '*', '_', '[', ']', '<', '~', '|':
			b.WriteByte('\\')
		case '&':
			if entityLike.MatchString(s[i:]) {
				b.WriteByte('\\')
			}
		}
		b.WriteByte(c)
		i++
	}
	return b.String()
}

func isWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '/' || c == '@'
}

// trimURLEnd drops the punctuation that ends a sentence rather than the
// address, and a closing parenthesis that has no opening one.
func trimURLEnd(u string) string {
	for len(u) > 0 {
		last := u[len(u)-1]
		switch {
		case strings.IndexByte(".,;:!?*_~", last) >= 0:
			u = u[:len(u)-1]
		case last == ')' && strings.Count(u, "(") < strings.Count(u, ")"):
			u = u[:len(u)-1]
		default:
			return u
		}
	}
	return u
}

// rawText is the text of n as written, line breaks included (for code).
func rawText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(p *html.Node) {
		switch {
		case p.Type == html.TextNode:
			b.WriteString(p.Data)
		case elementIs(p, atom.Br):
			b.WriteByte('\n')
		}
		for c := p.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// textContent writes the text of n for a plain-text field, with a space
// where elements end so words do not run together.
func textContent(b *strings.Builder, n *html.Node) {
	if n.Type == html.ElementNode && dropped[n.DataAtom] {
		return
	}
	if n.Type == html.TextNode {
		b.WriteString(n.Data)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		textContent(b, c)
	}
	if isBlock(n) || elementIs(n, atom.Br) {
		b.WriteByte(' ')
	}
}

func plainTextOf(n *html.Node) string {
	var b strings.Builder
	textContent(&b, n)
	return collapseSpace(b.String())
}
