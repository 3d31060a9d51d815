package media_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/gif"
	_ "image/jpeg"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/image/webp"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/media"
)

func TestStore_RemovesMetadata(t *testing.T) {
	jpegEXIF := buildEXIF(binary.BigEndian, 1, true)
	pngEXIF := buildEXIF(binary.LittleEndian, 0, true)
	tests := []struct {
		name     string
		input    func(t *testing.T) []byte
		evidence [][]byte // what the input carries and no stored file may
		wantType string
		wantSize image.Point
		variants int
	}{
		{
			name: "jpeg loses its exif, camera make and gps position",
			input: func(t *testing.T) []byte {
				return withAPP1(encodeJPEG(t, photo(1200, 800)), jpegEXIF.tiff)
			},
			evidence: [][]byte{[]byte("Exif"), []byte(cameraMake), jpegEXIF.gpsPointer, jpegEXIF.latitude},
			wantType: "image/jpeg",
			wantSize: image.Pt(1200, 800),
			variants: 2,
		},
		{
			name: "png loses its eXIf and tEXt chunks",
			input: func(t *testing.T) []byte {
				return withPNGChunks(encodePNG(t, photo(600, 400)),
					pngChunk("eXIf", pngEXIF.tiff),
					pngChunk("tEXt", []byte("Author\x00"+sourceName)))
			},
			evidence: [][]byte{[]byte("eXIf"), []byte("tEXt"), []byte(cameraMake), []byte(sourceName), pngEXIF.gpsPointer, pngEXIF.latitude},
			wantType: "image/png",
			wantSize: image.Pt(600, 400),
			variants: 1,
		},
		{
			name:     "webp loses its EXIF chunk",
			input:    func(t *testing.T) []byte { return readTestdata(t, "exif.webp") },
			evidence: [][]byte{[]byte("EXIF"), []byte(cameraMake)},
			wantType: "image/jpeg",
			wantSize: image.Pt(48, 32),
		},
		{
			name: "gif loses its comment and xmp extensions",
			input: func(t *testing.T) []byte {
				return withGIFExtensions(animation(t, 600, 400, 3), "shot by "+cameraMake, "<x:xmpmeta>"+sourceName+"</x:xmpmeta>")
			},
			evidence: [][]byte{[]byte("XMP Data"), []byte(cameraMake), []byte(sourceName)},
			wantType: "image/gif",
			wantSize: image.Pt(600, 400),
			variants: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			input := tt.input(t)
			for _, e := range tt.evidence {
				if !bytes.Contains(input, e) {
					t.Fatalf("test input does not carry %q", e)
				}
			}
			if _, err := decodeAll(input); err != nil {
				t.Fatalf("test input is not a valid image: %v", err)
			}

			dir := t.TempDir()
			l := newLibrary(t, media.Options{Dir: dir})
			m, err := l.Store(context.Background(), bytes.NewReader(input))
			if err != nil {
				t.Fatalf("Store: %v", err)
			}
			if m.ContentType != tt.wantType || m.Width != tt.wantSize.X || m.Height != tt.wantSize.Y || len(m.Variants) != tt.variants {
				t.Fatalf("got %s %d×%d with %d variants, want %s %d×%d with %d", m.ContentType, m.Width, m.Height, len(m.Variants), tt.wantType, tt.wantSize.X, tt.wantSize.Y, tt.variants)
			}
			for _, name := range storedNames(m) {
				stored := readFile(t, dir, name)
				assertClean(t, "stored "+name, stored, m.ContentType, tt.evidence)

				rec := get(l, media.URL(name))
				if rec.Code != http.StatusOK {
					t.Fatalf("GET %s: status %d", name, rec.Code)
				}
				served := rec.Body.Bytes()
				if !bytes.Equal(served, stored) {
					t.Errorf("GET %s: served bytes differ from the stored file", name)
				}
				assertClean(t, "served "+name, served, rec.Header().Get("Content-Type"), tt.evidence)
			}
		})
	}
}

