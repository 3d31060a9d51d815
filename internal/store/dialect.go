package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"strconv"
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
	"github.com/qalamnews/qalam/internal/textfold"
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

	// Full-text search: FTS5 or tsvector (implemented at the end of this
	// file; search.go holds what the two share).
	//
	// putSearchEntry writes an article's entry in the index, replacing any.
	putSearchEntry(ctx context.Context, tx *sql.Tx, e searchEntry) error
	// deleteSearchEntry removes an article's entry, if it has one.
	deleteSearchEntry(ctx context.Context, tx *sql.Tx, articleID int64) error
	// searchMatches is a query of (article_id, score) over the entries
	// holding every term, score higher for a better match.
	searchMatches(a *args, terms []textfold.Term) string

	// The catalogue, for the portable export (implemented at the end of
	// this file; export.go holds what the two share).
	//
	// catalogue describes every table as the database itself reports it.
	catalogue(ctx context.Context, q querier) ([]catalogueTable, error)
	// resetSequences moves each table's id generator past its largest id,
	// after an import inserted rows with their ids.
	resetSequences(ctx context.Context, tx *sql.Tx, tables []string) error
	// snapshot writes a consistent copy of the whole database to the file
	// path, while others keep writing.
	snapshot(ctx context.Context, db *sql.DB, path string) error
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
	// temp_store=MEMORY: large transactions (imports) keep their statement
	// journals in memory instead of spilling to files in /var/tmp, which
	// halved a WordPress import's time.
	common := path + sep + "_pragma=foreign_keys(1)&_pragma=busy_timeout(5000)&_pragma=temp_store(2)"
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
	Counts    bool   `json:"counts,omitempty"`
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
		payload, err := json.Marshal(pgNotice{Schema: d.schema, ArticleID: c.ArticleID, Counts: c.Counts})
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
			fn(Change{ArticleID: p.ArticleID, Counts: p.Counts})
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

// Full-text search, the one feature with two real implementations. Both
// index the words package textfold made (search.go) and match the reader's
// folded terms with AND, the last term as a prefix when Terms says so; no
// text a reader types reaches either engine's query syntax unquoted.

// Relative weights of the indexed fields: headline, standfirst, tags,
// authors, body. FTS5 takes them as bm25's column weights; PostgreSQL's
// ts_rank_cd gives weights A, B and C the same ratios (1, 0.4, 0.2).
const (
	searchWeightHeadline = 5.0
	searchWeightSummary  = 2.0 // standfirst, tags and authors
	searchWeightBody     = 1.0
)

func (*sqliteDialect) putSearchEntry(ctx context.Context, tx *sql.Tx, e searchEntry) error {
	// A contentless table cannot update a row: delete, then insert.
	if _, err := tx.ExecContext(ctx, `DELETE FROM search_fts WHERE rowid = $1`, e.articleID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO search_fts (rowid, headline, standfirst, tags, authors, body)
		VALUES ($1, $2, $3, $4, $5, $6)`,
		e.articleID, e.headline, e.standfirst, e.tags, e.authors, e.body)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO search_documents (article_id, version) VALUES ($1, $2)
		ON CONFLICT (article_id) DO UPDATE SET version = excluded.version`,
		e.articleID, textfold.Version)
	return err
}

func (*sqliteDialect) deleteSearchEntry(ctx context.Context, tx *sql.Tx, articleID int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM search_fts WHERE rowid = $1`, articleID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM search_documents WHERE article_id = $1`, articleID)
	return err
}

// An FTS5 query of quoted strings, one per term, which FTS5 ANDs; a
// quoted string is never an operator (AND, NEAR, -, *, column filters).
// bm25 is lower for better matches, hence negated.
func (*sqliteDialect) searchMatches(a *args, terms []textfold.Term) string {
	var q strings.Builder
	for i, t := range terms {
		if i > 0 {
			q.WriteByte(' ')
		}
		q.WriteString(`"` + strings.ReplaceAll(t.Text, `"`, `""`) + `"`)
		if t.Prefix {
			q.WriteByte('*')
		}
	}
	return fmt.Sprintf(`SELECT rowid AS article_id, -bm25(search_fts, %g, %g, %g, %g, %g) AS score
		FROM search_fts WHERE search_fts MATCH %s`,
		searchWeightHeadline, searchWeightSummary, searchWeightSummary, searchWeightSummary, searchWeightBody,
		a.add(q.String()))
}

func (*postgresDialect) putSearchEntry(ctx context.Context, tx *sql.Tx, e searchEntry) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO search_documents (article_id, version, document) VALUES ($1, $2, CAST($3 AS tsvector))
		ON CONFLICT (article_id) DO UPDATE SET version = excluded.version, document = excluded.document`,
		e.articleID, textfold.Version, pgDocument(e))
	return err
}

func (*postgresDialect) deleteSearchEntry(ctx context.Context, tx *sql.Tx, articleID int64) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM search_documents WHERE article_id = $1`, articleID)
	return err
}

