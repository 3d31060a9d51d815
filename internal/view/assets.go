package view

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
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

func loadAssets(fsys fs.FS) (*Assets, error) {
	a := &Assets{files: map[string]asset{}}
	err := fs.WalkDir(fsys, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		name := strings.TrimPrefix(p, "static/")
		ct := mime.TypeByExtension(path.Ext(name))
		if ct == "" {
			ct = "application/octet-stream"
		}
		a.files[name] = asset{hash: hex.EncodeToString(sum[:6]), body: body, contentType: ct}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("view: load assets: %w", err)
	}
	return a, nil
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
