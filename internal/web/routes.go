package web

import "net/http"

// Routes returns the public site's handler: every route it serves.
func (s *Site) Routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /{$}", s.handle(s.showHome))
	mux.Handle("GET /articles/{slug}", s.handle(s.showArticle))
	mux.Handle("POST /articles/{slug}/comments", s.handle(s.postComment))
	mux.Handle("GET /articles/{slug}/comments/mine", s.handle(s.listOwnComments))
	mux.Handle("GET /articles/{slug}/comments/{id}/edit", s.handle(s.showCommentEdit))
	mux.Handle("POST /articles/{slug}/comments/{id}/edit", s.handle(s.editOwnComment))
	mux.Handle("POST /articles/{slug}/comments/{id}/delete", s.handle(s.deleteOwnComment))
	mux.Handle("GET /articles/{slug}/comments/{id}/report", s.handle(s.showReport))
	mux.Handle("POST /articles/{slug}/comments/{id}/report", s.handle(s.postReport))
	mux.Handle("GET /articles/{slug}/live", s.handle(s.followDiscussion))
	// Long discussions: parts, permalinks, recommendations (thread.go, recommend.go).
	mux.Handle("GET /articles/{slug}/comments/part", s.handle(s.showThreadPart))
	mux.Handle("GET /articles/{slug}/comments/{id}", s.handle(s.showCommentLink))
	mux.Handle("POST /articles/{slug}/comments/{id}/recommend", s.handle(s.recommendComment))
	mux.Handle("GET /articles/{slug}/comments/recommended", s.handle(s.listRecommended))
	mux.Handle("GET /authors/{slug}", s.handle(s.showAuthor))
	mux.Handle("GET /categories/{slug}", s.handle(s.showCategory))
	mux.Handle("GET /tags/{slug}", s.handle(s.showTag))
	mux.Handle("GET /archive", s.handle(s.showArchive))
	mux.Handle("GET /archive/{year}/{month}", s.handle(s.showArchiveMonth))
	mux.Handle("GET /corrections", s.handle(s.showCorrections))
	mux.Handle("GET /search", s.handle(s.showSearch)) // search.go
	mux.Handle("GET /preview/{token}", s.handle(s.showPreview))
	// A reader's own comments, and stopping reply emails (privacy.go, notify.go).
	mux.Handle("GET /comments/privacy", s.handle(s.showPrivacy))
	mux.Handle("POST /comments/privacy", s.handle(s.requestData))
	mux.Handle("GET /comments/privacy/link/{token}", s.handle(s.showDataLink))
	mux.Handle("POST /comments/privacy/link/{token}", s.handle(s.openDataLink))
	mux.Handle("GET /comments/privacy/mine", s.handle(s.showReaderComments))
	mux.Handle("GET /comments/privacy/mine.json", s.handle(s.downloadReaderComments))
	mux.Handle("POST /comments/privacy/erase", s.handle(s.eraseReaderComments))
	mux.Handle("GET /comments/unsubscribe/{token}", s.handle(s.showUnsubscribe))
	mux.Handle("POST /comments/unsubscribe/{token}", s.handle(s.unsubscribe))
	// Feeds (feeds.go), sitemaps and robots.txt (sitemap.go).
	mux.Handle("GET /feed.xml", s.handle(s.articleFeed(rssFormat, s.siteScope)))
	mux.Handle("GET /feed.atom", s.handle(s.articleFeed(atomFormat, s.siteScope)))
	mux.Handle("GET /categories/{slug}/feed.xml", s.handle(s.articleFeed(rssFormat, s.categoryScope)))
	mux.Handle("GET /categories/{slug}/feed.atom", s.handle(s.articleFeed(atomFormat, s.categoryScope)))
	mux.Handle("GET /tags/{slug}/feed.xml", s.handle(s.articleFeed(rssFormat, s.tagScope)))
	mux.Handle("GET /tags/{slug}/feed.atom", s.handle(s.articleFeed(atomFormat, s.tagScope)))
	mux.Handle("GET /authors/{slug}/feed.xml", s.handle(s.articleFeed(rssFormat, s.authorScope)))
	mux.Handle("GET /authors/{slug}/feed.atom", s.handle(s.articleFeed(atomFormat, s.authorScope)))
	mux.Handle("GET /articles/{slug}/comments/feed.xml", s.handle(s.commentFeed(rssFormat)))
	mux.Handle("GET /articles/{slug}/comments/feed.atom", s.handle(s.commentFeed(atomFormat)))
	mux.Handle("GET /sitemap.xml", s.handle(s.showSitemapIndex))
	mux.Handle("GET /sitemaps/{name}", s.handle(s.showSitemap))
	mux.Handle("GET /robots.txt", s.handle(s.showRobots))
	mux.HandleFunc("GET /static/{hash}/{name...}", s.serveAsset)
	mux.HandleFunc("GET /favicon.ico", s.serveIcon)
	mux.Handle("GET /healthz", s.handle(s.health))
	// Not found, unless it is an old WordPress address (legacy.go).
	mux.Handle("/", s.handle(s.showMoved))
	return mux
}
