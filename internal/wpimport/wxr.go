package wpimport

import (
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"
)

// channel is what a WXR file says about the site it came from.
type channel struct {
	Title, Link, Language, WXRVersion, Generator string
	BaseSiteURL, BaseBlogURL                     string
}

// wxrAuthor is a wp:author: a user who wrote items.
type wxrAuthor struct {
	ID                        int64
	Login, Email, DisplayName string
	FirstName, LastName       string
}

// wxrTerm is a wp:category, wp:tag or wp:term.
type wxrTerm struct {
	ID          int64
	Taxonomy    string // category, post_tag or another taxonomy
	Slug        string // as WordPress stores it: percent-encoded UTF-8
	Parent      string // the parent's slug, for categories
	Name        string // may hold HTML entities ("Science &amp; Environment")
	Description string
}

// itemTerm is a <category> of an item: one of its categories or tags.
type itemTerm struct {
	Domain, Nicename, Name string
}

type meta struct{ Key, Value string }

// wxrItem is an <item>: a post, page, attachment or other post type.
type wxrItem struct {
	Line int // where it starts in the file

	Title, Link, Creator, GUID, Content, Excerpt string
	ID, Parent                                   int64
	Date, DateGMT, Modified, ModifiedGMT         string
	CommentStatus, Name, Status, Type, Password  string
	Sticky                                       bool
	MenuOrder                                    int
	AttachmentURL                                string
	Terms                                        []itemTerm
	Meta                                         []meta
	Comments                                     []*wxrComment
}

// metaValues returns the values of the item's meta with the given key.
func (it *wxrItem) metaValues(key string) []string {
	var vs []string
	for _, m := range it.Meta {
		if m.Key == key {
			vs = append(vs, m.Value)
		}
	}
	return vs
}

func (it *wxrItem) metaValue(key string) string {
	if vs := it.metaValues(key); len(vs) > 0 {
		return vs[len(vs)-1]
	}
	return ""
}

// wxrComment is a wp:comment of an item.
type wxrComment struct {
	ID, Parent, UserID     int64
	Author, Email, URL, IP string
	Date, DateGMT, Content string
	Approved, Type         string
	Meta                   []meta
}

// wxrReader reads a WXR file (1.0, 1.1 or 1.2) one author, term or item
// at a time, through a repairReader and encoding/xml's streaming decoder,
// with a nesting limit of its own. Only the item being read is in memory.
type wxrReader struct {
	rr      *repairReader
	d       *xml.Decoder
	limits  Limits
	depth   int
	level   int // 0: before <rss>, 1: in rss, 2: in channel, 3: after rss
	channel channel
}

func newWXRReader(r io.Reader, mode charMode, limits Limits) *wxrReader {
	rr := newRepairReader(r, mode, limits)
	d := xml.NewDecoder(rr)
	d.Strict = true
	return &wxrReader{rr: rr, d: d, limits: rr.limits}
}

// errNotWXR means the file is XML but not a WordPress export.
var errNotWXR = errors.New("this is not a WordPress export: its root element is not <rss>")

// token returns the next token, tracking and bounding the nesting depth
// and turning decoder errors into SyntaxErrors at the input position.
func (w *wxrReader) token() (xml.Token, error) {
	t, err := w.d.Token()
	if err != nil {
		return nil, w.wrap(err)
	}
	switch t.(type) {
	case xml.StartElement:
		w.depth++
		if w.depth > w.limits.MaxDepth {
			line, col := w.rr.Pos()
			return nil, &SyntaxError{Line: line, Column: col,
				Msg: "elements nested deeper than " + strconv.Itoa(w.limits.MaxDepth) + " levels (WordPress needs 6); the file is refused"}
		}
	case xml.EndElement:
		w.depth--
	}
	return t, nil
}

func (w *wxrReader) wrap(err error) error {
	if se, ok := errors.AsType[*SyntaxError](err); ok {
		return se
	}
	line, col := w.rr.Pos()
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		if w.level == 3 {
			return io.EOF
		}
		return &SyntaxError{Line: line, Column: col, Msg: "the file ends before its last element is closed (was it cut short?)"}
	}
	if xe, ok := errors.AsType[*xml.SyntaxError](err); ok {
		if xe.Msg == "unexpected EOF" {
			return &SyntaxError{Line: line, Column: col, Msg: "the file ends before its last element is closed (was it cut short?)"}
		}
		return &SyntaxError{Line: line, Column: col, Msg: xe.Msg}
	}
	return err
}

