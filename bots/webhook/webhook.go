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

// Default are limits for platform callbacks: a platform sends a small
// request at once (5 s to read it is ample) and waits seconds, not minutes,
// for an answer. Telegram opens 40 connections to a webhook unless told
// otherwise, Slack a few. Up to MaxConns bodies of up to a megabyte may be
// held at once (Slack's body is read before its signature can be checked),
// which bounds the memory a flood can take.
var Default = Limits{ReadTimeout: 5 * time.Second, WriteTimeout: 30 * time.Second, IdleTimeout: 60 * time.Second, MaxConns: 64}

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
//
// A body of known length is read into one buffer of that length once its
// first 64 kB have come, not grown by doubling: a server holding MaxConns
// large bodies then holds about MaxConns × limit, not twice that in
// abandoned buffers, and a client that sends headers alone costs 64 kB.
func ReadBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if r.ContentLength > limit {
		return nil, fmt.Errorf("%w: %d bytes declared, %d allowed", ErrTooLarge, r.ContentLength, limit)
	}
	body := http.MaxBytesReader(w, r.Body, limit)
	var (
		b   []byte
		err error
	)
	if n := r.ContentLength; n >= 0 {
		b, err = readKnown(body, n)
	} else {
		b, err = io.ReadAll(body)
	}
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, fmt.Errorf("%w: over %d bytes", ErrTooLarge, limit)
	case err != nil:
		return nil, fmt.Errorf("webhook: read request body: %w", err)
	}
	return b, nil
}

// firstChunk is what ReadBody reads before it allocates a whole body.
const firstChunk = 64 << 10

// readKnown reads a body of n bytes: the first firstChunk into a small
// buffer, the rest into one of n bytes.
func readKnown(r io.Reader, n int64) ([]byte, error) {
	head := make([]byte, min(n, firstChunk))
	if _, err := io.ReadFull(r, head); err != nil {
		return nil, err
	}
	if int64(len(head)) == n {
		return head, nil
	}
	b := make([]byte, n)
	copy(b, head)
	if _, err := io.ReadFull(r, b[len(head):]); err != nil {
		return nil, err
	}
	return b, nil
}
