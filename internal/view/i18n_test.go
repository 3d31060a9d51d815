package view

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"text/template/parse"
	"time"

	"golang.org/x/net/html"

	"github.com/qalamnews/qalam"
)

func TestCatalogue_PluralsFollowEachLanguage(t *testing.T) {
	tests := []struct {
		lang qalam.Language
		key  string
		n    int
		want string
	}{
		{qalam.English, "n_comments", 0, "0 comments"},
		{qalam.English, "n_comments", 1, "1 comment"},
		{qalam.English, "n_comments", 5, "5 comments"},
		{qalam.English, "n_comments", 12345, "12,345 comments"},
		{qalam.Urdu, "n_comments", 1, "1 تبصرہ"},
		{qalam.Urdu, "n_comments", 5, "5 تبصرے"},
		{qalam.Urdu, "n_comments", 0, "0 تبصرے"},
		{qalam.English, "n_articles", 1, "1 article"},
		{qalam.English, "n_articles", 21, "21 articles"},
		{qalam.Urdu, "n_articles", 1, "1 مضمون"},
		{qalam.Urdu, "n_articles", 21, "21 مضامین"},
		{"", "n_articles", 2, "2 articles"}, // an unset language is English
	}
	for _, tt := range tests {
		if got := messageFunc(tt.lang, tt.key, tt.n); got != tt.want {
			t.Errorf("t %q %s %d = %q, want %q", tt.lang, tt.key, tt.n, got, tt.want)
		}
	}
	if got := countComments(qalam.Urdu, 1); got != "1 تبصرہ" {
		t.Errorf("ncomments ur 1 = %q", got)
	}
}

