package feed

import (
	"bytes"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// urlAttrs are the attributes that hold one address.
var urlAttrs = map[string]bool{"href": true, "src": true, "poster": true, "cite": true}

// AbsoluteURLs returns the HTML fragment with every root-relative address
// ("/media/…", "/articles/…") made absolute under base (no trailing
// slash). A feed reader shows the fragment away from the site, where a
// relative address leads nowhere; RSS has no way to name a base. Other
// addresses are left as they are. The fragment is sanitised HTML from
// package markup; what comes out is that HTML, re-serialised.
func AbsoluteURLs(fragment, base string) string {
	if !strings.Contains(fragment, `="/`) {
		return fragment // nothing to rewrite: spare the parse
	}
	context := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(fragment), context)
	if err != nil {
		return fragment
	}
	var buf bytes.Buffer
	for _, n := range nodes {
		for d := range n.Descendants() {
			absolutize(d, base)
		}
		absolutize(n, base)
		if err := html.Render(&buf, n); err != nil {
			return fragment
		}
	}
	return buf.String()
}

func absolutize(n *html.Node, base string) {
	if n.Type != html.ElementNode {
		return
	}
	for i, a := range n.Attr {
		switch {
		case a.Namespace != "":
		case urlAttrs[a.Key]:
			n.Attr[i].Val = absolute(a.Val, base)
		case a.Key == "srcset":
			n.Attr[i].Val = absoluteSrcset(a.Val, base)
		}
	}
}

// absolute makes a root-relative address absolute; "//host/…" is another
// site's address without its scheme and is left alone.
func absolute(u, base string) string {
	if strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//") {
		return base + u
	}
	return u
}

// absoluteSrcset rewrites each candidate ("url 640w") of a srcset.
func absoluteSrcset(v, base string) string {
	parts := strings.Split(v, ",")
	for i, p := range parts {
		fields := strings.Fields(p)
		if len(fields) == 0 {
			continue
		}
		fields[0] = absolute(fields[0], base)
		parts[i] = strings.Join(fields, " ")
	}
	return strings.Join(parts, ", ")
}
