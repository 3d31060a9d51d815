package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/markup"
	"github.com/qalamnews/qalam/internal/view"
)

// postJSON posts an empty form as the page script does, asking for JSON.
func (r *reader) postJSON(path string) response {
	r.f.t.Helper()
	return r.send(path, map[string]string{"Accept": "application/json"})
}

// send posts an empty form with the given headers, from the site's own
// pages (as a browser's Origin says).
func (r *reader) send(path string, headers map[string]string) response {
	r.f.t.Helper()
	req, err := http.NewRequest("POST", r.f.srv.URL+path, strings.NewReader(""))
	if err != nil {
		r.f.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", r.f.srv.URL)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		r.f.t.Fatal(err)
	}
	return r.read(resp)
}

type recommendAnswer struct {
	ID    int64 `json:"id"`
	Count int   `json:"count"`
	Added bool  `json:"added"`
}

func recommendResult(t *testing.T, got response) recommendAnswer {
	t.Helper()
	var a recommendAnswer
	if got.status != 200 || json.Unmarshal([]byte(got.body), &a) != nil {
		t.Fatalf("recommend = %d %s", got.status, got.body)
	}
	return a
}

func shownCount(t *testing.T, f *fixture, r *reader, path string, c *qalam.Comment) string {
	t.Helper()
	page := r.get(path)
	return text(find(find(page.doc, byID(c.Anchor())), byClass("recommend-count")))
}

func TestRecommend_OncePerReader(t *testing.T) {
	f := newFixture(t)
	c := f.addComment(f.article, 0, "Kamran Ali", "Worth reading.", qalam.Approved)
	path := view.ArticlePath(f.article.Slug)
	action := path + "/comments/" + itoa(c.ID) + "/recommend"
	first, second := f.newReader(), f.newReader()
	steps := []struct {
		name      string
		who       *reader
		wantCount int
		wantAdded bool
	}{
		{"a reader's recommendation counts", first, 1, true},
		{"the same reader's second does not", first, 1, false},
		{"another reader's counts", second, 2, true},
		{"and again not", second, 2, false},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			got := recommendResult(t, s.who.postJSON(action))
			if got != (recommendAnswer{ID: c.ID, Count: s.wantCount, Added: s.wantAdded}) {
				t.Errorf("answer = %+v, want count %d added %v", got, s.wantCount, s.wantAdded)
			}
		})
	}
	if got := shownCount(t, f, f.newReader(), path, c); got != "2" {
		t.Errorf("count on the page = %q, want 2", got)
	}
	// The script asks which comments this browser recommended.
	for _, tt := range []struct {
		who  *reader
		want string
	}{{first, `{"comments":[` + itoa(c.ID) + `]}`}, {f.newReader(), `{"comments":[]}`}} {
		if got := tt.who.get(path + "/comments/recommended"); got.body != tt.want {
			t.Errorf("recommended = %s, want %s", got.body, tt.want)
		}
	}
}

func TestRecommend_WithoutTheScriptReturnsToThePart(t *testing.T) {
	f := newFixture(t)
	c := f.addComment(f.article, 0, "Kamran Ali", "Worth reading.", qalam.Approved)
	path := view.ArticlePath(f.article.Slug)
	action := path + "/comments/" + itoa(c.ID) + "/recommend"
	tests := []struct {
		name, referer, want string
	}{
		{"from the article page", f.srv.URL + path, path + "#" + c.Anchor()},
		{"from a sorted part", f.srv.URL + path + "?sort=top&after=9&x=1", path + "?after=9&sort=top#" + c.Anchor()},
		{"from elsewhere", "https://elsewhere.example/" + path, path + "?comment=" + itoa(c.ID) + "#" + c.Anchor()},
		{"from nowhere", "", path + "?comment=" + itoa(c.ID) + "#" + c.Anchor()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.newReader()
			headers := map[string]string{}
			if tt.referer != "" {
				headers["Referer"] = tt.referer
			}
			got := r.send(action, headers)
			if got.status != 303 || got.header.Get("Location") != tt.want {
				t.Errorf("answer = %d %q, want 303 %q", got.status, got.header.Get("Location"), tt.want)
			}
		})
	}
	if got := shownCount(t, f, f.newReader(), path, c); got != "4" {
		t.Errorf("count = %q, want 4", got)
	}
}

