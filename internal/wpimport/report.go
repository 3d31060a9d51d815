package wpimport

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
)

// Report is what an import did: counts per kind, what it skipped and
// why, what it repaired in the file, and what Qalam has no place for.
type Report struct {
	Site, Title, WXRVersion, Generator string
	// Encoding says how the characters were read when the file's
	// declaration was not simply UTF-8.
	Encoding string
	Repairs  []*Repair
	Kinds    map[string]*Count // by KindOrder's names
	// Statuses counts posts and pages by "type: wordpress → qalam" status.
	Statuses  map[string]int
	Addresses AddressCount
	Content   *contentStats

	Sticky     []int64 // WordPress ids of sticky posts
	Passworded []int64 // ids of password-protected posts, imported as drafts
	Hierarchy  int     // categories with a parent
	// Counts of smaller matters.
	Untitled, Shortened, ManyCategories int
	Featured, FeaturedMissing           int
	Orphans, Pingbacks, WebsitesDropped int
	Took                                time.Duration
}

// KindOrder lists the kinds a report counts, in the order it shows them.
var KindOrder = []string{"authors", "categories", "tags", "terms", "images", "posts", "pages", "comments", "other items"}

// Count is what became of one kind of thing.
type Count struct {
	New      int            // stored by this run
	Existing int            // stored by an earlier run, left as it is
	Skipped  map[string]int // not imported, by reason
}

// SkippedTotal is the number skipped for any reason.
func (c *Count) SkippedTotal() int {
	n := 0
	for _, v := range c.Skipped {
		n += v
	}
	return n
}

// AddressCount says what became of commenters' network addresses.
type AddressCount struct {
	Hashed  int // kept as keyed hashes, like new comments' addresses
	Dropped int // dropped, as asked
	Expired int // dropped: older than the address retention period
	None    int // the export had none
	Invalid int // not an address
}

func newReport() *Report {
	return &Report{Kinds: map[string]*Count{}, Statuses: map[string]int{}, Content: newContentStats()}
}

func (r *Report) kind(k string) *Count {
	c := r.Kinds[k]
	if c == nil {
		c = &Count{Skipped: map[string]int{}}
		r.Kinds[k] = c
	}
	return c
}

func (r *Report) tally(kind string, created bool) {
	if created {
		r.kind(kind).New++
	} else {
		r.kind(kind).Existing++
	}
}

func (r *Report) skip(kind, reason string)         { r.kind(kind).Skipped[reason]++ }
func (r *Report) skipN(kind, reason string, n int) { r.kind(kind).Skipped[reason] += n }

func (r *Report) status(typ, wp string, q qalam.ArticleStatus) {
	r.Statuses[typ+": "+wp+" → "+string(q)]++
}

// outcome counts a post the store has imported.
func (r *Report) outcome(p *store.WordPressPost) {
	kind := "posts"
	if p.Kind == store.WPPage {
		kind = "pages"
	}
	switch p.Outcome {
	case store.PostCreated:
		r.kind(kind).New++
	case store.PostExisting:
		r.kind(kind).Existing++
	case store.PostDeleted:
		r.skip(kind, "deleted in Qalam after an earlier import (a deletion stands)")
		r.skipN("comments", "on posts deleted in Qalam", len(p.Comments))
		return
	}
	r.kind("comments").New += p.NewComments
	r.kind("comments").Existing += len(p.Comments) - p.NewComments
}

// skipItem counts an item the import does not bring, with its comments.
func (r *Report) skipItem(it *wxrItem, duplicate bool) {
	kind := "other items"
	if it.Type == "post" || it.Type == "page" {
		kind = kindOf(it)
	}
	switch {
	case duplicate:
		r.skip(kind, "listed twice with the same wp:post_id")
	case it.ID <= 0:
		r.skip(kind, "without a valid wp:post_id")
	case kind == "other items":
		r.skip(kind, "of type "+strconv.Quote(it.Type)+" (Qalam has posts and pages only)")
	case it.Status == "trash":
		r.skip(kind, "in the trash")
	default:
		r.skip(kind, "with the status "+strconv.Quote(it.Status))
	}
	if len(it.Comments) > 0 {
		r.skipN("comments", "on items not imported", len(it.Comments))
	}
}

