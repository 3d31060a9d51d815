package qalam_test

import (
	"testing"
	"time"

	"github.com/qalamnews/qalam"
)

func TestBuildThread_ErasedComments(t *testing.T) {
	erasedAt := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	c := func(id, parent int64) *qalam.Comment { return &qalam.Comment{ID: id, ParentID: parent} }
	x := func(id, parent int64) *qalam.Comment {
		return &qalam.Comment{ID: id, ParentID: parent, ErasedAt: erasedAt}
	}
	tests := []struct {
		name     string
		comments []*qalam.Comment
		want     string
	}{
		{"erased with a reply stays as its parent", []*qalam.Comment{x(1, 0), c(2, 1)}, "1(2)"},
		{"erased without replies disappears", []*qalam.Comment{c(1, 0), x(2, 0), c(3, 0)}, "1 3"},
		{"erased reply without replies disappears", []*qalam.Comment{c(1, 0), x(2, 1), c(3, 1)}, "1(3)"},
		{"erased parent of only erased replies disappears with them", []*qalam.Comment{x(1, 0), x(2, 1), x(3, 2), c(4, 0)}, "4"},
		{"erased chain above a visible reply stays", []*qalam.Comment{x(1, 0), x(2, 1), c(3, 2)}, "1(2(3))"},
		{"all erased leaves nothing", []*qalam.Comment{x(1, 0), x(2, 0)}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := render(qalam.BuildThread(tt.comments, 5))
			if got != tt.want {
				t.Errorf("thread = %q, want %q", got, tt.want)
			}
		})
	}
}
