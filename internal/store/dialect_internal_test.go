package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/qalamnews/qalam"
)

// Every pooled SQLite connection must carry the settings, not only the
// first, so they are checked through the pools.
func TestSQLite_ConnectionSettings(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "qalam.db")
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	pragma := func(db *sql.DB, name string) string {
		t.Helper()
		var v string
		if err := db.QueryRowContext(ctx, "PRAGMA "+name).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct {
		pool       string
		db         *sql.DB
		name, want string
	}{
		{"writer", s.writer, "foreign_keys", "1"},
		{"writer", s.writer, "busy_timeout", "5000"},
		{"writer", s.writer, "journal_mode", "wal"},
		{"writer", s.writer, "synchronous", "2"}, // FULL
		{"writer", s.writer, "query_only", "0"},
		{"reader", s.reader, "foreign_keys", "1"},
		{"reader", s.reader, "busy_timeout", "5000"},
		{"reader", s.reader, "journal_mode", "wal"},
		{"reader", s.reader, "query_only", "1"},
	} {
		t.Run(tc.pool+" "+tc.name, func(t *testing.T) {
			if got := pragma(tc.db, tc.name); got != tc.want {
				t.Errorf("PRAGMA %s = %q, want %q", tc.name, got, tc.want)
			}
		})
	}

	t.Run("reader refuses writes", func(t *testing.T) {
		if _, err := s.reader.ExecContext(ctx, "CREATE TABLE t (x)"); err == nil {
			t.Error("a reader connection wrote")
		}
	})
	t.Run("write transactions begin immediately", func(t *testing.T) {
		// An immediate transaction takes the write lock at BEGIN, before
		// any statement: another connection cannot write meanwhile.
		tx, err := s.writer.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		other, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(0)")
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		_, err = other.ExecContext(ctx, "CREATE TABLE t (x)")
		if got := qalam.KindOf(translate(err, "", "")); got != qalam.KindUnavailable {
			t.Errorf("write beside an open write transaction: %v (kind %v), want busy (unavailable)", err, got)
		}
	})
}
