package feed

import (
	"encoding/xml"
	"html"
	"time"
)

// RSS 2.0 (https://www.rssboard.org/rss-specification) with the usual
// extensions: atom:link for the feed's own address, dc:creator for bylines
// (RSS's author element wants an email address, which Qalam never
// publishes), dc:language for an entry in another language, and
// content:encoded for the full text.
type rssDocument struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	Atom    string     `xml:"xmlns:atom,attr"`
	Content string     `xml:"xmlns:content,attr"`
	DC      string     `xml:"xmlns:dc,attr"`
	Channel rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title         string    `xml:"title"`
	Link          string    `xml:"link"`
	Description   string    `xml:"description"`
	Language      string    `xml:"language,omitempty"`
	LastBuildDate string    `xml:"lastBuildDate,omitempty"`
	Generator     string    `xml:"generator,omitempty"`
	Self          rssLink   `xml:"atom:link"`
	Items         []rssItem `xml:"item"`
}

type rssLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
}

type rssItem struct {
	Title       string   `xml:"title"`
	Link        string   `xml:"link"`
	GUID        rssGUID  `xml:"guid"`
	PubDate     string   `xml:"pubDate"`
	Creators    []string `xml:"dc:creator"`
	Language    string   `xml:"dc:language,omitempty"`
	Categories  []string `xml:"category"`
	Description string   `xml:"description"`
	Content     string   `xml:"content:encoded,omitempty"`
	Comments    string   `xml:"comments,omitempty"`
}

// rssGUID is an entry's permanent name; not its address, which may change.
type rssGUID struct {
	IsPermaLink bool   `xml:"isPermaLink,attr"`
	ID          string `xml:",chardata"`
}

// rssDate is RFC 822 with a four-digit year, as RSS 2.0 asks.
func rssDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC1123Z)
}

// RSS returns the feed as an RSS 2.0 document. The description of an item
// is its summary when it has one, else its content; the full text goes in
// content:encoded. Readers take a description as HTML, so the plain-text
// summary is HTML-escaped first (a standfirst saying "a <b> tag" stays
// text).
func (f *Feed) RSS() ([]byte, error) {
	doc := rssDocument{
		Version: "2.0",
		Atom:    "http://www.w3.org/2005/Atom",
		Content: "http://purl.org/rss/1.0/modules/content/",
		DC:      "http://purl.org/dc/elements/1.1/",
		Channel: rssChannel{
			Title:         f.Title,
			Link:          f.Link,
			Description:   f.description(),
			Language:      f.Language,
			LastBuildDate: rssDate(f.Latest()),
			Generator:     f.Generator,
			Self:          rssLink{Href: f.Self, Rel: "self", Type: "application/rss+xml"},
			Items:         make([]rssItem, 0, len(f.Entries)),
		},
	}
	for _, e := range f.Entries {
		item := rssItem{
			Title:      e.Title,
			Link:       e.Link,
			GUID:       rssGUID{ID: e.ID},
			PubDate:    rssDate(e.Published),
			Language:   e.Language,
			Categories: e.Categories,
			Comments:   e.Comments,
		}
		for _, a := range e.Authors {
			item.Creators = append(item.Creators, a.Name)
		}
		if len(item.Creators) == 0 && f.Author.Name != "" {
			item.Creators = []string{f.Author.Name}
		}
		switch {
		case e.Summary != "":
			item.Description, item.Content = html.EscapeString(e.Summary), e.Content
		default:
			item.Description = e.Content
		}
		doc.Channel.Items = append(doc.Channel.Items, item)
	}
	return encode(doc)
}