// assertClean checks that b is a valid image of type ct, carries none of
// evidence, and has no metadata segments or chunks at all.
func assertClean(t *testing.T, what string, b []byte, ct string, evidence [][]byte) {
	t.Helper()
	for _, e := range evidence {
		if bytes.Contains(b, e) {
			t.Errorf("%s contains %q", what, e)
		}
	}
	for _, e := range []string{"Exif", "eXIf", "tEXt", "iTXt", "zTXt", "XMP", cameraMake, sourceName} {
		if bytes.Contains(b, []byte(e)) {
			t.Errorf("%s contains %q", what, e)
		}
	}
	_, format, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s does not decode: %v", what, err)
	}
	if "image/"+format != ct {
		t.Errorf("%s is %s, labelled %s", what, format, ct)
	}
	switch ct {
	case "image/jpeg":
		for _, m := range jpegMarkers(t, b) {
			if 0xE0 <= m && m <= 0xEF || m == 0xFE {
				t.Errorf("%s has an APP%d or comment segment (marker %#x)", what, m-0xE0, m)
			}
		}
	case "image/png":
		for _, c := range pngChunkTypes(t, b) {
			if !slices.Contains([]string{"IHDR", "PLTE", "tRNS", "IDAT", "IEND"}, c) {
				t.Errorf("%s has a %s chunk", what, c)
			}
		}
	}
}

func TestStore_Orientation(t *testing.T) {
	// The source is 64 × 32 with a red square in its top-left corner; each
	// orientation says how to turn it for display.
	tests := []struct {
		name        string
		orientation int
		order       binary.AppendByteOrder
		wantW       int
		wantH       int
		wantCorner  string
	}{
		{"orientation 1 leaves the image as it is", 1, binary.BigEndian, 64, 32, "top left"},
		{"orientation 2 mirrors it", 2, binary.BigEndian, 64, 32, "top right"},
		{"orientation 3 turns it half round", 3, binary.BigEndian, 64, 32, "bottom right"},
		{"orientation 4 flips it upside down", 4, binary.BigEndian, 64, 32, "bottom left"},
		{"orientation 5 transposes it, swapping width and height", 5, binary.BigEndian, 32, 64, "top left"},
		{"orientation 6 turns it right, swapping width and height", 6, binary.BigEndian, 32, 64, "top right"},
		{"orientation 6 in little-endian exif turns it right too", 6, binary.LittleEndian, 32, 64, "top right"},
		{"orientation 7 transverses it, swapping width and height", 7, binary.BigEndian, 32, 64, "bottom right"},
		{"orientation 8 turns it left, swapping width and height", 8, binary.BigEndian, 32, 64, "bottom left"},
	}
	l := newLibrary(t, media.Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			input := withAPP1(encodeJPEG(t, cornerImage(64, 32)), buildEXIF(tt.order, tt.orientation, false).tiff)
			m, err := l.Store(context.Background(), bytes.NewReader(input))
			if err != nil {
				t.Fatalf("Store: %v", err)
			}
			if m.Width != tt.wantW || m.Height != tt.wantH {
				t.Fatalf("got %d×%d, want %d×%d", m.Width, m.Height, tt.wantW, tt.wantH)
			}
			rec := get(l, media.URL(m.Name))
			img, _, err := image.Decode(rec.Body)
			if err != nil {
				t.Fatal(err)
			}
			if b := img.Bounds(); b.Dx() != tt.wantW || b.Dy() != tt.wantH {
				t.Fatalf("stored file is %v, want %d×%d", b, tt.wantW, tt.wantH)
			}
			if got := redCorner(img); got != tt.wantCorner {
				t.Errorf("red square is at %s, want %s", got, tt.wantCorner)
			}
		})
	}
}

