package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
)

const wpSite = "http://old.example.org"

func TestStore_ImportWordPressAuthor(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		t.Run("created once, then found by its WordPress id", func(t *testing.T) {
			a := &qalam.Author{Slug: "mhollis", Name: "Mara Hollis"}
			created, err := st.ImportWordPressAuthor(ctx, wpSite, 2, a, []string{"/author/mhollis/"})
			if err != nil || !created || a.ID == 0 {
				t.Fatalf("first import = %v, %v (id %d); want created", created, err, a.ID)
			}
			again := &qalam.Author{Slug: "mhollis", Name: "Mara Hollis"}
			created, err = st.ImportWordPressAuthor(ctx, wpSite, 2, again, []string{"/author/mhollis/"})
			if err != nil || created || again.ID != a.ID {
				t.Fatalf("second import = %v, %v (id %d); want the author %d again", created, err, again.ID, a.ID)
			}
			id, err := st.WordPressObject(ctx, wpSite, store.WPAuthor, 2)
			if err != nil || id != a.ID {
				t.Errorf("WordPressObject() = %d, %v; want %d", id, err, a.ID)
			}
			got, err := st.MovedPath(ctx, "/author/MHollis")
			if want := (store.Moved{Kind: store.MovedAuthor, Slug: "mhollis"}); err != nil || got != want {
				t.Errorf("MovedPath() = %+v, %v; want %+v", got, err, want)
			}
		})
		t.Run("same slug and name is the same person", func(t *testing.T) {
			existing := storetest.Author(t, st, func(a *qalam.Author) { a.Name = "Dayo Adeyemi" })
			a := &qalam.Author{Slug: existing.Slug, Name: "Dayo Adeyemi"}
			created, err := st.ImportWordPressAuthor(ctx, wpSite, 3, a, nil)
			if err != nil || created || a.ID != existing.ID {
				t.Errorf("import = %v, %v (id %d); want the existing author %d", created, err, a.ID, existing.ID)
			}
		})
		t.Run("same slug, another name gets a numbered slug", func(t *testing.T) {
			existing := storetest.Author(t, st)
			a := &qalam.Author{Slug: existing.Slug, Name: "Felix Brennan"}
			created, err := st.ImportWordPressAuthor(ctx, wpSite, 5, a, nil)
			if err != nil || !created || a.ID == existing.ID || a.Slug != existing.Slug+"-2" {
				t.Errorf("import = %v, %v (id %d, slug %q); want a new author %s-2", created, err, a.ID, a.Slug, existing.Slug)
			}
		})
		t.Run("invalid author refused", func(t *testing.T) {
			_, err := st.ImportWordPressAuthor(ctx, wpSite, 9, &qalam.Author{Slug: "x"}, nil)
			wantKind(t, err, qalam.KindInvalid)
		})
	})
}

