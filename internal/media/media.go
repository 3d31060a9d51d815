// Package media owns uploaded images: checking, re-encoding without metadata,
// resizing, storing and serving.
//
// Every upload is decoded and encoded again, so nothing from the uploaded
// file but its pixels survives: no EXIF (GPS position, camera serial
// numbers), no XMP, no comments, no trailing payload. A photograph's GPS tag
// can endanger a source; re-encoding is the only dependable way to drop it.
package media

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/qalamnews/qalam"
)

// Defaults for the zero values of Options.
const (
	DefaultMaxBytes  = 10 << 20   // 10 MiB
	DefaultMaxPixels = 40_000_000 // 40 megapixels
	DefaultMaxSide   = 12000      // pixels, either side
)

// DefaultWidths are the srcset widths used when Options.Widths is empty.
var DefaultWidths = []int{480, 960, 1600}

// maxDecodes bounds how many images are decoded at once: a decoded image can
// take hundreds of megabytes.
const maxDecodes = 2

// Options configures a Library. Zero values take the defaults.
type Options struct {
	Dir       string // folder for stored files, created 0750 if missing
	MaxBytes  int64  // default 10 MiB
	MaxPixels int64  // default 40 megapixels (width*height computed in int64); for GIF, frames*width*height
	MaxSide   int    // default 12000 px, either side
	Widths    []int  // srcset widths, default 480, 960, 1600 (only those narrower than the original)
}

// Library stores uploaded images in one folder and serves them.
type Library struct {
	root      *os.Root
	maxBytes  int64
	maxPixels int64
	maxSide   int
	widths    []int         // ascending, distinct, positive
	decodes   chan struct{} // semaphore: at most maxDecodes decodes at a time
}

// New opens (creating it if missing) the folder opts.Dir.
func New(opts Options) (*Library, error) {
	if opts.Dir == "" {
		return nil, errors.New("media: no folder given for stored images")
	}
	if opts.MaxBytes < 0 || opts.MaxPixels < 0 || opts.MaxSide < 0 {
		return nil, errors.New("media: negative size limit")
	}
	l := &Library{
		maxBytes:  cmpOr(opts.MaxBytes, DefaultMaxBytes),
		maxPixels: cmpOr(opts.MaxPixels, DefaultMaxPixels),
		maxSide:   cmpOr(opts.MaxSide, DefaultMaxSide),
		decodes:   make(chan struct{}, maxDecodes),
	}
	widths := opts.Widths
	if len(widths) == 0 {
		widths = DefaultWidths
	}
	for _, w := range widths {
		if w <= 0 {
			return nil, fmt.Errorf("media: srcset width %d is not positive", w)
		}
		l.widths = append(l.widths, w)
	}
	slices.Sort(l.widths)
	l.widths = slices.Compact(l.widths)

	if err := os.MkdirAll(opts.Dir, 0o750); err != nil {
		return nil, fmt.Errorf("media: create folder: %w", err)
	}
	root, err := os.OpenRoot(opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("media: open folder: %w", err)
	}
	l.root = root
	return l, nil
}

func cmpOr[T int | int64](v, def T) T {
	if v == 0 {
		return def
	}
	return v
}

// Close releases the folder handle. Files already stored stay.
func (l *Library) Close() error {
	return l.root.Close()
}

// Store reads an upload, checks it, re-encodes it without metadata, writes
// it and its narrower variants under fresh random names, and returns the
// description of what it stored. The caller fills Alt, Caption, Credit and
// UserID. On error nothing is left in the folder.
//
// The type comes from the content alone: JPEG, PNG, GIF or WebP. JPEGs are
// turned upright according to their EXIF orientation before the metadata is
// dropped. WebP is stored as JPEG when opaque and PNG otherwise; GIF stays
// GIF with its animation.
func (l *Library) Store(ctx context.Context, r io.Reader) (*qalam.Media, error) {
	data, err := l.read(r)
	if err != nil {
		return nil, err
	}
	f, ok := sniff(data)
	if !ok {
		return nil, errUnsupported
	}
	if err := l.check(f, data); err != nil {
		return nil, err
	}
	if err := l.acquire(ctx); err != nil {
		return nil, err
	}
	defer l.release()

	img, err := decode(f, data)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("media: store: %w", err)
	}

	w := &writer{l: l}
	m, err := w.store(ctx, img, l.widths)
	if err != nil {
		w.undo()
		return nil, err
	}
	if err := w.syncDir(); err != nil {
		w.undo()
		return nil, err
	}
	return m, nil
}

var errUnsupported = qalam.Errorf(qalam.KindInvalid, "Upload a JPEG, PNG, GIF or WebP image.")

