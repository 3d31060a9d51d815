package wpimport_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/wpimport"
)

// Hand-made exports, one rule each, for the fictional Qalampur Courier.

const courier = "http://courier.example"

// wxrDoc is a WXR 1.2 file with one author and one category around items.
func wxrDoc(encoding string, items ...string) string {
	return `<?xml version="1.0" encoding="` + encoding + `" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
	<title>Qalampur Courier</title>
	<link>` + courier + `</link>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>` + courier + `</wp:base_site_url>
	<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[editor]]></wp:author_login><wp:author_display_name><![CDATA[Nadia Rahman]]></wp:author_display_name></wp:author>
	<wp:category><wp:term_id>3</wp:term_id><wp:category_nicename><![CDATA[city]]></wp:category_nicename><wp:category_parent><![CDATA[]]></wp:category_parent><wp:cat_name><![CDATA[City]]></wp:cat_name></wp:category>
` + strings.Join(items, "\n") + `
</channel>
</rss>
`
}

// post is an <item> for a published post; extra is added inside it.
func post(id int, slug, title, content, extra string) string {
	return fmt.Sprintf(`<item>
	<title><![CDATA[%s]]></title>
	<link>%s/2026/03/%02d/%s/</link>
	<dc:creator><![CDATA[editor]]></dc:creator>
	<content:encoded><![CDATA[%s]]></content:encoded>
	<excerpt:encoded><![CDATA[]]></excerpt:encoded>
	<wp:post_id>%d</wp:post_id>
	<wp:post_date><![CDATA[2026-03-%02d 10:00:00]]></wp:post_date>
	<wp:post_date_gmt><![CDATA[2026-03-%02d 10:00:00]]></wp:post_date_gmt>
	<wp:comment_status><![CDATA[open]]></wp:comment_status>
	<wp:post_name><![CDATA[%s]]></wp:post_name>
	<wp:status><![CDATA[publish]]></wp:status>
	<wp:post_type><![CDATA[post]]></wp:post_type>
	<category domain="category" nicename="city"><![CDATA[City]]></category>
	%s
</item>`, title, courier, id%28+1, slug, content, id, id%28+1, id%28+1, slug, extra)
}

// wpComment is a <wp:comment>.
func wpComment(id, parent int, approved, author, content string) string {
	return fmt.Sprintf(`<wp:comment>
	<wp:comment_id>%d</wp:comment_id>
	<wp:comment_author><![CDATA[%s]]></wp:comment_author>
	<wp:comment_author_email><![CDATA[reader%d@example.org]]></wp:comment_author_email>
	<wp:comment_author_IP><![CDATA[198.51.100.%d]]></wp:comment_author_IP>
	<wp:comment_date_gmt><![CDATA[2026-03-02 11:%02d:00]]></wp:comment_date_gmt>
	<wp:comment_content><![CDATA[%s]]></wp:comment_content>
	<wp:comment_approved><![CDATA[%s]]></wp:comment_approved>
	<wp:comment_type><![CDATA[comment]]></wp:comment_type>
	<wp:comment_parent>%d</wp:comment_parent>
	<wp:comment_user_id>0</wp:comment_user_id>
</wp:comment>`, id, author, id, id%250, id%60, content, approved, parent)
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "export.xml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func importFile(t *testing.T, st *store.Store, path string, edit func(*wpimport.Options)) (*wpimport.Report, error) {
	t.Helper()
	opts := wpimport.Options{HashAddress: hashAddr}
	if edit != nil {
		edit(&opts)
	}
	return wpimport.Import(context.Background(), st, path, opts)
}

// empty fails the test unless the store holds nothing an import makes.
func empty(t *testing.T, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	articles, _, err := st.FindArticles(ctx, store.ArticleFilter{Statuses: qalam.ArticleStatuses})
	if err != nil {
		t.Fatal(err)
	}
	authors, err := st.FindAuthors(ctx)
	if err != nil {
		t.Fatal(err)
	}
	categories, err := st.FindCategories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(articles)+len(authors)+len(categories) != 0 {
		t.Errorf("%d articles, %d authors, %d categories stored from a refused file", len(articles), len(authors), len(categories))
	}
}

