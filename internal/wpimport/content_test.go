package wpimport

import (
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/qalamnews/qalam/internal/markup"
)

// testConverter rewrites addresses of old.example.org as the import would
// for a post with the slug "ferry", and knows attachments 47 and 48.
func testConverter() *converter {
	images := map[int64]image{
		47: {URL: "/media/aa.jpg", Alt: "Mudflats", Caption: "Dawn"},
		48: {URL: "/media/bb.jpg", Alt: "Gates"},
	}
	return &converter{
		rewrite: func(raw string) string {
			switch raw {
			case "http://old.example.org/2026/02/03/ferry/", "/?p=7":
				return "/articles/ferry"
			case "http://old.example.org/wp-content/uploads/2026/03/dawn.jpg":
				return "/media/aa.jpg"
			}
			return raw
		},
		attachment:    func(id int64) (image, bool) { img, ok := images[id]; return img, ok },
		attachmentsOf: func(int64) []image { return []image{images[48], images[47]} },
		stats:         newContentStats(),
	}
}

func TestConverter_Article(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"classic paragraphs and line breaks", "First line\nsecond line.\n\nNext paragraph.", "First line\\\nsecond line.\n\nNext paragraph."},
		{"block comments and more removed", "<!-- wp:paragraph -->\n<p>One.</p>\n<!-- /wp:paragraph -->\n\n<!--more-->\n\n<!-- wp:paragraph -->\n<p>Two.</p>\n<!-- /wp:paragraph -->", "One.\n\nTwo."},
		{"emphasis and links", `A <strong>bold</strong> and <em>quiet</em> word, <a href="https://x.example/a_b">a link</a>.`, "A **bold** and *quiet* word, [a link](https://x.example/a_b)."},
		{"old address rewritten", `See <a href="http://old.example.org/2026/02/03/ferry/">the ferry</a> and <a href="/?p=7">again</a>.`, "See [the ferry](/articles/ferry) and [again](/articles/ferry)."},
		{"Markdown in the text stays text", "*not emphasis* _nor_ [a link](x) &lt;b&gt; `code` a|b ~~x~~ &amp;copy;", `\*not emphasis\* \_nor\_ \[a link\](x) \<b> \` + "`" + `code\` + "`" + ` a\|b \~\~x\~\~ \&copy;`},
		{"what starts a line stays text", "# not a heading\n\n1. not a list\n\n- nor this\n\n> nor a quote", "\\# not a heading\n\n1\\. not a list\n\n\\- nor this\n\n\\> nor a quote"},
		{"web address in text becomes a link", "Watch https://www.youtube.com/watch?v=Qx7_harbour0.", "Watch <https://www.youtube.com/watch?v=Qx7_harbour0>."},
		{"headings and lists", "<h2>Where</h2><ul><li>One</li><li>Two<ul><li>Inner</li></ul></li></ul><ol start=\"3\"><li>Three</li></ol>", "## Where\n\n- One\n- Two\n  - Inner\n\n3. Three"},
		{"two lists in a row stay two", "<ul><li>a</li></ul><ul><li>b</li></ul>", "- a\n\n* b"},
		{"quote with its source", "<blockquote class=\"wp-block-quote\"><p>Give it time.</p><cite>Agnes Duvall</cite></blockquote>", "> Give it time.\n>\n> — Agnes Duvall"},
		{"table", "<figure class=\"wp-block-table\"><table><thead><tr><th>Year</th><th>Closures</th></tr></thead><tbody><tr><td>2021</td><td>1|2</td></tr></tbody></table></figure>", "| Year | Closures |\n| --- | --- |\n| 2021 | 1\\|2 |"},
		{"code keeps its text", "<pre><code>a * b\n```\n</code></pre>", "````\na * b\n```\n````"},
		{"block image with caption", `<figure class="wp-block-image"><img src="http://old.example.org/wp-content/uploads/2026/03/dawn.jpg" alt="Mud &amp; sky"/><figcaption>Dawn "early"</figcaption></figure>`, `![Mud & sky](/media/aa.jpg "Dawn \"early\"")`},
		{"caption shortcode", `[caption id="attachment_47" align="aligncenter" width="800"]<a href="x.jpg"><img src="http://old.example.org/wp-content/uploads/2026/03/dawn.jpg" alt="Mudflats" /></a> Dawn over the bay.[/caption]`, `![Mudflats](/media/aa.jpg "Dawn over the bay.")`},
		{"gallery shortcode", `Pictures:

[gallery ids="47,48,99" columns="2"]`, "Pictures:\n\n![Mudflats](/media/aa.jpg \"Dawn\")\n\n![Gates](/media/bb.jpg)"},
		{"gallery of the post's images", "[gallery]", "![Gates](/media/bb.jpg)\n\n![Mudflats](/media/aa.jpg \"Dawn\")"},
		{"embed shortcode is a link", "[embed]https://www.youtube.com/watch?v=Qx7harbour0[/embed]", "[https://www.youtube.com/watch?v=Qx7harbour0](https://www.youtube.com/watch?v=Qx7harbour0)"},
		{"audio and video shortcodes are links", `[audio mp3="https://x.example/a/tide.mp3"][/audio] [video src="https://x.example/v.mp4"]`, "[Audio: tide.mp3](https://x.example/a/tide.mp3)\n\n[Video: v.mp4](https://x.example/v.mp4)"},
		{"unknown shortcode stays, escaped one is text", "[contact-form id=3] and [[caption]]", `\[contact-form id=3\] and \[caption\]`},
		{"players and frames become links, scripts go", `<iframe src="https://www.youtube.com/embed/x" title="Tides"></iframe><script>alert(1)</script><p>After.</p>`, "[Tides](https://www.youtube.com/embed/x)\n\nAfter."},
		{"unsafe link keeps its text only", `<a href="javascript:alert(1)">click</a>`, "click"},
		{"Urdu, emoji and joiners byte for byte", "<p>نیل\u200cپور میں 🌅 <strong>بارش</strong> — Port Alder کی فیری</p>", "نیل\u200cپور میں 🌅 **بارش** — Port Alder کی فیری"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := testConverter().article(tc.in, 14)
			if got != tc.want {
				t.Errorf("Markdown\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestConverter_CountsShortcodes(t *testing.T) {
	c := testConverter()
	c.article("[caption]<img src=\"a.jpg\">x[/caption] [gallery ids=\"47,99\"] [embed]https://x.example[/embed] [foo] [foo]", 1)
	want := map[string]int{"caption": 1, "gallery": 1, "embed": 1}
	for k, v := range want {
		if c.stats.Shortcodes[k] != v {
			t.Errorf("converted %v, want %v", c.stats.Shortcodes, want)
		}
	}
	if c.stats.UnknownShortcodes["foo"] != 2 || c.stats.MissingImages != 1 {
		t.Errorf("unknown %v, missing %d; want foo 2 and 1 missing", c.stats.UnknownShortcodes, c.stats.MissingImages)
	}
}

// The rendered page shows exactly the text WordPress held: every
// character of every script, in order, whatever Markdown makes of it.
func TestConverter_RenderedTextIsTheOriginal(t *testing.T) {
	for _, in := range []string{
		"گزشتہ رات نیل پور اور گرد و نواح میں چاند گرہن دیکھا گیا۔ مطلع صاف ہونے کی وجہ سے",
		"Kestrel Bay میں پرندوں کی گنتی: ریکارڈ تعداد 🐦 (soil moisture sensor) ‏RLM‏ and ZWNJ: می\u200cخواهم",
		"Prices: 5 * 3 = 15 [approx] #1 <tag> _under_ ~tilde~ `tick` \\back\\ &amp;copy; a|b",
		"1. Not a list\n\n# not a heading\n\n---\n\n= underline",
		"Stunning 🌅, exactly as it looks 👍🏽 👨‍👩‍👧",
	} {
		t.Run(in[:min(len(in), 20)], func(t *testing.T) {
			md := testConverter().article(in, 1)
			doc, err := html.Parse(strings.NewReader(markup.Article(md)))
			if err != nil {
				t.Fatal(err)
			}
			got := collapseSpace(plainTextOf(doc))
			want := collapseSpace(plainText(strings.ReplaceAll(in, "\n", " ")))
			if got != want {
				t.Errorf("rendered text\n%q\nwant\n%q\n(Markdown %q)", got, want, md)
			}
		})
	}
}

func TestConverter_Comment(t *testing.T) {
	c := testConverter()
	got := c.comment("<blockquote>no decision had been made</blockquote>\nThen why?\n\nSecond <em>para</em> 👍")
	want := "> no decision had been made\n\nThen why?\n\nSecond *para* 👍"
	if got != want {
		t.Errorf("Markdown\n%s\nwant\n%s", got, want)
	}
}

func TestPlainText(t *testing.T) {
	for in, want := range map[string]string{
		"Science &amp; Environment":           "Science & Environment",
		"Members&#8217; <em>briefing</em>":    "Members’ briefing",
		"  spaced\n\tout  ":                   "spaced out",
		"no\u00a0break":                       "no\u00a0break",
		"اردو سروس":                           "اردو سروس",
		"[&#8230;] the Gazette has [&#8230;]": "[…] the Gazette has […]",
	} {
		if got := plainText(in); got != want {
			t.Errorf("plainText(%q) = %q, want %q", in, got, want)
		}
	}
}
