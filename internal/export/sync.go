package export

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
)

// manifestName is the file that lists, one a line, the files the mirror
// wrote: a later run removes those it no longer writes, and never any
// other file of the folder.
const manifestName = ".qalam-mirror"

// syncer writes a mirror's files into its folder, each only if its bytes
// changed, through an os.Root so that no name can lead outside it.
type syncer struct {
	root  *os.Root
	old   map[string]bool // in the previous run's manifest
	wrote map[string]bool // this run's files
}

func openSync(dir string) (*syncer, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	s := &syncer{root: root, old: map[string]bool{}, wrote: map[string]bool{}}
	m, err := root.ReadFile(manifestName)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		root.Close()
		return nil, err
	}
	for line := range strings.Lines(string(m)) {
		if name := strings.TrimSpace(line); validName(name) {
			s.old[name] = true
		}
	}
	return s, nil
}

func (s *syncer) close() error { return s.root.Close() }

// validName accepts a manifest's line only if it names a file inside the
// folder in the form the mirror writes (a hand-edited manifest cannot make
// a run delete anything else).
func validName(name string) bool {
	return name != "" && name != manifestName && fs.ValidPath(name) && path.Clean(name) == name
}

// put keeps data as the file name, writing it only if it differs.
func (s *syncer) put(name string, data []byte, r *Report) error {
	if s.wrote[name] {
		return nil // two addresses, one file (a query the mapping drops)
	}
	s.wrote[name] = true
	r.Files++
	r.Bytes += int64(len(data))
	if old, err := s.root.ReadFile(name); err == nil && bytes.Equal(old, data) {
		r.Unchanged++
		return nil
	}
	if err := s.write(name, data); err != nil {
		return err
	}
	r.Written++
	return nil
}

// write replaces a file whole: a reader of the mirror being served sees
// the old file or the new, never half of one.
func (s *syncer) write(name string, data []byte) error {
	if dir := path.Dir(name); dir != "." {
		if err := s.root.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	tmp := path.Join(path.Dir(name), ".tmp-"+rand.Text())
	if err := s.root.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	if err := s.root.Rename(tmp, name); err != nil {
		s.root.Remove(tmp)
		return err
	}
	return nil
}

// finish removes the files of the previous run that this one did not
// write (and the folders they leave empty), then writes the manifest.
func (s *syncer) finish(r *Report) error {
	for name := range s.old {
		if s.wrote[name] {
			continue
		}
		if err := s.root.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("removing %s: %w", name, err)
		}
		r.Removed++
		for dir := path.Dir(name); dir != "."; dir = path.Dir(dir) {
			if s.root.Remove(dir) != nil {
				break // not empty
			}
		}
	}
	names := make([]string, 0, len(s.wrote))
	for name := range s.wrote {
		names = append(names, name)
	}
	slices.Sort(names)
	manifest := []byte(strings.Join(names, "\n") + "\n")
	if old, err := s.root.ReadFile(manifestName); err == nil && bytes.Equal(old, manifest) {
		return nil
	}
	return s.write(manifestName, manifest)
}
