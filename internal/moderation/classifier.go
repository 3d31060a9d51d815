package moderation

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Input is what the classifier sees of a comment: the form's fields.
type Input struct {
	Name, Email, Website, Body string
	Lang                       string // en, ur, ur-Latn or mixed; used for reports only
}

// Example is a comment with a moderator's decision, for training and
// evaluation. ID, Kind, Topic and Campaign come from the corpus (or, for a
// site's own examples, from where the example came from) and are used only
// to split and report, never as features.
type Example struct {
	Input
	Spam bool

	ID       string
	Kind     string // corpus sub-type, such as "question" or "seo_link"
	Topic    string // the article the comment sits under
	Campaign string // see SplitByGroup
}

// Model is a logistic regression spam classifier over the features of a
// comment (see features): word unigrams and bigrams and character 3- to
// 5-grams of the folded body, which suit Urdu and Roman Urdu, whose spelling
// varies; name words; the website's and linked hosts' words, suffix and
// shape; the e-mail domain; link, markup, phone and e-mail address
// features; and the body's length.
//
// Logistic regression rather than naive Bayes: the character n-grams of one
// word overlap and say the same thing a dozen times, which naive Bayes
// counts a dozen times and a regression learns to weigh once. Each feature
// family is scaled by the square root of its size in the comment, so a
// long body does not drown the few form-field features that often decide.
//
// A Model is read-only once trained, except for SetThreshold and
// Calibrate; LogOdds, Score, Spam and Classify may run concurrently.
type Model struct {
	weights   map[string]float64 // feature -> weight; unknown features weigh 0
	bias      float64
	threshold float64 // log-odds at or above which Spam reports true
}

// DefaultThreshold is the log-odds a new model calls spam at, until
// Calibrate chooses one.
const DefaultThreshold = 0

// CalibrationRate is the share of ham that TrainCalibrated is asked to let
// through as spam on cross-validated comments: half the 1% allowed, since
// a quantile estimated from a few hundred comments moves by that much from
// one sample of articles to the next.
const CalibrationRate = 0.005

// LogOdds returns the model's log-odds of spam over ham for c.
func (m *Model) LogOdds(c Input) float64 {
	names, vals := vectorize(features(c))
	lo := m.bias
	for i, f := range names {
		lo += m.weights[f] * vals[i]
	}
	return lo
}

// Score returns the probability, from 0 to 1, that c is spam.
func (m *Model) Score(c Input) float64 {
	return 1 / (1 + math.Exp(-m.LogOdds(c)))
}

// Spam reports whether c's log-odds reach the model's threshold, which
// TrainCalibrated sets so that at most the rate asked for of unseen ham is
// marked as spam.
func (m *Model) Spam(c Input) bool {
	return m.LogOdds(c) >= m.threshold
}

// Classify returns Spam's verdict with the log-odds behind it, for the
// reason a held comment records. It is what the posting path calls, through
// a small interface, so that a site's model (SiteModel) can stand in for
// this one.
func (m *Model) Classify(c Input) (spam bool, logOdds float64) {
	lo := m.LogOdds(c)
	return lo >= m.threshold, lo
}

// Threshold returns the log-odds at or above which Spam reports true.
func (m *Model) Threshold() float64 { return m.threshold }

// SetThreshold sets the log-odds at or above which Spam reports true.
func (m *Model) SetThreshold(logOdds float64) { m.threshold = logOdds }

// Features says how many features the model has a weight for.
func (m *Model) Features() int { return len(m.weights) }

// Calibrate sets the threshold from ham scored by a model that did not train
// on it: the lowest threshold that marks at most maxHamRate of that ham as
// spam. It returns the threshold. With no ham the threshold is unchanged.
func (m *Model) Calibrate(hamLogOdds []float64, maxHamRate float64) float64 {
	if len(hamLogOdds) == 0 {
		return m.threshold
	}
	m.threshold = calibrate(hamLogOdds, maxHamRate)
	return m.threshold
}

func calibrate(hamLogOdds []float64, maxHamRate float64) float64 {
	s := slices.Clone(hamLogOdds)
	sort.Float64s(s)
	allowed := int(math.Floor(maxHamRate * float64(len(s)))) // ham allowed at or above
	// The threshold sits just above the highest ham that must stay ham.
	return math.Nextafter(s[len(s)-allowed-1], math.Inf(1))
}

// Train trains a model on examples, with DefaultThreshold. The same
// examples in the same order always give the same model, so every node of
// a site that trains on its examples gets the same one.
func Train(examples []Example) *Model {
	set := newTrainingSet(examples)
	return set.model(set.fit(nil))
}

