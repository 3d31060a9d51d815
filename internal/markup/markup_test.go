package markup_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/qalamnews/qalam/internal/markup"
)

// parse parses rendered HTML as the content of a <body>, the way a page will.
func parse(t *testing.T, rendered string) *html.Node {
	t.Helper()
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(rendered), body)
	if err != nil {
		t.Fatalf("parse %q: %v", rendered, err)
	}
	for _, n := range nodes {
		body.AppendChild(n)
	}
	return body
}

// elements returns every element named name under n, in document order.
func elements(n *html.Node, name string) []*html.Node {
	var found []*html.Node
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && d.Data == name {
			found = append(found, d)
		}
	}
	return found
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// text is the concatenated text content under n.
func text(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}

func TestXSSVectors(t *testing.T) {
	tests := []struct {
		name string
		src  string
	}{
		{"script element is dropped", `<script>alert(1)</script>`},
		{"script element inside a paragraph is dropped", `hello <script>alert(1)</script> world`},
		{"javascript link is unlinked", `[x](javascript:alert(1))`},
		{"mixed-case javascript link is unlinked", `[x](JaVaScRiPt:alert(1))`},
		{"upper-case javascript link is unlinked", `[x](JAVASCRIPT:alert(1))`},
		{"entity-encoded javascript link is unlinked", `[x](&#106;avascript:alert(1))`},
		{"hex-entity javascript link is unlinked", `[x](&#x6A;avascript&#58;alert(1))`},
		{"named-entity colon javascript link is unlinked", `[x](javascript&colon;alert(1))`},
		{"javascript link with leading space is unlinked", `[x]( javascript:alert(1))`},
		{"javascript link in angle brackets is unlinked", `[x](<java script:alert(1)>)`},
		{"javascript link with tab is unlinked", "[x](<java\tscript:alert(1)>)"},
		{"percent-encoded javascript link stays harmless", `[x](javascript%3Aalert(1))`},
		{"javascript reference link is unlinked", "[x][r]\n\n[r]: javascript:alert(1)"},
		{"javascript autolink is unlinked", `<javascript:alert(1)>`},
		{"mixed-case javascript autolink is unlinked", `<JavaScript:alert(1)>`},
		{"data link is unlinked", `[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`},
		{"data image is dropped", `![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)`},
		{"vbscript link is unlinked", `[x](vbscript:msgbox(1))`},
		{"file link is unlinked", `[x](file:///etc/passwd)`},
		{"img with onerror is dropped", `<img src=x onerror=alert(1)>`},
		{"javascript image is dropped", `![x](javascript:alert(1))`},
		{"event handler on raw anchor is dropped", `<a href="https://example.com" onclick="alert(1)">x</a>`},
		{"event handler on raw paragraph is dropped", `<p onmouseover="alert(1)">x</p>`},
		{"event handler in heading attributes is dropped", `## h {onclick="alert(1)" style="color:red"}`},
		{"svg is dropped", `<svg onload=alert(1)><circle r=1 /></svg>`},
		{"svg block is dropped", "<svg>\n<script>alert(1)</script>\n</svg>"},
		{"iframe is dropped", `<iframe src="https://evil.example"></iframe>`},
		{"style element is dropped", `<style>body{display:none}</style>`},
		{"style attribute is dropped", `<p style="position:fixed;top:0">x</p>`},
		{"HTML comment is dropped", `<!-- <script>alert(1)</script> -->`},
		{"conditional comment is dropped", `<!--[if IE]><script>alert(1)</script><![endif]-->`},
		{"title with quotes stays in the attribute", `[x](https://example.com "a\" onmouseover=\"alert(1)")`},
		{"title with single quotes stays in the attribute", `[x](https://example.com 'a'' onmouseover=''alert(1)')`},
		{"image title with quotes stays in the attribute", `![x](https://example.com/a.png "a\" onerror=\"alert(1)")`},
		{"linkified URL with quote stays in the attribute", `https://example.com/"onmouseover="alert(1)`},
		{"form is dropped", `<form action="https://evil.example"><input name=x><button>go</button></form>`},
		{"meta refresh is dropped", `<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`},
		{"object is dropped", `<object data="javascript:alert(1)"></object>`},
		{"target attribute is dropped", `<a href="https://example.com" target="_blank">x</a>`},
		{"link in table cell is checked", "| a |\n|---|\n| [y](javascript:alert(1)) |"},
		{"footnote body is checked", "x[^1]\n\n[^1]: [y](javascript:alert(1)) <script>alert(1)</script>"},
		{"code span keeps tags as text", "`<script>alert(1)</script>`"},
		{"fenced code keeps tags as text", "```html\n<script>alert(1)</script>\n```"},
		{"protocol-relative link to script is harmless", `[x](//evil.example/x.js)`},
		{"NUL inside scheme is harmless", "[x](java\x00script:alert(1))"},
	}
	renderers := []struct {
		name     string
		render   func(string) string
		problems func(string) []string
	}{
		{"article", markup.Article, markup.ArticleProblems},
		{"comment", markup.Comment, markup.CommentProblems},
	}
	for _, tt := range tests {
		for _, r := range renderers {
			t.Run(r.name+"/"+tt.name, func(t *testing.T) {
				got := r.render(tt.src)
				for _, p := range r.problems(got) {
					t.Errorf("%s\ninput:  %q\noutput: %q", p, tt.src, got)
				}
			})
		}
	}
}

