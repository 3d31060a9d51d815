// Package browsertest starts Debian's Chromium for tests of what a person
// does in a browser, and keeps screenshots of what it showed.
package browsertest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// ChromiumPath is where Debian's chromium package puts the browser. Tests
// never download one.
const ChromiumPath = "/usr/bin/chromium"

// New starts a headless Chromium for one test and returns its context.
// Without Chromium the test is skipped, unless QALAM_TEST_CHROMIUM_REQUIRED=1
// (as in CI) makes that a failure. When the test fails, a screenshot of the
// page is saved (see Screenshot).
func New(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(ChromiumPath); err != nil {
		if os.Getenv("QALAM_TEST_CHROMIUM_REQUIRED") == "1" {
			t.Fatalf("Chromium is required but %s is missing: apt-get install chromium", ChromiumPath)
		}
		t.Skipf("Chromium not installed (%s); apt-get install chromium to run browser tests (CI does)", ChromiumPath)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(ChromiumPath),
		chromedp.NoSandbox,
		chromedp.WindowSize(1280, 1000),
		// The machine has no network beyond loopback: Chromium's own
		// background traffic would only fail, many times over.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() {
		if t.Failed() {
			Screenshot(t, ctx, "failure")
		}
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
	})
	return ctx
}

// Screenshot saves the whole page as a PNG artifact named after the test
// and the step, in QALAM_TEST_ARTIFACTS (CI sets it) or a folder under the
// system's temporary directory, and logs where.
func Screenshot(t *testing.T, ctx context.Context, step string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("no screenshot of %s: %v", step, err)
		return
	}
	dir := os.Getenv("QALAM_TEST_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "qalam-artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Logf("no screenshot of %s: %v", step, err)
		return
	}
	name := strings.NewReplacer("/", "_", " ", "_").Replace(t.Name()) + "-" + step + ".png"
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Logf("no screenshot of %s: %v", step, err)
		return
	}
	t.Logf("screenshot: %s", path)
}
