package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runModerationT(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	getenv := func(string) string { return "" }
	err = runModeration(context.Background(), args, getenv, strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), err
}

func writeModerationFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const moderationEvalCorpus = `{"id": "t-1", "lang": "en", "label": "spam", "kind": "casino_betting", "name": "Best Casino Bonus", "email": "win.big77@tmpmail.test", "website": "https://spinwin-bonus.test/?ref=c", "body": "Best online casino bonus, free spins <a href=\"https://spinwin-bonus.test/\">click here</a>", "article_topic": "bridge repairs"}
{"id": "t-2", "lang": "en", "label": "ham", "kind": "question", "name": "Saima", "email": "saima.k@example.org", "website": "", "body": "The council said the bridge repairs would finish in March. Does anyone know why the road is still closed?", "article_topic": "bridge repairs"}
{"id": "t-3", "lang": "ur", "label": "ham", "kind": "agree", "name": "عمران", "email": "imran@example.org", "website": "", "body": "بالکل درست لکھا ہے، پل کی مرمت میں بہت دیر ہو گئی۔", "article_topic": "پل کی مرمت"}
`

func TestRunModeration_EvalPrintsTheReport(t *testing.T) {
	p := writeModerationFile(t, "comments.jsonl", moderationEvalCorpus)
	before, _ := os.ReadFile(p)
	out, errOut, err := runModerationT(t, "eval", p)
	if err != nil {
		t.Fatalf("eval: %v\nstderr: %s", err, errOut)
	}
	for _, want := range []string{"(3 comments)", "precision", "recall", "F1", "TP", "FP", "ham->spam", "\nen ", "\nur ", "\nall "} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if after, _ := os.ReadFile(p); !bytes.Equal(before, after) {
		t.Error("eval changed its input file")
	}
}

func TestRunModeration_EvalRejectsAMalformedFile(t *testing.T) {
	p := writeModerationFile(t, "bad.jsonl", moderationEvalCorpus+"{\"id\": \"t-4\", \"label\": \n")
	_, _, err := runModerationT(t, "eval", p)
	if err == nil || !strings.Contains(err.Error(), "line 4") {
		t.Fatalf("err = %v, want an error naming line 4", err)
	}
}

func TestRunModeration_UsageErrors(t *testing.T) {
	for name, args := range map[string][]string{
		"no subcommand":      nil,
		"unknown subcommand": {"train"},
		"no file":            {"eval"},
		"two files":          {"eval", "a", "b"},
	} {
		t.Run(name, func(t *testing.T) {
			_, errOut, err := runModerationT(t, args...)
			if err != errUsage || !strings.Contains(errOut, "qalam moderation eval") {
				t.Errorf("err = %v, stderr = %q; want usage", err, errOut)
			}
		})
	}
	if _, _, err := runModerationT(t, "eval", filepath.Join(t.TempDir(), "missing.jsonl")); err == nil {
		t.Error("eval of a missing file succeeded")
	}
}
