package store

import "context"

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
