package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/qalamnews/qalam/internal/config"
)

// TestExportStatic_MirrorsTheDemo mirrors the demo publication twice: the
// second run finds nothing to write. Its log line gives the demo's figures
// (go test -v -run TestExportStatic ./cmd/qalam/).
func TestExportStatic_MirrorsTheDemo(t *testing.T) {
	data := t.TempDir()
	m := startMain(t, func(c *config.Config) { c.Demo = true; c.DataDir = data })
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "mirror")
	env := func(k string) string {
		if k == "QALAM_DATA_DIR" {
			return data
		}
		return ""
	}
	export := func() string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		args := []string{"export", "static", out, "-base-url", "https://review.example"}
		if err := run(context.Background(), args, env, strings.NewReader(""), &stdout, &stderr); err != nil {
			t.Fatalf("export: %v; stderr: %s", err, stderr.String())
		}
		if stderr.Len() > 0 {
			t.Errorf("export complained: %s", stderr.String())
		}
		return stdout.String()
	}
	first := export()
	t.Logf("demo mirror, first run: %s", first)
	if strings.Contains(first, "broken link") {
		t.Errorf("broken links in the demo's mirror:\n%s", first)
	}
	if !regexp.MustCompile(`written [1-9]\d*, unchanged 0, removed 0`).MatchString(first) {
		t.Errorf("first run: %q, want every file written", first)
	}
	if _, err := os.Stat(filepath.Join(out, "articles", "council-passes-budget-roads-parks", "index.html")); err != nil {
		t.Errorf("a demo article is missing: %v", err)
	}
	second := export()
	t.Logf("demo mirror, second run: %s", second)
	if !strings.Contains(second, "written 0,") || !strings.Contains(second, "removed 0") {
		t.Errorf("second run: %q, want nothing written or removed", second)
	}
}

func TestExportStatic_Usage(t *testing.T) {
	env := func(k string) string {
		if k == "QALAM_DATA_DIR" {
			return t.TempDir()
		}
		return ""
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no kind of export", []string{"export"}, "qalam export static DIR"},
		{"an unknown kind", []string{"export", "pdf"}, `unknown export "pdf"`},
		{"no folder", []string{"export", "static"}, "qalam export static DIR"},
		{"two folders", []string{"export", "static", "a", "b"}, "qalam export static DIR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tt.args, env, strings.NewReader(""), &stdout, &stderr)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("stderr %q lacks %q", stderr.String(), tt.want)
			}
		})
	}
}
