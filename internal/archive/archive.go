// Package archive owns Qalam's portable export format: a folder holding a
// manifest and one JSON Lines file per table, written from one snapshot of
// the database and read back into an empty one, with the media files.
// docs/export-format.md describes the format.
package archive

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
)

// The format's name and version, as the manifest states them. A reader
// refuses any other name, and any version but its own.
const (
	Format  = "qalam-export"
	Version = 1
)

// File and folder names inside an export.
const (
	ManifestFile = "manifest.json"
	MediaFolder  = "media"
)

// Notice is the manifest's warning about what an export holds.
const Notice = "Sensitive: holds staff password hashes and two-factor secrets, commenters' email addresses " +
	"and address hashes. Keep it as safe as the database itself."

// Manifest describes an export: what it is, and what it holds.
type Manifest struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	Notice  string `json:"notice"`
	// Schema is the last database migration of the Qalam that wrote it.
	Schema string  `json:"schema"`
	Tables []Table `json:"tables"`
	Media  Media   `json:"media"`
}

// Table is one table's file.
type Table struct {
	Name    string   `json:"name"`
	File    string   `json:"file"`
	Rows    int64    `json:"rows"`
	Columns []Column `json:"columns"`
}

// Column is one column of a table, in the order the rows hold them.
type Column struct {
	Name string           `json:"name"`
	Kind store.ColumnKind `json:"kind"`
}

// Media counts the media files, kept under MediaFolder with their stored
// names.
type Media struct {
	Folder string `json:"folder"`
	Files  int    `json:"files"`
	Bytes  int64  `json:"bytes"`
}

// Export writes the whole publication into dir, which must be empty or
// not exist: every exported table from one snapshot of st, then the files
// of mediaDir (none when mediaDir is ""), then the manifest, which is
// written last so that a folder without one is an unfinished export.
func Export(ctx context.Context, st *store.Store, dir, mediaDir string) (*Manifest, error) {
	if err := emptyFolder(dir); err != nil {
		return nil, err
	}
	m := &Manifest{Format: Format, Version: Version, Notice: Notice}
	err := st.Export(ctx, func(sn *store.Snapshot) error {
		m.Schema = sn.Schema()
		tables := sn.Tables()
		slices.SortFunc(tables, func(a, b store.ExportTable) int { return strings.Compare(a.Name, b.Name) })
		for _, t := range tables {
			entry, err := exportTable(ctx, sn, t, dir)
			if err != nil {
				return err
			}
			m.Tables = append(m.Tables, entry)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	m.Media.Folder = MediaFolder
	if mediaDir != "" {
		m.Media.Files, m.Media.Bytes, err = copyFiles(mediaDir, filepath.Join(dir, MediaFolder), false)
		if err != nil {
			return nil, fmt.Errorf("archive: copy the media files: %w", err)
		}
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := writeFile(filepath.Join(dir, ManifestFile), append(data, '\n')); err != nil {
		return nil, err
	}
	return m, nil
}

// exportTable writes one table's rows, one JSON object a line.
func exportTable(ctx context.Context, sn *store.Snapshot, t store.ExportTable, dir string) (Table, error) {
	entry := Table{Name: t.Name, File: t.Name + ".jsonl"}
	for _, c := range t.Columns {
		entry.Columns = append(entry.Columns, Column{Name: c.Name, Kind: c.Kind})
	}
	path := filepath.Join(dir, entry.File)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return entry, fmt.Errorf("archive: %w", err)
	}
	w := bufio.NewWriterSize(f, 256<<10)
	var line []byte
	err = sn.Rows(ctx, t.Name, func(row []any) error {
		line = line[:0]
		for i, c := range t.Columns {
			if i == 0 {
				line = append(line, '{')
			} else {
				line = append(line, ',')
			}
			line = appendString(line, c.Name)
			line = append(line, ':')
			line = appendValue(line, row[i])
		}
		line = append(line, '}', '\n')
		entry.Rows++
		_, err := w.Write(line)
		return err
	})
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return entry, fmt.Errorf("archive: export %s: %w", t.Name, err)
	}
	return entry, nil
}

// appendValue encodes one value of a row: null, a number, true or false,
// a string, or bytes as a base64 string.
func appendValue(b []byte, v any) []byte {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...)
	case int64:
		return strconv.AppendInt(b, v, 10)
	case bool:
		return strconv.AppendBool(b, v)
	case string:
		return appendString(b, v)
	case []byte:
		b = append(b, '"')
		b = base64.StdEncoding.AppendEncode(b, v)
		return append(b, '"')
	}
	panic(fmt.Sprintf("archive: a %T value", v)) // the store hands out only the kinds above
}

