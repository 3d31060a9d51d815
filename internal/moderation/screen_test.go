package moderation

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/qalamnews/qalam"
)

// verdictClassifier answers with a fixed verdict.
type verdictClassifier struct {
	spam    bool
	logOdds float64
}

func (c verdictClassifier) Classify(Input) (bool, float64) { return c.spam, c.logOdds }

// panickyClassifier fails the way a broken model would.
type panickyClassifier struct{}

func (panickyClassifier) Classify(Input) (bool, float64) { panic("model is corrupt") }

// screenWords are the lists the screening tests use. "zorbix" and
// "glimcoin" are invented product names. کتا (dog), سور (pig) and کمینہ
// (mean) are ordinary words also used as insults, and دھوکہ (fraud) is
// common in scam comments: short terms that occur inside everyday words
// such as کتاب (book) and سورج (sun), which must not be caught.
func screenWords() *WordList {
	return NewWordList(
		[]string{"glimcoin", "کتا", "سور", "کمینہ"},
		[]string{"zorbix", "دھوکہ"},
	)
}

// open is a post-moderated discussion without limits: only the rule under
// test decides.
func open() Policy { return Policy{Mode: PostModerate, MaxLinks: NoLinkLimit} }

func TestScreen_Rules(t *testing.T) {
	tests := []struct {
		name    string
		s       Screening
		status  qalam.CommentStatus
		reasons []string
	}{
		{
			name:   "nothing caught: published",
			s:      Screening{Comment: Input{Body: "The bridge is still closed near the school."}, Policy: open(), Words: screenWords(), Classifier: verdictClassifier{false, -3}},
			status: qalam.Approved,
		},
		{
			name:    "more links than allowed: held, with the count and the limit",
			s:       Screening{Comment: Input{Body: "See https://a.example/x, www.b.example and [c](https://c.example/)."}, Policy: Policy{Mode: PostModerate, MaxLinks: 0}},
			status:  qalam.Pending,
			reasons: []string{"3 links; this discussion allows 0"},
		},
		{
			name:   "links within the limit: published",
			s:      Screening{Comment: Input{Body: `Source: <a href="https://a.example/r">https://a.example/r</a>`}, Policy: Policy{Mode: PostModerate, MaxLinks: 1}},
			status: qalam.Approved,
		},
		{
			name:    "one link where none are allowed",
			s:       Screening{Comment: Input{Body: "https://a.example"}, Policy: Policy{Mode: PostModerate, MaxLinks: 0}},
			status:  qalam.Pending,
			reasons: []string{"1 link; this discussion allows 0"},
		},
		{
			name:    "a hold term: held",
			s:       Screening{Comment: Input{Body: "Glimcoin to the moon"}, Policy: open(), Words: screenWords()},
			status:  qalam.Pending,
			reasons: []string{`word list: "glimcoin" (hold for review)`},
		},
		{
			name:    "a reject term: spam, kept",
			s:       Screening{Comment: Input{Body: "buy zorbix now"}, Policy: open(), Words: screenWords()},
			status:  qalam.Spam,
			reasons: []string{`word list: "zorbix" (reject as spam)`},
		},
		{
			name:    "a reject term in the website",
			s:       Screening{Comment: Input{Body: "Nice.", Website: "https://zorbix.example/"}, Policy: open(), Words: screenWords()},
			status:  qalam.Spam,
			reasons: []string{`word list: "zorbix" (reject as spam)`},
		},
		{
			name:    "a ban: spam, naming the ban and what matched",
			s:       Screening{Comment: Input{Body: "Hello again."}, Policy: open(), Bans: []BanMatch{{ID: 7, On: []string{"email", "browser"}, Reason: "threats"}}},
			status:  qalam.Spam,
			reasons: []string{"banned: ban 7 on email and browser (threats)"},
		},
		{
			name:    "the classifier's spam verdict: spam, with the log-odds",
			s:       Screening{Comment: Input{Body: "Best casino bonus"}, Policy: open(), Classifier: verdictClassifier{true, 7.314}},
			status:  qalam.Spam,
			reasons: []string{"classifier: spam (log-odds 7.31)"},
		},
		{
			name:    "half of three recent decisions rejected: held",
			s:       Screening{Comment: Input{Body: "Again."}, Policy: open(), History: History{Decided: 4, Rejected: 2}},
			status:  qalam.Pending,
			reasons: []string{"recent rejections: 2 of 4 decided comments in 30 days"},
		},
		{
			name:   "a low rejection rate: published",
			s:      Screening{Comment: Input{Body: "Again."}, Policy: open(), History: History{Decided: 5, Rejected: 2}},
			status: qalam.Approved,
		},
		{
			name:   "too few decisions to judge: published",
			s:      Screening{Comment: Input{Body: "Again."}, Policy: open(), History: History{Decided: 2, Rejected: 2}},
			status: qalam.Approved,
		},
		{
			name:    "pre-moderated: held even when trusted",
			s:       Screening{Comment: Input{Body: "Hello."}, Trusted: true, Policy: Policy{Mode: PreModerate, MaxLinks: NoLinkLimit}},
			status:  qalam.Pending,
			reasons: []string{"pre-moderated discussion"},
		},
		{
			name:    "first-time commenter: held",
			s:       Screening{Comment: Input{Body: "Hello."}, Policy: DefaultPolicy()},
			status:  qalam.Pending,
			reasons: []string{"first-time commenter"},
		},
		{
			name:   "trusted returning commenter: published",
			s:      Screening{Comment: Input{Body: "Hello."}, Trusted: true, Policy: DefaultPolicy()},
			status: qalam.Approved,
		},
		{
			name:    "an unknown mode holds rather than publishes",
			s:       Screening{Comment: Input{Body: "Hello."}, Policy: Policy{Mode: "sometimes", MaxLinks: NoLinkLimit}},
			status:  qalam.Pending,
			reasons: []string{"first-time commenter"},
		},
		{
			name:    "an undated form: held",
			s:       Screening{Comment: Input{Body: "Hello."}, Trusted: true, Undated: true, Policy: DefaultPolicy()},
			status:  qalam.Pending,
			reasons: []string{"form without a date (an old page or a hand-made post)"},
		},
		{
			name: "every reason is recorded; the most severe status wins",
			s: Screening{Comment: Input{Body: "zorbix at https://a.example"}, Policy: Policy{Mode: HoldFirst, MaxLinks: 0},
				Words: screenWords(), Bans: []BanMatch{{ID: 2, On: []string{"address"}}}},
			status: qalam.Spam,
			reasons: []string{"banned: ban 2 on address", `word list: "zorbix" (reject as spam)`,
				"1 link; this discussion allows 0", "first-time commenter"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Screen(tt.s)
			if v.Status != tt.status || !slices.Equal(v.Reasons, tt.reasons) {
				t.Errorf("Screen = %s %q, want %s %q", v.Status, v.Reasons, tt.status, tt.reasons)
			}
			if want := strings.Join(tt.reasons, "; "); v.Reason() != want {
				t.Errorf("Reason = %q, want %q", v.Reason(), want)
			}
		})
	}
}

