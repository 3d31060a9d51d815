package store

import (
	"context"
	"time"
)

// MigrationNames exposes migrationNames to the tests in store_test.
var MigrationNames = migrationNames

// AppliedMigrations lists the names recorded in schema_migrations.
func (s *Store) AppliedMigrations(ctx context.Context) ([]string, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT name FROM schema_migrations ORDER BY name`)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(row scanner) (string, error) {
		var name string
		err := row.Scan(&name)
		return name, err
	})
}

// MigrateOnly applies the one named migration, as Migrate does, so tests
// can build a database as an older release left it.
func (s *Store) MigrateOnly(ctx context.Context, name string) error { return s.migrate(ctx, name) }

// Exec runs raw SQL in a write transaction; TS encodes its timestamps.
func (s *Store) Exec(ctx context.Context, query string, args ...any) error {
	return s.write(ctx, func(tx *writeTx) error {
		_, err := tx.ExecContext(ctx, query, args...)
		return err
	})
}

// TS encodes a timestamp as the dialect stores it.
func (s *Store) TS(t time.Time) any { return s.d.ts(t) }