// qname names an element as WXR's prefixes do, whatever the export
// version (the namespaces differ between 1.0, 1.1 and 1.2) and even when
// the file forgot to declare a prefix.
func qname(n xml.Name) string {
	s := n.Space
	switch {
	case s == "":
		return n.Local
	case strings.HasPrefix(s, "http://wordpress.org/export/") && strings.HasSuffix(s, "/excerpt/"), s == "excerpt":
		return "excerpt:" + n.Local
	case strings.HasPrefix(s, "http://wordpress.org/export/"), s == "wp":
		return "wp:" + n.Local
	case s == "http://purl.org/rss/1.0/modules/content/", s == "content":
		return "content:" + n.Local
	case s == "http://purl.org/dc/elements/1.1/", s == "dc":
		return "dc:" + n.Local
	}
	return s + ":" + n.Local
}

// next returns the next *wxrAuthor, *wxrTerm or *wxrItem, or io.EOF after
// the end of the file. Channel fields are gathered in w.channel as they
// pass.
func (w *wxrReader) next() (any, error) {
	for {
		t, err := w.token()
		if err != nil {
			if err == io.EOF && w.level != 3 {
				line, col := w.rr.Pos()
				return nil, &SyntaxError{Line: line, Column: col, Msg: "the file ends before the export does (was it cut short?)"}
			}
			return nil, err
		}
		switch t := t.(type) {
		case xml.StartElement:
			name := qname(t.Name)
			switch w.level {
			case 0:
				if name != "rss" {
					return nil, errNotWXR
				}
				w.level = 1
			case 1:
				if name == "channel" {
					w.level = 2
				} else if err := w.skip(); err != nil {
					return nil, err
				}
			case 2:
				if v, err := w.channelElement(name, t); v != nil || err != nil {
					return v, err
				}
			default:
				if err := w.skip(); err != nil {
					return nil, err
				}
			}
		case xml.EndElement:
			switch {
			case w.level == 2 && qname(t.Name) == "channel":
				w.level = 1
			case w.level == 1 && qname(t.Name) == "rss":
				w.level = 3
			}
		}
	}
}

// channelElement reads one child of <channel>: a site field, or an author,
// term or item to return.
func (w *wxrReader) channelElement(name string, start xml.StartElement) (any, error) {
	field := map[string]*string{
		"title": &w.channel.Title, "link": &w.channel.Link, "language": &w.channel.Language,
		"generator": &w.channel.Generator, "wp:wxr_version": &w.channel.WXRVersion,
		"wp:base_site_url": &w.channel.BaseSiteURL, "wp:base_blog_url": &w.channel.BaseBlogURL,
	}[name]
	switch {
	case field != nil:
		s, err := w.text()
		*field = strings.TrimSpace(s)
		return nil, err
	case name == "wp:author":
		return w.author()
	case name == "wp:category" || name == "wp:tag" || name == "wp:term":
		return w.term(name)
	case name == "item":
		return w.item()
	}
	return nil, w.skip()
}

// skip consumes the rest of the element just started.
func (w *wxrReader) skip() error {
	depth := w.depth
	for w.depth >= depth {
		if _, err := w.token(); err != nil {
			return err
		}
	}
	return nil
}

// text returns the character data of the element just started, nested
// elements' text included, up to the limit on a text.
func (w *wxrReader) text() (string, error) {
	depth := w.depth
	var b strings.Builder
	for {
		t, err := w.token()
		if err != nil {
			return "", err
		}
		switch t := t.(type) {
		case xml.CharData:
			if b.Len()+len(t) > w.limits.MaxText {
				line, col := w.rr.Pos()
				return "", &SyntaxError{Line: line, Column: col, Msg: "a field longer than the limit of " + strconv.Itoa(w.limits.MaxText) + " bytes; the file is refused"}
			}
			b.Write(t)
		case xml.EndElement:
			if w.depth < depth {
				return b.String(), nil
			}
		}
	}
}

// children calls fn for each child element of the element just started.
func (w *wxrReader) children(fn func(name string, start xml.StartElement) error) error {
	depth := w.depth
	for {
		t, err := w.token()
		if err != nil {
			return err
		}
		switch t := t.(type) {
		case xml.StartElement:
			if err := fn(qname(t.Name), t); err != nil {
				return err
			}
		case xml.EndElement:
			if w.depth < depth {
				return nil
			}
		}
	}
}

// textInto reads the element's text into *s.
func (w *wxrReader) textInto(s *string) error {
	v, err := w.text()
	*s = v
	return err
}

// intInto reads the element's text as a number into *n; text that is not
// a number leaves 0, which the importer reports.
func (w *wxrReader) intInto(n *int64) error {
	v, err := w.text()
	*n, _ = strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	return err
}

func (w *wxrReader) author() (*wxrAuthor, error) {
	a := &wxrAuthor{}
	err := w.children(func(name string, _ xml.StartElement) error {
		switch name {
		case "wp:author_id":
			return w.intInto(&a.ID)
		case "wp:author_login":
			return w.textInto(&a.Login)
		case "wp:author_email":
			return w.textInto(&a.Email)
		case "wp:author_display_name":
			return w.textInto(&a.DisplayName)
		case "wp:author_first_name":
			return w.textInto(&a.FirstName)
		case "wp:author_last_name":
			return w.textInto(&a.LastName)
		}
		return w.skip()
	})
	return a, err
}

