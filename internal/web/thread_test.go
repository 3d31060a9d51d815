package web_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/markup"
	"github.com/qalamnews/qalam/internal/view"
	"github.com/qalamnews/qalam/internal/web"
)

// addThreads stores n top-level comments on the article, oldest first,
// each with size-1 replies: the first answers the top-level comment, the
// second answers the first, the rest answer the top-level comment. It
// returns the top-level comments and every comment by ID.
func (f *fixture) addThreads(a *qalam.Article, n, size int) (roots []*qalam.Comment, all map[int64]*qalam.Comment) {
	f.t.Helper()
	var batch []*qalam.Comment
	for i := range n {
		var thread []*qalam.Comment
		for j := range size {
			body := fmt.Sprintf("Thread %d, comment %d, about the Nurpur supply.", i, j)
			c := &qalam.Comment{ArticleID: a.ID, AuthorName: fmt.Sprintf("Reader %d-%d", i, j), AuthorEmail: "reader@example.org",
				Body: body, BodyHTML: markup.Comment(body), Status: qalam.Approved, IdempotencyKey: fmt.Sprintf("threads-%d", fixtureKeys.Add(1))}
			switch j {
			case 0:
			case 2:
				thread[1].Replies = append(thread[1].Replies, c)
			default:
				thread[0].Replies = append(thread[0].Replies, c)
			}
			thread = append(thread, c)
		}
		roots = append(roots, thread[0])
		batch = append(batch, thread...)
	}
	must(f.t, f.st.CreateComments(context.Background(), batch))
	all = map[int64]*qalam.Comment{}
	for _, c := range batch {
		all[c.ID] = c
	}
	return roots, all
}

// commentID reads the ID of a comment element ("comment-12").
func commentID(n *html.Node) int64 {
	id, _ := strconv.ParseInt(strings.TrimPrefix(attr(n, "id"), "comment-"), 10, 64)
	return id
}

// topLevel returns the IDs of the comments directly in a list of threads.
func topLevel(list *html.Node) []int64 {
	var ids []int64
	if list == nil {
		return nil
	}
	for li := list.FirstChild; li != nil; li = li.NextSibling {
		if li.Type != html.ElementNode || li.Data != "li" {
			continue
		}
		for c := li.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && c.Data == "article" {
				ids = append(ids, commentID(c))
			}
		}
	}
	return ids
}

// checkNesting checks that every comment in n is shown under the comment it
// answers (in the list item of its parent), and returns the IDs shown.
func checkNesting(t *testing.T, n *html.Node, all map[int64]*qalam.Comment) []int64 {
	t.Helper()
	var shown []int64
	for _, el := range findAll(n, byClass("comment")) {
		id := commentID(el)
		shown = append(shown, id)
		c := all[id]
		if c == nil {
			t.Fatalf("comment %d shown, not stored", id)
		}
		// The list item holding this comment's list item.
		var under int64
		for p := el.Parent.Parent; p != nil; p = p.Parent {
			if p.Data == "li" {
				if a := find(p, byClass("comment")); a != nil {
					under = commentID(a)
				}
				break
			}
		}
		if under != c.ParentID {
			t.Errorf("comment %d is shown under %d, want under %d", id, under, c.ParentID)
		}
	}
	return shown
}

func threadList(doc *html.Node) *html.Node { return find(doc, byClass("thread")) }

func moreLink(doc *html.Node) *html.Node {
	return find(find(doc, byClass("thread-more")), byClass("more-link"))
}

