package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
)

// migrations holds the DDL of each dialect, in folders named after it.
// Both folders hold the same file names; NNNN_ prefixes order them.
//
//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// migrationNames lists a dialect's migrations in the order they apply.
func migrationNames(dialect string) ([]string, error) {
	entries, err := fs.ReadDir(migrations, path.Join("migrations", dialect))
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && path.Ext(e.Name()) == ".sql" {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	return names, nil
}

// Migrate applies the embedded migrations not yet applied, in order, one
// transaction each, recording each name in schema_migrations, then brings
// the search index up to date. Running it again applies nothing.
func (s *Store) Migrate(ctx context.Context) error {
	names, err := migrationNames(s.d.name())
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	for _, name := range names {
		if err := s.migrate(ctx, name); err != nil {
			return fmt.Errorf("store: migrate %s: %w", name, err)
		}
	}
	// The search index is derived in Go (textfold), so SQL cannot backfill it.
	return s.syncSearchIndex(ctx)
}

// migrate applies one migration unless it was applied already.
func (s *Store) migrate(ctx context.Context, name string) error {
	ddl, err := fs.ReadFile(migrations, path.Join("migrations", s.d.name(), name))
	if err != nil {
		return err
	}
	// Migrations announce no change: nothing is cached before they run.
	return s.write(ctx, func(tx *writeTx) error {
		if err := s.d.lockMigrations(ctx, tx.Tx); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.d.migrationsTable()); err != nil {
			return err
		}
		var applied int
		err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE name = $1`, name).Scan(&applied)
		if err != nil || applied > 0 {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(ddl)); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)`,
			name, s.d.ts(tx.now))
		return err
	})
}
