// Package webhook makes the HTTP servers the platforms call back (Telegram's
// webhook, Slack's HTTP mode, or one server for both), bounded so that a
// slow or hostile client cannot hold them: each connection costs a goroutine
// and up to a body's worth of memory, so a request trickled slower than the
// read timeout is cut off, an answer that cannot be written in time is
// dropped, an idle kept-alive connection is closed, and no more than
// MaxConns connections are served at once (the rest wait in the kernel's
// backlog until one ends). Checking who is calling before reading a body is
// each handler's job.
package webhook

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"golang.org/x/net/netutil"
)

// Limits bound one server. A zero field takes Default's.
type Limits struct {
	// ReadTimeout bounds reading a request, headers and body: the
	// platforms send both at once.
	ReadTimeout time.Duration
	// WriteTimeout bounds the time from the end of the request's headers
	// to the end of the answer, the handler's own work included.
	WriteTimeout time.Duration
	// IdleTimeout closes a kept-alive connection that has no request.
	IdleTimeout time.Duration
	// MaxConns is how many connections are served at once.
	MaxConns int
}

// Default are limits for platform callbacks: a platform sends small bodies
// at once and waits seconds, not minutes, for an answer.
var Default = Limits{ReadTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second, IdleTimeout: 60 * time.Second, MaxConns: 128}

// Server returns a server for h and ln capped at l.MaxConns connections;
// serve it with srv.Serve(capped). Requests' contexts derive from ctx but
// are not cancelled with it, so a shutdown lets those in flight finish.
func (l Limits) Server(ctx context.Context, h http.Handler, ln net.Listener) (srv *http.Server, capped net.Listener) {
	l = l.orDefault()
	srv = &http.Server{
		Handler:           h,
		ReadHeaderTimeout: l.ReadTimeout,
		ReadTimeout:       l.ReadTimeout,
		WriteTimeout:      l.WriteTimeout,
		IdleTimeout:       l.IdleTimeout,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	return srv, netutil.LimitListener(ln, l.MaxConns)
}

func (l Limits) orDefault() Limits {
	if l.ReadTimeout <= 0 {
		l.ReadTimeout = Default.ReadTimeout
	}
	if l.WriteTimeout <= 0 {
		l.WriteTimeout = Default.WriteTimeout
	}
	if l.IdleTimeout <= 0 {
		l.IdleTimeout = Default.IdleTimeout
	}
	if l.MaxConns <= 0 {
		l.MaxConns = Default.MaxConns
	}
	return l
}

// ErrTooLarge is returned by ReadBody when a body is over its limit.
var ErrTooLarge = errors.New("webhook: request body too large")

// ReadBody reads r's body, at most limit bytes. A body declared or found
// larger returns ErrTooLarge, having read nothing of one declared so; a read
// cut short (most often by the server's read timeout: a client too slow to
// be the platform) returns that error, wrapped.
func ReadBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if r.ContentLength > limit {
		return nil, fmt.Errorf("%w: %d bytes declared, %d allowed", ErrTooLarge, r.ContentLength, limit)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, fmt.Errorf("%w: over %d bytes", ErrTooLarge, limit)
	case err != nil:
		return nil, fmt.Errorf("webhook: read request body: %w", err)
	}
	return body, nil
}
