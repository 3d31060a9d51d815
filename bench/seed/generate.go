package main

import (
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/qalamnews/qalam"
)

// writer fills templates for one article (and its discussion): the place,
// the subject and the organisation stay the same throughout, so an article
// reads as being about one thing; names, numbers and dates vary.
type writer struct {
	r     *rand.Rand
	lang  qalam.Language
	fixed map[string]string
}

// newWriter is the writer of one article, seeded by its number so the
// output does not depend on which goroutine generates it.
func newWriter(seed uint64, stream uint64, lang qalam.Language) *writer {
	w := &writer{r: rand.New(rand.NewPCG(seed, stream)), lang: lang}
	places, things, orgs := enPlaces, enThings, enOrgs
	if lang == qalam.Urdu {
		places, things, orgs = urPlaces, urThings, urOrgs
	}
	p1, p2 := w.two(len(places))
	t1, t2 := w.two(len(things))
	w.fixed = map[string]string{
		"place": places[p1], "place2": places[p2],
		"thing": things[t1], "thing2": things[t2],
		"org":  orgs[w.r.IntN(len(orgs))],
		"slug": fmt.Sprintf("%d-%d", 2000+w.r.IntN(30), 1+w.r.IntN(999)),
	}
	return w
}

// two picks two different indexes below n (n >= 2).
func (w *writer) two(n int) (int, int) {
	a := w.r.IntN(n)
	b := (a + 1 + w.r.IntN(n-1)) % n
	return a, b
}

func (w *writer) pick(list []string) string { return list[w.r.IntN(len(list))] }

func (w *writer) chance(p float64) bool { return w.r.Float64() < p }

// name is an invented person's name in the writer's language.
func (w *writer) name() string {
	if w.lang == qalam.Urdu {
		return w.pick(urFirst) + " " + w.pick(urLast)
	}
	return w.pick(enFirst) + " " + w.pick(enLast)
}

// fill replaces every {key} in t; a capitalised key ({Place}) capitalises
// the value.
func (w *writer) fill(t string) string {
	var b strings.Builder
	b.Grow(len(t) + 32)
	for {
		i := strings.IndexByte(t, '{')
		if i < 0 {
			b.WriteString(t)
			return b.String()
		}
		j := strings.IndexByte(t[i:], '}')
		if j < 0 {
			b.WriteString(t)
			return b.String()
		}
		b.WriteString(t[:i])
		b.WriteString(w.value(t[i+1 : i+j]))
		t = t[i+j+1:]
	}
}

func (w *writer) value(key string) string {
	first, size := utf8.DecodeRuneInString(key)
	lower := string(unicode.ToLower(first)) + key[size:]
	v, ok := w.fixed[lower]
	if !ok {
		switch lower {
		case "name":
			v = w.name()
		case "role":
			v = w.pick(enRoles)
		case "when":
			if w.lang == qalam.Urdu {
				v = w.pick(urWhen)
			} else {
				v = w.pick(enWhen)
			}
		case "weekday":
			v = w.pick(enWeekdays)
		case "month":
			v = w.pick(enMonths)
		case "n":
			v = fmt.Sprint(2 + w.r.IntN(48))
		case "money":
			v = fmt.Sprintf("%d.%d million in public money", 1+w.r.IntN(40), w.r.IntN(10))
		default:
			v = "{" + key + "}"
		}
	}
	if unicode.IsUpper(first) {
		r, n := utf8.DecodeRuneInString(v)
		v = string(unicode.ToUpper(r)) + v[n:]
	}
	return v
}

// sentences is n sentences from list joined into one paragraph.
func (w *writer) sentences(list []string, n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = w.fill(w.pick(list))
	}
	return strings.Join(parts, " ")
}

// articleText is a headline, a standfirst and a Markdown body of a few
// paragraphs, sometimes with a subheading, a list or a link.
func (w *writer) articleText(paragraphs int) (headline, standfirst, body string) {
	headlines, standfirsts, sentences, subheads := enHeadlines, enStandfirsts, enSentences, enSubheads
	if w.lang == qalam.Urdu {
		headlines, standfirsts, sentences, subheads = urHeadlines, urStandfirsts, urSentences, urSubheads
	}
	headline = w.fill(w.pick(headlines))
	standfirst = w.fill(w.pick(standfirsts))
	var b strings.Builder
	subheadAt := -1
	if paragraphs > 2 && w.chance(0.5) {
		subheadAt = 2 + w.r.IntN(paragraphs-2)
	}
	for p := range paragraphs {
		if p == subheadAt {
			b.WriteString("## " + w.pick(subheads) + "\n\n")
		}
		b.WriteString(w.sentences(sentences, 2+w.r.IntN(3)))
		b.WriteString("\n\n")
		if p == 1 && w.lang == qalam.English && w.chance(0.3) {
			for range 3 {
				b.WriteString("- " + w.fill(w.pick(enListItems)) + "\n")
			}
			b.WriteString("\n")
		}
	}
	return headline, standfirst, strings.TrimSpace(b.String())
}

// tags is one to three tag names.
func (w *writer) tags() []string {
	list := enTags
	if w.lang == qalam.Urdu {
		list = urTags
	}
	n := 1 + w.r.IntN(3)
	seen := map[string]bool{}
	var out []string
	for range n {
		t := w.pick(list)
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// comment fills c's author and body: a reader's few sentences, sometimes
// in two paragraphs, replies sometimes opening by answering their parent.
func (w *writer) comment(c *qalam.Comment, reply bool) {
	name := w.name()
	c.AuthorName = name
	first := w.pick(enFirst)
	if w.lang == qalam.English {
		first, _, _ = strings.Cut(name, " ")
	}
	first = strings.ToLower(first)
	c.AuthorEmail = fmt.Sprintf("%s%d@%s", first, w.r.IntN(1000), w.pick(mailHosts))
	if w.chance(0.1) {
		c.AuthorURL = fmt.Sprintf("https://%s/~%s", w.pick(mailHosts), first)
	}
	list := enComments
	if w.lang == qalam.Urdu {
		list = urComments
	}
	body := w.sentences(list, 1+w.r.IntN(3))
	if reply && w.lang == qalam.English && w.chance(0.5) {
		body = w.pick(enReplyOpeners) + " " + body
	}
	if w.chance(0.15) {
		body += "\n\n" + w.sentences(list, 1+w.r.IntN(2))
	}
	c.Body = body
	var h [16]byte
	for i := range h {
		h[i] = byte(w.r.Uint32())
	}
	c.IPHash = hex.EncodeToString(h[:])
}

// status is approved for about 95% of comments, else pending or spam.
func (w *writer) status() qalam.CommentStatus {
	switch x := w.r.Float64(); {
	case x < 0.03:
		return qalam.Pending
	case x < 0.05:
		return qalam.Spam
	}
	return qalam.Approved
}
