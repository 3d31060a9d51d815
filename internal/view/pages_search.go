package view

import (
	"strconv"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/textfold"
)

// SearchPage is the search form and a page of its results.
type SearchPage struct {
	Page
	// Query is what the reader typed, shown back in the form; empty before
	// a search.
	Query string
	// Searched is set when the query was run (it had words and was within
	// the limits), so the page says how many articles it found.
	Searched bool
	// TooLong is set when the query was refused for its length.
	TooLong bool
	Results []SearchResult
	Total   int
	// First is the position of the page's first result, from 1.
	First int
	// Previous and Next link to the neighbouring pages of results.
	Previous, Next string
}

// SearchResult is an article found by a search, with its headline and a
// snippet cut into pieces, the matching words marked. The template writes
// each piece as text, escaped like any other, inside <mark> when marked:
// no HTML is built by hand.
type SearchResult struct {
	Article  *qalam.Article
	Headline []textfold.Piece
	Snippet  []textfold.Piece
}

// SearchTitle is the search page's title: the query, when there is one,
// and the word for search.
func SearchTitle(lang qalam.Language, query string) string {
	if query == "" {
		return translate(lang, "search")
	}
	return query + " · " + translate(lang, "search")
}

// CountResults says "3 results" in the page's language.
func (p SearchPage) CountResults() string {
	n := strconv.Itoa(p.Total)
	switch {
	case p.Language() == qalam.Urdu && p.Total == 1:
		return "1 نتیجہ"
	case p.Language() == qalam.Urdu:
		return n + " نتائج"
	case p.Total == 1:
		return "1 result"
	}
	return n + " results"
}
