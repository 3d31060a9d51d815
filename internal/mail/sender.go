package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"os"
	"time"
)

// Security is how the connection to the SMTP server is protected.
type Security string

// Connection security policies.
const (
	// StartTLS upgrades the connection with STARTTLS and refuses to go on
	// if the server does not offer it (port 587; the default).
	StartTLS Security = "starttls"
	// ImplicitTLS speaks TLS from the first byte (port 465).
	ImplicitTLS Security = "tls"
	// NoTLS sends in clear text: only for a relay on the same machine or
	// a private network. net/smtp refuses to send a password over it
	// except to localhost.
	NoTLS Security = "none"
)

// Valid reports whether s is a known policy.
func (s Security) Valid() bool { return s == StartTLS || s == ImplicitTLS || s == NoTLS }

// Config says how to reach the SMTP server.
type Config struct {
	Addr     string       // host:port
	User     string       // "" for no authentication
	Password string       // with User, sent with AUTH PLAIN, only over TLS (or to localhost)
	From     mail.Address // the sender of every message
	Security Security     // "" is StartTLS
	// TLS is the TLS configuration; nil verifies the server's certificate
	// against the system's roots for the host of Addr. Tests set their
	// own roots.
	TLS *tls.Config
	// HeloName is the name given in EHLO; the machine's host name when
	// empty.
	HeloName string
	// Timeout bounds one message's delivery, connection included; 30
	// seconds when zero.
	Timeout time.Duration
	// Now dates messages; time.Now when nil.
	Now func() time.Time
}

// Sender sends messages through one SMTP server, a new connection per
// message (Qalam sends few, and a long-lived connection would need
// keeping alive). Safe for concurrent use.
type Sender struct {
	cfg  Config
	host string
}

// NewSender checks cfg and returns a sender for it.
func NewSender(cfg Config) (*Sender, error) {
	host, _, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("mail: SMTP address %q: want host:port", cfg.Addr)
	}
	if cfg.Security == "" {
		cfg.Security = StartTLS
	}
	if !cfg.Security.Valid() {
		return nil, fmt.Errorf("mail: unknown connection security %q", cfg.Security)
	}
	if cfg.From.Address == "" {
		return nil, errors.New("mail: no sender address")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.HeloName == "" {
		cfg.HeloName, _ = os.Hostname()
		if cfg.HeloName == "" {
			cfg.HeloName = "localhost"
		}
	}
	return &Sender{cfg: cfg, host: host}, nil
}

// From is the sender of every message.
func (s *Sender) From() mail.Address { return s.cfg.From }

// PermanentError is a failure that trying again will not mend: the server
// refused the message or recipient for good (a 5xx reply).
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// IsPermanent reports whether err is a permanent failure.
func IsPermanent(err error) bool {
	_, ok := errors.AsType[*PermanentError](err)
	return ok
}

// Send delivers msg to the server, which takes it from there. An error
// wrapping *PermanentError means the server refused it for good; any
// other error may pass (a 4xx reply, a network failure).
func (s *Sender) Send(ctx context.Context, msg Message) error {
	raw, err := Render(s.cfg.From, msg, s.cfg.Now())
	if err != nil {
		return &PermanentError{err}
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	if err := s.send(ctx, msg.To, raw); err != nil {
		if te, ok := errors.AsType[*textproto.Error](err); ok && te.Code >= 500 {
			return &PermanentError{fmt.Errorf("mail: send to the SMTP server %s: %w", s.cfg.Addr, err)}
		}
		return fmt.Errorf("mail: send to the SMTP server %s: %w", s.cfg.Addr, err)
	}
	return nil
}

func (s *Sender) tlsConfig() *tls.Config {
	if s.cfg.TLS != nil {
		c := s.cfg.TLS.Clone()
		if c.ServerName == "" {
			c.ServerName = s.host
		}
		return c
	}
	return &tls.Config{ServerName: s.host, MinVersion: tls.VersionTLS12}
}

func (s *Sender) send(ctx context.Context, to string, raw []byte) error {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		return err
	}
	// net/smtp knows no contexts: the deadline bounds the conversation,
	// and cancelling ctx cuts it short.
	deadline, _ := ctx.Deadline()
	if err := conn.SetDeadline(deadline); err != nil {
		conn.Close()
		return err
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Now()) })
	defer stop()
	if s.cfg.Security == ImplicitTLS {
		tc := tls.Client(conn, s.tlsConfig())
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return err
		}
		conn = tc
	}
	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		conn.Close()
		return err
	}
	defer c.Close()
	if err := c.Hello(s.cfg.HeloName); err != nil {
		return err
	}
	if s.cfg.Security == StartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return &PermanentError{errors.New("the server does not offer STARTTLS; set the TLS policy to \"tls\" or, for a local relay, \"none\"")}
		}
		if err := c.StartTLS(s.tlsConfig()); err != nil {
			return err
		}
	}
	if s.cfg.User != "" {
		if err := c.Auth(smtp.PlainAuth("", s.cfg.User, s.cfg.Password, s.host)); err != nil {
			return err
		}
	}
	if err := c.Mail(s.cfg.From.Address); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(raw); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}
