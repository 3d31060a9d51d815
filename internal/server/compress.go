package server

import (
	"mime"
	"net/http"

	"github.com/klauspost/compress/gzhttp"
)

// compressible lists the content types worth compressing: text the site
// writes. Images and fonts are compressed already, and an event stream
// must reach the reader as each event is flushed, not when a buffer fills.
var compressible = map[string]bool{
	"text/html":              true,
	"text/css":               true,
	"text/javascript":        true,
	"text/plain":             true,
	"text/xml":               true,
	"application/xml":        true,
	"application/rss+xml":    true,
	"application/atom+xml":   true,
	"application/json":       true,
	"application/ld+json":    true,
	"application/javascript": true,
	"image/svg+xml":          true,
}

func isCompressible(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && compressible[mt]
}

// Compress gzips responses of the types above, when the client accepts it,
// through klauspost/compress's gzhttp (Vary, HEAD, ranges and flushing
// handled there). Pages shrink about sixfold, which is most of what a
// reader on a slow mobile connection waits for. Random jitter of up to 32
// bytes, derived from the content, blurs compressed sizes so that reflected
// input cannot be used to guess a secret on the same page (BREACH): the
// newsroom's two-factor enrolment page, for one, shows a secret.
func Compress() func(http.Handler) http.Handler {
	wrap, err := gzhttp.NewWrapper(
		gzhttp.MinSize(1024),
		gzhttp.ContentTypeFilter(isCompressible),
		gzhttp.RandomJitter(32, 0, false),
	)
	if err != nil {
		panic("server: gzip options: " + err.Error()) // the options above are constant
	}
	return func(next http.Handler) http.Handler { return wrap(next) }
}
