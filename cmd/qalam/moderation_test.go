package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/config"
	"github.com/qalamnews/qalam/internal/moderation"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
)

// siteEnv is the environment of a site whose data folder is dir: SQLite
// there, or a fresh PostgreSQL schema when the tests are given one. It
// returns the database's DSN.
func siteEnv(t *testing.T, dir string) (getenv func(string) string, dsn string) {
	t.Helper()
	env := map[string]string{"QALAM_DATA_DIR": dir}
	dsn = filepath.Join(dir, "qalam.db")
	if os.Getenv(storetest.EnvPostgresURL) != "" {
		dsn = storetest.PostgresURL(t)
		env["QALAM_DATABASE_URL"] = dsn
	}
	return func(k string) string { return env[k] }, dsn
}

func runModerationT(t *testing.T, getenv func(string) string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = run(context.Background(), append([]string{"moderation"}, args...), getenv, strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), err
}

func writeModerationFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// dev-0001 is an id of the starting model's corpus.
const moderationEvalCorpus = `{"id": "t-1", "lang": "en", "label": "spam", "kind": "casino_betting", "name": "Best Casino Bonus", "email": "win.big77@tmpmail.test", "website": "https://spinwin-bonus.test/?ref=c", "body": "Best online casino bonus, free spins <a href=\"https://spinwin-bonus.test/\">click here</a>", "article_topic": "bridge repairs"}
{"id": "t-2", "lang": "en", "label": "ham", "kind": "question", "name": "Saima", "email": "saima.k@example.org", "website": "", "body": "The council said the bridge repairs would finish in March. Does anyone know why the road is still closed?", "article_topic": "bridge repairs"}
{"id": "t-3", "lang": "ur", "label": "ham", "kind": "agree", "name": "عمران", "email": "imran@example.org", "website": "", "body": "بالکل درست لکھا ہے، پل کی مرمت میں بہت دیر ہو گئی۔", "article_topic": "پل کی مرمت"}
{"id": "dev-0001", "lang": "en", "label": "ham", "kind": "agree", "name": "Kiran", "email": "kiran@example.org", "website": "", "body": "Good to see the library open again.", "article_topic": "library"}
`

// tableRow returns the counts of one row (lang, or "all") of the first
// table printed after heading.
func tableRow(t *testing.T, out, heading, lang string) moderation.Counts {
	t.Helper()
	_, after, ok := strings.Cut(out, heading)
	if !ok {
		t.Fatalf("output lacks %q:\n%s", heading, out)
	}
	for line := range strings.Lines(after) {
		f := strings.Fields(line)
		if len(f) >= 6 && f[0] == lang {
			n := make([]int, 4)
			for i := range n {
				v, err := strconv.Atoi(f[2+i])
				if err != nil {
					t.Fatalf("row %q: %v", line, err)
				}
				n[i] = v
			}
			return moderation.Counts{TP: n[0], FP: n[1], TN: n[2], FN: n[3]}
		}
	}
	t.Fatalf("no %s row after %q:\n%s", lang, heading, out)
	return moderation.Counts{}
}

const (
	classifierHeading = "The classifier alone:"
	rulesHeading      = "The classifier and the rules"
)

