package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/qalamnews/qalam/internal/export"
	"github.com/qalamnews/qalam/internal/media"
	"github.com/qalamnews/qalam/internal/view"
)

const exportStaticUsage = `Usage:
  qalam export static DIR [-mirror-url URL] [flags]

Writes the public site into DIR as static files: every article with its
comments, the home page and its older pages, the archive, the category,
tag and author pages, the corrections, the feeds, the sitemaps, robots.txt,
the assets and the images, with relative links, so that any static host,
an onion service, or a browser opening the folder from a disk shows it.
The pages carry no forms: each article links to its live discussion at
-base-url.

Run it again into the same folder to bring the mirror up to date: only
files whose bytes changed are written, and those of pages that are gone
removed.
`

// runExportStatic runs "qalam export static DIR".
func runExportStatic(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var mirrorURL string
	bind := func(fs *flag.FlagSet) {
		fs.StringVar(&mirrorURL, "mirror-url", "", "`URL` the mirror will be served at, named by its feeds, sitemaps and page metadata, which need absolute addresses (default: the live site's -base-url)")
	}
	// The folder may come before the flags, as in the usage line.
	var dirs []string
	for len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		dirs, args = append(dirs, args[0]), args[1:]
	}
	cfg, fs, err := parseConfig("export static", strings.TrimSpace(exportStaticUsage), args, getenv, stderr, bind)
	if err != nil {
		return err
	}
	dirs = append(dirs, fs.Args()...)
	if len(dirs) != 1 || strings.HasPrefix(dirs[0], "-") {
		fmt.Fprint(stderr, exportStaticUsage)
		return errUsage
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	engine, err := view.New(view.Options{})
	if err != nil {
		return err
	}
	lib, err := media.New(media.Options{Dir: cfg.MediaDir})
	if err != nil {
		return err
	}
	defer lib.Close()
	report, err := export.Static(ctx, st, engine, dirs[0], export.Options{
		SiteName:  cfg.SiteName,
		BaseURL:   cfg.BaseURL,
		MirrorURL: mirrorURL,
		Media:     lib,
		Log:       slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err != nil {
		return err
	}
	fmt.Fprint(stdout, report.String())
	return nil
}