// TrainCalibrated trains a model on examples and chooses its threshold by
// group-wise cross-validation: examples are dealt into folds by the groups
// of SplitByGroup, each fold's ham is scored by a model trained on the other
// folds, and the threshold keeps at most maxHamRate of that ham as spam.
func TrainCalibrated(examples []Example, maxHamRate float64, folds int, seed int64) *Model {
	set := newTrainingSet(examples)
	w, threshold := set.calibrated(examples, maxHamRate, folds, seed)
	m := set.model(w)
	m.SetThreshold(threshold)
	return m
}

// calibrated fits set's examples and chooses the threshold as
// TrainCalibrated does. The folds' fits and the final one are independent
// and run in parallel.
func (set *trainingSet) calibrated(examples []Example, maxHamRate float64, folds int, seed int64) (weights, float64) {
	fold := assignFolds(examples, folds, seed)
	fits := make([]weights, folds+1) // the folds', then the final one
	var wg sync.WaitGroup
	for k := range fits {
		wg.Go(func() {
			if k == folds {
				fits[k] = set.fit(nil)
				return
			}
			fits[k] = set.fit(func(i int) bool { return fold[i] != k })
		})
	}
	wg.Wait()
	var hamScores []float64
	for i, ex := range examples {
		if !ex.Spam && fold[i] < folds {
			hamScores = append(hamScores, fits[fold[i]].score(set.rows[i]))
		}
	}
	threshold := float64(DefaultThreshold)
	if len(hamScores) > 0 {
		threshold = calibrate(hamScores, maxHamRate)
	}
	return fits[folds], threshold
}

// Training settings, chosen on group-wise held-out splits of the dev corpus
// (see TestClassifier_HeldOutFigures). AdaGrad adapts each feature's step,
// so rare and common features both settle within a few passes.
const (
	trainEpochs = 10
	trainRate   = 0.1  // AdaGrad's base step
	trainL2     = 1e-3 // weight decay, applied to the features a comment has
	// hamWeight makes a mistake on ham cost three times one on spam: the
	// goal allows almost no ham marked as spam, and a missed spam is only
	// published as a first-time commenter's comment would be.
	hamWeight = 3
	// shuffleSeed fixes the order examples are visited in.
	shuffleSeed = 1
)

// trainingSet is examples as sparse vectors over one dictionary of their
// features, computed once for every fit of a cross-validation.
type trainingSet struct {
	names []string // feature by index
	rows  []trainingRow
}

type trainingRow struct {
	idx  []int32
	val  []float64
	spam bool
}

func newTrainingSet(examples []Example) *trainingSet {
	set := &trainingSet{rows: make([]trainingRow, len(examples))}
	index := make(map[string]int32)
	for i, ex := range examples {
		names, vals := vectorize(features(ex.Input))
		row := trainingRow{idx: make([]int32, len(names)), val: vals, spam: ex.Spam}
		for j, f := range names {
			k, ok := index[f]
			if !ok {
				k = int32(len(set.names))
				index[f] = k
				set.names = append(set.names, f)
			}
			row.idx[j] = k
		}
		set.rows[i] = row
	}
	return set
}

// subset returns a set of the rows of set at indices, sharing set's
// dictionary (whose features the subset lacks keep a weight of 0).
func (set *trainingSet) subset(indices []int) *trainingSet {
	out := &trainingSet{names: set.names, rows: make([]trainingRow, len(indices))}
	for j, i := range indices {
		out.rows[j] = set.rows[i]
	}
	return out
}

// weights is a fitted regression over a training set's dictionary.
type weights struct {
	w    []float64
	bias float64
}

func (w weights) score(r trainingRow) float64 {
	s := w.bias
	for j, k := range r.idx {
		s += w.w[k] * r.val[j]
	}
	return s
}

// fit trains a logistic regression by AdaGrad on the rows that use
// selects (every row when use is nil).
func (set *trainingSet) fit(use func(i int) bool) weights {
	w := weights{w: make([]float64, len(set.names))}
	sumSq := make([]float64, len(set.names))
	var biasSq float64
	var order []int
	for i := range set.rows {
		if use == nil || use(i) {
			order = append(order, i)
		}
	}
	rng := rand.New(rand.NewSource(shuffleSeed))
	for range trainEpochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			r := set.rows[i]
			g := 1 / (1 + math.Exp(-w.score(r))) // predicted P(spam)
			if r.spam {
				g--
			} else {
				g *= hamWeight
			}
			for j, k := range r.idx {
				gk := g*r.val[j] + trainL2*w.w[k]
				sumSq[k] += gk * gk
				w.w[k] -= trainRate * gk / math.Sqrt(sumSq[k]+1e-6)
			}
			biasSq += g * g
			w.bias -= trainRate * g / math.Sqrt(biasSq+1e-6)
		}
	}
	return w
}

