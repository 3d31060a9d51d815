// Command qalam runs and administers a Qalam publication: one binary for
// the web server, database migrations and staff accounts.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// defaultMemoryLimit is the Go runtime's soft memory limit unless the
// operator sets GOMEMLIMIT. Without it the heap, whose live part is about
// 25 MB on a site of 10,000 articles and 100,000 comments, was left to grow
// to twice that between collections under load, and the process held 168 MB
// at its peak; with it, 75 MB, at the same throughput (bench/README.md). It
// is soft: a larger site whose live data needs more gets more, at the cost
// of more frequent collection, so such sites should raise it (for example
// GOMEMLIMIT=512MiB).
const defaultMemoryLimit = 64 << 20

const usage = `Qalam: a self-hosted newsroom.

Usage:
  qalam serve [flags]      run the publication (SQLite in the data folder by default)
  qalam migrate [flags]    apply database migrations and exit
  qalam user add [flags]   create a staff account (the password is read from the terminal or stdin)
  qalam user reset-password -email ADDRESS
                           set a new password for a staff account and end its sessions
  qalam moderation train FILE.jsonl
                           add labelled comments to the site's spam model
  qalam moderation eval FILE.jsonl
                           score labelled comments with the site's spam model and rules (changes nothing)
  qalam import wordpress FILE.xml [-uploads DIR] [-drop-addresses]
                           import a WordPress export; its old addresses redirect
  qalam export static DIR [-mirror-url URL]
                           write the public site as static files (run again to update)
  qalam export json DIR    write everything in the portable format (docs/export-format.md)
  qalam import json DIR    read a portable export into a new, empty database
  qalam backup FILE        write a consistent backup (a .tar.gz) while the site serves

Run "qalam COMMAND -help" for a command's flags. Every flag can also be set
with a QALAM_* environment variable, named in the flag's help.
`

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		if err != errUsage {
			fmt.Fprintln(os.Stderr, "qalam:", err)
		}
		os.Exit(2)
	}
}

// runExport dispatches "qalam export WHAT" on its first argument.
func runExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	const exportUsage = "Usage:\n  qalam export static DIR [-mirror-url URL] [flags]\n  qalam export json DIR [flags]\n"
	if len(args) == 0 {
		fmt.Fprint(stderr, exportUsage)
		return errUsage
	}
	switch args[0] {
	case "static":
		return runExportStatic(ctx, args[1:], getenv, stdout, stderr)
	case "json":
		return runExportJSON(ctx, args[1:], getenv, stdout, stderr)
	default:
		fmt.Fprintf(stderr, "unknown export %q\n\n%s", args[0], exportUsage)
		return errUsage
	}
}

type usageError struct{}

func (usageError) Error() string { return "usage" }

// errUsage means the usage was already printed.
var errUsage error = usageError{}

// run dispatches a command line to its subcommand.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	switch args[0] {
	case "serve":
		return runServe(ctx, args[1:], getenv, stdout, stderr)
	case "migrate":
		return runMigrate(ctx, args[1:], getenv, stdout, stderr)
	case "user":
		return runUser(ctx, args[1:], getenv, stdin, stdout, stderr)
	case "moderation":
		return runModeration(ctx, args[1:], getenv, stdin, stdout, stderr)
	case "import":
		return runImport(ctx, args[1:], getenv, stdout, stderr)
	case "export":
		return runExport(ctx, args[1:], getenv, stdout, stderr)
	case "backup":
		return runBackup(ctx, args[1:], getenv, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprintf(stderr, "unknown command %q\n\n%s", args[0], usage)
		return errUsage
	}
}
