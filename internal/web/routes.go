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
	mux.Handle("GET /authors/{slug}", s.handle(s.showAuthor))
	mux.Handle("GET /categories/{slug}", s.handle(s.showCategory))
	mux.Handle("GET /tags/{slug}", s.handle(s.showTag))
	mux.Handle("GET /corrections", s.handle(s.showCorrections))
	mux.Handle("GET /preview/{token}", s.handle(s.showPreview))
	mux.HandleFunc("GET /static/{hash}/{name...}", s.serveAsset)
	mux.HandleFunc("GET /favicon.ico", s.serveIcon)
	mux.Handle("GET /healthz", s.handle(s.health))
	mux.Handle("/", s.handle(notFound))
	return mux
}
