package moderation

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestSplitByGroup_KeepsTopicsAndCampaignsWhole(t *testing.T) {
	all := readCorpus(t)
	train, test := SplitByGroup(all, 0.3, 7)
	if len(train)+len(test) != len(all) {
		t.Fatalf("split lost examples: %d + %d != %d", len(train), len(test), len(all))
	}
	side := make(map[string]string)
	for name, exs := range map[string][]Example{"train": train, "test": test} {
		for _, ex := range exs {
			g := group(ex)
			if s, ok := side[g]; ok && s != name {
				t.Fatalf("group %q on both sides", g)
			}
			side[g] = name
		}
	}
	if share := float64(len(test)) / float64(len(all)); share < 0.2 || share > 0.4 {
		t.Errorf("test share %.2f, want about 0.3", share)
	}
	// Every language and class is tested on about its share.
	count := func(exs []Example) map[string]int {
		n := map[string]int{}
		for _, ex := range exs {
			n[fmt.Sprint(ex.Lang, "/", ex.Spam)]++
		}
		return n
	}
	inAll, inTest := count(all), count(test)
	for k, n := range inAll {
		if share := float64(inTest[k]) / float64(n); share < 0.15 || share > 0.45 {
			t.Errorf("%s: test share %.2f (%d of %d), want about 0.3", k, share, inTest[k], n)
		}
	}
	again, _ := SplitByGroup(all, 0.3, 7)
	if len(again) != len(train) {
		t.Error("the same seed gave a different split")
	}
}

func TestEvaluate_CountsAndPrints(t *testing.T) {
	m := Train([]Example{
		{Input: Input{Body: "zorbix pills zorbix"}, Spam: true},
		{Input: Input{Body: "the bridge is closed again"}},
	})
	exs := []Example{
		{Input: Input{Body: "zorbix pills", Lang: "en"}, Spam: true},
		{Input: Input{Body: "the bridge is closed", Lang: "en"}},
		{Input: Input{Body: "پل بند ہے", Lang: "ur"}, Spam: true},
	}
	r := Evaluate(m, exs)
	if en := r.ByLang["en"]; en.TP != 1 || en.TN != 1 || en.Total() != 2 {
		t.Errorf("en = %+v", en)
	}
	if r.Overall.TP+r.Overall.FN != 2 || r.Overall.TN != 1 || r.Overall.Total() != 3 {
		t.Errorf("overall = %+v", r.Overall)
	}
	if got := r.ByLang["ur"].Total(); got != 1 {
		t.Errorf("ur total = %d, want 1", got)
	}
	s := r.String()
	for _, want := range []string{"precision", "recall", "F1", "ham->spam", "\nen ", "\nur ", "\nall "} {
		if !strings.Contains(s, want) {
			t.Errorf("report lacks %q:\n%s", want, s)
		}
	}
}

func TestReport_AddSumsCounts(t *testing.T) {
	spamIf := func(word string) func(Input) bool {
		return func(in Input) bool { return strings.Contains(in.Body, word) }
	}
	exs := []Example{
		{Input: Input{Body: "pills", Lang: "en"}, Spam: true},
		{Input: Input{Body: "bridge", Lang: "en"}},
		{Input: Input{Body: "pills and bridge", Lang: "ur"}},
		{Input: Input{Body: "casino", Lang: "xx"}, Spam: true},
	}
	a, b := EvaluateFunc(spamIf("pills"), exs), EvaluateFunc(spamIf("casino"), exs)
	var sum Report
	sum.Add(a)
	sum.Add(b)
	if want := (Counts{TP: 2, FP: 1, TN: 3, FN: 2}); sum.Overall != want {
		t.Errorf("overall = %+v, want %+v", sum.Overall, want)
	}
	if want := (Counts{TP: 1, TN: 2, FN: 1}); sum.ByLang["en"] != want {
		t.Errorf("en = %+v, want %+v", sum.ByLang["en"], want)
	}
	if got := sum.Langs(); !slices.Equal(got, []string{"en", "ur", "xx"}) {
		t.Errorf("languages = %v, want the corpus ones first, then others", got)
	}
	if s := sum.String(); strings.Contains(s, "threshold") {
		t.Errorf("a sum of reports without thresholds prints one:\n%s", s)
	}
}

func TestCounts_EmptyIsZeroNotNaN(t *testing.T) {
	var c Counts
	if c.Precision() != 0 || c.Recall() != 0 || c.F1() != 0 || c.HamAsSpam() != 0 {
		t.Errorf("empty counts gave non-zero figures")
	}
}
