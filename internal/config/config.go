// Package config owns Qalam's settings: defaults, overridden by QALAM_*
// environment variables, overridden by command-line flags.
package config

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/mail"
	"net/netip"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Defaults. BaseURL has none of its own: it follows Addr, and is filled in by
// Validate so that a -addr flag moves it too.
const (
	defaultAddr            = "127.0.0.1:8080"
	defaultDataDir         = "qalam-data"
	defaultSiteName        = "The Qalam Review"
	defaultShutdownTimeout = 20 * time.Second
)

// minSecretBytes is the shortest secret accepted: 256 bits.
const minSecretBytes = 32

// Config holds every setting of a Qalam process. main builds one and passes
// what each package needs down; nothing reads it globally.
type Config struct {
	Addr           string         // listen address; QALAM_ADDR; -addr
	BaseURL        string         // public URL, no trailing slash; empty until Validate derives it from Addr; QALAM_BASE_URL; -base-url
	DataDir        string         // SQLite file, uploads, secret.key; QALAM_DATA_DIR; -data
	DatabaseURL    string         // "" = SQLite in DataDir; postgres:// URL = PostgreSQL; QALAM_DATABASE_URL; -database
	SiteName       string         // QALAM_SITE_NAME; -site-name
	Secret         string         // base64 or hex; QALAM_SECRET only, never a flag (process listings show flags)
	TrustedProxies []netip.Prefix // peers whose X-Forwarded-For is believed; QALAM_TRUSTED_PROXIES; -trusted-proxies
	Dev            bool           // templates and assets read from disk per request; QALAM_DEV; -dev
	Demo           bool           // seed demo content into an empty database; QALAM_DEMO; -demo
	MediaDir       string         // uploaded images; default DataDir/media; QALAM_MEDIA_DIR; -media
	// AddressRetention is how long commenters' address hashes are kept
	// before they are erased; QALAM_ADDRESS_RETENTION; -address-retention.
	AddressRetention time.Duration
	// AddressKeyRotation is how long one key for address hashes lasts:
	// hashes made under different keys cannot be matched, so a reader's
	// address is linkable across at most this span;
	// QALAM_ADDRESS_KEY_ROTATION; -address-key-rotation.
	AddressKeyRotation time.Duration
	ShutdownTimeout    time.Duration // how long in-flight requests get on shutdown; QALAM_SHUTDOWN_TIMEOUT; -shutdown-timeout

	// Outgoing mail (reply notifications, moderators' alerts, readers'
	// links to their comments). With SMTPAddr empty mail is off, and the
	// features that need it say so instead of offering themselves.
	SMTPAddr     string // host:port of the SMTP server; QALAM_SMTP_ADDR; -smtp-addr
	SMTPUser     string // QALAM_SMTP_USER; -smtp-user
	SMTPPassword string // QALAM_SMTP_PASSWORD only, never a flag (process listings show flags)
	SMTPSecurity string // starttls (the default), tls (port 465) or none (a local relay); QALAM_SMTP_TLS; -smtp-tls
	MailFrom     string // the sender, "Name <address>" or an address; QALAM_MAIL_FROM; -mail-from
	// ModeratorAlertEvery is the least time between two alerts to one
	// moderator; QALAM_MODERATOR_ALERT_INTERVAL; -moderator-alert-interval.
	ModeratorAlertEvery time.Duration
}

// defaults returns the settings used when nothing is configured.
func defaults() Config {
	return Config{
		Addr:                defaultAddr,
		DataDir:             defaultDataDir,
		SiteName:            defaultSiteName,
		ShutdownTimeout:     defaultShutdownTimeout,
		AddressRetention:    30 * 24 * time.Hour,
		AddressKeyRotation:  30 * 24 * time.Hour,
		SMTPSecurity:        "starttls",
		ModeratorAlertEvery: 30 * time.Minute,
	}
}

