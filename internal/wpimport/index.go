package wpimport

import (
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"html"
	"io"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qalamnews/qalam"
)

// The first pass reads the whole file before anything is written: a file
// that cannot be read is refused whole, with its line and column, and
// nothing of it is imported. Along the way it keeps the little the second
// pass needs to know in advance, because WordPress writes items in an
// order of its own (attachments after the posts that show them, posts
// after the posts that link to them): the site, the authors and terms, the
// attachments, and for each post its type, address and planned slug. Post
// content and comments are not kept; memory grows with the number of
// posts by about a hundred bytes each, never with their size.

// attachment is an attachment item, as the first pass keeps it.
type attachment struct {
	ID, Parent          int64
	MenuOrder           int
	URL, File           string // wp:attachment_url; _wp_attached_file, relative to uploads
	Sizes               []string
	Title, Alt, Caption string
	Link                string
	Date                time.Time
}

// postEntry is what the first pass keeps of a post or page.
type postEntry struct {
	Type string // post or page
	Link string
	Slug string // the Qalam slug planned for it
	Old  []string
}

// index is what the first pass learns.
type index struct {
	channel     channel
	authors     []*wxrAuthor
	logins      []string // dc:creator values, in first-seen order
	categories  []*wxrTerm
	tags        []*wxrTerm
	otherTerms  int // terms of other taxonomies
	attachments []*attachment
	posts       map[int64]*postEntry
	order       []int64 // importable posts and pages in file order
	items       int
	comments    int
	noCategory  bool // a post without a category
	pages       bool
	repairs     []*Repair
	declared    string // the declared encoding
	notUTF8     int    // bytes that were not UTF-8
	utf8Chars   int    // characters beyond ASCII that were
}

// importable reports whether an item is a post or page the import brings.
func importable(it *wxrItem) bool {
	if it.Type != "post" && it.Type != "page" {
		return false
	}
	_, ok := statusOf[it.Status]
	return ok
}

// statusOf maps WordPress statuses to Qalam's. Trash, auto-drafts and
// revisions are not imported.
var statusOf = map[string]qalam.ArticleStatus{
	"publish": qalam.Published,
	"future":  qalam.Scheduled,
	"draft":   qalam.Draft,
	"pending": qalam.Submitted,
	// Private posts were never public, and Qalam has no readers who may
	// see what others may not: the newsroom decides (Unpublished would
	// claim they were once public).
	"private": qalam.Draft,
}

// check runs the first pass over the file.
func check(ctx context.Context, r io.Reader, mode charMode, limits Limits, progress func(int64)) (*index, error) {
	counter := &countingReader{r: r}
	w := newWXRReader(counter, mode, limits)
	idx := &index{posts: map[int64]*postEntry{}}
	seenLogin := map[string]bool{}
	seenTerm := map[string]bool{}
	for n := 0; ; n++ {
		v, err := w.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if n%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			progress(counter.n)
		}
		switch v := v.(type) {
		case *wxrAuthor:
			idx.authors = append(idx.authors, v)
		case *wxrTerm:
			key := v.Taxonomy + "\x00" + v.Slug
			if seenTerm[key] {
				continue // WordPress 6.1 lists each category and tag twice
			}
			seenTerm[key] = true
			switch v.Taxonomy {
			case "category":
				idx.categories = append(idx.categories, v)
			case "post_tag":
				idx.tags = append(idx.tags, v)
			default:
				idx.otherTerms++
			}
		case *wxrItem:
			idx.items++
			idx.comments += len(v.Comments)
			if v.Type == "attachment" {
				idx.attachments = append(idx.attachments, newAttachment(v))
				continue
			}
			if !importable(v) || v.ID <= 0 {
				continue
			}
			if _, dup := idx.posts[v.ID]; dup {
				continue
			}
			if v.Creator != "" && !seenLogin[v.Creator] {
				seenLogin[v.Creator] = true
				idx.logins = append(idx.logins, v.Creator)
			}
			hasCategory := false
			for _, t := range v.Terms {
				key := termTaxonomy(t.Domain) + "\x00" + t.Nicename
				hasCategory = hasCategory || t.Domain == "category"
				if t.Domain != "category" && t.Domain != "post_tag" || seenTerm[key] {
					continue
				}
				// A term the export's lists lack (WXR 1.0 has none).
				seenTerm[key] = true
				term := &wxrTerm{Taxonomy: termTaxonomy(t.Domain), Slug: cmpOr(t.Nicename, qalam.Slugify(plainText(t.Name))), Name: t.Name}
				if t.Domain == "category" {
					idx.categories = append(idx.categories, term)
				} else {
					idx.tags = append(idx.tags, term)
				}
			}
			idx.pages = idx.pages || v.Type == "page"
			idx.noCategory = idx.noCategory || v.Type == "post" && !hasCategory
			idx.posts[v.ID] = &postEntry{Type: v.Type, Link: v.Link, Slug: plannedSlug(v), Old: v.metaValues("_wp_old_slug")}
			idx.order = append(idx.order, v.ID)
		}
	}
	progress(counter.n)
	idx.channel = w.channel
	idx.repairs = w.rr.repairs
	idx.declared = w.rr.declared
	idx.notUTF8, idx.utf8Chars = w.rr.notUTF8, w.rr.utf8Chars
	return idx, nil
}

