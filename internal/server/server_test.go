package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// logBuffer collects log output from concurrent handlers.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newLogger() (*slog.Logger, *logBuffer) {
	b := &logBuffer{}
	return slog.New(slog.NewTextHandler(b, nil)), b
}

// testRoutes is a mux with one route per behaviour under test.
func testRoutes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	})
	mux.HandleFunc("POST /form", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "posted")
	})
	mux.HandleFunc("/panic", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Set-Cookie", "half=done")
		panic("boom")
	})
	mux.HandleFunc("/panic-after-write", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "partial")
		w.(http.Flusher).Flush()
		panic("boom after write")
	})
	mux.HandleFunc("/abort", func(w http.ResponseWriter, r *http.Request) {
		panic(http.ErrAbortHandler)
	})
	mux.HandleFunc("POST /upload", func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
			return
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		fmt.Fprintf(w, "%d", len(b))
	})
	mux.HandleFunc("/id", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, RequestID(r.Context()))
	})
	return mux
}

func startWrapped(t *testing.T, opts Options) (*httptest.Server, *logBuffer) {
	t.Helper()
	log, buf := newLogger()
	ts := httptest.NewServer(Wrap(testRoutes(), log, opts))
	t.Cleanup(ts.Close)
	return ts, buf
}

func do(t *testing.T, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return resp, string(body)
}

func newRequest(t *testing.T, method, url string, body io.Reader) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// waitFor fails the test if ch is not closed within a generous bound; it
// waits on the event itself, the bound only turns a hang into a failure.
func waitFor(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
	}
}

func TestSecurityHeaders(t *testing.T) {
	want := map[string]string{
		"Content-Security-Policy":    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
		"X-Content-Type-Options":     "nosniff",
		"Referrer-Policy":            "same-origin",
		"X-Frame-Options":            "DENY",
		"Cross-Origin-Opener-Policy": "same-origin",
		"Permissions-Policy":         "camera=(), microphone=(), geolocation=(), interest-cohort=()",
	}
	const hsts = "max-age=63072000; includeSubDomains"
	tests := []struct {
		name     string
		https    bool
		method   string
		path     string
		header   map[string]string
		wantCode int
	}{
		{"present on a page", false, "GET", "/ok", nil, 200},
		{"present on a not-found page", false, "GET", "/missing", nil, 404},
		{"present on a panic's 500", false, "GET", "/panic", nil, 500},
		{"present on a cross-site refusal", false, "POST", "/form", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"present with HSTS over HTTPS", true, "GET", "/ok", nil, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts, _ := startWrapped(t, Options{HTTPS: tt.https})
			req := newRequest(t, tt.method, ts.URL+tt.path, nil)
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			resp, _ := do(t, req)
			if resp.StatusCode != tt.wantCode {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.wantCode)
			}
			for k, v := range want {
				if got := resp.Header.Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			if strings.Contains(resp.Header.Get("Content-Security-Policy"), "unsafe") {
				t.Error("CSP allows something unsafe")
			}
			got := resp.Header.Get("Strict-Transport-Security")
			if tt.https && got != hsts {
				t.Errorf("Strict-Transport-Security = %q, want %q", got, hsts)
			}
			if !tt.https && got != "" {
				t.Errorf("Strict-Transport-Security = %q over plain HTTP, want none", got)
			}
		})
	}
}

