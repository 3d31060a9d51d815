package qalam

import "time"

// Media is an uploaded image, stored re-encoded (no metadata survives) at
// a few widths for srcset.
type Media struct {
	ID          int64
	Name        string // the stored original's file name; chosen by Qalam, not the uploader
	ContentType string // of the stored files: image/jpeg, image/png or image/gif
	Width       int
	Height      int
	Bytes       int64
	Variants    []MediaVariant // smaller copies, narrowest first
	Alt         string         // required: what the image shows, for readers who cannot see it
	Caption     string
	Credit      string
	UserID      int64 // the uploader
	CreatedAt   time.Time
}

// MediaVariant is a resized copy of an image.
type MediaVariant struct {
	Width  int
	Height int
	Name   string // file name in the media folder
}

// Validate checks the fields staff supply.
func (m *Media) Validate() error {
	errs := FieldErrors{}
	checkText(errs, "alt", m.Alt, true, 500)
	checkText(errs, "caption", m.Caption, false, 1000)
	checkText(errs, "credit", m.Credit, false, 300)
	return errs.Err()
}
