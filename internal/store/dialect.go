package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/qalamnews/qalam"
)

// dialect is everything that differs between SQLite and PostgreSQL. The
// rest of the store is one body of SQL that calls these methods where the
// two engines part ways.
type dialect interface {
	// name is "sqlite" or "postgres", also the migrations folder.
	name() string
	// open connects the pool for write transactions and the pool for
	// reads; they may be the same pool.
	open(ctx context.Context, dsn string) (writer, reader *sql.DB, err error)
	// ts encodes a timestamp as a query argument; the zero time is NULL.
	// Read timestamps back with scanTime.
	ts(t time.Time) any
	// readTx is the options of read-only transactions.
	readTx() *sql.TxOptions
	// migrationsTable is the DDL of the table recording applied migrations.
	migrationsTable() string
	// lockMigrations keeps concurrent migrators (other nodes) out of tx.
	lockMigrations(ctx context.Context, tx *sql.Tx) error
	// notify runs inside the writing transaction, before commit.
	notify(ctx context.Context, tx *sql.Tx, changes []Change) error
	// committed runs after a successful commit.
	committed(changes []Change)
	// watch delivers changes to fn until ctx ends.
	watch(ctx context.Context, fn func(Change)) error
}

// sqliteTime is how SQLite stores a timestamp: TEXT, UTC, fixed width with
// microseconds, so that string order is time order and a value round-trips
// exactly. The driver's own time handling depends on declared column types
// and DSN flags; owning the format removes the guesswork.
const sqliteTime = "2006-01-02T15:04:05.000000Z"

// sqliteDialect is a SQLite file: one writer connection whose transactions
// begin immediately (so writers queue on busy_timeout instead of failing
// mid-transaction), several query-only readers (WAL lets them read while
// the writer writes), and changes fanned out in-process, since a SQLite
// file has a single server process.
type sqliteDialect struct {
	changes *broker
}

func (*sqliteDialect) name() string { return "sqlite" }

func (*sqliteDialect) open(ctx context.Context, path string) (*sql.DB, *sql.DB, error) {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	// Pragmas in the DSN apply to every connection the pool opens.
	// synchronous=FULL: an acknowledged comment survives a power cut.
	common := path + sep + "_pragma=foreign_keys(1)&_pragma=busy_timeout(5000)"
	writer, err := sql.Open("sqlite", common+"&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_txlock=immediate")
	if err != nil {
		return nil, nil, err
	}
	writer.SetMaxOpenConns(1)
	// The writer creates the file and switches it to WAL before any
	// reader (which may not write) opens it.
	if err := writer.PingContext(ctx); err != nil {
		writer.Close()
		return nil, nil, err
	}
	reader, err := sql.Open("sqlite", common+"&_query_only=1")
	if err != nil {
		writer.Close()
		return nil, nil, err
	}
	n := max(4, runtime.NumCPU())
	reader.SetMaxOpenConns(n)
	reader.SetMaxIdleConns(n)
	if err := reader.PingContext(ctx); err != nil {
		writer.Close()
		reader.Close()
		return nil, nil, err
	}
	return writer, reader, nil
}

func (*sqliteDialect) ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return qalam.UTC(t).Format(sqliteTime)
}

// SQLite transactions are serializable; a read-only one takes no write lock.
func (*sqliteDialect) readTx() *sql.TxOptions { return &sql.TxOptions{ReadOnly: true} }

func (*sqliteDialect) migrationsTable() string {
	return `CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`
}

// The writer's BEGIN IMMEDIATE already excludes every other writer.
func (*sqliteDialect) lockMigrations(context.Context, *sql.Tx) error { return nil }

func (*sqliteDialect) notify(context.Context, *sql.Tx, []Change) error { return nil }

func (d *sqliteDialect) committed(changes []Change) { d.changes.publish(changes) }

func (d *sqliteDialect) watch(ctx context.Context, fn func(Change)) error {
	sub, unsubscribe := d.changes.subscribe()
	defer unsubscribe()
	// Whatever a cache holds predates the subscription.
	fn(Change{All: true})
	sub.run(ctx, fn)
	return nil
}

// postgresDialect is a PostgreSQL database shared by any number of nodes:
// one pool for everything, and changes sent with NOTIFY inside the writing
// transaction so that every node hears of every commit, and only of commits.
type postgresDialect struct {
	url string
	// schema is the schema the store's tables live in. NOTIFY channels are
	// database-wide, so a payload names its schema and a watcher ignores
	// other schemas' changes (tests run many schemas in one database).
	schema string
}

// pgChannel is the LISTEN/NOTIFY channel of changes.
const pgChannel = "qalam_changes"

// pgNotice is the payload of a change notification.
type pgNotice struct {
	Schema    string `json:"schema"`
	ArticleID int64  `json:"article_id,omitempty"`
}

// Reconnection backoff of the change watcher.
const (
	pgMinBackoff = 100 * time.Millisecond
	pgMaxBackoff = 10 * time.Second
)

func (*postgresDialect) name() string { return "postgres" }

