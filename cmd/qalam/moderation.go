package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/qalamnews/qalam/internal/moderation"
)

const moderationUsage = `Usage:
  qalam moderation eval FILE.jsonl

eval scores every labelled comment in FILE.jsonl with the starting spam
model that ships in this binary and prints precision, recall, F1, the
confusion table and the share of ham marked as spam, overall and per
language. It changes nothing. A site's own trained model, kept in its
database, is not evaluated yet; "qalam moderation train" will come with
that storage.

FILE.jsonl holds one comment a line with the fields id, lang, label (ham or
spam), kind, name, email, website, body and article_topic.
`

// runModeration runs "qalam moderation SUBCOMMAND".
func runModeration(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, moderationUsage)
		return errUsage
	}
	switch args[0] {
	case "eval":
		return runModerationEval(args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, moderationUsage)
		return nil
	default:
		fmt.Fprintf(stderr, "unknown moderation command %q\n\n%s", args[0], moderationUsage)
		return errUsage
	}
}

func runModerationEval(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("moderation eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, moderationUsage) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() != 1 {
		fmt.Fprint(stderr, moderationUsage)
		return errUsage
	}
	name := fs.Arg(0)
	f, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("moderation eval: %w", err)
	}
	defer f.Close()
	examples, err := moderation.ReadJSONL(f)
	if err != nil {
		return fmt.Errorf("moderation eval: %s: %w", name, err)
	}
	m, err := moderation.StartingModel()
	if err != nil {
		return fmt.Errorf("moderation eval: %w", err)
	}
	r := moderation.Evaluate(m, examples)
	fmt.Fprintf(stdout, "Starting model on %s (%d comments):\n\n%s", name, len(examples), r)
	return nil
}