// FromEnv returns the defaults overridden by the QALAM_* variables that
// getenv reports as non-empty. A value that does not parse is an error
// naming its variable, so a typo never silently falls back to a default.
func FromEnv(getenv func(string) string) (Config, error) {
	c := defaults()
	var errs []error
	str := func(name string, dst *string) {
		if v := getenv(name); v != "" {
			*dst = v
		}
	}
	boolean := func(name string, dst *bool) {
		v := getenv(name)
		if v == "" {
			return
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: want true or false", name, v))
			return
		}
		*dst = b
	}

	str("QALAM_ADDR", &c.Addr)
	str("QALAM_BASE_URL", &c.BaseURL)
	str("QALAM_DATA_DIR", &c.DataDir)
	str("QALAM_MEDIA_DIR", &c.MediaDir)
	str("QALAM_DATABASE_URL", &c.DatabaseURL)
	str("QALAM_SITE_NAME", &c.SiteName)
	boolean("QALAM_DEV", &c.Dev)
	boolean("QALAM_DEMO", &c.Demo)
	str("QALAM_SMTP_ADDR", &c.SMTPAddr)
	str("QALAM_SMTP_USER", &c.SMTPUser)
	str("QALAM_SMTP_PASSWORD", &c.SMTPPassword)
	str("QALAM_SMTP_TLS", &c.SMTPSecurity)
	str("QALAM_MAIL_FROM", &c.MailFrom)

	if v := getenv("QALAM_SECRET"); v != "" {
		// Checked here as well as in LoadSecret so a bad secret stops start-up
		// before anything else happens. The value is never echoed.
		if _, err := decodeSecret(v); err != nil {
			errs = append(errs, fmt.Errorf("QALAM_SECRET: %w", err))
		} else {
			c.Secret = v
		}
	}
	if v := getenv("QALAM_TRUSTED_PROXIES"); v != "" {
		p, err := parsePrefixes(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("QALAM_TRUSTED_PROXIES: %w", err))
		} else {
			c.TrustedProxies = p
		}
	}
	duration := func(name string, dst *time.Duration, example string) {
		v := getenv(name)
		if v == "" {
			return
		}
		d, err := time.ParseDuration(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: want a duration such as %s", name, v, example))
			return
		}
		*dst = d
	}
	duration("QALAM_SHUTDOWN_TIMEOUT", &c.ShutdownTimeout, "20s")
	duration("QALAM_ADDRESS_RETENTION", &c.AddressRetention, "720h")
	duration("QALAM_ADDRESS_KEY_ROTATION", &c.AddressKeyRotation, "720h")
	duration("QALAM_MODERATOR_ALERT_INTERVAL", &c.ModeratorAlertEvery, "30m")
	if err := errors.Join(errs...); err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	return c, nil
}

// Bind defines one flag per setting on fs, except Secret. Each flag's default
// is the current value, so calling Bind after FromEnv and then fs.Parse gives
// defaults < environment < flags.
func (c *Config) Bind(fs *flag.FlagSet) {
	fs.StringVar(&c.Addr, "addr", c.Addr, "listen `address` (env QALAM_ADDR)")
	fs.StringVar(&c.BaseURL, "base-url", c.BaseURL, "public `URL` of the site, e.g. https://news.example.org (env QALAM_BASE_URL; default http://<addr>)")
	fs.StringVar(&c.DataDir, "data", c.DataDir, "data `directory` for the SQLite database, uploads and secret.key (env QALAM_DATA_DIR)")
	fs.StringVar(&c.MediaDir, "media", c.MediaDir, "`directory` of uploaded images; shared by every node (env QALAM_MEDIA_DIR; default <data>/media)")
	fs.Var((*databaseURL)(&c.DatabaseURL), "database", "PostgreSQL `URL` (postgres://...); empty uses SQLite in the data directory (env QALAM_DATABASE_URL)")
	fs.StringVar(&c.SiteName, "site-name", c.SiteName, "site `name` (env QALAM_SITE_NAME)")
	fs.Var((*prefixList)(&c.TrustedProxies), "trusted-proxies", "comma-separated `CIDRs` or IPs of reverse proxies whose X-Forwarded-For is trusted (env QALAM_TRUSTED_PROXIES)")
	fs.BoolVar(&c.Dev, "dev", c.Dev, "read templates and assets from disk on every request (env QALAM_DEV)")
	fs.BoolVar(&c.Demo, "demo", c.Demo, "seed demo content into an empty database (env QALAM_DEMO)")
	fs.DurationVar(&c.AddressRetention, "address-retention", c.AddressRetention, "how long commenters' address hashes are kept before they are erased (env QALAM_ADDRESS_RETENTION)")
	fs.DurationVar(&c.AddressKeyRotation, "address-key-rotation", c.AddressKeyRotation, "how long one key for commenters' address hashes lasts before the next replaces it (env QALAM_ADDRESS_KEY_ROTATION)")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", c.ShutdownTimeout, "how long in-flight requests may take to finish on shutdown (env QALAM_SHUTDOWN_TIMEOUT)")
	fs.StringVar(&c.SMTPAddr, "smtp-addr", c.SMTPAddr, "`host:port` of the SMTP server that sends Qalam's mail; empty turns mail off (env QALAM_SMTP_ADDR; the password only as env QALAM_SMTP_PASSWORD)")
	fs.StringVar(&c.SMTPUser, "smtp-user", c.SMTPUser, "SMTP `user` name, if the server wants one (env QALAM_SMTP_USER)")
	fs.StringVar(&c.SMTPSecurity, "smtp-tls", c.SMTPSecurity, "SMTP connection `security`: starttls, tls (port 465) or none (a local relay) (env QALAM_SMTP_TLS)")
	fs.StringVar(&c.MailFrom, "mail-from", c.MailFrom, "sender of Qalam's mail, `\"Name <address>\"` or an address (env QALAM_MAIL_FROM)")
	fs.DurationVar(&c.ModeratorAlertEvery, "moderator-alert-interval", c.ModeratorAlertEvery, "least time between two emails to one moderator about waiting comments (env QALAM_MODERATOR_ALERT_INTERVAL)")
}

