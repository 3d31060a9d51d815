package media

import (
	"bytes"
	"context"
	"encoding/binary"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"testing"
	"time"

	"github.com/qalamnews/qalam"
)

func TestStore_WaitsForADecodeSlot(t *testing.T) {
	l, err := New(Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 8, 8)), nil); err != nil {
		t.Fatal(err)
	}

	// Two decodes in progress fill the library.
	for range maxDecodes {
		l.decodes <- struct{}{}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = l.Store(ctx, bytes.NewReader(b.Bytes()))
	if qalam.KindOf(err) != qalam.KindUnavailable {
		t.Fatalf("third decode: got %v, want kind unavailable", err)
	}

	<-l.decodes
	if _, err := l.Store(context.Background(), bytes.NewReader(b.Bytes())); err != nil {
		t.Fatalf("after a slot freed: %v", err)
	}
}

func TestJPEGOrientation(t *testing.T) {
	// app1 is an APP1 segment holding body.
	app1 := func(body []byte) []byte {
		seg := []byte{0xFF, 0xE1, 0, 0}
		binary.BigEndian.PutUint16(seg[2:], uint16(2+len(body)))
		return append(seg, body...)
	}
	// tiff is a big- or little-endian TIFF with one IFD0 entry.
	tiff := func(order string, tag, typ uint16, value uint32) []byte {
		var bo binary.AppendByteOrder = binary.BigEndian
		if order == "II" {
			bo = binary.LittleEndian
		}
		b := []byte(order)
		b = bo.AppendUint16(b, 42)
		b = bo.AppendUint32(b, 8)
		b = bo.AppendUint16(b, 1)
		b = bo.AppendUint16(b, tag)
		b = bo.AppendUint16(b, typ)
		b = bo.AppendUint32(b, 1)
		if typ == 3 {
			b = bo.AppendUint16(b, uint16(value))
			b = bo.AppendUint16(b, 0)
		} else {
			b = bo.AppendUint32(b, value)
		}
		return bo.AppendUint32(b, 0)
	}
	exif := func(t []byte) []byte { return app1(append([]byte("Exif\x00\x00"), t...)) }
	soi := []byte{0xFF, 0xD8}
	sos := []byte{0xFF, 0xDA, 0x00, 0x02}
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

	tests := []struct {
		name string
		in   []byte
		want int
	}{
		{"big-endian short gives its value", cat(soi, exif(tiff("MM", 0x0112, 3, 6)), sos), 6},
		{"little-endian short gives its value", cat(soi, exif(tiff("II", 0x0112, 3, 8)), sos), 8},
		{"long is accepted", cat(soi, exif(tiff("MM", 0x0112, 4, 3)), sos), 3},
		{"after an APP0 and fill bytes it is found", cat(soi, []byte{0xFF, 0xE0, 0, 4, 'J', 'F', 0xFF}, exif(tiff("MM", 0x0112, 3, 5)), sos), 5},
		{"out of range value gives 1", cat(soi, exif(tiff("MM", 0x0112, 3, 9)), sos), 1},
		{"wrong type gives 1", cat(soi, exif(tiff("MM", 0x0112, 2, 6)), sos), 1},
		{"other tag gives 1", cat(soi, exif(tiff("MM", 0x010F, 3, 6)), sos), 1},
		{"APP1 that is not Exif gives 1", cat(soi, app1([]byte("http://ns.adobe.com/xap/1.0/\x00")), sos), 1},
		{"exif after the scan start is ignored", cat(soi, sos, exif(tiff("MM", 0x0112, 3, 6))), 1},
		{"segment longer than the file gives 1", cat(soi, exif(tiff("MM", 0x0112, 3, 6))[:20]), 1},
		{"IFD offset past the end gives 1", cat(soi, exif([]byte("MM\x00\x2a\xff\xff\xff\xf0")), sos), 1},
		{"entry count past the end gives 1", cat(soi, exif([]byte("MM\x00\x2a\x00\x00\x00\x08\xff\xff")), sos), 1},
		{"bad byte order gives 1", cat(soi, exif([]byte("XX\x00\x2a\x00\x00\x00\x08\x00\x00")), sos), 1},
		{"not a jpeg gives 1", []byte("GIF89a"), 1},
		{"empty gives 1", nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := jpegOrientation(tt.in); got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
		})
	}
}

