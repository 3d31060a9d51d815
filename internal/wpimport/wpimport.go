// Package wpimport imports a WordPress export (WXR 1.0, 1.1 or 1.2) into
// the store: authors, categories, tags, images, posts and pages with their
// comments, and the old site's addresses, so that its links keep working.
//
// The file is read as a stream, twice: a first pass checks all of it and
// keeps a small index (see index.go), so that a file that cannot be read
// imports nothing; the second pass imports posts in batches, each batch
// one transaction recorded with the WordPress ids it came from. Running
// the import again adds only what is missing, and an import that was
// interrupted resumes where it stopped.
package wpimport

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/netip"
	"net/url"
	"os"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/markup"
	"github.com/qalamnews/qalam/internal/store"
)

// Store is what the import needs of the database.
type Store interface {
	ImportWordPressAuthor(ctx context.Context, site string, wpID int64, a *qalam.Author, paths []string) (bool, error)
	ImportWordPressCategory(ctx context.Context, site string, wpID, wpParent int64, c *qalam.Category, paths []string) (bool, error)
	ImportWordPressTag(ctx context.Context, site string, wpID int64, t *qalam.Tag, paths []string) (bool, error)
	ImportWordPressMedia(ctx context.Context, site string, wpID int64, m *qalam.Media, paths []string) (bool, error)
	ImportWordPressPosts(ctx context.Context, site string, posts []*store.WordPressPost) error
	WordPressObject(ctx context.Context, site, kind string, wpID int64) (int64, error)
	WordPressArticleSlugs(ctx context.Context, site string) (map[int64]string, error)
	ArticleSlugsInUse(ctx context.Context, slugs []string) (map[string]bool, error)
	Media(ctx context.Context, id int64) (*qalam.Media, error)
}

// MediaLibrary stores images: package media's Library, which re-encodes
// every image without its metadata.
type MediaLibrary interface {
	Store(ctx context.Context, r io.Reader) (*qalam.Media, error)
	Remove(m *qalam.Media) error
}

// Options configure an import.
type Options struct {
	// Uploads is WordPress's wp-content/uploads folder, from which
	// attachments are read; empty imports no images. Files are opened
	// inside it only (os.Root): an export naming "../../etc/passwd" gets
	// nothing. Nothing is ever fetched over the network.
	Uploads string
	// Media stores the images; required with Uploads.
	Media MediaLibrary
	// HashAddress turns a commenter's network address into the keyed hash
	// Qalam keeps of new comments' addresses. With DropAddresses, or when
	// nil, addresses are dropped.
	HashAddress   func(netip.Addr) string
	DropAddresses bool
	// AddressesSince drops the addresses of comments posted before it:
	// Qalam erases address hashes once its retention period has passed,
	// so older ones are not worth bringing.
	AddressesSince time.Time
	// Progress, when set, is called as the import advances.
	Progress func(Progress)
	Limits   Limits
	// BatchSize is how many posts one transaction stores (default 200).
	BatchSize int
}

// Progress says how far an import has come.
type Progress struct {
	Phase string // PhaseChecking (Done and Total count bytes) or PhaseImporting (posts and pages)
	Done  int64
	Total int64
}

// Phases of an import.
const (
	PhaseChecking  = "checking"
	PhaseImporting = "importing"
)

// Import imports the WordPress export in file. It returns a SyntaxError,
// and imports nothing, when the file cannot be read.
func Import(ctx context.Context, st Store, file string, opts Options) (*Report, error) {
	info, err := os.Stat(file)
	if err != nil {
		return nil, fmt.Errorf("wordpress import: %w", err)
	}
	open := func() (io.ReadCloser, error) { return os.Open(file) }
	return run(ctx, st, open, info.Size(), opts)
}

// importer holds one import's state.
type importer struct {
	st     Store
	opts   Options
	open   func() (io.ReadCloser, error)
	idx    *index
	site   string
	hosts  map[string]bool
	report *Report
	conv   *converter

	mode     charMode
	decoding encoding.Encoding

	authors    map[string]int64 // by login
	categories map[string]int64 // by WordPress slug
	catByID    map[int64]int64  // by WordPress term id
	tags       map[string]int64
	fallback   int64 // the category of posts without one
	pagesCat   int64
	images     map[int64]image // by attachment id
	byParent   map[int64][]attachment
	media      map[int64]int64   // attachment id to media id
	paths      map[string]string // store.OldPath to new address
	ids        map[string]map[int64]string
	uploadsDir string // the old site's uploads path, store.OldPath form
}

