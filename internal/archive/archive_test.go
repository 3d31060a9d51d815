package archive_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/archive"
	"github.com/qalamnews/qalam/internal/media"
	"github.com/qalamnews/qalam/internal/moderation"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
	"github.com/qalamnews/qalam/internal/wpimport"
)

// sampleWXR is a WordPress export that WordPress 6.1 wrote, with its
// uploads folder: it fills most tables, media files included.
var sampleWXR = filepath.Join("..", "..", "..", "shared", "testdata", "wxr")

// fill stores a publication touching every exported table, with its
// media files in mediaDir.
func fill(t *testing.T, st *store.Store, mediaDir string) {
	t.Helper()
	ctx := context.Background()
	lib, err := media.New(media.Options{Dir: mediaDir})
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()
	_, err = wpimport.Import(ctx, st, filepath.Join(sampleWXR, "newsroom-sample.wxr.xml"), wpimport.Options{
		Uploads:     filepath.Join(sampleWXR, "uploads"),
		Media:       lib,
		HashAddress: func(a netip.Addr) string { return "hash-" + a.String() },
	})
	if err != nil {
		t.Fatalf("wordpress import: %v", err)
	}

	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	editor := storetest.User(t, st, func(u *qalam.User) { u.TOTPSecret = "JBSWY3DPEHPK3PXP" })
	en := storetest.Article(t, st, func(a *qalam.Article) { a.Headline = "Qalampur's <bridge> & the river" })
	ur := storetest.Article(t, st, func(a *qalam.Article) {
		a.Language = qalam.Urdu
		a.Headline = "قلم پور کا پل 🌉"
	})
	must(st.SetTranslation(ctx, en.ID, ur.ID))
	commenter := storetest.Commenter(t, st)
	parent := storetest.Comment(t, st, en.ID, func(c *qalam.Comment) { c.AuthorEmail = "parent@example.com" })
	reply := storetest.Comment(t, st, en.ID, func(c *qalam.Comment) {
		c.ParentID = parent.ID
		c.CommenterID = commenter.ID
		c.Body = "جی ہاں"
	})
	must(st.AddCorrection(ctx, &qalam.Correction{ArticleID: en.ID, Kind: qalam.KindCorrection,
		Text: "An earlier version misspelt the river.", TextHTML: "<p>An earlier version misspelt the river.</p>", UserID: editor.ID}))
	must(st.CreateBan(ctx, &store.Ban{Email: "flood@example.com", CommenterID: commenter.ID, Reason: "flooding", UserID: editor.ID}, 24*time.Hour))
	_, err = st.ReportComment(ctx, &store.CommentReport{CommentID: reply.ID, Reason: "spam", ReporterHash: "reporter-1"}, 3)
	must(err)
	_, err = st.ModerateComments(ctx, []int64{reply.ID}, qalam.Approved, editor.ID, "checked")
	must(err)
	must(st.SetSetting(ctx, "site_tagline", "News from Qalampur"))
	must(st.SetWordLists(ctx, []string{"lottery"}, []string{"casino"}, editor.ID, "the usual"))
	maxLinks := 2
	must(st.SetDiscussionPolicy(ctx, &store.DiscussionPolicy{Scope: store.ArticleScope, TargetID: en.ID,
		Override: moderation.Override{MaxLinks: &maxLinks}}, editor.ID, "a heated topic"))
	_, err = st.AddSpamExamples(ctx, []*store.SpamExample{{Source: store.SpamFromFile, FileID: "file-1", Spam: true, Body: "Win a prize"}})
	must(err)
	_, _, err = st.RecommendComment(ctx, parent.ID, "reader-key-1")
	must(err)
	must(st.SubscribeReplies(ctx, parent.ID))
	_, err = st.QueueReplyNotices(ctx)
	must(err)
	must(st.SetModeratorAlerts(ctx, editor.ID, true))
}

// readTree reads every file under dir, by path relative to it.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		files[rel], err = os.ReadFile(path)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// sameTree fails the test unless the two folders hold the same files with
// the same bytes.
func sameTree(t *testing.T, a, b string) {
	t.Helper()
	fa, fb := readTree(t, a), readTree(t, b)
	for name, data := range fa {
		other, ok := fb[name]
		switch {
		case !ok:
			t.Errorf("%s: missing from the second export", name)
		case !bytes.Equal(data, other):
			t.Errorf("%s differs:\nfirst:  %.400s\nsecond: %.400s", name, data, other)
		}
	}
	for name := range fb {
		if _, ok := fa[name]; !ok {
			t.Errorf("%s: only in the second export", name)
		}
	}
}

