package store_test

import (
	"context"
	"database/sql"
	"net/url"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
)

// recorder collects what WatchChanges delivers.
type recorder struct {
	mu       sync.Mutex
	changes  []store.Change // without the All and Offline of (re)connects
	alls     int
	offlines int
}

// watch starts st.WatchChanges for the rest of the test and returns once
// the watcher is connected (its first Change{All: true} has arrived).
func watch(t *testing.T, st *store.Store) *recorder {
	t.Helper()
	r := &recorder{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- st.WatchChanges(ctx, func(c store.Change) {
			r.mu.Lock()
			defer r.mu.Unlock()
			switch {
			case c.All:
				r.alls++
			case c.Offline:
				if r.offlines != r.alls-1 {
					t.Errorf("Offline after %d All and %d Offline: want one Offline per connection", r.alls, r.offlines)
				}
				r.offlines++
			default:
				r.changes = append(r.changes, c)
			}
		})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("WatchChanges() = %v, want nil once ctx ends", err)
		}
	})
	waitFor(t, "the watcher to connect", func() bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		return r.alls > 0
	})
	return r
}

// waitUntil waits until n changes have arrived and returns them.
func (r *recorder) waitUntil(t *testing.T, n int) []store.Change {
	t.Helper()
	var got []store.Change
	waitFor(t, "changes", func() bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		got = append([]store.Change(nil), r.changes...)
		return len(got) >= n
	})
	return got
}

// waitFor polls cond until it holds, failing the test after a deadline.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestStore_WatchChanges(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		category := storetest.Category(t, st)
		author := storetest.Author(t, st)
		r := watch(t, st)

		// Writes that succeed, and writes that fail in between; the last
		// write is a marker: once its change arrives, any change from an
		// earlier write has arrived too (changes come in commit order).
		storetest.Author(t, st)
		a := storetest.Article(t, st, func(a *qalam.Article) { a.CategoryID, a.AuthorIDs = category.ID, []int64{author.ID} })
		if err := st.CreateArticle(ctx, &qalam.Article{Slug: a.Slug, Language: qalam.English, Label: qalam.News,
			Status: qalam.Published, Headline: "H", Body: "B", CategoryID: category.ID, AuthorIDs: []int64{author.ID}}); err == nil {
			t.Fatal("duplicate article stored")
		}
		c := storetest.Comment(t, st, a.ID, func(c *qalam.Comment) { c.Status = qalam.Pending })
		if _, err := st.CreateComment(ctx, &qalam.Comment{ArticleID: a.ID, IdempotencyKey: c.IdempotencyKey, Status: qalam.Pending}); err != nil {
			t.Fatal(err) // a retry: stores nothing, so announces nothing
		}
		if _, err := st.SetCommentStatus(ctx, c.ID, qalam.Approved); err != nil {
			t.Fatal(err)
		}
		if _, err := st.SetCommentStatus(ctx, c.ID, qalam.Pending); err == nil {
			t.Fatal("refused transition succeeded")
		}
		if _, err := st.UpdateArticle(ctx, a.ID, store.ArticleUpdate{CommentsClosed: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.CreateComment(ctx, &qalam.Comment{ArticleID: a.ID, IdempotencyKey: "k2", Status: qalam.Pending}); err == nil {
			t.Fatal("comment on a closed discussion stored")
		}
		if _, err := st.UpdateArticle(ctx, a.ID, store.ArticleUpdate{Headline: ptr("")}); err == nil {
			t.Fatal("invalid update stored")
		}
		if err := st.DeleteArticle(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		if err := st.DeleteArticle(ctx, a.ID); err == nil {
			t.Fatal("deleted twice")
		}
		if _, err := st.CreateCommenter(ctx, []byte("token")); err != nil {
			t.Fatal(err) // affects no public page
		}
		storetest.User(t, st) // nor does this
		storetest.Category(t, st)

		want := []store.Change{
			{ArticleID: 0},    // author
			{ArticleID: a.ID}, // article created
			{ArticleID: a.ID}, // comment created
			{ArticleID: a.ID}, // comment approved
			{ArticleID: a.ID}, // discussion closed
			{ArticleID: a.ID}, // article deleted
			{ArticleID: 0},    // category, the marker
		}
		got := r.waitUntil(t, len(want))
		if !reflect.DeepEqual(got, want) {
			t.Errorf("changes\n got %v\nwant %v", got, want)
		}
	})
}

// Nodes sharing a PostgreSQL database hear of each other's commits.
func TestStore_WatchChanges_AcrossPostgresStores(t *testing.T) {
	dsn := storetest.PostgresURL(t)
	writer := storetest.OpenDSN(t, dsn, store.Options{})
	reader := storetest.OpenDSN(t, dsn, store.Options{}) // migrating again is a no-op
	// A store on another schema of the same database must not hear them.
	stranger := storetest.OpenPostgres(t)

	onReader := watch(t, reader)
	onWriter := watch(t, writer)
	onStranger := watch(t, stranger)

	a := storetest.Article(t, writer)
	want := []store.Change{{ArticleID: 0}, {ArticleID: 0}, {ArticleID: a.ID}} // category, author, article
	for name, r := range map[string]*recorder{"other node": onReader, "same node": onWriter} {
		if got := r.waitUntil(t, len(want)); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: changes %v, want %v", name, got, want)
		}
	}

	storetest.Category(t, stranger) // the marker
	if got := onStranger.waitUntil(t, 1); !reflect.DeepEqual(got, []store.Change{{ArticleID: 0}}) {
		t.Errorf("other schema: changes %v, want only its own", got)
	}
}