func TestCatalogue_DatesAndNumbers(t *testing.T) {
	day := time.Date(2026, 11, 26, 23, 30, 0, 0, time.UTC)
	tests := []struct {
		name, got, want string
	}{
		{"English date", formatDate(qalam.English, day), "26 November 2026"},
		{"Urdu date", formatDate(qalam.Urdu, day), "26 نومبر 2026"},
		{"Urdu month", formatMonth(qalam.Urdu, time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)), "جولائی 2026"},
		{"English month", FormatMonth(qalam.English, day), "November 2026"},
		{"no date", formatDate(qalam.Urdu, time.Time{}), ""},
		{"English number", formatNumber(qalam.English, 1234567), "1,234,567"},
		// Western digits on Urdu pages, as Pakistani newsrooms write them.
		{"Urdu number", formatNumber(qalam.Urdu, 1234567), "1,234,567"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}

func TestCatalogue_EveryMessageInBothLanguages(t *testing.T) {
	c := theCatalogue()
	for key, m := range messages {
		if strings.TrimSpace(m[0]) == "" || strings.TrimSpace(m[1]) == "" {
			t.Errorf("message %q lacks a language: %q", key, m)
		}
		for i, lang := range []qalam.Language{qalam.English, qalam.Urdu} {
			if got := c.text(lang, key); got != m[i] {
				t.Errorf("message %q in %s = %q, want %q", key, lang, got, m[i])
			}
		}
	}
	for key, m := range counted {
		for _, form := range []string{m[0][0], m[0][1], m[1][0], m[1][1]} {
			if !strings.Contains(form, "%d") {
				t.Errorf("counted message %q has a form without its number: %q", key, form)
			}
		}
	}
	if got := translate(qalam.Urdu, "no_such_key"); got != "?no_such_key?" {
		t.Errorf("unknown key = %q, want it marked", got)
	}
}

func TestCatalogue_SimpleMessagesAreTextNotFormats(t *testing.T) {
	c, err := buildCatalogue(map[string][2]string{"sale": {"50% off", "50% رعایت"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.text(qalam.English, "sale"); got != "50% off" {
		t.Errorf("got %q", got)
	}
	if _, err := buildCatalogue(map[string][2]string{"x": {"a", "b"}}, map[string][2][2]string{"x": {}}); err == nil {
		t.Error("a key both simple and counted was accepted")
	}
}

// newsroomOnly are the layouts and partials only the newsroom uses: its
// pages are in English, and not the reader's business here.
var newsroomOnly = map[string]bool{"admin-page": true, "policy-fields": true}

// allowedWords may stand in a reader's template as they are.
var allowedWords = map[string]bool{}

var englishWord = regexp.MustCompile(`[A-Za-z][A-Za-z'’]+`)

// TestTemplates_NoLiteralEnglish walks the reader's templates (layouts,
// partials, site pages) and fails on an English word written in them
// rather than taken from the catalogue: in text, or in an attribute a
// reader sees or hears (alt, title, aria-label, placeholder). Actions,
// template comments and what is hidden from everyone (aria-hidden) are
// left out.
func TestTemplates_NoLiteralEnglish(t *testing.T) {
	files, err := fs.Glob(embedded, "templates/*/*.html")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, file := range files {
		if strings.HasPrefix(file, "templates/admin/") {
			continue
		}
		src, err := fs.ReadFile(embedded, file)
		if err != nil {
			t.Fatal(err)
		}
		trees := map[string]*parse.Tree{}
		tr := parse.New(file)
		tr.Mode = parse.SkipFuncCheck
		if _, err := tr.Parse(string(src), "{{", "}}", trees); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for name, tree := range trees {
			if newsroomOnly[name] || tree.Root == nil {
				continue
			}
			checked++
			var b strings.Builder
			templateText(&b, tree.Root)
			for _, w := range literalWords(b.String()) {
				if !allowedWords[w] {
					t.Errorf("%s, template %q: %q is written in the template, not taken from the catalogue", file, name, w)
				}
			}
		}
	}
	if checked < 10 {
		t.Fatalf("checked only %d templates", checked)
	}
}

func TestLiteralWords_FindWhatAReaderMeets(t *testing.T) {
	tests := []struct {
		name, fragment, want string
	}{
		{"text", `<p>Read more</p>`, "Read more"},
		{"a label an action fills", "<p>\x00</p>", ""},
		{"a seen attribute", `<img alt="A photo" src="/a.png">`, "photo"},
		{"an unseen attribute", "<a class=\"older\" href=\"/x\" rel=\"next\">\x00</a>", ""},
		{"hidden from everyone", `<p aria-hidden="true"><label>Leave this empty</label><input name="x"></p><p>Seen</p>`, "Seen"},
		{"a script", `<script>var x = "hello"</script>`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := strings.Join(literalWords(tt.fragment), " "); got != tt.want {
				t.Errorf("literalWords(%q) = %q, want %q", tt.fragment, got, tt.want)
			}
		})
	}
}

// templateText writes a template's literal text, each action replaced by
// a NUL, which no word contains.
func templateText(b *strings.Builder, n parse.Node) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			templateText(b, c)
		}
	case *parse.TextNode:
		b.Write(n.Text)
	case *parse.IfNode:
		b.WriteByte(0)
		templateText(b, n.List)
		templateText(b, n.ElseList)
	case *parse.RangeNode:
		b.WriteByte(0)
		templateText(b, n.List)
		templateText(b, n.ElseList)
	case *parse.WithNode:
		b.WriteByte(0)
		templateText(b, n.List)
		templateText(b, n.ElseList)
	default:
		b.WriteByte(0)
	}
}

// literalWords returns the English-looking words a reader would meet in
// the HTML fragment.
func literalWords(fragment string) []string {
	var words []string
	z := html.NewTokenizer(strings.NewReader(fragment))
	hidden := 0 // depth inside an aria-hidden element, 0 outside
	var raw string
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return words
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			raw = ""
			if tok.Data == "script" || tok.Data == "style" {
				raw = tok.Data
			}
			void := tt == html.SelfClosingTagToken || isVoid(tok.Data)
			switch {
			case hidden > 0 && !void:
				hidden++
			case hidden == 0 && attrValue(tok, "aria-hidden") == "true" && !void:
				hidden = 1
			}
			if hidden > 0 {
				continue
			}
			for _, a := range tok.Attr {
				switch a.Key {
				case "alt", "title", "aria-label", "placeholder":
					words = append(words, englishWord.FindAllString(a.Val, -1)...)
				}
			}
		case html.EndTagToken:
			raw = ""
			if hidden > 0 {
				hidden--
			}
		case html.TextToken:
			if hidden == 0 && raw == "" {
				words = append(words, englishWord.FindAllString(string(z.Text()), -1)...)
			}
		}
	}
}

func attrValue(tok html.Token, key string) string {
	for _, a := range tok.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func isVoid(tag string) bool {
	switch tag {
	case "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr":
		return true
	}
	return false
}