func termTaxonomy(domain string) string {
	if domain == "tag" {
		return "post_tag"
	}
	return domain
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

var subSize = regexp.MustCompile(`s:4:"file";s:\d+:"([^"]+)"`)

func newAttachment(it *wxrItem) *attachment {
	a := &attachment{
		ID: it.ID, Parent: it.Parent, MenuOrder: it.MenuOrder, URL: strings.TrimSpace(it.AttachmentURL),
		File: strings.TrimSpace(it.metaValue("_wp_attached_file")), Link: it.Link,
		Title: plainText(it.Title), Alt: plainText(it.metaValue("_wp_attachment_image_alt")),
		Caption: plainText(it.Excerpt), Date: wpTime(it.DateGMT, it.Date),
	}
	// The sub-sizes' file names are in a PHP-serialized array; they sit in
	// the original's folder. The first "file" is the original itself.
	for i, m := range subSize.FindAllStringSubmatch(it.metaValue("_wp_attachment_metadata"), -1) {
		if i > 0 && !strings.Contains(m[1], "/") {
			a.Sizes = append(a.Sizes, m[1])
		}
	}
	return a
}

// wpTime reads a WordPress date: the GMT one, or else the local one (a
// draft has no GMT date; WordPress does not say the site's time zone, so
// the local time is taken as UTC, off by at most a day for a date no
// reader sees). WordPress's zero date is the zero time.
func wpTime(gmt, local string) time.Time {
	for _, s := range []string{gmt, local} {
		t, err := time.Parse(time.DateTime, strings.TrimSpace(s))
		if err == nil && t.Year() > 1 {
			return t
		}
	}
	return time.Time{}
}

// wpSlug decodes a WordPress slug, which WordPress keeps percent-encoded
// (and cuts at 200 encoded characters, perhaps mid-character).
func wpSlug(s string) string {
	s = strings.TrimSpace(s)
	if d, err := url.PathUnescape(s); err == nil {
		s = d
	}
	return strings.ToLower(strings.ToValidUTF8(s, ""))
}

// qalamSlug makes a Qalam slug from a WordPress slug, else from a title,
// else returns fallback.
func qalamSlug(wp, title, fallback string) string {
	s := wpSlug(wp)
	if qalam.ValidSlug(s) {
		return s
	}
	for _, candidate := range []string{qalam.Slugify(s), qalam.Slugify(plainText(title))} {
		if qalam.ValidSlug(candidate) {
			return candidate
		}
	}
	return fallback
}

func plannedSlug(it *wxrItem) string {
	return qalamSlug(it.Name, it.Title, it.Type+"-"+strconv.FormatInt(it.ID, 10))
}

// syntheticID stands in for the WordPress id of a term or author the
// export names without one: negative, so it never meets a real id, and
// the same on every run.
func syntheticID(kind, key string) int64 {
	return -int64(crc32.ChecksumIEEE([]byte(kind+"\x00"+key))) - 1
}

// truncate cuts s to at most n characters at a word boundary, ending in
// "…", and reports whether it did.
func truncate(s string, n int) (string, bool) {
	if utf8.RuneCountInString(s) <= n {
		return s, false
	}
	runes := []rune(s)[:n-1]
	cut := string(runes)
	if i := strings.LastIndexByte(cut, ' '); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:") + "…", true
}

// termName is a term's name as text: WordPress keeps it with HTML
// entities ("Science &amp; Environment").
func termName(s string) string { return plainText(html.UnescapeString(s)) }

// siteKey normalises the site's address, which keys the import's records.
func siteKey(c channel) (string, error) {
	raw := cmpOr(c.BaseSiteURL, c.BaseBlogURL, c.Link)
	u, err := url.Parse(strings.TrimSpace(raw))
	if raw == "" || err != nil || u.Host == "" {
		return "", fmt.Errorf("the export does not name its site (wp:base_site_url or the channel's <link>), so its ids cannot be told from another site's")
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host) + strings.TrimRight(u.EscapedPath(), "/"), nil
}