func TestStore_ImportWordPressTerms(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		parent := &qalam.Category{Slug: "local", Name: "Local"}
		if _, err := st.ImportWordPressCategory(ctx, wpSite, 2, 0, parent, []string{"/category/local/"}); err != nil {
			t.Fatal(err)
		}
		child := &qalam.Category{Slug: "schools", Name: "Schools"}
		created, err := st.ImportWordPressCategory(ctx, wpSite, 4, 2, child, []string{"/category/local/schools/", "/category/schools/"})
		if err != nil || !created {
			t.Fatalf("import child = %v, %v", created, err)
		}
		t.Run("second run finds it by its WordPress id", func(t *testing.T) {
			again := &qalam.Category{Slug: "schools", Name: "Schools"}
			created, err := st.ImportWordPressCategory(ctx, wpSite, 4, 2, again, []string{"/category/local/schools/"})
			if err != nil || created || again.ID != child.ID {
				t.Errorf("again = %v, %v (id %d), want %d", created, err, again.ID, child.ID)
			}
		})
		t.Run("both addresses of a child category lead to it", func(t *testing.T) {
			for _, p := range []string{"/category/local/schools", "/category/schools/"} {
				got, err := st.MovedPath(ctx, p)
				if want := (store.Moved{Kind: store.MovedCategory, Slug: "schools"}); err != nil || got != want {
					t.Errorf("MovedPath(%q) = %+v, %v; want %+v", p, got, err, want)
				}
			}
		})
		t.Run("same slug is the same category, named as it was", func(t *testing.T) {
			existing := storetest.Category(t, st, func(c *qalam.Category) { c.Name = "Culture" })
			c := &qalam.Category{Slug: existing.Slug, Name: "Arts and culture"}
			created, err := st.ImportWordPressCategory(ctx, wpSite, 6, 0, c, nil)
			if err != nil || created || c.ID != existing.ID || c.Name != "Culture" {
				t.Errorf("import = %v, %v, %+v; want the existing %+v", created, err, c, existing)
			}
		})
		t.Run("deleted since the last run: imported again", func(t *testing.T) {
			c := &qalam.Category{Slug: "weather", Name: "Weather"}
			if _, err := st.ImportWordPressCategory(ctx, wpSite, 8, 0, c, nil); err != nil {
				t.Fatal(err)
			}
			if err := st.DeleteCategory(ctx, c.ID, parent.ID); err != nil {
				t.Fatal(err)
			}
			again := &qalam.Category{Slug: "weather", Name: "Weather"}
			created, err := st.ImportWordPressCategory(ctx, wpSite, 8, 0, again, nil)
			if err != nil || !created || again.ID == c.ID {
				t.Errorf("import = %v, %v (id %d); want a new category", created, err, again.ID)
			}
		})
		t.Run("tags: Urdu slug, found again by id", func(t *testing.T) {
			tag := &qalam.Tag{Slug: "نیل-پور", Name: "نیل پور"}
			created, err := st.ImportWordPressTag(ctx, wpSite, 21, tag, []string{"/tag/%d9%86%db%8c%d9%84-%d9%be%d9%88%d8%b1/"})
			if err != nil || !created {
				t.Fatalf("import = %v, %v", created, err)
			}
			again := &qalam.Tag{Slug: "نیل-پور", Name: "نیل پور"}
			if created, err := st.ImportWordPressTag(ctx, wpSite, 21, again, nil); err != nil || created || again.ID != tag.ID {
				t.Errorf("again = %v, %v (id %d), want %d", created, err, again.ID, tag.ID)
			}
			// Upper-case escapes, as some browsers send them.
			got, err := st.MovedPath(ctx, "/tag/%D9%86%DB%8C%D9%84-%D9%BE%D9%88%D8%B1")
			if want := (store.Moved{Kind: store.MovedTag, Slug: "نیل-پور"}); err != nil || got != want {
				t.Errorf("MovedPath() = %+v, %v; want %+v", got, err, want)
			}
		})
	})
}

// wpPost is a published post with two comments, the second a reply.
func wpPost(_ *testing.T, categoryID, authorID int64, wpID int64, slug string) *store.WordPressPost {
	published := time.Date(2026, 2, 3, 7, 30, 0, 0, time.UTC)
	return &store.WordPressPost{
		Kind: store.WPPost, WPID: wpID, Sticky: true,
		Article: &qalam.Article{
			Slug: slug, Language: qalam.English, Label: qalam.News, Status: qalam.Published,
			Headline: "Ferry timetable changes", Body: "The first boat leaves at 06:10.",
			BodyHTML: "<p>The first boat leaves at 06:10.</p>", CategoryID: categoryID, AuthorIDs: []int64{authorID},
			CreatedAt: published, PublishedAt: published, EditedAt: published.Add(time.Hour),
		},
		Paths: []string{"/2026/02/03/" + slug + "/", "/" + slug},
		Comments: []*store.WordPressComment{
			{WPID: wpID*100 + 1, WPUserID: 6, Comment: &qalam.Comment{
				AuthorName: "Amelia Trent", AuthorEmail: "amelia@example.com", Body: "Finally!",
				BodyHTML: "<p>Finally!</p>", Status: qalam.Approved, IPHash: "hash-1", CreatedAt: published.Add(time.Hour)}},
			{WPID: wpID*100 + 2, WPParent: wpID*100 + 1, WPUserID: 6, Comment: &qalam.Comment{
				AuthorName: "Amelia Trent", AuthorEmail: "amelia@example.com", Body: "Still early.",
				BodyHTML: "<p>Still early.</p>", Status: qalam.Pending, CreatedAt: published.Add(2 * time.Hour)}},
		},
	}
}