// model turns fitted weights into a Model, keeping the features that
// carry weight.
func (set *trainingSet) model(w weights) *Model {
	m := &Model{weights: make(map[string]float64), bias: w.bias, threshold: DefaultThreshold}
	for k, x := range w.w {
		if x != 0 {
			m.weights[set.names[k]] = x
		}
	}
	return m
}

// Feature families and their scales. A comment's features of one family
// are each worth scale/sqrt(n), n being how many of that family it has:
// the body's hundreds of character n-grams and its dozens of words then
// count for about as much as its handful of form-field and link features.
const (
	charScale = 0.3 // "c:" character n-grams: they overlap heavily
	wordScale = 1   // "w:" words and "b:" bigrams
	hostScale = 1   // "h:" words and n-grams of host names
	metaScale = 2   // everything else: fields, links, markup, length
)

const (
	famChar = iota
	famWord
	famHost
	famMeta
	families
)

var familyScale = [families]float64{famChar: charScale, famWord: wordScale, famHost: hostScale, famMeta: metaScale}

func family(f string) int {
	switch {
	case strings.HasPrefix(f, "c:"):
		return famChar
	case strings.HasPrefix(f, "w:"), strings.HasPrefix(f, "b:"):
		return famWord
	case strings.HasPrefix(f, "h:"):
		return famHost
	}
	return famMeta
}

// vectorize gives each of a comment's features its value (see familyScale).
func vectorize(feats []string) ([]string, []float64) {
	var n [families]int
	for _, f := range feats {
		n[family(f)]++
	}
	vals := make([]float64, len(feats))
	for i, f := range feats {
		k := family(f)
		vals[i] = familyScale[k] / math.Sqrt(float64(n[k]))
	}
	return feats, vals
}

var (
	urlRE   = regexp.MustCompile(`(?i)\bhttps?://[^\s<>"'\]\[)]+|\bwww\.[^\s<>"'\]\[)]+`)
	phoneRE = regexp.MustCompile(`\+?\d[\d\s\-().]{8,}\d`)
	// emailRE finds an e-mail address written in a comment's text, the
	// way spam asks to be contacted.
	emailRE = regexp.MustCompile(`[\pL\pN._%+-]+@[\pL\pN-]+\.[\pL\pN.-]*\pL`)
)