func TestComment(t *testing.T) {
	t.Run("links carry nofollow and ugc", func(t *testing.T) {
		for _, src := range []string{
			"[site](https://example.com/a)",
			"<https://example.com/b>",
			"see https://example.com/c now",
			"see www.example.com/d",
			"write to reader@example.com",
			"[mail](mailto:reader@example.com)",
		} {
			doc := parse(t, markup.Comment(src))
			links := elements(doc, "a")
			if len(links) != 1 {
				t.Fatalf("Comment(%q) has %d links, want 1", src, len(links))
			}
			rel, _ := attr(links[0], "rel")
			got := strings.Fields(rel)
			for _, want := range []string{"nofollow", "ugc", "noopener", "noreferrer"} {
				if !slices.Contains(got, want) {
					t.Errorf("Comment(%q) rel = %q, want it to contain %q", src, rel, want)
				}
			}
		}
	})

	t.Run("relative links are unlinked", func(t *testing.T) {
		doc := parse(t, markup.Comment("[admin](/admin) and [x](#top)"))
		if got := len(elements(doc, "a")); got != 0 {
			t.Errorf("got %d links, want 0", got)
		}
		if got, want := strings.TrimSpace(text(doc)), "admin and x"; got != want {
			t.Errorf("text = %q, want %q", got, want)
		}
	})

	t.Run("urdu text with joiners and marks round-trips byte-exactly", func(t *testing.T) {
		// ZWNJ U+200C, ZWJ U+200D, RLM U+200F, ALM U+061C: orthographically required, never stripped.
		src := "\u200fمیں نے\u200cیہ خبر پڑھی\u200d، \u061c۲۰۲۶ میں\u200f! Qalam کا شکریہ۔"
		ps := elements(parse(t, markup.Comment(src)), "p")
		if len(ps) != 1 {
			t.Fatalf("got %d paragraphs, want 1", len(ps))
		}
		if got := text(ps[0]); got != src {
			t.Errorf("text = %q, want %q", got, src)
		}
	})

	t.Run("line breaks become br", func(t *testing.T) {
		doc := parse(t, markup.Comment("first line\nsecond line\nthird line"))
		ps := elements(doc, "p")
		if len(ps) != 1 {
			t.Fatalf("got %d paragraphs, want 1", len(ps))
		}
		if got, want := len(elements(ps[0], "br")), 2; got != want {
			t.Errorf("got %d <br>, want %d", got, want)
		}
	})

	t.Run("CRLF from a textarea becomes br", func(t *testing.T) {
		doc := parse(t, markup.Comment("first line\r\nsecond line\r\n"))
		if got, want := len(elements(doc, "br")), 1; got != want {
			t.Errorf("got %d <br>, want %d", got, want)
		}
		if strings.Contains(text(doc), "\r") {
			t.Errorf("text %q keeps a carriage return", text(doc))
		}
	})

	t.Run("blank lines become paragraphs", func(t *testing.T) {
		doc := parse(t, markup.Comment("one\n\ntwo\n\n\nthree"))
		var got []string
		for _, p := range elements(doc, "p") {
			got = append(got, text(p))
		}
		if want := []string{"one", "two", "three"}; !slices.Equal(got, want) {
			t.Errorf("paragraphs = %q, want %q", got, want)
		}
	})

	t.Run("raw HTML shows as text", func(t *testing.T) {
		src := `I <b>love</b> <img src=x> this`
		doc := parse(t, markup.Comment(src))
		if got := len(elements(doc, "b")) + len(elements(doc, "img")); got != 0 {
			t.Errorf("got %d elements from raw HTML, want 0", got)
		}
		if got := strings.TrimSpace(text(doc)); got != src {
			t.Errorf("text = %q, want %q", got, src)
		}
	})

	t.Run("images become links", func(t *testing.T) {
		doc := parse(t, markup.Comment("look ![the chart](https://example.com/chart.png) and ![](https://example.com/p.gif)"))
		if got := len(elements(doc, "img")); got != 0 {
			t.Errorf("got %d <img>, want 0", got)
		}
		var got []string
		for _, a := range elements(doc, "a") {
			href, _ := attr(a, "href")
			got = append(got, text(a)+" -> "+href)
		}
		want := []string{
			"the chart -> https://example.com/chart.png",
			"https://example.com/p.gif -> https://example.com/p.gif",
		}
		if !slices.Equal(got, want) {
			t.Errorf("links = %q, want %q", got, want)
		}
	})

	t.Run("a linked image becomes the link's text", func(t *testing.T) {
		doc := parse(t, markup.Comment("[![the chart](https://example.com/c.png)](https://example.com/story)"))
		links := elements(doc, "a")
		if len(links) != 1 {
			t.Fatalf("got %d links, want 1", len(links))
		}
		href, _ := attr(links[0], "href")
		if got, want := text(links[0])+" -> "+href, "the chart -> https://example.com/story"; got != want {
			t.Errorf("link = %q, want %q", got, want)
		}
	})

	t.Run("headings stay as typed", func(t *testing.T) {
		src := "# 1 point\n\nText\n---"
		doc := parse(t, markup.Comment(src))
		for _, h := range []string{"h1", "h2", "hr"} {
			if got := len(elements(doc, h)); got != 0 {
				t.Errorf("got %d <%s>, want 0", got, h)
			}
		}
		var got []string
		for _, p := range elements(doc, "p") {
			got = append(got, text(p))
		}
		if want := []string{"# 1 point", "Text\n---"}; !slices.Equal(got, want) {
			t.Errorf("paragraphs = %q, want %q", got, want)
		}
	})

	t.Run("tables are not rendered", func(t *testing.T) {
		doc := parse(t, markup.Comment("| a | b |\n|---|---|\n| 1 | 2 |"))
		if got := len(elements(doc, "table")); got != 0 {
			t.Errorf("got %d <table>, want 0", got)
		}
	})

	t.Run("emphasis, quotes, code and lists are kept", func(t *testing.T) {
		doc := parse(t, markup.Comment("> **bold** and *em*\n\n`code`\n\n```\npre\n```\n\n- a\n- b\n\n1. x\n2. y"))
		for _, name := range []string{"blockquote", "strong", "em", "code", "pre", "ul", "ol", "li"} {
			if len(elements(doc, name)) == 0 {
				t.Errorf("no <%s>", name)
			}
		}
	})

	t.Run("a 5000 character comment renders", func(t *testing.T) {
		src := longComment(5000)
		doc := parse(t, markup.Comment(src))
		if got, want := len(elements(doc, "p")), strings.Count(src, "\n\n")+1; got != want {
			t.Errorf("got %d paragraphs, want %d", got, want)
		}
		if got := len(elements(doc, "a")); got == 0 {
			t.Error("links were not rendered")
		}
		if !strings.Contains(text(doc), "ختم") {
			t.Error("the end of the comment is missing")
		}
	})
}

