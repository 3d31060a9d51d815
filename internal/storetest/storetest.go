// Package storetest gives tests a real, migrated store (SQLite, or PostgreSQL when configured) and fixture builders.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, to create and drop schemas

	"github.com/qalamnews/qalam/internal/store"
)

// Environment variables naming the test PostgreSQL server.
const (
	// EnvPostgresURL is a PostgreSQL URL where tests may create schemas.
	EnvPostgresURL = "QALAM_TEST_POSTGRES_URL"
	// EnvPostgresRequired=1 makes a missing or unreachable PostgreSQL a
	// test failure instead of a skip, so CI cannot pass by skipping.
	EnvPostgresRequired = "QALAM_TEST_POSTGRES_REQUIRED"
)

// Open returns a migrated store for t: on a fresh PostgreSQL schema when
// QALAM_TEST_POSTGRES_URL is set, else on a SQLite file in t.TempDir().
// The store is closed when the test ends.
func Open(t testing.TB) *store.Store {
	t.Helper()
	if os.Getenv(EnvPostgresURL) != "" {
		return OpenPostgres(t)
	}
	return OpenSQLite(t)
}

// OpenSQLite returns a migrated store on a new SQLite file.
func OpenSQLite(t testing.TB) *store.Store {
	t.Helper()
	return OpenDSN(t, SQLitePath(t), store.Options{})
}

// OpenPostgres returns a migrated store on a fresh PostgreSQL schema, or
// skips the test as PostgresURL does.
func OpenPostgres(t testing.TB) *store.Store {
	t.Helper()
	return OpenDSN(t, PostgresURL(t), store.Options{})
}

// OpenDSN opens and migrates the database dsn with opts (a test clock,
// say), and closes the store when the test ends.
func OpenDSN(t testing.TB, dsn string, opts store.Options) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dsn, opts)
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("storetest: close: %v", err)
		}
	})
	if err := st.Migrate(ctx); err != nil {
		t.Fatalf("storetest: %v", err)
	}
	return st
}

// SQLitePath is the path of a new SQLite database in t.TempDir().
func SQLitePath(t testing.TB) string {
	return filepath.Join(t.TempDir(), "qalam.db")
}

// PostgresURL creates an empty schema with a random name on the server
// named by QALAM_TEST_POSTGRES_URL and returns a URL whose search_path is
// that schema; the schema is dropped when the test ends. Without the
// variable, or when the server cannot be reached, it skips the test, or
// fails it when QALAM_TEST_POSTGRES_REQUIRED=1.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvPostgresURL)
	if base == "" {
		unavailable(t, "PostgreSQL not configured: set "+EnvPostgresURL+" (CI sets it)")
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("storetest: %s: %v", EnvPostgresURL, err)
	}
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("storetest: %s: %v", EnvPostgresURL, err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		unavailable(t, fmt.Sprintf("PostgreSQL unreachable at %s: %v", u.Redacted(), err))
	}

	// Lower case letters and digits: a name PostgreSQL needs no quotes
	// for, here or in search_path.
	schema := "qalam_test_" + strings.ToLower(rand.Text()[:16])
	if _, err := db.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		t.Fatalf("storetest: create schema: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			t.Errorf("storetest: drop schema: %v", err)
			return
		}
		defer db.Close()
		if _, err := db.ExecContext(context.Background(), `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Errorf("storetest: drop schema: %v", err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema) // pgx sends unknown parameters as run-time settings
	u.RawQuery = q.Encode()
	return u.String()
}

// unavailable skips the test, or fails it when PostgreSQL is required.
func unavailable(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv(EnvPostgresRequired) == "1" {
		t.Fatalf("%s (%s=1)", msg, EnvPostgresRequired)
	}
	t.Skip(msg)
}

// Clock is a settable clock for store.Options.Now.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock stopped at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
