package wpimport

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits bound what one file may hold, so that a hostile file (a gigabyte
// attribute, nesting a million deep) is refused as soon as it crosses a
// bound instead of exhausting memory. Zero values take the defaults.
type Limits struct {
	MaxDepth int // element nesting; default 64 (WXR needs 6)
	MaxTag   int // bytes of one tag with its attributes; default 64 KiB
	MaxText  int // bytes of one text, CDATA section or comment; default 32 MiB
}

func (l Limits) withDefaults() Limits {
	if l.MaxDepth <= 0 {
		l.MaxDepth = 64
	}
	if l.MaxTag <= 0 {
		l.MaxTag = 64 << 10
	}
	if l.MaxText <= 0 {
		l.MaxText = 32 << 20
	}
	return l
}

// SyntaxError is a file that cannot be read: where, and what is wrong.
// Line and Column count from 1; columns count characters.
type SyntaxError struct {
	Line, Column int
	Msg          string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Msg)
}

// Repair is one kind of fault the reader put right: how often, and where
// it was first met.
type Repair struct {
	Kind         string // one of the repair constants
	Count        int
	Line, Column int // of the first one
}

// Kinds of repair, as the report names them.
const (
	RepairAmpersand = "a bare & escaped (WordPress writes some fields, such as a commenter's website, unescaped)"
	RepairEntity    = "an HTML entity outside CDATA (such as &nbsp;) kept as text"
	RepairLessThan  = "a bare < escaped"
	RepairControl   = "a control character or a character XML does not allow removed"
	RepairLatin1    = "bytes that are not UTF-8 read as Windows-1252 (Latin-1)"
	RepairEncoding  = "a wrong encoding declaration ignored: the bytes are UTF-8"
	RepairComment   = `a "--" inside an XML comment split`
	RepairCDATAEnd  = `a "]]>" outside CDATA escaped`
)

// charMode says how the reader decodes bytes that are not ASCII.
type charMode int

const (
	// utf8Fallback reads UTF-8, and any byte that does not form UTF-8 as
	// Windows-1252, as WordPress's own importer effectively does.
	utf8Fallback charMode = iota
	// declaredCharset means the input was already decoded from the
	// declared single-byte encoding, so it is valid UTF-8.
	declaredCharset
)

type lexState int

const (
	inText lexState = iota
	inTag
	inComment
	inCDATA
	inPI
)

// repairReader passes an XML stream through, repairing what WordPress and
// old plugins get wrong and what WordPress's own importer accepts: bare &
// and <, stray control characters, bytes that are not UTF-8, a wrong
// encoding declaration. It refuses a document type declaration (WordPress
// never writes one; its entities are how expansion attacks work), tags
// longer than MaxTag and texts longer than MaxText, with a SyntaxError at
// the place.
//
// It implements io.ByteReader, so that encoding/xml reads it byte by byte
// without buffering ahead: the reader's position is then the decoder's,
// and errors can name the line and column of the input.
type repairReader struct {
	in     *bufio.Reader
	limits Limits
	mode   charMode

	out      []byte
	off      int
	outLine  int // input position of out[0]
	outCol   int
	line     int // input position of the next character
	col      int
	state    lexState
	quote    byte // in a tag: the open quote, or 0
	run      int  // bytes of the current tag, text, comment or CDATA section
	runLine  int  // where it started
	runCol   int
	started  bool // past the XML declaration, if any
	declared string
	err      error

	repairs []*Repair
	byKind  map[string]*Repair
	// notUTF8 counts bytes read as Windows-1252, utf8Chars characters
	// that were valid UTF-8 beyond ASCII: together they tell a file in a
	// single-byte encoding from a UTF-8 file with a few stray bytes.
	notUTF8, utf8Chars int
}

func newRepairReader(r io.Reader, mode charMode, limits Limits) *repairReader {
	return &repairReader{
		in:     bufio.NewReaderSize(r, 64<<10),
		limits: limits.withDefaults(),
		mode:   mode,
		line:   1, col: 1, runLine: 1, runCol: 1,
		outLine: 1, outCol: 1,
		byKind: map[string]*Repair{},
	}
}

