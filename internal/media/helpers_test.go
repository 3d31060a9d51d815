package media_test

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/media"
)

// newLibrary opens a Library on a fresh temporary folder unless opts names
// one.
func newLibrary(t testing.TB, opts media.Options) *media.Library {
	t.Helper()
	if opts.Dir == "" {
		opts.Dir = t.TempDir()
	}
	l, err := media.New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// photo draws a w × h picture with gradients and a few shapes, so that
// encoders have something real to compress.
func photo(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		row := img.Pix[y*img.Stride:]
		for x := range w {
			b := uint8(x + y)
			if (x/40+y/40)%2 == 0 {
				b = 0x30
			}
			copy(row[4*x:], []byte{uint8(x * 255 / w), uint8(y * 255 / h), b, 0xff})
		}
	}
	return img
}

// cornerImage is white with a red 16 × 16 square in its top-left corner:
// where the square ends up tells how the image was turned.
func cornerImage(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{0xff, 0xff, 0xff, 0xff}
			if x < 16 && y < 16 {
				c = color.RGBA{0xe0, 0x10, 0x10, 0xff}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

func encodeJPEG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// animation is an n-frame w × h GIF whose frames are filled with different
// palette colours.
func animation(t testing.TB, w, h, n int) []byte {
	t.Helper()
	pal := color.Palette{color.RGBA{0, 0, 0, 0xff}, color.RGBA{0xff, 0, 0, 0xff}, color.RGBA{0, 0xff, 0, 0xff}, color.RGBA{0, 0, 0xff, 0xff}}
	g := &gif.GIF{LoopCount: 0}
	for i := range n {
		m := image.NewPaletted(image.Rect(0, 0, w, h), pal)
		for y := range h {
			for x := range w {
				m.SetColorIndex(x, y, uint8((i+x/50)%len(pal)))
			}
		}
		g.Image = append(g.Image, m)
		g.Delay = append(g.Delay, 10+i)
	}
	var b bytes.Buffer
	if err := gif.EncodeAll(&b, g); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Test metadata. cameraMake and sourceName must not survive a Store.
const (
	cameraMake = "QalamTestCam"
	sourceName = "QalamTestSource"
)

// exifData is a hand-built EXIF (TIFF) structure and the byte strings that
// identify it.
type exifData struct {
	tiff       []byte // the TIFF structure: the body of a JPEG APP1 "Exif" segment or a PNG eXIf chunk
	gpsPointer []byte // IFD0's GPSInfo entry (tag 0x8825) as stored
	latitude   []byte // the GPSLatitude rationals as stored
}

// buildEXIF writes a TIFF structure in byte order bo. Offsets count from
// the first byte of the TIFF header; every IFD entry is 12 bytes: tag (2),
// type (2), count (4), then the value if it fits in 4 bytes or else the
// offset of the value.
//
//	0   header: "MM" or "II", 42, offset of IFD0 (8)
//	8   IFD0: entry count; Make (0x010F, ASCII) → make string;
//	    Orientation (0x0112, SHORT, inline) when orientation > 0;
//	    GPSInfo (0x8825, LONG) → GPS IFD when gps; next-IFD offset 0
//	..  "QalamTestCam\0", padded to an even offset
//	..  GPS IFD: GPSLatitudeRef (1, ASCII "N"), GPSLatitude (2, 3 RATIONALs),
//	    GPSLongitudeRef (3, ASCII "E"), GPSLongitude (4, 3 RATIONALs); next 0
//	..  latitude 31/1 33/1 1234/100, longitude 74/1 20/1 5678/100
func buildEXIF(bo binary.AppendByteOrder, orientation int, gps bool) exifData {
	const (
		typeASCII    = 2
		typeShort    = 3
		typeLong     = 4
		typeRational = 5
	)
	entry := func(b []byte, tag, typ uint16, count, value uint32) []byte {
		b = bo.AppendUint16(b, tag)
		b = bo.AppendUint16(b, typ)
		b = bo.AppendUint32(b, count)
		return bo.AppendUint32(b, value)
	}
	inline := func(b []byte, tag, typ uint16, count uint32, value []byte) []byte {
		b = bo.AppendUint16(b, tag)
		b = bo.AppendUint16(b, typ)
		b = bo.AppendUint32(b, count)
		return append(b, append(value, make([]byte, 4-len(value))...)...)
	}
	n0 := 1
	if orientation > 0 {
		n0++
	}
	if gps {
		n0++
	}
	makeStr := cameraMake + "\x00"
	makeOff := 8 + 2 + 12*n0 + 4
	gpsOff := makeOff + len(makeStr)
	gpsOff += gpsOff % 2
	latOff := gpsOff + 2 + 12*4 + 4
	lonOff := latOff + 24

	var d exifData
	var b []byte
	if bo.String() == binary.BigEndian.String() {
		b = append(b, "MM"...)
	} else {
		b = append(b, "II"...)
	}
	b = bo.AppendUint16(b, 42)
	b = bo.AppendUint32(b, 8)
	b = bo.AppendUint16(b, uint16(n0))
	b = entry(b, 0x010F, typeASCII, uint32(len(makeStr)), uint32(makeOff))
	if orientation > 0 {
		b = bo.AppendUint16(b, 0x0112)
		b = bo.AppendUint16(b, typeShort)
		b = bo.AppendUint32(b, 1)
		b = bo.AppendUint16(b, uint16(orientation))
		b = bo.AppendUint16(b, 0)
	}
	if gps {
		start := len(b)
		b = entry(b, 0x8825, typeLong, 1, uint32(gpsOff))
		d.gpsPointer = slices.Clone(b[start:])
	}
	b = bo.AppendUint32(b, 0) // no next IFD
	b = append(b, makeStr...)
	for len(b) < gpsOff {
		b = append(b, 0)
	}
	if gps {
		b = bo.AppendUint16(b, 4)
		b = inline(b, 0x0001, typeASCII, 2, []byte("N\x00"))
		b = entry(b, 0x0002, typeRational, 3, uint32(latOff))
		b = inline(b, 0x0003, typeASCII, 2, []byte("E\x00"))
		b = entry(b, 0x0004, typeRational, 3, uint32(lonOff))
		b = bo.AppendUint32(b, 0)
		start := len(b)
		for _, r := range [][2]uint32{{31, 1}, {33, 1}, {1234, 100}, {74, 1}, {20, 1}, {5678, 100}} {
			b = bo.AppendUint32(b, r[0])
			b = bo.AppendUint32(b, r[1])
		}
		d.latitude = slices.Clone(b[start : start+24])
	}
	d.tiff = b
	return d
}

// withAPP1 splices an APP1 "Exif" segment holding tiff right after the SOI
// marker of a JPEG: FF E1, a 2-byte big-endian length counting itself,
// "Exif\0\0", then the TIFF structure.
func withAPP1(jpg, tiff []byte) []byte {
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(2+6+len(tiff)))
	seg = append(seg, "Exif\x00\x00"...)
	seg = append(seg, tiff...)
	return slices.Concat(jpg[:2], seg, jpg[2:])
}

// pngChunk is a PNG chunk: length, type, data, CRC-32 of type and data.
func pngChunk(typ string, data []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	b = append(b, typ...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[4:]))
}

// pngIHDREnd is where the first chunk after IHDR starts: the 8-byte
// signature, then IHDR's 4-byte length, type, 13 bytes of data and CRC.
const pngIHDREnd = 8 + 4 + 4 + 13 + 4

// withPNGChunks inserts chunks right after IHDR.
func withPNGChunks(p []byte, chunks ...[]byte) []byte {
	return slices.Concat(p[:pngIHDREnd], slices.Concat(chunks...), p[pngIHDREnd:])
}

// withPNGSize rewrites the width and height in IHDR and its CRC.
func withPNGSize(p []byte, w, h uint32) []byte {
	p = slices.Clone(p)
	binary.BigEndian.PutUint32(p[16:], w)
	binary.BigEndian.PutUint32(p[20:], h)
	binary.BigEndian.PutUint32(p[29:], crc32.ChecksumIEEE(p[12:29]))
	return p
}

// withJPEGSize rewrites the height and width in the first SOF0 segment.
func withJPEGSize(t *testing.T, j []byte, w, h uint16) []byte {
	t.Helper()
	j = slices.Clone(j)
	i := bytes.Index(j, []byte{0xFF, 0xC0})
	if i < 0 {
		t.Fatal("no SOF0 segment")
	}
	binary.BigEndian.PutUint16(j[i+5:], h)
	binary.BigEndian.PutUint16(j[i+7:], w)
	return j
}

// withGIFExtensions inserts a comment extension and an XMP application
// extension before the first block after the global colour table.
func withGIFExtensions(g []byte, comment, xmp string) []byte {
	p := 13
	if flags := g[10]; flags&0x80 != 0 {
		p += 3 << (1 + flags&7)
	}
	subBlocks := func(s string) []byte {
		var b []byte
		for len(s) > 0 {
			n := min(len(s), 255)
			b = append(b, byte(n))
			b = append(b, s[:n]...)
			s = s[n:]
		}
		return append(b, 0)
	}
	ext := append([]byte{0x21, 0xFE}, subBlocks(comment)...)
	ext = append(ext, 0x21, 0xFF, 11)
	ext = append(ext, "XMP DataXMP"...)
	ext = append(ext, subBlocks(xmp)...)
	return slices.Concat(g[:p], ext, g[p:])
}

// jpegMarkers lists the markers of a JPEG up to its first scan.
func jpegMarkers(t *testing.T, b []byte) []byte {
	t.Helper()
	var markers []byte
	p := 2
	for p+4 <= len(b) {
		if b[p] != 0xFF {
			t.Fatalf("no marker at %d", p)
		}
		m := b[p+1]
		markers = append(markers, m)
		if m == 0xDA {
			return markers
		}
		p += 2 + int(binary.BigEndian.Uint16(b[p+2:]))
	}
	t.Fatal("no start of scan")
	return nil
}

// pngChunkTypes lists the chunk types of a PNG.
func pngChunkTypes(t *testing.T, b []byte) []string {
	t.Helper()
	var types []string
	for p := 8; p+8 <= len(b); {
		n := int(binary.BigEndian.Uint32(b[p:]))
		types = append(types, string(b[p+4:p+8]))
		p += 12 + n
	}
	return types
}

// files lists the names in dir, temporary files included.
func files(t testing.TB, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// storedNames is the original's name followed by the variants'.
func storedNames(m *qalam.Media) []string {
	names := []string{m.Name}
	for _, v := range m.Variants {
		names = append(names, v.Name)
	}
	return names
}

// get serves GET path through the library.
func get(l *media.Library, path string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	l.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

func readFile(t testing.TB, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
