package main

import (
	"context"
	"fmt"
	"io"

	"github.com/qalamnews/qalam/internal/store"
)

func runMigrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, _, err := parseConfig("migrate", "Applies the database migrations that are not yet applied, then exits. \"qalam serve\" also does this at start.", args, getenv, stderr, nil)
	if err != nil {
		return err
	}
	if err := ensureDataDir(cfg.DatabaseURL, cfg.DataDir); err != nil {
		return err
	}
	st, err := store.Open(ctx, cfg.DatabaseDSN(), store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "The %s database is up to date.\n", st.Dialect())
	return nil
}
