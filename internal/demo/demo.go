// Package demo is the demo publication seeded into an empty database, so
// that `qalam serve --demo` shows a newcomer a real-looking newsroom: three
// authors, three categories, articles in English and Urdu and a moderated
// discussion under most of them.
//
// Everything in it is fictional: the town of Qalampur and its districts,
// the people, the organisations and the links (which all point at
// example.org, example.com or example.net). The articles and their comments
// live in content/articles/*.md, one file per article, in the format
// described in content/README.md; the authors and categories are below.
package demo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/markup"
	"github.com/qalamnews/qalam/internal/store"
)

// authors are the demo bylines. The slugs are what content files name.
var authors = []qalam.Author{
	{
		Slug: "sana-mirza",
		Name: "Sana Mirza",
		Bio: "Sana Mirza covers city hall, the courts and civic life in Qalampur. " +
			"Before joining the newsroom she spent six years at a district weekly in Nurpur. " +
			"She reads every budget appendix so you do not have to.",
	},
	{
		Slug: "daniel-hart",
		Name: "Daniel Hart",
		Bio: "Daniel Hart writes about transport, the environment and the numbers behind public services. " +
			"He moved to the Riverside district a decade ago and still cycles to most of his interviews.",
	},
	{
		Slug: "farhana-qureshi",
		Name: "فرحانہ قریشی",
		Bio: "فرحانہ قریشی ہمارے اردو صفحات کی مدیر ہیں اور تعلیم، کتب خانوں اور محلوں کے مسائل پر اردو میں لکھتی ہیں۔ " +
			"صحافت سے پہلے وہ قلم پور کے ایک کالج میں اردو ادب پڑھاتی رہی ہیں، " +
			"اور آج بھی پرانے بازار میں ہر مہینے ایک مطالعاتی حلقہ چلاتی ہیں۔",
	},
}

// categories are the sections of the demo publication.
var categories = []qalam.Category{
	{Slug: "local", Name: "Local"},
	{Slug: "politics", Name: "Politics"},
	{Slug: "environment", Name: "Environment"},
}

// Seed fills an empty database with the demo publication and reports
// whether it did; a database that already holds any article is left alone
// (seeded=false), so a second run reuses the data.
//
// Every date is placed relative to now: articles over the thirty days
// before it, comments in the hours and days after their article. Authors
// and categories that already exist (by slug) are reused rather than
// duplicated. The content is parsed and checked before anything is written;
// a failure part-way (the database going away) leaves what was written,
// which a later run will not complete, so start again from an empty
// database.
func Seed(ctx context.Context, st *store.Store, now time.Time) (seeded bool, err error) {
	now = qalam.UTC(now)
	existing, total, err := st.FindArticles(ctx, store.ArticleFilter{Limit: 1})
	if err != nil {
		return false, fmt.Errorf("demo: checking for articles: %w", err)
	}
	if total > 0 || len(existing) > 0 {
		return false, nil
	}
	arts, err := load(now)
	if err != nil {
		return false, err
	}

	authorIDs := make(map[string]int64, len(authors))
	for _, a := range authors {
		a.CreatedAt = now.Add(-60 * 24 * time.Hour)
		id, err := ensureAuthor(ctx, st, a)
		if err != nil {
			return false, err
		}
		authorIDs[a.Slug] = id
	}
	categoryIDs := make(map[string]int64, len(categories))
	for _, c := range categories {
		id, err := ensureCategory(ctx, st, c)
		if err != nil {
			return false, err
		}
		categoryIDs[c.Slug] = id
	}

	// Oldest first, so IDs grow with publication dates as they would have.
	slices.SortStableFunc(arts, func(a, b *article) int { return a.PublishedAt.Compare(b.PublishedAt) })
	var comments []*comment
	for _, a := range arts {
		a.CategoryID = categoryIDs[a.category]
		for _, s := range a.authors {
			a.AuthorIDs = append(a.AuthorIDs, authorIDs[s])
		}
		a.BodyHTML = markup.Article(a.Body)
		if a.EditorNote != "" {
			a.EditorNoteHTML = markup.Article(a.EditorNote)
		}
		if err := st.CreateArticle(ctx, &a.Article); err != nil {
			return false, fmt.Errorf("demo: article %s: %w", a.Slug, err)
		}
		for _, c := range a.comments {
			c.ArticleID = a.ID
			c.BodyHTML = markup.Comment(c.Body)
		}
		comments = append(comments, a.comments...)
	}
	if err := createComments(ctx, st, comments); err != nil {
		return false, err
	}
	return true, nil
}

// createComments stores the comments of every article in one batch, in
// the order they were written, so IDs (and the moderation queue) follow the
// clock. CreateComments keeps the dates we give (CreateComment would date
// them now) and accepts comments on a closed discussion; a reply to a
// comment in the same batch is listed in its parent's Replies, and the
// store fills in its ParentID.
func createComments(ctx context.Context, st *store.Store, all []*comment) error {
	all = slices.Clone(all)
	slices.SortStableFunc(all, func(a, b *comment) int { return a.CreatedAt.Compare(b.CreatedAt) })
	batch := make([]*qalam.Comment, len(all))
	for i, c := range all {
		if c.parent != nil {
			c.parent.Replies = append(c.parent.Replies, &c.Comment)
		}
		batch[i] = &c.Comment
	}
	if err := st.CreateComments(ctx, batch); err != nil {
		return fmt.Errorf("demo: comments: %w", err)
	}
	for _, c := range all {
		if c.ID == 0 || (c.parent != nil && c.ParentID != c.parent.ID) {
			return fmt.Errorf("demo: comment %s was not stored in its thread", c.IdempotencyKey)
		}
	}
	return nil
}

func ensureAuthor(ctx context.Context, st *store.Store, a qalam.Author) (int64, error) {
	old, err := st.AuthorBySlug(ctx, a.Slug)
	switch {
	case err == nil:
		return old.ID, nil
	case !errors.Is(err, qalam.ErrNotFound):
		return 0, fmt.Errorf("demo: author %s: %w", a.Slug, err)
	}
	if err := st.CreateAuthor(ctx, &a); err != nil {
		return 0, fmt.Errorf("demo: author %s: %w", a.Slug, err)
	}
	return a.ID, nil
}

func ensureCategory(ctx context.Context, st *store.Store, c qalam.Category) (int64, error) {
	old, err := st.CategoryBySlug(ctx, c.Slug)
	switch {
	case err == nil:
		return old.ID, nil
	case !errors.Is(err, qalam.ErrNotFound):
		return 0, fmt.Errorf("demo: category %s: %w", c.Slug, err)
	}
	if err := st.CreateCategory(ctx, &c); err != nil {
		return 0, fmt.Errorf("demo: category %s: %w", c.Slug, err)
	}
	return c.ID, nil
}