func run(ctx context.Context, st Store, open func() (io.ReadCloser, error), size int64, opts Options) (*Report, error) {
	start := time.Now()
	if opts.BatchSize <= 0 {
		opts.BatchSize = 200
	}
	if opts.Progress == nil {
		opts.Progress = func(Progress) {}
	}
	if opts.Uploads != "" && opts.Media == nil {
		return nil, errors.New("wordpress import: an uploads folder needs a media library to store images in")
	}
	imp := &importer{st: st, opts: opts, open: open, report: newReport()}
	if err := imp.check(ctx, size); err != nil {
		return nil, err
	}
	if err := imp.importTaxonomy(ctx); err != nil {
		return imp.report, err
	}
	if err := imp.importAttachments(ctx); err != nil {
		return imp.report, err
	}
	if err := imp.planSlugs(ctx); err != nil {
		return imp.report, err
	}
	err := imp.importPosts(ctx)
	imp.report.Took = time.Since(start)
	return imp.report, err
}

// check runs the first pass, choosing how to read the file's characters.
func (imp *importer) check(ctx context.Context, size int64) error {
	progress := func(n int64) { imp.opts.Progress(Progress{Phase: PhaseChecking, Done: n, Total: size}) }
	idx, err := imp.pass1(ctx, utf8Fallback, progress)
	if err != nil {
		return err
	}
	declared := strings.ToLower(idx.declared)
	bom, err := imp.byteOrderMark()
	if err != nil {
		return err
	}
	switch {
	case bom || declared == "" || isUTF8(declared):
		// UTF-8 (perhaps with stray bytes, read as Windows-1252 and
		// reported), or UTF-16 announced by its byte order mark.
	case idx.notUTF8 == 0 && idx.utf8Chars > 0:
		imp.report.Encoding = "the file declares " + idx.declared + ", but its bytes are UTF-8: read as UTF-8"
		idx.repairs = append(idx.repairs, &Repair{Kind: RepairEncoding, Count: 1, Line: 1, Column: 1})
	case idx.notUTF8 > 0 && idx.utf8Chars == 0:
		// Not a byte of UTF-8 beyond ASCII: the file is in the encoding
		// it declares, if that is one we can read.
		enc, err := htmlindex.Get(declared)
		if err != nil || !singleByte(enc) {
			return fmt.Errorf("the file declares the encoding %q, which the importer cannot read; convert it to UTF-8 first (for example: iconv -f %s -t UTF-8)", idx.declared, idx.declared)
		}
		imp.mode, imp.decoding = declaredCharset, enc
		if idx, err = imp.pass1(ctx, declaredCharset, progress); err != nil {
			return err
		}
		imp.report.Encoding = "read as " + idx.declared + ", as the file declares"
	}
	imp.idx = idx
	imp.report.Repairs = idx.repairs
	imp.report.Title, imp.report.WXRVersion, imp.report.Generator = idx.channel.Title, idx.channel.WXRVersion, idx.channel.Generator
	imp.site, err = siteKey(idx.channel)
	if err != nil {
		return err
	}
	imp.report.Site = imp.site
	imp.hosts = map[string]bool{}
	for _, raw := range []string{idx.channel.BaseSiteURL, idx.channel.BaseBlogURL, idx.channel.Link} {
		if u, err := url.Parse(strings.TrimSpace(raw)); err == nil && u.Host != "" {
			h := strings.ToLower(u.Host)
			imp.hosts[h] = true
			imp.hosts[strings.TrimPrefix(h, "www.")] = true
			imp.hosts["www."+strings.TrimPrefix(h, "www.")] = true
			if imp.uploadsDir == "" {
				imp.uploadsDir = store.OldPath(u.EscapedPath() + "/wp-content/uploads")
			}
		}
	}
	return nil
}

func isUTF8(enc string) bool { return enc == "utf-8" || enc == "utf8" }

// singleByte reports an encoding in which every byte is one character, so
// that the file's markup reads the same before and after decoding.
func singleByte(enc encoding.Encoding) bool {
	name, err := htmlindex.Name(enc)
	return err == nil && (strings.HasPrefix(name, "iso-8859-") || strings.HasPrefix(name, "windows-125") ||
		strings.HasPrefix(name, "koi8") || name == "macintosh" || name == "ibm866" || name == "x-mac-cyrillic" || name == "windows-874")
}

// byteOrderMark reports whether the file starts with a UTF-16 byte order
// mark, which then says more than the declaration.
func (imp *importer) byteOrderMark() (bool, error) {
	f, err := imp.open()
	if err != nil {
		return false, fmt.Errorf("wordpress import: %w", err)
	}
	defer f.Close()
	var head [2]byte
	n, _ := io.ReadFull(f, head[:])
	return n == 2 && (head == [2]byte{0xFE, 0xFF} || head == [2]byte{0xFF, 0xFE}), nil
}

// reader opens the file for a pass, decoded as the first pass decided.
func (imp *importer) reader(mode charMode) (io.ReadCloser, io.Reader, error) {
	f, err := imp.open()
	if err != nil {
		return nil, nil, fmt.Errorf("wordpress import: %w", err)
	}
	// A byte order mark decides: UTF-16 is decoded, a UTF-8 mark dropped.
	var fallback transform.Transformer = encoding.Nop.NewDecoder()
	if mode == declaredCharset {
		fallback = imp.decoding.NewDecoder()
	}
	return f, transform.NewReader(f, xunicode.BOMOverride(fallback)), nil
}

