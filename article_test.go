package qalam_test

import (
	"errors"
	"testing"

	"github.com/qalamnews/qalam"
)

func TestSlugify(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Water board meets on the Nurpur supply", "water-board-meets-on-the-nurpur-supply"},
		{"  Budget: 2027 -- what changed?  ", "budget-2027-what-changed"},
		{"کتب خانہ دوبارہ کھل گیا", "کتب-خانہ-دوبارہ-کھل-گیا"},
		{"!!!", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := qalam.Slugify(tt.in)
			if got != tt.want {
				t.Errorf("Slugify = %q, want %q", got, tt.want)
			}
			if got != "" && !qalam.ValidSlug(got) {
				t.Errorf("Slugify gave an invalid slug %q", got)
			}
		})
	}
}

func TestArticle_Validate(t *testing.T) {
	valid := func() qalam.Article {
		return qalam.Article{Slug: "a-story", Language: qalam.English, Label: qalam.News, Status: qalam.Published,
			Headline: "A story", Body: "Text", CategoryID: 1, AuthorIDs: []int64{1}}
	}
	tests := []struct {
		name      string
		edit      func(*qalam.Article)
		wantField string
	}{
		{"valid", func(*qalam.Article) {}, ""},
		{"bad slug", func(a *qalam.Article) { a.Slug = "a story/../x" }, "slug"},
		{"unknown language", func(a *qalam.Article) { a.Language = "fr" }, "language"},
		{"unknown label", func(a *qalam.Article) { a.Label = "gossip" }, "label"},
		{"no headline", func(a *qalam.Article) { a.Headline = " " }, "headline"},
		{"no category", func(a *qalam.Article) { a.CategoryID = 0 }, "category"},
		{"no author", func(a *qalam.Article) { a.AuthorIDs = nil }, "authors"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := valid()
			tt.edit(&a)
			err := a.Validate()
			if tt.wantField == "" {
				if err != nil {
					t.Fatalf("Validate = %v", err)
				}
				return
			}
			var qe *qalam.Error
			if !errors.As(err, &qe) || qe.Fields[tt.wantField] == "" {
				t.Errorf("Validate = %v, want a message for %q", err, tt.wantField)
			}
		})
	}
}

func TestErrorKinds(t *testing.T) {
	err := qalam.Errorf(qalam.KindNotFound, "article %q not found", "x")
	wrapped := errors.Join(errors.New("context"), err)
	if !errors.Is(wrapped, qalam.ErrNotFound) {
		t.Error("errors.Is does not match the kind through wrapping")
	}
	if errors.Is(wrapped, qalam.ErrConflict) {
		t.Error("a not-found error matches conflict")
	}
	if got := qalam.KindOf(errors.New("boom")); got != qalam.KindInternal {
		t.Errorf("unclassified kind = %v, want internal", got)
	}
	if got := qalam.MessageOf(errors.New("pq: secret detail")); got == "pq: secret detail" {
		t.Error("an internal error's detail reaches users")
	}
	if got := qalam.MessageOf(err); got != `article "x" not found` {
		t.Errorf("message = %q", got)
	}
}