func TestRunModeration_EvalWithoutADatabaseUsesTheStartingModel(t *testing.T) {
	dir := t.TempDir()
	getenv := func(k string) string { return map[string]string{"QALAM_DATA_DIR": dir}[k] }
	p := writeModerationFile(t, "comments.jsonl", moderationEvalCorpus)
	before, _ := os.ReadFile(p)
	out, errOut, err := runModerationT(t, getenv, "eval", p)
	if err != nil {
		t.Fatalf("eval: %v\nstderr: %s", err, errOut)
	}
	for _, want := range []string{"(4 comments)", "the starting model alone", "precision", "recall", "F1", "TP", "FP",
		"ham->spam", "\nen ", "\nur ", "\nall ", "no word lists, no link limit", "Held for review by the rules instead: 0 ham comments and 0 spam comments.",
		"Note: 1 of these comments are among the model's training examples"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if got := tableRow(t, out, classifierHeading, "all"); got.Total() != 4 {
		t.Errorf("classifier table counts %+v, want 4 comments", got)
	}
	if after, _ := os.ReadFile(p); !bytes.Equal(before, after) {
		t.Error("eval changed its input file")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("eval created %d files in the data folder, want none", len(entries))
	}
}

func TestRunModeration_TrainAddsExamplesOnceAndEvalChangesNothing(t *testing.T) {
	dir := t.TempDir()
	getenv, dsn := siteEnv(t, dir)
	p := writeModerationFile(t, "comments.jsonl", moderationEvalCorpus)

	out, errOut, err := runModerationT(t, getenv, "train", p)
	if err != nil {
		t.Fatalf("train: %v\nstderr: %s", err, errOut)
	}
	if want := "Added 3 labelled comments from " + p + "; skipped 0 already in the site's model and 1 in the starting model (same id)."; !strings.Contains(out, want) {
		t.Errorf("first train output lacks %q:\n%s", want, out)
	}
	out, errOut, err = runModerationT(t, getenv, "train", "-data", dir, p) // flags may come first
	if err != nil {
		t.Fatalf("train again: %v\nstderr: %s", err, errOut)
	}
	for _, want := range []string{"Added 0 labelled comments", "skipped 3 already in the site's model and 1 in the starting model",
		"learns from 3 examples of its own"} {
		if !strings.Contains(out, want) {
			t.Errorf("second train output lacks %q:\n%s", want, out)
		}
	}

	// A word list rejects the ham that mentions the bridge: the rules mark
	// it spam where the classifier alone does not.
	st := storetest.OpenDSN(t, dsn, store.Options{})
	admin := storetest.UserWithRole(t, st, qalam.RoleAdmin)
	if err := st.SetWordLists(context.Background(), nil, []string{"bridge"}, admin.ID, ""); err != nil {
		t.Fatal(err)
	}
	database := ""
	if strings.HasPrefix(dsn, "postgres") {
		database = dsn
	}
	sum := databaseChecksum(t, dir, database)
	out, errOut, err = runModerationT(t, getenv, "eval", p)
	if err != nil {
		t.Fatalf("eval: %v\nstderr: %s", err, errOut)
	}
	if after := databaseChecksum(t, dir, database); after != sum {
		t.Error("eval changed the database")
	}
	for _, want := range []string{"the starting model and the site's 3 examples from the " + st.Dialect() + " database",
		"Note: 4 of these comments are among the model's training examples", "0 listed terms to hold, 1 listed term to reject, no link limit"} {
		if !strings.Contains(out, want) {
			t.Errorf("eval output lacks %q:\n%s", want, out)
		}
	}
	alone, ruled := tableRow(t, out, classifierHeading, "en"), tableRow(t, out, rulesHeading, "en")
	if alone.FP != 0 || ruled.FP != 1 || ruled.TP != alone.TP {
		t.Errorf("English: classifier %+v, with the rules %+v; want the rules to add the one ham with the listed word", alone, ruled)
	}
}

// TestSiteModel_LearnsFromAnotherNode runs two nodes' stores on one
// database: a moderator marking a comment spam through node A changes
// node B's verdict on a reworded copy of it, once B refreshes (which the
// change feed and a timer make it do when serving).
func TestSiteModel_LearnsFromAnotherNode(t *testing.T) {
	ctx := context.Background()
	_, dsn := siteEnv(t, t.TempDir())
	nodeA := storetest.OpenDSN(t, dsn, store.Options{})
	nodeB := storetest.OpenDSN(t, dsn, store.Options{})
	modelB, err := moderation.NewSiteModel(siteExamples{nodeB}, nil)
	if err != nil {
		t.Fatal(err)
	}
	advert := "Qalampur Sweets ki mithai order karein, ghar tak delivery muft. Eid ke liye special dabba sirf 900 rupay."
	twin := moderation.Input{Name: "Rashid", Email: "rashid@mailbox.test",
		Body: "Eid ke liye Qalampur Sweets se special dabba mangwayein, ghar tak delivery muft, sirf 900 rupay."}
	if spam, lo := modelB.Classify(twin); spam {
		t.Fatalf("node B marks the advert's twin spam before any decision (log-odds %.2f); the test needs one it lets through", lo)
	}

	article := storetest.Article(t, nodeA)
	c := storetest.Comment(t, nodeA, article.ID, func(c *qalam.Comment) {
		c.Status, c.AuthorName, c.AuthorEmail, c.Body = qalam.Pending, "Nadia", "nadia.q@mailbox.test", advert
	})
	mod := storetest.UserWithRole(t, nodeA, qalam.RoleModerator)
	if _, err := nodeA.ModerateComments(ctx, []int64{c.ID}, qalam.Spam, mod.ID, "sweets advert"); err != nil {
		t.Fatal(err)
	}

	if trained, err := modelB.Refresh(ctx); err != nil || !trained {
		t.Fatalf("node B's refresh = %v, %v; want it to train the decision in", trained, err)
	}
	if spam, lo := modelB.Classify(twin); !spam {
		t.Errorf("node B lets the twin through after node A's moderator marked the advert spam (log-odds %.2f, threshold %.2f)", lo, modelB.Threshold())
	}
	if modelB.SiteExamples() != 1 {
		t.Errorf("node B trained on %d site examples, want 1", modelB.SiteExamples())
	}
	if trained, err := modelB.Refresh(ctx); err != nil || trained {
		t.Errorf("a second refresh with nothing new = %v, %v; want nothing trained", trained, err)
	}
}

func TestRunModeration_EvalRejectsAMalformedFile(t *testing.T) {
	getenv, _ := siteEnv(t, t.TempDir())
	p := writeModerationFile(t, "bad.jsonl", moderationEvalCorpus+"{\"id\": \"t-5\", \"label\": \n")
	for _, cmd := range []string{"eval", "train"} {
		_, _, err := runModerationT(t, getenv, cmd, p)
		if err == nil || !strings.Contains(err.Error(), "line 5") {
			t.Errorf("%s: err = %v, want an error naming line 5", cmd, err)
		}
	}
}

func TestRunModeration_UsageErrors(t *testing.T) {
	getenv, _ := siteEnv(t, t.TempDir())
	for name, args := range map[string][]string{
		"no subcommand":      nil,
		"unknown subcommand": {"forget"},
		"eval without file":  {"eval"},
		"train without file": {"train"},
		"two files":          {"eval", "a", "b"},
		"a file after flags": {"train", "a", "-data", "x", "b"},
	} {
		t.Run(name, func(t *testing.T) {
			_, errOut, err := runModerationT(t, getenv, args...)
			if err != errUsage || !strings.Contains(errOut, "qalam moderation train FILE.jsonl") {
				t.Errorf("err = %v, stderr = %q; want usage", err, errOut)
			}
		})
	}
	if _, _, err := runModerationT(t, getenv, "eval", filepath.Join(t.TempDir(), "missing.jsonl")); err == nil {
		t.Error("eval of a missing file succeeded")
	}
}

// TestMain_ModeratorsDecisionTeachesEveryNode runs the whole program: a
// moderator marking a comment spam through one node teaches the spam model
// of every node serving the site, without a restart. With PostgreSQL two
// nodes share the database, as behind a load balancer, and the second
// hears of the decision through the change feed; a SQLite file has one
// node.
func TestMain_ModeratorsDecisionTeachesEveryNode(t *testing.T) {
	_, dsn := siteEnv(t, t.TempDir())
	postgres := strings.HasPrefix(dsn, "postgres")
	useDB := func(c *config.Config) {
		if postgres {
			c.DatabaseURL = dsn
		} else {
			c.DataDir = filepath.Dir(dsn)
		}
	}
	nodes := []*Main{startMain(t, useDB)}
	if postgres {
		nodes = append(nodes, startMain(t, useDB))
	}
	twin := moderation.Input{Name: "Rashid", Email: "rashid@mailbox.test",
		Body: "Eid ke liye Qalampur Sweets se special dabba mangwayein, ghar tak delivery muft, sirf 900 rupay."}
	for i, n := range nodes {
		if spam, _ := n.classifier.Classify(twin); spam {
			t.Fatalf("node %d marks the twin spam before any decision", i)
		}
	}

	st := nodes[0].store
	article := storetest.Article(t, st)
	c := storetest.Comment(t, st, article.ID, func(c *qalam.Comment) {
		c.Status, c.AuthorName, c.AuthorEmail = qalam.Pending, "Nadia", "nadia.q@mailbox.test"
		c.Body = "Qalampur Sweets ki mithai order karein, ghar tak delivery muft. Eid ke liye special dabba sirf 900 rupay."
	})
	mod := storetest.UserWithRole(t, st, qalam.RoleModerator)
	if _, err := st.ModerateComments(context.Background(), []int64{c.ID}, qalam.Spam, mod.ID, ""); err != nil {
		t.Fatal(err)
	}
	// Training takes a second or two of one processor (more under the race
	// detector); the nodes' timers poll only every minute, so a node that
	// learns within the deadline learned from the change feed.
	deadline := time.Now().Add(45 * time.Second)
	for i, n := range nodes {
		for n.classifier.SiteExamples() != 1 {
			if time.Now().After(deadline) {
				t.Fatalf("node %d never trained the moderator's decision in", i)
			}
			time.Sleep(20 * time.Millisecond)
		}
		if spam, lo := n.classifier.Classify(twin); !spam {
			t.Errorf("node %d lets the twin through after the decision (log-odds %.2f, threshold %.2f)", i, lo, n.classifier.Threshold())
		}
	}
}