func TestRecover(t *testing.T) {
	tests := []struct {
		name       string
		path       string
		wantCode   int // 0: the connection is aborted
		wantLogged int
	}{
		{"panic before writing gives a generic 500", "/panic", 500, 1},
		{"panic after writing aborts the response", "/panic-after-write", 0, 1},
		{"deliberate abort is not logged", "/abort", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts, logs := startWrapped(t, Options{})
			resp, err := http.Get(ts.URL + tt.path)
			var body []byte
			if err == nil {
				body, err = io.ReadAll(resp.Body)
				resp.Body.Close()
			}
			switch {
			case tt.wantCode == 0 && err == nil:
				t.Fatalf("got a complete response (%d %q), want an aborted one", resp.StatusCode, body)
			case tt.wantCode != 0 && err != nil:
				t.Fatalf("request failed: %v", err)
			case tt.wantCode != 0:
				if resp.StatusCode != tt.wantCode {
					t.Errorf("status %d, want %d", resp.StatusCode, tt.wantCode)
				}
				id := resp.Header.Get("X-Request-Id")
				if id == "" || !strings.Contains(string(body), id) {
					t.Errorf("body %q does not quote request ID %q", body, id)
				}
				if strings.Contains(string(body), "boom") {
					t.Errorf("body %q leaks the panic value", body)
				}
				if got := resp.Header.Get("Set-Cookie"); got != "" {
					t.Errorf("Set-Cookie %q from the failed handler was sent", got)
				}
				if !strings.Contains(logs.String(), "request_id="+id) {
					t.Errorf("log does not carry request ID %q:\n%s", id, logs)
				}
			}
			if got := strings.Count(logs.String(), "panic serving request"); got != tt.wantLogged {
				t.Errorf("logged %d times, want %d:\n%s", got, tt.wantLogged, logs)
			}

			// The server carries on.
			if resp, body := do(t, newRequest(t, "GET", ts.URL+"/ok", nil)); resp.StatusCode != 200 || body != "ok" {
				t.Errorf("after the panic: %d %q, want 200 \"ok\"", resp.StatusCode, body)
			}
		})
	}
}

func TestRequestIDs(t *testing.T) {
	ts, _ := startWrapped(t, Options{})
	seen := map[string]bool{}
	for range 3 {
		req := newRequest(t, "GET", ts.URL+"/id", nil)
		req.Header.Set("X-Request-Id", "forged-id")
		resp, body := do(t, req)
		id := resp.Header.Get("X-Request-Id")
		switch {
		case id == "" || id == "forged-id":
			t.Fatalf("X-Request-Id = %q, want a fresh ID", id)
		case body != id:
			t.Errorf("RequestID(ctx) = %q, header %q; want the same", body, id)
		case seen[id]:
			t.Errorf("ID %q repeated", id)
		}
		seen[id] = true
	}
	if got := RequestID(context.Background()); got != "" {
		t.Errorf("RequestID outside a request = %q, want empty", got)
	}
}

func TestLimitBody(t *testing.T) {
	const limit = 1024
	tests := []struct {
		name     string
		size     int
		wantCode int
	}{
		{"body under the limit is read", limit - 1, 200},
		{"body at the limit is read", limit, 200},
		{"body over the limit gives 413", limit + 1, 413},
		{"much larger body gives 413", 10 * limit, 413},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts, _ := startWrapped(t, Options{MaxBodyBytes: limit})
			resp, body := do(t, newRequest(t, "POST", ts.URL+"/upload", strings.NewReader(strings.Repeat("x", tt.size))))
			if resp.StatusCode != tt.wantCode {
				t.Errorf("status %d (%q), want %d", resp.StatusCode, body, tt.wantCode)
			}
			if tt.wantCode == 200 && body != fmt.Sprint(tt.size) {
				t.Errorf("handler read %s bytes, want %d", body, tt.size)
			}
		})
	}

	t.Run("default limit is 1 MiB", func(t *testing.T) {
		ts, _ := startWrapped(t, Options{})
		resp, _ := do(t, newRequest(t, "POST", ts.URL+"/upload", strings.NewReader(strings.Repeat("x", 1<<20+1))))
		if resp.StatusCode != 413 {
			t.Errorf("status %d, want 413", resp.StatusCode)
		}
	})
}