// appendString encodes a JSON string, leaving <, > and & as they are.
func appendString(b []byte, s string) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
}

// ReadManifest reads and checks the manifest of the export in dir.
func ReadManifest(dir string) (*Manifest, error) {
	data, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, qalam.Errorf(qalam.KindInvalid, "%s holds no %s: it is not a Qalam export, or an unfinished one.", dir, ManifestFile)
	}
	if err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, qalam.Errorf(qalam.KindInvalid, "%s cannot be read: %v", ManifestFile, err)
	}
	if m.Format != Format {
		return nil, qalam.Errorf(qalam.KindInvalid, "%s is not a Qalam export (its format is %q, not %q).", dir, m.Format, Format)
	}
	if m.Version != Version {
		return nil, qalam.Errorf(qalam.KindInvalid,
			"The export in %s is in version %d of the format; this Qalam reads version %d only.", dir, m.Version, Version)
	}
	for _, t := range m.Tables {
		if t.File != filepath.Base(t.File) || !strings.HasSuffix(t.File, ".jsonl") {
			return nil, qalam.Errorf(qalam.KindInvalid, "%s names the file %q, which is not a table file of the export.", ManifestFile, t.File)
		}
	}
	return &m, nil
}

// Import reads the export in dir into st, which must be migrated and
// empty, and copies its media files into mediaDir (skipped when mediaDir
// is ""). The rows go in with their ids, in one transaction: on any
// error nothing is imported. Media files go first, so that no imported
// record lacks its file; one already in mediaDir with the same name must
// have the same size.
func Import(ctx context.Context, st *store.Store, dir, mediaDir string) (*Manifest, error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	if mediaDir != "" && m.Media.Files > 0 {
		if _, _, err := copyFiles(filepath.Join(dir, MediaFolder), mediaDir, true); err != nil {
			return nil, fmt.Errorf("archive: copy the media files: %w", err)
		}
	}
	err = st.Import(ctx, func(im *store.Importer) error {
		targets := im.Tables()
		byName := map[string]Table{}
		for _, t := range m.Tables {
			if !slices.ContainsFunc(targets, func(target store.ExportTable) bool { return target.Name == t.Name }) {
				return qalam.Errorf(qalam.KindInvalid, "The export holds the table %s, which this Qalam does not have: import it with the Qalam that wrote it (schema %s) or a newer one.", t.Name, m.Schema)
			}
			byName[t.Name] = t
		}
		for _, target := range targets {
			t, ok := byName[target.Name]
			if !ok {
				continue
			}
			if err := importTable(ctx, im, dir, t, target); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// importTable inserts the rows of one table's file.
func importTable(ctx context.Context, im *store.Importer, dir string, t Table, target store.ExportTable) error {
	columns := make([]string, len(t.Columns))
	kinds := make([]store.ColumnKind, len(t.Columns))
	for i, c := range t.Columns {
		tc, ok := target.Column(c.Name)
		if !ok {
			return qalam.Errorf(qalam.KindInvalid, "The export's table %s has the column %s, which this Qalam does not have.", t.Name, c.Name)
		}
		columns[i], kinds[i] = c.Name, tc.Kind
	}
	f, err := os.Open(filepath.Join(dir, t.File))
	if err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 256<<10)
	values := make([]any, len(columns))
	var n int64
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		line, err := r.ReadBytes('\n')
		if len(line) > 0 {
			n++
			if err := decodeRow(line, columns, kinds, values); err != nil {
				return qalam.Errorf(qalam.KindInvalid, "%s, line %d: %v", t.File, n, err)
			}
			if err := im.Insert(t.Name, columns, values); err != nil {
				return fmt.Errorf("%s, line %d: %w", t.File, n, err)
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("archive: %w", err)
		}
	}
	if n != t.Rows {
		return qalam.Errorf(qalam.KindInvalid, "%s holds %d rows, but the manifest says %d: the export is damaged.", t.File, n, t.Rows)
	}
	return nil
}

// decodeRow decodes one line into values, by the kinds of the importing
// database's columns.
func decodeRow(line []byte, columns []string, kinds []store.ColumnKind, values []any) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(line, &fields); err != nil {
		return err
	}
	if len(fields) != len(columns) {
		return fmt.Errorf("%d fields, but the manifest lists %d columns", len(fields), len(columns))
	}
	for i, name := range columns {
		raw, ok := fields[name]
		if !ok {
			return fmt.Errorf("no field %q", name)
		}
		v, err := decodeValue(raw, kinds[i])
		if err != nil {
			return fmt.Errorf("field %q: %v", name, err)
		}
		values[i] = v
	}
	return nil
}

// decodeValue decodes one value as the column's kind: nil for null.
func decodeValue(raw json.RawMessage, kind store.ColumnKind) (any, error) {
	if string(raw) == "null" {
		return nil, nil
	}
	switch kind {
	case store.KindInteger:
		var v int64
		err := json.Unmarshal(raw, &v)
		return v, err
	case store.KindBoolean:
		var v bool
		err := json.Unmarshal(raw, &v)
		return v, err
	case store.KindText:
		var v string
		err := json.Unmarshal(raw, &v)
		return v, err
	case store.KindBytes:
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		return base64.StdEncoding.DecodeString(s)
	}
	return nil, fmt.Errorf("a column of unknown kind %q", kind)
}

// emptyFolder creates dir (readable by its owner only: an export is
// sensitive), or checks that it exists and is empty.
func emptyFolder(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("archive: %w", err)
		}
		return nil
	case err != nil:
		return fmt.Errorf("archive: %w", err)
	case len(entries) > 0:
		return qalam.Errorf(qalam.KindConflict, "%s is not empty: export into a new folder.", dir)
	}
	return nil
}

