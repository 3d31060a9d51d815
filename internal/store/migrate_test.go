package store_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/qalamnews/qalam/internal/store"
)

func TestMigrations_SameNamesInBothDialects(t *testing.T) {
	sqlite, err := store.MigrationNames("sqlite")
	if err != nil {
		t.Fatal(err)
	}
	postgres, err := store.MigrationNames("postgres")
	if err != nil {
		t.Fatal(err)
	}
	if len(sqlite) == 0 {
		t.Fatal("no migrations")
	}
	if !reflect.DeepEqual(sqlite, postgres) {
		t.Errorf("migrations differ:\nsqlite   %v\npostgres %v", sqlite, postgres)
	}
}

func TestStore_Migrate(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		want, err := store.MigrationNames(st.Dialect())
		if err != nil {
			t.Fatal(err)
		}
		t.Run("records every migration", func(t *testing.T) {
			got, err := st.AppliedMigrations(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("applied %v, want %v", got, want)
			}
		})
		t.Run("second run is a no-op", func(t *testing.T) {
			// The store is migrated already; running again must neither
			// fail (tables exist) nor record anything twice.
			if err := st.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			got, err := st.AppliedMigrations(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("applied %v, want %v", got, want)
			}
		})
	})
}
