package admin

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
)

func TestModeration_ReportedTab(t *testing.T) {
	f := modFixture(t)
	ctx := context.Background()
	art := f.article(t, "", qalam.Published)
	reported := modComment(t, f, art, qalam.Approved, func(c *qalam.Comment) { c.Body, c.BodyHTML = "Reported one", "<p>Reported one</p>" })
	modComment(t, f, art, qalam.Approved, func(c *qalam.Comment) { c.Body, c.BodyHTML = "Quiet one", "<p>Quiet one</p>" })
	for _, r := range []*store.CommentReport{
		{CommentID: reported.ID, Reason: "spam", ReporterHash: "a"},
		{CommentID: reported.ID, Reason: "spam", ReporterHash: "b"},
		{CommentID: reported.ID, Reason: "hate", ReporterHash: "c"},
	} {
		if _, err := f.st.ReportComment(ctx, r, 5); err != nil {
			t.Fatal(err)
		}
	}
	client := f.client(t, qalam.RoleModerator)

	doc := f.wantPage(t, f.get(t, client, "/admin/comments?status=reported"), http.StatusOK)
	rows := modRows(doc)
	if len(rows) != 1 || fxAttr(rows[0], "id") != reported.Anchor() {
		t.Fatalf("%d rows, want the reported comment alone", len(rows))
	}
	if got := fxByClass(rows[0], "mod-reports"); len(got) != 1 || !strings.Contains(fxText(got[0]), "spam 2, hate 1") {
		t.Errorf("the row does not show the reports by reason")
	}
	var tab string
	for _, a := range fxFind(doc, func(n *html.Node) bool { return n.Data == "a" && fxAttr(n, "aria-current") == "page" }) {
		tab = fxText(a)
	}
	if tab != "Reported (1)" {
		t.Errorf("current tab = %q, want Reported (1)", tab)
	}
	// Other tabs show no report counts.
	if doc := f.wantPage(t, f.get(t, client, "/admin/comments?status=approved"), http.StatusOK); len(fxByClass(doc, "mod-reports")) != 0 {
		t.Error("the approved tab shows reports")
	}
}
