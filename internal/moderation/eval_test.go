package moderation

import (
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
	again, _ := SplitByGroup(all, 0.3, 7)
	if len(again) != len(train) {
		t.Error("the same seed gave a different split")
	}
}

func TestEvaluate_CountsAndPrints(t *testing.T) {
	m := NewModel()
	m.Train(Example{Input: Input{Body: "zorbix pills zorbix"}, Spam: true})
	m.Train(Example{Input: Input{Body: "the bridge is closed again"}})
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

func TestCounts_EmptyIsZeroNotNaN(t *testing.T) {
	var c Counts
	if c.Precision() != 0 || c.Recall() != 0 || c.F1() != 0 || c.HamAsSpam() != 0 {
		t.Errorf("empty counts gave non-zero figures")
	}
}
