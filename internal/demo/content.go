package demo

import (
	"bufio"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/qalamnews/qalam"
)

// The content format is described in content/README.md.
//
//go:embed content/articles/*.md
var contentFS embed.FS

// article is a demo article with what its file names by slug.
type article struct {
	qalam.Article
	category string
	authors  []string
	comments []*comment
}

// comment is a demo comment with its parent, which is stored first.
type comment struct {
	qalam.Comment
	parent *comment
}

const commentsSeparator = "=== comments"

// load parses every content file, placing dates relative to now, and checks
// the result: known authors and categories, unique slugs, valid fields, and
// a discussion that happens after publication, in order, and before now.
func load(now time.Time) ([]*article, error) {
	names, err := fs.Glob(contentFS, "content/articles/*.md")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	var arts []*article
	slugs := map[string]bool{}
	for _, name := range names {
		src, err := contentFS.ReadFile(name)
		if err != nil {
			return nil, err
		}
		a, err := parseArticle(string(src), now)
		if err != nil {
			return nil, fmt.Errorf("demo: %s: %w", path.Base(name), err)
		}
		if slugs[a.Slug] {
			return nil, fmt.Errorf("demo: %s: slug %q used twice", path.Base(name), a.Slug)
		}
		slugs[a.Slug] = true
		arts = append(arts, a)
	}
	return arts, nil
}

// parseArticle reads one content file: a header of "key: value" lines, a
// line "---", the Markdown body and, optionally, a line "=== comments"
// followed by the discussion.
func parseArticle(src string, now time.Time) (*article, error) {
	src = strings.ReplaceAll(src, "\r\n", "\n")
	header, rest, ok := strings.Cut(src, "\n---\n")
	if !ok {
		return nil, fmt.Errorf("no line --- after the header")
	}
	body, discussion, _ := strings.Cut(rest, "\n"+commentsSeparator+"\n")
	a := &article{Article: qalam.Article{
		Status: qalam.Published,
		Body:   strings.TrimSpace(body),
	}}
	var updated time.Duration
	seen := map[string]bool{}
	for i, line := range strings.Split(header, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("header line %d: want key: value", i+1)
		}
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		if seen[key] {
			return nil, fmt.Errorf("header line %d: %s given twice", i+1, key)
		}
		seen[key] = true
		var err error
		switch key {
		case "slug":
			a.Slug = value
		case "language":
			a.Language = qalam.Language(value)
		case "label":
			a.Label = qalam.Label(value)
		case "category":
			a.category = value
		case "authors":
			a.authors = splitList(value)
		case "tags":
			a.TagNames = splitList(value)
		case "published":
			a.PublishedAt, err = parsePublished(value, now)
		case "updated":
			updated, err = parseDuration(value)
		case "comments":
			if value != "closed" {
				err = fmt.Errorf("comments: want closed")
			}
			a.CommentsClosed = true
		case "headline":
			a.Headline = value
		case "standfirst":
			a.Standfirst = value
		case "note":
			a.EditorNote = value
		default:
			err = fmt.Errorf("unknown key %q", key)
		}
		if err != nil {
			return nil, fmt.Errorf("header line %d: %w", i+1, err)
		}
	}
	for _, key := range []string{"slug", "language", "label", "category", "authors", "published", "headline", "standfirst"} {
		if !seen[key] {
			return nil, fmt.Errorf("header: %s is missing", key)
		}
	}
	if !slices.ContainsFunc(categories, func(c qalam.Category) bool { return c.Slug == a.category }) {
		return nil, fmt.Errorf("unknown category %q", a.category)
	}
	for _, s := range a.authors {
		if !slices.ContainsFunc(authors, func(au qalam.Author) bool { return au.Slug == s }) {
			return nil, fmt.Errorf("unknown author %q", s)
		}
	}
	if len(a.TagNames) == 0 || len(a.TagNames) > 4 {
		return nil, fmt.Errorf("want 1 to 4 tags, have %d", len(a.TagNames))
	}
	if !a.PublishedAt.Before(now) {
		return nil, fmt.Errorf("published after now")
	}
	a.CreatedAt = a.PublishedAt.Add(-26 * time.Hour)
	a.UpdatedAt = a.PublishedAt.Add(updated)
	if !a.UpdatedAt.Before(now) {
		return nil, fmt.Errorf("updated after now")
	}
	// Validate wants the IDs that Seed fills in later.
	check := a.Article
	check.CategoryID, check.AuthorIDs = 1, []int64{1}
	if err := check.Validate(); err != nil {
		return nil, describe(err)
	}
	if strings.TrimSpace(discussion) != "" {
		cs, err := parseComments(discussion, a, now)
		if err != nil {
			return nil, err
		}
		a.comments = cs
	}
	return a, nil
}

// commentHeader is a comment's first line:
//
//	@ Name <email> [https://website] +delay [pending|spam]
//
// The delay runs from the parent comment, or from publication for a
// top-level comment.
var commentHeader = regexp.MustCompile(`^@ (.+?) <([^<>\s]+)>(?: (https?://\S+))? \+(\S+)(?: (pending|spam))?$`)