// redCorner tells which corner of img is red.
func redCorner(img image.Image) string {
	b := img.Bounds()
	corners := []struct {
		name string
		x, y int
	}{
		{"top left", 8, 8}, {"top right", b.Dx() - 9, 8}, {"bottom left", 8, b.Dy() - 9}, {"bottom right", b.Dx() - 9, b.Dy() - 9},
	}
	var red []string
	for _, c := range corners {
		r, g, bl, _ := img.At(b.Min.X+c.x, b.Min.Y+c.y).RGBA()
		if r > 0xb000 && g < 0x6000 && bl < 0x6000 {
			red = append(red, c.name)
		}
	}
	return strings.Join(red, " and ")
}

func TestStore_RefusesBombsWithoutDecoding(t *testing.T) {
	tiny := encodePNG(t, image.NewGray(image.Rect(0, 0, 1, 1)))
	smallJPEG := encodeJPEG(t, photo(16, 16))
	// A VP8X header claiming a 16000 × 16000 canvas: RIFF, size, WEBP, then
	// the VP8X chunk (flags, reserved, width-1 and height-1 in 24 bits).
	webpBomb := func() []byte {
		b := []byte("RIFF\x00\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x00\x00\x00\x00")
		b = append(b, 0x7f, 0x3e, 0, 0x7f, 0x3e, 0) // 15999 = 0x3e7f, little-endian
		binary.LittleEndian.PutUint32(b[4:], uint32(len(b)-8))
		return b
	}
	tests := []struct {
		name        string
		input       []byte
		pixelBuffer int64 // bytes decoding would allocate
		wantMessage string
	}{
		{
			name:        "png claiming 100000 × 100000 is refused by its sides",
			input:       withPNGSize(tiny, 100000, 100000),
			pixelBuffer: 100000 * 100000,
			wantMessage: "The image is 100000 × 100000 pixels; the limit is 12000 pixels on either side. Upload a smaller image.",
		},
		{
			name:        "png claiming 9000 × 9000 is refused by its pixel count",
			input:       withPNGSize(tiny, 9000, 9000),
			pixelBuffer: 9000 * 9000,
			wantMessage: "The image has 81 megapixels (9000 × 9000); the limit is 40 megapixels. Upload a smaller image.",
		},
		{
			name:        "jpeg claiming 8000 × 8000 is refused by its pixel count",
			input:       withJPEGSize(t, smallJPEG, 8000, 8000),
			pixelBuffer: 8000 * 8000 * 3 / 2,
			wantMessage: "The image has 64 megapixels (8000 × 8000); the limit is 40 megapixels. Upload a smaller image.",
		},
		{
			name:        "webp claiming 16000 × 16000 is refused by its sides",
			input:       webpBomb(),
			pixelBuffer: 16000 * 16000 * 3 / 2,
			wantMessage: "The image is 16000 × 16000 pixels; the limit is 12000 pixels on either side. Upload a smaller image.",
		},
		{
			name:        "gif of 41 frames of 1000 × 1000 is refused by frames × pixels",
			input:       uniformAnimation(t, 1000, 1000, 41),
			pixelBuffer: 41 * 1000 * 1000,
			wantMessage: "The animation has 41 frames of 1000 × 1000 pixels, 41 megapixels in all; the limit is 40 megapixels and 5000 frames. Upload a shorter or smaller animation.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			l := newLibrary(t, media.Options{Dir: dir})

			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			_, err := l.Store(context.Background(), bytes.NewReader(tt.input))
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			allocated := after.TotalAlloc - before.TotalAlloc
			t.Logf("input %d bytes; Store allocated %d bytes (pixels would need %d) in %v", len(tt.input), allocated, tt.pixelBuffer, elapsed)

			if qalam.KindOf(err) != qalam.KindTooLarge {
				t.Fatalf("got error %v (kind %v), want kind too_large", err, qalam.KindOf(err))
			}
			if got := qalam.MessageOf(err); got != tt.wantMessage {
				t.Errorf("got message\n%q, want\n%q", got, tt.wantMessage)
			}
			if limit := uint64(10 << 20); allocated > limit || int64(allocated) > tt.pixelBuffer/4 {
				t.Errorf("Store allocated %d bytes, want under %d and far under the %d-byte pixel buffer", allocated, limit, tt.pixelBuffer)
			}
			if elapsed > 2*time.Second {
				t.Errorf("Store took %v to refuse", elapsed)
			}
			if got := files(t, dir); len(got) != 0 {
				t.Errorf("files left behind: %v", got)
			}
		})
	}
}

