package feed_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/qalamnews/qalam/internal/feed"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const base = "https://qalampur.example"

var (
	published = time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)
	corrected = published.Add(26 * time.Hour)
)

// articles is a small mixed-language site feed: an English article with
// full text, an Urdu one, and a headline full of characters XML escapes.
func articles() *feed.Feed {
	return &feed.Feed{
		Title:       "The Qalampur Courier",
		Description: "News from Qalampur, in English and Urdu.",
		Link:        base + "/",
		Self:        base + "/feed.xml",
		Language:    "en",
		Generator:   "Qalam",
		Author:      feed.Person{Name: "The Qalampur Courier", URL: base + "/"},
		Entries: []feed.Entry{
			{
				ID:         "tag:qalampur.example,2026-03-15:article:3",
				Title:      `Council says "yes" to <b> & the ]]> bridge`,
				Link:       base + "/articles/council-bridge",
				Authors:    []feed.Person{{Name: "Amina Rahim", URL: base + "/authors/amina-rahim"}},
				Categories: []string{"City", "Bridges"},
				Published:  published.Add(24 * time.Hour),
				Summary:    "A vote of 9 to 4, after a <long> night.\x01",
				Content:    `<p>The vote was <em>close</em>.</p><figure><img src="` + base + `/media/abc.jpg" alt="The bridge"></figure>`,
				Comments:   base + "/articles/council-bridge#comments",
			},
			{
				ID:         "tag:qalampur.example,2026-03-14:article:2",
				Title:      "کتب خانہ دوبارہ کھل گیا",
				Link:       base + "/articles/kutub-khana",
				Authors:    []feed.Person{{Name: "بلال قریشی", URL: base + "/authors/bilal-qureshi"}, {Name: "Sadia Khan", URL: base + "/authors/sadia-khan"}},
				Categories: []string{"شہر"},
				Published:  published,
				Updated:    corrected,
				Summary:    "شہر کا پرانا کتب خانہ مرمت کے بعد کھول دیا گیا۔",
				Content:    "<p>کتب خانہ صبح نو بجے کھلا۔</p>",
				Language:   "ur",
			},
		},
	}
}

// comments is an article's discussion: content only, no summaries.
func comments() *feed.Feed {
	return &feed.Feed{
		ID:       "tag:qalampur.example,2026-03-14:article:2:comments",
		Title:    "تبصرے: کتب خانہ دوبارہ کھل گیا",
		Link:     base + "/articles/kutub-khana#comments",
		Self:     base + "/articles/kutub-khana/comments/feed.atom",
		Language: "ur",
		Entries: []feed.Entry{
			{
				ID:        "tag:qalampur.example,2026-03-15:comment:7",
				Title:     "نادیہ",
				Link:      base + "/articles/kutub-khana#comment-7",
				Authors:   []feed.Person{{Name: "نادیہ"}},
				Published: published.Add(25 * time.Hour),
				Content:   "<p>بہت اچھی خبر ہے۔ Thank you!</p>",
			},
		},
	}
}

func TestFeed_MatchesGoldenFiles(t *testing.T) {
	tests := []struct {
		file  string
		build func() ([]byte, error)
	}{
		{"articles.rss", articles().RSS},
		{"articles.atom", articles().Atom},
		{"comments.rss", comments().RSS},
		{"comments.atom", comments().Atom},
		{"empty.rss", (&feed.Feed{Title: "Empty", Link: base + "/tags/none", Self: base + "/tags/none/feed.xml"}).RSS},
		{"empty.atom", (&feed.Feed{Title: "Empty", Link: base + "/tags/none", Self: base + "/tags/none/feed.atom"}).Atom},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := tt.build()
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tt.file)
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the golden file (run with -update if the change is meant):\n%s", tt.file, got)
			}
		})
	}
}