// parseComments reads a discussion: each comment is a header line followed
// by its body, both indented two spaces deeper than the comment it replies
// to; the body is indented two spaces further than its header.
func parseComments(src string, a *article, now time.Time) ([]*comment, error) {
	var (
		out   []*comment
		stack []*comment // stack[d] is the latest comment at depth d
		lines []string   // body lines of the current comment
	)
	finish := func() error {
		if len(stack) == 0 {
			return nil
		}
		c := stack[len(stack)-1]
		c.Body = strings.TrimSpace(strings.Join(lines, "\n"))
		lines = lines[:0]
		c.Normalize()
		if err := c.Validate(); err != nil {
			return fmt.Errorf("comment %s: %w", c.IdempotencyKey, describe(err))
		}
		return nil
	}
	sc := bufio.NewScanner(strings.NewReader(src))
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), " \t")
		trimmed := strings.TrimLeft(line, " ")
		indent := len(line) - len(trimmed)
		if !strings.HasPrefix(trimmed, "@ ") {
			if len(stack) == 0 {
				if trimmed != "" {
					return nil, fmt.Errorf("comments line %d: text before the first comment", n)
				}
				continue
			}
			want := 2 * len(stack) // body indent of the comment at depth len(stack)-1
			if trimmed != "" && indent < want {
				return nil, fmt.Errorf("comments line %d: body indented %d spaces, want %d", n, indent, want)
			}
			lines = append(lines, line[min(want, len(line)):])
			continue
		}
		if err := finish(); err != nil {
			return nil, err
		}
		m := commentHeader.FindStringSubmatch(trimmed)
		if m == nil || indent%2 != 0 || indent/2 > len(stack) {
			return nil, fmt.Errorf("comments line %d: malformed comment header", n)
		}
		depth := indent / 2
		delay, err := parseDuration(m[4])
		if err != nil {
			return nil, fmt.Errorf("comments line %d: %w", n, err)
		}
		c := &comment{Comment: qalam.Comment{
			AuthorName:     m[1],
			AuthorEmail:    m[2],
			AuthorURL:      m[3],
			Status:         qalam.Approved,
			IdempotencyKey: "demo-" + a.Slug + "-" + strconv.Itoa(len(out)+1),
		}}
		if m[5] != "" {
			c.Status = qalam.CommentStatus(m[5])
		}
		start := a.PublishedAt
		if depth > 0 {
			c.parent = stack[depth-1]
			if c.parent.Status != qalam.Approved {
				return nil, fmt.Errorf("comments line %d: a reply to a comment that is not approved", n)
			}
			start = c.parent.CreatedAt
		}
		if delay <= 0 {
			return nil, fmt.Errorf("comments line %d: the delay must be positive", n)
		}
		c.CreatedAt = start.Add(delay)
		c.UpdatedAt = c.CreatedAt
		if c.CreatedAt.After(now) {
			return nil, fmt.Errorf("comments line %d: written after now", n)
		}
		stack = append(stack[:depth], c)
		out = append(out, c)
	}
	if err := finish(); err != nil {
		return nil, err
	}
	return out, sc.Err()
}

// newsroomZone is the demo publication's clock: Qalampur keeps UTC+5.
var newsroomZone = time.FixedZone("UTC+5", 5*60*60)

// parsePublished reads "<days>d HH:MM": that time of day on the day so many
// days before now, on the newsroom's clock, so articles appear at working
// hours whatever the time of seeding.
func parsePublished(s string, now time.Time) (time.Time, error) {
	days, clock, ok := strings.Cut(s, "d ")
	n, err := strconv.Atoi(days)
	if !ok || err != nil || n < 1 {
		return time.Time{}, fmt.Errorf("published: want <days>d HH:MM with at least one day, have %q", s)
	}
	hm, err := time.Parse("15:04", clock)
	if err != nil {
		return time.Time{}, fmt.Errorf("published: want <days>d HH:MM, have %q", s)
	}
	local := now.In(newsroomZone)
	t := time.Date(local.Year(), local.Month(), local.Day()-n, hm.Hour(), hm.Minute(), 0, 0, newsroomZone)
	return qalam.UTC(t), nil
}

// parseDuration reads a Go duration that may start with a number of days:
// "3d", "2d4h30m", "45m".
func parseDuration(s string) (time.Duration, error) {
	var days time.Duration
	if d, rest, ok := strings.Cut(s, "d"); ok {
		n, err := strconv.Atoi(d)
		if err != nil {
			return 0, fmt.Errorf("bad duration %q", s)
		}
		days, s = time.Duration(n)*24*time.Hour, rest
		if s == "" {
			return days, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("bad duration %q", s)
	}
	return days + d, nil
}

// splitList splits a comma-separated list; Urdu lists may use the Arabic
// comma.
func splitList(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '،' }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// describe spells out a validation error's fields, which its message omits.
func describe(err error) error {
	if e, ok := err.(*qalam.Error); ok && len(e.Fields) > 0 {
		keys := make([]string, 0, len(e.Fields))
		for k := range e.Fields {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		var b strings.Builder
		for i, k := range keys {
			if i > 0 {
				b.WriteString("; ")
			}
			b.WriteString(k + ": " + e.Fields[k])
		}
		return fmt.Errorf("%s", b.String())
	}
	return err
}
