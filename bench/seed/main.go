// Command seed fills a Qalam database with a large fictional publication for
// the load benchmark (see bench/README.md): three categories, ten authors,
// N published articles over the past years (some in Urdu) and M comments
// spread over them, with two articles the benchmark requests by slug:
//
//   - bench-big-discussion: 500 approved comments (-big), threaded up to 3
//     deep;
//   - bench-small-article:  a short body and 3 comments.
//
// Usage:
//
//	go run ./bench/seed -database DSN [-articles 10000] [-comments 100000]
//
// DSN is a SQLite file path or a postgres:// URL. The database is migrated
// first. A database that already holds articles is refused unless -force.
// The content is generated from small word lists, deterministically for a
// given -seed.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/markup"
	"github.com/qalamnews/qalam/internal/store"
)

// The slugs of the two articles the benchmark requests.
const (
	bigSlug   = "bench-big-discussion"
	smallSlug = "bench-small-article"

	bigComments   = 500 // by default; -big sets it
	smallComments = 3
)

type options struct {
	dsn       string
	articles  int
	comments  int
	big       int // comments on the big discussion
	urdu      float64
	years     int
	batch     int
	seed      uint64
	force     bool
	stderr    io.Writer
	startedAt time.Time
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "seed:", err)
		}
		os.Exit(2)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o := options{stderr: stderr, startedAt: time.Now()}
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.dsn, "database", "", "SQLite file path or postgres:// URL (required)")
	fs.IntVar(&o.articles, "articles", 10000, "number of articles, including the two benchmark articles")
	fs.IntVar(&o.comments, "comments", 100000, "number of comments, including those on the benchmark articles")
	fs.IntVar(&o.big, "big", bigComments, "number of comments on "+bigSlug+", all approved (5000 makes a discussion read in parts)")
	fs.Float64Var(&o.urdu, "urdu", 0.05, "fraction of articles written in Urdu")
	fs.IntVar(&o.years, "years", 4, "articles are spread over this many past years")
	fs.IntVar(&o.batch, "batch", 2000, "comments per transaction")
	fs.Uint64Var(&o.seed, "seed", 1, "random seed; the same seed gives the same content")
	fs.BoolVar(&o.force, "force", false, "seed even if the database already has articles")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case o.dsn == "":
		return errors.New("-database is required")
	case o.articles < 2:
		return errors.New("-articles must be at least 2 (the two benchmark articles)")
	case o.big < 1:
		return errors.New("-big must be positive")
	case o.comments < o.big+smallComments:
		return fmt.Errorf("-comments must be at least %d (the benchmark articles' discussions)", o.big+smallComments)
	case o.batch < 1 || o.years < 1:
		return errors.New("-batch and -years must be positive")
	}

	st, err := store.Open(ctx, o.dsn, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	_, existing, err := st.FindArticles(ctx, store.ArticleFilter{Limit: 1})
	if err != nil {
		return err
	}
	if existing > 0 && !o.force {
		return fmt.Errorf("the %s database already has %d articles; seed an empty one, or pass -force to add more", st.Dialect(), existing)
	}
	s := &seeder{opts: o, st: st, now: time.Now().UTC().Truncate(time.Minute)}
	if existing > 0 {
		// Slugs and comment keys of this run must not collide with earlier ones.
		s.token = "-" + strconv.FormatInt(time.Now().Unix(), 36)
	}
	if err := s.seed(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "seeded %s: %d articles, %d comments (%d approved, %d pending, %d spam) in %s\n",
		st.Dialect(), s.articles, s.stats.total, s.stats.approved, s.stats.pending, s.stats.spam,
		time.Since(o.startedAt).Round(10*time.Millisecond))
	return nil
}

// seeder holds what one run has stored so far.
type seeder struct {
	opts  options
	st    *store.Store
	now   time.Time
	token string // "" normally; a run suffix with -force

	categories []int64
	authors    []int64 // English bylines first, then the Urdu ones
	urduFrom   int     // index of the first Urdu author

	articles int
	stats    struct{ total, approved, pending, spam int }
}

