package store_test

import (
	"context"
	"maps"
	"path/filepath"
	"slices"
	"testing"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
)

// exportedTables are the tables the portable export carries. A migration
// that adds a table fails this test until the table is added here (it is
// exported) or to the store's excludedTables (with the reason).
var exportedTables = []string{
	"article_authors", "article_tags", "article_translations", "articles", "audit_log", "authors",
	"bans", "categories", "commenters", "comments", "corrections", "discussion_policies", "media",
	"moderator_alerts", "recommendations", "reply_notices", "reply_subscriptions", "reports",
	"revisions", "settings", "spam_examples", "tags", "users", "wordpress_objects", "wordpress_paths",
}

func TestStore_ExportTables(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	var tables []store.ExportTable
	err := st.Export(ctx, func(sn *store.Snapshot) error {
		tables = sn.Tables()
		if sn.Schema() == "" {
			t.Errorf("no schema named")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	position := map[string]int{}
	for i, table := range tables {
		got = append(got, table.Name)
		position[table.Name] = i
	}
	t.Run("every table exported or excluded", func(t *testing.T) {
		if sorted := slices.Sorted(slices.Values(got)); !slices.Equal(sorted, exportedTables) {
			t.Errorf("exported %v\nwant     %v\n(a new table must be exported, and listed here, or excluded in export.go with its reason)", sorted, exportedTables)
		}
	})
	t.Run("excluded tables exist", func(t *testing.T) {
		for name := range maps.Keys(store.ExcludedTables()) {
			if err := st.Exec(ctx, `SELECT 1 FROM `+name+` LIMIT 0`); err != nil {
				t.Errorf("excluded table %s: %v", name, err)
			}
		}
	})
	t.Run("referenced tables come first", func(t *testing.T) {
		for _, pair := range [][2]string{{"users", "media"}, {"media", "articles"}, {"articles", "comments"}, {"comments", "reports"}, {"commenters", "bans"}} {
			if position[pair[0]] > position[pair[1]] {
				t.Errorf("%s comes after %s, which refers to it", pair[0], pair[1])
			}
		}
	})
	t.Run("columns in name order with their kinds", func(t *testing.T) {
		for _, table := range tables {
			names := make([]string, len(table.Columns))
			for i, c := range table.Columns {
				names[i] = c.Name
			}
			if !slices.IsSorted(names) {
				t.Errorf("%s: columns %v not in name order", table.Name, names)
			}
		}
		users := tables[position["users"]]
		for name, want := range map[string]store.ColumnKind{
			"id": store.KindInteger, "email": store.KindText, "disabled": store.KindBoolean, "created_at": store.KindText,
		} {
			if c, _ := users.Column(name); c.Kind != want {
				t.Errorf("users.%s: kind %q, want %q", name, c.Kind, want)
			}
		}
		commenters := tables[position["commenters"]]
		if c, _ := commenters.Column("token_hash"); c.Kind != store.KindBytes {
			t.Errorf("commenters.token_hash: kind %q, want bytes", c.Kind)
		}
	})
}

func TestStore_ExportRows(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	u := storetest.User(t, st, func(u *qalam.User) { u.Disabled = true })
	var rows [][]any
	var columns []store.ExportColumn
	err := st.Export(ctx, func(sn *store.Snapshot) error {
		for _, table := range sn.Tables() {
			if table.Name == "users" {
				columns = table.Columns
			}
		}
		return sn.Rows(ctx, "users", func(row []any) error {
			rows = append(rows, slices.Clone(row))
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 {
		t.Fatalf("%d rows, want 1", len(rows))
	}
	got := map[string]any{}
	for i, c := range columns {
		got[c.Name] = rows[0][i]
	}
	want := map[string]any{
		"id":         u.ID,
		"email":      u.Email,
		"disabled":   true,
		"created_at": u.CreatedAt.Format(store.TimeLayout),
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("%s = %#v, want %#v", name, got[name], w)
		}
	}
}

func TestStore_Import(t *testing.T) {
	ctx := context.Background()
	t.Run("refuses a database that is not empty", func(t *testing.T) {
		st := storetest.Open(t)
		storetest.Category(t, st)
		called := false
		err := st.Import(ctx, func(*store.Importer) error { called = true; return nil })
		if qalam.KindOf(err) != qalam.KindConflict {
			t.Fatalf("got %v, want a conflict", err)
		}
		if called {
			t.Errorf("the rows were asked for")
		}
	})
	t.Run("keeps ids and moves sequences past them", func(t *testing.T) {
		st := storetest.Open(t)
		err := st.Import(ctx, func(im *store.Importer) error {
			return im.Insert("categories", []string{"id", "slug", "name"}, []any{int64(41), "qalampur", "Qalampur"})
		})
		if err != nil {
			t.Fatal(err)
		}
		if c, err := st.Category(ctx, 41); err != nil || c.Slug != "qalampur" {
			t.Fatalf("category 41: %v, %v", c, err)
		}
		if c := storetest.Category(t, st); c.ID <= 41 {
			t.Errorf("new category id %d, want above 41", c.ID)
		}
	})
	t.Run("imports nothing when a row fails", func(t *testing.T) {
		st := storetest.Open(t)
		err := st.Import(ctx, func(im *store.Importer) error {
			if err := im.Insert("categories", []string{"id", "slug", "name"}, []any{int64(1), "a", "A"}); err != nil {
				return err
			}
			return im.Insert("categories", []string{"id", "slug", "name"}, []any{int64(2), "a", "Again"})
		})
		if err == nil {
			t.Fatal("a duplicate slug was imported")
		}
		if list, err := st.FindCategories(ctx); err != nil || len(list) != 0 {
			t.Errorf("categories after a failed import: %d, %v; want none", len(list), err)
		}
	})
	t.Run("refuses an unknown table or column", func(t *testing.T) {
		st := storetest.Open(t)
		for _, tc := range []struct{ table, column string }{{"sessions", "id"}, {"categories", "colour"}} {
			err := st.Import(ctx, func(im *store.Importer) error {
				return im.Insert(tc.table, []string{tc.column}, []any{int64(1)})
			})
			if qalam.KindOf(err) != qalam.KindInvalid {
				t.Errorf("%s.%s: got %v, want invalid", tc.table, tc.column, err)
			}
		}
	})
}

func TestStore_SnapshotTo(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	c := storetest.Category(t, st)
	path := filepath.Join(t.TempDir(), "copy.db")
	err := st.SnapshotTo(ctx, path)
	if st.Dialect() == "postgres" {
		if qalam.KindOf(err) != qalam.KindInvalid {
			t.Fatalf("got %v, want invalid on PostgreSQL", err)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	copied := storetest.OpenDSN(t, path, store.Options{})
	got, err := copied.Category(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Slug != c.Slug {
		t.Errorf("slug %q, want %q", got.Slug, c.Slug)
	}
	if err := st.SnapshotTo(ctx, path); err == nil {
		t.Errorf("a snapshot overwrote an existing file")
	}
}
