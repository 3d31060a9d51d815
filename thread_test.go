package qalam_test

import (
	"fmt"
	"testing"

	"github.com/qalamnews/qalam"
)

// threadWithSizes builds top-level threads of the given sizes, in ID
// order: each thread is its root and then replies, each to the one before
// it (so they nest).
func threadWithSizes(sizes ...int) []*qalam.Comment {
	var cs []*qalam.Comment
	id := int64(0)
	for _, size := range sizes {
		for i := range size {
			id++
			c := &qalam.Comment{ID: id}
			if i > 0 {
				c.ParentID = id - 1
			}
			cs = append(cs, c)
		}
	}
	return cs
}

func rootIDs(cs []*qalam.Comment) []int64 {
	ids := make([]int64, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	return ids
}

// partsOf follows the parts of an order from the first to the last, as a
// reader clicking "Show more comments" does, and returns each part's root
// IDs.
func partsOf(t *testing.T, o *qalam.ThreadOrder) [][]int64 {
	t.Helper()
	var out [][]int64
	var after *qalam.ThreadCursor
	for range 1000 {
		p := o.Part(after)
		out = append(out, rootIDs(p.Roots))
		if p.Next == nil {
			return out
		}
		// The cursor goes through a URL and back.
		c, ok := qalam.ParseThreadCursor(p.Next.String())
		if !ok || c != *p.Next {
			t.Fatalf("cursor %+v reads back as %+v, %v", *p.Next, c, ok)
		}
		after = &c
	}
	t.Fatal("parts never end")
	return nil
}

func TestThread_PartsKeepWholeThreadsWithinTheBudget(t *testing.T) {
	tests := []struct {
		name  string
		sizes []int
		want  string // root IDs per part
	}{
		{"small thread is one part", []int{1, 2, 3}, "[[1 2 4]]"},
		{"budget of comments ends a part before a thread that would pass it",
			[]int{150, 40, 20, 5}, "[[1 151] [191 211]]"},
		{"a thread larger than the budget is a part of its own, whole",
			[]int{10, 500, 3}, "[[1] [11] [511]]"},
		{"at most PartThreads threads per part", ones(qalam.PartThreads + 3), fmt.Sprint([][]int64{seq(1, qalam.PartThreads), seq(qalam.PartThreads+1, qalam.PartThreads+3)})},
		{"empty thread is one empty part", nil, "[[]]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			th := qalam.NewThread(threadWithSizes(tt.sizes...), 6)
			got := fmt.Sprint(partsOf(t, th.Order(qalam.SortOldest, nil)))
			if got != tt.want {
				t.Errorf("parts = %s, want %s", got, tt.want)
			}
		})
	}
}

func ones(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = 1
	}
	return s
}

func seq(from, to int64) []int64 {
	var s []int64
	for i := from; i <= to; i++ {
		s = append(s, i)
	}
	return s
}

func TestThread_PartsCoverEveryCommentOnceWithItsParent(t *testing.T) {
	cs := threadOf(5000)
	th := qalam.NewThread(cs, 6)
	counts := func(id int64) int { return int(id*7919) % 13 }
	for _, sort := range qalam.ThreadSorts {
		t.Run(string(sort), func(t *testing.T) {
			o := th.Order(sort, counts)
			seen := map[int64]bool{}
			var after *qalam.ThreadCursor
			parts := 0
			for {
				p := o.Part(after)
				parts++
				n := 0
				var walk func(parent *qalam.Comment, cs []*qalam.Comment)
				walk = func(parent *qalam.Comment, cs []*qalam.Comment) {
					for _, c := range cs {
						if seen[c.ID] {
							t.Fatalf("comment %d in two parts", c.ID)
						}
						seen[c.ID] = true
						n++
						if parent == nil && c.ParentID != 0 {
							t.Fatalf("reply %d is at the top of a part", c.ID)
						}
						walk(c, c.Replies)
					}
				}
				walk(nil, p.Roots)
				if n != p.Comments {
					t.Errorf("part says %d comments, holds %d", p.Comments, n)
				}
				if n > qalam.PartComments && len(p.Roots) > 1 {
					t.Errorf("part of %d threads holds %d comments, over the budget", len(p.Roots), n)
				}
				if p.Remaining != len(cs)-len(seen) {
					t.Errorf("part says %d remain, %d do", p.Remaining, len(cs)-len(seen))
				}
				if p.Next == nil {
					break
				}
				after = p.Next
			}
			if len(seen) != len(cs) {
				t.Errorf("parts hold %d comments, want %d", len(seen), len(cs))
			}
			if parts < 5000/qalam.PartComments {
				t.Errorf("%d parts for 5000 comments", parts)
			}
		})
	}
}