func TestScreen_FailureHolds(t *testing.T) {
	clean := Input{Body: "The bridge is still closed near the school."}
	tests := []struct {
		name   string
		s      Screening
		status qalam.CommentStatus
		reason string
	}{
		{
			name:   "a lookup failed: held, not published",
			s:      Screening{Comment: clean, Trusted: true, Policy: open(), Failed: errors.New("bans: database is locked")},
			status: qalam.Pending,
			reason: "screening failed: bans: database is locked",
		},
		{
			name:   "the classifier panics: held, not published",
			s:      Screening{Comment: clean, Trusted: true, Policy: open(), Classifier: panickyClassifier{}},
			status: qalam.Pending,
			reason: "screening failed: classifier: model is corrupt",
		},
		{
			name:   "a nil model behind the interface: held",
			s:      Screening{Comment: clean, Trusted: true, Policy: open(), Classifier: (*Model)(nil)},
			status: qalam.Pending,
			reason: "screening failed: classifier: runtime error: invalid memory address or nil pointer dereference",
		},
		{
			name:   "a failure does not soften a spam verdict",
			s:      Screening{Comment: Input{Body: "zorbix"}, Policy: open(), Words: screenWords(), Failed: errors.New("history: timeout")},
			status: qalam.Spam,
			reason: `screening failed: history: timeout; word list: "zorbix" (reject as spam)`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Screen(tt.s)
			if v.Status != tt.status || v.Reason() != tt.reason {
				t.Errorf("Screen = %s %q, want %s %q", v.Status, v.Reason(), tt.status, tt.reason)
			}
			if !v.Failed() {
				t.Error("Failed() = false")
			}
		})
	}
	if v := Screen(Screening{Comment: clean, Policy: DefaultPolicy()}); v.Failed() {
		t.Errorf("a comment held by the policy reports a failure: %q", v.Reasons)
	}
}

func TestScreen_PanickingRuleHolds(t *testing.T) {
	v := Verdict{Status: qalam.Approved}
	s := Screening{}
	runRule(&s, &v, rule{"links", func(*Screening, *Verdict) {
		var m map[string]int
		m["x"]++ // a bug in a rule
	}})
	runRule(&s, &v, rule{"policy", checkPolicy})
	if v.Status != qalam.Pending || len(v.Reasons) != 2 || !strings.HasPrefix(v.Reasons[0], "screening failed: links: ") {
		t.Errorf("verdict = %s %q; want held with the failure first, and the next rule still run", v.Status, v.Reasons)
	}
}

