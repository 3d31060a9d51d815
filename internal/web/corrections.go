package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/view"
)

// showCorrections lists every correction and update, newest first: the
// publication's public record of its own mistakes.
func (s *Site) showCorrections(w http.ResponseWriter, r *http.Request) error {
	return s.serveShared(w, r, "site/corrections", func(ctx context.Context) (any, error) {
		var before time.Time
		if v := r.URL.Query().Get("before"); v != "" {
			us, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return nil, qalam.Errorf(qalam.KindNotFound, "That page of corrections does not exist.")
			}
			before = time.UnixMicro(us).UTC()
		}
		entries, err := s.store.FindCorrections(ctx, perPage, before)
		if err != nil {
			return nil, err
		}
		p := view.CorrectionsPage{Page: s.page(ctx)}
		p.Title = view.Message(p.Language(), "corrections_title")
		p.Canonical = s.opts.BaseURL + "/corrections"
		for _, e := range entries {
			p.Entries = append(p.Entries, view.CorrectionEntry{Correction: e.Correction, ArticleSlug: e.ArticleSlug, ArticleHeadline: e.ArticleHeadline, ArticleLanguage: e.ArticleLanguage})
		}
		if len(entries) == perPage {
			p.Older = "/corrections?before=" + strconv.FormatInt(entries[len(entries)-1].CreatedAt.UnixMicro(), 10)
		}
		return p, nil
	})
}

// showPreview shows an unpublished article to whoever holds its preview
// link, until an editor revokes it. Nothing of it is cached or indexed.
func (s *Site) showPreview(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	if len(token) < 20 || len(token) > 100 {
		return qalam.Errorf(qalam.KindNotFound, "This preview link does not exist or was revoked.")
	}
	a, err := s.store.ArticleByPreviewToken(r.Context(), tokenHash(token))
	if err != nil {
		if isNotFound(err) {
			return qalam.Errorf(qalam.KindNotFound, "This preview link does not exist or was revoked.")
		}
		return err
	}
	page := s.articlePage(r.Context(), &articleEntry{article: a}, view.CommentForm{Closed: true})
	page.Preview, page.PreviewLink = true, true
	page.NoIndex = true
	page.Canonical = ""
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("X-Robots-Tag", "noindex, nofollow")
	return s.view.Render(w, http.StatusOK, "site/article", page)
}
