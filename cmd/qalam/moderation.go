package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/config"
	"github.com/qalamnews/qalam/internal/moderation"
	"github.com/qalamnews/qalam/internal/store"
)

const moderationUsage = `Usage:
  qalam moderation train FILE.jsonl [flags]
  qalam moderation eval FILE.jsonl [flags]

train adds the labelled comments in FILE.jsonl to the site's spam model,
in the configured database, next to what its moderators taught it by
marking comments spam or approving held ones. A comment whose id is
already in the site's model, or in the starting model built into Qalam,
is skipped, so adding a file twice adds nothing. Running servers train
the new comments in within a minute.

eval scores every labelled comment in FILE.jsonl with the site's current
model (the starting model and the site's own examples, from the
configured database when it exists) and with the rules around it (the
site's word lists and link limit), and prints precision, recall, F1, the
confusion table and the share of ham marked as spam, overall and per
language. It changes nothing. Figures on comments the model was trained on
say little: eval counts them.

FILE.jsonl holds one comment a line with the fields id, lang, label (ham or
spam), kind, name, email, website, body and article_topic. The database
flags are those of "qalam serve"; run "qalam moderation eval -help" for
them.
`

// runModeration runs "qalam moderation SUBCOMMAND".
func runModeration(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, moderationUsage)
		return errUsage
	}
	switch args[0] {
	case "train":
		return runModerationTrain(ctx, args[1:], getenv, stdout, stderr)
	case "eval":
		return runModerationEval(ctx, args[1:], getenv, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, moderationUsage)
		return nil
	default:
		fmt.Fprintf(stderr, "unknown moderation command %q\n\n%s", args[0], moderationUsage)
		return errUsage
	}
}

// Summaries of the moderation subcommands, for their -help.
const (
	trainSummary = "Adds the labelled comments of FILE.jsonl to the site's spam model, in the configured database. Comments already in it (same id) are skipped."
	evalSummary  = "Prints how the site's spam model and rules do on the labelled comments of FILE.jsonl, overall and per language. Changes nothing."
)

// parseModerationArgs reads a moderation subcommand's configuration and
// its one file, which may come before or after the flags.
func parseModerationArgs(name, summary string, args []string, getenv func(string) string, stderr io.Writer) (config.Config, string, error) {
	var files []string
	for len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		files, args = append(files, args[0]), args[1:]
	}
	cfg, fs, err := parseConfig("moderation "+name+" FILE.jsonl", summary, args, getenv, stderr, nil)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) || err == errUsage {
			return cfg, "", err
		}
		return cfg, "", fmt.Errorf("moderation %s: %w", name, err)
	}
	files = append(files, fs.Args()...)
	if len(files) != 1 || strings.HasPrefix(files[0], "-") {
		fmt.Fprint(stderr, moderationUsage)
		return cfg, "", errUsage
	}
	return cfg, files[0], nil
}