func TestOrient_ChromaSubsampling(t *testing.T) {
	// Every subsampling ratio, odd sizes included, turned every way, must
	// give the same pixels as turning the RGBA conversion.
	ratios := []image.YCbCrSubsampleRatio{
		image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422, image.YCbCrSubsampleRatio420,
		image.YCbCrSubsampleRatio440, image.YCbCrSubsampleRatio411, image.YCbCrSubsampleRatio410,
	}
	// Sizes are multiples of 4, so that chroma samples cover whole blocks
	// whichever way the image turns; odd sizes shift chroma by at most a
	// pixel, which is only checked for the bounds.
	for _, r := range ratios {
		for o := 1; o <= 8; o++ {
			odd := image.NewYCbCr(image.Rect(0, 0, 13, 7), r)
			if got, want := orient(odd, o).Bounds(), orient(toRGBA(odd), o).Bounds(); got != want {
				t.Fatalf("%v 13×7 orientation %d: bounds %v, want %v", r, o, got, want)
			}
		}
		src := image.NewYCbCr(image.Rect(0, 0, 16, 8), r)
		for i := range src.Y {
			src.Y[i] = uint8(i * 7)
		}
		for i := range src.Cb {
			src.Cb[i], src.Cr[i] = uint8(i*13), uint8(255-i*5)
		}
		ref := toRGBA(src)
		for o := 1; o <= 8; o++ {
			got, want := orient(src, o), orient(ref, o)
			if got.Bounds() != want.Bounds() {
				t.Fatalf("%v orientation %d: bounds %v, want %v", r, o, got.Bounds(), want.Bounds())
			}
			b := want.Bounds()
			for y := b.Min.Y; y < b.Max.Y; y++ {
				for x := b.Min.X; x < b.Max.X; x++ {
					if !sameColor(got.At(x, y), want.At(x, y)) {
						t.Fatalf("%v orientation %d: pixel (%d, %d) is %v, want %v", r, o, x, y, got.At(x, y), want.At(x, y))
					}
				}
			}
		}
	}
}

// sameColor compares colours up to rounding.
func sameColor(a, b color.Color) bool {
	ar, ag, ab, aa := a.RGBA()
	br, bg, bb, ba := b.RGBA()
	near := func(x, y uint32) bool { return x-y+0x200 <= 0x400 }
	return near(ar, br) && near(ag, bg) && near(ab, bb) && near(aa, ba)
}

func FuzzJPEGOrientation(f *testing.F) {
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x10, 'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0, 42, 0, 0, 0, 8})
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xFF, 0xFF, 0xDA})
	f.Fuzz(func(t *testing.T, b []byte) {
		if o := jpegOrientation(b); o < 1 || o > 8 {
			t.Errorf("orientation %d", o)
		}
	})
}

func FuzzGIFFrames(f *testing.F) {
	var b bytes.Buffer
	pal := color.Palette{color.Black, color.White}
	gif.EncodeAll(&b, &gif.GIF{
		Image: []*image.Paletted{image.NewPaletted(image.Rect(0, 0, 4, 4), pal), image.NewPaletted(image.Rect(0, 0, 4, 4), pal)},
		Delay: []int{1, 1},
	})
	f.Add(b.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := gifFrames(b)
		if err != nil {
			return
		}
		if cfg, err := gif.DecodeConfig(bytes.NewReader(b)); err != nil || int64(n)*int64(cfg.Width)*int64(cfg.Height) > 1<<20 {
			return // the decoder could take too much memory
		}
		// Whatever the walker accepts with a small budget, the standard
		// decoder must not find more frames in.
		if g, err := gif.DecodeAll(bytes.NewReader(b)); err == nil && len(g.Image) > n {
			t.Errorf("walker counted %d frames, decoder found %d", n, len(g.Image))
		}
	})
}