// A watcher whose connection drops reconnects, says so with
// Change{All: true}, and goes on delivering.
func TestStore_WatchChanges_PostgresReconnects(t *testing.T) {
	u, err := url.Parse(storetest.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	// Name the test's connections, to find the listener among the server's.
	app := "qalam-reconnect-test-" + u.Query().Get("search_path")
	q := u.Query()
	q.Set("application_name", app)
	u.RawQuery = q.Encode()
	st := storetest.OpenDSN(t, u.String(), store.Options{})
	r := watch(t, st)

	db, err := sql.Open("pgx", u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var killed int
	err = db.QueryRow(`SELECT COUNT(*) FROM (
		SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE application_name = $1 AND query LIKE 'LISTEN %' AND pid <> pg_backend_pid()) AS k`, app).Scan(&killed)
	if err != nil {
		t.Fatal(err)
	}
	if killed != 1 {
		t.Fatalf("terminated %d listeners, want 1", killed)
	}
	waitFor(t, "the watcher to reconnect", func() bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		return r.alls >= 2
	})
	r.mu.Lock()
	if r.offlines != 1 {
		t.Errorf("%d Offline changes, want 1 before reconnecting", r.offlines)
	}
	r.mu.Unlock()
	storetest.Category(t, st)
	if got, want := r.waitUntil(t, 1), []store.Change{{ArticleID: 0}}; !reflect.DeepEqual(got, want) {
		t.Errorf("changes after reconnecting %v, want %v", got, want)
	}
}

// The newsroom's writes announce what public pages show: an article's
// change by its ID, site-wide things (taxonomy, profiles, media, settings)
// as Change{}; private things (sessions, preview links, throttling,
// accounts, uploads not yet used) nothing.
func TestStore_WatchChanges_Newsroom(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a := storetest.Article(t, st)
		b := storetest.Article(t, st)
		marker := storetest.Article(t, st)
		draft := storetest.Article(t, st, func(a *qalam.Article) { a.Status = qalam.Draft })
		m := storetest.Media(t, st)
		user := storetest.User(t, st)
		a2 := storetest.Article(t, st, func(x *qalam.Article) { x.TagNames = []string{"one", "two"} })
		one, err := st.TagBySlug(ctx, "one")
		if err != nil {
			t.Fatal(err)
		}
		two, err := st.TagBySlug(ctx, "two")
		if err != nil {
			t.Fatal(err)
		}
		r := watch(t, st)

		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(st.AddCorrection(ctx, &qalam.Correction{ArticleID: a.ID, Kind: qalam.KindCorrection, Text: "x"}))
		_, err = st.UpdateArticle(ctx, b.ID, store.ArticleUpdate{Status: ptr(qalam.Unpublished)})
		must(err)
		_, err = st.RenameCategory(ctx, a.CategoryID, "Renamed", "renamed")
		must(err)
		must(st.MergeTag(ctx, one.ID, two.ID))
		_, err = st.UpdateAuthor(ctx, a.AuthorIDs[0], store.AuthorUpdate{Bio: ptr("New")})
		must(err)
		_, err = st.UpdateMedia(ctx, m.ID, "alt", "", "")
		must(err)
		must(st.SetSetting(ctx, "site_name", "Qalam"))
		// Silent: failures and private writes.
		if err := st.AddCorrection(ctx, &qalam.Correction{ArticleID: draft.ID, Kind: qalam.KindCorrection, Text: "x"}); err == nil {
			t.Fatal("correction of a draft stored")
		}
		must(st.CreatePreviewToken(ctx, draft.ID, []byte("preview"), user.ID))
		storetest.Session(t, st, user.ID)
		must(st.RecordLoginFailure(ctx, "account:x"))
		_, err = st.UpdateUser(ctx, user.ID, store.UserUpdate{Name: ptr("New")})
		must(err)
		storetest.Media(t, st)
		if _, err := st.UpdateArticle(ctx, a2.ID, store.ArticleUpdate{Status: ptr(qalam.Draft)}); err == nil {
			t.Fatal("published article returned to draft")
		}
		_, err = st.UpdateArticle(ctx, marker.ID, store.ArticleUpdate{CommentsClosed: ptr(true)})
		must(err)

		got := r.waitUntil(t, 8)
		want := []store.Change{{ArticleID: a.ID}, {ArticleID: b.ID}, {}, {}, {}, {}, {}, {ArticleID: marker.ID}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("changes %v\nwant %v", got, want)
		}
	})
}
