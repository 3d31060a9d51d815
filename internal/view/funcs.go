package view

import (
	"html/template"
	"net/url"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/media"
)

func funcs(assets *Assets) template.FuncMap {
	return template.FuncMap{
		"asset":     assets.URL,
		"t":         messageFunc,
		"date":      formatDate,
		"month":     formatMonth,
		"num":       formatNumber,
		"datetime":  func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"ncomments": countComments,
		"label":     func(l qalam.Label, lang qalam.Language) string { return l.Title(lang) },
		// sanitised marks HTML that package markup produced (article
		// bodies, editor's notes, comment bodies) as safe to insert. It is
		// the only path from a string to template.HTML: never call it on
		// anything else.
		"sanitised":    func(s string) template.HTML { return template.HTML(s) },
		"articlePath":  ArticlePath,
		"mediaURL":     media.URL,
		"srcset":       func(m *qalam.Media) string { return media.Srcset(m) },
		"authorPath":   func(slug string) string { return "/authors/" + url.PathEscape(slug) },
		"categoryPath": func(slug string) string { return "/categories/" + url.PathEscape(slug) },
		"tagPath":      func(slug string) string { return "/tags/" + url.PathEscape(slug) },
		"last":         func(i, n int) bool { return i == n-1 },
		// can tells the newsroom's menu what to offer; the routes enforce
		// the same rule on every request.
		"can": func(u *qalam.User, act string) bool { return qalam.Can(u, qalam.Action(act), qalam.Target{}) },
	}
}

// ArticlePath is the path of an article's page.
func ArticlePath(slug string) string { return "/articles/" + url.PathEscape(slug) }
