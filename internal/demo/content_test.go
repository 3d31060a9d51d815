package demo

import (
	"strings"
	"testing"
	"time"
)

// The demo is seeded at any time of day; its dates must make sense at each.
func TestLoadAtAnyTime(t *testing.T) {
	base := time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)
	for m := 0; m < 24*60; m += 10 {
		now := base.Add(time.Duration(m) * time.Minute)
		arts, err := load(now)
		if err != nil {
			t.Fatalf("seeding at %v: %v", now, err)
		}
		for _, a := range arts {
			local := a.PublishedAt.In(newsroomZone)
			if h := local.Hour(); h < 7 || h > 21 {
				t.Errorf("%s published at %v on the newsroom's clock", a.Slug, local)
			}
		}
	}
}

func TestParseErrors(t *testing.T) {
	now := time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC)
	const head = "slug: x\nlanguage: en\nlabel: news\ncategory: local\nauthors: sana-mirza\ntags: A\npublished: 3d 10:00\nheadline: H\nstandfirst: S.\n"
	for name, src := range map[string]string{
		"no separator":     head + "Body.\n",
		"unknown key":      "colour: red\n" + head + "---\nBody.\n",
		"unknown author":   strings.Replace(head, "sana-mirza", "nobody", 1) + "---\nBody.\n",
		"unknown category": strings.Replace(head, "local", "sport", 1) + "---\nBody.\n",
		"future":           strings.Replace(head, "3d", "0d", 1) + "---\nBody.\n",
		"bad header":       head + "---\nBody.\n\n=== comments\n\n@ Name without email +1h\n  Hi.\n",
		"bad email":        head + "---\nBody.\n\n=== comments\n\n@ Name <not-an-email> +1h\n  Hi.\n",
		"empty body":       head + "---\nBody.\n\n=== comments\n\n@ Name <n@example.org> +1h\n@ Other <o@example.org> +2h\n  Hi.\n",
		"too deep":         head + "---\nBody.\n\n=== comments\n\n@ Name <n@example.org> +1h\n  Hi.\n    @ Other <o@example.org> +2h\n      Hi.\n",
		"reply to pending": head + "---\nBody.\n\n=== comments\n\n@ Name <n@example.org> +1h pending\n  Hi.\n  @ Other <o@example.org> +2h\n    Hi.\n",
		"after now":        head + "---\nBody.\n\n=== comments\n\n@ Name <n@example.org> +4d\n  Hi.\n",
	} {
		if _, err := parseArticle(src, now); err == nil {
			t.Errorf("%s: parsed without error", name)
		}
	}
	a, err := parseArticle(head+"---\nBody.\n\n=== comments\n\n@ Ann <a@example.org> https://example.net/ann +1h\n  Hi.\n\n  Second paragraph.\n  @ Bo <b@example.com> +30m spam\n    Buy.\n@ Cy <c@example.org> +2h\n  Yes.\n", now)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.comments) != 3 {
		t.Fatalf("%d comments, want 3", len(a.comments))
	}
	ann, bo, cy := a.comments[0], a.comments[1], a.comments[2]
	if ann.Body != "Hi.\n\nSecond paragraph." || ann.AuthorURL != "https://example.net/ann" || ann.parent != nil {
		t.Errorf("first comment: %+v", ann.Comment)
	}
	if bo.parent != ann || bo.Status != "spam" || !bo.CreatedAt.Equal(ann.CreatedAt.Add(30*time.Minute)) {
		t.Errorf("reply: parent %p, status %s, at %v", bo.parent, bo.Status, bo.CreatedAt)
	}
	if cy.parent != nil || !cy.CreatedAt.Equal(a.PublishedAt.Add(2*time.Hour)) {
		t.Errorf("third comment: parent %p, at %v", cy.parent, cy.CreatedAt)
	}
}