func TestImport_RefusesUnreadableFilesWhole(t *testing.T) {
	good := post(1, "first", "First", "Text.", "")
	laughs := `<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>
<rss>&b;</rss>`
	for _, tc := range []struct {
		name, content string
		line, col     int
		msg           string
	}{
		// The broken item comes after a good one: nothing at all is stored.
		{"mismatched tags after a good item", wxrDoc("UTF-8", good, "<item><title>x</item>"), 27, 22, "closed by"},
		{"cut short", strings.TrimSuffix(wxrDoc("UTF-8", good, good), "</channel>\n</rss>\n"), 43, 1, "ends before"},
		{"entity expansion", laughs, 2, 1, "document type"},
		{"nesting a thousand deep", wxrDoc("UTF-8", good, strings.Repeat("<x>", 1000)), 27, 190, "nested deeper"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := openStore(t)
			start := time.Now()
			report, err := importFile(t, st, writeFile(t, tc.content), nil)
			se, ok := errors.AsType[*wpimport.SyntaxError](err)
			if !ok || se.Line != tc.line || se.Column != tc.col || !strings.Contains(se.Msg, tc.msg) {
				t.Fatalf("error %v, want %q at %d:%d", err, tc.msg, tc.line, tc.col)
			}
			if report != nil {
				t.Errorf("a report for a refused file: %+v", report)
			}
			empty(t, st)
			t.Logf("refused in %v", time.Since(start))
		})
	}
	t.Run("not an export", func(t *testing.T) {
		st := openStore(t)
		_, err := importFile(t, st, writeFile(t, "<html><body>Hello</body></html>"), nil)
		if err == nil || !strings.Contains(err.Error(), "not a WordPress export") {
			t.Errorf("error %v, want not a WordPress export", err)
		}
		empty(t, st)
	})
}

func TestImport_Encodings(t *testing.T) {
	urdu := "نیل پور میں بارش"
	for _, tc := range []struct {
		name     string
		file     func() []byte
		headline string
		repair   string
	}{
		{"declared ISO-8859-1, bytes UTF-8 (a common WordPress mistake)", func() []byte {
			return []byte(wxrDoc("ISO-8859-1", post(1, "rain", urdu+" — café", "Text.", "")))
		}, urdu + " — café", wpimport.RepairEncoding},
		{"declared ISO-8859-1, bytes Latin-1", func() []byte {
			b, _ := charmap.Windows1252.NewEncoder().Bytes([]byte(wxrDoc("ISO-8859-1", post(1, "cafe", "Café “menu” opens", "Text.", ""))))
			return b
		}, "Café “menu” opens", ""},
		{"declared UTF-8, a few Latin-1 bytes", func() []byte {
			return []byte(strings.Replace(wxrDoc("UTF-8", post(1, "cafe", "Caf\xe9 opens", "Text.", "")), "Caf\xe9", "Caf\xe9", 1))
		}, "Café opens", wpimport.RepairLatin1},
		{"declared windows-1256, Arabic-script bytes", func() []byte {
			b, _ := charmap.Windows1256.NewEncoder().Bytes([]byte(wxrDoc("windows-1256", post(1, "baarish", "بارش", "Text.", ""))))
			return b
		}, "بارش", ""},
		{"UTF-16 with a byte order mark", func() []byte {
			b, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(wxrDoc("UTF-16", post(1, "rain", urdu, "Text.", ""))))
			return b
		}, urdu, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := openStore(t)
			report, err := importFile(t, st, writeFile(t, string(tc.file())), nil)
			if err != nil {
				t.Fatal(err)
			}
			list, _, err := st.FindArticles(context.Background(), store.ArticleFilter{Statuses: qalam.ArticleStatuses})
			if err != nil || len(list) != 1 || list[0].Headline != tc.headline {
				t.Fatalf("articles %v, %v; want one headed %q", list, err, tc.headline)
			}
			kinds := []string{}
			for _, r := range report.Repairs {
				kinds = append(kinds, r.Kind)
			}
			if (tc.repair == "") != (len(kinds) == 0) || tc.repair != "" && kinds[0] != tc.repair {
				t.Errorf("repairs %v, want %q", kinds, tc.repair)
			}
		})
	}
	t.Run("an encoding that cannot be read is refused", func(t *testing.T) {
		st := openStore(t)
		content := strings.Replace(wxrDoc("Shift_JIS", post(1, "x", "x", "Text.", "")), "Text.", "\x82\xa0\x82\xa2", 1)
		_, err := importFile(t, st, writeFile(t, content), nil)
		if err == nil || !strings.Contains(err.Error(), "iconv") {
			t.Errorf("error %v, want advice to convert the file", err)
		}
		empty(t, st)
	})
}