// Validate checks the settings once flags are parsed and fills BaseURL from
// Addr when it was left empty. It reports every problem, not just the first.
func (c *Config) Validate() error {
	var errs []error
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil {
		errs = append(errs, fmt.Errorf("addr %q: want host:port: %w", c.Addr, err))
	} else if n, err := strconv.ParseUint(port, 10, 16); err != nil {
		errs = append(errs, fmt.Errorf("addr %q: port must be a number from 0 to 65535", c.Addr))
	} else if c.BaseURL == "" {
		// ":8080" and "0.0.0.0:8080" listen everywhere, but a browser cannot
		// visit those hosts; localhost is the useful default for links.
		if h, err := netip.ParseAddr(host); host == "" || (err == nil && h.IsUnspecified()) {
			host = "localhost"
		}
		c.BaseURL = "http://" + net.JoinHostPort(host, strconv.FormatUint(n, 10))
	}

	if c.BaseURL != "" {
		c.BaseURL = strings.TrimRight(c.BaseURL, "/")
		if err := checkBaseURL(c.BaseURL); err != nil {
			errs = append(errs, err)
		}
	}
	if c.DataDir == "" {
		errs = append(errs, errors.New("data directory must not be empty"))
	} else if c.MediaDir == "" {
		c.MediaDir = filepath.Join(c.DataDir, "media")
	}
	if c.DatabaseURL != "" {
		if err := checkDatabaseURL(c.DatabaseURL); err != nil {
			errs = append(errs, err)
		}
	}
	switch {
	case strings.TrimSpace(c.SiteName) == "":
		errs = append(errs, errors.New("site name must not be empty"))
	case !utf8.ValidString(c.SiteName):
		errs = append(errs, errors.New("site name must be valid UTF-8"))
	case utf8.RuneCountInString(c.SiteName) > 200:
		errs = append(errs, errors.New("site name must be at most 200 characters"))
	}
	if c.Secret != "" {
		if _, err := decodeSecret(c.Secret); err != nil {
			errs = append(errs, fmt.Errorf("QALAM_SECRET: %w", err))
		}
	}
	for _, p := range c.TrustedProxies {
		if !p.IsValid() {
			errs = append(errs, fmt.Errorf("trusted proxies: invalid prefix %v", p))
		}
	}
	if c.AddressRetention <= 0 {
		errs = append(errs, fmt.Errorf("address retention %v: must be positive", c.AddressRetention))
	}
	if c.AddressKeyRotation < time.Hour {
		// Shorter would reset rate limits and address bans every few minutes.
		errs = append(errs, fmt.Errorf("address key rotation %v: must be at least an hour", c.AddressKeyRotation))
	}
	if c.ShutdownTimeout <= 0 {
		errs = append(errs, fmt.Errorf("shutdown timeout %v: must be positive", c.ShutdownTimeout))
	}
	errs = append(errs, c.checkMail()...)
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	return nil
}

func checkBaseURL(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return fmt.Errorf("base URL %q: %w", s, err)
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("base URL %q: must start with http:// or https://", s)
	case u.Host == "":
		return fmt.Errorf("base URL %q: has no host", s)
	case u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "":
		return fmt.Errorf("base URL %q: must not carry credentials, a query or a fragment", s)
	}
	return nil
}

func checkDatabaseURL(s string) error {
	// The URL may hold a password: never echo it in the error.
	u, err := url.Parse(s)
	if err != nil {
		return errors.New("database URL does not parse")
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return errors.New("database URL must be empty (SQLite) or start with postgres:// or postgresql://")
	}
	return nil
}

// DatabaseDSN is what the store opens: the PostgreSQL URL, or else the path
// of the SQLite file inside DataDir.
func (c *Config) DatabaseDSN() string {
	if c.DatabaseURL != "" {
		return c.DatabaseURL
	}
	return filepath.Join(c.DataDir, "qalam.db")
}

