package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/markup"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
	"github.com/qalamnews/qalam/internal/textfold"
)

// searchArticle stores a published article with the given text, its HTML
// rendered from the Markdown as the newsroom renders it.
func searchArticle(t testing.TB, st *store.Store, headline, body string, edit ...func(*qalam.Article)) *qalam.Article {
	t.Helper()
	return storetest.Article(t, st, append([]func(*qalam.Article){func(a *qalam.Article) {
		a.Headline, a.Standfirst, a.Body, a.BodyHTML = headline, "", body, markup.Article(body)
	}}, edit...)...)
}

// found lists the slugs Search returns for query, in order.
func found(t *testing.T, st *store.Store, query string) []string {
	t.Helper()
	results, total, err := st.Search(context.Background(), store.SearchQuery{Text: query, Limit: 50})
	if err != nil {
		t.Fatalf("Search(%q): %v", query, err)
	}
	if total != len(results) {
		t.Errorf("Search(%q) total = %d for %d results on one page", query, total, len(results))
	}
	slugs := []string{}
	for _, r := range results {
		slugs = append(slugs, r.Article.Slug)
	}
	return slugs
}

// marked renders pieces with their marks as [brackets].
func marked(pieces []textfold.Piece) string {
	var b strings.Builder
	for _, p := range pieces {
		if p.Mark {
			b.WriteString("[" + p.Text + "]")
		} else {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

func slug(s string) func(*qalam.Article) { return func(a *qalam.Article) { a.Slug = s } }

func TestStore_Search_English(t *testing.T) {
	forEachDialectAt(t, time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC), func(t *testing.T, st *store.Store, clock *storetest.Clock) {
		searchArticle(t, st, "Council debates the water budget", "The Qalampur library was mentioned once, at the end.", slug("body-only"))
		clock.Advance(time.Hour)
		searchArticle(t, st, "Qalampur library opens a reading room", "Sixty seats and free wifi for students.", slug("in-headline"))
		clock.Advance(time.Hour)
		searchArticle(t, st, "Bus timetable changes", "Route 7 buses leave every twenty minutes.", slug("buses"),
			func(a *qalam.Article) { a.Standfirst = "The new timetable starts on Monday." })
		clock.Advance(time.Hour)
		searchArticle(t, st, "Road works on Mall Road", "Expect delays near the old library.", slug("newer-body-only"))

		tests := []struct {
			name, query string
			want        []string
		}{
			{"ranks a headline match above body matches, ties newest first", "library", []string{"in-headline", "newer-body-only", "body-only"}},
			{"folds case", "LIBRARY", []string{"in-headline", "newer-body-only", "body-only"}},
			{"needs every word", "library seats", []string{"in-headline"}},
			{"matches the last word as a prefix", "timet", []string{"buses"}},
			{"matches a plural by its prefix", "route bus", []string{"buses"}},
			{"matches earlier words whole", "libr reading", nil},
			{"finds nothing for an absent word", "tramway", nil},
			{"finds nothing without words", `"*" - ( )`, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if got := found(t, st, tt.query); !slices.Equal(got, append([]string{}, tt.want...)) {
					t.Errorf("Search(%q) = %v, want %v", tt.query, got, tt.want)
				}
			})
		}
	})
}

// The Urdu articles are written as writers write: with and without
// diacritics, with Urdu letters or Arabic ones from an Arabic keyboard,
// with a non-joiner inside a compound and tatweel for emphasis.
func TestStore_Search_Urdu(t *testing.T) {
	forEachDialectAt(t, time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC), func(t *testing.T, st *store.Store, clock *storetest.Clock) {
		urdu := func(a *qalam.Article) { a.Language = qalam.Urdu }
		searchArticle(t, st, "قلم پور میں نئی بس سروس شروع",
			"شہر میں نئی بَس سَروس کا آغاز ہوا۔ مُسافِروں کے لیے کرایہ بیس روپے رکھا گیا ہے اور بسیں بس\u200cاڈے سے ہر بیس منٹ بعد چلیں گی۔",
			slug("bus-service"), urdu)
		clock.Advance(time.Hour)
		// Typed on an Arabic keyboard: ي for ی, ك for ک, ه for ہ and ھ.
		searchArticle(t, st, "كتب خانه كي نئي عمارت",
			"پبلك لائبريري اب صبح آٹھ بجے كهلے گي۔ یہ خبر قلم پور کے شہریوں کے لیے ہے۔",
			slug("arabic-keyboard"), urdu)
		clock.Advance(time.Hour)
		searchArticle(t, st, "مـــیلہ", "قلم پور کا سالانہ کتاب میلہ ۲۰۲۵ میں بھی ہوگا۔", slug("tatweel"), urdu)

		tests := []struct {
			name, query string
			want        []string
		}{
			{"finds a word written with diacritics by one without", "مسافروں", []string{"bus-service"}},
			{"finds it by the word with diacritics too", "مُسافِروں", []string{"bus-service"}},
			{"finds it with other diacritics than the text's", "مَسافَروں", []string{"bus-service"}},
			{"finds Urdu letters by Arabic ones", "كرايه", []string{"bus-service"}},
			{"finds Arabic letters by Urdu ones", "کتب خانہ کی نئی", []string{"arabic-keyboard"}},
			{"finds Arabic heh by do-chashmi he", "کھلے", []string{"arabic-keyboard"}},
			{"finds a compound by its parts", "بس اڈے", []string{"bus-service"}},
			{"finds a compound written without a space", "بساڈے", []string{"bus-service"}},
			{"ignores tatweel in the text", "میلہ", []string{"tatweel"}},
			{"ignores tatweel in the query", "کرایـــہ", []string{"bus-service"}},
			{"finds Urdu digits by ASCII ones", "2025", []string{"tatweel"}},
			{"matches the last Urdu word as a prefix", "پبلک لائبر", []string{"arabic-keyboard"}},
			{"finds nothing for an absent word", "ریل", nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if got := found(t, st, tt.query); !slices.Equal(got, append([]string{}, tt.want...)) {
					t.Errorf("Search(%q) = %v, want %v", tt.query, got, tt.want)
				}
			})
		}
	})
}

