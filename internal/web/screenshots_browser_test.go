package web_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/browsertest"
	"github.com/qalamnews/qalam/internal/demo"
	"github.com/qalamnews/qalam/internal/server"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
	"github.com/qalamnews/qalam/internal/view"
	"github.com/qalamnews/qalam/internal/web"
)

// TestBrowser_Screenshots shows the demo publication as readers see it
// (the front page, an article and search, with the site in English and in
// Urdu, in light and dark colour schemes, on a 360 px phone and a 1280 px
// screen) and saves a screenshot of each as an artifact. Each must be right
// to left exactly when its language is Urdu, never scroll sideways, and
// take the colours of the reader's scheme.
func TestBrowser_Screenshots(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	if _, err := demo.Seed(ctx, st, time.Now()); err != nil {
		t.Fatal(err)
	}
	engine, err := view.New(view.Options{})
	must(t, err)
	site := web.New(st, engine, web.Options{SiteName: "The Qalam Review", BaseURL: "http://review.test",
		Secret: []byte("0123456789abcdef0123456789abcdef"), Log: slog.New(slog.DiscardHandler)})
	srv := httptest.NewServer(server.Wrap(site.Routes(), nil, server.Options{}))
	t.Cleanup(srv.Close)
	articleIn := func(lang qalam.Language) string {
		published := qalam.Published
		list, _, err := st.FindArticles(ctx, store.ArticleFilter{Status: &published, Language: lang, Limit: 1})
		if err != nil || len(list) == 0 {
			t.Fatalf("no demo article in %s: %v", lang, err)
		}
		return view.ArticlePath(list[0].Slug)
	}
	type shot struct {
		page, path string
		dir        string // the document's direction
	}
	sites := []struct {
		lang  qalam.Language
		shots []shot
	}{
		{qalam.English, []shot{
			{"home", "/", "ltr"},
			{"article", articleIn(qalam.English), "ltr"},
			{"search", "/search?q=" + url.QueryEscape("council"), "ltr"},
		}},
		{qalam.Urdu, []shot{
			{"home", "/", "rtl"},
			{"article", articleIn(qalam.Urdu), "rtl"},
			{"search", "/search?q=" + url.QueryEscape("لائبریری"), "rtl"},
		}},
	}
	// The paper's colour in each scheme (site.css).
	schemes := []struct{ name, background string }{
		{"light", "rgb(253, 252, 248)"},
		{"dark", "rgb(22, 21, 19)"},
	}

	browser := browsertest.New(t)
	for _, s := range sites {
		must(t, st.SetSetting(ctx, store.SettingLanguage, string(s.lang)))
		for _, sh := range s.shots {
			if resp, err := http.Get(srv.URL + sh.path); err != nil || resp.StatusCode != http.StatusOK {
				t.Logf("%s is not served (%v, %v): no screenshot of it", sh.path, resp.Status, err)
				continue
			}
			for _, scheme := range schemes {
				for _, width := range []int64{360, 1280} {
					name := fmt.Sprintf("%s-%s-%s-%d", s.lang, sh.page, scheme.name, width)
					t.Run(name, func(t *testing.T) {
						must(t, chromedp.Do(browser,
							chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
								_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
									Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme.name}},
								})
								return err
							}),
							// A short window: Chromium's full-page capture shifts a
							// right-to-left page that fits in its window.
							chromedp.EmulateViewport(width, 300, func(p *emulation.SetDeviceMetricsOverrideParams, _ *emulation.SetTouchEmulationEnabledParams) {
								p.Mobile = width < 600
							}),
							chromedp.Navigate(srv.URL+sh.path),
							chromedp.WaitReady(chromedp.CSS("footer.site-footer")),
						))
						dir, err := chromedp.Run(browser, chromedp.Evaluate[string](`document.documentElement.dir`))
						must(t, err)
						if dir != sh.dir {
							t.Errorf("dir = %q, want %q", dir, sh.dir)
						}
						scroll, err := chromedp.Run(browser, chromedp.Evaluate[int64](`document.documentElement.scrollWidth`))
						must(t, err)
						if scroll > width {
							t.Errorf("the page is %d px wide in a %d px window: it scrolls sideways", scroll, width)
						}
						bg, err := chromedp.Run(browser, chromedp.Evaluate[string](`getComputedStyle(document.body).backgroundColor`))
						must(t, err)
						if bg != scheme.background {
							t.Errorf("background = %s, want %s in the %s scheme", bg, scheme.background, scheme.name)
						}
						browsertest.Screenshot(t, browser, "shot")
					})
				}
			}
		}
	}
}
