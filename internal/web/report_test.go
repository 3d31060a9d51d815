package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/server"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
	"github.com/qalamnews/qalam/internal/view"
)

// reportSite is a running public site, behind a trusted proxy so that each
// test request can come from an address of its choosing, with its change
// feed wired as the program wires it.
type reportSite struct {
	t   *testing.T
	st  *store.Store
	srv *httptest.Server
}

func newReportSite(t *testing.T) *reportSite {
	t.Helper()
	st := storetest.Open(t)
	engine, err := view.New(view.Options{})
	if err != nil {
		t.Fatal(err)
	}
	site := New(st, engine, Options{
		SiteName:       "The Test Gazette",
		BaseURL:        "http://gazette.test",
		Secret:         []byte("0123456789abcdef0123456789abcdef"),
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")},
	})
	live := make(chan struct{})
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		var once bool
		st.WatchChanges(ctx, func(c store.Change) {
			if c.All {
				site.SetCacheLive(true)
				if !once {
					once = true
					close(live)
				}
				return
			}
			site.Invalidate(c)
		})
	}()
	t.Cleanup(func() { stop(); <-done })
	select {
	case <-live:
	case <-time.After(10 * time.Second):
		t.Fatal("change feed never connected")
	}
	srv := httptest.NewServer(server.Wrap(site.Routes(), nil, server.Options{}))
	t.Cleanup(srv.Close)
	return &reportSite{t: t, st: st, srv: srv}
}

type reportAnswer struct {
	status int
	header http.Header
	body   string
}