func TestStore_TypeFromContent(t *testing.T) {
	pngBytes := encodePNG(t, photo(40, 30))
	jpegBytes := encodeJPEG(t, photo(600, 400))
	gifBytes := animation(t, 40, 30, 2)

	// asUpload sends b as a browser would, named photo.jpg and labelled
	// image/jpeg, and returns the part the server reads.
	asUpload := func(t *testing.T, b []byte) io.Reader {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		h := make(map[string][]string)
		h["Content-Disposition"] = []string{`form-data; name="image"; filename="photo.jpg"`}
		h["Content-Type"] = []string{"image/jpeg"}
		pw, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		pw.Write(b)
		mw.Close()
		r := httptest.NewRequest(http.MethodPost, "/admin/media", &body)
		r.Header.Set("Content-Type", mw.FormDataContentType())
		f, fh, err := r.FormFile("image")
		if err != nil {
			t.Fatal(err)
		}
		if fh.Filename != "photo.jpg" || fh.Header.Get("Content-Type") != "image/jpeg" {
			t.Fatalf("upload is %q %q", fh.Filename, fh.Header.Get("Content-Type"))
		}
		t.Cleanup(func() { f.Close() })
		return f
	}

	stored := []struct {
		name     string
		input    func(t *testing.T) io.Reader
		wantType string
		wantExt  string
	}{
		{"png sent as photo.jpg with image/jpeg is stored as png", func(t *testing.T) io.Reader { return asUpload(t, pngBytes) }, "image/png", ".png"},
		{"jpeg is stored as jpeg", func(t *testing.T) io.Reader { return bytes.NewReader(jpegBytes) }, "image/jpeg", ".jpg"},
		{"gif is stored as gif", func(t *testing.T) io.Reader { return bytes.NewReader(gifBytes) }, "image/gif", ".gif"},
		{"png with alpha stays png", func(t *testing.T) io.Reader { return bytes.NewReader(transparentPNG(t)) }, "image/png", ".png"},
	}
	for _, tt := range stored {
		t.Run(tt.name, func(t *testing.T) {
			l := newLibrary(t, media.Options{})
			m, err := l.Store(context.Background(), tt.input(t))
			if err != nil {
				t.Fatalf("Store: %v", err)
			}
			if m.ContentType != tt.wantType || !strings.HasSuffix(m.Name, tt.wantExt) {
				t.Errorf("stored %s as %s, want %s as *%s", m.Name, m.ContentType, tt.wantType, tt.wantExt)
			}
		})
	}

	const unsupported = "Upload a JPEG, PNG, GIF or WebP image."
	refused := []struct {
		name        string
		opts        media.Options
		input       func() io.Reader
		wantKind    qalam.Kind
		wantMessage string
	}{
		{
			name: "svg is refused",
			input: func() io.Reader {
				return strings.NewReader(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)
			},
			wantKind:    qalam.KindInvalid,
			wantMessage: unsupported,
		},
		{
			name:        "html is refused",
			input:       func() io.Reader { return strings.NewReader("<!doctype html><html><body><script>alert(1)</script>") },
			wantKind:    qalam.KindInvalid,
			wantMessage: unsupported,
		},
		{
			name:        "text is refused",
			input:       func() io.Reader { return strings.NewReader("just some words, not a picture\n") },
			wantKind:    qalam.KindInvalid,
			wantMessage: unsupported,
		},
		{
			name:        "pdf is refused",
			input:       func() io.Reader { return strings.NewReader("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n") },
			wantKind:    qalam.KindInvalid,
			wantMessage: unsupported,
		},
		{
			name:        "an empty file is refused",
			input:       func() io.Reader { return strings.NewReader("") },
			wantKind:    qalam.KindInvalid,
			wantMessage: "The file is empty. Upload a JPEG, PNG, GIF or WebP image.",
		},
		{
			name:        "html behind a gif signature is refused",
			input:       func() io.Reader { return strings.NewReader("GIF89a<html><script>alert(1)</script></html>") },
			wantKind:    qalam.KindInvalid,
			wantMessage: "The image could not be read: the GIF file is damaged or uses a feature we do not support.",
		},
		{
			name:        "truncated jpeg is refused as incomplete",
			input:       func() io.Reader { return bytes.NewReader(jpegBytes[:len(jpegBytes)/2]) },
			wantKind:    qalam.KindInvalid,
			wantMessage: "The image could not be read: the JPEG file is incomplete. Upload it again.",
		},
		{
			name:        "jpeg cut inside its header is refused as incomplete",
			input:       func() io.Reader { return bytes.NewReader(jpegBytes[:40]) },
			wantKind:    qalam.KindInvalid,
			wantMessage: "The image could not be read: the JPEG file is incomplete. Upload it again.",
		},
		{
			name:        "truncated png is refused as incomplete",
			input:       func() io.Reader { return bytes.NewReader(pngBytes[:len(pngBytes)/2]) },
			wantKind:    qalam.KindInvalid,
			wantMessage: "The image could not be read: the PNG file is incomplete. Upload it again.",
		},
		{
			name:        "truncated gif is refused as incomplete",
			input:       func() io.Reader { return bytes.NewReader(gifBytes[:len(gifBytes)-20]) },
			wantKind:    qalam.KindInvalid,
			wantMessage: "The image could not be read: the GIF file is incomplete. Upload it again.",
		},
		{
			name:        "file over MaxBytes is refused",
			opts:        media.Options{MaxBytes: 1000},
			input:       func() io.Reader { return bytes.NewReader(jpegBytes) },
			wantKind:    qalam.KindTooLarge,
			wantMessage: "The file is larger than 1000 bytes. Upload a smaller image.",
		},
		{
			name: "file over the request's MaxBytesReader is refused",
			input: func() io.Reader {
				return http.MaxBytesReader(httptest.NewRecorder(), io.NopCloser(bytes.NewReader(jpegBytes)), 1000)
			},
			wantKind:    qalam.KindTooLarge,
			wantMessage: "The file is larger than 1000 bytes. Upload a smaller image.",
		},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Dir = t.TempDir()
			l := newLibrary(t, tt.opts)
			m, err := l.Store(context.Background(), tt.input())
			if err == nil {
				t.Fatalf("Store accepted it as %s", m.ContentType)
			}
			if got := qalam.KindOf(err); got != tt.wantKind {
				t.Errorf("got kind %v (%v), want %v", got, err, tt.wantKind)
			}
			if got := qalam.MessageOf(err); got != tt.wantMessage {
				t.Errorf("got message\n%q, want\n%q", got, tt.wantMessage)
			}
			if got := files(t, tt.opts.Dir); len(got) != 0 {
				t.Errorf("files left behind: %v", got)
			}
		})
	}
}

