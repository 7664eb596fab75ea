package webhook

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"time"
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
	// MaxConns is how many connections are held at once. A connection
	// beyond it first closes the longest-idle one; with none idle it
	// waits in the kernel's backlog until one ends.
	MaxConns int
	// PerIP is how many of them one public address may hold (loopback and
	// private addresses, a reverse proxy's, are not counted): a
	// connection beyond it closes one of that address's idle connections,
	// or is closed at once.
	PerIP int
	// Requests is how many requests one platform's handler serves at
	// once on a server shared by two (Gate): beyond it a request is
	// answered 503 before its body is read, so that one platform's path,
	// flooded, leaves the other's its own share.
	Requests int
	// BodyBytes bounds the memory all requests' bodies past their first
	// 16 kB may hold at once (ReadBody): a request that would go over it
	// waits, at most ReadTimeout, for others to end, then is refused
	// with ErrBusy.
	BodyBytes int64
	// capLocal counts loopback and private addresses against PerIP too,
	// for tests, whose clients are all on loopback.
	capLocal bool
}

// Default are limits for platform callbacks: a platform sends a small
// request at once (5 s to read it is ample) and waits seconds, not minutes,
// for an answer.
//
// Telegram opens up to 100 connections to a webhook (setWebhook's
// max_connections, 40 unless set), all from one of its addresses, and Slack
// a few from each of many: Requests and PerIP are 100 and 128 so that
// neither platform's own deliveries are ever refused, and MaxConns, 512,
// holds both platforms' full share, 200, beside a few hundred connections
// still sending their headers (5 s at most), each costing a goroutine, its
// buffers and at most 16 kB of body (and keeps well within a process's
// usual 1,024 open files). A kept-alive connection idle for 10 s is
// closed, and sooner when the server is full: the platforms reconnect at
// the cost of a handshake, where 60 s let 600 clients sending a request a
// minute each hold the server (tester X1). The platforms' requests are a
// few kilobytes, so 8 MB of large bodies at once is ample for them, and it
// is all a flood of large bodies can take (Slack's body is read before its
// signature can be checked): without it, MaxConns bodies of a megabyte
// each. (300 clients trickling 900 kB bodies for 30 s: peak RSS 89 MB with
// 8 MB, 107 MB with 16 MB.)
var Default = Limits{ReadTimeout: 5 * time.Second, WriteTimeout: 30 * time.Second, IdleTimeout: 10 * time.Second, MaxConns: 512, PerIP: 128, Requests: 100, BodyBytes: 8 << 20}

// Server returns a server for h and ln holding at most l.MaxConns
// connections, l.PerIP from one address; serve it with srv.Serve(capped).
// Requests' contexts derive from ctx but are not cancelled with it, so a
// shutdown lets those in flight finish. ReadBody, called by h, keeps the
// server's large bodies within l.BodyBytes.
func (l Limits) Server(ctx context.Context, h http.Handler, ln net.Listener) (srv *http.Server, capped net.Listener) {
	l = l.orDefault()
	bodies := &budget{free: l.BodyBytes, total: l.BodyBytes, wait: l.ReadTimeout, freed: make(chan struct{})}
	g := newGuard(ln, l.MaxConns, l.PerIP)
	if l.capLocal {
		g.capped = func(a netip.Addr) bool { return a.IsValid() }
	}
	srv = &http.Server{
		Handler:           bodies.around(h),
		ReadHeaderTimeout: l.ReadTimeout,
		ReadTimeout:       l.ReadTimeout,
		WriteTimeout:      l.WriteTimeout,
		IdleTimeout:       l.IdleTimeout,
		ConnState:         g.state,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	return srv, g
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
	if l.PerIP <= 0 {
		l.PerIP = Default.PerIP
	}
	if l.Requests <= 0 {
		l.Requests = Default.Requests
	}
	if l.BodyBytes <= 0 {
		l.BodyBytes = Default.BodyBytes
	}
	return l
}

// Gate serves at most l.Requests requests through h at once; one more is
// answered 503, with Retry-After, before a byte of its body is read, and
// its connection closed: a platform sends it again, and a flood of
// requests that are slow to arrive (Slack's must be read whole before its
// signature says whether Slack sent it) holds only its own platform's
// share of the server. Each platform's handler has its own gate, so on a
// server shared by Telegram and Slack neither can take the other's. A gate
// is the server's, not the handler's: a server for one platform needs
// none.
func (l Limits) Gate(h http.Handler) http.Handler {
	slots := make(chan struct{}, l.orDefault().Requests)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case slots <- struct{}{}:
		default:
			refuse(w)
			return
		}
		defer func() { <-slots }()
		h.ServeHTTP(w, r)
	})
}

// busyAnswer is what a request beyond its gate is told.
const busyAnswer = "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 5\r\n\r\nbusy\n"

// refuse answers 503 and closes the connection at once. net/http, when a
// handler leaves a body unread, holds the connection half a second more
// (so that the client's unsent bytes do not reset the answer away), and
// that is the slot a refusal must give back: a flood refused the usual
// way kept a few hundred connections closing and the server's backlog
// full. The answer may then be lost to a reset; the platform retries
// either way.
func refuse(w http.ResponseWriter) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil { // not on a connection of its own (HTTP/2, a recorder)
		w.Header().Set("Connection", "close")
		w.Header().Set("Retry-After", "1")
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	defer conn.Close()
	_ = conn.SetWriteDeadline(time.Now().Add(time.Second))
	_, _ = buf.WriteString(busyAnswer)
	_ = buf.Flush()
}