func TestStore_Search_Snippets(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		searchArticle(t, st, "Library hours",
			"Readers asked why \\<script> tags & **bold** claims about the library appeared.\n\n"+strings.Repeat("Filler words here. ", 30)+"The library closes at nine.",
			slug("markup"))
		searchArticle(t, st, "نئی بس سروس",
			"پہلا جملہ۔ "+strings.Repeat("یہ بھرتی کا جملہ ہے۔ ", 20)+"مُسافِروں نے نئی بَس کو پسند کیا۔",
			slug("urdu"), func(a *qalam.Article) { a.Language = qalam.Urdu })
		searchArticle(t, st, "Bus depot", "Nothing about it in the body.", slug("standfirst"),
			func(a *qalam.Article) { a.Standfirst = "A depot for the new buses opens in Qalampur." })

		tests := []struct {
			name, query, wantHeadline string
			wantIn, wantNotIn         []string
		}{
			{"marks the original text, entities and markup as text", "library", "[Library] hours",
				[]string{"why <script> tags & bold claims about the [library] appeared."}, []string{"**", "&amp;"}},
			{"marks Urdu words with their diacritics", "مسافروں بس", "نئی [بس] سروس",
				[]string{"[مُسافِروں] نے نئی [بَس] کو پسند کیا۔"}, []string{"پہلا جملہ"}},
			{"shows the standfirst where it matches", "depot buses", "Bus [depot]",
				[]string{"A [depot] for the new [buses] opens in Qalampur."}, []string{"Nothing about it"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				results, _, err := st.Search(ctx, store.SearchQuery{Text: tt.query})
				if err != nil {
					t.Fatal(err)
				}
				if len(results) != 1 {
					t.Fatalf("%d results, want 1", len(results))
				}
				r := results[0]
				if got := marked(r.Headline); got != tt.wantHeadline {
					t.Errorf("headline = %q, want %q", got, tt.wantHeadline)
				}
				snippet := marked(r.Snippet)
				for _, want := range tt.wantIn {
					if !strings.Contains(snippet, want) {
						t.Errorf("snippet %q does not contain %q", snippet, want)
					}
				}
				for _, notWant := range tt.wantNotIn {
					if strings.Contains(snippet, notWant) {
						t.Errorf("snippet %q contains %q", snippet, notWant)
					}
				}
				if r.Article.Body != "" || r.Article.BodyHTML != "" || len(r.Article.Authors) == 0 {
					t.Errorf("result article carries body %q, %d authors", r.Article.Body, len(r.Article.Authors))
				}
			})
		}
	})
}

