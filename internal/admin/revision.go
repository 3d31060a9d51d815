package admin

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/markup"
	"github.com/qalamnews/qalam/internal/store"
)

// listRevisions lists the saved states of a published article, newest
// first, to pick two to compare or one to restore.
func (a *Admin) listRevisions(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, _ := userFrom(ctx)
	art := object[*qalam.Article](r)
	revs, err := a.store.FindRevisions(ctx, art.ID)
	if err != nil {
		return err
	}
	names, err := a.userNames(ctx)
	if err != nil {
		return err
	}
	own, err := a.owns(ctx, u, art)
	if err != nil {
		return err
	}
	page := revisionsPage{
		AdminPage:  a.page(r, "Revisions: "+art.Headline, "articles"),
		Article:    art,
		CanRestore: qalam.Can(u, qalam.ActRestoreRevision, qalam.Target{Own: own, Status: art.Status}),
	}
	for i, rev := range revs {
		page.Revisions = append(page.Revisions, revisionRow{Revision: rev, UserName: names[rev.UserID], To: i == 0, From: i == 1})
	}
	return a.view.Render(w, http.StatusOK, "admin/revisions", page)
}

// articleRevision loads a revision of the route's article: one of another
// article is not found, whatever its ID.
func (a *Admin) articleRevision(ctx context.Context, art *qalam.Article, raw string) (*qalam.Revision, error) {
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return nil, qalam.Errorf(qalam.KindNotFound, "There is no such revision.")
	}
	rev, err := a.store.Revision(ctx, id)
	if err != nil {
		return nil, err
	}
	if rev.ArticleID != art.ID {
		return nil, qalam.Errorf(qalam.KindNotFound, "There is no such revision of this article.")
	}
	return rev, nil
}

// diffRevisions compares two revisions field by field, word by word.
func (a *Admin) diffRevisions(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	art := object[*qalam.Article](r)
	q := r.URL.Query()
	from, err := a.articleRevision(ctx, art, q.Get("from"))
	if err != nil {
		return err
	}
	to, err := a.articleRevision(ctx, art, q.Get("to"))
	if err != nil {
		return err
	}
	// Older on the left, whichever order the radio buttons gave.
	if to.CreatedAt.Before(from.CreatedAt) || (to.CreatedAt.Equal(from.CreatedAt) && to.ID < from.ID) {
		from, to = to, from
	}
	page := diffPage{
		AdminPage: a.page(r, "Changes: "+art.Headline, "articles"),
		Article:   art,
		From:      from,
		To:        to,
	}
	for _, f := range []struct{ name, old, new string }{
		{"Headline", from.Headline, to.Headline},
		{"Standfirst", from.Standfirst, to.Standfirst},
		{"Editor's note", from.EditorNote, to.EditorNote},
		{"Body", from.Body, to.Body},
		{"Label", string(from.Label), string(to.Label)},
		{"SEO title", from.SEOTitle, to.SEOTitle},
		{"SEO description", from.SEODescription, to.SEODescription},
	} {
		page.Fields = append(page.Fields, fieldDiff{Name: f.name, Changed: f.old != f.new, Parts: wordDiff(f.old, f.new)})
	}
	return a.view.Render(w, http.StatusOK, "admin/diff", page)
}

// wordDiff compares two texts word by word with diff-match-patch: each
// word and each run of spaces becomes one symbol, the library diffs the
// symbols, and the result is spelled out again. Words suit prose (and
// Urdu, whose words are space-separated too) better than characters.
func wordDiff(old, new string) []diffPart {
	if old == new {
		if old == "" {
			return nil
		}
		return []diffPart{{Text: old}}
	}
	var words []string
	symbols := map[string]rune{}
	encode := func(s string) []rune {
		var out []rune
		for _, w := range splitWords(s) {
			r, ok := symbols[w]
			if !ok {
				r = symbolRune(len(words))
				symbols[w] = r
				words = append(words, w)
			}
			out = append(out, r)
		}
		return out
	}
	a, b := encode(old), encode(new)
	dmp := diffmatchpatch.New()
	diffs := dmp.DiffMainRunes(a, b, false)
	diffs = dmp.DiffCleanupSemantic(diffs)
	var parts []diffPart
	for _, d := range diffs {
		var text strings.Builder
		for _, r := range d.Text {
			text.WriteString(words[symbolIndex(r)])
		}
		op := ""
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			op = "ins"
		case diffmatchpatch.DiffDelete:
			op = "del"
		}
		if n := len(parts); n > 0 && parts[n-1].Op == op {
			parts[n-1].Text += text.String()
			continue
		}
		parts = append(parts, diffPart{Op: op, Text: text.String()})
	}
	return parts
}

// splitWords cuts s into words and the runs of white space between them,
// which together spell s.
func splitWords(s string) []string {
	var out []string
	start := 0
	space := false
	for i, r := range s {
		sp := unicode.IsSpace(r)
		if i > start && sp != space {
			out = append(out, s[start:i])
			start = i
		}
		space = sp
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// symbolRune is the rune standing for the i-th distinct word: any valid
// code point will do, so the surrogate range is skipped.
func symbolRune(i int) rune {
	r := rune(i + 1)
	if r >= 0xD800 {
		r += 0x800
	}
	return r
}

func symbolIndex(r rune) int {
	if r >= 0xD800 {
		r -= 0x800
	}
	return int(r) - 1
}

// restoreRevision puts a revision's text back as a normal save: on a
// published article it is a revision of its own, and readers are told.
func (a *Admin) restoreRevision(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, _ := userFrom(ctx)
	art := object[*qalam.Article](r)
	if err := parseSmallForm(w, r); err != nil {
		return err
	}
	rev, err := a.articleRevision(ctx, art, r.PathValue("rev"))
	if err != nil {
		return err
	}
	noteHTML := ""
	if strings.TrimSpace(rev.EditorNote) != "" {
		noteHTML = markup.Article(rev.EditorNote)
	}
	bodyHTML := markup.Article(rev.Body)
	up := store.ArticleUpdate{
		Headline: &rev.Headline, Standfirst: &rev.Standfirst,
		EditorNote: &rev.EditorNote, EditorNoteHTML: &noteHTML,
		Body: &rev.Body, BodyHTML: &bodyHTML,
		Label: &rev.Label, SEOTitle: &rev.SEOTitle, SEODescription: &rev.SEODescription,
		Revision: &store.RevisionInfo{UserID: u.ID, Note: "Restored revision of " + articleText{}.Stamp(rev.CreatedAt)},
	}
	if up.ExpectEditedAt, err = formEditedAt(r); err != nil {
		return err
	}
	if _, err := a.store.UpdateArticle(ctx, art.ID, up); err != nil {
		if errors.Is(err, qalam.ErrConflict) {
			return staleWorkflow(err)
		}
		return err
	}
	http.Redirect(w, r, articlePath(art.ID)+"?flash=revision-restored", http.StatusSeeOther)
	return nil
}
