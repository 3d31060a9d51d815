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
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Input is what the classifier sees of a comment: the form's fields.
type Input struct {
	Name, Email, Website, Body string
	Lang                       string // en, ur, ur-Latn or mixed; used for reports only
}

// Example is a comment with a moderator's decision, for training and
// evaluation. ID, Kind, Topic and Campaign come from the corpus and are used
// only to split and report, never as features.
type Example struct {
	Input
	Spam bool

	ID       string
	Kind     string // corpus sub-type, such as "question" or "seo_link"
	Topic    string // the article the comment sits under
	Campaign string // see SplitByGroup
}

// Model is a multinomial naive Bayes spam classifier with Laplace smoothing,
// computed in log space. Each comment is a set of features (a feature counts
// once per comment): word unigrams and bigrams of the folded body, character
// 3- to 5-grams of the folded body (which suit Urdu and Roman Urdu, whose
// spelling varies), name words, the website and e-mail domains, a link count
// bucket, markup such as <a or [url], and phone-like numbers.
//
// Train must not run concurrently with anything else; Score and Spam may run
// concurrently with each other.
type Model struct {
	docs      [2]int                // comments seen: ham, spam
	total     [2]int                // feature occurrences: ham, spam
	counts    map[string]*[2]uint32 // feature -> occurrences in ham, spam
	threshold float64               // log-odds at or above which Spam reports true
}

// DefaultThreshold is the log-odds a new model calls spam at, until
// Calibrate chooses one.
const DefaultThreshold = 0

// NewModel returns an untrained model.
func NewModel() *Model {
	return &Model{counts: make(map[string]*[2]uint32), threshold: DefaultThreshold}
}

// Train adds one decided comment to the model.
func (m *Model) Train(ex Example) {
	c := 0
	if ex.Spam {
		c = 1
	}
	m.docs[c]++
	for _, f := range features(ex.Input) {
		n := m.counts[f]
		if n == nil {
			n = new([2]uint32)
			m.counts[f] = n
		}
		n[c]++
		m.total[c]++
	}
}

// LogOdds returns the weighted naive Bayes log-odds of spam over ham for c
// (see weight). Features the model has never seen are ignored.
func (m *Model) LogOdds(c Input) float64 {
	if m.docs[0] == 0 || m.docs[1] == 0 {
		return 0
	}
	v := float64(len(m.counts))
	lo := math.Log(float64(m.docs[1])) - math.Log(float64(m.docs[0]))
	dh := math.Log(float64(m.total[0]) + v)
	ds := math.Log(float64(m.total[1]) + v)
	for _, f := range features(c) {
		n := m.counts[f]
		if n == nil {
			continue
		}
		lo += weight(f) * (math.Log(float64(n[1])+1) - ds - math.Log(float64(n[0])+1) + dh)
	}
	return lo
}

// Evidence weights of the feature families, chosen on group-wise held-out
// splits of the dev corpus. Character n-grams overlap heavily (one word
// yields a dozen), so each counts at a tenth; the few form-field and link
// features count triple, or the many body features drown them.
const (
	charWeight = 0.1
	wordWeight = 1
	metaWeight = 3
)

// weight scales a feature's evidence by its family.
func weight(f string) float64 {
	switch {
	case strings.HasPrefix(f, "c:"):
		return charWeight
	case strings.HasPrefix(f, "w:"), strings.HasPrefix(f, "b:"):
		return wordWeight
	}
	return metaWeight
}

// Score returns the probability, from 0 to 1, that c is spam.
func (m *Model) Score(c Input) float64 {
	return 1 / (1 + math.Exp(-m.LogOdds(c)))
}

// Spam reports whether c's log-odds reach the model's threshold, which
// TrainCalibrated sets so that at most 1% (or the rate asked for) of
// unseen ham is marked as spam.
func (m *Model) Spam(c Input) bool {
	return m.LogOdds(c) >= m.threshold
}

// Classify returns Spam's verdict with the log-odds behind it, for the
// reason a held comment records. It is what the posting path calls, through
// a small interface, so a store-backed model can stand in for this one.
func (m *Model) Classify(c Input) (spam bool, logOdds float64) {
	lo := m.LogOdds(c)
	return lo >= m.threshold, lo
}

// Threshold returns the log-odds at or above which Spam reports true.
func (m *Model) Threshold() float64 { return m.threshold }

// SetThreshold sets the log-odds at or above which Spam reports true.
func (m *Model) SetThreshold(logOdds float64) { m.threshold = logOdds }

// Calibrate sets the threshold from ham scored by a model that did not train
// on it: the lowest threshold that marks at most maxHamRate of that ham as
// spam. It returns the threshold. With no ham the threshold is unchanged.
func (m *Model) Calibrate(hamLogOdds []float64, maxHamRate float64) float64 {
	if len(hamLogOdds) == 0 {
		return m.threshold
	}
	s := slices.Clone(hamLogOdds)
	sort.Float64s(s)
	allowed := int(math.Floor(maxHamRate * float64(len(s)))) // ham allowed at or above
	// The threshold sits just above the highest ham that must stay ham.
	i := len(s) - allowed - 1
	t := math.Nextafter(s[i], math.Inf(1))
	m.threshold = t
	return t
}

