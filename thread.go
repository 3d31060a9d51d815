package qalam

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// A long discussion is read in parts. A part is a run of whole top-level
// threads (a top-level comment with all its replies), so a reply is never
// separated from what it answers. Parts follow one of three orders of the
// top-level comments; replies inside a thread are always oldest first.
// Where a part ends is a cursor naming its last top-level comment, not a
// page number, so the next part stays the same while new comments arrive.

// ThreadSort is an order of a discussion's top-level comments.
type ThreadSort string

// The orders readers can choose. Oldest is the default.
const (
	SortOldest ThreadSort = "oldest"
	SortNewest ThreadSort = "newest"
	SortTop    ThreadSort = "top" // most recommended first, oldest first among equals
)

// ThreadSorts lists the orders in the order a sort control offers them.
var ThreadSorts = []ThreadSort{SortOldest, SortNewest, SortTop}

// ParseThreadSort reads a sort as a URL carries it; the empty string is the
// default order.
func ParseThreadSort(s string) (ThreadSort, bool) {
	switch ThreadSort(s) {
	case "", SortOldest:
		return SortOldest, true
	case SortNewest, SortTop:
		return ThreadSort(s), true
	}
	return SortOldest, false
}

// Limits on one part of a discussion: whole threads are added while the
// part holds at most PartComments comments (replies included) and at most
// PartThreads threads. A single thread larger than the budget is a part of
// its own, whole.
const (
	PartComments = 200
	PartThreads  = 50
)

// ThreadCursor is where a part ends: its last top-level comment and, in
// the most-recommended order, that comment's count when the part was cut.
// The next part begins with the first top-level comment the order puts
// after it.
type ThreadCursor struct {
	ID    int64
	Count int
}

// String is the cursor as a URL carries it: "ID" or, with a count,
// "ID.COUNT".
func (c ThreadCursor) String() string {
	s := strconv.FormatInt(c.ID, 10)
	if c.Count != 0 {
		s += "." + strconv.Itoa(c.Count)
	}
	return s
}

// ParseThreadCursor reads a cursor written by String.
func ParseThreadCursor(s string) (ThreadCursor, bool) {
	id, count, _ := strings.Cut(s, ".")
	var c ThreadCursor
	var err error
	if c.ID, err = strconv.ParseInt(id, 10, 64); err != nil || c.ID <= 0 {
		return ThreadCursor{}, false
	}
	if count != "" {
		if c.Count, err = strconv.Atoi(count); err != nil || c.Count < 0 {
			return ThreadCursor{}, false
		}
	}
	return c, true
}

// Thread is a discussion arranged for reading in parts: its top-level
// comments (each with its Replies, as BuildThread arranges them) and the
// size of each top-level thread. It does not change once built and may be
// read concurrently.
type Thread struct {
	// Roots are the top-level comments, oldest first.
	Roots []*Comment
	// Total counts the comments in the tree, replies included (BuildThread
	// may leave some out).
	Total int
	size  map[int64]int   // comments in each top-level thread, by its root's ID
	root  map[int64]int64 // each comment's top-level comment
	under map[int64]int64 // each reply's comment it is shown under
}

// NewThread builds the tree of comments (given oldest first) as
// BuildThread does, in O(n), and measures each top-level thread.
func NewThread(comments []*Comment, maxDepth int) *Thread {
	t := &Thread{
		Roots: BuildThread(comments, maxDepth),
		size:  make(map[int64]int, len(comments)/2+1),
		root:  make(map[int64]int64, len(comments)),
		under: make(map[int64]int64, len(comments)),
	}
	var walk func(root int64, parent *Comment) int
	walk = func(root int64, parent *Comment) int {
		n := 0
		for _, c := range parent.Replies {
			t.root[c.ID], t.under[c.ID] = root, parent.ID
			n += 1 + walk(root, c)
		}
		return n
	}
	for _, r := range t.Roots {
		t.root[r.ID] = r.ID
		t.size[r.ID] = 1 + walk(r.ID, r)
		t.Total += t.size[r.ID]
	}
	return t
}

// RootOf returns the ID of the top-level comment whose thread holds the
// comment, and false when the comment is not in the thread.
func (t *Thread) RootOf(id int64) (int64, bool) {
	r, ok := t.root[id]
	return r, ok
}

// Under returns the ID of the comment a reply is shown under: its parent,
// or the ancestor its depth is capped at; 0 for a top-level comment.
func (t *Thread) Under(id int64) int64 { return t.under[id] }