// longComment builds a comment of exactly n runes with markup every few words: Urdu and English, links, bare
// URLs, emphasis, code, quotes and paragraphs. It is the worst realistic case, not the typical one.
func longComment(n int) string {
	return fill(n, []string{
		"یہ خبر بہت اہم ہے\u200c اور ", "**the report** says ", "https://example.com/report?id=42 ",
		"کے مطابق ", "*prices rose* by 12%.\n", "[source](https://example.org/a) ", "پاکستان\u200fمیں ",
		"`code` ", "> quoted line\n", "\n\n",
	})
}

// proseComment builds a comment of exactly n runes that reads like a typical long comment: paragraphs of
// Urdu and English prose with the odd link and emphasis.
func proseComment(n int) string {
	return fill(n, []string{
		"میں نے یہ رپورٹ غور سے پڑھی ہے اور مجھے لگتا ہے کہ حکومت کو اس مسئلے پر فوری توجہ دینی چاہیے۔ ",
		"The figures in the third paragraph do not match what the ministry published last year, ",
		"see https://example.gov.pk/budget/2025 for the original table. ",
		"اگر یہ اعداد و شمار درست ہیں تو *مہنگائی* کی شرح اس سے کہیں زیادہ ہے جتنی بتائی جا رہی ہے۔\n\n",
	})
}