func (imp *importer) pass1(ctx context.Context, mode charMode, progress func(int64)) (*index, error) {
	f, r, err := imp.reader(mode)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return check(ctx, r, mode, imp.opts.Limits, progress)
}

// Authors, categories and tags.

func (imp *importer) importTaxonomy(ctx context.Context) error {
	idx, r := imp.idx, imp.report
	imp.authors, imp.categories, imp.tags, imp.catByID = map[string]int64{}, map[string]int64{}, map[string]int64{}, map[int64]int64{}
	imp.paths, imp.ids = map[string]string{}, map[string]map[int64]string{
		"p": {}, "page_id": {}, "attachment_id": {}, "cat": {}, "author": {},
	}
	base := imp.basePath()

	listed := map[string]bool{}
	authors := slices.Clone(idx.authors)
	for _, a := range idx.authors {
		listed[a.Login] = true
	}
	for _, login := range idx.logins {
		if !listed[login] {
			// WXR 1.0 lists no authors; a byline names the login only.
			authors = append(authors, &wxrAuthor{ID: syntheticID("author", login), Login: login})
		}
	}
	for _, wa := range authors {
		slug := qalam.Slugify(wa.Login)
		if !qalam.ValidSlug(slug) {
			slug = "author-" + strconv.FormatInt(max(wa.ID, -wa.ID), 10)
		}
		name := cmpOr(plainText(wa.DisplayName), strings.TrimSpace(plainText(wa.FirstName)+" "+plainText(wa.LastName)), wa.Login, slug)
		name, _ = truncate(name, 200)
		a := &qalam.Author{Slug: slug, Name: name}
		paths := []string{base + "/author/" + url.PathEscape(wa.Login), base + "/author/" + slug}
		created, err := imp.st.ImportWordPressAuthor(ctx, imp.site, wa.ID, a, paths)
		if err != nil {
			r.skip("authors", "could not be stored: "+qalam.MessageOf(err))
			continue
		}
		r.tally("authors", created)
		imp.authors[wa.Login] = a.ID
		imp.addPaths(authorPath(a.Slug), paths...)
		if wa.ID > 0 {
			imp.ids["author"][wa.ID] = authorPath(a.Slug)
		}
	}

	// Parents before children, as WordPress lists them (a parent listed
	// later is still found: the hierarchy is kept by WordPress id).
	catIDs := map[string]int64{}
	for _, t := range idx.categories {
		catIDs[t.Slug] = cmpOr(t.ID, syntheticID("category", t.Slug))
	}
	for _, t := range idx.categories {
		c := &qalam.Category{Slug: qalamSlug(t.Slug, t.Name, "category-"+strconv.FormatInt(max(t.ID, 0), 10)), Name: termName(t.Name)}
		c.Name, _ = truncate(cmpOr(c.Name, c.Slug), 200)
		paths := []string{base + "/category/" + imp.categoryPath(t)}
		if t.Parent != "" {
			paths = append(paths, base+"/category/"+t.Slug)
		}
		id := catIDs[t.Slug]
		created, err := imp.st.ImportWordPressCategory(ctx, imp.site, id, catIDs[t.Parent], c, paths)
		if err != nil {
			r.skip("categories", "could not be stored: "+qalam.MessageOf(err))
			continue
		}
		r.tally("categories", created)
		imp.categories[t.Slug] = c.ID
		imp.catByID[id] = c.ID
		imp.addPaths(categoryPath(c.Slug), paths...)
		if id > 0 {
			imp.ids["cat"][id] = categoryPath(c.Slug)
		}
		if t.Parent != "" {
			r.Hierarchy++
		}
	}
	for _, t := range idx.tags {
		tag := &qalam.Tag{Slug: qalamSlug(t.Slug, t.Name, "tag-"+strconv.FormatInt(max(t.ID, 0), 10)), Name: termName(t.Name)}
		tag.Name, _ = truncate(cmpOr(tag.Name, tag.Slug), 100)
		paths := []string{base + "/tag/" + t.Slug}
		created, err := imp.st.ImportWordPressTag(ctx, imp.site, cmpOr(t.ID, syntheticID("post_tag", t.Slug)), tag, paths)
		if err != nil {
			r.skip("tags", "could not be stored: "+qalam.MessageOf(err))
			continue
		}
		r.tally("tags", created)
		imp.tags[t.Slug] = tag.ID
		imp.addPaths(tagPath(tag.Slug), paths...)
	}
	if idx.otherTerms > 0 {
		r.skipN("terms", "of other taxonomies (Qalam has categories and tags only)", idx.otherTerms)
	}

	if idx.noCategory {
		if id, ok := imp.categories["uncategorized"]; ok {
			imp.fallback = id
		} else {
			c := &qalam.Category{Slug: "uncategorized", Name: "Uncategorized"}
			created, err := imp.st.ImportWordPressCategory(ctx, imp.site, syntheticID("category", "uncategorized"), 0, c, nil)
			if err != nil {
				return fmt.Errorf("wordpress import: %w", err)
			}
			r.tally("categories", created)
			imp.fallback = c.ID
		}
	}
	if idx.pages {
		// Qalam has no pages apart from articles: WordPress's pages become
		// articles in a category of their own.
		c := &qalam.Category{Slug: "pages", Name: "Pages"}
		created, err := imp.st.ImportWordPressCategory(ctx, imp.site, syntheticID("category", "pages"), 0, c, nil)
		if err != nil {
			return fmt.Errorf("wordpress import: %w", err)
		}
		r.tally("categories", created)
		imp.pagesCat = c.ID
	}
	return nil
}