func TestStore_Variants(t *testing.T) {
	tests := []struct {
		name   string
		widths []int
		w, h   int
		want   []image.Point
	}{
		{"2000 × 1000 gets 480, 960 and 1600 wide variants", nil, 2000, 1000, []image.Point{{480, 240}, {960, 480}, {1600, 800}}},
		{"300 wide gets none", nil, 300, 200, nil},
		{"960 wide gets only the narrower 480", nil, 960, 540, []image.Point{{480, 270}}},
		{"heights are rounded in proportion", nil, 1000, 333, []image.Point{{480, 160}, {960, 320}}},
		{"configured widths are sorted and deduplicated", []int{800, 200, 200}, 1000, 500, []image.Point{{200, 100}, {800, 400}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			l := newLibrary(t, media.Options{Dir: dir, Widths: tt.widths})
			m, err := l.Store(context.Background(), bytes.NewReader(encodeJPEG(t, photo(tt.w, tt.h))))
			if err != nil {
				t.Fatalf("Store: %v", err)
			}
			var got []image.Point
			for _, v := range m.Variants {
				got = append(got, image.Pt(v.Width, v.Height))
				cfg, _, err := image.DecodeConfig(bytes.NewReader(readFile(t, dir, v.Name)))
				if err != nil {
					t.Fatal(err)
				}
				if cfg.Width != v.Width || cfg.Height != v.Height {
					t.Errorf("variant %s is %d×%d, described as %d×%d", v.Name, cfg.Width, cfg.Height, v.Width, v.Height)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("variants %v, want %v", got, tt.want)
			}
			original := readFile(t, dir, m.Name)
			if m.Bytes != int64(len(original)) || m.Width != tt.w || m.Height != tt.h {
				t.Errorf("original described as %d×%d, %d bytes; file has %d bytes", m.Width, m.Height, m.Bytes, len(original))
			}
			if got, want := len(files(t, dir)), 1+len(tt.want); got != want {
				t.Errorf("%d files in the folder, want %d", got, want)
			}

			var want []string
			for _, v := range m.Variants {
				want = append(want, media.URL(v.Name)+" "+strconv.Itoa(v.Width)+"w")
			}
			want = append(want, media.URL(m.Name)+" "+strconv.Itoa(tt.w)+"w")
			if got := media.Srcset(m); got != strings.Join(want, ", ") {
				t.Errorf("Srcset = %q, want %q", got, strings.Join(want, ", "))
			}
		})
	}
}

func TestStore_AnimatedGIF(t *testing.T) {
	dir := t.TempDir()
	l := newLibrary(t, media.Options{Dir: dir})
	m, err := l.Store(context.Background(), bytes.NewReader(animation(t, 1000, 500, 3)))
	if err != nil {
		t.Fatalf("Store: %v", err)
	}
	if len(m.Variants) != 2 {
		t.Fatalf("got %d variants, want 2 (480 and 960)", len(m.Variants))
	}
	for _, name := range storedNames(m) {
		g, err := gif.DecodeAll(bytes.NewReader(readFile(t, dir, name)))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(g.Image) != 3 || !slices.Equal(g.Delay, []int{10, 11, 12}) || g.LoopCount != 0 {
			t.Errorf("%s: %d frames, delays %v, loop count %d; want 3 frames, delays [10 11 12], looping", name, len(g.Image), g.Delay, g.LoopCount)
		}
	}
	// The frames differ: the animation was not flattened to one picture.
	g, _ := gif.DecodeAll(bytes.NewReader(readFile(t, dir, m.Variants[0].Name)))
	if c0, c1 := g.Image[0].At(5, 5), g.Image[1].At(5, 5); c0 == c1 {
		t.Errorf("variant frames 0 and 1 both show %v at (5, 5)", c0)
	}
}

func TestStore_WebP(t *testing.T) {
	tests := []struct {
		file        string
		name        string
		wantType    string
		transparent bool
	}{
		{"lossy.webp", "lossy opaque webp is stored as jpeg", "image/jpeg", false},
		{"lossless.webp", "lossless opaque webp is stored as jpeg", "image/jpeg", false},
		{"lossy-alpha.webp", "lossy webp with transparency is stored as png", "image/png", true},
		{"lossless-alpha.webp", "lossless webp with transparency is stored as png", "image/png", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			input := readTestdata(t, tt.file)
			if len(input) > 1000 {
				t.Fatalf("testdata/%s is %d bytes; keep test files small", tt.file, len(input))
			}
			dir := t.TempDir()
			l := newLibrary(t, media.Options{Dir: dir})
			m, err := l.Store(context.Background(), bytes.NewReader(input))
			if err != nil {
				t.Fatalf("Store: %v", err)
			}
			if m.ContentType != tt.wantType || m.Width != 48 || m.Height != 32 {
				t.Fatalf("stored as %s %d×%d, want %s 48×32", m.ContentType, m.Width, m.Height, tt.wantType)
			}
			img, format, err := image.Decode(bytes.NewReader(readFile(t, dir, m.Name)))
			if err != nil || "image/"+format != tt.wantType {
				t.Fatalf("stored file decodes as %q: %v", format, err)
			}
			_, _, _, cornerAlpha := img.At(0, 0).RGBA()
			if got := cornerAlpha == 0; got != tt.transparent {
				t.Errorf("corner transparent = %v, want %v", got, tt.transparent)
			}
			if tt.transparent {
				if _, _, _, a := img.At(24, 16).RGBA(); a != 0xffff {
					t.Errorf("centre alpha = %#x, want opaque", a)
				}
			}
		})
	}
}

