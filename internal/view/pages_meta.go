package view

import (
	"encoding/json"

	"github.com/qalamnews/qalam"
)

// Meta is what a page tells machines about itself in its head: its feeds,
// its Open Graph and Twitter card properties, and its schema.org
// description. Every address in it is absolute, under the site's base URL.
type Meta struct {
	Feeds []FeedLink
	// Properties are <meta property> pairs (og:…, article:…), in order.
	Properties []MetaPair
	// Names are <meta name> pairs (twitter:…).
	Names []MetaPair
	// JSONLD is the page's schema.org description, encoded by
	// encoding/json. The template writes it inside a
	// <script type="application/ld+json"> element, where html/template
	// encodes it again as JSON with <, > and & escaped, so no text in it
	// (a headline holding "</script>", say) can end the element.
	JSONLD json.RawMessage
}

// FeedLink is a <link rel="alternate"> to one of the page's feeds.
type FeedLink struct {
	Type  string // application/rss+xml or application/atom+xml
	Title string
	Href  string
}

// MetaPair is one <meta> element's key and content.
type MetaPair struct {
	Key   string
	Value string
}

// Message returns the interface's word for key in lang, from the same
// catalogue the templates use, for text that is built outside a template
// (a feed's title).
func Message(lang qalam.Language, key string) string { return translate(lang, key) }
