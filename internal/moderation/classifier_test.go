package moderation

import (
	"flag"
	"os"
	"path/filepath"
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

func TestClassifier_HeldOutFigures(t *testing.T) {
	all := readCorpus(t)
	train, test := SplitByGroup(all, 0.3, 1)
	m := TrainCalibrated(train, 0.01, 5, 1)
	r := Evaluate(m, test)
	t.Logf("held-out report (train %d, test %d, seed 1):\n%s", len(train), len(test), r)
	// Floors a little below what this split measures (F1 0.948, ham marked
	// as spam 0.5%, precision 0.993), so a regression shows.
	if f1 := r.Overall.F1(); f1 < 0.92 {
		t.Errorf("spam F1 = %.3f, want >= 0.92", f1)
	}
	if p := r.Overall.Precision(); p < 0.97 {
		t.Errorf("spam precision = %.3f, want >= 0.97", p)
	}
	if fp := r.Overall.HamAsSpam(); fp > 0.015 {
		t.Errorf("ham marked as spam = %.1f%%, want <= 1.5%%", 100*fp)
	}
	for _, lang := range []string{"en", "ur", "ur-Latn", "mixed"} {
		if f1 := r.ByLang[lang].F1(); f1 < 0.88 {
			t.Errorf("%s: spam F1 = %.3f, want >= 0.88", lang, f1)
		}
	}
}

// TestBuildStartingModel rewrites model/start.model.gz with -update.
func TestBuildStartingModel(t *testing.T) {
	if !*update {
		t.Skip("run with -update to rebuild model/start.model.gz")
	}
	all := readCorpus(t)
	m := TrainCalibrated(all, 0.01, 5, 1)
	data, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("model", "start.model.gz"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote model/start.model.gz: %d bytes, %d features, threshold %.2f", len(data), len(m.counts), m.Threshold())
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
	if !m.Spam(spam) {
		t.Errorf("obvious spam not marked: score %.3f", m.Score(spam))
	}
	if m.Spam(ham) {
		t.Errorf("ordinary comment marked as spam: score %.3f", m.Score(ham))
	}
	if s := m.Score(spam); s < 0 || s > 1 {
		t.Errorf("score %v out of range", s)
	}
}

func TestModel_MarshalRoundTrip(t *testing.T) {
	m := NewModel()
	m.Train(Example{Input: Input{Body: "cheap pills online https://pills.example/"}, Spam: true})
	m.Train(Example{Input: Input{Body: "the bridge is still closed"}})
	m.SetThreshold(1.5)
	data, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	got, err := Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	in := Input{Body: "pills at the bridge"}
	if got.LogOdds(in) != m.LogOdds(in) || got.Threshold() != 1.5 {
		t.Errorf("round trip changed the model: %v vs %v", got.LogOdds(in), m.LogOdds(in))
	}
	if _, err := Unmarshal([]byte("not a model")); err == nil {
		t.Error("Unmarshal accepted garbage")
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