func TestImport_Rules(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	existing := &qalam.Article{Slug: "market-day", Language: qalam.English, Label: qalam.News, Status: qalam.Published,
		Headline: "An article written in Qalam", Body: "Text.", BodyHTML: "<p>Text.</p>"}
	cat := &qalam.Category{Slug: "news", Name: "News"}
	must(t, st.CreateCategory(ctx, cat))
	author := &qalam.Author{Slug: "staff", Name: "Staff"}
	must(t, st.CreateAuthor(ctx, author))
	existing.CategoryID, existing.AuthorIDs = cat.ID, []int64{author.ID}
	must(t, st.CreateArticle(ctx, existing))

	uploads := t.TempDir()
	secret := filepath.Join(filepath.Dir(uploads), "secret.jpg")
	must(t, os.WriteFile(secret, []byte("not for the import"), 0o600))

	content := wxrDoc("UTF-8",
		// Links to a post further down, whose slug another article holds.
		post(1, "first", "First", `See <a href="`+courier+`/2026/03/03/market-day/">market day</a>.`, ""),
		post(2, "market-day", "Market day", "Stalls open at eight.",
			// The reply comes before its parent in the file; one reply's
			// parent is not in the export; spam stays spam; a private
			// note is not a reader's comment; a control character goes.
			wpComment(22, 21, "1", "Second", "A reply.")+wpComment(21, 0, "1", "First", "Top\x01 level.")+
				wpComment(23, 99, "0", "Lost", "Parent gone.")+wpComment(24, 0, "spam", "Spammer", "Buy now")+
				strings.Replace(wpComment(25, 0, "1", "Shop", "Order noted."), "<![CDATA[comment]]>", "<![CDATA[order_note]]>", 1)),
		post(3, "empty", "Empty", "", ""),
		post(4, "", "", "An untitled aside about the bus stop.", ""),
		post(5, "picture", "Picture", "x", `<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>6</wp:meta_value></wp:postmeta>`),
		`<item><title>Escape</title><wp:post_id>6</wp:post_id><wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status>
			<wp:attachment_url>`+courier+`/wp-content/uploads/../secret.jpg</wp:attachment_url>
			<wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key><wp:meta_value>../secret.jpg</wp:meta_value></wp:postmeta></item>`,
		`<item><title>Menu</title><wp:post_id>7</wp:post_id><wp:post_type>nav_menu_item</wp:post_type><wp:status>publish</wp:status></item>`,
		post(1, "first", "First again", "Listed twice.", ""),
	)
	lib, _ := library(t)
	report, err := importFile(t, st, writeFile(t, content), func(o *wpimport.Options) { o.Uploads, o.Media = uploads, lib })
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", report)

	t.Run("slug in use gets a number, and links follow it", func(t *testing.T) {
		market := article(t, st, "market-day-2")
		if market.Headline != "Market day" {
			t.Fatalf("market-day-2 is %q", market.Headline)
		}
		first := article(t, st, "first")
		if attrOf(find(parse(t, first.BodyHTML), "a"), "href") != "/articles/market-day-2" {
			t.Errorf("link in the first post: %s", first.BodyHTML)
		}
	})
	t.Run("comments: threading, missing parents, spam, other types", func(t *testing.T) {
		market := article(t, st, "market-day-2")
		comments, err := st.FindComments(ctx, store.CommentFilter{ArticleID: market.ID})
		if err != nil {
			t.Fatal(err)
		}
		by := map[string]*qalam.Comment{}
		for _, c := range comments {
			by[c.AuthorName] = c
		}
		if len(comments) != 4 || by["Second"] == nil || by["Second"].ParentID != by["First"].ID || by["Lost"].ParentID != 0 {
			t.Fatalf("comments %+v", comments)
		}
		if by["Spammer"].Status != qalam.Spam || by["Lost"].Status != qalam.Pending || by["First"].Body != "Top level." {
			t.Errorf("spam %s, held %s, body %q", by["Spammer"].Status, by["Lost"].Status, by["First"].Body)
		}
		if report.Kinds["comments"].Skipped[`of type "order_note" (not a reader's comment)`] != 1 || report.Orphans != 1 {
			t.Errorf("comments %+v, orphans %d", report.Kinds["comments"], report.Orphans)
		}
	})
	t.Run("skipped, with reasons", func(t *testing.T) {
		want := map[string]map[string]int{
			"posts":       {"no text (Qalam articles need a body)": 1, "listed twice with the same wp:post_id": 1},
			"other items": {`of type "nav_menu_item" (Qalam has posts and pages only)`: 1},
			"images":      {"file not found in the uploads folder": 1},
		}
		for kind, reasons := range want {
			for reason, n := range reasons {
				if got := report.Kinds[kind].Skipped[reason]; got != n {
					t.Errorf("%s skipped %q: %d, want %d (%v)", kind, reason, got, n, report.Kinds[kind].Skipped)
				}
			}
		}
		if report.FeaturedMissing != 1 {
			t.Errorf("missing featured images %d, want 1", report.FeaturedMissing)
		}
	})
	t.Run("untitled post headed with its text", func(t *testing.T) {
		a := article(t, st, "post-4")
		if a.Headline != "An untitled aside about the bus stop." || report.Untitled != 1 {
			t.Errorf("headline %q, untitled %d", a.Headline, report.Untitled)
		}
	})
	t.Run("control character repaired and reported", func(t *testing.T) {
		if len(report.Repairs) != 1 || report.Repairs[0].Kind != wpimport.RepairControl {
			t.Errorf("repairs %+v", report.Repairs)
		}
	})
}

