package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/archive"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
)

// site is a data folder with its database (SQLite in it, or a fresh
// PostgreSQL schema when the tests are given one) and its environment.
type site struct {
	dir, database string
	getenv        func(string) string
}

func newSite(t *testing.T) site {
	t.Helper()
	s := site{dir: t.TempDir()}
	env := map[string]string{"QALAM_DATA_DIR": s.dir}
	if os.Getenv(storetest.EnvPostgresURL) != "" {
		s.database = storetest.PostgresURL(t)
		env["QALAM_DATABASE_URL"] = s.database
	}
	s.getenv = func(k string) string { return env[k] }
	return s
}

// open opens the site's database, migrated, closed when the test ends.
func (s site) open(t *testing.T) *store.Store {
	t.Helper()
	dsn := s.database
	if dsn == "" {
		dsn = filepath.Join(s.dir, "qalam.db")
	}
	return storetest.OpenDSN(t, dsn, store.Options{})
}

func (s site) run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, s.getenv, strings.NewReader(""), &out, &errOut)
	return out.String() + errOut.String(), err
}

// untar unpacks a gzipped tar into dir.
func untar(t *testing.T, file, dir string) {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, filepath.FromSlash(hdr.Name))
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// TestBackup takes a backup while another connection keeps writing, and
// restores it as the usage says: the restored database opens, migrates,
// and holds every category written before the backup began and an
// unbroken run of those written during it, with the media files.
func TestBackup(t *testing.T) {
	ctx := context.Background()
	src := newSite(t)
	st := src.open(t)
	mediaFile := []byte("not really a JPEG")
	if err := os.MkdirAll(filepath.Join(src.dir, "media"), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src.dir, "media", "0123456789abcdef0123456789abcdef.jpg"), mediaFile, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src.dir, "media", ".tmp-unfinished.jpg"), []byte("x"), 0o640); err != nil {
		t.Fatal(err)
	}

	// The writer stores categories one transaction each until stopped;
	// it says when the first hundred are in.
	const before = 100
	started, stop := make(chan struct{}), make(chan struct{})
	var written int64
	var writeErr error
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 1; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			c := &qalam.Category{Slug: fmt.Sprintf("beat-%d", i), Name: "Qalampur"}
			if err := st.CreateCategory(ctx, c); err != nil {
				writeErr = err
				if i <= before {
					close(started)
				}
				return
			}
			written = int64(i)
			if i == before {
				close(started)
			}
		}
	})
	<-started
	file := filepath.Join(t.TempDir(), "backup.tar.gz")
	out, err := src.run(t, "backup", file)
	close(stop)
	wg.Wait()
	if writeErr != nil {
		t.Fatalf("writer: %v", writeErr)
	}
	if err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	t.Logf("%s(%d categories written in all)", out, written)

	restore := newSite(t)
	untar(t, file, restore.dir)
	if src.database != "" {
		if _, err := os.Stat(filepath.Join(restore.dir, archive.ManifestFile)); err != nil {
			t.Fatalf("the PostgreSQL backup holds no export: %v", err)
		}
		target := newSite(t)
		if out, err := target.run(t, "import", "json", restore.dir); err != nil {
			t.Fatalf("import: %v\n%s", err, out)
		}
		restore = target
	}
	restored := restore.open(t)
	cats, err := restored.FindCategories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(cats) < before || int64(len(cats)) > written {
		t.Errorf("%d categories restored, want between %d and %d", len(cats), before, written)
	}
	for _, c := range cats {
		if c.ID < 1 || c.ID > int64(len(cats)) {
			t.Errorf("category %d restored without all before it: not one snapshot", c.ID)
		}
	}
	got, err := os.ReadFile(filepath.Join(restore.dir, "media", "0123456789abcdef0123456789abcdef.jpg"))
	if err != nil || !bytes.Equal(got, mediaFile) {
		t.Errorf("media file restored as %q, %v; want %q", got, err, mediaFile)
	}
	if _, err := os.Stat(filepath.Join(restore.dir, "media", ".tmp-unfinished.jpg")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("an unfinished upload was backed up")
	}
}

func TestBackup_noDatabase(t *testing.T) {
	if os.Getenv(storetest.EnvPostgresURL) != "" {
		t.Skip("a PostgreSQL schema always exists")
	}
	s := newSite(t)
	_, err := s.run(t, "backup", filepath.Join(t.TempDir(), "backup.tar.gz"))
	if qalam.KindOf(err) != qalam.KindNotFound {
		t.Fatalf("got %v, want not found", err)
	}
	if _, err := os.Stat(filepath.Join(s.dir, "qalam.db")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the backup created a database")
	}
}

// TestExportImportJSON moves a site to a new database through the
// commands, and refuses to import twice.
func TestExportImportJSON(t *testing.T) {
	ctx := context.Background()
	src := newSite(t)
	st := src.open(t)
	a := storetest.Article(t, st, func(a *qalam.Article) { a.Headline = "Qalampur opens its new library" })
	dir := filepath.Join(t.TempDir(), "export")
	out, err := src.run(t, "export", "json", dir)
	if err != nil {
		t.Fatalf("export: %v\n%s", err, out)
	}
	if !strings.Contains(out, "1 articles") {
		t.Errorf("export said %q, want the count of articles", out)
	}

	dst := newSite(t)
	if out, err := dst.run(t, "import", "json", dir); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	got, err := dst.open(t).Article(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Headline != a.Headline {
		t.Errorf("headline %q, want %q", got.Headline, a.Headline)
	}

	_, err = dst.run(t, "import", "json", dir)
	if qalam.KindOf(err) != qalam.KindConflict || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("second import: got %v, want a conflict saying the database is not empty", err)
	}
}