// A tsquery of quoted lexemes joined by &, cast rather than parsed by
// to_tsquery, so that its words are textfold's. ts_rank_cd's weights are
// {D, C, B, A}; normalization 1 divides by 1 + log(length), so long
// articles do not win by length alone.
func (*postgresDialect) searchMatches(a *args, terms []textfold.Term) string {
	var q strings.Builder
	for i, t := range terms {
		if i > 0 {
			q.WriteString(" & ")
		}
		q.WriteString(pgLexeme(t.Text))
		if t.Prefix {
			q.WriteString(":*")
		}
	}
	query := "CAST(" + a.add(q.String()) + " AS tsquery)"
	return fmt.Sprintf(`SELECT article_id, ts_rank_cd('{0, %g, %g, %g}', document, %s, 1) AS score
		FROM search_documents WHERE document @@ %s`,
		searchWeightBody/searchWeightHeadline, searchWeightSummary/searchWeightHeadline, 1.0, query, query)
}

// pgDocument writes an entry as tsvector text: each word with its position
// and its field's weight. Positions run on across fields; PostgreSQL keeps
// those past 16383 at 16383, which only blurs ranking in very long bodies.
func pgDocument(e searchEntry) string {
	var b strings.Builder
	pos := 0
	for _, f := range []struct {
		words  string
		weight string
	}{{e.headline, "A"}, {e.standfirst, "B"}, {e.tags, "B"}, {e.authors, "B"}, {e.body, "C"}} {
		for w := range strings.FieldsSeq(f.words) {
			pos = min(pos+1, 16383)
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(pgLexeme(w))
			b.WriteString(":" + strconv.Itoa(pos) + f.weight)
		}
	}
	return b.String()
}

// pgLexeme quotes a word for tsvector or tsquery text. Folded words hold
// only letters and digits, but quoting does not rely on it.
func pgLexeme(w string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `''`).Replace(w) + "'"
}

// The catalogue: the tables, their columns, keys and references.