func fill(n int, parts []string) string {
	var b strings.Builder
	for i := 0; utf8.RuneCountInString(b.String()) < n-4; i++ {
		b.WriteString(parts[i%len(parts)])
	}
	r := []rune(b.String())
	return string(r[:n-4]) + " ختم"
}

func TestArticle(t *testing.T) {
	t.Run("headings h2 to h6 are kept and h1 becomes h2", func(t *testing.T) {
		doc := parse(t, markup.Article("# One\n\n## Two\n\n### Three\n\n#### Four\n\n##### Five\n\n###### Six\n\nSetext\n======"))
		var got []string
		for d := range doc.Descendants() {
			if d.Type == html.ElementNode && len(d.Data) == 2 && d.Data[0] == 'h' {
				got = append(got, d.Data+":"+text(d))
			}
		}
		want := []string{"h2:One", "h2:Two", "h3:Three", "h4:Four", "h5:Five", "h6:Six", "h2:Setext"}
		if !slices.Equal(got, want) {
			t.Errorf("headings = %q, want %q", got, want)
		}
	})

	t.Run("lists are kept with their start number", func(t *testing.T) {
		doc := parse(t, markup.Article("- a\n- b\n\n3. c\n4. d"))
		if got, want := len(elements(doc, "li")), 4; got != want {
			t.Errorf("got %d <li>, want %d", got, want)
		}
		ols := elements(doc, "ol")
		if len(ols) != 1 {
			t.Fatalf("got %d <ol>, want 1", len(ols))
		}
		if got, _ := attr(ols[0], "start"); got != "3" {
			t.Errorf("start = %q, want %q", got, "3")
		}
	})

	t.Run("tables are kept with alignment", func(t *testing.T) {
		doc := parse(t, markup.Article("| شہر | آبادی |\n|:---|---:|\n| لاہور | 13,000,000 |"))
		if got := len(elements(doc, "table")); got != 1 {
			t.Fatalf("got %d <table>, want 1", got)
		}
		var got []string
		for _, cell := range append(elements(doc, "th"), elements(doc, "td")...) {
			align, _ := attr(cell, "align")
			got = append(got, text(cell)+":"+align)
		}
		want := []string{"شہر:left", "آبادی:right", "لاہور:left", "13,000,000:right"}
		if !slices.Equal(got, want) {
			t.Errorf("cells = %q, want %q", got, want)
		}
	})

	t.Run("a lone image becomes a figure with its title as caption", func(t *testing.T) {
		doc := parse(t, markup.Article(`![Protesters on Mall Road](/media/mall-road.jpg "Lahore, 3 May. Photo: Qalam")`))
		figs := elements(doc, "figure")
		if len(figs) != 1 {
			t.Fatalf("got %d <figure>, want 1", len(figs))
		}
		imgs := elements(figs[0], "img")
		if len(imgs) != 1 {
			t.Fatalf("got %d <img> in the figure, want 1", len(imgs))
		}
		src, _ := attr(imgs[0], "src")
		alt, _ := attr(imgs[0], "alt")
		if src != "/media/mall-road.jpg" || alt != "Protesters on Mall Road" {
			t.Errorf("img src=%q alt=%q, want the Markdown's", src, alt)
		}
		caps := elements(figs[0], "figcaption")
		if len(caps) != 1 || text(caps[0]) != "Lahore, 3 May. Photo: Qalam" {
			t.Errorf("figcaption = %v, want the image title", caps)
		}
	})

	t.Run("an inline image stays an image", func(t *testing.T) {
		doc := parse(t, markup.Article(`Logo ![Qalam](https://cdn.example.com/q.png "Q") here`))
		if got := len(elements(doc, "figure")); got != 0 {
			t.Errorf("got %d <figure>, want 0", got)
		}
		imgs := elements(doc, "img")
		if len(imgs) != 1 {
			t.Fatalf("got %d <img>, want 1", len(imgs))
		}
		if title, _ := attr(imgs[0], "title"); title != "Q" {
			t.Errorf("title = %q, want %q", title, "Q")
		}
	})

	t.Run("dir is kept only with ltr, rtl or auto", func(t *testing.T) {
		tests := []struct {
			src, want string
		}{
			{`## سرخی {dir=rtl}`, "rtl"},
			{`## Heading {dir="ltr"}`, "ltr"},
			{`## Mixed {dir=auto}`, "auto"},
			{`## Evil {dir="rtl onclick=alert(1)"}`, ""},
			{`## Upper {dir=RTL}`, ""},
			{`## Other {dir=sideways}`, ""},
		}
		for _, tt := range tests {
			doc := parse(t, markup.Article(tt.src))
			hs := elements(doc, "h2")
			if len(hs) != 1 {
				t.Fatalf("Article(%q) has %d <h2>, want 1", tt.src, len(hs))
			}
			if got, _ := attr(hs[0], "dir"); got != tt.want {
				t.Errorf("Article(%q) dir = %q, want %q", tt.src, got, tt.want)
			}
		}
	})

	t.Run("offsite links get noopener noreferrer and local links nothing", func(t *testing.T) {
		doc := parse(t, markup.Article(
			"[a](https://dawn.example/x) [b](/2026/05/story) [c](#section) [d](//cdn.example/y) "+
				"[e](mailto:desk@example.com) https://bare.example/z"))
		var got []string
		for _, a := range elements(doc, "a") {
			rel, _ := attr(a, "rel")
			if _, ok := attr(a, "target"); ok {
				t.Errorf("link %q has a target", text(a))
			}
			got = append(got, text(a)+":"+rel)
		}
		want := []string{
			"a:noopener noreferrer", "b:", "c:", "d:noopener noreferrer", "e:",
			"https://bare.example/z:noopener noreferrer",
		}
		if !slices.Equal(got, want) {
			t.Errorf("links = %q, want %q", got, want)
		}
	})

	t.Run("footnotes keep their markup", func(t *testing.T) {
		doc := parse(t, markup.Article("Claim[^1].\n\n[^1]: Source, 2026."))
		sups := elements(doc, "sup")
		if len(sups) != 1 {
			t.Fatalf("got %d <sup>, want 1", len(sups))
		}
		if id, _ := attr(sups[0], "id"); id != "fnref:1" {
			t.Errorf("sup id = %q, want fnref:1", id)
		}
		var ids []string
		for _, li := range elements(doc, "li") {
			id, _ := attr(li, "id")
			ids = append(ids, id)
		}
		if want := []string{"fn:1"}; !slices.Equal(ids, want) {
			t.Errorf("footnote ids = %q, want %q", ids, want)
		}
	})

	t.Run("emphasis, strikethrough, code and quotes are kept", func(t *testing.T) {
		doc := parse(t, markup.Article("> **b** *i* ~~gone~~ `c`\n\n```\npre\n```\n\n---"))
		for _, name := range []string{"blockquote", "strong", "em", "del", "code", "pre", "hr"} {
			if len(elements(doc, name)) == 0 {
				t.Errorf("no <%s>", name)
			}
		}
	})

	t.Run("raw HTML is dropped", func(t *testing.T) {
		doc := parse(t, markup.Article("<div class=x>block</div>\n\ninline <b>bold</b> <span style=\"color:red\">red</span>"))
		for _, name := range []string{"div", "b", "span"} {
			if got := len(elements(doc, name)); got != 0 {
				t.Errorf("got %d <%s>, want 0", got, name)
			}
		}
	})

	t.Run("ids and classes only on footnotes", func(t *testing.T) {
		doc := parse(t, markup.Article("## h {#main .btn-danger}\n\ntext"))
		for d := range doc.Descendants() {
			for _, key := range []string{"id", "class"} {
				if v, ok := attr(d, key); ok {
					t.Errorf("<%s> has %s=%q", d.Data, key, v)
				}
			}
		}
	})
}

