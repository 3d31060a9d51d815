package media

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"slices"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/webp"

	"github.com/qalamnews/qalam"
)

// jpegQuality is the quality of every JPEG Qalam writes.
const jpegQuality = 85

// decoded is an upload's pixels, with nothing else of the file kept.
type decoded struct {
	img  image.Image // a still image, upright
	anim *gif.GIF    // or an animation
	out  format      // how to store it: formatJPEG, formatPNG or formatGIF
}

// decode decodes an upload whose header check passed. JPEGs are turned
// upright by their EXIF orientation; WebP becomes JPEG when opaque and PNG
// otherwise.
func decode(f format, data []byte) (*decoded, error) {
	r := bytes.NewReader(data)
	switch f {
	case formatJPEG:
		img, err := jpeg.Decode(r)
		if err != nil {
			return nil, unreadable(f, data, err)
		}
		return &decoded{img: orient(img, jpegOrientation(data)), out: formatJPEG}, nil
	case formatPNG:
		img, err := png.Decode(r)
		if err != nil {
			return nil, unreadable(f, data, err)
		}
		return &decoded{img: img, out: formatPNG}, nil
	case formatWebP:
		img, err := webp.Decode(r)
		if err != nil {
			return nil, unreadable(f, data, err)
		}
		if opaque(img) {
			return &decoded{img: img, out: formatJPEG}, nil
		}
		return &decoded{img: img, out: formatPNG}, nil
	case formatGIF:
		g, err := gif.DecodeAll(r)
		if err != nil {
			return nil, unreadable(f, data, err)
		}
		return &decoded{anim: g, out: formatGIF}, nil
	}
	return nil, errUnsupported
}

// opaque reports whether img has no transparent or translucent pixel.
func opaque(img image.Image) bool {
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	return false
}

var outputs = map[format]struct{ ext, contentType string }{
	formatJPEG: {".jpg", "image/jpeg"},
	formatPNG:  {".png", "image/png"},
	formatGIF:  {".gif", "image/gif"},
}

// store encodes and writes the original size and each narrower variant.
func (w *writer) store(ctx context.Context, d *decoded, widths []int) (*qalam.Media, error) {
	out := outputs[d.out]
	var width, height int
	if d.anim != nil {
		width, height = d.anim.Config.Width, d.anim.Config.Height
	} else {
		b := d.img.Bounds()
		width, height = b.Dx(), b.Dy()
	}
	m := &qalam.Media{ContentType: out.contentType, Width: width, Height: height}

	var narrower []int
	for _, vw := range widths {
		if vw < width {
			narrower = append(narrower, vw)
		}
	}
	sizes := make([]image.Point, len(narrower))
	for i, vw := range narrower {
		vh := (int64(height)*int64(vw) + int64(width)/2) / int64(width)
		sizes[i] = image.Pt(vw, max(1, int(vh)))
	}

	var err error
	if d.anim != nil {
		err = w.storeGIF(ctx, m, d.anim, sizes)
	} else {
		err = w.storeStill(ctx, m, d.img, d.out, sizes)
	}
	if err != nil {
		return nil, err
	}
	return m, nil
}

func (w *writer) storeStill(ctx context.Context, m *qalam.Media, img image.Image, f format, sizes []image.Point) error {
	ext := outputs[f].ext
	encode := func(img image.Image) func(io.Writer) error {
		if f == formatJPEG {
			return func(w io.Writer) error { return jpeg.Encode(w, img, &jpeg.Options{Quality: jpegQuality}) }
		}
		return func(w io.Writer) error { return png.Encode(w, img) }
	}
	name, size, err := w.write(ext, encode(img))
	if err != nil {
		return err
	}
	m.Name, m.Bytes = name, size

	// Widest first, each from the one before: one expensive pass over the
	// original, and cheap passes after it.
	src := img
	for _, sz := range slices.Backward(sizes) {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("media: store: %w", err)
		}
		dst := image.NewRGBA(image.Rectangle{Max: sz})
		xdraw.CatmullRom.Scale(dst, dst.Bounds(), src, src.Bounds(), xdraw.Src, nil)
		name, _, err := w.write(ext, encode(dst))
		if err != nil {
			return err
		}
		m.Variants = append(m.Variants, qalam.MediaVariant{Width: sz.X, Height: sz.Y, Name: name})
		src = dst
	}
	slices.Reverse(m.Variants) // narrowest first
	return nil
}

