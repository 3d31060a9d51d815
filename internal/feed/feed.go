// Package feed writes RSS 2.0 and Atom documents: the publication's
// articles, and each article's discussion, for feed readers. Documents are
// built with encoding/xml, so every string is escaped the one way XML
// needs, and text is carried byte for byte (Urdu included) with no
// direction marks added.
package feed

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"time"
)

// Feed is one feed, independent of its format: the site's latest
// articles, a category's, a tag's, an author's, or an article's comments.
// Every address in it is absolute.
type Feed struct {
	// ID names the feed for ever (Atom's feed id); its HTML page's address
	// when empty.
	ID          string
	Title       string
	Description string // a sentence or two; the title when empty
	Link        string // the HTML page the feed follows
	Self        string // this document's own address
	Language    string // BCP 47 ("en", "ur")
	// Generator names the software, for the feed reader's curiosity.
	Generator string
	// Author is the feed's author (the publication), for entries that
	// name none of their own.
	Author  Person
	Entries []Entry // newest first
}

// Entry is an article or a comment.
type Entry struct {
	// ID names the entry for ever, whatever its address becomes later.
	ID         string
	Title      string
	Link       string
	Authors    []Person
	Categories []string
	Published  time.Time
	Updated    time.Time // when readers were last told it changed
	// Summary is plain text. Content is sanitised HTML with absolute
	// addresses (see AbsoluteURLs). An entry has either or both.
	Summary string
	Content string
	// Language is the entry's own language when it differs from the
	// feed's (an Urdu article in a mixed feed); empty otherwise.
	Language string
	// Comments is the address of the entry's discussion, if it has one.
	Comments string
}

// Person is an author: a name, and a page about them on the site.
type Person struct {
	Name string
	URL  string
}

// Latest is when the newest entry was last updated; the zero time for an
// empty feed.
func (f *Feed) Latest() time.Time {
	var t time.Time
	for _, e := range f.Entries {
		if u := e.updated(); u.After(t) {
			t = u
		}
	}
	return t
}

func (e *Entry) updated() time.Time {
	if e.Updated.After(e.Published) {
		return e.Updated
	}
	return e.Published
}

func (f *Feed) id() string {
	if f.ID != "" {
		return f.ID
	}
	return f.Link
}

func (f *Feed) description() string {
	if f.Description != "" {
		return f.Description
	}
	return f.Title
}

// Content types of the two formats.
const (
	RSSType  = "application/rss+xml; charset=utf-8"
	AtomType = "application/atom+xml; charset=utf-8"
)

// encode writes v as an indented UTF-8 XML document.
func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("feed: %w", err)
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}
