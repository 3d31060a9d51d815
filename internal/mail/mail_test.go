package mail_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"mime"
	"mime/quotedprintable"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/mail"
	"github.com/qalamnews/qalam/internal/mail/mailtest"
)

var (
	from = netmail.Address{Name: "قلم پور ٹائمز", Address: "news@qalampur.example"}
	when = time.Date(2026, 5, 2, 8, 30, 0, 0, time.FixedZone("PKT", 5*3600))
)

func parse(t *testing.T, raw []byte) (*netmail.Message, string) {
	t.Helper()
	for i, line := range bytes.Split(raw, []byte("\r\n")) {
		if len(line) > 998 {
			t.Errorf("line %d is %d bytes long, over the 998 RFC 5322 allows", i, len(line))
		}
		if bytes.IndexByte(line, '\n') >= 0 {
			t.Errorf("line %d holds a bare line feed", i)
		}
	}
	m, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("message does not parse: %v\n%s", err, raw)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(m.Body))
	if err != nil {
		t.Fatalf("body is not quoted-printable: %v", err)
	}
	return m, strings.ReplaceAll(string(body), "\r\n", "\n")
}

func decoded(t *testing.T, m *netmail.Message, name string) string {
	t.Helper()
	v, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get(name))
	if err != nil {
		t.Fatalf("%s does not decode: %v", name, err)
	}
	return v
}

