package moderation

import (
	"fmt"
	"math"
	"math/rand"
	"slices"
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

func (c Counts) plus(o Counts) Counts {
	return Counts{TP: c.TP + o.TP, FP: c.FP + o.FP, TN: c.TN + o.TN, FN: c.FN + o.FN}
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Report is how a model did on a set of labelled comments.
type Report struct {
	Threshold float64           // the model's log-odds threshold; NaN when unknown or several
	Overall   Counts            // every comment
	ByLang    map[string]Counts // by Input.Lang
}

// reportLangs lists the corpus languages in report order.
func reportLangs() []string { return []string{"en", "ur", "ur-Latn", "mixed"} }

// Evaluate runs c over examples and counts its spam verdicts. The report
// carries c's threshold when c has one (a *Model or a *SiteModel).
func Evaluate(c Classifier, examples []Example) Report {
	r := EvaluateFunc(func(in Input) bool {
		spam, _ := c.Classify(in)
		return spam
	}, examples)
	if t, ok := c.(interface{ Threshold() float64 }); ok {
		r.Threshold = t.Threshold()
	}
	return r
}

// EvaluateFunc counts the verdicts of spam, a classifier or any other
// decision (such as Screen's), over examples.
func EvaluateFunc(spam func(Input) bool, examples []Example) Report {
	r := Report{Threshold: math.NaN(), ByLang: make(map[string]Counts)}
	for _, ex := range examples {
		r.count(ex.Lang, spam(ex.Input), ex.Spam)
	}
	return r
}

// count adds one verdict, got, on a comment in lang labelled want.
func (r *Report) count(lang string, got, want bool) {
	c := r.ByLang[lang]
	for _, k := range []*Counts{&r.Overall, &c} {
		switch {
		case got && want:
			k.TP++
		case got && !want:
			k.FP++
		case !got && want:
			k.FN++
		default:
			k.TN++
		}
	}
	r.ByLang[lang] = c
}

// Add adds o's counts to r's. The sum keeps a threshold only when every
// report added had the same one.
func (r *Report) Add(o Report) {
	if r.ByLang == nil {
		r.ByLang = make(map[string]Counts)
		r.Threshold = o.Threshold
	} else if r.Threshold != o.Threshold {
		r.Threshold = math.NaN()
	}
	r.Overall = r.Overall.plus(o.Overall)
	for l, c := range o.ByLang {
		r.ByLang[l] = r.ByLang[l].plus(c)
	}
}

// Langs lists the report's languages: the corpus languages in their usual
// order, then any others alphabetically.
func (r Report) Langs() []string {
	var langs, other []string
	for _, l := range reportLangs() {
		if _, ok := r.ByLang[l]; ok {
			langs = append(langs, l)
		}
	}
	for l := range r.ByLang {
		if !slices.Contains(reportLangs(), l) {
			other = append(other, l)
		}
	}
	sort.Strings(other)
	return append(langs, other...)
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
	for _, l := range r.Langs() {
		name := l
		if name == "" {
			name = "(none)"
		}
		row(name, r.ByLang[l])
	}
	row("all", r.Overall)
	if !math.IsNaN(r.Threshold) {
		fmt.Fprintf(&b, "threshold (log-odds): %.2f\n", r.Threshold)
	}
	return b.String()
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
// one side. The groups of each class and language (a group's language is
// the one most of its comments are in) are dealt separately, in a shuffled
// order fixed by seed, to the test side until it holds about testShare of
// them: every language is then tested on about its share of the file and
// trained on the rest, as it is when a model trained on the whole file
// meets new comments.
func SplitByGroup(all []Example, testShare float64, seed int64) (train, test []Example) {
	trainAt, testAt := splitByGroup(all, testShare, seed)
	return pick(all, trainAt), pick(all, testAt)
}

// splitByGroup is SplitByGroup, returning indices into all.
func splitByGroup(all []Example, testShare float64, seed int64) (train, test []int) {
	inTest := make(map[string]bool)
	lang := groupLangs(all)
	rng := rand.New(rand.NewSource(seed))
	for _, spam := range []bool{false, true} {
		keys, size, _ := groupsOf(all, spam)
		rng.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
		n := make(map[string]int) // comments of the class, by their group's language
		for _, k := range keys {
			n[lang[k]] += size[k]
		}
		got := make(map[string]int)
		for _, k := range keys {
			l := lang[k]
			if float64(got[l])+float64(size[k])/2 > testShare*float64(n[l]) {
				continue
			}
			inTest[k] = true
			got[l] += size[k]
		}
	}
	for i, ex := range all {
		if inTest[group(ex)] {
			test = append(test, i)
		} else {
			train = append(train, i)
		}
	}
	return train, test
}

func pick(all []Example, indices []int) []Example {
	out := make([]Example, len(indices))
	for j, i := range indices {
		out[j] = all[i]
	}
	return out
}

// groupLangs returns the language most of each group's comments are in
// (the first alphabetically of a tie).
func groupLangs(all []Example) map[string]string {
	count := make(map[string]map[string]int)
	for _, ex := range all {
		g := group(ex)
		if count[g] == nil {
			count[g] = make(map[string]int)
		}
		count[g][ex.Lang]++
	}
	out := make(map[string]string, len(count))
	for g, byLang := range count {
		best := ""
		for l, n := range byLang {
			if best == "" || n > byLang[best] || (n == byLang[best] && l < best) {
				best = l
			}
		}
		out[g] = best
	}
	return out
}

// HeldOut measures the classifier on comments it has not seen: for each
// seed it splits all with SplitByGroup, trains and calibrates a model on
// the training side as TrainCalibrated does (with maxHamRate), and
// evaluates it on the test side. It returns each split's report and their
// sum, whose figures do not hang on one lucky or unlucky split. (It
// computes every comment's features once, for all the splits.)
func HeldOut(all []Example, testShare float64, seeds []int64, maxHamRate float64) (sum Report, each []Report) {
	set := newTrainingSet(all)
	for _, seed := range seeds {
		trainAt, testAt := splitByGroup(all, testShare, seed)
		w, threshold := set.subset(trainAt).calibrated(pick(all, trainAt), maxHamRate, calibrationFolds, seed)
		r := Report{Threshold: threshold, ByLang: make(map[string]Counts)}
		for _, i := range testAt {
			r.count(all[i].Lang, w.score(set.rows[i]) >= threshold, all[i].Spam)
		}
		each = append(each, r)
		sum.Add(r)
	}
	return sum, each
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
