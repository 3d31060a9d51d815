package store

// This file is the contract of the newsroom's storage, written before its
// implementation so the auth, media and admin packages can be built
// against it. The store's implementer replaces these stubs with real code
// in per-entity files and deletes this file; ArticleUpdate's and ArticleFilter's
// newsroom fields are declared in article.go, to be implemented.

import (
	"context"
	"time"

	"github.com/qalamnews/qalam"
)

// RevisionInfo describes a save for the revision it creates.
type RevisionInfo struct {
	UserID int64
	Minor  bool
	Note   string
}

// PublishDue publishes every scheduled article whose ScheduledAt has come,
// in one statement, so that however many nodes run it at once each article
// is published exactly once; it returns the IDs it published.
func (s *Store) PublishDue(ctx context.Context) ([]int64, error) { panic("unimplemented") }

// UpdateAuthor, categories and tags: AuthorUpdate has pointer fields Name,
// Slug, Bio *string, PhotoID, UserID *int64, Links *[]string.
type AuthorUpdate struct {
	Name, Slug, Bio *string
	PhotoID, UserID *int64
	Links           *[]string
}

func (s *Store) UpdateAuthor(ctx context.Context, id int64, u AuthorUpdate) (*qalam.Author, error) {
	panic("unimplemented")
}

// AuthorByUser returns the author profile linked to a staff account.
func (s *Store) AuthorByUser(ctx context.Context, userID int64) (*qalam.Author, error) {
	panic("unimplemented")
}

func (s *Store) Category(ctx context.Context, id int64) (*qalam.Category, error) {
	panic("unimplemented")
}
func (s *Store) RenameCategory(ctx context.Context, id int64, name, slug string) (*qalam.Category, error) {
	panic("unimplemented")
}

// DeleteCategory moves the category's articles to another, then deletes it.
func (s *Store) DeleteCategory(ctx context.Context, id, moveTo int64) error { panic("unimplemented") }

// FindTags lists tags by name with how many articles carry each.
func (s *Store) FindTags(ctx context.Context) ([]TagCount, error) { panic("unimplemented") }

// TagCount is a tag and the number of its articles.
type TagCount struct {
	qalam.Tag
	Articles int
}

func (s *Store) Tag(ctx context.Context, id int64) (*qalam.Tag, error) { panic("unimplemented") }
func (s *Store) RenameTag(ctx context.Context, id int64, name, slug string) (*qalam.Tag, error) {
	panic("unimplemented")
}

// MergeTag moves every article of tag from onto tag into (once each), then
// deletes from.
func (s *Store) MergeTag(ctx context.Context, from, into int64) error { panic("unimplemented") }
func (s *Store) DeleteTag(ctx context.Context, id int64) error        { panic("unimplemented") }

// Revisions of an article, newest first, and one by ID.
func (s *Store) FindRevisions(ctx context.Context, articleID int64) ([]*qalam.Revision, error) {
	panic("unimplemented")
}
func (s *Store) Revision(ctx context.Context, id int64) (*qalam.Revision, error) {
	panic("unimplemented")
}

// AddCorrection appends a correction or update to a published article
// (else KindConflict), moves the article's UpdatedAt to now, and returns it
// with ID and CreatedAt set. Corrections are loaded with the article
// (Article.Corrections, oldest first).
func (s *Store) AddCorrection(ctx context.Context, c *qalam.Correction) error {
	panic("unimplemented")
}

// FindCorrections lists the corrections of published articles, newest
// first, with their articles' slug and headline, for the /corrections page.
func (s *Store) FindCorrections(ctx context.Context, limit int, before time.Time) ([]CorrectionEntry, error) {
	panic("unimplemented")
}

// CorrectionEntry is a correction with its article.
type CorrectionEntry struct {
	qalam.Correction
	ArticleSlug     string
	ArticleHeadline string
	ArticleLanguage qalam.Language
}