// Pos is the input position of the next byte the reader will hand out.
func (r *repairReader) Pos() (line, column int) {
	return r.outLine, r.outCol + r.off
}

func (r *repairReader) ReadByte() (byte, error) {
	for r.off >= len(r.out) {
		if r.err != nil {
			return 0, r.err
		}
		r.out, r.off = r.out[:0], 0
		r.outLine, r.outCol = r.line, r.col
		r.step()
	}
	b := r.out[r.off]
	r.off++
	return b, nil
}

func (r *repairReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if r.off >= len(r.out) && n > 0 {
			return n, nil
		}
		b, err := r.ReadByte()
		if err != nil {
			return n, err
		}
		p[n] = b
		n++
	}
	return n, nil
}

// repaired counts a repair of kind at the current input position.
func (r *repairReader) repaired(kind string) {
	if rp := r.byKind[kind]; rp != nil {
		rp.Count++
		return
	}
	rp := &Repair{Kind: kind, Count: 1, Line: r.line, Column: r.col}
	r.byKind[kind] = rp
	r.repairs = append(r.repairs, rp)
}

// fail stops the stream with a syntax error at the current input position.
func (r *repairReader) fail(format string, args ...any) {
	r.err = &SyntaxError{Line: r.line, Column: r.col, Msg: fmt.Sprintf(format, args...)}
}

// peek returns up to n bytes of input without consuming them.
func (r *repairReader) peek(n int) []byte {
	b, _ := r.in.Peek(n)
	return b
}

// skip consumes n bytes of input that lie on the current line and are
// each one character.
func (r *repairReader) skip(n int) {
	r.in.Discard(n)
	r.col += n
}

// emitSkip copies n input bytes (ASCII, no newline) to the output.
func (r *repairReader) emitSkip(n int) {
	r.out = append(r.out, r.peek(n)...)
	r.skip(n)
}

// grow adds n bytes to the current construct's length, failing when it
// passes its limit.
func (r *repairReader) grow(n int) bool {
	r.run += n
	limit, what := r.limits.MaxText, "a text longer than the limit of %d bytes"
	if r.state == inTag {
		limit, what = r.limits.MaxTag, "a tag longer than the limit of %d bytes (huge attributes?)"
	}
	if r.run > limit {
		r.line, r.col = r.runLine, r.runCol
		r.fail(what+"; the file is refused", limit)
		return false
	}
	return true
}

// begin enters state at the current position.
func (r *repairReader) begin(state lexState) {
	r.state, r.run, r.runLine, r.runCol = state, 0, r.line, r.col
}

// step produces the next piece of output, or sets err.
func (r *repairReader) step() {
	if !r.started {
		r.started = true
		if r.declaration() {
			return
		}
	}
	head := r.peek(1)
	if len(head) == 0 {
		if r.state != inText {
			r.fail("the file ends inside a %s", map[lexState]string{inTag: "tag", inComment: "comment", inCDATA: "CDATA section", inPI: "processing instruction"}[r.state])
			return
		}
		r.err = io.EOF
		return
	}
	switch r.state {
	case inText:
		r.text()
	case inTag:
		r.tag()
	case inComment:
		r.until("-->", inText)
	case inCDATA:
		r.until("]]>", inText)
	case inPI:
		r.until("?>", inText)
	}
}

// special reports the bytes that end a stretch the reader may copy as it
// is: markup, line ends, controls, and what may end the current construct.
func (r *repairReader) special(b byte) bool {
	if b < 0x20 {
		return true
	}
	switch r.state {
	case inText:
		return b == '<' || b == '&' || b == ']'
	case inComment:
		return b == '-'
	case inCDATA:
		return b == ']'
	case inPI:
		return b == '?'
	}
	return b == '>' || b == '"' || b == '\'' || b == '&' || b == '<' // inTag
}