func TestCrossOriginProtection(t *testing.T) {
	ts, _ := startWrapped(t, Options{})
	tests := []struct {
		name     string
		method   string
		path     string
		header   map[string]string
		wantCode int
	}{
		{"cross-site POST refused", "POST", "/form", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"same-site POST refused", "POST", "/form", map[string]string{"Sec-Fetch-Site": "same-site"}, 403},
		{"same-origin POST passes", "POST", "/form", map[string]string{"Sec-Fetch-Site": "same-origin"}, 200},
		{"typed-URL POST passes", "POST", "/form", map[string]string{"Sec-Fetch-Site": "none"}, 200},
		{"cross-site GET passes", "GET", "/ok", map[string]string{"Sec-Fetch-Site": "cross-site"}, 200},
		{"foreign Origin without Sec-Fetch-Site refused", "POST", "/form", map[string]string{"Origin": "https://evil.example"}, 403},
		{"own Origin without Sec-Fetch-Site passes", "POST", "/form", map[string]string{"Origin": ts.URL}, 200},
		{"non-browser POST passes", "POST", "/form", nil, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := newRequest(t, tt.method, ts.URL+tt.path, strings.NewReader("a=b"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			resp, body := do(t, req)
			if resp.StatusCode != tt.wantCode {
				t.Errorf("status %d (%q), want %d", resp.StatusCode, body, tt.wantCode)
			}
		})
	}
}

func TestNew_HardenedTimeouts(t *testing.T) {
	s := New("127.0.0.1:0", http.NotFoundHandler(), nil, Options{})
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"read header timeout is 5s", s.srv.ReadHeaderTimeout, 5 * time.Second},
		{"read timeout is 30s", s.srv.ReadTimeout, 30 * time.Second},
		{"write timeout is 30s", s.srv.WriteTimeout, 30 * time.Second},
		{"idle timeout is 60s", s.srv.IdleTimeout, 60 * time.Second},
		{"max header bytes is 64 KiB", s.srv.MaxHeaderBytes, 64 << 10},
		{"error log is set", s.srv.ErrorLog != nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
}

// startServer runs a real Server on a free port until the test ends.
func startServer(t *testing.T, h http.Handler) (s *Server, serveErr <-chan error) {
	t.Helper()
	log, _ := newLogger()
	s = New("127.0.0.1:0", h, log, Options{})
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() { errc <- s.Serve() }()
	t.Cleanup(func() { s.Shutdown(context.Background()) })
	return s, errc
}

func TestServer_GracefulShutdown(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		io.WriteString(w, "finished")
	})
	s, serveErr := startServer(t, mux)
	addr := s.Addr()
	if strings.HasSuffix(addr, ":0") {
		t.Fatalf("Addr() = %q, want the bound port", addr)
	}

	type result struct {
		code int
		body string
		err  error
	}
	slow := make(chan result, 1)
	go func() {
		resp, err := http.Get("http://" + addr + "/slow")
		if err != nil {
			slow <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		slow <- result{resp.StatusCode, string(b), err}
	}()
	waitFor(t, started, "the slow request to reach its handler")

	// http.Server closes its listeners before it runs shutdown hooks, so
	// once this hook has run, new connections must be refused.
	listenerClosed := make(chan struct{})
	s.srv.RegisterOnShutdown(func() { close(listenerClosed) })
	shutdownErr := make(chan error, 1)
	go func() { shutdownErr <- s.Shutdown(context.Background()) }()
	waitFor(t, listenerClosed, "shutdown to begin")

	if conn, err := net.Dial("tcp", addr); err == nil {
		conn.Close()
		t.Error("a new connection was accepted during shutdown")
	}
	select {
	case err := <-shutdownErr:
		t.Fatalf("Shutdown returned %v while a request was in flight", err)
	case err := <-serveErr:
		t.Fatalf("Serve returned %v while a request was in flight", err)
	default:
	}

	close(release)
	var r result
	select {
	case r = <-slow:
	case <-time.After(10 * time.Second):
		t.Fatal("timed out waiting for the slow request")
	}
	if r.err != nil || r.code != 200 || r.body != "finished" {
		t.Errorf("in-flight request: %d %q %v, want 200 \"finished\"", r.code, r.body, r.err)
	}
	for name, ch := range map[string]<-chan error{"Shutdown": shutdownErr, "Serve": serveErr} {
		select {
		case err := <-ch:
			if err != nil {
				t.Errorf("%s returned %v, want nil", name, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("timed out waiting for %s to return", name)
		}
	}
}

func TestServer_ShutdownDeadlineCutsOffRequests(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	defer close(release)
	mux := http.NewServeMux()
	mux.HandleFunc("/stuck", func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
	})
	s, serveErr := startServer(t, mux)
	got := make(chan error, 1)
	go func() {
		resp, err := http.Get("http://" + s.Addr() + "/stuck")
		if err == nil {
			resp.Body.Close()
		}
		got <- err
	}()
	waitFor(t, started, "the stuck request to reach its handler")

	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the deadline has already passed
	if err := s.Shutdown(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Shutdown = %v, want context.Canceled", err)
	}
	if err := <-got; err == nil {
		t.Error("stuck request completed, want its connection closed")
	}
	if err := <-serveErr; err != nil {
		t.Errorf("Serve = %v, want nil", err)
	}
}

func TestServer_ShutdownBeforeServe(t *testing.T) {
	s := New("127.0.0.1:0", http.NotFoundHandler(), nil, Options{})
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	addr := s.Addr()
	if err := s.Shutdown(context.Background()); err != nil {
		t.Fatalf("Shutdown = %v, want nil", err)
	}
	if conn, err := net.Dial("tcp", addr); err == nil {
		conn.Close()
		t.Error("listener still accepts after Shutdown")
	}
	if err := s.Serve(); err != nil {
		t.Errorf("Serve after Shutdown = %v, want nil", err)
	}
}

func TestServer_ResponseControllerReachesConnection(t *testing.T) {
	// Upload and streaming routes extend their deadlines through
	// http.ResponseController; the middleware's writer must not hide the
	// connection from it.
	mux := http.NewServeMux()
	mux.HandleFunc("/long", func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		if err := rc.SetReadDeadline(time.Now().Add(time.Minute)); err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		if err := rc.SetWriteDeadline(time.Now().Add(time.Minute)); err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		io.WriteString(w, "extended")
	})
	s, _ := startServer(t, mux)
	resp, body := do(t, newRequest(t, "GET", "http://"+s.Addr()+"/long", nil))
	if resp.StatusCode != 200 || body != "extended" {
		t.Errorf("got %d %q, want 200 \"extended\"", resp.StatusCode, body)
	}
}

