package moderation

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rebuild model/start.model.gz from the dev corpus")

// corpusPath is the shared dev corpus, relative to this package.
var corpusPath = filepath.Join("..", "..", "..", "shared", "testdata", "comments", "dev.jsonl")

func readCorpus(t *testing.T) []Example {
	t.Helper()
	f, err := os.Open(corpusPath)
	if os.IsNotExist(err) {
		t.Skipf("dev corpus %s is absent; it lives in the shared test data next to the repository", corpusPath)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	all, err := ReadJSONL(f)
	if err != nil {
		t.Fatalf("%s: %v", corpusPath, err)
	}
	return all
}

// heldOutSeeds are the splits the held-out figures are summed over.
func heldOutSeeds() []int64 {
	var seeds []int64
	for s := int64(1); s <= 20; s++ {
		seeds = append(seeds, s)
	}
	return seeds
}

// TestClassifier_HeldOutFigures measures the classifier on comments it has
// not seen, and asserts the goal of the discussion issue: spam F1 of at
// least 0.95 with at most 1% of ham marked as spam, overall and in every
// language of the corpus. Each of 20 splits keeps 30% of every language's
// article topics and spam campaigns out of training (SplitByGroup); the
// model is trained and calibrated on the rest as the starting model is on
// the whole file, and the figures are summed over the splits. Print them:
//
//	go test ./internal/moderation -run TestClassifier_HeldOutFigures -v
func TestClassifier_HeldOutFigures(t *testing.T) {
	all := readCorpus(t)
	sum, each := HeldOut(all, 0.3, heldOutSeeds(), CalibrationRate)
	var b strings.Builder
	for i, r := range each {
		fmt.Fprintf(&b, "seed %2d: F1 %.3f, ham->spam %.1f%% (%d of %d);", heldOutSeeds()[i],
			r.Overall.F1(), 100*r.Overall.HamAsSpam(), r.Overall.FP, r.Overall.FP+r.Overall.TN)
		for _, l := range r.Langs() {
			fmt.Fprintf(&b, " %s %.3f", l, r.ByLang[l].F1())
		}
		b.WriteByte('\n')
	}
	t.Logf("held-out splits (F1 by language):\n%s", b.String())
	t.Logf("held-out report, %d splits summed:\n%s", len(each), sum)

	const minF1, maxHamAsSpam = 0.95, 0.01
	check := func(name string, c Counts) {
		if f1 := c.F1(); f1 < minF1 {
			t.Errorf("%s: spam F1 = %.3f, want >= %.2f", name, f1, minF1)
		}
		if fp := c.HamAsSpam(); fp > maxHamAsSpam {
			t.Errorf("%s: ham marked as spam = %.2f%%, want <= %.0f%%", name, 100*fp, 100*maxHamAsSpam)
		}
	}
	check("all", sum.Overall)
	for _, lang := range reportLangs() {
		c, ok := sum.ByLang[lang]
		if !ok || c.TP+c.FN == 0 || c.FP+c.TN == 0 {
			t.Errorf("%s: no spam or no ham tested", lang)
			continue
		}
		check(lang, c)
	}
}

// TestBuildStartingModel rewrites model/start.model.gz with -update.
func TestBuildStartingModel(t *testing.T) {
	if !*update {
		t.Skip("run with -update to rebuild model/start.model.gz")
	}
	all := readCorpus(t)
	m := TrainCalibrated(all, CalibrationRate, calibrationFolds, calibrationSeed)
	data, err := marshalStartingModel(all, m.Threshold())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("model", "start.model.gz"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote model/start.model.gz: %d bytes, %d examples; the model has %d features, threshold %.2f",
		len(data), len(all), m.Features(), m.Threshold())
}

// TestStartingModel_IsCurrent fails when the classifier changed without
// the starting model being rebuilt: its threshold was chosen for the model
// the code trained then.
func TestStartingModel_IsCurrent(t *testing.T) {
	s, err := starting()
	if err != nil {
		t.Fatal(err)
	}
	if f, err := os.Open(corpusPath); err == nil {
		all, err := ReadJSONL(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(all, s.examples) {
			t.Errorf("the starting model's examples differ from %s; rebuild it with -update", corpusPath)
		}
	}
	want := TrainCalibrated(s.examples, CalibrationRate, calibrationFolds, calibrationSeed).Threshold()
	if s.threshold != want {
		t.Errorf("stored threshold %.4f, the code now chooses %.4f; rebuild with go test ./internal/moderation -run TestBuildStartingModel -update",
			s.threshold, want)
	}
}

func TestStartingModel_LoadsAndMarksObviousSpam(t *testing.T) {
	m, err := StartingModel()
	if err != nil {
		t.Fatal(err)
	}
	spam := Input{Name: "Best Casino Bonus", Email: "win.big77@tmpmail.xyz", Website: "https://spinwin-bonus.vip/?ref=c",
		Body: `Great post! Best online casino bonus, 100% welcome bonus and free spins <a href="https://spinwin-bonus.vip/">click here</a>`}
	ham := Input{Name: "Saima", Email: "saima.k@example.org",
		Body: "The council said the bridge repairs would finish in March, but the road is still closed near the school."}
	if spam, lo := m.Classify(spam); !spam {
		t.Errorf("obvious spam not marked: log-odds %.2f, threshold %.2f", lo, m.Threshold())
	}
	if spam, lo := m.Classify(ham); spam {
		t.Errorf("ordinary comment marked as spam: log-odds %.2f, threshold %.2f", lo, m.Threshold())
	}
	if s := m.Score(spam); s < 0 || s > 1 {
		t.Errorf("score %v out of range", s)
	}

	// Each call returns a model of its own.
	other, err := StartingModel()
	if err != nil {
		t.Fatal(err)
	}
	m.SetThreshold(99)
	if other.Threshold() == 99 {
		t.Error("setting one starting model's threshold changed another's")
	}
}

func TestTrain_SameExamplesSameModel(t *testing.T) {
	exs := []Example{
		{Input: Input{Body: "cheap pills online https://pills.example/"}, Spam: true},
		{Input: Input{Body: "the bridge is still closed"}},
		{Input: Input{Body: "win big at the casino, bonus https://casino.example/"}, Spam: true},
		{Input: Input{Body: "the council will vote on the bridge in March"}},
	}
	a, b := Train(exs), Train(slices.Clone(exs))
	for _, in := range []Input{{Body: "pills at the bridge"}, {Body: "casino bonus"}, {Body: "March"}} {
		if a.LogOdds(in) != b.LogOdds(in) {
			t.Errorf("%q: %v then %v from the same examples", in.Body, a.LogOdds(in), b.LogOdds(in))
		}
	}
	if a.LogOdds(Input{Body: "cheap pills, casino bonus https://pills.example/"}) <= a.LogOdds(Input{Body: "the bridge is closed"}) {
		t.Error("spam-like text scores no higher than ham-like text")
	}
}

func TestReadStartingModel_RejectsGarbage(t *testing.T) {
	good, err := marshalStartingModel([]Example{{Input: Input{Body: "b", Lang: "en"}, ID: "a", Spam: true}}, 1.5)
	if err != nil {
		t.Fatal(err)
	}
	s, err := readStartingModel(good)
	if err != nil || s.threshold != 1.5 || len(s.examples) != 1 || !s.examples[0].Spam || s.examples[0].Campaign != "kind:" {
		t.Fatalf("round trip = %+v, %v", s, err)
	}
	empty, err := marshalStartingModel(nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"not gzip": []byte("not a model"), "no examples": empty} {
		if _, err := readStartingModel(data); err == nil {
			t.Errorf("%s: read without error", name)
		}
	}
}

func TestReadJSONL(t *testing.T) {
	good := `{"id": "a", "lang": "en", "label": "spam", "kind": "seo_link", "name": "n", "email": "e@x.test", "website": "https://www.Spam.test/x", "body": "b", "article_topic": "t"}

{"id": "b", "lang": "ur", "label": "ham", "kind": "agree", "name": "n", "email": "e@x.test", "website": "", "body": "ٹھیک", "article_topic": "t"}
`
	exs, err := ReadJSONL(strings.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	if len(exs) != 2 || !exs[0].Spam || exs[1].Spam || exs[0].Campaign != "host:spam.test" || exs[1].Lang != "ur" {
		t.Errorf("got %+v", exs)
	}
	for name, bad := range map[string]string{
		"broken json": good + "{\"id\": \n",
		"bad label":   good + `{"id": "c", "lang": "en", "label": "maybe", "kind": "", "name": "", "email": "", "website": "", "body": "", "article_topic": ""}` + "\n",
		"extra field": good + `{"id": "c", "label": "ham", "score": 1}` + "\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ReadJSONL(strings.NewReader(bad))
			if err == nil || !strings.Contains(err.Error(), "line 4") {
				t.Errorf("err = %v, want one naming line 4", err)
			}
		})
	}
}
