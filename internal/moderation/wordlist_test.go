package moderation

import "testing"

// The terms are neutral, invented stand-ins: "zorbix" and "glimcoin" for
// product names, "فلانی" and "بکواس" for Urdu terms a site might list.
func testList() *WordList {
	return NewWordList(
		[]string{"glimcoin", "cheap pills", "بکواس", "کالا جادو"},
		[]string{"zorbix", "فلانی"},
	)
}

func TestWordList_CatchesEvasions(t *testing.T) {
	l := testList()
	tests := []struct {
		text  string
		level Level
		term  string
	}{
		{"buy zorbix now", Reject, "zorbix"},
		{"Buy ZORBIX now", Reject, "zorbix"},
		{"buy ｚｏｒｂｉｘ now", Reject, "zorbix"},
		{"buy zor\u200bbix now", Reject, "zorbix"},
		{"buy zоrbіx now", Reject, "zorbix"}, // Cyrillic о and і
		{"buy z0rb1x now", Reject, "zorbix"},
		{"zorbix, glimcoin", Reject, "zorbix"}, // the more severe level wins
		{"Glimcoin to the moon", Hold, "glimcoin"},
		{"CHEAP   pills here", Hold, "cheap pills"},
		{"cheap.\u200dpills", Hold, "cheap pills"},
		{"یہ فلانی ہے", Reject, "فلانی"},
		{"یہ فلانى ہے", Reject, "فلانی"},    // alef maksura for yeh
		{"یہ فُلانی ہے", Reject, "فلانی"},   // diacritic
		{"یہ فلـــانی ہے", Reject, "فلانی"}, // tatweel
		{"سب بکواس ہے", Hold, "بکواس"},
		{"سب بكواس ہے", Hold, "بکواس"}, // Arabic kaf
		{"کالا\u200c جادو کروائیں", Hold, "کالا جادو"},
	}
	for _, tt := range tests {
		level, term := l.Match(tt.text)
		if level != tt.level || term != tt.term {
			t.Errorf("Match(%+q) = %v, %q; want %v, %q", tt.text, level, term, tt.level, tt.term)
		}
	}
}

func TestWordList_IgnoresTermsInsideLongerWords(t *testing.T) {
	l := testList()
	for _, text := range []string{
		"the zorbixes are fine",
		"prezorbix era",
		"glimcoins",
		"cheap pillsbury dough",
		"cheap and pills",
		"یہ فلانیوں کی بات ہے", // the term is only part of a longer Urdu word
		"بکواسی باتیں",
		"کالاجادوگر",
		"",
	} {
		if level, term := l.Match(text); level != None || term != "" {
			t.Errorf("Match(%+q) = %v, %q; want none", text, level, term)
		}
	}
}

func TestWordList_IgnoresEmptyTerms(t *testing.T) {
	l := NewWordList([]string{"", "  ", "\u200b"}, nil)
	if level, _ := l.Match("anything at all"); level != None {
		t.Errorf("got %v, want none", level)
	}
}
