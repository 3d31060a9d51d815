package wpimport

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
)

// repair runs input through a repairReader and returns what came out.
func repair(t *testing.T, input string, limits Limits) (string, []*Repair, error) {
	t.Helper()
	rr := newRepairReader(strings.NewReader(input), utf8Fallback, limits)
	out, err := io.ReadAll(rr)
	return string(out), rr.repairs, err
}

// wellFormed fails the test unless s is well-formed XML to a strict decoder.
func wellFormed(t *testing.T, s string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(s))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("repaired output is not well-formed: %v\n%s", err, s)
		}
	}
}

func TestRepairReader_Repairs(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		kind           string // the repair made, "" for none
		line, col      int    // where it was first made
	}{
		{"clean file passes unchanged", "<a x=\"1\">Urdu اردو, emoji 🌅, &amp; &lt; &#8230; &#x1F600;<![CDATA[<b>&nbsp;</b>]]></a>", "<a x=\"1\">Urdu اردو, emoji 🌅, &amp; &lt; &#8230; &#x1F600;<![CDATA[<b>&nbsp;</b>]]></a>", "", 0, 0},
		{"bare & in a commenter's website", "<a>\n<u>https://x.example/?id=42&lang=en</u></a>", "<a>\n<u>https://x.example/?id=42&amp;lang=en</u></a>", RepairAmpersand, 2, 28},
		{"bare & in an attribute", `<a href="?a=1&b=2"/>`, `<a href="?a=1&amp;b=2"/>`, RepairAmpersand, 1, 14},
		{"& followed by space", "<a>Fish & chips</a>", "<a>Fish &amp; chips</a>", RepairAmpersand, 1, 9},
		{"HTML entity outside CDATA kept as text", "<a>a&nbsp;b</a>", "<a>a&amp;nbsp;b</a>", RepairEntity, 1, 5},
		{"control characters removed", "<a>x\x01y\x0bz\tw</a>", "<a>xyz\tw</a>", RepairControl, 1, 5},
		{"control characters removed inside CDATA", "<a><![CDATA[x\x1fy]]></a>", "<a><![CDATA[xy]]></a>", RepairControl, 1, 14},
		{"reference to a character XML forbids removed", "<a>x&#1;y&#xFFFE;</a>", "<a>xy</a>", RepairControl, 1, 5},
		{"Latin-1 byte read as Windows-1252", "<a>caf\xe9 \x93quoted\x94</a>", "<a>café “quoted”</a>", RepairLatin1, 1, 7},
		{"bare < escaped", "<a>1 < 2</a>", "<a>1 &lt; 2</a>", RepairLessThan, 1, 6},
		{"< inside an attribute escaped", `<a t="1<2"/>`, `<a t="1&lt;2"/>`, RepairLessThan, 1, 8},
		{"]]> outside CDATA escaped", "<a>x]]>y</a>", "<a>x]]&gt;y</a>", RepairCDATAEnd, 1, 5},
		{"-- inside a comment split", "<a><!-- a -- b --></a>", "<a><!-- a - - b --></a>", RepairComment, 1, 11},
		{"declared encoding says UTF-8 afterwards", `<?xml version="1.0" encoding="ISO-8859-1" ?><a>é</a>`, `<?xml version="1.0" encoding="UTF-8" ?><a>é</a>`, "", 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, repairs, err := repair(t, tc.in, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("output %q\nwant   %q", got, tc.want)
			}
			wellFormed(t, got)
			if tc.kind == "" {
				if len(repairs) != 0 {
					t.Errorf("repairs %+v, want none", repairs[0])
				}
				return
			}
			if len(repairs) != 1 || repairs[0].Kind != tc.kind || repairs[0].Line != tc.line || repairs[0].Column != tc.col {
				t.Fatalf("repairs %+v, want one %q at %d:%d", repairs, tc.kind, tc.line, tc.col)
			}
		})
	}
	t.Run("each repair counted, first place kept", func(t *testing.T) {
		_, repairs, err := repair(t, "<a>a&b\n&c&d</a>", Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if len(repairs) != 1 || repairs[0].Count != 3 || repairs[0].Line != 1 || repairs[0].Column != 5 {
			t.Errorf("repairs %+v, want 3 bare & first at 1:5", repairs[0])
		}
	})
}

