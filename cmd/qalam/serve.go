package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/qalamnews/qalam/internal/admin"
	"github.com/qalamnews/qalam/internal/auth"
	"github.com/qalamnews/qalam/internal/config"
	"github.com/qalamnews/qalam/internal/demo"
	"github.com/qalamnews/qalam/internal/jobs"
	"github.com/qalamnews/qalam/internal/mail"
	"github.com/qalamnews/qalam/internal/media"
	"github.com/qalamnews/qalam/internal/moderation"
	"github.com/qalamnews/qalam/internal/server"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/view"
	"github.com/qalamnews/qalam/internal/web"
)

func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, _, err := parseConfig("serve", "Runs the publication until interrupted (SIGINT or SIGTERM), then lets requests in flight finish.", args, getenv, stderr, nil)
	if err != nil {
		return err
	}
	m := &Main{Config: cfg, Stdout: stdout, Log: slog.New(slog.NewTextHandler(stderr, nil))}
	if err := m.Run(ctx); err != nil {
		m.Close()
		return err
	}
	<-ctx.Done()
	m.Log.Info("shutting down", slog.Duration("grace", cfg.ShutdownTimeout))
	return m.Close()
}

// maxUploadBytes bounds every request body: an image upload with its form
// fields. Routes set smaller limits of their own (a comment: 64 KiB).
const maxUploadBytes = 12 << 20

// Main is the whole program, startable from a test: Run wires everything
// and starts serving (on port 0 if asked); Close shuts it down gracefully.
type Main struct {
	Config config.Config
	Stdout io.Writer
	Log    *slog.Logger

	store    *store.Store
	site     *web.Site
	mailer   *jobs.Mailer // nil when mail is off
	server   *server.Server
	stop     context.CancelFunc
	wg       sync.WaitGroup
	serveErr chan error

	feedUp     chan struct{} // closed when the change feed first connects
	feedUpOnce sync.Once

	classifier *moderation.SiteModel // the site's spam model

	closeOnce sync.Once
	closeErr  error
}

// Run opens and migrates the database, seeds the demo if asked, and starts
// the server. It returns once the server is listening.
func (m *Main) Run(ctx context.Context) error {
	if m.Log == nil {
		m.Log = slog.New(slog.DiscardHandler)
	}
	if m.Stdout == nil {
		m.Stdout = io.Discard
	}
	cfg := m.Config
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	m.store = st
	secret, err := cfg.LoadSecret()
	if err != nil {
		return err
	}
	if cfg.Demo {
		seeded, err := demo.Seed(ctx, st, time.Now())
		if err != nil {
			return fmt.Errorf("demo content: %w", err)
		}
		if seeded {
			m.Log.Info("demo content seeded")
		}
	}
	engine, err := view.New(view.Options{Dev: cfg.Dev, SourceDir: view.SourceDir()})
	if err != nil {
		return err
	}
	https := strings.HasPrefix(cfg.BaseURL, "https://")
	sender, err := mailSender(cfg)
	if err != nil {
		return err
	}
	if sender != nil {
		m.mailer = jobs.NewMailer(st, sender, jobs.MailerOptions{
			SiteName: cfg.SiteName, BaseURL: cfg.BaseURL, AlertEvery: cfg.ModeratorAlertEvery, Log: m.Log,
		})
	}
	// New comments are screened with the site's spam model: the starting
	// model and what the site's moderators taught it, kept up to date by
	// its Run below and nudged by the change feed.
	classifier, err := moderation.NewSiteModel(siteExamples{st}, m.Log)
	if err != nil {
		return err
	}
	m.classifier = classifier
	m.site = web.New(st, engine, web.Options{
		SiteName:           cfg.SiteName,
		BaseURL:            cfg.BaseURL,
		Secret:             secret,
		AddressKeyRotation: cfg.AddressKeyRotation,
		TrustedProxies:     cfg.TrustedProxies,
		SecureCookies:      https,
		Classifier:         classifier,
		Log:                m.Log,
		Mail:               sender != nil,
		WakeMail:           m.wakeMail,
	})

	background, stop := context.WithCancel(context.Background())
	m.stop = stop
	m.feedUp = make(chan struct{})
	m.wg.Go(func() {
		err := st.WatchChanges(background, m.onChange)
		if err != nil && background.Err() == nil {
			m.Log.Error("change feed stopped; page cache off", slog.Any("err", err))
		}
		m.site.SetCacheLive(false)
	})

	// Serve with the page cache on from the first request, unless the
	// change feed is slow to connect; the site works without it meanwhile.
	select {
	case <-m.feedUp:
	case <-time.After(5 * time.Second):
		m.Log.Warn("change feed not connected yet; serving without the page cache")
	}

	lib, err := media.New(media.Options{Dir: cfg.MediaDir})
	if err != nil {
		return err
	}
	sessions := auth.NewSessions(st, auth.Options{Secure: https})
	newsroom := admin.New(st, sessions, lib, engine, admin.Options{
		SiteName:  cfg.SiteName,
		BaseURL:   cfg.BaseURL,
		ClientKey: m.site.ClientKey,
		Log:       m.Log,

		Mail:       sender != nil,
		AlertEvery: cfg.ModeratorAlertEvery,

		AddressHash: m.site.AddressHash,
	})
	m.wg.Go(func() { jobs.NewScheduler(st, 0, m.Log).Run(background) })
	m.wg.Go(func() { jobs.NewRetention(st, cfg.AddressRetention, nil, m.Log).Run(background) })
	if m.mailer != nil {
		m.wg.Go(func() { m.mailer.Run(background) })
	}
	m.wg.Go(func() { m.classifier.Run(background, time.Minute) })

	// One address space: the newsroom under /admin/, uploaded images under
	// /media/, the public site everywhere else.
	mux := http.NewServeMux()
	mux.Handle("/admin/", newsroom.Routes())
	mux.Handle("/admin", http.RedirectHandler("/admin/", http.StatusMovedPermanently))
	mux.Handle("GET /media/{name}", lib)
	mux.Handle("/", m.site.Routes())
	m.server = server.New(cfg.Addr, mux, m.Log, server.Options{HTTPS: https, MaxBodyBytes: maxUploadBytes})
	if err := m.server.Listen(); err != nil {
		return err
	}
	m.serveErr = make(chan error, 1)
	go func() { m.serveErr <- m.server.Serve() }()
	fmt.Fprintf(m.Stdout, "Qalam is serving %q at %s/\n", cfg.SiteName, m.URL())
	if cfg.DatabaseURL == "" {
		fmt.Fprintf(m.Stdout, "Data: %s\n", cfg.DatabaseDSN())
	}
	return nil
}

