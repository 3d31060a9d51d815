package auth

import (
	"fmt"

	"rsc.io/qr"
)

// qrScale is the size of one QR module in image pixels: a 49-module code
// for a typical otpauth URI becomes a 456-pixel square with its quiet zone.
const qrScale = 8

// TOTPQRCode returns a PNG of uri as a QR code, for enrolling an
// authenticator app by camera. The image holds the secret: serve it only
// to the signed-in user enrolling, with Cache-Control: no-store.
func TOTPQRCode(uri string) ([]byte, error) {
	c, err := qr.Encode(uri, qr.M)
	if err != nil {
		return nil, fmt.Errorf("auth: QR code: %w", err)
	}
	c.Scale = qrScale
	return c.PNG(), nil
}