// stored is what the comment phase needs of an article.
type stored struct {
	id        int64
	lang      qalam.Language
	published time.Time
}

func (s *seeder) logf(format string, args ...any) {
	fmt.Fprintf(s.opts.stderr, "%7s  "+format+"\n", append([]any{time.Since(s.opts.startedAt).Round(100 * time.Millisecond)}, args...)...)
}

func (s *seeder) seed(ctx context.Context) error {
	if err := s.newsroom(ctx); err != nil {
		return err
	}
	s.logf("newsroom: %d categories, %d authors", len(s.categories), len(s.authors))

	regular, err := s.regularArticles(ctx, s.opts.articles-2)
	if err != nil {
		return err
	}
	big, small, err := s.benchArticles(ctx)
	if err != nil {
		return err
	}
	s.logf("articles: %d stored", s.articles)

	if err := s.regularComments(ctx, regular, s.opts.comments-s.opts.big-smallComments); err != nil {
		return err
	}
	if big != nil {
		if err := s.store(ctx, bigThread(s, *big)); err != nil {
			return err
		}
	}
	if small != nil {
		if err := s.store(ctx, smallThread(s, *small)); err != nil {
			return err
		}
	}
	s.logf("comments: %d stored", s.stats.total)
	return nil
}

// newsroom finds or creates the categories and authors.
func (s *seeder) newsroom(ctx context.Context) error {
	for _, c := range benchCategories {
		cat, err := s.st.CategoryBySlug(ctx, c[0])
		if errors.Is(err, qalam.ErrNotFound) {
			cat = &qalam.Category{Slug: c[0], Name: c[1]}
			err = s.st.CreateCategory(ctx, cat)
		}
		if err != nil {
			return err
		}
		s.categories = append(s.categories, cat.ID)
	}
	for i, a := range benchAuthors {
		au, err := s.st.AuthorBySlug(ctx, a.slug)
		if errors.Is(err, qalam.ErrNotFound) {
			au = &qalam.Author{Slug: a.slug, Name: a.name, Bio: a.bio, CreatedAt: s.now.AddDate(-s.opts.years-1, 0, 0)}
			err = s.st.CreateAuthor(ctx, au)
		}
		if err != nil {
			return err
		}
		if s.urduFrom == 0 && !isASCII(a.name) {
			s.urduFrom = i
		}
		s.authors = append(s.authors, au.ID)
	}
	return nil
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// articleChunk is how many articles are generated in parallel before they
// are stored one transaction each.
const articleChunk = 500

// regularArticles stores n generated articles, oldest first, published
// over the past years up to a day ago.
func (s *seeder) regularArticles(ctx context.Context, n int) ([]stored, error) {
	out := make([]stored, 0, n)
	first := s.now.AddDate(-s.opts.years, 0, 0)
	step := s.now.Add(-24*time.Hour).Sub(first) / time.Duration(max(n, 1))
	batch := make([]*qalam.Article, 0, articleChunk)
	for start := 0; start < n; start += articleChunk {
		batch = batch[:min(articleChunk, n-start)]
		parallel(len(batch), func(j int) {
			i := start + j
			w := newWriter(s.opts.seed, uint64(i), qalam.English)
			if w.chance(s.opts.urdu) {
				w = newWriter(s.opts.seed, uint64(i), qalam.Urdu)
			}
			published := first.Add(time.Duration(i)*step + time.Duration(w.r.Int64N(int64(step)+1)))
			batch[j] = s.article(w, i, published)
		})
		for _, a := range batch {
			if err := s.st.CreateArticle(ctx, a); err != nil {
				return nil, err
			}
			out = append(out, stored{id: a.ID, lang: a.Language, published: a.PublishedAt})
			s.articles++
		}
		if (start/articleChunk)%4 == 3 {
			s.logf("articles: %d/%d", len(out), n)
		}
	}
	return out, nil
}

// article generates and renders article number i.
func (s *seeder) article(w *writer, i int, published time.Time) *qalam.Article {
	headline, standfirst, body := w.articleText(3 + w.r.IntN(4))
	a := &qalam.Article{
		Slug:        fmt.Sprintf("%s-%d%s", trimSlug(qalam.Slugify(headline)), i+1, s.token),
		Language:    w.lang,
		Label:       qalam.News,
		Status:      qalam.Published,
		Headline:    headline,
		Standfirst:  standfirst,
		Body:        body,
		BodyHTML:    markup.Article(body),
		CategoryID:  s.categories[w.r.IntN(len(s.categories))],
		AuthorIDs:   s.byline(w),
		TagNames:    w.tags(),
		PublishedAt: published,
		CreatedAt:   published.Add(-time.Duration(1+w.r.IntN(48)) * time.Hour),
	}
	switch x := w.r.Float64(); {
	case x < 0.15:
		a.Label = qalam.Opinion
	case x < 0.3:
		a.Label = qalam.Analysis
	}
	if w.chance(0.05) && published.Add(48*time.Hour).Before(s.now) {
		a.UpdatedAt = published.Add(48 * time.Hour)
	}
	if w.chance(0.02) {
		a.EditorNote = "This article was corrected after publication: an earlier version gave the wrong date for the public meeting."
		if w.lang == qalam.Urdu {
			a.EditorNote = "اس مضمون میں اشاعت کے بعد تصحیح کی گئی: پہلے اجلاس کی تاریخ غلط درج تھی۔"
		}
		a.EditorNoteHTML = markup.Article(a.EditorNote)
	}
	if w.chance(0.03) {
		a.CommentsClosed = true
	}
	return a
}

// trimSlug keeps generated slugs short.
func trimSlug(slug string) string {
	r := []rune(slug)
	if len(r) > 60 {
		r = r[:60]
	}
	for len(r) > 0 && r[len(r)-1] == '-' {
		r = r[:len(r)-1]
	}
	return string(r)
}

// byline is one author, sometimes two, writing in the article's language.
func (s *seeder) byline(w *writer) []int64 {
	pool := s.authors[:s.urduFrom]
	if w.lang == qalam.Urdu {
		pool = s.authors[s.urduFrom:]
	}
	first := w.r.IntN(len(pool))
	ids := []int64{pool[first]}
	if len(pool) > 1 && w.chance(0.15) {
		ids = append(ids, pool[(first+1+w.r.IntN(len(pool)-1))%len(pool)])
	}
	return ids
}

// benchArticles stores the two articles the benchmark requests, as the
// newest on the site. An article already there (with -force) is left alone
// and nil is returned for it.
func (s *seeder) benchArticles(ctx context.Context) (big, small *stored, err error) {
	bigW := newWriter(s.opts.seed, math.MaxUint32+1, qalam.English)
	bigW.fixed["place"], bigW.fixed["thing"] = "Velmora", "the tram extension"
	_, standfirst, body := bigW.articleText(6)
	bigA := &qalam.Article{
		Slug:     bigSlug,
		Language: qalam.English, Label: qalam.Analysis, Status: qalam.Published,
		Headline:    "Readers debate the future of the Velmora tram extension",
		Standfirst:  standfirst,
		Body:        body,
		CategoryID:  s.categories[0],
		AuthorIDs:   []int64{s.authors[1], s.authors[5]},
		TagNames:    []string{"Transport", "Consultations"},
		PublishedAt: s.now.Add(-6 * 24 * time.Hour),
	}
	smallBody := "Kestrand's riverside library will open on Saturdays and Sundays from next month, the library committee said.\n\n" +
		"The longer hours are paid for by the district council's culture budget for one year."
	smallA := &qalam.Article{
		Slug:     smallSlug,
		Language: qalam.English, Label: qalam.News, Status: qalam.Published,
		Headline:    "Kestrand library extends weekend opening hours",
		Standfirst:  "A one-year trial starts next month.",
		Body:        smallBody,
		CategoryID:  s.categories[2],
		AuthorIDs:   []int64{s.authors[2]},
		TagNames:    []string{"Libraries"},
		PublishedAt: s.now.Add(-3 * time.Hour),
	}
	var out [2]*stored
	for i, a := range []*qalam.Article{bigA, smallA} {
		if _, err := s.st.ArticleBySlug(ctx, a.Slug); err == nil {
			s.logf("%s exists already: left as it is", a.Slug)
			continue
		} else if !errors.Is(err, qalam.ErrNotFound) {
			return nil, nil, err
		}
		a.BodyHTML = markup.Article(a.Body)
		a.CreatedAt = a.PublishedAt.Add(-2 * time.Hour)
		if err := s.st.CreateArticle(ctx, a); err != nil {
			return nil, nil, err
		}
		s.articles++
		out[i] = &stored{id: a.ID, lang: a.Language, published: a.PublishedAt}
	}
	return out[0], out[1], nil
}

// planned is a comment to store and the comment it replies to (nil for a
// top-level one). The parent is stored first: in an earlier batch, or
// earlier in the same batch.
type planned struct {
	c      *qalam.Comment
	parent *qalam.Comment
}

// regularComments spreads n comments over the articles, more on newer
// ones, and stores them batch by batch, each article's discussion in
// order.
func (s *seeder) regularComments(ctx context.Context, articles []stored, n int) error {
	if len(articles) == 0 {
		if n > 0 {
			return errors.New("no articles to put the comments on")
		}
		return nil
	}
	counts := make([]int, len(articles))
	r := rand.New(rand.NewPCG(s.opts.seed, math.MaxUint32+3))
	for range n {
		// u^0.6 leans towards 1: newer articles are discussed more.
		counts[min(int(math.Pow(r.Float64(), 0.6)*float64(len(articles))), len(articles)-1)]++
	}
	var batch []planned
	for i, a := range articles {
		if counts[i] == 0 {
			continue
		}
		batch = append(batch, s.discussion(a, uint64(i), counts[i], 4)...)
		if len(batch) >= s.opts.batch {
			if err := s.store(ctx, batch); err != nil {
				return err
			}
			batch = batch[:0]
			if s.stats.total%(10*s.opts.batch) < s.opts.batch {
				s.logf("comments: %d/%d", s.stats.total, n)
			}
		}
	}
	return s.store(ctx, batch)
}

// discussion plans count comments on a, each a reply (up to maxDepth deep)
// to an earlier approved comment with probability 0.45, spread over the
// days after publication.
func (s *seeder) discussion(a stored, stream uint64, count, maxDepth int) []planned {
	w := newWriter(s.opts.seed, 1<<40+stream, a.lang)
	window := min(s.now.Sub(a.published), 10*24*time.Hour)
	offsets := make([]time.Duration, count)
	for i := range offsets {
		offsets[i] = time.Duration(w.r.Int64N(int64(window) + 1))
	}
	slices.Sort(offsets)
	depth := map[*qalam.Comment]int{}
	var approved []*qalam.Comment
	out := make([]planned, count)
	for i := range out {
		c := &qalam.Comment{ArticleID: a.id, Status: w.status(), CreatedAt: a.published.Add(offsets[i]).Add(time.Minute)}
		var parent *qalam.Comment
		if len(approved) > 0 && w.chance(0.45) {
			// A recent comment, more often than an old one.
			p := approved[len(approved)-1-w.r.IntN(min(len(approved), 20))]
			if depth[p] < maxDepth {
				parent = p
				depth[c] = depth[p] + 1
			}
		}
		w.comment(c, parent != nil)
		c.IdempotencyKey = fmt.Sprintf("bench-%d-%d%s", a.id, i, s.token)
		if c.Status == qalam.Approved {
			approved = append(approved, c)
		}
		out[i] = planned{c: c, parent: parent}
	}
	return out
}

// bigThread is the big discussion (500 comments unless -big says): all
// approved, about 40% top level, the rest replies up to 3 deep.
func bigThread(s *seeder, a stored) []planned {
	w := newWriter(s.opts.seed, math.MaxUint32+2, a.lang)
	w.fixed["place"], w.fixed["thing"] = "Velmora", "the tram extension"
	window := s.now.Sub(a.published) - time.Hour
	depth := map[*qalam.Comment]int{}
	var all []*qalam.Comment
	n := s.opts.big
	out := make([]planned, n)
	for i := range out {
		c := &qalam.Comment{
			ArticleID: a.id, Status: qalam.Approved,
			CreatedAt: a.published.Add(window * time.Duration(i+1) / time.Duration(n+1)),
		}
		var parent *qalam.Comment
		if len(all) > 0 && !w.chance(0.4) {
			for range 5 {
				p := all[len(all)-1-w.r.IntN(min(len(all), 30))]
				if depth[p] < 3 {
					parent = p
					break
				}
			}
		}
		if parent != nil {
			depth[c] = depth[parent] + 1
		}
		w.comment(c, parent != nil)
		c.IdempotencyKey = fmt.Sprintf("bench-big-%d%s", i, s.token)
		all = append(all, c)
		out[i] = planned{c: c, parent: parent}
	}
	return out
}

// smallThread is the small article's discussion: two comments and a reply.
func smallThread(s *seeder, a stored) []planned {
	at := func(m int) time.Time { return a.published.Add(time.Duration(m) * time.Minute) }
	first := &qalam.Comment{
		ArticleID: a.id, Status: qalam.Approved, CreatedAt: at(20),
		AuthorName: "Ines Galloway", AuthorEmail: "ines@example.org",
		Body: "Good news. Saturday mornings were the only time I could get there.",
	}
	reply := &qalam.Comment{
		ArticleID: a.id, Status: qalam.Approved, CreatedAt: at(45),
		AuthorName: "Kofi Lodhi", AuthorEmail: "kofi@example.com",
		Body: "Same here. I hope the trial is *extended* after the first year.",
	}
	third := &qalam.Comment{
		ArticleID: a.id, Status: qalam.Approved, CreatedAt: at(90),
		AuthorName: "Saira Thorne", AuthorEmail: "saira@example.net",
		Body: "Will the reading room be open too, or only the lending desk?",
	}
	for i, c := range []*qalam.Comment{first, reply, third} {
		c.IdempotencyKey = fmt.Sprintf("bench-small-%d%s", i, s.token)
	}
	return []planned{{c: first}, {c: reply, parent: first}, {c: third}}
}

// store renders a batch in parallel and stores it in one transaction. A
// reply to a comment stored by an earlier batch names it by ParentID; a
// reply to one in this batch is listed in its Replies, and the store fills
// in the ParentID once the parent has its ID.
func (s *seeder) store(ctx context.Context, batch []planned) error {
	if len(batch) == 0 {
		return nil
	}
	parallel(len(batch), func(i int) {
		c := batch[i].c
		c.BodyHTML = markup.Comment(c.Body)
	})
	list := make([]*qalam.Comment, len(batch))
	for i, p := range batch {
		list[i] = p.c
		p.c.Replies = nil
	}
	for _, p := range batch {
		switch {
		case p.parent == nil:
		case p.parent.ID != 0:
			p.c.ParentID = p.parent.ID
		default:
			p.parent.Replies = append(p.parent.Replies, p.c)
		}
	}
	if err := s.st.CreateComments(ctx, list); err != nil {
		return err
	}
	for _, c := range list {
		s.stats.total++
		switch c.Status {
		case qalam.Approved:
			s.stats.approved++
		case qalam.Pending:
			s.stats.pending++
		case qalam.Spam:
			s.stats.spam++
		}
	}
	return nil
}

// parallel runs fn(0) ... fn(n-1) on every CPU.
func parallel(n int, fn func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(i)
			}
		})
	}
	wg.Wait()
}
