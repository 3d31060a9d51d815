package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/qalamnews/qalam/internal/clientaddr"
	"github.com/qalamnews/qalam/internal/media"
	"github.com/qalamnews/qalam/internal/wpimport"
)

const importUsage = `Usage:
  qalam import wordpress FILE.xml [-uploads DIR] [-drop-addresses] [flags]
  qalam import json DIR [flags]

Imports a WordPress export (Tools, Export, "All content" in WordPress: a
WXR file) into the configured database: authors, categories, tags, posts
and pages with their comments, and with -uploads the images of
WordPress's wp-content/uploads folder. The old site's addresses redirect to
the new ones.

The file is checked whole before anything is imported: a file that cannot
be read imports nothing. Running the import again adds only what is
missing; an interrupted import resumes where it stopped.
`

// runImport runs "qalam import SOURCE".
func runImport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, importUsage)
		return errUsage
	}
	switch args[0] {
	case "wordpress":
		return runImportWordPress(ctx, args[1:], getenv, stdout, stderr)
	case "json":
		return runImportJSON(ctx, args[1:], getenv, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, importUsage)
		return nil
	default:
		fmt.Fprintf(stderr, "unknown import source %q\n\n%s", args[0], importUsage)
		return errUsage
	}
}

func runImportWordPress(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var uploads string
	var dropAddresses bool
	bind := func(fs *flag.FlagSet) {
		fs.StringVar(&uploads, "uploads", "", "WordPress's wp-content/uploads `folder`, to import the images from (none are fetched over the network)")
		fs.BoolVar(&dropAddresses, "drop-addresses", false, "drop commenters' network addresses instead of keeping them as keyed hashes")
	}
	// The file may come before the flags, as in the usage line.
	var files []string
	for len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		files, args = append(files, args[0]), args[1:]
	}
	cfg, fs, err := parseConfig("import wordpress", strings.TrimSpace(importUsage), args, getenv, stderr, bind)
	if err != nil {
		return err
	}
	files = append(files, fs.Args()...)
	if len(files) != 1 || strings.HasPrefix(files[0], "-") {
		fmt.Fprint(stderr, importUsage)
		return errUsage
	}
	file := files[0]

	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	opts := wpimport.Options{
		Uploads:       uploads,
		DropAddresses: dropAddresses,
		// The retention job would erase older hashes at once.
		AddressesSince: time.Now().Add(-cfg.AddressRetention),
		Progress:       progressPrinter(stdout),
	}
	if !dropAddresses {
		secret, err := cfg.LoadSecret()
		if err != nil {
			return err
		}
		// The same keyed hash as the public site's for new comments.
		hasher := clientaddr.NewHasher(secret, cfg.AddressKeyRotation)
		opts.HashAddress = func(a netip.Addr) string { return hasher.Hash(a, time.Now()) }
	}
	if uploads != "" {
		lib, err := media.New(media.Options{Dir: cfg.MediaDir})
		if err != nil {
			return err
		}
		defer lib.Close()
		opts.Media = lib
	}
	report, err := wpimport.Import(ctx, st, file, opts)
	if se, ok := errors.AsType[*wpimport.SyntaxError](err); ok {
		return fmt.Errorf("%s cannot be read, at %s. Nothing was imported", file, se)
	}
	if report != nil {
		fmt.Fprint(stdout, "\n"+report.String())
	}
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return errors.New("interrupted; what was imported stays, and running the same command again resumes")
		}
		return err
	}
	return nil
}

// progressPrinter shows an import's progress: a bar redrawn in place on a
// terminal, otherwise a line at every tenth.
func progressPrinter(w io.Writer) func(wpimport.Progress) {
	f, ok := w.(*os.File)
	tty := ok && term.IsTerminal(int(f.Fd()))
	lastPhase, lastTenth := "", -1
	return func(p wpimport.Progress) {
		if p.Total <= 0 {
			return
		}
		frac := min(float64(p.Done)/float64(p.Total), 1)
		label := map[string]string{wpimport.PhaseChecking: "Checking the file", wpimport.PhaseImporting: "Importing posts"}[p.Phase]
		if tty {
			const width = 30
			n := int(frac * width)
			if lastPhase != "" && lastPhase != p.Phase {
				fmt.Fprintln(w)
			}
			fmt.Fprintf(w, "\r%-18s [%s%s] %3.0f%%", label, strings.Repeat("=", n), strings.Repeat(" ", width-n), frac*100)
			if p.Phase == wpimport.PhaseImporting {
				fmt.Fprintf(w, " (%d of %d)", p.Done, p.Total)
			}
			lastPhase = p.Phase
			return
		}
		tenth := int(frac * 10)
		if p.Phase != lastPhase || tenth != lastTenth {
			fmt.Fprintf(w, "%s: %d%%\n", label, tenth*10)
			lastPhase, lastTenth = p.Phase, tenth
		}
	}
}