func TestThread_ReaderPagesThroughALongDiscussion(t *testing.T) {
	f := newFixture(t)
	r := f.newReader()
	// 100 threads of 5: whole threads up to 200 comments make a part.
	roots, all := f.addThreads(f.article, 100, 5)
	path := view.ArticlePath(f.article.Slug)
	perPart := qalam.PartComments / 5

	page := r.get(path)
	if got, want := topLevel(threadList(page.doc)), rootIDs(roots[:perPart]); !slices.Equal(got, want) {
		t.Fatalf("first part's threads = %v, want the first %d: %v", got, perPart, want)
	}
	if find(page.doc, byClass("thread-first")) != nil {
		t.Error("the first part links to the first part")
	}
	seen := checkNesting(t, threadList(page.doc), all)

	// Without the script: page after page, by the "Show more" link.
	pages := 1
	for more := moreLink(page.doc); more != nil; more = moreLink(page.doc) {
		href := attr(more, "href")
		if !strings.HasPrefix(href, path+"?after=") || !strings.HasSuffix(href, "#comments") {
			t.Fatalf("more link = %q", href)
		}
		page = r.get(strings.TrimSuffix(href, "#comments"))
		if page.status != 200 {
			t.Fatalf("GET %s = %d", href, page.status)
		}
		if first := find(find(page.doc, byClass("thread-first")), func(n *html.Node) bool { return n.Data == "a" }); first == nil || attr(first, "href") != path+"#comments" {
			t.Errorf("part %d has no link back to the first part", pages+1)
		}
		seen = append(seen, checkNesting(t, threadList(page.doc), all)...)
		pages++
	}
	if pages != 3 {
		t.Errorf("%d parts, want 3", pages)
	}
	slices.Sort(seen)
	if len(seen) != len(all) || len(slices.Compact(seen)) != len(all) {
		t.Errorf("the parts show %d comments (%d distinct), want each of %d once", len(seen), len(slices.Compact(seen)), len(all))
	}
}

func TestThread_ScriptAppendsTheSameParts(t *testing.T) {
	f := newFixture(t)
	r := f.newReader()
	_, all := f.addThreads(f.article, 100, 5)
	path := view.ArticlePath(f.article.Slug)
	first := r.get(path)
	asPage := r.get(strings.TrimSuffix(attr(moreLink(first.doc), "href"), "#comments"))
	fragment := r.get(attr(moreLink(first.doc), "data-part"))
	if fragment.status != 200 || !strings.HasPrefix(fragment.header.Get("Content-Type"), "text/html") {
		t.Fatalf("fragment: %d %s", fragment.status, fragment.header.Get("Content-Type"))
	}
	if fragment.header.Get("X-Robots-Tag") != "noindex" {
		t.Error("the fragment may be indexed")
	}
	if strings.Contains(fragment.body, "<html") || strings.Contains(fragment.body, "comment-form") {
		t.Error("the fragment is a whole page")
	}
	list := find(fragment.doc, byClass("comments"))
	if got, want := topLevel(list), topLevel(threadList(asPage.doc)); len(got) == 0 || !slices.Equal(got, want) {
		t.Errorf("fragment's threads = %v, want the page's %v", got, want)
	}
	checkNesting(t, list, all)
	if got, want := attr(moreLink(fragment.doc), "data-part"), attr(moreLink(asPage.doc), "data-part"); got == "" || got != want {
		t.Errorf("fragment's next part = %q, want %q", got, want)
	}
}

