package moderation

import (
	"context"
	"errors"
	"sync"
	"testing"
)

// memorySource is an ExampleSource in memory: its version is the number
// of changes made.
type memorySource struct {
	mu       sync.Mutex
	examples []Example
	changes  int64
	err      error
}

func (m *memorySource) add(ex ...Example) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.examples = append(m.examples, ex...)
	m.changes++
}

func (m *memorySource) fail(err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.err = err
}

func (m *memorySource) ExamplesVersion(context.Context) (ExamplesVersion, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return ExamplesVersion{Count: len(m.examples), Sum: m.changes}, m.err
}

func (m *memorySource) Examples(ctx context.Context) ([]Example, ExamplesVersion, error) {
	v, err := m.ExamplesVersion(ctx)
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Example(nil), m.examples...), v, err
}

// A sweet shop's advert in Roman Urdu, without a link or a number: the
// starting model has seen nothing like it. Its twin is reworded.
var (
	sweetsAdvert = Input{Name: "Nadia", Email: "nadia.q@mailbox.test", Lang: "ur-Latn",
		Body: "Qalampur Sweets ki mithai order karein, ghar tak delivery muft. Eid ke liye special dabba sirf 900 rupay."}
	sweetsTwin = Input{Name: "Rashid", Email: "rashid@mailbox.test", Lang: "ur-Latn",
		Body: "Eid ke liye Qalampur Sweets se special dabba mangwayein, ghar tak delivery muft, sirf 900 rupay."}
	libraryNews = Input{Name: "Kiran", Email: "kiran@mailbox.test", Lang: "en",
		Body: "The new library in Qalampur opens on Monday; the mayor will cut the ribbon at ten."}
)

func TestSiteModel_LearnsTheSiteExamples(t *testing.T) {
	ctx := context.Background()
	src := &memorySource{}
	s, err := NewSiteModel(src, nil)
	if err != nil {
		t.Fatal(err)
	}
	start, err := StartingModel()
	if err != nil {
		t.Fatal(err)
	}

	if trained, err := s.Refresh(ctx); err != nil || trained {
		t.Fatalf("Refresh with no examples = %v, %v; want nothing to train", trained, err)
	}
	for _, in := range []Input{sweetsAdvert, sweetsTwin, libraryNews} {
		if spam, _ := s.Classify(in); spam {
			t.Fatalf("%q: spam before any example; the test needs comments the starting model lets through", in.Body)
		}
	}
	if s.Threshold() != start.Threshold() || s.SiteExamples() != 0 {
		t.Errorf("threshold %v, %d site examples; want the starting model's %v and none", s.Threshold(), s.SiteExamples(), start.Threshold())
	}

	src.add(Example{Input: sweetsAdvert, Spam: true, Topic: "article:1"})
	if trained, err := s.Refresh(ctx); err != nil || !trained {
		t.Fatalf("Refresh after an example = %v, %v; want trained", trained, err)
	}
	if spam, lo := s.Classify(sweetsTwin); !spam {
		t.Errorf("the advert's twin after a moderator marked the advert spam: ham (log-odds %.2f, threshold %.2f)", lo, s.Threshold())
	}
	if spam, lo := s.Classify(libraryNews); spam {
		t.Errorf("unrelated news marked spam after one example (log-odds %.2f)", lo)
	}
	if s.SiteExamples() != 1 {
		t.Errorf("%d site examples, want 1", s.SiteExamples())
	}
	if trained, err := s.Refresh(ctx); err != nil || trained {
		t.Errorf("Refresh with nothing new = %v, %v; want nothing to train", trained, err)
	}

	t.Run("a source that fails leaves the model in force", func(t *testing.T) {
		src.fail(errors.New("database is down"))
		src.add(Example{Input: libraryNews, Spam: true})
		if trained, err := s.Refresh(ctx); err == nil || trained {
			t.Errorf("Refresh = %v, %v; want the error", trained, err)
		}
		if spam, _ := s.Classify(sweetsTwin); !spam || s.SiteExamples() != 1 {
			t.Error("a failed refresh changed the model")
		}
	})
}

func TestSiteModel_ClassifiesWhileRefreshing(t *testing.T) {
	ctx := context.Background()
	src := &memorySource{}
	s, err := NewSiteModel(src, nil)
	if err != nil {
		t.Fatal(err)
	}
	src.add(Example{Input: sweetsAdvert, Spam: true})
	var wg sync.WaitGroup
	wg.Go(func() {
		if _, err := s.Refresh(ctx); err != nil {
			t.Error(err)
		}
	})
	for range 50 {
		s.Classify(sweetsTwin)
		s.Threshold()
	}
	s.Nudge()
	s.Nudge() // never blocks
	wg.Wait()
}
