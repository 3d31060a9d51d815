package server

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
)

// Wrap puts handler behind the global middleware, outermost first:
//
//   - Recover: a panic becomes a generic 500, logged once;
//   - RequestIDs: every request gets an ID for logs and error pages;
//   - SecurityHeaders: CSP and friends on every response, errors included;
//   - LimitBody: no body is read past opts.MaxBodyBytes;
//   - http.CrossOriginProtection: cross-site unsafe requests get 403 (CSRF);
//   - Compress: text responses gzipped for clients that accept it.
//
// Security headers sit outside the CSRF check so that its 403 carries them.
func Wrap(handler http.Handler, log *slog.Logger, opts Options) http.Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = defaultMaxBodyBytes
	}
	h := http.NewCrossOriginProtection().Handler(Compress()(handler))
	h = LimitBody(opts.MaxBodyBytes)(h)
	h = SecurityHeaders(opts.HTTPS)(h)
	h = RequestIDs(h)
	h = Recover(log)(h)
	return h
}

// contentSecurityPolicy allows only the site's own scripts, styles, images and
// fonts, and no inline code at all: if a sanitiser ever lets markup through,
// the browser still runs nothing.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// SecurityHeaders sets the browser-hardening headers on every response, and
// Strict-Transport-Security when the site is served over HTTPS.
func SecurityHeaders(https bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Content-Security-Policy", contentSecurityPolicy)
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Referrer-Policy", "same-origin")
			h.Set("X-Frame-Options", "DENY") // for browsers without frame-ancestors
			h.Set("Cross-Origin-Opener-Policy", "same-origin")
			h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
			if https {
				h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
			}
			next.ServeHTTP(w, r)
		})
	}
}

// LimitBody caps every request body at n bytes. Reading past the cap fails
// with *http.MaxBytesError, which handlers map to 413.
func LimitBody(n int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Body != nil && r.Body != http.NoBody {
				r.Body = http.MaxBytesReader(w, r.Body, n)
			}
			next.ServeHTTP(w, r)
		})
	}
}

type requestIDKey struct{}

// requestIDHeader carries the ID to the client, so a reader reporting an
// error can quote it, and lets Recover find it (see there).
const requestIDHeader = "X-Request-Id"

// RequestIDs gives each request a random ID, in its context (see RequestID)
// and in the X-Request-Id response header. An incoming X-Request-Id is
// ignored: it is the client's to forge.
func RequestIDs(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := newRequestID()
		w.Header().Set(requestIDHeader, id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
	})
}

// RequestID returns the ID RequestIDs gave the request, or "" outside one.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// newRequestID returns 128 random bits as 26 base32 characters.
func newRequestID() string { return rand.Text() }

// Recover turns a panic in next into a logged error and, if the response has
// not started, a generic 500 quoting the request ID. If it has started, the
// connection is aborted, so the client sees a broken response rather than a
// truncated one that looks whole.
func Recover(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rw := &recordingWriter{ResponseWriter: w}
			defer func() {
				v := recover()
				if v == nil {
					return
				}
				if v == http.ErrAbortHandler {
					panic(v) // a deliberate abort: net/http handles it quietly
				}
				// Recover runs outside RequestIDs, so the ID is not in this
				// request's context; RequestIDs also put it on the shared
				// response header, which is where we find it.
				id := w.Header().Get(requestIDHeader)
				if id == "" {
					id = newRequestID()
				}
				log.ErrorContext(r.Context(), "panic serving request",
					"request_id", id, "method", r.Method, "path", r.URL.Path,
					"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				if rw.started {
					panic(http.ErrAbortHandler)
				}
				h := w.Header()
				for _, k := range []string{"Content-Length", "Content-Encoding", "Content-Disposition", "ETag", "Last-Modified", "Set-Cookie"} {
					h.Del(k) // whatever the handler meant to send is void
				}
				h.Set(requestIDHeader, id)
				h.Set("Content-Type", "text/plain; charset=utf-8")
				h.Set("X-Content-Type-Options", "nosniff")
				h.Set("Cache-Control", "no-store")
				w.WriteHeader(http.StatusInternalServerError)
				io.WriteString(w, "Something went wrong on our side. Please try again.\nReference: "+id+"\n")
			}()
			next.ServeHTTP(rw, r)
		})
	}
}

// recordingWriter notes whether the response has started, so Recover knows
// whether a 500 can still be sent. It keeps Flush, ReadFrom and, through
// Unwrap, http.ResponseController working for the handlers it wraps.
type recordingWriter struct {
	http.ResponseWriter
	started bool
}

func (w *recordingWriter) WriteHeader(code int) {
	// 1xx responses such as 103 Early Hints do not start the final response.
	if code >= 200 || code == http.StatusSwitchingProtocols {
		w.started = true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recordingWriter) Write(b []byte) (int, error) {
	w.started = true
	return w.ResponseWriter.Write(b)
}

func (w *recordingWriter) ReadFrom(r io.Reader) (int64, error) {
	w.started = true
	return io.Copy(w.ResponseWriter, r) // uses the connection's sendfile path when it has one
}

func (w *recordingWriter) Flush() {
	w.started = true
	http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *recordingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
