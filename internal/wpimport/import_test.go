package wpimport_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/netip"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/media"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
	"github.com/qalamnews/qalam/internal/wpimport"
)

// The real export WordPress 6.1 wrote, and its uploads folder.
const (
	sampleFile    = "../../../shared/testdata/wxr/newsroom-sample.wxr.xml"
	sampleUploads = "../../../shared/testdata/wxr/uploads"
	sampleSite    = "http://127.0.0.1:8085"
)

// hashAddr stands in for the site's keyed hash of an address.
func hashAddr(a netip.Addr) string { return "hash:" + a.String() }

// openStore opens a migrated store (PostgreSQL when the tests are given
// one) whose clock is stopped, so that two imports can be compared row by
// row.
func openStore(t *testing.T) *store.Store {
	t.Helper()
	now := func() time.Time { return time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC) }
	if os.Getenv(storetest.EnvPostgresURL) != "" {
		return storetest.OpenDSN(t, storetest.PostgresURL(t), store.Options{Now: now})
	}
	return storetest.OpenDSN(t, storetest.SQLitePath(t), store.Options{Now: now})
}

// library is a media library in a folder of its own, and the folder.
func library(t *testing.T) (*media.Library, string) {
	t.Helper()
	dir := t.TempDir()
	lib, err := media.New(media.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lib.Close() })
	return lib, dir
}