func TestRender(t *testing.T) {
	subject := "نادیہ کریم نے آپ کے تبصرے کا جواب دیا: قلم پور کی نئی سڑک کب بنے گی؟ شہر کے لوگ پوچھتے ہیں"
	body := "پہلی سطر\nSecond line with a very long sentence that goes past seventy-six characters, which quoted-printable must wrap.\n"
	raw, err := mail.Render(from, mail.Message{To: "reader@example.org", Subject: subject, Body: body,
		Unsubscribe: "https://qalampur.example/comments/unsubscribe/abc"}, when)
	if err != nil {
		t.Fatal(err)
	}
	m, text := parse(t, raw)

	tests := []struct {
		name, got, want string
	}{
		{"subject decodes to the Urdu text", decoded(t, m, "Subject"), subject},
		{"sender's Urdu name decodes", func() string { a, _ := m.Header.AddressList("From"); return a[0].Name }(), from.Name},
		{"body keeps the Urdu text", text, body},
		{"content type", m.Header.Get("Content-Type"), "text/plain; charset=utf-8"},
		{"transfer encoding", m.Header.Get("Content-Transfer-Encoding"), "quoted-printable"},
		{"MIME version", m.Header.Get("MIME-Version"), "1.0"},
		{"one-click unsubscribe link", m.Header.Get("List-Unsubscribe"), "<https://qalampur.example/comments/unsubscribe/abc>"},
		{"one-click unsubscribe post", m.Header.Get("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click"},
		{"no auto-replies", m.Header.Get("Auto-Submitted"), "auto-generated"},
		{"recipient", m.Header.Get("To"), "<reader@example.org>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
	t.Run("date parses to the time given", func(t *testing.T) {
		d, err := m.Header.Date()
		if err != nil || !d.Equal(when) {
			t.Errorf("Date = %v, %v; want %v", d, err, when)
		}
	})
	t.Run("message ID is in the sender's domain", func(t *testing.T) {
		id := m.Header.Get("Message-ID")
		if !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@qalampur.example>") || len(id) < 20 {
			t.Errorf("Message-ID = %q", id)
		}
		raw2, _ := mail.Render(from, mail.Message{To: "reader@example.org", Subject: "x", Body: "y"}, when)
		m2, _ := parse(t, raw2)
		if m2.Header.Get("Message-ID") == id {
			t.Error("two messages share a Message-ID")
		}
	})
	t.Run("the long subject is folded", func(t *testing.T) {
		head, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
		for line := range strings.SplitSeq(string(head), "\r\n") {
			if len(line) > 78 {
				t.Errorf("header line of %d characters: %q", len(line), line)
			}
		}
	})
	t.Run("without an unsubscribe link, no list headers", func(t *testing.T) {
		raw, _ := mail.Render(from, mail.Message{To: "staff@example.org", Subject: "3 comments wait", Body: "x"}, when)
		m, _ := parse(t, raw)
		if m.Header.Get("List-Unsubscribe") != "" || m.Header.Get("List-Unsubscribe-Post") != "" {
			t.Error("list headers on a message without an unsubscribe link")
		}
	})
}

func TestRender_NoHeaderInjection(t *testing.T) {
	raw, err := mail.Render(netmail.Address{Name: "Site\r\nBcc: victim@example.org", Address: "news@qalampur.example"},
		mail.Message{To: "reader@example.org", Subject: "Hello\r\nBcc: victim@example.org\nX-Evil: 1", Body: "b"}, when)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := parse(t, raw)
	if m.Header.Get("Bcc") != "" || m.Header.Get("X-Evil") != "" {
		t.Errorf("a line break in a value made a header: %q", raw)
	}
	if got := decoded(t, m, "Subject"); got != "Hello Bcc: victim@example.org X-Evil: 1" {
		t.Errorf("Subject = %q", got)
	}
}

func TestRender_Refuses(t *testing.T) {
	tests := []struct {
		name string
		msg  mail.Message
	}{
		{"a recipient with a display name", mail.Message{To: "Reader <reader@example.org>"}},
		{"two recipients", mail.Message{To: "a@example.org, b@example.org"}},
		{"an unsubscribe link that is not a web address", mail.Message{To: "a@example.org", Unsubscribe: "javascript:alert(1)"}},
		{"a body that is not UTF-8", mail.Message{To: "a@example.org", Body: "\xff\xfe"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := mail.Render(from, tt.msg, when); err == nil {
				t.Error("rendered")
			}
		})
	}
}

func TestSender_DeliversOverSTARTTLSWithAuth(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	s, err := mail.NewSender(srv.Config(from))
	if err != nil {
		t.Fatal(err)
	}
	n := mail.ReplyNotice{
		SiteName: "Qalampur Times", Language: qalam.Urdu, ArticleHeadline: "کتب خانہ دوبارہ کھل گیا",
		ReplyAuthor: "عمر صدیقی", ReplyText: "میں بھی کل وہاں گیا تھا۔\nبہت اچھا لگا۔",
		ReplyLink: "https://qalampur.example/articles/kutub-khana#comment-9", Unsubscribe: "https://qalampur.example/comments/unsubscribe/tok",
	}
	if err := s.Send(context.Background(), n.Message("nadia@example.org")); err != nil {
		t.Fatal(err)
	}
	got := srv.Wait(t, 1)[0]
	if !got.TLS || srv.Authenticated() != 1 {
		t.Errorf("TLS %v, signed in %d times; want encrypted and signed in", got.TLS, srv.Authenticated())
	}
	if got.From != from.Address || len(got.To) != 1 || got.To[0] != "nadia@example.org" {
		t.Errorf("envelope from %q to %v", got.From, got.To)
	}
	if subj := got.Header("Subject"); subj != "عمر صدیقی نے آپ کے تبصرے کا جواب دیا: کتب خانہ دوبارہ کھل گیا" {
		t.Errorf("Subject = %q", subj)
	}
	for _, want := range []string{"> میں بھی کل وہاں گیا تھا۔\n> بہت اچھا لگا۔", n.ReplyLink, n.Unsubscribe} {
		if !strings.Contains(got.Text(), want) {
			t.Errorf("body lacks %q:\n%s", want, got.Text())
		}
	}
	if got.Msg.Header.Get("List-Unsubscribe") != "<"+n.Unsubscribe+">" {
		t.Errorf("List-Unsubscribe = %q", got.Msg.Header.Get("List-Unsubscribe"))
	}
}

func TestSender_Failures(t *testing.T) {
	ctx := context.Background()
	msg := mail.Message{To: "reader@example.org", Subject: "s", Body: "b"}
	tests := []struct {
		name      string
		setup     func(t *testing.T) mail.Config
		permanent bool
	}{
		{"a 4xx answer may pass", func(t *testing.T) mail.Config {
			srv := mailtest.Start(t, mailtest.Options{})
			srv.FailNext(mailtest.Temporary)
			return srv.Config(from)
		}, false},
		{"a 5xx answer is permanent", func(t *testing.T) mail.Config {
			srv := mailtest.Start(t, mailtest.Options{})
			srv.FailNext(mailtest.Permanent)
			return srv.Config(from)
		}, true},
		{"a server without STARTTLS is refused", func(t *testing.T) mail.Config {
			cfg := mailtest.Start(t, mailtest.Options{NoTLS: true}).Config(from)
			cfg.Security = mail.StartTLS
			return cfg
		}, true},
		{"a wrong password is refused", func(t *testing.T) mail.Config {
			cfg := mailtest.Start(t, mailtest.Options{}).Config(from)
			cfg.Password = "wrong"
			return cfg
		}, true},
		{"an untrusted certificate is refused", func(t *testing.T) mail.Config {
			cfg := mailtest.Start(t, mailtest.Options{}).Config(from)
			cfg.TLS = &tls.Config{RootCAs: x509.NewCertPool()}
			return cfg
		}, false},
		{"no server", func(t *testing.T) mail.Config {
			return mail.Config{Addr: "127.0.0.1:1", From: from, Security: mail.NoTLS, Timeout: time.Second}
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := mail.NewSender(tt.setup(t))
			if err != nil {
				t.Fatal(err)
			}
			err = s.Send(ctx, msg)
			if err == nil {
				t.Fatal("sent")
			}
			if got := mail.IsPermanent(err); got != tt.permanent {
				t.Errorf("permanent = %v, want %v (%v)", got, tt.permanent, err)
			}
		})
	}
}

func TestSender_PlainRelay(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{NoTLS: true})
	cfg := srv.Config(from)
	cfg.User, cfg.Password = "", ""
	s, err := mail.NewSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(context.Background(), mail.Message{To: "reader@example.org", Subject: "s", Body: "b"}); err != nil {
		t.Fatal(err)
	}
	if got := srv.Wait(t, 1)[0]; got.TLS {
		t.Error("relay session was encrypted; want plain")
	}
}

func TestNotices_HoldNoCommentTextForModerators(t *testing.T) {
	a := mail.ModerationAlert{SiteName: "Qalampur Times", Waiting: 3,
		Articles:  []mail.WaitingArticle{{Headline: "Council votes on the bridge", Waiting: 2}, {Headline: "کتب خانہ", Waiting: 1}},
		QueueLink: "https://qalampur.example/admin/comments", Settings: "https://qalampur.example/admin/account"}
	m := a.Message("mod@example.org")
	if m.Subject != "3 comments wait for moderation" || m.Unsubscribe != "" {
		t.Errorf("message = %+v", m)
	}
	for _, want := range []string{"Council votes on the bridge", "کتب خانہ", a.QueueLink, a.Settings} {
		if !strings.Contains(m.Body, want) {
			t.Errorf("body lacks %q", want)
		}
	}
}

func TestNotices_QuoteIsCut(t *testing.T) {
	n := mail.ReplyNotice{ReplyText: strings.Repeat("ب", 3000)}
	body := n.Message("a@example.org").Body
	if got := strings.Count(body, "ب"); got != 1000 {
		t.Errorf("quoted %d characters, want 1000", got)
	}
}
