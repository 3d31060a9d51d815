package wpimport

import (
	"encoding/xml"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"

	"github.com/qalamnews/qalam/internal/markup"
)

// sampleHead is the start of the real export, for seeds.
func sampleHead(f *testing.F, n int) string {
	b, err := os.ReadFile("../../../shared/testdata/wxr/newsroom-sample.wxr.xml")
	if err != nil {
		f.Fatal(err)
	}
	return string(b[:min(n, len(b))])
}

// The repair reader never panics, always hands out valid UTF-8 without
// characters XML forbids, and leaves a file that is already well-formed
// exactly as it is.
func FuzzRepairReader(f *testing.F) {
	for _, seed := range []string{
		sampleHead(f, 6000),
		"<a>x&y</a>", "<a b=\"&<\">&nbsp;</a>", "<a><![CDATA[\x01&]]></a>", "caf\xe9", "<!-- -- -->", "]]>",
		"<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>", `<?xml version="1.0" encoding="ISO-8859-1"?><a/>`, "<a>&#0;&#x10FFFF;</a>",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		rr := newRepairReader(strings.NewReader(string(in)), utf8Fallback, Limits{MaxText: 1 << 16, MaxTag: 1 << 12})
		out, err := io.ReadAll(rr)
		if !utf8.Valid(out) {
			t.Fatalf("output is not UTF-8: %q", out)
		}
		for _, c := range string(out) {
			if !xmlChar(c) {
				t.Fatalf("output holds %U, which XML forbids", c)
			}
		}
		if err != nil {
			if _, ok := errors.AsType[*SyntaxError](err); !ok {
				t.Fatalf("error %T %v, want a SyntaxError", err, err)
			}
			return
		}
		if utf8.Valid(in) && !strings.Contains(string(in), "<!D") && !strings.Contains(string(in), "<?xml") && strictlyWellFormed(in) {
			if string(out) != string(in) || len(rr.repairs) > 0 {
				t.Fatalf("a well-formed file was changed:\n%q\n%q (%d repairs)", in, out, len(rr.repairs))
			}
		}
	})
}

// strictlyWellFormed is Go's strict decoder's judgement, with the
// characters XML forbids, which it lets through in some places, refused.
func strictlyWellFormed(in []byte) bool {
	for _, c := range string(in) {
		if !xmlChar(c) {
			return false
		}
	}
	d := xml.NewDecoder(strings.NewReader(string(in)))
	for {
		_, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			return true
		}
		if err != nil {
			return false
		}
	}
}

// The WXR reader never panics and always ends, with an item, EOF or an
// error, however broken its input.
func FuzzWXRReader(f *testing.F) {
	f.Add([]byte(sampleHead(f, 1<<20)))
	f.Add([]byte(`<rss><channel><item><wp:post_id>x</wp:post_id><wp:comment><wp:comment_id>1</wp:comment_id></wp:comment></item></channel></rss>`))
	f.Add([]byte(`<rss><channel><item><title>a<b>c</b></title><category domain="category">x</category>`))
	f.Fuzz(func(t *testing.T, in []byte) {
		w := newWXRReader(strings.NewReader(string(in)), utf8Fallback, Limits{MaxText: 1 << 16, MaxTag: 1 << 12, MaxDepth: 16})
		for range len(in) + 2 {
			v, err := w.next()
			if err != nil {
				return
			}
			if it, ok := v.(*wxrItem); ok && !utf8.ValidString(it.Content+it.Title) {
				t.Fatalf("item text is not UTF-8: %q", it.Content)
			}
		}
		t.Fatal("the reader did not end")
	})
}

// Conversion never panics, always gives valid UTF-8, and plain text comes
// out of Qalam's renderer as the text it was.
func FuzzConverter(f *testing.F) {
	for _, seed := range []string{
		"نیل پور میں بارش 🌅 *a* _b_ [c](d) `e` # f\n\n1. g\n- h\n> i",
		`[caption id="x"]<img src="a.jpg" alt="b"> c[/caption] [gallery ids="1,2"] [embed]http://x[/embed]`,
		"<ul><li>a<ol><li>b</li></ol></li></ul><table><tr><td>|</td></tr></table><pre>```</pre>",
		"<p>a<br><br>b</p><blockquote><cite>c</cite></blockquote><a href=\"javascript:x\">y</a>",
		"https://example.org/a_(b)_c. www.example.org",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		c := &converter{
			rewrite:       func(s string) string { return s },
			attachment:    func(int64) (image, bool) { return image{URL: "/media/x.jpg", Alt: "x"}, true },
			attachmentsOf: func(int64) []image { return nil },
			stats:         newContentStats(),
		}
		md := c.article(in, 1)
		if !utf8.ValidString(in) {
			return
		}
		if !utf8.ValidString(md) {
			t.Fatalf("Markdown is not UTF-8: %q", md)
		}
		_ = c.comment(in)
		rendered := markup.Article(md)
		if strings.ContainsAny(in, "<&[]\r\\") || strings.Contains(in, "://") || strings.Contains(in, "www.") || strings.Contains(in, "@") {
			return // markup, shortcodes, or text the renderer turns into links
		}
		for _, r := range in {
			if !xmlChar(r) {
				return // the repair reader has removed these before conversion
			}
		}
		doc, err := html.Parse(strings.NewReader(rendered))
		if err != nil {
			t.Fatal(err)
		}
		got, want := collapseSpace(plainTextOf(doc)), collapseSpace(plainText(strings.ReplaceAll(in, "\n", " ")))
		if got != want {
			t.Fatalf("text %q\nrendered as %q\n(Markdown %q)", want, got, md)
		}
	})
}