// storeGIF writes the animation again frame by frame: only the pixels,
// palettes, delays, disposal and loop count pass through; comments,
// application extensions (XMP) and plain-text blocks do not.
func (w *writer) storeGIF(ctx context.Context, m *qalam.Media, g *gif.GIF, sizes []image.Point) error {
	clean := &gif.GIF{
		Image:           g.Image,
		Delay:           g.Delay,
		Disposal:        g.Disposal,
		LoopCount:       g.LoopCount,
		Config:          g.Config,
		BackgroundIndex: g.BackgroundIndex,
	}
	name, size, err := w.write(".gif", func(w io.Writer) error { return gif.EncodeAll(w, clean) })
	if err != nil {
		return err
	}
	m.Name, m.Bytes = name, size
	if len(sizes) == 0 {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("media: store: %w", err)
	}
	for i, anim := range resizeGIF(g, sizes) {
		name, _, err := w.write(".gif", func(w io.Writer) error { return gif.EncodeAll(w, anim) })
		if err != nil {
			return err
		}
		m.Variants = append(m.Variants, qalam.MediaVariant{Width: sizes[i].X, Height: sizes[i].Y, Name: name})
	}
	return nil
}

// resizeGIF returns g scaled to each size. Frames in a GIF may cover part
// of the screen and rely on what earlier frames left, so each frame is first
// composited onto a full canvas (honouring its disposal method), the canvas
// is scaled, and the result is mapped back onto the frame's palette. Every
// output frame covers the whole screen.
func resizeGIF(g *gif.GIF, sizes []image.Point) []*gif.GIF {
	screen := image.Rect(0, 0, g.Config.Width, g.Config.Height)
	canvas := image.NewRGBA(screen)
	var saved *image.RGBA // the canvas to restore after a DisposalPrevious frame
	outs := make([]*gif.GIF, len(sizes))
	scaled := make([]*image.RGBA, len(sizes))
	for i, sz := range sizes {
		outs[i] = &gif.GIF{LoopCount: g.LoopCount, Config: image.Config{Width: sz.X, Height: sz.Y}}
		scaled[i] = image.NewRGBA(image.Rectangle{Max: sz})
	}
	for k, frame := range g.Image {
		disposal := byte(0)
		if k < len(g.Disposal) {
			disposal = g.Disposal[k]
		}
		delay := 0
		if k < len(g.Delay) {
			delay = g.Delay[k]
		}
		if disposal == gif.DisposalPrevious {
			if saved == nil {
				saved = image.NewRGBA(screen)
			}
			copy(saved.Pix, canvas.Pix)
		}
		fb := frame.Bounds().Intersect(screen)
		xdraw.Draw(canvas, fb, frame, fb.Min, xdraw.Over)
		for i, dst := range scaled {
			xdraw.CatmullRom.Scale(dst, dst.Bounds(), canvas, screen, xdraw.Src, nil)
			pal := framePalette(frame.Palette, !dst.Opaque())
			pm := image.NewPaletted(dst.Bounds(), pal)
			xdraw.FloydSteinberg.Draw(pm, pm.Bounds(), dst, image.Point{})
			outs[i].Image = append(outs[i].Image, pm)
			outs[i].Delay = append(outs[i].Delay, delay)
			// Each output frame is whole: clear before the next one.
			outs[i].Disposal = append(outs[i].Disposal, gif.DisposalBackground)
		}
		switch disposal {
		case gif.DisposalBackground:
			xdraw.Draw(canvas, fb, image.Transparent, image.Point{}, xdraw.Src)
		case gif.DisposalPrevious:
			copy(canvas.Pix, saved.Pix)
		}
	}
	return outs
}

// framePalette is p, with a transparent entry guaranteed when needed.
func framePalette(p color.Palette, needTransparent bool) color.Palette {
	if !needTransparent {
		return p
	}
	for _, c := range p {
		if _, _, _, a := c.RGBA(); a == 0 {
			return p
		}
	}
	out := slices.Clone(p)
	if len(out) < 256 {
		return append(out, color.Transparent)
	}
	out[len(out)-1] = color.Transparent
	return out
}
