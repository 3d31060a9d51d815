package storetest

import (
	"context"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
)

// The fixture builders store a valid row with a unique slug (or key),
// apply the caller's changes first, and fail the test if storing fails.

// unique returns prefix followed by random lower-case letters and digits.
func unique(prefix string) string {
	return prefix + "-" + strings.ToLower(rand.Text()[:10])
}

// Category stores a category.
func Category(t testing.TB, st *store.Store, edit ...func(*qalam.Category)) *qalam.Category {
	t.Helper()
	c := &qalam.Category{Slug: unique("category"), Name: "Politics"}
	for _, f := range edit {
		if f != nil {
			f(c)
		}
	}
	if err := st.CreateCategory(context.Background(), c); err != nil {
		t.Fatalf("storetest: %v", err)
	}
	return c
}

// Author stores an author.
func Author(t testing.TB, st *store.Store, edit ...func(*qalam.Author)) *qalam.Author {
	t.Helper()
	a := &qalam.Author{Slug: unique("author"), Name: "Ayesha Siddiqa", Bio: "Writes about politics."}
	for _, f := range edit {
		if f != nil {
			f(a)
		}
	}
	if err := st.CreateAuthor(context.Background(), a); err != nil {
		t.Fatalf("storetest: %v", err)
	}
	return a
}

// Article stores a published English news article. Unless edit sets them,
// it creates a category and an author for it.
func Article(t testing.TB, st *store.Store, edit ...func(*qalam.Article)) *qalam.Article {
	t.Helper()
	a := &qalam.Article{
		Slug:       unique("article"),
		Language:   qalam.English,
		Label:      qalam.News,
		Status:     qalam.Published,
		Headline:   "Budget passes after a long night",
		Standfirst: "The assembly voted 190 to 140.",
		Body:       "The budget passed.",
		BodyHTML:   "<p>The budget passed.</p>",
	}
	for _, f := range edit {
		if f != nil {
			f(a)
		}
	}
	if a.CategoryID == 0 {
		a.CategoryID = Category(t, st).ID
	}
	if len(a.AuthorIDs) == 0 {
		a.AuthorIDs = []int64{Author(t, st).ID}
	}
	if err := st.CreateArticle(context.Background(), a); err != nil {
		t.Fatalf("storetest: %v", err)
	}
	return a
}

// Comment stores an approved comment on the article, which must be
// published and open to comments.
func Comment(t testing.TB, st *store.Store, articleID int64, edit ...func(*qalam.Comment)) *qalam.Comment {
	t.Helper()
	c := &qalam.Comment{
		ArticleID:      articleID,
		AuthorName:     "Reader",
		AuthorEmail:    "reader@example.com",
		Body:           "A fair point.",
		BodyHTML:       "<p>A fair point.</p>",
		Status:         qalam.Approved,
		IPHash:         "iphash",
		IdempotencyKey: unique("key"),
	}
	for _, f := range edit {
		if f != nil {
			f(c)
		}
	}
	if _, err := st.CreateComment(context.Background(), c); err != nil {
		t.Fatalf("storetest: %v", err)
	}
	return c
}

// Commenter stores an untrusted commenter with a random token hash.
func Commenter(t testing.TB, st *store.Store) *qalam.Commenter {
	t.Helper()
	c, err := st.CreateCommenter(context.Background(), []byte(rand.Text()))
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	return c
}

// User stores an editor with a unique email.
func User(t testing.TB, st *store.Store, edit ...func(*qalam.User)) *qalam.User {
	t.Helper()
	u := &qalam.User{
		Email:        unique("editor") + "@example.com",
		Name:         "Editor",
		Role:         qalam.RoleEditor,
		PasswordHash: "$argon2id$v=19$m=65536,t=1,p=4$c2FsdA$aGFzaA",
	}
	for _, f := range edit {
		if f != nil {
			f(u)
		}
	}
	if err := st.CreateUser(context.Background(), u); err != nil {
		t.Fatalf("storetest: %v", err)
	}
	return u
}

// UserWithRole stores a staff account with the given role and a unique
// email.
func UserWithRole(t testing.TB, st *store.Store, role qalam.Role, edit ...func(*qalam.User)) *qalam.User {
	t.Helper()
	return User(t, st, append([]func(*qalam.User){func(u *qalam.User) { u.Role = role }}, edit...)...)
}

// Media stores an image record with a unique name and two variants (the
// files themselves are not written).
func Media(t testing.TB, st *store.Store, edit ...func(*qalam.Media)) *qalam.Media {
	t.Helper()
	name := unique("image")
	m := &qalam.Media{
		Name:        name + ".jpg",
		ContentType: "image/jpeg",
		Width:       1600,
		Height:      900,
		Bytes:       250_000,
		Variants: []qalam.MediaVariant{
			{Width: 480, Height: 270, Name: name + "-480.jpg"},
			{Width: 960, Height: 540, Name: name + "-960.jpg"},
		},
		Alt:     "Members of the assembly voting",
		Caption: "The vote, shortly after 3 a.m.",
		Credit:  "Qalam",
	}
	for _, f := range edit {
		if f != nil {
			f(m)
		}
	}
	if err := st.CreateMedia(context.Background(), m); err != nil {
		t.Fatalf("storetest: %v", err)
	}
	return m
}

// Session stores a session of the user with a random token hash, ending
// 30 days after the real time unless edit sets ExpiresAt (set it in tests
// on a test clock).
func Session(t testing.TB, st *store.Store, userID int64, edit ...func(*qalam.Session)) *qalam.Session {
	t.Helper()
	s := &qalam.Session{
		UserID:    userID,
		TokenHash: []byte(rand.Text()),
		UserAgent: "Mozilla/5.0",
		ExpiresAt: time.Now().Add(30 * 24 * time.Hour),
	}
	for _, f := range edit {
		if f != nil {
			f(s)
		}
	}
	if err := st.CreateSession(context.Background(), s); err != nil {
		t.Fatalf("storetest: %v", err)
	}
	return s
}

// Correction appends a correction to the article, which must be published.
func Correction(t testing.TB, st *store.Store, articleID int64, edit ...func(*qalam.Correction)) *qalam.Correction {
	t.Helper()
	c := &qalam.Correction{
		ArticleID: articleID,
		Kind:      qalam.KindCorrection,
		Text:      "An earlier version gave the wrong vote count.",
		TextHTML:  "<p>An earlier version gave the wrong vote count.</p>",
	}
	for _, f := range edit {
		if f != nil {
			f(c)
		}
	}
	if err := st.AddCorrection(context.Background(), c); err != nil {
		t.Fatalf("storetest: %v", err)
	}
	return c
}