func (d *postgresDialect) open(ctx context.Context, url string) (*sql.DB, *sql.DB, error) {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, nil, err
	}
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(10)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(current_schema(), '')`).Scan(&d.schema); err != nil {
		db.Close()
		return nil, nil, err
	}
	if d.schema == "" {
		db.Close()
		return nil, nil, errors.New("the search_path names no existing schema")
	}
	return db, db, nil
}

func (*postgresDialect) ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return qalam.UTC(t)
}

// Repeatable read: every query of a multi-query read sees one snapshot.
func (*postgresDialect) readTx() *sql.TxOptions {
	return &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
}

func (*postgresDialect) migrationsTable() string {
	return `CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)`
}

// An advisory lock per schema: nodes starting together migrate one by one.
func (*postgresDialect) lockMigrations(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7245, hashtext(current_schema()))`)
	return err
}

func (d *postgresDialect) notify(ctx context.Context, tx *sql.Tx, changes []Change) error {
	for _, c := range changes {
		payload, err := json.Marshal(pgNotice{Schema: d.schema, ArticleID: c.ArticleID})
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `SELECT pg_notify('`+pgChannel+`', $1)`, string(payload)); err != nil {
			return err
		}
	}
	return nil
}

// Every node, this one included, hears the commit through LISTEN.
func (*postgresDialect) committed([]Change) {}

// watch listens on a dedicated connection (LISTEN cannot share a pooled
// one), reconnecting with backoff until ctx ends. Notifications sent while
// it is disconnected are lost: it says Change{Offline: true} when the
// connection fails and Change{All: true} on each connect.
func (d *postgresDialect) watch(ctx context.Context, fn func(Change)) error {
	backoff := pgMinBackoff
	offline := false
	for {
		_ = d.listen(ctx, fn, func() { backoff, offline = pgMinBackoff, false })
		if ctx.Err() != nil {
			return nil
		}
		if !offline {
			offline = true
			fn(Change{Offline: true})
		}
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		backoff = min(2*backoff, pgMaxBackoff)
	}
}

// listen holds one LISTEN connection until it fails or ctx ends.
func (d *postgresDialect) listen(ctx context.Context, fn func(Change), connected func()) error {
	conn, err := pgx.Connect(ctx, d.url)
	if err != nil {
		return err
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		_ = conn.Close(closeCtx)
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+pgChannel); err != nil {
		return err
	}
	connected()
	fn(Change{All: true})
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		var p pgNotice
		switch {
		case json.Unmarshal([]byte(n.Payload), &p) != nil:
			// Unreadable (another version of Qalam?): assume the worst.
			fn(Change{All: true})
		case p.Schema == d.schema:
			fn(Change{ArticleID: p.ArticleID})
		}
	}
}

// timeDest scans a timestamp written with ts: PostgreSQL returns
// time.Time, SQLite the TEXT in sqliteTime. NULL scans as the zero time.
// Both come back in UTC at microsecond precision.
type timeDest struct{ t *time.Time }

// scanTime is a Scan destination for a timestamp column.
func scanTime(t *time.Time) timeDest { return timeDest{t} }

func (d timeDest) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*d.t = time.Time{}
	case time.Time:
		*d.t = qalam.UTC(v)
	case string:
		return d.parse(v)
	case []byte:
		return d.parse(string(v))
	default:
		return fmt.Errorf("store: cannot scan %T into a timestamp", v)
	}
	return nil
}

func (d timeDest) parse(s string) error {
	t, err := time.Parse(sqliteTime, s)
	if err != nil {
		return fmt.Errorf("store: bad timestamp %q: %w", s, err)
	}
	*d.t = t
	return nil
}

// translate turns a driver error into a classified one: no rows into
// not-found, a unique violation into a conflict, a foreign key violation
// into invalid input, lock contention and lost connections into
// unavailable. what names the entity ("article") and key its unique field
// ("slug"), for the messages. Other errors pass through unchanged.
func translate(err error, what, key string) error {
	if err == nil {
		return nil
	}
	if what == "" {
		what = "record"
	}
	if errors.Is(err, sql.ErrNoRows) {
		return qalam.Errorf(qalam.KindNotFound, "%s not found.", capitalize(what))
	}
	kind := qalam.KindInternal
	if e, ok := errors.AsType[*sqlite.Error](err); ok {
		switch e.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			kind = qalam.KindConflict
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			kind = qalam.KindInvalid
		}
		switch e.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			kind = qalam.KindUnavailable
		}
	}
	if e, ok := errors.AsType[*pgconn.PgError](err); ok {
		switch {
		case e.Code == "23505": // unique_violation
			kind = qalam.KindConflict
		case e.Code == "23503": // foreign_key_violation
			kind = qalam.KindInvalid
		case e.Code == "40001", e.Code == "40P01", // serialization failure, deadlock
			strings.HasPrefix(e.Code, "08"),  // connection exception
			strings.HasPrefix(e.Code, "53"),  // insufficient resources
			strings.HasPrefix(e.Code, "57P"): // operator intervention (shutdown)
			kind = qalam.KindUnavailable
		}
	}
	if _, ok := errors.AsType[*pgconn.ConnectError](err); ok {
		kind = qalam.KindUnavailable
	}
	switch kind {
	case qalam.KindConflict:
		if key == "" {
			return &qalam.Error{Kind: kind, Message: "That " + what + " already exists.", Err: err}
		}
		return &qalam.Error{Kind: kind, Message: "This " + key + " is already in use.",
			Fields: qalam.FieldErrors{key: "Already in use."}, Err: err}
	case qalam.KindInvalid:
		return &qalam.Error{Kind: kind, Message: capitalize(what) + " refers to something that does not exist.", Err: err}
	case qalam.KindUnavailable:
		return &qalam.Error{Kind: kind, Err: err}
	}
	return err
}

func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