func TestCompress(t *testing.T) {
	page := strings.Repeat("<p>The ferry timetable changes on Monday. ", 200)
	handler := Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/page":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, page)
		case "/small":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, "<p>short</p>")
		case "/events":
			w.Header().Set("Content-Type", "text/event-stream")
			io.WriteString(w, page)
		case "/photo":
			w.Header().Set("Content-Type", "image/jpeg")
			io.WriteString(w, page)
		}
	}), nil, Options{})
	tests := []struct {
		name, path, accept string
		wantGzip           bool
	}{
		{"a page is gzipped", "/page", "gzip, deflate, br", true},
		{"not without Accept-Encoding", "/page", "", false},
		{"a tiny page is sent as it is", "/small", "gzip", false},
		{"an event stream is never buffered for gzip", "/events", "gzip", false},
		{"an image is sent as it is", "/photo", "gzip", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", tt.path, nil)
			if tt.accept != "" {
				r.Header.Set("Accept-Encoding", tt.accept)
			}
			w := httptest.NewRecorder()
			handler.ServeHTTP(w, r)
			gotGzip := w.Header().Get("Content-Encoding") == "gzip"
			if gotGzip != tt.wantGzip {
				t.Fatalf("Content-Encoding %q, want gzip %v", w.Header().Get("Content-Encoding"), tt.wantGzip)
			}
			if !gotGzip {
				return
			}
			if !strings.Contains(w.Header().Get("Vary"), "Accept-Encoding") {
				t.Errorf("Vary = %q, want Accept-Encoding", w.Header().Get("Vary"))
			}
			if w.Header().Get("Content-Security-Policy") == "" {
				t.Error("the gzipped response lost its security headers")
			}
			zr, err := gzip.NewReader(w.Body)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(zr)
			if err != nil {
				t.Fatal(err)
			}
			if string(body) != page {
				t.Error("the page does not survive compression unchanged")
			}
		})
	}
}