func TestThread_Orders(t *testing.T) {
	// Roots 1, 3, 4, 6; 2 replies to 1 and 5 to 4.
	cs := []*qalam.Comment{{ID: 1}, {ID: 2, ParentID: 1}, {ID: 3}, {ID: 4}, {ID: 5, ParentID: 4}, {ID: 6}}
	counts := map[int64]int{1: 2, 2: 9, 3: 5, 4: 2, 6: 0}
	th := qalam.NewThread(cs, 6)
	tests := []struct {
		sort qalam.ThreadSort
		want string
	}{
		{qalam.SortOldest, "[1 3 4 6]"},
		{qalam.SortNewest, "[6 4 3 1]"},
		// By count, oldest first among equals; a reply's count does not
		// lift its thread.
		{qalam.SortTop, "[3 1 4 6]"},
	}
	for _, tt := range tests {
		t.Run(string(tt.sort), func(t *testing.T) {
			o := th.Order(tt.sort, func(id int64) int { return counts[id] })
			if got := fmt.Sprint(rootIDs(o.Roots)); got != tt.want {
				t.Errorf("order = %s, want %s", got, tt.want)
			}
			if got := render(o.Roots[len(o.Roots)-1:]); tt.sort == qalam.SortOldest && got != "6" {
				t.Errorf("last thread = %s", got)
			}
		})
	}
}

func TestThread_CursorStaysPutWhileCommentsArrive(t *testing.T) {
	// 120 threads of 3 comments: 50 threads a part.
	sizes := make([]int, 120)
	for i := range sizes {
		sizes[i] = 3
	}
	cs := threadWithSizes(sizes...)
	for _, sort := range []qalam.ThreadSort{qalam.SortOldest, qalam.SortNewest} {
		t.Run(string(sort), func(t *testing.T) {
			first := qalam.NewThread(cs, 6).Order(sort, nil).Part(nil)
			want := rootIDs(qalam.NewThread(cs, 6).Order(sort, nil).Part(first.Next).Roots)
			// Ten new top-level comments and a reply to the first one arrive
			// before the reader asks for more.
			more := append([]*qalam.Comment{}, cs...)
			next := int64(len(cs))
			for range 10 {
				next++
				more = append(more, &qalam.Comment{ID: next})
			}
			next++
			more = append(more, &qalam.Comment{ID: next, ParentID: 1})
			got := rootIDs(qalam.NewThread(more, 6).Order(sort, nil).Part(first.Next).Roots)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("second part = %v, want %v as before", got, want)
			}
		})
	}
}

func TestThread_PartWith(t *testing.T) {
	cs := threadWithSizes(150, 40, 20, 5) // parts: [1 151] [191 211]
	th := qalam.NewThread(cs, 6)
	o := th.Order(qalam.SortOldest, nil)
	tests := []struct {
		name  string
		id    int64
		want  string
		found bool
	}{
		{"a root in the first part", 151, "[1 151]", true},
		{"a deep reply in the first part", 100, "[1 151]", true},
		{"a reply in a later part", 213, "[191 211]", true},
		{"a comment not in the thread", 9999, "[]", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ok := o.PartWith(tt.id)
			if ok != tt.found || fmt.Sprint(rootIDs(p.Roots)) != tt.want {
				t.Errorf("PartWith(%d) = %v, %v; want %s, %v", tt.id, rootIDs(p.Roots), ok, tt.want, tt.found)
			}
			if ok && p.First != (tt.want == "[1 151]") {
				t.Errorf("First = %v", p.First)
			}
		})
	}
}

func TestParseThreadCursor(t *testing.T) {
	tests := []struct {
		in   string
		want qalam.ThreadCursor
		ok   bool
	}{
		{"42", qalam.ThreadCursor{ID: 42}, true},
		{"42.7", qalam.ThreadCursor{ID: 42, Count: 7}, true},
		{"", qalam.ThreadCursor{}, false},
		{"0", qalam.ThreadCursor{}, false},
		{"-3", qalam.ThreadCursor{}, false},
		{"42.-1", qalam.ThreadCursor{}, false},
		{"42.x", qalam.ThreadCursor{}, false},
		{"x", qalam.ThreadCursor{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := qalam.ParseThreadCursor(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("ParseThreadCursor(%q) = %+v, %v; want %+v, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func BenchmarkThread_FirstPart(b *testing.B) {
	for _, n := range []int{500, 5000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			cs := threadOf(n)
			counts := func(id int64) int { return int(id % 17) }
			b.ReportAllocs()
			for b.Loop() {
				th := qalam.NewThread(cs, 6)
				th.Order(qalam.SortTop, counts).Part(nil)
			}
		})
	}
}