// ErrBusy is returned by ReadBody when the server's large bodies hold
// Limits.BodyBytes and none ended in time: the platform sends the request
// again later.
var ErrBusy = errors.New("webhook: too many large request bodies at once")

// budget is the memory a server's large bodies may hold at once, shared by
// its requests: each takes what its body needs past the first chunk
// (lease), and gives it back when its handler ends.
type budget struct {
	total int64
	wait  time.Duration // the longest a body waits for room

	mu    sync.Mutex
	free  int64
	freed chan struct{} // closed and replaced when bytes are given back
}

// take takes n bytes (at most the whole budget), waiting up to b.wait for
// them.
func (b *budget) take(ctx context.Context, n int64) error {
	n = min(n, b.total)
	ctx, cancel := context.WithTimeout(ctx, b.wait)
	defer cancel()
	for {
		b.mu.Lock()
		if n <= b.free {
			b.free -= n
			b.mu.Unlock()
			return nil
		}
		freed := b.freed
		b.mu.Unlock()
		select {
		case <-freed:
		case <-ctx.Done():
			return fmt.Errorf("%w: waited %v for %d bytes", ErrBusy, b.wait, n)
		}
	}
}

// give gives back n bytes taken.
func (b *budget) give(n int64) {
	if n <= 0 {
		return
	}
	b.mu.Lock()
	b.free += min(n, b.total)
	close(b.freed)
	b.freed = make(chan struct{})
	b.mu.Unlock()
}

// lease is one request's share of the budget, given back when its handler
// ends (the body is the handler's until then).
type lease struct {
	b     *budget
	taken int64
}

type leaseKey struct{}

// around runs h with a lease for each request.
func (b *budget) around(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l := &lease{b: b}
		defer func() { b.give(l.taken) }()
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), leaseKey{}, l)))
	})
}

// reserve takes n more bytes for r's body from its server's budget; a
// request served elsewhere (a test calling the handler) has none to keep.
func reserve(r *http.Request, n int64) error {
	l, ok := r.Context().Value(leaseKey{}).(*lease)
	if !ok {
		return nil
	}
	if err := l.b.take(r.Context(), n); err != nil {
		return err
	}
	l.taken += min(n, l.b.total)
	return nil
}

// ErrTooLarge is returned by ReadBody when a body is over its limit.
var ErrTooLarge = errors.New("webhook: request body too large")

// ReadBody reads r's body, at most limit bytes. A body declared or found
// larger returns ErrTooLarge, having read nothing of one declared so; a read
// cut short (most often by the server's read timeout: a client too slow to
// be the platform) returns that error, wrapped.
//
// A body of known length is read into one buffer of that length once its
// first 16 kB have come, not grown by doubling, and only once the server's
// budget for large bodies (Limits.BodyBytes) has room for it; one of
// unknown length past 16 kB takes limit from that budget. A client that
// sends headers alone costs 16 kB, and all of them together, however
// slow, hold at most MaxConns × 16 kB plus BodyBytes. A body that finds no
// room within the read timeout returns ErrBusy.
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
		b, err = readKnown(body, n, func() error { return reserve(r, n) })
	} else {
		b, err = readUnknown(body, func() error { return reserve(r, limit) })
	}
	var tooLarge *http.MaxBytesError
	switch {
	case errors.Is(err, ErrBusy):
		return nil, err
	case errors.As(err, &tooLarge):
		return nil, fmt.Errorf("%w: over %d bytes", ErrTooLarge, limit)
	case err != nil:
		return nil, fmt.Errorf("webhook: read request body: %w", err)
	}
	return b, nil
}

// firstChunk is what ReadBody reads before it allocates a whole body from
// the server's budget: more than the platforms' requests (a few kB), so
// theirs never wait for it, and small enough that every connection the
// server holds may have one.
const firstChunk = 16 << 10

// readKnown reads a body of n bytes: the first firstChunk into a small
// buffer, the rest, once room is reserved, into one of n bytes.
func readKnown(r io.Reader, n int64, reserve func() error) ([]byte, error) {
	head := make([]byte, min(n, firstChunk))
	if _, err := io.ReadFull(r, head); err != nil {
		return nil, err
	}
	if int64(len(head)) == n {
		return head, nil
	}
	if err := reserve(); err != nil {
		return nil, err
	}
	b := make([]byte, n)
	copy(b, head)
	if _, err := io.ReadFull(r, b[len(head):]); err != nil {
		return nil, err
	}
	return b, nil
}

// readUnknown reads a body of unknown length: the first firstChunk, then,
// if there is more and once room is reserved, the rest.
func readUnknown(r io.Reader, reserve func() error) ([]byte, error) {
	head, err := io.ReadAll(io.LimitReader(r, firstChunk))
	if err != nil || len(head) < firstChunk {
		return head, err
	}
	if err := reserve(); err != nil {
		return nil, err
	}
	rest, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return append(head, rest...), nil
}