func rootIDs(cs []*qalam.Comment) []int64 {
	ids := make([]int64, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	return ids
}

func TestThread_SortControl(t *testing.T) {
	f := newFixture(t)
	roots, all := f.addThreads(f.article, 40, 3) // one part
	path := view.ArticlePath(f.article.Slug)
	// Readers recommend three threads' top comments, and a reply (which
	// does not lift its thread).
	recommends := map[int64]int{roots[7].ID: 3, roots[30].ID: 2, roots[35].ID: 2, roots[0].Replies[0].ID: 5}
	for id, n := range recommends {
		for i := range n {
			if _, _, err := f.st.RecommendComment(context.Background(), id, fmt.Sprintf("r:%d", i)); err != nil {
				t.Fatal(err)
			}
		}
	}
	newest := slices.Clone(roots)
	slices.Reverse(newest)
	tests := []struct {
		sort, query string
		wantFirst   []int64
		current     string
	}{
		{"oldest", "", rootIDs(roots[:3]), "Oldest"},
		{"newest", "?sort=newest", rootIDs(newest[:3]), "Newest"},
		{"most recommended", "?sort=top", []int64{roots[7].ID, roots[30].ID, roots[35].ID, roots[0].ID, roots[1].ID}, "Most recommended"},
		{"unknown is the default", "?sort=loudest", rootIDs(roots[:3]), "Oldest"},
	}
	for _, tt := range tests {
		t.Run(tt.sort, func(t *testing.T) {
			page := f.newReader().get(path + tt.query)
			got := topLevel(threadList(page.doc))
			if len(got) < len(tt.wantFirst) || !slices.Equal(got[:len(tt.wantFirst)], tt.wantFirst) {
				t.Errorf("threads begin %v, want %v", got[:min(len(got), 6)], tt.wantFirst)
			}
			checkNesting(t, threadList(page.doc), all)
			current := find(find(page.doc, byClass("thread-sort")), func(n *html.Node) bool { return attr(n, "aria-current") == "true" })
			if text(current) != tt.current {
				t.Errorf("current sort = %q, want %q", text(current), tt.current)
			}
			// Replies stay oldest first within their thread.
			var replies []int64
			for _, el := range findAll(find(page.doc, byID(roots[0].Anchor())).Parent, byClass("comment"))[1:] {
				replies = append(replies, commentID(el))
			}
			if !slices.IsSorted(replies) {
				t.Errorf("replies of the first thread in order %v", replies)
			}
			if n := find(find(page.doc, byID(roots[7].Anchor())), byClass("recommend-count")); text(n) != "3" {
				t.Errorf("count shown = %q, want 3", text(n))
			}
		})
	}
	// The control's links lead to those orders.
	page := f.newReader().get(path)
	var hrefs []string
	for _, a := range findAll(find(page.doc, byClass("thread-sort")), func(n *html.Node) bool { return n.Data == "a" }) {
		hrefs = append(hrefs, attr(a, "href"))
	}
	if want := []string{path + "#comments", path + "?sort=newest#comments", path + "?sort=top#comments"}; !slices.Equal(hrefs, want) {
		t.Errorf("sort links = %v, want %v", hrefs, want)
	}
}

func TestThread_LinkToACommentLandsOnItsPart(t *testing.T) {
	f := newFixture(t)
	roots, _ := f.addThreads(f.article, 100, 5)
	path := view.ArticlePath(f.article.Slug)
	deep := roots[90].Replies[0].Replies[0] // a reply to a reply, in the last part
	early := roots[2].Replies[1]

	r := f.newReader()
	for _, c := range []*qalam.Comment{deep, early} {
		got := r.get(path + "/comments/" + itoa(c.ID))
		want := path + "?comment=" + itoa(c.ID) + "#" + c.Anchor()
		if got.status != 303 || got.header.Get("Location") != want {
			t.Fatalf("permalink = %d %q, want 303 %q", got.status, got.header.Get("Location"), want)
		}
		page := r.get(strings.TrimSuffix(want, "#"+c.Anchor()))
		if find(page.doc, byID(c.Anchor())) == nil {
			t.Errorf("the page of comment %d does not show it", c.ID)
		}
		if later := c == deep; (find(page.doc, byClass("thread-first")) != nil) != later {
			t.Errorf("comment %d: link to the first part shown = %v, want %v", c.ID, !later, later)
		}
	}

	// A comment no longer public leads to the discussion.
	if _, err := f.st.SetCommentStatus(context.Background(), deep.ID, qalam.Deleted); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool {
		got := r.get(path + "/comments/" + itoa(deep.ID))
		return got.status == 303 && got.header.Get("Location") == path+"#comments"
	})
	if got := r.get("/articles/no-such-story/comments/1"); got.status != 404 {
		t.Errorf("permalink on an unknown article = %d, want 404", got.status)
	}
}