func TestRepairReader_RefusesHostileFiles(t *testing.T) {
	laughs := `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
]>
<rss>&lol2;</rss>`
	for _, tc := range []struct {
		name      string
		in        io.Reader
		limits    Limits
		line, col int
		msg       string
		maxRead   int64 // refused before reading more than this
	}{
		{"entity expansion (billion laughs)", strings.NewReader(laughs), Limits{}, 2, 1, "document type", 1 << 20},
		{"external entity", strings.NewReader(`<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>`), Limits{}, 1, 1, "document type", 1 << 20},
		{"markup declaration", strings.NewReader("<a>\n<!ELEMENT a ANY></a>"), Limits{}, 2, 1, "markup declaration", 1 << 20},
		{"huge attribute", io.MultiReader(strings.NewReader("<rss>\n <item a=\""), endless('x')), Limits{MaxTag: 1 << 10}, 2, 2, "tag longer", 1 << 20},
		{"huge text", io.MultiReader(strings.NewReader(`<rss>`), endless('x')), Limits{MaxText: 1 << 16}, 1, 6, "text longer", 1 << 20},
		{"huge CDATA", io.MultiReader(strings.NewReader(`<rss> <![CDATA[`), endless('x')), Limits{MaxText: 1 << 16}, 1, 7, "text longer", 1 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			counter := &countingReader{r: tc.in}
			rr := newRepairReader(counter, utf8Fallback, tc.limits)
			_, err := io.Copy(io.Discard, rr)
			se, ok := errors.AsType[*SyntaxError](err)
			if !ok || se.Line != tc.line || se.Column != tc.col || !strings.Contains(se.Msg, tc.msg) {
				t.Fatalf("error %v, want a syntax error %q at %d:%d", err, tc.msg, tc.line, tc.col)
			}
			if counter.n > tc.maxRead {
				t.Errorf("read %d bytes before refusing, want at most %d", counter.n, tc.maxRead)
			}
		})
	}
}

// endless is an io.Reader of the byte b, forever.
type endless byte

func (e endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(e)
	}
	return len(p), nil
}

func TestWXRReader_RefusesUnreadableFiles(t *testing.T) {
	head := `<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
`
	for _, tc := range []struct {
		name, in  string
		line, col int
		msg       string
	}{
		{"cut short", head + "<item><title>x</title>", 4, 23, "ends before"},
		{"mismatched tags", head + "<item><title>x</item>\n</channel></rss>", 4, 22, "element <title> closed by </item>"},
		{"nested too deep", head + strings.Repeat("<a>", 70), 4, 190, "nested deeper than 64"},
		{"not an export at all", "<html><body>hello</body></html>", 0, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWXRReader(strings.NewReader(tc.in), utf8Fallback, Limits{})
			var err error
			for err == nil {
				_, err = w.next()
			}
			if tc.msg == "" {
				if !errors.Is(err, errNotWXR) {
					t.Fatalf("error %v, want %v", err, errNotWXR)
				}
				return
			}
			se, ok := errors.AsType[*SyntaxError](err)
			if !ok || se.Line != tc.line || se.Column != tc.col || !strings.Contains(se.Msg, tc.msg) {
				t.Fatalf("error %#v, want %q at %d:%d", err, tc.msg, tc.line, tc.col)
			}
		})
	}
}

func TestWXRReader_ReadsEveryVersion(t *testing.T) {
	for _, version := range []string{"1.0", "1.1", "1.2"} {
		t.Run(version, func(t *testing.T) {
			doc := `<rss xmlns:wp="http://wordpress.org/export/` + version + `/" xmlns:excerpt="http://wordpress.org/export/` + version + `/excerpt/"
				xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
				<wp:base_site_url>http://old.example.org</wp:base_site_url>
				<item><title>T</title><dc:creator>ed</dc:creator><content:encoded><![CDATA[Body]]></content:encoded>
				<excerpt:encoded><![CDATA[Short]]></excerpt:encoded><wp:post_id>3</wp:post_id><wp:status>publish</wp:status>
				<wp:post_type>post</wp:post_type><wp:is_sticky>1</wp:is_sticky></item></channel></rss>`
			w := newWXRReader(strings.NewReader(doc), utf8Fallback, Limits{})
			v, err := w.next()
			if err != nil {
				t.Fatal(err)
			}
			it, ok := v.(*wxrItem)
			if !ok || it.ID != 3 || it.Creator != "ed" || it.Content != "Body" || it.Excerpt != "Short" || !it.Sticky || it.Type != "post" {
				t.Fatalf("item %+v", v)
			}
			if _, err := w.next(); !errors.Is(err, io.EOF) {
				t.Errorf("after the item: %v, want EOF", err)
			}
			if w.channel.BaseSiteURL != "http://old.example.org" {
				t.Errorf("site %q", w.channel.BaseSiteURL)
			}
		})
	}
}

func TestRepairReader_ByteAtATime(t *testing.T) {
	// The decoder reads through ReadByte; Read must agree with it.
	in := "<a>x&y\xe9 اردو<![CDATA[&]]></a>"
	viaRead, _, err := repair(t, in, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	rr := newRepairReader(strings.NewReader(in), utf8Fallback, Limits{})
	var b bytes.Buffer
	for {
		c, err := rr.ReadByte()
		if err != nil {
			break
		}
		b.WriteByte(c)
	}
	if b.String() != viaRead {
		t.Errorf("ReadByte gave %q, Read gave %q", b.String(), viaRead)
	}
}
