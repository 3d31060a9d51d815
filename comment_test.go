package qalam_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/qalamnews/qalam"
)

func TestBuildThread(t *testing.T) {
	c := func(id, parent int64) *qalam.Comment { return &qalam.Comment{ID: id, ParentID: parent} }
	tests := []struct {
		name     string
		comments []*qalam.Comment
		maxDepth int
		want     string
	}{
		{"flat", []*qalam.Comment{c(1, 0), c(2, 0)}, 5, "1 2"},
		{"three deep", []*qalam.Comment{c(1, 0), c(2, 1), c(3, 2), c(4, 0)}, 5, "1(2(3)) 4"},
		{"siblings keep order", []*qalam.Comment{c(1, 0), c(2, 1), c(3, 1), c(4, 2)}, 5, "1(2(4) 3)"},
		{"reply to a hidden parent is kept at the top", []*qalam.Comment{c(1, 0), c(3, 2)}, 5, "1 3"},
		{"depth is capped", []*qalam.Comment{c(1, 0), c(2, 1), c(3, 2), c(4, 3)}, 2, "1(2(3 4))"},
		{"empty", nil, 5, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := render(qalam.BuildThread(tt.comments, tt.maxDepth))
			if got != tt.want {
				t.Errorf("thread = %q, want %q", got, tt.want)
			}
		})
	}
}

func render(cs []*qalam.Comment) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = fmt.Sprint(c.ID)
		if len(c.Replies) > 0 {
			parts[i] += "(" + render(c.Replies) + ")"
		}
	}
	return strings.Join(parts, " ")
}

func TestBuildThread_SetsDepth(t *testing.T) {
	cs := []*qalam.Comment{{ID: 1}, {ID: 2, ParentID: 1}, {ID: 3, ParentID: 2}}
	qalam.BuildThread(cs, 10)
	for i, want := range []int{0, 1, 2} {
		if cs[i].Depth != want {
			t.Errorf("comment %d depth = %d, want %d", cs[i].ID, cs[i].Depth, want)
		}
	}
}

// threadOf builds n comments where every fourth starts a new thread and the
// rest reply to a recent comment, as in a busy discussion.
func threadOf(n int) []*qalam.Comment {
	cs := make([]*qalam.Comment, n)
	for i := range cs {
		cs[i] = &qalam.Comment{ID: int64(i + 1)}
		if i%4 != 0 {
			cs[i].ParentID = int64(i - i%3)
		}
	}
	return cs
}

func BenchmarkBuildThread(b *testing.B) {
	for _, n := range []int{500, 5000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			cs := threadOf(n)
			b.ReportAllocs()
			for b.Loop() {
				qalam.BuildThread(cs, 6)
			}
		})
	}
}

func TestCommentStatus_CanBecome(t *testing.T) {
	tests := []struct {
		from, to qalam.CommentStatus
		want     bool
	}{
		{qalam.Pending, qalam.Approved, true},
		{qalam.Pending, qalam.Spam, true},
		{qalam.Approved, qalam.Deleted, true},
		{qalam.Deleted, qalam.Approved, true},
		{qalam.Spam, qalam.Approved, true},
		{qalam.Approved, qalam.Pending, false},
		{qalam.Approved, qalam.Approved, false},
		{qalam.Pending, "published", false},
	}
	for _, tt := range tests {
		t.Run(string(tt.from)+" to "+string(tt.to), func(t *testing.T) {
			if got := tt.from.CanBecome(tt.to); got != tt.want {
				t.Errorf("CanBecome = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestComment_Validate(t *testing.T) {
	valid := func() qalam.Comment {
		return qalam.Comment{AuthorName: "Farah", AuthorEmail: "farah@example.org", Body: "Hello"}
	}
	tests := []struct {
		name      string
		edit      func(*qalam.Comment)
		wantField string
	}{
		{"valid", func(*qalam.Comment) {}, ""},
		{"valid Urdu with joiners", func(c *qalam.Comment) { c.AuthorName = "فرح"; c.Body = "می\u200cخواہم \u200f" }, ""},
		{"missing name", func(c *qalam.Comment) { c.AuthorName = "" }, "name"},
		{"name only of bidi overrides", func(c *qalam.Comment) { c.AuthorName = "\u202e\u202e" }, "name"},
		{"missing email", func(c *qalam.Comment) { c.AuthorEmail = "" }, "email"},
		{"email with display name", func(c *qalam.Comment) { c.AuthorEmail = "Farah <farah@example.org>" }, "email"},
		{"email without domain dot", func(c *qalam.Comment) { c.AuthorEmail = "farah@localhost" }, "email"},
		{"javascript website", func(c *qalam.Comment) { c.AuthorURL = "javascript:alert(1)" }, "url"},
		{"website without scheme gets https", func(c *qalam.Comment) { c.AuthorURL = "example.net/farah" }, ""},
		{"body exactly 5000 characters", func(c *qalam.Comment) { c.Body = strings.Repeat("ہ", 5000) }, ""},
		{"body over 5000 characters is rejected, not cut", func(c *qalam.Comment) { c.Body = strings.Repeat("ہ", 5001) }, "body"},
		{"NUL in body", func(c *qalam.Comment) { c.Body = "a\x00b" }, "body"},
		{"invalid UTF-8", func(c *qalam.Comment) { c.Body = "a\xffb" }, "body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid()
			tt.edit(&c)
			c.Normalize()
			err := c.Validate()
			if tt.wantField == "" {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			qe, ok := err.(*qalam.Error)
			if !ok || qe.Kind != qalam.KindInvalid {
				t.Fatalf("Validate = %v, want an invalid-input error", err)
			}
			if _, ok := qe.Fields[tt.wantField]; !ok {
				t.Errorf("fields = %v, want one for %q", qe.Fields, tt.wantField)
			}
		})
	}
}

func TestComment_NormalizeStripsBidiControlsFromNames(t *testing.T) {
	c := qalam.Comment{AuthorName: "  Farah\u202e evil \u2066x ", Body: "keep \u200f this\r\n"}
	c.Normalize()
	if c.AuthorName != "Farah evil x" {
		t.Errorf("name = %q", c.AuthorName)
	}
	if c.Body != "keep \u200f this" {
		t.Errorf("body = %q: marks needed by Urdu must stay", c.Body)
	}
}