func TestRecommend_Refused(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	path := view.ArticlePath(f.article.Slug)
	held := f.addComment(f.article, 0, "Sadia Khan", "Still held.", qalam.Pending)
	onClosed := &qalam.Comment{ArticleID: f.closed.ID, AuthorName: "Imran", AuthorEmail: "imran@example.org", Body: "Before it closed.",
		BodyHTML: markup.Comment("Before it closed."), Status: qalam.Approved, IdempotencyKey: "closed-recommend"}
	must(t, f.st.CreateComments(ctx, []*qalam.Comment{onClosed}))
	tests := []struct {
		name, path string
		want       int
	}{
		{"held comment", path + "/comments/" + itoa(held.ID) + "/recommend", 404},
		{"unknown comment", path + "/comments/999999/recommend", 404},
		{"comment on another article", view.ArticlePath(f.urdu.Slug) + "/comments/" + itoa(onClosed.ID) + "/recommend", 404},
		{"closed discussion", view.ArticlePath(f.closed.Slug) + "/comments/" + itoa(onClosed.ID) + "/recommend", 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := f.newReader().postJSON(tt.path); got.status != tt.want {
				t.Errorf("status %d, want %d", got.status, tt.want)
			}
		})
	}
	// Closed: the count shows, the button is disabled.
	page := f.newReader().get(view.ArticlePath(f.closed.Slug))
	button := find(find(page.doc, byID(onClosed.Anchor())), byClass("recommend-button"))
	if button == nil || !hasAttr(button, "disabled") {
		t.Error("the closed discussion's recommend button is not disabled")
	}
}

func TestRecommend_AddressLimits(t *testing.T) {
	f := newFixture(t)
	c := f.addComment(f.article, 0, "Kamran Ali", "Worth reading.", qalam.Approved)
	other := f.addComment(f.article, 0, "Sadia Khan", "Also worth it.", qalam.Approved)
	path := view.ArticlePath(f.article.Slug)
	// Every reader of these tests comes from one address: a few may each
	// recommend the same comment, a script clearing its cookies may not
	// go on.
	for i := range 5 {
		if got := recommendResult(t, f.newReader().postJSON(path+"/comments/"+itoa(c.ID)+"/recommend")); got.Count != i+1 {
			t.Fatalf("reader %d: count %d", i+1, got.Count)
		}
	}
	got := f.newReader().postJSON(path + "/comments/" + itoa(c.ID) + "/recommend")
	if got.status != http.StatusTooManyRequests {
		t.Errorf("sixth reader from the address = %d, want 429", got.status)
	}
	if got := recommendResult(t, f.newReader().postJSON(path+"/comments/"+itoa(other.ID)+"/recommend")); got.Count != 1 {
		t.Errorf("another comment from the address: count %d, want 1", got.Count)
	}
}

func TestLive_StreamsRecommendationCounts(t *testing.T) {
	f := newFixture(t)
	c := f.addComment(f.article, 0, "Kamran Ali", "Worth reading.", qalam.Approved)
	events := openStream(t, f, f.article, c.ID)
	next(t, events, "count")
	recommendResult(t, f.newReader().postJSON(view.ArticlePath(f.article.Slug)+"/comments/"+itoa(c.ID)+"/recommend"))
	if got, want := next(t, events, "counts").data, `{"`+itoa(c.ID)+`":1}`; got != want {
		t.Errorf("counts event = %s, want %s", got, want)
	}
}