// do sends a request from the reader at addr.
func (rs *reportSite) do(method, path, addr string, form url.Values) reportAnswer {
	rs.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, rs.srv.URL+path, body)
	if err != nil {
		rs.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", rs.srv.URL)
	}
	req.Header.Set("X-Forwarded-For", addr)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		rs.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		rs.t.Fatal(err)
	}
	return reportAnswer{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

func (rs *reportSite) comment(a *qalam.Article, status qalam.CommentStatus) *qalam.Comment {
	rs.t.Helper()
	return storetest.Comment(rs.t, rs.st, a.ID, func(c *qalam.Comment) {
		c.Status = status
		c.Body = "Reported text " + strconv.FormatInt(time.Now().UnixNano(), 36)
		c.BodyHTML = "<p>" + c.Body + "</p>"
	})
}

func reportPath(a *qalam.Article, c *qalam.Comment) string {
	return view.ArticlePath(a.Slug) + "/comments/" + strconv.FormatInt(c.ID, 10) + "/report"
}

func reportForm(reason, note string) url.Values {
	return url.Values{"reason": {reason}, "note": {note}}
}

func (rs *reportSite) status(id int64) qalam.CommentStatus {
	rs.t.Helper()
	list, err := rs.st.FindComments(context.Background(), store.CommentFilter{IDs: []int64{id}})
	if err != nil || len(list) != 1 {
		rs.t.Fatalf("comment %d: %v, %v", id, list, err)
	}
	return list[0].Status
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestReport_ThreeReadersHoldAComment(t *testing.T) {
	rs := newReportSite(t)
	a := storetest.Article(t, rs.st)
	c := rs.comment(a, qalam.Approved)
	path := view.ArticlePath(a.Slug)

	page := rs.do("GET", path, "203.0.113.1", nil)
	if !strings.Contains(page.body, c.Body) {
		t.Fatal("the approved comment is not on the page")
	}
	if !strings.Contains(page.body, `href="`+reportPath(a, c)+`" rel="nofollow"`) {
		t.Error("the comment has no Report link")
	}
	form := rs.do("GET", reportPath(a, c), "203.0.113.1", nil)
	if form.status != http.StatusOK || !strings.Contains(form.body, `name="reason"`) || !strings.Contains(form.body, "noindex") {
		t.Fatalf("report form: %d, want 200 with the form, noindex", form.status)
	}
	for _, reason := range store.ReportReasons {
		if !strings.Contains(form.body, `value="`+reason+`"`) {
			t.Errorf("the form does not offer %q", reason)
		}
	}

	for i, addr := range []string{"203.0.113.1", "203.0.113.2", "203.0.113.3"} {
		got := rs.do("POST", reportPath(a, c), addr, reportForm("abuse", "Name-calling."))
		if got.status != http.StatusOK || !strings.Contains(got.body, "Thank you for your report") || !strings.Contains(got.body, "noindex") {
			t.Fatalf("report %d: %d, want the thank-you page", i, got.status)
		}
		for _, leak := range []string{"1 report", "2 report", "3 report", "held"} {
			if strings.Contains(got.body, leak) {
				t.Errorf("the thank-you page says %q", leak)
			}
		}
		if i < 2 && rs.status(c.ID) != qalam.Approved {
			t.Fatalf("held after %d reports", i+1)
		}
	}
	if st := rs.status(c.ID); st != qalam.Pending {
		t.Fatalf("status after three reports = %s, want pending", st)
	}
	waitUntil(t, "the held comment to leave the page", func() bool {
		return !strings.Contains(rs.do("GET", path, "198.51.100.9", nil).body, c.Body)
	})
	entries, _, err := rs.st.FindAudit(context.Background(), store.AuditFilter{Action: "comment.auto_held"})
	if err != nil || len(entries) != 1 || entries[0].TargetID != c.ID {
		t.Errorf("audit = %v, %v; want one auto_held entry for %d", entries, err, c.ID)
	}
	// The held comment can no longer be reported.
	if got := rs.do("GET", reportPath(a, c), "203.0.113.4", nil); got.status != http.StatusNotFound {
		t.Errorf("report form of a held comment: %d, want 404", got.status)
	}
}

func TestReport_OneAddressCountsOnce(t *testing.T) {
	rs := newReportSite(t)
	a := storetest.Article(t, rs.st)
	c := rs.comment(a, qalam.Approved)
	for range 2 {
		if got := rs.do("POST", reportPath(a, c), "203.0.113.7", reportForm("spam", "")); got.status != http.StatusOK {
			t.Fatalf("report: %d", got.status)
		}
	}
	if got := rs.do("POST", reportPath(a, c), "203.0.113.8", reportForm("spam", "")); got.status != http.StatusOK {
		t.Fatalf("report: %d", got.status)
	}
	if st := rs.status(c.ID); st != qalam.Approved {
		t.Errorf("status = %s after reports from two addresses, want approved", st)
	}
	counts, err := rs.st.ReportCounts(context.Background(), []int64{c.ID})
	if err != nil || counts[c.ID]["spam"] != 2 {
		t.Errorf("counts = %v, %v; want 2 spam", counts, err)
	}
}

func TestReport_InvalidReasonKeepsTheNote(t *testing.T) {
	rs := newReportSite(t)
	a := storetest.Article(t, rs.st)
	c := rs.comment(a, qalam.Approved)
	got := rs.do("POST", reportPath(a, c), "203.0.113.9", reportForm("boring", "It names my neighbour & his address."))
	if got.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad reason: %d, want 422", got.status)
	}
	if !strings.Contains(got.body, "It names my neighbour &amp; his address.") {
		t.Error("the note was not kept")
	}
	if !strings.Contains(got.body, "Choose a reason.") {
		t.Error("no message on the reason")
	}
	got = rs.do("POST", reportPath(a, c), "203.0.113.9", reportForm("other", strings.Repeat("x", 501)))
	if got.status != http.StatusUnprocessableEntity || !strings.Contains(got.body, `value="other" required checked`) {
		t.Errorf("long note: %d, want 422 with the reason kept", got.status)
	}
	counts, err := rs.st.ReportCounts(context.Background(), []int64{c.ID})
	if err != nil || len(counts) != 0 {
		t.Errorf("counts = %v, %v; want none stored", counts, err)
	}
}

func TestReport_RateLimited(t *testing.T) {
	rs := newReportSite(t)
	a := storetest.Article(t, rs.st)
	var last reportAnswer
	for i := range reportsPerHour + 1 {
		c := rs.comment(a, qalam.Approved)
		last = rs.do("POST", reportPath(a, c), "203.0.113.20", reportForm("spam", ""))
		if i < reportsPerHour && last.status != http.StatusOK {
			t.Fatalf("report %d: %d, want 200", i, last.status)
		}
	}
	if last.status != http.StatusTooManyRequests || last.header.Get("Retry-After") == "" {
		t.Errorf("report %d: %d, want 429 with Retry-After", reportsPerHour+1, last.status)
	}
	// Another address is not limited.
	c := rs.comment(a, qalam.Approved)
	if got := rs.do("POST", reportPath(a, c), "203.0.113.21", reportForm("spam", "")); got.status != http.StatusOK {
		t.Errorf("another address: %d, want 200", got.status)
	}
}

func TestReport_OnlyApprovedCommentsOfPublishedArticles(t *testing.T) {
	rs := newReportSite(t)
	a := storetest.Article(t, rs.st)
	other := storetest.Article(t, rs.st)
	draft := storetest.Article(t, rs.st, func(a *qalam.Article) { a.Status = qalam.Draft })
	pending := rs.comment(a, qalam.Pending)
	elsewhere := rs.comment(other, qalam.Approved)
	for name, path := range map[string]string{
		"pending":           reportPath(a, pending),
		"another article's": reportPath(a, elsewhere),
		"on a draft":        reportPath(draft, elsewhere),
		"no such comment":   view.ArticlePath(a.Slug) + "/comments/999999/report",
		"not a number":      view.ArticlePath(a.Slug) + "/comments/x/report",
	} {
		if got := rs.do("GET", path, "203.0.113.30", nil); got.status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", name, got.status)
		}
		if got := rs.do("POST", path, "203.0.113.30", reportForm("spam", "")); got.status != http.StatusNotFound {
			t.Errorf("POST %s: %d, want 404", name, got.status)
		}
	}
	counts, err := rs.st.ReportCounts(context.Background(), []int64{pending.ID, elsewhere.ID})
	if err != nil || len(counts) != 0 {
		t.Errorf("counts = %v, %v; want none", counts, err)
	}
}