// writeFile writes data to path through a synced temporary file.
func writeFile(path string, data []byte) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("archive: %w", err)
	}
	return nil
}

// copyFiles copies the regular files of the folder tree from into to,
// leaving out hidden files (the media library's unfinished uploads), and
// returns how many files and bytes it copied. With keep, a file already
// in to with the same size is left as it is (a second import of the same
// export), and one of another size is an error.
func copyFiles(from, to string, keep bool) (files int, size int64, err error) {
	if err := os.MkdirAll(to, 0o750); err != nil {
		return 0, 0, err
	}
	err = filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == from && errors.Is(err, fs.ErrNotExist) {
				return filepath.SkipAll // no media yet
			}
			return err
		}
		if strings.HasPrefix(d.Name(), ".") && path != from {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		rel, err := filepath.Rel(from, path)
		if err != nil {
			return err
		}
		dest := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dest, 0o750)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if keep {
			if have, err := os.Stat(dest); err == nil {
				if have.Size() != info.Size() {
					return qalam.Errorf(qalam.KindConflict, "%s exists already and differs from the export's %s.", dest, rel)
				}
				return nil
			}
		}
		if err := copyFile(path, dest); err != nil {
			return err
		}
		files++
		size += info.Size()
		return nil
	})
	return files, size, err
}

// copyFile copies one file, synced, refusing to overwrite one.
func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}
