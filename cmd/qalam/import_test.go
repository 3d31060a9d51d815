package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/qalamnews/qalam/internal/config"
	"github.com/qalamnews/qalam/internal/storetest"
)

const (
	wxrSample  = "../../../shared/testdata/wxr/newsroom-sample.wxr.xml"
	wxrUploads = "../../../shared/testdata/wxr/uploads"
)

// importEnv is the environment of a site in dir: SQLite there, or a fresh
// PostgreSQL schema when the tests are given one.
func importEnv(t *testing.T, dir string) (getenv func(string) string, database string) {
	t.Helper()
	// The sample's comments are from 2026: keep their address hashes.
	env := map[string]string{"QALAM_DATA_DIR": dir, "QALAM_ADDRESS_RETENTION": "876000h"}
	if os.Getenv(storetest.EnvPostgresURL) != "" {
		env["QALAM_DATABASE_URL"] = storetest.PostgresURL(t)
	}
	return func(k string) string { return env[k] }, env["QALAM_DATABASE_URL"]
}

func runImportT(t *testing.T, getenv func(string) string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), append([]string{"import"}, args...), getenv, strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), err
}

// databaseChecksum hashes every row of every table, whatever the engine.
func databaseChecksum(t *testing.T, dir, database string) string {
	t.Helper()
	driver, dsn, tables := "sqlite", "file:"+filepath.Join(dir, "qalam.db")+"?mode=ro", `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if database != "" {
		driver, dsn, tables = "pgx", database, `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	names := queryStrings(t, db, tables)
	slices.Sort(names)
	h := sha256.New()
	for _, name := range names {
		rows := queryStrings(t, db, `SELECT * FROM `+name)
		slices.Sort(rows)
		fmt.Fprintf(h, "%s %d\n%s\n", name, len(rows), strings.Join(rows, "\n"))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// queryStrings runs a query and returns each row as one string.
func queryStrings(t *testing.T, db *sql.DB, query string) []string {
	t.Helper()
	rows, err := db.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		values := make([]any, len(cols))
		dest := make([]any, len(cols))
		for i := range values {
			dest[i] = &values[i]
		}
		if err := rows.Scan(dest...); err != nil {
			t.Fatal(err)
		}
		var parts []string
		for _, v := range values {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			parts = append(parts, fmt.Sprint(v))
		}
		out = append(out, strings.Join(parts, "|"))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(cols) == 1 {
		for i, s := range out {
			out[i] = strings.TrimSpace(s)
		}
	}
	return out
}

func TestImportWordPress_TheSample(t *testing.T) {
	dir := t.TempDir()
	getenv, database := importEnv(t, dir)

	// The file first, flags after it, as the usage line has it.
	out, errOut, err := runImportT(t, getenv, "wordpress", wxrSample, "-uploads", wxrUploads)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, errOut)
	}
	for _, want := range []string{
		"  posts              39             0        1\n",
		"  comments          120             0        1\n",
		"  images              2             0        0\n",
		"4 × a bare & escaped",
		"first at line 448, column 75",
		"120 kept as keyed hashes",
		"Checking the file: 100%",
		"Importing posts: 100%",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	sum := databaseChecksum(t, dir, database)

	t.Run("a second run changes nothing", func(t *testing.T) {
		out, errOut, err := runImportT(t, getenv, "wordpress", "-uploads", wxrUploads, wxrSample)
		if err != nil {
			t.Fatalf("import: %v\n%s", err, errOut)
		}
		if !strings.Contains(out, "  posts               0            39        1\n") {
			t.Errorf("second run output:\n%s", out)
		}
		if again := databaseChecksum(t, dir, database); again != sum {
			t.Errorf("database checksum %s after the second run, %s before", again, sum)
		}
	})
	t.Run("the site serves the old addresses", func(t *testing.T) {
		m := startMain(t, func(c *config.Config) {
			c.DataDir, c.DatabaseURL = dir, database
		})
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		for old, want := range map[string]string{
			"/2026/02/03/port-alder-ferry-timetable-changes-from-march/": "/articles/port-alder-ferry-timetable-changes-from-march",
			"/?p=7":                    "/articles/port-alder-ferry-timetable-changes-from-march",
			"/about/corrections/":      "/articles/corrections",
			"/category/local/schools/": "/categories/schools",
			"/author/rkazmi/":          "/authors/rkazmi",
		} {
			resp, err := client.Get(m.URL() + old)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != want {
				t.Errorf("GET %s = %d to %q, want 301 to %q", old, resp.StatusCode, resp.Header.Get("Location"), want)
			}
		}
		// An uploaded image's old address leads to the stored copy.
		resp, err := http.Get(m.URL() + "/wp-content/uploads/2026/03/estuary-first-light.jpg")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" || !strings.HasPrefix(resp.Request.URL.Path, "/media/") {
			t.Errorf("old image address: %d %s at %s", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Request.URL.Path)
		}
	})
}

func TestImportWordPress_RefusesAnUnreadableFile(t *testing.T) {
	dir := t.TempDir()
	getenv, database := importEnv(t, dir)
	sample, err := os.ReadFile(wxrSample)
	if err != nil {
		t.Fatal(err)
	}
	// Cut the file in the middle of an item: the posts before the cut are
	// not imported either.
	cut := filepath.Join(t.TempDir(), "cut.xml")
	if err := os.WriteFile(cut, sample[:len(sample)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	before := ""
	if _, _, err := runImportT(t, getenv, "wordpress", "-drop-addresses", "/nonexistent.xml"); err == nil {
		t.Fatal("a missing file imported")
	} else {
		before = databaseChecksum(t, dir, database)
	}
	_, _, err = runImportT(t, getenv, "wordpress", cut)
	if err == nil || !strings.Contains(err.Error(), "cannot be read, at line ") || !strings.Contains(err.Error(), "Nothing was imported") {
		t.Fatalf("error %v, want the place and that nothing was imported", err)
	}
	if after := databaseChecksum(t, dir, database); after != before {
		t.Error("the database changed")
	}
}

func TestImportWordPress_Usage(t *testing.T) {
	getenv, _ := importEnv(t, t.TempDir())
	for name, args := range map[string][]string{
		"no source":      {},
		"unknown source": {"drupal", "x.xml"},
		"no file":        {"wordpress"},
		"two files":      {"wordpress", "a.xml", "b.xml"},
	} {
		t.Run(name, func(t *testing.T) {
			_, errOut, err := runImportT(t, getenv, args...)
			if err != errUsage || !strings.Contains(errOut, "qalam import wordpress FILE.xml") {
				t.Errorf("error %v, stderr %q; want the usage", err, errOut)
			}
		})
	}
}