func files(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func importSample(t *testing.T, st *store.Store, lib *media.Library, edit func(*wpimport.Options)) *wpimport.Report {
	t.Helper()
	opts := wpimport.Options{Uploads: sampleUploads, Media: lib, HashAddress: hashAddr}
	if edit != nil {
		edit(&opts)
	}
	report, err := wpimport.Import(context.Background(), st, sampleFile, opts)
	if err != nil {
		t.Fatal(err)
	}
	return report
}

// snapshot is everything readers and the newsroom can see of the store,
// as text: two stores holding the same content give the same snapshot.
func snapshot(t *testing.T, st *store.Store) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	for offset := 0; ; offset += 100 {
		list, _, err := st.FindArticles(ctx, store.ArticleFilter{Statuses: qalam.ArticleStatuses, Limit: 100, Offset: offset})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range list {
			revisions, err := st.FindRevisions(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "article %d %s %s %s %s|%s|%s|%s cat=%d authors=%v tags=%v img=%d closed=%v %v %v %v %v %v revisions=%d\n",
				a.ID, a.Slug, a.Status, a.Language, a.Headline, a.Standfirst, a.Body, a.BodyHTML, a.CategoryID, a.AuthorIDs,
				a.TagNames, a.FeaturedImageID, a.CommentsClosed, a.CreatedAt, a.PublishedAt, a.ScheduledAt, a.UpdatedAt, a.EditedAt, len(revisions))
		}
		if len(list) < 100 {
			break
		}
	}
	comments, err := st.FindComments(ctx, store.CommentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range comments {
		fmt.Fprintf(&b, "comment %+v\n", *c)
	}
	authors, err := st.FindAuthors(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range authors {
		fmt.Fprintf(&b, "author %+v\n", *a)
	}
	categories, err := st.FindCategories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range categories {
		fmt.Fprintf(&b, "category %+v\n", *c)
	}
	tags, err := st.FindTags(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, tag := range tags {
		fmt.Fprintf(&b, "tag %+v\n", tag)
	}
	images, _, err := st.FindMedia(ctx, store.MediaFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range images {
		fmt.Fprintf(&b, "media %d %dx%d %q %q %v\n", m.ID, m.Width, m.Height, m.Alt, m.Caption, m.CreatedAt)
	}
	return b.String()
}

func checksum(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:8])
}

func TestImport_Sample(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	lib, dir := library(t)
	report := importSample(t, st, lib, nil)
	t.Logf("\n%s", report)

	t.Run("counts per kind", func(t *testing.T) {
		want := map[string][3]int{ // new, already here, skipped
			"authors": {4, 0, 0}, "categories": {8, 0, 0}, "tags": {15, 0, 0}, "images": {2, 0, 0},
			"posts": {39, 0, 1}, "pages": {3, 0, 0}, "comments": {120, 0, 1},
		}
		for kind, w := range want {
			c := report.Kinds[kind]
			if c == nil || c.New != w[0] || c.Existing != w[1] || c.SkippedTotal() != w[2] {
				t.Errorf("%s: %+v, want new %d, existing %d, skipped %d", kind, c, w[0], w[1], w[2])
			}
		}
		if got := report.Kinds["posts"].Skipped["in the trash"]; got != 1 {
			t.Errorf("posts skipped from the trash: %d, want 1", got)
		}
	})
	t.Run("the bare & repaired and reported where it was", func(t *testing.T) {
		if len(report.Repairs) != 1 || report.Repairs[0].Kind != wpimport.RepairAmpersand ||
			report.Repairs[0].Count != 4 || report.Repairs[0].Line != 448 {
			t.Errorf("repairs %+v, want 4 bare & from line 448", report.Repairs)
		}
		c := comment(t, st, "Amelia Trent", "Finally!")
		if c.AuthorURL != "https://alder-allotments.example.org/notes?id=42&lang=en" {
			t.Errorf("website %q", c.AuthorURL)
		}
	})
	t.Run("statuses mapped", func(t *testing.T) {
		for slug, want := range map[string]qalam.ArticleStatus{
			"port-alder-ferry-timetable-changes-from-march":               qalam.Published,
			"port-alder-regatta-returns-route-and-road-closures":          qalam.Scheduled, // future
			"lighthouse-restoration-cost-questions-to-follow-up":          qalam.Draft,
			"allotment-waiting-list-falls-for-the-first-time-in-a-decade": qalam.Submitted, // pending
			"newsroom-rota-for-the-regatta-weekend":                       qalam.Draft,     // private
			"members-briefing-harbour-redevelopment-figures":              qalam.Draft,     // password-protected
		} {
			a := article(t, st, slug)
			if a.Status != want {
				t.Errorf("%s is %s, want %s", slug, a.Status, want)
			}
		}
		if s := article(t, st, "port-alder-regatta-returns-route-and-road-closures").ScheduledAt; s.Year() != 2031 {
			t.Errorf("scheduled at %v, want the post's date in 2031", s)
		}
		if !slices.Equal(report.Passworded, []int64{40}) || !slices.Equal(report.Sticky, []int64{18}) {
			t.Errorf("password-protected %v, sticky %v; want [40], [18]", report.Passworded, report.Sticky)
		}
	})
	t.Run("Urdu and emoji byte for byte", func(t *testing.T) {
		var rendered strings.Builder
		list, _, err := st.FindArticles(ctx, store.ArticleFilter{Statuses: qalam.ArticleStatuses, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range list {
			rendered.WriteString(a.Headline + "\n" + htmlText(t, a.BodyHTML) + "\n")
		}
		comments, err := st.FindComments(ctx, store.CommentFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range comments {
			rendered.WriteString(c.AuthorName + "\n" + htmlText(t, c.BodyHTML) + "\n")
		}
		checked := 0
		for _, para := range urduParagraphs(t) {
			checked++
			if !strings.Contains(rendered.String(), para) {
				t.Errorf("not found byte for byte: %q", para)
			}
		}
		if checked < 40 {
			t.Errorf("only %d Urdu paragraphs in the sample?", checked)
		}
	})
	t.Run("comments threaded, with their status", func(t *testing.T) {
		reply := comment(t, st, "Amelia Trent", "That’s good to hear.")
		staff, err := st.Comment(ctx, reply.ParentID)
		if err != nil || staff.AuthorName != "Mara Hollis" || staff.ParentID == 0 {
			t.Fatalf("parent %+v, %v; want Mara Hollis's reply", staff, err)
		}
		if c := comment(t, st, "Pedal Notes", "the Gazette has the figures"); c.Status != qalam.Approved || !strings.HasPrefix(c.Body, `\[…\]`) {
			t.Errorf("pingback %+v", c)
		}
		statuses := map[qalam.CommentStatus]int{}
		depth := 0
		comments, err := st.FindComments(ctx, store.CommentFilter{})
		if err != nil {
			t.Fatal(err)
		}
		byID := map[int64]*qalam.Comment{}
		for _, c := range comments {
			statuses[c.Status]++
			byID[c.ID] = c
			d := 1
			for p := byID[c.ParentID]; p != nil; p = byID[p.ParentID] {
				d++
			}
			depth = max(depth, d)
			if c.IPHash == "" || !strings.HasPrefix(c.IPHash, "hash:") {
				t.Errorf("comment %d address hash %q", c.ID, c.IPHash)
			}
		}
		if want := map[qalam.CommentStatus]int{qalam.Approved: 107, qalam.Pending: 9, qalam.Deleted: 4}; !mapsEqual(statuses, want) {
			t.Errorf("statuses %v, want %v", statuses, want)
		}
		if depth != 4 {
			t.Errorf("deepest thread %d, want 4", depth)
		}
	})
	t.Run("a registered commenter is one identity", func(t *testing.T) {
		comments, err := st.FindComments(ctx, store.CommentFilter{})
		if err != nil {
			t.Fatal(err)
		}
		ids := map[string]map[int64]bool{}
		registered := 0
		for _, c := range comments {
			if c.CommenterID != 0 {
				registered++
				if ids[c.AuthorEmail] == nil {
					ids[c.AuthorEmail] = map[int64]bool{}
				}
				ids[c.AuthorEmail][c.CommenterID] = true
			}
		}
		if registered != 28 {
			t.Errorf("%d comments by registered users, want 28", registered)
		}
		for email, set := range ids {
			if len(set) != 1 {
				t.Errorf("%s has %d identities, want 1", email, len(set))
			}
		}
	})
	t.Run("featured image, captions and galleries from the uploads", func(t *testing.T) {
		a := article(t, st, "photo-essay-first-light-over-the-alder-estuary")
		if a.FeaturedImage == nil || a.FeaturedImage.Alt != "The sun rising over mudflats, the water reflecting orange light" {
			t.Fatalf("featured image %+v", a.FeaturedImage)
		}
		src := media.URL(a.FeaturedImage.Name)
		doc := parse(t, a.BodyHTML)
		figures := findAll(doc, "figure")
		if len(figures) != 3 || attrOf(find(figures[0], "img"), "src") != src || text(find(figures[0], "figcaption")) != "Dawn over the mudflats at Kestrel Bay, seen from the sea wall." {
			t.Errorf("figures: %s", a.BodyHTML)
		}
		if strings.Contains(a.BodyHTML, "127.0.0.1:8085") || strings.Contains(a.Body, "[gallery") {
			t.Errorf("old addresses or shortcodes left: %s", a.Body)
		}
	})
	t.Run("links between posts point at the new addresses", func(t *testing.T) {
		a := article(t, st, "port-alder-کی-فیری-سروس-نئے-اوقات-کار")
		link := find(parse(t, a.BodyHTML), "a")
		if attrOf(link, "href") != "/articles/port-alder-ferry-timetable-changes-from-march" {
			t.Errorf("link %q", attrOf(link, "href"))
		}
		about := article(t, st, "about")
		if attrOf(find(parse(t, about.BodyHTML), "a"), "href") != "/articles/contact" {
			t.Errorf("about page: %s", about.BodyHTML)
		}
	})
	t.Run("old addresses recorded", func(t *testing.T) {
		for path, want := range map[string]string{
			"/2026/02/03/port-alder-ferry-timetable-changes-from-march/": "port-alder-ferry-timetable-changes-from-march",
			"/about/corrections/":                         "corrections",
			"/category/local/schools/":                    "schools",
			"/tag/%d9%86%db%8c%d9%84-%d9%be%d9%88%d8%b1/": "نیل-پور",
			"/author/rkazmi/":                             "rkazmi",
		} {
			if m, err := st.MovedPath(ctx, path); err != nil || m.Slug != want {
				t.Errorf("MovedPath(%s) = %+v, %v; want %s", path, m, err, want)
			}
		}
		// Post 11's slug was changed after publishing.
		if m, err := st.MovedID(ctx, 11, store.WPPost); err != nil {
			t.Fatal(err)
		} else if old, err := st.MovedPath(ctx, "/2026/02/14/new-cycle-lane-on-quayside-road-opens-after-six-month-build/"); err != nil || old != m {
			t.Errorf("old slug leads to %+v, %v; want %+v", old, err, m)
		}
	})
	t.Run("a second run changes nothing", func(t *testing.T) {
		before, stored := snapshot(t, st), files(t, dir)
		again := importSample(t, st, lib, nil)
		for kind, c := range again.Kinds {
			if c.New != 0 {
				t.Errorf("second run: %d new %s", c.New, kind)
			}
		}
		if again.Kinds["posts"].Existing != 39 || again.Kinds["comments"].Existing != 120 {
			t.Errorf("second run found %+v posts and %+v comments already there", again.Kinds["posts"], again.Kinds["comments"])
		}
		if after := snapshot(t, st); checksum(after) != checksum(before) {
			t.Errorf("rows changed: checksum %s, was %s", checksum(after), checksum(before))
		}
		if after := files(t, dir); !slices.Equal(after, stored) {
			t.Errorf("media folder holds %v after the second run, %v before", after, stored)
		}
	})
}

func TestImport_DropsAddressesWhenAsked(t *testing.T) {
	st := openStore(t)
	lib, _ := library(t)
	report := importSample(t, st, lib, func(o *wpimport.Options) { o.DropAddresses = true; o.Uploads, o.Media = "", nil })
	comments, err := st.FindComments(context.Background(), store.CommentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range comments {
		if c.IPHash != "" {
			t.Fatalf("comment %d keeps %q", c.ID, c.IPHash)
		}
	}
	if report.Addresses.Dropped != 120 || report.Addresses.Hashed != 0 {
		t.Errorf("addresses %+v, want 120 dropped", report.Addresses)
	}
	if !strings.Contains(report.String(), "120 dropped as asked") {
		t.Errorf("the report does not say so:\n%s", report)
	}
	if report.Kinds["images"].Skipped["no uploads folder given (--uploads)"] != 2 {
		t.Errorf("images %+v, want 2 skipped without an uploads folder", report.Kinds["images"])
	}
}

func TestImport_OldAddressesOutsideRetentionAreDropped(t *testing.T) {
	st := openStore(t)
	lib, _ := library(t)
	report := importSample(t, st, lib, func(o *wpimport.Options) {
		o.Uploads, o.Media = "", nil
		o.AddressesSince = time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	})
	if report.Addresses.Expired == 0 || report.Addresses.Hashed == 0 || report.Addresses.Expired+report.Addresses.Hashed != 120 {
		t.Errorf("addresses %+v, want the older ones dropped and the newer ones hashed", report.Addresses)
	}
}

// urduParagraphs are the paragraphs of the sample's posts, pages and
// comments that hold Arabic script, as text: what readers must see.
func urduParagraphs(t *testing.T) []string {
	t.Helper()
	raw, err := os.ReadFile(sampleFile)
	if err != nil {
		t.Fatal(err)
	}
	cdata := regexp.MustCompile(`(?s)<(?:content:encoded|wp:comment_content|title)><!\[CDATA\[(.*?)\]\]>`)
	arabic := regexp.MustCompile(`\p{Arabic}`)
	var out []string
	for _, m := range cdata.FindAllStringSubmatch(string(raw), -1) {
		for _, para := range regexp.MustCompile(`\n\s*\n|<[^>]+>`).Split(m[1], -1) {
			para = strings.Join(strings.Fields(html.UnescapeString(para)), " ")
			if arabic.MatchString(para) {
				out = append(out, para)
			}
		}
	}
	return out
}

func article(t *testing.T, st *store.Store, slug string) *qalam.Article {
	t.Helper()
	a, err := st.ArticleBySlug(context.Background(), slug)
	if err != nil {
		t.Fatalf("article %s: %v", slug, err)
	}
	return a
}

// comment finds the comment by name whose text holds some words.
func comment(t *testing.T, st *store.Store, name, words string) *qalam.Comment {
	t.Helper()
	comments, err := st.FindComments(context.Background(), store.CommentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range comments {
		if strings.HasPrefix(c.AuthorName, name) && strings.Contains(c.Body, words) {
			return c
		}
	}
	t.Fatalf("no comment by %s saying %q", name, words)
	return nil
}

func mapsEqual[K comparable](a, b map[K]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func parse(t *testing.T, s string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func htmlText(t *testing.T, s string) string { return text(parse(t, s)) }

func find(n *html.Node, tag string) *html.Node {
	if list := findAll(n, tag); len(list) > 0 {
		return list[0]
	}
	return nil
}

func findAll(n *html.Node, tag string) []*html.Node {
	var out []*html.Node
	if n == nil {
		return nil
	}
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && d.Data == tag {
			out = append(out, d)
		}
	}
	return out
}

func attrOf(n *html.Node, key string) string {
	if n == nil {
		return ""
	}
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// text is the text of n, each paragraph's whitespace collapsed.
func text(n *html.Node) string {
	if n == nil {
		return ""
	}
	var b strings.Builder
	for d := range n.Descendants() {
		switch {
		case d.Type == html.TextNode:
			b.WriteString(d.Data)
		case d.Type == html.ElementNode && (d.Data == "p" || d.Data == "li" || d.Data == "br"):
			b.WriteString("\n")
		}
	}
	var lines []string
	for _, l := range strings.Split(b.String(), "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}