func TestScreen_UrduWordMatching(t *testing.T) {
	caught := []struct {
		name, body, term string
		status           qalam.CommentStatus
	}{
		{"as listed", "یہ کتا ہے", "کتا", qalam.Pending},
		{"Arabic kaf ك for keheh ک", "یہ كتا ہے", "کتا", qalam.Pending},
		{"Arabic yeh ي for Farsi yeh ی", "وہ کمينہ ہے", "کمینہ", qalam.Pending},
		{"Arabic kaf, yeh and heh at once", "وہ كمينه ہے", "کمینہ", qalam.Pending},
		{"Arabic heh ه for gol he ہ and do-chashmi ھ", "یہ دهوکه ہے", "دھوکہ", qalam.Spam},
		{"heh goal with hamza ۃ", "یہ دھوکۃ ہے", "دھوکہ", qalam.Spam},
		{"diacritics (zabar, pesh)", "یہ کُتَا ہے", "کتا", qalam.Pending},
		{"zero-width non-joiner inside the word", "یہ ک\u200cتا ہے", "کتا", qalam.Pending},
		{"zero-width joiner inside the word", "یہ سو\u200dر ہے", "سور", qalam.Pending},
		{"tatweel", "یہ کـــتا ہے", "کتا", qalam.Pending},
		{"right-to-left mark inside the word", "یہ سو\u200fر ہے", "سور", qalam.Pending},
		{"Arabic presentation forms", "یہ \ufeb3\ufeee\ufead ہے", "سور", qalam.Pending},
		{"Cyrillic lookalikes in a Latin term", "buy zоrbіx", "zorbix", qalam.Spam},
		{"fullwidth letters", "buy ｚｏｒｂｉｘ", "zorbix", qalam.Spam},
		{"Roman and Urdu mixed, term at the end", "bhai ye tou دھوکہ", "دھوکہ", qalam.Spam},
	}
	for _, tt := range caught {
		t.Run("caught: "+tt.name, func(t *testing.T) {
			in := Input{Body: tt.body}
			v := Screen(Screening{Comment: in, Policy: open(), Words: screenWords()})
			if v.Status != tt.status || len(v.Reasons) != 1 || !strings.Contains(v.Reasons[0], `"`+tt.term+`"`) {
				t.Errorf("Screen(%+q) = %s %q, want %s naming %q", tt.body, v.Status, v.Reasons, tt.status, tt.term)
			}
		})
	}
	ordinary := []struct{ name, body string }{
		{"کتاب (book) contains کتا", "یہ کتاب بہت اچھی ہے"},
		{"کتابیں and کتب خانہ", "کتب خانے میں نئی کتابیں آئی ہیں"},
		{"سورج (sun) contains سور", "آج سورج جلدی نکلا"},
		{"مسور (lentils) ends with سور", "مسور کی دال سستی ہوئی"},
		{"دھوکہ‌دہی (fraud, one word with ZWNJ) contains دھوکہ", "دھوکہ\u200cدہی کا مقدمہ چل رہا ہے"},
		{"کمینگی is not کمینہ", "اس میں کوئی کمینگی نہیں"},
		{"a Latin term inside a longer word", "the zorbixes are fine"},
	}
	for _, tt := range ordinary {
		t.Run("not caught: "+tt.name, func(t *testing.T) {
			v := Screen(Screening{Comment: Input{Body: tt.body}, Policy: open(), Words: screenWords()})
			if v.Status != qalam.Approved || len(v.Reasons) != 0 {
				t.Errorf("Screen(%+q) = %s %q, want approved", tt.body, v.Status, v.Reasons)
			}
		})
	}
}

func TestScreen_LeavesTheTextAsTyped(t *testing.T) {
	// ZWNJ, RLM, diacritics and Arabic letter forms are part of what the
	// reader wrote: screening matches a folded copy and changes nothing.
	typed := Input{Name: "ن\u200cور", Website: "https://example.org/ك", Body: "یہ كُتا\u200c ہے \u200fاور zоrbіx"}
	s := Screening{Comment: typed, Policy: open(), Words: screenWords(), Classifier: verdictClassifier{}}
	Screen(s)
	if s.Comment != typed {
		t.Errorf("the input changed: %+q", s.Comment)
	}
	if got := []byte(s.Comment.Body); string(got) != "یہ كُتا\u200c ہے \u200fاور zоrbіx" {
		t.Errorf("body bytes changed: %+q", got)
	}
}

func TestCountLinks(t *testing.T) {
	tests := []struct {
		body string
		want int
	}{
		{"no links here, only example dot com", 0},
		{"https://a.example", 1},
		{"http://a.example and https://a.example/ are one", 1},
		{`<a href="https://a.example/p">https://a.example/p</a>`, 1},
		{"[one](https://a.example) [two](https://b.example) www.c.example", 3},
		{"HTTPS://A.EXAMPLE/X and https://a.example/x.", 1},
	}
	for _, tt := range tests {
		if got := CountLinks(tt.body); got != tt.want {
			t.Errorf("CountLinks(%q) = %d, want %d", tt.body, got, tt.want)
		}
	}
}