func TestStore_Concurrent(t *testing.T) {
	dir := t.TempDir()
	l := newLibrary(t, media.Options{Dir: dir})
	inputs := [][]byte{
		encodeJPEG(t, photo(1000, 700)), encodePNG(t, photo(700, 500)), animation(t, 500, 300, 2),
		encodeJPEG(t, photo(500, 900)), encodePNG(t, photo(300, 300)), readTestdata(t, "lossy.webp"),
	}
	var wg sync.WaitGroup
	results := make([]*qalam.Media, len(inputs))
	errs := make([]error, len(inputs))
	for i, in := range inputs {
		wg.Go(func() {
			results[i], errs[i] = l.Store(context.Background(), bytes.NewReader(in))
		})
	}
	wg.Wait()
	seen := map[string]bool{}
	total := 0
	for i, m := range results {
		if errs[i] != nil {
			t.Fatalf("Store %d: %v", i, errs[i])
		}
		for _, name := range storedNames(m) {
			if seen[name] {
				t.Errorf("name %s used twice", name)
			}
			seen[name] = true
			total++
		}
	}
	if got := len(files(t, dir)); got != total {
		t.Errorf("%d files in the folder, want %d", got, total)
	}
}

func TestStore_CancelledLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	l := newLibrary(t, media.Options{Dir: dir})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := l.Store(ctx, bytes.NewReader(encodeJPEG(t, photo(2000, 1000))))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
	if got := files(t, dir); len(got) != 0 {
		t.Errorf("files left behind: %v", got)
	}
}

