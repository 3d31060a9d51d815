// Package server owns the HTTP server's lifecycle and the middleware every
// request passes through.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// Options tunes the middleware that New installs.
type Options struct {
	// HTTPS sends Strict-Transport-Security. Set it only when the site is
	// reached over HTTPS, or browsers will refuse plain HTTP for a year.
	HTTPS bool
	// MaxBodyBytes caps every request body; 0 means 1 MiB. Routes may set a
	// smaller limit with http.MaxBytesReader, never a larger one, so this
	// must cover the largest upload the site accepts.
	MaxBodyBytes int64
}

// defaultMaxBodyBytes fits the JSON API; forms set their own smaller caps.
const defaultMaxBodyBytes = 1 << 20

// Server is an http.Server with hardened timeouts, Qalam's middleware and a
// lifecycle split into Listen, Serve and Shutdown so that callers (and tests)
// learn the bound address before serving.
type Server struct {
	srv  *http.Server
	addr string
	log  *slog.Logger

	mu sync.Mutex
	ln net.Listener

	shutdownOnce sync.Once
	shutdownDone chan struct{} // closed when Shutdown has returned
	shutdownErr  error
}

// New returns a server for addr that runs handler behind Wrap's middleware.
// log may be nil to discard logs.
func New(addr string, handler http.Handler, log *slog.Logger, opts Options) *Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Server{
		srv: &http.Server{
			Handler: Wrap(handler, log, opts),
			// ReadHeaderTimeout defeats slowloris; ReadTimeout and
			// WriteTimeout bound slow bodies and slow readers (upload and
			// streaming routes extend theirs with http.ResponseController).
			ReadHeaderTimeout: 5 * time.Second,
			ReadTimeout:       30 * time.Second,
			WriteTimeout:      30 * time.Second,
			IdleTimeout:       60 * time.Second,
			MaxHeaderBytes:    64 << 10,
			ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		},
		addr:         addr,
		log:          log,
		shutdownDone: make(chan struct{}),
	}
}

// Listen binds the listening socket, so that Addr is known and a busy port
// fails start-up before anything is served.
func (s *Server) Listen() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		return errors.New("server: already listening")
	}
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		return fmt.Errorf("server: listen: %w", err)
	}
	s.ln = ln
	return nil
}

// Addr returns the bound address, such as "127.0.0.1:43121", or the
// configured one before Listen.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return s.addr
	}
	return s.ln.Addr().String()
}

// Serve answers requests until Shutdown, listening first if Listen was not
// called. After Shutdown it waits for Shutdown to finish and returns nil, so
// a caller that returns from main when Serve returns does not cut off
// in-flight requests.
func (s *Server) Serve() error {
	s.mu.Lock()
	ln := s.ln
	s.mu.Unlock()
	if ln == nil {
		if err := s.Listen(); err != nil {
			return err
		}
		s.mu.Lock()
		ln = s.ln
		s.mu.Unlock()
	}
	s.log.Info("serving", "addr", ln.Addr().String())
	err := s.srv.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		<-s.shutdownDone
		return nil
	}
	return fmt.Errorf("server: serve: %w", err)
}

// Shutdown stops accepting connections, closes idle ones and waits for
// in-flight requests to finish. If ctx ends first, the remaining connections
// are closed and ctx's error is returned. Calling it again returns the first
// call's result.
func (s *Server) Shutdown(ctx context.Context) error {
	s.shutdownOnce.Do(func() {
		defer close(s.shutdownDone)
		// Close a listener that Serve never took over; http.Server only
		// closes the ones it is serving. A second close is harmless.
		s.mu.Lock()
		if s.ln != nil {
			defer s.ln.Close()
		}
		s.mu.Unlock()

		err := s.srv.Shutdown(ctx)
		if err != nil {
			s.srv.Close()
			s.shutdownErr = fmt.Errorf("server: shutdown: %w", err)
			s.log.Warn("shutdown cut off in-flight requests", "err", err)
			return
		}
		s.log.Info("shut down")
	})
	<-s.shutdownDone
	return s.shutdownErr
}
