package textfold_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/qalamnews/qalam/internal/textfold"
)

func TestFold(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"lower-cases and splits on punctuation", "Qalampur's LIBRARY, re-opened!", "qalampur s library re opened"},
		{"keeps digits in words", "Route 7B runs at 06:30", "route 7b runs at 06 30"},
		{"drops Latin accents", "Café Zoë", "cafe zoe"},
		{"decomposes ligatures and fullwidth letters", "ﬁnal ＢＵＳ", "final bus"},
		{"drops zabar, zer and pesh", "کِتابُ خَانہ", "کتاب خانہ"},
		{"drops shadda, tanwin and superscript alef", "اَلّٰلہ فوراً", "اللہ فورا"},
		{"drops tatweel", "کتـــاب", "کتاب"},
		{"drops zero-width joiner", "کتاب\u200dخانہ", "کتابخانہ"},
		{"gives a compound's parts and its whole across a non-joiner", "کتب\u200cخانہ کھلا", "کتب خانہ کتبخانہ کہلا"},
		{"folds Arabic yeh and alef maksura into Urdu yeh", "يہ مصطفى", "یہ مصطفی"},
		{"folds Arabic kaf into keheh", "كتاب", "کتاب"},
		{"folds Arabic heh and do-chashmi he into gol he", "بهی بھی یه", "بہی بہی یہ"},
		{"folds teh marbuta", "صلوٰۃ مدرسة", "صلوہ مدرسہ"},
		{"folds hamza forms into their seats", "أحمد إمام آج مسئلہ مؤثر ۂ نئے", "احمد امام اج مسیلہ موثر ہ نیے"},
		{"turns Urdu and Arabic-Indic digits into ASCII", "۲۰۲۵ ٣", "2025 3"},
		{"splits on Urdu punctuation", "بس، ریل؟ ہاں۔", "بس ریل ہاں"},
		{"unfolds Arabic presentation forms", "ﻻ", "لا"},
		{"ignores bidi marks", "\u200fبس\u200e 12", "بس 12"},
		{"keeps a decomposed character in one word", "½ cup", "12 cup"},
		{"separates on invalid UTF-8", "bus\xffstop", "bus stop"},
		{"skips overlong words", strings.Repeat("x", textfold.MaxWordRunes+1) + " ok", "ok"},
		{"has no words in punctuation", `"*-( NEAR`, "near"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := textfold.Fold(tt.in); got != tt.want {
				t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestFold_SpellingsOfOneWordFoldAlike(t *testing.T) {
	groups := [][]string{
		{"کتاب", "کِتاب", "كتاب", "کتـاب", "کِتَاب"},
		{"لائبریری", "لائبريري", "لایبریری", "لائبریرى"},
		{"یہ", "يه", "یه", "یۃ"},
		{"ہے", "ھے", "هے"},
		{"آج", "اج"},
		{"Library", "LIBRARY", "library", "ｌｉｂｒａｒｙ"},
	}
	for _, g := range groups {
		want := textfold.Fold(g[0])
		for _, spelling := range g[1:] {
			if got := textfold.Fold(spelling); got != want {
				t.Errorf("Fold(%q) = %q, want %q as for %q", spelling, got, want, g[0])
			}
		}
	}
}

func TestWords_SpansCoverTheOriginalWithItsMarks(t *testing.T) {
	s := "نئی بَس، Qalampur\u200cسروس"
	var got []string
	for _, w := range textfold.Words(s) {
		got = append(got, s[w.Start:w.End])
	}
	want := []string{"نئی", "بَس", "Qalampur", "سروس"}
	if !slices.Equal(got, want) {
		t.Errorf("spans = %q, want %q", got, want)
	}
	words := textfold.Words(s)
	if !words[3].Joined || words[2].Joined {
		t.Errorf("Joined = %v, %v; want only the word after the non-joiner joined", words[2].Joined, words[3].Joined)
	}
}

func TestTerms(t *testing.T) {
	tests := []struct {
		name, query string
		want        []textfold.Term
	}{
		{"makes the last word a prefix", "Bus Timetable", []textfold.Term{{Text: "bus"}, {Text: "timetable", Prefix: true}}},
		{"keeps a short last word whole", "route 7", []textfold.Term{{Text: "route"}, {Text: "7"}}},
		{"folds Urdu like the index", "کِتاب خانہ", []textfold.Term{{Text: "کتاب"}, {Text: "خانہ", Prefix: true}}},
		{"lists a repeated word once", "bus to the bus", []textfold.Term{{Text: "bus", Prefix: true}, {Text: "to"}, {Text: "the"}}},
		{"treats search syntax as separators", `"bus* -route NEAR(x`, []textfold.Term{{Text: "bus"}, {Text: "route"}, {Text: "near"}, {Text: "x"}}},
		{"has none without words", `"* - ( )`, nil},
		{"has none when empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := textfold.Terms(tt.query); !slices.Equal(got, tt.want) {
				t.Errorf("Terms(%q) = %v, want %v", tt.query, got, tt.want)
			}
		})
	}
}

