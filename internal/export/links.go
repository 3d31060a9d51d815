package export

import (
	"net/url"
	"path"
	"sort"
	"strings"
)

// A mirror's files are named after the addresses they answer, so that any
// static host, and a browser opening them from a disk (file://), finds
// them without rewriting rules:
//
//   - an address without an extension is a folder with an index.html
//     (/articles/x → articles/x/index.html), and links name that
//     index.html explicitly, since file:// lists a folder instead of
//     opening its index;
//   - an address with an extension keeps its name (/feed.xml, the assets
//     and images);
//   - a query string becomes folders under "q", one per parameter in
//     name order (/?before=X → q/before-X/index.html), its bytes outside
//     [A-Za-z0-9._-] written as ~XX, so every distinct page the site
//     links to is a distinct file, with a name safe on every file system.

// queryFolder is the folder that holds an address's query-string variants.
const queryFolder = "q"

// fileFor names the file that holds the page at p (a clean, absolute URL
// path) with the encoded query rawQuery.
func fileFor(p, rawQuery string) string {
	p = strings.TrimPrefix(path.Clean("/"+p), "/")
	dir, name := p, "index.html"
	if ext := path.Ext(p); ext != "" && !strings.HasSuffix(p, "/") {
		dir, name = path.Dir(p), path.Base(p)
		if dir == "." {
			dir = ""
		}
	}
	if rawQuery != "" {
		q, err := url.ParseQuery(rawQuery)
		if err == nil && len(q) > 0 {
			dir = path.Join(dir, queryFolder, querySegments(q))
		}
	}
	return path.Join(dir, name)
}

// querySegments writes a query as folder names: name-value, in name order.
func querySegments(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var segs []string
	for _, k := range keys {
		for _, v := range q[k] {
			segs = append(segs, safeName(k)+"-"+safeName(v))
		}
	}
	return path.Join(segs...)
}

// safeName keeps letters, digits, '.', '_' and '-' (a leading '.' excepted,
// so nothing becomes a hidden file) and writes every other byte as ~XX.
func safeName(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == '.' && i > 0
		if ok {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('~')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	if b.Len() == 0 {
		return "~"
	}
	return b.String()
}

// relative is the link from the file from to the file to, both named
// from the mirror's root with slashes: "../../tags/x/index.html".
func relative(from, to string) string {
	fromDir := strings.Split(path.Dir(from), "/")
	if path.Dir(from) == "." {
		fromDir = nil
	}
	toParts := strings.Split(to, "/")
	i := 0
	for i < len(fromDir) && i < len(toParts)-1 && fromDir[i] == toParts[i] {
		i++
	}
	return strings.Repeat("../", len(fromDir)-i) + strings.Join(toParts[i:], "/")
}

// linker turns the site's links into the mirror's.
type linker struct {
	// hosts are the scheme and host of the addresses that are the site's
	// own: the live site's, and the mirror's when it has one.
	hosts []*url.URL
}

// target is an internal link resolved: the address to fetch (path and
// query: the crawl's key), the file it is kept in, and its fragment.
type target struct {
	key      string
	file     string
	fragment string
}

// resolve resolves ref, found in the page at address page, and says
// whether it is the site's own.
func (l *linker) resolve(page *url.URL, ref string) (target, bool) {
	ref = strings.TrimSpace(ref)
	if ref == "" || strings.HasPrefix(ref, "#") {
		return target{}, false // the same page: nothing to change
	}
	u, err := url.Parse(ref)
	if err != nil {
		return target{}, false
	}
	abs := page.ResolveReference(u)
	if !l.own(abs) {
		return target{}, false
	}
	p := abs.Path
	if p == "" {
		p = "/"
	}
	key := p
	if abs.RawQuery != "" {
		key += "?" + abs.RawQuery
	}
	return target{key: key, file: fileFor(p, abs.RawQuery), fragment: abs.Fragment}, true
}

// own says whether an absolute address is the site's.
func (l *linker) own(u *url.URL) bool {
	for _, h := range l.hosts {
		if strings.EqualFold(u.Scheme, h.Scheme) && strings.EqualFold(u.Host, h.Host) {
			return true
		}
	}
	return false
}

// link is the relative link from the file from to the target t.
func link(from string, t target) string {
	u := url.URL{Path: relative(from, t.file), Fragment: t.fragment}
	return u.String()
}
