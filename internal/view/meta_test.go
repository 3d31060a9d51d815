package view_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/qalamnews/qalam/internal/view"
)

// TestEngine_MetaInTheHead renders a page whose metadata holds every
// character that could break out of an attribute or a script element.
func TestEngine_MetaInTheHead(t *testing.T) {
	e, err := view.New(view.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hostile := `"quoted" </script><script>alert(1)</script> <!-- & 'single' کتب خانہ` + "\u2028"
	ld, err := json.Marshal(map[string]string{"@type": "NewsArticle", "headline": hostile})
	if err != nil {
		t.Fatal(err)
	}
	meta := &view.Meta{
		Feeds:      []view.FeedLink{{Type: "application/rss+xml", Title: hostile, Href: "https://news.test/feed.xml"}},
		Properties: []view.MetaPair{{Key: "og:title", Value: hostile}},
		Names:      []view.MetaPair{{Key: "twitter:card", Value: "summary"}},
		JSONLD:     ld,
	}
	var buf bytes.Buffer
	if err := e.Execute(&buf, "site/home", view.HomePage{Page: view.Page{Meta: meta}}); err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(&buf)
	if err != nil {
		t.Fatal(err)
	}
	var feeds, ogTitle, card, scripts []string
	var jsonText string
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		switch {
		case n.Data == "link" && attr(n, "rel") == "alternate":
			feeds = append(feeds, attr(n, "type")+" "+attr(n, "title")+" "+attr(n, "href"))
		case n.Data == "meta" && attr(n, "property") == "og:title":
			ogTitle = append(ogTitle, attr(n, "content"))
		case n.Data == "meta" && attr(n, "name") == "twitter:card":
			card = append(card, attr(n, "content"))
		case n.Data == "script" && attr(n, "type") == "application/ld+json":
			jsonText = n.FirstChild.Data
		case n.Data == "script":
			scripts = append(scripts, attr(n, "src"))
		}
	}
	if want := "application/rss+xml " + hostile + " https://news.test/feed.xml"; len(feeds) != 1 || feeds[0] != want {
		t.Errorf("feed links = %q, want %q", feeds, want)
	}
	if len(ogTitle) != 1 || ogTitle[0] != hostile {
		t.Errorf("og:title = %q, want %q", ogTitle, hostile)
	}
	if len(card) != 1 || card[0] != "summary" {
		t.Errorf("twitter:card = %q", card)
	}
	var got map[string]string
	if err := json.Unmarshal([]byte(jsonText), &got); err != nil {
		t.Fatalf("JSON-LD does not parse: %v\n%s", err, jsonText)
	}
	if got["headline"] != hostile {
		t.Errorf("headline = %q, want %q", got["headline"], hostile)
	}
	if strings.Contains(strings.ToLower(jsonText), "</script") || strings.Contains(jsonText, "<!--") {
		t.Errorf("JSON-LD holds markup: %s", jsonText)
	}
	for _, src := range scripts {
		if src == "" {
			t.Error("the metadata made an inline script")
		}
	}
}

func TestEngine_NoMetaNoTags(t *testing.T) {
	e, err := view.New(view.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := e.Execute(&buf, "site/home", view.HomePage{}); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`rel="alternate"`, `property="og:`, "application/ld+json"} {
		if strings.Contains(buf.String(), s) {
			t.Errorf("a page without metadata has %s", s)
		}
	}
}