// TestFeed_ParsesWithGofeed reads both formats back with an independent
// parser and checks what a feed reader would show.
func TestFeed_ParsesWithGofeed(t *testing.T) {
	for _, format := range []string{"rss", "atom"} {
		t.Run(format, func(t *testing.T) {
			f := articles()
			doc, err := f.RSS()
			if format == "atom" {
				doc, err = f.Atom()
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := gofeed.NewParser().ParseString(string(doc))
			if err != nil {
				t.Fatalf("gofeed: %v", err)
			}
			if got.FeedType != format {
				t.Errorf("feed type = %q, want %q", got.FeedType, format)
			}
			if got.Title != f.Title || got.Link != f.Link || got.Language != "en" {
				t.Errorf("feed title, link, language = %q, %q, %q", got.Title, got.Link, got.Language)
			}
			if got.FeedLink != f.Self {
				t.Errorf("feed's own link = %q, want %q", got.FeedLink, f.Self)
			}
			if len(got.Items) != len(f.Entries) {
				t.Fatalf("%d items, want %d", len(got.Items), len(f.Entries))
			}
			for i, item := range got.Items {
				want := f.Entries[i]
				if item.Title != want.Title {
					t.Errorf("item %d title = %q, want %q", i, item.Title, want.Title)
				}
				if item.Link != want.Link || item.GUID != want.ID {
					t.Errorf("item %d link, id = %q, %q", i, item.Link, item.GUID)
				}
				if item.PublishedParsed == nil || !item.PublishedParsed.Equal(want.Published) {
					t.Errorf("item %d published = %v, want %v", i, item.PublishedParsed, want.Published)
				}
				if item.Content != want.Content {
					t.Errorf("item %d content = %q, want %q", i, item.Content, want.Content)
				}
				var names []string
				for _, a := range item.Authors {
					names = append(names, a.Name)
				}
				var wantNames []string
				for _, a := range want.Authors {
					wantNames = append(wantNames, a.Name)
				}
				if format == "rss" {
					// Each name is its own dc:creator, as Dublin Core
					// says; gofeed keeps only the first.
					wantNames = wantNames[:1]
				}
				if strings.Join(names, "|") != strings.Join(wantNames, "|") {
					t.Errorf("item %d authors = %q, want %q", i, names, wantNames)
				}
				if strings.Join(item.Categories, "|") != strings.Join(want.Categories, "|") {
					t.Errorf("item %d categories = %q, want %q", i, item.Categories, want.Categories)
				}
			}
			// The control character cannot be carried by XML: it is
			// replaced, and the rest of the summary survives.
			if !strings.Contains(got.Items[0].Description, "after a") || strings.Contains(got.Items[0].Description, "\x01") {
				t.Errorf("summary = %q", got.Items[0].Description)
			}
		})
	}
}

func TestFeed_AtomMarksAnEntryInAnotherLanguage(t *testing.T) {
	doc, err := articles().Atom()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(doc, []byte(`<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">`)) {
		t.Error("the feed does not declare its language")
	}
	if !bytes.Contains(doc, []byte(`<entry xml:lang="ur">`)) {
		t.Error("the Urdu entry does not declare its language")
	}
	for _, mark := range []string{"\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u2066", "\u2067", "\u2068", "\u2069"} {
		if bytes.Contains(doc, []byte(mark)) {
			t.Errorf("the document holds the direction control %U", []rune(mark)[0])
		}
	}
}

func TestFeed_LatestIsTheNewestUpdate(t *testing.T) {
	tests := []struct {
		name string
		feed *feed.Feed
		want time.Time
	}{
		{"empty feed has no date", &feed.Feed{}, time.Time{}},
		{"a correction counts", &feed.Feed{Entries: []feed.Entry{{Published: published, Updated: corrected}, {Published: published.Add(time.Hour)}}}, corrected},
		{"the newest of publication and correction", articles(), corrected},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.feed.Latest(); !got.Equal(tt.want) {
				t.Errorf("Latest() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestAbsoluteURLs(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"no addresses", "<p>Plain <em>text</em></p>", "<p>Plain <em>text</em></p>"},
		{"link made absolute", `<p><a href="/articles/x">x</a></p>`, `<p><a href="` + base + `/articles/x">x</a></p>`},
		{"image and srcset made absolute", `<img src="/media/a.jpg" srcset="/media/a-640.jpg 640w, /media/a.jpg 1200w" alt="A">`,
			`<img src="` + base + `/media/a.jpg" srcset="` + base + `/media/a-640.jpg 640w, ` + base + `/media/a.jpg 1200w" alt="A"/>`},
		{"other sites left alone", `<a href="https://elsewhere.example/">e</a><a href="//cdn.example/x">c</a><a href="/y">y</a>`,
			`<a href="https://elsewhere.example/">e</a><a href="//cdn.example/x">c</a><a href="` + base + `/y">y</a>`},
		{"fragment left alone", `<a href="#notes">n</a><a href="/z">z</a>`, `<a href="#notes">n</a><a href="` + base + `/z">z</a>`},
		{"urdu text kept byte for byte", `<p dir="auto">کتب خانہ <a href="/a">یہاں</a></p>`, `<p dir="auto">کتب خانہ <a href="` + base + `/a">یہاں</a></p>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := feed.AbsoluteURLs(tt.in, base); got != tt.want {
				t.Errorf("AbsoluteURLs(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}
