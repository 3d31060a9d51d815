package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/qalamnews/qalam/internal/archive"
	"github.com/qalamnews/qalam/internal/config"
)

const exportJSONUsage = `Usage:
  qalam export json DIR [flags]

Writes the whole publication into DIR (new, or empty) in Qalam's portable
format (docs/export-format.md): a manifest.json, one JSON Lines file per
table, and the media files, all from one consistent snapshot of the
database, while the site goes on serving. "qalam import json DIR" reads it
into a new database, SQLite or PostgreSQL.

The export is sensitive: it holds staff password hashes and two-factor
secrets, and commenters' email addresses. Its files are readable by their
owner only; keep them so.
`

const importJSONUsage = `Usage:
  qalam import json DIR [flags]

Reads an export written by "qalam export json" (or a PostgreSQL backup,
unpacked) into the configured database, which must be new: migrated, with
nothing in it. The rows keep their ids; the media files go into the media
folder. Everything is imported in one transaction: on any error, nothing.
`

// runExportJSON runs "qalam export json DIR".
func runExportJSON(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	dir, cfg, err := parseFolderCommand("export json", exportJSONUsage, args, getenv, stderr)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	m, err := archive.Export(ctx, st, dir, cfg.MediaDir)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Exported %s and %d media files into %s. It holds password hashes: keep it safe.\n",
		rowSummary(m), m.Media.Files, dir)
	return nil
}

// runImportJSON runs "qalam import json DIR".
func runImportJSON(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	dir, cfg, err := parseFolderCommand("import json", importJSONUsage, args, getenv, stderr)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	m, err := archive.Import(ctx, st, dir, cfg.MediaDir)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Imported %s and %d media files from %s.\n", rowSummary(m), m.Media.Files, dir)
	return nil
}

// parseFolderCommand reads the command line of a command taking one
// folder (before or after the flags) and the configuration.
func parseFolderCommand(name, usage string, args []string, getenv func(string) string, stderr io.Writer) (string, config.Config, error) {
	var dirs []string
	for len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		dirs, args = append(dirs, args[0]), args[1:]
	}
	cfg, fs, err := parseConfig(name, strings.TrimSpace(usage), args, getenv, stderr, nil)
	if err != nil {
		return "", cfg, err
	}
	dirs = append(dirs, fs.Args()...)
	if len(dirs) != 1 || strings.HasPrefix(dirs[0], "-") {
		fmt.Fprint(stderr, usage)
		return "", cfg, errUsage
	}
	return dirs[0], cfg, nil
}

// rowSummary says how many rows of the main kinds a manifest counts.
func rowSummary(m *archive.Manifest) string {
	rows := map[string]int64{}
	var total int64
	for _, t := range m.Tables {
		rows[t.Name] = t.Rows
		total += t.Rows
	}
	return fmt.Sprintf("%d rows (%d articles, %d comments, %d staff accounts)", total, rows["articles"], rows["comments"], rows["users"])
}
