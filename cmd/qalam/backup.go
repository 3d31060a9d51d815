package main

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/archive"
	"github.com/qalamnews/qalam/internal/store"
)

const backupUsage = `Usage:
  qalam backup FILE [flags]

Writes a consistent backup of the running site into FILE, a gzipped tar,
while the site goes on serving; nothing is changed. FILE appears only once
it is complete.

With SQLite it holds qalam.db, a snapshot of the database (VACUUM INTO),
and media/, the media files. To restore: stop Qalam, remove qalam.db,
qalam.db-wal and qalam.db-shm from the data folder, and unpack FILE there
(tar -xzf FILE -C DATA); or unpack it elsewhere and "qalam import json"
an export of it into a new database.

With PostgreSQL it holds a portable export (docs/export-format.md) read
in one repeatable-read transaction, its media/ folder included. To
restore: unpack it into a folder and run "qalam import json FOLDER"
against a new, empty database.

A backup holds staff password hashes: keep it safe.
`

// runBackup runs "qalam backup FILE".
func runBackup(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	file, cfg, err := parseFolderCommand("backup", backupUsage, args, getenv, stderr)
	if err != nil {
		return err
	}
	// The backup changes nothing: it neither creates a missing SQLite
	// file nor migrates.
	if cfg.DatabaseURL == "" {
		if _, err := os.Stat(cfg.DatabaseDSN()); err != nil {
			return qalam.Errorf(qalam.KindNotFound, "There is no database to back up at %s.", cfg.DatabaseDSN())
		}
	}
	st, err := store.Open(ctx, cfg.DatabaseDSN(), store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()

	// The work folder is next to FILE, so that the finished backup is
	// renamed into place on the same file system.
	file, err = filepath.Abs(file)
	if err != nil {
		return err
	}
	work, err := os.MkdirTemp(filepath.Dir(file), ".qalam-backup-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	var trees []tree
	if st.Dialect() == "sqlite" {
		db := filepath.Join(work, "db")
		if err := os.Mkdir(db, 0o700); err != nil {
			return err
		}
		if err := st.SnapshotTo(ctx, filepath.Join(db, "qalam.db")); err != nil {
			return err
		}
		trees = []tree{{from: db}, {from: cfg.MediaDir, prefix: archive.MediaFolder}}
	} else {
		export := filepath.Join(work, "export")
		if _, err := archive.Export(ctx, st, export, cfg.MediaDir); err != nil {
			return err
		}
		trees = []tree{{from: export}}
	}
	tmp := filepath.Join(work, "backup.tar.gz")
	files, size, err := writeTarGz(tmp, trees)
	if err != nil {
		return fmt.Errorf("write the backup: %w", err)
	}
	if err := os.Rename(tmp, file); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Backed up the %s database and the media files (%d files, %.1f MB before compression) into %s.\n",
		st.Dialect(), files, float64(size)/1e6, file)
	return nil
}

// tree is a folder to put into a tar under prefix ("" for the top).
type tree struct {
	from, prefix string
}

// writeTarGz writes the regular files of the trees (hidden files left
// out: the media library's unfinished uploads) into a new gzipped tar at
// path, synced, and returns how many files and bytes it holds.
func writeTarGz(path string, trees []tree) (files int, size int64, err error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	zw := gzip.NewWriter(f)
	tw := tar.NewWriter(zw)
	for _, t := range trees {
		err := filepath.WalkDir(t.from, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if p == t.from && errors.Is(err, fs.ErrNotExist) {
					return filepath.SkipAll // no media yet
				}
				return err
			}
			if p != t.from && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.Type().IsRegular() {
				return nil
			}
			rel, err := filepath.Rel(t.from, p)
			if err != nil {
				return err
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			hdr := &tar.Header{
				Typeflag: tar.TypeReg,
				Name:     filepath.ToSlash(filepath.Join(t.prefix, rel)),
				Size:     info.Size(),
				Mode:     0o600,
				ModTime:  info.ModTime(),
			}
			if err := tw.WriteHeader(hdr); err != nil {
				return err
			}
			in, err := os.Open(p)
			if err != nil {
				return err
			}
			defer in.Close()
			n, err := io.Copy(tw, in)
			if err != nil {
				return err
			}
			if n != info.Size() {
				return fmt.Errorf("%s changed size while it was copied", p)
			}
			files++
			size += n
			return nil
		})
		if err != nil {
			return 0, 0, err
		}
	}
	if err := tw.Close(); err != nil {
		return 0, 0, err
	}
	if err := zw.Close(); err != nil {
		return 0, 0, err
	}
	if err := f.Sync(); err != nil {
		return 0, 0, err
	}
	return files, size, f.Close()
}
