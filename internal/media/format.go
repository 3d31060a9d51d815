package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"strconv"

	"golang.org/x/image/webp"

	"github.com/qalamnews/qalam"
)

// format is an accepted upload format, recognised by its first bytes.
type format int

const (
	formatJPEG format = iota + 1
	formatPNG
	formatGIF
	formatWebP
)

var formatNames = map[format]string{formatJPEG: "JPEG", formatPNG: "PNG", formatGIF: "GIF", formatWebP: "WebP"}

// sniff recognises the four accepted formats by their signatures. The file
// name and the client's Content-Type are never consulted.
func sniff(b []byte) (format, bool) {
	switch {
	case len(b) >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF:
		return formatJPEG, true
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return formatPNG, true
	case bytes.HasPrefix(b, []byte("GIF87a")) || bytes.HasPrefix(b, []byte("GIF89a")):
		return formatGIF, true
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return formatWebP, true
	}
	return 0, false
}

// check reads the image header (image.DecodeConfig of the one format's
// decoder) and refuses images whose pixels would cost too much memory, all
// without decoding them.
func (l *Library) check(f format, data []byte) error {
	var decodeConfig func(io.Reader) (image.Config, error)
	switch f {
	case formatJPEG:
		decodeConfig = jpeg.DecodeConfig
	case formatPNG:
		decodeConfig = png.DecodeConfig
	case formatGIF:
		decodeConfig = gif.DecodeConfig
	case formatWebP:
		decodeConfig = webp.DecodeConfig
	}
	// A GIF's block structure is walked first: it costs nothing, and a
	// header followed by anything but GIF blocks is no GIF.
	frames := 1
	if f == formatGIF {
		var err error
		if frames, err = gifFrames(data); err != nil {
			return unreadable(f, data, err)
		}
	}
	cfg, err := decodeConfig(bytes.NewReader(data))
	if err != nil {
		return unreadable(f, data, err)
	}
	w, h := int64(cfg.Width), int64(cfg.Height)
	if w <= 0 || h <= 0 {
		return qalam.Errorf(qalam.KindInvalid, "The image has no pixels.")
	}
	if w > int64(l.maxSide) || h > int64(l.maxSide) {
		return qalam.Errorf(qalam.KindTooLarge,
			"The image is %d × %d pixels; the limit is %d pixels on either side. Upload a smaller image.",
			w, h, l.maxSide)
	}
	if w*h > l.maxPixels {
		return qalam.Errorf(qalam.KindTooLarge,
			"The image has %s megapixels (%d × %d); the limit is %s megapixels. Upload a smaller image.",
			megapixels(w*h), w, h, megapixels(l.maxPixels))
	}
	if f == formatGIF {
		// Each frame decodes to a full width × height buffer at most; the
		// resized variants are composited at the full size.
		if frames > maxGIFFrames || int64(frames)*w*h > l.maxPixels {
			return qalam.Errorf(qalam.KindTooLarge,
				"The animation has %d frames of %d × %d pixels, %s megapixels in all; the limit is %s megapixels and %d frames. Upload a shorter or smaller animation.",
				frames, w, h, megapixels(int64(frames)*w*h), megapixels(l.maxPixels), maxGIFFrames)
		}
	}
	return nil
}

// maxGIFFrames bounds the frame count even of tiny animations: each frame
// costs bookkeeping beyond its pixels.
const maxGIFFrames = 5000

func megapixels(n int64) string {
	if n%1_000_000 == 0 {
		return strconv.FormatInt(n/1_000_000, 10)
	}
	return strconv.FormatFloat(float64(n)/1e6, 'f', 1, 64)
}

// unreadable is the error for a file that starts like f but cannot be
// read. A file that lacks its format's end marker is called incomplete
// (the usual cause: an interrupted transfer); any other, damaged.
func unreadable(f format, data []byte, cause error) error {
	msg := "The image could not be read: the " + formatNames[f] + " file is damaged or uses a feature we do not support."
	if errors.Is(cause, io.ErrUnexpectedEOF) || errors.Is(cause, errGIFTruncated) || !complete(f, data) {
		msg = "The image could not be read: the " + formatNames[f] + " file is incomplete. Upload it again."
	}
	return &qalam.Error{Kind: qalam.KindInvalid, Message: msg, Err: cause}
}

// complete reports whether data ends the way a whole file of format f ends.
func complete(f format, data []byte) bool {
	switch f {
	case formatJPEG:
		return bytes.HasSuffix(data, []byte{0xFF, 0xD9}) // EOI
	case formatPNG:
		return bytes.HasSuffix(data, []byte("IEND\xaeB`\x82")) // IEND and its CRC
	case formatGIF:
		return true // gifFrames has walked it to its trailer
	case formatWebP:
		return len(data) >= 8 && int64(binary.LittleEndian.Uint32(data[4:]))+8 <= int64(len(data))
	}
	return true
}

var errGIFTruncated = errors.New("gif: truncated")

// gifFrames counts the image descriptors of a GIF by walking its block
// structure, without decompressing anything. It returns an error for a
// structure the standard decoder would refuse too.
func gifFrames(b []byte) (int, error) {
	const (
		extension = 0x21
		imageDesc = 0x2C
		trailer   = 0x3B
	)
	if len(b) < 13 {
		return 0, errGIFTruncated
	}
	p := 13
	if flags := b[10]; flags&0x80 != 0 {
		p += 3 << (1 + flags&7) // global color table
	}
	// skipSubBlocks skips data sub-blocks up to and including the
	// zero-length terminator.
	skipSubBlocks := func() error {
		for {
			if p >= len(b) {
				return errGIFTruncated
			}
			n := int(b[p])
			p += 1 + n
			if n == 0 {
				return nil
			}
		}
	}
	frames := 0
	for {
		if p >= len(b) {
			return 0, errGIFTruncated
		}
		c := b[p]
		p++
		switch c {
		case extension:
			p++ // label
			if err := skipSubBlocks(); err != nil {
				return 0, err
			}
		case imageDesc:
			if p+9 > len(b) {
				return 0, errGIFTruncated
			}
			flags := b[p+8]
			p += 9
			if flags&0x80 != 0 {
				p += 3 << (1 + flags&7) // local color table
			}
			p++ // LZW minimum code size
			if err := skipSubBlocks(); err != nil {
				return 0, err
			}
			frames++
			if frames > maxGIFFrames {
				return frames, nil // refused by the caller; no need to count on
			}
		case trailer:
			if frames == 0 {
				return 0, errors.New("gif: no image")
			}
			return frames, nil
		default:
			return 0, fmt.Errorf("gif: unknown block type 0x%02x", c)
		}
	}
}
