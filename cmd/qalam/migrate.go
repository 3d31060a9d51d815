package main

import (
	"context"
	"fmt"
	"io"
)

func runMigrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, _, err := parseConfig("migrate", "Applies the database migrations that are not yet applied, then exits. \"qalam serve\" also does this at start.", args, getenv, stderr, nil)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintf(stdout, "The %s database is up to date.\n", st.Dialect())
	return nil
}