// render shows pieces with their marks as [brackets].
func render(pieces []textfold.Piece) string {
	var b strings.Builder
	for _, p := range pieces {
		if p.Mark {
			b.WriteString("[" + p.Text + "]")
		} else {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

func TestHighlight(t *testing.T) {
	tests := []struct {
		name, text, query, want string
	}{
		{"marks whole words in their original case", "The Library reopened; libraries matter.", "librar", "The [Library] reopened; [libraries] matter."},
		{"marks a prefix match as the whole word", "Buses run late", "bus", "[Buses] run late"},
		{"marks an Urdu word with its diacritics", "نئی بَس سروس", "بس", "نئی [بَس] سروس"},
		{"marks Arabic spellings found by Urdu ones", "يه كتاب", "یہ کتاب", "[يه] [كتاب]"},
		{"marks a compound found by its whole", "نیا کتب\u200cخانہ کھلا", "کتبخانہ", "نیا [کتب\u200cخانہ] کھلا"},
		{"marks a compound's parts found one by one", "نیا کتب\u200cخانہ کھلا", "خانہ", "نیا کتب\u200c[خانہ] کھلا"},
		{"marks nothing without a match", "Nothing here", "bus", "Nothing here"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := render(textfold.Highlight(tt.text, textfold.Terms(tt.query)))
			if got != tt.want {
				t.Errorf("Highlight = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSnippet(t *testing.T) {
	long := "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen"
	tests := []struct {
		name, text, query string
		words             int
		want              string
		wantFound         bool
	}{
		{"cuts around the match with ellipses", long, "nine", 4, "…eight [nine] ten eleven…", true},
		{"starts at the beginning when the match is early", long, "two", 4, "one [two] three four…", true},
		{"prefers the place with more of the terms", "bus here. " + long + " bus route", "bus route", 4, "…sixteen [bus] [route]", true},
		{"gives the start when nothing matches", long, "route", 3, "one two three…", false},
		{"keeps the whole of a short text", "Only bus.", "bus", 10, "Only [bus].", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pieces, found := textfold.Snippet(tt.text, textfold.Terms(tt.query), tt.words)
			if got := render(pieces); got != tt.want || found != tt.wantFound {
				t.Errorf("Snippet = %q, %v; want %q, %v", got, found, tt.want, tt.wantFound)
			}
		})
	}
}

// FuzzWords checks what search relies on for any input: spans are in
// order, inside the text, on character boundaries and never shared; each
// span folds to its word; folding is stable; pieces give back the text.
func FuzzWords(f *testing.F) {
	for _, s := range []string{"", "Qalampur's bus", "کِتاب\u200cخانہ ½ ﬁ", "\xff\xfe", "يه ۂ ۓ ٵ ﷲ", `"foo NEAR( * -`} {
		f.Add(s, "bus")
	}
	f.Fuzz(func(t *testing.T, s, query string) {
		boundary := make([]bool, len(s)+1)
		for i := range s { // invalid bytes count as characters
			boundary[i] = true
		}
		boundary[len(s)] = true
		prev := 0
		for _, w := range textfold.Words(s) {
			if w.Start < prev || w.End <= w.Start || w.End > len(s) {
				t.Fatalf("span [%d,%d) after %d in %q", w.Start, w.End, prev, s)
			}
			if !boundary[w.Start] || !boundary[w.End] {
				t.Fatalf("span [%d,%d) splits a character of %q", w.Start, w.End, s)
			}
			if w.Folded == "" || strings.ContainsRune(w.Folded, ' ') {
				t.Fatalf("word %q of %q", w.Folded, s)
			}
			if got := textfold.Fold(s[w.Start:w.End]); got != w.Folded {
				t.Fatalf("span %q folds to %q, want %q", s[w.Start:w.End], got, w.Folded)
			}
			prev = w.End
		}
		folded := textfold.Fold(s)
		if again := textfold.Fold(folded); again != folded {
			t.Fatalf("Fold not stable: %q then %q", folded, again)
		}
		if got := render(textfold.Highlight(s, textfold.Terms(query))); strings.NewReplacer("[", "", "]", "").Replace(got) != strings.NewReplacer("[", "", "]", "").Replace(s) {
			t.Fatalf("Highlight changed the text: %q from %q", got, s)
		}
		textfold.Snippet(s, textfold.Terms(query), 5)
	})
}
