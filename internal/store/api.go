package store

// This file is the store's contract, written before its implementation so
// the HTTP packages can be built against it. The helper implementing the
// store replaces these stubs with real code in the per-entity files
// (article.go, comment.go, ...) and deletes this file.

import (
	"context"
	"time"

	"github.com/qalamnews/qalam"
)

// Options tune a store. The zero value is fine for production.
type Options struct {
	// Now is the clock; time.Now when nil. Every timestamp the store writes
	// comes from it (never NOW() in SQL).
	Now func() time.Time
}

// Change says what a committed write touched, so page caches drop exactly
// what is stale.
type Change struct {
	// ArticleID is the article whose page (article or discussion) changed;
	// 0 when the change is site-wide (authors, categories).
	ArticleID int64
	// All is set when the watcher may have missed changes (after a
	// reconnect): every cached page must go.
	All bool
}

// Store is the only part of Qalam that writes SQL.
type Store struct{}

// Open connects to the database named by dsn: a postgres:// or
// postgresql:// URL selects PostgreSQL; anything else is a SQLite file path.
// It does not migrate.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) { panic("unimplemented") }

// Migrate applies the embedded migrations not yet applied, in order, one
// transaction each.
func (s *Store) Migrate(ctx context.Context) error { panic("unimplemented") }

// Close closes the connection pools.
func (s *Store) Close() error { panic("unimplemented") }

// Dialect is "sqlite" or "postgres".
func (s *Store) Dialect() string { panic("unimplemented") }

// WatchChanges calls fn for every committed change affecting public pages:
// this node's, and on PostgreSQL every node's (LISTEN/NOTIFY, the NOTIFY
// sent inside the writing transaction). It calls fn(Change{All: true}) when
// it (re)connects. It blocks until ctx ends.
func (s *Store) WatchChanges(ctx context.Context, fn func(Change)) error { panic("unimplemented") }

func (s *Store) CreateAuthor(ctx context.Context, a *qalam.Author) error     { panic("unimplemented") }
func (s *Store) Author(ctx context.Context, id int64) (*qalam.Author, error) { panic("unimplemented") }
func (s *Store) AuthorBySlug(ctx context.Context, slug string) (*qalam.Author, error) {
	panic("unimplemented")
}
func (s *Store) FindAuthors(ctx context.Context) ([]*qalam.Author, error) { panic("unimplemented") }

func (s *Store) CreateCategory(ctx context.Context, c *qalam.Category) error { panic("unimplemented") }
func (s *Store) CategoryBySlug(ctx context.Context, slug string) (*qalam.Category, error) {
	panic("unimplemented")
}
func (s *Store) FindCategories(ctx context.Context) ([]*qalam.Category, error) {
	panic("unimplemented")
}
func (s *Store) TagBySlug(ctx context.Context, slug string) (*qalam.Tag, error) {
	panic("unimplemented")
}

// ArticleFilter selects articles. Nil/zero fields do not filter.
type ArticleFilter struct {
	Status     *qalam.ArticleStatus
	Language   qalam.Language
	CategoryID int64
	AuthorID   int64
	TagID      int64
	// Keyset paging, newest first: only articles published before
	// (BeforePublished, BeforeID).
	BeforePublished time.Time
	BeforeID        int64
	Limit           int // default 20, at most 100
}

func (s *Store) CreateArticle(ctx context.Context, a *qalam.Article) error { panic("unimplemented") }
func (s *Store) Article(ctx context.Context, id int64) (*qalam.Article, error) {
	panic("unimplemented")
}
func (s *Store) ArticleBySlug(ctx context.Context, slug string) (*qalam.Article, error) {
	panic("unimplemented")
}
func (s *Store) FindArticles(ctx context.Context, f ArticleFilter) ([]*qalam.Article, int, error) {
	panic("unimplemented")
}

// ArticleUpdate holds the fields to change; nil fields stay as they are.
type ArticleUpdate struct {
	Headline, Standfirst, EditorNote, EditorNoteHTML, Body, BodyHTML *string
	Label                                                            *qalam.Label
	Status                                                           *qalam.ArticleStatus
	CommentsClosed                                                   *bool
}

func (s *Store) UpdateArticle(ctx context.Context, id int64, u ArticleUpdate) (*qalam.Article, error) {
	panic("unimplemented")
}
func (s *Store) DeleteArticle(ctx context.Context, id int64) error { panic("unimplemented") }

// CommentFilter selects comments, oldest first.
type CommentFilter struct {
	ArticleID int64
	Status    *qalam.CommentStatus
	IDs       []int64
	Limit     int // 0: no limit
}

func (s *Store) CreateComment(ctx context.Context, c *qalam.Comment) (created bool, err error) {
	panic("unimplemented")
}
func (s *Store) CreateComments(ctx context.Context, cs []*qalam.Comment) error {
	panic("unimplemented")
}
func (s *Store) Comment(ctx context.Context, id int64) (*qalam.Comment, error) {
	panic("unimplemented")
}
func (s *Store) FindComments(ctx context.Context, f CommentFilter) ([]*qalam.Comment, error) {
	panic("unimplemented")
}
func (s *Store) SetCommentStatus(ctx context.Context, id int64, status qalam.CommentStatus) (*qalam.Comment, error) {
	panic("unimplemented")
}

func (s *Store) CreateCommenter(ctx context.Context, tokenHash []byte) (*qalam.Commenter, error) {
	panic("unimplemented")
}
func (s *Store) CommenterByToken(ctx context.Context, tokenHash []byte) (*qalam.Commenter, error) {
	panic("unimplemented")
}

func (s *Store) CreateUser(ctx context.Context, u *qalam.User) error { panic("unimplemented") }
func (s *Store) UserByEmail(ctx context.Context, email string) (*qalam.User, error) {
	panic("unimplemented")
}
