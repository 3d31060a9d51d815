package media

import (
	"net/http"
	"strings"
)

// ServeHTTP serves GET and HEAD /media/{name} for names the library writes
// (32 lowercase hex digits and .jpg, .png or .gif) and nothing else, with a
// Content-Type fixed by the extension, nosniff, a CSP that forbids
// everything, and immutable caching: a name never changes its content.
//
// Mount it as "GET /media/{name}" (it reads the path value), or anywhere
// /media/ paths reach it unchanged.
func (l *Library) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	name := r.PathValue("name")
	if name == "" {
		var ok bool
		if name, ok = strings.CutPrefix(r.URL.Path, "/media/"); !ok {
			http.NotFound(w, r)
			return
		}
	}
	ct, ok := contentType(name)
	if !ok {
		http.NotFound(w, r)
		return
	}
	// os.Root refuses names that leave the folder, symbolic links included.
	// Any failure to open is a 404: the reader cannot tell a missing file
	// from one refused.
	f, err := l.root.Open(name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("Content-Security-Policy", "default-src 'none'")
	h.Set("Content-Disposition", "inline")
	h.Set("ETag", `"`+name+`"`)
	http.ServeContent(w, r, name, fi.ModTime(), f)
}
