package moderation

import (
	"testing"
	"time"

	"github.com/qalamnews/qalam"
)

func hours(h int) *time.Duration {
	d := time.Duration(h) * time.Hour
	return &d
}

func links(n int) *int { return &n }

func TestResolve(t *testing.T) {
	atOnce := CloseAtOnce
	never := time.Duration(0)
	tests := []struct {
		name                    string
		article, tags, category []Override
		site                    Override
		want                    Policy
	}{
		{
			name: "nothing set: the default",
			want: Policy{Mode: HoldFirst, CloseAfter: 0, MaxLinks: NoLinkLimit},
		},
		{
			name: "the site's policy",
			site: Override{Mode: PostModerate, CloseAfter: hours(24 * 14), MaxLinks: links(2)},
			want: Policy{Mode: PostModerate, CloseAfter: 14 * 24 * time.Hour, MaxLinks: 2},
		},
		{
			// The example: everything tagged X is pre-moderated,
			// closes after 48 hours and allows no links, whatever the
			// site and the category say.
			name:     "a tag pre-moderates, closes after 48 hours and allows no links",
			tags:     []Override{{Mode: PreModerate, CloseAfter: hours(48), MaxLinks: links(0)}},
			category: []Override{{Mode: PostModerate, CloseAfter: &never, MaxLinks: links(5)}},
			site:     Override{Mode: PostModerate, CloseAfter: &never, MaxLinks: links(NoLinkLimit)},
			want:     Policy{Mode: PreModerate, CloseAfter: 48 * time.Hour, MaxLinks: 0},
		},
		{
			name:     "the article's own policy beats its tag's, field by field",
			article:  []Override{{Mode: PostModerate}},
			tags:     []Override{{Mode: PreModerate, CloseAfter: hours(48), MaxLinks: links(0)}},
			category: []Override{{CloseAfter: hours(24)}},
			want:     Policy{Mode: PostModerate, CloseAfter: 48 * time.Hour, MaxLinks: 0},
		},
		{
			name: "several tags: the strictest of each field",
			tags: []Override{
				{Mode: HoldFirst, CloseAfter: hours(72), MaxLinks: links(NoLinkLimit)},
				{Mode: PostModerate, CloseAfter: &never, MaxLinks: links(3)},
				{CloseAfter: hours(24), MaxLinks: links(1)},
			},
			want: Policy{Mode: HoldFirst, CloseAfter: 24 * time.Hour, MaxLinks: 1},
		},
		{
			name: "closing at once is stricter than any time, never the loosest",
			tags: []Override{{CloseAfter: &never}, {CloseAfter: &atOnce}, {CloseAfter: hours(1)}},
			want: Policy{Mode: HoldFirst, CloseAfter: CloseAtOnce, MaxLinks: NoLinkLimit},
		},
		{
			name:     "a category fills in what the tags leave",
			tags:     []Override{{MaxLinks: links(0)}},
			category: []Override{{Mode: PreModerate, MaxLinks: links(4)}},
			site:     Override{CloseAfter: hours(24 * 30)},
			want:     Policy{Mode: PreModerate, CloseAfter: 30 * 24 * time.Hour, MaxLinks: 0},
		},
		{
			name:    "an article may loosen what its category sets",
			article: []Override{{MaxLinks: links(NoLinkLimit), CloseAfter: &never}},
			category: []Override{{
				MaxLinks: links(0), CloseAfter: &atOnce,
			}},
			want: Policy{Mode: HoldFirst, CloseAfter: 0, MaxLinks: NoLinkLimit},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Resolve(tt.article, tt.tags, tt.category, []Override{tt.site})
			if got != tt.want {
				t.Errorf("Resolve = %+v (%s), want %+v (%s)", got, got, tt.want, tt.want)
			}
		})
	}
}

func TestPolicy_Closing(t *testing.T) {
	published := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		closeAfter time.Duration
		published  time.Time
		now        time.Time
		wantAt     time.Time
		wantClosed bool
	}{
		{"never closes", 0, published, published.Add(10 * 365 * 24 * time.Hour), time.Time{}, false},
		{"open a moment before 48 hours", 48 * time.Hour, published, published.Add(48*time.Hour - time.Second), published.Add(48 * time.Hour), false},
		{"closed at 48 hours", 48 * time.Hour, published, published.Add(48 * time.Hour), published.Add(48 * time.Hour), true},
		{"closed at once", CloseAtOnce, published, published, published, true},
		{"closed at once before publication", CloseAtOnce, time.Time{}, published, time.Unix(0, 0).UTC(), true},
		{"the clock starts at publication", 48 * time.Hour, time.Time{}, published, time.Time{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Policy{Mode: HoldFirst, CloseAfter: tt.closeAfter, MaxLinks: NoLinkLimit}
			if got := p.ClosesAt(tt.published); !got.Equal(tt.wantAt) {
				t.Errorf("ClosesAt = %v, want %v", got, tt.wantAt)
			}
			if got := p.Closed(tt.published, tt.now); got != tt.wantClosed {
				t.Errorf("Closed = %v, want %v", got, tt.wantClosed)
			}
		})
	}
}

func TestOverride_Validate(t *testing.T) {
	atOnce := CloseAtOnce
	minutes := 90 * time.Minute
	tooLong := MaxCloseAfter + 24*time.Hour
	tests := []struct {
		name  string
		o     Override
		field string // "" when valid
	}{
		{"nothing set", Override{}, ""},
		{"every field", Override{Mode: PreModerate, CloseAfter: hours(48), MaxLinks: links(0)}, ""},
		{"closed at once, no link limit", Override{CloseAfter: &atOnce, MaxLinks: links(NoLinkLimit)}, ""},
		{"unknown mode", Override{Mode: "sometimes"}, "mode"},
		{"part of an hour", Override{CloseAfter: &minutes}, "close_after"},
		{"over ten years", Override{CloseAfter: &tooLong}, "close_after"},
		{"links below -1", Override{MaxLinks: links(-2)}, "max_links"},
		{"links over the bound", Override{MaxLinks: links(MaxLinkLimit + 1)}, "max_links"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.o.Validate()
			if tt.field == "" {
				if err != nil {
					t.Errorf("Validate = %v, want nil", err)
				}
				return
			}
			e, ok := err.(*qalam.Error)
			if !ok || e.Fields[tt.field] == "" {
				t.Errorf("Validate = %v, want an error at %s", err, tt.field)
			}
		})
	}
}

func TestPolicy_Describe(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{DefaultPolicy().String(), "first-time commenters held, never closes, any number of links"},
		{Policy{Mode: PreModerate, CloseAfter: 48 * time.Hour, MaxLinks: 0}.String(), "every comment pre-moderated, closes 2 days after publication, no links"},
		{Policy{Mode: PostModerate, CloseAfter: CloseAtOnce, MaxLinks: 1}.String(), "post-moderated, closed, at most 1 link"},
		{Override{}.String(), "inherits everything"},
		{Override{CloseAfter: hours(36), MaxLinks: links(3)}.String(), "inherits the mode, closes 36 hours after publication, at most 3 links"},
		{FormatHours(24 * time.Hour), "1 day"},
		{FormatHours(time.Hour), "1 hour"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}