func TestExcerpt(t *testing.T) {
	t.Run("markup is removed", func(t *testing.T) {
		src := "## Heading\n\nSome **bold** and *em* with a [link](https://example.com) &amp; `code`.\n\n" +
			"![photo](/a.jpg \"caption\")\n\n```\nskipped code\n```\n\nNote[^1].\n\n[^1]: footnote text\n\n<b>raw</b>"
		got := markup.Excerpt(src, 200)
		want := "Heading Some bold and em with a link & code. Note. raw"
		if got != want {
			t.Errorf("Excerpt = %q, want %q", got, want)
		}
	})

	t.Run("whitespace is collapsed", func(t *testing.T) {
		got := markup.Excerpt("a  b\n\nc\td\nline", 100)
		if want := "a b c d line"; got != want {
			t.Errorf("Excerpt = %q, want %q", got, want)
		}
	})

	t.Run("short text is not cut", func(t *testing.T) {
		if got, want := markup.Excerpt("Ten runes!", 10), "Ten runes!"; got != want {
			t.Errorf("Excerpt = %q, want %q", got, want)
		}
	})

	t.Run("long text is cut at a word boundary with an ellipsis", func(t *testing.T) {
		got := markup.Excerpt("The quick brown fox jumps over the lazy dog", 20)
		if want := "The quick brown fox…"; got != want {
			t.Errorf("Excerpt = %q, want %q", got, want)
		}
	})

	t.Run("trailing punctuation before the ellipsis is dropped", func(t *testing.T) {
		got := markup.Excerpt("First, second, third", 15)
		if want := "First, second…"; got != want {
			t.Errorf("Excerpt = %q, want %q", got, want)
		}
	})

	t.Run("urdu is cut at a space with valid UTF-8", func(t *testing.T) {
		src := "پاکستان کی قومی\u200cاسمبلی نے آج بجٹ منظور کر لیا، جس کے بعد حکومت نے نئے ٹیکسوں کا اعلان کیا۔"
		for limit := 1; limit <= utf8.RuneCountInString(src)+1; limit++ {
			got := markup.Excerpt(src, limit)
			if !utf8.ValidString(got) {
				t.Fatalf("Excerpt(…, %d) = %q is not valid UTF-8", limit, got)
			}
			if n := utf8.RuneCountInString(got); n > limit {
				t.Fatalf("Excerpt(…, %d) has %d runes", limit, n)
			}
			head, cut := strings.CutSuffix(got, "…")
			if !cut {
				if got != src {
					t.Fatalf("Excerpt(…, %d) = %q, uncut but not the whole text", limit, got)
				}
				continue
			}
			rest, ok := strings.CutPrefix(src, head)
			if !ok {
				t.Fatalf("Excerpt(…, %d) = %q is not a prefix of the text", limit, got)
			}
			// Only a first word longer than the limit may be cut inside.
			if strings.Contains(head, " ") && !strings.HasPrefix(strings.TrimLeft(rest, "،"), " ") {
				t.Errorf("Excerpt(…, %d) = %q cuts inside a word (rest %q)", limit, got, rest)
			}
		}
		if got, want := markup.Excerpt(src, 20), "پاکستان کی…"; got != want {
			t.Errorf("Excerpt(…, 20) = %q, want %q", got, want)
		}
	})

	t.Run("a single long word is cut between characters", func(t *testing.T) {
		got := markup.Excerpt("ﷺ"+strings.Repeat("ب", 30), 10)
		if !utf8.ValidString(got) || utf8.RuneCountInString(got) != 10 || !strings.HasSuffix(got, "…") {
			t.Errorf("Excerpt = %q, want 9 runes and an ellipsis", got)
		}
	})

	t.Run("a combining mark is not split from its letter", func(t *testing.T) {
		// ّ (shadda U+0651) and َ (fatha U+064E) belong to the letter before them.
		// Five runes fit before the ellipsis, but the fifth (م) carries a shadda, so both are left out.
		got := markup.Excerpt("مُحَمَّدٌمُحَمَّدٌ", 6)
		if want := "مُحَ…"; got != want {
			t.Errorf("Excerpt = %q, want %q", got, want)
		}
	})

	t.Run("zero or negative limit gives nothing", func(t *testing.T) {
		for _, limit := range []int{0, -1} {
			if got := markup.Excerpt("text", limit); got != "" {
				t.Errorf("Excerpt(…, %d) = %q, want empty", limit, got)
			}
		}
	})
}

