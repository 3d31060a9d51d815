package moderation

import (
	"fmt"
	"math/rand"
	"sort"
	"strings"
)

// Counts is a confusion table, spam being the positive class.
type Counts struct {
	TP int // spam marked as spam
	FP int // ham marked as spam
	TN int // ham left as ham
	FN int // spam missed
}

// Precision is the share of comments marked as spam that are spam.
func (c Counts) Precision() float64 { return ratio(c.TP, c.TP+c.FP) }

// Recall is the share of spam marked as spam.
func (c Counts) Recall() float64 { return ratio(c.TP, c.TP+c.FN) }

// F1 is the harmonic mean of precision and recall.
func (c Counts) F1() float64 {
	p, r := c.Precision(), c.Recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// HamAsSpam is the share of ham marked as spam (the false positive rate).
func (c Counts) HamAsSpam() float64 { return ratio(c.FP, c.FP+c.TN) }

// Total is the number of comments counted.
func (c Counts) Total() int { return c.TP + c.FP + c.TN + c.FN }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Report is how a model did on a set of labelled comments.
type Report struct {
	Threshold float64           // the model's log-odds threshold
	Overall   Counts            // every comment
	ByLang    map[string]Counts // by Input.Lang
}

// reportLangs lists the corpus languages in report order.
func reportLangs() []string { return []string{"en", "ur", "ur-Latn", "mixed"} }

// Evaluate runs m over examples and counts its decisions.
func Evaluate(m *Model, examples []Example) Report {
	r := Report{Threshold: m.Threshold(), ByLang: make(map[string]Counts)}
	for _, ex := range examples {
		got := m.Spam(ex.Input)
		c := r.ByLang[ex.Lang]
		for _, k := range []*Counts{&r.Overall, &c} {
			switch {
			case got && ex.Spam:
				k.TP++
			case got && !ex.Spam:
				k.FP++
			case !got && ex.Spam:
				k.FN++
			default:
				k.TN++
			}
		}
		r.ByLang[ex.Lang] = c
	}
	return r
}

// String prints the report as a table, one row per language and a total.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-8s %6s %5s %5s %5s %5s %9s %7s %6s %11s\n",
		"lang", "n", "TP", "FP", "TN", "FN", "precision", "recall", "F1", "ham->spam")
	row := func(name string, c Counts) {
		fmt.Fprintf(&b, "%-8s %6d %5d %5d %5d %5d %9.3f %7.3f %6.3f %10.1f%%\n",
			name, c.Total(), c.TP, c.FP, c.TN, c.FN, c.Precision(), c.Recall(), c.F1(), 100*c.HamAsSpam())
	}
	langs := make([]string, 0, len(r.ByLang))
	for _, l := range reportLangs() {
		if _, ok := r.ByLang[l]; ok {
			langs = append(langs, l)
		}
	}
	var other []string
	for l := range r.ByLang {
		if !isReportLang(l) {
			other = append(other, l)
		}
	}
	sort.Strings(other)
	for _, l := range append(langs, other...) {
		name := l
		if name == "" {
			name = "(none)"
		}
		row(name, r.ByLang[l])
	}
	row("all", r.Overall)
	fmt.Fprintf(&b, "threshold (log-odds): %.2f\n", r.Threshold)
	return b.String()
}

func isReportLang(l string) bool {
	for _, x := range reportLangs() {
		if x == l {
			return true
		}
	}
	return false
}

// group is the key that keeps related comments on one side of a split:
// ham by article topic, spam by campaign.
//
// Spam is grouped by campaign rather than by topic because campaigns post
// under any article: on the dev corpus, joining both relations links every
// comment into a single group. A campaign is approximated by the spam's
// website host, else the first host it links to in the body, else its kind
// (so unlinked amil or job spam of one kind stays together); see
// Example.Campaign, which ReadJSONL fills in.
func group(ex Example) string {
	if ex.Spam {
		if ex.Campaign != "" {
			return "spam/" + ex.Campaign
		}
		return "spam/" + campaign(ex)
	}
	return "ham/" + ex.Topic
}

// SplitByGroup splits examples into a training and a test side, keeping
// each group (see group: ham by article topic, spam by campaign) whole on
// one side. Ham groups and spam groups are dealt separately, in a shuffled
// order fixed by seed, to the test side until it holds about testShare of
// each class.
func SplitByGroup(all []Example, testShare float64, seed int64) (train, test []Example) {
	inTest := make(map[string]bool)
	rng := rand.New(rand.NewSource(seed))
	for _, spam := range []bool{false, true} {
		keys, size, n := groupsOf(all, spam)
		rng.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
		want := testShare * float64(n)
		got := 0
		for _, k := range keys {
			if float64(got)+float64(size[k])/2 > want {
				continue
			}
			inTest[k] = true
			got += size[k]
		}
	}
	for _, ex := range all {
		if inTest[group(ex)] {
			test = append(test, ex)
		} else {
			train = append(train, ex)
		}
	}
	return train, test
}

// groupsOf returns the sorted group keys of one class, their sizes and the
// number of examples in the class.
func groupsOf(all []Example, spam bool) (keys []string, size map[string]int, n int) {
	size = make(map[string]int)
	for _, ex := range all {
		if ex.Spam != spam {
			continue
		}
		n++
		k := group(ex)
		if size[k] == 0 {
			keys = append(keys, k)
		}
		size[k]++
	}
	sort.Strings(keys)
	return keys, size, n
}

// assignFolds deals the groups of each class into k folds, largest first to
// the smallest fold, after a shuffle fixed by seed; it returns each
// example's fold. With k < 1 every example is in fold 0.
func assignFolds(all []Example, k int, seed int64) []int {
	out := make([]int, len(all))
	if k < 1 {
		return out
	}
	fold := make(map[string]int)
	rng := rand.New(rand.NewSource(seed))
	for _, spam := range []bool{false, true} {
		keys, size, _ := groupsOf(all, spam)
		rng.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
		sort.SliceStable(keys, func(i, j int) bool { return size[keys[i]] > size[keys[j]] })
		load := make([]int, k)
		for _, key := range keys {
			best := 0
			for f := range load {
				if load[f] < load[best] {
					best = f
				}
			}
			fold[key] = best
			load[best] += size[key]
		}
	}
	for i, ex := range all {
		out[i] = fold[group(ex)]
	}
	return out
}