// TestRoundTrip exports a publication, imports it into an empty database
// of each kind, and exports that: the two exports are byte for byte the
// same. SQLite → JSON → PostgreSQL → JSON is the test; it skips
// without PostgreSQL.
func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	src := storetest.OpenSQLite(t)
	srcMedia := t.TempDir()
	fill(t, src, srcMedia)
	first := filepath.Join(t.TempDir(), "first")
	m, err := archive.Export(ctx, src, first, srcMedia)
	if err != nil {
		t.Fatal(err)
	}
	// Every table holds rows, so every conversion is exercised.
	for _, table := range m.Tables {
		if table.Rows == 0 {
			t.Errorf("table %s: no rows in the fixture", table.Name)
		}
	}
	if m.Media.Files == 0 {
		t.Errorf("no media files exported")
	}

	for _, target := range []struct {
		name string
		open func(testing.TB) *store.Store
	}{
		{"sqlite", storetest.OpenSQLite},
		{"postgres", storetest.OpenPostgres},
	} {
		t.Run("identical after "+target.name, func(t *testing.T) {
			dst := target.open(t)
			dstMedia := t.TempDir()
			if _, err := archive.Import(ctx, dst, first, dstMedia); err != nil {
				t.Fatal(err)
			}
			second := filepath.Join(t.TempDir(), "second")
			if _, err := archive.Export(ctx, dst, second, dstMedia); err != nil {
				t.Fatal(err)
			}
			sameTree(t, first, second)

			// The imported database goes on: new rows take new ids.
			c := storetest.Category(t, dst)
			var maxID int64
			cats, err := dst.FindCategories(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, other := range cats {
				if other.ID != c.ID {
					maxID = max(maxID, other.ID)
				}
			}
			if c.ID <= maxID {
				t.Errorf("new category id %d, want above the imported %d", c.ID, maxID)
			}
			// And search finds imported articles.
			results, _, err := dst.Search(ctx, store.SearchQuery{Text: "bridge", Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			if len(results) == 0 {
				t.Errorf("search for an imported article found nothing")
			}
		})
	}
}

func TestImport_refuses(t *testing.T) {
	ctx := context.Background()
	src := storetest.Open(t)
	storetest.Article(t, src)
	export := filepath.Join(t.TempDir(), "export")
	if _, err := archive.Export(ctx, src, export, ""); err != nil {
		t.Fatal(err)
	}
	withManifest := func(t *testing.T, edit func(map[string]any)) string {
		t.Helper()
		dir := filepath.Join(t.TempDir(), "export")
		if err := os.CopyFS(dir, os.DirFS(export)); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(filepath.Join(dir, archive.ManifestFile))
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		edit(m)
		data, _ = json.Marshal(m)
		if err := os.WriteFile(filepath.Join(dir, archive.ManifestFile), data, 0o600); err != nil {
			t.Fatal(err)
		}
		return dir
	}

	tests := []struct {
		name string
		dir  func(t *testing.T) string
		dst  func(t *testing.T) *store.Store
		kind qalam.Kind
	}{
		{
			name: "a database that is not empty",
			dir:  func(*testing.T) string { return export },
			dst: func(t *testing.T) *store.Store {
				st := storetest.Open(t)
				storetest.Category(t, st)
				return st
			},
			kind: qalam.KindConflict,
		},
		{
			name: "an unknown version",
			dir:  func(t *testing.T) string { return withManifest(t, func(m map[string]any) { m["version"] = 2 }) },
			kind: qalam.KindInvalid,
		},
		{
			name: "another format",
			dir: func(t *testing.T) string {
				return withManifest(t, func(m map[string]any) { m["format"] = "wordpress" })
			},
			kind: qalam.KindInvalid,
		},
		{
			name: "a folder without a manifest",
			dir:  func(t *testing.T) string { return t.TempDir() },
			kind: qalam.KindInvalid,
		},
		{
			name: "a row count that disagrees with the file",
			dir: func(t *testing.T) string {
				return withManifest(t, func(m map[string]any) {
					for _, table := range m["tables"].([]any) {
						table := table.(map[string]any)
						if table["name"] == "articles" {
							table["rows"] = 2
						}
					}
				})
			},
			kind: qalam.KindInvalid,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := storetest.Open(t)
			if tt.dst != nil {
				dst = tt.dst(t)
			}
			_, err := archive.Import(ctx, dst, tt.dir(t), "")
			if got := qalam.KindOf(err); got != tt.kind {
				t.Fatalf("got %v (kind %v), want kind %v", err, got, tt.kind)
			}
			// Nothing was imported.
			list, _, err := dst.FindArticles(ctx, store.ArticleFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 0 {
				t.Errorf("%d articles imported, want none", len(list))
			}
		})
	}
}

func TestExport_refusesAFolderInUse(t *testing.T) {
	st := storetest.Open(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := archive.Export(context.Background(), st, dir, "")
	if got := qalam.KindOf(err); got != qalam.KindConflict {
		t.Fatalf("got %v, want a conflict", err)
	}
	if _, err := os.Stat(filepath.Join(dir, archive.ManifestFile)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a manifest was written into the folder in use")
	}
}

func TestExport_manifestListsEveryFile(t *testing.T) {
	st := storetest.Open(t)
	storetest.Article(t, st)
	dir := filepath.Join(t.TempDir(), "export")
	m, err := archive.Export(context.Background(), st, dir, "")
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, table := range m.Tables {
		listed = append(listed, table.File)
	}
	listed = append(listed, archive.ManifestFile)
	var got []string
	for name := range readTree(t, dir) {
		got = append(got, name)
	}
	slices.Sort(listed)
	slices.Sort(got)
	if !slices.Equal(got, listed) {
		t.Errorf("files %v, manifest lists %v", got, listed)
	}
}
