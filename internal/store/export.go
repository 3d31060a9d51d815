package store

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/qalamnews/qalam"
)

// The store's side of the portable export (internal/archive owns the
// format): every table that holds the publication, read row by row from
// one snapshot, and written back into an empty database in one
// transaction with the same ids. The tables come from the database's own
// catalogue, so a table a migration adds is exported without a change
// here, unless it is listed in excludedTables.

// ColumnKind is how a column's values travel in an export: as int64,
// string, bool or []byte (or nil for NULL). Timestamps are text: RFC 3339
// in UTC with microseconds ("2006-01-02T15:04:05.000000Z"), the form
// SQLite stores them in.
type ColumnKind string

// The kinds of column an export carries.
const (
	KindInteger ColumnKind = "integer"
	KindText    ColumnKind = "text"
	KindBoolean ColumnKind = "boolean"
	KindBytes   ColumnKind = "bytes"
	// kindOther is a column type the export does not know; a table
	// holding one cannot be exported.
	kindOther ColumnKind = ""
)

// TimeLayout is the layout of timestamps in an export.
const TimeLayout = sqliteTime

// excludedTables are the tables an export leaves out, and why. Every
// other table is exported.
var excludedTables = map[string]string{
	"schema_migrations": "the importing database is migrated by its own Qalam; the export names its last migration instead",
	"sessions":          "sign-ins are credentials of one server; staff sign in again",
	"login_failures":    "short-lived counters against password guessing",
	"rate_limits":       "short-lived counters against floods",
	"mail_outbox":       "mail waiting to be sent belongs to the running site; what it was about stays",
	"mail_tokens":       "one-time links from email, short-lived credentials",
	"preview_tokens":    "secret preview links; editors make new ones",
	"search_documents":  "the search index is rebuilt from the articles on import",
}

// excludedPrefixes are families of tables left out: SQLite's own, and
// the search index's (rebuilt on import).
var excludedPrefixes = []string{"sqlite_", "search_fts"}

// ExcludedTables are the tables an export leaves out, each with the reason.
func ExcludedTables() map[string]string { return maps.Clone(excludedTables) }

// excluded reports whether the export leaves the table out.
func excluded(table string) bool {
	if _, ok := excludedTables[table]; ok {
		return true
	}
	for _, p := range excludedPrefixes {
		if strings.HasPrefix(table, p) {
			return true
		}
	}
	return false
}

// ExportTable is a table as an export carries it: its columns in name
// order, so that both databases give the same order whatever order their
// migrations added the columns in.
type ExportTable struct {
	Name    string
	Columns []ExportColumn
}

// ExportColumn is one column of an exported table.
type ExportColumn struct {
	Name string
	Kind ColumnKind
}

// Column finds a column by name.
func (t ExportTable) Column(name string) (ExportColumn, bool) {
	for _, c := range t.Columns {
		if c.Name == name {
			return c, true
		}
	}
	return ExportColumn{}, false
}

// catalogueTable is a table as the database's catalogue describes it.
type catalogueTable struct {
	name    string
	columns []catalogueColumn
	// key is the ORDER BY expressions of the primary key, in key order.
	key []string
	// references names the tables its foreign keys point to.
	references []string
}

// catalogueColumn is one column of a catalogueTable.
type catalogueColumn struct {
	name string
	kind ColumnKind
	// timestamp marks a column of a real timestamp type (PostgreSQL's);
	// its values are converted from and to TimeLayout text.
	timestamp bool
}

