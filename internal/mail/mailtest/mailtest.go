// Package mailtest runs a real SMTP server inside a test process
// (github.com/emersion/go-smtp), with STARTTLS on a certificate made for
// the test and AUTH PLAIN, and keeps what it receives, so tests send mail
// through package mail as production does.
package mailtest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/qalamnews/qalam/internal/mail"
)

// Test credentials the server accepts.
const (
	User     = "qalam"
	Password = "correct horse battery staple"
)

// Options shape the server.
type Options struct {
	// NoTLS leaves STARTTLS out, as a local relay might.
	NoTLS bool
}

// Server is a running SMTP server that keeps every message it accepts.
type Server struct {
	Addr  string
	roots *x509.CertPool
	srv   *smtp.Server

	mu       sync.Mutex
	received []*Received
	failures []error // the next deliveries' answers, in order
	authed   int     // successful AUTHs
}

// Received is one message as the server got it.
type Received struct {
	From string   // MAIL FROM
	To   []string // RCPT TO
	Raw  []byte
	TLS  bool // the session was encrypted
	Msg  *netmail.Message
	body []byte
}

// Start runs a server on a loopback port until the test ends.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	s := &Server{}
	be := smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{s: s, conn: c}, nil
	})
	s.srv = smtp.NewServer(be)
	s.srv.Domain = "mail.test"
	s.srv.ReadTimeout = 10 * time.Second
	s.srv.WriteTimeout = 10 * time.Second
	s.srv.MaxMessageBytes = 1 << 20
	s.srv.MaxRecipients = 10
	logger := &testLogger{t: t}
	s.srv.ErrorLog = logger
	if !opts.NoTLS {
		cert, roots, err := selfSigned()
		if err != nil {
			t.Fatalf("mailtest: %v", err)
		}
		s.srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
		s.roots = roots
	} else {
		s.srv.AllowInsecureAuth = true
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	s.Addr = ln.Addr().String()
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.srv.Serve(ln)
	}()
	t.Cleanup(func() {
		s.srv.Close()
		<-done
		logger.stop()
	})
	return s
}

// Config is a mail configuration that reaches the server, trusting its
// certificate and signing in.
func (s *Server) Config(from netmail.Address) mail.Config {
	cfg := mail.Config{Addr: s.Addr, User: User, Password: Password, From: from, HeloName: "qalam.test", Timeout: 10 * time.Second}
	if s.roots != nil {
		cfg.TLS = &tls.Config{RootCAs: s.roots}
	} else {
		cfg.Security = mail.NoTLS
	}
	return cfg
}

// FailNext makes the next deliveries fail, one error each, in order: an
// *smtp.SMTPError with a 4xx code is temporary, 5xx permanent.
func (s *Server) FailNext(errs ...error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, errs...)
}

// Temporary and Permanent are answers for FailNext.
var (
	Temporary = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"}
	Permanent = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user"}
)

// Messages returns what the server accepted so far, in order.
func (s *Server) Messages() []*Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*Received(nil), s.received...)
}

// Authenticated says how many sessions signed in.
func (s *Server) Authenticated() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.authed
}

// Wait returns the messages once there are at least n, failing the test
// after ten seconds.
func (s *Server) Wait(t testing.TB, n int) []*Received {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := s.Messages()
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("mailtest: %d messages arrived, want %d", len(got), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Header returns a header's value with RFC 2047 words decoded.
func (r *Received) Header(name string) string {
	v := r.Msg.Header.Get(name)
	dec := new(mime.WordDecoder)
	if d, err := dec.DecodeHeader(v); err == nil {
		return d
	}
	return v
}

// Text returns the body decoded from quoted-printable, with \n line ends.
func (r *Received) Text() string {
	b, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(r.body)))
	if err != nil {
		return "(undecodable: " + err.Error() + ")"
	}
	return strings.ReplaceAll(string(b), "\r\n", "\n")
}

// session is one SMTP conversation.
type session struct {
	s    *Server
	conn *smtp.Conn
	from string
	to   []string
}

func (se *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (se *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != User || password != Password {
			// What real servers answer (RFC 4954): a permanent failure.
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
		}
		se.s.mu.Lock()
		se.s.authed++
		se.s.mu.Unlock()
		return nil
	}), nil
}

func (se *session) Mail(from string, _ *smtp.MailOptions) error {
	se.from = from
	return nil
}

func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	se.to = append(se.to, to)
	return nil
}

func (se *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	se.s.mu.Lock()
	defer se.s.mu.Unlock()
	if len(se.s.failures) > 0 {
		fail := se.s.failures[0]
		se.s.failures = se.s.failures[1:]
		return fail
	}
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "Malformed message: " + err.Error()}
	}
	body, _ := io.ReadAll(msg.Body)
	_, tlsOn := se.conn.TLSConnectionState()
	se.s.received = append(se.s.received, &Received{From: se.from, To: se.to, Raw: raw, TLS: tlsOn, Msg: msg, body: body})
	return nil
}

func (se *session) Reset()        { se.from, se.to = "", nil }
func (se *session) Logout() error { return nil }

// selfSigned makes a certificate for 127.0.0.1 and localhost, and a pool
// that trusts it.
func selfSigned() (tls.Certificate, *x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "mailtest"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool, nil
}

// testLogger sends the server's own errors to the test log while the
// test runs.
type testLogger struct {
	mu      sync.Mutex
	t       testing.TB
	stopped bool
}

func (l *testLogger) stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stopped = true
}

func (l *testLogger) Printf(format string, v ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.stopped {
		l.t.Logf("mailtest: "+format, v...)
	}
}

func (l *testLogger) Println(v ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.stopped {
		l.t.Log(append([]any{"mailtest:"}, v...)...)
	}
}