func TestThread_PostedCommentLandsOnItsPart(t *testing.T) {
	f := newFixture(t)
	f.addThreads(f.article, 100, 5)
	path := view.ArticlePath(f.article.Slug)
	r := f.newReader()

	// A first comment is held: the reader is sent to see it, alone, at the
	// end of the discussion.
	got := r.post(path+"/comments", r.commentForm(f.article, "Held, and at the very end."))
	held := latestComment(t, f, f.article)
	page := r.get(strings.Split(got.header.Get("Location"), "#")[0])
	if n := find(page.doc, byID(held.Anchor())); n == nil || !strings.Contains(text(n), "Awaiting moderation") {
		t.Fatal("the held comment is not on the page the reader is sent to")
	}
	if find(page.doc, byClass("thread-first")) == nil {
		t.Error("the held comment's part is shown as the first")
	}
	// Approved, the reader becomes trusted: the next comment is published
	// and the reader lands on it too.
	if _, err := f.st.SetCommentStatus(context.Background(), held.ID, qalam.Approved); err != nil {
		t.Fatal(err)
	}
	got = r.post(path+"/comments", r.commentForm(f.article, "Published, and at the very end."))
	published := latestComment(t, f, f.article)
	if published.Status != qalam.Approved {
		t.Fatalf("second comment is %s", published.Status)
	}
	page = f.newReader().get(strings.Split(got.header.Get("Location"), "#")[0])
	if find(page.doc, byID(published.Anchor())) == nil {
		t.Errorf("the published comment is not on the page at %s", got.header.Get("Location"))
	}
}

func TestThread_ShortDiscussionHasNoParts(t *testing.T) {
	f := newFixture(t)
	c := f.addComment(f.article, 0, "Kamran Ali", "Only one.", qalam.Approved)
	page := f.newReader().get(view.ArticlePath(f.article.Slug))
	if got := topLevel(threadList(page.doc)); !slices.Equal(got, []int64{c.ID}) {
		t.Errorf("threads = %v", got)
	}
	if moreLink(page.doc) != nil || find(page.doc, byClass("thread-first")) != nil {
		t.Error("a one-part discussion links to other parts")
	}
	if got := attr(threadList(page.doc), "data-after"); got != itoa(c.ID) {
		t.Errorf("data-after = %q, want %d", got, c.ID)
	}
	empty := f.newReader().get(view.ArticlePath(f.urdu.Slug))
	if find(empty.doc, byClass("thread-sort")) != nil || find(empty.doc, byClass("empty")) == nil {
		t.Error("an empty discussion shows a sort control, or no invitation")
	}
}

func TestThread_FragmentOfAnUnknownArticleIsNotFound(t *testing.T) {
	f := newFixture(t)
	q := url.Values{"after": {"5"}}
	if got := f.newReader().get("/articles/no-such-story/comments/part?" + q.Encode()); got.status != 404 {
		t.Errorf("status %d, want 404", got.status)
	}
}

// The page most readers get is rendered once per change to the discussion:
// neither another order nor a recommendation renders it again.
func TestThread_CachedPageOutlivesRecommendations(t *testing.T) {
	f := newFixture(t)
	roots, _ := f.addThreads(f.article, 10, 2)
	path := view.ArticlePath(f.article.Slug)
	r := f.newReader()
	// The comments' own change may reach the cache after a first view (on
	// PostgreSQL the feed is asynchronous): wait for a copy that stays.
	var cached any
	waitFor(t, func() bool {
		r.get(path)
		now := web.CachedPage(f.site, f.article.Slug, qalam.SortOldest)
		stable := now != nil && now == cached
		cached = now
		return stable
	})
	got := r.postJSON(path + "/comments/" + itoa(roots[3].ID) + "/recommend")
	if !strings.Contains(got.body, `"count":1`) {
		t.Fatalf("recommend = %d %s", got.status, got.body)
	}
	// The change feed delivers the change; the next page shows the count
	// from the same cached rendering.
	waitFor(t, func() bool {
		page := f.newReader().get(path)
		return text(find(find(page.doc, byID(roots[3].Anchor())), byClass("recommend-count"))) == "1"
	})
	if web.CachedPage(f.site, f.article.Slug, qalam.SortOldest) != cached {
		t.Error("a recommendation rendered the page again")
	}
	// A new comment does.
	f.addComment(f.article, 0, "Sadia Khan", "A new thread.", qalam.Approved)
	waitFor(t, func() bool { return web.CachedPage(f.site, f.article.Slug, qalam.SortOldest) != cached })
}