// categoryPath is a category's path under /category/: its ancestors'
// slugs, then its own, as WordPress builds it.
func (imp *importer) categoryPath(t *wxrTerm) string {
	parts := []string{t.Slug}
	bySlug := map[string]*wxrTerm{}
	for _, c := range imp.idx.categories {
		bySlug[c.Slug] = c
	}
	for p, seen := bySlug[t.Parent], 0; p != nil && seen < 32; p, seen = bySlug[p.Parent], seen+1 {
		parts = append([]string{p.Slug}, parts...)
	}
	return strings.Join(parts, "/")
}

// basePath is the old site's path, when WordPress lived in a folder.
func (imp *importer) basePath() string {
	u, err := url.Parse(imp.site)
	if err != nil {
		return ""
	}
	return strings.TrimRight(u.EscapedPath(), "/")
}

// The public site's addresses (web/routes.go).
func articlePath(slug string) string  { return "/articles/" + url.PathEscape(slug) }
func categoryPath(slug string) string { return "/categories/" + url.PathEscape(slug) }
func tagPath(slug string) string      { return "/tags/" + url.PathEscape(slug) }
func authorPath(slug string) string   { return "/authors/" + url.PathEscape(slug) }
func mediaPath(name string) string    { return "/media/" + name }

// addPaths notes that old paths now lead to dest, for rewriting links.
func (imp *importer) addPaths(dest string, paths ...string) {
	for _, p := range paths {
		if p = store.OldPath(p); p != "/" {
			if _, taken := imp.paths[p]; !taken {
				imp.paths[p] = dest
			}
		}
	}
}

// Attachments.

var imageExt = map[string]bool{".jpg": true, ".jpeg": true, ".jpe": true, ".png": true, ".gif": true, ".webp": true}

func (imp *importer) importAttachments(ctx context.Context) error {
	r := imp.report
	imp.images, imp.media = map[int64]image{}, map[int64]int64{}
	var root *os.Root
	if imp.opts.Uploads != "" {
		var err error
		if root, err = os.OpenRoot(imp.opts.Uploads); err != nil {
			return fmt.Errorf("wordpress import: uploads folder: %w", err)
		}
		defer root.Close()
	}
	for _, a := range imp.idx.attachments {
		if err := ctx.Err(); err != nil {
			return err
		}
		rel := cmpOr(a.File, imp.relativeUpload(a.URL))
		paths := imp.attachmentPaths(a, rel)
		m, reason, err := imp.importAttachment(ctx, root, a, rel, paths)
		if err != nil {
			return err
		}
		if reason != "" {
			r.skip("images", reason)
			// Galleries still show it from where it was.
			imp.images[a.ID] = image{URL: a.URL, Alt: cmpOr(a.Alt, a.Title), Caption: a.Caption}
			continue
		}
		dest := mediaPath(m.Name)
		imp.media[a.ID] = m.ID
		imp.images[a.ID] = image{URL: dest, Alt: m.Alt, Caption: m.Caption}
		imp.ids["attachment_id"][a.ID] = dest
		// The original's and the smaller copies' addresses, for links.
		imp.addPaths(dest, paths...)
	}
	return nil
}

// relativeUpload is an uploads URL's path inside the uploads folder.
func (imp *importer) relativeUpload(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	rel, ok := strings.CutPrefix(store.OldPath(u.EscapedPath()), imp.uploadsDir+"/")
	if !ok {
		return ""
	}
	return rel
}

func (imp *importer) attachmentPaths(a *attachment, rel string) []string {
	var paths []string
	if u, err := url.Parse(a.URL); err == nil && u.Path != "" {
		paths = append(paths, u.EscapedPath())
	}
	if rel != "" {
		dir := imp.uploadsDir + "/" + path.Dir(rel)
		paths = append(paths, imp.uploadsDir+"/"+rel)
		for _, s := range a.Sizes {
			paths = append(paths, dir+"/"+s)
		}
	}
	if u, err := url.Parse(a.Link); err == nil && u.RawQuery == "" && u.Path != "" {
		paths = append(paths, u.EscapedPath()) // the attachment's own page
	}
	return paths
}