func TestRemove(t *testing.T) {
	dir := t.TempDir()
	l := newLibrary(t, media.Options{Dir: dir})
	m, err := l.Store(context.Background(), bytes.NewReader(encodeJPEG(t, photo(1000, 500))))
	if err != nil {
		t.Fatal(err)
	}
	keep, err := l.Store(context.Background(), bytes.NewReader(encodePNG(t, photo(100, 100))))
	if err != nil {
		t.Fatal(err)
	}

	t.Run("removes the original and every variant", func(t *testing.T) {
		if err := l.Remove(m); err != nil {
			t.Fatal(err)
		}
		if got := files(t, dir); !slices.Equal(got, []string{keep.Name}) {
			t.Errorf("folder holds %v, want only %s", got, keep.Name)
		}
	})
	t.Run("removing again is not an error", func(t *testing.T) {
		if err := l.Remove(m); err != nil {
			t.Error(err)
		}
	})
	t.Run("names the library could not have written are refused", func(t *testing.T) {
		bad := &qalam.Media{Name: "../" + keep.Name}
		if err := l.Remove(bad); err == nil {
			t.Error("Remove accepted a path")
		}
		if got := files(t, dir); !slices.Equal(got, []string{keep.Name}) {
			t.Errorf("folder holds %v, want only %s", got, keep.Name)
		}
	})
}

