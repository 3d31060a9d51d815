package media_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qalamnews/qalam/internal/media"
)

func TestServeHTTP(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "media")
	l := newLibrary(t, media.Options{Dir: dir})
	jpg, err := l.Store(context.Background(), bytes.NewReader(encodeJPEG(t, photo(100, 80))))
	if err != nil {
		t.Fatal(err)
	}
	pngMedia, err := l.Store(context.Background(), bytes.NewReader(transparentPNG(t)))
	if err != nil {
		t.Fatal(err)
	}
	hex := strings.TrimSuffix(jpg.Name, ".jpg")

	// Files the library never wrote, which must not be served even though
	// they sit in (or next to) its folder.
	writeFile := func(path string, b []byte) {
		if err := os.WriteFile(path, b, 0o640); err != nil {
			t.Fatal(err)
		}
	}
	outside := "0123456789abcdef0123456789abcdef.jpg"
	writeFile(filepath.Join(parent, outside), []byte("secret outside the folder"))
	writeFile(filepath.Join(parent, "secret.txt"), []byte("secret outside the folder"))
	writeFile(filepath.Join(dir, "notes.html"), []byte("<script>alert(1)</script>"))
	writeFile(filepath.Join(dir, hex+".svg"), []byte("<svg><script>alert(1)</script></svg>"))
	writeFile(filepath.Join(dir, ".tmp-"+jpg.Name), []byte("half-written"))
	link := "fedcba9876543210fedcba9876543210.jpg"
	if err := os.Symlink(filepath.Join("..", outside), filepath.Join(dir, link)); err != nil {
		t.Fatal(err)
	}

	mux := http.NewServeMux()
	mux.Handle("GET /media/{name}", l)

	t.Run("stored files are served with fixed type and safe headers", func(t *testing.T) {
		for _, m := range []struct{ name, ct string }{{jpg.Name, "image/jpeg"}, {pngMedia.Name, "image/png"}} {
			for _, h := range []http.Handler{l, mux} {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, media.URL(m.name), nil))
				if rec.Code != http.StatusOK {
					t.Fatalf("GET %s: status %d", m.name, rec.Code)
				}
				want := map[string]string{
					"Content-Type":            m.ct,
					"X-Content-Type-Options":  "nosniff",
					"Cache-Control":           "public, max-age=31536000, immutable",
					"Content-Security-Policy": "default-src 'none'",
					"Content-Disposition":     "inline",
				}
				for k, v := range want {
					if got := rec.Header().Get(k); got != v {
						t.Errorf("GET %s: %s = %q, want %q", m.name, k, got, v)
					}
				}
				if !bytes.Equal(rec.Body.Bytes(), readFile(t, dir, m.name)) {
					t.Errorf("GET %s: body differs from the stored file", m.name)
				}
			}
		}
	})

	t.Run("a revalidation with the etag gets 304", func(t *testing.T) {
		rec := get(l, media.URL(jpg.Name))
		r := httptest.NewRequest(http.MethodGet, media.URL(jpg.Name), nil)
		r.Header.Set("If-None-Match", rec.Header().Get("ETag"))
		rec2 := httptest.NewRecorder()
		l.ServeHTTP(rec2, r)
		if rec2.Code != http.StatusNotModified {
			t.Errorf("status %d, want 304", rec2.Code)
		}
	})

	t.Run("head is answered without a body", func(t *testing.T) {
		rec := httptest.NewRecorder()
		l.ServeHTTP(rec, httptest.NewRequest(http.MethodHead, media.URL(jpg.Name), nil))
		if rec.Code != http.StatusOK || rec.Body.Len() != 0 {
			t.Errorf("status %d with %d body bytes, want 200 and none", rec.Code, rec.Body.Len())
		}
	})

	t.Run("post is refused with 405", func(t *testing.T) {
		rec := httptest.NewRecorder()
		l.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, media.URL(jpg.Name), nil))
		if rec.Code != http.StatusMethodNotAllowed {
			t.Errorf("status %d, want 405", rec.Code)
		}
	})

	notFound := []struct {
		name    string
		handler http.Handler
		path    string
	}{
		{"parent directory traversal", l, "/media/../" + outside},
		{"encoded traversal", l, "/media/..%2f" + outside},
		{"double encoded traversal", l, "/media/%2e%2e%2f..%2fsecret.txt"},
		{"traversal through the mux", mux, "/media/..%2f" + outside},
		{"absolute path", l, "/media//etc/passwd"},
		{"unknown name of the right shape", l, "/media/00000000000000000000000000000000.jpg"},
		{"uppercase hex", l, "/media/" + strings.ToUpper(hex) + ".jpg"},
		{"right name, wrong extension", l, "/media/" + hex + ".png"},
		{"svg planted in the folder", l, "/media/" + hex + ".svg"},
		{"html planted in the folder", l, "/media/notes.html"},
		{"temporary file", l, "/media/.tmp-" + jpg.Name},
		{"symbolic link leaving the folder", l, "/media/" + link},
		{"trailing slash", l, "/media/" + jpg.Name + "/"},
		{"folder itself", l, "/media/"},
		{"path outside /media/", l, "/elsewhere/" + jpg.Name},
	}
	for _, tt := range notFound {
		t.Run(tt.name+" is 404", func(t *testing.T) {
			rec := httptest.NewRecorder()
			tt.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tt.path, nil))
			if rec.Code != http.StatusNotFound {
				t.Errorf("GET %s: status %d, want 404", tt.path, rec.Code)
			}
			if strings.Contains(rec.Body.String(), "secret") || strings.Contains(rec.Body.String(), "script") {
				t.Errorf("GET %s leaked %q", tt.path, rec.Body.String())
			}
		})
	}
}