func (*sqliteDialect) catalogue(ctx context.Context, q querier) ([]catalogueTable, error) {
	rows, err := q.QueryContext(ctx, `SELECT name, COALESCE(sql, '') FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	type def struct{ name, sql string }
	defs, err := collect(rows, func(row scanner) (def, error) {
		var d def
		err := row.Scan(&d.name, &d.sql)
		return d, err
	})
	if err != nil {
		return nil, err
	}
	tables := make([]catalogueTable, 0, len(defs))
	for _, d := range defs {
		t := catalogueTable{name: d.name}
		rows, err := q.QueryContext(ctx, `SELECT name, UPPER(type), pk FROM pragma_table_info($1) ORDER BY cid`, d.name)
		if err != nil {
			return nil, err
		}
		type col struct {
			name, typ string
			pk        int
		}
		cols, err := collect(rows, func(row scanner) (col, error) {
			var c col
			err := row.Scan(&c.name, &c.typ, &c.pk)
			return c, err
		})
		if err != nil {
			return nil, err
		}
		keys := map[int]string{}
		for _, c := range cols {
			kind := kindOther
			switch c.typ {
			case "INTEGER":
				kind = KindInteger
				// SQLite has no booleans: Qalam's are INTEGER columns
				// checked to hold 0 or 1.
				if sqliteBoolean(d.sql, c.name) {
					kind = KindBoolean
				}
			case "TEXT":
				kind = KindText
			case "BLOB":
				kind = KindBytes
			}
			t.columns = append(t.columns, catalogueColumn{name: c.name, kind: kind})
			if c.pk > 0 {
				keys[c.pk] = c.name
			}
		}
		for i := 1; i <= len(keys); i++ {
			t.key = append(t.key, quoteIdent(keys[i]))
		}
		rows, err = q.QueryContext(ctx, `SELECT DISTINCT "table" FROM pragma_foreign_key_list($1)`, d.name)
		if err != nil {
			return nil, err
		}
		t.references, err = collect(rows, func(row scanner) (string, error) {
			var name string
			err := row.Scan(&name)
			return name, err
		})
		if err != nil {
			return nil, err
		}
		tables = append(tables, t)
	}
	return tables, nil
}

// sqliteBoolean reports whether the table definition ddl declares column
// as INTEGER with CHECK (column IN (0, 1)).
func sqliteBoolean(ddl, column string) bool {
	c := regexp.QuoteMeta(column)
	re := regexp.MustCompile(`(?i)\b` + c + `\s+INTEGER\b[^,]*\bCHECK\s*\(\s*` + c + `\s+IN\s*\(\s*0\s*,\s*1\s*\)\s*\)`)
	return re.MatchString(ddl)
}

// SQLite moves an AUTOINCREMENT table's sequence past any id inserted.
func (*sqliteDialect) resetSequences(context.Context, *sql.Tx, []string) error { return nil }

// VACUUM INTO reads in one transaction, a snapshot that writers in WAL
// mode do not wait for, and writes a compact copy.
func (*sqliteDialect) snapshot(ctx context.Context, db *sql.DB, path string) error {
	_, err := db.ExecContext(ctx, `VACUUM INTO $1`, path)
	return err
}

func (*postgresDialect) catalogue(ctx context.Context, q querier) ([]catalogueTable, error) {
	rows, err := q.QueryContext(ctx, `
		SELECT c.table_name, c.column_name, c.data_type
		FROM information_schema.columns c
		JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
		WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
		ORDER BY c.table_name, c.ordinal_position`)
	if err != nil {
		return nil, err
	}
	type col struct{ table, name, typ string }
	cols, err := collect(rows, func(row scanner) (col, error) {
		var c col
		err := row.Scan(&c.table, &c.name, &c.typ)
		return c, err
	})
	if err != nil {
		return nil, err
	}
	var tables []catalogueTable
	index := map[string]int{}
	for _, c := range cols {
		i, ok := index[c.table]
		if !ok {
			i = len(tables)
			index[c.table] = i
			tables = append(tables, catalogueTable{name: c.table})
		}
		cc := catalogueColumn{name: c.name, kind: kindOther}
		switch c.typ {
		case "bigint", "integer", "smallint":
			cc.kind = KindInteger
		case "boolean":
			cc.kind = KindBoolean
		case "text", "character varying":
			cc.kind = KindText
		case "timestamp with time zone":
			cc.kind, cc.timestamp = KindText, true
		case "bytea":
			cc.kind = KindBytes
		}
		tables[i].columns = append(tables[i].columns, cc)
	}
	rows, err = q.QueryContext(ctx, `
		SELECT tc.table_name, k.column_name, c.data_type
		FROM information_schema.table_constraints tc
		JOIN information_schema.key_column_usage k
		  ON k.constraint_schema = tc.constraint_schema AND k.constraint_name = tc.constraint_name
		 AND k.table_name = tc.table_name
		JOIN information_schema.columns c
		  ON c.table_schema = tc.table_schema AND c.table_name = tc.table_name AND c.column_name = k.column_name
		WHERE tc.table_schema = current_schema() AND tc.constraint_type = 'PRIMARY KEY'
		ORDER BY tc.table_name, k.ordinal_position`)
	if err != nil {
		return nil, err
	}
	keys, err := collect(rows, func(row scanner) (col, error) {
		var c col
		err := row.Scan(&c.table, &c.name, &c.typ)
		return c, err
	})
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		if i, ok := index[k.table]; ok {
			expr := quoteIdent(k.name)
			if k.typ == "text" {
				// Byte order, as SQLite compares text, whatever the
				// database's locale.
				expr += ` COLLATE "C"`
			}
			tables[i].key = append(tables[i].key, expr)
		}
	}
	rows, err = q.QueryContext(ctx, `
		SELECT DISTINCT tc.table_name, u.table_name
		FROM information_schema.table_constraints tc
		JOIN information_schema.constraint_table_usage u
		  ON u.constraint_schema = tc.constraint_schema AND u.constraint_name = tc.constraint_name
		WHERE tc.table_schema = current_schema() AND tc.constraint_type = 'FOREIGN KEY'
		ORDER BY 1, 2`)
	if err != nil {
		return nil, err
	}
	refs, err := collect(rows, func(row scanner) (col, error) {
		var c col
		err := row.Scan(&c.table, &c.name)
		return c, err
	})
	if err != nil {
		return nil, err
	}
	for _, r := range refs {
		if i, ok := index[r.table]; ok {
			tables[i].references = append(tables[i].references, r.name)
		}
	}
	return tables, nil
}

// Identity columns keep their own sequence, which inserting explicit ids
// does not move.
func (*postgresDialect) resetSequences(ctx context.Context, tx *sql.Tx, tables []string) error {
	for _, t := range tables {
		_, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence($1, 'id'), MAX(id)) FROM `+quoteIdent(t), t)
		if err != nil {
			return fmt.Errorf("reset the id sequence of %s: %w", t, err)
		}
	}
	return nil
}

// PostgreSQL backs up through the portable export instead.
func (*postgresDialect) snapshot(context.Context, *sql.DB, string) error {
	return qalam.Errorf(qalam.KindInvalid, "A PostgreSQL database cannot be copied to a file: use the portable export.")
}