func TestStore_ImportWordPressPosts(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		category := storetest.Category(t, st)
		author := storetest.Author(t, st)
		post := wpPost(t, category.ID, author.ID, 7, "port-alder-ferry")
		if err := st.ImportWordPressPosts(ctx, wpSite, []*store.WordPressPost{post}); err != nil {
			t.Fatal(err)
		}
		comments, err := st.FindComments(ctx, store.CommentFilter{ArticleID: post.Article.ID})
		if err != nil {
			t.Fatal(err)
		}

		t.Run("article stored with the post's dates", func(t *testing.T) {
			if post.Outcome != store.PostCreated || post.NewComments != 2 {
				t.Fatalf("outcome %v with %d comments, want created with 2", post.Outcome, post.NewComments)
			}
			got, err := st.Article(ctx, post.Article.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := post.Article
			if got.Slug != want.Slug || got.Status != qalam.Published || !got.PublishedAt.Equal(want.PublishedAt) ||
				!got.UpdatedAt.Equal(want.PublishedAt) || !got.EditedAt.Equal(want.EditedAt) || got.Updated() {
				t.Errorf("stored %+v\nwant the post's slug and dates, not marked updated", got)
			}
			revisions, err := st.FindRevisions(ctx, got.ID)
			if err != nil || len(revisions) != 1 || revisions[0].Note != "Imported from WordPress" {
				t.Errorf("revisions = %+v, %v; want the imported text", revisions, err)
			}
		})
		t.Run("found by search", func(t *testing.T) {
			found, total, err := st.Search(ctx, store.SearchQuery{Text: "ferry timetable"})
			if err != nil || total != 1 || found[0].Article.ID != post.Article.ID {
				t.Errorf("Search() = %d results, %v; want the imported article", total, err)
			}
		})
		t.Run("comments threaded, one registered commenter", func(t *testing.T) {
			if len(comments) != 2 {
				t.Fatalf("%d comments, want 2", len(comments))
			}
			first, reply := comments[0], comments[1]
			if reply.ParentID != first.ID || first.ParentID != 0 {
				t.Errorf("parents %d, %d; want 0, %d", first.ParentID, reply.ParentID, first.ID)
			}
			if first.CommenterID == 0 || reply.CommenterID != first.CommenterID {
				t.Errorf("commenters %d, %d; want one identity", first.CommenterID, reply.CommenterID)
			}
			if reply.Status != qalam.Pending || first.IPHash != "hash-1" || !first.CreatedAt.Equal(post.Article.PublishedAt.Add(time.Hour)) {
				t.Errorf("first %+v\nreply %+v", first, reply)
			}
		})
		t.Run("second run changes nothing", func(t *testing.T) {
			again := wpPost(t, category.ID, author.ID, 7, "port-alder-ferry")
			if err := st.ImportWordPressPosts(ctx, wpSite, []*store.WordPressPost{again}); err != nil {
				t.Fatal(err)
			}
			if again.Outcome != store.PostExisting || again.NewComments != 0 || again.Article.ID != post.Article.ID {
				t.Errorf("outcome %v, %d new comments, id %d; want existing %d, none new", again.Outcome, again.NewComments, again.Article.ID, post.Article.ID)
			}
			after, err := st.FindComments(ctx, store.CommentFilter{ArticleID: post.Article.ID})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(after, comments) {
				t.Errorf("comments changed:\n%+v\nwant\n%+v", after, comments)
			}
		})
		t.Run("a newer export adds only the new reply, threaded", func(t *testing.T) {
			newer := wpPost(t, category.ID, author.ID, 7, "port-alder-ferry")
			newer.Comments = append(newer.Comments, &store.WordPressComment{WPID: 703, WPParent: 702, Comment: &qalam.Comment{
				AuthorName: "Mara Hollis", Body: "Yes.", BodyHTML: "<p>Yes.</p>", Status: qalam.Approved}})
			if err := st.ImportWordPressPosts(ctx, wpSite, []*store.WordPressPost{newer}); err != nil {
				t.Fatal(err)
			}
			if newer.NewComments != 1 || newer.Comments[2].Comment.ParentID != comments[1].ID {
				t.Errorf("%d new, parent %d; want 1 replying to %d", newer.NewComments, newer.Comments[2].Comment.ParentID, comments[1].ID)
			}
		})
		t.Run("old addresses lead to the article while it is published", func(t *testing.T) {
			for _, p := range []string{"/2026/02/03/port-alder-ferry", "/Port-Alder-Ferry/"} {
				got, err := st.MovedPath(ctx, p)
				if want := (store.Moved{Kind: store.MovedArticle, Slug: "port-alder-ferry"}); err != nil || got != want {
					t.Errorf("MovedPath(%q) = %+v, %v; want %+v", p, got, err, want)
				}
			}
			got, err := st.MovedID(ctx, 7, store.WPPage, store.WPPost)
			if want := (store.Moved{Kind: store.MovedArticle, Slug: "port-alder-ferry"}); err != nil || got != want {
				t.Errorf("MovedID() = %+v, %v; want %+v", got, err, want)
			}
			unpublished := qalam.Unpublished
			if _, err := st.UpdateArticle(ctx, post.Article.ID, store.ArticleUpdate{Status: &unpublished}); err != nil {
				t.Fatal(err)
			}
			_, err = st.MovedPath(ctx, "/port-alder-ferry")
			wantKind(t, err, qalam.KindNotFound)
			_, err = st.MovedID(ctx, 7, store.WPPost)
			wantKind(t, err, qalam.KindNotFound)
		})
		t.Run("unknown addresses and ids not found", func(t *testing.T) {
			_, err := st.MovedPath(ctx, "/2026/02/03/never-written/")
			wantKind(t, err, qalam.KindNotFound)
			_, err = st.MovedID(ctx, 7, store.WPPage)
			wantKind(t, err, qalam.KindNotFound)
		})
		t.Run("slug in use gets a number; the first claim to a path stays", func(t *testing.T) {
			taken := storetest.Article(t, st)
			p := wpPost(t, category.ID, author.ID, 8, taken.Slug)
			p.Paths = []string{"/port-alder-ferry/"}
			if err := st.ImportWordPressPosts(ctx, wpSite, []*store.WordPressPost{p}); err != nil {
				t.Fatal(err)
			}
			if p.Outcome != store.PostCreated || p.Article.Slug != taken.Slug+"-2" {
				t.Errorf("outcome %v, slug %q; want created as %s-2", p.Outcome, p.Article.Slug, taken.Slug)
			}
			inUse, err := st.ArticleSlugsInUse(ctx, []string{taken.Slug, taken.Slug + "-2", "free-slug"})
			if want := map[string]bool{taken.Slug: true, taken.Slug + "-2": true}; err != nil || !reflect.DeepEqual(inUse, want) {
				t.Errorf("ArticleSlugsInUse() = %v, %v; want %v", inUse, err, want)
			}
			slugs, err := st.WordPressArticleSlugs(ctx, wpSite)
			if want := map[int64]string{7: "port-alder-ferry", 8: taken.Slug + "-2"}; err != nil || !reflect.DeepEqual(slugs, want) {
				t.Errorf("WordPressArticleSlugs() = %v, %v; want %v", slugs, err, want)
			}
		})
		t.Run("deleted in Qalam since: the deletion stands", func(t *testing.T) {
			p := wpPost(t, category.ID, author.ID, 9, "bus-route-14")
			if err := st.ImportWordPressPosts(ctx, wpSite, []*store.WordPressPost{p}); err != nil {
				t.Fatal(err)
			}
			if err := st.DeleteArticle(ctx, p.Article.ID); err != nil {
				t.Fatal(err)
			}
			again := wpPost(t, category.ID, author.ID, 9, "bus-route-14")
			if err := st.ImportWordPressPosts(ctx, wpSite, []*store.WordPressPost{again}); err != nil {
				t.Fatal(err)
			}
			if again.Outcome != store.PostDeleted {
				t.Errorf("outcome %v, want deleted", again.Outcome)
			}
			if _, err := st.ArticleBySlug(ctx, "bus-route-14"); !errors.Is(err, qalam.ErrNotFound) {
				t.Errorf("ArticleBySlug() error = %v, want not found", err)
			}
		})
		t.Run("one invalid post stores none of the batch", func(t *testing.T) {
			good := wpPost(t, category.ID, author.ID, 10, "good-post")
			bad := wpPost(t, category.ID, author.ID, 11, "bad-post")
			bad.Article.CategoryID = 1_000_000
			err := st.ImportWordPressPosts(ctx, wpSite, []*store.WordPressPost{good, bad})
			wantKind(t, err, qalam.KindInvalid)
			if _, err := st.WordPressObject(ctx, wpSite, store.WPPost, 10); !errors.Is(err, qalam.ErrNotFound) {
				t.Errorf("the good post of the failed batch was recorded: %v", err)
			}
		})
	})
}

