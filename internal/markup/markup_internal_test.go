package markup

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// This file is inside the package because the fuzzers check that sanitising is idempotent with the very
// policies Article and Comment use, and those are not exported. The HTML checker is shared with the
// external tests through ArticleProblems and CommentProblems, which exist only while testing.

// htmlRules says what a rendering may contain.
type htmlRules struct {
	schemes       []string // URL schemes allowed in href and src
	imageSchemes  []string // URL schemes allowed in img src; nil means no <img> at all
	relativeLinks bool     // whether scheme-less URLs are allowed
}

var (
	articleRules = htmlRules{
		schemes:       []string{"http", "https", "mailto"},
		imageSchemes:  []string{"http", "https"},
		relativeLinks: true,
	}
	commentRules = htmlRules{schemes: []string{"http", "https", "mailto"}}
)

// ArticleProblems and CommentProblems parse rendered HTML and list everything in it that the respective
// policy must never let through. Test-only.
func ArticleProblems(rendered string) []string { return htmlProblems(rendered, articleRules) }
func CommentProblems(rendered string) []string { return htmlProblems(rendered, commentRules) }

// Elements that can run script, load documents or restyle the page, whatever their attributes.
var forbiddenElements = []string{
	"script", "iframe", "frame", "frameset", "svg", "math", "style", "object", "embed", "applet",
	"form", "input", "button", "textarea", "select", "link", "meta", "base", "noscript", "template", "video", "audio",
}

// Attributes whose value is a URL the browser will load or navigate to.
var urlAttributes = []string{"href", "src", "action", "formaction", "cite", "data", "poster", "background", "xlink:href", "srcset"}

func htmlProblems(rendered string, rules htmlRules) []string {
	var problems []string
	if !utf8.ValidString(rendered) {
		problems = append(problems, "output is not valid UTF-8")
	}
	// Belt and braces for the parse below: a literal "<script" can only be markup, escaped text is "&lt;".
	if strings.Contains(strings.ToLower(rendered), "<script") {
		problems = append(problems, "output contains <script")
	}
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(rendered), body)
	if err != nil {
		return append(problems, "unparseable: "+err.Error())
	}
	var visit func(*html.Node)
	visit = func(n *html.Node) {
		if n.Type == html.ElementNode {
			problems = append(problems, elementProblems(n, rules)...)
		}
		if n.Type == html.CommentNode {
			problems = append(problems, "HTML comment present")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
	}
	for _, n := range nodes {
		visit(n)
	}
	return problems
}

func elementProblems(n *html.Node, rules htmlRules) []string {
	var problems []string
	if slices.Contains(forbiddenElements, n.Data) {
		problems = append(problems, "<"+n.Data+"> element present")
	}
	if n.Data == "img" && rules.imageSchemes == nil {
		problems = append(problems, "<img> element present")
	}
	for _, a := range n.Attr {
		key := strings.ToLower(a.Key)
		switch {
		case strings.HasPrefix(key, "on"):
			problems = append(problems, "event handler attribute "+a.Key+" on <"+n.Data+">")
		case key == "style" || key == "target" || key == "srcdoc":
			problems = append(problems, a.Key+" attribute on <"+n.Data+">")
		case slices.Contains(urlAttributes, key):
			allowed := rules.schemes
			if n.Data == "img" {
				allowed = rules.imageSchemes
			}
			s, hasScheme := browserScheme(a.Val)
			switch {
			case hasScheme && !slices.Contains(allowed, s):
				problems = append(problems, a.Key+" with scheme "+s+": on <"+n.Data+">")
			case !hasScheme && !rules.relativeLinks:
				problems = append(problems, "relative "+a.Key+" on <"+n.Data+">")
			}
			if strings.Contains(squeeze(a.Val), "javascript:") {
				problems = append(problems, "javascript: in "+a.Key+" on <"+n.Data+">")
			}
		}
	}
	return problems
}

// browserScheme reads a URL's scheme the way a browser does: leading controls and spaces ignored, tabs and
// newlines removed anywhere. Written independently of the package's own helper on purpose.
func browserScheme(v string) (string, bool) {
	v = squeeze(v)
	i := strings.IndexAny(v, ":/?#\\")
	if i > 0 && v[i] == ':' {
		return v[:i], true
	}
	return "", false
}

// squeeze lower-cases v and drops everything at or below U+0020, which browsers ignore in URLs' schemes.
func squeeze(v string) string {
	return strings.Map(func(r rune) rune {
		if r <= ' ' {
			return -1
		}
		return r
	}, strings.ToLower(v))
}