// quoteIdent quotes a table or column name for both engines.
func quoteIdent(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// exportTables reads the catalogue and keeps the exported tables, in an
// order where every table comes after the tables it refers to (so an
// import inserts in that order), ties broken by name.
func (s *Store) exportTables(ctx context.Context, q querier) ([]catalogueTable, error) {
	all, err := s.d.catalogue(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("store: read the catalogue: %w", err)
	}
	byName := map[string]catalogueTable{}
	for _, t := range all {
		if excluded(t.name) {
			continue
		}
		for _, c := range t.columns {
			if c.kind == kindOther {
				return nil, fmt.Errorf("store: export: column %s.%s has a type the export does not know", t.name, c.name)
			}
		}
		if len(t.key) == 0 {
			return nil, fmt.Errorf("store: export: table %s has no primary key to order its rows by", t.name)
		}
		slices.SortFunc(t.columns, func(a, b catalogueColumn) int { return strings.Compare(a.name, b.name) })
		byName[t.name] = t
	}
	var ordered []catalogueTable
	done := map[string]bool{}
	var visit func(name string, path []string) error
	visit = func(name string, path []string) error {
		if done[name] {
			return nil
		}
		if slices.Contains(path, name) {
			return fmt.Errorf("store: export: the tables %s refer to each other in a cycle", strings.Join(append(path, name), " → "))
		}
		t := byName[name]
		refs := slices.Sorted(slices.Values(t.references))
		for _, r := range refs {
			// A table referring to itself (a reply's parent comment) is
			// inserted in id order, parents first.
			if _, ok := byName[r]; ok && r != name {
				if err := visit(r, append(path, name)); err != nil {
					return err
				}
			}
		}
		done[name] = true
		ordered = append(ordered, t)
		return nil
	}
	for _, name := range slices.Sorted(maps.Keys(byName)) {
		if err := visit(name, nil); err != nil {
			return nil, err
		}
	}
	return ordered, nil
}

// exportTable is t as callers see it.
func (t catalogueTable) exportTable() ExportTable {
	e := ExportTable{Name: t.name}
	for _, c := range t.columns {
		e.Columns = append(e.Columns, ExportColumn{Name: c.name, Kind: c.kind})
	}
	return e
}

// Snapshot is one consistent state of the database, open for reading
// every exported table.
type Snapshot struct {
	tx     *sql.Tx
	tables []catalogueTable
	schema string
}

// Export runs fn over one snapshot of the database: a read-only
// transaction (repeatable read on PostgreSQL; SQLite's WAL readers see one
// state), so rows written meanwhile are either wholly in it or not at all.
func (s *Store) Export(ctx context.Context, fn func(*Snapshot) error) error {
	return s.read(ctx, func(tx *sql.Tx) error {
		tables, err := s.exportTables(ctx, tx)
		if err != nil {
			return err
		}
		sn := &Snapshot{tx: tx, tables: tables}
		err = tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(name), '') FROM schema_migrations`).Scan(&sn.schema)
		if err != nil {
			return fmt.Errorf("store: export: %w", err)
		}
		return fn(sn)
	})
}

// Schema is the name of the last migration the database has applied.
func (sn *Snapshot) Schema() string { return sn.schema }

// Tables are the exported tables, in an order where a table comes after
// those it refers to.
func (sn *Snapshot) Tables() []ExportTable {
	out := make([]ExportTable, len(sn.tables))
	for i, t := range sn.tables {
		out[i] = t.exportTable()
	}
	return out
}

// Rows calls fn with every row of the table in primary key order, each
// value of the row (in the order of the table's Columns) as its column's
// kind says. fn must not keep row.
func (sn *Snapshot) Rows(ctx context.Context, table string, fn func(row []any) error) error {
	i := slices.IndexFunc(sn.tables, func(t catalogueTable) bool { return t.name == table })
	if i < 0 {
		return fmt.Errorf("store: export: no exported table %q", table)
	}
	t := sn.tables[i]
	names := make([]string, len(t.columns))
	for i, c := range t.columns {
		names[i] = quoteIdent(c.name)
	}
	rows, err := sn.tx.QueryContext(ctx, `SELECT `+strings.Join(names, ", ")+` FROM `+quoteIdent(t.name)+
		` ORDER BY `+strings.Join(t.key, ", "))
	if err != nil {
		return fmt.Errorf("store: export %s: %w", t.name, err)
	}
	defer rows.Close()
	raw := make([]any, len(t.columns))
	dest := make([]any, len(t.columns))
	for i := range raw {
		dest[i] = &raw[i]
	}
	row := make([]any, len(t.columns))
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("store: export %s: %w", t.name, err)
		}
		for i, c := range t.columns {
			if row[i], err = exportValue(c, raw[i]); err != nil {
				return fmt.Errorf("store: export %s.%s: %w", t.name, c.name, err)
			}
		}
		if err := fn(row); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: export %s: %w", t.name, err)
	}
	return nil
}

// exportValue converts a value as the driver scanned it into the kind of
// its column.
func exportValue(c catalogueColumn, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch c.kind {
	case KindInteger:
		switch v := v.(type) {
		case int64:
			return v, nil
		case int32:
			return int64(v), nil
		case int16:
			return int64(v), nil
		}
	case KindBoolean:
		switch v := v.(type) {
		case bool:
			return v, nil
		case int64:
			if v == 0 || v == 1 {
				return v == 1, nil
			}
		}
	case KindText:
		switch v := v.(type) {
		case string:
			return v, nil
		case []byte:
			return string(v), nil
		case time.Time:
			return qalam.UTC(v).Format(TimeLayout), nil
		}
	case KindBytes:
		if v, ok := v.([]byte); ok {
			return v, nil
		}
	}
	return nil, fmt.Errorf("unexpected %T for a %s column", v, c.kind)
}

// Importer writes rows into an empty database, inside the one transaction
// of an import.
type Importer struct {
	ctx    context.Context
	tx     *writeTx
	tables []catalogueTable
	// stmt is the insert of the table and columns of the last Insert.
	stmt    *sql.Stmt
	stmtFor string
}

// Import runs fn to fill the empty database in one transaction, then
// moves the id sequences past the imported ids and rebuilds the search
// index. It refuses a database that holds anything the export carries;
// if fn fails, nothing is imported.
func (s *Store) Import(ctx context.Context, fn func(*Importer) error) error {
	return s.write(ctx, func(tx *writeTx) error {
		tables, err := s.exportTables(ctx, tx)
		if err != nil {
			return err
		}
		var nonEmpty []string
		for _, t := range tables {
			var one int
			err := tx.QueryRowContext(ctx, `SELECT 1 FROM `+quoteIdent(t.name)+` LIMIT 1`).Scan(&one)
			switch {
			case err == nil:
				nonEmpty = append(nonEmpty, t.name)
			case err != sql.ErrNoRows:
				return fmt.Errorf("store: import: %w", err)
			}
		}
		if len(nonEmpty) > 0 {
			return qalam.Errorf(qalam.KindConflict,
				"The database is not empty (it holds %s): import into a new database, migrated and with nothing in it.",
				strings.Join(nonEmpty, ", "))
		}
		im := &Importer{ctx: ctx, tx: tx, tables: tables}
		err = fn(im)
		if im.stmt != nil {
			im.stmt.Close()
		}
		if err != nil {
			return err
		}
		names := make([]string, 0, len(tables))
		for _, t := range tables {
			if slices.ContainsFunc(t.columns, func(c catalogueColumn) bool { return c.name == "id" }) {
				names = append(names, t.name)
			}
		}
		if err := s.d.resetSequences(ctx, tx.Tx, names); err != nil {
			return fmt.Errorf("store: import: %w", err)
		}
		rows, err := tx.QueryContext(ctx, `SELECT id FROM articles ORDER BY id`)
		if err != nil {
			return fmt.Errorf("store: import: %w", err)
		}
		ids, err := collect(rows, func(row scanner) (int64, error) {
			var id int64
			err := row.Scan(&id)
			return id, err
		})
		if err != nil {
			return fmt.Errorf("store: import: %w", err)
		}
		if err := s.indexArticles(ctx, tx, ids...); err != nil {
			return fmt.Errorf("store: import: %w", err)
		}
		tx.changed(Change{All: true})
		return nil
	})
}

// Tables are the tables an import may fill, in the order to fill them:
// a table after those it refers to.
func (im *Importer) Tables() []ExportTable {
	out := make([]ExportTable, len(im.tables))
	for i, t := range im.tables {
		out[i] = t.exportTable()
	}
	return out
}

// Insert adds one row to the table: values[i] is the value of
// columns[i], of the column's kind (int64, string, bool, []byte or nil).
// Columns left out take their defaults. A table's rows must come in id
// order where the table refers to itself.
func (im *Importer) Insert(table string, columns []string, values []any) error {
	i := slices.IndexFunc(im.tables, func(t catalogueTable) bool { return t.name == table })
	if i < 0 {
		return qalam.Errorf(qalam.KindInvalid, "This Qalam has no table %q to import into.", table)
	}
	t := im.tables[i]
	if len(columns) != len(values) {
		return fmt.Errorf("store: import %s: %d columns but %d values", table, len(columns), len(values))
	}
	args := make([]any, len(values))
	for i, name := range columns {
		j := slices.IndexFunc(t.columns, func(c catalogueColumn) bool { return c.name == name })
		if j < 0 {
			return qalam.Errorf(qalam.KindInvalid, "This Qalam's table %s has no column %q to import into.", table, name)
		}
		args[i] = values[i]
		if s, ok := values[i].(string); ok && t.columns[j].timestamp {
			at, err := time.Parse(TimeLayout, s)
			if err != nil {
				return qalam.Errorf(qalam.KindInvalid, "%s.%s holds %q, not a timestamp like %s.", table, name, s, TimeLayout)
			}
			args[i] = at
		}
	}
	key := table + "(" + strings.Join(columns, ",") + ")"
	if im.stmtFor != key {
		if im.stmt != nil {
			im.stmt.Close()
			im.stmt = nil
		}
		quoted := make([]string, len(columns))
		marks := make([]string, len(columns))
		for i, c := range columns {
			quoted[i] = quoteIdent(c)
			marks[i] = fmt.Sprintf("$%d", i+1)
		}
		stmt, err := im.tx.PrepareContext(im.ctx, `INSERT INTO `+quoteIdent(table)+` (`+strings.Join(quoted, ", ")+
			`) VALUES (`+strings.Join(marks, ", ")+`)`)
		if err != nil {
			return fmt.Errorf("store: import %s: %w", table, err)
		}
		im.stmt, im.stmtFor = stmt, key
	}
	if _, err := im.stmt.ExecContext(im.ctx, args...); err != nil {
		return fmt.Errorf("store: import %s: %w", table, translate(err, table, ""))
	}
	return nil
}

// SnapshotTo writes a consistent copy of the SQLite database to the file
// path (which must not exist) while the site goes on writing. A
// PostgreSQL database has no such copy: back it up with Export.
func (s *Store) SnapshotTo(ctx context.Context, path string) error {
	if err := s.d.snapshot(ctx, s.writer, path); err != nil {
		return fmt.Errorf("store: snapshot: %w", err)
	}
	return nil
}
