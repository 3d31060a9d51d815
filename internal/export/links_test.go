package export

import (
	"net/url"
	"testing"
)

func TestFileFor(t *testing.T) {
	tests := []struct{ path, query, want string }{
		{"/", "", "index.html"},
		{"/articles/water-board", "", "articles/water-board/index.html"},
		{"/articles/water-board/", "", "articles/water-board/index.html"},
		{"/feed.xml", "", "feed.xml"},
		{"/static/abc/css/site.css", "", "static/abc/css/site.css"},
		{"/", "before=2026-05-01T10:00:00Z", "q/before-2026-05-01T10~3A00~3A00Z/index.html"},
		{"/articles/x", "sort=top&after=12.5", "articles/x/q/after-12.5/sort-top/index.html"},
		{"/articles/x", "after=12.5&sort=top", "articles/x/q/after-12.5/sort-top/index.html"},
		{"/tags/کتب", "", "tags/کتب/index.html"},
		{"/../../etc/passwd", "", "etc/passwd/index.html"},
		{"/", "a=..", "q/a-~2E./index.html"},
	}
	for _, tt := range tests {
		t.Run(tt.path+"?"+tt.query, func(t *testing.T) {
			if got := fileFor(tt.path, tt.query); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRelative(t *testing.T) {
	tests := []struct{ from, to, want string }{
		{"index.html", "articles/x/index.html", "articles/x/index.html"},
		{"articles/x/index.html", "index.html", "../../index.html"},
		{"articles/x/index.html", "articles/x/index.html", "index.html"},
		{"articles/x/index.html", "articles/x/q/sort-top/index.html", "q/sort-top/index.html"},
		{"articles/x/q/sort-top/index.html", "articles/y/index.html", "../../../y/index.html"},
		{"static/a/css/site.css", "static/a/fonts/f.woff2", "../fonts/f.woff2"},
	}
	for _, tt := range tests {
		t.Run(tt.from+" to "+tt.to, func(t *testing.T) {
			if got := relative(tt.from, tt.to); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRewriteHTML(t *testing.T) {
	l := &linker{hosts: []*url.URL{{Scheme: "https", Host: "gazette.test"}}}
	page, _ := url.Parse("https://gazette.test/articles/x")
	in := `<link rel="canonical" href="https://gazette.test/articles/x">` +
		`<script type="application/ld+json">{"url":"https://gazette.test/articles/x","a":"<&>"}</script>` +
		`<a href="/tags/water#top">Water</a> <a href="https://other.example/">other</a> ` +
		`<a data-live href="https://gazette.test/articles/x#comments">live</a> <a href="#c-1">here</a>` +
		`<img src="/media/p.jpg" srcset="/media/p-480.jpg 480w, /media/p-960.jpg 960w">` +
		`<a href="/?before=5">older</a>`
	want := `<link rel="canonical" href="index.html">` +
		`<script type="application/ld+json">{"url":"https://gazette.test/articles/x","a":"<&>"}</script>` +
		`<a href="../../tags/water/index.html#top">Water</a> <a href="https://other.example/">other</a> ` +
		`<a data-live href="https://gazette.test/articles/x#comments">live</a> <a href="#c-1">here</a>` +
		`<img src="../../media/p.jpg" srcset="../../media/p-480.jpg 480w, ../../media/p-960.jpg 960w">` +
		`<a href="../../q/before-5/index.html">older</a>`
	got, found := l.rewriteHTML(page, "articles/x/index.html", []byte(in))
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if len(found) != 6 {
		t.Errorf("found %d internal links, want 6: %+v", len(found), found)
	}
}
