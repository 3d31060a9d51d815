package markup

import (
	"regexp"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// rel values set on links by the transformers. The policies allow exactly these values and nothing else,
// so an attacker cannot smuggle a rel of their own, and bluemonday's own additions find them already present.
const (
	articleRel = "noopener noreferrer"
	commentRel = "nofollow ugc noopener noreferrer"
)

// goldmark's linkify patterns with the host written as "+" instead of "{1,256}": the same URLs in practice,
// but the bounded repetition compiles into a program hundreds of states long that Go's regexp runs about three
// times slower, and linkify was a fifth of the cost of rendering a comment.
var (
	linkifyURL = regexp.MustCompile(`^(?:http|https|ftp)://[-a-zA-Z0-9@:%._\+~#=]+\.[a-z]+(?::\d+)?(?:[/#?][-a-zA-Z0-9@:%_+.~#$!?&/=\(\);,'">\^{}\[\]` + "`" + `]*)?`)
	linkifyWWW = regexp.MustCompile(`^www\.[-a-zA-Z0-9@:%._\+~#=]+\.[a-z]+(?:[/#?][-a-zA-Z0-9@:%_\+.~#!?&/=\(\);,'">\^{}\[\]` + "`" + `]*)?`)
)

// newArticleMarkdown configures goldmark for editors: CommonMark plus tables, strikethrough, bare-URL links
// and footnotes. html.WithUnsafe is deliberately absent, so raw HTML in the source is omitted.
func newArticleMarkdown() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(
			// align= rather than the default style=, because the policy allows no style attributes.
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
			extension.Strikethrough,
			extension.NewLinkify(
				extension.WithLinkifyAllowedProtocols([]string{"http:", "https:"}),
				extension.WithLinkifyURLRegexp(linkifyURL),
				extension.WithLinkifyWWWRegexp(linkifyWWW),
			),
			extension.NewFootnote(),
		),
		goldmark.WithParserOptions(
			// {dir=rtl} after a heading is how an editor marks a heading's direction in mixed-script copy.
			parser.WithAttribute(),
			parser.WithASTTransformers(util.Prioritized(articleTransformer{}, 100)),
		),
		goldmark.WithRendererOptions(
			renderer.WithNodeRenderers(util.Prioritized(figureRenderer{}, 500)),
		),
	)
}

// newCommentMarkdown configures goldmark for readers. Rather than render constructs the comment policy would
// then strip, it leaves out their parsers: without the heading and thematic-break parsers "# 1" and "---" stay
// as the reader typed them, and without the raw-HTML parsers "<b>" shows as text instead of vanishing.
func newCommentMarkdown() goldmark.Markdown {
	p := parser.NewParser(
		parser.WithBlockParsers(
			util.Prioritized(parser.NewListParser(), 300),
			util.Prioritized(parser.NewListItemParser(), 400),
			util.Prioritized(parser.NewCodeBlockParser(), 500),
			util.Prioritized(parser.NewFencedCodeBlockParser(), 700),
			util.Prioritized(parser.NewBlockquoteParser(), 800),
			util.Prioritized(parser.NewParagraphParser(), 1000),
		),
		parser.WithInlineParsers(
			util.Prioritized(parser.NewCodeSpanParser(), 100),
			util.Prioritized(parser.NewLinkParser(), 200),
			util.Prioritized(parser.NewAutoLinkParser(), 300),
			util.Prioritized(parser.NewEmphasisParser(), 500),
		),
		parser.WithParagraphTransformers(parser.DefaultParagraphTransformers()...),
		parser.WithASTTransformers(util.Prioritized(commentTransformer{}, 100)),
	)
	return goldmark.New(
		goldmark.WithParser(p),
		goldmark.WithExtensions(
			extension.NewLinkify(
				extension.WithLinkifyAllowedProtocols([]string{"http:", "https:"}),
				extension.WithLinkifyURLRegexp(linkifyURL),
				extension.WithLinkifyWWWRegexp(linkifyWWW),
			),
		),
		// Readers type line breaks and expect to see them.
		goldmark.WithRendererOptions(html.WithHardWraps()),
	)
}

// articleTransformer demotes h1 (the page owns the article title's h1), unwraps links and images whose URL the
// policy would strip (so no empty <a> or broken <img> is left behind), turns a paragraph holding only an image
// into a figure, and marks links that leave the site with articleRel.
type articleTransformer struct{}

func (articleTransformer) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	source := reader.Source()
	var unwanted []ast.Node
	var lone []*ast.Paragraph
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			n.Level = max(n.Level, 2)
		case *ast.Link:
			switch url := linkURL(n.Destination); {
			case !articleLink(url):
				unwanted = append(unwanted, n)
			case offsite(url):
				n.SetAttributeString("rel", articleRel)
			}
		case *ast.AutoLink:
			if n.AutoLinkType == ast.AutoLinkURL && offsite(autoURL(n, source)) {
				n.SetAttributeString("rel", articleRel)
			}
		case *ast.Image:
			if !articleImage(linkURL(n.Destination)) {
				unwanted = append(unwanted, n)
			}
		case *ast.Paragraph:
			if img, ok := n.FirstChild().(*ast.Image); ok && n.ChildCount() == 1 && articleImage(linkURL(img.Destination)) {
				lone = append(lone, n)
			}
		}
		return ast.WalkContinue, nil
	})
	// Mutate after walking: replacing nodes mid-walk would confuse the walker.
	for _, n := range unwanted {
		unwrap(n)
	}
	for _, p := range lone {
		img := p.FirstChild().(*ast.Image)
		f := &figure{caption: img.Title}
		img.Title = nil // the title becomes the caption; repeating it as a tooltip adds nothing
		f.AppendChild(f, img)
		p.Parent().ReplaceChild(p.Parent(), p, f)
	}
}

