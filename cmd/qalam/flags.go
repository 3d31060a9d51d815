package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/qalamnews/qalam/internal/config"
)

// parseConfig reads the configuration for a subcommand: defaults, then the
// environment, then the flags (with any extra flags the subcommand binds).
func parseConfig(name, summary string, args []string, getenv func(string) string, stderr io.Writer, extra func(*flag.FlagSet)) (config.Config, *flag.FlagSet, error) {
	cfg, err := config.FromEnv(getenv)
	if err != nil {
		return cfg, nil, err
	}
	fs := flag.NewFlagSet("qalam "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: qalam %s [flags]\n\n%s\n\nFlags:\n", name, summary)
		fs.PrintDefaults()
	}
	cfg.Bind(fs)
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return cfg, fs, flag.ErrHelp
		}
		return cfg, fs, errUsage
	}
	if err := cfg.Validate(); err != nil {
		return cfg, fs, err
	}
	return cfg, fs, nil
}