// Preview links: a draft's preview link works without signing in until
// revoked. Only the token's hash is stored.
func (s *Store) CreatePreviewToken(ctx context.Context, articleID int64, tokenHash []byte, userID int64) error {
	panic("unimplemented")
}

// ArticleByPreviewToken returns the article of a valid, unrevoked token.
func (s *Store) ArticleByPreviewToken(ctx context.Context, tokenHash []byte) (*qalam.Article, error) {
	panic("unimplemented")
}

// RevokePreviewTokens revokes every preview link of an article.
func (s *Store) RevokePreviewTokens(ctx context.Context, articleID int64) error {
	panic("unimplemented")
}

// HasPreviewToken reports whether the article has a live preview link.
func (s *Store) HasPreviewToken(ctx context.Context, articleID int64) (bool, error) {
	panic("unimplemented")
}

// Media.
func (s *Store) CreateMedia(ctx context.Context, m *qalam.Media) error     { panic("unimplemented") }
func (s *Store) Media(ctx context.Context, id int64) (*qalam.Media, error) { panic("unimplemented") }
func (s *Store) FindMedia(ctx context.Context, f MediaFilter) ([]*qalam.Media, int, error) {
	panic("unimplemented")
}

// MediaFilter pages the media library, newest first.
type MediaFilter struct {
	UserID int64
	Limit  int
	Offset int
}

// UpdateMedia changes the describing fields (alt, caption, credit).
func (s *Store) UpdateMedia(ctx context.Context, id int64, alt, caption, credit string) (*qalam.Media, error) {
	panic("unimplemented")
}

// DeleteMedia removes the record (articles and authors pointing at it lose
// the picture); the caller removes the files.
func (s *Store) DeleteMedia(ctx context.Context, id int64) error { panic("unimplemented") }

// Users.
type UserUpdate struct {
	Name, Email, PasswordHash, TOTPSecret *string
	Role                                  *qalam.Role
	Disabled                              *bool
}

func (s *Store) UpdateUser(ctx context.Context, id int64, u UserUpdate) (*qalam.User, error) {
	panic("unimplemented")
}
func (s *Store) FindUsers(ctx context.Context) ([]*qalam.User, error) { panic("unimplemented") }

// Sessions. SessionByToken does not return an expired session (KindNotFound).
func (s *Store) CreateSession(ctx context.Context, sess *qalam.Session) error { panic("unimplemented") }
func (s *Store) SessionByToken(ctx context.Context, tokenHash []byte) (*qalam.Session, error) {
	panic("unimplemented")
}

// TouchSession records activity (for the idle timeout).
func (s *Store) TouchSession(ctx context.Context, id int64, at time.Time) error {
	panic("unimplemented")
}
func (s *Store) SetSessionTwoFactorDone(ctx context.Context, id int64) error { panic("unimplemented") }
func (s *Store) DeleteSession(ctx context.Context, id int64) error           { panic("unimplemented") }

// DeleteUserSessions ends every session of the user except keep (0: all).
func (s *Store) DeleteUserSessions(ctx context.Context, userID, keep int64) error {
	panic("unimplemented")
}
func (s *Store) FindSessions(ctx context.Context, userID int64) ([]*qalam.Session, error) {
	panic("unimplemented")
}

// Login throttling, shared by every node: failures are counted per key
// ("account:<email>", "addr:<hash>") within a window.
func (s *Store) RecordLoginFailure(ctx context.Context, key string) error { panic("unimplemented") }
func (s *Store) CountLoginFailures(ctx context.Context, key string, since time.Time) (int, error) {
	panic("unimplemented")
}
func (s *Store) ClearLoginFailures(ctx context.Context, key string) error { panic("unimplemented") }

// Settings are site-wide key/value pairs; an unset key reads as "".
func (s *Store) Setting(ctx context.Context, key string) (string, error) { panic("unimplemented") }
func (s *Store) SetSetting(ctx context.Context, key, value string) error { panic("unimplemented") }