func FuzzExcerpt(f *testing.F) {
	for _, s := range []string{"", "a b c", "پاکستان کی قومی\u200cاسمبلی", "**x** [y](z)", "\xff\xfe", "مُحَمَّدٌ"} {
		f.Add(s, 10)
	}
	f.Fuzz(func(t *testing.T, src string, limit int) {
		limit %= 300
		got := markup.Excerpt(src, limit)
		if !utf8.ValidString(got) {
			t.Errorf("Excerpt(%q, %d) = %q, not valid UTF-8", src, limit, got)
		}
		if n := utf8.RuneCountInString(got); n > max(limit, 0) {
			t.Errorf("Excerpt(%q, %d) = %q has %d runes", src, limit, got, n)
		}
	})
}

func TestConcurrentUse(t *testing.T) {
	inputs := []string{longComment(2000), "# t\n\n[x](https://example.com) ![i](/i.png \"c\")", "یہ\u200cایک"}
	var want []string
	for _, in := range inputs {
		want = append(want, markup.Article(in), markup.Comment(in), markup.Excerpt(in, 50))
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				var got []string
				for _, in := range inputs {
					got = append(got, markup.Article(in), markup.Comment(in), markup.Excerpt(in, 50))
				}
				if !slices.Equal(got, want) {
					t.Error("concurrent rendering differs from sequential rendering")
					return
				}
			}
		})
	}
	wg.Wait()
}

func BenchmarkComment(b *testing.B) {
	for _, bc := range []struct {
		name string
		src  string
	}{
		{"prose-5000-runes", proseComment(5000)},
		{"dense-5000-runes", longComment(5000)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.src)))
			for b.Loop() {
				markup.Comment(bc.src)
			}
		})
	}
}

func BenchmarkArticle(b *testing.B) {
	var sb strings.Builder
	for i := range 20 {
		fmt.Fprintf(&sb, "## Section %d\n\nپاکستان کی قومی\u200cاسمبلی نے **بجٹ** منظور کیا، see [the report](https://example.com/r/%d) and /local links.\n\n", i, i)
		sb.WriteString("- one\n- two\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n\n![photo](/media/p.jpg \"Caption\")\n\n")
	}
	src := sb.String()
	b.ReportAllocs()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		markup.Article(src)
	}
}

func BenchmarkExcerpt(b *testing.B) {
	src := longComment(5000)
	b.ReportAllocs()
	for b.Loop() {
		markup.Excerpt(src, 160)
	}
}
