// Command webpsrc draws the two small source images from which gen.sh makes
// the WebP test files: an opaque one and one with a transparent background.
// It writes them into the folder named by its argument. It is under
// testdata, so go build ./... and go test ./... ignore it.
package main

import (
	"image"
	"image/color"
	"image/png"
	"log"
	"os"
	"path/filepath"
)

func main() {
	const w, h = 48, 32
	opaque := image.NewNRGBA(image.Rect(0, 0, w, h))
	alpha := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			// Opaque: sky blue above a green field, a red square top left.
			c := color.NRGBA{0x4a, 0x90, 0xd9, 0xff}
			if y >= h/2 {
				c = color.NRGBA{0x3c, 0x9a, 0x3c, 0xff}
			}
			if x < 12 && y < 12 {
				c = color.NRGBA{0xd0, 0x20, 0x20, 0xff}
			}
			opaque.SetNRGBA(x, y, c)
			// Alpha: an orange disc on a transparent background.
			dx, dy := x-w/2, y-h/2
			if dx*dx+dy*dy <= 12*12 {
				alpha.SetNRGBA(x, y, color.NRGBA{0xf0, 0x80, 0x10, 0xff})
			}
		}
	}
	for name, img := range map[string]image.Image{"opaque.png": opaque, "alpha.png": alpha} {
		f, err := os.Create(filepath.Join(os.Args[1], name))
		if err != nil {
			log.Fatal(err)
		}
		if err := png.Encode(f, img); err != nil {
			log.Fatal(err)
		}
		if err := f.Close(); err != nil {
			log.Fatal(err)
		}
	}
}
