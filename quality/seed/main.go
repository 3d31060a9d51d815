// Command seed adds a long discussion to a Qalam database that already holds
// the demo publication, for the site checks in quality/run.sh: Lighthouse
// and axe must pass on "an article with 200 comments".
//
// Usage:
//
//	go run ./quality/seed -database DSN [-comments 200]
//
// It picks the newest published English article, adds the comments to it
// (approved, threaded up to three deep, by invented readers) and prints the
// article's slug. Running it twice adds nothing the second time: the
// comments' keys are fixed.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/markup"
	"github.com/qalamnews/qalam/internal/store"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "seed:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	dsn := fs.String("database", "", "SQLite file or postgres:// URL of a migrated database holding the demo")
	n := fs.Int("comments", 200, "comments to add")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dsn == "" || *n <= 0 {
		return errors.New("-database is required and -comments must be positive")
	}
	st, err := store.Open(ctx, *dsn, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	published := qalam.Published
	list, _, err := st.FindArticles(ctx, store.ArticleFilter{Status: &published, Language: qalam.English, Limit: 1})
	if err != nil {
		return err
	}
	if len(list) == 0 {
		return errors.New("no published English article: seed the demo first (qalam serve --demo)")
	}
	a := list[0]
	if err := st.CreateComments(ctx, discussion(a, *n)); err != nil {
		return err
	}
	fmt.Fprintln(stdout, a.Slug)
	return nil
}

// Invented readers and what they say: neutral remarks about a town's news.
var (
	readers = []string{"Farah N.", "Tomasz Wren", "Bilal Qureshi", "Ines Calder", "نادیہ", "Owen Marsh", "Sana Mir", "Dev Anand K."}
	remarks = []string{
		"The new timetable suits early shifts much better than the old one.",
		"Could the council publish the full survey results as well?",
		"I walked the route this morning and the signs are already up.",
		"Thank you for explaining the budget figures so clearly.",
		"Our street was not mentioned, but the same problem shows there too.",
		"یہ خبر بہت مفید ہے، شکریہ۔",
		"The library's longer hours on Saturdays would help students most.",
		"I disagree with the second point: the cost was known a year ago.",
		"Does anyone know whether the meeting will be recorded?",
		"Good to see the river path reopened before the summer.",
	}
)

// discussion returns n approved comments on a: every fourth starts a new
// thread, the rest reply to a recent comment, nesting up to three deep.
func discussion(a *qalam.Article, n int) []*qalam.Comment {
	start := a.PublishedAt
	if start.IsZero() {
		start = time.Now().Add(-48 * time.Hour)
	}
	out := make([]*qalam.Comment, 0, n)
	depth := map[*qalam.Comment]int{}
	for i := range n {
		body := remarks[i%len(remarks)]
		c := &qalam.Comment{
			ArticleID:      a.ID,
			AuthorName:     readers[(i*5+i/7)%len(readers)],
			AuthorEmail:    fmt.Sprintf("reader%d@example.org", i%40),
			Body:           body,
			BodyHTML:       markup.Comment(body),
			Status:         qalam.Approved,
			IdempotencyKey: fmt.Sprintf("quality-seed-%d-%d", a.ID, i),
			CreatedAt:      start.Add(time.Duration(i+1) * 7 * time.Minute),
		}
		if i%4 != 0 && len(out) > 0 {
			parent := out[len(out)-1-(i%3)%len(out)]
			if depth[parent] < 2 {
				parent.Replies = append(parent.Replies, c)
				depth[c] = depth[parent] + 1
			}
		}
		out = append(out, c)
	}
	return out
}
