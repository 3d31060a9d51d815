// Package mail sends Qalam's email: plain-text UTF-8 messages, built to RFC
// 5322 and handed to an SMTP server with the standard library's net/smtp,
// and the wording of each message Qalam sends (reply notifications,
// moderators' alerts, a reader's link to their comments).
package mail

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Message is one plain-text email to one recipient.
type Message struct {
	To      string // a bare address
	Subject string // any language; encoded as RFC 2047 words when not ASCII
	Body    string // plain text, any language; lines end in \n
	// Unsubscribe is an https URL that stops messages of this kind. When
	// set, the message carries List-Unsubscribe with it and
	// List-Unsubscribe-Post: List-Unsubscribe=One-Click (RFC 8058), so
	// mail programs offer a one-click unsubscribe that POSTs to it.
	Unsubscribe string
}

// maxLine is the length a header line is folded at when it can be.
const maxLine = 76

// Render writes msg as an RFC 5322 message from from, dated now: UTF-8
// subject as encoded words, a quoted-printable text/plain UTF-8 body, a
// Message-ID in from's domain, and the headers that keep auto-responders
// quiet. Header values are stripped of line breaks, so nothing a reader
// typed can add a header.
func Render(from mail.Address, msg Message, now time.Time) ([]byte, error) {
	to, err := mail.ParseAddress(msg.To)
	if err != nil || to.Name != "" {
		return nil, fmt.Errorf("mail: recipient %q is not a bare address", msg.To)
	}
	if from.Address == "" {
		return nil, errors.New("mail: no sender address")
	}
	if msg.Unsubscribe != "" && !strings.HasPrefix(msg.Unsubscribe, "https://") && !strings.HasPrefix(msg.Unsubscribe, "http://") {
		return nil, fmt.Errorf("mail: unsubscribe link %q is not a web address", msg.Unsubscribe)
	}
	if !utf8.ValidString(msg.Subject) || !utf8.ValidString(msg.Body) {
		return nil, errors.New("mail: subject and body must be UTF-8")
	}
	var b bytes.Buffer
	header := func(name, value string) {
		b.WriteString(fold(name + ": " + value))
		b.WriteString("\r\n")
	}
	// mail.Address.String encodes a non-ASCII display name (RFC 2047).
	from.Name = oneLine(from.Name)
	header("From", from.String())
	header("To", "<"+to.Address+">")
	header("Subject", mime.QEncoding.Encode("utf-8", oneLine(msg.Subject)))
	header("Date", now.Format(time.RFC1123Z))
	header("Message-ID", "<"+strings.ToLower(rand.Text())+"@"+domainOf(from.Address)+">")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	// RFC 3834: an automatic message, to which no one should auto-reply.
	header("Auto-Submitted", "auto-generated")
	if msg.Unsubscribe != "" {
		header("List-Unsubscribe", "<"+oneLine(msg.Unsubscribe)+">")
		header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
	}
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	body := strings.ReplaceAll(strings.ReplaceAll(msg.Body, "\r\n", "\n"), "\n", "\r\n")
	if _, err := qp.Write([]byte(body)); err != nil {
		return nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, err
	}
	if !bytes.HasSuffix(b.Bytes(), []byte("\r\n")) {
		b.WriteString("\r\n")
	}
	return b.Bytes(), nil
}

// oneLine puts a header value on one line: a line break in a name or
// subject would otherwise start a header of its own.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '\r' || r == '\n' }), " ")
}

// fold breaks a header line at spaces so that each line stays within
// maxLine characters where a space allows (RFC 5322 section 2.2.3); the
// encoded words of a long subject are separated by spaces for this.
func fold(line string) string {
	if len(line) <= maxLine {
		return line
	}
	var b strings.Builder
	col := 0
	for i, word := range strings.Split(line, " ") {
		if i > 0 {
			if col+1+len(word) > maxLine {
				b.WriteString("\r\n")
				col = 0
			}
			b.WriteByte(' ')
			col++
		}
		b.WriteString(word)
		col += len(word)
	}
	return b.String()
}

// domainOf is the domain of an address, for Message-IDs.
func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 && i < len(addr)-1 {
		return addr[i+1:]
	}
	return "localhost"
}