// parsePrefixes reads a comma-separated list of CIDRs or single addresses; a
// single address stands for itself (/32 or /128).
func parsePrefixes(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if strings.Contains(part, "/") {
			p, err := netip.ParsePrefix(part)
			if err != nil {
				return nil, fmt.Errorf("%q is not a CIDR", part)
			}
			// Unmap so ::ffff:10.0.0.1 and 10.0.0.1 compare equal with peers.
			if p.Addr().Is4In6() && p.Bits() >= 96 {
				p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(part)
		if err != nil {
			return nil, fmt.Errorf("%q is not an IP address or CIDR", part)
		}
		a = a.Unmap().WithZone("")
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// prefixList is the flag.Value behind -trusted-proxies. Set replaces the
// list, so a flag overrides the environment instead of adding to it.
type prefixList []netip.Prefix

func (l *prefixList) String() string {
	if l == nil {
		return ""
	}
	s := make([]string, len(*l))
	for i, p := range *l {
		s[i] = p.String()
	}
	return strings.Join(s, ",")
}

func (l *prefixList) Set(v string) error {
	p, err := parsePrefixes(v)
	if err != nil {
		return err
	}
	*l = p
	return nil
}

// databaseURL is the flag.Value behind -database. Its String, which -help
// prints as the default, hides the password an environment URL may carry.
type databaseURL string

func (d *databaseURL) String() string {
	if d == nil || *d == "" {
		return ""
	}
	u, err := url.Parse(string(*d))
	if err != nil {
		return "(unparsable)"
	}
	return u.Redacted()
}

func (d *databaseURL) Set(v string) error {
	*d = databaseURL(v)
	return nil
}

// decodeSecret accepts hex first (what secret.key holds and `openssl rand
// -hex 32` prints), then standard or URL-safe base64, padded or not.
func decodeSecret(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	b, err := hex.DecodeString(s)
	if err != nil {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			if b, err = enc.DecodeString(s); err == nil {
				break
			}
		}
	}
	if err != nil {
		return nil, errors.New("not valid hex or base64")
	}
	if len(b) < minSecretBytes {
		return nil, fmt.Errorf("decodes to %d bytes; at least %d are needed (try `openssl rand -hex 32`)", len(b), minSecretBytes)
	}
	return b, nil
}

// MailEnabled reports whether an SMTP server is configured.
func (c *Config) MailEnabled() bool { return c.SMTPAddr != "" }

// MailSender is the sender of Qalam's mail, from MailFrom.
func (c *Config) MailSender() (*mail.Address, error) {
	a, err := mail.ParseAddress(c.MailFrom)
	if err != nil {
		return nil, fmt.Errorf("mail from %q: want an address, or \"Name <address>\"", c.MailFrom)
	}
	return a, nil
}

// checkMail checks the mail settings. Half a configuration is an error
// rather than mail silently off.
func (c *Config) checkMail() []error {
	var errs []error
	if c.SMTPSecurity != "starttls" && c.SMTPSecurity != "tls" && c.SMTPSecurity != "none" {
		errs = append(errs, fmt.Errorf("SMTP TLS %q: want starttls, tls or none", c.SMTPSecurity))
	}
	if c.ModeratorAlertEvery < time.Minute {
		errs = append(errs, fmt.Errorf("moderator alert interval %v: must be at least a minute", c.ModeratorAlertEvery))
	}
	if !c.MailEnabled() {
		if c.MailFrom != "" || c.SMTPUser != "" || c.SMTPPassword != "" {
			errs = append(errs, errors.New("mail settings are given but no SMTP server: set QALAM_SMTP_ADDR (or -smtp-addr) too"))
		}
		return errs
	}
	host, port, err := net.SplitHostPort(c.SMTPAddr)
	if err != nil || host == "" {
		errs = append(errs, fmt.Errorf("SMTP address %q: want host:port", c.SMTPAddr))
	} else if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		errs = append(errs, fmt.Errorf("SMTP address %q: port must be a number from 0 to 65535", c.SMTPAddr))
	}
	if c.MailFrom == "" {
		errs = append(errs, errors.New("mail from: required when an SMTP server is set (QALAM_MAIL_FROM or -mail-from)"))
	} else if _, err := c.MailSender(); err != nil {
		errs = append(errs, err)
	}
	if c.SMTPPassword != "" && c.SMTPUser == "" {
		errs = append(errs, errors.New("SMTP password given without a user (QALAM_SMTP_USER or -smtp-user)"))
	}
	if c.SMTPUser != "" && c.SMTPSecurity == "none" && !isLoopback(host) {
		errs = append(errs, fmt.Errorf("SMTP TLS none with a user: the password would cross the network in clear text to %s", host))
	}
	return errs
}

// isLoopback reports whether host names this machine.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.IsLoopback()
}