// fast copies a stretch of ordinary characters at once (the bulk of any
// file), valid UTF-8 included, and reports whether there was one.
func (r *repairReader) fast() bool {
	buf := r.peek(4096)
	i, chars := 0, 0
	for i < len(buf) {
		b := buf[i]
		if b < utf8.RuneSelf {
			if r.special(b) {
				break
			}
			i++
			chars++
			continue
		}
		c, size := utf8.DecodeRune(buf[i:])
		if c == utf8.RuneError && size <= 1 || !xmlChar(c) {
			break // char() decides, or the rune is cut by the end of buf
		}
		i += size
		chars++
		r.utf8Chars++
	}
	if i == 0 {
		return false
	}
	if !r.grow(i) {
		return true
	}
	r.out = append(r.out, buf[:i]...)
	r.in.Discard(i)
	r.col += chars
	return true
}

func (r *repairReader) text() {
	if r.fast() {
		return
	}
	b := r.peek(1)[0]
	switch b {
	case '<':
		r.markup()
	case '&':
		r.ampersand()
	case ']':
		if bytes.HasPrefix(r.peek(3), []byte("]]>")) {
			r.repaired(RepairCDATAEnd)
			r.out = append(r.out, "]]&gt;"...)
			r.skip(3)
			return
		}
		r.char()
	default:
		r.char()
	}
}

var (
	doctype      = []byte("<!doctype")
	cdataStart   = []byte("<![CDATA[")
	commentStart = []byte("<!--")
)

// markup starts a tag, comment, CDATA section or processing instruction,
// or escapes a < that starts none.
func (r *repairReader) markup() {
	head := r.peek(len(cdataStart))
	switch {
	case bytes.HasPrefix(head, commentStart):
		r.begin(inComment)
		r.emitSkip(len(commentStart))
	case bytes.HasPrefix(head, cdataStart):
		r.begin(inCDATA)
		r.emitSkip(len(cdataStart))
	case len(head) >= len(doctype) && bytes.EqualFold(head[:len(doctype)], doctype):
		r.fail("the file declares a document type (<!DOCTYPE>), which WordPress never writes and which can define entities that expand without bound; the file is refused")
	case len(head) > 1 && head[1] == '!':
		r.fail("a markup declaration (<!...>), which WordPress never writes; the file is refused")
	case len(head) > 1 && head[1] == '?':
		r.begin(inPI)
		r.emitSkip(2)
	case len(head) > 1 && (head[1] == '/' || nameStart(head[1])):
		r.begin(inTag)
		r.quote = 0
		r.emitSkip(1)
	default:
		r.repaired(RepairLessThan)
		r.out = append(r.out, "&lt;"...)
		r.skip(1)
	}
}

func nameStart(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || b == '_' || b == ':' || b >= 0x80
}

func (r *repairReader) tag() {
	if r.fast() {
		return
	}
	b := r.peek(1)[0]
	switch {
	case r.quote == 0 && b == '>':
		r.emitSkip(1)
		r.begin(inText)
	case r.quote == 0 && (b == '"' || b == '\''):
		r.quote = b
		r.grow(1)
		r.emitSkip(1)
	case r.quote != 0 && b == r.quote:
		r.quote = 0
		r.grow(1)
		r.emitSkip(1)
	case r.quote != 0 && b == '&':
		r.grow(1)
		r.ampersand()
	case r.quote != 0 && b == '<':
		r.grow(1)
		r.repaired(RepairLessThan)
		r.out = append(r.out, "&lt;"...)
		r.skip(1)
	default:
		if r.grow(1) {
			r.char()
		}
	}
}

// until copies a comment, CDATA section or processing instruction up to and
// including its end marker.
func (r *repairReader) until(end string, next lexState) {
	if r.fast() {
		return
	}
	head := r.peek(len(end))
	switch {
	case bytes.HasPrefix(head, []byte(end)):
		r.emitSkip(len(end))
		r.begin(next)
	case r.state == inComment && bytes.HasPrefix(head, []byte("--")):
		// XML forbids "--" inside a comment; nobody reads these.
		r.repaired(RepairComment)
		r.out = append(r.out, "- "...)
		r.skip(1)
	default:
		if r.grow(1) {
			r.char()
		}
	}
}

var (
	entityRef = regexp.MustCompile(`^&(?:#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,8}|[A-Za-z][A-Za-z0-9]{0,31});`)
	xmlEntity = map[string]bool{"amp": true, "lt": true, "gt": true, "quot": true, "apos": true}
)