// fuzzSeeds are shared by both fuzzers: known XSS shapes, Markdown edge cases and Urdu text.
var fuzzSeeds = []string{
	"",
	"plain text",
	"<script>alert(1)</script>",
	"<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
	"[x](javascript:alert(1))",
	"[x](JaVaScRiPt:alert(1))",
	"[x](&#106;avascript:alert(1))",
	"[x](&#x6A;avascript&colon;alert(1))",
	"[x](java\\\nscript:alert(1))",
	"[x]( javascript:alert(1))",
	"[x](<javascript:alert(1)>)",
	"[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
	"[x](vbscript:msgbox(1))",
	"<javascript:alert(1)>",
	"<img src=x onerror=alert(1)>",
	"![x](javascript:alert(1))",
	"![x](https://tracker.example/p.gif \"t\")",
	"<svg onload=alert(1)>",
	"<iframe src=https://evil.example></iframe>",
	"<style>body{display:none}</style>",
	"<!-- <script>alert(1)</script> -->",
	"[x](https://example.com \"a\\\" onmouseover=\\\"alert(1)\")",
	"[x][r]\n\n[r]: javascript:alert(1) \"t\"",
	"## h {onclick=alert(1) dir=rtl style=color:red}",
	"<a href=\"javascript:alert(1)\">x</a>",
	"`<script>` and ```\n<script>\n```",
	"| a | b |\n|---|:-:|\n| <img src=x> | [y](javascript:z) |",
	"Footnote[^1]\n\n[^1]: <script>x</script>",
	"www.example.com/a?b=<c> https://example.com/\"onclick=x",
	"یہ ایک\u200cتجربہ ہے\u200f۔ \u061cاردو\u200d متن\n\nدوسرا پیراگراف",
	"\u202eevil\u202c text",
	"a\x00b\xff\xfe",
	"> quote\n> > nested\n\n- a\n  - b\n\n1. x\n2. y",
}

func fuzzRendering(f *testing.F, render func(string) string, policy *bluemonday.Policy, rules htmlRules) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		got := render(src)
		for _, p := range htmlProblems(got, rules) {
			t.Errorf("%s\ninput:  %q\noutput: %q", p, src, got)
		}
		if again := policy.Sanitize(got); again != got {
			t.Errorf("sanitising is not idempotent\ninput:  %q\nonce:   %q\ntwice:  %q", src, got, again)
		}
	})
}

func FuzzArticle(f *testing.F) { fuzzRendering(f, Article, articlePolicy, articleRules) }

func FuzzComment(f *testing.F) { fuzzRendering(f, Comment, commentPolicy, commentRules) }

// The checker must catch what it is there to catch, or every test that relies on it passes vacuously.
func TestHTMLProblems(t *testing.T) {
	tests := []struct {
		name     string
		rendered string
		rules    htmlRules
	}{
		{"script element is caught", `<p>x</p><script>alert(1)</script>`, articleRules},
		{"script in svg is caught", `<svg><script>alert(1)</script></svg>`, articleRules},
		{"event handler is caught", `<p onclick="alert(1)">x</p>`, articleRules},
		{"upper-case event handler is caught", `<p ONMOUSEOVER="alert(1)">x</p>`, articleRules},
		{"javascript href is caught", `<a href="javascript:alert(1)">x</a>`, articleRules},
		{"obfuscated javascript href is caught", "<a href=\" JaVa&#9;Script&colon;alert(1)\">x</a>", articleRules},
		{"data src is caught", `<img src="data:image/png;base64,AAAA">`, articleRules},
		{"mailto image is caught", `<img src="mailto:a@example.com">`, articleRules},
		{"iframe is caught", `<iframe src="https://example.com"></iframe>`, articleRules},
		{"style element is caught", `<style>p{}</style>`, articleRules},
		{"target is caught", `<a href="https://example.com" target="_blank">x</a>`, articleRules},
		{"image in a comment is caught", `<img src="https://example.com/p.gif">`, commentRules},
		{"relative link in a comment is caught", `<a href="/admin">x</a>`, commentRules},
		{"HTML comment is caught", `<!-- x -->`, commentRules},
		{"invalid UTF-8 is caught", "<p>\xff</p>", commentRules},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := htmlProblems(tt.rendered, tt.rules); len(got) == 0 {
				t.Errorf("htmlProblems(%q) found nothing", tt.rendered)
			}
		})
	}
	t.Run("safe rendering passes", func(t *testing.T) {
		rendered := `<p dir="rtl"><a href="https://example.com" rel="nofollow ugc noopener noreferrer">x</a> ` +
			`<a href="mailto:a@example.com">m</a> &lt;script&gt;</p>`
		if got := htmlProblems(rendered, commentRules); len(got) != 0 {
			t.Errorf("htmlProblems = %q, want none", got)
		}
	})
}
