package view

import (
	"html/template"
	"net/url"
	"strconv"

	"github.com/qalamnews/qalam"
)

// ThreadItem is the data of the "thread-item" partial: one comment with its
// replies, in its thread's settings.
type ThreadItem struct {
	Thread  Thread
	Comment *qalam.Comment
}

// Item returns the data for one comment of the thread.
func (t Thread) Item(c *qalam.Comment) ThreadItem { return ThreadItem{Thread: t, Comment: c} }

// Count is what the thread shows for a comment's recommendation count: a
// hole the site fills in when it serves the page (see CountHole), so a
// cached page needs no new rendering when counts change; nothing without a
// Marker.
func (t Thread) Count(id int64) string {
	if t.Marker == "" {
		return ""
	}
	return CountHole(t.Marker, id)
}

// CountHole is the placeholder for comment id's count in a page rendered
// with marker: the marker, "c", the ID and "-".
func CountHole(marker string, id int64) string {
	return marker + "c" + strconv.FormatInt(id, 10) + "-"
}

// ThreadPart is the data of the "thread-part" partial (one part of an
// article's discussion, with the sort control and the link to the next
// part) and of "thread-fragment" (the next part as the page script
// appends it).
type ThreadPart struct {
	Lang        qalam.Language
	ArticlePath string
	Sort        qalam.ThreadSort
	// Threads are the part's top-level comments with their replies, each
	// rendered by the "thread-item" partial, one after the other.
	Threads template.HTML
	// After is the newest comment ID of the discussion the part was cut
	// from: live updates begin after it.
	After int64
	// First links to the first part, on a later one.
	First string
	// More links to the next part as a page, and MorePart to the same as
	// a fragment for the script; both empty on the last part.
	More     string
	MorePart string
	// Remaining counts the comments after this part.
	Remaining int
	// Mirror leaves out the fragment address the page script follows
	// (a static mirror has no script; see Page.Mirror).
	Mirror bool
}

// SortLink is one choice of the sort control.
type SortLink struct {
	Label   string // message key
	Href    string
	Current bool
}

// Sorts are the sort control's links, each to the first part in that
// order.
func (p ThreadPart) Sorts() []SortLink {
	labels := map[qalam.ThreadSort]string{qalam.SortOldest: "sort_oldest", qalam.SortNewest: "sort_newest", qalam.SortTop: "sort_top"}
	links := make([]SortLink, 0, len(qalam.ThreadSorts))
	for _, s := range qalam.ThreadSorts {
		links = append(links, SortLink{Label: labels[s], Href: ThreadPath(p.ArticlePath, s, ""), Current: s == p.Sort || p.Sort == "" && s == qalam.SortOldest})
	}
	return links
}

// CommentPath is a comment's permanent address: it leads to the part of
// its article's discussion that shows it, however long the discussion
// (links in emails and feeds should use it rather than ArticlePath and an
// anchor, which only reaches comments in the first part).
func CommentPath(articleSlug string, id int64) string {
	return ArticlePath(articleSlug) + "/comments/" + strconv.FormatInt(id, 10)
}

// ThreadPath is the address of a part of an article's discussion on the
// article page: in sort's order, after the cursor ("" for the first part).
func ThreadPath(articlePath string, sort qalam.ThreadSort, after string) string {
	q := url.Values{}
	if sort != "" && sort != qalam.SortOldest {
		q.Set("sort", string(sort))
	}
	if after != "" {
		q.Set("after", after)
	}
	if len(q) == 0 {
		return articlePath + "#comments"
	}
	return articlePath + "?" + q.Encode() + "#comments"
}

// ThreadFragmentPath is the address of the same part as a fragment, which
// the page script appends in place.
func ThreadFragmentPath(articlePath string, sort qalam.ThreadSort, after string) string {
	q := url.Values{}
	if sort != "" && sort != qalam.SortOldest {
		q.Set("sort", string(sort))
	}
	q.Set("after", after)
	return articlePath + "/comments/part?" + q.Encode()
}