func TestImport_WXR10(t *testing.T) {
	// WXR 1.0 lists no authors, and old exports name categories without
	// a nicename: both are made from the items.
	doc := `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.0/">
<channel><title>Old Courier</title><link>http://old-courier.example</link><wp:wxr_version>1.0</wp:wxr_version>
<item><title>Old times</title><link>http://old-courier.example/?p=5</link><dc:creator>archivist</dc:creator>
<content:encoded><![CDATA[From the archive.]]></content:encoded><wp:post_id>5</wp:post_id>
<wp:post_date>2009-05-01 10:00:00</wp:post_date><wp:post_date_gmt>2009-05-01 09:00:00</wp:post_date_gmt>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<category domain="category" nicename="history"><![CDATA[History]]></category><category domain="tag"><![CDATA[Qalampur]]></category></item>
</channel></rss>`
	st := openStore(t)
	report, err := importFile(t, st, writeFile(t, doc), nil)
	if err != nil {
		t.Fatal(err)
	}
	a := article(t, st, "old-times")
	if len(a.Authors) != 1 || a.Authors[0].Slug != "archivist" || a.Category.Slug != "history" || a.PublishedAt.Hour() != 9 {
		t.Errorf("article %+v by %+v in %+v", a, a.Authors, a.Category)
	}
	if m, err := st.MovedID(context.Background(), 5, store.WPPost); err != nil || m.Slug != "old-times" {
		t.Errorf("?p=5 leads to %+v, %v", m, err)
	}
	if report.Kinds["authors"].New != 1 {
		t.Errorf("authors %+v", report.Kinds["authors"])
	}
}

// An import stopped part-way (here: cancelled after its first batch; a
// kill leaves the same, since each batch is one transaction) resumes, and
// ends exactly as one that ran through.
func TestImport_InterruptedResumes(t *testing.T) {
	var items []string
	for i := 1; i <= 9; i++ {
		items = append(items, post(i, fmt.Sprintf("story-%d", i), fmt.Sprintf("Story %d", i), "Text.",
			wpComment(i*10, 0, "1", "Reader", "First.")+wpComment(i*10+1, i*10, "1", "Other", "Reply.")))
	}
	path := writeFile(t, wxrDoc("UTF-8", items...))

	whole := openStore(t)
	if _, err := importFile(t, whole, path, func(o *wpimport.Options) { o.BatchSize = 2 }); err != nil {
		t.Fatal(err)
	}

	st := openStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	opts := wpimport.Options{HashAddress: hashAddr, BatchSize: 2, Progress: func(p wpimport.Progress) {
		if p.Phase == wpimport.PhaseImporting && p.Done == 2 {
			cancel()
		}
	}}
	report, err := wpimport.Import(ctx, st, path, opts)
	if !errors.Is(err, context.Canceled) || report.Kinds["posts"].New != 2 {
		t.Fatalf("interrupted run: %v, %+v; want cancelled after 2 posts", err, report.Kinds["posts"])
	}
	report, err = importFile(t, st, path, func(o *wpimport.Options) { o.BatchSize = 2 })
	if err != nil {
		t.Fatal(err)
	}
	if report.Kinds["posts"].New != 7 || report.Kinds["posts"].Existing != 2 || report.Kinds["comments"].New != 14 {
		t.Errorf("resumed run: posts %+v, comments %+v; want 7 new, 2 there, 14 new comments", report.Kinds["posts"], report.Kinds["comments"])
	}
	if got, want := snapshot(t, st), snapshot(t, whole); got != want {
		t.Errorf("resumed import differs from one that ran through:\n%s\nwant\n%s", got, want)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
