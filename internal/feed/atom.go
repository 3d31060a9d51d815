package feed

import (
	"encoding/xml"
	"time"
)

// Atom (RFC 4287).
type atomFeed struct {
	XMLName   xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang      string      `xml:"xml:lang,attr,omitempty"`
	ID        string      `xml:"id"`
	Title     atomText    `xml:"title"`
	Subtitle  *atomText   `xml:"subtitle"`
	Updated   string      `xml:"updated"`
	Links     []atomLink  `xml:"link"`
	Author    *atomPerson `xml:"author"`
	Generator string      `xml:"generator,omitempty"`
	Entries   []atomEntry `xml:"entry"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type atomEntry struct {
	Lang       string         `xml:"xml:lang,attr,omitempty"`
	ID         string         `xml:"id"`
	Title      atomText       `xml:"title"`
	Links      []atomLink     `xml:"link"`
	Published  string         `xml:"published,omitempty"`
	Updated    string         `xml:"updated"`
	Authors    []atomPerson   `xml:"author"`
	Categories []atomCategory `xml:"category"`
	Summary    *atomText      `xml:"summary"`
	Content    *atomText      `xml:"content"`
}

// atomDate is RFC 3339 in UTC. An empty feed has not changed since the
// epoch, which keeps its document, and so its ETag, the same until it
// gets an entry.
func atomDate(t time.Time) string {
	if t.IsZero() {
		t = time.Unix(0, 0)
	}
	return t.UTC().Format(time.RFC3339)
}

func atomPeople(people []Person) []atomPerson {
	out := make([]atomPerson, 0, len(people))
	for _, p := range people {
		out = append(out, atomPerson{Name: p.Name, URI: p.URL})
	}
	return out
}

// Atom returns the feed as an Atom document: summaries as text, content as
// escaped HTML.
func (f *Feed) Atom() ([]byte, error) {
	doc := atomFeed{
		Lang:    f.Language,
		ID:      f.id(),
		Title:   atomText{Type: "text", Body: f.Title},
		Updated: atomDate(f.Latest()),
		Links: []atomLink{
			{Rel: "alternate", Type: "text/html", Href: f.Link},
			{Rel: "self", Type: "application/atom+xml", Href: f.Self},
		},
		Generator: f.Generator,
		Entries:   make([]atomEntry, 0, len(f.Entries)),
	}
	if f.Description != "" {
		doc.Subtitle = &atomText{Type: "text", Body: f.Description}
	}
	if f.Author.Name != "" {
		doc.Author = &atomPerson{Name: f.Author.Name, URI: f.Author.URL}
	}
	for _, e := range f.Entries {
		entry := atomEntry{
			Lang:      e.Language,
			ID:        e.ID,
			Title:     atomText{Type: "text", Body: e.Title},
			Links:     []atomLink{{Rel: "alternate", Type: "text/html", Href: e.Link}},
			Published: atomDate(e.Published),
			Updated:   atomDate(e.updated()),
			Authors:   atomPeople(e.Authors),
		}
		if e.Comments != "" {
			entry.Links = append(entry.Links, atomLink{Rel: "replies", Type: "text/html", Href: e.Comments})
		}
		for _, c := range e.Categories {
			entry.Categories = append(entry.Categories, atomCategory{Term: c})
		}
		if e.Summary != "" {
			entry.Summary = &atomText{Type: "text", Body: e.Summary}
		}
		if e.Content != "" {
			entry.Content = &atomText{Type: "html", Body: e.Content}
		}
		doc.Entries = append(doc.Entries, entry)
	}
	return encode(doc)
}
