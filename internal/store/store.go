// Package store owns Qalam's data: the only package that writes SQL, over SQLite or PostgreSQL.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/qalamnews/qalam"
)

// Options tune a store. The zero value is fine for production.
type Options struct {
	// Now is the clock; time.Now when nil. Every timestamp the store writes
	// comes from it (never NOW() in SQL).
	Now func() time.Time
}

// Store is the only part of Qalam that writes SQL.
//
// Writes go through the writer pool, one transaction per public method;
// reads go through the reader pool. On SQLite these are two pools on the
// same file (one connection that may write, several that may only read);
// on PostgreSQL they are the same pool.
type Store struct {
	d      dialect
	writer *sql.DB
	reader *sql.DB
	clock  func() time.Time
}

// Open connects to the database named by dsn: a postgres:// or
// postgresql:// URL selects PostgreSQL; anything else is a SQLite file path.
// It does not migrate.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	s := &Store{clock: opts.Now}
	if s.clock == nil {
		s.clock = time.Now
	}
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		s.d = &postgresDialect{url: dsn}
	} else {
		s.d = &sqliteDialect{changes: newBroker()}
	}
	var err error
	s.writer, s.reader, err = s.d.open(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", s.d.name(), err)
	}
	return s, nil
}

// Close closes the connection pools.
func (s *Store) Close() error {
	err := s.writer.Close()
	if s.reader != s.writer {
		err = errors.Join(err, s.reader.Close())
	}
	return err
}

// Dialect is "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.d.name() }

// now is the store's clock at the precision both databases keep.
func (s *Store) now() time.Time { return qalam.UTC(s.clock()) }

// querier is what *sql.DB and *sql.Tx share, so a finder runs alone or
// inside a larger transaction.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// writeTx is a write transaction: the time it takes place (one instant for
// every row it touches) and the changes to announce once it commits.
type writeTx struct {
	*sql.Tx
	now     time.Time
	changes []Change
}

// changed records that the transaction affects public pages.
func (tx *writeTx) changed(c Change) {
	for _, have := range tx.changes {
		if have == c {
			return
		}
	}
	tx.changes = append(tx.changes, c)
}

// write runs fn in one write transaction and announces its changes after a
// successful commit, never after a failure.
func (s *Store) write(ctx context.Context, fn func(tx *writeTx) error) error {
	sqlTx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return translate(err, "", "")
	}
	tx := &writeTx{Tx: sqlTx, now: s.now()}
	if err := fn(tx); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	// On PostgreSQL the notification is part of the transaction, so it is
	// delivered on commit and dropped on rollback.
	if err := s.d.notify(ctx, sqlTx, tx.changes); err != nil {
		_ = sqlTx.Rollback()
		return translate(err, "", "")
	}
	if err := sqlTx.Commit(); err != nil {
		return translate(err, "", "")
	}
	s.d.committed(tx.changes)
	return nil
}

// read runs fn in one read-only transaction, so a page assembled from
// several queries sees one state of the database.
func (s *Store) read(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.reader.BeginTx(ctx, s.d.readTx())
	if err != nil {
		return translate(err, "", "")
	}
	defer func() { _ = tx.Rollback() }()
	if err := fn(tx); err != nil {
		return err
	}
	return translate(tx.Commit(), "", "")
}

// args collects query arguments and hands out their $N placeholders, for
// queries whose WHERE clause depends on a filter.
type args []any

// add appends v and returns its placeholder.
func (a *args) add(v any) string {
	*a = append(*a, v)
	return "$" + strconv.Itoa(len(*a))
}

// in appends ids and returns a parenthesised placeholder list for IN.
func (a *args) in(ids []int64) string { return inList(a, ids) }

// inList appends vs and returns a parenthesised placeholder list for IN.
func inList[T any](a *args, vs []T) string {
	var b strings.Builder
	b.WriteByte('(')
	for i, v := range vs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(a.add(v))
	}
	b.WriteByte(')')
	return b.String()
}

// nullID stores 0 as NULL for optional references.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// orNow is t in storage precision, or now when the caller left it zero
// (imports and demo data set their own dates).
func orNow(t, now time.Time) time.Time {
	if t.IsZero() {
		return now
	}
	return qalam.UTC(t)
}

// nextEdit is the edited_at of a save at now of a row last saved at prev:
// now, or a microsecond after prev when the clock has not moved past it (a
// stopped test clock, a node whose clock is behind another's), so that
// every save makes a new version for optimistic checks.
func nextEdit(prev, now time.Time) time.Time {
	if !now.After(prev) {
		return prev.Add(time.Microsecond)
	}
	return now
}

// affected turns "no row matched" into a not-found error naming what.
func affected(res sql.Result, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return translate(sql.ErrNoRows, what, "")
	}
	return nil
}