// ampersand passes an entity reference XML knows, and escapes a bare & or
// an HTML entity (which XML does not define) so that it reads as text.
// A character reference to a character XML does not allow is removed.
func (r *repairReader) ampersand() {
	m := entityRef.Find(r.peek(40))
	if m == nil {
		r.repaired(RepairAmpersand)
		r.out = append(r.out, "&amp;"...)
		r.skip(1)
		return
	}
	name := string(m[1 : len(m)-1])
	switch {
	case name[0] == '#':
		var n int64
		if name[1] == 'x' || name[1] == 'X' {
			n, _ = strconv.ParseInt(name[2:], 16, 64)
		} else {
			n, _ = strconv.ParseInt(name[1:], 10, 64)
		}
		if n > utf8.MaxRune || !xmlChar(rune(n)) {
			r.repaired(RepairControl)
			r.skip(len(m))
			return
		}
		r.emitSkip(len(m))
	case xmlEntity[name]:
		r.emitSkip(len(m))
	default:
		r.repaired(RepairEntity)
		r.out = append(r.out, "&amp;"...)
		r.skip(1)
	}
}

// xmlChar reports whether XML 1.0 allows the character.
func xmlChar(c rune) bool {
	return c == '\t' || c == '\n' || c == '\r' ||
		c >= 0x20 && c <= 0xD7FF || c >= 0xE000 && c <= 0xFFFD || c >= 0x10000 && c <= utf8.MaxRune
}

// char copies one character, removing one XML does not allow and reading a
// byte that does not start valid UTF-8 as Windows-1252.
func (r *repairReader) char() {
	buf := r.peek(utf8.UTFMax)
	b := buf[0]
	if b < utf8.RuneSelf {
		if !xmlChar(rune(b)) {
			r.repaired(RepairControl)
			r.skip(1)
			return
		}
		r.in.Discard(1)
		if b == '\n' {
			r.line, r.col = r.line+1, 1
		} else {
			r.col++
		}
		r.out = append(r.out, b)
		return
	}
	c, size := utf8.DecodeRune(buf)
	if c == utf8.RuneError && size <= 1 {
		r.repaired(RepairLatin1)
		r.notUTF8++
		r.in.Discard(1)
		r.col++
		r.out = utf8.AppendRune(r.out, windows1252(b))
		return
	}
	if !xmlChar(c) {
		r.repaired(RepairControl)
		r.in.Discard(size)
		r.col++
		return
	}
	r.in.Discard(size)
	r.out = append(r.out, buf[:size]...)
	r.col++
	r.utf8Chars++
}

// windows1252 maps a byte of Windows-1252 to its character; the five
// unassigned bytes become U+FFFD.
func windows1252(b byte) rune {
	if b < 0x80 || b >= 0xA0 {
		return rune(b)
	}
	return cp1252[b-0x80]
}

var cp1252 = [32]rune{
	'€', '\uFFFD', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\uFFFD', 'Ž', '\uFFFD',
	'\uFFFD', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\uFFFD', 'ž', 'Ÿ',
}

var declEncoding = regexp.MustCompile(`encoding\s*=\s*["']([A-Za-z0-9._:-]*)["']`)

// declaration reads the XML declaration at the start of the file, if there
// is one, notes its encoding and hands out a declaration that says UTF-8,
// which is what the reader produces whatever came in.
func (r *repairReader) declaration() bool {
	head := r.peek(1024)
	if !bytes.HasPrefix(head, []byte("<?xml")) || len(head) < 6 || !isSpace(head[5]) {
		return false
	}
	end := bytes.Index(head, []byte("?>"))
	if end < 0 || bytes.ContainsFunc(head[:end], func(r rune) bool { return r < ' ' || r >= utf8.RuneSelf }) {
		return false // unusual: read it as any other processing instruction
	}
	decl := string(head[:end+2])
	if m := declEncoding.FindStringSubmatch(decl); m != nil {
		r.declared = m[1]
		decl = strings.Replace(decl, m[0], `encoding="UTF-8"`, 1)
	}
	r.out = append(r.out, decl...)
	r.skip(end + 2)
	return true
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\n' }