func (w *wxrReader) term(element string) (*wxrTerm, error) {
	t := &wxrTerm{Taxonomy: map[string]string{"wp:category": "category", "wp:tag": "post_tag"}[element]}
	err := w.children(func(name string, _ xml.StartElement) error {
		switch name {
		case "wp:term_id":
			return w.intInto(&t.ID)
		case "wp:term_taxonomy":
			return w.textInto(&t.Taxonomy)
		case "wp:category_nicename", "wp:tag_slug", "wp:term_slug":
			return w.textInto(&t.Slug)
		case "wp:category_parent", "wp:term_parent":
			return w.textInto(&t.Parent)
		case "wp:cat_name", "wp:tag_name", "wp:term_name":
			return w.textInto(&t.Name)
		case "wp:category_description", "wp:tag_description", "wp:term_description":
			return w.textInto(&t.Description)
		}
		return w.skip()
	})
	return t, err
}

func (w *wxrReader) item() (*wxrItem, error) {
	line, _ := w.rr.Pos()
	it := &wxrItem{Line: line}
	var sticky, menuOrder int64
	err := w.children(func(name string, start xml.StartElement) error {
		switch name {
		case "title":
			return w.textInto(&it.Title)
		case "link":
			return w.textInto(&it.Link)
		case "dc:creator":
			return w.textInto(&it.Creator)
		case "guid":
			return w.textInto(&it.GUID)
		case "content:encoded":
			return w.textInto(&it.Content)
		case "excerpt:encoded":
			return w.textInto(&it.Excerpt)
		case "wp:post_date":
			return w.textInto(&it.Date)
		case "wp:post_date_gmt":
			return w.textInto(&it.DateGMT)
		case "wp:post_modified":
			return w.textInto(&it.Modified)
		case "wp:post_modified_gmt":
			return w.textInto(&it.ModifiedGMT)
		case "wp:comment_status":
			return w.textInto(&it.CommentStatus)
		case "wp:post_name":
			return w.textInto(&it.Name)
		case "wp:status":
			return w.textInto(&it.Status)
		case "wp:post_type":
			return w.textInto(&it.Type)
		case "wp:post_password":
			return w.textInto(&it.Password)
		case "wp:attachment_url":
			return w.textInto(&it.AttachmentURL)
		case "wp:post_id":
			return w.intInto(&it.ID)
		case "wp:post_parent":
			return w.intInto(&it.Parent)
		case "wp:is_sticky":
			return w.intInto(&sticky)
		case "wp:menu_order":
			return w.intInto(&menuOrder)
		case "category":
			t := itemTerm{}
			for _, a := range start.Attr {
				switch a.Name.Local {
				case "domain":
					t.Domain = a.Value
				case "nicename":
					t.Nicename = a.Value
				}
			}
			err := w.textInto(&t.Name)
			it.Terms = append(it.Terms, t)
			return err
		case "wp:postmeta":
			m, err := w.meta()
			it.Meta = append(it.Meta, m)
			return err
		case "wp:comment":
			c, err := w.comment()
			it.Comments = append(it.Comments, c)
			return err
		}
		return w.skip()
	})
	it.Sticky, it.MenuOrder = sticky == 1, int(menuOrder)
	return it, err
}

func (w *wxrReader) meta() (meta, error) {
	var m meta
	err := w.children(func(name string, _ xml.StartElement) error {
		switch name {
		case "wp:meta_key":
			return w.textInto(&m.Key)
		case "wp:meta_value":
			return w.textInto(&m.Value)
		}
		return w.skip()
	})
	return m, err
}

func (w *wxrReader) comment() (*wxrComment, error) {
	c := &wxrComment{}
	err := w.children(func(name string, _ xml.StartElement) error {
		switch name {
		case "wp:comment_author":
			return w.textInto(&c.Author)
		case "wp:comment_author_email":
			return w.textInto(&c.Email)
		case "wp:comment_author_url":
			return w.textInto(&c.URL)
		case "wp:comment_author_IP":
			return w.textInto(&c.IP)
		case "wp:comment_date":
			return w.textInto(&c.Date)
		case "wp:comment_date_gmt":
			return w.textInto(&c.DateGMT)
		case "wp:comment_content":
			return w.textInto(&c.Content)
		case "wp:comment_approved":
			return w.textInto(&c.Approved)
		case "wp:comment_type":
			return w.textInto(&c.Type)
		case "wp:comment_id":
			return w.intInto(&c.ID)
		case "wp:comment_parent":
			return w.intInto(&c.Parent)
		case "wp:comment_user_id":
			return w.intInto(&c.UserID)
		case "wp:commentmeta":
			m, err := w.meta()
			c.Meta = append(c.Meta, m)
			return err
		}
		return w.skip()
	})
	return c, err
}