// Size counts the comments in the thread of the top-level comment id.
func (t *Thread) Size(id int64) int { return t.size[id] }

// ThreadOrder is a thread's top-level comments in one order, ready to be
// cut into parts. It does not change once made.
type ThreadOrder struct {
	Sort   ThreadSort
	Roots  []*Comment
	counts []int // SortTop: each root's count when ordered
	thread *Thread
}

// Order arranges the top-level comments in sort's order. counts gives a
// comment's recommendation count (only SortTop asks); it is read once per
// top-level comment, so the order stays consistent while counts change.
func (t *Thread) Order(sort ThreadSort, counts func(id int64) int) *ThreadOrder {
	o := &ThreadOrder{Sort: sort, thread: t}
	switch sort {
	case SortNewest:
		o.Roots = make([]*Comment, len(t.Roots))
		for i, r := range t.Roots {
			o.Roots[len(t.Roots)-1-i] = r
		}
	case SortTop:
		type ranked struct {
			c     *Comment
			count int
		}
		rs := make([]ranked, len(t.Roots))
		for i, r := range t.Roots {
			rs[i] = ranked{r, counts(r.ID)}
		}
		slices.SortStableFunc(rs, func(a, b ranked) int { return cmp.Compare(b.count, a.count) })
		o.Roots, o.counts = make([]*Comment, len(rs)), make([]int, len(rs))
		for i, r := range rs {
			o.Roots[i], o.counts[i] = r.c, r.count
		}
	default:
		o.Sort, o.Roots = SortOldest, t.Roots
	}
	return o
}

// ThreadPart is a run of whole top-level threads in one order.
type ThreadPart struct {
	// Roots are the part's top-level comments, each with its replies.
	Roots []*Comment
	// Comments counts the comments in the part, replies included.
	Comments int
	// First is set on the order's first part.
	First bool
	// Next is where the following part begins; nil on the last part.
	Next *ThreadCursor
	// Remaining counts the comments in the parts after this one.
	Remaining int
}

// Part returns the part that begins after the cursor; nil gives the first
// part. A cursor past the end gives an empty last part.
func (o *ThreadOrder) Part(after *ThreadCursor) ThreadPart {
	start := 0
	if after != nil {
		start = len(o.Roots)
		for i := range o.Roots {
			if o.isAfter(i, *after) {
				start = i
				break
			}
		}
	}
	return o.cut(start)
}

// PartWith returns the part that holds the comment, as the parts are cut
// from the first one on; false when the comment is not in the thread.
func (o *ThreadOrder) PartWith(id int64) (ThreadPart, bool) {
	root, ok := o.thread.RootOf(id)
	if !ok {
		return ThreadPart{}, false
	}
	for start := 0; start < len(o.Roots); {
		end := o.end(start)
		for _, r := range o.Roots[start:end] {
			if r.ID == root {
				return o.cut(start), true
			}
		}
		start = end
	}
	return ThreadPart{}, false
}

// isAfter reports whether the i-th top-level comment comes after the
// cursor in this order.
func (o *ThreadOrder) isAfter(i int, c ThreadCursor) bool {
	id := o.Roots[i].ID
	switch o.Sort {
	case SortNewest:
		return id < c.ID
	case SortTop:
		n := o.counts[i]
		return n < c.Count || n == c.Count && id > c.ID
	default:
		return id > c.ID
	}
}

// end is where the part beginning at start ends (exclusive).
func (o *ThreadOrder) end(start int) int {
	end, n := start, 0
	for end < len(o.Roots) && end-start < PartThreads {
		size := o.thread.size[o.Roots[end].ID]
		if end > start && n+size > PartComments {
			break
		}
		n += size
		end++
	}
	return end
}

func (o *ThreadOrder) cut(start int) ThreadPart {
	end := o.end(start)
	p := ThreadPart{Roots: o.Roots[start:end], First: start == 0}
	for _, r := range p.Roots {
		p.Comments += o.thread.size[r.ID]
	}
	for _, r := range o.Roots[end:] {
		p.Remaining += o.thread.size[r.ID]
	}
	if end < len(o.Roots) && end > start {
		last := end - 1
		p.Next = &ThreadCursor{ID: o.Roots[last].ID}
		if o.Sort == SortTop {
			p.Next.Count = o.counts[last]
		}
	}
	return p
}
