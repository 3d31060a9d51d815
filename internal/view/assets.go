package view

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// Assets are the static files, each served at /static/{hash}/{name} so a
// browser may cache it forever: a new version gets a new URL.
type Assets struct {
	files map[string]asset // by name, such as "css/site.css"
}

type asset struct {
	hash        string
	body        []byte
	contentType string
}

// contentTypes covers what the system's MIME table may lack.
var contentTypes = map[string]string{
	".css":   "text/css; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".woff2": "font/woff2",
	".txt":   "text/plain; charset=utf-8",
	".svg":   "image/svg+xml",
}

// cssURL finds url(...) references in a stylesheet.
var cssURL = regexp.MustCompile(`url\(\s*['"]?([^'")]+)['"]?\s*\)`)

func loadAssets(fsys fs.FS) (*Assets, error) {
	a := &Assets{files: map[string]asset{}}
	var stylesheets []string
	err := fs.WalkDir(fsys, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		if path.Ext(name) == ".css" {
			stylesheets = append(stylesheets, name)
		}
		a.add(name, body)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("view: load assets: %w", err)
	}
	// A stylesheet names fonts and images by relative URL; point those at
	// the hashed URLs, so they too can be cached forever. The stylesheet's
	// own hash then covers what it refers to.
	for _, name := range stylesheets {
		css := cssURL.ReplaceAllFunc(a.files[name].body, func(m []byte) []byte {
			ref := string(cssURL.FindSubmatch(m)[1])
			if f, ok := a.files[path.Join(path.Dir(name), ref)]; ok && !strings.Contains(ref, ":") {
				return []byte("url(" + "/static/" + f.hash + "/" + path.Join(path.Dir(name), ref) + ")")
			}
			return m
		})
		a.add(name, css)
	}
	return a, nil
}

func (a *Assets) add(name string, body []byte) {
	sum := sha256.Sum256(body)
	ct := contentTypes[path.Ext(name)]
	if ct == "" {
		ct = mime.TypeByExtension(path.Ext(name))
	}
	if ct == "" {
		ct = "application/octet-stream"
	}
	a.files[name] = asset{hash: hex.EncodeToString(sum[:6]), body: body, contentType: ct}
}

// URL is the cache-busting address of the named asset. An unknown name is
// a template bug; it panics so the page test catches it.
func (a *Assets) URL(name string) string {
	f, ok := a.files[name]
	if !ok {
		panic("view: unknown asset " + name)
	}
	return "/static/" + f.hash + "/" + name
}

// ServeHTTP serves GET /static/{hash}/{name...}. A stale hash (a page
// rendered by an older node during a rolling upgrade) still gets the
// current file, but not the immutable caching.
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f, ok := a.files[r.PathValue("name")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("Content-Length", strconv.Itoa(len(f.body)))
	if r.PathValue("hash") == f.hash {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, max-age=60")
	}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(f.body)
	}
}
