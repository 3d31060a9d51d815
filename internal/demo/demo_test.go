package demo_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/demo"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
)

// now is an arbitrary seeding time.
var now = time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)

// site is what a seeded database holds, read back through the store.
type site struct {
	articles   []*qalam.Article
	comments   map[int64][]*qalam.Comment // by article ID, oldest first
	authors    []*qalam.Author
	categories []*qalam.Category
}

func read(t *testing.T, st *store.Store) site {
	t.Helper()
	ctx := context.Background()
	list, total, err := st.FindArticles(ctx, store.ArticleFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if total != len(list) {
		t.Fatalf("FindArticles: %d listed, total %d", len(list), total)
	}
	s := site{comments: map[int64][]*qalam.Comment{}}
	for _, a := range list {
		full, err := st.Article(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		s.articles = append(s.articles, full)
		cs, err := st.FindComments(ctx, store.CommentFilter{ArticleID: a.ID})
		if err != nil {
			t.Fatal(err)
		}
		s.comments[a.ID] = cs
	}
	if s.authors, err = st.FindAuthors(ctx); err != nil {
		t.Fatal(err)
	}
	if s.categories, err = st.FindCategories(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s site) commentCount() int {
	n := 0
	for _, cs := range s.comments {
		n += len(cs)
	}
	return n
}

func TestSeed(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	seeded, err := demo.Seed(ctx, st, now)
	if err != nil {
		t.Fatal(err)
	}
	if !seeded {
		t.Fatal("Seed on an empty database: seeded = false")
	}
	s := read(t, st)
	checkArticles(t, s)
	checkComments(t, st, s)

	// A second run finds the articles and adds nothing.
	seeded, err = demo.Seed(ctx, st, now.Add(48*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if seeded {
		t.Error("second Seed: seeded = true")
	}
	again := read(t, st)
	if len(again.articles) != len(s.articles) || again.commentCount() != s.commentCount() ||
		len(again.authors) != len(s.authors) || len(again.categories) != len(s.categories) {
		t.Errorf("second Seed changed the data: %d/%d articles, %d/%d comments, %d/%d authors, %d/%d categories",
			len(again.articles), len(s.articles), again.commentCount(), s.commentCount(),
			len(again.authors), len(s.authors), len(again.categories), len(s.categories))
	}
}

func checkArticles(t *testing.T, s site) {
	t.Helper()
	if len(s.authors) != 3 {
		t.Errorf("%d authors, want 3", len(s.authors))
	}
	for _, a := range s.authors {
		if n := strings.Count(a.Bio, ".") + strings.Count(a.Bio, "۔"); n < 2 || n > 3 {
			t.Errorf("author %s: bio %q, want 2-3 sentences", a.Slug, a.Bio)
		}
	}
	if len(s.categories) != 3 {
		t.Errorf("%d categories, want 3", len(s.categories))
	}
	if len(s.articles) < 14 {
		t.Errorf("%d articles, want at least 14", len(s.articles))
	}
	var urdu, notes, updated, multiAuthor int
	labels := map[qalam.Label]int{}
	categories := map[int64]int{}
	tagUses := map[string]int{}
	latin := regexp.MustCompile(`[A-Za-z]`)
	for _, a := range s.articles {
		if a.Status != qalam.Published {
			t.Errorf("%s: status %s", a.Slug, a.Status)
		}
		labels[a.Label]++
		categories[a.CategoryID]++
		if a.Language == qalam.Urdu {
			urdu++
			for _, text := range append([]string{a.Headline, a.Standfirst}, tagNames(a)...) {
				if latin.MatchString(text) {
					t.Errorf("%s: Urdu article with Latin text %q", a.Slug, text)
				}
			}
		}
		if !regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`).MatchString(a.Slug) {
			t.Errorf("slug %q is not ASCII", a.Slug)
		}
		if a.Standfirst == "" {
			t.Errorf("%s: no standfirst", a.Slug)
		}
		if !strings.Contains(a.BodyHTML, "<h2") || !strings.Contains(a.BodyHTML, "https://example.org/") {
			t.Errorf("%s: body HTML lacks a subheading or an example.org link", a.Slug)
		}
		if (a.EditorNote == "") != (a.EditorNoteHTML == "") {
			t.Errorf("%s: editor's note %q rendered as %q", a.Slug, a.EditorNote, a.EditorNoteHTML)
		}
		if a.EditorNote != "" {
			notes++
		}
		if n := len(a.Tags); n < 1 || n > 4 {
			t.Errorf("%s: %d tags", a.Slug, n)
		}
		for _, tag := range a.Tags {
			tagUses[tag.Name]++
		}
		if len(a.Authors) > 1 {
			multiAuthor++
		}
		if a.Updated() {
			updated++
		}
		if !a.PublishedAt.Before(now) || a.PublishedAt.Before(now.Add(-31*24*time.Hour)) {
			t.Errorf("%s: published %v, want within 31 days before %v", a.Slug, a.PublishedAt, now)
		}
		if a.CreatedAt.After(a.PublishedAt) || a.UpdatedAt.Before(a.PublishedAt) || !a.UpdatedAt.Before(now) {
			t.Errorf("%s: created %v, published %v, updated %v", a.Slug, a.CreatedAt, a.PublishedAt, a.UpdatedAt)
		}
		checkDomains(t, a.Slug, a.Body, a.EditorNote)
	}
	if urdu < 3 {
		t.Errorf("%d Urdu articles, want at least 3", urdu)
	}
	for _, l := range []qalam.Label{qalam.News, qalam.Opinion, qalam.Analysis} {
		if labels[l] == 0 {
			t.Errorf("no %s article", l)
		}
	}
	for _, c := range s.categories {
		if categories[c.ID] == 0 {
			t.Errorf("category %s has no article", c.Slug)
		}
	}
	if notes < 4 {
		t.Errorf("%d editor's notes, want at least 4", notes)
	}
	if updated < 2 {
		t.Errorf("%d updated articles, want at least 2", updated)
	}
	if multiAuthor < 1 {
		t.Error("no article with two authors")
	}
	shared := 0
	for _, n := range tagUses {
		if n > 1 {
			shared++
		}
	}
	if shared < 3 {
		t.Errorf("%d tags shared between articles, want at least 3", shared)
	}
}

func tagNames(a *qalam.Article) []string {
	var names []string
	for _, t := range a.Tags {
		names = append(names, t.Name)
	}
	return names
}

func checkComments(t *testing.T, st *store.Store, s site) {
	t.Helper()
	statuses := map[qalam.CommentStatus]int{}
	keys := map[string]bool{}
	var withComments, deepThreads, closedWithComments, big, links, emphasis, websites int
	for _, a := range s.articles {
		cs := s.comments[a.ID]
		if len(cs) > 0 {
			withComments++
		}
		if len(cs) >= 15 {
			big++
		}
		byID := map[int64]*qalam.Comment{}
		depth := map[int64]int{}
		approved := 0
		for _, c := range cs {
			statuses[c.Status]++
			if c.Status == qalam.Approved {
				approved++
			}
			if keys[c.IdempotencyKey] {
				t.Errorf("idempotency key %q used twice", c.IdempotencyKey)
			}
			keys[c.IdempotencyKey] = true
			if c.BodyHTML == "" {
				t.Errorf("comment %d: no HTML", c.ID)
			}
			if c.Status == qalam.Approved && strings.Contains(c.BodyHTML, "<a ") {
				links++
			}
			if strings.Contains(c.BodyHTML, "<em>") {
				emphasis++
			}
			if c.AuthorURL != "" {
				websites++
			}
			if !c.CreatedAt.After(a.PublishedAt) || c.CreatedAt.After(now) {
				t.Errorf("comment %d on %s: written %v, published %v", c.ID, a.Slug, c.CreatedAt, a.PublishedAt)
			}
			if c.ParentID != 0 {
				p, ok := byID[c.ParentID]
				switch {
				case !ok:
					t.Errorf("comment %d: parent %d is not an earlier comment on %s", c.ID, c.ParentID, a.Slug)
				case !c.CreatedAt.After(p.CreatedAt):
					t.Errorf("comment %d: written before its parent", c.ID)
				case p.Status != qalam.Approved:
					t.Errorf("comment %d replies to a %s comment", c.ID, p.Status)
				default:
					depth[c.ID] = depth[p.ID] + 1
					if depth[c.ID] == 2 {
						deepThreads++
					}
				}
			}
			byID[c.ID] = c
			if c.CommenterID != 0 {
				t.Errorf("comment %d: commenter %d", c.ID, c.CommenterID)
			}
			if !strings.Contains(c.AuthorEmail, "@") {
				t.Errorf("comment %d: email %q", c.ID, c.AuthorEmail)
			}
			checkDomains(t, c.IdempotencyKey, c.Body, c.AuthorEmail, c.AuthorURL)
		}
		if a.CommentCount != approved {
			t.Errorf("%s: comment count %d, want %d approved", a.Slug, a.CommentCount, approved)
		}
		if a.CommentsClosed && approved > 0 {
			closedWithComments++
		}
		// Readers see the approved comments only.
		status := qalam.Approved
		public, err := st.FindComments(context.Background(), store.CommentFilter{ArticleID: a.ID, Status: &status})
		if err != nil {
			t.Fatal(err)
		}
		if len(public) != approved {
			t.Errorf("%s: %d public comments, want the %d approved", a.Slug, len(public), approved)
		}
	}
	total := s.commentCount()
	if total < 70 {
		t.Errorf("%d comments, want at least 70", total)
	}
	if statuses[qalam.Approved] < 60 {
		t.Errorf("%d approved comments, want at least 60", statuses[qalam.Approved])
	}
	if statuses[qalam.Pending] != 3 || statuses[qalam.Spam] != 1 {
		t.Errorf("%d pending and %d spam comments, want 3 and 1", statuses[qalam.Pending], statuses[qalam.Spam])
	}
	if withComments < len(s.articles)*2/3 {
		t.Errorf("comments on %d of %d articles, want most", withComments, len(s.articles))
	}
	if deepThreads < 2 {
		t.Errorf("%d threads three levels deep, want at least 2", deepThreads)
	}
	if big < 1 {
		t.Error("no article with 15 or more comments")
	}
	if links < 2 || emphasis < 2 || websites < 3 {
		t.Errorf("%d approved comments with links, %d with emphasis, %d with websites; want 2, 2 and 3", links, emphasis, websites)
	}
	if closedWithComments < 1 {
		t.Error("no closed discussion with comments")
	}
}

var (
	urlPattern   = regexp.MustCompile(`(?i)\b[a-z][a-z0-9+.-]*://[^\s<>()\[\]"']+`)
	emailPattern = regexp.MustCompile(`(?i)[a-z0-9._%+-]+@([a-z0-9-]+(?:\.[a-z0-9-]+)+)`)
	// hostPattern finds what is left that looks like a domain name.
	hostPattern = regexp.MustCompile(`(?i)\b(?:[a-z0-9-]+\.)+(?:com|org|net|edu|gov|info|biz|io|co|pk|uk|in|us|me|tv|news)\b`)
)

// checkDomains reports any web address, email address or domain name in
// texts other than example.org, example.com and example.net (or their
// subdomains): the demo must not point at anyone real.
func checkDomains(t *testing.T, where string, texts ...string) {
	t.Helper()
	for _, text := range texts {
		if bad := foreignDomains(text); len(bad) > 0 {
			t.Errorf("%s: %q names %q", where, text, bad)
		}
	}
}

// foreignDomains lists the hosts named in text that are not example domains.
func foreignDomains(text string) []string {
	var hosts, bad []string
	rest := urlPattern.ReplaceAllStringFunc(text, func(m string) string {
		u, err := url.Parse(m)
		if err != nil || u.Hostname() == "" {
			bad = append(bad, m)
		} else {
			hosts = append(hosts, u.Hostname())
		}
		return " "
	})
	rest = emailPattern.ReplaceAllStringFunc(rest, func(m string) string {
		hosts = append(hosts, emailPattern.FindStringSubmatch(m)[1])
		return " "
	})
	hosts = append(hosts, hostPattern.FindAllString(rest, -1)...)
	for _, h := range hosts {
		if !exampleDomain(h) {
			bad = append(bad, h)
		}
	}
	return bad
}

func exampleDomain(host string) bool {
	host = strings.ToLower(host)
	for _, d := range []string{"example.org", "example.com", "example.net"} {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

func TestForeignDomains(t *testing.T) {
	for _, text := range []string{
		"see https://news.example.co.uk/x",
		"write to someone@gmail.com",
		"visit www.somewhere.pk today",
		"[link](http://evil.test/page)",
		"mail me at a@example.org.evil.net",
	} {
		if len(foreignDomains(text)) == 0 {
			t.Errorf("foreignDomains(%q) found nothing", text)
		}
	}
	for _, text := range []string{
		"[a link](https://example.org/series/water), mail a@example.com, or www.example.net",
		"at 7 p.m. on No. 2, e.g. here. Mr. Jatoi said so.",
		"شکایتی صفحے](https://example.org/riverside/drains) پر",
	} {
		if bad := foreignDomains(text); len(bad) > 0 {
			t.Errorf("foreignDomains(%q) = %q", text, bad)
		}
	}
}

// TestSeedReusesAuthors: a database with staff-made authors but no articles
// is seeded, and an author with a demo slug is reused, not duplicated.
func TestSeedReusesAuthors(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	if err := st.CreateAuthor(ctx, &qalam.Author{Slug: "sana-mirza", Name: "Sana Mirza"}); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateCategory(ctx, &qalam.Category{Slug: "local", Name: "Local"}); err != nil {
		t.Fatal(err)
	}
	seeded, err := demo.Seed(ctx, st, now)
	if err != nil || !seeded {
		t.Fatalf("Seed = %v, %v", seeded, err)
	}
	s := read(t, st)
	if len(s.authors) != 3 || len(s.categories) != 3 {
		t.Errorf("%d authors and %d categories, want 3 and 3", len(s.authors), len(s.categories))
	}
}

// TestSeedLeavesAPublicationAlone: one article, even a draft, means the
// database is in use, and Seed writes nothing.
func TestSeedLeavesAPublicationAlone(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	storetest.Article(t, st, func(a *qalam.Article) { a.Status = qalam.Draft })
	before := read(t, st)
	seeded, err := demo.Seed(ctx, st, now)
	if err != nil || seeded {
		t.Fatalf("Seed = %v, %v; want false, nil", seeded, err)
	}
	after := read(t, st)
	if len(after.articles) != 1 || len(after.authors) != len(before.authors) || len(after.categories) != len(before.categories) {
		t.Errorf("Seed wrote to a database in use: %d articles, %d authors, %d categories",
			len(after.articles), len(after.authors), len(after.categories))
	}
}