func TestStore_Search_TagsAndAuthors(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		author := storetest.Author(t, st, func(a *qalam.Author) { a.Name = "Nasreen Baloch" })
		urduAuthor := storetest.Author(t, st, func(a *qalam.Author) { a.Name = "فرحانہ قریشی" })
		searchArticle(t, st, "Buses run late", "Passengers waited.", slug("tagged"),
			func(a *qalam.Article) {
				a.TagNames = []string{"Public Transport", "ٹرانسپورٹ"}
				a.AuthorIDs = []int64{author.ID}
			})
		searchArticle(t, st, "Park reopens", "Children played.", slug("by-urdu-author"),
			func(a *qalam.Article) { a.AuthorIDs = []int64{urduAuthor.ID} })
		tests := []struct {
			name, query string
			want        []string
		}{
			{"finds an article by its tag", "transport", []string{"tagged"}},
			{"finds an article by its Urdu tag", "ٹرانسپورٹ", []string{"tagged"}},
			{"finds an article by its author", "baloch", []string{"tagged"}},
			{"finds an article by its Urdu author", "قريشي", []string{"by-urdu-author"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if got := found(t, st, tt.query); !slices.Equal(got, tt.want) {
					t.Errorf("Search(%q) = %v, want %v", tt.query, got, tt.want)
				}
			})
		}
	})
}

// Only published articles are ever found, and the index follows every
// change that alters what an article's entry holds.
func TestStore_Search_IndexFollowsChanges(t *testing.T) {
	start := time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)
	forEachDialectAt(t, start, func(t *testing.T, st *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		check := func(t *testing.T, query string, want ...string) {
			t.Helper()
			if got := found(t, st, query); !slices.Equal(got, append([]string{}, want...)) {
				t.Errorf("Search(%q) = %v, want %v", query, got, want)
			}
		}
		t.Run("never finds a draft, a submitted or a scheduled article", func(t *testing.T) {
			for _, status := range []qalam.ArticleStatus{qalam.Draft, qalam.Submitted, qalam.Scheduled} {
				searchArticle(t, st, "Secret zeppelin plans", "Unpublished.", func(a *qalam.Article) {
					a.Status = status
					if status == qalam.Scheduled {
						a.ScheduledAt = start.Add(time.Hour)
					}
				})
			}
			check(t, "zeppelin")
		})
		t.Run("finds a scheduled article once it is published", func(t *testing.T) {
			clock.Advance(2 * time.Hour)
			if _, err := st.PublishDue(ctx); err != nil {
				t.Fatal(err)
			}
			if got := found(t, st, "zeppelin"); len(got) != 1 {
				t.Errorf("Search = %v, want the published article", got)
			}
		})

		a := searchArticle(t, st, "Ferry service resumes", "The ferry crosses the lake.", slug("ferry"),
			func(a *qalam.Article) { a.TagNames = []string{"Lakes"} })
		t.Run("finds an edit's new words, not its old ones", func(t *testing.T) {
			_, err := st.UpdateArticle(ctx, a.ID, store.ArticleUpdate{Headline: ptr("Hovercraft service resumes"),
				Body: ptr("The hovercraft crosses."), BodyHTML: ptr("<p>The hovercraft crosses.</p>")})
			if err != nil {
				t.Fatal(err)
			}
			check(t, "hovercraft", "ferry")
			check(t, "ferry")
		})
		t.Run("finds new tags, not removed ones", func(t *testing.T) {
			if _, err := st.UpdateArticle(ctx, a.ID, store.ArticleUpdate{TagNames: &[]string{"Boats"}}); err != nil {
				t.Fatal(err)
			}
			check(t, "boats", "ferry")
			check(t, "lakes")
		})
		t.Run("follows a renamed tag", func(t *testing.T) {
			tag, err := st.TagBySlug(ctx, "boats")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := st.RenameTag(ctx, tag.ID, "Vessels", "vessels"); err != nil {
				t.Fatal(err)
			}
			check(t, "vessels", "ferry")
			check(t, "boats")
		})
		t.Run("follows a merged tag", func(t *testing.T) {
			searchArticle(t, st, "Harbour dredged", "Mud removed.", slug("harbour"),
				func(a *qalam.Article) { a.TagNames = []string{"Waterways"} })
			from, err := st.TagBySlug(ctx, "vessels")
			if err != nil {
				t.Fatal(err)
			}
			to, err := st.TagBySlug(ctx, "waterways")
			if err != nil {
				t.Fatal(err)
			}
			if err := st.MergeTag(ctx, from.ID, to.ID); err != nil {
				t.Fatal(err)
			}
			check(t, "vessels")
			check(t, "waterways", "harbour", "ferry")
		})
		t.Run("forgets a deleted tag", func(t *testing.T) {
			tag, err := st.TagBySlug(ctx, "waterways")
			if err != nil {
				t.Fatal(err)
			}
			if err := st.DeleteTag(ctx, tag.ID); err != nil {
				t.Fatal(err)
			}
			check(t, "waterways")
		})
		t.Run("follows a renamed author", func(t *testing.T) {
			if _, err := st.UpdateAuthor(ctx, a.AuthorIDs[0], store.AuthorUpdate{Name: ptr("Zubair Khattak")}); err != nil {
				t.Fatal(err)
			}
			check(t, "khattak", "ferry")
		})
		t.Run("forgets an unpublished article and finds it republished", func(t *testing.T) {
			if _, err := st.UpdateArticle(ctx, a.ID, store.ArticleUpdate{Status: ptr(qalam.Unpublished)}); err != nil {
				t.Fatal(err)
			}
			check(t, "hovercraft")
			if _, err := st.UpdateArticle(ctx, a.ID, store.ArticleUpdate{Status: ptr(qalam.Published)}); err != nil {
				t.Fatal(err)
			}
			check(t, "hovercraft", "ferry")
		})
		t.Run("forgets a deleted article", func(t *testing.T) {
			if err := st.DeleteArticle(ctx, a.ID); err != nil {
				t.Fatal(err)
			}
			check(t, "hovercraft")
		})
	})
}

