package config

import (
	"flag"
	"io"
	"strings"
	"testing"
	"time"
)

func TestLoad_Mail(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		wantErr string // "" = valid
		check   func(t *testing.T, c Config)
	}{
		{name: "mail is off by default", check: func(t *testing.T, c Config) {
			if c.MailEnabled() || c.SMTPSecurity != "starttls" || c.ModeratorAlertEvery != 30*time.Minute {
				t.Errorf("mail on %v, security %q, alerts every %v", c.MailEnabled(), c.SMTPSecurity, c.ModeratorAlertEvery)
			}
		}},
		{name: "environment configures mail, password from the environment only",
			env: map[string]string{"QALAM_SMTP_ADDR": "smtp.example.org:587", "QALAM_SMTP_USER": "qalam",
				"QALAM_SMTP_PASSWORD": "s3cret", "QALAM_MAIL_FROM": "قلم پور ٹائمز <news@qalampur.example>",
				"QALAM_SMTP_TLS": "tls", "QALAM_MODERATOR_ALERT_INTERVAL": "1h"},
			check: func(t *testing.T, c Config) {
				from, err := c.MailSender()
				if !c.MailEnabled() || c.SMTPPassword != "s3cret" || c.SMTPSecurity != "tls" || c.ModeratorAlertEvery != time.Hour ||
					err != nil || from.Name != "قلم پور ٹائمز" || from.Address != "news@qalampur.example" {
					t.Errorf("config %+v, sender %v, %v", c, from, err)
				}
			}},
		{name: "flags override the environment",
			env:  map[string]string{"QALAM_SMTP_ADDR": "smtp.example.org:587", "QALAM_MAIL_FROM": "news@qalampur.example"},
			args: []string{"-smtp-addr", "127.0.0.1:25", "-smtp-tls", "none", "-mail-from", "desk@qalampur.example"},
			check: func(t *testing.T, c Config) {
				if c.SMTPAddr != "127.0.0.1:25" || c.SMTPSecurity != "none" || c.MailFrom != "desk@qalampur.example" {
					t.Errorf("config %+v", c)
				}
			}},
		{name: "a sender without a server is refused", env: map[string]string{"QALAM_MAIL_FROM": "news@qalampur.example"}, wantErr: "SMTP_ADDR"},
		{name: "a server without a sender is refused", env: map[string]string{"QALAM_SMTP_ADDR": "smtp.example.org:587"}, wantErr: "mail from"},
		{name: "a server without a port is refused", env: map[string]string{"QALAM_SMTP_ADDR": "smtp.example.org", "QALAM_MAIL_FROM": "a@example.org"}, wantErr: "host:port"},
		{name: "a sender that is no address is refused", env: map[string]string{"QALAM_SMTP_ADDR": "smtp.example.org:587", "QALAM_MAIL_FROM": "the newsroom"}, wantErr: "mail from"},
		{name: "an unknown TLS policy is refused", env: map[string]string{"QALAM_SMTP_TLS": "maybe"}, wantErr: "starttls, tls or none"},
		{name: "a password without a user is refused",
			env: map[string]string{"QALAM_SMTP_ADDR": "smtp.example.org:587", "QALAM_MAIL_FROM": "a@example.org", "QALAM_SMTP_PASSWORD": "x"}, wantErr: "without a user"},
		{name: "a password in clear text over the network is refused",
			env: map[string]string{"QALAM_SMTP_ADDR": "smtp.example.org:25", "QALAM_MAIL_FROM": "a@example.org", "QALAM_SMTP_USER": "u",
				"QALAM_SMTP_PASSWORD": "x", "QALAM_SMTP_TLS": "none"}, wantErr: "clear text"},
		{name: "a password in clear text to a local relay is allowed",
			env: map[string]string{"QALAM_SMTP_ADDR": "127.0.0.1:25", "QALAM_MAIL_FROM": "a@example.org", "QALAM_SMTP_USER": "u",
				"QALAM_SMTP_PASSWORD": "x", "QALAM_SMTP_TLS": "none"}},
		{name: "an alert interval under a minute is refused", args: []string{"-moderator-alert-interval", "10s"}, wantErr: "at least a minute"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := load(t, tt.env, tt.args)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("load: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("load error %v, want one mentioning %q", err, tt.wantErr)
			}
			if tt.check != nil {
				tt.check(t, c)
			}
		})
	}
}

func TestBind_NoPasswordFlag(t *testing.T) {
	var c Config
	fs := flag.NewFlagSet("qalam", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c.Bind(fs)
	fs.VisitAll(func(f *flag.Flag) {
		if strings.Contains(f.Name, "password") || strings.Contains(f.Name, "secret") {
			t.Errorf("flag -%s: secrets come from the environment only", f.Name)
		}
	})
}
