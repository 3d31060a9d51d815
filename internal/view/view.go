// Package view renders Qalam's HTML: the template engine (templates parsed
// once from the embedded files), the typed data every page shares, and the
// static assets served at content-hashed URLs.
package view

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

//go:embed templates static
var embedded embed.FS

// Options configure an Engine.
type Options struct {
	// Dev re-reads templates and assets from SourceDir on every render, so
	// a designer sees changes without a restart.
	Dev bool
	// SourceDir is this package's folder on disk (holding templates/ and
	// static/); used only when Dev is set.
	SourceDir string
}

// Engine renders pages. Safe for concurrent use.
type Engine struct {
	opts    Options
	mu      sync.RWMutex // guards pages and assets, replaced wholesale in dev mode
	pages   map[string]*template.Template
	base    *template.Template // layouts and partials, for rendering fragments
	assets  *Assets
	buffers sync.Pool
}

// New parses every template and hashes every asset once.
func New(opts Options) (*Engine, error) {
	e := &Engine{opts: opts}
	e.buffers.New = func() any { return new(bytes.Buffer) }
	if err := e.load(); err != nil {
		return nil, err
	}
	return e, nil
}

func (e *Engine) source() fs.FS {
	if e.opts.Dev {
		return os.DirFS(e.opts.SourceDir)
	}
	return embedded
}

func (e *Engine) load() error {
	fsys := e.source()
	assets, err := loadAssets(fsys)
	if err != nil {
		return err
	}
	base, pages, err := parsePages(fsys, assets)
	if err != nil {
		return err
	}
	e.mu.Lock()
	e.base, e.pages, e.assets = base, pages, assets
	e.mu.Unlock()
	return nil
}

// parsePages parses the layouts and partials once, then clones that base
// for each page under templates/site, keyed "site/article".
func parsePages(fsys fs.FS, assets *Assets) (*template.Template, map[string]*template.Template, error) {
	base := template.New("").Funcs(funcs(assets))
	for _, dir := range []string{"templates/layout", "templates/partials"} {
		if _, err := base.ParseFS(fsys, dir+"/*.html"); err != nil {
			return nil, nil, fmt.Errorf("view: parse %s: %w", dir, err)
		}
	}
	pages := map[string]*template.Template{}
	err := fs.WalkDir(fsys, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		rel := strings.TrimSuffix(strings.TrimPrefix(p, "templates/"), ".html")
		if strings.HasPrefix(rel, "layout/") || strings.HasPrefix(rel, "partials/") {
			return nil
		}
		t, err := base.Clone()
		if err != nil {
			return err
		}
		if _, err := t.ParseFS(fsys, p); err != nil {
			return fmt.Errorf("view: parse %s: %w", p, err)
		}
		pages[rel] = t
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return base, pages, nil
}

// Names lists every page the engine can render.
func (e *Engine) Names() []string {
	e.mu.RLock()
	defer e.mu.RUnlock()
	names := make([]string, 0, len(e.pages))
	for n := range e.pages {
		names = append(names, n)
	}
	return names
}

// Assets returns the static asset set.
func (e *Engine) Assets() *Assets {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.assets
}

// Execute renders the page's "page" template into buf.
func (e *Engine) Execute(buf *bytes.Buffer, name string, data any) error {
	if e.opts.Dev {
		if err := e.load(); err != nil {
			return err
		}
	}
	e.mu.RLock()
	t := e.pages[name]
	e.mu.RUnlock()
	if t == nil {
		return fmt.Errorf("view: no page %q", name)
	}
	root := "page"
	if strings.HasPrefix(name, "admin/") {
		root = "admin-page" // the newsroom has its own layout
	}
	if err := t.ExecuteTemplate(buf, root, data); err != nil {
		return fmt.Errorf("view: render %s: %w", name, err)
	}
	return nil
}

// ExecutePartial renders one named partial (a fragment, such as a comment
// thread, that is cached and later placed into a page).
func (e *Engine) ExecutePartial(buf *bytes.Buffer, name string, data any) error {
	if e.opts.Dev {
		if err := e.load(); err != nil {
			return err
		}
	}
	e.mu.RLock()
	t := e.base
	e.mu.RUnlock()
	if err := t.ExecuteTemplate(buf, name, data); err != nil {
		return fmt.Errorf("view: render partial %s: %w", name, err)
	}
	return nil
}

// Render renders the page into a buffer first, so an execution error
// becomes a clean error for the caller instead of half a page, then writes
// it with the status.
func (e *Engine) Render(w http.ResponseWriter, status int, name string, data any) error {
	buf := e.buffers.Get().(*bytes.Buffer)
	buf.Reset()
	defer e.buffers.Put(buf)
	if err := e.Execute(buf, name, data); err != nil {
		return err
	}
	WriteHTML(w, status, buf.Bytes())
	return nil
}

// WriteHTML writes a complete HTML response.
func WriteHTML(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

// SourceDir guesses this package's folder from the working directory, for
// the --dev flag when run from the repository root.
func SourceDir() string { return filepath.Join("internal", "view") }