// TrainCalibrated trains a model on examples and chooses its threshold by
// group-wise cross-validation: examples are dealt into folds by the groups
// of SplitByGroup, each fold's ham is scored by a model trained on the other
// folds, and the threshold keeps at most maxHamRate of that ham as spam.
func TrainCalibrated(examples []Example, maxHamRate float64, folds int, seed int64) *Model {
	var hamScores []float64
	fold := assignFolds(examples, folds, seed)
	for k := range folds {
		fm := NewModel()
		for i, ex := range examples {
			if fold[i] != k {
				fm.Train(ex)
			}
		}
		for i, ex := range examples {
			if fold[i] == k && !ex.Spam {
				hamScores = append(hamScores, fm.LogOdds(ex.Input))
			}
		}
	}
	m := NewModel()
	for _, ex := range examples {
		m.Train(ex)
	}
	m.Calibrate(hamScores, maxHamRate)
	return m
}

var (
	urlRE   = regexp.MustCompile(`(?i)\bhttps?://[^\s<>"'\]\[)]+|\bwww\.[^\s<>"'\]\[)]+`)
	phoneRE = regexp.MustCompile(`\+?\d[\d\s\-().]{8,}\d`)
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
	for _, w := range tokens(Fold(c.Name)) {
		add("n:" + w)
	}
	if nw := len(tokens(Fold(c.Name))); nw >= 3 {
		add("n#:3+")
	}
	if h := host(c.Website); h != "" {
		add("web:" + h)
		add("web:tld:" + tld(h))
		u, err := url.Parse(strings.TrimSpace(c.Website))
		if err == nil && (strings.Trim(u.Path, "/") != "" || u.RawQuery != "") {
			add("web:path")
		}
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
		}
	}
	lower := strings.ToLower(c.Body)
	if strings.Contains(lower, "<a ") || strings.Contains(lower, "<a\n") {
		add("markup:a")
	}
	if strings.Contains(lower, "[url") || strings.Contains(lower, "[link") {
		add("markup:url")
	}
	if phoneRE.MatchString(Fold(c.Body)) {
		add("phone")
	}
	switch n := utf8.RuneCountInString(c.Body); {
	case n < 40:
		add("len:short")
	case n > 300:
		add("len:long")
	}
	return out
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

// startModel is the starting model: trained on the whole dev corpus and
// calibrated for at most 1% ham marked as spam. Rebuild it with
// go test ./internal/moderation -run TestBuildStartingModel -update
//
//go:embed model/start.model.gz
var startModel []byte

// StartingModel returns the model a new site starts with, before its own
// moderators' decisions are trained in. Each call returns a new copy.
func StartingModel() (*Model, error) {
	m, err := Unmarshal(startModel)
	if err != nil {
		return nil, fmt.Errorf("moderation: starting model: %w", err)
	}
	return m, nil
}

// modelVersion is the version of the stored model format.
const modelVersion = 1

// storedModel is the stored form: gzip-compressed JSON.
type storedModel struct {
	Version   int                  `json:"version"`
	Docs      [2]int               `json:"docs"`
	Total     [2]int               `json:"total"`
	Threshold float64              `json:"threshold"`
	Counts    map[string][2]uint32 `json:"counts"`
}

// Marshal returns the model in its stored form (version 1: gzip-compressed
// JSON), so a site's model can be kept and loaded again.
func (m *Model) Marshal() ([]byte, error) {
	s := storedModel{Version: modelVersion, Docs: m.docs, Total: m.total, Threshold: m.threshold,
		Counts: make(map[string][2]uint32, len(m.counts))}
	for f, n := range m.counts {
		s.Counts[f] = *n
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, fmt.Errorf("moderation: marshal model: %w", err)
	}
	if err := json.NewEncoder(zw).Encode(s); err != nil {
		return nil, fmt.Errorf("moderation: marshal model: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("moderation: marshal model: %w", err)
	}
	return buf.Bytes(), nil
}

// Unmarshal reads a model written by Marshal.
func Unmarshal(data []byte) (*Model, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("moderation: unmarshal model: %w", err)
	}
	var s storedModel
	if err := json.NewDecoder(zr).Decode(&s); err != nil {
		return nil, fmt.Errorf("moderation: unmarshal model: %w", err)
	}
	if s.Version != modelVersion {
		return nil, fmt.Errorf("moderation: unmarshal model: version %d, want %d", s.Version, modelVersion)
	}
	if s.Docs[0] < 0 || s.Docs[1] < 0 || s.Total[0] < 0 || s.Total[1] < 0 ||
		math.IsNaN(s.Threshold) || math.IsInf(s.Threshold, 0) {
		return nil, errors.New("moderation: unmarshal model: invalid counts or threshold")
	}
	m := &Model{docs: s.Docs, total: s.Total, threshold: s.Threshold, counts: make(map[string]*[2]uint32, len(s.Counts))}
	for f, n := range s.Counts {
		m.counts[f] = &n
	}
	return m, nil
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
		var spam bool
		switch l.Label {
		case "spam":
			spam = true
		case "ham":
		default:
			return nil, fmt.Errorf("line %d: label %q, want ham or spam", n, l.Label)
		}
		ex := Example{
			Input: Input{Name: l.Name, Email: l.Email, Website: l.Website, Body: l.Body, Lang: l.Lang},
			Spam:  spam, ID: l.ID, Kind: l.Kind, Topic: l.Topic,
		}
		if spam {
			ex.Campaign = campaign(ex)
		}
		out = append(out, ex)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %w", n+1, err)
	}
	return out, nil
}