// String is the summary for people.
func (r *Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "WordPress import of %q from %s (WXR %s, %s) in %.1f s\n\n",
		r.Title, r.Site, cmpOr(r.WXRVersion, "version unknown"), cmpOr(r.Generator, "generator unknown"), r.Took.Seconds())
	fmt.Fprintf(&b, "  %-12s %8s %13s %8s\n", "", "new", "already here", "skipped")
	for _, k := range KindOrder {
		if c := r.Kinds[k]; c != nil {
			fmt.Fprintf(&b, "  %-12s %8d %13d %8d\n", k, c.New, c.Existing, c.SkippedTotal())
		}
	}
	var skipped []string
	for _, k := range KindOrder {
		c := r.Kinds[k]
		if c == nil {
			continue
		}
		reasons := mapKeys(c.Skipped)
		for _, reason := range reasons {
			skipped = append(skipped, fmt.Sprintf("  %s: %d %s", k, c.Skipped[reason], reason))
		}
	}
	if len(skipped) > 0 {
		b.WriteString("\nSkipped:\n" + strings.Join(skipped, "\n") + "\n")
	}
	if len(r.Statuses) > 0 {
		b.WriteString("\nStatuses:\n")
		for _, s := range mapKeys(r.Statuses) {
			fmt.Fprintf(&b, "  %s: %d\n", s, r.Statuses[s])
		}
	}
	b.WriteString("\nRepairs made while reading the file:")
	if len(r.Repairs) == 0 && r.Encoding == "" {
		b.WriteString(" none\n")
	} else {
		b.WriteString("\n")
		for _, rp := range r.Repairs {
			fmt.Fprintf(&b, "  %d × %s; first at line %d, column %d\n", rp.Count, rp.Kind, rp.Line, rp.Column)
		}
		if r.Encoding != "" {
			b.WriteString("  encoding: " + r.Encoding + "\n")
		}
	}
	a := r.Addresses
	fmt.Fprintf(&b, "\nCommenters' network addresses: %d kept as keyed hashes (as for new comments), %d dropped as asked, %d dropped as older than the retention period, %d not in the export, %d not addresses\n",
		a.Hashed, a.Dropped, a.Expired, a.None, a.Invalid)
	c := r.Content
	fmt.Fprintf(&b, "\nContent: shortcodes converted: %s; left as text: %s; %d links and images pointed at their new addresses\n",
		countList(c.Shortcodes), countList(c.UnknownShortcodes), c.LinksRewritten)

	var notes []string
	note := func(cond bool, format string, args ...any) {
		if cond {
			notes = append(notes, "  - "+fmt.Sprintf(format, args...))
		}
	}
	note(len(r.Sticky) > 0, "sticky posts (Qalam has no sticky articles; the flag is kept with the import's records): %s", ids(r.Sticky))
	note(len(r.Passworded) > 0, "password-protected posts imported as drafts, without their passwords (Qalam has no passwords on articles): %s", ids(r.Passworded))
	note(r.Hierarchy > 0, "%d categories had a parent: Qalam's categories are flat; the parents are kept with the import's records and the old nested addresses redirect", r.Hierarchy)
	note(r.ManyCategories > 0, "%d posts were in several categories: each keeps its primary one (Yoast's), else its first", r.ManyCategories)
	note(r.Featured > 0 || r.FeaturedMissing > 0, "featured images: %d kept, %d missing (not imported)", r.Featured, r.FeaturedMissing)
	note(r.Pingbacks > 0, "%d pingbacks and trackbacks kept as comments", r.Pingbacks)
	note(r.Orphans > 0, "%d replies to comments not in the export shown at the top level", r.Orphans)
	note(r.WebsitesDropped > 0, "%d commenters' websites dropped: not web addresses", r.WebsitesDropped)
	note(r.Untitled > 0, "%d untitled posts given a headline from their text", r.Untitled)
	note(r.Shortened > 0, "%d titles or excerpts shortened to Qalam's limits", r.Shortened)
	note(c.MissingImages > 0, "%d gallery images not in the export", c.MissingImages)
	if len(notes) > 0 {
		b.WriteString("\nNotes:\n" + strings.Join(notes, "\n") + "\n")
	}
	return b.String()
}

func mapKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func countList(m map[string]int) string {
	if len(m) == 0 {
		return "none"
	}
	var parts []string
	for _, k := range mapKeys(m) {
		parts = append(parts, fmt.Sprintf("[%s] %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}

func ids(list []int64) string {
	parts := make([]string, len(list))
	for i, id := range list {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ", ")
}