// importAttachment stores one attachment's image, or says why not.
func (imp *importer) importAttachment(ctx context.Context, root *os.Root, a *attachment, rel string, paths []string) (*qalam.Media, string, error) {
	if id, err := imp.st.WordPressObject(ctx, imp.site, store.WPAttachment, a.ID); err == nil {
		if m, err := imp.st.Media(ctx, id); err == nil {
			imp.report.tally("images", false)
			return m, "", nil
		}
	}
	switch {
	case root == nil:
		return nil, "no uploads folder given (--uploads)", nil
	case rel == "":
		return nil, "the export does not say which file it is", nil
	case !imageExt[strings.ToLower(path.Ext(rel))]:
		return nil, "not an image (Qalam keeps images only)", nil
	}
	f, err := root.Open(rel)
	if err != nil {
		return nil, "file not found in the uploads folder", nil
	}
	defer f.Close()
	m, err := imp.opts.Media.Store(ctx, f)
	if err != nil {
		if k := qalam.KindOf(err); k == qalam.KindInvalid || k == qalam.KindTooLarge {
			return nil, "the media library refused it: " + qalam.MessageOf(err), nil
		}
		return nil, "", fmt.Errorf("wordpress import: image %s: %w", rel, err)
	}
	stored := *m
	m.Alt, _ = truncate(cmpOr(a.Alt, a.Title, strings.TrimSuffix(path.Base(rel), path.Ext(rel))), 500)
	m.Caption, _ = truncate(a.Caption, 1000)
	m.CreatedAt = a.Date
	created, err := imp.st.ImportWordPressMedia(ctx, imp.site, a.ID, m, paths)
	if err != nil || !created {
		// Imported meanwhile, or not stored: the files just written go.
		if rerr := imp.opts.Media.Remove(&stored); rerr != nil {
			err = errors.Join(err, rerr)
		}
	}
	if err != nil {
		return nil, "", fmt.Errorf("wordpress import: image %s: %w", rel, err)
	}
	imp.report.tally("images", created)
	return m, "", nil
}

// Slugs.

// planSlugs settles every article's slug before any is stored, so that
// links between posts can be rewritten whichever comes first in the file:
// an article imported before keeps the slug it has now; a new one gets its
// WordPress slug unless another article holds it, then a number.
func (imp *importer) planSlugs(ctx context.Context) error {
	existing, err := imp.st.WordPressArticleSlugs(ctx, imp.site)
	if err != nil {
		return fmt.Errorf("wordpress import: %w", err)
	}
	taken := map[string]bool{}
	var fresh []int64
	for _, id := range imp.idx.order {
		if slug, ok := existing[id]; ok {
			imp.idx.posts[id].Slug = slug
			taken[slug] = true
		} else {
			fresh = append(fresh, id)
		}
	}
	var wanted []string
	for _, id := range fresh {
		wanted = append(wanted, imp.idx.posts[id].Slug)
	}
	used, err := imp.st.ArticleSlugsInUse(ctx, wanted)
	if err != nil {
		return fmt.Errorf("wordpress import: %w", err)
	}
	var again []string
	for _, id := range fresh {
		p := imp.idx.posts[id]
		base, slug := p.Slug, p.Slug
		for n := 2; taken[slug] || used[slug]; n++ {
			slug = numbered(base, n)
			again = append(again, slug)
		}
		taken[slug] = true
		p.Slug = slug
	}
	if len(again) > 0 {
		// A numbered slug might itself be in use: check, and renumber.
		if used, err = imp.st.ArticleSlugsInUse(ctx, again); err != nil {
			return fmt.Errorf("wordpress import: %w", err)
		}
		for _, id := range fresh {
			p := imp.idx.posts[id]
			for n := 2; used[p.Slug]; n++ {
				delete(taken, p.Slug)
				p.Slug = numbered(p.Slug, n)
			}
		}
	}
	for _, id := range imp.idx.order {
		p := imp.idx.posts[id]
		dest := articlePath(p.Slug)
		key := map[string]string{"post": "p", "page": "page_id"}[p.Type]
		imp.ids[key][id] = dest
		imp.ids["p"][id] = dest
		// Links in content use permalinks; the other forms are only for
		// the redirects, and need not take memory here.
		imp.addPaths(dest, imp.postPaths(p, false)...)
	}
	return nil
}

func numbered(slug string, n int) string {
	suffix := "-" + strconv.Itoa(n)
	runes := []rune(slug)
	if len(runes)+len(suffix) > qalam.MaxSlug {
		runes = runes[:qalam.MaxSlug-len(suffix)]
	}
	return strings.TrimRight(string(runes), "-") + suffix
}