func TestStore_Search_Paging(t *testing.T) {
	forEachDialectAt(t, time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC), func(t *testing.T, st *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		var want []string // newest first: equal text ranks equal
		for i := range 25 {
			a := searchArticle(t, st, fmt.Sprintf("Timetable notice %d", i), "The timetable changes.")
			want = append([]string{a.Slug}, want...)
			clock.Advance(time.Minute)
		}
		searchArticle(t, st, "Unrelated", "Nothing to see.")
		var got []string
		for offset := 0; offset < 30; offset += 10 {
			results, total, err := st.Search(ctx, store.SearchQuery{Text: "timetable", Offset: offset, Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			if total != 25 {
				t.Errorf("offset %d: total = %d, want 25", offset, total)
			}
			if wantLen := min(10, 25-offset); len(results) != wantLen {
				t.Errorf("offset %d: %d results, want %d", offset, len(results), wantLen)
			}
			for _, r := range results {
				got = append(got, r.Article.Slug)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("pages = %v, want %v", got, want)
		}
		t.Run("past the last page is empty with the total", func(t *testing.T) {
			results, total, err := st.Search(ctx, store.SearchQuery{Text: "timetable", Offset: 40, Limit: 10})
			if err != nil || len(results) != 0 || total != 25 {
				t.Errorf("Search past the end = %d results, total %d, %v; want 0, 25, nil", len(results), total, err)
			}
		})
	})
}

func TestStore_Search_Limits(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		t.Run("refuses a query that is too long", func(t *testing.T) {
			_, _, err := st.Search(ctx, store.SearchQuery{Text: strings.Repeat("a", store.MaxSearchRunes+1)})
			wantKind(t, err, qalam.KindInvalid)
		})
		t.Run("refuses a query of too many words", func(t *testing.T) {
			words := make([]string, store.MaxSearchTerms+1)
			for i := range words {
				words[i] = fmt.Sprintf("w%d", i)
			}
			_, _, err := st.Search(ctx, store.SearchQuery{Text: strings.Join(words, " ")})
			wantKind(t, err, qalam.KindInvalid)
		})
		t.Run("accepts the longest query", func(t *testing.T) {
			if _, _, err := st.Search(ctx, store.SearchQuery{Text: strings.Repeat("ب", store.MaxSearchRunes)}); err != nil {
				t.Fatal(err)
			}
		})
	})
}