// readExamples reads a file of labelled comments.
func readExamples(name string) ([]moderation.Example, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	examples, err := moderation.ReadJSONL(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return examples, nil
}

func runModerationTrain(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, name, err := parseModerationArgs("train", trainSummary, args, getenv, stderr)
	if err != nil {
		return err
	}
	examples, err := readExamples(name)
	if err != nil {
		return fmt.Errorf("moderation train: %w", err)
	}
	start, err := moderation.StartingExamples()
	if err != nil {
		return fmt.Errorf("moderation train: %w", err)
	}
	inStart := make(map[string]bool, len(start))
	for _, ex := range start {
		inStart[ex.ID] = true
	}
	var list []*store.SpamExample
	startDup := 0
	for _, ex := range examples {
		if inStart[ex.ID] {
			startDup++
			continue
		}
		list = append(list, &store.SpamExample{FileID: ex.ID, Spam: ex.Spam, Lang: ex.Lang, Topic: ex.Topic,
			Name: ex.Name, Email: ex.Email, Website: ex.Website, Body: ex.Body})
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	added, err := st.AddSpamExamples(ctx, list)
	if err != nil {
		return fmt.Errorf("moderation train: %s: %w", name, describe(err))
	}
	v, err := st.SpamExamplesVersion(ctx)
	if err != nil {
		return fmt.Errorf("moderation train: %w", err)
	}
	fmt.Fprintf(stdout, "Added %s from %s; skipped %d already in the site's model and %d in the starting model (same id).\n",
		plural(added, "labelled comment"), name, len(list)-added, startDup)
	fmt.Fprintf(stdout, "The site's spam model learns from %s of its own besides the starting model's %d; running servers train them in within a minute.\n",
		plural(v.Count, "example"), len(start))
	return nil
}

func runModerationEval(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, name, err := parseModerationArgs("eval", evalSummary, args, getenv, stderr)
	if err != nil {
		return err
	}
	examples, err := readExamples(name)
	if err != nil {
		return fmt.Errorf("moderation eval: %w", err)
	}
	site, err := loadSite(ctx, cfg)
	if err != nil {
		return fmt.Errorf("moderation eval: %w", err)
	}
	model, err := moderation.TrainSite(site.examples)
	if err != nil {
		return fmt.Errorf("moderation eval: %w", err)
	}

	fmt.Fprintf(stdout, "%s (%s)\n", name, plural(len(examples), "comment"))
	fmt.Fprintf(stdout, "Model: %s.\n", site.describe)
	if seen := trainedOn(examples, site.examples); seen > 0 {
		fmt.Fprintf(stdout, "Note: %d of these comments are among the model's training examples (same id); figures on them are not held-out.\n", seen)
	}
	fmt.Fprintf(stdout, "\nThe classifier alone:\n\n%s", moderation.Evaluate(model, examples))

	// The rules as they treat a returning commenter, so that the policy's
	// holding of first-time commenters does not hide what the rules decide;
	// bans and commenters' records are about people, not texts, and are
	// left out.
	screen := func(in moderation.Input) moderation.Verdict {
		return moderation.Screen(moderation.Screening{Comment: in, Trusted: true, Policy: site.policy, Words: site.words, Classifier: model})
	}
	ruled := moderation.EvaluateFunc(func(in moderation.Input) bool { return screen(in).Status == qalam.Spam }, examples)
	ruled.Threshold = model.Threshold()
	var heldHam, heldSpam int
	for _, ex := range examples {
		if screen(ex.Input).Status == qalam.Pending {
			if ex.Spam {
				heldSpam++
			} else {
				heldHam++
			}
		}
	}
	fmt.Fprintf(stdout, "\nThe classifier and the rules (%s), counting what they mark as spam:\n\n%s", site.rules, ruled)
	fmt.Fprintf(stdout, "Held for review by the rules instead: %s and %s.\n", plural(heldHam, "ham comment"), plural(heldSpam, "spam comment"))
	return nil
}

// siteModel is what eval needs of a site: its own spam examples and its
// rules, or the defaults of a new site when there is no database.
type siteModel struct {
	examples []moderation.Example
	policy   moderation.Policy
	words    *moderation.WordList
	describe string // the model, for people
	rules    string // the rules, for people
}

// loadSite reads the site's examples and rules from the configured
// database without changing it: an absent SQLite file is not created, and
// nothing is migrated.
func loadSite(ctx context.Context, cfg config.Config) (*siteModel, error) {
	s := &siteModel{policy: moderation.DefaultPolicy()}
	if cfg.DatabaseURL == "" {
		if _, err := os.Stat(cfg.DatabaseDSN()); errors.Is(err, os.ErrNotExist) {
			s.describe = "the starting model alone (no database at " + cfg.DatabaseDSN() + ")"
			s.rules = "no word lists, no link limit"
			return s, nil
		}
	}
	st, err := store.Open(ctx, cfg.DatabaseDSN(), store.Options{})
	if err != nil {
		return nil, err
	}
	defer st.Close()
	hint := func(err error) error {
		return fmt.Errorf("%w (has \"qalam migrate\" been run on this database?)", err)
	}
	s.examples, _, err = siteExamples{st}.Examples(ctx)
	if err != nil {
		return nil, hint(err)
	}
	hold, reject, err := st.WordLists(ctx)
	if err != nil {
		return nil, hint(err)
	}
	if len(hold)+len(reject) > 0 {
		s.words = moderation.NewWordList(hold, reject)
	}
	p, err := st.DiscussionPolicy(ctx, store.SiteScope, 0)
	if err != nil {
		return nil, hint(err)
	}
	s.policy = moderation.Resolve([]moderation.Override{p.Override})
	s.describe = fmt.Sprintf("the starting model and the site's %s from the %s database", plural(len(s.examples), "example"), st.Dialect())
	links := "no link limit"
	if s.policy.MaxLinks != moderation.NoLinkLimit {
		links = "at most " + plural(s.policy.MaxLinks, "link")
	}
	s.rules = fmt.Sprintf("%s to hold, %s to reject, %s", plural(len(hold), "listed term"), plural(len(reject), "listed term"), links)
	return s, nil
}

// trainedOn counts the examples whose id is among the training ones: the
// starting model's or the site's from files.
func trainedOn(examples, site []moderation.Example) int {
	ids := make(map[string]bool)
	if start, err := moderation.StartingExamples(); err == nil {
		for _, ex := range start {
			ids[ex.ID] = true
		}
	}
	for _, ex := range site {
		ids[ex.ID] = true
	}
	n := 0
	for _, ex := range examples {
		if ids[ex.ID] {
			n++
		}
	}
	return n
}

// siteExamples is the site's spam examples in the store, as a site's spam
// model (moderation.SiteModel) reads them.
type siteExamples struct{ st *store.Store }

func (s siteExamples) ExamplesVersion(ctx context.Context) (moderation.ExamplesVersion, error) {
	v, err := s.st.SpamExamplesVersion(ctx)
	return moderation.ExamplesVersion{Count: v.Count, Sum: v.IDSum}, err
}

func (s siteExamples) Examples(ctx context.Context) ([]moderation.Example, moderation.ExamplesVersion, error) {
	list, v, err := s.st.SpamExamples(ctx)
	if err != nil {
		return nil, moderation.ExamplesVersion{}, err
	}
	out := make([]moderation.Example, len(list))
	for i, e := range list {
		id := e.FileID
		if e.Source == store.SpamFromModerator {
			id = "comment:" + strconv.FormatInt(e.CommentID, 10)
		}
		out[i] = moderation.Example{
			Input: moderation.Input{Name: e.Name, Email: e.Email, Website: e.Website, Body: e.Body, Lang: e.Lang},
			Spam:  e.Spam, ID: id, Topic: e.Topic,
		}
	}
	return out, moderation.ExamplesVersion{Count: v.Count, Sum: v.IDSum}, nil
}

// plural says "1 comment" or "3 comments".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