// commentTransformer turns images into links, so a comment cannot make every reader's browser fetch a URL
// (tracking pixels), unwraps links the policy would strip, and marks the rest with commentRel.
type commentTransformer struct{}

func (commentTransformer) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	source := reader.Source()
	var unwanted []ast.Node
	var images []*ast.Image
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Link:
			if commentLink(linkURL(n.Destination)) {
				n.SetAttributeString("rel", commentRel)
			} else {
				unwanted = append(unwanted, n)
			}
		case *ast.AutoLink:
			// Linkify and <…> autolinks; e-mail autolinks are rendered as mailto:. Others are left for the
			// policy to strip: an autolink has no children to unwrap into.
			if n.AutoLinkType == ast.AutoLinkEmail || commentLink(autoURL(n, source)) {
				n.SetAttributeString("rel", commentRel)
			}
		case *ast.Image:
			// Inside a link the image cannot become a link of its own (anchors do not nest); its alt text stays.
			if commentLink(linkURL(n.Destination)) && !insideLink(n) {
				images = append(images, n)
			} else {
				unwanted = append(unwanted, n)
			}
		}
		return ast.WalkContinue, nil
	})
	for _, n := range unwanted {
		unwrap(n)
	}
	for _, img := range images {
		link := ast.NewLink()
		link.Destination = img.Destination
		link.SetAttributeString("rel", commentRel)
		for c := img.FirstChild(); c != nil; {
			next := c.NextSibling()
			link.AppendChild(link, c)
			c = next
		}
		if !link.HasChildren() {
			// An image without alt text would become an invisible link; show where it points instead.
			link.AppendChild(link, ast.NewString(img.Destination))
		}
		img.Parent().ReplaceChild(img.Parent(), img, link)
	}
}

func insideLink(n ast.Node) bool {
	for p := n.Parent(); p != nil; p = p.Parent() {
		if _, ok := p.(*ast.Link); ok {
			return true
		}
	}
	return false
}

// unwrap replaces n by its children: the text of a link or the alt text of an image stays, the element goes.
func unwrap(n ast.Node) {
	parent := n.Parent()
	if parent == nil {
		return
	}
	for c := n.FirstChild(); c != nil; {
		next := c.NextSibling()
		parent.InsertBefore(parent, n, c)
		c = next
	}
	parent.RemoveChild(parent, n)
}

// scheme returns the lower-cased scheme of a URL as goldmark will emit it and a browser will read it, or ""
// for a relative reference. Browsers ignore leading controls and spaces, and tabs and newlines anywhere.
func scheme(url string) string {
	d := strings.TrimLeftFunc(url, isC0OrSpace)
	i := strings.IndexAny(d, ":/?#\\")
	if i <= 0 || d[i] != ':' {
		return ""
	}
	return strings.ToLower(strings.Map(dropTabNewline, d[:i]))
}

// offsite reports whether an article link leaves the site: absolute http(s), or scheme-relative ("//host",
// and "/\host", which browsers read the same way). The site's own host is not known here, so every
// absolute http(s) link counts as another host's.
func offsite(url string) bool {
	switch scheme(url) {
	case "http", "https":
		return true
	case "":
		d := strings.Map(dropTabNewline, strings.TrimLeftFunc(url, isC0OrSpace))
		return len(d) >= 2 && (d[0] == '/' || d[0] == '\\') && (d[1] == '/' || d[1] == '\\')
	}
	return false
}

func isC0OrSpace(r rune) bool { return r <= ' ' }

func dropTabNewline(r rune) rune {
	if r == '\t' || r == '\n' || r == '\r' {
		return -1
	}
	return r
}

// linkURL is a Markdown link destination with entities and backslash escapes resolved, as the renderer emits it.
func linkURL(dest []byte) string { return string(util.URLEscape(dest, true)) }

// autoURL is an autolink's URL as the renderer emits it (CommonMark resolves nothing inside autolinks).
func autoURL(n *ast.AutoLink, source []byte) string {
	return string(util.URLEscape(n.URL(source), false))
}

// articleLink, articleImage and commentLink mirror the policies' URL rules, so links are unwrapped or marked
// here rather than left for bluemonday to strip into an empty element. The policies still decide.
func articleLink(url string) bool {
	switch scheme(url) {
	case "http", "https", "mailto":
		return true
	case "":
		return strings.TrimSpace(url) != ""
	}
	return false
}

func articleImage(url string) bool {
	switch scheme(url) {
	case "http", "https":
		return true
	case "":
		return strings.TrimSpace(url) != ""
	}
	return false
}

func commentLink(url string) bool {
	switch scheme(url) {
	case "http", "https", "mailto":
		return true
	}
	return false
}

// kindFigure is a block holding one image, with the image's title as its caption.
var kindFigure = ast.NewNodeKind("Figure")

type figure struct {
	ast.BaseBlock
	caption []byte
}

func (*figure) Kind() ast.NodeKind { return kindFigure }

func (f *figure) Dump(source []byte, level int) {
	ast.DumpHelper(f, source, level, map[string]string{"Caption": string(f.caption)}, nil)
}

type figureRenderer struct{}

func (figureRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindFigure, renderFigure)
}

func renderFigure(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		_, _ = w.WriteString("<figure>")
		return ast.WalkContinue, nil
	}
	if c := n.(*figure).caption; len(c) > 0 {
		_, _ = w.WriteString("<figcaption>")
		// The same writer goldmark uses for titles: resolves entities and escapes, exactly like title="…".
		html.DefaultWriter.Write(w, c)
		_, _ = w.WriteString("</figcaption>")
	}
	_, _ = w.WriteString("</figure>\n")
	return ast.WalkContinue, nil
}