// A database from before search (or whose index was folded by older
// rules) is indexed by Migrate.
func TestStore_Migrate_IndexesForSearch(t *testing.T) {
	run(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		st, err := store.Open(ctx, dsn, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		names, err := store.MigrationNames(st.Dialect())
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range names[:slices.Index(names, "0013_search.sql")] {
			if err := st.MigrateOnly(ctx, name); err != nil {
				t.Fatal(err)
			}
		}
		now := st.TS(time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC))
		for _, q := range []string{
			`INSERT INTO categories (id, slug, name) VALUES (1, 'news', 'News')`,
			`INSERT INTO authors (id, slug, name, created_at) VALUES (1, 'sana', 'Sana', $1)`,
			`INSERT INTO articles (id, slug, language, label, status, headline, body, body_html, category_id, published_at, updated_at, edited_at, created_at)
			  VALUES (1, 'old', 'ur', 'news', 'published', 'پرانی خبر', 'کُتب خانہ', '<p>کُتب خانہ</p>', 1, $1, $1, $1, $1)`,
			`INSERT INTO articles (id, slug, language, label, status, headline, body, body_html, category_id, updated_at, edited_at, created_at)
			  VALUES (2, 'draft', 'ur', 'news', 'draft', 'مسودہ', 'کتب خانہ', '<p>کتب خانہ</p>', 1, $1, $1, $1)`,
			`INSERT INTO article_authors (article_id, author_id, position) VALUES (1, 1, 0), (2, 1, 0)`,
		} {
			var args []any
			if strings.Contains(q, "$1") {
				args = append(args, now)
			}
			if err := st.Exec(ctx, q, args...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		if err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if got := found(t, st, "کتب"); !slices.Equal(got, []string{"old"}) {
			t.Errorf("after migrating, Search = %v, want [old]", got)
		}

		t.Run("refolds entries made by other rules", func(t *testing.T) {
			// Text changed behind the index's back, as if indexed by an
			// older Qalam whose rules differed.
			for _, q := range []string{
				`UPDATE articles SET headline = 'نئی سرخی' WHERE id = 1`,
				`UPDATE search_documents SET version = 0`,
			} {
				if err := st.Exec(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			if err := st.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			if got := found(t, st, "سرخی"); !slices.Equal(got, []string{"old"}) {
				t.Errorf("Search = %v, want [old]", got)
			}
		})
	})
}

// FuzzStore_Search: nothing a reader types is query syntax to either
// engine; every query gives results or, past the limits, an invalid-input
// error, never a database error.
func FuzzStore_Search(f *testing.F) {
	st := storetest.Open(f)
	searchArticle(f, st, `Library "quotes" NEAR(the) * - and OR`, "Body with کتب خانہ.")
	for _, s := range []string{`"foo`, `NEAR(`, `*`, `-`, `foo"*`, `library OR x`, `headline:library`, `'`, `\`, `a:* & !b`,
		`"کتب`, "کتب\u200c", `^lib`, `{headline body}: x`, `NOT`, `x AND`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, query string) {
		_, _, err := st.Search(context.Background(), store.SearchQuery{Text: query})
		if err != nil && qalam.KindOf(err) != qalam.KindInvalid {
			t.Fatalf("Search(%q): %v", query, err)
		}
	})
}

func TestStore_Search_FindsImportedPosts(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		published := time.Date(2024, 2, 3, 7, 30, 0, 0, time.UTC)
		post := &store.WordPressPost{Kind: store.WPPost, WPID: 41, Article: &qalam.Article{
			Slug: "imported-ferry", Language: qalam.English, Label: qalam.News, Status: qalam.Published,
			Headline: "Ferry timetable changes", Body: "The first hovercraft leaves at 06:10.",
			BodyHTML: "<p>The first hovercraft leaves at 06:10.</p>", CategoryID: storetest.Category(t, st).ID,
			AuthorIDs: []int64{storetest.Author(t, st).ID}, CreatedAt: published, PublishedAt: published,
		}}
		if err := st.ImportWordPressPosts(context.Background(), "https://old.example.org", []*store.WordPressPost{post}); err != nil {
			t.Fatal(err)
		}
		if got := found(t, st, "hovercraft"); !slices.Equal(got, []string{"imported-ferry"}) {
			t.Errorf("Search = %v, want the imported post", got)
		}
	})
}

// An article of any length can be saved; the index holds the start of a
// body longer than any real article.
func TestStore_Search_VeryLongArticle(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		words := make([]string, 60_000)
		for i := range words {
			words[i] = fmt.Sprintf("w%d", i%7000)
		}
		words[0], words[len(words)-1] = "haystack", "needle"
		body := strings.Join(words, " ")
		searchArticle(t, st, "A long read", body, slug("long"))
		if got := found(t, st, "haystack"); !slices.Equal(got, []string{"long"}) {
			t.Errorf("Search(haystack) = %v, want [long]", got)
		}
		if got := found(t, st, "needle"); len(got) != 0 {
			t.Errorf("Search(needle) = %v, want nothing past the indexed words", got)
		}
	})
}
