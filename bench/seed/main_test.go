package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
)

// TestSeed seeds a small SQLite database (in batches small enough that
// replies cross batches) and checks the shape the benchmark relies on.
func TestSeed(t *testing.T) {
	ctx := t.Context()
	dsn := filepath.Join(t.TempDir(), "bench.db")
	args := []string{"-database", dsn, "-articles", "40", "-comments", "700", "-batch", "150"}
	var stdout, stderr bytes.Buffer
	if err := run(ctx, args, &stdout, &stderr); err != nil {
		t.Fatalf("seed: %v\n%s", err, stderr.String())
	}

	st, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, total, err := st.FindArticles(ctx, store.ArticleFilter{Limit: 1}); err != nil || total != 40 {
		t.Errorf("articles: got %d (%v), want 40", total, err)
	}
	all, err := st.FindComments(ctx, store.CommentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 700 {
		t.Errorf("comments: got %d, want 700", len(all))
	}
	byID := map[int64]*qalam.Comment{}
	for _, c := range all {
		if c.ParentID != 0 {
			p, ok := byID[c.ParentID]
			switch {
			case !ok:
				t.Errorf("comment %d replies to %d, which is not stored before it", c.ID, c.ParentID)
			case p.ArticleID != c.ArticleID:
				t.Errorf("comment %d replies to %d on another article", c.ID, c.ParentID)
			}
		}
		byID[c.ID] = c
	}

	for _, tc := range []struct {
		slug      string
		approved  int
		wantDepth int
	}{
		{bigSlug, bigComments, 3},
		{smallSlug, smallComments, 1},
	} {
		a, err := st.ArticleBySlug(ctx, tc.slug)
		if err != nil {
			t.Fatalf("%s: %v", tc.slug, err)
		}
		if a.Status != qalam.Published || a.CommentCount != tc.approved {
			t.Errorf("%s: status %s with %d approved comments, want published with %d", tc.slug, a.Status, a.CommentCount, tc.approved)
		}
		approved := qalam.Approved
		comments, err := st.FindComments(ctx, store.CommentFilter{ArticleID: a.ID, Status: &approved})
		if err != nil {
			t.Fatal(err)
		}
		depth := 0
		var walk func([]*qalam.Comment)
		walk = func(cs []*qalam.Comment) {
			for _, c := range cs {
				depth = max(depth, c.Depth)
				walk(c.Replies)
			}
		}
		walk(qalam.BuildThread(comments, 10))
		if depth != tc.wantDepth {
			t.Errorf("%s: thread %d deep, want %d", tc.slug, depth, tc.wantDepth)
		}
	}

	err = run(ctx, args, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "-force") {
		t.Errorf("seeding again: got %v, want a refusal naming -force", err)
	}
	if err := run(ctx, append(args, "-force"), &stdout, &stderr); err != nil {
		t.Fatalf("seeding again with -force: %v", err)
	}
	// The benchmark's two articles are there already and left alone.
	if _, total, err := st.FindArticles(ctx, store.ArticleFilter{Limit: 1}); err != nil || total != 78 {
		t.Errorf("articles after -force: got %d (%v), want 78", total, err)
	}
}

// TestSeed_BigDiscussion: -big sets the size of the big discussion, for
// measuring a thread read in parts.
func TestSeed_BigDiscussion(t *testing.T) {
	ctx := t.Context()
	dsn := filepath.Join(t.TempDir(), "big.db")
	var stdout, stderr bytes.Buffer
	if err := run(ctx, []string{"-database", dsn, "-articles", "3", "-comments", "1300", "-big", "1200"}, &stdout, &stderr); err != nil {
		t.Fatalf("seed: %v\n%s", err, stderr.String())
	}
	st, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a, err := st.ArticleBySlug(ctx, bigSlug)
	if err != nil || a.CommentCount != 1200 {
		t.Fatalf("%s: %d approved comments (%v), want 1200", bigSlug, a.CommentCount, err)
	}
	err = run(ctx, []string{"-database", filepath.Join(t.TempDir(), "x.db"), "-comments", "1000", "-big", "1200"}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "at least 1203") {
		t.Errorf("more big comments than comments: got %v, want a refusal", err)
	}
}
