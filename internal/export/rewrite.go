package export

import (
	"bytes"
	"encoding/xml"
	"io"
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// liveAttr marks a link the mirror keeps pointing at the live site: the
// article page's "the discussion continues" link (template "mirror-note").
const liveAttr = "data-live"

// linkAttrs are the attributes that hold one address, by element ("" for
// any element).
var linkAttrs = map[string]bool{"href": true, "src": true, "action": true, "poster": true}

// rewriteHTML makes the site's links in a page relative to its file and
// returns the page with the internal addresses it links to. Only the tags
// that change are written again; everything else (text, scripts, JSON-LD,
// comments) is copied byte for byte.
func (l *linker) rewriteHTML(page *url.URL, file string, body []byte) ([]byte, []target) {
	var out bytes.Buffer
	out.Grow(len(body))
	var found []target
	z := html.NewTokenizer(bytes.NewReader(body))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if z.Err() != io.EOF {
				out.Write(z.Raw()) // what the tokenizer could not read, as it is
			}
			break
		}
		raw := z.Raw()
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			out.Write(raw)
			continue
		}
		tok := z.Token()
		if hasAttr(tok, liveAttr) {
			out.Write(raw)
			continue
		}
		changed := false
		for i, a := range tok.Attr {
			var v string
			switch {
			case a.Namespace == "" && linkAttrs[a.Key]:
				t, ok := l.resolve(page, a.Val)
				if !ok {
					continue
				}
				found = append(found, t)
				v = link(file, t)
			case a.Namespace == "" && a.Key == "srcset":
				var ts []target
				v, ts = l.rewriteSrcset(page, file, a.Val)
				found = append(found, ts...)
			case a.Namespace == "" && a.Key == "content" && isRefresh(tok):
				v = l.rewriteRefresh(page, file, a.Val, &found)
			default:
				continue
			}
			if v != a.Val {
				tok.Attr[i].Val = v
				changed = true
			}
		}
		if changed {
			out.WriteString(tok.String())
		} else {
			out.Write(raw)
		}
	}
	return out.Bytes(), found
}

func hasAttr(tok html.Token, key string) bool {
	for _, a := range tok.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

// isRefresh says whether a tag is <meta http-equiv="refresh">: the
// mirror's own redirect pages.
func isRefresh(tok html.Token) bool {
	if tok.Data != "meta" {
		return false
	}
	for _, a := range tok.Attr {
		if a.Key == "http-equiv" && strings.EqualFold(a.Val, "refresh") {
			return true
		}
	}
	return false
}

func (l *linker) rewriteRefresh(page *url.URL, file, content string, found *[]target) string {
	delay, ref, ok := strings.Cut(content, ";")
	if !ok {
		return content
	}
	ref = strings.TrimSpace(ref)
	if len(ref) >= 4 && strings.EqualFold(ref[:4], "url=") {
		ref = ref[4:]
	}
	t, ok := l.resolve(page, ref)
	if !ok {
		return content
	}
	*found = append(*found, t)
	return delay + "; url=" + link(file, t)
}

// rewriteSrcset rewrites each candidate's address of a srcset.
func (l *linker) rewriteSrcset(page *url.URL, file, srcset string) (string, []target) {
	var found []target
	cands := strings.Split(srcset, ",")
	for i, c := range cands {
		fields := strings.Fields(c)
		if len(fields) == 0 {
			continue
		}
		t, ok := l.resolve(page, fields[0])
		if !ok {
			continue
		}
		found = append(found, t)
		fields[0] = link(file, t)
		cands[i] = strings.Join(fields, " ")
	}
	return strings.Join(cands, ", "), found
}

// rewriteCSS makes the site's addresses in a style sheet's url()s
// relative to its file. (Qalam's own style sheets write url( in lower
// case, without escapes, the only form looked for.)
func (l *linker) rewriteCSS(page *url.URL, file string, css []byte) ([]byte, []target) {
	var out bytes.Buffer
	var found []target
	s := string(css)
	for {
		i := strings.Index(s, "url(")
		if i < 0 {
			out.WriteString(s)
			break
		}
		out.WriteString(s[:i+4])
		s = s[i+4:]
		end := strings.IndexByte(s, ')')
		if end < 0 {
			out.WriteString(s)
			break
		}
		inner := strings.TrimSpace(s[:end])
		quote := ""
		if len(inner) >= 2 && (inner[0] == '"' || inner[0] == '\'') && inner[len(inner)-1] == inner[0] {
			quote, inner = inner[:1], inner[1:len(inner)-1]
		}
		if t, ok := l.resolve(page, inner); ok { // data: and other sites' addresses stay
			found = append(found, t)
			out.WriteString(quote + link(file, t) + quote)
		} else {
			out.WriteString(s[:end])
		}
		out.WriteByte(')')
		s = s[end+1:]
	}
	return out.Bytes(), found
}

// sitemapLocations are the site's addresses a sitemap (or sitemap index)
// lists. Sitemaps and feeds themselves are left as they are: their
// standards want absolute addresses.
func (l *linker) sitemapLocations(page *url.URL, body []byte) []target {
	var found []target
	d := xml.NewDecoder(bytes.NewReader(body))
	inLoc := false
	for {
		tok, err := d.Token()
		if err != nil {
			return found
		}
		switch t := tok.(type) {
		case xml.StartElement:
			inLoc = t.Name.Local == "loc"
		case xml.EndElement:
			inLoc = false
		case xml.CharData:
			if inLoc {
				if tg, ok := l.resolve(page, string(t)); ok {
					found = append(found, tg)
				}
			}
		}
	}
}
