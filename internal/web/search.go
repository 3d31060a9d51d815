package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/view"
)

// searchStore is what the search page needs from the database.
type searchStore interface {
	Search(ctx context.Context, q store.SearchQuery) ([]store.SearchResult, int, error)
}

// Search paging and its rate limit.
const (
	searchPerPage = 10
	// maxSearchPage bounds how deep paging goes: offset paging costs more
	// the deeper it goes, and no reader reads 500 results.
	maxSearchPage = 50
	// searchPerMinute is per address. Search is the most expensive public
	// page; a person, even one refining a query, searches far less often.
	searchPerMinute = 30
)

// showSearch serves /search?q=…&page=N: the search form and, when there is
// a query, a page of results.
//
// A reader's searches are theirs: the query is never logged (errors log
// the path only) or stored, the page is not cached here or by anyone else
// (no-store), and search engines are asked not to index results.
func (s *Site) showSearch(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	values := r.URL.Query()
	query := strings.TrimSpace(values.Get("q"))
	page, err := parseSearchPage(values.Get("page"))
	if err != nil {
		return err
	}
	p := view.SearchPage{Page: s.page(ctx), Query: query}
	p.Title = view.SearchTitle(p.Language(), query)
	p.NoIndex = true
	w.Header().Set("Cache-Control", "no-store")
	status := http.StatusOK
	if query != "" {
		if err := s.checkSearchRate(ctx, r); err != nil {
			return err
		}
		results, total, err := s.store.Search(ctx, store.SearchQuery{
			Text: query, Offset: (page - 1) * searchPerPage, Limit: searchPerPage})
		switch {
		case qalam.KindOf(err) == qalam.KindInvalid:
			// Too long or too many words: said on the page, in its language.
			p.TooLong, status = true, http.StatusUnprocessableEntity
		case err != nil:
			return err
		case len(results) == 0 && page > 1:
			return qalam.Errorf(qalam.KindNotFound, "That page of search results does not exist.")
		default:
			p.Searched, p.Total, p.First = true, total, (page-1)*searchPerPage+1
			for _, res := range results {
				p.Results = append(p.Results, view.SearchResult{Article: res.Article, Headline: res.Headline, Snippet: res.Snippet})
			}
			if page > 1 {
				p.Previous = searchURL(query, page-1)
			}
			if page*searchPerPage < total && page < maxSearchPage {
				p.Next = searchURL(query, page+1)
			}
		}
	}
	return s.view.Render(w, status, "site/search", p)
}

// parseSearchPage reads the page number: 1 when absent.
func parseSearchPage(v string) (int, error) {
	if v == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxSearchPage {
		return 0, qalam.Errorf(qalam.KindNotFound, "That page of search results does not exist.")
	}
	return n, nil
}

// searchURL is the address of a page of results.
func searchURL(query string, page int) string {
	q := url.Values{"q": {query}}
	if page > 1 {
		q.Set("page", strconv.Itoa(page))
	}
	return "/search?" + q.Encode()
}

// checkSearchRate counts a search against its address's limit, on this
// node: search protects each node's work, and a shared counter would make
// every search a database write.
func (s *Site) checkSearchRate(_ context.Context, r *http.Request) error {
	if !s.searches.allow(s.ClientKey(r), s.now()) {
		return qalam.Errorf(qalam.KindTooMany, "You are searching too fast. Please wait a minute and try again.")
	}
	return nil
}
