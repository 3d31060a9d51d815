// Package export writes the public site as a static mirror: every page a
// reader can reach from the home page and the sitemaps, rendered in process
// through the very handlers of the live site (package web, in its mirror
// mode: no forms, no scripts, a link to the live discussion instead), with
// links made relative so that the folder can be served by any static host,
// an onion service, or opened from a USB stick.
//
// A second run into the same folder writes only the files whose bytes
// changed and removes those of pages that are gone (a manifest lists what
// the mirror wrote; nothing else in the folder is touched).
package export

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"github.com/qalamnews/qalam/internal/view"
	"github.com/qalamnews/qalam/internal/web"
)

// Options configure a mirror.
type Options struct {
	SiteName string
	// BaseURL is the live site's address (absolute, no trailing slash): the
	// pages' links to it become relative, and the discussion links to it.
	BaseURL string
	// MirrorURL is where the mirror will be served, if known: feeds,
	// sitemaps, robots.txt and the pages' metadata (canonical link aside,
	// which is made relative) need absolute addresses and then name it.
	// Empty: they name the live site.
	MirrorURL string
	// Media serves the uploaded images (GET /media/{name}); nil when the
	// site has none.
	Media http.Handler
	Log   *slog.Logger
	// Now is the site's clock (time.Now when nil).
	Now func() time.Time
}

// Report says what a run did.
type Report struct {
	Pages     int   // HTML pages in the mirror (redirects included)
	Redirects int   // of which pages that only send the reader on
	Files     int   // every file in the mirror
	Bytes     int64 // their size
	Written   int   // files written because they were new or changed
	Unchanged int   // files left alone: their bytes were the same
	Removed   int   // files of pages that no longer exist, deleted
	// Broken are links the site makes that lead nowhere; the mirror keeps
	// them, pointing at a missing file.
	Broken  []Broken
	Elapsed time.Duration
}

// Broken is a link that did not lead to a page.
type Broken struct {
	From, Link string
	Status     int
}

func (r *Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d pages (%d redirects), %d files, %d bytes in %s\n", r.Pages, r.Redirects, r.Files, r.Bytes, r.Elapsed.Round(time.Millisecond))
	fmt.Fprintf(&b, "written %d, unchanged %d, removed %d\n", r.Written, r.Unchanged, r.Removed)
	for _, br := range r.Broken {
		fmt.Fprintf(&b, "broken link: %s on %s (status %d)\n", br.Link, br.From, br.Status)
	}
	return b.String()
}

// seeds are where the crawl begins, besides what the pages link to: the
// home page, the machines' entrances and the pages a footer links to.
// (/favicon.ico only redirects to the icon the pages name.)
var seeds = []string{"/", "/robots.txt", "/sitemap.xml", "/feed.xml", "/feed.atom", "/archive", "/corrections"}

// Static writes the public site of st into dir as a static mirror.
func Static(ctx context.Context, st web.Store, engine *view.Engine, dir string, opts Options) (*Report, error) {
	start := time.Now()
	live, err := parseBase(opts.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("base URL: %w", err)
	}
	base := opts.BaseURL
	hosts := []*url.URL{live}
	if opts.MirrorURL != "" {
		m, err := parseBase(opts.MirrorURL)
		if err != nil {
			return nil, fmt.Errorf("mirror URL: %w", err)
		}
		base = strings.TrimSuffix(opts.MirrorURL, "/")
		hosts = append(hosts, m)
	}
	// The mirror posts nothing and sets no cookie, so its keys are thrown
	// away with it.
	secret := make([]byte, 32)
	rand.Read(secret)
	site := web.New(st, engine, web.Options{
		SiteName: opts.SiteName,
		BaseURL:  base,
		Secret:   secret,
		Log:      opts.Log,
		Now:      opts.Now,
		Mirror:   strings.TrimSuffix(opts.BaseURL, "/"),
	})
	out, err := openSync(dir)
	if err != nil {
		return nil, err
	}
	defer out.close()
	c := &crawler{
		site:   site.Routes(),
		media:  opts.Media,
		origin: hosts[len(hosts)-1],
		links:  &linker{hosts: hosts},
		out:    out,
		seen:   map[string]bool{},
		report: &Report{},
	}
	for _, s := range seeds {
		c.enqueue(s, "")
	}
	if err := c.run(ctx); err != nil {
		return nil, err
	}
	if err := out.finish(c.report); err != nil {
		return nil, err
	}
	c.report.Elapsed = time.Since(start)
	return c.report, nil
}

func parseBase(s string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSuffix(s, "/"))
	if err != nil {
		return nil, err
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, errors.New("want an absolute http(s) address, such as https://news.example")
	}
	return u, nil
}

// crawler walks the site breadth first from the seeds, following every
// internal link of every page, and writes what it finds.
type crawler struct {
	site, media http.Handler
	origin      *url.URL // the address requests are made at
	links       *linker
	out         *syncer
	queue       []pending
	seen        map[string]bool // keys enqueued
	report      *Report
}

type pending struct{ key, from string }

func (c *crawler) enqueue(key, from string) {
	if !c.seen[key] {
		c.seen[key] = true
		c.queue = append(c.queue, pending{key, from})
	}
}

func (c *crawler) run(ctx context.Context) error {
	for len(c.queue) > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		p := c.queue[0]
		c.queue = c.queue[1:]
		if err := c.visit(ctx, p); err != nil {
			return err
		}
	}
	return nil
}

// visit renders one address through the site's handler and keeps it.
func (c *crawler) visit(ctx context.Context, p pending) error {
	u := c.origin.ResolveReference(&url.URL{Path: "/"})
	ref, err := url.Parse(p.key)
	if err != nil {
		return err
	}
	u = u.ResolveReference(ref)
	file := fileFor(u.Path, u.RawQuery)

	req := httptest.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	rec := httptest.NewRecorder()
	h := c.site
	if strings.HasPrefix(u.Path, "/media/") && c.media != nil {
		h = c.media
	}
	h.ServeHTTP(rec, req)
	resp := rec.Result()
	body := rec.Body.Bytes()

	switch {
	case resp.StatusCode == http.StatusOK:
	case resp.StatusCode >= 300 && resp.StatusCode < 400 && resp.Header.Get("Location") != "":
		// A page that sends the reader on: kept as a page that does the
		// same (a meta refresh, which needs no server), rewritten below.
		c.report.Redirects++
		body = redirectPage(resp.Header.Get("Location"))
		resp.Header.Set("Content-Type", "text/html; charset=utf-8")
	default:
		c.report.Broken = append(c.report.Broken, Broken{From: p.from, Link: p.key, Status: resp.StatusCode})
		return nil
	}

	var found []target
	ctype, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	switch {
	case ctype == "text/html":
		body, found = c.links.rewriteHTML(u, file, body)
		c.report.Pages++
	case ctype == "text/css":
		body, found = c.links.rewriteCSS(u, file, body)
	case strings.HasSuffix(ctype, "xml"):
		found = c.links.sitemapLocations(u, body)
	}
	for _, t := range found {
		c.enqueue(t.key, p.key)
	}
	return c.out.put(file, body, c.report)
}

// redirectPage is a page that sends the reader to location at once.
func redirectPage(location string) []byte {
	esc := htmlEscape(location)
	return []byte(`<!doctype html>
<meta charset="utf-8">
<meta name="robots" content="noindex">
<meta http-equiv="refresh" content="0; url=` + esc + `">
<title>` + esc + `</title>
<p><a href="` + esc + `">` + esc + "</a></p>\n")
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}
