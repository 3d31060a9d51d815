package jobs_test

import (
	"context"
	"net/mail"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/jobs"
	qmail "github.com/qalamnews/qalam/internal/mail"
	"github.com/qalamnews/qalam/internal/mail/mailtest"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
)

// mailWorld is a store and a real SMTP server, with mailers over them.
type mailWorld struct {
	st    *store.Store
	smtp  *mailtest.Server
	clock *storetest.Clock
}

func newMailWorld(t *testing.T, opts mailtest.Options) *mailWorld {
	t.Helper()
	clock := storetest.NewClock(time.Now().UTC().Truncate(time.Second))
	dsn := storetest.SQLitePath(t)
	if storetestPostgres() {
		dsn = storetest.PostgresURL(t)
	}
	return &mailWorld{st: storetest.OpenDSN(t, dsn, store.Options{Now: clock.Now}), smtp: mailtest.Start(t, opts), clock: clock}
}

// mailer is one node's worker.
func (w *mailWorld) mailer(t *testing.T) *jobs.Mailer {
	t.Helper()
	sender, err := qmail.NewSender(w.smtp.Config(mail.Address{Name: "Qalampur Times", Address: "news@qalampur.example"}))
	if err != nil {
		t.Fatal(err)
	}
	return jobs.NewMailer(w.st, sender, jobs.MailerOptions{
		SiteName: "Qalampur Times", BaseURL: "https://qalampur.example", Now: w.clock.Now,
	})
}

