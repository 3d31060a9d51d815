package media

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/draw"
)

// jpegOrientation returns the EXIF orientation (1 to 8) of a JPEG, or 1 when
// it has none. It walks the marker segments before the first scan and reads
// tag 0x0112 from IFD0 of the first APP1 "Exif" segment; every offset is
// checked against the segment, which is at most 64 KiB.
func jpegOrientation(b []byte) int {
	if len(b) < 2 || b[0] != 0xFF || b[1] != 0xD8 {
		return 1
	}
	p := 2
	for p+2 <= len(b) {
		if b[p] != 0xFF {
			return 1
		}
		m := b[p+1]
		if m == 0xFF { // fill byte
			p++
			continue
		}
		p += 2
		switch {
		case m == 0x01 || m == 0xD8 || 0xD0 <= m && m <= 0xD7: // no length
			continue
		case m == 0xDA || m == 0xD9: // start of scan, end of image
			return 1
		}
		if p+2 > len(b) {
			return 1
		}
		n := int(binary.BigEndian.Uint16(b[p:]))
		if n < 2 || p+n > len(b) {
			return 1
		}
		seg := b[p+2 : p+n]
		p += n
		if m == 0xE1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			return tiffOrientation(seg[6:])
		}
	}
	return 1
}

// tiffOrientation reads the Orientation tag from IFD0 of a TIFF structure
// (the body of an EXIF segment), or returns 1.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	if bo.Uint16(t[2:]) != 42 {
		return 1
	}
	off := uint64(bo.Uint32(t[4:]))
	if off < 8 || off+2 > uint64(len(t)) {
		return 1
	}
	count := int(bo.Uint16(t[off:]))
	entries := t[off+2:]
	count = min(count, len(entries)/12)
	for i := range count {
		e := entries[i*12 : i*12+12]
		if bo.Uint16(e) != 0x0112 {
			continue
		}
		if bo.Uint32(e[4:]) != 1 {
			return 1
		}
		var v uint32
		switch bo.Uint16(e[2:]) {
		case 3: // SHORT
			v = uint32(bo.Uint16(e[8:]))
		case 4: // LONG, seen from a few writers
			v = bo.Uint32(e[8:])
		default:
			return 1
		}
		if 1 <= v && v <= 8 {
			return int(v)
		}
		return 1
	}
	return 1
}

// orient returns img transformed as EXIF orientation o asks, so that it
// displays upright without the tag. Orientations 5 to 8 swap width and
// height.
//
// YCbCr images (what image/jpeg returns) are transformed plane by plane,
// keeping their 1.5 to 3 bytes per pixel; gray and 4-byte images directly;
// anything else after conversion to RGBA.
func orient(img image.Image, o int) image.Image {
	if o < 2 || o > 8 {
		return img
	}
	b := img.Bounds()
	if b.Min != (image.Point{}) {
		return orient(toRGBA(img), o)
	}
	w, h := b.Dx(), b.Dy()
	swap := o >= 5
	dw, dh := w, h
	if swap {
		dw, dh = h, w
	}
	dst := image.Rect(0, 0, dw, dh)
	switch m := img.(type) {
	case *image.YCbCr:
		ratio, ok := orientedRatio(m.SubsampleRatio, swap)
		if !ok {
			return orient(toRGBA(img), o)
		}
		out := image.NewYCbCr(dst, ratio)
		cw, ch := chromaSize(m.SubsampleRatio, w, h)
		transform(out.Y, out.YStride, m.Y, m.YStride, w, h, 1, o)
		transform(out.Cb, out.CStride, m.Cb, m.CStride, cw, ch, 1, o)
		transform(out.Cr, out.CStride, m.Cr, m.CStride, cw, ch, 1, o)
		return out
	case *image.Gray:
		out := image.NewGray(dst)
		transform(out.Pix, out.Stride, m.Pix, m.Stride, w, h, 1, o)
		return out
	case *image.CMYK:
		out := image.NewCMYK(dst)
		transform(out.Pix, out.Stride, m.Pix, m.Stride, w, h, 4, o)
		return out
	case *image.RGBA:
		out := image.NewRGBA(dst)
		transform(out.Pix, out.Stride, m.Pix, m.Stride, w, h, 4, o)
		return out
	case *image.NRGBA:
		out := image.NewNRGBA(dst)
		transform(out.Pix, out.Stride, m.Pix, m.Stride, w, h, 4, o)
		return out
	default:
		return orient(toRGBA(img), o)
	}
}

func toRGBA(img image.Image) *image.RGBA {
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Bounds(), img, b.Min, draw.Src)
	return out
}

// orientedRatio is the chroma subsampling of a YCbCr image after the
// transform: a quarter-turn swaps horizontal and vertical subsampling.
func orientedRatio(r image.YCbCrSubsampleRatio, swap bool) (image.YCbCrSubsampleRatio, bool) {
	if !swap {
		return r, true
	}
	switch r {
	case image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio420:
		return r, true
	case image.YCbCrSubsampleRatio422:
		return image.YCbCrSubsampleRatio440, true
	case image.YCbCrSubsampleRatio440:
		return image.YCbCrSubsampleRatio422, true
	}
	return r, false // 4:1:1 and 4:1:0 have no transposed twin
}

// chromaSize is the size of the Cb and Cr planes of a w × h YCbCr image.
func chromaSize(r image.YCbCrSubsampleRatio, w, h int) (int, int) {
	switch r {
	case image.YCbCrSubsampleRatio422:
		return (w + 1) / 2, h
	case image.YCbCrSubsampleRatio420:
		return (w + 1) / 2, (h + 1) / 2
	case image.YCbCrSubsampleRatio440:
		return w, (h + 1) / 2
	case image.YCbCrSubsampleRatio411:
		return (w + 3) / 4, h
	case image.YCbCrSubsampleRatio410:
		return (w + 3) / 4, (h + 1) / 2
	}
	return w, h
}

// transform copies a w × h plane of px-byte pixels from src to dst, applying
// EXIF orientation o. dst must be h × w for orientations 5 to 8.
//
// For each destination pixel (x, y) the source pixel is, with the source
// sized w × h:
//
//	2 mirror:            (w-1-x, y)
//	3 rotate 180°:       (w-1-x, h-1-y)
//	4 flip:              (x, h-1-y)
//	5 transpose:         (y, x)
//	6 rotate 90° right:  (y, h-1-x)
//	7 transverse:        (w-1-y, h-1-x)
//	8 rotate 90° left:   (w-1-y, x)
func transform(dst []byte, dstStride int, src []byte, srcStride, w, h, px, o int) {
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	for y := range dh {
		row := dst[y*dstStride : y*dstStride+dw*px]
		for x := range dw {
			var sx, sy int
			switch o {
			case 2:
				sx, sy = w-1-x, y
			case 3:
				sx, sy = w-1-x, h-1-y
			case 4:
				sx, sy = x, h-1-y
			case 5:
				sx, sy = y, x
			case 6:
				sx, sy = y, h-1-x
			case 7:
				sx, sy = w-1-y, h-1-x
			case 8:
				sx, sy = w-1-y, x
			}
			i := sy*srcStride + sx*px
			copy(row[x*px:x*px+px], src[i:i+px])
		}
	}
}