// features lists the distinct features of a comment.
func features(c Input) []string {
	seen := make(map[string]bool)
	var out []string
	add := func(f string) {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	body := Fold(c.Body)
	words := tokens(body)
	for i, w := range words {
		add("w:" + w)
		if i > 0 {
			add("b:" + words[i-1] + " " + w)
		}
	}
	if len(words) == 0 {
		add("w:")
	}
	// Character n-grams over the words joined by single spaces, padded.
	joined := []rune(" " + strings.Join(words, " ") + " ")
	for n := 3; n <= 5; n++ {
		for i := 0; i+n <= len(joined); i++ {
			add("c:" + string(joined[i:i+n]))
		}
	}
	nameWords := tokens(Fold(c.Name))
	for _, w := range nameWords {
		add("n:" + w)
	}
	if len(nameWords) >= 3 {
		add("n#:3+")
	}
	if h := host(c.Website); h != "" {
		add("web:set")
		add("web:" + h)
		add("web:tld:" + tld(h))
		hostFeatures("web", c.Website, add)
	} else if strings.TrimSpace(c.Website) != "" {
		add("web:bad")
	} else {
		add("web:none")
	}
	if at := strings.LastIndexByte(c.Email, '@'); at >= 0 {
		d := strings.ToLower(strings.TrimSpace(c.Email[at+1:]))
		add("mail:" + d)
		add("mail:tld:" + tld(d))
		local := c.Email[:at]
		if strings.IndexFunc(local, unicode.IsDigit) >= 0 {
			add("mail:digits")
		}
	}
	links := urlRE.FindAllString(c.Body, -1)
	switch n := len(links); {
	case n == 0:
		add("links:0")
	case n == 1:
		add("links:1")
	case n == 2:
		add("links:2")
	default:
		add("links:3+")
	}
	for _, l := range links {
		if h := host(l); h != "" {
			add("link:" + h)
			add("link:tld:" + tld(h))
			hostFeatures("link", l, add)
		}
	}
	lower := strings.ToLower(c.Body)
	if strings.Contains(lower, "<a ") || strings.Contains(lower, "<a\n") {
		add("markup:a")
	}
	if strings.Contains(lower, "[url") || strings.Contains(lower, "[link") {
		add("markup:url")
	}
	if phoneRE.MatchString(body) {
		add("phone")
	}
	if emailRE.MatchString(c.Body) {
		add("contact:email")
	}
	switch n := utf8.RuneCountInString(c.Body); {
	case n < 40:
		add("len:short")
	case n > 300:
		add("len:long")
	}
	return out
}

// hostFeatures adds what generalises from one host to another of the same
// sort, under prefix p ("web" for the website field, "link" for a link in
// the body): the registrable suffix (com, com.pk, gov.uk), whether it is an
// institution's (gov, edu, ac), subdomains, digits and hyphens in the name,
// the name's words and character 4- and 5-grams (cash, loan, plots,
// diaries), and the link's shape (a deep path, a PDF, a query string).
// Spam campaigns change domains; the words they pick for them change less.
func hostFeatures(p, raw string, add func(string)) {
	h := host(raw)
	labels := strings.Split(h, ".")
	suffix := 1
	if n := len(labels); n >= 3 && len(labels[n-1]) == 2 {
		switch labels[n-2] {
		case "com", "co", "org", "net", "gov", "edu", "ac", "gob", "mil", "nic":
			suffix = 2
		}
	}
	if len(labels) <= suffix {
		return
	}
	sfx := strings.Join(labels[len(labels)-suffix:], ".")
	name := labels[len(labels)-suffix-1]
	add(p + ":sfx:" + sfx)
	switch labels[len(labels)-suffix] {
	case "gov", "edu", "ac", "mil", "gob":
		add(p + ":inst")
	}
	if len(labels) > suffix+1 {
		add(p + ":sub")
	}
	if strings.ContainsAny(name, "0123456789") {
		add(p + ":digits")
	}
	if strings.Contains(name, "-") {
		add(p + ":hyphen")
	}
	for _, w := range strings.FieldsFunc(name, func(r rune) bool { return r == '-' || r == '_' || ('0' <= r && r <= '9') }) {
		add("h:w:" + w)
	}
	padded := []rune(" " + strings.ReplaceAll(name, "-", " ") + " ")
	for n := 4; n <= 5; n++ {
		for i := 0; i+n <= len(padded); i++ {
			add("h:c:" + string(padded[i:i+n]))
		}
	}
	if !strings.Contains(raw, "://") {
		raw = "http://" + strings.TrimSpace(raw)
	}
	if u, err := url.Parse(strings.TrimSpace(raw)); err == nil {
		if strings.Count(strings.Trim(u.Path, "/"), "/") >= 1 {
			add(p + ":deep")
		}
		if strings.HasSuffix(strings.ToLower(u.Path), ".pdf") {
			add(p + ":pdf")
		}
		if u.RawQuery != "" {
			add(p + ":query")
		}
	}
}

// host returns the lower-case host of a URL without "www.", or "".
func host(raw string) string {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return ""
	}
	if !strings.Contains(raw, "://") {
		raw = "http://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
}

// campaign returns the spam campaign key used by SplitByGroup: the website
// host, else the first linked host in the body, else the kind.
func campaign(ex Example) string {
	if h := host(ex.Website); h != "" {
		return "host:" + h
	}
	if l := urlRE.FindString(ex.Body); l != "" {
		if h := host(l); h != "" {
			return "host:" + h
		}
	}
	return "kind:" + ex.Kind
}

func tld(h string) string {
	if i := strings.LastIndexByte(h, '.'); i >= 0 {
		return h[i+1:]
	}
	return h
}

// startModel is the starting model: the dev corpus it is trained on and
// the threshold TrainCalibrated chose for it. Rebuild it with
// go test ./internal/moderation -run TestBuildStartingModel -update
//
//go:embed model/start.model.gz
var startModel []byte

// starting is the starting model, trained once per process on first use.
var starting = sync.OnceValues(func() (*startingModel, error) {
	s, err := readStartingModel(startModel)
	if err != nil {
		return nil, err
	}
	s.model = Train(s.examples)
	s.model.SetThreshold(s.threshold)
	return s, nil
})

// startingModel is the decoded start.model.gz, with the model trained
// from it.
type startingModel struct {
	examples  []Example
	threshold float64
	model     *Model
}

// StartingModel returns the model a new site starts with, before its own
// moderators' decisions are trained in: trained on the dev corpus and
// calibrated for at most CalibrationRate of ham marked as spam. The first
// call trains it (a fraction of a second); each call returns a model of
// its own, whose threshold may be changed without affecting others.
func StartingModel() (*Model, error) {
	s, err := starting()
	if err != nil {
		return nil, err
	}
	m := *s.model
	return &m, nil
}

// StartingExamples returns the labelled comments the starting model is
// trained on. Each call returns a new slice.
func StartingExamples() ([]Example, error) {
	s, err := starting()
	if err != nil {
		return nil, err
	}
	return slices.Clone(s.examples), nil
}

// startingVersion is the version of start.model.gz's format.
const startingVersion = 2

// storedStart is start.model.gz: gzip-compressed JSON. The examples are
// kept rather than the weights: they are a quarter of the size, and a
// site's model is trained on them together with the site's own.
type storedStart struct {
	Version   int          `json:"version"`
	Threshold float64      `json:"threshold"`
	Examples  []corpusLine `json:"examples"`
}

// marshalStartingModel writes examples and the threshold chosen for them
// in start.model.gz's format.
func marshalStartingModel(examples []Example, threshold float64) ([]byte, error) {
	s := storedStart{Version: startingVersion, Threshold: threshold, Examples: make([]corpusLine, len(examples))}
	for i, ex := range examples {
		label := "ham"
		if ex.Spam {
			label = "spam"
		}
		s.Examples[i] = corpusLine{ID: ex.ID, Lang: ex.Lang, Label: label, Kind: ex.Kind, Name: ex.Name,
			Email: ex.Email, Website: ex.Website, Body: ex.Body, Topic: ex.Topic}
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, fmt.Errorf("moderation: marshal starting model: %w", err)
	}
	if err := json.NewEncoder(zw).Encode(s); err != nil {
		return nil, fmt.Errorf("moderation: marshal starting model: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("moderation: marshal starting model: %w", err)
	}
	return buf.Bytes(), nil
}

// readStartingModel reads what marshalStartingModel wrote.
func readStartingModel(data []byte) (*startingModel, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("moderation: starting model: %w", err)
	}
	var s storedStart
	if err := json.NewDecoder(zr).Decode(&s); err != nil {
		return nil, fmt.Errorf("moderation: starting model: %w", err)
	}
	if s.Version != startingVersion {
		return nil, fmt.Errorf("moderation: starting model: version %d, want %d", s.Version, startingVersion)
	}
	if math.IsNaN(s.Threshold) || math.IsInf(s.Threshold, 0) || len(s.Examples) == 0 {
		return nil, errors.New("moderation: starting model: no examples or an invalid threshold")
	}
	out := &startingModel{threshold: s.Threshold, examples: make([]Example, len(s.Examples))}
	for i, l := range s.Examples {
		ex, err := l.example()
		if err != nil {
			return nil, fmt.Errorf("moderation: starting model: example %d: %w", i+1, err)
		}
		out.examples[i] = ex
	}
	return out, nil
}

// corpusLine is one line of the labelled corpus (JSON Lines).
type corpusLine struct {
	ID      string `json:"id"`
	Lang    string `json:"lang"`
	Label   string `json:"label"`
	Kind    string `json:"kind"`
	Name    string `json:"name"`
	Email   string `json:"email"`
	Website string `json:"website"`
	Body    string `json:"body"`
	Topic   string `json:"article_topic"`
}

func (l corpusLine) example() (Example, error) {
	var spam bool
	switch l.Label {
	case "spam":
		spam = true
	case "ham":
	default:
		return Example{}, fmt.Errorf("label %q, want ham or spam", l.Label)
	}
	ex := Example{
		Input: Input{Name: l.Name, Email: l.Email, Website: l.Website, Body: l.Body, Lang: l.Lang},
		Spam:  spam, ID: l.ID, Kind: l.Kind, Topic: l.Topic,
	}
	if spam {
		ex.Campaign = campaign(ex)
	}
	return ex, nil
}

// ReadJSONL reads labelled comments in the corpus format: one JSON object a
// line with id, lang, label (ham or spam), kind, name, email, website, body
// and article_topic. Blank lines are skipped. An error names the line.
func ReadJSONL(r io.Reader) ([]Example, error) {
	var out []Example
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var l corpusLine
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&l); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		if dec.More() {
			return nil, fmt.Errorf("line %d: more than one JSON value", n)
		}
		ex, err := l.example()
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		out = append(out, ex)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %w", n+1, err)
	}
	return out, nil
}