func TestStore_ImportWordPressMedia(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		m := &qalam.Media{Name: "0123456789abcdef0123456789abcdef.jpg", ContentType: "image/jpeg", Width: 800, Height: 500,
			Bytes: 2000, Alt: "Mudflats at dawn", Caption: "Dawn over Kestrel Bay"}
		created, err := st.ImportWordPressMedia(ctx, wpSite, 47, m, []string{"/wp-content/uploads/2026/03/estuary-first-light.jpg"})
		if err != nil || !created || m.ID == 0 {
			t.Fatalf("import = %v, %v", created, err)
		}
		again := &qalam.Media{Name: "fedcba9876543210fedcba9876543210.jpg", ContentType: "image/jpeg", Width: 800, Height: 500, Alt: "x"}
		created, err = st.ImportWordPressMedia(ctx, wpSite, 47, again, nil)
		if err != nil || created || !reflect.DeepEqual(again, m) {
			t.Errorf("again = %v, %v, %+v; want the first %+v", created, err, again, m)
		}
		got, err := st.MovedPath(ctx, "/wp-content/uploads/2026/03/estuary-first-light.jpg")
		if want := (store.Moved{Kind: store.MovedMedia, Slug: m.Name}); err != nil || got != want {
			t.Errorf("MovedPath() = %+v, %v; want %+v", got, err, want)
		}
		got, err = st.MovedID(ctx, 47, store.WPPost, store.WPAttachment)
		if want := (store.Moved{Kind: store.MovedMedia, Slug: m.Name}); err != nil || got != want {
			t.Errorf("MovedID() = %+v, %v; want %+v", got, err, want)
		}
	})
}
