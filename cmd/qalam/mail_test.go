package main

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/config"
	"github.com/qalamnews/qalam/internal/mail/mailtest"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
)

// TestMain_ReplyNotificationAndOneClickUnsubscribe runs the whole program
// against a real SMTP server in the test: a reader asks to be told of
// replies, a reply is approved in the queue, the email arrives at once
// (the change feed wakes the mail worker), and the mail program's
// one-click unsubscribe works through the whole middleware stack.
func TestMain_ReplyNotificationAndOneClickUnsubscribe(t *testing.T) {
	smtp := mailtest.Start(t, mailtest.Options{NoTLS: true})
	m := startMain(t, func(c *config.Config) {
		c.SMTPAddr, c.SMTPSecurity, c.MailFrom = smtp.Addr, "none", "news@qalampur.example"
		c.SiteName = "Qalampur Times"
	})
	ctx := context.Background()
	a := storetest.Article(t, m.store, func(a *qalam.Article) { a.Headline = "Qalampur bridge reopens" })

	// Forms carry a key without a time, so these instant posts are taken
	// (and held) rather than refused as too quick.
	post := func(form url.Values) {
		t.Helper()
		jar, _ := cookiejar.New(nil)
		client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		req, _ := http.NewRequest("POST", m.URL()+"/articles/"+a.Slug+"/comments", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", m.URL())
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("posting: status %d", resp.StatusCode)
		}
	}
	post(url.Values{"key": {"undated-key-parent"}, "name": {"نادیہ کریم"}, "email": {"nadia@example.org"},
		"comment": {"پل کب کھلے گا؟"}, "notify": {"yes"}})
	parent := latest(t, m, a.ID)
	if _, err := m.store.ModerateComments(ctx, []int64{parent.ID}, qalam.Approved, 0, ""); err != nil {
		t.Fatal(err)
	}
	post(url.Values{"key": {"undated-key-reply"}, "name": {"Omar Siddiqui"}, "email": {"omar@example.org"},
		"comment": {"It opened this morning."}, "parent_id": {strconv.FormatInt(parent.ID, 10)}})
	reply := latest(t, m, a.ID)
	if len(smtp.Messages()) != 0 {
		t.Fatal("mail was sent for a held reply")
	}
	if _, err := m.store.ModerateComments(ctx, []int64{reply.ID}, qalam.Approved, 0, ""); err != nil {
		t.Fatal(err)
	}

	got := smtp.Wait(t, 1)[0]
	if got.To[0] != "nadia@example.org" || !strings.Contains(got.Text(), "> It opened this morning.") {
		t.Fatalf("sent to %v:\n%s", got.To, got.Text())
	}
	from, err := got.Msg.Header.AddressList("From")
	if err != nil || from[0].Name != "Qalampur Times" || from[0].Address != "news@qalampur.example" {
		t.Errorf("From = %v, %v", from, err)
	}
	match := regexp.MustCompile(`<https?://[^/]+(/comments/unsubscribe/[A-Z0-9]+)>`).FindStringSubmatch(got.Msg.Header.Get("List-Unsubscribe"))
	if match == nil {
		t.Fatalf("List-Unsubscribe = %q", got.Msg.Header.Get("List-Unsubscribe"))
	}

	// What a mail provider's server sends: no Origin, no cookies.
	resp, err := http.Post(m.URL()+match[1], "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("one-click unsubscribe: status %d", resp.StatusCode)
	}
	if _, err := m.store.ReplySubscriber(ctx, parent.ID); qalam.KindOf(err) != qalam.KindNotFound {
		t.Errorf("still subscribed after one-click unsubscribe: %v", err)
	}
}

func latest(t *testing.T, m *Main, articleID int64) *qalam.Comment {
	t.Helper()
	list, err := m.store.FindComments(context.Background(), store.CommentFilter{ArticleID: articleID})
	if err != nil || len(list) == 0 {
		t.Fatalf("comments: %v, %v", list, err)
	}
	return list[len(list)-1]
}
