package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/auth"
	"github.com/qalamnews/qalam/internal/config"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"

	_ "github.com/jackc/pgx/v5/stdlib"
)

// startMain runs the whole program on port 0 with the given settings.
func startMain(t *testing.T, edit func(*config.Config)) *Main {
	t.Helper()
	cfg, err := config.FromEnv(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.Addr = "127.0.0.1:0"
	cfg.DataDir = t.TempDir()
	cfg.ShutdownTimeout = 5 * time.Second
	edit(&cfg)
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	m := &Main{Config: cfg, Stdout: &out}
	if err := m.Run(context.Background()); err != nil {
		m.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	if !strings.Contains(out.String(), m.URL()) {
		t.Errorf("start-up output %q does not print the address %s", out.String(), m.URL())
	}
	return m
}

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestMain_ServesTheDemoAndReusesItsData(t *testing.T) {
	dir := t.TempDir()
	m := startMain(t, func(c *config.Config) { c.Demo = true; c.DataDir = dir })
	status, home := get(t, m.URL()+"/")
	if status != 200 || !strings.Contains(home, `class="card"`) {
		t.Fatalf("home: %d", status)
	}
	before := strings.Count(home, `class="card"`)
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}

	// A second run on the same data folder reuses it: no second seeding.
	again := startMain(t, func(c *config.Config) { c.Demo = true; c.DataDir = dir })
	_, home2 := get(t, again.URL()+"/")
	if after := strings.Count(home2, `class="card"`); after != before {
		t.Errorf("second run lists %d articles, first %d", after, before)
	}
	if _, err := os.Stat(filepath.Join(dir, "qalam.db")); err != nil {
		t.Errorf("no database in the data folder: %v", err)
	}
}

func TestMain_CloseLetsRequestsInFlightFinish(t *testing.T) {
	m := startMain(t, func(c *config.Config) { c.Demo = true })
	// Many requests are in flight while Close runs; each either completes
	// with 200 or (after the listener closed) fails to connect, never a
	// cut-off response.
	results := make(chan error, 20)
	for range 20 {
		go func() {
			resp, err := http.Get(m.URL() + "/")
			if err != nil {
				results <- nil // refused after shutdown began: fine
				return
			}
			defer resp.Body.Close()
			if _, err := io.ReadAll(resp.Body); err != nil || resp.StatusCode != 200 {
				results <- errors.New("a request in flight was cut off")
				return
			}
			results <- nil
		}()
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	for range 20 {
		if err := <-results; err != nil {
			t.Error(err)
		}
	}
}

// TestMain_NodesSharingPostgreSQLSeeEachOthersChanges runs two nodes on
// one PostgreSQL database, as behind a load balancer: a comment approved
// through one shows on the other's cached page.
func TestMain_NodesSharingPostgreSQLSeeEachOthersChanges(t *testing.T) {
	dsn := storetest.PostgresURL(t)
	secret := "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	a := startMain(t, func(c *config.Config) { c.DatabaseURL = dsn; c.Demo = true; c.Secret = secret })
	b := startMain(t, func(c *config.Config) { c.DatabaseURL = dsn; c.Secret = secret })

	ctx := context.Background()
	st := a.store
	published := qalam.Published
	articles, _, err := st.FindArticles(ctx, store.ArticleFilter{Status: &published, Limit: 1})
	if err != nil || len(articles) == 0 {
		t.Fatalf("no demo article: %v", err)
	}
	path := "/articles/" + articles[0].Slug
	if status, _ := get(t, b.URL()+path); status != 200 { // node B caches the page
		t.Fatalf("node B: %d", status)
	}
	// A change made behind Qalam's back (no notification) is not seen:
	// proof that node B serves from its cache.
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `UPDATE articles SET headline = 'Edited behind the cache' WHERE id = $1`, articles[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, page := get(t, b.URL()+path); strings.Contains(page, "Edited behind the cache") {
		t.Fatal("node B does not cache the article page")
	}
	c := &qalam.Comment{ArticleID: articles[0].ID, AuthorName: "Zara Ahmed", AuthorEmail: "zara@example.org",
		Body: "Seen on both nodes.", BodyHTML: "<p>Seen on both nodes.</p>", Status: qalam.Pending, IdempotencyKey: "two-nodes"}
	if _, err := st.CreateComment(ctx, c); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SetCommentStatus(ctx, c.ID, qalam.Approved); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, page := get(t, b.URL()+path)
		if strings.Contains(page, "Seen on both nodes.") && strings.Contains(page, "Edited behind the cache") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("node B never showed the comment approved through node A")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestRun_Subcommands(t *testing.T) {
	dir := t.TempDir()
	env := func(k string) string {
		if k == "QALAM_DATA_DIR" {
			return dir
		}
		return ""
	}
	tests := []struct {
		name    string
		args    []string
		stdin   string
		wantErr bool
		wantOut string
	}{
		{"no command prints usage", nil, "", true, "Usage:"},
		{"unknown command", []string{"publish"}, "", true, "unknown command"},
		{"help", []string{"help"}, "", false, "qalam serve"},
		{"serve help", []string{"serve", "-help"}, "", true, "QALAM_DATABASE_URL"},
		{"migrate", []string{"migrate"}, "", false, "up to date"},
		{"migrate again is a no-op", []string{"migrate"}, "", false, "up to date"},
		{"user add", []string{"user", "add", "-email", "editor@example.org", "-name", "Sana Mir", "-role", "editor"}, "a long enough passphrase\n", false, "Created editor Sana Mir"},
		{"user add twice", []string{"user", "add", "-email", "editor@example.org", "-name", "Sana Mir"}, "a long enough passphrase\n", true, "already exists"},
		{"user add short password", []string{"user", "add", "-email", "x@example.org", "-name", "X"}, "short\n", true, "12"},
		{"reset password", []string{"user", "reset-password", "-email", "editor@example.org"}, "another long passphrase\n", false, "New password set"},
		{"reset password of nobody", []string{"user", "reset-password", "-email", "nobody@example.org"}, "another long passphrase\n", true, "no staff account"},
		{"user add bad role", []string{"user", "add", "-email", "y@example.org", "-name", "Y", "-role", "owner"}, "a long enough passphrase\n", true, "role"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tt.args, env, strings.NewReader(tt.stdin), &stdout, &stderr)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v; stderr: %s", err, tt.wantErr, stderr.String())
			}
			all := stdout.String() + stderr.String()
			if err != nil {
				all += err.Error()
			}
			if !strings.Contains(all, tt.wantOut) {
				t.Errorf("output %q lacks %q", all, tt.wantOut)
			}
		})
	}

	// The user can sign in later: the stored hash checks against the password.
	st, err := store.Open(context.Background(), filepath.Join(dir, "qalam.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	u, err := st.UserByEmail(context.Background(), "EDITOR@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := auth.CheckPassword(u.PasswordHash, "another long passphrase"); !ok || err != nil {
		t.Errorf("stored password does not check: %v %v", ok, err)
	}
}
