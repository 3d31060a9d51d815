#!/bin/sh
# Regenerates the WebP test files. Needs Go and Debian's webp package
# (apt-get install webp) for cwebp and webpmux.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go run ./webpsrc "$tmp"
cwebp -quiet -q 75 -m 6 "$tmp/opaque.png" -o lossy.webp
cwebp -quiet -lossless -z 9 "$tmp/opaque.png" -o lossless.webp
cwebp -quiet -q 75 -m 6 -alpha_q 100 "$tmp/alpha.png" -o lossy-alpha.webp
cwebp -quiet -lossless -z 9 "$tmp/alpha.png" -o lossless-alpha.webp
# A lossy WebP carrying an EXIF chunk: a big-endian TIFF whose IFD0 holds
# Make "QalamTestCam" and a GPS IFD pointer (tag 0x8825), and whose GPS IFD
# holds GPSLatitudeRef "N". The test checks none of it survives.
printf 'MM\000\052\000\000\000\010\000\002\001\017\000\002\000\000\000\015\000\000\000\046\210\045\000\004\000\000\000\001\000\000\000\063\000\000\000\000QalamTestCam\000\000\001\000\001\000\002\000\000\000\002N\000\000\000\000\000\000\000' > "$tmp/exif"
webpmux -set exif "$tmp/exif" lossy.webp -o exif.webp
ls -l *.webp
