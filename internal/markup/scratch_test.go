package markup

import (
	"bytes"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
)

func benchSrc() string {
	return strings.Repeat("یہ خبر بہت اہم ہے اور the report says prices rose by 12% کے مطابق پاکستان میں۔\n", 5000/80)
}

func BenchmarkScratchPlainGoldmark(b *testing.B) {
	src := []byte(benchSrc())
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		goldmark.Convert(src, &buf)
	}
}
func BenchmarkScratchCommentMD(b *testing.B) {
	src := []byte(benchSrc())
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		commentMarkdown.Convert(src, &buf)
	}
}
func BenchmarkScratchCommentPlainText(b *testing.B) {
	src := benchSrc()
	b.ReportAllocs()
	for b.Loop() {
		Comment(src)
	}
}