// postPaths are the old addresses of a post: its permalink and, with all,
// the date and name forms WordPress also answers; and the same with each
// old slug.
func (imp *importer) postPaths(p *postEntry, all bool) []string {
	u, err := url.Parse(p.Link)
	if err != nil || u.RawQuery != "" {
		return nil // a plain permalink (?p=ID) is found by id
	}
	link := u.EscapedPath()
	var paths []string
	add := func(last string) {
		dir := strings.TrimSuffix(strings.TrimRight(link, "/"), "/"+path.Base(strings.TrimRight(link, "/")))
		paths = append(paths, dir+"/"+last)
		if p.Type == "post" && all {
			base := imp.basePath()
			// /YYYY/MM/DD/slug/ and /YYYY/MM/slug/, whichever the site used.
			if m := datePrefix.FindStringSubmatch(strings.TrimPrefix(link, base)); m != nil {
				paths = append(paths, base+"/"+m[1]+"/"+m[2]+"/"+m[3]+"/"+last, base+"/"+m[1]+"/"+m[2]+"/"+last)
			}
			paths = append(paths, base+"/"+last)
		}
	}
	paths = append(paths, link)
	add(path.Base(strings.TrimRight(link, "/")))
	for _, old := range p.Old {
		if old = strings.TrimSpace(old); old != "" {
			add(url.PathEscape(wpSlug(old)))
		}
	}
	return paths
}

var datePrefix = regexp.MustCompile(`^/(\d{4})/(\d{2})/(\d{2})/`)

// Posts, pages and comments.

