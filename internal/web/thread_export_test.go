package web

import "github.com/qalamnews/qalam"

// CachedPage returns the cached shared page of an article with the first
// part of its discussion in sort's order, or nil, so that tests can tell
// whether something made it render again.
func CachedPage(s *Site, slug string, sort qalam.ThreadSort) any {
	e := s.cache.article(slug)
	if e == nil {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for k, h := range e.pages {
		if k.sort == sort {
			return h
		}
	}
	return nil
}
