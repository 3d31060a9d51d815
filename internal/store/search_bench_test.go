package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
)

// benchArchive is the size of the archive BenchmarkStore_Search searches.
const benchArchive = 10_000

// BenchmarkStore_Search searches an archive of 10,000 published articles
// (four in five English, one in five Urdu; 400-word bodies) on each engine:
//
//	go test ./internal/store -run '^$' -bench Search -benchtime 200x
//
// with QALAM_TEST_POSTGRES_URL set for PostgreSQL. Building the archive
// (and its index) takes a while and is not timed.
func BenchmarkStore_Search(b *testing.B) {
	queries := []struct{ name, query string }{
		{"rare word (10 articles)", "zeppelin"},
		{"word in 1 in 10 articles", "library"},
		{"word in most articles", "alo"},
		{"two words", "library timetable"},
		{"prefix of the last word", "libr"},
		{"Urdu with diacritics (1 in 50)", "کُتب خانہ"},
	}
	for _, engine := range []struct {
		name string
		dsn  func(testing.TB) string
	}{{"sqlite", storetest.SQLitePath}, {"postgres", storetest.PostgresURL}} {
		b.Run(engine.name, func(b *testing.B) {
			st := storetest.OpenDSN(b, engine.dsn(b), store.Options{})
			fillArchive(b, st)
			for _, q := range queries {
				b.Run(q.name, func(b *testing.B) {
					ctx := context.Background()
					var total int
					for b.Loop() {
						var err error
						if _, total, err = st.Search(ctx, store.SearchQuery{Text: q.query}); err != nil {
							b.Fatal(err)
						}
					}
					b.ReportMetric(float64(total), "matches")
				})
			}
		})
	}
}

// fillArchive stores benchArchive articles of made-up words, drawn so that
// a few are common and most are rare, as in real text, with some real
// words planted at known rates.
func fillArchive(b *testing.B, st *store.Store) {
	b.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	syllables := []string{"a", "lo", "ma", "ri", "ten", "sa", "ku", "ber", "ni", "do", "pel", "sha", "vin", "ro", "te"}
	urduSyllables := []string{"کا", "ر", "بل", "من", "سو", "تی", "دا", "ہم", "پر", "نو", "جا", "گل", "وی", "زر", "قد"}
	vocabulary := func(parts []string, n int) []string {
		words := make([]string, n)
		for i := range words {
			var w strings.Builder
			for j := i; ; j /= len(parts) {
				w.WriteString(parts[j%len(parts)])
				if j < len(parts) {
					break
				}
			}
			words[i] = w.String()
		}
		return words
	}
	english, urdu := vocabulary(syllables, 5000), vocabulary(urduSyllables, 5000)
	text := func(words []string, n int) string {
		out := make([]string, n)
		for i := range out {
			r := rng.Float64()
			out[i] = words[int(float64(len(words))*r*r*r)] // skewed towards the first, common words
		}
		return strings.Join(out, " ")
	}
	category := storetest.Category(b, st)
	author := storetest.Author(b, st)
	start := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	articles := make([]*qalam.Article, benchArchive)
	for i := range articles {
		a := &qalam.Article{Slug: fmt.Sprintf("a-%d", i), Language: qalam.English, Label: qalam.News,
			CategoryID: category.ID, AuthorIDs: []int64{author.ID}, PublishedAt: start.Add(time.Duration(i) * time.Hour)}
		words := english
		if i%5 == 4 {
			a.Language, words = qalam.Urdu, urdu
		}
		a.Headline, a.Standfirst, a.Body = text(words, 8), text(words, 25), text(words, 400)
		switch {
		case i%1000 == 7:
			a.Body += " zeppelin"
		case i%10 == 3:
			a.Body += " the library opens"
			if i%30 == 3 {
				a.Headline += " library timetable"
			}
		case a.Language == qalam.Urdu && i%50 == 4:
			a.Body += " کتب خانہ کھل گیا"
		}
		a.BodyHTML = "<p>" + a.Body + "</p>"
		articles[i] = a
	}
	began := time.Now()
	if err := st.CreatePublishedQuickly(context.Background(), articles); err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: stored and indexed %d articles in %v", st.Dialect(), len(articles), time.Since(began).Round(time.Millisecond))
}