// read reads the whole upload, refusing more than maxBytes.
func (l *Library) read(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, l.maxBytes+1))
	if mbe, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return nil, tooManyBytes(min(mbe.Limit, l.maxBytes), mbe)
	}
	if err != nil {
		return nil, fmt.Errorf("media: read upload: %w", err)
	}
	if int64(len(data)) > l.maxBytes {
		return nil, tooManyBytes(l.maxBytes, nil)
	}
	if len(data) == 0 {
		return nil, qalam.Errorf(qalam.KindInvalid, "The file is empty. Upload a JPEG, PNG, GIF or WebP image.")
	}
	return data, nil
}

func tooManyBytes(limit int64, cause error) error {
	return &qalam.Error{
		Kind:    qalam.KindTooLarge,
		Message: "The file is larger than " + formatBytes(limit) + ". Upload a smaller image.",
		Err:     cause,
	}
}

// formatBytes writes n for people: "10 MiB", "512 KiB", "1000 bytes".
func formatBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	default:
		return strconv.FormatInt(n, 10) + " bytes"
	}
}

func (l *Library) acquire(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("media: store: %w", err)
	}
	select {
	case l.decodes <- struct{}{}:
		return nil
	case <-ctx.Done():
		return &qalam.Error{
			Kind:    qalam.KindUnavailable,
			Message: "The server is busy with other images. Please try again.",
			Err:     ctx.Err(),
		}
	}
}

func (l *Library) release() { <-l.decodes }

// Remove deletes a media item's files: the original and every variant. Files
// already gone are not an error.
func (l *Library) Remove(m *qalam.Media) error {
	if m == nil {
		return nil
	}
	names := []string{m.Name}
	for _, v := range m.Variants {
		names = append(names, v.Name)
	}
	var errs []error
	for _, name := range names {
		if _, ok := contentType(name); !ok {
			errs = append(errs, fmt.Errorf("media: remove: %q is not a stored file name", name))
			continue
		}
		if err := l.root.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, fmt.Errorf("media: remove %s: %w", name, err))
		}
	}
	return errors.Join(errs...)
}

// URL is the public path of a stored file.
func URL(name string) string {
	return "/media/" + name
}

// Srcset is the srcset attribute value for m: its variants and its original,
// each with its width, narrowest first.
func Srcset(m *qalam.Media) string {
	if m == nil || m.Name == "" {
		return ""
	}
	var b strings.Builder
	for _, v := range m.Variants {
		fmt.Fprintf(&b, "%s %dw, ", URL(v.Name), v.Width)
	}
	fmt.Fprintf(&b, "%s %dw", URL(m.Name), m.Width)
	return b.String()
}

// Stored file names are 32 lowercase hex digits (128 random bits) and one of
// these extensions. Nothing else is ever written, served or removed.
const nameHexLen = 32

var extTypes = map[string]string{
	".jpg": "image/jpeg",
	".png": "image/png",
	".gif": "image/gif",
}

// contentType returns the Content-Type of a stored file name, and whether the
// name is one the library could have written.
func contentType(name string) (string, bool) {
	if len(name) != nameHexLen+4 {
		return "", false
	}
	for _, c := range []byte(name[:nameHexLen]) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return "", false
		}
	}
	ct, ok := extTypes[name[nameHexLen:]]
	return ct, ok
}

func randomName(ext string) string {
	var b [nameHexLen / 2]byte
	rand.Read(b[:]) // never fails (crypto/rand, Go ≥ 1.24)
	return hex.EncodeToString(b[:]) + ext
}

// writer writes one upload's files and remembers them so that a failure
// can take them all back.
type writer struct {
	l       *Library
	written []string // final names, renamed into place
}

// write encodes into a fresh temporary file, syncs it, and renames it to a
// new random name with extension ext. It returns the name and size.
func (w *writer) write(ext string, encode func(io.Writer) error) (string, int64, error) {
	name := randomName(ext)
	tmp := ".tmp-" + name // never matches the served pattern
	f, err := w.l.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return "", 0, fmt.Errorf("media: create file: %w", err)
	}
	size, err := writeSynced(f, encode)
	if err != nil {
		w.l.root.Remove(tmp)
		return "", 0, err
	}
	if err := w.l.root.Rename(tmp, name); err != nil {
		w.l.root.Remove(tmp)
		return "", 0, fmt.Errorf("media: rename file: %w", err)
	}
	w.written = append(w.written, name)
	return name, size, nil
}

// writeSynced runs encode into f through a buffer, then syncs and closes f.
func writeSynced(f *os.File, encode func(io.Writer) error) (int64, error) {
	bw := bufio.NewWriterSize(f, 64<<10)
	cw := &countingWriter{w: bw}
	err := encode(cw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, fmt.Errorf("media: write file: %w", err)
	}
	return cw.n, nil
}

// syncDir makes the renames durable.
func (w *writer) syncDir() error {
	d, err := w.l.root.Open(".")
	if err != nil {
		return fmt.Errorf("media: sync folder: %w", err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("media: sync folder: %w", err)
	}
	return nil
}

// undo removes every file this writer renamed into place.
func (w *writer) undo() {
	for _, name := range w.written {
		w.l.root.Remove(name)
	}
	w.written = nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