func TestNew(t *testing.T) {
	t.Run("creates the folder with mode 0750", func(t *testing.T) {
		dir := t.TempDir() + "/media/images"
		newLibrary(t, media.Options{Dir: dir})
		fi, err := os.Stat(dir)
		if err != nil {
			t.Fatal(err)
		}
		if !fi.IsDir() || fi.Mode().Perm()&^0o750 != 0 {
			t.Errorf("folder mode %v, want a directory within 0750", fi.Mode())
		}
	})
	t.Run("refuses no folder", func(t *testing.T) {
		if _, err := media.New(media.Options{}); err == nil {
			t.Error("New accepted an empty Dir")
		}
	})
	t.Run("refuses a non-positive width", func(t *testing.T) {
		if _, err := media.New(media.Options{Dir: t.TempDir(), Widths: []int{480, 0}}); err == nil {
			t.Error("New accepted width 0")
		}
	})
}

func TestSrcset(t *testing.T) {
	tests := []struct {
		name string
		m    *qalam.Media
		want string
	}{
		{"nil media has none", nil, ""},
		{"original alone", &qalam.Media{Name: "a.jpg", Width: 300}, "/media/a.jpg 300w"},
		{
			"variants narrowest first, then the original",
			&qalam.Media{Name: "c.jpg", Width: 2000, Variants: []qalam.MediaVariant{{Width: 480, Name: "a.jpg"}, {Width: 960, Name: "b.jpg"}}},
			"/media/a.jpg 480w, /media/b.jpg 960w, /media/c.jpg 2000w",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := media.Srcset(tt.m); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// transparentPNG is a small PNG with a translucent pixel.
func transparentPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 20, 20))
	img.SetNRGBA(5, 5, color.NRGBA{0xff, 0, 0, 0x80})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// decodeAll fully decodes any accepted input format.
func decodeAll(b []byte) (image.Image, error) {
	if bytes.HasPrefix(b, []byte("RIFF")) {
		return webp.Decode(bytes.NewReader(b))
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	return img, err
}

// uniformAnimation is n frames of one colour: a small file of many pixels.
func uniformAnimation(t *testing.T, w, h, n int) []byte {
	t.Helper()
	frame := image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{color.Black, color.White})
	g := &gif.GIF{}
	for range n {
		g.Image = append(g.Image, frame)
		g.Delay = append(g.Delay, 10)
	}
	var b bytes.Buffer
	if err := gif.EncodeAll(&b, g); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func FuzzStore(f *testing.F) {
	f.Add(withAPP1(encodeJPEG(f, photo(20, 10)), buildEXIF(binary.BigEndian, 6, true).tiff))
	f.Add(withPNGChunks(encodePNG(f, photo(20, 10)), pngChunk("tEXt", []byte("k\x00v"))))
	f.Add(withGIFExtensions(animation(f, 20, 10, 2), "c", "x"))
	f.Add(readTestdata(f, "lossy-alpha.webp"))
	f.Add(readTestdata(f, "lossless.webp"))
	f.Fuzz(func(t *testing.T, b []byte) {
		dir := t.TempDir()
		// Small limits keep the fuzzer's memory in check.
		l := newLibrary(t, media.Options{Dir: dir, MaxPixels: 1 << 20, MaxSide: 2048, Widths: []int{8}})
		m, err := l.Store(context.Background(), bytes.NewReader(b))
		if err != nil {
			if qalam.KindOf(err) == qalam.KindInternal {
				t.Fatalf("internal error for bad input: %v", err)
			}
			if got := files(t, dir); len(got) != 0 {
				t.Fatalf("files left behind: %v", got)
			}
			return
		}
		for _, name := range storedNames(m) {
			if _, _, err := image.Decode(bytes.NewReader(readFile(t, dir, name))); err != nil {
				t.Fatalf("stored %s does not decode: %v", name, err)
			}
		}
		if err := l.Remove(m); err != nil {
			t.Fatal(err)
		}
	})
}