func (imp *importer) importPosts(ctx context.Context) error {
	imp.conv = &converter{
		rewrite:       imp.rewrite,
		attachment:    func(id int64) (image, bool) { img, ok := imp.images[id]; return img, ok },
		attachmentsOf: imp.attachmentsOf,
		stats:         imp.report.Content,
	}
	f, r, err := imp.reader(imp.mode)
	if err != nil {
		return err
	}
	defer f.Close()
	w := newWXRReader(r, imp.mode, imp.opts.Limits)
	total := int64(len(imp.idx.order))
	var done int64
	var batch []*store.WordPressPost
	pending := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := imp.st.ImportWordPressPosts(ctx, imp.site, batch); err != nil {
			return fmt.Errorf("wordpress import: %w", err)
		}
		for _, p := range batch {
			imp.report.outcome(p)
		}
		done += int64(len(batch))
		imp.opts.Progress(Progress{Phase: PhaseImporting, Done: done, Total: total})
		batch, pending = batch[:0], 0
		return ctx.Err()
	}
	imp.opts.Progress(Progress{Phase: PhaseImporting, Done: 0, Total: total})
	seen := map[int64]bool{}
	for {
		v, err := w.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// The first pass read this file: it changed meanwhile.
			return fmt.Errorf("wordpress import: the file changed while it was being imported: %w", err)
		}
		it, ok := v.(*wxrItem)
		if !ok || it.Type == "attachment" {
			continue
		}
		if !importable(it) || it.ID <= 0 || seen[it.ID] {
			imp.report.skipItem(it, seen[it.ID])
			continue
		}
		seen[it.ID] = true
		p, reason := imp.post(it)
		if reason != "" {
			imp.report.skip(kindOf(it), reason)
			if len(it.Comments) > 0 {
				imp.report.skipN("comments", "on items not imported", len(it.Comments))
			}
			done++
			continue
		}
		batch = append(batch, p)
		pending += 1 + len(p.Comments)
		if len(batch) >= imp.opts.BatchSize || pending >= 20*imp.opts.BatchSize {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

func kindOf(it *wxrItem) string {
	if it.Type == "page" {
		return "pages"
	}
	return "posts"
}

func (imp *importer) attachmentsOf(postID int64) []image {
	if imp.byParent == nil {
		imp.byParent = map[int64][]attachment{}
		for _, a := range imp.idx.attachments {
			imp.byParent[a.Parent] = append(imp.byParent[a.Parent], *a)
		}
	}
	list := slices.Clone(imp.byParent[postID])
	galleryOrder(list)
	var images []image
	for _, a := range list {
		images = append(images, imp.images[a.ID])
	}
	return images
}

// post turns an item into the post to store, or says why it is skipped.
func (imp *importer) post(it *wxrItem) (*store.WordPressPost, string) {
	r := imp.report
	entry := imp.idx.posts[it.ID]
	if entry == nil {
		return nil, "added to the file after it was checked"
	}
	status := statusOf[it.Status]
	passworded := it.Password != "" && status != qalam.Draft && status != qalam.Submitted
	if passworded {
		// Publishing it would show everyone what the password kept from
		// them; the newsroom decides.
		status = qalam.Draft
	}
	body := imp.conv.article(it.Content, it.ID)
	if strings.TrimSpace(body) == "" {
		return nil, "no text (Qalam articles need a body)"
	}
	headline := plainText(it.Title)
	untitled := headline == ""
	if untitled {
		headline = cmpOr(markup.Excerpt(body, 80), "Untitled")
	}
	headline, cut := truncate(headline, qalam.MaxHeadline)
	standfirst, cut2 := truncate(plainText(it.Excerpt), qalam.MaxStandfirst)
	a := &qalam.Article{
		Slug: entry.Slug, Language: language(headline, body), Label: qalam.News, Status: status,
		Headline: headline, Standfirst: standfirst, Body: body, BodyHTML: markup.Article(body),
		CommentsClosed: it.CommentStatus == "closed",
		CreatedAt:      wpTime(it.DateGMT, it.Date),
		EditedAt:       wpTime(it.ModifiedGMT, it.Modified),
	}
	switch status {
	case qalam.Published:
		a.PublishedAt = a.CreatedAt
	case qalam.Scheduled:
		a.ScheduledAt = a.CreatedAt
		if a.ScheduledAt.IsZero() {
			a.Status = qalam.Draft
		}
	}
	if a.EditedAt.Before(a.CreatedAt) {
		a.EditedAt = a.CreatedAt
	}
	if id, ok := imp.authors[it.Creator]; ok {
		a.AuthorIDs = []int64{id}
	} else {
		return nil, "its author could not be imported"
	}
	var tagIDs []int64
	categories := 0
	for _, t := range it.Terms {
		switch t.Domain {
		case "category":
			categories++
			// The first category, unless that is the catch-all one.
			if id := imp.categories[t.Nicename]; id != 0 && (a.CategoryID == 0 || a.CategoryID == imp.fallback && t.Nicename != "uncategorized") {
				a.CategoryID = id
			}
		case "post_tag", "tag":
			if id := imp.tags[t.Nicename]; id != 0 {
				tagIDs = append(tagIDs, id)
			}
		}
	}
	if categories > 1 {
		// The primary category SEO plugins record, else the first.
		primary, _ := strconv.ParseInt(strings.TrimSpace(it.metaValue("_yoast_wpseo_primary_category")), 10, 64)
		if id := imp.catByID[primary]; primary > 0 && id != 0 {
			a.CategoryID = id
		}
	}
	if it.Type == "page" {
		a.CategoryID = imp.pagesCat
	}
	if a.CategoryID == 0 {
		a.CategoryID = imp.fallback
	}
	if a.CategoryID == 0 {
		return nil, "no category could be given"
	}
	thumb, _ := strconv.ParseInt(strings.TrimSpace(it.metaValue("_thumbnail_id")), 10, 64)
	if id, ok := imp.media[thumb]; ok && thumb > 0 {
		a.FeaturedImageID = id
	}

	// The post will be stored: count what became of it.
	r.status(it.Type, it.Status, status)
	switch {
	case a.FeaturedImageID != 0:
		r.Featured++
	case thumb > 0:
		r.FeaturedMissing++
	}
	if passworded {
		r.Passworded = append(r.Passworded, it.ID)
	}
	if it.Sticky {
		r.Sticky = append(r.Sticky, it.ID)
	}
	if untitled {
		r.Untitled++
	}
	if cut || cut2 {
		r.Shortened++
	}
	if categories > 1 {
		r.ManyCategories++
	}
	kind := store.WPPost
	if it.Type == "page" {
		kind = store.WPPage
	}
	return &store.WordPressPost{
		Kind: kind, WPID: it.ID, Sticky: it.Sticky, Article: a, TagIDs: tagIDs,
		Paths: imp.postPaths(entry, true), Comments: imp.comments(it),
	}, ""
}

// language is Urdu when the text has more letters in Arabic script than in
// Latin, else English.
func language(headline, body string) qalam.Language {
	text := headline + " " + headline + " " + body
	if len(text) > 4000 {
		text = text[:4000]
	}
	arabic, latin := 0, 0
	for _, c := range text {
		switch {
		case unicode.Is(unicode.Arabic, c) && unicode.IsLetter(c):
			arabic++
		case unicode.Is(unicode.Latin, c):
			latin++
		}
	}
	if arabic > latin {
		return qalam.Urdu
	}
	return qalam.English
}

// commentStatus maps wp:comment_approved to Qalam's statuses. WordPress's
// trash keeps a comment out of sight without deleting it, as Qalam's
// "deleted" does.
var commentStatus = map[string]qalam.CommentStatus{
	"1": qalam.Approved, "approve": qalam.Approved,
	"0": qalam.Pending, "hold": qalam.Pending,
	"spam":  qalam.Spam,
	"trash": qalam.Deleted, "post-trashed": qalam.Deleted,
}

// comments converts an item's comments, parents before their replies.
func (imp *importer) comments(it *wxrItem) []*store.WordPressComment {
	r := imp.report
	byID := map[int64]*wxrComment{}
	replies := map[int64][]*wxrComment{}
	var roots []*wxrComment
	for _, c := range it.Comments {
		switch c.Type {
		case "", "comment", "pingback", "trackback":
		default:
			r.skip("comments", "of type "+strconv.Quote(c.Type)+" (not a reader's comment)")
			continue
		}
		if c.ID <= 0 || byID[c.ID] != nil {
			r.skip("comments", "without a valid id")
			continue
		}
		byID[c.ID] = c
	}
	for _, c := range it.Comments {
		if byID[c.ID] != c {
			continue
		}
		if c.Parent != 0 && byID[c.Parent] != nil && c.Parent != c.ID {
			replies[c.Parent] = append(replies[c.Parent], c)
		} else {
			if c.Parent != 0 {
				r.Orphans++ // its parent is not in the export (spam is left out)
			}
			roots = append(roots, c)
		}
	}
	var out []*store.WordPressComment
	done := map[int64]bool{}
	var visit func(c *wxrComment, parent int64)
	visit = func(c *wxrComment, parent int64) {
		if done[c.ID] {
			return
		}
		done[c.ID] = true
		if wc := imp.comment(c, parent); wc != nil {
			out = append(out, wc)
		}
		for _, reply := range replies[c.ID] {
			visit(reply, c.ID)
		}
	}
	for _, c := range roots {
		visit(c, 0)
	}
	for _, c := range it.Comments {
		if byID[c.ID] == c && !done[c.ID] {
			visit(c, 0) // a cycle of parents: shown at the top level
		}
	}
	return out
}

func (imp *importer) comment(c *wxrComment, parent int64) *store.WordPressComment {
	r := imp.report
	status, ok := commentStatus[strings.TrimSpace(c.Approved)]
	if !ok {
		status = qalam.Pending
	}
	body := imp.conv.comment(c.Content)
	if strings.TrimSpace(body) == "" {
		r.skip("comments", "with no text")
		return nil
	}
	if c.Type == "pingback" || c.Type == "trackback" {
		r.Pingbacks++
	}
	name := strings.Join(strings.Fields(plainText(c.Author)), " ")
	name, _ = truncate(cmpOr(name, "Anonymous"), qalam.MaxCommentName)
	website := strings.TrimSpace(html.UnescapeString(c.URL))
	if website != "" && !strings.Contains(website, "://") {
		website = "https://" + website
	}
	if website != "" && (!qalam.ValidWebURL(website) || len(website) > qalam.MaxCommentURL) {
		r.WebsitesDropped++
		website = ""
	}
	created := wpTime(c.DateGMT, c.Date)
	return &store.WordPressComment{
		WPID: c.ID, WPParent: parent, WPUserID: max(c.UserID, 0),
		Comment: &qalam.Comment{
			AuthorName: name, AuthorEmail: strings.TrimSpace(c.Email), AuthorURL: website,
			Body: body, BodyHTML: markup.Comment(body), Status: status,
			IPHash: imp.address(c.IP, created), CreatedAt: created,
		},
	}
}

// address turns a commenter's address into a keyed hash, or drops it.
func (imp *importer) address(raw string, posted time.Time) string {
	r := imp.report
	addr, err := netip.ParseAddr(strings.TrimSpace(raw))
	switch {
	case strings.TrimSpace(raw) == "":
		r.Addresses.None++
	case err != nil:
		r.Addresses.Invalid++
	case imp.opts.DropAddresses || imp.opts.HashAddress == nil:
		r.Addresses.Dropped++
	case !imp.opts.AddressesSince.IsZero() && posted.Before(imp.opts.AddressesSince):
		r.Addresses.Expired++
	default:
		r.Addresses.Hashed++
		return imp.opts.HashAddress(addr)
	}
	return ""
}

// rewrite maps an address on the old site to its new one: an uploaded
// image (or a smaller copy of it) to the stored one, a post, page, category, tag or author (by path
// or by ?p=, ?page_id=, ?cat=, ?author=, ?attachment_id=) to its page
// here. Other addresses, and any on another site, stay as they are.
func (imp *importer) rewrite(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https") {
		return raw
	}
	if u.Host == "" {
		if !strings.HasPrefix(u.Path, "/") {
			return raw // relative to the post, or a fragment: leave it
		}
	} else if !imp.hosts[strings.ToLower(u.Host)] {
		return raw
	}
	p := store.OldPath(u.EscapedPath())
	dest := ""
	if u.RawQuery != "" {
		q := u.Query()
		for _, key := range []string{"p", "page_id", "attachment_id", "cat", "author"} {
			if id, err := strconv.ParseInt(q.Get(key), 10, 64); err == nil && id > 0 {
				if dest = imp.ids[key][id]; dest != "" {
					break
				}
			}
		}
	}
	if dest == "" {
		dest = imp.paths[p]
	}
	if dest == "" {
		return raw
	}
	imp.report.Content.LinksRewritten++
	if u.Fragment != "" {
		dest += "#" + u.EscapedFragment()
	}
	return dest
}