func (w *mailWorld) outbox(t *testing.T, f store.MailFilter) []*store.OutboxMessage {
	t.Helper()
	list, err := w.st.FindMail(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// storetestPostgres reports whether the tests run on PostgreSQL, as
// storetest.Open decides.
func storetestPostgres() bool { return os.Getenv(storetest.EnvPostgresURL) != "" }

var linkRE = regexp.MustCompile(`https://qalampur\.example/comments/(unsubscribe|privacy/link)/([A-Z0-9]+)`)

func TestMailer_ReplyNotification(t *testing.T) {
	w := newMailWorld(t, mailtest.Options{})
	ctx := context.Background()
	a := storetest.Article(t, w.st, func(a *qalam.Article) {
		a.Language = qalam.Urdu
		a.Headline = "کتب خانہ دوبارہ کھل گیا"
	})
	parent := storetest.Comment(t, w.st, a.ID, func(c *qalam.Comment) { c.AuthorName, c.AuthorEmail = "نادیہ", "nadia@example.org" })
	if err := w.st.SubscribeReplies(ctx, parent.ID); err != nil {
		t.Fatal(err)
	}
	held := storetest.Comment(t, w.st, a.ID, func(c *qalam.Comment) {
		c.ParentID, c.AuthorName, c.AuthorEmail, c.Status = parent.ID, "عمر صدیقی", "omar@example.org", qalam.Pending
		c.Body = "میں بھی کل وہاں گیا تھا۔"
	})
	m := w.mailer(t)

	t.Run("a held reply sends nothing", func(t *testing.T) {
		m.RunOnce(ctx)
		if got := w.smtp.Messages(); len(got) != 0 {
			t.Fatalf("%d messages sent for a held reply", len(got))
		}
	})
	if _, err := w.st.ModerateComments(ctx, []int64{held.ID}, qalam.Approved, 0, ""); err != nil {
		t.Fatal(err)
	}
	// Two nodes wake to the same change.
	var wg sync.WaitGroup
	for _, node := range []*jobs.Mailer{m, w.mailer(t)} {
		wg.Go(func() { node.RunOnce(ctx) })
	}
	wg.Wait()

	got := w.smtp.Wait(t, 1)
	t.Run("once approved, one email to the subscriber, in the article's language", func(t *testing.T) {
		if len(got) != 1 || got[0].To[0] != "nadia@example.org" {
			t.Fatalf("sent %d messages (first to %v), want one to the subscriber", len(got), got[0].To)
		}
		if subj := got[0].Header("Subject"); subj != "عمر صدیقی نے آپ کے تبصرے کا جواب دیا: کتب خانہ دوبارہ کھل گیا" {
			t.Errorf("Subject = %q", subj)
		}
		if !strings.Contains(got[0].Text(), "> میں بھی کل وہاں گیا تھا۔") || !strings.Contains(got[0].Text(), "/articles/"+a.Slug+"/comments/") {
			t.Errorf("body:\n%s", got[0].Text())
		}
		if sent := w.outbox(t, store.MailFilter{Kind: store.MailReply, Status: store.MailSent}); len(sent) != 1 {
			t.Errorf("outbox has %d sent, want 1", len(sent))
		}
	})
	t.Run("the unsubscribe link's token is stored only as a hash, and works", func(t *testing.T) {
		header := got[0].Msg.Header.Get("List-Unsubscribe")
		match := linkRE.FindStringSubmatch(header)
		if match == nil || match[1] != "unsubscribe" || got[0].Msg.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
			t.Fatalf("List-Unsubscribe = %q", header)
		}
		tok, err := w.st.MailToken(ctx, store.HashMailToken(match[2]), store.TokenUnsubscribe)
		if err != nil || tok.Email != "nadia@example.org" {
			t.Fatalf("token lookup = %+v, %v", tok, err)
		}
		if _, err := w.st.MailToken(ctx, []byte(match[2]), store.TokenUnsubscribe); qalam.KindOf(err) != qalam.KindNotFound {
			t.Errorf("the raw token is stored: %v", err)
		}
	})
	t.Run("nothing is sent twice", func(t *testing.T) {
		m.RunOnce(ctx)
		if n := len(w.smtp.Messages()); n != 1 {
			t.Errorf("%d messages after another run, want 1", n)
		}
	})
}

func TestMailer_ReplyRemovedBeforeSendingIsSkipped(t *testing.T) {
	w := newMailWorld(t, mailtest.Options{})
	ctx := context.Background()
	a := storetest.Article(t, w.st)
	parent := storetest.Comment(t, w.st, a.ID, func(c *qalam.Comment) { c.AuthorEmail = "nadia@example.org" })
	if err := w.st.SubscribeReplies(ctx, parent.ID); err != nil {
		t.Fatal(err)
	}
	reply := storetest.Comment(t, w.st, a.ID, func(c *qalam.Comment) { c.ParentID, c.AuthorEmail = parent.ID, "omar@example.org" })
	if n, err := w.st.QueueReplyNotices(ctx); err != nil || n != 1 {
		t.Fatalf("QueueReplyNotices = %d, %v", n, err)
	}
	// Reported and held between queueing and sending.
	if _, err := w.st.ModerateComments(ctx, []int64{reply.ID}, qalam.Spam, 0, ""); err != nil {
		t.Fatal(err)
	}
	w.mailer(t).RunOnce(ctx)
	if got := w.smtp.Messages(); len(got) != 0 {
		t.Errorf("sent %d messages about a reply that is no longer public", len(got))
	}
	skipped := w.outbox(t, store.MailFilter{Status: store.MailSkipped})
	if len(skipped) != 1 || skipped[0].LastError == "" {
		t.Errorf("outbox skipped = %+v", skipped)
	}
}

func TestMailer_RetriesThenRecordsFinalFailure(t *testing.T) {
	w := newMailWorld(t, mailtest.Options{})
	ctx := context.Background()
	mod := storetest.UserWithRole(t, w.st, qalam.RoleModerator)
	if err := w.st.SetModeratorAlerts(ctx, mod.ID, true); err != nil {
		t.Fatal(err)
	}
	a := storetest.Article(t, w.st)
	storetest.Comment(t, w.st, a.ID, func(c *qalam.Comment) { c.Status = qalam.Pending })
	m := w.mailer(t)

	t.Run("a temporary refusal is retried after a backoff, then sent", func(t *testing.T) {
		w.smtp.FailNext(mailtest.Temporary)
		m.RunOnce(ctx) // queues the alert, fails once
		msgs := w.outbox(t, store.MailFilter{Kind: store.MailModeration})
		if len(msgs) != 1 || msgs[0].Status != store.MailQueued || msgs[0].Attempts != 1 || !strings.Contains(msgs[0].LastError, "451") {
			t.Fatalf("after a 451: %+v", msgs)
		}
		m.RunOnce(ctx)
		if n := len(w.smtp.Messages()); n != 0 {
			t.Fatalf("retried before the backoff: %d sent", n)
		}
		w.clock.Advance(time.Minute)
		m.RunOnce(ctx)
		got := w.smtp.Wait(t, 1)
		if got[0].To[0] != mod.Email || got[0].Header("Subject") != "1 comment waits for moderation" {
			t.Errorf("sent to %v: %q", got[0].To, got[0].Header("Subject"))
		}
		if sent := w.outbox(t, store.MailFilter{Status: store.MailSent}); len(sent) != 1 || sent[0].Attempts != 2 {
			t.Errorf("outbox sent = %+v", sent)
		}
	})
	t.Run("a permanent refusal is recorded at once", func(t *testing.T) {
		if err := w.st.QueueMail(ctx, &store.OutboxMessage{Kind: store.MailModeration, Recipient: mod.Email, RefID: mod.ID}); err != nil {
			t.Fatal(err)
		}
		w.smtp.FailNext(mailtest.Permanent)
		m.RunOnce(ctx)
		failed := w.outbox(t, store.MailFilter{Status: store.MailFailed})
		if len(failed) != 1 || failed[0].Attempts != 1 || !strings.Contains(failed[0].LastError, "550") {
			t.Errorf("outbox failed = %+v", failed)
		}
	})
	t.Run("temporary refusals every time end in a recorded failure", func(t *testing.T) {
		if err := w.st.QueueMail(ctx, &store.OutboxMessage{Kind: store.MailModeration, Recipient: mod.Email, RefID: mod.ID}); err != nil {
			t.Fatal(err)
		}
		for range 6 {
			w.smtp.FailNext(mailtest.Temporary)
			m.RunOnce(ctx)
			w.clock.Advance(5 * time.Hour)
		}
		failed := w.outbox(t, store.MailFilter{Status: store.MailFailed})
		if len(failed) != 2 || failed[1].Attempts != 6 || !strings.Contains(failed[1].LastError, "451") {
			t.Errorf("outbox failed = %+v", failed)
		}
	})
}

func TestMailer_ModeratorAlertHoldsNoCommentText(t *testing.T) {
	w := newMailWorld(t, mailtest.Options{})
	ctx := context.Background()
	mod := storetest.UserWithRole(t, w.st, qalam.RoleModerator)
	if err := w.st.SetModeratorAlerts(ctx, mod.ID, true); err != nil {
		t.Fatal(err)
	}
	a := storetest.Article(t, w.st, func(a *qalam.Article) { a.Headline = "Qalampur council votes on the bridge" })
	storetest.Comment(t, w.st, a.ID, func(c *qalam.Comment) {
		c.Status, c.AuthorName, c.Body = qalam.Pending, "Troll", "Here is my neighbour's phone number: 0300 1234567"
	})
	w.mailer(t).RunOnce(ctx)
	got := w.smtp.Wait(t, 1)[0]
	body := got.Text()
	if !strings.Contains(body, a.Headline) || !strings.Contains(body, "https://qalampur.example/admin/comments") {
		t.Errorf("alert lacks the headline or the queue link:\n%s", body)
	}
	if strings.Contains(body, "0300") || strings.Contains(body, "Troll") {
		t.Errorf("alert quotes the held comment:\n%s", body)
	}
	if got.Msg.Header.Get("List-Unsubscribe") != "" {
		t.Error("a staff alert carries a list unsubscribe header")
	}
}

func TestMailer_DataLink(t *testing.T) {
	w := newMailWorld(t, mailtest.Options{})
	ctx := context.Background()
	a := storetest.Article(t, w.st)
	storetest.Comment(t, w.st, a.ID, func(c *qalam.Comment) { c.AuthorEmail = "Zara@Example.org" })
	for _, to := range []string{"zara@example.org", "nobody@example.org"} {
		if err := w.st.QueueMail(ctx, &store.OutboxMessage{Kind: store.MailDataLink, Recipient: to}); err != nil {
			t.Fatal(err)
		}
	}
	w.mailer(t).RunOnce(ctx)
	got := w.smtp.Wait(t, 1)
	if len(got) != 1 || got[0].To[0] != "zara@example.org" {
		t.Fatalf("sent %d, first to %v; want one, to the address with comments", len(got), got[0].To)
	}
	match := linkRE.FindStringSubmatch(got[0].Text())
	if match == nil || match[1] != "privacy/link" {
		t.Fatalf("no link in:\n%s", got[0].Text())
	}
	tok, err := w.st.MailToken(ctx, store.HashMailToken(match[2]), store.TokenDataLink)
	if err != nil || tok.Email != "zara@example.org" || tok.ExpiresAt.Sub(w.clock.Now()) != 24*time.Hour {
		t.Errorf("token = %+v, %v; want one for a day", tok, err)
	}
	// The address nobody commented with is not kept.
	if skipped := w.outbox(t, store.MailFilter{Status: store.MailSkipped}); len(skipped) != 1 || skipped[0].Recipient != "" {
		t.Errorf("skipped = %+v; want one, its address forgotten", skipped)
	}
}