// onChange keeps the page cache in step with the database: the feed says
// All when it (re)connects, and Offline when it loses the database.
func (m *Main) onChange(c store.Change) {
	if !c.Offline {
		m.wakeMail() // an approved reply may be due a notification
		// A moderator's decision may have taught the spam model.
		m.classifier.Nudge()
	}
	switch {
	case c.Offline:
		m.site.SetCacheLive(false)
	case c.All:
		m.site.SetCacheLive(true)
		m.feedUpOnce.Do(func() { close(m.feedUp) })
	default:
		m.site.Invalidate(c)
	}
}

// wakeMail has this node's mail worker send what was just queued.
func (m *Main) wakeMail() {
	if m.mailer != nil {
		m.mailer.Wake()
	}
}

// URL is the address the server listens on, as a URL; a wildcard address
// is shown as localhost.
func (m *Main) URL() string {
	if m.server == nil {
		return ""
	}
	host, port, err := net.SplitHostPort(m.server.Addr())
	if err != nil {
		return "http://" + m.server.Addr()
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// Close stops the server, letting requests in flight finish within the
// shutdown timeout, then closes the database. Calling it again does
// nothing more and returns the first result.
func (m *Main) Close() error {
	m.closeOnce.Do(func() { m.closeErr = m.close() })
	return m.closeErr
}

func (m *Main) close() error {
	var errs []error
	if m.site != nil {
		m.site.CloseStreams() // live streams never go idle on their own
	}
	if m.server != nil {
		timeout := m.Config.ShutdownTimeout
		if timeout <= 0 {
			timeout = 20 * time.Second
		}
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		errs = append(errs, m.server.Shutdown(ctx))
		cancel()
		if m.serveErr != nil {
			errs = append(errs, <-m.serveErr)
		}
	}
	if m.stop != nil {
		m.stop()
		m.wg.Wait()
	}
	if m.store != nil {
		errs = append(errs, m.store.Close())
	}
	return errors.Join(errs...)
}

// openStore opens the configured database, creating the data folder for
// SQLite, and applies pending migrations.
func openStore(ctx context.Context, cfg config.Config) (*store.Store, error) {
	if err := ensureDataDir(cfg.DatabaseURL, cfg.DataDir); err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, cfg.DatabaseDSN(), store.Options{})
	if err != nil {
		return nil, err
	}
	if err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// mailSender connects to the configured SMTP server, or returns nil when
// mail is off.
func mailSender(cfg config.Config) (*mail.Sender, error) {
	if !cfg.MailEnabled() {
		return nil, nil
	}
	from, err := cfg.MailSender()
	if err != nil {
		return nil, err
	}
	if from.Name == "" {
		from.Name = cfg.SiteName
	}
	return mail.NewSender(mail.Config{
		Addr: cfg.SMTPAddr, User: cfg.SMTPUser, Password: cfg.SMTPPassword,
		From: *from, Security: mail.Security(cfg.SMTPSecurity),
	})
}
